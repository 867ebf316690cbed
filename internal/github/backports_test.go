package github

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestBackportSource(t *testing.T) {
	const pull = `{"id":"PR_42","number":42,"title":"Fix checkout","url":"https://github.com/acme/shop/pull/42","state":"MERGED","baseRefName":"main","body":"b",
		"comments":{"pageInfo":{"hasPreviousPage":%v,"startCursor":"Y3Vy"},"nodes":[{"databaseId":7,"body":"LGTM","createdAt":"2026-11-26T09:00:00Z"},{"databaseId":8,"body":"summary","createdAt":"2026-11-26T10:00:00Z"}]}}`
	tests := []struct {
		name     string
		answer   string
		want     string // number state base, comment IDs, earlier
		wantErr  error
		wantText string
	}{
		{"merged, two comments", `{"data":{"repository":{"pullRequest":` + fmt.Sprintf(pull, false) + `}}}`, "42 MERGED main [7 8] false", nil, ""},
		{"a busy thread", `{"data":{"repository":{"pullRequest":` + fmt.Sprintf(pull, true) + `}}}`, "42 MERGED main [7 8] true", nil, ""},
		{"no such pull request", `{"data":{"repository":{"pullRequest":null}},"errors":[{"type":"NOT_FOUND","path":["repository","pullRequest"],"message":"Could not resolve to a PullRequest with the number of 42."}]}`,
			"", ErrPullNotFound, "pull request not found: #42 in acme/shop"},
		{"no such repository", `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve to a Repository with the name 'acme/shop'."}]}`,
			"", ErrRepositoryNotFound, "repository not found: acme/shop"},
		{"another error", `{"data":null,"errors":[{"type":"FORBIDDEN","path":["repository"],"message":"Resource not accessible by integration"}]}`,
			"", errAny, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbedWith(t, stub{httpmock.GraphQL(`^HotfixBackportSource$`), httpmock.JSON(200, tt.answer)})
			got, err := c.BackportSource(context.Background(), "acme", "shop", 42)
			checkErr(t, err, tt.wantErr)
			if tt.wantText != "" && (err == nil || err.Error() != tt.wantText) {
				t.Errorf("error %v, want %q", err, tt.wantText)
			}
			if v := reg.Requests()[0].GraphQL.Variables; v["number"] != float64(42) || v["owner"] != "acme" || v["name"] != "shop" {
				t.Errorf("variables %v", v)
			}
			if q := reg.Requests()[0].GraphQL.Query; !strings.Contains(q, "comments(last: 100)") {
				t.Errorf("query lacks the last 100 comments:\n%s", q)
			}
			if err != nil {
				return
			}
			var ids []int64
			for _, c := range got.Comments {
				ids = append(ids, c.ID)
			}
			if s := fmt.Sprintf("%d %s %s %v %v", got.Number, got.State, got.BaseRefName, ids, got.HasEarlier); s != tt.want {
				t.Errorf("got %s, want %s", s, tt.want)
			}
			if got.HasEarlier && got.EarlierCursor != "Y3Vy" {
				t.Errorf("cursor %q", got.EarlierCursor)
			}
		})
	}
}

