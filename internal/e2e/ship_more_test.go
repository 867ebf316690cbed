package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

func TestShipAutoMerge(t *testing.T) {
	t.Parallel()
	e := harness.New(t)

	t.Run("enabled, then GitHub merges when the required check passes", func(t *testing.T) {
		work := startHotfix(t, e, "auto", "auto fix")
		e.API("PATCH", "/repos/monalisa/auto", map[string]any{"allow_auto_merge": true})
		e.API("PUT", "/repos/monalisa/auto/branches/main/protection", map[string]any{
			"required_status_checks": map[string]any{"strict": false, "contexts": []string{"ci"}},
			"enforce_admins":         nil, "required_pull_request_reviews": nil, "restrictions": nil})
		p := e.Start(work, "ship", "--auto", "--merge-method", "squash", "--interval", "100ms", "--no-release")
		var head string
		e.Eventually("auto-merge to be enabled", 30*time.Second, func() bool {
			_, out := e.API("GET", "/repos/monalisa/auto/pulls/1", nil)
			pr, _ := out.(map[string]any)
			if pr == nil || pr["auto_merge"] == nil {
				return false
			}
			head = pr["head"].(map[string]any)["sha"].(string)
			return true
		})
		e.API("POST", "/repos/monalisa/auto/statuses/"+head, map[string]any{"state": "success", "context": "ci"})
		r := p.Wait(t, time.Minute)
		if r.Code != 0 || !strings.Contains(r.Stderr, "Enabled auto-merge (squash)") || !strings.Contains(r.Stderr, "Pull request #1 merged") {
			t.Fatalf("ship --auto: exit %d\n%s", r.Code, r.Stderr)
		}
	})

	t.Run("already mergeable: merged directly", func(t *testing.T) {
		work := startHotfix(t, e, "direct", "direct fix")
		// A new repository does not allow auto-merge (github.com's default), and
		// GitHub is still computing the new PR's mergeability when ship asks: ship
		// asks again until it knows, then merges.
		e.ClearRequests()
		r := e.Hotfix(work, "ship", "--auto", "--no-release")
		if r.Code != 0 || !strings.Contains(r.Stderr, "GitHub is computing whether #1 can be merged") ||
			!strings.Contains(r.Stderr, "Merged #1 (merge): it could be merged right away") {
			t.Fatalf("ship --auto on a clean PR: exit %d\n%s", r.Code, r.Stderr)
		}
		api, _, _ := e.RequestCounts()
		if n := api["graphql query node (HotfixMergeState)"]; n < 1 || n > 5 {
			t.Errorf("%d re-reads of the merge state, want 1 to 5: %v", n, api)
		}
		if n := api["graphql mutation enablePullRequestAutoMerge (HotfixAutoMerge)"]; n != 0 {
			t.Errorf("tried to enable auto-merge %d times in a repository that does not allow it", n)
		}
		_, out := e.API("GET", "/repos/monalisa/direct/pulls/1", nil)
		if out.(map[string]any)["merged"] != true {
			t.Errorf("PR not merged")
		}
	})

	t.Run("not allowed in the repository", func(t *testing.T) {
		work := startHotfix(t, e, "noauto", "no auto fix")
		e.API("PUT", "/repos/monalisa/noauto/branches/main/protection", map[string]any{
			"required_status_checks": map[string]any{"strict": false, "contexts": []string{"ci"}},
			"enforce_admins":         nil, "required_pull_request_reviews": nil, "restrictions": nil})
		r := e.Hotfix(work, "ship", "--auto", "--no-release")
		assertFailed(t, r, "auto-merge is not allowed in monalisa/noauto and #1 cannot be merged yet (blocked by required reviews or checks): merge it by hand")
		if _, out := e.API("GET", "/repos/monalisa/noauto/pulls/1", nil); out.(map[string]any)["merged"] != false {
			t.Errorf("the PR was merged")
		}
	})

	t.Run("merge methods the repository allows", func(t *testing.T) {
		work := startHotfix(t, e, "squashonly", "squash only fix")
		e.API("PATCH", "/repos/monalisa/squashonly", map[string]any{"allow_merge_commit": false, "allow_rebase_merge": false})
		// Asked for a method the repository forbids: refused before anything changes.
		before := e.Snapshot(work, "squashonly")
		r := e.Hotfix(work, "ship", "--auto", "--merge-method", "rebase", "--no-release")
		assertFailed(t, r, "monalisa/squashonly does not allow rebase merges (it allows squash): pass --merge-method squash")
		if after := e.Snapshot(work, "squashonly"); after != before {
			t.Errorf("a refused ship changed something:\n%s\n---\n%s", before, after)
		}
		// No method asked for: the one the repository allows.
		r = e.Hotfix(work, "ship", "--auto", "--no-release")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Merged #1 (squash)") {
			t.Fatalf("ship --auto: exit %d\n%s", r.Code, r.Stderr)
		}
	})
}

