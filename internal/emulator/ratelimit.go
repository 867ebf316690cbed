package emulator

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// Messages GitHub answers rate-limit refusals with.
const (
	primaryLimitMessage   = "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID."
	secondaryLimitMessage = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID."
)

// rateLimitFault refuses a request as GitHub's rate limits do. The request is not
// acted on: GitHub's docs tell clients to retry it after the wait.
//
//   - primary, REST: f.Status, 403 by default or 429, with x-ratelimit-remaining: 0
//     and x-ratelimit-reset (UTC epoch seconds). "Troubleshooting the REST API",
//     Rate limit errors: "If you exceed your primary rate limit, you will receive a
//     403 Forbidden or 429 Too Many Requests response, and the x-ratelimit-remaining
//     header will be 0."
//   - primary, GraphQL: HTTP 200 with an error of type RATE_LIMITED, remaining 0
//     and x-ratelimit-resource: graphql. "Rate limits and query limits for the
//     GraphQL API", Exceeding the rate limit: "the response status will still be
//     200, but you will receive an error message, and the value of the
//     x-ratelimit-remaining header will be 0"; the error type is the one
//     octokit/plugin-throttling (src/wrap-request.ts) and gh (cli/cli#8321,
//     "GraphQL: API rate limit exceeded for user ID …") see.
//   - secondary: f.Status, 403 by default; REST also 429, GraphQL also 200 ("the
//     response status will be 200 or 403"), with a message naming the secondary
//     rate limit and, when f.RetryAfter > 0, retry-after: GitHub sends it on some
//     secondary refusals, not all ("If the retry-after response header is
//     present…; otherwise, wait for at least one minute"). A GraphQL 200 carries
//     the message as an error without a documented type, so the emulator sends none.
func (s *Server) rateLimitFault(rec *recorder, f *fault, graphql bool) {
	h := rec.header
	resource := "core"
	if graphql {
		resource = "graphql"
	}
	h.Set("X-RateLimit-Resource", resource)
	status := f.Status
	if f.RateLimit == "primary" {
		resetIn := 20 * time.Minute
		if f.ResetIn > 0 {
			resetIn = time.Duration(f.ResetIn) * time.Second
		}
		s.primaryRefusal(rec, status, s.st.now().Add(resetIn), graphql)
		return
	}
	if f.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	if graphql && status == http.StatusOK {
		writeJSON(rec, http.StatusOK, map[string]any{"errors": []map[string]any{{"message": secondaryLimitMessage}}})
		return
	}
	if status == 0 {
		status = http.StatusForbidden
	}
	writeJSON(rec, status, map[string]any{"message": secondaryLimitMessage, "documentation_url": docsURL})
}

// primaryRefusal writes the primary limit's refusal (see rateLimitFault) with the
// given reset; status 0 means GitHub's usual one (REST 403, GraphQL 200).
func (s *Server) primaryRefusal(rec *recorder, status int, reset time.Time, graphql bool) {
	h := rec.header
	h.Set("X-RateLimit-Resource", map[bool]string{false: "core", true: "graphql"}[graphql])
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Used", "5000")
	// Whole seconds, as GitHub sends it: a client waiting until then plus a second is past the reset.
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if graphql && (status == 0 || status == http.StatusOK) {
		writeJSON(rec, http.StatusOK, map[string]any{"errors": []map[string]any{{"type": "RATE_LIMITED", "message": primaryLimitMessage}}})
		return
	}
	if status == 0 {
		status = http.StatusForbidden
	}
	writeJSON(rec, status, map[string]any{"message": primaryLimitMessage, "documentation_url": docsURL})
}

// rateLimit is one primary rate-limit bucket. GitHub keeps separate ones: REST
// requests count against "core", GraphQL queries against "graphql" in points
// ("Rate limits and query limits for the GraphQL API": "The REST API also has a
// separate primary rate limit"; its x-ratelimit-resource is always graphql), each
// 5,000 an hour for a user. A 304 answer to a conditional request is free, and so
// is GET /rate_limit ("Best practices for using the REST API"; "Get rate limit
// status for the authenticated user": "Accessing this endpoint does not count
// against your REST API rate limit").
type rateLimit struct {
	mu        sync.Mutex
	resource  string
	limit     int
	remaining int
	reset     time.Time
	status    int // the status REST refusals use once the bucket is empty: 403, or 429
}

