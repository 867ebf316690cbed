package notify

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// receiver is a webhook on 127.0.0.1 answering with the statuses given in
// turn (200 once they run out), recording each body.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   [][]byte
	srv      *httptest.Server
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	r := &receiver{statuses: statuses}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		status := 200
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	})}}
	r.srv.Start()
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) url() string { return r.srv.URL + "/services/T0/B0/SECRETTOKEN" }

func noSleep(context.Context, time.Duration) error { return nil }

var msg = Message{Event: Merged, Repository: "acme/shop", Number: 42, URL: "https://github.com/acme/shop/pull/42",
	Title: "Hotfix: login <500> & co", Branch: "hotfix/login", Base: "main", RunURL: "https://github.com/acme/shop/actions/runs/7",
	Actor: "monalisa", Time: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}

func TestPayloads(t *testing.T) {
	t.Run("slack", func(t *testing.T) {
		b, err := Payload(config.NotifySlack, msg)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Text   string
			Blocks []struct {
				Type string
				Text struct{ Type, Text string }
			}
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Text, "Hotfix #42 merged into main in acme/shop") || !strings.Contains(p.Text, msg.URL) {
			t.Errorf("text = %q", p.Text)
		}
		if len(p.Blocks) < 2 || p.Blocks[0].Type != "section" || p.Blocks[0].Text.Type != "mrkdwn" {
			t.Fatalf("blocks = %s", b)
		}
		if want := "<" + msg.URL + "|Hotfix: login &lt;500&gt; &amp; co>"; !strings.Contains(p.Blocks[0].Text.Text, want) {
			t.Errorf("section = %q, want the escaped title linked: %q", p.Blocks[0].Text.Text, want)
		}
		if want := "<" + msg.RunURL + "|Release run>"; !strings.Contains(p.Blocks[1].Text.Text, want) {
			t.Errorf("links = %q, want %q", p.Blocks[1].Text.Text, want)
		}
	})
	t.Run("teams", func(t *testing.T) {
		b, _ := Payload(config.NotifyTeams, msg)
		var p struct {
			Type        string
			Attachments []struct {
				ContentType string
				Content     struct {
					Type, Version string
					Body          []map[string]any
					Actions       []struct{ Type, Title, URL string }
				}
			}
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if p.Type != "message" || len(p.Attachments) != 1 || p.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
			t.Fatalf("payload = %s", b)
		}
		c := p.Attachments[0].Content
		if c.Type != "AdaptiveCard" || len(c.Body) < 3 || len(c.Actions) != 2 || c.Actions[0].Type != "Action.OpenUrl" ||
			c.Actions[0].URL != msg.URL || c.Actions[1].Title != "Release run" {
			t.Errorf("card = %s", b)
		}
	})
	t.Run("json", func(t *testing.T) {
		b, _ := Payload(config.NotifyJSON, msg)
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		pr, _ := p["pull_request"].(map[string]any)
		if p["schema"] != JSONSchema || p["event"] != "merged" || p["repository"] != "acme/shop" || pr["number"] != 42.0 ||
			pr["url"] != msg.URL || p["run_url"] != msg.RunURL || p["branch"] != "hotfix/login" || p["base"] != "main" ||
			p["actor"] != "monalisa" || p["time"] != "2026-12-07T09:00:00Z" {
			t.Errorf("object = %s", b)
		}
		if _, ok := p["post_mortem_url"]; ok {
			t.Errorf("an empty field is in the object: %s", b)
		}
	})
}

func TestSendRetriesThenSucceeds(t *testing.T) {
	r := newReceiver(t, 503, 429)
	s := &Sender{Sleep: noSleep}
	if err := s.Send(context.Background(), Hook{Env: "HOOK", Kind: "json", URL: r.url()}, msg); err != nil {
		t.Fatal(err)
	}
	if len(r.bodies) != 3 {
		t.Errorf("%d attempts, want 3", len(r.bodies))
	}
}

func TestSendFailuresNeverShowTheURL(t *testing.T) {
	r := newReceiver(t, 404)
	dead := newReceiver(t)
	deadURL := dead.url()
	dead.srv.Close() // connection refused
	for name, tc := range map[string]struct {
		url, want string
	}{
		"404 is final":     {r.url(), "webhook HOOK (slack): HTTP 404 Not Found"},
		"refused, retried": {deadURL, "webhook HOOK (slack): could not connect"},
		"not a URL":        {"http://[::1]:namedport/SECRETTOKEN", "webhook HOOK (slack): the value of HOOK is not a valid URL"},
	} {
		t.Run(name, func(t *testing.T) {
			err := (&Sender{Sleep: noSleep, Timeout: time.Second}).Send(context.Background(), Hook{Env: "HOOK", Kind: "slack", URL: tc.url}, msg)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q…", err, tc.want)
			}
			for _, secret := range []string{"SECRETTOKEN", "127.0.0.1", "/services/"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows the URL (%s): %v", secret, err)
				}
			}
		})
	}
	if len(r.bodies) != 1 {
		t.Errorf("a 404 was sent %d times, want once", len(r.bodies))
	}
}

