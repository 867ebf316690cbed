package emulator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// Classic branch protection: REST docs, "Protected branches"
// (https://docs.github.com/rest/branches/branch-protection), and GitHub docs,
// "About protected branches". A new github.com repository protects no branch.
//
// Stored as "Update branch protection" takes it and answered in the shape of
// "Get branch protection"; enforced on merges (requirements.go, with rulesets'
// requirements: "Rulesets work alongside any branch protection rules", "About
// rulesets") and on git pushes (protectionViolations). Restrictions (who may
// push), lock_branch, block_creations, required conversation resolution and
// required signatures are stored and answered, not enforced.

// adminBypassesProtection reports whether login may step around the branch's
// protection: an administrator of the repository, unless enforce_admins is set.
// GitHub docs, "Managing a branch protection rule", "Do not allow bypassing the
// above settings": "By default, the restrictions of a branch protection rule do
// not apply to people with admin permissions to the repository"; older docs,
// "Working with protected branches": "If you're a repository administrator, you
// can merge pull requests on branches with branch protections enabled even if
// the pull request does not meet the requirements, unless branch protections
// have been set to 'Include administrators.'" (the web UI's "Merge without
// waiting for requirements to be met (bypass branch protections)",
// coastwatch-training/CoastWatch-Tutorials#73).
func (s *store) adminBypassesProtection(r *repo, prot *protection, login string) bool {
	return login != "" && !prot.EnforceAdmins && s.repoRole(r, login) == "admin"
}

func (s *Server) protectionJSON(r *repo, branch string, p *protection) map[string]any {
	base := apiURL + "/repos/" + r.fullName() + "/branches/" + branch + "/protection"
	enabled := func(on bool) map[string]any { return map[string]any{"enabled": on} }
	out := map[string]any{"url": base,
		"enforce_admins":                   map[string]any{"url": base + "/enforce_admins", "enabled": p.EnforceAdmins},
		"required_signatures":              map[string]any{"url": base + "/required_signatures", "enabled": false},
		"required_linear_history":          enabled(p.LinearHistory),
		"allow_force_pushes":               enabled(p.ForcePushes),
		"allow_deletions":                  enabled(p.Deletions),
		"block_creations":                  enabled(p.BlockCreations),
		"required_conversation_resolution": enabled(p.ConversationResolution),
		"lock_branch":                      enabled(p.LockBranch),
		"allow_fork_syncing":               enabled(p.ForkSyncing),
	}
	if p.ChecksRequired {
		checks := []map[string]any{}
		for i, c := range p.RequiredContexts {
			checks = append(checks, map[string]any{"context": c, "app_id": p.CheckApps[i]})
		}
		out["required_status_checks"] = map[string]any{"url": base + "/required_status_checks", "strict": p.Strict,
			"contexts": append([]string{}, p.RequiredContexts...), "checks": checks, "contexts_url": base + "/required_status_checks/contexts"}
	}
	if p.Reviews {
		out["required_pull_request_reviews"] = map[string]any{"url": base + "/required_pull_request_reviews",
			"required_approving_review_count": p.RequiredApprovals, "dismiss_stale_reviews": p.DismissStale,
			"require_code_owner_reviews": p.CodeOwners, "require_last_push_approval": p.LastPush}
	}
	if p.Restrictions != nil {
		list := func(k string) []any {
			v, _ := p.Restrictions[k].([]any)
			if v == nil {
				v = []any{}
			}
			return v
		}
		users := []any{}
		for _, u := range list("users") {
			users = append(users, s.userJSON(fmt.Sprint(u)))
		}
		teams := []any{}
		if o := s.st.org(r.Owner); o != nil {
			for _, slug := range list("teams") {
				if t := o.teamOrNil(fmt.Sprint(slug)); t != nil {
					teams = append(teams, s.teamJSON(o, t))
				}
			}
		}
		out["restrictions"] = map[string]any{"url": base + "/restrictions", "users_url": base + "/restrictions/users",
			"teams_url": base + "/restrictions/teams", "apps_url": base + "/restrictions/apps",
			"users": users, "teams": teams, "apps": []any{}}
	}
	return out
}

func (s *Server) getProtection(q *req) (int, any, error) {
	p := q.repo.protection[q.params["branch"]]
	if p == nil {
		return 0, nil, &apiError{Status: 404, Message: "Branch not protected"}
	}
	return 200, s.protectionJSON(q.repo, q.params["branch"], p), nil
}

