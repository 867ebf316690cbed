package github

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Every form in which GitHub refuses a request under a rate limit, as documented in
// "Troubleshooting the REST API" (Rate limit errors) and "Rate limits and query
// limits for the GraphQL API" (Exceeding the rate limit):
//
//   - REST primary limit: 403 or 429 with x-ratelimit-remaining: 0; do not retry
//     before x-ratelimit-reset (UTC epoch seconds).
//   - Secondary limit: 403 or 429 (REST), 200 or 403 (GraphQL), with a message
//     that names the secondary rate limit; wait retry-after seconds when the
//     header is present, else at least a minute, then exponentially longer.
//   - GraphQL primary limit: HTTP 200 with an error of type RATE_LIMITED and
//     x-ratelimit-remaining: 0 (GraphQL has its own points bucket:
//     x-ratelimit-resource: graphql).
//
// A refusal under a rate limit means GitHub did not act on the request: the docs
// tell clients to "retry your request" once the wait is over, which is how
// octokit's plugin-throttling treats both limits. So a refused request is sent
// again after the wait even when it is not idempotent (opening a pull request,
// posting a comment, dispatching a workflow): there is no first effect to repeat.

// RateLimitError reports a request GitHub refused under a rate limit and did not act on.
type RateLimitError struct {
	// Secondary is true for a secondary limit (too many requests too fast), false
	// for an exhausted primary limit (the hourly budget).
	Secondary bool
	// Resource is the bucket that ran out (x-ratelimit-resource: core, graphql, …), when known.
	Resource string
	// Reset is when GitHub accepts requests again: the primary limit's reset, or
	// the end of the wait a secondary limit asks for.
	Reset time.Time
}

func (e *RateLimitError) Error() string {
	at, in := e.when()
	if e.Secondary {
		return fmt.Sprintf("GitHub's secondary rate limit refused the request: try again after %s (in %s)", at, in)
	}
	return fmt.Sprintf("GitHub API rate limit exhausted: it resets at %s (in %s); try again then", at, in)
}

// when is the time of day to try again and how long until then (never negative:
// a reset just passed, or a clock a little ahead, means now).
func (e *RateLimitError) when() (string, time.Duration) {
	return e.Reset.Local().Format("15:04:05"), max(time.Until(e.Reset), 0).Round(time.Second)
}

// Waiting is the line said while the limit is waited out: until when.
func (e *RateLimitError) Waiting() string {
	at, in := e.when()
	if e.Secondary {
		return fmt.Sprintf("GitHub's secondary rate limit: waiting until %s (%s) before trying again", at, in)
	}
	return fmt.Sprintf("GitHub API rate limit exhausted: waiting until it resets at %s (%s)", at, in)
}

// maxLimitWait is the longest a single rate-limit wait lasts in any command ("a
// minute or so"): a secondary limit without retry-after asks for one minute, and
// a primary limit about to reset is cheaper to wait out than to report. A longer
// wait is reported as a *RateLimitError, which ship's merge and run waits, waiting
// anyway, may still wait out.
const maxLimitWait = 90 * time.Second

// defaultSecondaryWait is the first wait after a secondary limit that sent no
// retry-after: GitHub asks for "at least one minute", doubling on each refusal.
const defaultSecondaryWait = time.Minute

// secondaryWaitFromEnv reads GH_HOTFIX_SECONDARY_LIMIT_WAIT (a Go duration), the
// first wait after a secondary limit without retry-after. It exists for the
// end-to-end tests, which cannot spend a minute on each injected refusal; leave
// it unset against GitHub.
func secondaryWaitFromEnv() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("GH_HOTFIX_SECONDARY_LIMIT_WAIT")); err == nil && d > 0 {
		return d
	}
	return defaultSecondaryWait
}

// classifyRateLimit says whether an answer is a rate-limit refusal and, if so,
// when to try again. refusals counts this request's earlier secondary-limit
// refusals without retry-after (the wait doubles with each). body is the answer's
// body (GraphQL refusals are in it). nil means the answer is not a rate limit.
func classifyRateLimit(status int, h http.Header, body []byte, graphql bool, now time.Time, secondaryWait time.Duration, refusals int) *RateLimitError {
	refused := status == http.StatusForbidden || status == http.StatusTooManyRequests
	gqlPrimary, gqlSecondary := false, false
	if graphql && (status == http.StatusOK || status == http.StatusForbidden) {
		gqlPrimary, gqlSecondary = graphQLRateLimited(body)
	}
	if !refused && !gqlPrimary && !gqlSecondary {
		return nil
	}
	resource := h.Get("X-RateLimit-Resource")
	secondaryBackoff := func() *RateLimitError {
		wait := secondaryWait << min(refusals, 16)
		return &RateLimitError{Secondary: true, Resource: resource, Reset: now.Add(wait)}
	}
	// retry-after wins: "you should not retry your request until after that many seconds has elapsed".
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		if secs, err := strconv.Atoi(ra); err == nil && secs >= 0 {
			return &RateLimitError{Secondary: true, Resource: resource, Reset: now.Add(time.Duration(secs) * time.Second)}
		}
		if t, err := http.ParseTime(ra); err == nil {
			return &RateLimitError{Secondary: true, Resource: resource, Reset: t}
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" || gqlPrimary {
		reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil || reset <= 0 {
			// A primary refusal without its reset time: wait as for a secondary limit.
			e := secondaryBackoff()
			e.Secondary = false
			return e
		}
		// One second past the reset, which is in whole seconds.
		return &RateLimitError{Resource: resource, Reset: time.Unix(reset, 0).Add(time.Second)}
	}
	if gqlSecondary || status == http.StatusTooManyRequests || mentionsSecondaryLimit(body) {
		// 429 is only ever a rate limit; a 403 is one only when its message says so
		// (otherwise it is a permission problem).
		return secondaryBackoff()
	}
	return nil
}

// mentionsSecondaryLimit reports a message naming a secondary limit: "You have
// exceeded a secondary rate limit…", or on older GitHub Enterprise Server "You
// have triggered an abuse detection mechanism…".
func mentionsSecondaryLimit(body []byte) bool {
	m := strings.ToLower(string(body))
	return strings.Contains(m, "secondary rate limit") || strings.Contains(m, "abuse detection")
}

// graphQLRateLimited reads a GraphQL answer's errors: primary is an error of type
// RATE_LIMITED, secondary one whose message names the secondary limit.
func graphQLRateLimited(body []byte) (primary, secondary bool) {
	if !bytes.Contains(body, []byte(`"errors"`)) {
		return false, false
	}
	var envelope struct {
		Errors []struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &envelope) != nil {
		return false, false
	}
	for _, e := range envelope.Errors {
		switch {
		case e.Type == "RATE_LIMITED":
			primary = true
		case mentionsSecondaryLimit([]byte(e.Message)):
			secondary = true
		}
	}
	return primary, secondary
}
