package e2e

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// The API routes create and ship use on the way from a fresh hotfix branch to a
// followed release (ship --watch with a reviewer, a previous release, and a
// teammate who merges).
var shipRoutes = []string{
	"graphql query repository,viewer (HotfixCreate)",
	"graphql query user,repository (HotfixShip)",
	"GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}",
	"graphql mutation createPullRequest,createLabel (HotfixOpen)",
	"graphql mutation addLabelsToLabelable,requestReviews (HotfixLabel)",
	"GET /repos/{owner}/{repo}/pulls/{pull_number}",
	"graphql query node (HotfixWaitState)",
	"graphql query repository (HotfixShip)",
	"graphql mutation addComment (HotfixComment)",
	"POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
	"PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
	"GET /repos/{owner}/{repo}/actions/runs/{run_id}",
}

// shipArgs follow the PR to its release: a reviewer, a teammate who merges.
var shipArgs = []string{"ship", "--watch", "--interval", "50ms", "--timeout", "30s", "-r", "hubot"}

// autoRoutes are the routes ship --auto adds on a repository that does not allow
// auto-merge (github.com's default): GitHub is still computing the new PR's
// mergeability (unknown), ship reads it again until it is known, then merges.
var autoRoutes = []string{
	"graphql query node (HotfixMergeState)",
	"PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
}

var autoArgs = []string{"ship", "--auto", "--watch", "--interval", "50ms", "--timeout", "30s", "-r", "hubot"}

// adoptRoutes are those of the adoption path: the release workflow also runs
// on pushes to main, so merging the hotfix starts its release; ship finds that
// run in its first query, records it (the release comment) and follows it, and
// never dispatches.
var adoptRoutes = []string{
	"graphql mutation addComment (HotfixComment)",
	"GET /repos/{owner}/{repo}/actions/runs/{run_id}",
}

// pushReleaseWorkflow is the release workflow, also run on pushes to main.
var pushReleaseWorkflow = strings.Replace(harness.ReleaseWorkflow, "on:\n", "on:\n  push:\n    branches: [main]\n", 1)

// excAdoptRoutes are those of the adoption path of a hotfix from a release tag:
// the hotfix workflow also runs on pushes to maintenance branches, so merging
// the hotfix into release/v1.4 starts its release; after the wait ship reads
// the branch again (the second request of the first query's name, hence skip),
// finds that run, lists the line's tags for the tag it may have created,
// records it and follows it, and never dispatches.
var excAdoptRoutes = []struct {
	route string
	skip  int
}{
	{"graphql query repository (HotfixShip)", 1},
	{"GET /repos/{owner}/{repo}/git/matching-refs/{ref}", 0},
	{"graphql mutation addComment (HotfixComment)", 0},
}

// pushHotfixWorkflow is the hotfix workflow init --workflows writes, also run on
// pushes to maintenance branches.
var pushHotfixWorkflow = strings.Replace(release.HotfixWorkflow, "\non:\n", "\non:\n  push:\n    branches: ['release/**']\n", 1)

// flowCase is one route of one flow: the route a fault or a crash meets, and the
// ship command that meets it.
type flowCase struct {
	route string
	args  []string
	// teammate: a teammate approves and merges the PR 200 ms after it opens (the
	// plain flow); with --auto, ship merges it itself.
	teammate bool
	// adopt: the release workflow runs on pushes too; its run at the merge is
	// the release ship adopts (flow "adopt").
	adopt bool
	// exceptional (with adopt): the hotfix starts from the release tag v1.4.0,
	// and the hotfix workflow's push run at the merge into release/v1.4 is the
	// release ship adopts (flow "exceptional adopt").
	exceptional bool
	// skip: the requests on route that pass before the one the case meets.
	skip int
}

// key names the case in the matrices: the route, and the flow when not plain.
func (c flowCase) key() string {
	switch {
	case c.exceptional:
		return c.route + " [exceptional adopt]"
	case c.adopt:
		return c.route + " [adopt]"
	case !c.teammate:
		return c.route + " [auto]"
	}
	return c.route
}

