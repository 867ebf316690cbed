package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// rulesetsAnswer is a HotfixDoctor answer holding rulesets (a GraphQL
// repository.rulesets connection's nodes), and errors when given.
func rulesetsAnswer(nodes, errors string) string {
	s := `{"data":{"viewer":{"login":"monalisa"},"repository":{"viewerPermission":"WRITE","defaultBranchRef":{"name":"main","rules":{"nodes":[]}},
	  "labels":{"nodes":[]},"workflows":null,"latestRelease":null,"rulesets":{"nodes":[` + nodes + `]}}}`
	if errors != "" {
		s += `,"errors":[` + errors + `]`
	}
	return s + "}"
}

const mainRuleset = `{"databaseId":7,"name":"protect main","enforcement":"ACTIVE","target":"BRANCH",
  "conditions":{"refName":{"include":["~DEFAULT_BRANCH"],"exclude":[]}},
  "rules":{"nodes":[
    {"type":"PULL_REQUEST","parameters":{"requiredApprovingReviewCount":2,"requireCodeOwnerReview":true,"dismissStaleReviewsOnPush":false,"requireLastPushApproval":false,"allowedMergeMethods":["SQUASH","REBASE"]}},
    {"type":"REQUIRED_STATUS_CHECKS","parameters":{"strictRequiredStatusChecksPolicy":true,"requiredStatusChecks":[{"context":"ci/test"},{"context":"lint"}]}},
    {"type":"MERGE_QUEUE","parameters":{"mergeMethod":"SQUASH"}},
    {"type":"REQUIRED_LINEAR_HISTORY","parameters":null}]}}`

const hotfixRuleset = `{"databaseId":8,"name":"hotfix branches","enforcement":"ACTIVE","target":"BRANCH",
  "conditions":{"refName":{"include":["refs/heads/hotfix/**"],"exclude":[]}},"rules":{"nodes":[{"type":"CREATION","parameters":null}]}}`

const tagRuleset = `{"databaseId":9,"name":"release tags","enforcement":"EVALUATE","target":"TAG",
  "conditions":{"refName":{"include":["refs/tags/v*"],"exclude":[]}},"rules":{"nodes":[{"type":"CREATION","parameters":null}]}}`

// describeRulesets summarises rulesets for comparison.
func describeRulesets(sets []Ruleset) string {
	var out []string
	for _, rs := range sets {
		var rules []string
		for _, r := range rs.Rules {
			s := r.Type
			switch {
			case !r.ParamsRead:
				s += "(unread)"
			case r.Type == "PULL_REQUEST":
				s += fmt.Sprintf("(%d owners=%v stale=%v last=%v %v)", r.Approvals, r.CodeOwnerReview, r.DismissStale, r.LastPushApproval, r.MergeMethods)
			case r.Type == "REQUIRED_STATUS_CHECKS":
				s += fmt.Sprintf("(%v strict=%v)", r.Checks, r.StrictChecks)
			case r.Type == "MERGE_QUEUE":
				s += "(" + r.QueueMethod + ")"
			}
			rules = append(rules, s)
		}
		out = append(out, fmt.Sprintf("%d %q %s %s %v-%v creation=%v: %s", rs.ID, rs.Name, rs.Enforcement, rs.Target, rs.Include, rs.Exclude,
			rs.RestrictsCreation, strings.Join(rules, " ")))
	}
	return strings.Join(out, "\n")
}

