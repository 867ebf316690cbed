package e2e

import (
	"fmt"
	"path/filepath"
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
		work, _ := shippedAndMerged(t, e, repo, repo+" fix")
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
	for _, want := range []string{"- Push hotfix/slow-review", "- Open a pull request from hotfix/slow-review into main", `- Add the label "hotfix" (creating it`, "request reviews from monalisa", "- Wait for the pull request to be merged", "- Dispatch release.yml on main"} {
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
	e.AddCollaborator("revs", "hubot")
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
	if r.Code != 0 || !strings.Contains(r.Stderr, "Release already started") {
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
	assertFailed(t, r, "release.yml is disabled in the Actions tab in monalisa/off: enable it (gh workflow enable release.yml -R github.localhost/monalisa/off), then run gh hotfix ship --auto again")
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
	// GH013 is a refusal by the repository's rules: their lines are printed, then what to do.
	assertFailed(t, r, "pushing hotfix/ruled-fix was refused by the repository's rules above; nothing was pushed: ask an admin to change them or to let you bypass them, then run gh hotfix ship --no-wait again")
	if !strings.Contains(r.Stderr, "Cannot create ref due to creations being restricted.") {
		t.Errorf("the refusal does not give GitHub's rule line:\n%s", r.Stderr)
	}
	if _, pulls := e.API("GET", "/repos/monalisa/ruled/pulls?state=all", nil); len(pulls.([]any)) != 0 {
		t.Errorf("a PR was opened: %s", jsonString(pulls))
	}
	e.Control("POST", "repos/monalisa/ruled/settings", map[string]any{"decline_pushes": ""})
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship once allowed: exit %d\n%s", r.Code, r.Stderr)
	}
}

// TestShipCommitsAfterTheMerge: commits made on the hotfix branch after its PR
// was merged would not ship. ship refuses before anything is dispatched and
// lists them; --force releases what was merged and says what it leaves out.
func TestShipCommitsAfterTheMerge(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := shippedAndMerged(t, e, "late", "late commit fix")
	harnessWrite(t, filepath.Join(work, "more.txt"), "one more thing\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Handle the empty cart too")
	e.ClearRequests()
	r := e.Hotfix(work, "ship")
	assertFailed(t, r, "1 commit on hotfix/late-commit-fix would not ship with this release (#1 was merged without it): release what was merged with gh hotfix ship --force, and carry the rest as a new hotfix with gh hotfix create")
	if !strings.Contains(r.Stderr, "Handle the empty cart too") {
		t.Errorf("the refusal does not list the commit:\n%s", r.Stderr)
	}
	assertNothingChanged(t, e, "ship with commits after the merge")
	r = e.Hotfix(work, "ship", "--force")
	if r.Code != 0 || !strings.Contains(r.Stderr, "left out because of --force: 1 commit") || !strings.Contains(r.Stderr, "Release run:") {
		t.Fatalf("ship --force: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
	// Released: later ships say what stayed out, and succeed.
	r = e.Hotfix(work, "ship")
	if r.Code != 0 || !strings.Contains(r.Stderr, "not in the release") || !strings.Contains(r.Stderr, "gh hotfix create") {
		t.Errorf("ship after the release: exit %d\n%s", r.Code, r.Stderr)
	}
}

// TestShipFromAnywhere: the hotfix was merged with gh pr merge --delete-branch,
// which deletes the branch on GitHub and in the clone and switches to main.
// ship on main lists the merged hotfix with no release and the command that
// releases it; that command releases it once, without the branch.
func TestShipFromAnywhere(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "gone", "gone branch fix")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	mergeabilityComputed(t, e, "gone", 1)
	if r := e.RunIn(work, "gh", "pr", "merge", "1", "--squash", "--delete-branch"); r.Code != 0 {
		t.Fatalf("gh pr merge --delete-branch: %s", r.Stderr)
	}
	if out := e.Git(work, "branch", "--list", "hotfix/*"); strings.TrimSpace(out) != "" {
		t.Fatalf("gh left the branch: %q", out)
	}
	e.ClearRequests()
	r := e.Hotfix(work, "ship")
	assertFailed(t, r, "main is not a hotfix branch, and hotfix #1 (Hotfix: gone branch fix) was merged into main without a release: release it with gh hotfix ship --branch hotfix/gone-branch-fix")
	assertNothingChanged(t, e, "ship on main")
	r = e.Hotfix(work, "ship", "--branch", "hotfix/gone-branch-fix")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Release run:") {
		t.Fatalf("ship --branch of a deleted branch: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
	// Released: ship on main has nothing to offer any more.
	assertFailed(t, e.Hotfix(work, "ship"), "main is not a hotfix branch: start one with gh hotfix create, or pass --branch")
	// A branch that never existed anywhere.
	assertFailed(t, e.Hotfix(work, "ship", "--branch", "hotfix/nope"),
		`hotfix/nope is not in this clone, and monalisa/gone has no pull request from it into main`)

	// A teammate's hotfix, open on GitHub, shipped from a clone that never had
	// its branch: ship follows the PR without pushing, then releases it.
	hotfixIn(t, e, work, "teammate fix", "teammate.txt")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: %s", r.Stderr)
	}
	other := e.Clone("gone")
	e.ClearRequests()
	r = e.Hotfix(other, "ship", "--branch", "hotfix/teammate-fix", "--no-wait")
	if r.Code != 0 || !strings.Contains(r.Stderr, "hotfix/teammate-fix is not in this clone: nothing to push") {
		t.Fatalf("ship --branch of a branch only on GitHub: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/gone/pulls/2/merge", map[string]any{}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	r = e.Hotfix(other, "ship", "--branch", "hotfix/teammate-fix")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Release run:") {
		t.Fatalf("ship --branch after the merge: exit %d\n%s", r.Code, r.Stderr)
	}
	if _, _, pushes := e.RequestCounts(); pushes != 0 {
		t.Errorf("%d pushes from a clone without the branch", pushes)
	}
}

// TestShipMergeCommitChecks: main must stay releasable. Failing checks on the
// merge commit refuse the release before anything changes (--force releases and
// says so on the PR); running checks are shown, and --wait-checks waits for them.
func TestShipMergeCommitChecks(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	merged := func(t *testing.T, repo string) (string, string) {
		t.Helper()
		return shippedAndMerged(t, e, repo, repo+" fix")
	}
	t.Run("failing", func(t *testing.T) {
		work, sha := merged(t, "redmain")
		e.API("POST", "/repos/monalisa/redmain/statuses/"+sha, map[string]any{"state": "failure", "context": "ci/test"})
		e.ClearRequests()
		r := e.Hotfix(work, "ship")
		assertFailed(t, r, "has failing checks (ci/test): main would not be releasable")
		assertNothingChanged(t, e, "ship on a red merge commit")
		r = e.Hotfix(work, "ship", "--force")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Releasing despite failing checks") {
			t.Fatalf("ship --force: exit %d\n%s", r.Code, r.Stderr)
		}
		_, comments := e.API("GET", "/repos/monalisa/redmain/issues/1/comments", nil)
		if c := jsonString(comments); !strings.Contains(c, "Released with `--force` although checks failed on the merge commit: ci/test.") {
			t.Errorf("the release comment does not say --force: %s", c)
		}
	})
	t.Run("running, then waited for", func(t *testing.T) {
		work, sha := merged(t, "slowci")
		e.API("POST", "/repos/monalisa/slowci/statuses/"+sha, map[string]any{"state": "pending", "context": "ci/test"})
		e.ClearRequests()
		p := e.Start(work, "ship", "--wait-checks", "--interval", "50ms")
		e.Eventually("ship to wait for the checks", 30*time.Second, func() bool {
			api, _, _ := e.RequestCounts()
			return api["graphql query repository (HotfixCommitChecks)"] > 0
		})
		if dispatchCount(e) != 0 {
			t.Errorf("dispatched while the checks ran")
		}
		e.API("POST", "/repos/monalisa/slowci/statuses/"+sha, map[string]any{"state": "success", "context": "ci/test"})
		r := p.Wait(t, 30*time.Second)
		if r.Code != 0 || !strings.Contains(r.Stderr, "Waiting for the checks on the merge commit") || !strings.Contains(r.Stderr, "Checks passed") || !strings.Contains(r.Stderr, "Release run:") {
			t.Fatalf("ship --wait-checks: exit %d\n%s", r.Code, r.Stderr)
		}
	})
	t.Run("running, not waited for", func(t *testing.T) {
		work, sha := merged(t, "fastrel")
		e.API("POST", "/repos/monalisa/fastrel/statuses/"+sha, map[string]any{"state": "pending", "context": "ci/test"})
		r := e.Hotfix(work, "ship")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Checks still running on the merge commit") || !strings.Contains(r.Stderr, "ci/test") {
			t.Fatalf("ship with running checks: exit %d\n%s", r.Code, r.Stderr)
		}
	})
}

// TestWhatShipsByTheGraph: what will ship is what main's tip has and the latest
// release lacks, by the graph: a feature commit dated before the release but
// merged after it is listed and counted. A hotfix whose merge commit is already
// in a newer release (cut after the merge) is not dispatched again.
func TestWhatShipsByTheGraph(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("graph", nil)
	old := []string{"GIT_AUTHOR_DATE=2020-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2020-01-01T00:00:00Z"}
	// A feature branch with a commit dated long ago, from main's first commit.
	e.Git(work, "switch", "-q", "-c", "feature")
	harnessWrite(t, filepath.Join(work, "feature.txt"), "feature\n")
	e.Git(work, "add", "-A")
	if r := e.RunInEnv(work, old, "git", "commit", "-q", "-m", "Old feature work"); r.Code != 0 {
		t.Fatalf("commit: %s", r.Stderr)
	}
	e.Git(work, "push", "-q", "origin", "feature")
	e.Git(work, "switch", "-q", "main")
	// Release v1.0.0 at a newer commit of main, then merge the feature after it.
	harnessWrite(t, filepath.Join(work, "main.txt"), "main\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Main work")
	e.Git(work, "push", "-q", "origin", "main")
	e.API("POST", "/repos/monalisa/graph/releases", map[string]any{"tag_name": "v1.0.0", "target_commitish": "main"})
	_, pr := e.API("POST", "/repos/monalisa/graph/pulls", map[string]any{"title": "Feature", "head": "feature", "base": "main"})
	mergeabilityComputed(t, e, "graph", int(pr.(map[string]any)["number"].(float64)))
	if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/graph/pulls/%v/merge", pr.(map[string]any)["number"]), map[string]any{"merge_method": "merge"}); status != 200 {
		t.Fatalf("merge feature: %d %v", status, out)
	}
	e.Git(work, "pull", "-q", "origin", "main")
	hotfixIn(t, e, work, "graph fix", "fix.txt")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: %s", r.Stderr)
	}
	_, pulls := e.API("GET", "/repos/monalisa/graph/pulls?head=monalisa:hotfix/graph-fix", nil)
	number := int(pulls.([]any)[0].(map[string]any)["number"].(float64))
	mergeabilityComputed(t, e, "graph", number)
	if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/graph/pulls/%d/merge", number), map[string]any{}); status != 200 {
		t.Fatalf("merge hotfix: %d %v", status, out)
	}
	r := e.Hotfix(work, "ship", "--dry-run")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Old feature work") || !strings.Contains(r.Stderr, "since release v1.0.0") {
		t.Errorf("what will ship misses the feature commit dated before the release:\n%s", r.Stderr)
	}
	// A release cut after the merge already holds the hotfix.
	e.API("POST", "/repos/monalisa/graph/releases", map[string]any{"tag_name": "v1.1.0", "target_commitish": "main"})
	e.ClearRequests()
	r = e.Hotfix(work, "ship")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Already in release v1.1.0") {
		t.Fatalf("ship after a newer release: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := dispatchCount(e); n != 0 {
		t.Errorf("dispatched a release of a hotfix already in v1.1.0")
	}
	assertNothingChanged(t, e, "ship of a hotfix already released")
}

