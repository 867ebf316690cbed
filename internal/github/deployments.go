package github

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// PendingDeployment is an environment a waiting run's job is held at by its
// protection rules (REST "Get pending deployments for a workflow run").
type PendingDeployment struct {
	Environment struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		HTMLURL string `json:"html_url"`
	} `json:"environment"`
	// WaitTimer is the environment's wait timer in minutes (0: none), started
	// at WaitTimerStartedAt by GitHub's clock.
	WaitTimer          int        `json:"wait_timer"`
	WaitTimerStartedAt *time.Time `json:"wait_timer_started_at"`
	// CurrentUserCanApprove: the token's user may approve it.
	CurrentUserCanApprove bool                 `json:"current_user_can_approve"`
	Reviewers             []DeploymentReviewer `json:"reviewers"`
}

// DeploymentReviewer is a required reviewer of an environment: a user or a team.
type DeploymentReviewer struct {
	Type     string `json:"type"` // User or Team
	Reviewer struct {
		Login   string `json:"login"` // a user's
		Slug    string `json:"slug"`  // a team's
		HTMLURL string `json:"html_url"`
	} `json:"reviewer"`
}

// Handle names the reviewer as one mentions it: a user's login, a team's
// ORG/slug (the organization read from the team's html_url,
// https://github.com/orgs/ORG/teams/SLUG).
func (r DeploymentReviewer) Handle() string {
	if r.Type != "Team" {
		return r.Reviewer.Login
	}
	if _, after, ok := strings.Cut(r.Reviewer.HTMLURL, "/orgs/"); ok {
		if org, _, ok := strings.Cut(after, "/"); ok {
			return org + "/" + r.Reviewer.Slug
		}
	}
	return r.Reviewer.Slug
}

// PendingDeployments lists what a waiting run waits for, in one request
// (GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments).
func (c *Client) PendingDeployments(ctx context.Context, owner, name string, runID int64) ([]PendingDeployment, error) {
	var out []PendingDeployment
	path := fmt.Sprintf("repos/%s/%s/actions/runs/%d/pending_deployments", owner, name, runID)
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, fmt.Errorf("reading the pending deployments of run %d: %w", runID, err)
	}
	return out, nil
}

// ApproveDeployments approves a waiting run's deployments to the environments
// envIDs, with comment, in one request (POST …/actions/runs/{run_id}/pending_deployments
// with state "approved"; "Review pending deployments for a workflow run").
func (c *Client) ApproveDeployments(ctx context.Context, owner, name string, runID int64, envIDs []int64, comment string) error {
	path := fmt.Sprintf("repos/%s/%s/actions/runs/%d/pending_deployments", owner, name, runID)
	body := map[string]any{"environment_ids": envIDs, "state": "approved", "comment": comment}
	if err := c.REST(ctx, "POST", path, body, nil); err != nil {
		return fmt.Errorf("approving the deployments of run %d: %w", runID, err)
	}
	return nil
}

// Environment is a deployment environment as "List environments" gives it: its
// protection rules and its deployment branch policy.
type Environment struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	HTMLURL         string `json:"html_url"`
	ProtectionRules []struct {
		Type              string               `json:"type"` // wait_timer, required_reviewers, branch_policy
		WaitTimer         int                  `json:"wait_timer"`
		PreventSelfReview bool                 `json:"prevent_self_review"`
		Reviewers         []DeploymentReviewer `json:"reviewers"`
	} `json:"protection_rules"`
	// BranchPolicy is nil when every branch may deploy.
	BranchPolicy *struct {
		ProtectedBranches    bool `json:"protected_branches"`
		CustomBranchPolicies bool `json:"custom_branch_policies"`
	} `json:"deployment_branch_policy"`
}

// Reviewers are the environment's required reviewers, and whether the one
// who started a run may not approve it (prevent_self_review).
func (e Environment) Reviewers() (list []DeploymentReviewer, preventSelfReview bool) {
	for _, r := range e.ProtectionRules {
		if r.Type == "required_reviewers" {
			list, preventSelfReview = append(list, r.Reviewers...), preventSelfReview || r.PreventSelfReview
		}
	}
	return list, preventSelfReview
}

// WaitTimer is the environment's wait timer in minutes (0: none).
func (e Environment) WaitTimer() int {
	for _, r := range e.ProtectionRules {
		if r.Type == "wait_timer" {
			return r.WaitTimer
		}
	}
	return 0
}

// Environments lists the repository's deployment environments, up to 100, in
// one request (GET /repos/{owner}/{repo}/environments).
func (c *Client) Environments(ctx context.Context, owner, name string) ([]Environment, error) {
	var out struct {
		Environments []Environment `json:"environments"`
	}
	if err := c.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/environments?per_page=100", owner, name), nil, &out); err != nil {
		return nil, fmt.Errorf("listing the environments of %s/%s: %w", owner, name, err)
	}
	return out.Environments, nil
}

// BranchPolicy is a name pattern of an environment's "Selected branches and tags".
type BranchPolicy struct {
	Name string `json:"name"`
	Type string `json:"type"` // branch or tag
}

// BranchPolicies lists the name patterns of an environment whose deployment
// branch policy is custom_branch_policies, in one request
// (GET …/environments/{environment_name}/deployment-branch-policies).
func (c *Client) BranchPolicies(ctx context.Context, owner, name, env string) ([]BranchPolicy, error) {
	var out struct {
		Policies []BranchPolicy `json:"branch_policies"`
	}
	path := fmt.Sprintf("repos/%s/%s/environments/%s/deployment-branch-policies?per_page=100", owner, name, url.PathEscape(env))
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, fmt.Errorf("listing the deployment branch policies of %s: %w", env, err)
	}
	return out.Policies, nil
}
