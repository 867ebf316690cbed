package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestDemoScript keeps README's first command true: script/demo runs on this
// machine and shows a hotfix being created.
func TestDemoScript(t *testing.T) {
	t.Parallel()
	harness.RequireTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "script", "demo"))
	cmd.Env = append(cmd.Environ(), "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("script/demo: %v\n%s", err, out)
	}
	for _, want := range []string{"gh-hotfix version demo", "hotfix/login-page-500-on-empty-password", "Deny empty passwords instead of crashing",
		"Opened pull request #1", "What will ship (1 commit since release v1.0.0)", "Release run succeeded", "MERGED, labels hotfix", "Already released"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}
