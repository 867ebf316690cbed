package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/status"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestHandleError(t *testing.T) {
	apiURL, _ := url.Parse("https://api.github.com/repos/acme/shop/pulls")
	gheURL, _ := url.Parse("https://ghe.example.com/api/v3/repos/acme/shop/pulls")
	cancelledCtx, cancel := context.WithCancel(context.Background())
	cancel()
	reset := time.Now().Add(20 * time.Minute)

	tests := []struct {
		name       string
		ctx        context.Context
		err        error
		stderrTTY  bool
		wantCode   int
		wantStderr string // exact, unless wantPrefix
		wantPrefix bool
	}{
		{name: "success", err: nil, wantCode: 0},
		{name: "failure", err: errors.New("base main has failing checks"), wantCode: 1, wantStderr: "base main has failing checks\n"},
		{name: "wrapped failure", err: fmt.Errorf("creating branch: %w", errors.New("exit 128")), wantCode: 1, wantStderr: "creating branch: exit 128\n"},
		{name: "silent", err: cmderr.ErrSilent, wantCode: 1},
		{name: "wrapped silent", err: fmt.Errorf("doctor: %w", cmderr.ErrSilent), wantCode: 1},
		{name: "cancel", err: cmderr.ErrCancel, wantCode: 2},
		{name: "needs attention", err: &cmderr.AttentionError{Err: errors.New("the forward-port pull request #13 has conflicts to resolve by hand: http://x/pull/13")}, wantCode: 3,
			wantStderr: "the forward-port pull request #13 has conflicts to resolve by hand: http://x/pull/13\n"},
		{name: "cancel on a terminal ends the ^C line", err: cmderr.ErrCancel, stderrTTY: true, wantCode: 2, wantStderr: "\n"},
		{name: "cancel with a message", err: fmt.Errorf("stopped waiting for the merge; run gh hotfix ship again to continue: %w", cmderr.ErrCancel), stderrTTY: true, wantCode: 2, wantStderr: "stopped waiting for the merge; run gh hotfix ship again to continue\n"},
		{name: "context cancelled", err: fmt.Errorf("waiting: %w", context.Canceled), wantCode: 2},
		{name: "any error after SIGINT", ctx: cancelledCtx, err: errors.New("git fetch origin main: signal: interrupt"), wantCode: 2},
		{name: "no token", err: fmt.Errorf("creating pull request: %w", &cmderr.AuthError{Host: "github.com"}), wantCode: 4,
			wantStderr: "creating pull request: not logged in to github.com: to get started, run \"gh auth login --hostname github.com\" or set GH_TOKEN\n"},
		{name: "no enterprise token", err: &cmderr.AuthError{Host: "ghe.example.com"}, wantCode: 4,
			wantStderr: "not logged in to ghe.example.com: to get started, run \"gh auth login --hostname ghe.example.com\" or set GH_ENTERPRISE_TOKEN\n"},
		{name: "token refused", err: fmt.Errorf("finding pull request: %w", &api.HTTPError{StatusCode: 401, Message: "Bad credentials", RequestURL: apiURL}), wantCode: 4,
			wantStderr: "authentication to github.com failed: finding pull request: HTTP 401: Bad credentials (https://api.github.com/repos/acme/shop/pulls); run \"gh auth login --hostname github.com\" or set GH_TOKEN to a valid token\n"},
		{name: "enterprise token refused", err: &api.HTTPError{StatusCode: 401, Message: "Bad credentials", RequestURL: gheURL}, wantCode: 4,
			wantStderr: "authentication to ghe.example.com failed: HTTP 401: Bad credentials (https://ghe.example.com/api/v3/repos/acme/shop/pulls); run \"gh auth login --hostname ghe.example.com\" or set GH_ENTERPRISE_TOKEN to a valid token\n"},
		{name: "not found", err: &api.HTTPError{StatusCode: 404, Message: "Not Found", RequestURL: apiURL}, wantCode: 1,
			wantStderr: "HTTP 404: Not Found (https://api.github.com/repos/acme/shop/pulls); check the repository (-R OWNER/REPO) and that your token can see it\n"},
		{name: "forbidden", err: fmt.Errorf("opening the pull request: %w", &api.HTTPError{StatusCode: 403, Message: "Resource not accessible by integration", RequestURL: apiURL}), wantCode: 1,
			wantStderr: "opening the pull request: HTTP 403: Resource not accessible by integration (https://api.github.com/repos/acme/shop/pulls); check that you have write access to the repository and that your token has the repo scope (gh auth refresh -s repo)\n"},
		{name: "server error", err: &api.HTTPError{StatusCode: 502, Message: "Bad Gateway", RequestURL: apiURL}, wantCode: 1,
			wantStderr: "HTTP 502: Bad Gateway (https://api.github.com/repos/acme/shop/pulls); GitHub is having trouble: run the command again in a moment (it continues where it stopped)\n"},
		{name: "multi-line error becomes one line", err: errors.New("validation failed:\n  title is missing\n  head is invalid"), wantCode: 1,
			wantStderr: "validation failed: title is missing; head is invalid\n"},
		{name: "not JSON", err: fmt.Errorf("decoding GET repos/a/b: %w", json.Unmarshal([]byte("<html>"), new(any))), wantCode: 1,
			wantStderr: "decoding GET repos/a/b: invalid character '<' looking for beginning of value; GitHub answered with something that is not JSON (an error page?): run the command again in a moment\n"},
		{name: "rate limit far from its reset: exit 1, the time, no HTTP advice", err: fmt.Errorf("dispatching release.yml: %w", &github.RateLimitError{Reset: reset}), wantCode: 1,
			wantStderr: "dispatching release.yml: GitHub API rate limit exhausted: it resets at " + reset.Local().Format("15:04:05") + " (in ", wantPrefix: true},
		{name: "secondary rate limit far from its end", err: &github.RateLimitError{Secondary: true, Reset: reset}, wantCode: 1,
			wantStderr: "GitHub's secondary rate limit refused the request: try again after " + reset.Local().Format("15:04:05") + " (in ", wantPrefix: true},
		{name: "flag error", err: cmderr.FlagErrorf("invalid limit: 0"), wantCode: 1,
			wantStderr: "invalid limit: 0\n\nUsage:  gh hotfix status [flags]\n\nFlags:\n", wantPrefix: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, stdout, stderr := iostreams.Test()
			ios.SetStderrTTY(tt.stderrTTY)
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			cmd := status.NewCmdStatus(&Factory{IOStreams: ios}, nil)
			if code := handleError(ctx, ios, cmd, tt.err); code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			got := stderr.String()
			if tt.wantPrefix && !strings.HasPrefix(got, tt.wantStderr) || !tt.wantPrefix && got != tt.wantStderr {
				t.Errorf("stderr\n%q\nwant\n%q", got, tt.wantStderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

func TestCancelMessage(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"plain cancel", cmderr.ErrCancel, ""},
		{"context cancelled alone", context.Canceled, ""},
		{"not a cancel", errors.New("boom: cancelled"), ""},
		{"with how to continue", fmt.Errorf("interrupted while waiting for #7 to be merged: run gh hotfix ship again to continue: %w", cmderr.ErrCancel),
			"interrupted while waiting for #7 to be merged: run gh hotfix ship again to continue"},
		{"both causes", fmt.Errorf("interrupted: %w: %w", cmderr.ErrCancel, context.Canceled), "interrupted"},
		{"context words inside", fmt.Errorf("git fetch: context canceled: %w", cmderr.ErrCancel), "git fetch"},
		{"over lines", fmt.Errorf("interrupted\n  run it again: %w", cmderr.ErrCancel), "interrupted; run it again"},
		{"only the words of the cause", fmt.Errorf("%w: %w", cmderr.ErrCancel, context.Canceled), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cancelMessage(tt.err); got != tt.want {
				t.Errorf("cancelMessage = %q, want %q", got, tt.want)
			}
		})
	}
}
