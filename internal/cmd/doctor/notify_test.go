package doctor

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
)

// TestTestNotify: one notify check per webhook, named by its variable and
// kind; a 404 and an unset variable fail; no check shows the URL.
func TestTestNotify(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ok/SECRET" {
			w.WriteHeader(http.StatusNotFound)
		}
	})}}
	srv.Start()
	defer srv.Close()
	env := map[string]string{"GOOD": srv.URL + "/ok/SECRET", "GONE": srv.URL + "/gone/SECRET"}
	f := &command.Factory{Getenv: func(k string) string { return env[k] }, Now: time.Now}
	cfg := config.Default()
	cfg.Notify = []config.Notify{{WebhookEnv: "GOOD", Kind: "slack"}, {WebhookEnv: "GONE", Kind: "teams"}, {WebhookEnv: "UNSET", Kind: "json", Events: []string{"merged"}}}
	checks := testNotify(context.Background(), f, cfg, "acme/shop")
	if len(checks) != 3 {
		t.Fatalf("%d checks, want 3: %+v", len(checks), checks)
	}
	want := []struct {
		ok     bool
		detail string
	}{
		{true, "GOOD (slack): the test message was delivered"},
		{false, "webhook GONE (teams): HTTP 404 Not Found"},
		{false, "webhook UNSET (json): UNSET is not set"},
	}
	for i, c := range checks {
		if c.Name != "notify" || c.OK != want[i].ok || c.Detail != want[i].detail {
			t.Errorf("check %d = %+v, want ok=%v %q", i, c, want[i].ok, want[i].detail)
		}
		if strings.Contains(c.Detail+c.Fix, "SECRET") || strings.Contains(c.Detail+c.Fix, "127.0.0.1") {
			t.Errorf("check %d shows the URL: %+v", i, c)
		}
	}
	if ready(checks) {
		t.Error("doctor would exit 0 with failing webhooks")
	}
	if c := testNotify(context.Background(), f, config.Default(), "acme/shop"); len(c) != 1 || c[0].Severity != SeverityError {
		t.Errorf("without a notify list: %+v, want one failure", c)
	}
}