func TestNotifierWarnsAndNeverFails(t *testing.T) {
	ok, bad := newReceiver(t), newReceiver(t, 500, 500, 500)
	env := map[string]string{"OK_HOOK": ok.url(), "BAD_HOOK": bad.url()}
	var warnings []string
	n := &Notifier{
		Hooks: []config.Notify{{WebhookEnv: "OK_HOOK", Kind: "slack"}, {WebhookEnv: "BAD_HOOK", Kind: "teams"},
			{WebhookEnv: "UNSET_HOOK", Kind: "json"}, {WebhookEnv: "OK_HOOK2", Kind: "json", Events: []string{"released"}}},
		Getenv: func(k string) string { return env[k] },
		Sender: &Sender{Sleep: noSleep},
		Warn:   func(l string) { warnings = append(warnings, l) },
	}
	hooks := n.For(Merged)
	if len(hooks) != 2 {
		t.Fatalf("hooks = %d, want OK_HOOK and BAD_HOOK (UNSET_HOOK has no URL, OK_HOOK2 does not want merged)", len(hooks))
	}
	if failed := n.Deliver(context.Background(), hooks, msg); failed != 1 {
		t.Errorf("failed = %d, want 1", failed)
	}
	if len(ok.bodies) != 1 || len(bad.bodies) != 3 {
		t.Errorf("ok got %d, bad got %d; want 1 and 3 (attempts)", len(ok.bodies), len(bad.bodies))
	}
	want := []string{"UNSET_HOOK is not set: the json webhook is not told of merged",
		"Could not notify BAD_HOOK (teams) of merged: HTTP 500 Internal Server Error"}
	if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
	results := n.Test(context.Background(), Message{Repository: "acme/shop"})
	if len(results) != 4 || results[0].Err != nil || results[2].Err == nil || results[2].Err.Msg != "UNSET_HOOK is not set" {
		t.Errorf("Test results = %+v", results)
	}
}

// thread is a pull request conversation in memory; posts get increasing IDs.
type thread struct {
	comments []github.Comment
	before   []github.Comment // comments another machine posts right before the next post
	deleted  []int64
}

func (t *thread) Comments(context.Context) ([]github.Comment, error) { return t.comments, nil }
func (t *thread) Post(_ context.Context, body string) (*github.PostedComment, error) {
	t.comments = append(t.comments, t.before...)
	t.before = nil
	id := int64(len(t.comments) + 100)
	t.comments = append(t.comments, github.Comment{ID: id, Body: body})
	return &github.PostedComment{ID: id, Comments: append([]github.Comment(nil), t.comments...)}, nil
}
func (t *thread) Edit(context.Context, int64, string) error { return nil }
func (t *thread) Delete(_ context.Context, id int64) error {
	t.deleted = append(t.deleted, id)
	for i, c := range t.comments {
		if c.ID == id {
			t.comments = append(t.comments[:i], t.comments[i+1:]...)
			break
		}
	}
	return nil
}

func TestClaimOncePerEvent(t *testing.T) {
	ctx := context.Background()
	th := &thread{}
	won, err := Claim(ctx, th, th.comments, Merged)
	if err != nil || !won {
		t.Fatalf("first claim: won %v, %v", won, err)
	}
	if won, _ := Claim(ctx, th, th.comments, Merged); won {
		t.Error("a second claim of merged won")
	}
	if len(th.comments) != 1 || !Sent(th.comments, Merged) || Sent(th.comments, Released) {
		t.Errorf("comments = %+v", th.comments)
	}
	if won, _ := Claim(ctx, th, th.comments, Released); !won {
		t.Error("released was not claimed")
	}
	if got := SentEvents(th.comments, config.NotifyEvents); strings.Join(got, ",") != "merged,released" {
		t.Errorf("SentEvents = %v", got)
	}
}

func TestClaimLosesToAnEarlierMachine(t *testing.T) {
	ctx := context.Background()
	// Both machines read the thread without a claim; the other posts first.
	th := &thread{before: []github.Comment{{ID: 1, Body: ClaimComment(Merged, "othermachine")}}}
	won, err := Claim(ctx, th, nil, Merged)
	if err != nil || won {
		t.Fatalf("won %v (%v): the earlier claim must win", won, err)
	}
	if len(th.deleted) != 1 || len(th.comments) != 1 || th.comments[0].ID != 1 {
		t.Errorf("our duplicate claim was not taken back: deleted %v, comments %+v", th.deleted, th.comments)
	}
}
