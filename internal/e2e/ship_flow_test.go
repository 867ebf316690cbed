package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

const flowConfig = `release:
  workflow: release.yml
  inputs:
    environment: staging
`

// TestShipFullFlowFromIssue is the issue's whole story through the real gh.
func TestShipFullFlowFromIssue(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := e.CreateRepo("store", map[string]string{".github/hotfix.yml": flowConfig})
	e.AddCollaborator("store", "hubot")
	for i := 1; i <= 7; i++ {
		e.API("POST", "/repos/monalisa/store/issues", map[string]any{"title": fmt.Sprintf("Checkout fails for coupon #%d", i)})
	}
	if r := e.Hotfix(work, "create", "-i", "7"); r.Code != 0 {
		t.Fatalf("create -i 7: %s", r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "coupon.txt"), "fixed\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Accept coupon 7")

	for run := 1; run <= 2; run++ {
		if r := e.Hotfix(work, "ship", "--no-wait", "-r", "hubot"); r.Code != 0 {
			t.Fatalf("ship --no-wait #%d: %s", run, r.Stderr)
		}
	}
	_, pulls := e.API("GET", "/repos/monalisa/store/pulls?state=all", nil)
	if n := len(pulls.([]any)); n != 1 {
		t.Fatalf("%d pull requests, want 1", n)
	}
	pr := pulls.([]any)[0].(map[string]any)
	number := int(pr["number"].(float64)) // issues 1-7 came first
	body, _ := pr["body"].(string)
	for _, want := range []string{"Fixes #7", "- [ ] The change is minimal", "Checkout fails for coupon #7"} {
		if !strings.Contains(body, want) {
			t.Errorf("PR body lacks %q:\n%s", want, body)
		}
	}
	_, labels := e.API("GET", "/repos/monalisa/store/labels", nil)
	if l := labels.([]any); len(l) != 1 || l[0].(map[string]any)["name"] != "hotfix" || l[0].(map[string]any)["color"] != "d73a4a" {
		t.Errorf("labels: %s", jsonString(labels))
	}
	if got := jsonString(pr["labels"]); strings.Count(got, `"name":"hotfix"`) != 1 {
		t.Errorf("PR labels: %s", got)
	}
	if got := jsonString(pr["requested_reviewers"]); !strings.Contains(got, `"login":"hubot"`) {
		t.Errorf("reviewers: %s", got)
	}

	// ship --watch with a short interval: 20 ms stands for the default 10 s, so
	// about 1.2 s of waiting is a simulated 10-minute wait (the backoff scales
	// with it). The wait is counted in polls, not in time, so a slow machine
	// simulates the same wait; GitHub has computed the PR's mergeability first,
	// so its answer stays the same throughout.
	mergeabilityComputed(t, e, "store", number)
	e.ClearRequests()
	p := e.Start(work, "ship", "--watch", "--interval", "20ms")
	e.Eventually("ship to wait a while", time.Minute, func() bool {
		n := 0
		for _, req := range e.Server.Requests() {
			if req.Route == "GET /repos/{owner}/{repo}/pulls/{pull_number}" {
				n++
			}
		}
		return n >= 12
	})
	if n := dispatchCount(e); n != 0 {
		t.Fatalf("dispatched %d times before the merge", n)
	}
	if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/store/pulls/%d/merge", number), map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %v", out)
	}
	var runID int64
	e.Eventually("the release run", 30*time.Second, func() bool {
		_, out := e.API("GET", "/repos/monalisa/store/actions/runs", nil)
		runs, _ := out.(map[string]any)["workflow_runs"].([]any)
		if len(runs) > 0 {
			run := runs[0].(map[string]any)
			runID = int64(run["id"].(float64))
			if got := jsonString(run["inputs"]); got != `{"environment":"staging"}` {
				t.Errorf("dispatched with inputs %s, want the configured ones", got)
			}
			return true
		}
		return false
	})
	e.Control("POST", fmt.Sprintf("repos/monalisa/store/runs/%d", runID), map[string]any{"status": "completed", "conclusion": "success"})
	r := p.Wait(t, time.Minute)
	if r.Code != 0 {
		t.Fatalf("ship --watch: exit %d\n%s", r.Code, r.Stderr)
	}
	runURL := fmt.Sprintf("http://github.localhost/monalisa/store/actions/runs/%d", runID)
	if !strings.Contains(r.Stdout, runURL) {
		t.Errorf("stdout lacks the run URL %s:\n%s", runURL, r.Stdout)
	}
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches", n)
	}
	polls, notModified := 0, 0
	for _, req := range e.Server.Requests() {
		if req.Route == "GET /repos/{owner}/{repo}/pulls/{pull_number}" {
			polls++
			if req.Status == 304 {
				notModified++
			}
		}
	}
	t.Logf("simulated 10-minute wait: %d polls of the PR, %d answered 304", polls, notModified)
	if polls < 5 || notModified < polls-2 {
		t.Errorf("waiting cost %d polls with only %d 304s", polls, notModified)
	}

	// The real gh agrees.
	v := e.RunIn(work, "gh", "pr", "view", fmt.Sprint(number), "--json", "state,labels")
	var view struct {
		State  string
		Labels []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(v.Stdout), &view); err != nil || view.State != "MERGED" || len(view.Labels) != 1 || view.Labels[0].Name != "hotfix" {
		t.Errorf("gh pr view: %s %s", v.Stdout, v.Stderr)
	}
	rl := e.RunIn(work, "gh", "run", "list", "--json", "status,conclusion,event")
	if !strings.Contains(rl.Stdout, `"conclusion":"success"`) || !strings.Contains(rl.Stdout, `"event":"workflow_dispatch"`) {
		t.Errorf("gh run list: %s %s", rl.Stdout, rl.Stderr)
	}
	_, cm := e.API("GET", fmt.Sprintf("/repos/monalisa/store/issues/%d/comments", number), nil)
	if !strings.Contains(jsonString(cm), runURL) {
		t.Errorf("no PR comment links %s", runURL)
	}
}

