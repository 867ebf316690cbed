package emulator

import (
	"net/http"
	"strconv"
	"time"
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
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", "5000")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(s.st.now().Add(resetIn).Unix(), 10))
		if graphql && (status == 0 || status == http.StatusOK) {
			writeJSON(rec, http.StatusOK, map[string]any{"errors": []map[string]any{{"type": "RATE_LIMITED", "message": primaryLimitMessage}}})
			return
		}
		if status == 0 {
			status = http.StatusForbidden
		}
		writeJSON(rec, status, map[string]any{"message": primaryLimitMessage, "documentation_url": docsURL})
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