// updateProtection replaces the branch's protection (REST docs, "Update branch
// protection": "Protecting a branch requires admin or owner permissions to the
// repository"; the four required fields may be null, the rest default to
// false). required_pull_request_reviews without required_approving_review_count
// requires one approval, as the web UI's "Require approvals" does.
func (s *Server) updateProtection(q *req) (int, any, error) {
	branch := q.params["branch"]
	if q.repo.git.branchSHA(branch) == "" {
		return 0, nil, &apiError{Status: 404, Message: "Branch not found"}
	}
	p := &protection{CreatedAt: s.st.now()}
	if old := q.repo.protection[branch]; old != nil {
		p.CreatedAt = old.CreatedAt
	}
	if rsc, ok := q.body["required_status_checks"].(map[string]any); ok {
		p.ChecksRequired = true
		p.Strict, _ = rsc["strict"].(bool)
		add := func(ctx string, app any) {
			if !slices.Contains(p.RequiredContexts, ctx) {
				p.RequiredContexts = append(p.RequiredContexts, ctx)
				p.CheckApps = append(p.CheckApps, app)
			}
		}
		// "checks": "The list of status checks to require in order to merge into
		// this branch"; "contexts" is its deprecated list of names.
		if cs, ok := rsc["checks"].([]any); ok {
			for _, c := range cs {
				if m, ok := c.(map[string]any); ok {
					add(fmt.Sprint(m["context"]), m["app_id"])
				}
			}
		}
		if cs, ok := rsc["contexts"].([]any); ok {
			for _, c := range cs {
				add(fmt.Sprint(c), nil)
			}
		}
	}
	if rv, ok := q.body["required_pull_request_reviews"].(map[string]any); ok {
		p.Reviews = true
		p.RequiredApprovals = 1
		if n, set := rv["required_approving_review_count"].(float64); set {
			p.RequiredApprovals = int(n)
		}
		p.DismissStale, _ = rv["dismiss_stale_reviews"].(bool)
		p.CodeOwners, _ = rv["require_code_owner_reviews"].(bool)
		p.LastPush, _ = rv["require_last_push_approval"].(bool)
	}
	p.EnforceAdmins, _ = q.boolean("enforce_admins")
	if rs, ok := q.body["restrictions"].(map[string]any); ok {
		p.Restrictions = rs
	}
	p.LinearHistory, _ = q.boolean("required_linear_history")
	p.ForcePushes, _ = q.boolean("allow_force_pushes")
	p.Deletions, _ = q.boolean("allow_deletions")
	p.BlockCreations, _ = q.boolean("block_creations")
	p.ConversationResolution, _ = q.boolean("required_conversation_resolution")
	p.LockBranch, _ = q.boolean("lock_branch")
	p.ForkSyncing, _ = q.boolean("allow_fork_syncing")
	q.repo.protection[branch] = p
	s.st.noteMergeInputsAll(q.repo)
	return 200, s.protectionJSON(q.repo, branch, p), nil
}

// deleteProtection removes the branch's protection: 204, or 404 "Branch not
// protected" when it has none (REST docs, "Delete branch protection").
func (s *Server) deleteProtection(q *req) (int, any, error) {
	branch := q.params["branch"]
	if q.repo.protection[branch] == nil {
		return 0, nil, &apiError{Status: 404, Message: "Branch not protected"}
	}
	delete(q.repo.protection, branch)
	s.st.noteMergeInputsAll(q.repo)
	return 204, nil, nil
}

// protectionViolations are GitHub's lines refusing the ref update u under the
// protection of its branch, empty when it may move (or nothing protects it, or
// login is an administrator the protection does not bind). Users quote them
// after "remote: error: GH006: Protected branch update failed for refs/heads/…",
// each as "- <line>" between empty lines in today's layout (cloudfoundry/app-autoscaler#857,
// FlowFuse/device-agent#732, foundry-rs/block-explorers#110), with git's
// "! [remote rejected] … (protected branch hook declined)":
//
//   - required pull request reviews: "Changes must be made through a pull request."
//   - required status checks the new commit lacks: `Required status check "X" is
//     expected.` for one (FlowFuse/device-agent#732), "N of M required status
//     checks are expected." for several (cloudfoundry/app-autoscaler#857,
//     kubeflow/pipelines#4384)
//   - force push without allow_force_pushes: "Cannot force-push to this
//     protected branch" (JamesIves/github-pages-deploy-action#171,
//     timescale/timescaledb-toolkit#500)
//   - deletion without allow_deletions: "Cannot delete this protected branch"
//     (OSGeo/grass#1286, openshift/release#6763)
//
// Creating a branch is not refused: protection applies to an existing branch
// (the PUT above answers 404 for a branch that does not exist).
func (s *store) protectionViolations(r *repo, u refUpdate, login string, env objectsEnv) []string {
	branch, ok := strings.CutPrefix(u.Ref, "refs/heads/")
	prot := r.protection[branch]
	if !ok || prot == nil || u.created() || s.adminBypassesProtection(r, prot, login) {
		return nil
	}
	if u.deleted() {
		if prot.Deletions {
			return nil
		}
		return []string{"Cannot delete this protected branch"}
	}
	var out []string
	if _, err := r.git.exec(env, nil, "merge-base", "--is-ancestor", u.Old, u.New); err != nil && !prot.ForcePushes {
		out = append(out, "Cannot force-push to this protected branch")
	}
	if prot.Reviews {
		out = append(out, "Changes must be made through a pull request.")
	}
	if line := r.missingChecks(u.New, prot.RequiredContexts); line != "" {
		out = append(out, line)
	}
	return out
}

