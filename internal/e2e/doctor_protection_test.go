package e2e

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestDoctorSaysBranchProtection: doctor reads the classic branch protection
// rules in its one query, as it reads the rulesets, and says what the rule
// that applies to main (and to hotfix branches) requires, naming its source;
// protecting branches costs it no request. A merge_method a ruleset forbids
// fails once, on the rules line, the auto-merge line pointing to it.
func TestDoctorSaysBranchProtection(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("guarded", map[string]string{
		".github/workflows/ci.yml": ciWorkflow,
		".github/hotfix.yml":       "merge_method: merge\n",
	})
	checkRun(t, e, "guarded", work, "test", "success")
	if status, out := e.API("PATCH", "/repos/monalisa/guarded", map[string]any{"allow_auto_merge": true}); status != 200 {
		t.Fatalf("allow auto-merge: %d %v", status, out)
	}
	if status, out := e.API("POST", "/repos/monalisa/guarded/rulesets", map[string]any{"name": "squash only", "target": "branch", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules": []any{map[string]any{"type": "pull_request", "parameters": map[string]any{"required_approving_review_count": 0,
			"dismiss_stale_reviews_on_push": false, "require_code_owner_review": false, "require_last_push_approval": false,
			"required_review_thread_resolution": false, "allowed_merge_methods": []string{"squash"}}}}}); status != 201 {
		t.Fatalf("create ruleset: %d %v", status, out)
	}
	// The branch whose name doctor asks the rules of hotfix branches about
	// (branch_prefix, then x): REST protects a branch that exists, by name.
	tip := e.Git(work, "rev-parse", "origin/main")
	if status, out := e.API("POST", "/repos/monalisa/guarded/git/refs", map[string]any{"ref": "refs/heads/hotfix/x", "sha": tip}); status != 201 {
		t.Fatalf("create hotfix/x: %d %v", status, out)
	}

	count := func() (int, map[string]int) {
		api, fetches, pushes := e.RequestCounts()
		total := 0
		for _, n := range api {
			total += n
		}
		if fetches != 0 || pushes != 0 {
			t.Errorf("doctor fetched %d times and pushed %d times", fetches, pushes)
		}
		return total, api
	}
	e.ClearRequests()
	before := e.Hotfix(work, "doctor")
	unprotected, unprotectedAPI := count()

	for branch, body := range map[string]map[string]any{
		"main": {
			"required_status_checks":        map[string]any{"strict": true, "contexts": []string{"test"}},
			"enforce_admins":                false,
			"required_pull_request_reviews": map[string]any{"required_approving_review_count": 1, "require_code_owner_reviews": true},
			"restrictions":                  nil,
			"required_linear_history":       true,
		},
		"hotfix/x": {
			"required_status_checks": nil, "enforce_admins": true, "restrictions": nil,
			"required_pull_request_reviews": map[string]any{"required_approving_review_count": 1},
		},
	} {
		if status, out := e.API("PUT", "/repos/monalisa/guarded/branches/"+branch+"/protection", body); status != 200 {
			t.Fatalf("protect %s: %d %v", branch, status, out)
		}
	}

	e.ClearRequests()
	r := e.Hotfix(work, "doctor")
	protected, protectedAPI := count()
	if r.Code == 0 {
		t.Fatalf("doctor passed a repository whose merge_method main's rules forbid:\n%s", r.Stdout)
	}
	var lines, failing []string
	for _, l := range strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 4 {
			t.Fatalf("doctor line %q: want 4 tab-separated fields", l)
		}
		if f[1] == "rules" || f[1] == "auto-merge" {
			lines = append(lines, strings.Join(f, "\t"))
		}
		if f[0] == "fail" {
			failing = append(failing, f[1]+"\t"+f[2])
		}
	}
	all := strings.Join(lines, "\n")
	t.Logf("doctor's rules:\n%s", all)
	for _, want := range []string{
		"ok\trules\tmain needs 1 approving review from someone other than the author (branch protection on main; a code owner's among them): ship waits for it; set reviewers in .github/hotfix.yml so ship asks for it\t",
		"ok\trules\tmain requires the check test, on a branch up to date with main (branch protection on main): ship waits for it to pass\t",
		"fail\trules\tmain requires linear history (branch protection on main): merge_method is merge, which makes a merge commit\tset merge_method: squash (or rebase) in .github/hotfix.yml",
		"fail\trules\tpushing to hotfix/* is restricted by branch protection on hotfix/x (changes through a pull request only): ship cannot push the fix\t" +
			"ask an admin of monalisa/guarded to narrow the branch protection rule hotfix/x so it does not match hotfix/*, or set branch_prefix in .github/hotfix.yml to a prefix it does not match",
		"fail\trules\tsquash is the only merge method allowed into main (ruleset \"squash only\"), and merge_method is merge\tset merge_method: squash in .github/hotfix.yml",
		"ok\tauto-merge\tallowed in monalisa/guarded, and merge merges too; ruleset \"squash only\" forbids them into main (see rules)\t",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("doctor lacks\n%s\nit says:\n%s", want, all)
		}
	}
	// The forbidden merge method is one failure, not two.
	if n := strings.Count(strings.Join(failing, "\n"), "squash only"); n != 1 {
		t.Errorf("%d failures name ruleset \"squash only\", want 1:\n%s", n, strings.Join(failing, "\n"))
	}

	// Reading the protection costs no request: the same three as without it.
	t.Logf("doctor: %d API requests %v unprotected, %d %v protected", unprotected, unprotectedAPI, protected, protectedAPI)
	if protected != unprotected || protected != 3 {
		t.Errorf("doctor used %d API requests %v with branch protection, %d %v without; want 3 both times\nwithout:\n%s",
			protected, protectedAPI, unprotected, unprotectedAPI, before.Stdout)
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}
