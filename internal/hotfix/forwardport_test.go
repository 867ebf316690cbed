package hotfix

import (
	"strings"
	"testing"
)

func TestForwardPortBranch(t *testing.T) {
	for in, want := range map[string]string{
		"hotfix/login-500":    "hotfix/forward-port-login-500",
		"team/fix/login":      "team/fix/forward-port-login",
		"hotfix-login":        "forward-port-hotfix-login",
		"hotfix/a":            "hotfix/forward-port-a",
		"release/hotfix/x-y":  "release/hotfix/forward-port-x-y",
		"hotfix/forward-port": "hotfix/forward-port-forward-port",
	} {
		if got := ForwardPortBranch(in); got != want {
			t.Errorf("ForwardPortBranch(%q) = %q, want %q", in, got, want)
		}
	}
	got := strings.Join(ForwardPortBranches("hotfix/login-500"), " ")
	if want := "hotfix/forward-port-login-500 hotfix/forward-port-login-500-2 hotfix/forward-port-login-500-3 hotfix/forward-port-login-500-4 hotfix/forward-port-login-500-5"; got != want {
		t.Errorf("ForwardPortBranches = %s, want %s", got, want)
	}
}

func TestForwardPortMarker(t *testing.T) {
	const head = "0123456789abcdef0123456789abcdef01234567"
	for _, f := range []ForwardPort{{Of: 12}, {Of: 7, Conflicts: true}, {Of: 7, Conflicts: true, Head: head}, {Of: 9, NotNeeded: true}} {
		got, ok := ParseForwardPort("Forward-port of #12\n\n" + f.Encode() + "\n")
		if !ok || got != f {
			t.Errorf("ParseForwardPort(Encode(%+v)) = %+v, %v", f, got, ok)
		}
	}
	// Records of earlier versions, without the head, still count.
	if got, ok := ParseForwardPort("<!-- gh-hotfix:forward-port of=3 conflicts=true -->"); !ok || got != (ForwardPort{Of: 3, Conflicts: true}) {
		t.Errorf("an older record: %+v, %v", got, ok)
	}
	for _, body := range []string{"", "of=12", "<!-- gh-hotfix:forward-port of=0 conflicts=false -->",
		"<!-- gh-hotfix:forward-port of=x conflicts=false -->", "<!-- gh-hotfix:forward-port of=3 conflicts=maybe -->",
		"<!-- gh-hotfix:forward-port of=3 -->", "<!-- gh-hotfix:forward-port of=3 conflicts=true not-needed=true -->",
		"<!-- gh-hotfix:forward-port of=3 conflicts=true conflicts=false -->", "<!-- gh-hotfix:forward-port of=3 conflicts=true head=xyz -->"} {
		if f, ok := ParseForwardPort(body); ok {
			t.Errorf("ParseForwardPort(%q) = %+v", body, f)
		}
	}
}

// TestFindForwardPort: a forward-port is recognised by its record, never by its
// branch name (#22): another pull request on the forward-port's branch, a
// record of another hotfix, a fork's pull request are not it.
func TestFindForwardPort(t *testing.T) {
	ours := func(n int, state string) ForwardPull {
		return ForwardPull{Number: n, State: state, Base: "main", Body: "Forward-port of #12\n" + ForwardPort{Of: 12}.Encode()}
	}
	unrelated := ForwardPull{Number: 30, State: "OPEN", Base: "main", Body: "Refactor the login page"}
	other := ForwardPull{Number: 31, State: "OPEN", Base: "main", Body: ForwardPort{Of: 13}.Encode()}
	fork := ours(32, "OPEN")
	fork.CrossRepository = true
	notNeeded := ForwardPull{Number: 33, State: "OPEN", Base: "main", Body: ForwardPort{Of: 12, NotNeeded: true}.Encode()}
	tests := []struct {
		name  string
		pulls []ForwardPull
		base  string
		want  int
	}{
		{"none", nil, "main", 0},
		{"an unrelated pull request on the branch", []ForwardPull{unrelated}, "main", 0},
		{"another hotfix's forward-port", []ForwardPull{other}, "main", 0},
		{"a fork's copy of the record", []ForwardPull{fork}, "main", 0},
		{"a not-needed record is no pull request of ours", []ForwardPull{notNeeded}, "main", 0},
		{"ours among others", []ForwardPull{unrelated, other, ours(40, "OPEN")}, "main", 40},
		{"open before merged before closed", []ForwardPull{ours(41, "CLOSED"), ours(42, "MERGED"), ours(43, "OPEN")}, "main", 43},
		{"merged before closed", []ForwardPull{ours(41, "CLOSED"), ours(42, "MERGED")}, "main", 42},
		{"closed", []ForwardPull{ours(41, "CLOSED")}, "main", 41},
		{"into another base", []ForwardPull{ours(40, "OPEN")}, "develop", 0},
		{"any base", []ForwardPull{ours(40, "OPEN")}, "", 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, ok := FindForwardPort(tt.pulls, 12, tt.base)
			if ok != (tt.want != 0) || p.Number != tt.want {
				t.Errorf("FindForwardPort = #%d, %v; want #%d", p.Number, ok, tt.want)
			}
		})
	}
}

