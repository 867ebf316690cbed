package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mergeView is what a client reads of pull request #1's mergeability, through
// REST and GraphQL.
type mergeView struct {
	state, gqlState, decision string
}

func (ts *testServer) mergeView(name string) mergeView {
	ts.t.Helper()
	owner := "monalisa"
	if o, n, ok := strings.Cut(name, "/"); ok {
		owner, name = o, n
	}
	rest := ts.must(200, ts.do("GET", "/repos/"+owner+"/"+name+"/pulls/1", nil, nil)).json(ts.t)
	data, msg := ts.gqlData(`query($o: String!, $n: String!) { repository(owner: $o, name: $n) { pullRequest(number: 1) { mergeStateStatus reviewDecision } } }`,
		map[string]any{"o": owner, "n": name})
	if msg != "" {
		ts.t.Fatalf("query: %s", msg)
	}
	p := data["repository"].(map[string]any)["pullRequest"].(map[string]any)
	d, _ := p["reviewDecision"].(string)
	return mergeView{state: rest["mergeable_state"].(string), gqlState: p["mergeStateStatus"].(string), decision: d}
}

// mergeAs merges pull request #1 through REST (via "rest") or GraphQL as the
// token's user and returns GitHub's refusal ("" when merged).
func (ts *testServer) mergeAs(token, name, via string) string {
	ts.t.Helper()
	hdr := map[string]string{"Authorization": "token " + token}
	if via == "rest" {
		r := ts.do("PUT", "/repos/monalisa/"+name+"/pulls/1/merge", map[string]any{"merge_method": "merge"}, hdr)
		if r.status == 200 {
			return ""
		}
		if r.status != 405 {
			ts.t.Errorf("REST merge: status %d, want 405: %s", r.status, r.body)
		}
		msg, _ := r.json(ts.t)["message"].(string)
		return msg
	}
	pr := ts.must(200, ts.do("GET", "/repos/monalisa/"+name+"/pulls/1", nil, nil)).json(ts.t)
	r := ts.do("POST", "/graphql", map[string]any{"query": `mutation($id: ID!) { mergePullRequest(input: {pullRequestId: $id}) { pullRequest { merged } } }`,
		"variables": map[string]any{"id": pr["node_id"]}}, hdr)
	if errs, ok := r.json(ts.t)["errors"].([]any); ok && len(errs) > 0 {
		msg, _ := errs[0].(map[string]any)["message"].(string)
		return msg
	}
	return ""
}

// advanceMain commits a file of its own to main on GitHub (no conflict with
// hotfix/fix), so that the pull request's head no longer contains the base.
func (ts *testServer) advanceMain(name string) {
	ts.t.Helper()
	ts.srv.st.mu.Lock()
	defer ts.srv.st.mu.Unlock()
	r := ts.srv.st.repo("monalisa", name)
	base := r.git.branchSHA("main")
	sha, _, err := r.git.commitFiles(gitEnv("monalisa", ts.srv.st.now()), base, map[string][]byte{"other.txt": []byte("other\n")}, nil, "other")
	if err == nil {
		err = r.git.updateRef("refs/heads/main", sha, base)
	}
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.srv.st.noteMergeInputsAll(r)
}

func strictChecksRule(contexts ...string) map[string]any {
	rule := requiredChecksRule(contexts...)
	rule["parameters"].(map[string]any)["strict_required_status_checks_policy"] = true
	return rule
}

