package ship

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

func TestForwardBody(t *testing.T) {
	s := &shipper{branch: "hotfix/login-500", base: "release/v1.4", remote: "origin",
		meta: hotfix.Meta{FromTag: "v1.4.0"}, pr: &github.PullRequest{Number: 12},
		exc: &exceptionalState{mainline: "main", tag: "v1.4.1"}}
	const a, b, c = "aaaaaaa1111111111111111111111111111111111", "bbbbbbb2222222222222222222222222222222222", "ccccccc3333333333333333333333333333333333"
	subjects := map[string]string{a: "Fix one", b: "Fix two", c: "Fix three"}

	clean := s.forwardBody("hotfix/forward-port-login-500", &forwardPick{applied: []string{a, b}, subjects: subjects})
	for _, want := range []string{"## Forward-port of #12 to `main`", "released as `v1.4.1`", "- aaaaaaa Fix one\n- bbbbbbb Fix two\n",
		"<!-- gh-hotfix:forward-port of=12 conflicts=false -->"} {
		if !strings.Contains(clean, want) {
			t.Errorf("body lacks %q:\n%s", want, clean)
		}
	}
	if strings.Contains(clean, "Conflicts") || strings.Contains(clean, "git switch") {
		t.Errorf("a clean forward-port gives instructions:\n%s", clean)
	}

	conflicted := s.forwardBody("hotfix/forward-port-login-500", &forwardPick{applied: []string{a}, conflict: b, pending: []string{b, c},
		files: []string{"app.txt", "docs/a b.md"}, mainline: 1, subjects: subjects})
	for _, want := range []string{"`bbbbbbb` did not apply to `main` (conflicts in `app.txt`, `docs/a b.md`)",
		"These commits still have to be applied by hand:\n- bbbbbbb Fix two\n- ccccccc Fix three\n",
		"git fetch origin release/v1.4 hotfix/forward-port-login-500\ngit switch hotfix/forward-port-login-500\ngit cherry-pick -x -m 1 " + b + " " + c + "\n",
		"git push origin hotfix/forward-port-login-500\n", "conflicts=true"} {
		if !strings.Contains(conflicted, want) {
			t.Errorf("body lacks %q:\n%s", want, conflicted)
		}
	}
	if strings.Contains(conflicted, "empty commit") {
		t.Errorf("a branch with applied commits is called empty:\n%s", conflicted)
	}
	if fm, ok := hotfix.ParseForwardPort(conflicted); !ok || fm.Of != 12 || !fm.Conflicts {
		t.Errorf("marker: %+v %v", fm, ok)
	}
	nothing := s.forwardBody("hotfix/forward-port-login-500", &forwardPick{conflict: a, pending: []string{a}, subjects: subjects})
	if !strings.Contains(nothing, "This commit still has to be applied by hand:\n- aaaaaaa Fix one\n") {
		t.Errorf("one pending commit is not in the singular:\n%s", nothing)
	}
	if !strings.Contains(nothing, "empty commit only") {
		t.Errorf("the body does not explain the empty commit:\n%s", nothing)
	}
}
