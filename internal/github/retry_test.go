package github

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// stubbed returns a client whose requests m matches are answered in turn by
// answers, each once; any other request, or one too many, fails the test.
func stubbed(t *testing.T, m httpmock.Matcher, answers ...httpmock.Responder) (*Client, *httpmock.Registry) {
	t.Helper()
	stubs := make([]stub, len(answers))
	for i, a := range answers {
		stubs[i] = stub{m, a}
	}
	return stubbedWith(t, stubs...)
}

// stub is one answer of a table: the request it answers, and how.
type stub struct {
	m httpmock.Matcher
	r httpmock.Responder
}

// stubbedWith returns a client whose requests are answered by stubs, each once.
func stubbedWith(t *testing.T, stubs ...stub) (*Client, *httpmock.Registry) {
	t.Helper()
	reg := httpmock.New(t)
	for _, s := range stubs {
		reg.Register(s.m, s.r)
	}
	return NewClient(&http.Client{Transport: reg}, "github.com"), reg
}

func TestRetryPolicy(t *testing.T) {
	var slept []time.Duration
	sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	defer func() { sleep = Sleep }()

	reset := "1893456000" // 2030-01-01
	reset500 := httpmock.JSON(500, `{"message":"boom"}`)
	ok := httpmock.JSON(200, `{"ok":true}`)
	status := func(code int, header ...http.Header) httpmock.Responder { return httpmock.JSON(code, `{}`, header...) }
	tests := []struct {
		name      string
		method    string
		idem      bool
		answers   []httpmock.Responder
		wantCalls int
		wantErr   string
		wantSleep []time.Duration // exact for Retry-After; nil: don't check
	}{
		{name: "GET retried after a 502", method: "GET", answers: []httpmock.Responder{status(502), ok}, wantCalls: 2},
		{name: "GET retried after a reset connection", method: "GET", answers: []httpmock.Responder{httpmock.Error(errors.New("connection reset by peer")), ok}, wantCalls: 2},
		{name: "GET gives up after 4 attempts with GitHub's error", method: "GET", answers: []httpmock.Responder{reset500, reset500, reset500, reset500}, wantCalls: 4, wantErr: "HTTP 500: boom"},
		{name: "POST not retried after a 502", method: "POST", answers: []httpmock.Responder{status(502)}, wantCalls: 1, wantErr: "HTTP 502"},
		{name: "POST not retried after a lost answer", method: "POST", answers: []httpmock.Responder{httpmock.Error(errors.New("EOF"))}, wantCalls: 1, wantErr: "EOF"},
		{name: "idempotent POST retried", method: "POST", idem: true, answers: []httpmock.Responder{status(503), ok}, wantCalls: 2},
		{name: "PUT is idempotent", method: "PUT", answers: []httpmock.Responder{status(502), ok}, wantCalls: 2},
		{name: "secondary limit honours Retry-After, even for POST", method: "POST",
			answers: []httpmock.Responder{status(403, http.Header{"Retry-After": {"3"}}), ok}, wantCalls: 2, wantSleep: []time.Duration{3 * time.Second}},
		{name: "429 with Retry-After", method: "GET",
			answers: []httpmock.Responder{status(429, http.Header{"Retry-After": {"1"}}), ok}, wantCalls: 2, wantSleep: []time.Duration{time.Second}},
		{name: "Retry-After too long is reported, not waited", method: "GET",
			answers: []httpmock.Responder{httpmock.JSON(403, `{"message":"secondary rate limit"}`, http.Header{"Retry-After": {"3600"}})}, wantCalls: 1, wantErr: "secondary rate limit", wantSleep: []time.Duration{}},
		{name: "primary limit at zero says when it resets", method: "GET",
			answers: []httpmock.Responder{status(403, http.Header{"X-RateLimit-Remaining": {"0"}, "X-RateLimit-Reset": {reset}})}, wantCalls: 1, wantErr: "rate limit exhausted: it resets at"},
		{name: "rate-limit refusals do not use up the retries of failures", method: "GET",
			answers: []httpmock.Responder{status(502), status(429, http.Header{"X-RateLimit-Remaining": {"0"}, "X-RateLimit-Reset": {strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10)}}),
				status(502), status(502), ok}, wantCalls: 5},
		{name: "404 is an answer", method: "GET", answers: []httpmock.Responder{httpmock.JSON(404, `{"message":"Not Found"}`)}, wantCalls: 1, wantErr: "HTTP 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slept = nil
			path := "repos/o/r"
			if tt.idem {
				path = "repos/o/r/labels"
			}
			c, reg := stubbed(t, httpmock.REST(tt.method, path), tt.answers...)
			var err error
			if tt.idem {
				err = c.RESTIdempotent(context.Background(), tt.method, "repos/o/r/labels", map[string]any{"name": "x"}, nil)
			} else {
				err = c.REST(context.Background(), tt.method, "repos/o/r", nil, nil)
			}
			if sent := len(reg.Requests()); sent != tt.wantCalls || c.Requests() != int64(tt.wantCalls) {
				t.Errorf("%d requests sent (counted %d), want %d", sent, c.Requests(), tt.wantCalls)
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if tt.wantSleep != nil && len(tt.wantSleep) != len(slept) {
				t.Errorf("slept %v, want %v", slept, tt.wantSleep)
			}
			for i := range tt.wantSleep {
				if i < len(slept) && slept[i] != tt.wantSleep[i] {
					t.Errorf("slept %v, want %v", slept, tt.wantSleep)
				}
			}
			for _, d := range slept {
				if d > maxLimitWait {
					t.Errorf("waited %s, more than the bound", d)
				}
			}
		})
	}
}

func TestBackoffIsBounded(t *testing.T) {
	for attempt := 0; attempt < 20; attempt++ {
		if d := backoff(attempt); d <= 0 || d > maxBackoff {
			t.Fatalf("backoff(%d) = %s", attempt, d)
		}
	}
}

func TestIsTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{context.Canceled, false},
		{errors.New("connection reset"), true},
		{&api.HTTPError{StatusCode: 502}, true},
		{&api.HTTPError{StatusCode: 422}, false},
		{&RateLimitError{}, false},
		{&api.GraphQLError{}, false},
	}
	for _, tt := range tests {
		if got := IsTransient(tt.err); got != tt.want {
			t.Errorf("IsTransient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
