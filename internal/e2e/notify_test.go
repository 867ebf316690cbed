package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// hookReceiver is the team's webhook: a json-kind endpoint on 127.0.0.1 that
// records each event it is told of.
type hookReceiver struct {
	mu     sync.Mutex
	events []map[string]any
}

func (h *hookReceiver) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, e := range h.events {
		out = append(out, e["event"].(string))
	}
	return out
}

func (h *hookReceiver) count(event string) int {
	n := 0
	for _, e := range h.got() {
		if e == event {
			n++
		}
	}
	return n
}

// TestNotifyEachEventOnceAcrossAKilledShip: a json webhook gets created,
// opened, merged, release_started, released and post_mortem exactly once
// each, across a ship killed while it waits for the merge and re-run (also
// with GH_DEBUG=api), then run once more; no output shows any part of the
// webhook's URL.
func TestNotifyEachEventOnceAcrossAKilledShip(t *testing.T) {
	t.Parallel()
	rec := &hookReceiver{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if r.URL.Path != "/hooks/SECRETTOKEN" || json.Unmarshal(b, &m) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rec.mu.Lock()
		rec.events = append(rec.events, m)
		rec.mu.Unlock()
	})}}
	srv.Start()
	t.Cleanup(srv.Close)
	hookURL := srv.URL + "/hooks/SECRETTOKEN"
	u, _ := url.Parse(hookURL)

	e := harness.New(t)
	e.Environ = append(e.Environ, "HOTFIX_HOOK="+hookURL)
	work := e.CreateRepo("shop", map[string]string{".github/hotfix.yml": "notify:\n  - webhook_env: HOTFIX_HOOK\n    kind: json\n"})
	e.Control("POST", "repos/monalisa/shop/auto-runs", map[string]any{"after_ms": 100, "conclusion": "success"})
	var outputs []string
	r := e.Hotfix(work, "create", "checkout fails for expired coupons")
	outputs = append(outputs, r.Stdout, r.Stderr)
	if r.Code != 0 {
		t.Fatalf("create: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "fix.txt"), "the fix\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Fix coupons")

	// ship waits for the merge; killed once the team was told of the pull request.
	p := e.Start(work, "ship", "--watch", "--post-mortem", "--interval", "50ms", "--timeout", "30s")
	e.Eventually("the opened notification", 60*time.Second, func() bool { return rec.count("opened") == 1 })
	p.Kill()
	killed := p.Wait(t, 30*time.Second)
	outputs = append(outputs, killed.Stdout, killed.Stderr)

	if status, out := e.API("PUT", "/repos/monalisa/shop/pulls/1/merge", map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	r = e.RunInEnv(work, []string{"GH_DEBUG=api"}, "gh", "hotfix", "ship", "--watch", "--post-mortem", "--interval", "50ms", "--timeout", "30s")
	outputs = append(outputs, r.Stdout, r.Stderr)
	if r.Code != 0 {
		t.Fatalf("ship after the merge: exit %d: %s", r.Code, r.Stderr)
	}
	r = e.Hotfix(work, "ship", "--watch", "--post-mortem", "--interval", "50ms", "--timeout", "30s")
	outputs = append(outputs, r.Stdout, r.Stderr)
	if r.Code != 0 {
		t.Fatalf("third ship: exit %d: %s", r.Code, r.Stderr)
	}

	want := []string{"created", "opened", "merged", "release_started", "released", "post_mortem"}
	if got := strings.Join(rec.got(), ","); got != strings.Join(want, ",") {
		t.Errorf("the webhook got %s\nwant %s", got, strings.Join(want, ","))
	}
	rec.mu.Lock()
	for _, m := range rec.events {
		pr, _ := m["pull_request"].(map[string]any)
		switch m["event"] {
		case "created":
			if m["branch"] != "hotfix/checkout-fails-for-expired-coupons" || m["base"] != "main" || pr != nil {
				t.Errorf("created: %v", m)
			}
		case "release_started", "released":
			if run, _ := m["run_url"].(string); !strings.Contains(run, "/actions/runs/") || pr["url"] != "http://github.localhost/monalisa/shop/pull/1" {
				t.Errorf("%s lacks the run or the pull request: %v", m["event"], m)
			}
		case "post_mortem":
			if pm, _ := m["post_mortem_url"].(string); !strings.Contains(pm, "/issues/") {
				t.Errorf("post_mortem lacks the issue: %v", m)
			}
		default:
			if pr["number"] != 1.0 || m["repository"] != "monalisa/shop" {
				t.Errorf("%s lacks the pull request: %v", m["event"], m)
			}
		}
	}
	rec.mu.Unlock()

	for i, out := range outputs {
		for _, secret := range []string{hookURL, "SECRETTOKEN", "/hooks/", u.Host} {
			if strings.Contains(out, secret) {
				t.Errorf("output %d shows %q of the webhook's URL:\n%s", i, secret, out)
			}
		}
	}
	// The record: one claim comment per event on the pull request.
	_, comments := e.API("GET", "/repos/monalisa/shop/issues/1/comments", nil)
	if n := strings.Count(jsonString(comments), "gh-hotfix:notify "); n != 5 {
		t.Errorf("%d notification records on #1, want 5 (created is kept with the branch)", n)
	}
	if v := strings.TrimSpace(e.Git(work, "config", "branch.hotfix/checkout-fails-for-expired-coupons.hotfix-notified")); v != "created" {
		t.Errorf("branch config hotfix-notified = %q, want created", v)
	}
}
