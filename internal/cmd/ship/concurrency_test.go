package ship

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// groupedWorkflow is release.yml with a workflow-level concurrency group.
const groupedWorkflow = releaseWorkflow + "concurrency:\n  group: release\n  cancel-in-progress: false\n"

// TestShipWatchQueuedBehind follows a release run held by a concurrency group:
// the run holding the group is read with one request, only when the status
// turns "pending", and named with the group when the workflow file (read with
// the first query) declares it.
func TestShipWatchQueuedBehind(t *testing.T) {
	t.Setenv("GH_HOTFIX_MIN_INTERVAL", "1ms")
	const runPath = "repos/acme/shop/actions/runs/9001"
	const listPath = "repos/acme/shop/actions/workflows/release.yml/runs"
	holder := runJSON(8990, "0123456789abcdef0123456789abcdef01234567", "in_progress", "")
	holder["run_number"] = 41
	tests := []struct {
		name     string
		workflow string
		first    string // the run's status when first read
		runs     []any  // the workflow's latest runs; nil: not read
		requests []string
		stderr   string
	}{
		{name: "group named from the workflow file", workflow: groupedWorkflow, first: "pending",
			runs:     []any{runJSON(9001, "", "pending", ""), holder},
			requests: []string{"GET " + runPath, "GET " + listPath, "GET " + runPath},
			stderr:   "Release run queued behind run #41 (" + runURL(8990) + "), in concurrency group release"},
		{name: "no group in the file: the same workflow", workflow: releaseWorkflow, first: "pending",
			runs:     []any{holder},
			requests: []string{"GET " + runPath, "GET " + listPath, "GET " + runPath},
			stderr:   "Release run queued behind run #41 (" + runURL(8990) + ") of the same workflow"},
		{name: "holder not among the latest runs", workflow: groupedWorkflow, first: "pending",
			runs:     []any{runJSON(9001, "", "pending", "")},
			requests: []string{"GET " + runPath, "GET " + listPath, "GET " + runPath},
			stderr:   "Release run queued behind another run, in concurrency group release"},
		{name: "not pending: no request more", workflow: groupedWorkflow, first: "in_progress",
			requests: []string{"GET " + runPath, "GET " + runPath},
			stderr:   "Release run: in progress"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newShipFixture(t, fixtureOpts{merged: true})
			reg := httpmock.New(t)
			st := fx.mergedState(fx.mergedPull())
			st.workflows = map[string]string{".github/workflows/release.yml": tt.workflow}
			reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
			stubDispatchOf(reg, "release.yml", 9001)
			reg.Register(httpmock.REST("GET", runPath), httpmock.JSON(200, runJSON(9001, fx.merge, tt.first, "")))
			if tt.runs != nil {
				reg.Register(httpmock.REST("GET", listPath+"?per_page=20"), httpmock.JSON(200, map[string]any{"workflow_runs": tt.runs}))
			}
			reg.Register(httpmock.REST("GET", runPath), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "success")))
			r := fx.shipCommand(reg, "--watch", "--interval", "5ms")
			if r.err != nil {
				t.Fatalf("error %v\nstderr:\n%s", r.err, r.stderr)
			}
			names := r.names()
			wantSame(t, "requests after the release", names[len(names)-len(tt.requests):], tt.requests)
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
		})
	}
}

