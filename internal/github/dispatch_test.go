package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// TestIsRefusal: a dispatch GitHub refused without acting (4xx, a rate limit that
// outlasts the wait) takes its release comment back; an answer that may hide an
// effect (5xx, a lost connection, a 408) keeps it, so the next ship looks for
// the run before dispatching again.
func TestIsRefusal(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"disabled workflow 422", &api.HTTPError{StatusCode: 422, Message: "Cannot trigger a 'workflow_dispatch' on a disabled workflow"}, true},
		{"unknown input 422", &api.HTTPError{StatusCode: 422, Message: "Unexpected inputs provided"}, true},
		{"workflow not found 404", &api.HTTPError{StatusCode: 404}, true},
		{"forbidden 403", &api.HTTPError{StatusCode: 403}, true},
		{"rate limit beyond the wait", fmt.Errorf("dispatching: %w", &RateLimitError{Reset: time.Now().Add(time.Hour)}), true},
		{"request timeout 408", &api.HTTPError{StatusCode: 408}, false},
		{"server error 502", &api.HTTPError{StatusCode: 502}, false},
		{"connection lost", errors.New("read tcp: connection reset by peer"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsRefusal(tt.err); got != tt.want {
				t.Errorf("IsRefusal(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// TestDispatchRunDetailsByVersion: a server known to be older than 3.21 is not
// asked for run details (one request); while the version is unknown it is, and
// its refusal is followed by the dispatch without them.
func TestDispatchRunDetailsByVersion(t *testing.T) {
	const path = "repos/o/r/actions/workflows/release.yml/dispatches"
	refusal := `{"message": "Invalid request.\n\n\"return_run_details\" is not a permitted key."}`
	tests := []struct {
		name     string
		known    string // version learnt before the dispatch
		answers  []string
		requests int64
	}{
		{"3.20 known: asked without", "3.20.1", []string{"without"}, 1},
		{"3.21 known: asked with", "3.21.0", []string{"with"}, 1},
		{"unknown: refused, then without", "", []string{"with", "without"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := httpmock.New(t)
			for _, a := range tt.answers {
				reg.Register(httpmock.REST("POST", path), func(r *httpmock.Request) (*http.Response, error) {
					with := strings.Contains(string(r.Body), "return_run_details")
					if with != (a == "with") {
						t.Errorf("dispatch body = %s, want %s run details", r.Body, a)
					}
					if with && tt.known == "" {
						return httpmock.JSON(http.StatusUnprocessableEntity, refusal, enterpriseHeader("3.19.2"))(r)
					}
					return httpmock.JSON(http.StatusNoContent, ``, enterpriseHeader("3.19.2"))(r)
				})
			}
			c := NewClient(&http.Client{Transport: reg}, "ghe.example.com")
			if tt.known != "" {
				c.noteVersion(enterpriseHeader(tt.known))
			}
			if _, err := c.DispatchWorkflow(context.Background(), "o", "r", "release.yml", "main", nil); err != nil {
				t.Fatal(err)
			}
			if c.Requests() != tt.requests {
				t.Errorf("requests = %d, want %d", c.Requests(), tt.requests)
			}
		})
	}
}
