package e2e

import (
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

func TestScratchDoctor(t *testing.T) {
	e := harness.New(t)
	work := e.CreateRepo("shop", map[string]string{".github/workflows/release.yml": "", ".github/workflows/ci.yml": "on:\n  push:\n    branches: ['hotfix/**']\n    paths: ['src/**']\n"})
	checkRun(t, e, "shop", work, "build", "failure")
	r := e.Hotfix(work, "doctor")
	t.Logf("plain (%d):\n%s%s", r.Code, r.Stdout, r.Stderr)
	r = e.RunInEnv(work, []string{"GH_FORCE_TTY=1"}, "gh", "hotfix", "doctor")
	t.Logf("tty (%d):\n%s%s", r.Code, r.Stdout, r.Stderr)
}
