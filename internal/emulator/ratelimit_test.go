package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRateLimitFaults: each injectable rate-limit refusal has GitHub's status,
// headers and body, and the refused request does not act.
func TestRateLimitFaults(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("limits")
	const createLabel = "POST /repos/{owner}/{repo}/labels"
	const gqlRoute = "graphql query repository"
	gqlQuery := map[string]any{"query": `query { repository(owner:"monalisa", name:"limits") { name } }`}
	tests := []struct {
		name       string
		fault      map[string]any
		graphql    bool
		status     int
		headers    map[string]string // "" means absent; "*" means present
		bodyHas    string
		resetAbout time.Duration // with remaining 0: the reset's distance from now
	}{
		{name: "REST primary 403", fault: map[string]any{"route": createLabel, "rate_limit": "primary", "reset_in_s": 30},
			status: 403, headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Resource": "core", "Retry-After": ""},
			bodyHas: "API rate limit exceeded", resetAbout: 30 * time.Second},
		{name: "REST primary 429", fault: map[string]any{"route": createLabel, "rate_limit": "primary", "status": 429},
			status: 429, headers: map[string]string{"X-RateLimit-Remaining": "0", "Retry-After": ""},
			bodyHas: "API rate limit exceeded", resetAbout: 20 * time.Minute},
		{name: "exhausted is the primary limit", fault: map[string]any{"route": createLabel, "exhausted": true, "status": 403, "reset_in_s": 5},
			status: 403, headers: map[string]string{"X-RateLimit-Remaining": "0"}, bodyHas: "API rate limit exceeded", resetAbout: 5 * time.Second},
		{name: "REST secondary 403 with retry-after", fault: map[string]any{"route": createLabel, "status": 403, "retry_after": 7},
			status: 403, headers: map[string]string{"Retry-After": "7"}, bodyHas: "secondary rate limit"},
		{name: "REST secondary 429 with retry-after", fault: map[string]any{"route": createLabel, "rate_limit": "secondary", "status": 429, "retry_after": 3},
			status: 429, headers: map[string]string{"Retry-After": "3"}, bodyHas: "secondary rate limit"},
		{name: "REST secondary 403 without retry-after", fault: map[string]any{"route": createLabel, "rate_limit": "secondary"},
			status: 403, headers: map[string]string{"Retry-After": ""}, bodyHas: "secondary rate limit"},
		{name: "REST secondary 429 without retry-after", fault: map[string]any{"route": createLabel, "rate_limit": "secondary", "status": 429},
			status: 429, headers: map[string]string{"Retry-After": ""}, bodyHas: "secondary rate limit"},
		{name: "GraphQL primary: 200 RATE_LIMITED", graphql: true, fault: map[string]any{"route": gqlRoute, "rate_limit": "primary", "reset_in_s": 60},
			status: 200, headers: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Resource": "graphql"},
			bodyHas: `"type":"RATE_LIMITED"`, resetAbout: time.Minute},
		{name: "GraphQL secondary: 200", graphql: true, fault: map[string]any{"route": gqlRoute, "rate_limit": "secondary", "status": 200},
			status: 200, headers: map[string]string{"Retry-After": ""}, bodyHas: "secondary rate limit"},
		{name: "GraphQL secondary: 403 with retry-after", graphql: true, fault: map[string]any{"route": gqlRoute, "rate_limit": "secondary", "retry_after": 60},
			status: 403, headers: map[string]string{"Retry-After": "60"}, bodyHas: "secondary rate limit"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.srv.faultsMu.Lock()
			ts.srv.faults = nil
			ts.srv.faultsMu.Unlock()
			if status, body := ts.control("POST", "faults", tt.fault); status != 201 {
				t.Fatalf("add fault: %d %s", status, body)
			}
			var r response
			label := "l" + strconv.Itoa(i)
			if tt.graphql {
				r = ts.do("POST", "/graphql", gqlQuery, nil)
			} else {
				r = ts.do("POST", "/repos/monalisa/limits/labels", map[string]any{"name": label, "color": "d73a4a"}, nil)
			}
			if r.status != tt.status {
				t.Errorf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			for k, want := range tt.headers {
				got := r.header.Get(k)
				if (want == "*" && got == "") || (want != "*" && got != want) {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if !strings.Contains(string(r.body), tt.bodyHas) {
				t.Errorf("body %s does not say %s", r.body, tt.bodyHas)
			}
			if tt.resetAbout > 0 {
				reset, err := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
				if d := time.Until(time.Unix(reset, 0)); err != nil || d < tt.resetAbout-5*time.Second || d > tt.resetAbout+5*time.Second {
					t.Errorf("x-ratelimit-reset %q is not about %s from now", r.header.Get("X-RateLimit-Reset"), tt.resetAbout)
				}
			}
			if !tt.graphql {
				if got := ts.do("GET", "/repos/monalisa/limits/labels/"+label, nil, nil); got.status != 404 {
					t.Errorf("the refused request acted: label lookup %d", got.status)
				}
			}
			// The fault was used up: the same request now goes through.
			if tt.graphql {
				r = ts.do("POST", "/graphql", gqlQuery, nil)
			} else {
				r = ts.do("POST", "/repos/monalisa/limits/labels", map[string]any{"name": label, "color": "d73a4a"}, nil)
			}
			if r.status != 200 && r.status != 201 || strings.Contains(string(r.body), "rate limit") {
				t.Errorf("after the fault: %d %s", r.status, r.body)
			}
		})
	}
	if status, _ := ts.control("POST", "faults", map[string]any{"route": createLabel, "rate_limit": "tertiary"}); status != 400 {
		t.Errorf("an unknown rate_limit kind: %d, want 400", status)
	}
}

// control calls the emulator's control API.
func (ts *testServer) control(method, path string, body any) (int, string) {
	ts.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://"+ts.addr+"/_emulator/"+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
