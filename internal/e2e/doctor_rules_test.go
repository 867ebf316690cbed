package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestDoctorSaysEachRule: doctor reads the rulesets that apply to main, to
// hotfix/* and to release tags in its one query, and says each rule in a
// sentence with what it means for a hotfix; the one request more asks whether
// the user may bypass the ruleset restricting hotfix branches.
func TestDoctorSaysEachRule(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("ruled", map[string]string{".github/workflows/ci.yml": ciWorkflow})
	checkRun(t, e, "ruled", work, "test", "success")
	branchSet := func(name string, include string, rules ...any) map[string]any {
		return map[string]any{"name": name, "target": "branch", "enforcement": "active",
			"conditions": map[string]any{"ref_name": map[string]any{"include": []string{include}, "exclude": []string{}}},
			"rules":      rules}
	}
	tagSet := branchSet("release tags", "refs/tags/v*", map[string]any{"type": "creation"})
	tagSet["target"] = "tag"
	for _, set := range []map[string]any{
		branchSet("protect main", "~DEFAULT_BRANCH",
			map[string]any{"type": "pull_request", "parameters": map[string]any{"required_approving_review_count": 1,
				"dismiss_stale_reviews_on_push": false, "require_code_owner_review": false, "require_last_push_approval": false,
				"required_review_thread_resolution": false, "allowed_merge_methods": []string{"squash"}}},
			map[string]any{"type": "merge_queue", "parameters": map[string]any{"check_response_timeout_minutes": 60,
				"grouping_strategy": "ALLGREEN", "max_entries_to_build": 5, "max_entries_to_merge": 5, "merge_method": "SQUASH",
				"min_entries_to_merge": 1, "min_entries_to_merge_wait_minutes": 5}},
			map[string]any{"type": "required_linear_history"}),
		branchSet("checks on main", "refs/heads/main",
			map[string]any{"type": "required_status_checks", "parameters": map[string]any{"strict_required_status_checks_policy": false,
				"required_status_checks": []any{map[string]any{"context": "ci/test"}}}}),
		branchSet("hotfix branches", "refs/heads/hotfix/**", map[string]any{"type": "creation"}),
		tagSet,
	} {
		if status, out := e.API("POST", "/repos/monalisa/ruled/rulesets", set); status != 201 {
			t.Fatalf("create ruleset %s: %d %v", set["name"], status, out)
		}
	}

	e.ClearRequests()
	r := e.Hotfix(work, "doctor")
	if r.Code == 0 {
		t.Fatalf("doctor passed a repository where hotfix branches cannot be created:\n%s", r.Stdout)
	}
	var rules []string
	for _, l := range strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n") {
		if f := strings.Split(l, "\t"); len(f) == 4 && f[1] == "rules" {
			rules = append(rules, f[0]+"\t"+f[2]+"\t"+f[3])
		}
	}
	all := strings.Join(rules, "\n")
	t.Logf("doctor's rules:\n%s", all)
	for _, want := range []string{
		"ok\tmain needs 1 approving review from someone other than the author (ruleset \"protect main\"): ship waits for it; set reviewers in .github/hotfix.yml so ship asks for it\t",
		"ok\tsquash is the only merge method allowed into main (ruleset \"protect main\"): set merge_method: squash in .github/hotfix.yml for ship --auto\t",
		"ok\tmain merges through a merge queue (squash, ruleset \"protect main\"): ship --auto enqueues the hotfix\t",
		"ok\tmain requires linear history (ruleset \"protect main\"): merge_method must be squash or rebase\t",
		"fail\tcreating hotfix/* is restricted by ruleset \"hotfix branches\": create will refuse to make it\t" +
			"ask an admin of monalisa/ruled to add you to its bypass list, or to exclude refs/heads/hotfix/** from it; or set branch_prefix in .github/hotfix.yml to a prefix it allows",
		"warn\tcreating release tags v* is restricted by ruleset \"release tags\": the release workflow's token must be able to bypass it\t",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("doctor's rules lack\n%s\nthey are:\n%s", want, all)
		}
	}
	if want := "ok\tmain requires the check ci/test (ruleset \"checks on main\"): ship waits for it to pass\t"; !strings.Contains(all, want) {
		t.Errorf("doctor's rules lack\n%s\nthey are:\n%s", want, all)
	}

	api, fetches, pushes := e.RequestCounts()
	total := 0
	for _, n := range api {
		total += n
	}
	// Doctor's three requests, and whether the user may bypass "hotfix branches".
	if total != 4 || fetches != 0 || pushes != 0 {
		t.Errorf("doctor used %d API requests %v, %d fetches and %d pushes; want 4, 0, 0", total, api, fetches, pushes)
	}
	t.Logf("doctor: %d API requests %v", total, api)
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}

	// A user on the ruleset's bypass list may create hotfix branches: doctor says so.
	t.Run("bypass", func(t *testing.T) {
		set := branchSet("hotfix branches", "refs/heads/hotfix/**", map[string]any{"type": "creation"})
		set["bypass_actors"] = []any{map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}}
		_, list := e.API("GET", "/repos/monalisa/ruled/rulesets", nil)
		for _, rs := range list.([]any) {
			if m := rs.(map[string]any); m["name"] == "hotfix branches" {
				if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/ruled/rulesets/%.0f", m["id"]), set); status != 200 {
					t.Fatalf("update ruleset: %d %v", status, out)
				}
			}
		}
		r := e.Hotfix(work, "doctor")
		const want = "ok\trules\tcreating hotfix/* is restricted by ruleset \"hotfix branches\", which you may bypass\t"
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("doctor lacks %q:\n%s", want, r.Stdout)
		}
	})
}
