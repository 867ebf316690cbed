// Package httpmock owns the stub GitHub of unit tests: a Registry is the
// http.RoundTripper of the client under test, answering each request from the
// stubs registered on it (a matcher saying which request, a responder saying
// what to answer) and recording every request so tests can assert on them.
//
// A request no stub matches fails the test, naming its method, URL and, for
// GraphQL, its operation; a stub never used fails it too (Verify, which New
// registers with t.Cleanup). Tests that talk to the GitHub emulator over real
// HTTP (internal/emulator, internal/e2e) do not use this package.
package httpmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Registry is an http.RoundTripper answering from registered stubs. Stubs are
// tried in the order they were registered; the first that matches and has
// answers left answers. It is safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	t        testing.TB
	stubs    []*Stub
	requests []Request
}

// New returns an empty registry that fails t on any request no stub matches
// and, when t finishes, on any stub not used up (see Verify).
func New(t testing.TB) *Registry {
	t.Helper()
	r := &Registry{t: t}
	t.Cleanup(func() { r.Verify(t) })
	return r
}

// Client returns an http.Client whose transport is r.
func (r *Registry) Client() *http.Client { return &http.Client{Transport: r} }

// Register adds a stub answering, once, the first request m matches with what
// resp makes of it. Its Times and Always methods let it answer more often.
func (r *Registry) Register(m Matcher, resp Responder) *Stub {
	s := &Stub{matcher: m, responder: resp, times: 1}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stubs = append(r.stubs, s)
	return s
}

// Requests returns every request the registry received, matched or not, in
// the order they came.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Verify fails t listing every stub not used up: a once stub never used, a
// Times(n) stub used fewer than n times, an Always stub never used.
func (r *Registry) Verify(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var unused []string
	for _, s := range r.stubs {
		switch {
		case s.times < 0 && s.used == 0:
			unused = append(unused, s.matcher.String()+" (any number of times, never used)")
		case s.times > 0 && s.used < s.times:
			unused = append(unused, fmt.Sprintf("%s (used %d of %d times)", s.matcher, s.used, s.times))
		}
	}
	if len(unused) > 0 {
		t.Errorf("httpmock: %d stub(s) not used:\n  %s", len(unused), strings.Join(unused, "\n  "))
	}
}

// RoundTrip answers req from the first stub that matches it and has answers
// left. Without one it fails the test (when the registry has one) and returns
// an error, as a connection that cannot be made would.
func (r *Registry) RoundTrip(req *http.Request) (*http.Response, error) {
	rec, err := record(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.requests = append(r.requests, rec)
	var stub *Stub
	for _, s := range r.stubs {
		if (s.times < 0 || s.used < s.times) && s.matcher.match(&rec) {
			stub = s
			s.used++
			break
		}
	}
	t := r.t
	r.mu.Unlock()
	if stub == nil {
		err := fmt.Errorf("httpmock: no stub for %s", rec)
		if t != nil {
			t.Errorf("%v", err)
		}
		return nil, err
	}
	resp, err := stub.responder(&rec)
	if resp != nil {
		resp.Request = req
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		if resp.Body == nil {
			resp.Body = http.NoBody
		}
	}
	return resp, err
}

// Stub is one registered answer.
type Stub struct {
	matcher   Matcher
	responder Responder
	times     int // answers it may give; negative: any number
	used      int
}

// Times lets s answer n requests (at least one); Verify wants all n.
func (s *Stub) Times(n int) *Stub {
	s.times = max(n, 1)
	return s
}

// Always lets s answer any number of requests; Verify wants at least one.
func (s *Stub) Always() *Stub {
	s.times = -1
	return s
}

// Request is a request as the registry received it.
type Request struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte

	// GraphQL is set for a POST to a GraphQL endpoint with a JSON body.
	GraphQL *GraphQLRequest
}

// GraphQLRequest is the body of a GraphQL request.
type GraphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

var operation = regexp.MustCompile(`^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)`)

// Operation is the operation's name: the one sent, else the one the
// document names, else "anonymous".
func (g *GraphQLRequest) Operation() string {
	if g.OperationName != "" {
		return g.OperationName
	}
	if m := operation.FindStringSubmatch(g.Query); m != nil {
		return m[1]
	}
	return "anonymous"
}

// String names the request: method and URL, and the operation of a GraphQL one.
func (r Request) String() string {
	s := r.Method + " " + r.URL.String()
	if r.GraphQL != nil {
		s += " (GraphQL " + r.GraphQL.Operation() + ")"
	}
	return s
}

