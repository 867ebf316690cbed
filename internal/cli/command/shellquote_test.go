package command

import (
	"os/exec"
	"strings"
	"testing"
)

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hotfix", "hotfix"},
		{"release/v1.2", "release/v1.2"},
		{"acme/shop", "acme/shop"},
		{"https://github.com/acme/shop/pull/42", "https://github.com/acme/shop/pull/42"},
		{"a-b_c.d:e=f@g%h+i,j", "a-b_c.d:e=f@g%h+i,j"},
		{"-R", "-R"},
		{"", "''"},
		{"urgent fix", "'urgent fix'"},
		{"it's", `'it'\''s'`},
		{"'", `''\'''`},
		{"#7", "'#7'"},
		{"acme/shop#7", "'acme/shop#7'"},
		{"~", "'~'"},
		{"~/x", "'~/x'"},
		{"a~b", "'a~b'"},
		{"$HOME", "'$HOME'"},
		{"`id`", "'`id`'"},
		{`a\b`, `'a\b'`},
		{`"x"`, `'"x"'`},
		{"a*", "'a*'"},
		{"a?", "'a?'"},
		{"[a]", "'[a]'"},
		{"{a,b}", "'{a,b}'"},
		{"a;b", "'a;b'"},
		{"a&b", "'a&b'"},
		{"a|b", "'a|b'"},
		{"a<b>c", "'a<b>c'"},
		{"(a)", "'(a)'"},
		{"!x", "'!x'"},
		{"a^b", "'a^b'"},
		{"tab\there", "'tab\there'"},
		{"line\nbreak", "'line\nbreak'"},
		{"café", "'café'"},
		{"修正", "'修正'"},
	}
	for _, tt := range tests {
		if got := ShellQuote(tt.in); got != tt.want {
			t.Errorf("ShellQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// safeWord is the rule ShellQuote states, written out separately.
func safeWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_./:=@%+,", c) >= 0) {
			return false
		}
	}
	return true
}

// FuzzShellQuote checks the quoting's invariants for any input: a safe word comes back as it
// is; anything else is one single-quoted word whose quotes inside come only in the sequence
// quote, backslash, quote, quote, and reads back as the input. Where sh is installed, sh also
// prints the quoted word back as the input (for inputs without NUL, which no argument holds).
func FuzzShellQuote(f *testing.F) {
	for _, s := range []string{"", "hotfix", "a b", "it's", "'", "''", "#7", "~", "$x", "\n", "é", `'\''`, "a\x00b"} {
		f.Add(s)
	}
	sh, _ := exec.LookPath("sh")
	f.Fuzz(func(t *testing.T, in string) {
		q := ShellQuote(in)
		if safeWord(in) {
			if q != in {
				t.Fatalf("ShellQuote(%q) = %q, want it unchanged", in, q)
			}
		} else if len(q) < 2 || q[0] != '\'' || q[len(q)-1] != '\'' {
			t.Fatalf("ShellQuote(%q) = %q, want it in single quotes", in, q)
		} else {
			inner := q[1 : len(q)-1]
			if strings.Contains(strings.ReplaceAll(inner, `'\''`, ""), "'") {
				t.Fatalf("ShellQuote(%q) = %q has a ' outside '\\''", in, q)
			}
			if back := strings.ReplaceAll(inner, `'\''`, "'"); back != in {
				t.Fatalf("ShellQuote(%q) = %q reads back as %q", in, q, back)
			}
		}
		if sh == "" || strings.IndexByte(in, 0) >= 0 {
			return
		}
		out, err := exec.Command(sh, "-c", "printf %s "+q).Output()
		if err != nil {
			t.Fatalf("sh -c 'printf %%s %s': %v", q, err)
		}
		if string(out) != in {
			t.Fatalf("sh printed %q for ShellQuote(%q) = %q", out, in, q)
		}
	})
}