// TestReleasedBySomeoneElse: exactly once by what GitHub shows, not by one
// comment. A teammate released the merge by hand (gh workflow run), or the
// release comment was deleted: ship finds the run that covers the merge,
// records it, and dispatches nothing.
func TestReleasedBySomeoneElse(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	runs := func(repo string) float64 { return runCount(e, repo) }
	t.Run("by hand with gh workflow run", func(t *testing.T) {
		work, _ := shippedAndMerged(t, e, "byhand", "byhand fix")
		if r := e.RunIn(work, "gh", "workflow", "run", "release.yml", "--ref", "main", "-f", "environment=production"); r.Code != 0 {
			t.Fatalf("gh workflow run: %s", r.Stderr)
		}
		e.ClearRequests()
		r := e.Hotfix(work, "ship")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Release run already on GitHub") || !strings.Contains(r.Stderr, "workflow dispatch run") {
			t.Fatalf("ship after a release by hand: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatchCount(e); n != 0 || runs("byhand") != 1 {
			t.Errorf("a second release: %d dispatches, %v runs", n, runs("byhand"))
		}
		// Found in the query ship makes anyway: no request to look for it.
		if api, _, _ := e.RequestCounts(); api["GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs"] != 0 {
			t.Errorf("looked for the run with an extra request: %v", api)
		}
	})
	t.Run("release comment deleted", func(t *testing.T) {
		work, _ := shippedAndMerged(t, e, "nocomment", "nocomment fix")
		if r := e.Hotfix(work, "ship"); r.Code != 0 {
			t.Fatalf("ship: %s", r.Stderr)
		}
		deleteReleaseComments(t, e, "nocomment")
		e.ClearRequests()
		r := e.Hotfix(work, "ship")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Release run already on GitHub") {
			t.Fatalf("ship after the comment was deleted: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatchCount(e); n != 0 || runs("nocomment") != 1 {
			t.Errorf("a second release: %d dispatches, %v runs", n, runs("nocomment"))
		}
	})
}