// missingChecks is GitHub's sentence for the required contexts that have not
// succeeded on sha, "" when all have: `Required status check "ci" is
// expected.` for one of them, "N of M required status checks are expected."
// when N of the M required are missing (the sentences of branch protection's
// refusals above, and of a ruleset's: kargo#6397, librefang/librefang#6340
// for one check, thomhurst/Dekaf#1059 for "19 of 19").
func (r *repo) missingChecks(sha string, contexts []string) string {
	var missing []string
	for _, ctx := range contexts {
		if r.contextState(sha, ctx) != "success" {
			missing = append(missing, ctx)
		}
	}
	switch len(missing) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("Required status check %q is expected.", missing[0])
	}
	return fmt.Sprintf("%d of %d required status checks are expected.", len(missing), len(contexts))
}

// gqlBranchProtectionRules is Repository.branchProtectionRules: one
// BranchProtectionRule per protected branch, its pattern the branch's name
// (the REST API protects one branch by name; the web UI's patterns are not
// modelled), oldest first.
func (g *gqlCtx) gqlBranchProtectionRules(r *repo, a args) gql.Object {
	names := make([]string, 0, len(r.protection))
	for b := range r.protection {
		names = append(names, b)
	}
	slices.SortFunc(names, func(x, y string) int { return r.protection[x].CreatedAt.Compare(r.protection[y].CreatedAt) })
	var items []any
	for i, b := range names {
		items = append(items, g.gqlBranchProtectionRule(r, b, r.protection[b], i))
	}
	return connection("BranchProtectionRuleConnection", items, a)
}

func (g *gqlCtx) gqlBranchProtectionRule(r *repo, branch string, p *protection, i int) gql.Object {
	var approvals any
	if p.Reviews {
		approvals = p.RequiredApprovals
	}
	contexts := []any{}
	checks := []any{}
	for _, c := range p.RequiredContexts {
		contexts = append(contexts, c)
		checks = append(checks, gql.Fields{Type: "RequiredStatusCheckDescription", F: map[string]any{"context": c, "app": nil}})
	}
	empty := func(typ string) func(a args) any { return func(a args) any { return connection(typ, nil, a) } }
	return gql.Fields{Type: "BranchProtectionRule", F: map[string]any{
		"id": nodeID("BPR", r.ID*1000+int64(i)), "databaseId": int(r.ID*1000 + int64(i)), "pattern": branch,
		"repository":                     func() any { return g.repo(r) },
		"creator":                        nil,
		"allowsDeletions":                p.Deletions,
		"allowsForcePushes":              p.ForcePushes,
		"blocksCreations":                p.BlockCreations,
		"dismissesStaleReviews":          p.DismissStale,
		"isAdminEnforced":                p.EnforceAdmins,
		"lockBranch":                     p.LockBranch,
		"lockAllowsFetchAndMerge":        p.ForkSyncing,
		"requireLastPushApproval":        p.LastPush,
		"requiredApprovingReviewCount":   approvals,
		"requiresApprovingReviews":       p.Reviews,
		"requiresCodeOwnerReviews":       p.CodeOwners,
		"requiresCommitSignatures":       false,
		"requiresConversationResolution": p.ConversationResolution,
		"requiresDeployments":            false,
		"requiredDeploymentEnvironments": []any{},
		"requiresLinearHistory":          p.LinearHistory,
		"requiresStatusChecks":           p.ChecksRequired,
		"requiresStrictStatusChecks":     p.Strict,
		"requiredStatusCheckContexts":    contexts,
		"requiredStatusChecks":           checks,
		"restrictsPushes":                p.Restrictions != nil,
		"restrictsReviewDismissals":      false,
		"matchingRefs": func(a args) any {
			var items []any
			if ref := g.ref(r, "refs/heads/"+branch); ref != nil {
				items = append(items, ref)
			}
			return connection("RefConnection", items, a)
		},
		"branchProtectionRuleConflicts": empty("BranchProtectionRuleConflictConnection"),
		"bypassForcePushAllowances":     empty("BypassForcePushAllowanceConnection"),
		"bypassPullRequestAllowances":   empty("BypassPullRequestAllowanceConnection"),
		"pushAllowances":                empty("PushAllowanceConnection"),
		"reviewDismissalAllowances":     empty("ReviewDismissalAllowanceConnection"),
	}}
}
