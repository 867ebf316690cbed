package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// assertInverse checks that branch's diff from the base is exactly the inverse
// of what merge (on the base) changed from its first parent, less the commits
// before: the revert of a pull request whose merge is base's tip.
func assertInverse(t *testing.T, e *harness.Env, work, branch, before, merge string) {
	t.Helper()
	got := e.RunIn(work, "git", "diff", "origin/main.."+branch).Stdout
	want := e.RunIn(work, "git", "diff", merge, before).Stdout
	if got == "" || got != want {
		t.Errorf("the revert's diff is not the inverse of the pull request's:\n%s\n--- want ---\n%s", got, want)
	}
}

// noConformanceFailures fails the test for any request of gh or gh hotfix the
// emulator found against GitHub's published descriptions.
func noConformanceFailures(t *testing.T, e *harness.Env) {
	t.Helper()
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}

func requestTotal(api map[string]int) int {
	n := 0
	for _, c := range api {
		n += c
	}
	return n
}

// revertNotes counts the notes ship left on pull request n of repo.
func revertNotes(e *harness.Env, repo string, n int) int {
	_, comments := e.API("GET", fmt.Sprintf("/repos/monalisa/%s/issues/%d/comments", repo, n), nil)
	count := 0
	for _, c := range comments.([]any) {
		if strings.Contains(c.(map[string]any)["body"].(string), "gh-hotfix:reverted-by") {
			count++
		}
	}
	return count
}