func defaultBranchRuleset(name string, rules ...any) map[string]any {
	return map[string]any{"name": name, "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      rules}
}

// TestRequiredChecksMergeability: a ruleset's required_status_checks and a
// classic protection's required checks block a pull request (BLOCKED) until
// each required context succeeded on its head, a strict policy makes a head
// behind the base BEHIND, and a merge meanwhile is refused with GitHub's words
// through REST (405) and GraphQL.
func TestRequiredChecksMergeability(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.must(200, ts.ctl("POST", "mergeability", map[string]any{"delay_ms": 0}))
	const rulesPrefix = "Repository rule violations found\n"
	tests := []struct {
		name       string
		ruleset    []any          // rules of a ruleset on main
		protection map[string]any // classic protection's required_status_checks
		succeeded  []string       // contexts that succeed on the head
		behind     bool           // main moves past the head
		state      string         // REST mergeable_state
		refusal    string         // "" merges
	}{
		{"ruleset, check missing", []any{requiredChecksRule("ci")}, nil, nil, false,
			"blocked", rulesPrefix + "Required status check \"ci\" is expected.\n"},
		{"ruleset, two checks missing", []any{requiredChecksRule("ci", "lint")}, nil, nil, false,
			"blocked", rulesPrefix + "2 of 2 required status checks are expected.\n"},
		{"ruleset, one of two missing", []any{requiredChecksRule("ci", "lint")}, nil, []string{"ci"}, false,
			"blocked", rulesPrefix + "Required status check \"lint\" is expected.\n"},
		{"ruleset, check passed", []any{requiredChecksRule("ci")}, nil, []string{"ci"}, false, "clean", ""},
		{"ruleset strict, behind", []any{strictChecksRule("ci")}, nil, []string{"ci"}, true,
			"behind", rulesPrefix + "Head branch is not up to date with the base branch.\n"},
		{"ruleset not strict, behind", []any{requiredChecksRule("ci")}, nil, []string{"ci"}, true, "clean", ""},
		{"protection, check missing", nil, map[string]any{"strict": false, "contexts": []string{"ci"}}, nil, false,
			"blocked", "Required status check \"ci\" is expected."},
		{"protection strict, behind", nil, map[string]any{"strict": true, "contexts": []string{"ci"}}, []string{"ci"}, true,
			"behind", "Head branch is not up to date with the base branch."},
		{"protection, check passed", nil, map[string]any{"strict": true, "contexts": []string{}, "checks": []any{map[string]any{"context": "ci"}}}, []string{"ci"}, false, "clean", ""},
	}
	for i, tt := range tests {
		// Each way of merging in turn: both answer in the same words.
		via := []string{"rest", "graphql"}[i%2]
		{
			t.Run(tt.name+" "+via, func(t *testing.T) {
				name := fmt.Sprintf("rc%d", i)
				ts.seedRepo(name)
				if tt.ruleset != nil {
					ts.createRuleset(name, defaultBranchRuleset("checks", tt.ruleset...))
				}
				if tt.protection != nil {
					// enforce_admins: monalisa, the owner, would otherwise step around it.
					ts.must(200, ts.do("PUT", "/repos/monalisa/"+name+"/branches/main/protection", map[string]any{
						"required_status_checks": tt.protection, "enforce_admins": true, "required_pull_request_reviews": nil, "restrictions": nil}, nil))
				}
				pr := ts.must(201, ts.do("POST", "/repos/monalisa/"+name+"/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil)).json(t)
				for _, ctx := range tt.succeeded {
					ts.must(201, ts.do("POST", "/repos/monalisa/"+name+"/statuses/"+pr["head"].(map[string]any)["sha"].(string), map[string]any{"state": "success", "context": ctx}, nil))
				}
				if tt.behind {
					ts.advanceMain(name)
				}
				v := ts.mergeView(name)
				if v.state != tt.state || v.gqlState != strings.ToUpper(tt.state) {
					t.Errorf("mergeable_state %q, mergeStateStatus %q, want %q", v.state, v.gqlState, tt.state)
				}
				if got := ts.mergeAs("t0k3n", name, via); got != tt.refusal {
					t.Errorf("merge: %q, want %q", got, tt.refusal)
				}
			})
		}
	}
}

// TestMergeBypass: a ruleset's bypass actors may merge a pull request whose
// rules are not met (bypass_mode always or pull_request); with no bypass
// actors nobody may, the owner included. Classic protection lets the
// repository's administrators merge unless enforce_admins is set, and never
// a collaborator with write access.
func TestMergeBypass(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.must(200, ts.ctl("POST", "mergeability", map[string]any{"delay_ms": 0}))
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	admin := []any{map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}}
	adminPR := []any{map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "pull_request"}}
	writers := []any{map[string]any{"actor_id": 4, "actor_type": "RepositoryRole", "bypass_mode": "always"}}
	const ruleRefusal = "Repository rule violations found\nAt least 1 approving review is required by reviewers with write access.\nRequired status check \"ci\" is expected.\n"
	tests := []struct {
		name          string
		bypass        []any  // the ruleset's bypass actors; nil: no ruleset
		enforceAdmins any    // classic protection's enforce_admins; nil: no protection
		token         string // who merges
		refusal       string // "" merges
	}{
		{"ruleset without bypass actors, owner", []any{}, nil, "t0k3n", ruleRefusal},
		{"ruleset, admin role always, owner", admin, nil, "t0k3n", ""},
		{"ruleset, admin role on pull requests, owner", adminPR, nil, "t0k3n", ""},
		{"ruleset, admin role, write collaborator", admin, nil, "hubot-token", ruleRefusal},
		{"ruleset, write role, write collaborator", writers, nil, "hubot-token", ""},
		{"protection, admins not enforced, owner", nil, false, "t0k3n", ""},
		{"protection, admins enforced, owner", nil, true, "t0k3n", "At least 1 approving review is required by reviewers with write access."},
		{"protection, admins not enforced, write collaborator", nil, false, "hubot-token", "At least 1 approving review is required by reviewers with write access."},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("by%d", i)
			ts.seedRepo(name)
			ts.collaborator(name, "hubot")
			if tt.bypass != nil {
				rs := defaultBranchRuleset("gate", pullRequestRule(1), requiredChecksRule("ci"))
				rs["bypass_actors"] = tt.bypass
				ts.createRuleset(name, rs)
			}
			if tt.enforceAdmins != nil {
				ts.must(200, ts.do("PUT", "/repos/monalisa/"+name+"/branches/main/protection", map[string]any{
					"required_status_checks": map[string]any{"strict": false, "contexts": []string{"ci"}}, "enforce_admins": tt.enforceAdmins,
					"required_pull_request_reviews": map[string]any{"required_approving_review_count": 1}, "restrictions": nil}, nil))
			}
			ts.must(201, ts.do("POST", "/repos/monalisa/"+name+"/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil))
			if v := ts.mergeView(name); v.state != "blocked" {
				t.Errorf("mergeable_state %q, want blocked whoever asks", v.state)
			}
			r := ts.do("POST", "/graphql", map[string]any{"query": `query($n: String!) { repository(owner: "monalisa", name: $n) { pullRequest(number: 1) { viewerCanMergeAsAdmin } } }`,
				"variables": map[string]any{"n": name}}, map[string]string{"Authorization": "token " + tt.token})
			if got := mustJSON(r.json(t)["data"]); got != fmt.Sprintf(`{"repository":{"pullRequest":{"viewerCanMergeAsAdmin":%v}}}`, tt.refusal == "") {
				t.Errorf("viewerCanMergeAsAdmin: %s, want %v", got, tt.refusal == "")
			}
			if got := ts.mergeAs(tt.token, name, "graphql"); got != tt.refusal {
				t.Errorf("merge: %q, want %q", got, tt.refusal)
			}
		})
	}
}

// TestProtectionREST: classic branch protection is stored and answered in
// GitHub's full shape, listed in GraphQL's branchProtectionRules, and removed
// by DELETE (404 "Branch not protected" before and after).
func TestProtectionREST(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.seedRepo("prot")
	if r := ts.do("GET", "/repos/monalisa/prot/branches/main/protection", nil, nil); r.status != 404 || r.json(t)["message"] != "Branch not protected" {
		t.Errorf("a new repository's main: %d %s", r.status, r.body)
	}
	put := ts.must(200, ts.do("PUT", "/repos/monalisa/prot/branches/main/protection", map[string]any{
		"required_status_checks": map[string]any{"strict": true, "checks": []any{map[string]any{"context": "ci", "app_id": 15368}}, "contexts": []string{"lint"}},
		"enforce_admins":         true,
		"required_pull_request_reviews": map[string]any{"required_approving_review_count": 2, "dismiss_stale_reviews": true,
			"require_code_owner_reviews": true, "require_last_push_approval": true},
		"restrictions":            map[string]any{"users": []string{"monalisa"}, "teams": []string{}},
		"required_linear_history": true, "allow_force_pushes": true, "allow_deletions": false,
		"required_conversation_resolution": true, "lock_branch": false}, nil)).json(t)
	got := ts.must(200, ts.do("GET", "/repos/monalisa/prot/branches/main/protection", nil, nil)).json(t)
	for _, body := range []map[string]any{put, got} {
		checks := body["required_status_checks"].(map[string]any)
		reviews := body["required_pull_request_reviews"].(map[string]any)
		enabled := func(k string) any { return body[k].(map[string]any)["enabled"] }
		if checks["strict"] != true || mustJSON(checks["contexts"]) != `["ci","lint"]` ||
			mustJSON(checks["checks"]) != `[{"app_id":15368,"context":"ci"},{"app_id":null,"context":"lint"}]` {
			t.Errorf("required_status_checks: %s", mustJSON(checks))
		}
		if reviews["required_approving_review_count"] != float64(2) || reviews["dismiss_stale_reviews"] != true ||
			reviews["require_code_owner_reviews"] != true || reviews["require_last_push_approval"] != true {
			t.Errorf("required_pull_request_reviews: %s", mustJSON(reviews))
		}
		if enabled("enforce_admins") != true || enabled("required_linear_history") != true || enabled("allow_force_pushes") != true ||
			enabled("allow_deletions") != false || enabled("required_conversation_resolution") != true || enabled("lock_branch") != false {
			t.Errorf("flags: %s", mustJSON(body))
		}
		if users := body["restrictions"].(map[string]any)["users"].([]any); len(users) != 1 || users[0].(map[string]any)["login"] != "monalisa" {
			t.Errorf("restrictions: %s", mustJSON(body["restrictions"]))
		}
	}
	if b := ts.must(200, ts.do("GET", "/repos/monalisa/prot/branches/main", nil, nil)).json(t); b["protected"] != true {
		t.Errorf("main is not shown protected: %v", b["protected"])
	}
	data, msg := ts.gqlData(`{ repository(owner: "monalisa", name: "prot") { branchProtectionRules(first: 10) { nodes {
	  pattern requiresApprovingReviews requiredApprovingReviewCount requiresStatusChecks requiredStatusCheckContexts
	  requiresStrictStatusChecks requiresLinearHistory allowsForcePushes allowsDeletions isAdminEnforced dismissesStaleReviews
	  requiresCodeOwnerReviews matchingRefs(first: 5) { nodes { name } } } } } }`, nil)
	if msg != "" {
		t.Fatalf("branchProtectionRules: %s", msg)
	}
	want := `{"nodes":[{"allowsDeletions":false,"allowsForcePushes":true,"dismissesStaleReviews":true,"isAdminEnforced":true,` +
		`"matchingRefs":{"nodes":[{"name":"main"}]},"pattern":"main","requiredApprovingReviewCount":2,"requiredStatusCheckContexts":["ci","lint"],` +
		`"requiresApprovingReviews":true,"requiresCodeOwnerReviews":true,"requiresLinearHistory":true,"requiresStatusChecks":true,"requiresStrictStatusChecks":true}]}`
	if got := mustJSON(data["repository"].(map[string]any)["branchProtectionRules"]); got != want {
		t.Errorf("branchProtectionRules:\n%s\nwant\n%s", got, want)
	}
	ts.must(204, ts.do("DELETE", "/repos/monalisa/prot/branches/main/protection", nil, nil))
	if r := ts.do("GET", "/repos/monalisa/prot/branches/main/protection", nil, nil); r.status != 404 {
		t.Errorf("after DELETE: %d %s", r.status, r.body)
	}
	if r := ts.do("DELETE", "/repos/monalisa/prot/branches/main/protection", nil, nil); r.status != 404 || r.json(t)["message"] != "Branch not protected" {
		t.Errorf("DELETE again: %d %s", r.status, r.body)
	}
}

// TestProtectionPushes: pushes to a protected branch are declined with GH006
// and GitHub's reasons where the protection forbids them; administrators step
// around the protection unless enforce_admins is set.
func TestProtectionPushes(t *testing.T) {
	ts := newTestServer(t)
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	tests := []struct {
		name       string
		protection map[string]any
		as         string // "owner" or "writer"
		push       string // update, force, delete
		want       []string
	}{
		{"pull requests required", map[string]any{"required_pull_request_reviews": map[string]any{"required_approving_review_count": 1}, "enforce_admins": true},
			"owner", "update", []string{"- Changes must be made through a pull request."}},
		{"checks required", map[string]any{"required_status_checks": map[string]any{"strict": false, "contexts": []string{"ci", "lint"}}, "enforce_admins": true},
			"owner", "update", []string{"- 2 of 2 required status checks are expected."}},
		{"both", map[string]any{"required_status_checks": map[string]any{"strict": false, "contexts": []string{"ci"}},
			"required_pull_request_reviews": map[string]any{}, "enforce_admins": true},
			"owner", "update", []string{"- Changes must be made through a pull request.", "", "- Required status check \"ci\" is expected."}},
		{"admin steps around", map[string]any{"required_pull_request_reviews": map[string]any{}, "enforce_admins": false}, "owner", "update", nil},
		{"writer does not", map[string]any{"required_pull_request_reviews": map[string]any{}, "enforce_admins": false},
			"writer", "update", []string{"- Changes must be made through a pull request."}},
		{"plain update allowed", map[string]any{"enforce_admins": true}, "owner", "update", nil},
		{"force push", map[string]any{"enforce_admins": true}, "writer", "force", []string{"- Cannot force-push to this protected branch"}},
		{"force push allowed", map[string]any{"enforce_admins": true, "allow_force_pushes": true}, "writer", "force", nil},
		{"deletion", map[string]any{"enforce_admins": true}, "writer", "delete", []string{"- Cannot delete this protected branch"}},
		{"deletion allowed", map[string]any{"enforce_admins": true, "allow_deletions": true}, "writer", "delete", nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("pp%d", i)
			work := ts.seedRepo(name)
			ts.collaborator(name, "hubot")
			// The branch protected is release (not the default branch, which
			// cannot be deleted at all).
			ts.git(work, "push", "-q", "origin", "main:refs/heads/release")
			body := map[string]any{"required_status_checks": nil, "required_pull_request_reviews": nil, "restrictions": nil}
			for k, v := range tt.protection {
				body[k] = v
			}
			ts.must(200, ts.do("PUT", "/repos/monalisa/"+name+"/branches/release/protection", body, nil))
			remote := "origin"
			if tt.as == "writer" {
				remote = "http://hubot:hubot-token@" + Host + "/monalisa/" + name + ".git"
			}
			var args []string
			switch tt.push {
			case "update":
				args = []string{"push", remote, "hotfix/fix:refs/heads/release"}
			case "force":
				ts.git(work, "checkout", "-q", "-b", "rewrite", "main")
				ts.git(work, "commit", "-q", "--allow-empty", "-m", "rewrite")
				ts.git(work, "push", "-q", "origin", "HEAD:refs/heads/release") // a fast-forward first (admin: allowed)
				ts.git(work, "reset", "-q", "--hard", "HEAD~1")
				ts.git(work, "commit", "-q", "--allow-empty", "-m", "rewritten")
				args = []string{"push", "--force", remote, "HEAD:refs/heads/release"}
			case "delete":
				args = []string{"push", remote, ":refs/heads/release"}
			}
			out, err := ts.gitOut(work, args...)
			lines := strings.Split(out, "\n")
			for i, l := range lines {
				lines[i] = strings.TrimRight(l, " ") // git pads the remote's lines
			}
			out = strings.Join(lines, "\n")
			if tt.want == nil {
				if err != nil {
					t.Fatalf("push refused: %v\n%s", err, out)
				}
				return
			}
			wantLines := append([]string{"remote: error: GH006: Protected branch update failed for refs/heads/release.", "remote:"}, prefixed("remote: ", tt.want)...)
			if err == nil || !strings.Contains(out, strings.Join(wantLines, "\n")) || !strings.Contains(out, "(protected branch hook declined)") {
				t.Errorf("push: %v\n%s\nwant the lines\n%s", err, out, strings.Join(wantLines, "\n"))
			}
		})
	}
}

