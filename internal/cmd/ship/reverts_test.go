package ship

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestWithReverts(t *testing.T) {
	for _, tt := range []struct {
		body string
		n    int
		want string
	}{
		{"Mine", 0, "Mine"},
		{"Mine\n", 4, "Mine\n\nReverts #4\n"},
		{"This reverts #4 for now", 4, "This reverts #4 for now"},
		{"Reverts #40", 4, "Reverts #40\n\nReverts #4\n"},
		{"Fixes #2\n", 4, "Fixes #2\n\nReverts #4\n"},
	} {
		if got := withReverts(tt.body, tt.n); got != tt.want {
			t.Errorf("withReverts(%q, %d) = %q, want %q", tt.body, tt.n, got, tt.want)
		}
	}
}

// TestReadBodyOfARevert: the default body of a revert links the reverted pull
// request, as a body of one's own does.
func TestReadBodyOfARevert(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	s := &shipper{opts: &ShipOptions{}, ios: ios, meta: hotfix.Meta{Description: "Revert #4: Fix login", Reverts: 4}}
	got, err := s.readBody(context.Background())
	if err != nil || !strings.Contains(got, "**What broke:** Revert #4: Fix login") || !strings.HasSuffix(got, "\n\nReverts #4\n") {
		t.Errorf("body %q, %v", got, err)
	}
	s.opts.Body = "Undo it"
	if got, _ := s.readBody(context.Background()); got != "Undo it\n\nReverts #4\n" {
		t.Errorf("--body: %q", got)
	}
}

// TestNoteReverted: ship notes the revert on the reverted pull request once:
// not when a note of this pull request is there already (a note posted by a
// ship whose record was lost), and never once recorded with the branch.
func TestNoteReverted(t *testing.T) {
	for _, tt := range []struct {
		name     string
		comments []any
		wantPost bool
	}{
		{"no note yet", []any{map[string]any{"databaseId": 1, "body": "LGTM"}}, true},
		{"another revert's note", []any{map[string]any{"databaseId": 1, "body": hotfix.RevertNote(8, "u")}}, true},
		{"noted already", []any{map[string]any{"databaseId": 1, "body": hotfix.RevertNote(9, "u")}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
				t.Fatalf("git init: %v %s", err, out)
			}
			reg := httpmock.New(t)
			reg.Register(httpmock.GraphQL("HotfixPull"), httpmock.JSON(200, map[string]any{"data": map[string]any{"node": map[string]any{
				"id": "PR_4", "number": 4, "comments": map[string]any{"nodes": tt.comments, "pageInfo": map[string]any{"hasPreviousPage": false}}}}}))
			if tt.wantPost {
				reg.Register(httpmock.GraphQL("HotfixComment"), httpmock.GraphQLQuery(map[string]any{"data": map[string]any{"addComment": map[string]any{}}},
					func(_ string, vars map[string]any) {
						if vars["subject"] != "PR_4" || !hotfix.HasRevertNote(vars["body"].(string), 9) || !strings.Contains(vars["body"].(string), "Reverted** by #9") {
							t.Errorf("comment %v", vars)
						}
					}))
			}
			ios, _, _, _ := iostreams.Test()
			g := &git.Client{Dir: dir}
			s := &shipper{opts: &ShipOptions{}, ios: ios, cs: ios.ColorScheme(), g: g, branch: "hotfix/revert-4-fix-login",
				gh:   github.NewClient(&http.Client{Transport: reg}, "github.com"),
				meta: hotfix.Meta{Description: "Revert #4: Fix login", Reverts: 4, RevertsID: "PR_4"},
				pr:   &github.PullRequest{Number: 9, URL: "https://github.com/acme/shop/pull/9"}}
			st := noteReverted{}
			if !st.applies(s) || st.done(s) {
				t.Fatalf("applies %v, done %v", st.applies(s), st.done(s))
			}
			if err := st.run(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			m, _, err := hotfix.LoadMeta(context.Background(), g, s.branch)
			if err != nil || !m.RevertNoted || !st.done(s) {
				t.Errorf("not recorded: %+v, %v", m, err)
			}
		})
	}
}