// setUp makes the case's repository with its last release, a collaborator
// hubot who merges (with teammate) and runs that finish by themselves; it
// returns the clone. The adoption flows' workflows also run on pushes.
func (c flowCase) setUp(e *harness.Env, repo string) string {
	var files map[string]string
	tag := "v1.0.0"
	switch {
	case c.exceptional:
		files = map[string]string{".github/workflows/hotfix.yml": pushHotfixWorkflow, ".github/hotfix.yml": exceptionalConfig}
		tag = "v1.4.0"
	case c.adopt:
		files = map[string]string{".github/workflows/release.yml": pushReleaseWorkflow}
	}
	work := e.CreateRepo(repo, files)
	e.AddCollaborator(repo, "hubot")
	e.API("POST", "/repos/monalisa/"+repo+"/releases", map[string]any{"tag_name": tag})
	if c.teammate {
		e.Control("POST", "repos/monalisa/"+repo+"/reviewer", map[string]any{"after_ms": 200})
	}
	e.Control("POST", "repos/monalisa/"+repo+"/auto-runs", map[string]any{"after_ms": 100})
	return work
}

// firstQuery is the route of ship's first request: on the standard path it
// also brings the reviewers' IDs.
func (c flowCase) firstQuery() string {
	if c.exceptional {
		return "graphql query repository (HotfixShip)"
	}
	return "graphql query user,repository (HotfixShip)"
}

// create is the case's gh hotfix create: from the release tag in the exceptional flow.
func (c flowCase) create(desc string) []string {
	if c.exceptional {
		return []string{"create", desc, "--from-tag", "v1.4.0"}
	}
	return []string{"create", desc}
}

// matrixCases are the routes of the plain flow, then those only ship --auto uses.
func matrixCases(routes []string) []flowCase {
	var out []flowCase
	for _, r := range routes {
		out = append(out, flowCase{route: r, args: shipArgs, teammate: true})
	}
	for _, r := range autoRoutes {
		out = append(out, flowCase{route: r, args: autoArgs})
	}
	for _, r := range adoptRoutes {
		out = append(out, flowCase{route: r, args: shipArgs, teammate: true, adopt: true})
	}
	for _, r := range excAdoptRoutes {
		out = append(out, flowCase{route: r.route, skip: r.skip, args: shipArgs, teammate: true, adopt: true, exceptional: true})
	}
	return out
}

type faultKind struct {
	name string
	// faults are injected in order on the route, each once: a request refused by
	// the first meets the second when it is sent again, and so on.
	faults []map[string]any
	// graphql, when set, replaces faults on GraphQL routes: the same limit answers
	// GraphQL in its own form.
	graphql []map[string]any
	// rateLimit: GitHub refused without acting and said when to come back, so the
	// run must wait it out and finish in one go, saying until when.
	rateLimit bool
}

// The "rate-limits" kind meets every route with each rate-limit form GitHub
// documents (internal/emulator/ratelimit.go), one after the other on the same
// request: the secondary limit with retry-after (403, 1 s); the primary limit
// (REST 429 with remaining 0 and a reset a second away; GraphQL 200 +
// RATE_LIMITED); then the secondary limit without retry-after as 403, then as
// 429 (GraphQL: 200). Chained, they cost one run per route, not four.
var faultKinds = []faultKind{
	{name: "502", faults: []map[string]any{{"status": 502}}},
	{name: "dropped", faults: []map[string]any{{"drop": true}}},
	{name: "rate-limits", rateLimit: true,
		faults: []map[string]any{
			{"status": 403, "retry_after": 1},
			{"rate_limit": "primary", "status": 429, "reset_in_s": 1},
			{"rate_limit": "secondary", "status": 403},
			{"rate_limit": "secondary", "status": 429},
		},
		graphql: []map[string]any{
			{"status": 403, "retry_after": 1},
			{"rate_limit": "primary", "reset_in_s": 1},
			{"rate_limit": "secondary", "status": 403},
			{"rate_limit": "secondary", "status": 200},
		}},
	{name: "timeout", faults: []map[string]any{{"latency_ms": 1500}}}, // the client gives up after 1 s
}

