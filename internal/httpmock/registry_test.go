package httpmock

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// fakeT records what the registry reports instead of failing the real test.
type fakeT struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeT) finish() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

type call struct {
	method, url, body string
}

func gql(query string, vars string) call {
	return call{"POST", "https://api.github.com/graphql", fmt.Sprintf(`{"query":%q,"variables":%s}`, query, vars)}
}

func TestRegistry(t *testing.T) {
	tests := []struct {
		name     string
		register func(r *Registry)
		calls    []call
		want     []string // status and body of each answer, or "error: ..."
		wantErrs []string // in the reports to the test, in order
	}{
		{name: "REST once",
			register: func(r *Registry) { r.Register(REST("GET", "repos/o/r"), JSON(200, `{"a":1}`)) },
			calls:    []call{{"GET", "https://api.github.com/repos/o/r", ""}},
			want:     []string{`200 {"a":1}`}},
		{name: "REST on a server under /api/v3, leading slash",
			register: func(r *Registry) { r.Register(REST("get", "/repos/o/r"), JSON(200, map[string]int{"a": 1})) },
			calls:    []call{{"GET", "https://ghe.example.com/api/v3/repos/o/r?page=2", ""}},
			want:     []string{`200 {"a":1}`}},
		{name: "REST query string matched in any order",
			register: func(r *Registry) { r.Register(REST("GET", "repos/o/r/pulls?state=all&head=o:x"), JSON(200, `[]`)) },
			calls: []call{{"GET", "https://api.github.com/repos/o/r/pulls?head=o%3Ax&state=all", ""},
				{"GET", "https://api.github.com/repos/o/r/pulls?state=open&head=o:x", ""}},
			want:     []string{`200 []`, "error: httpmock: no stub for GET https://api.github.com/repos/o/r/pulls?state=open&head=o:x"},
			wantErrs: []string{"no stub for GET https://api.github.com/repos/o/r/pulls?state=open&head=o:x"}},
		{name: "once by default: the second request is unmatched",
			register: func(r *Registry) { r.Register(REST("DELETE", "repos/o/r/git/refs/heads/x"), StringResponse(204, "")) },
			calls:    []call{{"DELETE", "https://api.github.com/repos/o/r/git/refs/heads/x", ""}, {"DELETE", "https://api.github.com/repos/o/r/git/refs/heads/x", ""}},
			want:     []string{"204 ", "error: httpmock: no stub for DELETE https://api.github.com/repos/o/r/git/refs/heads/x"},
			wantErrs: []string{"no stub for DELETE"}},
		{name: "in order of registration",
			register: func(r *Registry) {
				r.Register(REST("GET", "x"), StringResponse(502, "first"))
				r.Register(REST("GET", "x"), StringResponse(200, "second"))
			},
			calls: []call{{"GET", "https://api.github.com/x", ""}, {"GET", "https://api.github.com/x", ""}},
			want:  []string{"502 first", "200 second"}},
		{name: "Times and Always",
			register: func(r *Registry) {
				r.Register(REST("GET", "x"), StringResponse(200, "two")).Times(2)
				r.Register(REST("GET", "x"), StringResponse(200, "then always")).Always()
			},
			calls: []call{{"GET", "https://api.github.com/x", ""}, {"GET", "https://api.github.com/x", ""}, {"GET", "https://api.github.com/x", ""}, {"GET", "https://api.github.com/x", ""}},
			want:  []string{"200 two", "200 two", "200 then always", "200 then always"}},
		{name: "unused stubs are listed",
			register: func(r *Registry) {
				r.Register(REST("GET", "used"), StringResponse(200, ""))
				r.Register(REST("GET", "never"), StringResponse(200, ""))
				r.Register(GraphQL("HotfixStatus"), JSON(200, `{}`)).Times(2)
				r.Register(REST("GET", "always"), StringResponse(200, "")).Always()
			},
			calls:    []call{{"GET", "https://api.github.com/used", ""}, gql("query HotfixStatus { x }", "{}")},
			want:     []string{"200 ", "200 {}"},
			wantErrs: []string{"3 stub(s) not used:\n  GET never (used 0 of 1 times)\n  GraphQL HotfixStatus (used 1 of 2 times)\n  GET always (any number of times, never used)"}},
		{name: "GraphQL by operation name or by the document",
			register: func(r *Registry) {
				r.Register(GraphQL(`^HotfixShip$`), JSON(200, `{"data":1}`))
				r.Register(GraphQL(`createCommitOnBranch`), JSON(200, `{"data":2}`))
			},
			calls: []call{gql("mutation HotfixCommitFiles($i: X!) { createCommitOnBranch(input: $i) { x } }", "{}"), gql("query HotfixShip { x }", "{}")},
			want:  []string{`200 {"data":2}`, `200 {"data":1}`}},
		{name: "an unmatched GraphQL request names its operation",
			register: func(r *Registry) { r.Register(GraphQL(`HotfixShip`), JSON(200, `{}`)) },
			calls:    []call{gql("query HotfixStatus { x }", "{}"), gql("{ viewer { login } }", "{}"), gql("query HotfixShip { x }", "{}")},
			want: []string{"error: httpmock: no stub for POST https://api.github.com/graphql (GraphQL HotfixStatus)",
				"error: httpmock: no stub for POST https://api.github.com/graphql (GraphQL anonymous)", "200 {}"},
			wantErrs: []string{"(GraphQL HotfixStatus)", "(GraphQL anonymous)"}},
		{name: "a GraphQL matcher never matches REST",
			register: func(r *Registry) {
				r.Register(GraphQL(`.`), JSON(200, `{}`)).Always()
				r.Register(REST("POST", "repos/o/r/issues"), JSON(201, `{}`))
			},
			calls: []call{{"POST", "https://api.github.com/repos/o/r/issues", `{"query":"x"}`}, gql("query Q { x }", "{}")},
			want:  []string{"201 {}", "200 {}"}},
		{name: "GraphQLQuery sees the variables",
			register: func(r *Registry) {
				r.Register(GraphQL(`HotfixPull`), GraphQLQuery(`{"data":{}}`, func(q string, vars map[string]any) {
					if !strings.HasPrefix(q, "query HotfixPull") || vars["number"] != float64(7) {
						panic(fmt.Sprintf("query %q, variables %v", q, vars))
					}
				}))
			},
			calls: []call{gql("query HotfixPull($number: Int!) { x }", `{"number":7}`)},
			want:  []string{`200 {"data":{}}`}},
		{name: "GraphQLFunc answers from the variables",
			register: func(r *Registry) {
				r.Register(GraphQL(`HotfixPull`), GraphQLFunc(func(_ string, vars map[string]any) any {
					return map[string]any{"data": map[string]any{"n": vars["number"]}}
				})).Times(2)
			},
			calls: []call{gql("query HotfixPull { x }", `{"number":7}`), gql("query HotfixPull { x }", `{"number":8}`)},
			want:  []string{`200 {"data":{"n":7}}`, `200 {"data":{"n":8}}`}},
		{name: "a transport error",
			register: func(r *Registry) { r.Register(REST("POST", "x"), Error(errors.New("connection reset"))) },
			calls:    []call{{"POST", "https://api.github.com/x", "{}"}},
			want:     []string{"error: connection reset"}},
		{name: "no stubs: every request fails",
			register: func(*Registry) {},
			calls:    []call{{"GET", "https://api.github.com/user", ""}},
			want:     []string{"error: httpmock: no stub for GET https://api.github.com/user"},
			wantErrs: []string{"no stub for GET https://api.github.com/user"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeT{}
			reg := New(ft)
			tt.register(reg)
			var got []string
			for _, c := range tt.calls {
				req, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := reg.RoundTrip(req)
				if err != nil {
					got = append(got, "error: "+err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				got = append(got, fmt.Sprintf("%d %s", resp.StatusCode, b))
				if resp.Request != req {
					t.Errorf("the answer does not point at its request")
				}
				// The body is still there for whoever reads the request after the registry.
				if b, _ := io.ReadAll(req.Body); string(b) != c.body {
					t.Errorf("request body afterwards %q, want %q", b, c.body)
				}
			}
			ft.finish()
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("answers\n%q\nwant\n%q", got, tt.want)
			}
			if len(ft.errs) != len(tt.wantErrs) {
				t.Fatalf("reported %q, want %d reports like %q", ft.errs, len(tt.wantErrs), tt.wantErrs)
			}
			for i, want := range tt.wantErrs {
				if !strings.Contains(ft.errs[i], want) {
					t.Errorf("report %d %q, want it to contain %q", i, ft.errs[i], want)
				}
			}
			reqs := reg.Requests()
			if len(reqs) != len(tt.calls) {
				t.Fatalf("%d requests recorded, want %d", len(reqs), len(tt.calls))
			}
			for i, c := range tt.calls {
				if reqs[i].Method != c.method || reqs[i].URL.String() != c.url || !bytes.Equal(reqs[i].Body, []byte(c.body)) {
					t.Errorf("request %d recorded as %s %q, want %s %s %q", i, reqs[i], reqs[i].Body, c.method, c.url, c.body)
				}
			}
		})
	}
}

func TestResponderHeaders(t *testing.T) {
	reg := New(t)
	reg.Register(REST("GET", "x"), JSON(403, `{}`, http.Header{"retry-after": {"3"}}))
	reg.Register(REST("GET", "y"), StringResponse(200, "ok", http.Header{"X-Oauth-Scopes": {"repo"}}, http.Header{"Content-Type": {"text/html"}}))
	resp, err := reg.Client().Get("https://api.github.com/x")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Retry-After") != "3" || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" || resp.StatusCode != 403 {
		t.Errorf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	resp, err = reg.Client().Get("https://api.github.com/y")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("X-Oauth-Scopes") != "repo" || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("headers %v", resp.Header)
	}
}
