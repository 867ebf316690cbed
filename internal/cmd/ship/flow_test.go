package ship

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// TestShipFlows runs ship from the branch's state on GitHub to the end of
// the run, one scenario per row: what it printed, what it asked GitHub, in
// which order, and what it left in git.
func TestShipFlows(t *testing.T) {
	tests := []struct {
		name    string
		fixture fixtureOpts
		opts    ShipOptions
		// stubs registers GitHub's answers.
		stubs func(fx *shipFixture, reg *httpmock.Registry)
		// requests are the requests GitHub receives, in order (see shipResult.names).
		requests []string
		wantErr  string // a part of the exit error; "" for none
		stdout   []string
		stderr   []string
		check    func(t *testing.T, fx *shipFixture, r shipResult)
	}{
		{
			name: "dry run on a new branch",
			opts: ShipOptions{DryRun: true},
			stubs: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/workflows/release.yml"), httpmock.JSON(200, `{"state": "active"}`))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/workflows/release.yml"},
			stdout: []string{
				"Would push hotfix/login (",
				`Would open a pull request from hotfix/login into main titled "Hotfix: Login fails"`,
				`Would add the label "hotfix"`,
				"Would wait for the pull request to be merged",
				"Would then dispatch the release workflow on main, once",
			},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if got := fx.originRef("refs/heads/hotfix/login"); got != "" {
					t.Errorf("the dry run pushed hotfix/login to origin (at %s)", got)
				}
				if got := fx.git("config", "--get-regexp", `^branch\.hotfix/login\.`); strings.Contains(got, "merge") {
					t.Errorf("the dry run set an upstream:\n%s", got)
				}
			},
		},
		{
			name: "open the pull request and stop (--no-wait)",
			opts: ShipOptions{NoWait: true},
			stubs: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
				opened := pullSpec{number: 7, state: "OPEN", head: fx.tip}.json()
				reg.Register(httpmock.GraphQL(`^HotfixOpen$`), httpmock.GraphQLQuery(map[string]any{"data": map[string]any{
					"createPullRequest": map[string]any{"pullRequest": opened}}}, func(q string, v map[string]any) {
					if v["head"] != "hotfix/login" || v["base"] != "main" || v["title"] != "Hotfix: Login fails" || v["withLabel"] != false {
						t.Errorf("HotfixOpen variables %v", v)
					}
					if body, _ := v["body"].(string); !strings.Contains(body, "**What broke:** Login fails") {
						t.Errorf("the pull request's body is not the checklist:\n%s", body)
					}
				}))
				reg.Register(httpmock.GraphQL(`^HotfixLabel$`), httpmock.GraphQLQuery(`{"data": {}}`, func(q string, v map[string]any) {
					if v["pr"] != "PR_7" || jsonOf(v["labels"]) != `["LA_hotfix"]` || v["withReviews"] != false {
						t.Errorf("HotfixLabel variables %v", v)
					}
				}))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixOpen", "GraphQL HotfixLabel"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n"},
			stderr: []string{"Pushed hotfix/login to origin", "Opened pull request #7: https://github.com/acme/shop/pull/7",
				`Labelled #7 "hotfix"`, "Not waiting for the merge (--no-wait): run gh hotfix ship later to continue."},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if got := fx.originRef("refs/heads/hotfix/login"); got != fx.tip {
					t.Errorf("origin's hotfix/login is %q, want the branch's tip %s", got, fx.tip)
				}
				if got := fx.git("rev-parse", "--abbrev-ref", "hotfix/login@{upstream}"); got != "origin/hotfix/login" {
					t.Errorf("upstream %q, want origin/hotfix/login", got)
				}
			},
		},
		{
			name:    "a pull request closed without merging",
			fixture: fixtureOpts{pushed: true},
			stubs: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged(pullSpec{number: 7, state: "CLOSED", head: fx.tip, labels: []string{"hotfix"}})
				st.headTip = fx.tip
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			wantErr:  "pull request #7 was closed without being merged: reopen it (gh pr reopen 7) and run gh hotfix ship again",
		},
		{
			name:    "merged and released already",
			fixture: fixtureOpts{merged: true},
			stubs: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull(fx.releaseMarker(501, 9001))).answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "success")))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/runs/9001"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			stderr:   []string{"Pull request #7 is merged (", "Already released: https://github.com/acme/shop/actions/runs/9001 (the run succeeded)"},
		},
		{
			name:    "--retry with no release recorded",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{Retry: true},
			stubs: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			wantErr:  "nothing to retry: no release run of #7 is recorded; run gh hotfix ship without --retry to release it",
		},
		{
			name:    "the recorded release run failed",
			fixture: fixtureOpts{merged: true},
			stubs: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull(fx.releaseMarker(501, 9001))).answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "failure")))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001/jobs?filter=latest&per_page=100"), httpmock.JSON(200, `{"jobs": [
					{"name": "build", "conclusion": "success", "steps": []},
					{"name": "deploy", "conclusion": "failure", "html_url": "https://github.com/acme/shop/actions/runs/9001/job/2",
					 "steps": [{"name": "Checkout", "conclusion": "success"}, {"name": "Push image", "conclusion": "failure"}]}]}`))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/runs/9001", "GET repos/acme/shop/actions/runs/9001/jobs"},
			// The result is printed before ship exits 1.
			stdout: []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			wantErr: `the release run failed (failure, job "deploy" at step "Push image"): https://github.com/acme/shop/actions/runs/9001: ` +
				"read why with gh run view 9001 --log-failed -R github.com/acme/shop, fix what it needs, then re-run its failed jobs with gh hotfix ship --retry",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newShipFixture(t, tt.fixture)
			reg := httpmock.New(t)
			tt.stubs(fx, reg)
			r := fx.ship(reg, tt.opts)
			switch {
			case tt.wantErr == "" && r.err != nil:
				t.Errorf("error %v\nstderr:\n%s", r.err, r.stderr)
			case tt.wantErr != "" && r.err == nil:
				t.Errorf("no error, want %q\nstderr:\n%s", tt.wantErr, r.stderr)
			case tt.wantErr != "" && !strings.Contains(r.err.Error(), tt.wantErr):
				t.Errorf("error\n  %v\nwant it to hold\n  %s", r.err, tt.wantErr)
			}
			wantSame(t, "requests", r.names(), tt.requests)
			wantLines(t, "stdout", r.stdout, tt.stdout...)
			wantLines(t, "stderr", r.stderr, tt.stderr...)
			if tt.check != nil {
				tt.check(t, fx, r)
			}
		})
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var _ = http.StatusOK
var _ = hotfix.Meta{}
