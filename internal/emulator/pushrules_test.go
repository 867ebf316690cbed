package emulator

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// gitOut runs git as ts.git does and returns its combined output and error,
// for a command expected to fail.
func (ts *testServer) gitOut(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x",
		"http_proxy=http://"+ts.addr, "no_proxy=", "NO_PROXY=", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// refRuleset is a ruleset of the given rule types (without parameters) on refs.
func refRuleset(name, target string, include []string, types ...string) map[string]any {
	var rules []any
	for _, t := range types {
		rules = append(rules, map[string]any{"type": t})
	}
	return map[string]any{"name": name, "target": target, "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": include, "exclude": []string{}}},
		"rules":      rules}
}

// TestPushRules: each rule type a push meets refuses it as GitHub does, with
// the GH013 lines and "push declined due to repository rule violations", and
// moves no ref; what the rule does not cover goes through.
func TestPushRules(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("pr")
	bare := ts.bare("pr")
	tip := func(ref string) string {
		out, _ := exec.Command("git", "-C", bare, "rev-parse", "-q", "--verify", ref).Output()
		return strings.TrimSpace(string(out))
	}
	mainTip := tip("refs/heads/main")
	// A commit on top of main, a commit beside it (not a fast-forward) and a merge commit.
	ts.git(work, "checkout", "-q", "main")
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "ahead")
	ahead := ts.git(work, "rev-parse", "HEAD")
	ts.git(work, "checkout", "-q", "--detach", "main~0")
	ts.git(work, "reset", "-q", "--hard", mainTip)
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "beside")
	ts.git(work, "merge", "-q", "--no-ff", "-m", "merge", "origin/hotfix/fix")
	merge := ts.git(work, "rev-parse", "HEAD")
	// An unrelated commit: moving main there is no fast-forward.
	unrelated := ts.git(work, "commit-tree", mainTip+"^{tree}", "-m", "unrelated")
	ts.git(work, "checkout", "-q", "--detach", "origin/hotfix/fix")
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "on the fix")
	onFix := ts.git(work, "rev-parse", "HEAD")

	tests := []struct {
		name     string
		ruleset  map[string]any
		refspecs []string // pushed with --force
		want     []string // lines of git's output; none: the push goes through
		unmoved  []string // refs that must keep their tip
	}{
		{"creation restricted", refRuleset("c", "branch", []string{"refs/heads/hotfix/**"}, "creation"),
			[]string{mainTip + ":refs/heads/hotfix/new"},
			[]string{"remote: error: GH013: Repository rule violations found for refs/heads/hotfix/new.",
				"remote: Review all repository rules at http://github.localhost/monalisa/pr/rules?ref=refs%2Fheads%2Fhotfix%2Fnew",
				"remote: - Cannot create ref due to creations being restricted.",
				"! [remote rejected] " + mainTip + " -> hotfix/new (push declined due to repository rule violations)"},
			[]string{"refs/heads/hotfix/new"}},
		{"creation outside the pattern", refRuleset("c", "branch", []string{"refs/heads/hotfix/**"}, "creation"),
			[]string{mainTip + ":refs/heads/feature"}, nil, nil},
		{"update restricted", refRuleset("u", "branch", []string{"~DEFAULT_BRANCH"}, "update"),
			[]string{ahead + ":refs/heads/main"}, []string{"remote: - Cannot update this protected ref."}, []string{"refs/heads/main"}},
		{"deletion restricted", refRuleset("d", "branch", []string{"~ALL"}, "deletion"),
			[]string{":refs/heads/hotfix/fix"}, []string{"remote: - Cannot delete this branch", "(push declined due to repository rule violations)"},
			[]string{"refs/heads/hotfix/fix"}},
		{"force-push", refRuleset("f", "branch", []string{"~DEFAULT_BRANCH"}, "non_fast_forward"),
			[]string{unrelated + ":refs/heads/main"}, []string{"remote: - Cannot force-push to this branch"}, []string{"refs/heads/main"}},
		{"a fast-forward is no force-push", refRuleset("f", "branch", []string{"refs/heads/hotfix/**"}, "non_fast_forward"),
			[]string{onFix + ":refs/heads/hotfix/fix"}, nil, nil},
		{"merge commit", refRuleset("l", "branch", []string{"~ALL"}, "required_linear_history"),
			[]string{merge + ":refs/heads/hotfix/fix"},
			[]string{"remote: - This branch must not contain merge commits.", "remote:   Found 1 violation:", "remote:   " + merge},
			[]string{"refs/heads/hotfix/fix"}},
		{"pull request", refRuleset("p", "branch", []string{"~DEFAULT_BRANCH"}, "pull_request"),
			[]string{ahead + ":refs/heads/main"}, []string{"remote: - Changes must be made through a pull request."}, []string{"refs/heads/main"}},
		{"pull request does not refuse creating a branch", refRuleset("p", "branch", []string{"~ALL"}, "pull_request"),
			[]string{ahead + ":refs/heads/hotfix/other"}, nil, nil},
		{"tag creation", refRuleset("t", "tag", []string{"refs/tags/v*"}, "creation"),
			[]string{mainTip + ":refs/tags/v1.0.0"},
			[]string{"remote: error: GH013: Repository rule violations found for refs/tags/v1.0.0.",
				"remote: - Cannot create ref due to creations being restricted."}, []string{"refs/tags/v1.0.0"}},
		{"a branch ruleset does not apply to tags", refRuleset("t", "branch", []string{"~ALL"}, "creation"),
			[]string{mainTip + ":refs/tags/x1"}, nil, nil},
		{"the whole push is refused", refRuleset("c", "branch", []string{"refs/heads/hotfix/**"}, "creation"),
			[]string{mainTip + ":refs/heads/side", mainTip + ":refs/heads/hotfix/third"},
			[]string{"! [remote rejected] " + mainTip + " -> side (push declined due to repository rule violations)",
				"remote: - Cannot create ref due to creations being restricted."},
			[]string{"refs/heads/side", "refs/heads/hotfix/third"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := ts.createRuleset("pr", tt.ruleset)
			defer ts.do("DELETE", "/repos/monalisa/pr/rulesets/"+rulesetID(rs), nil, nil)
			before := map[string]string{}
			for _, ref := range tt.unmoved {
				before[ref] = tip(ref)
			}
			out, err := ts.gitOut(work, append([]string{"push", "--force", "origin"}, tt.refspecs...)...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("push refused: %v\n%s", err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("push accepted:\n%s", out)
			}
			t.Logf("%s", out)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for ref, was := range before {
				if got := tip(ref); got != was {
					t.Errorf("%s moved from %q to %q", ref, was, got)
				}
			}
		})
	}
}

