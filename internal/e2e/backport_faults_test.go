package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// backportRoute is a request of backport's two runs — carrying the fix to
// three lines, then releasing the line whose backport merged — that a fault
// or a crash meets: skip requests on the route pass before it.
type backportRoute struct {
	route string
	skip  int
}

var backportRoutes = []backportRoute{
	{"graphql query repository (HotfixBackport)", 0},               // the first run's one read
	{"POST /repos/{owner}/{repo}/labels", 0},                       // the backport label, created once
	{"POST /repos/{owner}/{repo}/pulls", 0},                        // the clean backport opened
	{"POST /repos/{owner}/{repo}/pulls", 1},                        // the draft opened
	{"POST /repos/{owner}/{repo}/issues/{issue_number}/labels", 0}, // the clean backport labelled
	{"graphql mutation addComment (HotfixComment)", 0},             // the summary posted
	{"graphql query repository (HotfixBackport)", 1},               // the second run's first read
	{"graphql query repository (HotfixShip)", 1},                   // ship --pr's read of the line
	{"graphql mutation addComment (HotfixComment)", 1},             // the release claimed on the backport
	{"POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", 0},
	{"PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", 0}, // the release recorded
	{"PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", 1}, // the summary updated
}

// backportTwice runs backport's story on a fresh repository: carry #n to three
// lines, merge the clean backport, backport again. run runs one backport and
// reports its exit; it may fail once per phase (a fault), and is then run
// again. It returns the repository and the source pull request.
func backportTwice(t *testing.T, e *harness.Env, repo string, arm func(), run func(work string, args ...string) harness.Result) (string, int, string) {
	t.Helper()
	work := backportRepo(t, e, repo)
	n := mergeFix(t, e, work, repo, "squash")
	if arm != nil {
		arm() // the faults, once the repository is made
	}
	var said strings.Builder
	phase := func(args ...string) bool {
		for attempt := 1; attempt <= 2; attempt++ {
			r := run(work, args...)
			said.WriteString(r.Stderr)
			if r.Code == 3 {
				return true
			}
			if last := lastLine(r.Stderr); attempt == 1 && !strings.Contains(last, "again") && !strings.Contains(last, "HTTP") && r.Code != -1 {
				t.Errorf("backport failed without saying how to continue: %q", last)
			}
			e.Control("DELETE", "faults", nil)
		}
		return false
	}
	if !phase("backport", fmt.Sprint(n), "--to", "release/v1.4", "--to", "release/v1.3", "--to", "release/v1.2") {
		return "the first backport did not finish after a re-run:\n" + said.String(), n, repo
	}
	prs := backportPulls(t, e, repo)
	clean, ok := prs["release/v1.4"]
	if !ok {
		return "no backport into release/v1.4", n, repo
	}
	if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/%s/pulls/%d/merge", repo, clean.Number), map[string]any{"merge_method": "merge"}); status != 200 {
		t.Fatalf("merge the backport: %d %v", status, out) // no fault is on this route
	}
	if !phase("backport", fmt.Sprint(n)) {
		return "the second backport did not finish after a re-run:\n" + said.String(), n, repo
	}
	return backportStateProblem(t, e, repo, n), n, repo
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// backportStateProblem compares the repository with the fault-free end state:
// two backports (the clean one merged, the draft open) labelled hotfix and
// backport, one summary saying released v1.4.2 / conflict / already there,
// one release comment on the merged backport and one release run.
func backportStateProblem(t *testing.T, e *harness.Env, repo string, n int) string {
	prs := backportPulls(t, e, repo)
	clean, draft := prs["release/v1.4"], prs["release/v1.3"]
	_, runs := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs", nil)
	_, branches := e.API("GET", "/repos/monalisa/"+repo+"/branches", nil)
	backportBranches := strings.Count(jsonString(branches), `"name":"hotfix/backport-`)
	switch {
	case len(prs) != 2 || !clean.Merged || !draft.Draft || draft.State != "open":
		return fmt.Sprintf("backports: %+v", prs)
	case clean.labels() != "backport,hotfix" || draft.labels() != "backport,hotfix":
		return fmt.Sprintf("labels: %q, %q", clean.labels(), draft.labels())
	case backportBranches != 2:
		return fmt.Sprintf("%d backport branches: %s", backportBranches, jsonString(branches))
	case runs.(map[string]any)["total_count"].(float64) != 1:
		return fmt.Sprintf("%v release runs", runs.(map[string]any)["total_count"])
	}
	s := summaryOf(t, e, repo, n)
	want := map[string]hotfix.BackportLine{
		"release/v1.4": {State: hotfix.LineReleased, PR: clean.Number, Tag: "v1.4.2"},
		"release/v1.3": {State: hotfix.LineConflict, PR: draft.Number},
		"release/v1.2": {State: hotfix.LineAlreadyThere},
	}
	for line, w := range want {
		if l, _ := s.Line(line); l.State != w.State || l.PR != w.PR || l.Tag != w.Tag {
			return fmt.Sprintf("summary of %s: %+v, want %+v", line, l, w)
		}
	}
	_, cm := e.API("GET", fmt.Sprintf("/repos/monalisa/%s/issues/%d/comments", repo, clean.Number), nil)
	if c := jsonString(cm); strings.Count(c, "gh-hotfix:release") != 1 || !strings.Contains(c, "v1.4.2") {
		return "release comments on the backport: " + c
	}
	return ""
}

