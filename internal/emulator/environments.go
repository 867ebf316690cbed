package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// Deployment environments: REST docs, "REST API endpoints for deployment
// environments" (https://docs.github.com/rest/deployments/environments) and
// "Deployment branch policies" (https://docs.github.com/rest/deployments/branch-policies);
// their behaviour in runs: "Managing environments for deployment"
// (https://docs.github.com/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment)
// and "Reviewing deployments"
// (https://docs.github.com/actions/managing-workflow-runs/reviewing-deployments).

// environment is one deployment environment of a repository.
type environment struct {
	ID                   int64
	Name                 string
	CreatedAt, UpdatedAt time.Time
	// WaitTimer is in minutes: "The amount of time to delay a job after the job
	// is initially triggered" (REST docs, "Create or update an environment").
	WaitTimer int
	// PreventSelfReview: "users who initiate a deployment cannot approve the
	// deployment job, even if they are a required reviewer" (Managing environments).
	PreventSelfReview bool
	Reviewers         []envReviewer
	// BranchPolicy is deployment_branch_policy; nil admits every branch ("To
	// allow all branches to deploy, set to null").
	BranchPolicy *branchPolicySetting
	Policies     []*branchPolicy
	// Rule IDs, as protection_rules list them.
	timerRuleID, reviewRuleID, branchRuleID int64
}

type envReviewer struct {
	Type string // User or Team
	ID   int64
}

type branchPolicySetting struct {
	ProtectedBranches, CustomBranchPolicies bool
}

// branchPolicy is one name pattern of "Selected branches and tags".
type branchPolicy struct {
	ID   int64
	Name string
	Type string // branch or tag
}

// inputExpr is an environment named by a workflow_dispatch input.
var inputExpr = regexp.MustCompile(`^\$\{\{\s*(?:github\.event\.)?inputs\.([A-Za-z0-9_-]+)\s*\}\}$`)

// pendingDeployment is a run's job held at its environment's protection rules.
type pendingDeployment struct {
	env          *environment
	timerStarted time.Time
	approved     bool
}

func (r *repo) environment(name string) *environment {
	for _, e := range r.environments {
		// Environment names are not case sensitive: safe-settings (which manages
		// them) documents "Names are automatically converted to lowercase"; GitHub
		// finds "Production" for a job's "production".
		if strings.EqualFold(e.Name, name) {
			return e
		}
	}
	return nil
}

func (s *store) newEnvironment(r *repo, name string) *environment {
	now := s.now()
	e := &environment{ID: s.id(), Name: name, CreatedAt: now, UpdatedAt: now}
	r.environments = append(r.environments, e)
	return e
}

// userByID finds a user (not an organization) by its ID.
func (s *store) userByID(id int64) *user {
	for _, u := range s.users {
		if u.ID == id && u.Type == "User" {
			return u
		}
	}
	return nil
}

// repoTeam finds a team of the organization that owns r by its ID.
func (s *store) repoTeam(r *repo, id int64) (*org, *team) {
	o := s.org(r.Owner)
	if o == nil {
		return nil, nil
	}
	for _, t := range o.teams {
		if t.ID == id {
			return o, t
		}
	}
	return nil, nil
}

// admits applies the deployment branch policy to branch (Managing
// environments, "Deployment branches and tags"): "Protected branches only:
// Only branches with branch protection rules enabled can deploy to the
// environment. If no branch protection rules are defined for any branch in the
// repository, then all branches can deploy"; "Selected branches and tags: Only
// branches and tags that match your specified name patterns can deploy"
// ("Wildcard characters will not match /", as globMatch's *).
func (e *environment) admits(r *repo, branch string) bool {
	switch {
	case e.BranchPolicy == nil:
		return true
	case e.BranchPolicy.ProtectedBranches:
		return len(r.protection) == 0 || r.protection[branch] != nil
	default:
		for _, p := range e.Policies {
			if p.Type == "branch" && globMatch(p.Name, branch) {
				return true
			}
		}
		return false
	}
}