// TestShipReviewerWithoutAccess: GitHub asks reviews only of collaborators and
// refuses the whole request otherwise. ship still labels the pull request, says
// whom GitHub refused and how to give them access, and goes on.
func TestShipReviewerWithoutAccess(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "outsider", "token": "outsider-token"})
	work := startHotfix(t, e, "noaccess", "no access fix")
	r := e.Hotfix(work, "ship", "--no-wait", "-r", "outsider")
	if r.Code != 0 || !strings.Contains(r.Stderr, "refused the request for outsider") || !strings.Contains(r.Stderr, "collaborators/LOGIN") {
		t.Fatalf("ship -r outsider: exit %d\n%s", r.Code, r.Stderr)
	}
	_, pr := e.API("GET", "/repos/monalisa/noaccess/pulls/1", nil)
	if got := jsonString(pr.(map[string]any)["labels"]); !strings.Contains(got, `"name":"hotfix"`) {
		t.Errorf("the PR is not labelled: %s", got)
	}
	// Given access, a re-run asks them.
	e.AddCollaborator("noaccess", "outsider")
	r = e.Hotfix(work, "ship", "--no-wait", "-r", "outsider")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Requested reviews from outsider") {
		t.Errorf("ship -r outsider once a collaborator: exit %d\n%s", r.Code, r.Stderr)
	}
}

