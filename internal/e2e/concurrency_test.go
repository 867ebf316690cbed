package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// groupedRelease is harness.ReleaseWorkflow in the workflow-level concurrency
// group release, cancelling the group's older runs when cancel is true.
func groupedRelease(cancel bool) string {
	return harness.ReleaseWorkflow + fmt.Sprintf("concurrency:\n  group: release\n  cancel-in-progress: %t\n", cancel)
}

// twoHotfixes makes repository name with the release workflow, two clones each
// with a hotfix pushed (pull requests #1 and #2), and merges #1 and releases it
// with ship in the first clone; the first run stays in progress. It returns the
// clones, the second merge's function and the first release run.
func twoHotfixes(t *testing.T, e *harness.Env, name, workflow string) (a, b string, mergeB func(), first map[string]any) {
	t.Helper()
	a = e.CreateRepo(name, map[string]string{".github/workflows/release.yml": workflow})
	hotfixIn(t, e, a, "first fix", "fix.txt")
	b = secondHotfix(t, e, name, a)
	merge := func(n int) {
		if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/%s/pulls/%d/merge", name, n), map[string]any{"merge_method": "merge"}); status != 200 {
			t.Fatalf("merge #%d: %d %v", n, status, out)
		}
	}
	merge(1)
	if r := e.Hotfix(a, "ship"); r.Code != 0 {
		t.Fatalf("ship of the first hotfix: exit %d: %s", r.Code, r.Stderr)
	}
	runs := releaseRuns(t, e, name)
	if len(runs) != 1 {
		t.Fatalf("%d runs after the first release, want 1", len(runs))
	}
	return a, b, func() { merge(2) }, runs[0]
}

// secondHotfix clones repository name, where clone a has a hotfix committed,
// makes a second hotfix in the new clone, and opens both pull requests (#1 from
// a, #2 from the new clone) with ship --no-wait; it returns the new clone.
func secondHotfix(t *testing.T, e *harness.Env, name, a string) string {
	t.Helper()
	b := e.Clone(name)
	if r := e.Hotfix(b, "create", "second fix"); r.Code != 0 {
		t.Fatalf("create: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(b, "second.txt"), "the second fix\n")
	e.Git(b, "add", "-A")
	e.Git(b, "commit", "-q", "-m", "Fix the second thing")
	for _, dir := range []string{a, b} {
		if r := e.Hotfix(dir, "ship", "--no-wait"); r.Code != 0 {
			t.Fatalf("ship --no-wait: exit %d: %s", r.Code, r.Stderr)
		}
	}
	return b
}

// releaseRuns are the repository's workflow runs, newest first.
func releaseRuns(t *testing.T, e *harness.Env, name string) []map[string]any {
	t.Helper()
	_, out := e.API("GET", "/repos/monalisa/"+name+"/actions/runs", nil)
	var runs []map[string]any
	for _, r := range out.(map[string]any)["workflow_runs"].([]any) {
		runs = append(runs, r.(map[string]any))
	}
	return runs
}

// TestShipSupersededRelease: two hotfixes released back to back with a release
// workflow whose concurrency group cancels runs in progress. The second
// release cancels the first one's run; the first hotfix's ship --watch says
// its run was cancelled, superseded by the second run, which contains its merge
// (the second merge came after it on main): the hotfix is released by that
// run, and ship exits 0 naming it, without a dispatch more.
func TestShipSupersededRelease(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	a, b, mergeB, first := twoHotfixes(t, e, "supersede", groupedRelease(true))
	mergeB()
	if r := e.Hotfix(b, "ship"); r.Code != 0 {
		t.Fatalf("ship of the second hotfix: exit %d: %s", r.Code, r.Stderr)
	}
	runs := releaseRuns(t, e, "supersede")
	if len(runs) != 2 || runs[1]["id"] != first["id"] || runs[1]["conclusion"] != "cancelled" {
		t.Fatalf("runs %s, want the first one cancelled by the second", jsonString(runs))
	}
	second := runs[0]

	r := e.Hotfix(a, "ship", "--watch", "--interval", "100ms", "--timeout", "1m")
	want := fmt.Sprintf("Release run cancelled, superseded by run #%v (%s), which contains the merge", second["run_number"], second["html_url"])
	if r.Code != 0 || !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, "the hotfix is released by that run") {
		t.Fatalf("ship --watch of the first hotfix: exit %d, want 0 saying %q\n%s", r.Code, want, r.Stderr)
	}
	if n := dispatchCount(e); n != 2 {
		t.Errorf("%d dispatches, want 2 (one per hotfix, none more)", n)
	}
}

// TestShipQueuedBehind: the same, with a concurrency group that lets the
// group's run finish: the second release run waits pending, and the second
// hotfix's ship --watch says it is queued behind the first run, in the group
// named in the workflow file, reading the workflow's runs once; when the first
// run finishes, the second runs and succeeds.
func TestShipQueuedBehind(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	_, b, mergeB, first := twoHotfixes(t, e, "queued", groupedRelease(false))
	mergeB()
	e.ClearRequests()
	r := e.Hotfix(b, "ship", "--watch", "--interval", "100ms", "--timeout", "3s")
	want := fmt.Sprintf("Release run queued behind run #%v (%s), in concurrency group release", first["run_number"], first["html_url"])
	if r.Code != 1 || !strings.Contains(r.Stderr, want) {
		t.Fatalf("ship --watch of the second hotfix: exit %d, want 1 at the timeout saying %q\n%s", r.Code, want, r.Stderr)
	}
	// Besides the look-up of the last successful release before the dispatch,
	// the workflow's runs are listed once: when the run turned pending.
	var listings []string
	for _, q := range e.Server.Requests() {
		if q.Method == "GET" && strings.HasPrefix(q.Path, "/repos/monalisa/queued/actions/workflows/release.yml/runs") && !strings.Contains(q.Path, "status=success") {
			listings = append(listings, q.Path)
		}
	}
	if len(listings) != 1 {
		t.Errorf("listings of the workflow's runs %q, want 1 (when the run turned pending)", listings)
	}

	// The first run finishes: the second leaves the group's queue and succeeds.
	e.Control("POST", fmt.Sprintf("repos/monalisa/queued/runs/%d", int64(first["id"].(float64))), map[string]any{"status": "completed", "conclusion": "success"})
	e.Control("POST", "repos/monalisa/queued/auto-runs", map[string]any{"after_ms": 300})
	r = e.Hotfix(b, "ship", "--watch", "--interval", "100ms", "--timeout", "1m")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Release run succeeded") {
		t.Fatalf("ship --watch once the group is free: exit %d\n%s", r.Code, r.Stderr)
	}
}