// faultEnv shortens the client timeout, the run lookup and the minute GitHub asks
// for after a secondary limit without retry-after (GH_HOTFIX_SECONDARY_LIMIT_WAIT,
// internal/github/ratelimit.go), so the matrix runs quickly.
var faultEnv = []string{"GH_HOTFIX_HTTP_TIMEOUT=1s", "GH_HOTFIX_RUN_LOOKUP_TIMEOUT=2s", "GH_HOTFIX_SECONDARY_LIMIT_WAIT=50ms"}

// TestFaultMatrix injects each fault once into each route of create and ship.
// Every run must end in the fault-free final state — one branch, one PR, one
// label, one release comment, one dispatch — either at once or after one re-run
// that the failed run's message asked for.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fault matrix: end-to-end, skipped under -short")
	}
	cases := matrixCases(shipRoutes)
	outcome := map[string]map[string]string{}
	for _, c := range cases {
		outcome[c.key()] = map[string]string{}
	}
	var mu sync.Mutex
	// One emulator per kind of fault, so the kinds run side by side.
	t.Run("faults", func(t *testing.T) {
		for _, fk := range faultKinds {
			t.Run(fk.name, func(t *testing.T) {
				t.Parallel()
				e := harness.New(t)
				e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
				for i, c := range cases {
					o := runFaultCase(t, e, fmt.Sprintf("fm%d", i), c, fk)
					mu.Lock()
					outcome[c.key()][fk.name] = o
					mu.Unlock()
				}
			})
		}
	})
	// The matrix, for the reader and the closing note: ok = finished in one run,
	// rerun = stopped with a clear message and a re-run finished it.
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-80s", "route \\ fault")
	for _, fk := range faultKinds {
		fmt.Fprintf(&b, " %-13s", fk.name)
	}
	b.WriteString("\n")
	counts := map[string]int{}
	for _, c := range cases {
		route := c.key()
		fmt.Fprintf(&b, "%-80s", route)
		for _, fk := range faultKinds {
			o := outcome[route][fk.name]
			if o == "" {
				o = "-" // not run (go test -run picked other kinds)
			}
			counts[strings.Fields(o)[0]]++
			fmt.Fprintf(&b, " %-13s", o)
		}
		b.WriteString("\n")
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %d  ", k, counts[k])
	}
	t.Logf("fault matrix (%d routes × %d faults):%s", len(cases), len(faultKinds), b.String())
}

func runFaultCase(t *testing.T, e *harness.Env, repo string, c flowCase, fk faultKind) string {
	t.Helper()
	route := c.route
	work := c.setUp(e, repo)
	faults := fk.faults
	if fk.graphql != nil && strings.HasPrefix(route, "graphql ") {
		faults = fk.graphql
	}
	for i, f := range faults {
		fault := map[string]any{"route": route, "count": 1}
		if i == 0 {
			fault["skip"] = c.skip // the faults behind the first wait with it
		}
		for k, v := range f {
			fault[k] = v
		}
		if status, out := e.Control("POST", "faults", fault); status != 201 {
			t.Fatalf("fault: %d %v", status, out)
		}
	}
	defer e.Control("DELETE", "faults", nil)

	result := "ok"
	var stderr strings.Builder
	runStep := func(args ...string) harness.Result {
		r := e.RunInEnv(work, faultEnv, "gh", append([]string{"hotfix"}, args...)...)
		stderr.WriteString(r.Stderr)
		return r
	}
	r := runStep(c.create("fault in " + repo)...)
	if r.Code != 0 {
		if !oneClearLine(r.Stderr) {
			t.Errorf("%s × %s: create failed without one clear line:\n%s", route, fk.name, r.Stderr)
		}
		result = "rerun"
		if r = runStep(c.create("fault in " + repo)...); r.Code != 0 {
			t.Errorf("%s × %s: create re-run failed:\n%s", route, fk.name, stderr.String())
			return "FAIL"
		}
	}
	harnessWrite(t, filepath.Join(work, "fix.txt"), "fix\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "fix")
	args := c.args
	if r = runStep(args...); r.Code != 0 {
		lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, "again") && !strings.Contains(last, "HTTP") {
			t.Errorf("%s × %s: ship failed without saying how to continue: %q", route, fk.name, last)
		}
		result = "rerun"
		e.Control("DELETE", "faults", nil)
		if r = runStep(args...); r.Code != 0 {
			t.Errorf("%s × %s: ship re-run failed:\n%s", route, fk.name, stderr.String())
			return "FAIL"
		}
	}
	if !faultHit(e, route) {
		t.Errorf("%s × %s: the fault was never triggered: the route is not used", route, fk.name)
		return "UNUSED"
	}
	if problem := finalStateProblem(e, repo, c); problem != "" {
		t.Errorf("%s × %s: %s\n%s", route, fk.name, problem, stderr.String())
		return "FAIL"
	}
	if fk.rateLimit {
		if pending := pendingFaults(e); len(pending) != 0 {
			t.Errorf("%s × %s: not every rate-limit form was met: %v", route, fk.name, pending)
		}
		if result != "ok" {
			t.Errorf("%s × %s: a rate limit that resets in a second stopped the run instead of being waited out:\n%s", route, fk.name, stderr.String())
			return "FAIL"
		}
		if !strings.Contains(stderr.String(), "waiting until ") {
			t.Errorf("%s × %s: waited without saying until when:\n%s", route, fk.name, stderr.String())
		}
	}
	return result
}

