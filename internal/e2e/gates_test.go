package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// gatedRelease is harness.ReleaseWorkflow whose job deploys to the
// environment production.
var gatedRelease = strings.Replace(harness.ReleaseWorkflow, "    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    environment: production\n", 1)

// TestShipDeploymentGate: the release job deploys to production, whose required
// reviewer is hubot. ship --watch says the run waits for hubot to approve
// production; at --timeout it exits 3 (a person must act); monalisa's
// --approve may not approve and says who can; hubot's ship --watch --approve
// approves, and the run finishes. GitHub's side: one dispatch, one approval
// by hubot, the run succeeded and nothing is pending.
func TestShipDeploymentGate(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("gate", map[string]string{".github/workflows/release.yml": gatedRelease})
	hotfixIn(t, e, work, "cart total rounding", "fix.txt")
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	e.AddCollaborator("gate", "hubot")
	_, hubot := e.API("GET", "/users/hubot", nil)
	hubotID := hubot.(map[string]any)["id"]
	if status, out := e.API("PUT", "/repos/monalisa/gate/environments/production", map[string]any{
		"reviewers": []any{map[string]any{"type": "User", "id": hubotID}}}); status != 200 {
		t.Fatalf("create the environment: %d %v", status, out)
	}
	// Once let go on, a run completes by itself.
	e.Control("POST", "repos/monalisa/gate/auto-runs", map[string]any{"after_ms": 300})

	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/gate/pulls/1/merge", map[string]any{"merge_method": "merge"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}

	// Released and followed, but the run waits for hubot: exit 3 at the timeout.
	r := e.Hotfix(work, "ship", "--watch", "--interval", "100ms", "--timeout", "3s")
	if r.Code != 3 || !strings.Contains(r.Stderr, "Release run waiting for hubot to approve production") ||
		!strings.Contains(r.Stderr, "is still waiting for hubot to approve production after 3s (--timeout)") {
		t.Fatalf("ship --watch while the run waits: exit %d, want 3\n%s", r.Code, r.Stderr)
	}
	_, out := e.API("GET", "/repos/monalisa/gate/actions/runs", nil)
	runs := out.(map[string]any)["workflow_runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("%d runs, want the release", len(runs))
	}
	run := runs[0].(map[string]any)
	runID := int64(run["id"].(float64))
	if run["status"] != "waiting" {
		t.Fatalf("release run %v, want waiting", run["status"])
	}

	// monalisa may not approve: ship says who can, and still waits.
	r = e.Hotfix(work, "ship", "--watch", "--approve", "--interval", "100ms", "--timeout", "2s")
	if r.Code != 3 || !strings.Contains(r.Stderr, "you may not approve production: hubot can") || strings.Contains(r.Stderr, "Approved") {
		t.Fatalf("ship --watch --approve by monalisa: exit %d, want 3 saying who can approve\n%s", r.Code, r.Stderr)
	}

	// hubot approves with the same command, and the run finishes.
	r = e.RunInEnv(work, []string{"GH_TOKEN=hubot-token"}, "gh", "hotfix", "ship", "--watch", "--approve", "--interval", "100ms", "--timeout", "1m")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Approved the release run's deployment to production") || !strings.Contains(r.Stderr, "Release run succeeded") {
		t.Fatalf("ship --watch --approve by hubot: exit %d\n%s", r.Code, r.Stderr)
	}

	// GitHub's side.
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
	api, _, _ := e.RequestCounts()
	if n := api["POST /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments"]; n != 1 {
		t.Errorf("%d reviews of the pending deployments, want hubot's one", n)
	}
	_, got := e.API("GET", fmt.Sprintf("/repos/monalisa/gate/actions/runs/%d", runID), nil)
	if g := got.(map[string]any); g["status"] != "completed" || g["conclusion"] != "success" {
		t.Errorf("release run %v/%v, want completed/success", g["status"], g["conclusion"])
	}
	if _, pending := e.API("GET", fmt.Sprintf("/repos/monalisa/gate/actions/runs/%d/pending_deployments", runID), nil); len(pending.([]any)) != 0 {
		t.Errorf("still pending: %v", pending)
	}
}
