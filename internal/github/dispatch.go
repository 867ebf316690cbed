package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cli/go-gh/v2/pkg/api"
)

// ErrWorkflowDisabled is a dispatch GitHub refused because the workflow is
// disabled: 422 "Cannot trigger a 'workflow_dispatch' on a disabled workflow"
// (https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/disabling-and-enabling-a-workflow).
var ErrWorkflowDisabled = errors.New("the workflow is disabled")

// DispatchWorkflow sends a workflow_dispatch of workflow (file name or ID) on
// ref with inputs, asking GitHub for the run it starts
// (POST …/actions/workflows/{workflow_id}/dispatches with return_run_details;
// https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event).
// run is that run, or nil when the server does not return it: GitHub Enterprise
// Server before 3.21 refuses the parameter with 400 or 422 naming it, and the
// dispatch is then sent once more without it (the refusal did nothing); a
// server whose answers already told such a version is not asked for it.
//
// A dispatch is not idempotent and is never retried here after a failure that
// may have acted: the caller looks for the run first. A disabled workflow's
// refusal is [ErrWorkflowDisabled] (wrapping GitHub's answer); every refusal
// GitHub did not act on satisfies [IsRefusal].
func (c *Client) DispatchWorkflow(ctx context.Context, owner, name, workflow, ref string, inputs map[string]string) (*Run, error) {
	path := fmt.Sprintf("repos/%s/%s/actions/workflows/%s/dispatches", owner, name, url.PathEscape(workflow))
	if inputs == nil {
		inputs = map[string]string{}
	}
	body := map[string]any{"ref": ref, "inputs": inputs}
	var details struct {
		ID      int64  `json:"workflow_run_id"`
		HTMLURL string `json:"html_url"`
	}
	// A server known to lack run details is not asked for them: its refusal
	// would cost a round trip.
	asked := c.Has(DispatchRunDetails)
	if asked {
		body["return_run_details"] = true
	}
	err := c.REST(ctx, "POST", path, body, &details)
	var he *api.HTTPError
	if asked && errors.As(err, &he) && (he.StatusCode == http.StatusBadRequest || he.StatusCode == http.StatusUnprocessableEntity) &&
		strings.Contains(he.Message, "return_run_details") {
		delete(body, "return_run_details")
		err = c.REST(ctx, "POST", path, body, nil)
	}
	switch {
	case err == nil && details.ID != 0:
		return &Run{ID: details.ID, HTMLURL: details.HTMLURL}, nil
	case err == nil:
		return nil, nil
	case errors.As(err, &he) && he.StatusCode == http.StatusUnprocessableEntity && strings.Contains(he.Message, "disabled workflow"):
		return nil, fmt.Errorf("%w: %w", ErrWorkflowDisabled, err)
	}
	return nil, err
}

// IsRefusal reports whether GitHub answered a request with a refusal it did not
// act on: a 4xx other than a timeout, or a rate limit that outlasted the wait.
func IsRefusal(err error) bool {
	var he *api.HTTPError
	var rl *RateLimitError
	switch {
	case errors.As(err, &rl):
		return true
	case errors.As(err, &he):
		return he.StatusCode >= 400 && he.StatusCode < 500 && he.StatusCode != http.StatusRequestTimeout
	}
	return false
}

// LastSuccessfulRun is the newest successful run of workflow on branch, or nil
// (GET …/actions/workflows/{workflow_id}/runs?status=success&branch=…&per_page=1).
func (c *Client) LastSuccessfulRun(ctx context.Context, owner, name, workflow, branch string) (*Run, error) {
	var out struct {
		Runs []Run `json:"workflow_runs"`
	}
	path := fmt.Sprintf("repos/%s/%s/actions/workflows/%s/runs?status=success&branch=%s&per_page=1", owner, name,
		url.PathEscape(workflow), url.QueryEscape(branch))
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, err
	}
	if len(out.Runs) == 0 {
		return nil, nil
	}
	return &out.Runs[0], nil
}

// RunPoller re-reads a workflow run with conditional requests (see [Poller]).
func (c *Client) RunPoller(owner, name string, id int64) *Poller {
	return c.NewPoller(RunPath(owner, name, id))
}

// PullPoller re-reads a pull request's REST view ([RESTPull]) with conditional requests.
func (c *Client) PullPoller(owner, name string, number int) *Poller {
	return c.NewPoller(fmt.Sprintf("repos/%s/%s/pulls/%d", owner, name, number))
}