// canApprove reports whether login may approve a deployment of run to e:
// a required reviewer, or a member of a reviewing team ("Use required
// reviewers to require a specific person or team to approve workflow jobs"),
// unless prevent_self_review and login started the run.
func (s *store) canApprove(r *repo, e *environment, run *workflowRun, login string) bool {
	if e.PreventSelfReview && strings.EqualFold(login, run.Actor) {
		return false
	}
	for _, rv := range e.Reviewers {
		switch rv.Type {
		case "User":
			if u := s.userByID(rv.ID); u != nil && strings.EqualFold(u.Login, login) {
				return true
			}
		case "Team":
			if _, t := s.repoTeam(r, rv.ID); t != nil {
				if _, ok := t.members[strings.ToLower(login)]; ok {
					return true
				}
			}
		}
	}
	return false
}

// gateRun holds a run whose job targets an environment, as GitHub does: "When
// a workflow job references an environment, the job won't start until all of
// the environment's protection rules pass" (Managing environments). A job may
// name an environment that does not exist: "Running a workflow that
// references an environment that does not exist will create an environment
// with the referenced name", which "will not have any protection rules or
// secrets configured" (Managing environments for deployment, as quoted in
// projects' release docs; https://docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments/manage-environments).
// A branch the policy does not admit fails the job ("any job deploying to the
// environment from a branch that does not match the rule will fail",
// github/roadmap#164), so the run completes with failure. Otherwise a job
// with required reviewers or a wait timer waits: its run's status is
// "waiting" ("While a job is awaiting approval, it has a status of
// "Waiting"", Reviewing deployments).
func (s *store) gateRun(r *repo, run *workflowRun) {
	run.pending = nil
	name := run.Environment
	if m := inputExpr.FindStringSubmatch(name); m != nil {
		// environment: ${{ inputs.NAME }} takes the dispatch's input (the
		// emulator evaluates no other expression: such a job targets nothing).
		name, _ = run.Inputs[m[1]].(string)
	}
	if name == "" || strings.Contains(name, "${{") {
		return
	}
	e := r.environment(name)
	if e == nil {
		e = s.newEnvironment(r, name)
	}
	if !e.admits(r, run.HeadBranch) {
		s.setRunStatus(run, "completed", "failure")
		return
	}
	if len(e.Reviewers) == 0 && e.WaitTimer == 0 {
		return
	}
	run.pending = &pendingDeployment{env: e, timerStarted: s.now()}
	run.Status, run.UpdatedAt = "waiting", s.now()
}

// openGate lets a waiting run go on once its protection rules pass: the wait
// timer has run its minutes (by the emulator's clock) and, with required
// reviewers, one of them approved ("Only one of the required reviewers needs
// to approve the job for it to proceed", Managing environments).
func (s *store) openGate(run *workflowRun) {
	p := run.pending
	if run.Status != "waiting" || p == nil {
		return
	}
	now := s.now()
	timerDone := now.Sub(p.timerStarted) >= time.Duration(p.env.WaitTimer)*time.Minute
	if !timerDone || (len(p.env.Reviewers) > 0 && !p.approved) {
		return
	}
	run.pending = nil
	run.Status, run.UpdatedAt, run.gateOpenedAt = "queued", now, now
}

func (s *Server) environmentJSON(r *repo, e *environment) map[string]any {
	rules := []any{}
	if e.WaitTimer > 0 {
		rules = append(rules, map[string]any{"id": e.timerRuleID, "node_id": nodeID("GA", e.timerRuleID), "type": "wait_timer", "wait_timer": e.WaitTimer})
	}
	if len(e.Reviewers) > 0 {
		rules = append(rules, map[string]any{"id": e.reviewRuleID, "node_id": nodeID("GA", e.reviewRuleID), "type": "required_reviewers",
			"prevent_self_review": e.PreventSelfReview, "reviewers": s.reviewersJSON(r, e)})
	}
	var policy any
	if e.BranchPolicy != nil {
		rules = append(rules, map[string]any{"id": e.branchRuleID, "node_id": nodeID("GA", e.branchRuleID), "type": "branch_policy"})
		policy = map[string]any{"protected_branches": e.BranchPolicy.ProtectedBranches, "custom_branch_policies": e.BranchPolicy.CustomBranchPolicies}
	}
	return map[string]any{"id": e.ID, "node_id": nodeID("EN", e.ID), "name": e.Name,
		"url":        apiURL + "/repos/" + r.fullName() + "/environments/" + e.Name,
		"html_url":   webURL + "/" + r.fullName() + "/deployments/activity_log?environments_filter=" + e.Name,
		"created_at": ts(e.CreatedAt), "updated_at": ts(e.UpdatedAt), "protection_rules": rules, "deployment_branch_policy": policy}
}

