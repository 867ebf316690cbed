package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// ordinaryPull pushes a fix on branch (not a hotfix branch) and opens a pull
// request from it into main, as hubot: an ordinary change, not made with gh
// hotfix. It returns the pull request's number as a string.
func ordinaryPull(t *testing.T, e *harness.Env, work, repo, branch, file string) string {
	t.Helper()
	e.Git(work, "switch", "-q", "-c", branch, "origin/main")
	harnessWrite(t, filepath.Join(work, file), "fixed by "+branch+"\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Fix "+file)
	e.Git(work, "push", "-q", "origin", branch)
	e.Git(work, "switch", "-q", "main")
	code, out := e.APIAs("hubot-token", "POST", "/repos/monalisa/"+repo+"/pulls", map[string]any{"title": "Fix " + file, "head": branch, "base": "main"})
	if code != 201 {
		t.Fatalf("pull request: %d %v", code, out)
	}
	return jsonString(out.(map[string]any)["number"])
}

// TestShipMergedPull: a fix merged as an ordinary pull request (squashed,
// its branch deleted) is shipped as a hotfix afterwards with ship --pr:
// labelled, released once, the release recorded on it; a second ship --pr
// does nothing more. A pull request not merged, of another repository, or
// that does not exist is refused with one line and nothing changed.
func TestShipMergedPull(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := e.CreateRepo("merged", nil)
	e.AddCollaborator("merged", "hubot")

	n := ordinaryPull(t, e, work, "merged", "fix-login", "login.txt")
	if code, out := e.API("PUT", "/repos/monalisa/merged/pulls/"+n+"/merge", map[string]any{"merge_method": "squash"}); code != 200 {
		t.Fatalf("squash merge: %d %v", code, out)
	}
	e.API("DELETE", "/repos/monalisa/merged/git/refs/heads/fix-login", nil)
	e.Git(work, "branch", "-q", "-D", "fix-login")
	open := ordinaryPull(t, e, work, "merged", "fix-signup", "signup.txt")
	closed := ordinaryPull(t, e, work, "merged", "fix-logout", "logout.txt")
	e.API("PATCH", "/repos/monalisa/merged/pulls/"+closed, map[string]any{"state": "closed"})

	t.Run("bad input changes nothing", func(t *testing.T) {
		for _, tt := range []struct {
			args    []string
			wantErr string
		}{
			{[]string{"--pr", open}, "pull request #" + open + " is open: ship --pr releases a pull request already merged; merge it first, or ship its branch with gh hotfix ship --branch fix-signup"},
			{[]string{"--pr", closed}, "pull request #" + closed + " was closed without being merged: there is nothing of it to release"},
			{[]string{"--pr", "99"}, "monalisa/merged has no pull request #99: check the number"},
			{[]string{"--pr", "http://github.localhost/monalisa/other/pull/1"}, "http://github.localhost/monalisa/other/pull/1 is a pull request of monalisa/other, and ship works on monalisa/merged here: run it in a clone of monalisa/other, or pass -R monalisa/other"},
			{[]string{"--pr", "http://github.localhost/monalisa/merged/issues/1"}, "is not a pull request's URL"},
			{[]string{"--pr", n, "--auto"}, "`--pr` ships a pull request already merged: it cannot be used with `--auto`"},
		} {
			t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
				before := e.Snapshot(work, "merged")
				e.ClearRequests()
				r := e.Hotfix(work, append([]string{"ship"}, tt.args...)...)
				// A flag error is followed by the usage, as gh's own.
				first, _, _ := strings.Cut(r.Stderr, "\n")
				if r.Code == 0 || !strings.Contains(first, tt.wantErr) || (!strings.HasPrefix(first, "`") && strings.Count(strings.TrimSpace(r.Stderr), "\n") > 0) {
					t.Errorf("exit %d, want one line saying %q:\n%s", r.Code, tt.wantErr, r.Stderr)
				}
				assertNothingChanged(t, e, "a refused ship --pr")
				if after := e.Snapshot(work, "merged"); after != before {
					t.Errorf("a refused ship changed something:\n%s\n---\n%s", before, after)
				}
			})
		}
	})

	t.Run("merged by squash: labelled, released once, recorded", func(t *testing.T) {
		e.ClearRequests()
		r := e.Hotfix(work, "ship", "--pr", n, "--post-mortem")
		if r.Code != 0 {
			t.Fatalf("ship --pr: exit %d\n%s", r.Code, r.Stderr)
		}
		if !strings.Contains(r.Stderr, `Labelled #`+n+` "hotfix"`) || !strings.Contains(r.Stderr, "Dispatched release.yml on main") {
			t.Errorf("ship --pr did not label and release:\n%s", r.Stderr)
		}
		if !strings.Contains(r.Stdout, "/monalisa/merged/pull/"+n+"\n") {
			t.Errorf("stdout lacks the pull request: %q", r.Stdout)
		}
		if d := dispatchCount(e); d != 1 {
			t.Errorf("%d dispatches, want 1", d)
		}
		_, issues := e.API("GET", "/repos/monalisa/merged/issues?state=all", nil)
		if c := jsonString(issues); strings.Count(c, `"title":"Post-mortem: Fix login.txt"`) != 1 {
			t.Errorf("no post-mortem issue for #%s: %s", n, c)
		}
		_, pr := e.API("GET", "/repos/monalisa/merged/issues/"+n, nil)
		if labels := jsonString(pr.(map[string]any)["labels"]); !strings.Contains(labels, `"hotfix"`) {
			t.Errorf("#%s not labelled: %s", n, labels)
		}
		_, cm := e.API("GET", "/repos/monalisa/merged/issues/"+n+"/comments", nil)
		if c := jsonString(cm); strings.Count(c, "gh-hotfix:release") != 1 || !strings.Contains(c, "Release started") {
			t.Errorf("release not recorded once on #%s: %s", n, c)
		}
		// The merge is what the release run runs on.
		_, p := e.API("GET", "/repos/monalisa/merged/pulls/"+n, nil)
		_, runs := e.API("GET", "/repos/monalisa/merged/actions/runs", nil)
		list := runs.(map[string]any)["workflow_runs"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["head_sha"] != p.(map[string]any)["merge_commit_sha"] {
			t.Errorf("release runs %v, want one at the squash commit %v", jsonString(list), p.(map[string]any)["merge_commit_sha"])
		}

		e.ClearRequests()
		r = e.Hotfix(work, "ship", "--pr", "http://github.localhost/monalisa/merged/pull/"+n, "--post-mortem")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Release already started") && !strings.Contains(r.Stderr, "Already released") {
			t.Fatalf("ship --pr again: exit %d\n%s", r.Code, r.Stderr)
		}
		if d := dispatchCount(e); d != 0 {
			t.Errorf("a second ship --pr dispatched %d times", d)
		}
		assertNothingChanged(t, e, "a second ship --pr")
	})
}