func prefixed(prefix string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(prefix+l, " ")
	}
	return out
}

// collaborator gives the user push access to monalisa/NAME.
func (ts *testServer) collaborator(name, login string) {
	ts.t.Helper()
	if r := ts.do("PUT", "/repos/monalisa/"+name+"/collaborators/"+login, map[string]any{"permission": "push"}, nil); r.status != 201 && r.status != 204 {
		ts.t.Fatalf("add collaborator: %d %s", r.status, r.body)
	}
}

// reviewsOf lists pull request #1's reviews as "user:STATE".
func (ts *testServer) reviewsOf(full string) []string {
	ts.t.Helper()
	var out []string
	for _, v := range jsonList(ts.t, ts.must(200, ts.do("GET", "/repos/"+full+"/pulls/1/reviews", nil, nil)).body) {
		m := v.(map[string]any)
		out = append(out, m["user"].(map[string]any)["login"].(string)+":"+m["state"].(string))
	}
	return out
}

func (ts *testServer) approve(token, full string) {
	ts.t.Helper()
	ts.must(200, ts.do("POST", "/repos/"+full+"/pulls/1/reviews", map[string]any{"event": "APPROVE"}, map[string]string{"Authorization": "token " + token}))
}

// pushHead commits to hotfix/fix in work and pushes it to remote.
func (ts *testServer) pushHead(work, remote, file string) {
	ts.t.Helper()
	ts.git(work, "checkout", "-q", "hotfix/fix")
	os.WriteFile(filepath.Join(work, file), []byte(file+"\n"), 0o644)
	ts.git(work, "add", "-A")
	ts.git(work, "commit", "-q", "-m", "more "+file)
	ts.git(work, "push", "-q", remote, "hotfix/fix")
}