func TestShipOutcomes(t *testing.T) {
	t.Parallel()
	e := harness.New(t)

	t.Run("failing release run exits 1; --retry re-runs it, never a second dispatch", func(t *testing.T) {
		work := startHotfix(t, e, "red", "red run")
		e.Control("POST", "repos/monalisa/red/reviewer", map[string]any{"after_ms": 0})
		e.Control("POST", "repos/monalisa/red/auto-runs", map[string]any{"after_ms": 200, "conclusion": "failure"})
		const failed = `the release run failed (failure, job "release"`
		// --json prints the result whatever the outcome; the exit code follows it.
		r := e.Hotfix(work, "ship", "--watch", "--interval", "50ms", "--json", "number,release")
		assertFailed(t, r, failed)
		if compact := strings.Join(strings.Fields(r.Stdout), ""); !strings.Contains(compact, `"conclusion":"failure"`) || !strings.Contains(compact, `"number":1`) {
			t.Errorf("--json on a failed release: %q", r.Stdout)
		}
		if !strings.Contains(r.Stderr, "gh hotfix ship --retry") || !strings.Contains(r.Stderr, "--log-failed") {
			t.Errorf("the failure does not say how to go on:\n%s", r.Stderr)
		}
		// A re-run tells the same truth: not "Already released".
		r = e.Hotfix(work, "ship", "--json", "release", "--jq", ".release.conclusion")
		assertFailed(t, r, failed)
		if strings.Contains(r.Stderr, "Already released") || strings.TrimSpace(r.Stdout) != "failure" {
			t.Errorf("re-run after a failed release: %q\n%s", r.Stdout, r.Stderr)
		}
		// --retry re-runs the failed jobs of the same run and follows the new attempt.
		e.Control("POST", "repos/monalisa/red/auto-runs", map[string]any{"after_ms": 200, "conclusion": "success"})
		e.ClearRequests()
		r = e.Hotfix(work, "ship", "--retry", "--watch", "--interval", "50ms")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Re-running the failed jobs of the release run (attempt 2)") || !strings.Contains(r.Stderr, "Release run succeeded") {
			t.Fatalf("ship --retry: exit %d\n%s", r.Code, r.Stderr)
		}
		api, _, _ := e.RequestCounts()
		if api["POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs"] != 1 || dispatchCount(e) != 0 {
			t.Errorf("--retry: %v", api)
		}
		_, runs := e.API("GET", "/repos/monalisa/red/actions/runs", nil)
		list := runs.(map[string]any)
		if list["total_count"].(float64) != 1 || !strings.Contains(jsonString(list), `"run_attempt":2`) {
			t.Errorf("runs after --retry: %s", jsonString(list))
		}
		_, comments := e.API("GET", "/repos/monalisa/red/issues/1/comments", nil)
		if c := jsonString(comments); !strings.Contains(c, "Release re-run") || !strings.Contains(c, "attempt 2") || strings.Count(c, "gh-hotfix:release") != 1 {
			t.Errorf("the release comment does not record the attempt: %s", c)
		}
		// Nothing left to retry.
		r = e.Hotfix(work, "ship", "--retry")
		if r.Code != 0 || !strings.Contains(r.Stderr, "nothing to retry") {
			t.Errorf("ship --retry after success: exit %d\n%s", r.Code, r.Stderr)
		}
		r = e.Hotfix(work, "ship")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Already released") || !strings.Contains(r.Stderr, "the run succeeded") {
			t.Errorf("ship after a successful retry: exit %d\n%s", r.Code, r.Stderr)
		}
	})

	t.Run("--retry before the merge is refused", func(t *testing.T) {
		work := startHotfix(t, e, "early", "early retry")
		if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
			t.Fatalf("ship --no-wait: %s", r.Stderr)
		}
		e.ClearRequests()
		assertFailed(t, e.Hotfix(work, "ship", "--retry"), "--retry re-runs a failed release run, and hotfix/early-retry is not merged (#1 is open): run gh hotfix ship without --retry")
		assertNothingChanged(t, e, "ship --retry before the merge")
	})

	t.Run("closed without merge exits 1 and releases nothing", func(t *testing.T) {
		work := startHotfix(t, e, "closed", "closed pr")
		p := e.Start(work, "ship", "--interval", "50ms")
		e.Eventually("the PR", 30*time.Second, func() bool { s, _ := e.API("GET", "/repos/monalisa/closed/pulls/1", nil); return s == 200 })
		e.API("PATCH", "/repos/monalisa/closed/pulls/1", map[string]any{"state": "closed"})
		r := p.Wait(t, 30*time.Second)
		assertFailed(t, r, "pull request #1 was closed without being merged")
		_, out := e.API("GET", "/repos/monalisa/closed/actions/runs", nil)
		if n := out.(map[string]any)["total_count"].(float64); n != 0 {
			t.Errorf("%v runs", n)
		}
		// A re-run says the same, without touching anything.
		assertRefused(t, e.Hotfix(work, "ship"), "pull request #1 was closed without being merged")
	})

	t.Run("size guard and --force", func(t *testing.T) {
		work := e.CreateRepo("big", nil)
		e.Hotfix(work, "create", "big change")
		harnessWrite(t, filepath.Join(work, "big.txt"), strings.Repeat("line\n", 450))
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "big")
		assertRefused(t, e.Hotfix(work, "ship", "--no-wait"), "this hotfix changes 1 file and 450 lines, over the limits of 10 files and 400 lines")
		r := e.Hotfix(work, "ship", "--no-wait", "--force")
		if r.Code != 0 || !strings.Contains(r.Stderr, "continuing because of --force") {
			t.Errorf("--force: exit %d\n%s", r.Code, r.Stderr)
		}
	})

	t.Run("size guard counts binary files by bytes", func(t *testing.T) {
		work := e.CreateRepo("binary", nil)
		e.Hotfix(work, "create", "new asset")
		harnessWrite(t, filepath.Join(work, "asset.bin"), strings.Repeat("\x00\x01", 600_000))
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "asset")
		before := e.Snapshot(work, "binary")
		assertRefused(t, e.Hotfix(work, "ship", "--no-wait"), "this hotfix changes 1 file, 0 lines and 1200000 bytes of binary files, over the limits of 10 files, 400 lines and 1048576 bytes")
		if after := e.Snapshot(work, "binary"); after != before {
			t.Errorf("refused ship changed the repository:\n%s\n---\n%s", before, after)
		}
	})

	t.Run("unreleasable main refuses", func(t *testing.T) {
		work := startHotfix(t, e, "redmain", "on red main")
		tip := e.Git(work, "rev-parse", "origin/main")
		e.API("POST", "/repos/monalisa/redmain/statuses/"+tip, map[string]any{"state": "error", "context": "ci"})
		assertRefused(t, e.Hotfix(work, "ship", "--no-wait"), "main is not releasable: its latest commit "+tip[:7]+" has failing checks (ci)")
	})

	t.Run("missing required input refused before any change", func(t *testing.T) {
		wf := "name: Release\non:\n  workflow_dispatch:\n    inputs:\n      version:\n        required: true\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
		work := e.CreateRepo("needs", map[string]string{".github/workflows/release.yml": wf})
		e.Hotfix(work, "create", "needs input")
		harnessWrite(t, filepath.Join(work, "x.txt"), "x\n")
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "x")
		before := e.Snapshot(work, "needs")
		assertRefused(t, e.Hotfix(work, "ship"), `release.yml requires the input "version"`)
		if after := e.Snapshot(work, "needs"); after != before {
			t.Errorf("refused ship changed the repository")
		}
	})
}

