package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
)

// Retry policy, one for every request:
//   - a refusal that did nothing (a secondary rate limit: 403/429 with Retry-After)
//     is retried after the time GitHub asks, for any request;
//   - 5xx answers and transport failures (resets, timeouts) are retried only for
//     requests that cannot have an effect twice (GET, HEAD, GraphQL queries):
//     a POST may have acted before the failure, so its caller checks first;
//   - a primary rate limit at zero is reported with its reset time.
//
// Attempts and waits are bounded, so a command never hangs on a sick server.
const (
	maxAttempts   = 4
	maxRetryAfter = 60 * time.Second
	baseBackoff   = 250 * time.Millisecond
	maxBackoff    = 4 * time.Second
)

// RateLimitError reports an exhausted primary rate limit.
type RateLimitError struct {
	Reset time.Time
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("GitHub API rate limit exhausted: it resets at %s (in %s); try again then",
		e.Reset.Local().Format("15:04:05"), time.Until(e.Reset).Round(time.Second))
}

// sleep is the retries' Sleep; tests replace it.
var sleep = Sleep

// Sleep waits d, or until ctx ends (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func backoff(attempt int) time.Duration {
	d := baseBackoff << attempt
	if d > maxBackoff {
		d = maxBackoff
	}
	// Full jitter keeps several clients from retrying in step.
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (c *Client) send(ctx context.Context, method, u string, hdr http.Header, body []byte, idempotent bool) (*http.Response, error) {
	var lastErr error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		if body == nil {
			req.Body, req.ContentLength = http.NoBody, 0
		}
		req.Header = hdr.Clone()
		c.requests.Add(1)
		resp, err := c.http.Do(req)
		wait := time.Duration(0)
		switch {
		case err != nil:
			if ctx.Err() != nil || !idempotent {
				return nil, err
			}
			lastErr, wait = err, backoff(attempt)
		case (resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests) && resp.Header.Get("Retry-After") != "":
			secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			wait = time.Duration(secs) * time.Second
			if wait > maxRetryAfter {
				return resp, nil // too long to wait: the caller reports it
			}
			lastErr = fmt.Errorf("secondary rate limit (HTTP %d)", resp.StatusCode)
		case resp.StatusCode == http.StatusForbidden && resp.Header.Get("X-RateLimit-Remaining") == "0":
			resp.Body.Close()
			reset, _ := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
			return nil, &RateLimitError{Reset: time.Unix(reset, 0)}
		case resp.StatusCode >= 500 && idempotent && attempt < maxAttempts-1:
			lastErr, wait = fmt.Errorf("HTTP %d from %s", resp.StatusCode, req.URL.Host), backoff(attempt)
		default:
			// Success, an answer not worth retrying, or the last 5xx: the caller
			// turns it into a typed error with GitHub's message.
			return resp, nil
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if attempt == maxAttempts-1 {
			break
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("giving up after %d attempts: %w", maxAttempts, lastErr)
}

// IsTransient reports an error after which a request may or may not have acted
// (no answer, or a 5xx): the caller must check the effect before sending it again.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var he *api.HTTPError
	if errors.As(err, &he) {
		return he.StatusCode >= 500
	}
	var rl *RateLimitError
	var ge *api.GraphQLError
	return !errors.As(err, &rl) && !errors.As(err, &ge)
}