// TestShipReleaseExactlyOnce covers the ways a dispatch could be sent twice.
func TestShipReleaseExactlyOnce(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	merged := func(t *testing.T, repo string) string {
		t.Helper()
		work := startHotfix(t, e, repo, repo+" fix")
		if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
			t.Fatalf("ship --no-wait: %s", r.Stderr)
		}
		if status, out := e.API("PUT", "/repos/monalisa/"+repo+"/pulls/1/merge", map[string]any{}); status != 200 {
			t.Fatalf("merge: %v", out)
		}
		return work
	}
	dispatches := func(repo string) int {
		_, out := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs", nil)
		return int(out.(map[string]any)["total_count"].(float64))
	}

	t.Run("dispatch answer lost after GitHub acted", func(t *testing.T) {
		work := merged(t, "lost")
		e.Control("POST", "faults", map[string]any{"route": "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", "drop": true, "count": 1})
		r := e.Hotfix(work, "ship")
		if r.Code != 0 {
			t.Fatalf("ship: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatches("lost"); n != 1 {
			t.Errorf("%d runs, want exactly 1\n%s", n, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "checking whether it went out") {
			t.Errorf("no sign of the check:\n%s", r.Stderr)
		}
	})

	t.Run("killed between the dispatch and recording it", func(t *testing.T) {
		work := merged(t, "killed")
		// Hold the comment update long enough to kill ship after it dispatched.
		e.Control("POST", "faults", map[string]any{"route": "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", "latency_ms": 20000, "count": 1})
		p := e.Start(work, "ship")
		e.Eventually("the dispatch", 30*time.Second, func() bool { return dispatches("killed") == 1 })
		time.Sleep(200 * time.Millisecond)
		p.Kill()
		p.Wait(t, 30*time.Second)
		e.Control("DELETE", "faults", nil)
		r := e.Hotfix(work, "ship")
		if r.Code != 0 {
			t.Fatalf("re-run: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatches("killed"); n != 1 {
			t.Errorf("%d runs after the re-run, want 1\n%s", n, r.Stderr)
		}
		if strings.Contains(r.Stderr, "Dispatched") || !strings.Contains(r.Stderr, "Release run:") {
			t.Errorf("the re-run did not recover the run it had dispatched:\n%s", r.Stderr)
		}
		_, cm := e.API("GET", "/repos/monalisa/killed/issues/1/comments", nil)
		if c := jsonString(cm); !strings.Contains(c, "Release started") || strings.Count(c, "gh-hotfix:release") != 1 {
			t.Errorf("release comment not completed exactly once: %s", c)
		}
	})

	t.Run("server without return_run_details", func(t *testing.T) {
		work := merged(t, "ghes")
		e.Control("POST", "repos/monalisa/ghes/settings", map[string]any{"return_run_details": false})
		r := e.Hotfix(work, "ship", "--json", "release", "--jq", ".release.runId")
		if r.Code != 0 {
			t.Fatalf("ship: exit %d\n%s", r.Code, r.Stderr)
		}
		_, out := e.API("GET", "/repos/monalisa/ghes/actions/runs", nil)
		runs := out.(map[string]any)["workflow_runs"].([]any)
		if len(runs) != 1 || fmt.Sprint(int64(runs[0].(map[string]any)["id"].(float64))) != strings.TrimSpace(r.Stdout) {
			t.Errorf("runs %d; ship found run %q", len(runs), r.Stdout)
		}
	})

	t.Run("undeclared input refused before dispatching", func(t *testing.T) {
		work := merged(t, "inputs")
		r := e.Hotfix(work, "ship", "-f", "bogus=1")
		assertFailed(t, r, "release.yml does not declare the input bogus")
		if n := dispatches("inputs"); n != 0 {
			t.Errorf("%d runs", n)
		}
	})
}

func TestShipTimeoutAndDryRun(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "slow", "slow review")

	before := e.Snapshot(work, "slow")
	r := e.Hotfix(work, "ship", "--dry-run", "-r", "monalisa")
	if r.Code != 0 {
		t.Fatalf("dry run: exit %d\n%s", r.Code, r.Stderr)
	}
	for _, want := range []string{"Would push hotfix/slow-review", "Would open a pull request from hotfix/slow-review into main", `Would create the label "hotfix"`, "Would wait", "Would then dispatch"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.Stdout)
		}
	}
	if after := e.Snapshot(work, "slow"); after != before {
		t.Errorf("dry run changed the repository:\n%s\n---\n%s", before, after)
	}
	if status, _ := e.API("GET", "/repos/monalisa/slow/pulls/1", nil); status != 404 {
		t.Errorf("dry run opened a PR")
	}

	start := time.Now()
	r = e.Hotfix(work, "ship", "--interval", "100ms", "--timeout", "1s")
	if r.Code != 1 || !strings.Contains(r.Stderr, "gave up waiting for #1 to be merged after 1s (--timeout): run gh hotfix ship again to keep waiting") {
		t.Fatalf("timeout: exit %d\n%s", r.Code, r.Stderr)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("timeout of 1s took %s", d)
	}
}

