package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
)

// Hook is one webhook of the config with its URL, read from the environment.
type Hook struct {
	Env  string // the variable the URL came from: how messages name the webhook
	Kind string
	URL  string // never printed
}

// Name is how messages name the webhook: its variable and kind, never its URL.
func (h Hook) Name() string { return fmt.Sprintf("%s (%s)", h.Env, h.Kind) }

// Error is a webhook that did not take a message. Its text names the webhook
// by its variable and never holds the URL (nor its host), also when the
// error came from the network.
type Error struct {
	Hook   string // Hook.Name
	Status int    // the HTTP status, 0 when no answer came
	Msg    string // what went wrong, redacted
}

func (e *Error) Error() string { return fmt.Sprintf("webhook %s: %s", e.Hook, e.Msg) }

// Sender posts messages. A webhook gets a short timeout and a few attempts:
// chat is a courtesy to the team, and never holds up a hotfix.
type Sender struct {
	// Client sends the requests; nil means a client of its own. Not the
	// GitHub client: its GH_DEBUG logging would print the URL.
	Client *http.Client
	// Timeout bounds each attempt (5s when 0); Attempts bounds the attempts
	// (3 when 0); Backoff is the first pause between them, doubled after
	// each (500ms when 0).
	Timeout  time.Duration
	Attempts int
	Backoff  time.Duration
	// Sleep pauses between attempts; a timer honouring ctx when nil.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Send posts m to h in h's format. A network error, a timeout, 429 and 5xx
// answers are tried again; other answers are final.
func (s *Sender) Send(ctx context.Context, h Hook, m Message) error {
	body, err := Payload(h.Kind, m)
	if err != nil {
		return &Error{Hook: h.Name(), Msg: err.Error()}
	}
	attempts, backoff := s.Attempts, s.Backoff
	if attempts <= 0 {
		attempts = 3
	}
	if backoff <= 0 {
		backoff = 500 * time.Millisecond
	}
	var last *Error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if err := s.sleep(ctx, backoff); err != nil {
				return last
			}
			backoff *= 2
		}
		var retry bool
		last, retry = s.post(ctx, h, body)
		if last == nil {
			return nil
		}
		if !retry {
			break
		}
	}
	return last
}

// post sends one attempt; retry says whether another may succeed.
func (s *Sender) post(ctx context.Context, h Hook, body []byte) (_ *Error, retry bool) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		// Parsing errors quote the URL: say only that it is not one.
		return &Error{Hook: h.Name(), Msg: fmt.Sprintf("the value of %s is not a valid URL", h.Env)}, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gh-hotfix")
	client := s.Client
	if client == nil {
		client = &http.Client{}
	}
	resp, err := client.Do(req)
	if err != nil {
		return &Error{Hook: h.Name(), Msg: redact(transportProblem(err), h.URL)}, true
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil, false
	}
	e := &Error{Hook: h.Name(), Status: resp.StatusCode, Msg: fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	return e, resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
}

// transportProblem says what failed without the request's URL, which
// *url.Error quotes.
func transportProblem(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer in time"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return "could not connect: " + oe.Err.Error()
	}
	return err.Error()
}

// redact removes the URL and every part of it that could identify it (its
// host, its path) from s.
func redact(s, raw string) string {
	parts := []string{raw}
	if u, err := url.Parse(raw); err == nil {
		parts = append(parts, u.Host, u.Hostname(), u.Path, u.RawQuery)
	}
	for _, p := range parts {
		if len(p) > 1 {
			s = strings.ReplaceAll(s, p, "[redacted]")
		}
	}
	return s
}

func (s *Sender) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Notifier tells the config's webhooks of events.
type Notifier struct {
	Hooks  []config.Notify
	Getenv func(string) string
	Sender *Sender
	// Warn says a webhook that failed or lacks its URL, on stderr.
	Warn func(line string)
}

// For returns the webhooks that want event and whose URL is set, and warns
// about those whose variable is not set.
func (n *Notifier) For(event string) []Hook {
	var hooks []Hook
	for _, c := range n.Hooks {
		if !c.Wants(event) && event != Test {
			continue
		}
		u := strings.TrimSpace(n.Getenv(c.WebhookEnv))
		if u == "" {
			n.warn(fmt.Sprintf("%s is not set: the %s webhook is not told of %s", c.WebhookEnv, c.Kind, strings.ReplaceAll(event, "_", " ")))
			continue
		}
		hooks = append(hooks, Hook{Env: c.WebhookEnv, Kind: c.Kind, URL: u})
	}
	return hooks
}

// Wants reports whether some webhook wants event (its URL set or not: an
// unset one is warned about when the event is sent).
func (n *Notifier) Wants(event string) bool {
	if n == nil {
		return false
	}
	for _, c := range n.Hooks {
		if c.Wants(event) {
			return true
		}
	}
	return false
}

// Deliver sends m to each of hooks; a webhook that fails is warned about,
// never returned: a hotfix goes on whatever chat does.
func (n *Notifier) Deliver(ctx context.Context, hooks []Hook, m Message) (failed int) {
	for _, r := range n.deliver(ctx, hooks, m) {
		if r.Err != nil {
			failed++
			n.warn(fmt.Sprintf("Could not notify %s of %s: %s", r.Hook.Name(), strings.ReplaceAll(m.Event, "_", " "), r.Err.Msg))
		}
	}
	return failed
}

// Result is one webhook's answer to a message.
type Result struct {
	Hook Hook
	Err  *Error // nil when it took the message
}

// Test sends m (event Test) to every configured webhook, whatever its events,
// and says how each answered; one whose variable is not set is a failure.
func (n *Notifier) Test(ctx context.Context, m Message) []Result {
	m.Event = Test
	var out []Result
	for _, c := range n.Hooks {
		h := Hook{Env: c.WebhookEnv, Kind: c.Kind, URL: strings.TrimSpace(n.Getenv(c.WebhookEnv))}
		if h.URL == "" {
			out = append(out, Result{Hook: h, Err: &Error{Hook: h.Name(), Msg: h.Env + " is not set"}})
			continue
		}
		out = append(out, n.deliver(ctx, []Hook{h}, m)...)
	}
	return out
}

func (n *Notifier) deliver(ctx context.Context, hooks []Hook, m Message) []Result {
	sender := n.Sender
	if sender == nil {
		sender = &Sender{}
	}
	var out []Result
	for _, h := range hooks {
		r := Result{Hook: h}
		if err := sender.Send(ctx, h, m); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = &Error{Hook: h.Name(), Msg: redact(err.Error(), h.URL)}
			}
			r.Err = e
		}
		out = append(out, r)
	}
	return out
}

func (n *Notifier) warn(line string) {
	if n.Warn != nil {
		n.Warn(line)
	}
}