func (s *Server) reviewersJSON(r *repo, e *environment) []any {
	list := []any{}
	for _, rv := range e.Reviewers {
		switch rv.Type {
		case "User":
			if u := s.st.userByID(rv.ID); u != nil {
				list = append(list, map[string]any{"type": "User", "reviewer": s.userJSON(u.Login)})
			}
		case "Team":
			if o, t := s.st.repoTeam(r, rv.ID); t != nil {
				list = append(list, map[string]any{"type": "Team", "reviewer": s.teamJSON(o, t)})
			}
		}
	}
	return list
}

// listEnvironments answers "List environments": {total_count, environments}.
func (s *Server) listEnvironments(q *req) (int, any, error) {
	list := []map[string]any{}
	for _, e := range q.repo.environments {
		list = append(list, s.environmentJSON(q.repo, e))
	}
	return 200, map[string]any{"total_count": len(list), "environments": page(q, list)}, nil
}

func (s *Server) getEnvironment(q *req) (int, any, error) {
	e := q.repo.environment(q.params["environment_name"])
	if e == nil {
		return 0, nil, notFound()
	}
	return 200, s.environmentJSON(q.repo, e), nil
}

// putEnvironment is "Create or update an environment": 200 with the
// environment. Fields left out keep their values. 422 when
// deployment_branch_policy's protected_branches and custom_branch_policies
// are equal (the description's 422: "when protected_branches and
// custom_branch_policies in deployment_branch_policy are set to the same
// value"), when wait_timer is outside 0–43,200, or when a reviewer is unknown
// or more than six are listed ("You can list up to six users or teams").
func (s *Server) putEnvironment(q *req) (int, any, error) {
	name := q.params["environment_name"]
	var reviewers []envReviewer
	if raw, ok := q.body["reviewers"].([]any); ok {
		if len(raw) > 6 {
			return 0, nil, validationFailed("Environment", "reviewers", "invalid", "You can list up to six users or teams as reviewers")
		}
		for _, item := range raw {
			m, _ := item.(map[string]any)
			typ, _ := m["type"].(string)
			id, _ := m["id"].(float64)
			rv := envReviewer{Type: typ, ID: int64(id)}
			switch {
			case typ == "User" && s.st.userByID(rv.ID) != nil:
			case typ == "Team":
				if _, t := s.st.repoTeam(q.repo, rv.ID); t == nil {
					return 0, nil, validationFailed("Environment", "reviewers", "invalid", fmt.Sprintf("team %d is not a team of %s", rv.ID, q.repo.Owner))
				}
			default:
				return 0, nil, validationFailed("Environment", "reviewers", "invalid", fmt.Sprintf("user %d not found", rv.ID))
			}
			reviewers = append(reviewers, rv)
		}
	}
	wait, hasWait := q.body["wait_timer"].(float64)
	if hasWait && (wait < 0 || wait > 43200) {
		return 0, nil, validationFailed("Environment", "wait_timer", "invalid", "wait_timer must be an integer between 0 and 43,200")
	}
	var policy *branchPolicySetting
	if m, ok := q.body["deployment_branch_policy"].(map[string]any); ok {
		pb, _ := m["protected_branches"].(bool)
		cb, _ := m["custom_branch_policies"].(bool)
		if pb == cb {
			return 0, nil, validationFailed("Environment", "deployment_branch_policy", "invalid", "protected_branches and custom_branch_policies cannot have the same value")
		}
		policy = &branchPolicySetting{ProtectedBranches: pb, CustomBranchPolicies: cb}
	}
	e := q.repo.environment(name)
	if e == nil {
		e = s.st.newEnvironment(q.repo, name)
	}
	if e.timerRuleID == 0 {
		e.timerRuleID, e.reviewRuleID, e.branchRuleID = s.st.id(), s.st.id(), s.st.id()
	}
	if q.has("reviewers") {
		e.Reviewers = reviewers
	}
	if hasWait {
		e.WaitTimer = int(wait)
	}
	if v, ok := q.boolean("prevent_self_review"); ok {
		e.PreventSelfReview = v
	}
	if q.has("deployment_branch_policy") {
		e.BranchPolicy = policy
		if policy == nil || !policy.CustomBranchPolicies {
			e.Policies = nil
		}
	}
	e.UpdatedAt = s.st.now()
	return 200, s.environmentJSON(q.repo, e), nil
}

