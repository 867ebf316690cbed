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

// TestCreateFromTagRefusedByRuleset: create --from-tag would create the
// maintenance branch release/v1.4 through the API and then the hotfix branch;
// a ruleset that forbids creating either refuses the run before anything
// changes, naming the ruleset and the fix. With the maintenance branch there
// already, only the hotfix branch's rule matters; with a bypass, it proceeds.
func TestCreateFromTagRefusedByRuleset(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "lines", true)
	ruleset := func(name, include, enforcement string, bypass bool) map[string]any {
		rs := map[string]any{"name": name, "target": "branch", "enforcement": enforcement,
			"conditions": map[string]any{"ref_name": map[string]any{"include": []string{include}, "exclude": []string{}}},
			"rules":      []any{map[string]any{"type": "creation"}}}
		if bypass { // the repository's admins (RepositoryRole 5)
			rs["bypass_actors"] = []any{map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}}
		}
		return rs
	}
	restrict := func(name, include string) int {
		t.Helper()
		status, out := e.API("POST", "/repos/monalisa/lines/rulesets", ruleset(name, include, "active", false))
		if status != 201 {
			t.Fatalf("create ruleset %q: %d %v", name, status, out)
		}
		return int(out.(map[string]any)["id"].(float64))
	}
	update := func(id int, rs map[string]any) {
		t.Helper()
		if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/lines/rulesets/%d", id), rs); status != 200 {
			t.Fatalf("update ruleset %d: %d %v", id, status, out)
		}
	}
	refused := func(want string) {
		t.Helper()
		before := e.Snapshot(work, "lines")
		e.ClearRequests()
		r := e.Hotfix(work, "create", "login page 500", "--from-tag", "v1.4.0")
		if r.Code != 1 || !strings.Contains(r.Stderr, want) || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
			t.Fatalf("create --from-tag: exit %d, want 1 and one line containing %q:\n%s", r.Code, want, r.Stderr)
		}
		if after := e.Snapshot(work, "lines"); after != before {
			t.Errorf("the refused create changed something:\n%s\n---\n%s", before, after)
		}
		if m := mutations(e); len(m) != 0 {
			t.Errorf("the refused create changed GitHub: %v", m)
		}
		// The rulesets come with the one query; only the bypass is asked besides.
		api, fetches, _ := e.RequestCounts()
		if n := api["GET /repos/{owner}/{repo}/rulesets/{ruleset_id}"]; n != 1 || fetches != 0 {
			t.Errorf("requests: %v, %d fetches; want the bypass asked once, no fetch", api, fetches)
		}
	}

	releases := restrict("release lines", "refs/heads/release/**")
	refused(`creating release/v1.4 in monalisa/lines is restricted by ruleset "release lines" (Cannot create ref due to creations being restricted): ` +
		`ask an admin to add you to its bypass list, or to create release/v1.4 at v1.4.0 (then run gh hotfix create 'login page 500' --from-tag v1.4.0 again), ` +
		`or set exceptional.maintenance_branch in .github/hotfix.yml to a name it allows`)

	// An admin creates the maintenance branch (the rule lifted for that
	// moment): with it there, nothing is created on it, and only the hotfix
	// branch's rule matters.
	update(releases, ruleset("release lines", "refs/heads/release/**", "disabled", false))
	tag := e.Git(work, "rev-parse", "HEAD~2") // v1.4.0, two commits behind main
	if status, out := e.API("POST", "/repos/monalisa/lines/git/refs", map[string]any{"ref": "refs/heads/release/v1.4", "sha": tag}); status != 201 {
		t.Fatalf("creating release/v1.4: %d %v", status, out)
	}
	update(releases, ruleset("release lines", "refs/heads/release/**", "active", false))
	hotfixes := restrict("hotfix branches", "refs/heads/hotfix/**")
	refused(`creating hotfix/login-page-500 in monalisa/lines is restricted by ruleset "hotfix branches" (Cannot create ref due to creations being restricted): ` +
		`ask an admin to add you to its bypass list or to exclude hotfix/** from it, or set branch_prefix to a prefix it allows`)

	// The repository's admins on the bypass list: create --from-tag proceeds.
	update(hotfixes, ruleset("hotfix branches", "refs/heads/hotfix/**", "active", true))
	if r := e.Hotfix(work, "create", "login page 500", "--from-tag", "v1.4.0", "--push"); r.Code != 0 {
		t.Fatalf("create --from-tag with a bypass: exit %d\n%s", r.Code, r.Stderr)
	}
	if status, _ := e.API("GET", "/repos/monalisa/lines/git/ref/heads/hotfix/login-page-500", nil); status != 200 {
		t.Errorf("GitHub lacks the hotfix branch after create --from-tag --push with a bypass: %d", status)
	}
}