// faultHit reports whether the last request on route carried an injected fault.
func faultHit(e *harness.Env, route string) bool {
	reqs := e.Server.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if strings.HasPrefix(reqs[i].Route, route) && reqs[i].Fault != "" {
			return true
		}
	}
	return false
}

func oneClearLine(stderr string) bool {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	return len(lines) >= 1 && lines[len(lines)-1] != ""
}

// finalStateProblem compares a repository with the fault-free end state. In
// the adoption flows the release is the push run at the merge (besides the
// repository's, or the maintenance branch's, first push run) and nothing is
// dispatched. The exceptional flow adds the forward-port: its branch, its pull
// request and its label.
func finalStateProblem(e *harness.Env, repo string, c flowCase) string {
	adopted, want := c.adopt, 1
	if c.exceptional {
		want = 2
	}
	base := "/repos/monalisa/" + repo
	_, branches := e.API("GET", base+"/branches", nil)
	hotfixBranches := 0
	for _, b := range branches.([]any) {
		if strings.HasPrefix(b.(map[string]any)["name"].(string), "hotfix/") {
			hotfixBranches++
		}
	}
	_, pulls := e.API("GET", base+"/pulls?state=all", nil)
	_, labels := e.API("GET", base+"/labels", nil)
	_, runs := e.API("GET", base+"/actions/runs", nil)
	switch {
	case hotfixBranches != want:
		return fmt.Sprintf("%d hotfix branches", hotfixBranches)
	case len(pulls.([]any)) != want:
		return fmt.Sprintf("%d pull requests", len(pulls.([]any)))
	case len(labels.([]any)) != want:
		return fmt.Sprintf("labels: %s", jsonString(labels))
	case !adopted && runs.(map[string]any)["total_count"].(float64) != 1:
		return fmt.Sprintf("%v release runs", runs.(map[string]any)["total_count"])
	case adopted && (runs.(map[string]any)["total_count"].(float64) != 2 || strings.Contains(jsonString(runs), `"event":"workflow_dispatch"`)):
		return fmt.Sprintf("%v runs, want the two push runs and no dispatch: %s", runs.(map[string]any)["total_count"], jsonString(runs))
	}
	var pr map[string]any
	for _, p := range pulls.([]any) {
		if !strings.HasPrefix(p.(map[string]any)["head"].(map[string]any)["ref"].(string), "hotfix/forward-port-") {
			pr = p.(map[string]any)
		}
	}
	if pr["merged"] != true {
		return "PR not merged"
	}
	if got := jsonString(pr["labels"]); strings.Count(got, `"name":"hotfix"`) != 1 {
		return "PR labels " + got
	}
	_, comments := e.API("GET", fmt.Sprintf("%s/issues/%v/comments", base, pr["number"]), nil)
	said := "Release started"
	if adopted {
		said = "Release found"
	}
	if c := jsonString(comments); strings.Count(c, "gh-hotfix:release") != 1 || !strings.Contains(c, said) {
		return "release comments: " + c
	}
	_, reviews := e.API("GET", fmt.Sprintf("%s/pulls/%v/reviews", base, pr["number"]), nil)
	_, requested := e.API("GET", fmt.Sprintf("%s/pulls/%v/requested_reviewers", base, pr["number"]), nil)
	if !strings.Contains(jsonString(requested)+jsonString(reviews), "hubot") {
		return "reviewer hubot neither requested nor reviewing"
	}
	return ""
}