func branchPolicyJSON(p *branchPolicy) map[string]any {
	return map[string]any{"id": p.ID, "node_id": nodeID("GBP", p.ID), "name": p.Name, "type": p.Type}
}

// listBranchPolicies is "List deployment branch policies".
func (s *Server) listBranchPolicies(q *req) (int, any, error) {
	e := q.repo.environment(q.params["environment_name"])
	if e == nil {
		return 0, nil, notFound()
	}
	list := []map[string]any{}
	for _, p := range e.Policies {
		list = append(list, branchPolicyJSON(p))
	}
	return 200, map[string]any{"total_count": len(list), "branch_policies": page(q, list)}, nil
}

// createBranchPolicy is "Create a deployment branch policy": 200 with it; 404
// when the environment's custom_branch_policies is false ("Not Found or
// deployment_branch_policy.custom_branch_policies property for the environment
// is set to false"); 303 when the pattern exists ("Response if the same branch
// name pattern already exists").
func (s *Server) createBranchPolicy(q *req) (int, any, error) {
	e := q.repo.environment(q.params["environment_name"])
	if e == nil || e.BranchPolicy == nil || !e.BranchPolicy.CustomBranchPolicies {
		return 0, nil, notFound()
	}
	typ := q.str("type")
	if typ == "" {
		typ = "branch"
	}
	if slices.ContainsFunc(e.Policies, func(p *branchPolicy) bool { return p.Name == q.str("name") && p.Type == typ }) {
		return 303, nil, nil
	}
	p := &branchPolicy{ID: s.st.id(), Name: q.str("name"), Type: typ}
	e.Policies = append(e.Policies, p)
	return 200, branchPolicyJSON(p), nil
}

// pendingDeploymentsJSON lists what a waiting run waits for, as "Get pending
// deployments for a workflow run" answers: the environment, its wait timer and
// when it started, whether login may approve, and the reviewers.
func (s *Server) pendingDeploymentsJSON(r *repo, run *workflowRun, login string) []any {
	list := []any{}
	p := run.pending
	if run.Status != "waiting" || p == nil {
		return list
	}
	e := p.env
	started := any(nil)
	if e.WaitTimer > 0 {
		started = ts(p.timerStarted)
	}
	return append(list, map[string]any{
		"environment": map[string]any{"id": e.ID, "node_id": nodeID("EN", e.ID), "name": e.Name,
			"url":      apiURL + "/repos/" + r.fullName() + "/environments/" + e.Name,
			"html_url": webURL + "/" + r.fullName() + "/deployments/activity_log?environments_filter=" + e.Name},
		"wait_timer": e.WaitTimer, "wait_timer_started_at": started,
		"current_user_can_approve": !p.approved && s.st.canApprove(r, e, run, login),
		"reviewers":                s.reviewersJSON(r, e)})
}

// getPendingDeployments is "Get pending deployments for a workflow run"
// (https://docs.github.com/rest/actions/workflow-runs#get-pending-deployments-for-a-workflow-run):
// "Get all deployment environments for a workflow run that are waiting for
// protection rules to pass"; an empty list for any other run.
func (s *Server) getPendingDeployments(q *req) (int, any, error) {
	run := s.runFor(q)
	if run == nil {
		return 0, nil, notFound()
	}
	return 200, s.pendingDeploymentsJSON(q.repo, run, q.login), nil
}

