package e2e

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestCreatePushRefusedByRuleset: a ruleset restricting the creation of
// hotfix/** refuses `create --push`; the output gives GitHub's rule line and
// where to review the rules, and GitHub has no such branch afterwards.
func TestCreatePushRefusedByRuleset(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("guarded", nil)
	status, out := e.API("POST", "/repos/monalisa/guarded/rulesets", map[string]any{
		"name": "hotfix branches", "target": "branch", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"refs/heads/hotfix/**"}, "exclude": []string{}}},
		"rules":      []any{map[string]any{"type": "creation"}}})
	if status != 201 {
		t.Fatalf("create ruleset: %d %v", status, out)
	}

	r := e.Hotfix(work, "create", "--push", "Fix the login")
	if r.Code == 0 {
		t.Fatalf("create --push succeeded:\n%s", r.Stderr)
	}
	const branch = "hotfix/fix-the-login"
	for _, want := range []string{
		"GitHub's rules refused the push of " + branch + " (GH013):",
		"  - Cannot create ref due to creations being restricted.",
		"  Review all repository rules at http://github.localhost/monalisa/guarded/rules?ref=refs%2Fheads%2Fhotfix%2Ffix-the-login",
		"pushing " + branch + " was refused by the repository's rules above",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	if status, out := e.API("GET", "/repos/monalisa/guarded/git/ref/heads/"+branch, nil); status != 404 {
		t.Errorf("GitHub has %s: %d %v", branch, status, out)
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
