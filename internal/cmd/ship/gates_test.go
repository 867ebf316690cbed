package ship

import (
	"errors"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// pendingJSON is GitHub's answer for a run waiting on production (ID 42),
// reviewed by hubot and the team acme/on-call.
func pendingJSON(canApprove bool, waitTimer int) []any {
	started := any(nil)
	if waitTimer > 0 {
		started = "2026-12-06T11:01:05Z"
	}
	return []any{map[string]any{
		"environment": map[string]any{"id": 42, "name": "production", "html_url": "https://github.com/acme/shop/deployments/activity_log?environments_filter=production"},
		"wait_timer":  waitTimer, "wait_timer_started_at": started, "current_user_can_approve": canApprove,
		"reviewers": []any{
			map[string]any{"type": "User", "reviewer": map[string]any{"login": "hubot", "html_url": "https://github.com/hubot"}},
			map[string]any{"type": "Team", "reviewer": map[string]any{"slug": "on-call", "html_url": "https://github.com/orgs/acme/teams/on-call"}},
		}}}
}

// TestShipWatchDeploymentGate follows a release run that waits on an
// environment's protection rules: what it waits for is read once, when the
// run turns "waiting"; --approve approves what the user may; --timeout while
// it waits is exit 3.
func TestShipWatchDeploymentGate(t *testing.T) {
	t.Setenv("GH_HOTFIX_MIN_INTERVAL", "1ms")
	const runPath = "repos/acme/shop/actions/runs/9001"
	tests := []struct {
		name       string
		args       []string
		canApprove bool
		finish     bool // the run completes after waiting
		requests   []string
		stderr     []string
		notStderr  string
		attention  bool
	}{
		{name: "says who must approve", args: []string{"--watch"}, finish: true,
			requests: []string{"GET " + runPath, "GET " + runPath + "/pending_deployments", "GET " + runPath},
			stderr:   []string{"Release run waiting for hubot or acme/on-call to approve production", "Release run succeeded"}},
		{name: "--approve approves what the user may", args: []string{"--watch", "--approve"}, canApprove: true, finish: true,
			requests: []string{"GET " + runPath, "GET " + runPath + "/pending_deployments", "POST " + runPath + "/pending_deployments", "GET " + runPath},
			stderr:   []string{"Approved the release run's deployment to production", "Release run succeeded"}},
		{name: "--approve by who may not: says who can", args: []string{"--watch", "--approve"}, finish: true,
			requests:  []string{"GET " + runPath, "GET " + runPath + "/pending_deployments", "GET " + runPath},
			stderr:    []string{"you may not approve production: hubot or acme/on-call can", "Release run succeeded"},
			notStderr: "Approved"},
		{name: "--timeout while waiting: a person must act", args: []string{"--watch", "--timeout", "60ms"},
			stderr: []string{"Release run waiting for hubot or acme/on-call to approve production"}, attention: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newShipFixture(t, fixtureOpts{merged: true})
			reg := httpmock.New(t)
			reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
			stubDispatchOf(reg, "release.yml", 9001)
			waiting := reg.Register(httpmock.REST("GET", runPath), httpmock.JSON(200, runJSON(9001, fx.merge, "waiting", "")))
			reg.Register(httpmock.REST("GET", runPath+"/pending_deployments"), httpmock.JSON(200, pendingJSON(tt.canApprove, 0)))
			if tt.canApprove {
				reg.Register(httpmock.REST("POST", runPath+"/pending_deployments"), httpmock.JSON(200, []any{}))
			}
			if tt.finish {
				reg.Register(httpmock.REST("GET", runPath), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "success")))
			} else {
				waiting.Always()
			}
			r := fx.shipCommand(reg, append(tt.args, "--interval", "5ms")...)
			var attention *cmderr.AttentionError
			if got := errors.As(r.err, &attention); got != tt.attention || (!tt.attention && r.err != nil) {
				t.Fatalf("error %v (attention %v, want %v)\nstderr:\n%s", r.err, got, tt.attention, r.stderr)
			}
			if tt.attention && !strings.Contains(r.err.Error(), "still waiting for hubot or acme/on-call to approve production after 60ms (--timeout)") {
				t.Errorf("error %q does not say what the run waits for", r.err)
			}
			if tt.requests != nil {
				names := r.names()
				wantSame(t, "requests after the release", names[len(names)-len(tt.requests):], tt.requests)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if tt.notStderr != "" && strings.Contains(r.stderr, tt.notStderr) {
				t.Errorf("stderr has %q:\n%s", tt.notStderr, r.stderr)
			}
			if tt.canApprove {
				body := jsonBody(t, r.request(t, "POST "+runPath+"/pending_deployments"))
				if jsonOf(body["environment_ids"]) != "[42]" || body["state"] != "approved" || body["comment"] == "" {
					t.Errorf("review %v", body)
				}
			}
		})
	}
}