// reviewPendingDeployments is "Review pending deployments for a workflow run"
// (https://docs.github.com/rest/actions/workflow-runs#review-pending-deployments-for-a-workflow-run):
// "Approve or reject pending deployments that are waiting on approval by a
// required reviewer. Required reviewers ... can use this endpoint." Approved,
// the job proceeds once its other rules pass (openGate); rejected, "the
// workflow will fail" (Reviewing deployments): the run completes with failure.
// It answers 200 with the deployments reviewed.
//
// GitHub's answer to a user who may not approve, or to an environment the run
// does not wait for, is not documented: the emulator answers 422 with a message
// saying which.
func (s *Server) reviewPendingDeployments(q *req) (int, any, error) {
	run := s.runFor(q)
	if run == nil {
		return 0, nil, notFound()
	}
	p := run.pending
	ids, _ := q.body["environment_ids"].([]any)
	if run.Status != "waiting" || p == nil || len(ids) == 0 {
		return 0, nil, &apiError{Status: 422, Message: "No pending deployments for the given environments"}
	}
	for _, v := range ids {
		if id, _ := v.(float64); int64(id) != p.env.ID {
			return 0, nil, &apiError{Status: 422, Message: fmt.Sprintf("The workflow run is not waiting for environment %v", v)}
		}
	}
	if len(p.env.Reviewers) == 0 || !s.st.canApprove(q.repo, p.env, run, q.login) {
		return 0, nil, &apiError{Status: 422, Message: q.login + " is not a required reviewer of " + p.env.Name + " for this run"}
	}
	now := s.st.now()
	dep := map[string]any{"id": s.st.id(), "sha": run.HeadSHA, "ref": run.HeadBranch, "task": "deploy", "payload": map[string]any{},
		"original_environment": p.env.Name, "environment": p.env.Name, "description": nil, "creator": s.userJSON(run.Actor),
		"created_at": ts(run.CreatedAt), "updated_at": ts(now), "transient_environment": false, "production_environment": false}
	id := dep["id"].(int64)
	dep["node_id"] = nodeID("DE", id)
	dep["url"] = apiURL + "/repos/" + q.repo.fullName() + "/deployments/" + strconv.FormatInt(id, 10)
	dep["statuses_url"] = dep["url"].(string) + "/statuses"
	dep["repository_url"] = apiURL + "/repos/" + q.repo.fullName()
	switch q.str("state") {
	case "approved":
		p.approved = true
		s.st.openGate(run)
	case "rejected":
		run.pending = nil
		s.st.setRunStatus(run, "completed", "failure")
	}
	return 200, []any{dep}, nil
}

// pendingDeploymentRequests is WorkflowRun.pendingDeploymentRequests, what
// "Get pending deployments for a workflow run" lists, through GraphQL: each a
// DeploymentRequest (https://docs.github.com/en/graphql/reference/objects#deploymentrequest)
// with its environment, its reviewers (users and teams, the union
// DeploymentReviewer), the wait timer in minutes and when it started (null
// without one), and whether the viewer may approve it. Empty for a run that
// does not wait.
func (g *gqlCtx) pendingDeploymentRequests(r *repo, run *workflowRun, a args) gql.Object {
	var items []any
	if p := run.pending; run.Status == "waiting" && p != nil {
		e := p.env
		var started any
		if e.WaitTimer > 0 {
			started = p.timerStarted
		}
		items = append(items, gql.Fields{Type: "DeploymentRequest", F: map[string]any{
			"environment": gql.Fields{Type: "Environment", F: map[string]any{
				"id": nodeID("EN", e.ID), "databaseId": int(e.ID), "name": e.Name, "isPinned": false, "pinnedPosition": nil,
				"latestCompletedDeployment": nil}},
			"reviewers":             func(a args) any { return connection("DeploymentReviewerConnection", g.deploymentReviewers(r, e), a) },
			"waitTimer":             e.WaitTimer,
			"waitTimerStartedAt":    started,
			"currentUserCanApprove": !p.approved && g.s.st.canApprove(r, e, run, g.login),
		}})
	}
	return connection("DeploymentRequestConnection", items, a)
}

// deploymentReviewers are an environment's required reviewers as GraphQL's
// DeploymentReviewer union: User and Team objects.
func (g *gqlCtx) deploymentReviewers(r *repo, e *environment) []any {
	var list []any
	for _, rv := range e.Reviewers {
		switch rv.Type {
		case "User":
			if u := g.s.st.userByID(rv.ID); u != nil {
				list = append(list, g.user(u.Login))
			}
		case "Team":
			if o, t := g.s.st.repoTeam(r, rv.ID); t != nil {
				list = append(list, g.team(o, t))
			}
		}
	}
	return list
}
