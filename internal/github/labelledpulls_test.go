package github

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestLabelledPulls(t *testing.T) {
	page := func(total int, next string, numbers ...int) string {
		var nodes []string
		for _, n := range numbers {
			nodes = append(nodes, fmt.Sprintf(`{"number":%d,"state":"OPEN","headRefName":"hotfix/%d","headRepositoryOwner":{"login":"acme"}}`, n, n))
		}
		return fmt.Sprintf(`{"data":{"repository":{"pullRequests":{"totalCount":%d,"pageInfo":{"hasNextPage":%v,"endCursor":%q},"nodes":[%s]}}}}`,
			total, next != "", next, strings.Join(nodes, ","))
	}
	withConfig := `{"data":{"repository":{"defaultBranchRef":{"name":"trunk"},"config":{"text":"label:\n  name: urgent\n"},` +
		`"pullRequests":{"totalCount":1,"pageInfo":{"hasNextPage":false,"endCursor":""},"nodes":[{"number":3}]}}}}`
	tests := []struct {
		name       string
		q          LabelledPullsQuery
		pages      []string
		want       []int
		wantTotal  int
		wantConfig *RemoteFile
		wantVars   []string // per request: first, after, states, withConfig
		wantErr    error
	}{
		{"one page, open", LabelledPullsQuery{Label: "hotfix", States: []string{"OPEN"}, Limit: 30},
			[]string{page(2, "", 2, 1)}, []int{2, 1}, 2, nil, []string{"30 <nil> [OPEN] false"}, nil},
		{"two pages up to the limit", LabelledPullsQuery{Label: "hotfix", Limit: 101, WithComments: true, CommentsLimit: 50},
			[]string{page(300, "c1", 3, 2), page(300, "c2", 1)}, []int{3, 2, 1}, 300, nil,
			[]string{"100 <nil> <nil> false", "99 c1 <nil> false"}, nil},
		{"the config on the first page only", LabelledPullsQuery{Label: "hotfix", Limit: 30, ConfigPath: ".github/hotfix.yml"},
			[]string{withConfig}, []int{3}, 1, &RemoteFile{Branch: "trunk", Text: "label:\n  name: urgent\n"}, []string{"30 <nil> <nil> true"}, nil},
		{"repository not found", LabelledPullsQuery{Label: "hotfix", Limit: 30},
			[]string{`{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve"}]}`},
			nil, 0, nil, []string{"30 <nil> <nil> false"}, ErrRepositoryNotFound},
		{"another failure", LabelledPullsQuery{Label: "hotfix", Limit: 30},
			[]string{`{"data":null,"errors":[{"type":"FORBIDDEN","message":"Resource not accessible"}]}`},
			nil, 0, nil, []string{"30 <nil> <nil> false"}, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var answers []httpmock.Responder
			for _, p := range tt.pages {
				answers = append(answers, httpmock.JSON(200, p))
			}
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixStatus$`), answers...)
			got, err := c.LabelledPulls(context.Background(), "acme", "shop", tt.q)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr == ErrRepositoryNotFound && err != nil && IsNotFound(err) {
				t.Errorf("the error should be ErrRepositoryNotFound, not GitHub's NOT_FOUND itself")
			}
			if got != nil {
				var numbers []int
				for _, p := range got.Pulls {
					numbers = append(numbers, p.Number)
				}
				if fmt.Sprint(numbers) != fmt.Sprint(tt.want) || got.Total != tt.wantTotal {
					t.Errorf("pulls %v of %d, want %v of %d", numbers, got.Total, tt.want, tt.wantTotal)
				}
				if fmt.Sprint(got.Config) != fmt.Sprint(tt.wantConfig) {
					t.Errorf("config %+v, want %+v", got.Config, tt.wantConfig)
				}
			}
			var vars []string
			for _, sent := range reg.Requests() {
				r := sent.GraphQL
				vars = append(vars, fmt.Sprint(r.Variables["first"], " ", r.Variables["after"], " ", r.Variables["states"], " ", r.Variables["withConfig"]))
				if r.Variables["labels"] == nil || fmt.Sprint(r.Variables["labels"]) != "[hotfix]" {
					t.Errorf("labels %v, want [hotfix]", r.Variables["labels"])
				}
				if got := strings.Contains(r.Query, "comments(last: 50)"); got != tt.q.WithComments {
					t.Errorf("comments asked: %v, want %v", got, tt.q.WithComments)
				}
			}
			if strings.Join(vars, "|") != strings.Join(tt.wantVars, "|") {
				t.Errorf("variables %q, want %q", vars, tt.wantVars)
			}
		})
	}
}

func TestLabelledPullHeadLabel(t *testing.T) {
	p := LabelledPull{HeadRefName: "hotfix/x"}
	if got := p.HeadLabel(); got != "hotfix/x" {
		t.Errorf("without owner: %q", got)
	}
	p.HeadRepositoryOwner = &struct{ Login string }{"hubot"}
	if got := p.HeadLabel(); got != "hubot:hotfix/x" {
		t.Errorf("with owner: %q", got)
	}
}
