package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestEnsureBranch(t *testing.T) {
	sleep = func(context.Context, time.Duration) error { return nil }
	defer func() { sleep = Sleep }()
	const sha = "0123456789abcdef0123456789abcdef01234567"
	create, read := httpmock.REST("POST", "repos/acme/shop/git/refs"), httpmock.REST("GET", "repos/acme/shop/git/ref/heads/release/v1.4")
	exists := stub{create, httpmock.JSON(422, `{"message":"Reference already exists"}`)}
	refAt := func(s string) stub {
		return stub{read, httpmock.JSON(200, `{"ref":"refs/heads/release/v1.4","object":{"sha":"`+s+`","type":"commit"}}`)}
	}
	tests := []struct {
		name        string
		answers     []stub
		wantTip     string
		wantCreated bool
		wantErr     bool
	}{
		{"created", []stub{{create, httpmock.JSON(201, `{}`)}}, sha, true, false},
		{"exists at the tag", []stub{exists, refAt(sha)}, sha, false, false},
		{"exists elsewhere", []stub{exists, refAt("fedcba")}, "fedcba", false, false},
		// The first answer is lost: the second attempt is refused, and reading back shows our ref.
		{"lost answer", []stub{{create, httpmock.Error(errors.New("connection reset"))}, exists, refAt(sha)}, sha, false, false},
		{"server error, then created", []stub{{create, httpmock.JSON(502, `{}`)}, {create, httpmock.JSON(201, `{}`)}}, sha, true, false},
		{"invalid sha", []stub{{create, httpmock.JSON(422, `{"message":"Object does not exist"}`)}, {read, httpmock.JSON(404, `{"message":"Not Found"}`)}}, "", false, true},
		{"forbidden", []stub{{create, httpmock.JSON(403, `{"message":"Resource not accessible"}`)}}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbedWith(t, tt.answers...)
			tip, created, err := c.EnsureBranch(context.Background(), "acme", "shop", "release/v1.4", sha)
			if (err != nil) != tt.wantErr || tip != tt.wantTip || created != tt.wantCreated {
				t.Errorf("EnsureBranch = %q, %v, %v; want %q, %v, error %v", tip, created, err, tt.wantTip, tt.wantCreated, tt.wantErr)
			}
			if n := len(reg.Requests()); n != len(tt.answers) {
				t.Errorf("%d requests, want %d", n, len(tt.answers))
			}
		})
	}
}

func TestTagsAndLatestRelease(t *testing.T) {
	latest := httpmock.REST("GET", "repos/acme/shop/releases/latest")
	c, _ := stubbedWith(t,
		stub{httpmock.REST("GET", "repos/acme/shop/git/matching-refs/tags/v1.4."),
			httpmock.JSON(200, `[{"ref":"refs/tags/v1.4.0","object":{"sha":"a"}},{"ref":"refs/tags/v1.4.1","object":{"sha":"b"}}]`)},
		stub{latest, httpmock.JSON(404, `{"message":"Not Found"}`)},
		stub{latest, httpmock.JSON(200, `{"tag_name":"v2.0.0"}`)})
	tags, err := c.Tags(context.Background(), "acme", "shop", "v1.4.")
	if err != nil || len(tags) != 2 || tags[0] != "v1.4.0" || tags[1] != "v1.4.1" {
		t.Errorf("Tags = %v, %v", tags, err)
	}
	if tag, err := c.LatestReleaseTag(context.Background(), "acme", "shop"); err != nil || tag != "" {
		t.Errorf("LatestReleaseTag without releases = %q, %v", tag, err)
	}
	if tag, err := c.LatestReleaseTag(context.Background(), "acme", "shop"); err != nil || tag != "v2.0.0" {
		t.Errorf("LatestReleaseTag = %q, %v", tag, err)
	}
}

// TestForwardPortStateSkipsForks: GitHub's headRefName filter also matches a fork's
// branch of the forward-port's name; such a pull request is not the forward-port
// ship pushed, so it is never taken for it (nor labelled, nor reported) (#13 h).
func TestForwardPortStateSkipsForks(t *testing.T) {
	pull := func(number int, state string, cross bool) string {
		return fmt.Sprintf(`{"id":"PR_%d","number":%d,"url":"u%d","state":%q,"baseRefName":"main","body":"","labels":{"nodes":[]},"isCrossRepository":%v}`,
			number, number, number, state, cross)
	}
	tests := []struct {
		name  string
		pulls []string
		want  []int
	}{
		{"a fork's only", []string{pull(7, "OPEN", true)}, nil},
		{"ours and a fork's", []string{pull(8, "OPEN", true), pull(5, "MERGED", false)}, []int{5}},
		{"ours", []string{pull(5, "OPEN", false)}, []int{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"data":{"repository":{"labels":{"nodes":[]},"ref0":{"target":{"oid":"abc","message":"m"}},"pulls0":{"nodes":[` + strings.Join(tt.pulls, ",") + `]},` +
				`"ref1":null,"pulls1":{"nodes":[]}}}}`
			c, _ := stubbed(t, httpmock.GraphQL(`^HotfixForwardPort$`), httpmock.JSON(200, body))
			st, err := c.ForwardPortState(context.Background(), "acme", "shop", []string{"hotfix/forward-port-x", "hotfix/forward-port-x-2"}, "forward-port")
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, p := range st.Pulls() {
				got = append(got, p.Number)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || len(st.Branches) != 2 || st.Branches[0].Tip != "abc" || st.Branches[0].TipMessage != "m" ||
				st.Branches[1].Name != "hotfix/forward-port-x-2" || st.Branches[1].Tip != "" {
				t.Errorf("pulls %v, branches %+v, want %v", got, st.Branches, tt.want)
			}
		})
	}
}

// TestUnreleasedHotfixesLeavesOutForwardPorts: a merged forward-port carries the
// hotfix label and no release, yet it is no hotfix to release (#22); a pull request
// only named like one is.
func TestUnreleasedHotfixesLeavesOutForwardPorts(t *testing.T) {
	node := func(number int, head, body string) string {
		b, _ := json.Marshal(body)
		return fmt.Sprintf(`{"number":%d,"title":"t%d","url":"u%d","headRefName":%q,"isCrossRepository":false,"body":%s,"mergeCommit":{"oid":"m%d"},"comments":{"nodes":[]}}`,
			number, number, number, head, b, number)
	}
	body := `{"data":{"repository":{"pullRequests":{"nodes":[` + strings.Join([]string{
		node(3, "hotfix/forward-port-login", "Forward-port of #2\n"+hotfix.ForwardPort{Of: 2}.Encode()),
		node(4, "hotfix/forward-port-cart", "A hotfix named like a forward-port"),
		node(5, "hotfix/search", "Fixes the search"),
	}, ",") + `]}}}}`
	c, _ := stubbed(t, httpmock.GraphQL(`^HotfixUnreleased$`), httpmock.JSON(200, body))
	list, err := c.UnreleasedHotfixes(context.Background(), "acme", "shop", "main", "hotfix", func(string, string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, u := range list {
		got = append(got, u.Number)
	}
	if fmt.Sprint(got) != "[4 5]" {
		t.Errorf("unreleased %v, want [4 5]", got)
	}
}
