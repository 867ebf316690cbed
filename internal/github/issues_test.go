package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestIssueWithMarker(t *testing.T) {
	const marker = "<!-- gh-hotfix:post-mortem pr=7 -->"
	page := func(next bool, bodies ...string) httpmock.Responder {
		var nodes []string
		for i, b := range bodies {
			nodes = append(nodes, fmt.Sprintf(`{"number":%d,"url":"u%d","body":%q}`, i+1, i+1, b))
		}
		return httpmock.JSON(200, fmt.Sprintf(`{"data":{"repository":{"issues":{"nodes":[%s],"pageInfo":{"hasNextPage":%v,"endCursor":"c"}}}}}`,
			strings.Join(nodes, ","), next))
	}
	full := make([]httpmock.Responder, issueSearchPages)
	for i := range full {
		full[i] = page(true, "unrelated")
	}
	tests := []struct {
		name    string
		answers []httpmock.Responder
		want    int // the number found; 0 none
		wantErr bool
	}{
		{"on the first page", []httpmock.Responder{page(false, "x", "text\n"+marker+"\n")}, 2, false},
		{"on the second page", []httpmock.Responder{page(true, "x"), page(false, marker)}, 1, false},
		{"another pull request's post-mortem", []httpmock.Responder{page(false, "<!-- gh-hotfix:post-mortem pr=70 -->")}, 0, false},
		{"none", []httpmock.Responder{page(false)}, 0, false},
		{"more pages than it reads", full, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixIssuesSince$`), tt.answers...)
			got, err := c.IssueWithMarker(context.Background(), "acme", "shop", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), marker)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			found := 0
			if got != nil {
				found = got.Number
			}
			if found != tt.want {
				t.Errorf("found #%d, want #%d (0: none)", found, tt.want)
			}
			if n := len(reg.Requests()); n != len(tt.answers) {
				t.Errorf("%d requests, want %d", n, len(tt.answers))
			}
		})
	}
}
