package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestNoTokenInOutput runs create and ship at every debug level and greps
// everything they print for the token and the Authorization header value.
func TestNoTokenInOutput(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	for i, debug := range []string{"", "1", "api", "true"} {
		repo := "secret" + string(rune('a'+i))
		work := e.CreateRepo(repo, nil)
		trace := filepath.Join(t.TempDir(), "git-trace")
		env := []string{"GH_DEBUG=" + debug, "GIT_TRACE=" + trace}
		var out strings.Builder
		r := e.RunInEnv(work, env, "gh", "hotfix", "create", "leak check")
		out.WriteString(r.Stdout + r.Stderr)
		harnessWrite(t, filepath.Join(work, "x.txt"), "x\n")
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "x")
		e.Control("POST", "repos/monalisa/"+repo+"/auto-runs", map[string]any{"after_ms": 100})
		r = e.RunInEnv(work, env, "gh", "hotfix", "ship", "--auto", "--watch", "--interval", "50ms", "--timeout", "5s")
		out.WriteString(r.Stdout + r.Stderr)
		if r.Code != 0 {
			t.Errorf("GH_DEBUG=%q ship: exit %d\n%s", debug, r.Code, r.Stderr)
		}
		// GIT_TRACE records every git command line the extension runs.
		gitTrace, err := os.ReadFile(trace)
		if err != nil || !strings.Contains(string(gitTrace), "fetch") {
			t.Fatalf("no git trace recorded (%v)", err)
		}
		out.Write(gitTrace)
		all := out.String()
		if debug == "api" && !strings.Contains(all, "Authorization") && !strings.Contains(all, "authorization") {
			t.Logf("GH_DEBUG=api printed no Authorization header at all")
		}
		for _, secret := range []string{harness.Token, "token " + harness.Token, "Bearer " + harness.Token, harness.Token[4:20]} {
			if strings.Contains(all, secret) {
				i := strings.Index(all, secret)
				t.Errorf("GH_DEBUG=%q printed the token: …%s…", debug, all[max(0, i-80):min(len(all), i+40)])
			}
		}
	}
	// Git commands never carry the token: it only reaches git through the credential helper.
	for _, req := range e.Server.Requests() {
		if strings.Contains(req.Path, harness.Token) {
			t.Errorf("a request path carried the token: %s", req.Path)
		}
	}
}
