package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// startHotfix makes a repository, creates a hotfix and commits a fix; it returns the clone.
func startHotfix(t *testing.T, e *harness.Env, repo, desc string) string {
	t.Helper()
	work := e.CreateRepo(repo, nil)
	hotfixIn(t, e, work, desc, "fix.txt")
	return work
}

// hotfixIn runs gh hotfix create desc (with createArgs, e.g. --from-tag) in the
// clone work and commits a fix (file, written afresh) on the new hotfix branch.
func hotfixIn(t *testing.T, e *harness.Env, work, desc, file string, createArgs ...string) {
	t.Helper()
	if r := e.Hotfix(work, append([]string{"create", desc}, createArgs...)...); r.Code != 0 {
		t.Fatalf("create: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, file), "the fix\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Fix "+desc)
}

func dispatchCount(e *harness.Env) int {
	api, _, _ := e.RequestCounts()
	return api["POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"]
}

func TestShipResumesAndReleasesOnce(t *testing.T) {
	t.Parallel()
	harness.ForEachSite(t, testShipResumesAndReleasesOnce)
}

// testShipResumesAndReleasesOnce runs in a world of each site (harness.Sites).
func testShipResumesAndReleasesOnce(t *testing.T, e *harness.Env) {
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := startHotfix(t, e, "shop", "login page 500 on empty password")
	e.AddCollaborator("shop", "hubot")

	// 1. Open the PR without waiting.
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--no-wait", "-r", "hubot")
	logCost(t, e, "ship --no-wait (push, PR, label, reviewer)")
	if r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d: %s", r.Code, r.Stderr)
	}
	if got := strings.TrimSpace(r.Stdout); got != e.WebURL("monalisa/shop/pull/1") {
		t.Errorf("stdout %q, want the PR URL", got)
	}
	_, out := e.API("GET", "/repos/monalisa/shop/pulls/1", nil)
	pr := out.(map[string]any)
	if pr["title"] != "Hotfix: login page 500 on empty password" || pr["base"].(map[string]any)["ref"] != "main" ||
		pr["head"].(map[string]any)["ref"] != "hotfix/login-page-500-on-empty-password" {
		t.Errorf("PR: title=%v base=%v head=%v", pr["title"], pr["base"], pr["head"])
	}
	if !strings.Contains(jsonString(pr["labels"]), `"name":"hotfix"`) || !strings.Contains(jsonString(pr["labels"]), `"color":"d73a4a"`) {
		t.Errorf("labels: %s", jsonString(pr["labels"]))
	}
	if !strings.Contains(jsonString(pr["requested_reviewers"]), `"login":"hubot"`) {
		t.Errorf("reviewers: %s", jsonString(pr["requested_reviewers"]))
	}
	if body, _ := pr["body"].(string); !strings.Contains(body, "login page 500 on empty password") || !strings.Contains(body, "- [ ]") {
		t.Errorf("body lacks the description or checklist: %q", body)
	}

	// 2. Running it again changes nothing: same PR, no second label or request.
	e.ClearRequests()
	if r := e.Hotfix(work, "ship", "--no-wait", "-r", "hubot"); r.Code != 0 {
		t.Fatalf("second ship --no-wait: exit %d: %s", r.Code, r.Stderr)
	}
	api, _, pushes := e.RequestCounts()
	for route, n := range api {
		if strings.HasPrefix(route, "POST") || strings.HasPrefix(route, "PATCH") || strings.HasPrefix(route, "graphql mutation") {
			t.Errorf("a re-run changed something: %s ×%d", route, n)
		}
	}
	if pushes != 0 {
		t.Errorf("a re-run pushed %d times", pushes)
	}

	// 3. The last release was v1.0.0; a teammate lands other work on main, then
	// merges the hotfix. ship releases once, shows what goes out and says so on the PR.
	if status, out := e.API("POST", "/repos/monalisa/shop/releases", map[string]any{"tag_name": "v1.0.0", "target_commitish": "main"}); status != 201 {
		t.Fatalf("release: %d %v", status, out)
	}
	other := e.Clone("shop")
	harnessWrite(t, filepath.Join(other, "feature.txt"), "unreleased work\n")
	e.Git(other, "add", "-A")
	e.Git(other, "commit", "-q", "-m", "Unreleased feature work")
	e.Git(other, "push", "-q", "origin", "main")
	if status, out := e.API("PUT", "/repos/monalisa/shop/pulls/1/merge", map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	e.ClearRequests()
	r = e.Hotfix(work, "ship", "--json", "number,state,mergeCommit,release")
	if r.Code != 0 {
		t.Fatalf("ship after merge: exit %d: %s", r.Code, r.Stderr)
	}
	logCost(t, e, "ship after the merge (what ships, dispatch, run, comment)")
	var res struct {
		Number      int
		State       string
		MergeCommit string
		Release     struct {
			Workflow string
			RunID    int64
			URL      string
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, r.Stdout)
	}
	if res.Number != 1 || res.State != "MERGED" || res.Release.RunID == 0 || res.Release.Workflow != "release.yml" {
		t.Errorf("result %+v", res)
	}
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
	_, runOut := e.API("GET", fmt.Sprintf("/repos/monalisa/shop/actions/runs/%d", res.Release.RunID), nil)
	run := runOut.(map[string]any)
	if run["head_branch"] != "main" || run["event"] != "workflow_dispatch" || run["head_sha"] != res.MergeCommit {
		t.Errorf("run: branch=%v event=%v sha=%v (merge %s)", run["head_branch"], run["event"], run["head_sha"], res.MergeCommit)
	}
	_, cm := e.API("GET", "/repos/monalisa/shop/issues/1/comments", nil)
	comments := jsonString(cm)
	if !strings.Contains(comments, res.Release.URL) || !strings.Contains(comments, "Release started") {
		t.Errorf("no comment links the run: %s", comments)
	}
	for _, want := range []string{"What will ship (2 commits since release v1.0.0)", "Unreleased feature work", "1 commit besides the hotfix will ship"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("ship did not say %q:\n%s", want, r.Stderr)
		}
	}

	// 4. Again: nothing is dispatched a second time.
	e.ClearRequests()
	r = e.Hotfix(work, "ship")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Release already started") {
		t.Fatalf("third ship: exit %d: %s", r.Code, r.Stderr)
	}
	if n := dispatchCount(e); n != 0 {
		t.Errorf("re-run dispatched %d times", n)
	}
}

