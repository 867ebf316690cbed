package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestCreateRefusedByRuleset: a ruleset restricting the creation of hotfix/**
// refuses `create` before anything changes, naming the ruleset (GitHub would
// refuse the push with GH013 after the branch was made here): no local branch,
// the checkout as it was, no branch on GitHub. A user on the ruleset's bypass
// list creates and pushes as usual.
func TestCreateRefusedByRuleset(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("guarded", nil)
	ruleset := map[string]any{
		"name": "hotfix branches", "target": "branch", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"refs/heads/hotfix/**"}, "exclude": []string{}}},
		"rules":      []any{map[string]any{"type": "creation"}}}
	status, out := e.API("POST", "/repos/monalisa/guarded/rulesets", ruleset)
	if status != 201 {
		t.Fatalf("create ruleset: %d %v", status, out)
	}
	id := int(out.(map[string]any)["id"].(float64))

	const branch = "hotfix/fix-the-login"
	before := e.Snapshot(work, "guarded")
	r := e.Hotfix(work, "create", "--push", "Fix the login")
	want := `creating ` + branch + ` in monalisa/guarded is restricted by ruleset "hotfix branches" (Cannot create ref due to creations being restricted)`
	if r.Code == 0 || !strings.Contains(r.Stderr, want) {
		t.Fatalf("create --push: exit %d, stderr lacks %q:\n%s", r.Code, want, r.Stderr)
	}
	if after := e.Snapshot(work, "guarded"); after != before {
		t.Errorf("the refused create changed the checkout:\n%s\n---\n%s", before, after)
	}
	if status, out := e.API("GET", "/repos/monalisa/guarded/git/ref/heads/"+branch, nil); status != 404 {
		t.Errorf("GitHub has %s: %d %v", branch, status, out)
	}

	// The repository's admins on the bypass list (RepositoryRole 5) may create it.
	ruleset["bypass_actors"] = []any{map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}}
	if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/guarded/rulesets/%d", id), ruleset); status != 200 {
		t.Fatalf("update ruleset: %d %v", status, out)
	}
	if r := e.Hotfix(work, "create", "--push", "Fix the login"); r.Code != 0 {
		t.Fatalf("create --push with a bypass: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, _ := e.API("GET", "/repos/monalisa/guarded/git/ref/heads/"+branch, nil); status != 200 {
		t.Errorf("GitHub lacks %s after create --push with a bypass: %d", branch, status)
	}
}

// TestShipPushRefusedByRuleset: ship's push of a new hotfix branch that a
// ruleset forbids creating is refused with GitHub's rule line; no branch and no
// pull request exist on GitHub afterwards.
func TestShipPushRefusedByRuleset(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "guarded", "login page 500")
	status, out := e.API("POST", "/repos/monalisa/guarded/rulesets", map[string]any{
		"name": "hotfix branches", "target": "branch", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"refs/heads/hotfix/**"}, "exclude": []string{}}},
		"rules":      []any{map[string]any{"type": "creation"}}})
	if status != 201 {
		t.Fatalf("create ruleset: %d %v", status, out)
	}

	r := e.Hotfix(work, "ship", "--no-wait")
	if r.Code == 0 {
		t.Fatalf("ship succeeded:\n%s", r.Stderr)
	}
	const branch = "hotfix/login-page-500"
	for _, want := range []string{
		"GitHub's rules refused the push of " + branch + " (GH013):",
		"  - Cannot create ref due to creations being restricted.",
		"pushing " + branch + " was refused by the repository's rules above; nothing was pushed",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	if status, out := e.API("GET", "/repos/monalisa/guarded/git/ref/heads/"+branch, nil); status != 404 {
		t.Errorf("GitHub has %s: %d %v", branch, status, out)
	}
	if _, out := e.API("GET", "/repos/monalisa/guarded/pulls?state=all", nil); jsonString(out) != "[]" {
		t.Errorf("pull requests: %s", jsonString(out))
	}
}