// TestCrashMatrix kills ship (SIGKILL, gh and the extension together) while each
// request of its run is in flight — that is, right after the step before it —
// then re-runs it; the end state must equal an uninterrupted run's.
func TestCrashMatrix(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("crash matrix: end-to-end, skipped under -short")
	}
	e := harness.New(t)
	e.Environ = append(e.Environ, faultEnv...)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	var report strings.Builder
	cases := matrixCases(shipRoutes[1:]) // create's route is the step before ship
	for i, c := range cases {
		route := c.route
		repo := fmt.Sprintf("cm%d", i)
		work := c.setUp(e, repo)
		if r := e.Hotfix(work, c.create("crash in "+repo)...); r.Code != 0 {
			t.Fatalf("create: %s", r.Stderr)
		}
		harnessWrite(t, filepath.Join(work, "fix.txt"), "fix\n")
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "fix")
		args := c.args
		killInFlight(t, e, work, route, c.skip, args)
		// The re-run meets GitHub's primary rate limit in both of the forms GitHub
		// sends it (GraphQL: 200 + RATE_LIMITED on its first request; REST: 429
		// with remaining 0 on the run it follows last), each resetting in a
		// second: it waits, says until when, and goes on.
		e.Control("POST", "faults", map[string]any{"route": c.firstQuery(), "count": 1, "rate_limit": "primary", "reset_in_s": 1})
		e.Control("POST", "faults", map[string]any{"route": "GET /repos/{owner}/{repo}/actions/runs/{run_id}", "count": 1, "rate_limit": "primary", "status": 429, "reset_in_s": 1})
		r := e.Hotfix(work, args...)
		outcome := "ok"
		if left := pendingFaults(e); len(left) != 0 {
			outcome = "FAIL"
			t.Errorf("killed before %s: the re-run did not meet every rate limit: %v", route, left)
		} else if !strings.Contains(r.Stderr, "waiting until ") {
			outcome = "FAIL"
			t.Errorf("killed before %s: the re-run waited out the rate limits without saying until when:\n%s", route, r.Stderr)
		}
		e.Control("DELETE", "faults", nil)
		if r.Code != 0 {
			outcome = "FAIL"
			t.Errorf("killed before %s: the re-run failed: %s", route, r.Stderr)
		} else if problem := finalStateProblem(e, repo, c); problem != "" {
			outcome = "FAIL"
			t.Errorf("killed before %s: %s\n%s", route, problem, r.Stderr)
		}
		fmt.Fprintf(&report, "\nkilled while %-80s → re-run %s", c.key(), outcome)
	}
	t.Logf("crash matrix (%d crash points, each re-run meeting a rate limit):%s", len(cases), report.String())
}

