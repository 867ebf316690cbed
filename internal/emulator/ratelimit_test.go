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

// TestRateLimitBuckets: REST and GraphQL have their own primary buckets; GraphQL
// pays in points as GitHub's formula predicts; 304s and GET /rate_limit are free;
// an empty bucket refuses in its API's form, without acting, until the reset.
func TestRateLimitBuckets(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("buckets")
	remaining := func(r response) int {
		n, err := strconv.Atoi(r.header.Get("X-RateLimit-Remaining"))
		if err != nil {
			t.Fatalf("no x-ratelimit-remaining: %d %s", r.status, r.body)
		}
		return n
	}
	// The example of GitHub's docs: 1 + 100 + 5,000 requests = 51 points.
	docsExample := map[string]any{"query": `query { viewer { login repositories(first: 100) { edges { node { id
		issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } }
		rateLimit { cost remaining } }`}
	small := map[string]any{"query": `query { repository(owner:"monalisa", name:"buckets") { name } }`}

	rest1 := ts.do("GET", "/repos/monalisa/buckets", nil, nil)
	g1 := ts.do("POST", "/graphql", small, nil)
	if rest1.header.Get("X-RateLimit-Resource") != "core" || g1.header.Get("X-RateLimit-Resource") != "graphql" {
		t.Fatalf("resources: REST %q, GraphQL %q", rest1.header.Get("X-RateLimit-Resource"), g1.header.Get("X-RateLimit-Resource"))
	}
	g2 := ts.do("POST", "/graphql", docsExample, nil)
	if got := remaining(g1) - remaining(g2); got != 51 {
		t.Errorf("the docs' example query cost %d points, want 51: %s", got, g2.body)
	}
	// 1 + 100 + 1 + 100 requests = 2 points, which rateLimit { cost } reports.
	two := ts.do("POST", "/graphql", map[string]any{"query": `query { rateLimit { cost } repository(owner:"monalisa", name:"buckets") {
		pullRequests(first: 100) { nodes { labels(first: 100) { nodes { name } } } }
		issues(first: 100) { nodes { labels(first: 100) { nodes { name } } } } } }`}, nil)
	if !strings.Contains(string(two.body), `"cost":2`) || remaining(g2)-remaining(two) != 2 {
		t.Errorf("rateLimit { cost } or the charge is not 2 (remaining %d → %d): %s", remaining(g2), remaining(two), two.body)
	}
	rest2 := ts.do("GET", "/repos/monalisa/buckets", nil, map[string]string{"If-None-Match": rest1.header.Get("ETag")})
	if rest2.status != 304 || remaining(rest2) != remaining(rest1) {
		t.Errorf("GraphQL or a 304 used the core bucket: %d → %d (status %d)", remaining(rest1), remaining(rest2), rest2.status)
	}
	rl := ts.do("GET", "/rate_limit", nil, nil)
	if remaining(rl) != remaining(rest1) {
		t.Errorf("GET /rate_limit counted: %d → %d", remaining(rest1), remaining(rl))
	}
	res := rl.json(t)["resources"].(map[string]any)
	if c, g := res["core"].(map[string]any)["remaining"], res["graphql"].(map[string]any)["remaining"]; c == g {
		t.Errorf("rate_limit shows one bucket twice: core %v, graphql %v", c, g)
	}

	// An empty GraphQL bucket refuses GraphQL with 200 + RATE_LIMITED; REST goes on.
	if status, body := ts.control("POST", "ratelimit", map[string]any{"resource": "graphql", "remaining": 0, "reset_in_s": 30}); status != 204 {
		t.Fatalf("set bucket: %d %s", status, body)
	}
	g3 := ts.do("POST", "/graphql", small, nil)
	if g3.status != 200 || !strings.Contains(string(g3.body), `"RATE_LIMITED"`) || remaining(g3) != 0 || g3.header.Get("X-RateLimit-Resource") != "graphql" {
		t.Errorf("empty GraphQL bucket: %d %s %v", g3.status, g3.body, g3.header)
	}
	if r := ts.do("GET", "/repos/monalisa/buckets", nil, nil); r.status != 200 {
		t.Errorf("REST refused by the GraphQL bucket: %d", r.status)
	}
	// A query costing more than what is left is refused too.
	ts.control("POST", "ratelimit", map[string]any{"resource": "graphql", "remaining": 10})
	if r := ts.do("POST", "/graphql", docsExample, nil); !strings.Contains(string(r.body), `"RATE_LIMITED"`) {
		t.Errorf("a 51-point query with 10 points left: %s", r.body)
	}
	if r := ts.do("POST", "/graphql", small, nil); r.status != 200 || strings.Contains(string(r.body), "RATE_LIMITED") || remaining(r) != 9 {
		t.Errorf("a 1-point query with 10 left: %d %s, remaining %s", r.status, r.body, r.header.Get("X-RateLimit-Remaining"))
	}

	// An empty core bucket refuses REST with the chosen status and does not act.
	ts.control("POST", "ratelimit", map[string]any{"resource": "core", "remaining": 0, "reset_in_s": 30, "status": 429})
	r := ts.do("POST", "/repos/monalisa/buckets/labels", map[string]any{"name": "hotfix", "color": "d73a4a"}, nil)
	if r.status != 429 || remaining(r) != 0 || !strings.Contains(string(r.body), "API rate limit exceeded") {
		t.Errorf("empty core bucket: %d %s", r.status, r.body)
	}
	if reset, _ := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64); time.Until(time.Unix(reset, 0)) > 35*time.Second {
		t.Errorf("x-ratelimit-reset %s is not the bucket's", r.header.Get("X-RateLimit-Reset"))
	}
	if rl := ts.do("GET", "/rate_limit", nil, nil); rl.status != 200 {
		t.Errorf("GET /rate_limit refused at zero: %d", rl.status)
	}
	ts.control("POST", "ratelimit", map[string]any{"resource": "core", "remaining": 5000})
	if r := ts.do("GET", "/repos/monalisa/buckets/labels/hotfix", nil, nil); r.status != 404 {
		t.Errorf("the refused POST acted: label lookup %d", r.status)
	}
	if status, _ := ts.control("POST", "ratelimit", map[string]any{"resource": "search", "remaining": 0}); status != 400 {
		t.Errorf("unknown bucket: %d, want 400", status)
	}
}
