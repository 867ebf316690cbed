package ship

import (
	"errors"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestForwardBody(t *testing.T) {
	s := &shipper{branch: "hotfix/login-500", base: "release/v1.4", remote: "origin",
		meta: hotfix.Meta{FromTag: "v1.4.0"}, pr: &github.PullRequest{Number: 12},
		exc: &exceptionalState{mainline: "main", tag: "v1.4.1"}}
	const a, b, c = "aaaaaaa1111111111111111111111111111111111", "bbbbbbb2222222222222222222222222222222222", "ccccccc3333333333333333333333333333333333"
	const head = "ddddddd4444444444444444444444444444444444"
	subjects := map[string]string{a: "Fix one", b: "Fix two", c: "Fix three"}

	clean := s.forwardBody("hotfix/forward-port-login-500", head, &forwardPick{applied: []string{a, b}, subjects: subjects})
	for _, want := range []string{"## Forward-port of #12 to `main`", "released as `v1.4.1`", "- aaaaaaa Fix one\n- bbbbbbb Fix two\n",
		"<!-- gh-hotfix:forward-port of=12 conflicts=false head=" + head + " -->"} {
		if !strings.Contains(clean, want) {
			t.Errorf("body lacks %q:\n%s", want, clean)
		}
	}
	if strings.Contains(clean, "Conflicts") || strings.Contains(clean, "git switch") {
		t.Errorf("a clean forward-port gives instructions:\n%s", clean)
	}

	conflicted := s.forwardBody("hotfix/forward-port-login-500", head, &forwardPick{applied: []string{a}, conflict: b, pending: []string{b, c},
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
	if fm, ok := hotfix.ParseForwardPort(conflicted); !ok || fm.Of != 12 || !fm.Conflicts || fm.Head != head {
		t.Errorf("marker: %+v %v", fm, ok)
	}
	nothing := s.forwardBody("hotfix/forward-port-login-500", head, &forwardPick{conflict: a, pending: []string{a}, subjects: subjects})
	if !strings.Contains(nothing, "This commit still has to be applied by hand:\n- aaaaaaa Fix one\n") {
		t.Errorf("one pending commit is not in the singular:\n%s", nothing)
	}
	if !strings.Contains(nothing, "empty commit only") {
		t.Errorf("the body does not explain the empty commit:\n%s", nothing)
	}
}

// TestFreeForwardName: a branch name taken by another pull request, or by a branch
// that is not ship's, is passed over for the next (#22); ship's own branch, pushed
// by a ship that stopped before opening the pull request, is taken up again.
func TestFreeForwardName(t *testing.T) {
	const a = "aaaaaaa1111111111111111111111111111111111"
	s := &shipper{pr: &github.PullRequest{Number: 12}}
	pick := &forwardPick{commits: []string{a}}
	names := hotfix.ForwardPortBranches("hotfix/login")
	open := func(n int) []github.ForwardPull {
		return []github.ForwardPull{{Number: n, State: "OPEN", BaseRefName: "main"}}
	}
	closed := []github.ForwardPull{{Number: 9, State: "CLOSED", BaseRefName: "main"}}
	mine := "Fix the login\n\n(cherry picked from commit " + a + ")"
	tests := []struct {
		name     string
		branches []github.ForwardBranch
		pick     *forwardPick
		want     string
	}{
		{"all free", nil, pick, names[0]},
		{"an open pull request on the first name", []github.ForwardBranch{{Tip: "t", TipMessage: "Refactor", Pulls: open(30)}}, pick, names[1]},
		{"a branch without a pull request, not ship's", []github.ForwardBranch{{Tip: "t", TipMessage: "Refactor"}}, pick, names[1]},
		{"a deleted branch's closed pull request", []github.ForwardBranch{{Pulls: closed}}, pick, names[0]},
		{"ship's own branch, no pull request yet", []github.ForwardBranch{{Tip: "t", TipMessage: mine}}, pick, names[0]},
		{"ship's commits, but someone's open pull request", []github.ForwardBranch{{Tip: "t", TipMessage: mine, Pulls: open(30)}}, pick, names[1]},
		{"two taken", []github.ForwardBranch{{Tip: "t", Pulls: open(30)}, {Tip: "u", TipMessage: "x"}}, pick, names[2]},
		{"dry run: an existing branch is taken", []github.ForwardBranch{{Tip: "t", TipMessage: mine}}, nil, names[1]},
		{"all taken", []github.ForwardBranch{{Tip: "t"}, {Tip: "t"}, {Tip: "t"}, {Tip: "t"}, {Tip: "t"}}, pick, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &github.ForwardPortState{}
			for i, n := range names {
				b := github.ForwardBranch{Name: n}
				if i < len(tt.branches) {
					b.Tip, b.TipMessage, b.Pulls = tt.branches[i].Tip, tt.branches[i].TipMessage, tt.branches[i].Pulls
				}
				st.Branches = append(st.Branches, b)
			}
			if got := s.freeForwardName(st, tt.pick); got != tt.want {
				t.Errorf("freeForwardName = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReportForward: ship's exit code follows the forward-port's state on GitHub
// (#22): exit 3 (an AttentionError) only while it has conflicts nobody resolved.
func TestReportForward(t *testing.T) {
	tests := []struct {
		now       hotfix.ForwardPortState
		state     string
		attention bool
		says      string
	}{
		{hotfix.ForwardPortOpen, "OPEN", false, "is open:"},
		{hotfix.ForwardPortConflicts, "OPEN", true, "has conflicts to resolve by hand"},
		{hotfix.ForwardPortResolved, "OPEN", false, "is open, its conflicts resolved"},
		{hotfix.ForwardPortMerged, "MERGED", false, "is merged"},
		{hotfix.ForwardPortClosed, "CLOSED", false, "was closed without merging"},
	}
	for _, tt := range tests {
		t.Run(string(tt.now), func(t *testing.T) {
			ios, _, _, stderr := iostreams.Test()
			s := &shipper{ios: ios, cs: ios.ColorScheme(), exc: &exceptionalState{mainline: "main"}}
			fw := &forwardResult{Number: 21, URL: "u", State: tt.state, Now: tt.now}
			err := s.reportForward(fw, false)
			var attention *cmderr.AttentionError
			if errors.As(err, &attention) != tt.attention || (err != nil && !tt.attention) {
				t.Errorf("reportForward = %v, want attention %v", err, tt.attention)
			}
			if !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("stderr %q, want it to say %q", stderr.String(), tt.says)
			}
		})
	}
}
