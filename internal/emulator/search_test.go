package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseSearchQuery(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		q       string
		want    string // fmt of the parts checked, or the error
		wantErr bool
	}{
		{q: `org:acme is:pr is:open label:hotfix sort:created-desc`, want: "pr open <nil> [acme] [] [[hotfix]] created desc"},
		{q: `repo:acme/shop repo:Acme/API type:pr is:merged label:"needs review","hotfix"`, want: "pr  true [] [acme/shop acme/api] [[needs review hotfix]]  "},
		{q: `user:monalisa is:issue state:closed -label:wontfix`, want: "issue closed <nil> [monalisa] [] []  "},
		{q: `is:pr is:unmerged sort:updated-asc`, want: "pr  false [] [] [] updated asc"},
		{q: `is:pr is:locked`, wantErr: true},
		{q: `is:pr review:approved`, wantErr: true},
		{q: `is:pr sort:comments`, wantErr: true},
		{q: `is:pr merged:yesterday`, wantErr: true},
		{q: `is:pr -repo:acme/shop`, wantErr: true},
		{q: `merged:>=2026-12-01`, want: "  [] [] [] >=" + day.Format(time.RFC3339)},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			sq, err := parseSearchQuery(tt.q)
			if tt.wantErr {
				if err == nil || !strings.HasPrefix(err.Error(), "emulator: ") {
					t.Fatalf("error %v, want one saying what the emulator does not implement", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			merged := "<nil>"
			if sq.merged != nil {
				merged = fmt.Sprint(*sq.merged)
			}
			got := fmt.Sprint(sq.kind, " ", sq.state, " ", merged, " ", sq.owners, " ", sq.repos, " ", sq.labels, " ", sq.sortField, " ", sq.sortBy)
			if len(sq.mergedAt) > 0 {
				got = fmt.Sprint(sq.kind, " ", sq.state, " ", sq.owners, " ", sq.repos, " ", sq.labels, " ")
				for _, b := range sq.mergedAt {
					got += b.op + b.at.Format(time.RFC3339)
				}
			}
			if got != tt.want {
				t.Errorf("parsed %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseDateBounds(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	tests := []struct {
		v        string
		in, out  []string // times inside and outside the bounds
		wantErrs bool
	}{
		{v: ">=2026-12-01", in: []string{"2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"}, out: []string{"2026-11-30T23:59:59Z"}},
		{v: ">2026-12-01", in: []string{"2026-12-02T00:00:00Z"}, out: []string{"2026-12-01T23:00:00Z"}},
		{v: "<2026-12-01", in: []string{"2026-11-30T23:59:59Z"}, out: []string{"2026-12-01T00:00:00Z"}},
		{v: "<=2026-12-01", in: []string{"2026-12-01T23:59:59Z"}, out: []string{"2026-12-02T00:00:00Z"}},
		{v: "2026-12-01", in: []string{"2026-12-01T12:00:00Z"}, out: []string{"2026-12-02T00:00:00Z", "2026-11-30T12:00:00Z"}},
		{v: "2026-12-01..2026-12-03", in: []string{"2026-12-01T00:00:00Z", "2026-12-03T23:00:00Z"}, out: []string{"2026-12-04T00:00:00Z"}},
		{v: "2026-12-01..*", in: []string{"2030-01-01T00:00:00Z"}, out: []string{"2026-11-01T00:00:00Z"}},
		{v: ">=2026-12-01T10:00:00Z", in: []string{"2026-12-01T10:00:00Z"}, out: []string{"2026-12-01T09:59:59Z"}},
		{v: ">=last-week", wantErrs: true},
	}
	for _, tt := range tests {
		t.Run(tt.v, func(t *testing.T) {
			b, err := parseDateBounds(strings.ToLower(tt.v))
			if (err != nil) != tt.wantErrs {
				t.Fatalf("error %v, want one: %v", err, tt.wantErrs)
			}
			for _, s := range tt.in {
				if at := d(s); !allHold(b, &at) {
					t.Errorf("%s is outside %s", s, tt.v)
				}
			}
			for _, s := range tt.out {
				if at := d(s); allHold(b, &at) {
					t.Errorf("%s is inside %s", s, tt.v)
				}
			}
		})
	}
}

// searchWorld is the organization acme (repositories shop and api), the user
// repository monalisa/solo and the organization other (repository web), with:
// acme/shop #1 open (hotfix), #2 merged (hotfix), #3 closed unmerged (hotfix),
// #4 open (no label), #5 an issue (hotfix); acme/api #1 open draft (hotfix,
// urgent); monalisa/solo #1 open (hotfix); other/web #1 open (hotfix).
func searchWorld(t *testing.T) *testServer {
	ts := newTestServer(t)
	for _, o := range []string{"acme", "other"} {
		ts.must(201, ts.do("POST", "/admin/organizations", map[string]any{"login": o, "admin": "monalisa"}, nil))
	}
	repo := func(create, full string) {
		ts.must(201, ts.do("POST", create, map[string]any{"name": strings.Split(full, "/")[1]}, nil))
		ts.putFile(full, "main", "README.md", "# "+full)
	}
	repo("/orgs/acme/repos", "acme/shop")
	repo("/orgs/acme/repos", "acme/api")
	repo("/user/repos", "monalisa/solo")
	repo("/orgs/other/repos", "other/web")
	ts.searchPull("acme/shop", "hotfix/a", false, "hotfix")
	ts.searchPull("acme/shop", "hotfix/b", false, "hotfix")
	ts.must(200, ts.do("PUT", "/repos/acme/shop/pulls/2/merge", map[string]any{}, nil))
	ts.searchPull("acme/shop", "hotfix/c", false, "hotfix")
	ts.must(200, ts.do("PATCH", "/repos/acme/shop/pulls/3", map[string]any{"state": "closed"}, nil))
	ts.searchPull("acme/shop", "feature/d", false)
	ts.must(201, ts.do("POST", "/repos/acme/shop/issues", map[string]any{"title": "Login is down", "labels": []string{"hotfix"}}, nil))
	ts.searchPull("acme/api", "hotfix/e", true, "hotfix", "urgent")
	ts.searchPull("monalisa/solo", "hotfix/f", false, "hotfix")
	ts.searchPull("other/web", "hotfix/g", false, "hotfix")
	return ts
}

// putFile commits one file to a branch through the contents API.
func (ts *testServer) putFile(full, branch, path, content string) {
	ts.t.Helper()
	r := ts.do("PUT", "/repos/"+full+"/contents/"+path, map[string]any{"message": "add " + path,
		"content": base64.StdEncoding.EncodeToString([]byte(content)), "branch": branch}, nil)
	if r.status != 200 && r.status != 201 {
		ts.t.Fatalf("PUT contents: %d %s", r.status, r.body)
	}
}

// searchPull opens a pull request from a new branch head with one commit, titled "Fix HEAD", labelled.
func (ts *testServer) searchPull(full, head string, draft bool, labels ...string) {
	ts.t.Helper()
	main := ts.must(200, ts.do("GET", "/repos/"+full+"/git/ref/heads/main", nil, nil)).json(ts.t)
	sha := main["object"].(map[string]any)["sha"]
	ts.must(201, ts.do("POST", "/repos/"+full+"/git/refs", map[string]any{"ref": "refs/heads/" + head, "sha": sha}, nil))
	ts.putFile(full, head, strings.ReplaceAll(head, "/", "-")+".txt", head)
	pr := ts.must(201, ts.do("POST", "/repos/"+full+"/pulls", map[string]any{"title": "Fix " + head, "head": head, "base": "main", "draft": draft}, nil)).json(ts.t)
	if len(labels) > 0 {
		ts.must(200, ts.do("POST", fmt.Sprintf("/repos/%s/issues/%v/labels", full, pr["number"]), map[string]any{"labels": labels}, nil))
	}
}

// TestSearchIssues runs the same searches through GraphQL's search and REST's
// GET /search/issues: both find the same issues and pull requests, newest
// first, and count them.
func TestSearchIssues(t *testing.T) {
	ts := searchWorld(t)
	defer ts.conforming()
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	tests := []struct {
		name, q string
		want    string // repository#number, in order
	}{
		{"an organization's open hotfix PRs", "org:acme is:pr is:open label:hotfix", "acme/api#1 acme/shop#1"},
		{"oldest first", "org:acme is:pr is:open label:hotfix sort:created-asc", "acme/shop#1 acme/api#1"},
		{"two organizations", "org:acme org:other is:pr is:open label:hotfix", "other/web#1 acme/api#1 acme/shop#1"},
		{"repositories", "repo:acme/shop repo:monalisa/solo is:pr label:hotfix", "monalisa/solo#1 acme/shop#3 acme/shop#2 acme/shop#1"},
		{"a user's repositories", "user:monalisa label:hotfix", "monalisa/solo#1"},
		{"merged", "org:acme is:pr is:merged label:hotfix", "acme/shop#2"},
		{"merged since yesterday", "org:acme is:pr is:merged merged:>=" + yesterday, "acme/shop#2"},
		{"merged from tomorrow on", "org:acme is:pr is:merged merged:>=" + tomorrow, ""},
		{"closed unmerged", "org:acme is:pr is:closed is:unmerged label:hotfix", "acme/shop#3"},
		{"issues too without is:pr", "repo:acme/shop label:hotfix is:open", "acme/shop#5 acme/shop#1"},
		{"issues only", "org:acme is:issue", "acme/shop#5"},
		{"labels: all of them", "org:acme label:hotfix label:urgent", "acme/api#1"},
		{"labels: either", "org:acme is:pr is:open label:urgent,nothing", "acme/api#1"},
		{"label excluded", "org:acme is:pr is:open label:hotfix -label:urgent", "acme/shop#1"},
		{"drafts", "org:acme is:pr draft:true", "acme/api#1"},
		{"not drafts", "org:acme is:pr is:open draft:false", "acme/shop#4 acme/shop#1"},
		{"branches", "org:acme is:pr head:feature/d base:main", "acme/shop#4"},
		{"words in the title", "org:acme fix hotfix/c", "acme/shop#3"},
		{"an author", "org:other author:monalisa", "other/web#1"},
		{"nothing", "org:nobody is:pr", ""},
	}
	const doc = `query($q: String!, $first: Int, $after: String) {
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount repositoryCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on PullRequest { number repository { nameWithOwner } }
      ... on Issue { number repository { nameWithOwner } }
    }
  }
}`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, msg := ts.gqlData(doc, map[string]any{"q": tt.q, "first": 100})
			if msg != "" {
				t.Fatalf("GraphQL: %s", msg)
			}
			conn := data["search"].(map[string]any)
			var got []string
			for _, n := range conn["nodes"].([]any) {
				m := n.(map[string]any)
				got = append(got, fmt.Sprintf("%s#%v", m["repository"].(map[string]any)["nameWithOwner"], m["number"]))
			}
			if strings.Join(got, " ") != tt.want || conn["issueCount"] != float64(len(got)) || conn["repositoryCount"] != float64(0) {
				t.Errorf("GraphQL found %q (issueCount %v), want %q", got, conn["issueCount"], tt.want)
			}

			rest := ts.must(200, ts.do("GET", "/search/issues?per_page=100&q="+url.QueryEscape(tt.q), nil, nil)).json(t)
			got = nil
			for _, it := range rest["items"].([]any) {
				m := it.(map[string]any)
				full := strings.TrimPrefix(m["repository_url"].(string), apiURL+"/repos/")
				got = append(got, fmt.Sprintf("%s#%v", full, m["number"]))
				if _, pr := m["pull_request"]; pr != strings.Contains(m["html_url"].(string), "/pull/") {
					t.Errorf("item %v: pull_request and html_url disagree", m["html_url"])
				}
			}
			if strings.Join(got, " ") != tt.want || rest["total_count"] != float64(len(got)) || rest["incomplete_results"] != false {
				t.Errorf("REST found %q (total_count %v), want %q", got, rest["total_count"], tt.want)
			}
		})
	}
}

// TestSearchPages pages GraphQL's search with first/after and REST's with
// per_page/page: issueCount and total_count count every match on each page.
func TestSearchPages(t *testing.T) {
	ts := searchWorld(t)
	defer ts.conforming()
	const doc = `query($after: String) {
  search(query: "is:pr label:hotfix", type: ISSUE, first: 2, after: $after) {
    issueCount pageInfo { hasNextPage endCursor } nodes { ... on PullRequest { number } }
  }
}`
	var pages []string
	var after any
	for range 5 {
		data, msg := ts.gqlData(doc, map[string]any{"after": after})
		if msg != "" {
			t.Fatal(msg)
		}
		conn := data["search"].(map[string]any)
		pages = append(pages, fmt.Sprint(len(conn["nodes"].([]any)), "/", conn["issueCount"]))
		info := conn["pageInfo"].(map[string]any)
		if info["hasNextPage"] != true {
			break
		}
		after = info["endCursor"]
	}
	if strings.Join(pages, " ") != "2/6 2/6 2/6" {
		t.Errorf("GraphQL pages %q, want three pages of 2 of 6", pages)
	}
	r := ts.must(200, ts.do("GET", "/search/issues?q=is%3Apr+label%3Ahotfix&per_page=4&page=2", nil, nil))
	if b := r.json(t); len(b["items"].([]any)) != 2 || b["total_count"] != float64(6) || strings.Contains(r.header.Get("Link"), `rel="next"`) {
		t.Errorf("REST page 2: %d items of %v", len(b["items"].([]any)), b["total_count"])
	}
}

// TestSearchRefusals: what GitHub refuses, and what the emulator does not
// serve, which is recorded as its own conformance gap.
func TestSearchRefusals(t *testing.T) {
	tests := []struct {
		name, path string
		status     int
		message    string
		recorded   bool // recorded as a conformance failure: of the request, or a gap of the emulator
	}{
		{"no q: the description requires it", "/search/issues", 422, "", true},
		{"an empty q", "/search/issues?q=", 422, "Validation Failed", false},
		{"a qualifier not implemented", "/search/issues?q=is%3Apr+review%3Aapproved", 422, "emulator: the search qualifier review: is not implemented", true},
		{"a sort not implemented", "/search/issues?q=is%3Apr&sort=comments", 422, "emulator: the search sort comments is not implemented", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			r := ts.do("GET", tt.path, nil, nil)
			if r.status != tt.status || !strings.Contains(string(r.body), tt.message) {
				t.Errorf("%d %s, want %d %q", r.status, r.body, tt.status, tt.message)
			}
			if recorded := len(ts.srv.ConformanceFailures()) > 0; recorded != tt.recorded {
				t.Errorf("conformance failures %v, want some: %v", ts.srv.ConformanceFailures(), tt.recorded)
			}
		})
	}
	t.Run("GraphQL: a search type not implemented", func(t *testing.T) {
		ts := newTestServer(t)
		_, msg := ts.gqlData(`{ search(query: "acme", type: REPOSITORY, first: 1) { repositoryCount } }`, nil)
		if !strings.Contains(msg, "emulator: search of type REPOSITORY is not implemented") || len(ts.srv.ConformanceFailures()) == 0 {
			t.Errorf("message %q, failures %v", msg, ts.srv.ConformanceFailures())
		}
	})
}