// TestShipPostMortem: ship --post-mortem twice opens exactly one issue with the
// links and the timeline, found again by its record even after the team
// relabelled it and a hundred newer issues pushed it off the first page.
func TestShipPostMortem(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "mortem", "cache stampede")
	e.Control("POST", "repos/monalisa/mortem/reviewer", map[string]any{"after_ms": 0})
	e.Control("POST", "repos/monalisa/mortem/auto-runs", map[string]any{"after_ms": 100, "conclusion": "success"})
	for i := 0; i < 2; i++ {
		if r := e.Hotfix(work, "ship", "--watch", "--post-mortem", "--interval", "50ms"); r.Code != 0 {
			t.Fatalf("ship --post-mortem #%d: exit %d\n%s", i+1, r.Code, r.Stderr)
		}
		if i > 0 {
			break
		}
		_, out := e.API("GET", "/repos/monalisa/mortem/issues?state=all&labels=post-mortem", nil)
		if n := len(out.([]any)); n != 1 {
			t.Fatalf("%d post-mortem issues, want 1", n)
		}
		number := int(out.([]any)[0].(map[string]any)["number"].(float64))
		if code, _ := e.API("PATCH", fmt.Sprintf("/repos/monalisa/mortem/issues/%d", number), map[string]any{"labels": []string{"incident"}}); code != 200 {
			t.Fatalf("relabelling the post-mortem: %d", code)
		}
		for n := range 101 {
			e.API("POST", "/repos/monalisa/mortem/issues", map[string]any{"title": fmt.Sprintf("Unrelated %d", n)})
		}
	}
	_, out := e.API("GET", "/repos/monalisa/mortem/issues?state=all&labels=incident", nil)
	issues := out.([]any)
	if len(issues) != 1 {
		t.Fatalf("%d post-mortem issues, want 1", len(issues))
	}
	if _, all := e.API("GET", "/repos/monalisa/mortem/issues?state=all&labels=post-mortem", nil); len(all.([]any)) != 0 {
		t.Errorf("a second post-mortem was opened: %v", all)
	}
	is := issues[0].(map[string]any)
	body, _ := is["body"].(string)
	_, prOut := e.API("GET", "/repos/monalisa/mortem/pulls/1", nil)
	pr := prOut.(map[string]any)
	for _, want := range []string{"http://github.localhost/monalisa/mortem/pull/1", pr["merge_commit_sha"].(string),
		"/actions/runs/", "Hotfix branch created", "Pull request opened", "Merged", "Release run finished (success)", "Time to restore", "root cause"} {
		if !strings.Contains(body, want) {
			t.Errorf("post-mortem lacks %q:\n%s", want, body)
		}
	}
	if is["title"] != "Post-mortem: cache stampede" {
		t.Errorf("title %q", is["title"])
	}
}

