package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
)

// Retry policy, one for every request:
//   - a refusal under a rate limit (every form in ratelimit.go) did nothing, so it
//     is waited out and sent again, for any request, when the wait is at most
//     maxLimitWait; a longer wait is reported as a *RateLimitError with its time;
//   - 5xx answers and transport failures (resets, timeouts) are retried only for
//     requests that cannot have an effect twice (GET, HEAD, GraphQL queries):
//     a POST may have acted before the failure, so its caller checks first.
//
// Attempts and waits are bounded, so a command never hangs on a sick server.
const (
	// maxAttempts bounds the failed attempts (5xx, transport failures) of a request,
	// maxLimitRefusals its rate-limit refusals: counted apart, so a request that met
	// both a 502 and a rate limit still gets its retries for each. Five refusals
	// let a request meet each of the four forms once (ratelimit.go) and still go
	// through; each wait is at most maxLimitWait.
	maxAttempts      = 4
	maxLimitRefusals = 5
	baseBackoff      = 250 * time.Millisecond
	maxBackoff       = 4 * time.Second
	// maxBody bounds how much of an answer is read to classify it.
	maxBody = 32 << 20
)

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

func (c *Client) send(ctx context.Context, method, u string, hdr http.Header, body []byte, idempotent, graphql bool) (*http.Response, error) {
	if c.endpointErr != nil {
		return nil, c.endpointErr
	}
	var lastErr error
	refusals := 0 // secondary-limit refusals without retry-after, for the doubling wait
	limited := 0  // rate-limit refusals of any kind
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
		if err == nil {
			c.noteVersion(resp.Header)
		}
		wait := time.Duration(0)
		if err == nil && mayBeRateLimited(resp.StatusCode, graphql) {
			// Read the answer to classify it, then hand it on unread.
			b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
			resp.Body.Close()
			if rerr != nil {
				err = rerr
			} else {
				resp.Body = io.NopCloser(bytes.NewReader(b))
				now := time.Now()
				if limit := classifyRateLimit(resp.StatusCode, resp.Header, b, graphql, now, c.secondaryWait, refusals); limit != nil {
					if limit.Secondary && resp.Header.Get("Retry-After") == "" {
						refusals++
					}
					limited++
					wait = limit.Reset.Sub(now)
					if wait > maxLimitWait || limited == maxLimitRefusals {
						return nil, limit // GitHub did nothing; the caller reports when to try again
					}
					c.notice(limit.Waiting())
					if err := sleep(ctx, max(wait, 0)); err != nil {
						return nil, err
					}
					attempt-- // a refusal is not a failed attempt: limited bounds refusals
					continue
				}
			}
		}
		switch {
		case err != nil:
			if ctx.Err() != nil || !idempotent {
				return nil, err
			}
			lastErr, wait = err, backoff(attempt)
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

// mayBeRateLimited reports an answer whose status can carry a rate-limit refusal:
// 403 and 429, and for GraphQL also 200 (the primary limit answers 200).
func mayBeRateLimited(status int, graphql bool) bool {
	return status == http.StatusForbidden || status == http.StatusTooManyRequests || (graphql && status == http.StatusOK)
}

// notice prints one line through the client's Notice, when set.
func (c *Client) notice(line string) {
	if c.Notice != nil {
		c.Notice(line)
	}
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
