package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestShipConcurrent: two teammates ship the same hotfix branch at the same
// time; there is one PR and one release.
func TestShipConcurrent(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	a := e.CreateRepo("twins", nil)
	if r := e.Hotfix(a, "create", "twin fix"); r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	harnessWrite(t, filepath.Join(a, "fix.txt"), "fix\n")
	e.Git(a, "add", "-A")
	e.Git(a, "commit", "-q", "-m", "fix")
	e.Git(a, "push", "-q", "-u", "origin", "hotfix/twin-fix")
	b := e.Clone("twins")
	e.Git(b, "switch", "-q", "hotfix/twin-fix")
	// The teammate merges once both ships have opened or found the one PR (1.5 s
	// covers two ships starting on a loaded machine): the race under test is the
	// release's, below. A merge before the second ship's first read would let it
	// open a second PR for the squash-merged branch, as GitHub allows.
	e.Control("POST", "repos/monalisa/twins/reviewer", map[string]any{"after_ms": 1500})
	// Slow comment posts make both ships post their release marker before either
	// reads the other's: the race the lock must settle.
	e.Control("POST", "faults", map[string]any{"route": "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", "latency_ms": 400, "count": 2})

	pa := e.Start(a, "ship", "--interval", "50ms")
	pb := e.Start(b, "ship", "--interval", "50ms")
	ra, rb := pa.Wait(t, time.Minute), pb.Wait(t, time.Minute)
	if ra.Code != 0 || rb.Code != 0 {
		t.Fatalf("exits %d and %d\nA: %s\nB: %s", ra.Code, rb.Code, ra.Stderr, rb.Stderr)
	}
	_, pulls := e.API("GET", "/repos/monalisa/twins/pulls?state=all", nil)
	_, runs := e.API("GET", "/repos/monalisa/twins/actions/runs", nil)
	_, comments := e.API("GET", "/repos/monalisa/twins/issues/1/comments", nil)
	if n := len(pulls.([]any)); n != 1 {
		t.Errorf("%d pull requests", n)
	}
	if n := runs.(map[string]any)["total_count"].(float64); n != 1 {
		t.Errorf("%v release runs\nA: %s\nB: %s", n, ra.Stderr, rb.Stderr)
	}
	if n := strings.Count(jsonString(comments), "gh-hotfix:release"); n != 1 {
		t.Errorf("%d release comments", n)
	}
	if !strings.Contains(ra.Stdout, "/actions/runs/") || !strings.Contains(rb.Stdout, "/actions/runs/") {
		t.Errorf("both should print the one run:\nA: %s\nB: %s", ra.Stdout, rb.Stdout)
	}
	if !strings.Contains(ra.Stderr+rb.Stderr, "Another gh hotfix ship is releasing this hotfix") {
		t.Errorf("no ship stood down:\nA: %s\nB: %s", ra.Stderr, rb.Stderr)
	}
}

// TestShipWaitsOutAnExhaustedRateLimit: while waiting for the merge, a primary
// limit that resets soon is waited out, not an error.
func TestShipWaitsOutAnExhaustedRateLimit(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "limits", "rate limited wait")
	e.Control("POST", "repos/monalisa/limits/reviewer", map[string]any{"after_ms": 800})
	e.Control("POST", "faults", map[string]any{"route": "GET /repos/{owner}/{repo}/pulls/{pull_number}", "status": 403, "exhausted": true, "reset_in_s": 1})
	r := e.Hotfix(work, "ship", "--no-release", "--interval", "50ms", "--timeout", "1m")
	if r.Code != 0 || !strings.Contains(r.Stderr, "rate limit exhausted: waiting until it resets") {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
}

