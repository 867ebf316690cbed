package hotfix

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlug(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"Fix: login 500 on empty password!", "fix-login-500-on-empty-password", nil},
		{"login page 500 on empty password", "login-page-500-on-empty-password", nil},
		{"  Leading and trailing  ", "leading-and-trailing", nil},
		{"multiple---hyphens___and   spaces", "multiple-hyphens-and-spaces", nil},
		{"Café crème brûlée", "cafe-creme-brulee", nil},
		{"don't crash", "dont-crash", nil},
		{"UPPER lower MiXeD", "upper-lower-mixed", nil},
		{"v1.2.3 regression", "v1-2-3-regression", nil},
		{"emoji 🔥 fire", "emoji-fire", nil},
		{"🔥🔥🔥", "", ErrEmptySlug},
		{"!!! ??? ...", "", ErrEmptySlug},
		{"", "", ErrEmptySlug},
		{"日本語のバグ", "", ErrEmptySlug},
		{strings.Repeat("a", 80), strings.Repeat("a", 60), nil},
		{"the quick brown fox jumps over the lazy dog again and again and again", "the-quick-brown-fox-jumps-over-the-lazy-dog-again-and-again", nil},
		{"refs/heads/main..lock", "refs-heads-main-lock", nil},
		{"@{upstream}", "upstream", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Slug(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Slug(%q) error %v, want %v", tt.in, err, tt.err)
			}
			if got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if len(got) > MaxSlugLen {
				t.Errorf("Slug(%q) is %d characters long", tt.in, len(got))
			}
		})
	}
}

// FuzzSlug proves the slug never panics, is never empty without an error, and
// always yields a branch name git accepts.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Fix: login 500!", "🔥", "a--b", "..lock", "x/y", "@{-1}", "Ünïcödé", strings.Repeat("word ", 30)} {
		f.Add(s)
	}
	git, _ := exec.LookPath("git")
	f.Fuzz(func(t *testing.T, desc string) {
		slug, err := Slug(desc)
		if err != nil {
			if slug != "" || !errors.Is(err, ErrEmptySlug) {
				t.Fatalf("Slug(%q) = %q, %v", desc, slug, err)
			}
			return
		}
		if slug == "" || len(slug) > MaxSlugLen || !utf8.ValidString(slug) {
			t.Fatalf("Slug(%q) = %q", desc, slug)
		}
		if strings.HasPrefix(slug, "-") || strings.HasSuffix(slug, "-") || strings.Contains(slug, "--") {
			t.Fatalf("Slug(%q) = %q has stray hyphens", desc, slug)
		}
		for _, r := range slug {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("Slug(%q) = %q contains %q", desc, slug, r)
			}
		}
		if git != "" {
			if out, err := exec.Command(git, "check-ref-format", "--branch", "hotfix/"+slug).CombinedOutput(); err != nil {
				t.Fatalf("git rejects hotfix/%s: %s", slug, out)
			}
		}
	})
}
