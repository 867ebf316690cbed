// Package cmderr defines the kinds of error a command returns to choose how gh hotfix exits:
// 1 for failures (with the usage for a [FlagError], silently for [ErrSilent]), 2 when the user
// cancelled ([ErrCancel]), 3 when the work is done but a person must finish part of it
// ([AttentionError]) and 4 when authentication is missing or refused ([AuthError]).
//
// It depends on nothing of the project, so that every package (prompts included) can return
// these errors.
package cmderr

import (
	"errors"
	"fmt"

	"github.com/cli/go-gh/v2/pkg/auth"
)

// ErrCancel reports that the user cancelled: Ctrl-C at a prompt or during a wait. gh hotfix
// then exits with status 2. Returned as is, nothing is printed; wrapped with context
// (fmt.Errorf("...: %w", ErrCancel)), the message is printed, e.g. to say how to continue.
var ErrCancel = errors.New("cancelled")

// ErrSilent makes gh hotfix exit with status 1 without printing anything, for a command that
// has already reported the failure itself (e.g. `doctor` after listing failed checks).
var ErrSilent = errors.New("silent error")

// FlagError reports a wrong command line: a bad flag value, conflicting flags, a missing or
// extra argument. gh hotfix prints the message followed by the command's usage and exits 1.
type FlagError struct {
	Err error
}

// Error returns the message of the underlying error.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a [FlagError] with a message formatted by [fmt.Errorf].
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// AttentionError reports a command that did its work but left a part that only a person can
// finish, e.g. a forward-port whose cherry-pick conflicts: the pull request is open, with
// instructions. gh hotfix prints the message and exits 3, which gh itself never uses, so
// that a script can tell "done, but needs attention" from a failure (1).
type AttentionError struct {
	Err error
}

// Error returns the message of the underlying error.
func (e *AttentionError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *AttentionError) Unwrap() error { return e.Err }

// AuthError reports that there is no usable token for Host, or that the API refused it
// (HTTP 401). gh hotfix prints it with a hint to log in and exits 4.
type AuthError struct {
	Host string // GitHub host, e.g. "github.com" or "ghe.example.com"
	Err  error  // why authentication failed; nil when there is no token at all
}

// Error says what is wrong and how to fix it, in one line and without any token.
func (e *AuthError) Error() string {
	tokenVar := "GH_TOKEN"
	if auth.IsEnterprise(e.Host) {
		tokenVar = "GH_ENTERPRISE_TOKEN"
	}
	hint := fmt.Sprintf(`run "gh auth login --hostname %s" or set %s`, e.Host, tokenVar)
	if e.Err == nil {
		return fmt.Sprintf("not logged in to %s: to get started, %s", e.Host, hint)
	}
	return fmt.Sprintf("authentication to %s failed: %v; %s to a valid token", e.Host, e.Err, hint)
}

// Unwrap returns the underlying error.
func (e *AuthError) Unwrap() error { return e.Err }
