// Package gittest makes real git repositories for unit tests: a clone whose
// origin is a local bare repository, isolated from the user's git config.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Repo is a clone (Dir) of a bare repository (Bare) standing for origin.
type Repo struct {
	Dir, Bare string
	// Env isolates git from the machine's config and names the committer.
	Env []string
	// Origin is the URL origin has in the clone; "" means Bare itself. A URL
	// is rewritten to Bare (url.<Bare>.insteadOf) for pushes.
	Origin string
}

// New makes the bare repository and its clone, with main holding one commit
// (a.txt).
func New(t *testing.T, origin string) *Repo {
	t.Helper()
	root := t.TempDir()
	r := &Repo{Bare: filepath.Join(root, "origin.git"), Dir: filepath.Join(root, "work"), Origin: origin}
	r.Env = []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(root, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	r.Git(t, root, "init", "-q", "--bare", "-b", "main", r.Bare)
	r.Git(t, root, "init", "-q", "-b", "main", r.Dir)
	if origin == "" {
		origin = r.Bare
	}
	r.Git(t, r.Dir, "remote", "add", "origin", origin)
	r.Commit(t, "a.txt", "a\n", "init")
	return r
}

// Git runs git in dir and returns its output, trimmed; a failure fails the test.
func (r *Repo) Git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if len(args) > 0 && args[0] == "push" && r.Origin != "" {
		args = append([]string{"-c", "url." + r.Bare + ".insteadOf=" + r.Origin}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), r.Env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Commit writes file in the clone, commits everything with msg and returns the commit.
func (r *Repo) Commit(t *testing.T, file, content, msg string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(r.Dir, file), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	r.Git(t, r.Dir, "add", "-A")
	r.Git(t, r.Dir, "commit", "-q", "-m", msg)
	return r.Git(t, r.Dir, "rev-parse", "HEAD")
}