// TestShipCustomBodyKeepsTheIssue: a body of one's own (--body, --body-file) still
// closes the issue the hotfix was created for.
func TestShipCustomBodyKeepsTheIssue(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	for _, tt := range []struct{ repo, flag, body string }{
		{"ownbody", "--body", "Coupons were rejected at checkout."},
		{"bodyfile", "--body-file", "Read from a file.\n"},
	} {
		work := e.CreateRepo(tt.repo, nil)
		e.API("POST", "/repos/monalisa/"+tt.repo+"/issues", map[string]any{"title": "Checkout fails for coupons"})
		if r := e.Hotfix(work, "create", "-i", "1"); r.Code != 0 {
			t.Fatalf("create -i 1: %s", r.Stderr)
		}
		harnessWrite(t, filepath.Join(work, "coupon.txt"), "fixed\n")
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "Accept coupons")
		value := tt.body
		if tt.flag == "--body-file" {
			value = filepath.Join(t.TempDir(), "body.md")
			harnessWrite(t, value, tt.body)
		}
		if r := e.Hotfix(work, "ship", "--no-wait", tt.flag, value); r.Code != 0 {
			t.Fatalf("ship %s: %s", tt.flag, r.Stderr)
		}
		_, pulls := e.API("GET", "/repos/monalisa/"+tt.repo+"/pulls", nil)
		body, _ := pulls.([]any)[0].(map[string]any)["body"].(string)
		if want := strings.TrimRight(tt.body, "\n") + "\n\nFixes #1\n"; body != want {
			t.Errorf("%s: PR body %q, want %q", tt.flag, body, want)
		}
	}
}