func TestJudgeForwardPort(t *testing.T) {
	const pushed, later = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	clean := ForwardPort{Of: 12, Head: pushed}
	conflicted := ForwardPort{Of: 12, Conflicts: true, Head: pushed}
	older := ForwardPort{Of: 12, Conflicts: true}
	tests := []struct {
		name string
		pull ForwardPull
		rec  ForwardPort
		want ForwardPortState
	}{
		{"open", ForwardPull{State: "OPEN", HeadOid: pushed, MergeState: "CLEAN"}, clean, ForwardPortOpen},
		{"open, pushed to", ForwardPull{State: "OPEN", HeadOid: later, MergeState: "BLOCKED"}, clean, ForwardPortOpen},
		{"open, in conflict with main now", ForwardPull{State: "OPEN", HeadOid: pushed, MergeState: "DIRTY"}, clean, ForwardPortConflicts},
		{"conflicts, nobody pushed", ForwardPull{State: "OPEN", HeadOid: pushed, MergeState: "CLEAN"}, conflicted, ForwardPortConflicts},
		{"conflicts resolved by a push", ForwardPull{State: "OPEN", HeadOid: later, MergeState: "CLEAN"}, conflicted, ForwardPortResolved},
		{"resolved, but in conflict with main now", ForwardPull{State: "OPEN", HeadOid: later, MergeState: "DIRTY"}, conflicted, ForwardPortConflicts},
		{"an older record: conflicts as recorded", ForwardPull{State: "OPEN", HeadOid: later}, older, ForwardPortConflicts},
		{"merged", ForwardPull{State: "MERGED", HeadOid: pushed}, conflicted, ForwardPortMerged},
		{"closed unmerged", ForwardPull{State: "CLOSED", HeadOid: pushed}, clean, ForwardPortClosed},
		{"closed with conflicts", ForwardPull{State: "CLOSED", HeadOid: pushed}, conflicted, ForwardPortClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JudgeForwardPort(tt.pull, tt.rec); got != tt.want {
				t.Errorf("JudgeForwardPort = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestForwardPortCommit(t *testing.T) {
	const a, b = "aaaaaaa1111111111111111111111111111111111", "bbbbbbb2222222222222222222222222222222222"
	tests := []struct {
		msg  string
		want bool
	}{
		{"Fix the login page 500\n\n(cherry picked from commit " + a + ")", true},
		{"Fix two\n\n(cherry picked from commit " + b + ")", true},
		{ForwardPortEmptyCommit(12, "main"), true},
		{ForwardPortEmptyCommit(13, "main"), false},
		{"Refactor the login page", false},
		{"Fix\n\n(cherry picked from commit cccccccccccccccccccccccccccccccccccccccc)", false},
	}
	for _, tt := range tests {
		if got := ForwardPortCommit(tt.msg, 12, []string{a, b}); got != tt.want {
			t.Errorf("ForwardPortCommit(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
	if !NotNeededRecorded([]string{"hi", ForwardPort{Of: 12, NotNeeded: true}.Encode()}, 12) ||
		NotNeededRecorded([]string{ForwardPort{Of: 13, NotNeeded: true}.Encode()}, 12) ||
		NotNeededRecorded([]string{ForwardPort{Of: 12}.Encode()}, 12) {
		t.Errorf("NotNeededRecorded is wrong")
	}
}

func FuzzParseForwardPort(f *testing.F) {
	f.Add(ForwardPort{Of: 12, Conflicts: true, Head: "0123456789abcdef0123456789abcdef01234567"}.Encode())
	f.Add(ForwardPort{Of: 3, NotNeeded: true}.Encode())
	f.Add("<!-- gh-hotfix:forward-port of=3 conflicts=false conflicts=true -->")
	f.Fuzz(func(t *testing.T, body string) {
		fp, ok := ParseForwardPort(body)
		if !ok {
			return
		}
		if fp.Of < 1 || (fp.NotNeeded && (fp.Conflicts || fp.Head != "")) {
			t.Fatalf("accepted %+v from %q", fp, body)
		}
		if again, ok := ParseForwardPort(fp.Encode()); !ok || again != fp {
			t.Fatalf("round trip lost data: %+v → %+v, %v", fp, again, ok)
		}
	})
}
