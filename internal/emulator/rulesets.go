package emulator

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// Repository rulesets: GitHub's REST docs, "Rules" (https://docs.github.com/rest/repos/rules),
// and "About rulesets". A new github.com repository has none.
//
// This is the first slice: repository rulesets targeting branches, with their
// ref_name conditions, stored and answered for every rule type the API
// description accepts (the checker has already refused any other shape), and
// enforced for what the emulator knows how to enforce: the pull_request rule's
// allowed_merge_methods (rulesAllowMethod) and its reviews, and
// required_status_checks, on merges (requirements.go); merge_queue
// (mergequeue.go); the rules that apply to pushes and ref creation (pushrules.go).

// ruleset is one repository ruleset.
type ruleset struct {
	ID          int64
	Name        string
	Target      string // branch, tag or push; tag rulesets are matched on pushes and ref creation only (pushrules.go)
	Enforcement string // active, disabled or evaluate
	// Include and Exclude are conditions.ref_name: fnmatch patterns of full ref
	// names (refs/heads/main), or ~DEFAULT_BRANCH, or ~ALL.
	Include, Exclude []string
	// BypassActors are kept as given and answered back; pushes and ref
	// creation honour them (store.bypasses), and merges (bypassesLayer).
	BypassActors []any
	Rules        []rule
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// rule is one rule of a ruleset: its type as the REST API names it
// (pull_request, required_status_checks, …) and its parameters as given,
// so that every rule type round-trips and the enforced ones read theirs.
type rule struct {
	Type       string
	Parameters map[string]any // nil for a rule type without parameters
}

// appliesTo reports whether the ruleset's conditions select the branch. The
// patterns use fnmatch syntax with File::FNM_PATHNAME ("*" does not match "/",
// "**/" matches any number of directories) against the full ref name, and
// ~DEFAULT_BRANCH and ~ALL name the default branch and every branch (REST
// docs, "Create a repository ruleset", conditions.ref_name.include: "Also
// accepts ~DEFAULT_BRANCH to include the default branch or ~ALL to include all
// branches"; GitHub docs, "About rulesets": "You can use fnmatch syntax to
// define a pattern to target specific branches and tags. For example, you could
// use the pattern releases/**/* to target all branches in your repository whose
// name starts with the string releases/", and "Creating rulesets for a
// repository", "Using fnmatch syntax", whose text could not be read here). A
// branch must match an include pattern and no exclude pattern.
func (rs *ruleset) appliesTo(r *repo, branch string) bool {
	if rs.Target != "branch" {
		return false
	}
	ref := "refs/heads/" + branch
	matches := func(patterns []string) bool {
		for _, p := range patterns {
			switch {
			case p == "~ALL",
				p == "~DEFAULT_BRANCH" && branch == r.DefaultBranch,
				refPatternMatch(p, ref):
				return true
			}
		}
		return false
	}
	return matches(rs.Include) && !matches(rs.Exclude)
}

// refPatternMatch is Ruby's File.fnmatch(pattern, name, File::FNM_PATHNAME),
// which GitHub's ruleset conditions use: "*", "?" and "[…]" stay within one
// path segment, and a "**/" segment matches zero or more whole segments.
func refPatternMatch(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" && len(pat) > 1 {
			for skip := 0; skip <= len(name); skip++ {
				if matchSegments(pat[1:], name[skip:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		seg := pat[0]
		if seg == "**" {
			seg = "*" // a trailing "**" is a "*" (FNM_PATHNAME treats only "**/" specially)
		}
		if ok, err := path.Match(seg, name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// appliedRule is a rule of an active ruleset that applies to a branch.
type appliedRule struct {
	rule
	set   *ruleset
	index int // in set.Rules
}

// branchRules are the rules of the active rulesets that apply to the branch,
// in the order of the rulesets' creation. REST docs, "Get rules for a branch":
// "Rules in rulesets with "evaluate" or "disabled" enforcement statuses are
// not returned" — and they are not enforced either.
func (r *repo) branchRules(branch string) []appliedRule {
	var out []appliedRule
	for _, rs := range r.rulesets {
		if rs.Enforcement != "active" || !rs.appliesTo(r, branch) {
			continue
		}
		for i, ru := range rs.Rules {
			out = append(out, appliedRule{rule: ru, set: rs, index: i})
		}
	}
	return out
}

// rulesAllowMethod reports whether the active pull_request rules on the branch
// allow the merge method: every such rule with allowed_merge_methods must list
// it. GitHub docs, "About rulesets", "About rule layering": the rules of the
// rulesets that target the same branch are aggregated, and where one rule is
// set differently, the most restrictive version applies (paraphrased: the
// page's exact sentence could not be read here).
func (r *repo) rulesAllowMethod(branch, method string) bool {
	for _, ar := range r.branchRules(branch) {
		if ar.Type != "pull_request" {
			continue
		}
		if allowed, ok := ar.Parameters["allowed_merge_methods"].([]any); ok && !slices.Contains(allowed, any(method)) {
			return false
		}
	}
	return true
}

// needsPullRequest says, in GitHub's words, why a change made directly on the
// branch (a commit through the API) is refused: an active pull_request rule
// applies to it ("" when none does). GitHub's answer lists the violated rules
// under "Repository rule violations found" (the same lines git prints after
// GH013; satisfactory-factories/application#67, wheels-dev/wheels#3283).
func (r *repo) needsPullRequest(branch string) string {
	for _, ar := range r.branchRules(branch) {
		if ar.Type == "pull_request" {
			return "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"
		}
	}
	return ""
}

// ruleset finds one of the repository's rulesets by ID.
func (r *repo) ruleset(id int) *ruleset {
	for _, rs := range r.rulesets {
		if rs.ID == int64(id) {
			return rs
		}
	}
	return nil
}

// setRuleset fills rs, a copy of the stored ruleset old (nil when creating),
// from a create or update request's body: the fields present replace what rs
// had (PUT "Update a repository ruleset" takes the same fields as create, each
// optional).
func (q *req) setRuleset(rs, old *ruleset) error {
	if q.has("name") {
		rs.Name = q.str("name")
	}
	if q.has("target") {
		rs.Target = q.str("target")
	}
	if q.has("enforcement") {
		rs.Enforcement = q.str("enforcement")
	}
	if v, ok := q.body["bypass_actors"].([]any); ok {
		rs.BypassActors = v
	}
	if c, ok := q.body["conditions"].(map[string]any); ok {
		ref, _ := c["ref_name"].(map[string]any)
		rs.Include, rs.Exclude = listArg(ref["include"]), listArg(ref["exclude"])
	}
	if list, ok := q.body["rules"].([]any); ok {
		rs.Rules = nil
		for _, item := range list {
			m, _ := item.(map[string]any)
			ru := rule{Type: fmt.Sprint(m["type"])}
			if ru.Type == "merge_queue" && !siteOf(q.r).has(featureMergeQueueRule) {
				return invalidRule(ru.Type)
			}
			ru.Parameters, _ = m["parameters"].(map[string]any)
			if ru.Type == "pull_request" {
				if ru.Parameters == nil {
					ru.Parameters = map[string]any{}
				}
				// REST docs, allowed_merge_methods: "At least one option must be
				// enabled". GitHub's exact answer to an empty list is not
				// documented; this is its usual 422 shape. An absent list
				// allows every method, as a new ruleset in the web UI does.
				methods, present := ru.Parameters["allowed_merge_methods"].([]any)
				if !present {
					ru.Parameters["allowed_merge_methods"] = []any{"merge", "squash", "rebase"}
				} else if len(methods) == 0 {
					return validationFailed("Ruleset", "rules", "invalid", "Invalid rule 'pull_request': allowed_merge_methods must have at least one option enabled")
				}
			}
			rs.Rules = append(rs.Rules, ru)
		}
	}
	if rs.Name == "" {
		return validationFailed("Ruleset", "name", "missing_field", "")
	}
	for _, other := range q.repo.rulesets {
		if other != old && strings.EqualFold(other.Name, rs.Name) {
			// GitHub's wording for a duplicate name is not in the docs; the most likely one.
			return validationFailed("Ruleset", "name", "already_exists", "Name must be unique")
		}
	}
	if rs.Target == "" {
		rs.Target = "branch" // REST docs: target "Default: branch"
	}
	return nil
}

// invalidRule is GitHub's answer to a ruleset with a rule type the server
// does not offer: github.com answers a merge_queue rule where the queue is
// unavailable (a personal account's repository) 422 {"message":"Validation
// Failed","errors":["Invalid rule 'merge_queue': "],"status":"422"}
// (s4k10503/velvet#298). A GitHub Enterprise Server before the rule type
// (versions.go) is assumed to answer the same; its own answer was not found.
func invalidRule(typ string) *apiError {
	return &apiError{Status: 422, Message: "Validation Failed", Lines: []string{"Invalid rule '" + typ + "': "}}
}

func (s *Server) rulesetLinks(r *repo, rs *ruleset) map[string]any {
	return map[string]any{
		"self": map[string]any{"href": fmt.Sprintf("%s/repos/%s/rulesets/%d", apiURL, r.fullName(), rs.ID)},
		"html": map[string]any{"href": fmt.Sprintf("%s/%s/rules/%d", webURL, r.fullName(), rs.ID)},
	}
}

// rulesetJSON is a repository ruleset as "Get a repository ruleset" answers it;
// full is false for the list, which GitHub answers without conditions and rules
// (the REST docs' example answer of "Get all repository rulesets").
func (s *Server) rulesetJSON(r *repo, rs *ruleset, full bool, login string) map[string]any {
	out := map[string]any{
		"id": rs.ID, "name": rs.Name, "target": rs.Target, "source_type": "Repository", "source": r.fullName(),
		"enforcement": rs.Enforcement, "node_id": nodeID("RRS", rs.ID), "_links": s.rulesetLinks(r, rs),
		"created_at": ts(rs.CreatedAt), "updated_at": ts(rs.UpdatedAt),
	}
	if !full {
		return out
	}
	actors := rs.BypassActors
	if actors == nil {
		actors = []any{}
	}
	rules := []map[string]any{}
	for _, ru := range rs.Rules {
		rules = append(rules, ru.json())
	}
	out["bypass_actors"] = actors
	out["current_user_can_bypass"] = s.st.canBypass(rs, r, login)
	out["conditions"] = map[string]any{"ref_name": map[string]any{"include": nonNil(rs.Include), "exclude": nonNil(rs.Exclude)}}
	out["rules"] = rules
	return out
}

func (ru rule) json() map[string]any {
	out := map[string]any{"type": ru.Type}
	if ru.Parameters != nil {
		out["parameters"] = ru.Parameters
	}
	return out
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func (s *Server) listRulesets(q *req) (int, any, error) {
	list := []map[string]any{}
	for _, rs := range q.repo.rulesets {
		list = append(list, s.rulesetJSON(q.repo, rs, false, q.login))
	}
	return 200, page(q, list), nil
}

func (s *Server) createRuleset(q *req) (int, any, error) {
	now := s.st.now()
	rs := &ruleset{ID: s.st.id(), CreatedAt: now, UpdatedAt: now}
	if err := q.setRuleset(rs, nil); err != nil {
		return 0, nil, err
	}
	q.repo.rulesets = append(q.repo.rulesets, rs)
	s.st.noteMergeInputsAll(q.repo)
	return 201, s.rulesetJSON(q.repo, rs, true, q.login), nil
}

func (s *Server) getRuleset(q *req) (int, any, error) {
	rs := q.repo.ruleset(q.intParam("ruleset_id"))
	if rs == nil {
		return 0, nil, notFound()
	}
	return 200, s.rulesetJSON(q.repo, rs, true, q.login), nil
}

func (s *Server) updateRuleset(q *req) (int, any, error) {
	rs := q.repo.ruleset(q.intParam("ruleset_id"))
	if rs == nil {
		return 0, nil, notFound()
	}
	next := *rs
	if err := q.setRuleset(&next, rs); err != nil {
		return 0, nil, err
	}
	next.UpdatedAt = s.st.now()
	*rs = next
	s.st.noteMergeInputsAll(q.repo)
	return 200, s.rulesetJSON(q.repo, rs, true, q.login), nil
}

func (s *Server) deleteRuleset(q *req) (int, any, error) {
	rs := q.repo.ruleset(q.intParam("ruleset_id"))
	if rs == nil {
		return 0, nil, notFound()
	}
	q.repo.rulesets = slices.DeleteFunc(q.repo.rulesets, func(x *ruleset) bool { return x == rs })
	s.st.noteMergeInputsAll(q.repo)
	return 204, nil, nil
}

// getBranchRules answers "Get rules for a branch": each rule of the active
// rulesets that apply, with ruleset_source_type, ruleset_source and ruleset_id.
// "The branch does not need to exist; rules that would apply to a branch with
// that name will be returned."
func (s *Server) getBranchRules(q *req) (int, any, error) {
	list := []map[string]any{}
	for _, ar := range q.repo.branchRules(q.params["branch"]) {
		m := ar.json()
		m["ruleset_source_type"], m["ruleset_source"], m["ruleset_id"] = "Repository", q.repo.fullName(), ar.set.ID
		list = append(list, m)
	}
	return 200, page(q, list), nil
}

// GraphQL: Ref.rules, Repository.rulesets, RepositoryRuleset and RepositoryRule.

// gqlRuleParamTypes names the RuleParameters member of each rule type with
// parameters (schema: union RuleParameters).
var gqlRuleParamTypes = map[string]string{
	"pull_request": "PullRequestParameters", "required_status_checks": "RequiredStatusChecksParameters",
	"update": "UpdateParameters", "merge_queue": "MergeQueueParameters", "required_deployments": "RequiredDeploymentsParameters",
	"branch_name_pattern": "BranchNamePatternParameters", "tag_name_pattern": "TagNamePatternParameters",
	"commit_message_pattern": "CommitMessagePatternParameters", "commit_author_email_pattern": "CommitAuthorEmailPatternParameters",
	"committer_email_pattern": "CommitterEmailPatternParameters", "workflows": "WorkflowsParameters", "code_scanning": "CodeScanningParameters",
	"file_path_restriction": "FilePathRestrictionParameters", "file_extension_restriction": "FileExtensionRestrictionParameters",
	"max_file_path_length": "MaxFilePathLengthParameters", "max_file_size": "MaxFileSizeParameters",
}

// gqlRule is a RepositoryRule. Its parameters carry the REST parameters under
// GraphQL's camelCase names (scalars and lists of scalars; nested objects are
// for the rule types issue #16 adds). allowedMergeMethods is a list of the
// REST values in upper case, as the PullRequestAllowedMergeMethods enum that
// later schemas give the field (MERGE, SQUASH, REBASE); the schema embedded
// here types it [String!].
func (g *gqlCtx) gqlRule(r *repo, rs *ruleset, i int, ru rule) gql.Object {
	var params any
	if typ, ok := gqlRuleParamTypes[ru.Type]; ok && ru.Parameters != nil {
		f := map[string]any{}
		for k, v := range ru.Parameters {
			if _, nested := v.(map[string]any); nested {
				continue
			}
			f[camelCase(k)] = v
		}
		if ru.Type == "pull_request" {
			var methods []any
			for _, m := range listArg(ru.Parameters["allowed_merge_methods"]) {
				methods = append(methods, strings.ToUpper(m))
			}
			f["allowedMergeMethods"] = methods
			for _, k := range []string{"dismissStaleReviewsOnPush", "requireCodeOwnerReview", "requireLastPushApproval", "requiredReviewThreadResolution"} {
				if _, ok := f[k]; !ok {
					f[k] = false
				}
			}
			n, _ := ru.Parameters["required_approving_review_count"].(float64)
			f["requiredApprovingReviewCount"] = int(n)
		}
		if ru.Type == "required_status_checks" {
			// RequiredStatusChecksParameters: requiredStatusChecks is a list of
			// StatusCheckConfiguration { context integrationId } (REST
			// required_status_checks[] { context, integration_id }).
			checks := []any{}
			list, _ := ru.Parameters["required_status_checks"].([]any)
			for _, c := range list {
				m, _ := c.(map[string]any)
				var id any
				if n, ok := m["integration_id"].(float64); ok {
					id = int(n)
				}
				checks = append(checks, gql.Fields{Type: "StatusCheckConfiguration", F: map[string]any{"context": m["context"], "integrationId": id}})
			}
			f["requiredStatusChecks"] = checks
			for _, k := range []string{"strictRequiredStatusChecksPolicy", "doNotEnforceOnCreate"} {
				if _, ok := f[k]; !ok {
					f[k] = false
				}
			}
		}
		if ru.Type == "merge_queue" {
			// MergeQueueParameters: the seven REST parameters (all required by
			// the REST description), counts as Int, mergeMethod and
			// groupingStrategy as their enums (the REST values, upper case).
			for k, v := range f {
				if n, ok := v.(float64); ok {
					f[k] = int(n)
				}
			}
			for _, k := range []string{"mergeMethod", "groupingStrategy"} {
				if v, ok := f[k].(string); ok {
					f[k] = strings.ToUpper(v)
				}
			}
		}
		params = gql.Fields{Type: typ, F: f}
	}
	return gql.Fields{Type: "RepositoryRule", F: map[string]any{
		"id":   nodeID("RR", rs.ID*1000+int64(i)),
		"type": strings.ToUpper(ru.Type), "parameters": params,
		"repositoryRuleset": func() any { return g.gqlRuleset(r, rs) },
	}}
}

func camelCase(snake string) string {
	parts := strings.Split(snake, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// gqlRefRules is Ref.rules: the rules of the active rulesets that apply to the
// branch, as REST's "Get rules for a branch" lists them. GitHub's GraphQL
// reference describes the field as the repository rules that apply to the
// ref; its exact wording, and whether it too leaves out evaluate rulesets,
// could not be read here: the emulator answers as REST does.
func (g *gqlCtx) gqlRefRules(r *repo, branch string, a args) gql.Object {
	var items []any
	for _, ar := range r.branchRules(branch) {
		items = append(items, g.gqlRule(r, ar.set, ar.index, ar.rule))
	}
	return connection("RepositoryRuleConnection", items, a)
}

func (g *gqlCtx) gqlRuleset(r *repo, rs *ruleset) gql.Object {
	return gql.Fields{Type: "RepositoryRuleset", F: map[string]any{
		"id": nodeID("RRS", rs.ID), "databaseId": int(rs.ID), "name": rs.Name,
		"enforcement": strings.ToUpper(rs.Enforcement), "target": strings.ToUpper(rs.Target),
		"createdAt": rs.CreatedAt, "updatedAt": rs.UpdatedAt,
		"source": func() any { return g.repo(r) },
		"conditions": gql.Fields{Type: "RepositoryRuleConditions", F: map[string]any{
			"refName":        gql.Fields{Type: "RefNameConditionTarget", F: map[string]any{"include": nonNil(rs.Include), "exclude": nonNil(rs.Exclude)}},
			"repositoryId":   nil,
			"repositoryName": nil, "repositoryProperty": nil,
		}},
		"rules": func(a args) any {
			var items []any
			for i, ru := range rs.Rules {
				if t := argStr(a, "type"); t == "" || strings.EqualFold(t, ru.Type) {
					items = append(items, g.gqlRule(r, rs, i, ru))
				}
			}
			return connection("RepositoryRuleConnection", items, a)
		},
		"bypassActors": func(a args) any { return g.gqlBypassActors(r, rs, a) },
	}}
}

// gqlBypassActors is RepositoryRuleset.bypassActors: one
// RepositoryRulesetBypassActor per REST bypass actor. A repository role is
// named by repositoryRoleDatabaseId and repositoryRoleName (the built-in
// roles of repositoryRoleIDs), the organization's owners by organizationAdmin;
// actor (an App or a Team) is null, the emulator having neither apps nor
// team bypass actors; bypassMode is PULL_REQUEST for the REST bypass_mode
// "pull_request", ALWAYS otherwise (the REST default; the schema here has no
// EXEMPT).
func (g *gqlCtx) gqlBypassActors(r *repo, rs *ruleset, a args) gql.Object {
	var items []any
	for i, x := range rs.BypassActors {
		m, _ := x.(map[string]any)
		mode := "ALWAYS" // "always", "exempt" (not in this schema's enum) or absent
		if m["bypass_mode"] == "pull_request" {
			mode = "PULL_REQUEST"
		}
		id, _ := m["actor_id"].(float64)
		var roleID, roleName any
		if m["actor_type"] == "RepositoryRole" {
			roleID = int(id)
			if name := repositoryRoleIDs[id]; name != "" {
				roleName = name
			}
		}
		items = append(items, gql.Fields{Type: "RepositoryRulesetBypassActor", F: map[string]any{
			"id": nodeID("RBA", rs.ID*1000+int64(i)), "actor": nil, "bypassMode": mode,
			"deployKey": m["actor_type"] == "DeployKey", "enterpriseOwner": m["actor_type"] == "EnterpriseOwner",
			"organizationAdmin":        m["actor_type"] == "OrganizationAdmin",
			"repositoryRoleDatabaseId": roleID, "repositoryRoleName": roleName,
			"repositoryRuleset": func() any { return g.gqlRuleset(r, rs) },
		}})
	}
	return connection("RepositoryRulesetBypassActorConnection", items, a)
}

// gqlRulesets is Repository.rulesets: the repository's own rulesets (no
// organization exists above a user's repository; includeParents changes nothing).
func (g *gqlCtx) gqlRulesets(r *repo, a args) gql.Object {
	targets := enumSet(a["targets"])
	var items []any
	for _, rs := range r.rulesets {
		if targets == nil || targets[strings.ToUpper(rs.Target)] {
			items = append(items, g.gqlRuleset(r, rs))
		}
	}
	return connection("RepositoryRulesetConnection", items, a)
}