// TestBackportFaultMatrix injects each fault once into each request of
// backport's two runs: every run ends in the fault-free end state, at once or
// after the one re-run its message asked for.
func TestBackportFaultMatrix(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fault matrix: end-to-end, skipped under -short")
	}
	var mu sync.Mutex
	var report strings.Builder
	for _, fk := range faultKinds {
		t.Run(fk.name, func(t *testing.T) {
			t.Parallel()
			e := harness.New(t)
			for i, c := range backportRoutes {
				arm := func() {
					faults := fk.faults
					if fk.graphql != nil && strings.HasPrefix(c.route, "graphql ") {
						faults = fk.graphql
					}
					for k, f := range faults {
						fault := map[string]any{"route": c.route, "count": 1}
						if k == 0 {
							fault["skip"] = c.skip
						}
						for key, v := range f {
							fault[key] = v
						}
						if status, out := e.Control("POST", "faults", fault); status != 201 {
							t.Fatalf("fault: %d %v", status, out)
						}
					}
				}
				problem, _, _ := backportTwice(t, e, fmt.Sprintf("bf%d", i), arm, func(work string, args ...string) harness.Result {
					return e.RunInEnv(work, faultEnv, "gh", append([]string{"hotfix"}, args...)...)
				})
				if problem == "" && !faultHit(e, c.route) {
					problem = "the fault was never triggered"
				}
				if problem == "" && fk.rateLimit && len(pendingFaults(e)) != 0 {
					problem = fmt.Sprintf("not every rate-limit form was met: %v", pendingFaults(e))
				}
				e.Control("DELETE", "faults", nil)
				outcome := "ok"
				if problem != "" {
					outcome = "FAIL"
					t.Errorf("%s (skip %d) × %s: %s", c.route, c.skip, fk.name, problem)
				}
				mu.Lock()
				fmt.Fprintf(&report, "\n%-75s skip %d × %-12s %s", c.route, c.skip, fk.name, outcome)
				mu.Unlock()
			}
		})
	}
	t.Cleanup(func() { t.Logf("backport fault matrix:%s", report.String()) })
}

// TestBackportCrashMatrix kills backport (SIGKILL, gh and the extension
// together) while each request of its runs is in flight, then runs it again:
// the end state equals an uninterrupted run's.
func TestBackportCrashMatrix(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("crash matrix: end-to-end, skipped under -short")
	}
	e := harness.New(t)
	e.Environ = append(e.Environ, faultEnv...)
	var report strings.Builder
	for i, c := range backportRoutes {
		killed := false
		problem, _, _ := backportTwice(t, e, fmt.Sprintf("bc%d", i), nil, func(work string, args ...string) harness.Result {
			if !killed && routeComesIn(c, args) {
				killed = true
				killInFlight(t, e, work, c.route, c.skip-skipBefore(c, args), args)
				return harness.Result{Code: -1}
			}
			return e.Hotfix(work, args...)
		})
		outcome := "ok"
		if problem != "" {
			outcome = "FAIL"
			t.Errorf("killed while %s (skip %d) was in flight: %s", c.route, c.skip, problem)
		}
		fmt.Fprintf(&report, "\nkilled while %-75s skip %d → re-run %s", c.route, c.skip, outcome)
	}
	t.Logf("backport crash matrix:%s", report.String())
}

// routeComesIn reports whether the crash point is in this run of backport:
// the first (with --to) opens and labels the backports and posts the summary;
// the second releases and records.
func routeComesIn(c backportRoute, args []string) bool {
	first := len(args) > 2
	switch {
	case c.route == "graphql query repository (HotfixBackport)":
		return first == (c.skip == 0)
	case c.route == "graphql mutation addComment (HotfixComment)":
		return first == (c.skip == 0)
	case strings.HasPrefix(c.route, "PATCH "), strings.Contains(c.route, "dispatches"), strings.Contains(c.route, "HotfixShip"):
		return !first
	}
	return first
}

// skipBefore is how many requests on the crash point's route the runs before
// this one made: the second run's skips count from its own start.
func skipBefore(c backportRoute, args []string) int {
	if len(args) > 2 {
		return 0
	}
	switch c.route {
	case "graphql query repository (HotfixBackport)":
		return 1 // the first run read once
	case "graphql mutation addComment (HotfixComment)":
		return 1
	}
	return 0
}