func record(req *http.Request) (Request, error) {
	rec := Request{Method: req.Method, URL: req.URL, Header: req.Header.Clone()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return rec, err
		}
		rec.Body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/graphql") {
		var g GraphQLRequest
		if json.Unmarshal(rec.Body, &g) == nil {
			rec.GraphQL = &g
		}
	}
	return rec, nil
}

// Matcher says which requests a stub answers.
type Matcher struct {
	desc  string
	match func(*Request) bool
}

func (m Matcher) String() string { return m.desc }

// REST matches a request with method whose path, relative to the API root
// (https://api.github.com/ or a server's /api/v3/), is path. A leading slash
// is optional. When path has a query string, the request's must hold the same
// parameters with the same values, in any order; without one, any query
// string matches.
func REST(method, path string) Matcher {
	p, rawQuery, withQuery := strings.Cut(strings.TrimPrefix(path, "/"), "?")
	want, err := url.ParseQuery(rawQuery)
	if err != nil {
		panic(fmt.Sprintf("httpmock.REST(%q, %q): %v", method, path, err))
	}
	return Matcher{
		desc: method + " " + path,
		match: func(r *Request) bool {
			if !strings.EqualFold(r.Method, method) || apiPath(r.URL) != p {
				return false
			}
			return !withQuery || sameQuery(r.URL.Query(), want)
		},
	}
}

// apiPath is u's path relative to the API root.
func apiPath(u *url.URL) string {
	p := strings.TrimPrefix(u.Path, "/")
	if rest, ok := strings.CutPrefix(p, "api/v3/"); ok {
		return rest
	}
	return p
}

func sameQuery(got, want url.Values) bool {
	if len(got) != len(want) {
		return false
	}
	for k, w := range want {
		g := got[k]
		if len(g) != len(w) {
			return false
		}
		for i := range w {
			if g[i] != w[i] {
				return false
			}
		}
	}
	return true
}

// GraphQL matches a GraphQL request whose operation name or query document
// the regular expression pattern matches.
func GraphQL(pattern string) Matcher {
	re := regexp.MustCompile(pattern)
	return Matcher{
		desc: "GraphQL " + pattern,
		match: func(r *Request) bool {
			return r.GraphQL != nil && (re.MatchString(r.GraphQL.Operation()) || re.MatchString(r.GraphQL.Query))
		},
	}
}

// Responder makes the answer to a matched request; an error is a failure at
// the transport (a reset connection, a lost answer).
type Responder func(*Request) (*http.Response, error)

// JSON answers status with body as JSON: a string or []byte is sent as it is,
// anything else encoded. Headers given are added to the Content-Type.
func JSON(status int, body any, header ...http.Header) Responder {
	var b []byte
	switch v := body.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			panic(fmt.Sprintf("httpmock.JSON: %v", err))
		}
	}
	return func(*Request) (*http.Response, error) {
		return response(status, "application/json; charset=utf-8", b, header), nil
	}
}

// StringResponse answers status with text as text/plain, with the headers given.
func StringResponse(status int, text string, header ...http.Header) Responder {
	return func(*Request) (*http.Response, error) {
		return response(status, "text/plain; charset=utf-8", []byte(text), header), nil
	}
}

// GraphQLQuery answers 200 with body (as JSON does) after passing the query
// and its variables to check, which may assert on them.
func GraphQLQuery(body any, check func(query string, vars map[string]any)) Responder {
	answer := JSON(http.StatusOK, body)
	return func(r *Request) (*http.Response, error) {
		if r.GraphQL == nil {
			return nil, fmt.Errorf("httpmock: %s is no GraphQL request", r)
		}
		check(r.GraphQL.Query, r.GraphQL.Variables)
		return answer(r)
	}
}

// GraphQLFunc answers 200 with the JSON encoding of what answer makes of the
// query and its variables.
func GraphQLFunc(answer func(query string, vars map[string]any) any) Responder {
	return func(r *Request) (*http.Response, error) {
		if r.GraphQL == nil {
			return nil, fmt.Errorf("httpmock: %s is no GraphQL request", r)
		}
		return JSON(http.StatusOK, answer(r.GraphQL.Query, r.GraphQL.Variables))(r)
	}
}

// Error fails the request at the transport with err.
func Error(err error) Responder {
	if err == nil {
		err = errors.New("httpmock: transport error")
	}
	return func(*Request) (*http.Response, error) { return nil, err }
}

func response(status int, contentType string, body []byte, headers []http.Header) *http.Response {
	h := http.Header{"Content-Type": {contentType}}
	for _, extra := range headers {
		for k, v := range extra {
			h[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
		}
	}
	return &http.Response{
		StatusCode:    status,
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}