// rulesetID is a ruleset's ID as its path segment.
func rulesetID(rs map[string]any) string { return strconv.FormatInt(int64(rs["id"].(float64)), 10) }

// TestPushRulesBypass: a bypass actor naming the pusher's repository role lets
// the push through; a collaborator of another role is refused, and a bypass
// only "pull_request" does not cover a push; evaluate and disabled rulesets
// never refuse.
func TestPushRulesBypass(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("by")
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	if r := ts.do("PUT", "/repos/monalisa/by/collaborators/hubot", map[string]any{"permission": "push"}, nil); r.status != 201 && r.status != 204 {
		t.Fatalf("add collaborator: %d %s", r.status, r.body)
	}
	rs := refRuleset("c", "branch", []string{"refs/heads/hotfix/**"}, "creation")
	rs["bypass_actors"] = []any{map[string]any{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}}
	ts.createRuleset("by", rs)
	pr := refRuleset("p", "branch", []string{"refs/heads/hotfix/**"}, "creation")
	pr["bypass_actors"] = []any{map[string]any{"actor_id": 4, "actor_type": "RepositoryRole", "bypass_mode": "pull_request"}}
	ts.createRuleset("by", pr)
	for _, enf := range []string{"evaluate", "disabled"} {
		e := refRuleset("never "+enf, "branch", []string{"refs/heads/release/**"}, "creation")
		e["enforcement"] = enf
		ts.createRuleset("by", e)
	}
	hubot := "http://hubot:hubot-token@" + Host + "/monalisa/by.git"
	// monalisa (admin) bypasses the first ruleset, not the second, whose only
	// bypass is for pull requests.
	if out, err := ts.gitOut(work, "push", "origin", "HEAD:refs/heads/hotfix/admin"); err == nil {
		t.Errorf("admin push accepted though the second ruleset has no bypass for pushes:\n%s", out)
	}
	if r := ts.do("DELETE", "/repos/monalisa/by/rulesets/"+idOf(t, ts, "by", "p"), nil, nil); r.status != 204 {
		t.Fatalf("delete ruleset: %d %s", r.status, r.body)
	}
	if out, err := ts.gitOut(work, "push", "origin", "HEAD:refs/heads/hotfix/admin"); err != nil {
		t.Errorf("the admin role bypasses, yet: %v\n%s", err, out)
	}
	if out, err := ts.gitOut(work, "push", hubot, "HEAD:refs/heads/hotfix/hubot"); err == nil || !strings.Contains(out, "Cannot create ref due to creations being restricted.") {
		t.Errorf("a write collaborator does not bypass, yet: %v\n%s", err, out)
	}
	if out, err := ts.gitOut(work, "push", hubot, "HEAD:refs/heads/release/1.x"); err != nil {
		t.Errorf("evaluate and disabled rulesets refused: %v\n%s", err, out)
	}
}

