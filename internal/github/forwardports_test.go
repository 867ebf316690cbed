package github

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestForwardPortCandidates(t *testing.T) {
	pull := func(n int) string {
		return fmt.Sprintf(`{"number":%d,"url":"u%d","state":"OPEN","baseRefName":"main","body":"b","isCrossRepository":false,"headRefOid":"abc","mergeStateStatus":"CLEAN"}`, n, n)
	}
	tests := []struct {
		name      string
		heads     [][]string
		data      string // "" when no request is expected
		want      [][]int
		wantAlias []string
		wantErr   error
	}{
		{"nothing to look for", nil, "", nil, nil, nil},
		{"two hotfixes, two names each",
			[][]string{{"forward/a", "forward/a-2"}, {"forward/b", "forward/b-2"}},
			`{"data":{"repository":{"fp0_0":{"nodes":[]},"fp0_1":{"nodes":[` + pull(31) + `]},"fp1_0":{"nodes":[` + pull(40) + `,` + pull(39) + `]},"fp1_1":{"nodes":[]}}}}`,
			[][]int{{31}, {40, 39}}, []string{"fp0_0", "fp0_1", "fp1_0", "fp1_1"}, nil},
		{"none found", [][]string{{"forward/a"}}, `{"data":{"repository":{"fp0_0":{"nodes":[]}}}}`, [][]int{nil}, []string{"fp0_0"}, nil},
		{"repository gone", [][]string{{"forward/a"}}, `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve"}]}`, nil, nil, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stubs []stub
			if tt.data != "" {
				stubs = append(stubs, stub{httpmock.GraphQL(`^HotfixForwardPorts$`), httpmock.JSON(200, tt.data)})
			}
			c, reg := stubbedWith(t, stubs...)
			got, err := c.ForwardPortCandidates(context.Background(), "acme", "shop", tt.heads)
			checkErr(t, err, tt.wantErr)
			var numbers [][]int
			for _, cands := range got {
				var ns []int
				for _, p := range cands {
					ns = append(ns, p.Number)
				}
				numbers = append(numbers, ns)
			}
			if fmt.Sprint(numbers) != fmt.Sprint(tt.want) {
				t.Errorf("candidates %v, want %v", numbers, tt.want)
			}
			if tt.data == "" {
				return
			}
			req := reg.Requests()[0].GraphQL
			for n, names := range tt.heads {
				for k, h := range names {
					if v := req.Variables[fmt.Sprintf("h%d_%d", n, k)]; v != h {
						t.Errorf("$h%d_%d = %v, want %s", n, k, v, h)
					}
				}
			}
			for _, a := range tt.wantAlias {
				if !strings.Contains(req.Query, a+": pullRequests(headRefName: $h"+a[2:]+", first: 10,") {
					t.Errorf("query lacks %s:\n%s", a, req.Query)
				}
			}
		})
	}
}