// TestRetryFaultMatrix meets ship --retry's own request — the re-run of a failed
// release run's jobs — with each fault, and kills ship while it is in flight.
// Whatever happens, the run is re-run exactly once (attempt 2, never 3, never a
// second dispatch) and the release comment records the attempt.
func TestRetryFaultMatrix(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("retry fault matrix: end-to-end, skipped under -short")
	}
	const route = "POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs"
	e := harness.New(t)
	failedRelease := func(t *testing.T, repo string) string {
		t.Helper()
		work := startHotfix(t, e, repo, "retry "+repo)
		e.Control("POST", "repos/monalisa/"+repo+"/reviewer", map[string]any{"after_ms": 0})
		e.Control("POST", "repos/monalisa/"+repo+"/auto-runs", map[string]any{"after_ms": 100, "conclusion": "failure"})
		if r := e.Hotfix(work, "ship", "--watch", "--interval", "50ms"); r.Code != 1 {
			t.Fatalf("ship with a failing release: exit %d\n%s", r.Code, r.Stderr)
		}
		e.Control("POST", "repos/monalisa/"+repo+"/auto-runs", map[string]any{"after_ms": 100, "conclusion": "success"})
		return work
	}
	args := []string{"ship", "--retry", "--watch", "--interval", "50ms", "--timeout", "30s"}
	check := func(t *testing.T, repo, what string) {
		t.Helper()
		_, runs := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs", nil)
		list := jsonString(runs)
		if runs.(map[string]any)["total_count"].(float64) != 1 || !strings.Contains(list, `"run_attempt":2`) || !strings.Contains(list, `"conclusion":"success"`) {
			t.Errorf("%s: runs %s", what, list)
		}
		_, comments := e.API("GET", "/repos/monalisa/"+repo+"/issues/1/comments", nil)
		if c := jsonString(comments); !strings.Contains(c, "attempt 2") || strings.Count(c, "gh-hotfix:release") != 1 {
			t.Errorf("%s: comments %s", what, c)
		}
	}
	var report strings.Builder
	for i, fk := range faultKinds {
		repo := fmt.Sprintf("rf%d", i)
		work := failedRelease(t, repo)
		for _, f := range fk.faults {
			fault := map[string]any{"route": route, "count": 1}
			for k, v := range f {
				fault[k] = v
			}
			e.Control("POST", "faults", fault)
		}
		outcome := "ok"
		r := e.RunInEnv(work, faultEnv, "gh", append([]string{"hotfix"}, args...)...)
		if r.Code != 0 {
			outcome = "rerun"
			if fk.rateLimit {
				t.Errorf("%s: a rate limit resetting in a second stopped --retry:\n%s", fk.name, r.Stderr)
			}
			e.Control("DELETE", "faults", nil)
			if r = e.RunInEnv(work, faultEnv, "gh", append([]string{"hotfix"}, args...)...); r.Code != 0 {
				outcome = "FAIL"
				t.Errorf("%s: the re-run of ship --retry failed:\n%s", fk.name, r.Stderr)
			}
		}
		e.Control("DELETE", "faults", nil)
		check(t, repo, fk.name)
		fmt.Fprintf(&report, "\n%-12s → %s", fk.name, outcome)
	}
	// Killed while the re-run request is in flight (GitHub has not acted yet).
	work := failedRelease(t, "rfkill")
	killInFlight(t, e, work, route, 0, args)
	if r := e.Hotfix(work, args...); r.Code != 0 {
		t.Errorf("killed during the re-run request: the re-run failed:\n%s", r.Stderr)
	}
	check(t, "rfkill", "killed")
	fmt.Fprintf(&report, "\n%-12s → ok", "killed")
	t.Logf("ship --retry × faults:%s", report.String())
}

// pendingFaults are the injected faults no request has met yet.
func pendingFaults(e *harness.Env) []any {
	_, out := e.Control("GET", "faults", nil)
	pending, _ := out.(map[string]any)["faults"].([]any)
	return pending
}

// killInFlight starts gh hotfix with args in work and kills it (SIGKILL, gh and
// the extension together) while its request on route (after skip of them) is in
// flight: the request hangs in the emulator, which has not acted on it yet,
// until the kill.
func killInFlight(t *testing.T, e *harness.Env, work, route string, skip int, args []string) {
	t.Helper()
	e.Control("POST", "faults", map[string]any{"route": route, "latency_ms": 20000, "count": 1, "skip": skip})
	p := e.Start(work, args...)
	e.Eventually(args[0]+" to reach "+route, 30*time.Second, func() bool { return len(pendingFaults(e)) == 0 })
	p.Kill()
	p.Wait(t, 30*time.Second)
	e.Control("DELETE", "faults", nil)
}
