package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestRefPatternMatch(t *testing.T) {
	tests := []struct {
		pattern, ref string
		want         bool
	}{
		{"refs/heads/main", "refs/heads/main", true},
		{"refs/heads/main", "refs/heads/main2", false},
		{"main", "refs/heads/main", false}, // patterns name full refs
		{"refs/heads/*", "refs/heads/main", true},
		{"refs/heads/*", "refs/heads/release/v1", false}, // "*" stays within a segment
		{"refs/heads/release/*", "refs/heads/release/v1.4", true},
		{"refs/heads/release/*", "refs/heads/release/v1/x", false},
		{"refs/heads/release/**/*", "refs/heads/release/v1/x", true},
		{"refs/heads/release/**/*", "refs/heads/release/v1", true}, // "**/" matches zero directories
		{"refs/heads/**/*", "refs/heads/hotfix/a/b", true},
		{"refs/heads/release/**", "refs/heads/release/v1", true},
		{"refs/heads/release/**", "refs/heads/release/v1/x", false}, // a trailing "**" is a "*"
		{"refs/heads/v?.x", "refs/heads/v1.x", true},
		{"refs/heads/v[0-9]", "refs/heads/v7", true},
		{"refs/heads/v[0-9]", "refs/heads/va", false},
	}
	for _, tt := range tests {
		if got := refPatternMatch(tt.pattern, tt.ref); got != tt.want {
			t.Errorf("refPatternMatch(%q, %q) = %v, want %v", tt.pattern, tt.ref, got, tt.want)
		}
	}
}

func TestRulesetAppliesTo(t *testing.T) {
	r := &repo{DefaultBranch: "main"}
	tests := []struct {
		name             string
		target           string
		include, exclude []string
		branch           string
		want             bool
	}{
		{"default branch", "branch", []string{"~DEFAULT_BRANCH"}, nil, "main", true},
		{"default branch, another", "branch", []string{"~DEFAULT_BRANCH"}, nil, "develop", false},
		{"all", "branch", []string{"~ALL"}, nil, "hotfix/x", true},
		{"all but excluded", "branch", []string{"~ALL"}, []string{"refs/heads/hotfix/*"}, "hotfix/x", false},
		{"excluded default", "branch", []string{"~ALL"}, []string{"~DEFAULT_BRANCH"}, "main", false},
		{"pattern", "branch", []string{"refs/heads/release/*"}, nil, "release/v1.4", true},
		{"no include", "branch", nil, nil, "main", false},
		{"tag ruleset", "tag", []string{"~ALL"}, nil, "main", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := &ruleset{Target: tt.target, Include: tt.include, Exclude: tt.exclude}
			if got := rs.appliesTo(r, tt.branch); got != tt.want {
				t.Errorf("appliesTo(%q) = %v, want %v", tt.branch, got, tt.want)
			}
		})
	}
}

// pullRequestRule is a pull_request rule as the REST API takes it: the
// description requires its five review parameters.
func pullRequestRule(approvals int, methods ...string) map[string]any {
	p := map[string]any{"dismiss_stale_reviews_on_push": false, "require_code_owner_review": false,
		"require_last_push_approval": false, "required_approving_review_count": approvals,
		"required_review_thread_resolution": false}
	if methods != nil {
		p["allowed_merge_methods"] = methods
	}
	return map[string]any{"type": "pull_request", "parameters": p}
}

func jsonList(t *testing.T, body []byte) []any {
	t.Helper()
	var list []any
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("%q is not a JSON list: %v", body, err)
	}
	return list
}

func (ts *testServer) createRuleset(repo string, body map[string]any) map[string]any {
	ts.t.Helper()
	r := ts.do("POST", "/repos/monalisa/"+repo+"/rulesets", body, nil)
	if r.status != 201 {
		ts.t.Fatalf("create ruleset: %d %s", r.status, r.body)
	}
	return r.json(ts.t)
}