// TestCommentViewerDidAuthor: IssueComment.viewerDidAuthor (which gh pr view
// --json comments asks for) is true for the viewer's own comments only.
func TestCommentViewerDidAuthor(t *testing.T) {
	ts := orgWorld(t)
	defer ts.conforming()
	ts.must(201, ts.do("POST", "/repos/acme/shop/issues/1/comments", map[string]any{"body": "mine"}, nil))
	ts.must(201, ts.as("hubot-token", "POST", "/repos/acme/shop/issues/1/comments", map[string]any{"body": "hubot's"}))
	tests := []struct {
		viewer string // token
		want   string
	}{
		{"", "mine:true hubot's:false"},
		{"hubot-token", "mine:false hubot's:true"},
	}
	const doc = `{"query": "{ repository(owner: \"acme\", name: \"shop\") { pullRequest(number: 1) { comments(first: 10) { nodes { body viewerDidAuthor } } } } }"}`
	for _, tt := range tests {
		t.Run(tt.viewer, func(t *testing.T) {
			var hdr map[string]string
			if tt.viewer != "" {
				hdr = map[string]string{"Authorization": "token " + tt.viewer}
			}
			r := ts.must(200, ts.do("POST", "/graphql", json.RawMessage(doc), hdr))
			var out struct {
				Data struct {
					Repository struct {
						PullRequest struct {
							Comments struct {
								Nodes []struct {
									Body            string
									ViewerDidAuthor bool
								}
							}
						}
					}
				}
			}
			if err := json.Unmarshal(r.body, &out); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range out.Data.Repository.PullRequest.Comments.Nodes {
				got = append(got, fmt.Sprintf("%s:%v", n.Body, n.ViewerDidAuthor))
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %q, want %q (%s)", got, tt.want, r.body)
			}
		})
	}
}