// shippedAndMerged starts a hotfix in a new repository, opens its pull request
// (#1) with ship --no-wait and merges it as a teammate would, through the API.
// It returns the clone and the merge commit.
func shippedAndMerged(t *testing.T, e *harness.Env, repo, desc string) (work, mergeSHA string) {
	t.Helper()
	work = startHotfix(t, e, repo, desc)
	return work, openAndMerge(t, e, work, repo)
}

// openAndMerge opens the hotfix's pull request (#1) of the clone work with ship
// --no-wait and merges it as a teammate would, through the API. It returns the
// merge commit.
func openAndMerge(t *testing.T, e *harness.Env, work, repo string) string {
	t.Helper()
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	status, out := e.API("PUT", "/repos/monalisa/"+repo+"/pulls/1/merge", map[string]any{})
	if status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	return out.(map[string]any)["sha"].(string)
}

// runCount is the number of workflow runs of the repository on GitHub.
func runCount(e *harness.Env, repo string) float64 {
	_, out := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs", nil)
	return out.(map[string]any)["total_count"].(float64)
}

// deleteReleaseComments deletes the release comments of pull request #1, as a
// teammate tidying the thread might.
func deleteReleaseComments(t *testing.T, e *harness.Env, repo string) {
	t.Helper()
	_, comments := e.API("GET", "/repos/monalisa/"+repo+"/issues/1/comments", nil)
	for _, c := range comments.([]any) {
		if strings.Contains(c.(map[string]any)["body"].(string), "gh-hotfix:release") {
			if status, _ := e.API("DELETE", fmt.Sprintf("/repos/monalisa/%s/issues/comments/%v", repo, c.(map[string]any)["id"]), nil); status != 204 {
				t.Fatalf("deleting the release comment: %d", status)
			}
		}
	}
}