func TestRulesetsREST(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("rs")
	if r := ts.do("GET", "/repos/monalisa/rs/rulesets", nil, nil); r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Fatalf("a new repository's rulesets: %d %s, want none", r.status, r.body)
	}
	created := ts.createRuleset("rs", map[string]any{"name": "main", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      []any{pullRequestRule(0, "squash"), map[string]any{"type": "deletion"}}})
	id := int64(created["id"].(float64))
	if created["target"] != "branch" || created["source_type"] != "Repository" || created["source"] != "monalisa/rs" {
		t.Errorf("created ruleset: %v", created)
	}
	got := ts.do("GET", fmt.Sprintf("/repos/monalisa/rs/rulesets/%d", id), nil, nil).json(t)
	rules := got["rules"].([]any)
	if len(rules) != 2 || mustJSON(rules[0].(map[string]any)["parameters"].(map[string]any)["allowed_merge_methods"]) != `["squash"]` {
		t.Errorf("rules read back: %s", mustJSON(rules))
	}
	if r := ts.do("POST", "/repos/monalisa/rs/rulesets", map[string]any{"name": "main", "enforcement": "active"}, nil); r.status != 422 {
		t.Errorf("a second ruleset named main: %d, want 422", r.status)
	}
	if r := ts.do("POST", "/repos/monalisa/rs/rulesets", map[string]any{"name": "none", "enforcement": "active",
		"rules": []any{pullRequestRule(0)}}, nil); r.status != 201 {
		t.Errorf("a pull_request rule without allowed_merge_methods: %d %s", r.status, r.body)
	} else if m := r.json(t)["rules"].([]any)[0].(map[string]any)["parameters"].(map[string]any)["allowed_merge_methods"]; mustJSON(m) != `["merge","squash","rebase"]` {
		t.Errorf("allowed_merge_methods defaults to %s, want all three", mustJSON(m))
	}

	branchRules := func(branch string) []map[string]any {
		var list []map[string]any
		r := ts.do("GET", "/repos/monalisa/rs/rules/branches/"+branch, nil, nil)
		if r.status != 200 {
			t.Fatalf("rules for %s: %d %s", branch, r.status, r.body)
		}
		for _, v := range jsonList(t, r.body) {
			list = append(list, v.(map[string]any))
		}
		return list
	}
	main := branchRules("main")
	if len(main) != 2 || main[0]["type"] != "pull_request" || main[0]["ruleset_id"] != float64(id) ||
		main[0]["ruleset_source_type"] != "Repository" || main[0]["ruleset_source"] != "monalisa/rs" {
		t.Errorf("rules for main: %s", mustJSON(main))
	}
	if other := branchRules("hotfix/x"); len(other) != 0 {
		t.Errorf("rules for hotfix/x: %s, want none", mustJSON(other))
	}

	// Evaluate and disabled rulesets are neither listed for a branch nor enforced.
	for _, enf := range []string{"evaluate", "disabled", "active"} {
		r := ts.do("PUT", fmt.Sprintf("/repos/monalisa/rs/rulesets/%d", id), map[string]any{"enforcement": enf}, nil)
		if r.status != 200 || r.json(t)["enforcement"] != enf {
			t.Fatalf("update to %s: %d %s", enf, r.status, r.body)
		}
		want := 0
		if enf == "active" {
			want = 2
		}
		if n := len(branchRules("main")); n != want {
			t.Errorf("%s: %d rules for main, want %d", enf, n, want)
		}
	}
	if r := ts.do("DELETE", fmt.Sprintf("/repos/monalisa/rs/rulesets/%d", id), nil, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := ts.do("GET", fmt.Sprintf("/repos/monalisa/rs/rulesets/%d", id), nil, nil); r.status != 404 {
		t.Errorf("deleted ruleset: %d, want 404", r.status)
	}
	if n := len(branchRules("main")); n != 0 {
		t.Errorf("after delete: %d rules for main", n)
	}
}