// TestInspectRulesets: the rulesets come with doctor's query, their rules'
// parameters read; an error under repository.rulesets (a field GitHub cannot
// answer) leaves the rest of the answer, and says so.
func TestInspectRulesets(t *testing.T) {
	tests := []struct {
		name, data, want, wantErr string
	}{
		{"none", rulesetsAnswer("", ""), "", ""},
		{"base, hotfix branches and tags", rulesetsAnswer(mainRuleset+","+hotfixRuleset+","+tagRuleset, ""),
			`7 "protect main" ACTIVE BRANCH [~DEFAULT_BRANCH]-[] creation=false: PULL_REQUEST(2 owners=true stale=false last=false [squash rebase]) REQUIRED_STATUS_CHECKS([ci/test lint] strict=true) MERGE_QUEUE(squash) REQUIRED_LINEAR_HISTORY` + "\n" +
				`8 "hotfix branches" ACTIVE BRANCH [refs/heads/hotfix/**]-[] creation=true: CREATION` + "\n" +
				`9 "release tags" EVALUATE TAG [refs/tags/v*]-[] creation=true: CREATION`, ""},
		{"parameters that could not be read", rulesetsAnswer(`{"databaseId":7,"name":"checks","enforcement":"ACTIVE","target":"BRANCH",
		  "conditions":{"refName":{"include":["refs/heads/main"],"exclude":[]}},"rules":{"nodes":[{"type":"REQUIRED_STATUS_CHECKS","parameters":null}]}}`,
			`{"path":["repository","rulesets","nodes",0,"rules","nodes",0,"parameters","requiredStatusChecks",0],"message":"cannot"}`),
			`7 "checks" ACTIVE BRANCH [refs/heads/main]-[] creation=false: REQUIRED_STATUS_CHECKS(unread)`, "cannot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixDoctor$`), httpmock.JSON(200, tt.data))
			in, err := c.InspectRepository(context.Background(), "acme", "shop", InspectQuery{Label: "hotfix"})
			if err != nil {
				t.Fatal(err)
			}
			if q := reg.Requests()[0].GraphQL.Query; !strings.Contains(q, "rulesets(first: 100)") {
				t.Errorf("the query does not read the rulesets:\n%s", q)
			}
			if got := describeRulesets(in.Rulesets); got != tt.want {
				t.Errorf("rulesets:\n%s\nwant:\n%s", got, tt.want)
			}
			if in.DefaultBranch != "main" {
				t.Errorf("default branch %q: the rest of the answer is lost", in.DefaultBranch)
			}
			switch {
			case tt.wantErr == "" && in.RulesetsErr != nil:
				t.Errorf("RulesetsErr: %v", in.RulesetsErr)
			case tt.wantErr != "" && (in.RulesetsErr == nil || !strings.Contains(in.RulesetsErr.Error(), tt.wantErr)):
				t.Errorf("RulesetsErr: %v, want %q", in.RulesetsErr, tt.wantErr)
			}
		})
	}

	// An error elsewhere is the query's.
	data := rulesetsAnswer("", `{"path":["repository","labels"],"message":"boom"}`)
	c, _ := stubbed(t, httpmock.GraphQL(`^HotfixDoctor$`), httpmock.JSON(200, data))
	if _, err := c.InspectRepository(context.Background(), "acme", "shop", InspectQuery{Label: "hotfix"}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("an error outside the rulesets: %v", err)
	}
}

// TestRulesFor: the rules of the active rulesets whose target and ref_name
// conditions take the ref.
func TestRulesFor(t *testing.T) {
	set := func(id int64, enforcement, target string, include, exclude []string, types ...string) Ruleset {
		rs := Ruleset{BranchRuleset: BranchRuleset{ID: id, Name: fmt.Sprint("set", id), Enforcement: enforcement, Include: include, Exclude: exclude}, Target: target}
		for _, typ := range types {
			rs.Rules = append(rs.Rules, Rule{Type: typ, ParamsRead: true})
		}
		return rs
	}
	sets := []Ruleset{
		set(1, "ACTIVE", "BRANCH", []string{"~DEFAULT_BRANCH"}, nil, "PULL_REQUEST", "MERGE_QUEUE"),
		set(2, "ACTIVE", "BRANCH", []string{"refs/heads/hotfix/**"}, []string{"refs/heads/hotfix/tmp"}, "CREATION"),
		set(3, "EVALUATE", "BRANCH", []string{"~ALL"}, nil, "UPDATE"),
		set(4, "ACTIVE", "TAG", []string{"refs/tags/v*"}, nil, "CREATION"),
		set(5, "ACTIVE", "TAG", []string{"~ALL"}, nil, "DELETION"),
		set(6, "ACTIVE", "PUSH", []string{"~ALL"}, nil, "FILE_PATH_RESTRICTION"),
		set(7, "ACTIVE", "BRANCH", []string{"~ALL"}, []string{"~DEFAULT_BRANCH"}, "NON_FAST_FORWARD"),
	}
	tests := []struct {
		ref, defaultBranch, want string
	}{
		{"refs/heads/main", "main", "1:PULL_REQUEST 1:MERGE_QUEUE"},
		{"refs/heads/main", "trunk", "7:NON_FAST_FORWARD"},
		{"refs/heads/hotfix/x", "main", "2:CREATION 7:NON_FAST_FORWARD"},
		{"refs/heads/hotfix/tmp", "main", "7:NON_FAST_FORWARD"},
		{"refs/heads/hotfix/a/b", "main", "7:NON_FAST_FORWARD"},
		{"refs/tags/v1.4.1", "main", "4:CREATION 5:DELETION"},
		{"refs/tags/1.4.1", "main", "5:DELETION"},
		{"refs/tags/main", "main", "5:DELETION"}, // ~DEFAULT_BRANCH names a branch
	}
	for _, tt := range tests {
		var got []string
		for _, ar := range RulesFor(sets, tt.ref, tt.defaultBranch) {
			got = append(got, fmt.Sprintf("%d:%s", ar.Ruleset.ID, ar.Type))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("RulesFor(%s, default %s) = %v, want %s", tt.ref, tt.defaultBranch, got, tt.want)
		}
	}
}

