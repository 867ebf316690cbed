// Package github is gh-hotfix's GitHub API client: REST and GraphQL over one
// authenticated http.Client (built by go-gh, so host, token and GH_DEBUG work
// exactly as in gh), with every request counted so the cost of a command is visible.
// Every request the product makes is a named method here (CreateFacts,
// ShipStateQuery, OpenPull, EnableAutoMerge, DispatchWorkflow, …) returning
// typed results, and GitHub's refusals are typed errors (ErrPullExists,
// ErrCleanStatus, ErrWorkflowDisabled, *RateLimitError, …): commands never spell
// a path or a query, nor match GitHub's words. Retries, rate limits and
// conditional polling live here too.
package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
)

// Client talks to one GitHub host.
type Client struct {
	// Notice, when set, receives the one line said while a rate limit is waited
	// out (until when); commands print it on stderr.
	Notice func(line string)

	http          *http.Client
	host          string
	restBase      string // with trailing slash
	graphqlURL    string
	endpointErr   error                  // why go-gh gave no URLs for host; every request fails with it
	version       atomic.Pointer[string] // X-GitHub-Enterprise-Version of the first answer that had one
	assumed       string                 // the version an earlier command learnt (UseVersionCache)
	versionCache  VersionCache
	requests      atomic.Int64
	secondaryWait time.Duration // first wait after a secondary limit without retry-after
}

// DefaultTimeout bounds each request, so a stalled connection becomes a retry
// (or, for a request that may have acted, a check) instead of a hang.
const DefaultTimeout = 30 * time.Second

// NewClient returns a client for host using hc, which must add authentication
// (go-gh's api.NewHTTPClient does). A client without a timeout gets
// DefaultTimeout, or GH_HOTFIX_HTTP_TIMEOUT (a Go duration) when set.
//
// The host's API URLs are go-gh's (see [endpoints]); should go-gh refuse the
// host (an invalid api_host in gh's hosts.yml), every request fails with why.
func NewClient(hc *http.Client, host string) *Client {
	rest, gql, err := endpoints(host)
	if hc.Timeout == 0 {
		c := *hc
		c.Timeout = DefaultTimeout
		if d, err := time.ParseDuration(os.Getenv("GH_HOTFIX_HTTP_TIMEOUT")); err == nil && d > 0 {
			c.Timeout = d
		}
		hc = &c
	}
	return &Client{http: hc, host: host, restBase: rest, graphqlURL: gql, endpointErr: err, secondaryWait: secondaryWaitFromEnv()}
}

// endpoints returns the REST base (with its trailing slash) and the GraphQL
// URL go-gh uses for host: github.com and *.ghe.com have an api. subdomain,
// github.localhost is plain HTTP, GitHub Enterprise Server (and
// garage.github.com) serve /api/v3/ and /api/graphql on the host itself, and
// an api_host set for the host in gh's hosts.yml replaces the host name.
//
// go-gh keeps that mapping to itself (restPrefix and graphQLEndpoint in
// pkg/api are not exported, and its clients do not expose their URLs), so
// rather than copy it, which drifts as gh learns new kinds of hosts, this
// builds one REST and one GraphQL client for host with a dummy token and a
// transport that only records the URL each request is sent to and answers on
// the spot: nothing leaves the process, and the URLs are exactly go-gh's.
func endpoints(host string) (rest, graphql string, err error) {
	rec := &urlRecorder{}
	opts := api.ClientOptions{
		Host:         host,
		AuthToken:    "endpoint-resolution", // never sent anywhere: rec answers
		Transport:    rec,
		LogIgnoreEnv: true,
	}
	rc, err := api.NewRESTClient(opts)
	if err != nil {
		return "", "", err
	}
	if err := rc.Get("", nil); err != nil {
		return "", "", err
	}
	gc, err := api.NewGraphQLClient(opts)
	if err != nil {
		return "", "", err
	}
	if err := gc.Do("query{__typename}", nil, nil); err != nil {
		return "", "", err
	}
	if len(rec.urls) != 2 {
		return "", "", fmt.Errorf("resolving %s's API URLs: go-gh sent %d requests", host, len(rec.urls))
	}
	return rec.urls[0], rec.urls[1], nil
}