// TestRulesetMergeMethods: a merge with a method the active rules on the base
// forbid is refused in GitHub's words, through each way of merging; another
// method, or the same under a ruleset that does not enforce, merges.
func TestRulesetMergeMethods(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name        string
		enforcement string
		include     string
		allowed     []string
		via         string // rest, graphql
		method      string
		wantErr     string // "" merges
	}{
		{"rest forbidden", "active", "~DEFAULT_BRANCH", []string{"merge"}, "rest", "squash", "Squash merges are not allowed on this repository."},
		{"rest allowed", "active", "~DEFAULT_BRANCH", []string{"merge"}, "rest", "merge", ""},
		{"rest merge commit forbidden", "active", "refs/heads/main", []string{"squash", "rebase"}, "rest", "merge", "Merge commits are not allowed on this repository."},
		{"graphql forbidden", "active", "~ALL", []string{"squash"}, "graphql", "REBASE", "Rebase merges are not allowed on this repository."},
		{"graphql allowed", "active", "~ALL", []string{"squash"}, "graphql", "SQUASH", ""},
		{"evaluate is not enforced", "evaluate", "~DEFAULT_BRANCH", []string{"merge"}, "rest", "squash", ""},
		{"disabled is not enforced", "disabled", "~DEFAULT_BRANCH", []string{"merge"}, "rest", "squash", ""},
		{"another branch", "active", "refs/heads/release/*", []string{"merge"}, "rest", "squash", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("rsm%d", i)
			ts.seedRepo(name)
			ts.createRuleset(name, map[string]any{"name": "methods", "enforcement": tt.enforcement,
				"conditions": map[string]any{"ref_name": map[string]any{"include": []string{tt.include}, "exclude": []string{}}},
				"rules":      []any{pullRequestRule(0, tt.allowed...)}})
			pr := ts.do("POST", "/repos/monalisa/"+name+"/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil).json(t)
			var errMsg string
			switch tt.via {
			case "rest":
				r := ts.do("PUT", "/repos/monalisa/"+name+"/pulls/1/merge", map[string]any{"merge_method": tt.method}, nil)
				if r.status != 200 {
					if r.status != 405 {
						t.Errorf("status %d, want 405", r.status)
					}
					errMsg, _ = r.json(t)["message"].(string)
				}
			case "graphql":
				r := ts.do("POST", "/graphql", map[string]any{"query": `mutation($id:ID!,$m:PullRequestMergeMethod){mergePullRequest(input:{pullRequestId:$id,mergeMethod:$m}){pullRequest{merged}}}`,
					"variables": map[string]any{"id": pr["node_id"], "m": tt.method}}, nil)
				if errs, ok := r.json(t)["errors"].([]any); ok {
					errMsg, _ = errs[0].(map[string]any)["message"].(string)
				}
			}
			if errMsg != tt.wantErr {
				t.Errorf("merge with %s: error %q, want %q", tt.method, errMsg, tt.wantErr)
			}
			merged := ts.do("GET", "/repos/monalisa/"+name+"/pulls/1", nil, nil).json(t)["merged"] == true
			if merged != (tt.wantErr == "") {
				t.Errorf("merged = %v, want %v", merged, tt.wantErr == "")
			}
		})
	}
}

