package github

import (
	"context"
	"fmt"
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