func (b *rateLimit) init(resource string, now time.Time) {
	b.resource, b.limit, b.remaining, b.reset, b.status = resource, 5000, 5000, now.Add(time.Hour), http.StatusForbidden
}

// renew starts a new window once the reset has passed. Callers hold mu.
func (b *rateLimit) renew(now time.Time) {
	if !now.Before(b.reset) {
		b.remaining, b.reset = b.limit, now.Add(time.Hour)
	}
}

// snapshot returns the bucket as the rate_limit endpoint shows it.
func (b *rateLimit) snapshot(now time.Time) map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.renew(now)
	return map[string]any{"limit": b.limit, "remaining": b.remaining, "used": b.limit - b.remaining, "reset": b.reset.Unix()}
}

func (s *Server) bucket(graphql bool) *rateLimit {
	if graphql {
		return &s.graphql
	}
	return &s.core
}

// graphQLCost is the points a GraphQL request costs; 1 when it cannot be computed.
func (s *Server) graphQLCost(req gql.Request) int {
	if c, err := s.exec.Cost(req); err == nil {
		return c
	}
	return 1
}

// setRateHeaders charges the request to its bucket (when count) and sets
// GitHub's x-ratelimit-* headers, unless an injected fault set its own.
func (s *Server) setRateHeaders(h http.Header, r *http.Request, rec *recorder, count bool) {
	if h.Get("X-RateLimit-Remaining") != "" {
		return
	}
	b := s.bucket(r.URL.Path == "/graphql")
	cost := max(rec.cost, 1)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.renew(s.st.now())
	if count {
		b.remaining = max(b.remaining-cost, 0)
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(b.limit-b.remaining))
	h.Set("X-RateLimit-Resource", b.resource)
}

// refuseExhausted answers a request its bucket cannot pay for with the primary
// limit's refusal (as rateLimitFault does), without acting on it. GET /rate_limit
// is always answered: it is how a client learns when the limit resets. Whether
// GitHub still answers 304 to a conditional request at zero is not documented;
// the emulator refuses it, the stricter case for a client.
func (s *Server) refuseExhausted(rec *recorder, r *http.Request, graphql bool) bool {
	if r.Method == http.MethodGet && r.URL.Path == "/rate_limit" {
		return false
	}
	b := s.bucket(graphql)
	now := s.st.now()
	b.mu.Lock()
	b.renew(now)
	refused, reset, status := b.remaining < max(rec.cost, 1), b.reset, b.status
	b.mu.Unlock()
	if !refused {
		return false
	}
	if graphql {
		status = http.StatusOK
	}
	s.primaryRefusal(rec, status, reset, graphql)
	return true
}

// setRateLimit sets a bucket from the control API: {"resource": "core" or
// "graphql", "remaining": N, "reset_in_s": S, "status": 403 or 429}.
func (s *Server) setRateLimit(in map[string]any) error {
	var b *rateLimit
	switch in["resource"] {
	case "core":
		b = &s.core
	case "graphql":
		b = &s.graphql
	default:
		return errors.New(`resource is "core" or "graphql"`)
	}
	remaining, ok := in["remaining"].(float64)
	if !ok || remaining < 0 {
		return errors.New("remaining must be a number >= 0")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.remaining = min(int(remaining), b.limit)
	if secs, ok := in["reset_in_s"].(float64); ok && secs > 0 {
		b.reset = s.st.now().Add(time.Duration(secs * float64(time.Second)))
	}
	switch st, _ := in["status"].(float64); st {
	case 0:
	case http.StatusForbidden, http.StatusTooManyRequests:
		b.status = int(st)
	default:
		return errors.New("status must be 403 or 429")
	}
	return nil
}