func TestShipRefusals(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("desk", nil)
	if r := e.Hotfix(work, "create", "nothing yet"); r.Code != 0 {
		t.Fatalf("create: %s", r.Stderr)
	}
	before := e.Snapshot(work, "desk")
	assertRefused(t, e.Hotfix(work, "ship"), "nothing to ship: hotfix/nothing-yet has no commits ahead of origin/main")
	_ = before

	for i := 0; i < 12; i++ {
		harnessWrite(t, filepath.Join(work, fmt.Sprintf("f%d.txt", i)), "x\n")
	}
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "too big")
	before = e.Snapshot(work, "desk")
	assertRefused(t, e.Hotfix(work, "ship"), "this hotfix changes 12 files and 12 lines, over the limits of 10 files and 400 lines")
	if after := e.Snapshot(work, "desk"); after != before {
		t.Errorf("refused ship changed the repository:\n%s\n---\n%s", before, after)
	}

	harnessWrite(t, filepath.Join(work, "f0.txt"), "dirty\n")
	assertRefused(t, e.Hotfix(work, "ship", "--force"), "tracked files have uncommitted changes")
	e.Git(work, "checkout", "--", "f0.txt")

	e.Git(work, "switch", "-q", "main")
	assertRefused(t, e.Hotfix(work, "ship"), "main is not a hotfix branch")
}

// TestShipWaitsThenWatchesTheRelease runs ship end to end in one go: it waits
// while a reviewer approves and merges, dispatches, and follows the run.
func TestShipWaitsThenWatchesTheRelease(t *testing.T) {
	t.Parallel()
	harness.ForEachSite(t, testShipWaitsThenWatchesTheRelease)
}