// urlRecorder is the RoundTripper endpoints resolves URLs with: it records
// each request's URL and answers an empty JSON object, with no network.
type urlRecorder struct{ urls []string }

func (r *urlRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.urls = append(r.urls, req.URL.String())
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(`{}`)),
		Request:    req,
	}, nil
}

// ErrBadAnswer reports an answer that is not the JSON GitHub sends (a proxy's
// error page, a truncated body).
var ErrBadAnswer = errors.New("GitHub answered with something that is not valid JSON")

// Requests reports how many HTTP requests this client has sent.
func (c *Client) Requests() int64 { return c.requests.Load() }

// Response is a REST answer that callers may need beyond the body.
type Response struct {
	Status int
	Header http.Header
}

// REST sends a REST request; body (if not nil) is JSON-encoded and out (if not nil)
// receives the decoded answer. Non-2xx answers return *api.HTTPError.
func (c *Client) REST(ctx context.Context, method, path string, body, out any) error {
	_, err := c.RESTWithHeaders(ctx, method, path, nil, body, out)
	return err
}

// idempotentHeader marks a request that may be sent again after a failure
// because a second effect is impossible (adding a label twice adds it once).
// It never leaves the process.
const idempotentHeader = "X-Gh-Hotfix-Idempotent"

// RESTIdempotent is REST for a POST or PATCH whose repetition has no further
// effect, so transport failures and 5xx answers are retried like a GET's.
func (c *Client) RESTIdempotent(ctx context.Context, method, path string, body, out any) error {
	_, err := c.RESTWithHeaders(ctx, method, path, http.Header{idempotentHeader: {"1"}}, body, out)
	return err
}

// RESTWithHeaders is REST with extra request headers, returning status and headers.
// A 304 answer to a conditional request is not an error: Status says 304 and out is untouched.
func (c *Client) RESTWithHeaders(ctx context.Context, method, path string, hdr http.Header, body, out any) (Response, error) {
	var raw []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Response{}, err
		}
		raw = b
	}
	u := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		u = c.restBase + strings.TrimPrefix(path, "/")
	}
	h := http.Header{}
	h.Set("Accept", "application/vnd.github+json")
	h.Set("X-GitHub-Api-Version", "2022-11-28")
	if body != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	idempotent := method == http.MethodGet || method == http.MethodHead || method == http.MethodPut || method == http.MethodDelete
	for k, v := range hdr {
		if k == idempotentHeader {
			idempotent = true
			continue
		}
		h[k] = v
	}
	resp, err := c.send(ctx, method, u, h, raw, idempotent, false)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	r := Response{Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode == http.StatusNotModified {
		return r, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return r, api.HandleHTTPError(resp)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body)
		return r, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return r, fmt.Errorf("%w: %s %s: %v", ErrBadAnswer, method, path, err)
	}
	return r, nil
}

// GraphQL runs a query or mutation; errors in the answer return *api.GraphQLError.
func (c *Client) GraphQL(ctx context.Context, query string, vars map[string]any, out any) error {
	return c.graphQL(ctx, query, vars, out, !strings.HasPrefix(strings.TrimSpace(query), "mutation"))
}

// GraphQLIdempotent runs a mutation whose repetition has no further effect
// (adding a label, requesting a review), retried like a query.
func (c *Client) GraphQLIdempotent(ctx context.Context, query string, vars map[string]any, out any) error {
	return c.graphQL(ctx, query, vars, out, true)
}

