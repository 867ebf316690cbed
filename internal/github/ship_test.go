package github

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// ToPull reads who is asked now (reviewRequests), who was ever asked (the
// timeline's ReviewRequestedEvents: GitHub withdraws a team's request when its
// code review assignment asks members instead) and who has reviewed.
func TestToPullReadsReviewRequests(t *testing.T) {
	tests := []struct {
		name                           string
		json                           string
		reviewers, requested, reviewed []string
	}{
		{name: "nothing asked", json: `{}`},
		{name: "team replaced by a member",
			json: `{"reviewRequests": {"nodes": [{"requestedReviewer": {"__typename": "User", "login": "octocat"}}]},
			  "requestEvents": {"nodes": [
			    {"requestedReviewer": {"__typename": "Team", "slug": "on-call", "organization": {"login": "acme"}}},
			    {"requestedReviewer": {"__typename": "User", "login": "octocat"}},
			    {}]}}`,
			reviewers: []string{"octocat"}, requested: []string{"acme/on-call", "octocat"}},
		{name: "asked twice, reviewed since",
			json: `{"requestEvents": {"nodes": [
			    {"requestedReviewer": {"__typename": "User", "login": "hubot"}},
			    {"requestedReviewer": {"__typename": "User", "login": "Hubot"}},
			    {"requestedReviewer": null}]},
			  "latestReviews": {"nodes": [{"author": {"login": "hubot"}}, {"author": null}]}}`,
			requested: []string{"hubot"}, reviewed: []string{"hubot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a APIPull
			if err := json.Unmarshal([]byte(tt.json), &a); err != nil {
				t.Fatal(err)
			}
			p := a.ToPull()
			if !reflect.DeepEqual(p.Reviewers, tt.reviewers) || !reflect.DeepEqual(p.Requested, tt.requested) || !reflect.DeepEqual(p.Reviewed, tt.reviewed) {
				t.Errorf("reviewers %q, requested %q, reviewed %q; want %q, %q, %q", p.Reviewers, p.Requested, p.Reviewed, tt.reviewers, tt.requested, tt.reviewed)
			}
		})
	}
}

// ShipStateQuery reads the files asked for at the config's revision under
// aliases of the same request, and whether the repository has issues.
func TestShipStateQueryFiles(t *testing.T) {
	var query string
	var vars map[string]any
	c, _ := stubbed(t, httpmock.GraphQL(`^HotfixShip$`), httpmock.GraphQLQuery(`{"data": {"repository": {"id": "R_1", "hasIssuesEnabled": false,
		"config": {"text": "post_mortem:\n  template: docs/pm.md\n"},
		"file0": {"text": "# {{title}}"}, "file1": null, "file2": {}}}}`, func(q string, v map[string]any) { query, vars = q, v }))
	st, err := c.ShipStateQuery(context.Background(), ShipQuery{Owner: "acme", Name: "shop", Head: "hotfix/x", Base: "release/v1.4",
		ConfigRev: "main", ConfigPath: ".github/hotfix.yml", Files: []string{"docs/pm.md", ".github/gone.md", "docs"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"docs/pm.md": "# {{title}}"}; !reflect.DeepEqual(st.Files, want) {
		t.Errorf("files %q, want %q", st.Files, want)
	}
	if st.IssuesEnabled || st.Config == nil {
		t.Errorf("issues enabled %v, config %v", st.IssuesEnabled, st.Config)
	}
	for v, want := range map[string]string{"file0": "main:docs/pm.md", "file1": "main:.github/gone.md", "config": "main:.github/hotfix.yml"} {
		if got := vars[v]; got != want {
			t.Errorf("$%s = %v, want %s", v, got, want)
		}
	}
	for _, want := range []string{"$file2: String!", "file2: object(expression: $file2) { ... on Blob { text } }", "hasIssuesEnabled"} {
		if !strings.Contains(query, want) {
			t.Errorf("the query lacks %q:\n%s", want, query)
		}
	}
}
