package create_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/prompt"
)

// gitRepo makes a clone of a bare repository with one commit, isolated from any user config.
func gitRepo(t *testing.T) (dir string, env []string) {
	t.Helper()
	root := t.TempDir()
	env = []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(root, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	run := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	bare := filepath.Join(root, "shop.git")
	run(root, "init", "-q", "--bare", "-b", "main", bare)
	dir = filepath.Join(root, "work")
	run(root, "init", "-q", "-b", "main", dir)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a\n"), 0o644)
	run(dir, "add", "-A")
	run(dir, "commit", "-q", "-m", "init")
	run(dir, "remote", "add", "origin", "https://github.com/acme/shop.git")
	return dir, env
}

func snapshot(t *testing.T, dir string, env []string) string {
	t.Helper()
	var b bytes.Buffer
	for _, args := range [][]string{{"for-each-ref"}, {"status", "--porcelain"}, {"rev-parse", "HEAD"}, {"config", "--local", "--list"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, _ := cmd.CombinedOutput()
		b.Write(out)
	}
	return b.String()
}

// TestCreatePromptCancelled: on a terminal without a description create prompts;
// Ctrl-C exits 2 and changes nothing.
func TestCreatePromptCancelled(t *testing.T) {
	dir, env := gitRepo(t)
	before := snapshot(t, dir, env)
	ios, _, stdout, stderr := iostreams.Test()
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	ios.SetStderrTTY(true)
	stub := prompt.NewStub(t)
	stub.ExpectCancel("What does this hotfix fix?")
	reg := httpmock.New(t) // no stubs: any request fails the test
	f := &cli.Factory{
		IOStreams: ios,
		Prompter:  stub,
		Git:       func() (*git.Client, error) { return &git.Client{Dir: dir, Env: env}, nil },
		BaseRepo: func(string) (repository.Repository, error) {
			return repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, nil
		},
		HTTPClient: func(string) (*http.Client, error) { return &http.Client{Transport: reg}, nil },
		Now:        func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) },
		Getenv:     func(string) string { return "" },
	}
	if code := cli.Run(context.Background(), []string{"create"}, f); code != 2 {
		t.Fatalf("exit %d, want 2\nstderr: %s", code, stderr)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: %q", stdout)
	}
	if after := snapshot(t, dir, env); after != before {
		t.Errorf("a cancelled create changed the repository:\n%s\n---\n%s", before, after)
	}
	if strings.Contains(stderr.String(), "hotfix/") {
		t.Errorf("stderr mentions a branch: %s", stderr)
	}
}