func pullRequestRuleWith(approvals int, flags ...string) map[string]any {
	rule := pullRequestRule(approvals)
	for _, f := range flags {
		rule["parameters"].(map[string]any)[f] = true
	}
	return rule
}

// TestDismissStaleReviews: with dismiss_stale_reviews_on_push (a ruleset) or
// dismiss_stale_reviews (classic protection), a push to the head dismisses
// the approvals given before it (DISMISSED), and the pull request needs a new
// one; without, the approval stays.
func TestDismissStaleReviews(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.must(200, ts.ctl("POST", "mergeability", map[string]any{"delay_ms": 0}))
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	tests := []struct {
		name       string
		rule       map[string]any
		protection map[string]any
		dismissed  bool
	}{
		{"ruleset dismisses", pullRequestRuleWith(1, "dismiss_stale_reviews_on_push"), nil, true},
		{"ruleset keeps", pullRequestRuleWith(1), nil, false},
		{"protection dismisses", nil, map[string]any{"required_approving_review_count": 1, "dismiss_stale_reviews": true}, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("ds%d", i)
			work := ts.seedRepo(name)
			if tt.rule != nil {
				ts.createRuleset(name, defaultBranchRuleset("reviews", tt.rule))
			} else {
				ts.must(200, ts.do("PUT", "/repos/monalisa/"+name+"/branches/main/protection", map[string]any{
					"required_status_checks": nil, "enforce_admins": true, "required_pull_request_reviews": tt.protection, "restrictions": nil}, nil))
			}
			ts.must(201, ts.do("POST", "/repos/monalisa/"+name+"/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil))
			if v := ts.mergeView(name); v.state != "blocked" || v.decision != "REVIEW_REQUIRED" {
				t.Errorf("before the approval: %+v", v)
			}
			ts.approve("hubot-token", "monalisa/"+name)
			if v := ts.mergeView(name); v.state != "clean" || v.decision != "APPROVED" {
				t.Errorf("approved: %+v", v)
			}
			ts.pushHead(work, "origin", "more.txt")
			wantReview, wantView := "hubot:APPROVED", mergeView{"clean", "CLEAN", "APPROVED"}
			if tt.dismissed {
				wantReview, wantView = "hubot:DISMISSED", mergeView{"blocked", "BLOCKED", "REVIEW_REQUIRED"}
			}
			if got := strings.Join(ts.reviewsOf("monalisa/"+name), " "); got != wantReview {
				t.Errorf("reviews after the push: %s, want %s", got, wantReview)
			}
			if v := ts.mergeView(name); v != wantView {
				t.Errorf("after the push: %+v, want %+v", v, wantView)
			}
		})
	}
}

// TestCodeOwnerReview: with require_code_owner_review, a pull request waits
// for an approval by an owner of each changed file, as the base's CODEOWNERS
// names them (the last matching pattern wins), users and teams alike.
func TestCodeOwnerReview(t *testing.T) {
	ts := orgWorld(t) // acme (monalisa owns it), team @acme/on-call of hubot and octocat
	defer ts.conforming()
	ts.must(200, ts.ctl("POST", "mergeability", map[string]any{"delay_ms": 0}))
	ts.must(201, ts.do("POST", "/orgs/acme/repos", map[string]any{"name": "owned"}, nil))
	ts.must(204, ts.do("PUT", "/orgs/acme/teams/on-call/repos/acme/owned", map[string]any{"permission": "push"}, nil))
	work := filepath.Join(ts.dir, "work-owned")
	ts.git(ts.dir, "init", "-q", "-b", "main", work)
	os.MkdirAll(filepath.Join(work, "docs", "deep"), 0o755)
	os.MkdirAll(filepath.Join(work, ".github"), 0o755)
	// docs/* owns docs/a.md, not docs/deep/b.md ("About code owners").
	os.WriteFile(filepath.Join(work, ".github", "CODEOWNERS"), []byte("# owners\n*.md @acme/on-call\ndocs/* @stranger\nREADME.md\n"), 0o644)
	for _, f := range []string{"docs/a.md", "docs/deep/b.md", "README.md", "x.txt"} {
		os.WriteFile(filepath.Join(work, f), []byte("one\n"), 0o644)
	}
	ts.git(work, "add", "-A")
	ts.git(work, "commit", "-q", "-m", "initial")
	ts.git(work, "remote", "add", "origin", "http://x-access-token:t0k3n@"+Host+"/acme/owned.git")
	ts.git(work, "push", "-q", "origin", "main")
	ts.git(work, "checkout", "-q", "-b", "hotfix/fix")
	for _, f := range []string{"docs/a.md", "docs/deep/b.md", "README.md", "x.txt"} {
		os.WriteFile(filepath.Join(work, f), []byte("two\n"), 0o644)
	}
	ts.git(work, "commit", "-q", "-am", "fix")
	ts.git(work, "push", "-q", "origin", "hotfix/fix")
	ts.must(201, ts.do("POST", "/repos/acme/owned/rulesets", defaultBranchRuleset("owners", pullRequestRuleWith(0, "require_code_owner_review")), nil))
	ts.must(201, ts.do("POST", "/repos/acme/owned/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil))
	merge := func() string {
		r := ts.do("PUT", "/repos/acme/owned/pulls/1/merge", map[string]any{"merge_method": "merge"}, nil)
		if r.status == 200 {
			return ""
		}
		return r.json(t)["message"].(string)
	}
	steps := []struct {
		approver, decision, refusal string
	}{
		{"", "REVIEW_REQUIRED", "Repository rule violations found\nWaiting on code owner review from @stranger, @acme/on-call.\n"},
		{"stranger-token", "REVIEW_REQUIRED", "Repository rule violations found\nWaiting on code owner review from @acme/on-call.\n"},
		{"hubot-token", "APPROVED", ""}, // a member of @acme/on-call
	}
	for _, st := range steps {
		if st.approver != "" {
			ts.approve(st.approver, "acme/owned")
		}
		if v := ts.mergeView("acme/owned"); v.decision != st.decision {
			t.Errorf("after %q: reviewDecision %q, want %q", st.approver, v.decision, st.decision)
		}
		if st.refusal != "" {
			if got := merge(); got != st.refusal {
				t.Errorf("after %q: merge %q, want %q", st.approver, got, st.refusal)
			}
		}
	}
	if got := merge(); got != "" {
		t.Errorf("merge once the owners approved: %q", got)
	}
}

// TestLastPushApproval: with require_last_push_approval, the head's last
// pusher's own approval does not count; another's approval of the head does.
func TestLastPushApproval(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.must(200, ts.ctl("POST", "mergeability", map[string]any{"delay_ms": 0}))
	for _, u := range []string{"hubot", "octocat"} {
		ts.must(201, ts.ctl("POST", "users", map[string]any{"login": u, "token": u + "-token"}))
	}
	work := ts.seedRepo("lp")
	for _, u := range []string{"hubot", "octocat"} {
		ts.collaborator("lp", u)
	}
	ts.createRuleset("lp", defaultBranchRuleset("last push", pullRequestRuleWith(1, "require_last_push_approval")))
	ts.must(201, ts.do("POST", "/repos/monalisa/lp/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil))
	ts.approve("hubot-token", "monalisa/lp")
	if v := ts.mergeView("lp"); v.state != "clean" {
		t.Errorf("approved by someone other than the pusher: %+v", v)
	}
	ts.pushHead(work, "http://hubot:hubot-token@"+Host+"/monalisa/lp.git", "hubot.txt")
	ts.approve("hubot-token", "monalisa/lp")
	if v := ts.mergeView("lp"); v.state != "blocked" || v.decision != "REVIEW_REQUIRED" {
		t.Errorf("approved by the last pusher only: %+v", v)
	}
	ts.approve("octocat-token", "monalisa/lp")
	if v := ts.mergeView("lp"); v.state != "clean" || v.decision != "APPROVED" {
		t.Errorf("approved by another: %+v", v)
	}
}

// TestOwnReviewGraphQL: through GraphQL too, an author cannot approve or ask
// for changes on their own pull request; a comment is taken, and another
// user's review approves, at once or as a pending review submitted later.
func TestOwnReviewGraphQL(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	ts.seedRepo("own")
	pr := ts.must(201, ts.do("POST", "/repos/monalisa/own/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil)).json(t)
	add := `mutation($id: ID!, $e: PullRequestReviewEvent) { addPullRequestReview(input: {pullRequestId: $id, event: $e, body: "b"}) { pullRequestReview { id state author { login } } } }`
	gql := func(token, doc string, vars map[string]any) (map[string]any, string) {
		m := ts.must(200, ts.do("POST", "/graphql", map[string]any{"query": doc, "variables": vars}, map[string]string{"Authorization": "token " + token})).json(t)
		if errs, ok := m["errors"].([]any); ok {
			return nil, errs[0].(map[string]any)["message"].(string)
		}
		return m["data"].(map[string]any), ""
	}
	for event, want := range map[string]string{"APPROVE": "Review Can not approve your own pull request",
		"REQUEST_CHANGES": "Review Can not request changes on your own pull request", "COMMENT": ""} {
		if _, msg := gql("t0k3n", add, map[string]any{"id": pr["node_id"], "e": event}); msg != want {
			t.Errorf("author's %s: %q, want %q", event, msg, want)
		}
	}
	data, msg := gql("hubot-token", add, map[string]any{"id": pr["node_id"]})
	if msg != "" {
		t.Fatalf("hubot's pending review: %s", msg)
	}
	pending := data["addPullRequestReview"].(map[string]any)["pullRequestReview"].(map[string]any)
	if pending["state"] != "PENDING" {
		t.Errorf("review without an event: %v", pending)
	}
	data, msg = gql("hubot-token", `mutation($id: ID!) { submitPullRequestReview(input: {pullRequestReviewId: $id, event: APPROVE}) { pullRequestReview { state } } }`,
		map[string]any{"id": pending["id"]})
	if msg != "" || mustJSON(data) != `{"submitPullRequestReview":{"pullRequestReview":{"state":"APPROVED"}}}` {
		t.Errorf("submit: %s %s", mustJSON(data), msg)
	}
	if got := strings.Join(ts.reviewsOf("monalisa/own"), " "); got != "monalisa:COMMENTED hubot:APPROVED" {
		t.Errorf("reviews: %s", got)
	}
}

// TestRulesetParametersGraphQL: Repository.rulesets and Ref.rules answer each
// rule's parameters (pull request, required status checks, merge queue), and
// a ruleset's target and bypass actors.
func TestRulesetParametersGraphQL(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.seedRepo("rsp")
	rs := defaultBranchRuleset("all", pullRequestRuleWith(2, "require_code_owner_review", "dismiss_stale_reviews_on_push"),
		strictChecksRule("ci"), mergeQueueRule("SQUASH"))
	rs["rules"].([]any)[1].(map[string]any)["parameters"].(map[string]any)["required_status_checks"] = []any{
		map[string]any{"context": "ci", "integration_id": 15368}, map[string]any{"context": "lint"}}
	rs["bypass_actors"] = []any{map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "pull_request"},
		map[string]any{"actor_id": 1, "actor_type": "OrganizationAdmin", "bypass_mode": "always"}}
	ts.createRuleset("rsp", rs)
	params := `nodes { type parameters { __typename
	  ... on PullRequestParameters { requiredApprovingReviewCount requireCodeOwnerReview dismissStaleReviewsOnPush requireLastPushApproval allowedMergeMethods }
	  ... on RequiredStatusChecksParameters { strictRequiredStatusChecksPolicy requiredStatusChecks { context integrationId } }
	  ... on MergeQueueParameters { mergeMethod groupingStrategy maxEntriesToBuild checkResponseTimeoutMinutes } } }`
	data, msg := ts.gqlData(`{ repository(owner: "monalisa", name: "rsp") {
	  rulesets(first: 5) { nodes { name target bypassActors(first: 5) { nodes { bypassMode organizationAdmin repositoryRoleDatabaseId repositoryRoleName actor { __typename } } }
	    rules(first: 10) { `+params+` } } }
	  ref(qualifiedName: "refs/heads/main") { rules(first: 10) { `+params+` } } } }`, nil)
	if msg != "" {
		t.Fatalf("query: %s", msg)
	}
	repo := data["repository"].(map[string]any)
	set := repo["rulesets"].(map[string]any)["nodes"].([]any)[0].(map[string]any)
	wantRules := `{"nodes":[` +
		`{"parameters":{"__typename":"PullRequestParameters","allowedMergeMethods":["MERGE","SQUASH","REBASE"],"dismissStaleReviewsOnPush":true,"requireCodeOwnerReview":true,"requireLastPushApproval":false,"requiredApprovingReviewCount":2},"type":"PULL_REQUEST"},` +
		`{"parameters":{"__typename":"RequiredStatusChecksParameters","requiredStatusChecks":[{"context":"ci","integrationId":15368},{"context":"lint","integrationId":null}],"strictRequiredStatusChecksPolicy":true},"type":"REQUIRED_STATUS_CHECKS"},` +
		`{"parameters":{"__typename":"MergeQueueParameters","checkResponseTimeoutMinutes":60,"groupingStrategy":"ALLGREEN","maxEntriesToBuild":5,"mergeMethod":"SQUASH"},"type":"MERGE_QUEUE"}]}`
	if got := mustJSON(set["rules"]); got != wantRules {
		t.Errorf("ruleset rules:\n%s\nwant\n%s", got, wantRules)
	}
	if got := mustJSON(repo["ref"].(map[string]any)["rules"]); got != wantRules {
		t.Errorf("Ref.rules:\n%s\nwant\n%s", got, wantRules)
	}
	wantActors := `{"nodes":[{"actor":null,"bypassMode":"PULL_REQUEST","organizationAdmin":false,"repositoryRoleDatabaseId":5,"repositoryRoleName":"admin"},` +
		`{"actor":null,"bypassMode":"ALWAYS","organizationAdmin":true,"repositoryRoleDatabaseId":null,"repositoryRoleName":null}]}`
	if set["target"] != "BRANCH" || mustJSON(set["bypassActors"]) != wantActors {
		t.Errorf("target %v, bypassActors %s\nwant %s", set["target"], mustJSON(set["bypassActors"]), wantActors)
	}
}
