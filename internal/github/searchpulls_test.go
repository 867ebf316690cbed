package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestSearchLabelledPulls(t *testing.T) {
	since := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	// conn is one kind's answer: its issueCount, next cursor ("" for none) and pull requests as repo#number.
	conn := func(count int, next string, pulls ...string) string {
		var nodes []string
		for _, p := range pulls {
			full, num, _ := strings.Cut(p, "#")
			owner, name, _ := strings.Cut(full, "/")
			nodes = append(nodes, fmt.Sprintf(`{"number":%s,"state":"OPEN","repository":{"name":%q,"owner":{"login":%q}}}`, num, name, owner))
		}
		return fmt.Sprintf(`{"issueCount":%d,"pageInfo":{"hasNextPage":%v,"endCursor":%q},"nodes":[%s]}`, count, next != "", next, strings.Join(nodes, ","))
	}
	answer := func(kinds map[string]string) string {
		var parts []string
		for _, k := range searchKinds {
			if c, ok := kinds[k]; ok {
				parts = append(parts, fmt.Sprintf("%q:%s", k, c))
			}
		}
		return `{"data":{` + strings.Join(parts, ",") + `}}`
	}
	tests := []struct {
		name      string
		q         PullSearch
		answers   []string
		want      string
		wantTotal int
		wantVars  []string // per request: first, and per kind asked for: its search and cursor
		wantErr   error
	}{
		{name: "open and merged of an organization, one request",
			q: PullSearch{Orgs: []string{"acme"}, Label: "hotfix", Open: true, MergedSince: since, Limit: 30, CommentsLimit: 50},
			answers: []string{answer(map[string]string{"open": conn(2, "", "acme/shop#3", "acme/api#9"),
				"merged": conn(1, "", "acme/web#2"), "closed": "null"})},
			want: "acme/shop#3 acme/api#9 acme/web#2", wantTotal: 3,
			wantVars: []string{"30 open=is:pr org:acme label:hotfix is:open sort:created-desc@ merged=is:pr org:acme label:hotfix is:merged merged:>=2026-11-30T09:00:00Z sort:created-desc@"}},
		{name: "repositories, a label with a space, every kind",
			q:       PullSearch{Repos: []string{"acme/shop", "octo/tools"}, Label: "hot fix", Open: true, MergedSince: since, ClosedSince: since, Limit: 5},
			answers: []string{answer(map[string]string{"open": conn(0, ""), "merged": conn(0, ""), "closed": conn(1, "", "octo/tools#4")})},
			want:    "octo/tools#4", wantTotal: 1,
			wantVars: []string{`5 open=is:pr repo:acme/shop repo:octo/tools label:"hot fix" is:open sort:created-desc@ ` +
				`merged=is:pr repo:acme/shop repo:octo/tools label:"hot fix" is:merged merged:>=2026-11-30T09:00:00Z sort:created-desc@ ` +
				`closed=is:pr repo:acme/shop repo:octo/tools label:"hot fix" is:closed is:unmerged closed:>=2026-11-30T09:00:00Z sort:created-desc@`}},
		{name: "a second page for the kind that has more, only",
			q: PullSearch{Orgs: []string{"acme"}, Label: "hotfix", Open: true, MergedSince: since, Limit: 3},
			answers: []string{answer(map[string]string{"open": conn(5, "c1", "acme/a#5", "acme/a#4"), "merged": conn(1, "", "acme/b#1")}),
				answer(map[string]string{"open": conn(5, "c2", "acme/a#3")})},
			want: "acme/a#5 acme/a#4 acme/a#3 acme/b#1", wantTotal: 6,
			wantVars: []string{"3 open=is:pr org:acme label:hotfix is:open sort:created-desc@ merged=is:pr org:acme label:hotfix is:merged merged:>=2026-11-30T09:00:00Z sort:created-desc@",
				"3 open=is:pr org:acme label:hotfix is:open sort:created-desc@c1"}},
		{name: "an issue among the nodes is left out",
			q:       PullSearch{Orgs: []string{"acme"}, Label: "hotfix", Open: true, Limit: 30},
			answers: []string{`{"data":{"open":{"issueCount":2,"pageInfo":{"hasNextPage":false},"nodes":[{},{"number":7,"repository":{"name":"shop","owner":{"login":"acme"}}}]}}}`},
			want:    "acme/shop#7", wantTotal: 2,
			wantVars: []string{"30 open=is:pr org:acme label:hotfix is:open sort:created-desc@"}},
		{name: "a failure",
			q:        PullSearch{Orgs: []string{"acme"}, Label: "hotfix", Open: true, Limit: 30},
			answers:  []string{`{"data":null,"errors":[{"type":"FORBIDDEN","message":"Resource not accessible"}]}`},
			wantVars: []string{"30 open=is:pr org:acme label:hotfix is:open sort:created-desc@"}, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var answers []httpmock.Responder
			for _, a := range tt.answers {
				answers = append(answers, httpmock.JSON(200, a))
			}
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixSearch$`), answers...)
			got, err := c.SearchLabelledPulls(context.Background(), tt.q)
			checkErr(t, err, tt.wantErr)
			if got != nil {
				var pulls []string
				for _, p := range got.Pulls {
					pulls = append(pulls, fmt.Sprintf("%s#%d", p.FullName(), p.Number))
				}
				if strings.Join(pulls, " ") != tt.want || got.Total != tt.wantTotal {
					t.Errorf("pulls %q of %d, want %q of %d", pulls, got.Total, tt.want, tt.wantTotal)
				}
			}
			var vars []string
			for _, sent := range reg.Requests() {
				v := sent.GraphQL.Variables
				s := fmt.Sprint(v["first"])
				for _, k := range searchKinds {
					if v[k+"Asked"] == true {
						after, _ := v[k+"After"].(string)
						s += fmt.Sprintf(" %s=%s@%s", k, v[k+"Query"], after)
					}
				}
				vars = append(vars, s)
				if q := sent.GraphQL.Query; !strings.Contains(q, "search(query: $openQuery, type: ISSUE") || !strings.Contains(q, "... on PullRequest") {
					t.Errorf("query without the search connection: %s", q)
				}
			}
			if strings.Join(vars, "|") != strings.Join(tt.wantVars, "|") {
				t.Errorf("requests\n%q\nwant\n%q", vars, tt.wantVars)
			}
		})
	}
	t.Run("no scope", func(t *testing.T) {
		c, _ := stubbed(t, httpmock.GraphQL(`^HotfixSearch$`))
		if _, err := c.SearchLabelledPulls(context.Background(), PullSearch{Label: "hotfix", Open: true, Limit: 30}); err == nil {
			t.Error("a search of no organization nor repository ran")
		}
	})
}