// testShipWaitsThenWatchesTheRelease runs in a world of each site (harness.Sites).
func testShipWaitsThenWatchesTheRelease(t *testing.T, e *harness.Env) {
	work := startHotfix(t, e, "mill", "flour overflow")
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	e.AddCollaborator("mill", "hubot")
	p := e.Start(work, "ship", "--watch", "--interval", "100ms", "--timeout", "2m", "-r", "hubot")

	e.Eventually("the pull request", 30*time.Second, func() bool {
		status, _ := e.API("GET", "/repos/monalisa/mill/pulls/1", nil)
		return status == 200
	})
	time.Sleep(time.Second) // a reviewer takes a moment: ship polls meanwhile
	if status, out := e.API("PUT", "/repos/monalisa/mill/pulls/1/merge", map[string]any{"merge_method": "merge"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	var runID int64
	e.Eventually("the release run", 30*time.Second, func() bool {
		_, out := e.API("GET", "/repos/monalisa/mill/actions/runs", nil)
		runs, _ := out.(map[string]any)["workflow_runs"].([]any)
		if len(runs) == 0 {
			return false
		}
		runID = int64(runs[0].(map[string]any)["id"].(float64))
		return true
	})
	e.Control("POST", fmt.Sprintf("repos/monalisa/mill/runs/%d", runID), map[string]any{"status": "in_progress"})
	time.Sleep(300 * time.Millisecond)
	e.Control("POST", fmt.Sprintf("repos/monalisa/mill/runs/%d", runID), map[string]any{"status": "completed", "conclusion": "success"})

	r := p.Wait(t, time.Minute)
	if r.Code != 0 {
		t.Fatalf("ship --watch: exit %d\n%s", r.Code, r.Stderr)
	}
	for _, want := range []string{"Waiting for #1 to be merged", "Pull request #1 merged", "Release run succeeded"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	if !strings.Contains(r.Stdout, "/pull/1") || !strings.Contains(r.Stdout, fmt.Sprintf("/actions/runs/%d", runID)) {
		t.Errorf("stdout %q lacks the PR or run URL", r.Stdout)
	}
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches", n)
	}
	// Waiting is cheap: most polls are answered 304.
	notModified := 0
	for _, req := range e.Server.Requests() {
		if req.Status == 304 {
			notModified++
		}
	}
	if notModified == 0 {
		for _, req := range e.Server.Requests() {
			t.Logf("%s %s %s -> %d", req.Method, req.Path, req.Route, req.Status)
		}
		t.Errorf("no conditional request was answered 304 while waiting")
	}
}

// TestShipInterrupted: Ctrl-C while waiting exits 2 and says how to continue;
// running ship again continues.
func TestShipInterrupted(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "kiln", "kiln too hot")
	p := e.StartExtension(work, "ship", "--interval", "100ms")
	e.Eventually("ship to wait", 30*time.Second, func() bool {
		status, _ := e.API("GET", "/repos/monalisa/kiln/pulls/1", nil)
		return status == 200
	})
	time.Sleep(300 * time.Millisecond)
	if err := p.Cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r := p.Wait(t, 30*time.Second)
	if r.Code != 2 {
		t.Fatalf("exit %d after Ctrl-C, want 2\n%s", r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "run gh hotfix ship again to continue") {
		t.Errorf("no way to continue given, or a tail after it (%q):\n%s", last, r.Stderr)
	}
	e.API("PUT", "/repos/monalisa/kiln/pulls/1/merge", map[string]any{})
	if r := e.Hotfix(work, "ship", "--no-release"); r.Code != 0 || !strings.Contains(r.Stderr, "Pull request #1 is merged") {
		t.Errorf("re-run: exit %d: %s", r.Code, r.Stderr)
	}
}

// logCost logs the requests the last command cost, for the closing notes and the bench.
func logCost(t *testing.T, e *harness.Env, what string) {
	t.Helper()
	api, fetches, pushes := e.RequestCounts()
	total := 0
	for _, n := range api {
		total += n
	}
	t.Logf("%s: %d API requests %v, %d git fetches, %d pushes", what, total, api, fetches, pushes)
}
