package emulator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitServesPartialAndShallowClones: the emulator's git serves what GitHub's does for
// large repositories: protocol v2, blobless and treeless clones with their lazy fetches,
// shallow clones and deepening.
func TestGitServesPartialAndShallowClones(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("big")
	remote := "http://x-access-token:t0k3n@" + Host + "/monalisa/big.git"

	t.Run("protocol v2", func(t *testing.T) {
		cmd := exec.Command("git", "-c", "protocol.version=2", "ls-remote", remote, "refs/heads/main")
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_TRACE_PACKET=1",
			"http_proxy=http://"+ts.addr, "no_proxy=", "NO_PROXY=", "GIT_TERMINAL_PROMPT=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ls-remote: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "< version 2") || !strings.Contains(string(out), "> command=ls-refs") {
			t.Errorf("the server did not answer in protocol v2:\n%s", out)
		}
	})

	for _, filter := range []string{"blob:none", "tree:0"} {
		t.Run("--filter="+filter, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "clone")
			out := ts.git(t.TempDir(), "clone", "--filter="+filter, "--no-checkout", remote, dir)
			if strings.Contains(out, "filtering not recognized by server") {
				t.Fatalf("the server ignored the filter:\n%s", out)
			}
			if got := ts.git(dir, "config", "remote.origin.partialclonefilter"); got != filter {
				t.Errorf("remote.origin.partialclonefilter = %q, want %q", got, filter)
			}
			// Nothing but commits (and trees, blobless) came: the blobs are missing...
			missing := ts.git(dir, "rev-list", "--objects", "--missing=print", "origin/hotfix/fix")
			if !strings.Contains(missing, "\n?") && !strings.HasPrefix(missing, "?") {
				t.Fatalf("no missing objects after a %s clone:\n%s", filter, missing)
			}
			// ...until git needs them: a lazy fetch of objects by id, which no ref advertises.
			ts.git(dir, "checkout", "-q", "origin/hotfix/fix")
			if got, err := os.ReadFile(filepath.Join(dir, "app.txt")); err != nil || string(got) != "one\nTWO\nthree\n" {
				t.Errorf("app.txt after the lazy fetch = %q, %v", got, err)
			}
			if got := ts.git(dir, "config", "remote.origin.partialclonefilter"); got != filter {
				t.Errorf("no longer a partial clone: filter %q", got)
			}
		})
	}

	t.Run("shallow, then deepened", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "clone")
		ts.git(t.TempDir(), "clone", "-q", "--depth=1", "--no-single-branch", remote, dir)
		if got := ts.git(dir, "rev-list", "--count", "origin/hotfix/fix"); got != "1" {
			t.Fatalf("a --depth=1 clone has %s commits of hotfix/fix", got)
		}
		ts.git(dir, "fetch", "-q", "--deepen=1", "origin", "hotfix/fix")
		if got := ts.git(dir, "rev-list", "--count", "FETCH_HEAD"); got != "2" {
			t.Errorf("deepened by one: %s commits, want 2", got)
		}
		if _, err := os.Stat(filepath.Join(dir, ".git", "shallow")); err != nil {
			t.Errorf("no longer shallow: %v", err)
		}
		ts.git(dir, "fetch", "-q", "--unshallow", "origin")
		if got := ts.git(dir, "rev-list", "--count", "origin/hotfix/fix"); got != "3" {
			t.Errorf("unshallowed: %s commits, want 3", got)
		}
	})
}

// TestGitAnonymousReads: a public repository clones without credentials, as on
// github.com; pushing, and reading a private repository, are challenged for them.
func TestGitAnonymousReads(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("open")
	if r := ts.do("POST", "/user/repos", map[string]any{"name": "secret", "private": true}, nil); r.status != 201 {
		t.Fatalf("private repo: %d %s", r.status, r.body)
	}
	ts.git(work, "push", "-q", "http://x-access-token:t0k3n@"+Host+"/monalisa/secret.git", "main")
	anonymous := func(dir string, args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x",
			"http_proxy=http://"+ts.addr, "no_proxy=", "NO_PROXY=", "GIT_TERMINAL_PROMPT=0")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	tests := []struct {
		name   string
		args   []string
		wantOK bool
	}{
		{"clone a public repository", []string{"clone", "-q", "http://" + Host + "/monalisa/open.git", "open"}, true},
		{"clone a private repository", []string{"clone", "-q", "http://" + Host + "/monalisa/secret.git", "secret"}, false},
		{"ls-remote an unknown repository", []string{"ls-remote", "http://" + Host + "/monalisa/nope.git"}, false},
		{"push to a public repository", []string{"-C", "open", "push", "-q", "origin", "HEAD:refs/heads/anonymous"}, false},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		out, err := anonymous(dir, tt.args...)
		if (err == nil) != tt.wantOK {
			t.Errorf("%s: err %v, want success %v\n%s", tt.name, err, tt.wantOK, out)
		}
		if !tt.wantOK && !strings.Contains(out, "could not read Username") {
			t.Errorf("%s: not challenged for credentials:\n%s", tt.name, out)
		}
	}
}
