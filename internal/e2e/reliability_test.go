package e2e

import (
	"path/filepath"
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