// protectionAnswer is a HotfixDoctor answer holding branch protection rules
// (repository.branchProtectionRules' nodes) and rulesets, and errors when given.
func protectionAnswer(protections, rulesets, errors string) string {
	s := `{"data":{"viewer":{"login":"monalisa"},"repository":{"viewerPermission":"ADMIN","defaultBranchRef":{"name":"main","rules":{"nodes":[]}},
	  "labels":{"nodes":[]},"workflows":null,"latestRelease":null,"rulesets":{"nodes":[` + rulesets + `]},
	  "branchProtectionRules":{"nodes":[` + protections + `]}}}`
	if errors != "" {
		s += `,"errors":[` + errors + `]`
	}
	return s + "}"
}

const mainProtection = `{"databaseId":3,"pattern":"main","requiresApprovingReviews":true,"requiredApprovingReviewCount":2,
  "requiresCodeOwnerReviews":true,"dismissesStaleReviews":true,"requireLastPushApproval":false,
  "requiresStatusChecks":true,"requiredStatusCheckContexts":["ci","lint"],"requiresStrictStatusChecks":true,
  "requiresLinearHistory":true,"isAdminEnforced":false,"lockBranch":false,"restrictsPushes":false,"blocksCreations":false}`

// A rule without required reviews answers requiredApprovingReviewCount null.
const hotfixProtection = `{"databaseId":4,"pattern":"hotfix/**/*","requiresApprovingReviews":false,"requiredApprovingReviewCount":null,
  "requiresCodeOwnerReviews":false,"dismissesStaleReviews":false,"requireLastPushApproval":false,
  "requiresStatusChecks":false,"requiredStatusCheckContexts":[],"requiresStrictStatusChecks":false,
  "requiresLinearHistory":false,"isAdminEnforced":true,"lockBranch":true,"restrictsPushes":true,"blocksCreations":true}`

