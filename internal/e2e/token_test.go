package e2e

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestWrongTokenIsRefused: a token GitHub does not know is answered 401 "Bad
// credentials"; gh hotfix says so, points at gh auth login and exits 4, having
// changed nothing.
func TestWrongTokenIsRefused(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("keys", nil)
	e.ClearRequests()
	r := e.RunInEnv(work, []string{"GH_TOKEN=gho_notAValidToken0123456789abcdefghijkl"}, "gh", "hotfix", "create", "wrong key")
	if r.Code != 4 || !strings.Contains(r.Stderr, "HTTP 401: Bad credentials") || !strings.Contains(r.Stderr, "gh auth login") {
		t.Fatalf("exit %d, want 4 with a hint to log in\n%s", r.Code, r.Stderr)
	}
	assertNothingChanged(t, e, "a refused token")
}