// TestShipChecksInputsBeforeChanging: a wrong release input is refused before
// anything is pushed or opened.
func TestShipChecksInputsBeforeChanging(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "early", "early check")
	before := e.Snapshot(work, "early")
	assertRefused(t, e.Hotfix(work, "ship", "-f", "environment=moon"), `input "environment" of release.yml must be one of production, staging, not "moon"`)
	// --workflow takes the workflow's name: as well as its file name.
	assertRefused(t, e.Hotfix(work, "ship", "--workflow", "release", "-f", "environment=moon"), `input "environment" of release.yml must be one of production, staging, not "moon"`)
	assertRefused(t, e.Hotfix(work, "ship", "--workflow", "Deploy"), `workflow "Deploy" not found in monalisa/early`)
	if after := e.Snapshot(work, "early"); after != before {
		t.Errorf("refused ship changed the repository:\n%s\n---\n%s", before, after)
	}
}

// assertFailed checks a failure after some progress: exit 1, the reason on the last stderr line.
func assertFailed(t *testing.T, r harness.Result, wantErr string) {
	t.Helper()
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\nstderr: %s", r.Code, r.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, wantErr) {
		t.Errorf("last stderr line %q does not say %q", last, wantErr)
	}
}

// TestShipUsesTheLabelWhateverItsCase: the repository has "Hotfix", the config
// says "hotfix". GitHub keeps label names unique ignoring case (creating "hotfix"
// would be refused), and its lookup by name is not promised to ignore case: ship
// finds the label anyway and applies it under its existing name, once.
func TestShipUsesTheLabelWhateverItsCase(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "cased", "cased label fix")
	if status, out := e.API("POST", "/repos/monalisa/cased/labels", map[string]any{"name": "Hotfix", "color": "b60205"}); status != 201 {
		t.Fatalf("create label: %d %v", status, out)
	}
	r := e.Hotfix(work, "ship", "--no-wait")
	if r.Code != 0 || !strings.Contains(r.Stderr, `Labelled #1 "Hotfix"`) {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	_, labels := e.API("GET", "/repos/monalisa/cased/labels", nil)
	if n := strings.Count(strings.ToLower(jsonString(labels)), `"name":"hotfix"`); n != 1 {
		t.Errorf("%d hotfix labels: %s", n, jsonString(labels))
	}
	_, pr := e.API("GET", "/repos/monalisa/cased/pulls/1", nil)
	if got := jsonString(pr.(map[string]any)["labels"]); !strings.Contains(got, `"name":"Hotfix"`) {
		t.Errorf("PR labels %s, want Hotfix", got)
	}
	e.ClearRequests()
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("second ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	assertNothingChanged(t, e, "a re-run")
}

// TestShipReviewers: the author of the pull request is never asked (GitHub would
// refuse the whole request), and a re-run does not ask again someone who has
// reviewed since (GitHub drops them from the requests).
func TestShipReviewers(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := startHotfix(t, e, "revs", "reviewer fix")
	r := e.Hotfix(work, "ship", "--no-wait", "-r", "monalisa", "-r", "hubot")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Not requesting a review from monalisa: GitHub does not let the author of #1 review it") ||
		!strings.Contains(r.Stderr, "Requested reviews from hubot") {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, out := e.APIAs("hubot-token", "POST", "/repos/monalisa/revs/pulls/1/reviews", map[string]any{"event": "COMMENT", "body": "looking"}); status != 200 {
		t.Fatalf("hubot's review: %d %v", status, out)
	}
	e.ClearRequests()
	r = e.Hotfix(work, "ship", "--no-wait", "-r", "monalisa", "-r", "hubot")
	if r.Code != 0 || strings.Contains(r.Stderr, "Requested reviews") {
		t.Fatalf("re-run: exit %d\n%s", r.Code, r.Stderr)
	}
	assertNothingChanged(t, e, "the re-run")
}

// TestReleaseMarkerInABusyThread: after the release, a bot comments 150 times on
// the pull request. The release comment is no longer among the latest 100, yet a
// re-run of ship finds it (and does not release twice), and status shows the run.
func TestReleaseMarkerInABusyThread(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "busy", "busy thread fix")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/busy/pulls/1/merge", map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	if r := e.Hotfix(work, "ship"); r.Code != 0 {
		t.Fatalf("ship: exit %d\n%s", r.Code, r.Stderr)
	}
	for i := 0; i < 150; i++ {
		if status, out := e.API("POST", "/repos/monalisa/busy/issues/1/comments", map[string]any{"body": fmt.Sprintf("deploy bot: check %d passed", i)}); status != 201 {
			t.Fatalf("bot comment %d: %d %v", i, status, out)
		}
	}
	e.ClearRequests()
	r := e.Hotfix(work, "ship")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Already released") {
		t.Fatalf("ship in a busy thread: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := dispatchCount(e); n != 0 {
		t.Errorf("released again: %d dispatches", n)
	}
	api, _, _ := e.RequestCounts()
	if n := api["graphql query node (HotfixComments)"]; n != 1 {
		t.Errorf("%d requests for the older comments, want 1 (the thread has 151 comments): %v", n, api)
	}
	st := e.Hotfix(work, "status", "--state", "merged", "--json", "number,release", "--jq", ".[0].release.runId")
	if st.Code != 0 || strings.TrimSpace(st.Stdout) == "null" || strings.TrimSpace(st.Stdout) == "" {
		t.Errorf("status in a busy thread: exit %d, run %q\n%s", st.Code, st.Stdout, st.Stderr)
	}
}