// TestShipStopsCleanlyAtAFarRateLimit: a rate limit that resets in half an hour,
// met on the way to the release (REST 429 on the dispatch, GraphQL's 200 +
// RATE_LIMITED on the release comment), stops ship at once: exit 1, one line with
// the reset time, nothing half-done; the re-run then releases exactly once.
func TestShipStopsCleanlyAtAFarRateLimit(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Environ = append(e.Environ, faultEnv...)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	cases := []struct {
		route string
		fault map[string]any
	}{
		{"POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", map[string]any{"rate_limit": "primary", "status": 429, "reset_in_s": 1800}},
		{"graphql mutation addComment (HotfixComment)", map[string]any{"rate_limit": "primary", "reset_in_s": 1800}},
	}
	for i, c := range cases {
		repo := fmt.Sprintf("far%d", i)
		work := startHotfix(t, e, repo, "far limit "+repo)
		e.AddCollaborator(repo, "hubot")
		e.API("POST", "/repos/monalisa/"+repo+"/releases", map[string]any{"tag_name": "v1.0.0"})
		e.Control("POST", "repos/monalisa/"+repo+"/reviewer", map[string]any{"after_ms": 200})
		e.Control("POST", "repos/monalisa/"+repo+"/auto-runs", map[string]any{"after_ms": 100})
		fault := map[string]any{"route": c.route, "count": 1}
		for k, v := range c.fault {
			fault[k] = v
		}
		e.Control("POST", "faults", fault)
		args := []string{"ship", "--watch", "--interval", "50ms", "--timeout", "30s", "-r", "hubot"}
		r := e.Hotfix(work, args...)
		lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
		last := lines[len(lines)-1]
		if r.Code != 1 || !strings.Contains(last, "GitHub API rate limit exhausted: it resets at ") || !regexp.MustCompile(`\d\d:\d\d:\d\d`).MatchString(last) {
			t.Errorf("%s: exit %d, last line %q: want exit 1 and the reset time\n%s", c.route, r.Code, last, r.Stderr)
		}
		if strings.Contains(r.Stderr, "waiting until") || strings.Contains(r.Stderr, "HTTP 429") {
			t.Errorf("%s: a reset half an hour away is reported, not waited for or shown as an HTTP error:\n%s", c.route, r.Stderr)
		}
		_, runs := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs", nil)
		_, comments := e.API("GET", "/repos/monalisa/"+repo+"/issues/1/comments", nil)
		if n := runs.(map[string]any)["total_count"].(float64); n != 0 {
			t.Errorf("%s: %v release runs after the refusal", c.route, n)
		}
		if strings.Contains(c.route, "addComment") && strings.Contains(jsonString(comments), "gh-hotfix:release") {
			t.Errorf("%s: a release comment after the refusal: %s", c.route, jsonString(comments))
		}
		e.Control("DELETE", "faults", nil)
		if r := e.Hotfix(work, args...); r.Code != 0 {
			t.Fatalf("%s: the re-run failed:\n%s", c.route, r.Stderr)
		}
		if problem := finalStateProblem(e, repo, flowCase{}); problem != "" {
			t.Errorf("%s: %s", c.route, problem)
		}
	}
}

// TestStatusWaitsOutAnEmptyGraphQLBucket: GraphQL's own budget runs out (the
// emulator's bucket, not an injected fault) and resets in two seconds: status, a
// command that does not wait for anything, waits it out, saying until when.
func TestStatusWaitsOutAnEmptyGraphQLBucket(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "bucket", "empty bucket")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: %s", r.Stderr)
	}
	e.Control("POST", "ratelimit", map[string]any{"resource": "graphql", "remaining": 0, "reset_in_s": 2})
	r := e.Hotfix(work, "status")
	if r.Code != 0 || !strings.Contains(r.Stderr, "GitHub API rate limit exhausted: waiting until it resets at ") || !strings.Contains(r.Stdout, "empty bucket") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	if n := strings.Count(strings.TrimSpace(r.Stderr), "\n"); n != 0 {
		t.Errorf("more than the one line about the wait:\n%s", r.Stderr)
	}
}
