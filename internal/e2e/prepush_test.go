package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestShipKeepsTheUsersPrePushHook: ship starts its push while GitHub answers the
// first query and holds it in a pre-push hook of its own until the answer says to
// push. The user's pre-push hook must still decide, and a ship refused on GitHub's
// answer must push nothing and never run the user's hook.
func TestShipKeepsTheUsersPrePushHook(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "gate", "checkout crash on empty cart")
	hooks := filepath.Join(work, ".git", "hooks")
	ran := filepath.Join(e.Dir, "user-hook-ran")
	writeExec := func(script string) {
		t.Helper()
		if err := os.MkdirAll(hooks, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(hooks, "pre-push"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeExec("cat > " + ran + "\necho 'lint: 1 problem' >&2\nexit 1\n")

	// 1. Refused on GitHub's answer (no such reviewer): the held push sends nothing
	// and the user's hook never runs.
	before := e.Snapshot(work, "gate")
	assertRefused(t, e.Hotfix(work, "ship", "--no-wait", "-r", "nobody-by-that-name"), "no GitHub user nobody-by-that-name")
	if after := e.Snapshot(work, "gate"); after != before {
		t.Errorf("a refused ship changed the repository:\n%s\n---\n%s", before, after)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the user's pre-push hook ran for a refused ship")
	}

	// 2. The user's hook refuses the push: ship stops with its reason, no PR.
	r := e.Hotfix(work, "ship", "--no-wait")
	if r.Code != 1 || !strings.Contains(r.Stderr, "pushing hotfix/checkout-crash-on-empty-cart") {
		t.Fatalf("ship with a refusing hook: exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "pre-push hook") || !strings.Contains(r.Stderr, "lint: 1 problem") {
		t.Errorf("ship did not say the pre-push hook refused, with its words: %s", r.Stderr)
	}
	b, err := os.ReadFile(ran)
	if err != nil {
		t.Fatalf("the user's pre-push hook did not run: %v", err)
	}
	if !strings.HasPrefix(string(b), "refs/heads/hotfix/checkout-crash-on-empty-cart ") {
		t.Errorf("the user's hook got %q on stdin", b)
	}
	if _, out := e.API("GET", "/repos/monalisa/gate/pulls", nil); jsonString(out) != "[]" {
		t.Errorf("a pull request was opened: %s", jsonString(out))
	}
	if after := e.Snapshot(work, "gate"); after != before {
		t.Errorf("a refused push changed the repository:\n%s\n---\n%s", before, after)
	}

	// 3. The hook passes: ship pushes and opens the PR.
	writeExec("cat > " + ran + "\nexit 0\n")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship: exit %d: %s", r.Code, r.Stderr)
	}
	tip := strings.TrimSpace(e.Git(work, "rev-parse", "HEAD"))
	bare := filepath.Join(e.Dir, "github", harness.Owner, "gate.git")
	if got := strings.TrimSpace(e.RunIn(bare, "git", "rev-parse", "refs/heads/hotfix/checkout-crash-on-empty-cart").Stdout); got != tip {
		t.Errorf("remote branch at %q, want %s", got, tip)
	}
}