// TestRulesetAutoMerge: auto-merge with a method the rules forbid is refused;
// a pull_request rule's required approvals block the merge until a review
// approves, then auto-merge merges with the allowed method.
func TestRulesetAutoMerge(t *testing.T) {
	ts := newTestServer(t)
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	ts.seedRepo("rsauto")
	ts.do("PATCH", "/repos/monalisa/rsauto", map[string]any{"allow_auto_merge": true}, nil)
	ts.createRuleset("rsauto", map[string]any{"name": "reviews", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      []any{pullRequestRule(1, "squash")}})
	pr := ts.do("POST", "/repos/monalisa/rsauto/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil).json(t)
	enable := func(method string) map[string]any {
		return ts.do("POST", "/graphql", map[string]any{"query": `mutation($id:ID!,$m:PullRequestMergeMethod!){enablePullRequestAutoMerge(input:{pullRequestId:$id,mergeMethod:$m}){pullRequest{autoMergeRequest{mergeMethod}}}}`,
			"variables": map[string]any{"id": pr["node_id"], "m": method}}, nil).json(t)
	}
	if got := mustJSON(enable("MERGE")["errors"]); !strings.Contains(got, "Merge method merge is not allowed on this repository") {
		t.Errorf("auto-merge with merge commits: %s", got)
	}
	if got := enable("SQUASH"); got["errors"] != nil {
		t.Fatalf("auto-merge with squash: %s", mustJSON(got))
	}
	if got := ts.do("GET", "/repos/monalisa/rsauto/pulls/1", nil, nil).json(t); got["merged"] == true {
		t.Fatal("merged before the required approval")
	}
	ts.must(200, ts.as("hubot-token", "POST", "/repos/monalisa/rsauto/pulls/1/reviews", map[string]any{"event": "APPROVE"}))
	if got := ts.do("GET", "/repos/monalisa/rsauto/pulls/1", nil, nil).json(t); got["merged"] != true {
		t.Errorf("not merged once approved: mergeable_state=%v", got["mergeable_state"])
	}
}

func TestRefRulesGraphQL(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("rsgql")
	set := ts.createRuleset("rsgql", map[string]any{"name": "main", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      []any{pullRequestRule(2, "merge", "rebase")}})
	q := `query { repository(owner: "monalisa", name: "rsgql") {
  main: ref(qualifiedName: "refs/heads/main") { rules(first: 20) { nodes { type repositoryRuleset { databaseId name enforcement }
    parameters { __typename ... on PullRequestParameters { allowedMergeMethods requiredApprovingReviewCount } } } } }
  other: ref(qualifiedName: "refs/heads/hotfix/fix") { rules(first: 20) { totalCount } }
  rulesets(first: 10) { nodes { name target conditions { refName { include } } } }
} }`
	r := ts.do("POST", "/graphql", map[string]any{"query": q}, nil)
	body := r.json(t)
	if body["errors"] != nil {
		t.Fatalf("errors: %s", mustJSON(body["errors"]))
	}
	repo := body["data"].(map[string]any)["repository"].(map[string]any)
	nodes := repo["main"].(map[string]any)["rules"].(map[string]any)["nodes"].([]any)
	if len(nodes) != 1 {
		t.Fatalf("main's rules: %s", mustJSON(nodes))
	}
	n := nodes[0].(map[string]any)
	params := n["parameters"].(map[string]any)
	if n["type"] != "PULL_REQUEST" || params["__typename"] != "PullRequestParameters" ||
		mustJSON(params["allowedMergeMethods"]) != `["MERGE","REBASE"]` || params["requiredApprovingReviewCount"] != float64(2) {
		t.Errorf("main's rule: %s", mustJSON(n))
	}
	if rs := n["repositoryRuleset"].(map[string]any); rs["databaseId"] != set["id"] || rs["enforcement"] != "ACTIVE" {
		t.Errorf("its ruleset: %s", mustJSON(rs))
	}
	if c := repo["other"].(map[string]any)["rules"].(map[string]any)["totalCount"]; c != float64(0) {
		t.Errorf("hotfix/fix has %v rules, want 0", c)
	}
	sets := repo["rulesets"].(map[string]any)["nodes"].([]any)
	if len(sets) != 1 || !slices.Contains(sets[0].(map[string]any)["conditions"].(map[string]any)["refName"].(map[string]any)["include"].([]any), any("~DEFAULT_BRANCH")) {
		t.Errorf("rulesets: %s", mustJSON(sets))
	}
}