// TestShipFieldsBeforeTheMerge: -f values are checked with --no-wait too, before
// anything changes, and kept for the release after the merge, which a later
// ship dispatches with them.
func TestShipFieldsBeforeTheMerge(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "fields", "fields fix")
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--no-wait", "-f", "environment=prod")
	assertFailed(t, r, `environment`)
	assertNothingChanged(t, e, "ship --no-wait with a wrong -f value")
	if status, _ := e.API("GET", "/repos/monalisa/fields/branches/hotfix/fields-fix", nil); status != 404 {
		t.Errorf("a refused ship pushed the branch (%d)", status)
	}
	if r := e.Hotfix(work, "ship", "--no-wait", "-f", "environment=staging"); r.Code != 0 {
		t.Fatalf("ship --no-wait -f environment=staging: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/fields/pulls/1/merge", map[string]any{}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	if r := e.Hotfix(work, "ship"); r.Code != 0 {
		t.Fatalf("ship after the merge: exit %d\n%s", r.Code, r.Stderr)
	}
	_, runs := e.API("GET", "/repos/monalisa/fields/actions/runs", nil)
	list := runs.(map[string]any)["workflow_runs"].([]any)
	if len(list) != 1 || jsonString(list[0].(map[string]any)["inputs"]) != `{"environment":"staging"}` {
		t.Errorf("the release did not keep -f environment=staging: %s", jsonString(runs))
	}
}

// TestShipRulesetMergeMethods: a ruleset on the base restricts the merge
// methods (its pull_request rule's allowed_merge_methods). ship --auto refuses
// a method the ruleset forbids before anything changes, locally or on GitHub,
// in one line naming the ruleset and what it allows; with no method asked for,
// it merges with one the ruleset allows.
func TestShipRulesetMergeMethods(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	ruleset := func(repo string, methods ...string) {
		t.Helper()
		pullRequestRuleset(t, e, repo, "protect main", "~DEFAULT_BRANCH", methods...)
	}

	t.Run("a forbidden method is refused before anything changes", func(t *testing.T) {
		work := startHotfix(t, e, "mergeonly", "merge only fix")
		ruleset("mergeonly", "merge")
		branch := strings.TrimSpace(e.Git(work, "branch", "--show-current"))
		before := e.Snapshot(work, "mergeonly")
		e.ClearRequests()
		r := e.Hotfix(work, "ship", "--auto", "--merge-method", "squash", "--no-release")
		assertFailed(t, r, `ruleset "protect main" does not allow squash merges into main (its pull_request rule allows merge): pass --merge-method merge`)
		if lines := strings.Split(strings.TrimSpace(r.Stderr), "\n"); len(lines) != 1 {
			t.Errorf("%d lines on stderr, want the one error line:\n%s", len(lines), r.Stderr)
		}
		assertNothingChanged(t, e, "a refused ship")
		if after := e.Snapshot(work, "mergeonly"); after != before {
			t.Errorf("a refused ship changed something:\n%s\n---\n%s", before, after)
		}
		if status, _ := e.API("GET", "/repos/monalisa/mergeonly/branches/"+branch, nil); status != 404 {
			t.Errorf("%s is on GitHub (status %d): the refused ship pushed it", branch, status)
		}
		if _, out := e.API("GET", "/repos/monalisa/mergeonly/pulls?state=all", nil); len(out.([]any)) != 0 {
			t.Errorf("a refused ship opened a pull request: %v", out)
		}

		// No method asked for: merge, which the ruleset allows.
		r = e.Hotfix(work, "ship", "--auto", "--no-release")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Merged #1 (merge)") {
			t.Fatalf("ship --auto: exit %d\n%s", r.Code, r.Stderr)
		}
	})

	t.Run("merge_method the ruleset forbids", func(t *testing.T) {
		work := e.CreateRepo("configsquash", map[string]string{".github/hotfix.yml": "merge_method: squash\n"})
		hotfixIn(t, e, work, "config squash fix", "fix.txt")
		ruleset("configsquash", "merge", "rebase")
		before := e.Snapshot(work, "configsquash")
		e.ClearRequests()
		r := e.Hotfix(work, "ship", "--auto", "--no-release")
		assertFailed(t, r, `ruleset "protect main" does not allow squash merges into main (its pull_request rule allows merge, rebase): set merge_method in .github/hotfix.yml to merge or rebase, or pass --merge-method`)
		assertNothingChanged(t, e, "a refused ship")
		if after := e.Snapshot(work, "configsquash"); after != before {
			t.Errorf("a refused ship changed something:\n%s\n---\n%s", before, after)
		}
	})

	t.Run("no method asked for: the one the ruleset allows", func(t *testing.T) {
		work := startHotfix(t, e, "rebaseonly", "rebase only fix")
		ruleset("rebaseonly", "rebase")
		r := e.Hotfix(work, "ship", "--auto", "--no-release")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Merged #1 (rebase)") {
			t.Fatalf("ship --auto: exit %d\n%s", r.Code, r.Stderr)
		}
		if _, out := e.API("GET", "/repos/monalisa/rebaseonly/pulls/1", nil); out.(map[string]any)["merged"] != true {
			t.Errorf("PR not merged")
		}
	})
}
