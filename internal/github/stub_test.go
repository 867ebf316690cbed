package github

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// routeStub is a small stub registry for the tests of this package: each stub
// matches one request (REST by method and path with its query, GraphQL by the
// operation named in the document) and answers it once, in the order
// registered. A request that no stub matches fails the test, and so does a
// stub left unused (verify). It records every request it is sent. (A local
// stand-in until the shared internal/httpmock registry replaces it.)
type routeStub struct {
	t        *testing.T
	mu       sync.Mutex
	stubs    []*stubRoute
	requests []stubRequest
}

type stubRoute struct {
	method, target string // "POST", "graphql:HotfixDoctor"; or "GET", "/repos/o/r/...?x=y"
	status         int
	header         http.Header
	body           string
	used           bool
}

// stubRequest is one request the stub was sent.
type stubRequest struct {
	Method, Target string
	Query          string         // the GraphQL document
	Vars           map[string]any // the GraphQL variables
}

func newRouteStub(t *testing.T) *routeStub {
	s := &routeStub{t: t}
	t.Cleanup(s.verify)
	return s
}

// rest registers an answer to method on path (with its query string, if any).
func (s *routeStub) rest(method, path string, status int, body string, header ...string) *routeStub {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	s.stubs = append(s.stubs, &stubRoute{method: method, target: path, status: status, header: h, body: body})
	return s
}

// graphql registers an answer to the GraphQL operation named op.
func (s *routeStub) graphql(op string, body string) *routeStub {
	s.stubs = append(s.stubs, &stubRoute{method: "POST", target: "graphql:" + op, status: 200, header: http.Header{}, body: body})
	return s
}

func (s *routeStub) client() *Client {
	return NewClient(&http.Client{Transport: s}, "github.com")
}

func (s *routeStub) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := stubRequest{Method: r.Method, Target: r.URL.EscapedPath()}
	if r.URL.RawQuery != "" {
		req.Target += "?" + r.URL.RawQuery
	}
	if r.URL.Path == "/graphql" {
		var q struct {
			Query     string
			Variables map[string]any
		}
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			s.t.Fatalf("GraphQL request: %v", err)
		}
		req.Query, req.Vars = q.Query, q.Variables
		op := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q.Query), "query"))
		if i := strings.IndexAny(op, "( {"); i >= 0 {
			op = op[:i]
		}
		req.Target = "graphql:" + op
	}
	s.requests = append(s.requests, req)
	for _, st := range s.stubs {
		if !st.used && st.method == req.Method && st.target == req.Target {
			st.used = true
			h := st.header.Clone()
			h.Set("Content-Type", "application/json; charset=utf-8")
			return &http.Response{StatusCode: st.status, Header: h, Body: io.NopCloser(strings.NewReader(st.body)), Request: r}, nil
		}
	}
	s.t.Errorf("no stub for %s %s", req.Method, req.Target)
	return &http.Response{StatusCode: 404, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"message":"Not Found"}`)), Request: r}, nil
}

func (s *routeStub) verify() {
	for _, st := range s.stubs {
		if !st.used {
			s.t.Errorf("stub for %s %s not used", st.method, st.target)
		}
	}
}