// TestInspectProtections: the branch protection rules come with doctor's
// query (no request more); an error under repository.branchProtectionRules
// is theirs, one under repository.rulesets the rulesets', and both together
// leave the rest of the answer.
func TestInspectProtections(t *testing.T) {
	ruleErr := `{"path":["repository","rulesets","nodes",0,"rules"],"message":"rules unread"}`
	protErr := `{"path":["repository","branchProtectionRules"],"message":"protection unread"}`
	tests := []struct {
		name, data, want, wantRulesetsErr, wantProtErr string
	}{
		{"none", protectionAnswer("", "", ""), "", "", ""},
		{"main and hotfix branches", protectionAnswer(mainProtection+","+hotfixProtection, "", ""),
			"3 main reviews=true 2 owners=true stale=true last=false checks=true [ci lint] strict=true linear=true admins=false locked=false restricts=false creations=false\n" +
				"4 hotfix/**/* reviews=false 0 owners=false stale=false last=false checks=false [] strict=false linear=false admins=true locked=true restricts=true creations=true", "", ""},
		{"protection unread", protectionAnswer("", mainRuleset, protErr), "", "", "protection unread"},
		{"both unread", protectionAnswer(mainProtection, mainRuleset, ruleErr+","+protErr),
			"3 main reviews=true 2 owners=true stale=true last=false checks=true [ci lint] strict=true linear=true admins=false locked=false restricts=false creations=false",
			"rules unread", "protection unread"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixDoctor$`), httpmock.JSON(200, tt.data))
			in, err := c.InspectRepository(context.Background(), "acme", "shop", InspectQuery{Label: "hotfix"})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(reg.Requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if q := reg.Requests()[0].GraphQL.Query; !strings.Contains(q, "branchProtectionRules(first: 100)") {
				t.Errorf("the query does not read the branch protection rules:\n%s", q)
			}
			var got []string
			for _, p := range in.Protections {
				got = append(got, fmt.Sprintf("%d %s reviews=%v %d owners=%v stale=%v last=%v checks=%v %v strict=%v linear=%v admins=%v locked=%v restricts=%v creations=%v",
					p.ID, p.Pattern, p.Reviews, p.Approvals, p.CodeOwnerReview, p.DismissStale, p.LastPushApproval, p.Checks, p.Contexts, p.StrictChecks,
					p.LinearHistory, p.AdminEnforced, p.Locked, p.RestrictsPushes, p.BlocksCreations))
			}
			if strings.Join(got, "\n") != tt.want {
				t.Errorf("protections:\n%s\nwant:\n%s", strings.Join(got, "\n"), tt.want)
			}
			if in.DefaultBranch != "main" {
				t.Errorf("default branch %q: the rest of the answer is lost", in.DefaultBranch)
			}
			for _, e := range []struct {
				what string
				got  error
				want string
			}{{"RulesetsErr", in.RulesetsErr, tt.wantRulesetsErr}, {"ProtectionsErr", in.ProtectionsErr, tt.wantProtErr}} {
				switch {
				case e.want == "" && e.got != nil:
					t.Errorf("%s: %v", e.what, e.got)
				case e.want != "" && (e.got == nil || !strings.Contains(e.got.Error(), e.want)):
					t.Errorf("%s: %v, want %q", e.what, e.got, e.want)
				case e.want != "" && strings.Contains(e.got.Error(), map[bool]string{true: "protection unread", false: "rules unread"}[e.what == "RulesetsErr"]):
					t.Errorf("%s holds the other field's error: %v", e.what, e.got)
				}
			}
		})
	}

	// An error elsewhere, with one under the protection rules, is the query's.
	data := protectionAnswer("", "", protErr+`,{"path":["repository","labels"],"message":"boom"}`)
	c, _ := stubbed(t, httpmock.GraphQL(`^HotfixDoctor$`), httpmock.JSON(200, data))
	if _, err := c.InspectRepository(context.Background(), "acme", "shop", InspectQuery{Label: "hotfix"}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("an error outside the rules: %v", err)
	}
}

// TestProtectionFor: one rule applies to a branch: the oldest naming it,
// else the oldest pattern matching it (GitHub docs, "About protected branches").
func TestProtectionFor(t *testing.T) {
	rules := []Protection{
		{ID: 5, Pattern: "*"},
		{ID: 2, Pattern: "release/*"},
		{ID: 9, Pattern: "main"},
		{ID: 7, Pattern: "main"},
		{ID: 3, Pattern: "hotfix/**/*"},
		{ID: 1, Pattern: "r*"},
	}
	for _, tt := range []struct {
		branch string
		want   int64
	}{
		{"main", 7}, {"develop", 5}, {"release/v1.4", 2}, {"rc", 1}, {"hotfix/x", 3}, {"hotfix/a/b", 3}, {"feature/x", 0},
	} {
		var got int64
		if p := ProtectionFor(rules, tt.branch); p != nil {
			got = p.ID
		}
		if got != tt.want {
			t.Errorf("ProtectionFor(%s) = rule %d, want %d", tt.branch, got, tt.want)
		}
	}
}

// TestBranchPatternMatch: GitHub's examples ("About protected branches").
func TestBranchPatternMatch(t *testing.T) {
	for _, tt := range []struct {
		pattern, branch string
		want            bool
	}{
		{"main", "main", true},
		{"main", "main2", false},
		{"*release*", "pre-release-1", true},
		{"*", "main", true},
		{"*", "hotfix/x", false},
		{"qa/*", "qa/foo", true},
		{"qa/*", "qa/foo/bar", false},
		{"qa/**/*", "qa/foo/bar/foobar/hello-world", true},
		{"qa/**/*", "qa/foo", true},
		{"qa**/**/*", "qa-x/foo/bar", true},
		{"release/v*.*", "release/v1.4", true},
		{"release/v*.*", "release/v1", false},
		{"v[12].x", "v2.x", true},
		{"v[12].x", "v3.x", false},
		{"v?", "v1", true},
		{`a\*`, "a*", false},
		{`a\*`, `a\*`, true},
		{"", "", true},
	} {
		if got := BranchPatternMatch(tt.pattern, tt.branch); got != tt.want {
			t.Errorf("BranchPatternMatch(%q, %q) = %v, want %v", tt.pattern, tt.branch, got, tt.want)
		}
	}
}

// FuzzBranchPatternMatch: a pattern without wildcards matches exactly
// itself; "*" and "?" never match a "/"; a pattern always matches the name
// made of it with each "*" and "?" replaced by one letter.
func FuzzBranchPatternMatch(f *testing.F) {
	for _, s := range [][2]string{{"qa/*", "qa/foo"}, {"qa/**/*", "qa/a/b"}, {"*release*", "release"}, {"v[12]", "v1"}, {`a\b`, `a\b`}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, branch string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(branch) {
			t.Skip("branch names and patterns are text")
		}
		got := BranchPatternMatch(pattern, branch)
		if !strings.ContainsAny(pattern, `*?[\`) && got != (pattern == branch) {
			t.Errorf("BranchPatternMatch(%q, %q) = %v for a literal pattern", pattern, branch, got)
		}
		if !strings.ContainsAny(pattern, `[\/`) && strings.Contains(branch, "/") && got {
			t.Errorf("BranchPatternMatch(%q, %q): a pattern without / matched across one", pattern, branch)
		}
		if !strings.ContainsAny(pattern, `[\`) && !strings.Contains(pattern, "**") {
			name := strings.NewReplacer("*", "x", "?", "x").Replace(pattern)
			if !BranchPatternMatch(pattern, name) {
				t.Errorf("BranchPatternMatch(%q, %q) = false", pattern, name)
			}
		}
	})
}
