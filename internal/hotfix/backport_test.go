package hotfix

import (
	"reflect"
	"strings"
	"testing"
)

func TestBackportBranch(t *testing.T) {
	tests := []struct {
		prefix, line string
		n            int
		want         string
	}{
		{"hotfix/", "release/v1.4", 42, "hotfix/backport-42-to-release-v1.4"},
		{"fix-", "1.x", 7, "fix-backport-7-to-1.x"},
		{"hotfix/", "maint/2024/q1", 3, "hotfix/backport-3-to-maint-2024-q1"},
	}
	for _, tt := range tests {
		if got := BackportBranch(tt.prefix, tt.n, tt.line); got != tt.want {
			t.Errorf("BackportBranch(%q, %d, %q) = %q, want %q", tt.prefix, tt.n, tt.line, got, tt.want)
		}
	}
}

func TestBackportRecord(t *testing.T) {
	head := strings.Repeat("ab", 20)
	tests := []struct {
		name string
		in   Backport
	}{
		{"clean", Backport{Of: 42, Line: "release/v1.4"}},
		{"conflict with head", Backport{Of: 1, Line: "release/v1.3", Conflicts: true, Head: head}},
		{"odd branch name", Backport{Of: 9, Line: "a-->b/c+d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "Backport of #42.\n\n" + tt.in.Encode() + "\n"
			got, ok := ParseBackport(body)
			if !ok || got != tt.in {
				t.Errorf("ParseBackport(%q) = %+v, %v; want %+v", body, got, ok, tt.in)
			}
		})
	}
	for _, body := range []string{
		"", "no record", "<!-- gh-hotfix:backport of=0 line=x conflicts=false -->",
		"<!-- gh-hotfix:backport of=4 line= conflicts=false -->",
		"<!-- gh-hotfix:backport of=4 line=x conflicts=maybe -->",
	} {
		if got, ok := ParseBackport(body); ok {
			t.Errorf("ParseBackport(%q) = %+v, want no record", body, got)
		}
	}
}

func TestBackportSummary(t *testing.T) {
	s := BackportSummary{Of: 42}
	s.Set(BackportLine{Line: "release/v1.4", State: LineOpened, PR: 57})
	s.Set(BackportLine{Line: "release/v1.3", State: LineAlreadyThere})
	s.Set(BackportLine{Line: "release/v1.2", State: LineConflict, PR: 58})
	s.Set(BackportLine{Line: "release/v1.4", State: LineReleased, PR: 57, Tag: "v1.4.2", Run: "https://github.com/o/r/actions/runs/9"})
	body := s.Render()
	for _, want := range []string{"### Backports of #42", "| `release/v1.4` | released | #57 | `v1.4.2` ([run](https://github.com/o/r/actions/runs/9)) |",
		"| `release/v1.3` | already there | — | — |", "| `release/v1.2` | conflicts to resolve (draft) | #58 | — |"} {
		if !strings.Contains(body, want) {
			t.Errorf("the summary lacks %q:\n%s", want, body)
		}
	}
	got, ok := ParseBackportSummary(body)
	if !ok || !reflect.DeepEqual(got, s) {
		t.Errorf("ParseBackportSummary = %+v, %v; want %+v", got, ok, s)
	}
	if _, i := FindBackportSummary([]string{"hello", s.Render()}, 42); i != 1 {
		t.Errorf("FindBackportSummary found index %d, want 1", i)
	}
	if _, i := FindBackportSummary([]string{s.Render()}, 41); i != -1 {
		t.Errorf("FindBackportSummary of another pull request found index %d", i)
	}
	if l, ok := got.Line("release/v1.2"); !ok || l.PR != 58 {
		t.Errorf("Line(release/v1.2) = %+v, %v", l, ok)
	}
}

// FuzzParseBackport: the parsers never panic, and what they parse renders
// back to the same record.
func FuzzParseBackport(f *testing.F) {
	f.Add(Backport{Of: 42, Line: "release/v1.4", Conflicts: true, Head: strings.Repeat("a", 40)}.Encode())
	f.Add(BackportSummary{Of: 3, Lines: []BackportLine{{Line: "x", State: LineMerged, PR: 4}}}.Render())
	f.Add("<!-- gh-hotfix:backport-line line=%zz state=opened -->")
	f.Fuzz(func(t *testing.T, body string) {
		if b, ok := ParseBackport(body); ok {
			again, ok := ParseBackport(b.Encode())
			if !ok || again != b {
				t.Fatalf("%+v renders to %q, read back as %+v (%v)", b, b.Encode(), again, ok)
			}
		}
		if s, ok := ParseBackportSummary(body); ok {
			again, ok := ParseBackportSummary(s.Render())
			if !ok || again.Of != s.Of || len(again.Lines) != len(s.Lines) {
				t.Fatalf("%+v renders to a summary read back as %+v (%v)", s, again, ok)
			}
		}
	})
}
