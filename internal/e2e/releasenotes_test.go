package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator"
	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// TestHotfixWorkflowReleaseNotes runs the "Tag and release" step of the hotfix
// workflow with the real gh against the emulator, on a repository with a
// maintenance line (release/v1.4: v1.4.0, v1.4.1) and a newer line on main
// (v1.5.0, Latest). A hotfix release of v1.4 stays out of Latest and its notes
// are GitHub's generated ones since the line's previous tag: exactly the pull
// requests merged into release/v1.4 after v1.4.1, and the compare link from
// v1.4.1. A release of the newest line becomes Latest.
func TestHotfixWorkflowReleaseNotes(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("notes", nil)
	api := "/repos/monalisa/notes"
	script := stepScript(t, release.HotfixWorkflow, "Tag and release")

	createRelease := func(t *testing.T, tag, target string) {
		t.Helper()
		if status, out := e.API("POST", api+"/releases", map[string]any{"tag_name": tag, "target_commitish": target}); status != 201 {
			t.Fatalf("release %s: %d %v", tag, status, out)
		}
	}
	// mergePR commits a file on a new branch from base, opens a pull request
	// into base and merges it; it returns the line GitHub's notes give it.
	mergePR := func(t *testing.T, branch, base, title string) string {
		t.Helper()
		e.Git(work, "fetch", "--quiet", "origin")
		e.Git(work, "checkout", "--quiet", "-b", branch, "origin/"+base)
		if err := os.WriteFile(filepath.Join(work, branch+".txt"), []byte(title+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "--quiet", "-m", title)
		e.Git(work, "push", "--quiet", "origin", branch)
		status, out := e.API("POST", api+"/pulls", map[string]any{"title": title, "head": branch, "base": base})
		pr, _ := out.(map[string]any)
		if status != 201 {
			t.Fatalf("pull request %q: %d %v", title, status, out)
		}
		number := int(pr["number"].(float64))
		if status, out := e.API("PUT", fmt.Sprintf("%s/pulls/%d/merge", api, number), map[string]any{"merge_method": "squash"}); status != 200 {
			t.Fatalf("merge %q: %d %v", title, status, out)
		}
		return fmt.Sprintf("* %s by @%s in %s\n", title, harness.Owner, pr["html_url"])
	}
	tip := func(t *testing.T, branch string) string {
		t.Helper()
		status, out := e.API("GET", api+"/branches/"+branch, nil)
		b, _ := out.(map[string]any)
		c, _ := b["commit"].(map[string]any)
		sha, _ := c["sha"].(string)
		if status != 200 || sha == "" {
			t.Fatalf("branch %s: %d %v", branch, status, out)
		}
		return sha
	}
	tagOf := func(t *testing.T, path string) string {
		t.Helper()
		status, out := e.API("GET", api+path, nil)
		m, _ := out.(map[string]any)
		tag, _ := m["tag_name"].(string)
		if status != 200 {
			t.Fatalf("GET %s: %d %v", path, status, out)
		}
		return tag
	}

	createRelease(t, "v1.4.0", "main")
	if status, out := e.API("POST", api+"/git/refs", map[string]any{"ref": "refs/heads/release/v1.4", "sha": tip(t, "main")}); status != 201 {
		t.Fatalf("create release/v1.4: %d %v", status, out)
	}
	mergePR(t, "fix-login", "release/v1.4", "Fix the login page")
	createRelease(t, "v1.4.1", "release/v1.4")
	mergePR(t, "feature", "main", "Add a feature")
	createRelease(t, "v1.5.0", "main")

	compare := func(from, to string) string {
		return "**Full Changelog**: " + "http://" + emulator.Host + "/monalisa/notes/compare/" + from + "..." + to
	}
	tests := []struct {
		name, branch, tag, title string
		// pushedTag, when set, is a tag created without a release at the line's
		// tip, after a pull request of its own, before the case's pull request.
		pushedTag            string
		wantLatest, wantFrom string
	}{
		// An older line: not Latest; notes since v1.4.1 only (v1.5.0, the
		// previous release, is of another line).
		{"older line", "release/v1.4", "v1.4.2", "Fix the checkout", "", "v1.5.0", "v1.4.1"},
		// The line's previous tag, not its previous release (v1.4.2), even
		// under the other prefix.
		{"older line, other prefix, a tag without release", "release/v1.4", "1.4.4", "Fix the cart", "v1.4.3", "v1.5.0", "v1.4.3"},
		// The newest line becomes Latest.
		{"newest line", "main", "v1.5.1", "Fix the search", "", "v1.5.1", "v1.5.0"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.pushedTag != "" {
				mergePR(t, fmt.Sprintf("tagged-%d", i), tc.branch, "Fix before "+tc.pushedTag)
				if status, out := e.API("POST", api+"/git/refs", map[string]any{"ref": "refs/tags/" + tc.pushedTag, "sha": tip(t, tc.branch)}); status != 201 {
					t.Fatalf("create tag %s: %d %v", tc.pushedTag, status, out)
				}
			}
			line := mergePR(t, fmt.Sprintf("fix-%d", i), tc.branch, tc.title)
			sha := tip(t, tc.branch)
			r := e.RunInEnv(work, []string{"GH_TOKEN=" + harness.Token, "TAG=" + tc.tag, "GITHUB_REPOSITORY=monalisa/notes",
				"GITHUB_SHA=" + sha, "GITHUB_REF_NAME=" + tc.branch}, "bash", "-eo", "pipefail", "-c", script)
			if r.Code != 0 {
				t.Fatalf("release step for %s: exit %d\n%s", tc.tag, r.Code, r.Stderr)
			}
			status, out := e.API("GET", api+"/releases/tags/"+tc.tag, nil)
			rel, _ := out.(map[string]any)
			if status != 200 {
				t.Fatalf("no release %s: %d %v", tc.tag, status, out)
			}
			want := "Hotfix released from " + tc.branch + " by gh hotfix ship.\n\n## What's Changed\n" + line + "\n" + compare(tc.wantFrom, tc.tag)
			if rel["body"] != want {
				t.Errorf("release %s body:\n%s\nwant:\n%s", tc.tag, rel["body"], want)
			}
			if got := e.Git(work, "ls-remote", "origin", "refs/tags/"+tc.tag); !strings.HasPrefix(got, sha) {
				t.Errorf("tag %s is %q, want %s", tc.tag, got, sha)
			}
			if got := tagOf(t, "/releases/latest"); got != tc.wantLatest {
				t.Errorf("after releasing %s the Latest release is %s, want %s", tc.tag, got, tc.wantLatest)
			}
		})
	}
}