func TestBackportPulls(t *testing.T) {
	pull := func(n int, state string) string {
		merge := "null"
		if state == "MERGED" {
			merge = `{"oid":"m` + fmt.Sprint(n) + `","checkSuites":{"nodes":[{"status":"COMPLETED","conclusion":"SUCCESS","workflowRun":{"databaseId":9,"url":"https://github.com/acme/shop/actions/runs/9"}}]}}`
		}
		return fmt.Sprintf(`{"number":%d,"url":"https://github.com/acme/shop/pull/%d","state":%q,"isDraft":false,"headRefOid":"abc","body":"b","mergeStateStatus":"CLEAN","mergeCommit":%s,"comments":{"nodes":[{"body":"c%d","createdAt":"2026-11-26T09:00:00Z"}]}}`,
			n, n, state, merge, n)
	}
	tests := []struct {
		name    string
		numbers []int
		answer  string // "" when no request is expected
		want    []int
		wantErr error
	}{
		{"nothing to read", nil, "", nil, nil},
		{"three lines", []int{57, 58, 59}, `{"data":{"repository":{"pr0":` + pull(57, "MERGED") + `,"pr1":` + pull(58, "OPEN") + `,"pr2":` + pull(59, "CLOSED") + `}}}`,
			[]int{57, 58, 59}, nil},
		{"a number the repository does not have", []int{57, 99}, `{"data":{"repository":{"pr0":` + pull(57, "OPEN") + `,"pr1":null}},"errors":[{"type":"NOT_FOUND","path":["repository","pr1"],"message":"Could not resolve to a PullRequest with the number of 99."}]}`,
			[]int{57}, nil},
		{"repository gone", []int{57}, `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve"}]}`, nil, ErrRepositoryNotFound},
		{"forbidden", []int{57}, `{"data":null,"errors":[{"type":"FORBIDDEN","path":["repository"],"message":"no"}]}`, nil, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stubs []stub
			if tt.answer != "" {
				stubs = append(stubs, stub{httpmock.GraphQL(`^HotfixBackportPulls$`), httpmock.JSON(200, tt.answer)})
			}
			c, reg := stubbedWith(t, stubs...)
			got, err := c.BackportPulls(context.Background(), "acme", "shop", tt.numbers)
			checkErr(t, err, tt.wantErr)
			var numbers []int
			for n := range got {
				numbers = append(numbers, n)
			}
			slices.Sort(numbers)
			if fmt.Sprint(numbers) != fmt.Sprint(tt.want) {
				t.Errorf("pull requests %v, want %v", numbers, tt.want)
			}
			if tt.answer == "" {
				if len(reg.Requests()) != 0 {
					t.Errorf("requests %v, want none", reg.Requests())
				}
				return
			}
			if len(reg.Requests()) != 1 {
				t.Fatalf("requests %v, want one", reg.Requests())
			}
			req := reg.Requests()[0].GraphQL
			for i, n := range tt.numbers {
				if v := req.Variables[fmt.Sprintf("n%d", i)]; v != float64(n) {
					t.Errorf("$n%d = %v, want %d", i, v, n)
				}
				if !strings.Contains(req.Query, fmt.Sprintf("pr%d: pullRequest(number: $n%d) {", i, i)) {
					t.Errorf("query lacks pr%d:\n%s", i, req.Query)
				}
			}
			if !strings.Contains(req.Query, "comments(last: 50)") {
				t.Errorf("query lacks the last 50 comments:\n%s", req.Query)
			}
			if p := got[57]; p != nil {
				if len(p.Comments) != 1 || p.Comments[0].Body != "c57" || p.Comments[0].CreatedAt.IsZero() {
					t.Errorf("comments of #57: %+v", p.Comments)
				}
			}
		})
	}
}

func TestBackportPullRunProgress(t *testing.T) {
	c, _ := stubbedWith(t, stub{httpmock.GraphQL(`^HotfixBackportPulls$`), httpmock.JSON(200,
		`{"data":{"repository":{"pr0":{"number":57,"state":"MERGED","mergeCommit":{"oid":"m","checkSuites":{"nodes":[
			{"status":"COMPLETED","conclusion":"SUCCESS","workflowRun":null},
			{"status":"IN_PROGRESS","conclusion":null,"workflowRun":{"databaseId":9,"url":"u"}}]}},"comments":{"nodes":[]}},
		  "pr1":{"number":58,"state":"OPEN","mergeCommit":null,"comments":{"nodes":[]}}}}}`)})
	got, err := c.BackportPulls(context.Background(), "acme", "shop", []int{57, 58})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n    int
		id   int64
		want string
	}{{57, 9, "in_progress  true"}, {57, 10, "  false"}, {57, 0, "  false"}, {58, 9, "  false"}} {
		s, c, ok := got[tc.n].RunProgress(tc.id)
		if g := fmt.Sprintf("%s %s %v", s, c, ok); g != tc.want {
			t.Errorf("#%d RunProgress(%d) = %q, want %q", tc.n, tc.id, g, tc.want)
		}
	}
}

func TestOnlyNotFound(t *testing.T) {
	if onlyNotFound(errors.New("plain")) {
		t.Error("a plain error is not a GraphQL NOT_FOUND")
	}
}
