package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// mergeAndRelease ships the hotfix in work without waiting, merges its pull
// request #1 as a teammate would, and runs ship again, which releases the merge.
// It returns the merge commit and the release run's ID.
func mergeAndRelease(t *testing.T, e *harness.Env, repo, work string) (mergeSHA string, runID int64) {
	t.Helper()
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d: %s", r.Code, r.Stderr)
	}
	status, out := e.API("PUT", "/repos/monalisa/"+repo+"/pulls/1/merge", map[string]any{"merge_method": "squash"})
	if status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	mergeSHA = out.(map[string]any)["sha"].(string)
	r := e.Hotfix(work, "ship", "--json", "release")
	var shipped struct{ Release struct{ RunID int64 } }
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &shipped) != nil || shipped.Release.RunID == 0 {
		t.Fatalf("ship after the merge: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	return mergeSHA, shipped.Release.RunID
}

// TestReleaseRunChecksShowOnMain: a release run reports its job as a check run
// on the commit it runs on, the tip of main, as GitHub Actions does. While it
// runs, main's rollup is pending; once it failed, main's rollup fails, as a
// user sees it through the real gh. The release's own check is not counted
// against main: gh hotfix create says the release failed and goes on.
func TestReleaseRunChecksShowOnMain(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "rollup", "rollup fix")
	mergeSHA, runID := mergeAndRelease(t, e, "rollup", work)

	rollup := func() string {
		t.Helper()
		r := e.RunIn(work, "gh", "api", "graphql", "-f", `query={ repository(owner: "monalisa", name: "rollup") {
  ref(qualifiedName: "main") { target { ... on Commit { oid statusCheckRollup { state
    contexts(first: 10) { nodes { ... on CheckRun { name status conclusion } } } } } } } } }`,
			"--jq", `.data.repository.ref.target | "\(.oid) \(.statusCheckRollup.state) \(.statusCheckRollup.contexts.nodes | map("\(.name):\(.status):\(.conclusion)") | join(","))"`)
		if r.Code != 0 {
			t.Fatalf("gh api graphql: exit %d: %s", r.Code, r.Stderr)
		}
		return strings.TrimSpace(r.Stdout)
	}
	if got, want := rollup(), mergeSHA+" PENDING release:QUEUED:null"; got != want {
		t.Errorf("main's rollup while the release runs: %q, want %q", got, want)
	}
	// The release's own check says whether the release went out, not whether
	// main is releasable: a new hotfix neither waits for it nor is blocked by it.
	if r := e.Hotfix(e.Clone("rollup"), "create", "next fix"); r.Code != 0 || strings.Contains(r.Stderr, "still running") {
		t.Errorf("create while the release runs: exit %d: %s", r.Code, r.Stderr)
	}

	if status, out := e.Control("POST", fmt.Sprintf("repos/monalisa/rollup/runs/%d", runID),
		map[string]any{"status": "completed", "conclusion": "failure"}); status != 200 {
		t.Fatalf("failing the run: %d %v", status, out)
	}
	if got, want := rollup(), mergeSHA+" FAILURE release:COMPLETED:FAILURE"; got != want {
		t.Errorf("main's rollup after the release failed: %q, want %q", got, want)
	}
	checks := e.RunIn(work, "gh", "api", "repos/monalisa/rollup/commits/main/check-runs",
		"--jq", `.check_runs[] | "\(.name) \(.conclusion) \(.app.slug) \(.check_suite.id)"`)
	if want := fmt.Sprintf("release failure github-actions %d\n", runID); checks.Stdout != want {
		t.Errorf("check runs on main: %q %s, want %q", checks.Stdout, checks.Stderr, want)
	}
	suites := e.RunIn(work, "gh", "api", "repos/monalisa/rollup/commits/"+mergeSHA+"/check-suites",
		"--jq", `.check_suites[] | "\(.app.id) \(.app.slug) \(.conclusion)"`)
	if suites.Stdout != "15368 github-actions failure\n" {
		t.Errorf("check suites on main: %q %s", suites.Stdout, suites.Stderr)
	}
	// The hotfix that repairs a failed release must not be refused because of it.
	clone := e.Clone("rollup")
	if r := e.Hotfix(clone, "create", "another fix"); r.Code != 0 || !strings.Contains(r.Stderr, "the last release run on main failed (release): a failed release is not a broken main") {
		t.Errorf("create after a failed release: exit %d: %s", r.Code, r.Stderr)
	}
	// A CI failure on the same commit still makes main unreleasable.
	e.API("POST", "/repos/monalisa/rollup/statuses/"+mergeSHA, map[string]any{"state": "failure", "context": "ci/test"})
	other := e.Clone("rollup")
	before := e.Snapshot(other, "rollup")
	assertRefused(t, e.Hotfix(other, "create", "third fix"),
		"main is not releasable: its latest commit "+mergeSHA[:7]+" has failing checks (ci/test)")
	if after := e.Snapshot(other, "rollup"); after != before {
		t.Errorf("a refused create changed something")
	}
}

// TestPushRunIsTheRelease: the release workflow also runs on pushes to main.
// Merging the hotfix pushes main, which starts a push run at the merge commit:
// that run is the release. ship finds it on GitHub (with the query it makes
// anyway), records it on the pull request and dispatches nothing.
func TestPushRunIsTheRelease(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	workflow := strings.Replace(harness.ReleaseWorkflow, "on:\n", "on:\n  push:\n    branches: [main]\n", 1)
	work := e.CreateRepo("both", map[string]string{".github/workflows/release.yml": workflow})
	initial := e.Git(work, "rev-parse", "origin/main")
	if d := e.Hotfix(work, "doctor"); !strings.Contains(d.Stdout, "it also runs on pushes to main, so merging a hotfix starts its release: ship records that run and dispatches nothing") {
		t.Errorf("doctor does not say the push run is the release:\n%s", d.Stdout)
	}
	hotfixIn(t, e, work, "both fix", "fix.txt")
	e.ClearRequests()
	mergeSHA, runID := mergeAndRelease(t, e, "both", work)

	r := e.RunIn(work, "gh", "run", "list", "--workflow", "release.yml", "--json", "databaseId,event,headBranch,headSha",
		"--jq", `.[] | "\(.event) \(.headBranch) \(.headSha) \(.databaseId)"`)
	if r.Code != 0 {
		t.Fatalf("gh run list: exit %d: %s", r.Code, r.Stderr)
	}
	var pushes []string
	adopted := false
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		f := strings.Fields(line)
		switch {
		case f[0] == "push":
			pushes = append(pushes, f[1]+" "+f[2])
			adopted = adopted || (f[3] == fmt.Sprint(runID) && f[2] == mergeSHA)
		default:
			t.Errorf("unexpected run (a second release?): %s", line)
		}
	}
	// Newest first: the merge, then the repository's first push; the hotfix branch is not in the filter.
	if want := []string{"main " + mergeSHA, "main " + initial}; strings.Join(pushes, ",") != strings.Join(want, ",") {
		t.Errorf("push runs %v, want %v", pushes, want)
	}
	if !adopted {
		t.Errorf("the recorded release run %d is not the push run on main at %s:\n%s", runID, mergeSHA, r.Stdout)
	}
	if n := dispatchCount(e); n != 0 {
		t.Errorf("%d dispatches: the push run was the release", n)
	}
	_, comments := e.API("GET", "/repos/monalisa/both/issues/1/comments", nil)
	if c := jsonString(comments); !strings.Contains(c, "Release found") || strings.Count(c, "gh-hotfix:release") != 1 {
		t.Errorf("release comment: %s", c)
	}
}