// TestShipDisabledReleaseWorkflow: the release workflow was disabled in the
// Actions tab. A ship that would merge and release refuses before anything
// changes; doctor says so too. After a merge made elsewhere GitHub refuses the
// dispatch: ship says how to enable the workflow and takes its release comment
// back, and once the workflow is enabled a re-run releases exactly once, at once.
func TestShipDisabledReleaseWorkflow(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "off", "disabled workflow fix")
	e.Control("POST", "repos/monalisa/off/settings", map[string]any{"workflow_state": map[string]any{"release.yml": "disabled_manually"}})
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--auto")
	assertFailed(t, r, "release.yml is disabled in the Actions tab in monalisa/off: enable it (gh workflow enable release.yml -R github.localhost/monalisa/off), then run gh hotfix ship again")
	assertNothingChanged(t, e, "ship --auto with a disabled release workflow")
	if status, _ := e.API("GET", "/repos/monalisa/off/branches/hotfix/disabled-workflow-fix", nil); status != 404 {
		t.Errorf("a refused ship pushed the branch (%d)", status)
	}
	if d := e.Hotfix(work, "doctor"); d.Code == 0 || !strings.Contains(d.Stdout, "release.yml is disabled manually") {
		t.Errorf("doctor with a disabled release workflow: exit %d\n%s", d.Code, d.Stdout)
	}
	// Opening the pull request alone does not need the release workflow.
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/off/pulls/1/merge", map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	r = e.Hotfix(work, "ship")
	assertFailed(t, r, "release.yml is disabled in monalisa/off: enable it (gh workflow enable release.yml -R github.localhost/monalisa/off), then run gh hotfix ship again")
	if _, out := e.API("GET", "/repos/monalisa/off/issues/1/comments", nil); strings.Contains(jsonString(out), "gh-hotfix:release") {
		t.Errorf("the release comment of a refused dispatch was left: %s", jsonString(out))
	}
	e.Control("POST", "repos/monalisa/off/settings", map[string]any{"workflow_state": map[string]any{"release.yml": "active"}})
	e.ClearRequests()
	// The default run lookup (30 s) is kept: with the comment taken back, the
	// re-run has no earlier dispatch to look for and dispatches at once.
	r = e.Hotfix(work, "ship")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Release run:") {
		t.Fatalf("ship once enabled: exit %d\n%s", r.Code, r.Stderr)
	}
	for _, req := range e.Server.Requests() {
		if strings.Contains(req.Path, "event=workflow_dispatch") {
			t.Errorf("the re-run looked for an earlier dispatch: %s", req.Path)
		}
	}
	_, runs := e.API("GET", "/repos/monalisa/off/actions/runs", nil)
	if n := runs.(map[string]any)["total_count"].(float64); n != 1 {
		t.Errorf("%v runs, want 1", n)
	}
}

