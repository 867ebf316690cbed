package github

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
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