// TestShipWatchFollowsReRun: while ship --watch follows the release run, the
// run fails and is re-run with the real gh run rerun before ship's next poll:
// ship goes on following the same run, says "attempt 2", and reports it
// succeeded; it neither re-runs nor dispatches anything itself.
func TestShipWatchFollowsReRun(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("rerun", map[string]string{".github/workflows/release.yml": harness.ReleaseWorkflow})
	hotfixIn(t, e, work, "cart total rounding", "fix.txt")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/rerun/pulls/1/merge", map[string]any{"merge_method": "merge"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	// A long interval: the failure and the re-run both happen between two polls.
	p := e.Start(work, "ship", "--watch", "--interval", "5s", "--timeout", "2m")
	e.Eventually("ship --watch following the run", time.Minute, func() bool { return strings.Contains(p.Stderr(), "Release run: ") })
	runs := releaseRuns(t, e, "rerun")
	if len(runs) != 1 {
		t.Fatalf("%d runs, want the release", len(runs))
	}
	id := int64(runs[0]["id"].(float64))
	e.Control("POST", fmt.Sprintf("repos/monalisa/rerun/runs/%d", id), map[string]any{"status": "completed", "conclusion": "failure"})
	if r := e.RunIn(work, "gh", "run", "rerun", fmt.Sprint(id)); r.Code != 0 {
		t.Fatalf("gh run rerun: exit %d\n%s", r.Code, r.Stderr)
	}
	e.Control("POST", "repos/monalisa/rerun/auto-runs", map[string]any{"after_ms": 300})
	r := p.Wait(t, 2*time.Minute)
	if r.Code != 0 || !strings.Contains(r.Stderr, "Release run (attempt 2): ") || !strings.Contains(r.Stderr, "Release run succeeded (attempt 2)") {
		t.Fatalf("ship --watch across the re-run: exit %d\n%s", r.Code, r.Stderr)
	}
	api, _, _ := e.RequestCounts()
	if n := api["POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs"]; n != 0 || dispatchCount(e) != 1 {
		t.Errorf("ship re-ran (%d) or dispatched (%d) itself", n, dispatchCount(e))
	}
	if runs := releaseRuns(t, e, "rerun"); len(runs) != 1 || runs[0]["run_attempt"] != float64(2) || runs[0]["conclusion"] != "success" {
		t.Errorf("runs %s, want one, attempt 2, succeeded", jsonString(runs))
	}
}
