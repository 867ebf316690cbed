package github

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// TestClassifyRateLimit: every documented form of a rate-limit refusal is one, with
// the right kind and time to try again; look-alikes are not.
func TestClassifyRateLimit(t *testing.T) {
	now := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	reset := now.Add(10 * time.Minute)
	epoch := strconv.FormatInt(reset.Unix(), 10)
	primaryHdr := map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch, "X-RateLimit-Resource": "core"}
	gqlHdr := map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch, "X-RateLimit-Resource": "graphql"}
	secondaryMsg := `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`
	rateLimited := `{"data":null,"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}`
	tests := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		graphql   bool
		refusals  int
		want      bool // a rate limit
		secondary bool
		resource  string
		reset     time.Time
	}{
		{name: "REST primary 403", status: 403, header: primaryHdr, body: `{"message":"API rate limit exceeded for user ID 1."}`,
			want: true, resource: "core", reset: reset.Add(time.Second)},
		{name: "REST primary 429", status: 429, header: primaryHdr, body: `{"message":"API rate limit exceeded for user ID 1."}`,
			want: true, resource: "core", reset: reset.Add(time.Second)},
		{name: "secondary 403 with retry-after", status: 403, header: map[string]string{"Retry-After": "30"}, body: secondaryMsg,
			want: true, secondary: true, reset: now.Add(30 * time.Second)},
		{name: "secondary 429 with retry-after", status: 429, header: map[string]string{"Retry-After": "5"},
			want: true, secondary: true, reset: now.Add(5 * time.Second)},
		{name: "retry-after as an HTTP date", status: 429, header: map[string]string{"Retry-After": now.Add(time.Minute).Format(http.TimeFormat)},
			want: true, secondary: true, reset: now.Add(time.Minute)},
		{name: "retry-after wins over remaining 0", status: 403, header: map[string]string{"Retry-After": "7", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epoch},
			want: true, secondary: true, reset: now.Add(7 * time.Second)},
		{name: "secondary 403 without retry-after waits a minute", status: 403, body: secondaryMsg,
			want: true, secondary: true, reset: now.Add(time.Minute)},
		{name: "secondary 403 refused again waits twice as long", status: 403, body: secondaryMsg, refusals: 1,
			want: true, secondary: true, reset: now.Add(2 * time.Minute)},
		{name: "secondary 429 without retry-after or message", status: 429, body: `{"message":"Too Many Requests"}`,
			want: true, secondary: true, reset: now.Add(time.Minute)},
		{name: "abuse detection (older GHES) 403", status: 403, body: `{"message":"You have triggered an abuse detection mechanism."}`,
			want: true, secondary: true, reset: now.Add(time.Minute)},
		{name: "GraphQL primary: 200 RATE_LIMITED", status: 200, header: gqlHdr, body: rateLimited, graphql: true,
			want: true, resource: "graphql", reset: reset.Add(time.Second)},
		{name: "GraphQL RATE_LIMITED without reset header", status: 200, body: rateLimited, graphql: true,
			want: true, reset: now.Add(time.Minute)},
		{name: "GraphQL secondary: 200 with the message", status: 200, graphql: true,
			body: `{"errors":[{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}]}`,
			want: true, secondary: true, reset: now.Add(time.Minute)},
		{name: "GraphQL secondary: 403", status: 403, graphql: true, body: secondaryMsg,
			want: true, secondary: true, reset: now.Add(time.Minute)},
		{name: "GraphQL secondary: 403 with retry-after", status: 403, graphql: true, header: map[string]string{"Retry-After": "60"}, body: secondaryMsg,
			want: true, secondary: true, reset: now.Add(time.Minute)},

		{name: "403 without permission is not a rate limit", status: 403, header: map[string]string{"X-RateLimit-Remaining": "4999"},
			body: `{"message":"Resource not accessible by integration"}`},
		{name: "the last request of the hour succeeds", status: 200, header: primaryHdr, body: `{}`},
		{name: "GraphQL answer with remaining 0 and data", status: 200, header: gqlHdr, graphql: true, body: `{"data":{"viewer":{"login":"x"}}}`},
		{name: "GraphQL NOT_FOUND", status: 200, graphql: true, body: `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","message":"Could not resolve"}]}`},
		{name: "RATE_LIMITED in a REST body is data", status: 200, body: rateLimited},
		{name: "404", status: 404, body: `{"message":"Not Found"}`},
		{name: "502", status: 502, header: map[string]string{"Retry-After": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			got := classifyRateLimit(tt.status, h, []byte(tt.body), tt.graphql, now, time.Minute, tt.refusals)
			if (got != nil) != tt.want {
				t.Fatalf("rate limit = %v, want %v", got, tt.want)
			}
			if got == nil {
				return
			}
			if got.Secondary != tt.secondary || got.Resource != tt.resource || !got.Reset.Equal(tt.reset) {
				t.Errorf("got secondary=%v resource=%q reset=%s, want %v %q %s", got.Secondary, got.Resource, got.Reset, tt.secondary, tt.resource, tt.reset)
			}
		})
	}
}

