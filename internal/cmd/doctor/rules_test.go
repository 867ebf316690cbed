package doctor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// ruleset is an active ruleset targeting branches (or tags, for an include
// under refs/tags/) with the given rules.
func ruleset(id int64, name, include string, rules ...github.Rule) github.Ruleset {
	target := "BRANCH"
	if strings.HasPrefix(include, "refs/tags/") {
		target = "TAG"
	}
	rs := github.Ruleset{BranchRuleset: github.BranchRuleset{ID: id, Name: name, Enforcement: "ACTIVE", Include: []string{include}}, Target: target, Rules: rules}
	for i := range rs.Rules {
		rs.Rules[i].ParamsRead = rs.Rules[i].ParamsRead || rs.Rules[i].Type != "REQUIRED_STATUS_CHECKS" || rs.Rules[i].Checks != nil
		rs.RestrictsCreation = rs.RestrictsCreation || rs.Rules[i].Type == "CREATION"
	}
	return rs
}

func TestRules(t *testing.T) {
	approvals := func(n int, methods ...string) github.Rule {
		return github.Rule{Type: "PULL_REQUEST", Approvals: n, MergeMethods: methods}
	}
	creation := github.Rule{Type: "CREATION"}
	hotfixes := ruleset(8, "hotfix branches", "refs/heads/hotfix/**", creation)
	maint := ruleset(9, "lines", "refs/heads/release/**", creation)
	tags := ruleset(10, "release tags", "refs/tags/v*", creation)
	exceptional := func(c *config.Config) { c.Exceptional.Workflow = "hotfix.yml" }
	tests := []struct {
		name   string
		sets   []github.Ruleset
		err    error
		cfg    func(*config.Config)
		bypass map[int64]bypass
		prots  []github.Protection
		perm   string // the viewer's permission: ADMIN unless set
		perr   error
		srv    serverFacts // github.com unless set
		want   []string    // word, detail, fix: tab-separated
	}{
		{name: "no ruleset", want: []string{"ok\tno active ruleset or branch protection rule has a rule that matters to a hotfix on main, hotfix/* or release tags v*\t"}},
		{name: "no ruleset, with the exceptional process", cfg: exceptional,
			want: []string{"ok\tno active ruleset or branch protection rule has a rule that matters to a hotfix on main, hotfix/*, release/v*.* or release tags v*\t"}},
		{name: "a ruleset elsewhere, one evaluated", sets: []github.Ruleset{ruleset(1, "docs", "refs/heads/docs/**", creation),
			func() github.Ruleset { rs := hotfixes; rs.Enforcement = "EVALUATE"; return rs }()},
			want: []string{"ok\tno active ruleset or branch protection rule has a rule that matters to a hotfix on main, hotfix/* or release tags v*\t"}},
		{name: "approvals, without reviewers", sets: []github.Ruleset{ruleset(1, "protect main", "~DEFAULT_BRANCH", approvals(1))},
			want: []string{"ok\tmain needs 1 approving review from someone other than the author (ruleset \"protect main\"): ship waits for it; set reviewers in .github/hotfix.yml so ship asks for it\t"}},
		{name: "approvals, with reviewers and more", cfg: func(c *config.Config) { c.Reviewers = []string{"hubot", "acme/sre"} },
			sets: []github.Ruleset{ruleset(1, "protect main", "refs/heads/main", github.Rule{Type: "PULL_REQUEST", Approvals: 2, CodeOwnerReview: true, DismissStale: true, LastPushApproval: true})},
			want: []string{"ok\tmain needs 2 approving reviews from someone other than the author (ruleset \"protect main\"; a code owner's among them; a push dismisses earlier approvals; the last push approved by someone else): ship waits for it, and asks hubot, acme/sre for it\t"}},
		{name: "pull requests only", sets: []github.Ruleset{ruleset(1, "pr", "~ALL", approvals(0, "merge", "squash", "rebase"))},
			want: []string{"ok\tmain takes changes through pull requests only (ruleset \"pr\"): ship opens one\t"}},
		{name: "squash only, merge_method unset", sets: []github.Ruleset{ruleset(1, "squash", "~DEFAULT_BRANCH", approvals(0, "squash"))},
			want: []string{"ok\tsquash is the only merge method allowed into main (ruleset \"squash\"): set merge_method: squash in .github/hotfix.yml for ship --auto\t"}},
		{name: "squash only, merge_method squash", cfg: func(c *config.Config) { c.MergeMethod = "squash" },
			sets: []github.Ruleset{ruleset(1, "squash", "~DEFAULT_BRANCH", approvals(1, "squash"))},
			want: []string{"ok\tmain needs 1 approving review from someone other than the author (ruleset \"squash\"): ship waits for it; set reviewers in .github/hotfix.yml so ship asks for it\t",
				"ok\tsquash is the only merge method allowed into main (ruleset \"squash\"): merge_method is squash, which it allows\t"}},
		{name: "two methods, merge_method forbidden", cfg: func(c *config.Config) { c.MergeMethod = "merge" },
			sets: []github.Ruleset{ruleset(1, "linear", "~DEFAULT_BRANCH", approvals(0, "squash", "rebase"))},
			want: []string{"fail\tonly squash and rebase merges are allowed into main (ruleset \"linear\"), and merge_method is merge\tset merge_method: squash in .github/hotfix.yml"}},
		{name: "required checks, strict", sets: []github.Ruleset{ruleset(1, "ci", "~DEFAULT_BRANCH",
			github.Rule{Type: "REQUIRED_STATUS_CHECKS", Checks: []string{"ci/test", "lint"}, StrictChecks: true})},
			want: []string{"ok\tmain requires the checks ci/test, lint, on a branch up to date with main (ruleset \"ci\"): ship waits for them to pass\t"}},
		{name: "required check, unread", sets: []github.Ruleset{ruleset(1, "ci", "~DEFAULT_BRANCH", github.Rule{Type: "REQUIRED_STATUS_CHECKS"})},
			err: errors.New("GraphQL: cannot"),
			want: []string{"warn\tthe repository's rulesets could not all be read: GraphQL: cannot\tsee them in the repository's settings (Rules, Rulesets), or run gh hotfix doctor again",
				"ok\tmain requires status checks (ruleset \"ci\"): ship waits for them to pass\t"}},
		{name: "merge queue", sets: []github.Ruleset{ruleset(1, "queue", "~DEFAULT_BRANCH", github.Rule{Type: "MERGE_QUEUE", QueueMethod: "squash"})},
			want: []string{"ok\tmain merges through a merge queue (squash, ruleset \"queue\"): ship --auto enqueues the hotfix\t"}},
		{name: "merge queue, merge_method another", cfg: func(c *config.Config) { c.MergeMethod = "merge" },
			sets: []github.Ruleset{ruleset(1, "queue", "~DEFAULT_BRANCH", github.Rule{Type: "MERGE_QUEUE", QueueMethod: "squash"})},
			want: []string{"ok\tmain merges through a merge queue (squash, ruleset \"queue\"): ship --auto enqueues the hotfix, which the queue merges with squash whatever merge_method (merge) says\t"}},
		{name: "linear history", sets: []github.Ruleset{ruleset(1, "linear", "~DEFAULT_BRANCH", github.Rule{Type: "REQUIRED_LINEAR_HISTORY"})},
			want: []string{"ok\tmain requires linear history (ruleset \"linear\"): merge_method must be squash or rebase\t"}},
		{name: "linear history, merge_method rebase", cfg: func(c *config.Config) { c.MergeMethod = "rebase" },
			sets: []github.Ruleset{ruleset(1, "linear", "~DEFAULT_BRANCH", github.Rule{Type: "REQUIRED_LINEAR_HISTORY"})},
			want: []string{"ok\tmain requires linear history (ruleset \"linear\"): merge_method rebase keeps it linear\t"}},
		{name: "linear history, merge_method merge", cfg: func(c *config.Config) { c.MergeMethod = "merge" },
			sets: []github.Ruleset{ruleset(1, "linear", "~DEFAULT_BRANCH", github.Rule{Type: "REQUIRED_LINEAR_HISTORY"})},
			want: []string{"fail\tmain requires linear history (ruleset \"linear\"): merge_method is merge, which makes a merge commit\tset merge_method: squash (or rebase) in .github/hotfix.yml"}},
		{name: "rules that do not matter to a hotfix", sets: []github.Ruleset{ruleset(1, "misc", "~ALL", github.Rule{Type: "DELETION"}, github.Rule{Type: "NON_FAST_FORWARD"})},
			want: []string{"ok\tno active ruleset or branch protection rule has a rule that matters to a hotfix on main, hotfix/* or release tags v*\t"}},
		{name: "hotfix branches restricted", sets: []github.Ruleset{hotfixes}, bypass: map[int64]bypass{8: {mode: "never"}},
			want: []string{"fail\tcreating hotfix/* is restricted by ruleset \"hotfix branches\": create will refuse to make it\t" +
				"ask an admin of acme/shop to add you to its bypass list, or to exclude refs/heads/hotfix/** from it; or set branch_prefix in .github/hotfix.yml to a prefix it allows"}},
		{name: "hotfix branches restricted, bypass through pull requests only", sets: []github.Ruleset{hotfixes}, bypass: map[int64]bypass{8: {mode: "pull_requests_only"}},
			want: []string{"fail\tcreating hotfix/* is restricted by ruleset \"hotfix branches\": create will refuse to make it\t" +
				"ask an admin of acme/shop to add you to its bypass list, or to exclude refs/heads/hotfix/** from it; or set branch_prefix in .github/hotfix.yml to a prefix it allows"}},
		{name: "hotfix branches restricted, bypassed", sets: []github.Ruleset{hotfixes}, bypass: map[int64]bypass{8: {mode: "always"}},
			want: []string{"ok\tcreating hotfix/* is restricted by ruleset \"hotfix branches\", which you may bypass\t"}},
		{name: "hotfix branches restricted, bypass unknown", sets: []github.Ruleset{hotfixes}, bypass: map[int64]bypass{8: {err: errors.New("HTTP 404")}},
			want: []string{"warn\tcreating hotfix/* is restricted by ruleset \"hotfix branches\", and whether you may bypass it could not be read: HTTP 404\task an admin of acme/shop whether you are on its bypass list"}},
		{name: "another prefix is not restricted", cfg: func(c *config.Config) { c.BranchPrefix = "fix/" }, sets: []github.Ruleset{hotfixes},
			want: []string{"ok\tno active ruleset or branch protection rule has a rule that matters to a hotfix on main, fix/* or release tags v*\t"}},
		{name: "pushes to hotfix branches restricted", sets: []github.Ruleset{ruleset(3, "frozen", "~ALL", github.Rule{Type: "UPDATE"})}, bypass: map[int64]bypass{3: {mode: "never"}},
			want: []string{"fail\tpushing to hotfix/* is restricted by ruleset \"frozen\": ship cannot push the fix\t" +
				"ask an admin of acme/shop to add you to its bypass list, or to exclude refs/heads/hotfix/** from it; or set branch_prefix in .github/hotfix.yml to a prefix it allows"}},
		{name: "maintenance branches, without the exceptional process", sets: []github.Ruleset{maint},
			want: []string{"ok\tno active ruleset or branch protection rule has a rule that matters to a hotfix on main, hotfix/* or release tags v*\t"}},
		{name: "maintenance branches restricted", cfg: exceptional, sets: []github.Ruleset{maint}, bypass: map[int64]bypass{9: {mode: "never"}},
			want: []string{"warn\tcreating maintenance branches release/v*.* is restricted by ruleset \"lines\": create --from-tag will be refused when the maintenance branch does not exist yet\t" +
				"ask an admin of acme/shop to add you to its bypass list, or have one who may create the maintenance branch from the release tag"}},
		{name: "release tags", sets: []github.Ruleset{tags},
			want: []string{"warn\tcreating release tags v* is restricted by ruleset \"release tags\": the release workflow's token must be able to bypass it\t" +
				"make sure the token the release workflow creates the tag with may bypass ruleset \"release tags\" (ask an admin to add its app or role to the bypass list)"}},

		// Classic branch protection: the rule that applies to each branch, in the rulesets' sentences.
		{name: "branch protection on main", prots: []github.Protection{{ID: 1, Pattern: "*", Checks: true, Contexts: []string{"other"}},
			{ID: 2, Pattern: "main", Reviews: true, Approvals: 1, CodeOwnerReview: true, Checks: true, Contexts: []string{"ci"}, StrictChecks: true, LinearHistory: true}},
			want: []string{"ok\tmain needs 1 approving review from someone other than the author (branch protection on main; a code owner's among them): ship waits for it; set reviewers in .github/hotfix.yml so ship asks for it\t",
				"ok\tmain requires the check ci, on a branch up to date with main (branch protection on main): ship waits for it to pass\t",
				"ok\tmain requires linear history (branch protection on main): merge_method must be squash or rebase\t"}},
		{name: "branch protection by pattern, pull requests only", prots: []github.Protection{{ID: 1, Pattern: "ma*", Reviews: true}, {ID: 2, Pattern: "m*", Checks: true, Contexts: []string{"x"}}},
			want: []string{"ok\tmain takes changes through pull requests only (branch protection on ma*): ship opens one\t"}},
		{name: "branch protection: linear history, merge_method merge", cfg: func(c *config.Config) { c.MergeMethod = "merge" },
			prots: []github.Protection{{ID: 1, Pattern: "main", LinearHistory: true}},
			want:  []string{"fail\tmain requires linear history (branch protection on main): merge_method is merge, which makes a merge commit\tset merge_method: squash (or rebase) in .github/hotfix.yml"}},
		{name: "a ruleset and branch protection both require checks", sets: []github.Ruleset{ruleset(1, "ci", "~DEFAULT_BRANCH", github.Rule{Type: "REQUIRED_STATUS_CHECKS", Checks: []string{"ci"}})},
			prots: []github.Protection{{ID: 1, Pattern: "main", Checks: true, Contexts: []string{"ci", "lint"}}},
			want: []string{"ok\tmain requires the check ci (ruleset \"ci\"): ship waits for it to pass\t",
				"ok\tmain requires the checks ci, lint (branch protection on main): ship waits for them to pass\t"}},
		{name: "branch protection: main locked", prots: []github.Protection{{ID: 1, Pattern: "main", Locked: true, AdminEnforced: true}},
			want: []string{"fail\tmain is locked (branch protection on main): nothing can merge into it\task an admin of acme/shop to unlock main (Settings, Branches: Lock branch)"}},
		{name: "branch protection elsewhere", prots: []github.Protection{{ID: 1, Pattern: "release/*", Reviews: true, BlocksCreations: true, RestrictsPushes: true}},
			want: []string{"ok\tno active ruleset or branch protection rule has a rule that matters to a hotfix on main, hotfix/* or release tags v*\t"}},
		{name: "branch protection on hotfix branches, binding admins", prots: []github.Protection{{ID: 1, Pattern: "hotfix/**/*", Reviews: true, Checks: true, Contexts: []string{"ci"}, AdminEnforced: true}},
			want: []string{"fail\tpushing to hotfix/* is restricted by branch protection on hotfix/**/* (changes through a pull request only; the check ci passed before a push): ship cannot push the fix\t" +
				"ask an admin of acme/shop to narrow the branch protection rule hotfix/**/* so it does not match hotfix/*, or set branch_prefix in .github/hotfix.yml to a prefix it does not match"}},
		{name: "branch protection on hotfix branches, admins step around it", prots: []github.Protection{{ID: 1, Pattern: "*/*", RestrictsPushes: true, BlocksCreations: true}},
			want: []string{"warn\tcreating hotfix/* is restricted by branch protection on */* (only those it lets push may): you may step around it as an admin, but for anyone else create will refuse to make it\t" +
				"ask an admin of acme/shop to narrow the branch protection rule */* so it does not match hotfix/*, or set branch_prefix in .github/hotfix.yml to a prefix it does not match",
				"warn\tpushing to hotfix/* is restricted by branch protection on */* (only those it lets push): you may step around it as an admin, but for anyone else ship cannot push the fix\t" +
					"ask an admin of acme/shop to narrow the branch protection rule */* so it does not match hotfix/*, or set branch_prefix in .github/hotfix.yml to a prefix it does not match"}},
		{name: "branch protection on maintenance branches", cfg: exceptional,
			prots: []github.Protection{{ID: 1, Pattern: "release/*", Reviews: true, RestrictsPushes: true, BlocksCreations: true, AdminEnforced: true}},
			want: []string{"warn\tcreating maintenance branches release/v*.* is restricted by branch protection on release/* (only those it lets push may): create --from-tag will be refused when the maintenance branch does not exist yet\t" +
				"ask an admin of acme/shop to let you push to the branches the branch protection rule release/* matches, or have one it lets push create the maintenance branch from the release tag"}},
		{name: "branch protection not shown to a writer", perm: "WRITE", prots: nil,
			want: []string{"ok\tno active ruleset has a rule that matters to a hotfix on main, hotfix/* or release tags v*\t",
				"ok\tGitHub shows branch protection rules only to admins of acme/shop, so doctor cannot say what they require of main: ship waits for what they require\t"}},
		{name: "GHES without rulesets", srv: serverFacts{Enterprise: true, Version: "3.10.2", Lacks: github.Lacking("3.10.2")},
			want: []string{"ok\tno branch protection rule matters to a hotfix on main, hotfix/* (GitHub Enterprise Server 3.10.2 has no rulesets)\t"}},
		{name: "GHES without rulesets, protection not shown to a writer", perm: "WRITE", srv: serverFacts{Enterprise: true, Version: "3.10.2", Lacks: github.Lacking("3.10.2")},
			want: []string{"ok\tGitHub Enterprise Server 3.10.2 has no rulesets, so none applies to main, hotfix/* or release tags v*\t",
				"ok\tGitHub shows branch protection rules only to admins of acme/shop, so doctor cannot say what they require of main: ship waits for what they require\t"}},
		{name: "branch protection unread", perr: errors.New("GraphQL: cannot"),
			want: []string{"warn\tthe repository's branch protection rules could not be read: GraphQL: cannot\tsee them in the repository's settings (Branches), or run gh hotfix doctor again"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			f.Rulesets, f.RulesetsErr, f.Protections, f.ProtectionsErr, f.Permission = tt.sets, tt.err, tt.prots, tt.perr, cmp.Or(tt.perm, "ADMIN")
			cfg := config.Default()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			d := &diagnosis{facts: f, cfg: cfg, repo: repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, bypass: tt.bypass, srv: tt.srv}
			var got []string
			for _, c := range d.rules() {
				if c.Name != "rules" || c.OK != (c.Severity == "") || c.OK != (c.Fix == "") {
					t.Errorf("malformed check %+v", c)
				}
				got = append(got, c.word()+"\t"+c.Detail+"\t"+c.Fix)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// stubBypass answers RulesetBypass from a map, counting the requests.
type stubBypass struct {
	modes map[int64]string
	asked []int64
}

func (s *stubBypass) RulesetBypass(_ context.Context, _, _ string, id int64) (string, error) {
	s.asked = append(s.asked, id)
	if m, ok := s.modes[id]; ok {
		return m, nil
	}
	return "", fmt.Errorf("HTTP 404: ruleset %d", id)
}

// TestReadBypass: whether the user may bypass is asked once for each ruleset
// restricting the creation of, or pushes to, hotfix or maintenance branches,
// and for no other.
func TestReadBypass(t *testing.T) {
	f := readyFacts()
	f.Rulesets = []github.Ruleset{
		ruleset(1, "main", "~DEFAULT_BRANCH", github.Rule{Type: "CREATION"}, github.Rule{Type: "UPDATE"}),
		ruleset(2, "all", "~ALL", github.Rule{Type: "CREATION"}, github.Rule{Type: "UPDATE"}),
		ruleset(3, "hotfix", "refs/heads/hotfix/*", github.Rule{Type: "DELETION"}),
		ruleset(4, "lines", "refs/heads/release/**", github.Rule{Type: "CREATION"}),
		ruleset(5, "tags", "refs/tags/v*", github.Rule{Type: "CREATION"}),
	}
	for _, tt := range []struct {
		name        string
		exceptional bool
		want        string
	}{
		{"standard process", false, "[2]"},
		{"exceptional process", true, "[2 4]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			if tt.exceptional {
				cfg.Exceptional.Workflow = "hotfix.yml"
			}
			d := &diagnosis{facts: f, cfg: cfg}
			gh := &stubBypass{modes: map[int64]string{2: "exempt"}}
			got := readBypass(context.Background(), gh, "acme", "shop", d.creationRules())
			if fmt.Sprint(gh.asked) != tt.want {
				t.Errorf("asked about %v, want %s", gh.asked, tt.want)
			}
			if !got[2].may() {
				t.Errorf("ruleset 2: %+v, want may bypass", got[2])
			}
			if tt.exceptional && (got[4].may() || got[4].err == nil) {
				t.Errorf("ruleset 4: %+v, want an error", got[4])
			}
		})
	}
}

// TestMergeMethodFailsOnce: a merge_method a ruleset forbids into the base is
// one failure, the rules line's (with the ruleset's allowed methods and the
// fix); the auto-merge check then says only that it is forbidden. Without
// the ruleset's rule to read (rulesets unread), the auto-merge check fails.
func TestMergeMethodFailsOnce(t *testing.T) {
	for _, tt := range []struct {
		name        string
		sets        []github.Ruleset
		wantFailing string
		wantAuto    string
	}{
		{"the rules line fails", []github.Ruleset{ruleset(1, "protect main", "~DEFAULT_BRANCH", github.Rule{Type: "PULL_REQUEST", MergeMethods: []string{"merge"}})},
			"rules: merge is the only merge method allowed into main (ruleset \"protect main\"), and merge_method is squash",
			"ok allowed in acme/shop, and squash merges too; ruleset \"protect main\" forbids them into main (see rules)"},
		{"the ruleset unread: auto-merge fails", nil,
			"auto-merge: merge_method is squash, but ruleset \"protect main\" does not allow squash merges into main (its pull_request rule allows merge)",
			"fail merge_method is squash, but ruleset \"protect main\" does not allow squash merges into main (its pull_request rule allows merge)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			f.Permission = "ADMIN"
			f.MergeRules = []github.MergeRule{{Ruleset: "protect main", Methods: []string{"merge"}}}
			f.Rulesets = tt.sets
			cfg := config.Default()
			cfg.MergeMethod = "squash"
			d := &diagnosis{facts: f, cfg: cfg, repo: repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, repoArg: "acme/shop"}
			auto := d.autoMerge()
			var failing []string
			for _, c := range append([]Check{auto}, d.rules()...) {
				if c.Severity == SeverityError {
					failing = append(failing, c.Name+": "+c.Detail)
				}
			}
			if len(failing) != 1 || failing[0] != tt.wantFailing {
				t.Errorf("failing:\n%s\nwant only:\n%s", strings.Join(failing, "\n"), tt.wantFailing)
			}
			if got := auto.word() + " " + auto.Detail; got != tt.wantAuto {
				t.Errorf("auto-merge: %s\nwant: %s", got, tt.wantAuto)
			}
		})
	}
}