// TestShipWatchSuperseded ends a watch on a release run cancelled by a newer
// run of the workflow on the branch: one request finds that run; when its
// commit contains the merge (the merge itself, or compared) the hotfix is
// released by it and ship exits 0 naming it; when not, ship exits 1 with the
// command that releases it again. A run cancelled with no newer run is a
// failure as before.
func TestShipWatchSuperseded(t *testing.T) {
	t.Setenv("GH_HOTFIX_MIN_INTERVAL", "1ms")
	const runPath = "repos/acme/shop/actions/runs/9001"
	const listPath = "repos/acme/shop/actions/workflows/release.yml/runs"
	const other = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name    string
		newerAt string // the newer run's commit: "merge", other, or "" for no newer run
		compare string // the compare's status for other
		wantErr string // "" for exit 0
		stderr  string
	}{
		{name: "newer run at the merge: released by it", newerAt: "merge",
			stderr: "Release run cancelled, superseded by run #43 (" + runURL(9002) + "), which contains the merge"},
		{name: "newer run after the merge: compared", newerAt: other, compare: "ahead",
			stderr: "the hotfix is released by that run (follow it with gh run watch 9002 -R github.com/acme/shop)"},
		{name: "newer run without the merge: release again", newerAt: other, compare: "diverged",
			wantErr: "the release run was cancelled, superseded by run #43 (" + runURL(9002) + "), which does not contain the merge"},
		{name: "cancelled by hand: a failure", newerAt: "",
			wantErr: "the release run failed (cancelled)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newShipFixture(t, fixtureOpts{merged: true})
			reg := httpmock.New(t)
			reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
			stubDispatchOf(reg, "release.yml", 9001)
			cancelled := runJSON(9001, fx.merge, "completed", "cancelled")
			cancelled["updated_at"] = "2026-12-06T11:02:00Z"
			reg.Register(httpmock.REST("GET", runPath), httpmock.JSON(200, cancelled))
			runs := []any{cancelled}
			if tt.newerAt != "" {
				sha := tt.newerAt
				if sha == "merge" {
					sha = fx.merge
				}
				newer := runJSON(9002, sha, "in_progress", "")
				newer["run_number"], newer["created_at"] = 43, "2026-12-06T11:02:00Z"
				runs = append([]any{newer}, runs...)
			}
			reg.Register(httpmock.REST("GET", listPath+"?branch=main&per_page=20&created=>=2026-12-06T11:01:05Z"),
				httpmock.JSON(200, map[string]any{"workflow_runs": runs}))
			if tt.compare != "" {
				reg.Register(httpmock.REST("GET", "repos/acme/shop/compare/"+fx.merge+"..."+other), httpmock.JSON(200, map[string]any{"status": tt.compare}))
			}
			if tt.wantErr != "" && tt.newerAt == "" {
				reg.Register(httpmock.REST("GET", runPath+"/jobs"), httpmock.JSON(200, map[string]any{"jobs": []any{}}))
			}
			r := fx.shipCommand(reg, "--watch", "--interval", "5ms")
			switch {
			case tt.wantErr == "" && r.err != nil:
				t.Fatalf("error %v\nstderr:\n%s", r.err, r.stderr)
			case tt.wantErr != "" && (r.err == nil || !strings.Contains(r.err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want %q\nstderr:\n%s", r.err, tt.wantErr, r.stderr)
			}
			if tt.wantErr != "" && tt.newerAt != "" && !strings.Contains(r.err.Error(), "release the hotfix again with gh hotfix ship") {
				t.Errorf("error %q does not say how to release again", r.err)
			}
			if tt.stderr != "" && !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
		})
	}
}

// TestShipWatchFollowsReRun: a release run re-run while ship --watch follows it
// (gh run rerun, the Actions tab) is the same run with a new attempt: the watch
// goes on following it, says the attempt, even when it missed the failure in
// between (same status, new attempt), and reports the attempt that succeeded.
func TestShipWatchFollowsReRun(t *testing.T) {
	t.Setenv("GH_HOTFIX_MIN_INTERVAL", "1ms")
	const runPath = "repos/acme/shop/actions/runs/9001"
	attempt := func(sha, status, conclusion string, n int) map[string]any {
		r := runJSON(9001, sha, status, conclusion)
		r["run_attempt"] = n
		return r
	}
	tests := []struct {
		name   string
		states [][3]any // status, conclusion, attempt, as read in turn
		stderr []string
	}{
		{name: "failure missed: same status, new attempt", states: [][3]any{{"in_progress", "", 1}, {"in_progress", "", 2}, {"completed", "success", 2}},
			stderr: []string{"Release run: in progress", "Release run (attempt 2): in progress", "Release run succeeded (attempt 2)"}},
		{name: "re-run queued again", states: [][3]any{{"in_progress", "", 1}, {"queued", "", 2}, {"completed", "success", 2}},
			stderr: []string{"Release run: in progress", "Release run (attempt 2): queued", "Release run succeeded (attempt 2)"}},
		{name: "first attempt: no attempt said", states: [][3]any{{"in_progress", "", 1}, {"completed", "success", 1}},
			stderr: []string{"Release run: in progress", "Release run succeeded: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newShipFixture(t, fixtureOpts{merged: true})
			reg := httpmock.New(t)
			reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
			stubDispatchOf(reg, "release.yml", 9001)
			for _, s := range tt.states {
				reg.Register(httpmock.REST("GET", runPath), httpmock.JSON(200, attempt(fx.merge, s[0].(string), s[1].(string), s[2].(int))))
			}
			r := fx.shipCommand(reg, "--watch", "--interval", "5ms")
			if r.err != nil {
				t.Fatalf("error %v\nstderr:\n%s", r.err, r.stderr)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if len(tt.states) == 2 && strings.Contains(r.stderr, "attempt") {
				t.Errorf("a first attempt is said as one:\n%s", r.stderr)
			}
		})
	}
}