// TestRevertMergedHotfix: a merged hotfix (a merge commit) is reverted on a
// branch named by the rules, whose diff is the exact inverse of the pull
// request's; ship ships it through the normal path, its pull request says
// "Reverts #1", and #1 gets the note once, however often ship runs.
func TestRevertMergedHotfix(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, merge := shippedAndMerged(t, e, "undo", "login page 500")
	e.Git(work, "fetch", "-q", "origin")
	before := strings.TrimSpace(e.RunIn(work, "git", "rev-parse", merge+"^1").Stdout)

	t.Run("in a shallow clone that stops at the merge", func(t *testing.T) {
		dir := e.CloneURL(e.RemoteURL("undo"), "--depth=1")
		r := e.Hotfix(dir, "revert", "1", "--name", "undo-shallow")
		if r.Code != 0 {
			t.Fatalf("revert: exit %d\n%s", r.Code, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "This shallow clone lacked the commits to revert or their parents: fetched them (git fetch --depth=2 origin "+merge+")") {
			t.Errorf("revert did not say it fetched the merge commit's parents:\n%s", r.Stderr)
		}
		assertInverse(t, e, dir, "hotfix/undo-shallow", before, merge)
		if _, err := os.Stat(filepath.Join(dir, ".git", "shallow")); err != nil {
			t.Errorf("no longer shallow: %v", err)
		}
	})

	e.ClearRequests()
	r := e.Hotfix(work, "revert", "1")
	logCost(t, e, "revert 1")
	if r.Code != 0 {
		t.Fatalf("revert: exit %d\n%s", r.Code, r.Stderr)
	}
	const branch = "hotfix/revert-1-login-page-500"
	if got := strings.TrimSpace(r.Stdout); got != branch {
		t.Errorf("stdout %q, want the branch %s", got, branch)
	}
	if api, fetches, pushes := e.RequestCounts(); requestTotal(api) != 2 || api["graphql query repository (HotfixRevert)"] != 1 || fetches != 1 || pushes != 0 {
		t.Errorf("revert cost %v, %d fetches, %d pushes; want one query for the facts, one for the branch's name, one fetch", api, fetches, pushes)
	}
	if got := strings.TrimSpace(e.RunIn(work, "git", "branch", "--show-current").Stdout); got != branch {
		t.Errorf("checked out %q, want %s", got, branch)
	}
	assertInverse(t, e, work, branch, before, merge)

	r = e.Hotfix(work, "ship", "--auto", "--interval", "50ms")
	if r.Code != 0 {
		t.Fatalf("ship --auto: exit %d\n%s", r.Code, r.Stderr)
	}
	_, out := e.API("GET", "/repos/monalisa/undo/pulls/2", nil)
	pr := out.(map[string]any)
	if pr["title"] != "Hotfix: Revert #1: login page 500" || !strings.Contains(pr["body"].(string), "Reverts #1") || pr["merged"] != true {
		t.Errorf("the revert's pull request: title %q, merged %v, body:\n%s", pr["title"], pr["merged"], pr["body"])
	}
	if dispatchCount(e) != 1 {
		t.Errorf("%d release dispatches since the revert, want 1", dispatchCount(e))
	}
	if n := revertNotes(e, "undo", 1); n != 1 {
		t.Errorf("%d revert notes on #1, want 1", n)
	}
	if r := e.Hotfix(work, "ship"); r.Code != 0 {
		t.Fatalf("ship again: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := revertNotes(e, "undo", 1); n != 1 || dispatchCount(e) != 1 {
		t.Errorf("after a second ship: %d notes on #1, %d dispatches; want 1 and 1", n, dispatchCount(e))
	}
	noConformanceFailures(t, e)
}

// TestRevertSquashedAndConflicts: a squash-merged pull request is reverted by
// its one commit, a rebase-merged one by each of its commits; a pull request
// whose changes were modified on main since conflicts: revert pushes the
// conflict committed and opens a draft pull request that says how to finish
// it (exit 3). Bad input (open, closed, unknown, another repository's pull
// request) is refused with one line before anything changes.
func TestRevertSquashedAndConflicts(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := e.CreateRepo("squashed", nil)
	e.AddCollaborator("squashed", "hubot")
	n := ordinaryPull(t, e, work, "squashed", "fix-login", "login.txt")
	e.Git(work, "switch", "-q", "fix-login")
	harnessWrite(t, filepath.Join(work, "login2.txt"), "second\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Second commit")
	e.Git(work, "push", "-q", "origin", "fix-login")
	e.Git(work, "switch", "-q", "main")
	code, out := e.API("PUT", "/repos/monalisa/squashed/pulls/"+n+"/merge", map[string]any{"merge_method": "squash"})
	if code != 200 {
		t.Fatalf("squash merge: %d %v", code, out)
	}
	squash := out.(map[string]any)["sha"].(string)
	open := ordinaryPull(t, e, work, "squashed", "fix-signup", "signup.txt")
	closed := ordinaryPull(t, e, work, "squashed", "fix-logout", "logout.txt")
	e.API("PATCH", "/repos/monalisa/squashed/pulls/"+closed, map[string]any{"state": "closed"})

	t.Run("bad input changes nothing", func(t *testing.T) {
		for _, tt := range []struct {
			arg, wantErr string
		}{
			{open, "pull request #" + open + " is open: revert undoes a pull request merged into main; close it instead (gh pr close " + open + ")"},
			{closed, "pull request #" + closed + " was closed without being merged: there is nothing of it to revert"},
			{"99", "monalisa/squashed has no pull request #99: check the number"},
			{"http://github.localhost/monalisa/other/pull/1", "http://github.localhost/monalisa/other/pull/1 is a pull request of monalisa/other, and revert works on monalisa/squashed here"},
		} {
			t.Run(tt.arg, func(t *testing.T) {
				before := e.Snapshot(work, "squashed")
				e.ClearRequests()
				r := e.Hotfix(work, "revert", tt.arg)
				if r.Code != 1 || !strings.Contains(r.Stderr, tt.wantErr) || strings.Count(strings.TrimSpace(r.Stderr), "\n") > 0 {
					t.Errorf("exit %d, want one line saying %q:\n%s", r.Code, tt.wantErr, r.Stderr)
				}
				assertNothingChanged(t, e, "a refused revert")
				if after := e.Snapshot(work, "squashed"); after != before {
					t.Errorf("a refused revert changed something:\n%s\n---\n%s", before, after)
				}
			})
		}
	})

	t.Run("squash merged", func(t *testing.T) {
		e.Git(work, "fetch", "-q", "origin")
		r := e.Hotfix(work, "revert", "http://github.localhost/monalisa/squashed/pull/"+n, "--name", "undo-login", "--push")
		if r.Code != 0 {
			t.Fatalf("revert: exit %d\n%s", r.Code, r.Stderr)
		}
		assertInverse(t, e, work, "hotfix/undo-login", squash+"^", squash)
		if got := e.RunIn(work, "git", "rev-list", "--count", "origin/main..hotfix/undo-login").Stdout; strings.TrimSpace(got) != "1" {
			t.Errorf("%s commits on the branch, want the one revert", got)
		}
		if code, _ := e.API("GET", "/repos/monalisa/squashed/branches/hotfix/undo-login", nil); code != 200 {
			t.Errorf("--push: the branch is not on GitHub (%d)", code)
		}
		e.Git(work, "switch", "-q", "main")
	})

	var r, older string // the rebase-merged pull request, and its older commit on main
	t.Run("rebase merged: each commit, newest first", func(t *testing.T) {
		r = ordinaryPull(t, e, work, "squashed", "fix-rebase", "r1.txt")
		e.Git(work, "switch", "-q", "fix-rebase")
		harnessWrite(t, filepath.Join(work, "r1.txt"), "fixed twice\n")
		e.Git(work, "commit", "-q", "-am", "Fix r1.txt again")
		e.Git(work, "push", "-q", "origin", "fix-rebase")
		e.Git(work, "switch", "-q", "main")
		code, out := e.API("PUT", "/repos/monalisa/squashed/pulls/"+r+"/merge", map[string]any{"merge_method": "rebase"})
		if code != 200 {
			t.Fatalf("rebase merge: %d %v", code, out)
		}
		tip := out.(map[string]any)["sha"].(string)
		e.Git(work, "fetch", "-q", "origin")
		older = strings.TrimSpace(e.RunIn(work, "git", "rev-parse", tip+"^").Stdout)
		res := e.Hotfix(work, "revert", r, "--name", "undo-rebase")
		if res.Code != 0 {
			t.Fatalf("revert: exit %d\n%s", res.Code, res.Stderr)
		}
		assertInverse(t, e, work, "hotfix/undo-rebase", tip+"~2", tip)
		if got := e.RunIn(work, "git", "log", "--format=%s", "origin/main..hotfix/undo-rebase").Stdout; got != "Revert \"Fix r1.txt\"\nRevert \"Fix r1.txt again\"\n" {
			t.Errorf("the branch's commits:\n%s\nwant a revert of each, newest first", got)
		}
		e.Git(work, "switch", "-q", "main")
	})

	t.Run("changes modified since: a draft with the conflict", func(t *testing.T) {
		if r == "" {
			t.Skip("needs the rebase-merged pull request")
		}
		e.Git(work, "merge", "-q", "--ff-only", "origin/main")
		harnessWrite(t, filepath.Join(work, "r1.txt"), "changed on main since\n")
		e.Git(work, "commit", "-q", "-am", "Change r1.txt")
		e.Git(work, "push", "-q", "origin", "main")
		e.ClearRequests()
		res := e.Hotfix(work, "revert", r, "--name", "undo-again")
		logCost(t, e, "revert with a conflict")
		url := strings.TrimSpace(res.Stdout)
		lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
		want := "the revert of #" + r + " conflicts with changes made to main since it was merged, in r1.txt: opened draft pull request #"
		if res.Code != 3 || !strings.HasPrefix(lines[len(lines)-1], want) || !strings.HasPrefix(url, "http://github.localhost/monalisa/squashed/pull/") {
			t.Fatalf("exit %d, stdout %q, want 3, the draft's URL and a last line saying %q:\n%s", res.Code, url, want, res.Stderr)
		}
		_, out := e.API("GET", "/repos/monalisa/squashed/pulls/"+url[strings.LastIndex(url, "/")+1:], nil)
		pr := out.(map[string]any)
		body, _ := pr["body"].(string)
		if pr["draft"] != true || pr["head"].(map[string]any)["ref"] != "hotfix/undo-again" || pr["title"] != "Hotfix: Revert #"+r+": Fix r1.txt" {
			t.Errorf("the draft: draft %v, head %v, title %q", pr["draft"], pr["head"].(map[string]any)["ref"], pr["title"])
		}
		for _, s := range []string{"- `r1.txt`", "git fetch origin hotfix/undo-again && git switch hotfix/undo-again", "git revert --no-edit " + older, "gh pr ready", "gh hotfix ship", "Reverts #" + r} {
			if !strings.Contains(body, s) {
				t.Errorf("the draft's body does not say %q:\n%s", s, body)
			}
		}
		if got := fileAt(t, e, "squashed", "r1.txt", "hotfix/undo-again"); !strings.Contains(got, "<<<<<<<") {
			t.Errorf("r1.txt on the branch has no conflict markers: %q", got)
		}
		if got := strings.TrimSpace(e.RunIn(work, "git", "branch", "--show-current").Stdout); got != "hotfix/undo-again" {
			t.Errorf("on %q, want the revert's branch", got)
		}
		if wt := e.RunIn(work, "git", "worktree", "list").Stdout; strings.Count(wt, "\n") != 1 {
			t.Errorf("a worktree was left behind:\n%s", wt)
		}

		// The commands the draft gives finish it; ship ships it as any hotfix.
		harnessWrite(t, filepath.Join(work, "r1.txt"), "fixed by fix-rebase\n") // the conflict, resolved
		e.Git(work, "fetch", "-q", "origin", "hotfix/undo-again")
		e.Git(work, "switch", "-q", "hotfix/undo-again")
		e.Git(work, "commit", "-q", "-am", "Resolve the conflicts of the revert of #"+r)
		e.Git(work, "revert", "--no-edit", older)
		e.Git(work, "push", "-q")
		if ready := e.RunIn(work, "gh", "pr", "ready"); ready.Code != 0 {
			t.Fatalf("gh pr ready: exit %d\n%s", ready.Code, ready.Stderr)
		}
		if res := e.Hotfix(work, "ship", "--auto", "--interval", "50ms"); res.Code != 0 {
			t.Fatalf("ship --auto: exit %d\n%s", res.Code, res.Stderr)
		}
		_, out = e.API("GET", "/repos/monalisa/squashed/pulls/"+url[strings.LastIndex(url, "/")+1:], nil)
		if pr := out.(map[string]any); pr["merged"] != true || pr["draft"] == true {
			t.Errorf("the finished revert: merged %v, draft %v", pr["merged"], pr["draft"])
		}
		if code, _ := e.API("GET", "/repos/monalisa/squashed/contents/r1.txt", nil); code != 404 {
			t.Errorf("r1.txt is still on main (%d): the revert did not ship", code)
		}
		if n := revertNotes(e, "squashed", atoi(t, r)); n != 1 {
			t.Errorf("%d revert notes on #%s, want 1", n, r)
		}
	})
	noConformanceFailures(t, e)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