// TestShipPushDeclinedByTheServer: GitHub declines the push of the hotfix branch
// (a ruleset restricting who may create hotfix/* branches). ship keeps what the
// server said, not only git's "failed to push some refs", opens nothing, and
// goes on once the rule allows the push.
func TestShipPushDeclinedByTheServer(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "ruled", "ruled fix")
	e.Control("POST", "repos/monalisa/ruled/settings", map[string]any{"decline_pushes": "GH013: Repository rule violations found for refs/heads/hotfix/ruled-fix.\n- Cannot create ref due to creations being restricted."})
	r := e.Hotfix(work, "ship", "--no-wait")
	assertFailed(t, r, "the push of hotfix/ruled-fix was refused (pre-receive hook declined): GH013: Repository rule violations found for refs/heads/hotfix/ruled-fix.; - Cannot create ref due to creations being restricted.; nothing was pushed")
	if _, pulls := e.API("GET", "/repos/monalisa/ruled/pulls?state=all", nil); len(pulls.([]any)) != 0 {
		t.Errorf("a PR was opened: %s", jsonString(pulls))
	}
	e.Control("POST", "repos/monalisa/ruled/settings", map[string]any{"decline_pushes": ""})
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship once allowed: exit %d\n%s", r.Code, r.Stderr)
	}
}