// graphQL fits a query to the server (see ghes.go) and sends it: pruned of the
// fields of features the server lacks, by the version its answers told, else
// the one it told an earlier command (VersionCache). When the answer tells a
// version other than the one the query was fitted to (the first command on a
// server older than the query; a server upgraded since), the query is fitted
// to the version told and sent once more, if that changes it. Mutations go
// out as written.
func (c *Client) graphQL(ctx context.Context, query string, vars map[string]any, out any, idempotent bool) error {
	known := c.ServerVersion()
	guess := known
	if guess == "" {
		guess = c.assumed
	}
	sent, sentVars := query, vars
	if guess != "" {
		sent, sentVars, _ = pruneQuery(query, vars, lackedFields(guess))
	}
	err := c.graphQLOnce(ctx, sent, sentVars, out, idempotent)
	told := c.ServerVersion()
	if known != "" || told == "" || told == guess {
		return err
	}
	if guess == "" && err != nil && !refusedForLacking(err, told) {
		return err
	}
	fitted, fittedVars, _ := pruneQuery(query, vars, lackedFields(told))
	if fitted == sent || strings.HasPrefix(strings.TrimSpace(query), "mutation") {
		return err
	}
	return c.graphQLOnce(ctx, fitted, fittedVars, out, idempotent)
}

// refusedForLacking reports whether a GraphQL answer refused the query only
// for naming what a server of version v lacks.
func refusedForLacking(err error, v string) bool {
	fields := undefinedFields(err)
	drop := lackedFields(v)
	if len(fields) == 0 || drop == nil {
		return false
	}
	for _, f := range fields {
		if !drop(f) {
			return false
		}
	}
	return true
}

func (c *Client) graphQLOnce(ctx context.Context, query string, vars map[string]any, out any, idempotent bool) error {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.send(ctx, http.MethodPost, c.graphqlURL, h, b, idempotent, true)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return api.HandleHTTPError(resp)
	}
	var envelope struct {
		Data   json.RawMessage        `json:"data"`
		Errors []api.GraphQLErrorItem `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&envelope); err != nil {
		return fmt.Errorf("%w: GraphQL: %v", ErrBadAnswer, err)
	}
	// Partial data comes with errors (e.g. one field NOT_FOUND): decode it anyway so
	// callers can decide whether the error matters.
	if out != nil && len(envelope.Data) > 0 && string(envelope.Data) != "null" {
		if err := json.Unmarshal(envelope.Data, out); err != nil {
			return fmt.Errorf("%w: GraphQL data: %v", ErrBadAnswer, err)
		}
	}
	if len(envelope.Errors) > 0 {
		return &api.GraphQLError{Errors: envelope.Errors}
	}
	return nil
}

// onlyAt reports whether every error of a GraphQL answer is at a path starting with prefix.
func onlyAt(err error, prefix ...string) bool {
	ge, ok := err.(*api.GraphQLError)
	if !ok {
		return false
	}
	for _, e := range ge.Errors {
		if len(e.Path) < len(prefix) {
			return false
		}
		for i, p := range prefix {
			if fmt.Sprint(e.Path[i]) != p {
				return false
			}
		}
	}
	return true
}

// onlyUnder reports whether every error of a GraphQL answer is at a path
// starting with one of paths.
func onlyUnder(err error, paths ...[]string) bool {
	ge, ok := err.(*api.GraphQLError)
	if !ok {
		return false
	}
	for _, e := range ge.Errors {
		under := false
		for _, p := range paths {
			if onlyAt(&api.GraphQLError{Errors: []api.GraphQLErrorItem{e}}, p...) {
				under = true
				break
			}
		}
		if !under {
			return false
		}
	}
	return true
}

// IsNotFound reports a 404 answer or a GraphQL NOT_FOUND error.
func IsNotFound(err error) bool {
	var he *api.HTTPError
	if errors.As(err, &he) {
		return he.StatusCode == http.StatusNotFound
	}
	var ge *api.GraphQLError
	if errors.As(err, &ge) {
		for _, e := range ge.Errors {
			if e.Type == "NOT_FOUND" {
				return true
			}
		}
	}
	return false
}
