package create

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
)

// TestCheckLocalTag: a local tag at another commit than GitHub's is refused,
// with the commands that fix it; a missing or matching one (annotated too) is not.
func TestCheckLocalTag(t *testing.T) {
	dir := t.TempDir()
	env := []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(dir, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	run("commit", "-q", "--allow-empty", "-m", "release")
	release := run("rev-parse", "HEAD")
	run("tag", "v1.4.0")
	run("tag", "-a", "-m", "annotated", "v1.5.0")
	run("commit", "-q", "--allow-empty", "-m", "later")
	run("tag", "v1.6.0")
	g := &git.Client{Dir: dir, Env: env}
	for _, tt := range []struct {
		name, tag, want string
	}{
		{name: "no local tag", tag: "v1.3.0"},
		{name: "same commit", tag: "v1.4.0"},
		{name: "annotated, same commit", tag: "v1.5.0"},
		{name: "stale", tag: "v1.6.0", want: "the local tag v1.6.0 points to " + run("rev-parse", "--short=7", "v1.6.0") +
			" but to " + release[:7] + " on origin: take origin's with git fetch --force origin tag v1.6.0 (or delete yours: git tag -d v1.6.0), then run gh hotfix create x --from-tag v1.6.0 again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkLocalTag(context.Background(), g, tt.tag, release, "origin", "gh hotfix create x --from-tag "+tt.tag)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
