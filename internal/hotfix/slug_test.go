package hotfix

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"unicode"
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
		{"日本語のバグ", "日本語のバグ", nil},
		{"Straße gesperrt", "strasse-gesperrt", nil},
		{"Café", "cafe", nil},
		{"Ærø Łódź Þing œuvre", "aero-lodz-thing-oeuvre", nil},
		{"ﬁle ＡＢＣ １２３", "file-abc-123", nil},
		{"İstanbul ışık", "istanbul-isik", nil},
		{"Ошибка входа: 500", "ошибка-входа-500", nil},
		{"Σφάλμα ΣΎΝΔΕΣΗΣ", "σφάλμα-σύνδεσησ", nil},
		{"लॉगिन विफल", "लॉगिन-विफल", nil},
		{"로그인 오류", "로그인-오류", nil},
		{"fix 日本語 page", "fix-日本語-page", nil},
		{"e\u0301te\u0301", "ete", nil},
		{"🔥 ✓ ★", "", ErrEmptySlug},
		{strings.Repeat("я", 70), strings.Repeat("я", 60), nil},
		{strings.Repeat("ё", 30) + " " + strings.Repeat("ж", 40), strings.Repeat("ё", 30), nil},
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
			if utf8.RuneCountInString(got) > MaxSlugLen {
				t.Errorf("Slug(%q) is %d characters long", tt.in, len(got))
			}
		})
	}
}

// FuzzSlug proves the slug never panics, is never empty without an error, is what
// CheckName accepts, spells Latin letters in ASCII, and always yields a branch name git
// accepts.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Fix: login 500!", "🔥", "a--b", "..lock", "x/y", "@{-1}", "Ünïcödé", strings.Repeat("word ", 30),
		"Straße", "日本語のバグ", "लॉगिन विफल", "e\u0301", "ﬁ ＡＢ", strings.Repeat("ॉ", 70)} {
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
		if slug == "" || utf8.RuneCountInString(slug) > MaxSlugLen || !utf8.ValidString(slug) {
			t.Fatalf("Slug(%q) = %q", desc, slug)
		}
		if strings.HasPrefix(slug, "-") || strings.HasSuffix(slug, "-") || strings.Contains(slug, "--") {
			t.Fatalf("Slug(%q) = %q has stray hyphens", desc, slug)
		}
		for _, r := range slug {
			ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' ||
				r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me))
			if !ok || unicode.IsUpper(r) {
				t.Fatalf("Slug(%q) = %q contains %q", desc, slug, r)
			}
			if _, latin := latinFolds[r]; latin {
				t.Fatalf("Slug(%q) = %q keeps the Latin letter %q", desc, slug, r)
			}
		}
		if err := CheckName(slug); err != nil {
			t.Fatalf("Slug(%q) = %q, which CheckName refuses: %v", desc, slug, err)
		}
		if git != "" {
			if out, err := exec.Command(git, "check-ref-format", "--branch", "hotfix/"+slug).CombinedOutput(); err != nil {
				t.Fatalf("git rejects hotfix/%s: %s", slug, out)
			}
		}
	})
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name, wantErr string
	}{
		{"login-500", ""},
		{"strasse", ""},
		{"日本語のバグ", ""},
		{"ошибка-входа", ""},
		{"Login-500", `invalid branch name "Login-500": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. login-500`},
		{"login 500", `invalid branch name "login 500": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. login-500`},
		{"a--b", `invalid branch name "a--b": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. a-b`},
		{"-a", `invalid branch name "-a": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. a`},
		{"fix/x", `invalid branch name "fix/x": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. fix-x`},
		{"straße", `invalid branch name "straße": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. strasse`},
		{strings.Repeat("a", 61), `invalid branch name "` + strings.Repeat("a", 61) + `": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. ` + strings.Repeat("a", 60)},
		{"🔥", `invalid branch name "🔥": use lower-case letters, digits and hyphens, e.g. login-500`},
		{"", `invalid branch name "": use lower-case letters, digits and hyphens, e.g. login-500`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckName(tt.name)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrInvalidName) {
				t.Fatalf("CheckName(%q) = %v, want %q", tt.name, err, tt.wantErr)
			}
		})
	}
}

// FuzzCheckName proves a --name that CheckName accepts is a slug (Slug leaves it as it
// is) and a branch name git accepts, and that a refused one is refused with ErrInvalidName.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"login-500", "Login", "a--b", "-a", "strasse", "straße", "日本語", "a/b", "", "x.lock", "@{u}"} {
		f.Add(s)
	}
	git, _ := exec.LookPath("git")
	f.Fuzz(func(t *testing.T, name string) {
		err := CheckName(name)
		if err != nil {
			if !errors.Is(err, ErrInvalidName) {
				t.Fatalf("CheckName(%q) = %v, not ErrInvalidName", name, err)
			}
			return
		}
		if slug, err := Slug(name); err != nil || slug != name {
			t.Fatalf("CheckName accepts %q, but Slug makes %q, %v of it", name, slug, err)
		}
		if git != "" {
			if out, err := exec.Command(git, "check-ref-format", "--branch", "hotfix/"+name).CombinedOutput(); err != nil {
				t.Fatalf("git rejects hotfix/%s: %s", name, out)
			}
		}
	})
}