// idOf finds a ruleset's ID by name.
func idOf(t *testing.T, ts *testServer, repo, name string) string {
	t.Helper()
	for _, item := range jsonList(t, ts.do("GET", "/repos/monalisa/"+repo+"/rulesets", nil, nil).body) {
		m := item.(map[string]any)
		if m["name"] == name {
			return rulesetID(m)
		}
	}
	t.Fatalf("no ruleset %q", name)
	return ""
}

// TestRefCreationRulesAPI: creating a ref through the API when a creation rule
// applies is refused with GitHub's answers: git/refs 422 "Reference update
// failed", a release's new tag 422 with the pre_receive error, the contents API
// creating a branch 409 with the rule's line.
func TestRefCreationRulesAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("api")
	main := strings.TrimSpace(string(must(exec.Command("git", "-C", ts.bare("api"), "rev-parse", "main").Output())))
	ts.createRuleset("api", refRuleset("b", "branch", []string{"refs/heads/hotfix/**"}, "creation"))
	ts.createRuleset("api", refRuleset("t", "tag", []string{"refs/tags/v*"}, "creation"))
	tests := []struct {
		name, method, path string
		body               map[string]any
		status             int
		want               string
	}{
		{"branch ref", "POST", "/repos/monalisa/api/git/refs", map[string]any{"ref": "refs/heads/hotfix/x", "sha": main}, 422, `"Reference update failed"`},
		{"tag ref", "POST", "/repos/monalisa/api/git/refs", map[string]any{"ref": "refs/tags/v1.0.0", "sha": main}, 422, `"Reference update failed"`},
		{"other branch", "POST", "/repos/monalisa/api/git/refs", map[string]any{"ref": "refs/heads/feature", "sha": main}, 201, `"refs/heads/feature"`},
		{"other tag", "POST", "/repos/monalisa/api/git/refs", map[string]any{"ref": "refs/tags/build-1", "sha": main}, 201, `"refs/tags/build-1"`},
		{"release tag", "POST", "/repos/monalisa/api/releases", map[string]any{"tag_name": "v2.0.0"}, 422,
			`pre_receive Repository rule violations found\n\nCannot create ref due to creations being restricted.\n\n`},
		{"contents on a new branch", "PUT", "/repos/monalisa/api/contents/x.txt", map[string]any{"message": "x", "content": "eAo=", "branch": "hotfix/y"}, 409,
			`"Repository rule violations found\n\nCannot create ref due to creations being restricted.\n\n"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.do(tt.method, tt.path, tt.body, nil)
			if r.status != tt.status || !strings.Contains(string(r.body), tt.want) {
				t.Errorf("%d %s, want %d with %s", r.status, r.body, tt.status, tt.want)
			}
		})
	}
	for _, ref := range []string{"refs/heads/hotfix/x", "refs/tags/v1.0.0", "refs/tags/v2.0.0", "refs/heads/hotfix/y"} {
		if exec.Command("git", "-C", ts.bare("api"), "rev-parse", "-q", "--verify", ref).Run() == nil {
			t.Errorf("%s was created", ref)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
