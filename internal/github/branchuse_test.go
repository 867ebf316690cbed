package github

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestBranchUseQuery(t *testing.T) {
	fields, decls, vars := branchUseQuery("team/hotfix/x")
	for _, want := range []string{"$useBranch: String!", "$useBelow: String!", "$useUp0: String!", "$useUp1: String!"} {
		if !strings.Contains(decls, want) {
			t.Errorf("declarations %q lack %q", decls, want)
		}
	}
	if vars["useUp0"] != "refs/heads/team" || vars["useUp1"] != "refs/heads/team/hotfix" || vars["useBelow"] != "refs/heads/team/hotfix/x/" {
		t.Errorf("variables = %v", vars)
	}
	if !strings.Contains(fields, "up1: ref(qualifiedName: $useUp1)") {
		t.Errorf("fields do not ask for the second parent:\n%s", fields)
	}
	if q := withBranchUse("query Q($owner: String! #useDecls\n) { #useFields\n}", "", map[string]any{}); strings.Contains(q, "$useBranch") {
		t.Errorf("no branch, yet the query asks about one: %s", q)
	}
}

func TestBranchUse(t *testing.T) {
	const tip = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name   string
		answer string
		want   BranchUse
		mine   bool
	}{
		{"free", `{"useViewer":{"login":"mona"},"use":{"branch":null,"below":{"nodes":[]},"up0":null}}`,
			BranchUse{Name: "hotfix/x", Viewer: "mona"}, false},
		{"someone else's pull request",
			`{"useViewer":{"login":"mona"},"use":{"branch":{"target":{"oid":"` + tip + `","author":{"user":{"login":"mona"}}},
			"associatedPullRequests":{"nodes":[{"number":7,"title":"Hotfix: x","state":"OPEN","url":"u","author":{"login":"hubot"}}]}},"below":{"nodes":[]},"up0":null}}`,
			BranchUse{Name: "hotfix/x", Viewer: "mona", Exists: true, Tip: tip, TipAuthor: "mona",
				Pull: &BranchPull{Number: 7, Title: "Hotfix: x", State: "OPEN", URL: "u", Author: "hubot"}}, false},
		{"own commits, no pull request",
			`{"useViewer":{"login":"mona"},"use":{"branch":{"target":{"oid":"` + tip + `","author":{"user":{"login":"mona"}}},
			"associatedPullRequests":{"nodes":[]}},"below":{"nodes":[]},"up0":null}}`,
			BranchUse{Name: "hotfix/x", Viewer: "mona", Exists: true, Tip: tip, TipAuthor: "mona"}, true},
		{"an author who is no GitHub user",
			`{"useViewer":{"login":"mona"},"use":{"branch":{"target":{"oid":"` + tip + `","author":{"user":null}},
			"associatedPullRequests":{"nodes":[]}},"below":{"nodes":[]},"up0":null}}`,
			BranchUse{Name: "hotfix/x", Viewer: "mona", Exists: true, Tip: tip}, false},
		{"blocked above and below",
			`{"useViewer":{"login":"mona"},"use":{"branch":null,"below":{"nodes":[{"prefix":"refs/heads/hotfix/x/","name":"y"}]},"up0":{"prefix":"refs/heads/","name":"hotfix"}}}`,
			BranchUse{Name: "hotfix/x", Viewer: "mona", Blockers: []string{"hotfix", "hotfix/x/y"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := stubbed(t, httpmock.GraphQL(`^HotfixBranchUse$`), httpmock.JSON(200, `{"data":`+tt.answer+`}`))
			got, err := c.BranchUse(context.Background(), "acme", "shop", "hotfix/x")
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.want.Name || got.Exists != tt.want.Exists || got.Tip != tt.want.Tip || got.TipAuthor != tt.want.TipAuthor ||
				got.Viewer != tt.want.Viewer || !slices.Equal(got.Blockers, tt.want.Blockers) ||
				(got.Pull == nil) != (tt.want.Pull == nil) || (got.Pull != nil && *got.Pull != *tt.want.Pull) {
				t.Errorf("BranchUse = %+v (pull %+v); want %+v (pull %+v)", got, got.Pull, tt.want, tt.want.Pull)
			}
			if got.Mine() != tt.mine {
				t.Errorf("Mine() = %v, want %v", got.Mine(), tt.mine)
			}
		})
	}
}
