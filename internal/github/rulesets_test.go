package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// TestRefPatternMatch: ruleset patterns are fnmatch with FNM_PATHNAME, as
// GitHub's docs describe them ("releases/**/*" targets every branch under
// releases/).
func TestRefPatternMatch(t *testing.T) {
	tests := []struct {
		pattern, ref string
		want         bool
	}{
		{"refs/heads/hotfix/**", "refs/heads/hotfix/login", true},
		{"refs/heads/hotfix/**", "refs/heads/hotfix/a/b", false}, // a trailing ** is a *
		{"refs/heads/hotfix/**/*", "refs/heads/hotfix/a/b", true},
		{"refs/heads/hotfix/**/*", "refs/heads/hotfix/login", true},
		{"refs/heads/hotfix/*", "refs/heads/hotfix/login", true},
		{"refs/heads/hotfix/*", "refs/heads/hotfix", false},
		{"refs/heads/hotfix*", "refs/heads/hotfix-login", true},
		{"refs/heads/hotfix*", "refs/heads/hotfix/login", false},
		{"refs/heads/release/v?.?", "refs/heads/release/v1.4", true},
		{"refs/heads/release/v[0-9].*", "refs/heads/release/v1.4", true},
		{"refs/heads/release/v[!0-9].*", "refs/heads/release/v1.4", false},
		{"refs/heads/main", "refs/heads/main", true},
		{"refs/heads/main", "refs/heads/mainline", false},
		{"refs/heads/a.b", "refs/heads/axb", false}, // a dot is a dot
		{"refs/heads/[oops", "refs/heads/[oops", false},
		{"refs/heads/hotfix/é*", "refs/heads/hotfix/éclair", true}, // a letter of several bytes is itself
		{"refs/heads/v\\é", "refs/heads/vé", true},
	}
	for _, tt := range tests {
		if got := RefPatternMatch(tt.pattern, tt.ref); got != tt.want {
			t.Errorf("RefPatternMatch(%q, %q) = %v, want %v", tt.pattern, tt.ref, got, tt.want)
		}
	}
}

// FuzzRefPatternMatch: a pattern without wildcards matches exactly itself,
// and no pattern panics.
func FuzzRefPatternMatch(f *testing.F) {
	for _, s := range []string{"refs/heads/hotfix/**", "refs/heads/a.b", "[x", "**/*", `a\*b`} {
		f.Add(s, "refs/heads/hotfix/x")
	}
	f.Fuzz(func(t *testing.T, pattern, ref string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(ref) {
			return // ref names and patterns reach us in JSON: UTF-8
		}
		got := RefPatternMatch(pattern, ref)
		if !strings.ContainsAny(pattern, `*?[\`) && got != (pattern == ref) {
			t.Errorf("RefPatternMatch(%q, %q) = %v for a literal pattern", pattern, ref, got)
		}
	})
}

// TestCreationRestricted: only an active ruleset with a creation rule whose
// conditions take the branch restricts creating it.
func TestCreationRestricted(t *testing.T) {
	hotfixes := BranchRuleset{ID: 1, Name: "hotfixes", Enforcement: "ACTIVE", Include: []string{"refs/heads/hotfix/**"}, RestrictsCreation: true}
	evaluate := hotfixes
	evaluate.Enforcement = "EVALUATE"
	noCreation := hotfixes
	noCreation.RestrictsCreation = false
	excluded := hotfixes
	excluded.Exclude = []string{"refs/heads/hotfix/ok-*"}
	all := BranchRuleset{ID: 2, Name: "everything", Enforcement: "ACTIVE", Include: []string{"~ALL"}, RestrictsCreation: true}
	def := BranchRuleset{ID: 3, Name: "default", Enforcement: "ACTIVE", Include: []string{"~DEFAULT_BRANCH"}, RestrictsCreation: true}
	tests := []struct {
		name   string
		sets   []BranchRuleset
		branch string
		want   string
	}{
		{"matching active creation rule", []BranchRuleset{hotfixes}, "hotfix/login", "hotfixes"},
		{"other prefix", []BranchRuleset{hotfixes}, "fix/login", ""},
		{"evaluate mode does not block", []BranchRuleset{evaluate}, "hotfix/login", ""},
		{"no creation rule", []BranchRuleset{noCreation}, "hotfix/login", ""},
		{"excluded", []BranchRuleset{excluded}, "hotfix/ok-login", ""},
		{"~ALL", []BranchRuleset{noCreation, all}, "hotfix/login", "everything"},
		{"~DEFAULT_BRANCH only", []BranchRuleset{def}, "hotfix/login", ""},
		{"~DEFAULT_BRANCH on main", []BranchRuleset{def}, "main", "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CreationRestricted(tt.sets, tt.branch, "main")
			name := ""
			if got != nil {
				name = got.Name
			}
			if name != tt.want {
				t.Errorf("CreationRestricted = %q, want %q", name, tt.want)
			}
		})
	}
}

// TestFromTagFactsRulesets: the branch rulesets come with the one FromTagFacts
// query; rulesets the token may not read leave the branches to GitHub's own
// refusal instead of failing the query.
func TestFromTagFactsRulesets(t *testing.T) {
	sets := `"branchRulesets":{"nodes":[{"databaseId":7,"name":"release lines","enforcement":"ACTIVE",` +
		`"conditions":{"refName":{"include":["refs/heads/release/**"],"exclude":[]}},"creation":{"totalCount":1}}]}`
	tests := []struct {
		name   string
		answer string
		want   string
	}{
		{"read", `{"data":{"repository":{"defaultBranchRef":{"name":"main"},"tag":{"target":{"__typename":"Commit","oid":"abc"}},` + sets + `}}}`,
			`[{7 release lines ACTIVE [refs/heads/release/**] [] true}]`},
		{"not readable", `{"data":{"repository":{"defaultBranchRef":{"name":"main"},"tag":{"target":{"__typename":"Commit","oid":"abc"}},"branchRulesets":null}},` +
			`"errors":[{"type":"FORBIDDEN","path":["repository","branchRulesets"],"message":"Resource not accessible by integration"}]}`, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixFromTag$`), httpmock.JSON(200, tt.answer))
			f, err := c.FromTagFacts(context.Background(), "acme", "shop", FromTagQuery{Tag: "v1.4.0", Maintenance: "release/v1.4"})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(f.Rulesets); got != tt.want {
				t.Errorf("rulesets %s, want %s", got, tt.want)
			}
			if f.TagCommit != "abc" || len(reg.Requests()) != 1 || !strings.Contains(reg.Requests()[0].GraphQL.Query, "branchRulesets: rulesets(") {
				t.Errorf("tag %q, %d requests", f.TagCommit, len(reg.Requests()))
			}
			if rs := CreationRestricted(f.Rulesets, "release/v1.4", f.DefaultBranch); (rs != nil) != (tt.name == "read") {
				t.Errorf("CreationRestricted(release/v1.4) = %v", rs)
			}
		})
	}
}
