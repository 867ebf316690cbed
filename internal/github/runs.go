package github

import (
	"context"
	"fmt"
	"net/url"
)

// RecentDispatchRuns lists the repository's latest n runs started by a
// workflow_dispatch event, of every workflow and branch, newest first, in one
// request (GET /repos/{owner}/{repo}/actions/runs?event=workflow_dispatch):
// n is at most 100, GitHub's largest page. A run older than the latest n
// dispatches is not among them.
func (c *Client) RecentDispatchRuns(ctx context.Context, owner, name string, n int) ([]Run, error) {
	var out struct {
		Runs []Run `json:"workflow_runs"`
	}
	path := fmt.Sprintf("repos/%s/%s/actions/runs?event=workflow_dispatch&per_page=%d", owner, name, n)
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, err
	}
	return out.Runs, nil
}

// LatestWorkflowRuns lists the latest n runs of a workflow (its file name or ID),
// of every branch and event, newest first, in one request
// (GET /repos/{owner}/{repo}/actions/workflows/{workflow}/runs): n is at most
// 100, GitHub's largest page.
func (c *Client) LatestWorkflowRuns(ctx context.Context, owner, name, workflow string, n int) ([]Run, error) {
	var out struct {
		Runs []Run `json:"workflow_runs"`
	}
	path := fmt.Sprintf("repos/%s/%s/actions/workflows/%s/runs?per_page=%d", owner, name, url.PathEscape(workflow), n)
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, err
	}
	return out.Runs, nil
}

// RecentRuns lists the repository's latest n runs, of every workflow, branch
// and event, newest first, in one request (GET /repos/{owner}/{repo}/actions/runs):
// n is at most 100, GitHub's largest page.
func (c *Client) RecentRuns(ctx context.Context, owner, name string, n int) ([]Run, error) {
	var out struct {
		Runs []Run `json:"workflow_runs"`
	}
	path := fmt.Sprintf("repos/%s/%s/actions/runs?per_page=%d", owner, name, n)
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, err
	}
	return out.Runs, nil
}
