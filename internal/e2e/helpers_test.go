package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

func harnessWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// mergeabilityComputed waits until GitHub has computed the mergeability of the
// pull requests (in the background, as on github.com: see the emulator's
// shownMergeState), for tests that show it.
func mergeabilityComputed(t *testing.T, e *harness.Env, repo string, numbers ...int) {
	t.Helper()
	for _, n := range numbers {
		e.Eventually(fmt.Sprintf("GitHub to compute the mergeability of %s#%d", repo, n), 30*time.Second, func() bool {
			_, out := e.API("GET", fmt.Sprintf("/repos/monalisa/%s/pulls/%d", repo, n), nil)
			pr, _ := out.(map[string]any)
			return pr != nil && pr["mergeable_state"] != "unknown"
		})
	}
}

// assertNothingChanged fails the test when the requests since the last
// ClearRequests include one that creates or changes something.
func assertNothingChanged(t *testing.T, e *harness.Env, what string) {
	t.Helper()
	api, _, _ := e.RequestCounts()
	for route, n := range api {
		if strings.HasPrefix(route, "POST") || strings.HasPrefix(route, "PATCH") || strings.HasPrefix(route, "graphql mutation") {
			t.Errorf("%s changed something: %s ×%d", what, route, n)
		}
	}
}

// pullRequestRuleset adds to the repository an active ruleset named name whose
// pull_request rule applies to the branches include selects (a ref pattern or
// ~DEFAULT_BRANCH) and allows the merge methods given (all when none are).
func pullRequestRuleset(t *testing.T, e *harness.Env, repo, name, include string, methods ...string) {
	t.Helper()
	params := map[string]any{"required_approving_review_count": 0, "dismiss_stale_reviews_on_push": false,
		"require_code_owner_review": false, "require_last_push_approval": false, "required_review_thread_resolution": false}
	if len(methods) > 0 {
		params["allowed_merge_methods"] = methods
	}
	status, out := e.API("POST", "/repos/monalisa/"+repo+"/rulesets", map[string]any{
		"name": name, "target": "branch", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{include}, "exclude": []string{}}},
		"rules":      []any{map[string]any{"type": "pull_request", "parameters": params}}})
	if status != 201 {
		t.Fatalf("create ruleset: %d %v", status, out)
	}
}