// TestRateLimitWaitOrGiveUp: a refusal whose wait is near is waited out with one
// line saying until when, then the same request is sent again — even a POST, since
// GitHub did not act on it; a far one is one error with the time, without waiting.
func TestRateLimitWaitOrGiveUp(t *testing.T) {
	var slept []time.Duration
	sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	defer func() { sleep = Sleep }()

	epochIn := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).Unix(), 10) }
	primary := func(status int, in time.Duration) httpmock.Responder {
		return httpmock.JSON(status, `{"message":"API rate limit exceeded for user ID 1."}`,
			http.Header{"X-RateLimit-Remaining": {"0"}, "X-RateLimit-Reset": {epochIn(in)}})
	}
	gqlLimited := func(in time.Duration) httpmock.Responder {
		return httpmock.JSON(200, `{"data":null,"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}`,
			http.Header{"X-RateLimit-Remaining": {"0"}, "X-RateLimit-Reset": {epochIn(in)}, "X-RateLimit-Resource": {"graphql"}})
	}
	secondary := httpmock.JSON(403, `{"message":"You have exceeded a secondary rate limit."}`)
	ok := httpmock.JSON(201, `{"ok":true}`)
	gqlOK := httpmock.JSON(200, `{"data":{"ok":true}}`)
	tests := []struct {
		name          string
		graphql       bool
		answers       []httpmock.Responder
		secondaryWait time.Duration // default: GitHub's minute
		wantCalls     int
		wantSleeps    []time.Duration // each sleep must lie in [want, want+1s]: resets are whole seconds
		wantNotice    string          // in every notice line; "" wants none
		wantErr       string
	}{
		{name: "REST 429 primary resetting soon: POST waited out and re-sent", answers: []httpmock.Responder{primary(429, 30*time.Second), ok},
			wantCalls: 2, wantSleeps: []time.Duration{30 * time.Second}, wantNotice: "GitHub API rate limit exhausted: waiting until it resets at "},
		{name: "REST 403 primary resetting soon", answers: []httpmock.Responder{primary(403, 2*time.Second), ok},
			wantCalls: 2, wantSleeps: []time.Duration{2 * time.Second}, wantNotice: "waiting until it resets at "},
		{name: "REST 429 primary resetting in 20 minutes: one error, no wait", answers: []httpmock.Responder{primary(429, 20*time.Minute)},
			wantCalls: 1, wantErr: "GitHub API rate limit exhausted: it resets at "},
		{name: "secondary without retry-after: a minute, then twice that is too long", answers: []httpmock.Responder{secondary, secondary},
			wantCalls: 2, wantSleeps: []time.Duration{time.Minute}, wantNotice: "GitHub's secondary rate limit: waiting until ",
			wantErr: "secondary rate limit refused the request: try again after "},
		{name: "secondary without retry-after, then accepted", answers: []httpmock.Responder{httpmock.JSON(429, `{}`), ok},
			wantCalls: 2, wantSleeps: []time.Duration{time.Minute}, wantNotice: "secondary rate limit: waiting until "},
		{name: "GraphQL mutation RATE_LIMITED resetting soon: waited out and re-sent", graphql: true, answers: []httpmock.Responder{gqlLimited(10 * time.Second), gqlOK},
			wantCalls: 2, wantSleeps: []time.Duration{10 * time.Second}, wantNotice: "waiting until it resets at "},
		{name: "GraphQL RATE_LIMITED resetting in an hour", graphql: true, answers: []httpmock.Responder{gqlLimited(time.Hour)},
			wantCalls: 1, wantErr: "GitHub API rate limit exhausted: it resets at "},
		{name: "each form once, then accepted", answers: []httpmock.Responder{
			httpmock.JSON(403, `{"message":"You have exceeded a secondary rate limit."}`, http.Header{"Retry-After": {"1"}}),
			primary(429, time.Second), secondary, httpmock.JSON(429, `{}`), ok},
			secondaryWait: time.Second, // as GH_HOTFIX_SECONDARY_LIMIT_WAIT=1s would
			wantCalls:     5, wantSleeps: []time.Duration{time.Second, time.Second, time.Second, 2 * time.Second}, wantNotice: "waiting until "},
		{name: "refused five times: the last refusal is the error", answers: []httpmock.Responder{primary(429, time.Second), primary(429, time.Second), primary(429, time.Second), primary(429, time.Second), primary(429, time.Second)},
			wantCalls: 5, wantSleeps: []time.Duration{time.Second, time.Second, time.Second, time.Second}, wantNotice: "waiting until it resets at ", wantErr: "rate limit exhausted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slept = nil
			var notices []string
			m := httpmock.REST("POST", "repos/o/r/issues/1/comments")
			if tt.graphql {
				m = httpmock.GraphQL(`addComment`)
			}
			c, reg := stubbed(t, m, tt.answers...)
			c.secondaryWait = time.Minute // whatever GH_HOTFIX_SECONDARY_LIMIT_WAIT says
			if tt.secondaryWait != 0 {
				c.secondaryWait = tt.secondaryWait
			}
			c.Notice = func(line string) { notices = append(notices, line) }
			var err error
			if tt.graphql {
				err = c.GraphQL(context.Background(), `mutation { addComment(input:{}) { clientMutationId } }`, nil, nil)
			} else {
				err = c.REST(context.Background(), "POST", "repos/o/r/issues/1/comments", map[string]any{"body": "x"}, nil)
			}
			if n := len(reg.Requests()); n != tt.wantCalls {
				t.Errorf("%d requests, want %d", n, tt.wantCalls)
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("error: %v", err)
			}
			if tt.wantErr != "" {
				var rl *RateLimitError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &rl) {
					t.Fatalf("error %v, want a *RateLimitError saying %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), rl.Reset.Local().Format("15:04:05")) || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q: not one line with the time %s", err, rl.Reset.Local().Format("15:04:05"))
				}
				if IsTransient(err) {
					t.Errorf("a rate-limit refusal is not transient: GitHub did not act")
				}
			}
			if len(slept) != len(tt.wantSleeps) {
				t.Fatalf("slept %v, want about %v", slept, tt.wantSleeps)
			}
			for i, d := range slept {
				if d < tt.wantSleeps[i] || d > tt.wantSleeps[i]+time.Second || d > maxLimitWait {
					t.Errorf("sleep %d: %s, want %s to %s", i, d, tt.wantSleeps[i], tt.wantSleeps[i]+time.Second)
				}
			}
			if len(notices) != len(tt.wantSleeps) {
				t.Errorf("notices %q: want one per wait (%d)", notices, len(tt.wantSleeps))
			}
			for _, n := range notices {
				if !strings.Contains(n, tt.wantNotice) || strings.Contains(n, "\n") {
					t.Errorf("notice %q: want one line saying %q", n, tt.wantNotice)
				}
				if !timeOfDay.MatchString(n) {
					t.Errorf("notice %q does not say until when", n)
				}
			}
		})
	}
}

var timeOfDay = regexp.MustCompile(`\b\d\d:\d\d:\d\d\b`)
