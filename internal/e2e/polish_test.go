package e2e

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestOutsideAClone: every command run outside any git checkout says so in one
// line, never with git's own "fatal: not a git repository" or exit status.
func TestOutsideAClone(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	dir := t.TempDir()
	for _, args := range [][]string{{"status"}, {"doctor"}, {"create", "a fix"}, {"ship"}, {"init"},
		{"create", "a fix", "-R", "monalisa/shop"}, {"ship", "-R", "monalisa/shop"}, {"init", "-R", "monalisa/shop"}} {
		r := e.Hotfix(dir, args...)
		lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
		if r.Code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "not inside a git checkout: ") ||
			strings.Contains(r.Stderr, "fatal:") || strings.Contains(r.Stderr, "exit status") {
			t.Errorf("gh hotfix %s outside a clone: exit %d\n%s", strings.Join(args, " "), r.Code, r.Stderr)
		}
	}
}

// TestShipSaysWhenNothingWasPushed: a branch GitHub already has at its tip (the
// user pushed it) is not reported as pushed.
func TestShipSaysWhenNothingWasPushed(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "pushed", "already pushed fix")
	e.Git(work, "push", "-q", "origin", "hotfix/already-pushed-fix")
	r := e.Hotfix(work, "ship", "--no-wait")
	if r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	if strings.Contains(r.Stderr, "Pushed") || !strings.Contains(r.Stderr, "hotfix/already-pushed-fix is already on origin at ") {
		t.Errorf("ship of a branch GitHub already had:\n%s", r.Stderr)
	}
	if up := e.Git(work, "rev-parse", "--abbrev-ref", "hotfix/already-pushed-fix@{upstream}"); strings.TrimSpace(up) != "origin/hotfix/already-pushed-fix" {
		t.Errorf("upstream %q", up)
	}
}
