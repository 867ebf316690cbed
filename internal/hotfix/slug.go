// Package hotfix holds the rules of a hotfix that every command shares: how a
// description becomes a branch name, what is remembered with the branch, and
// when a base commit is releasable.
package hotfix

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugLen is the longest slug a branch name gets, in characters, so names stay
// readable in `git branch` and in GitHub's UI.
const MaxSlugLen = 60

// ErrEmptySlug is returned when a description has no letters or digits to name a branch after.
var ErrEmptySlug = errors.New("the description has no letters or digits to name a branch after")

// latinFolds spells the Latin letters that have no decomposition into a base letter
// and accents the way their languages write them in ASCII.
var latinFolds = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'ħ': "h", 'Ħ': "h", 'ı': "i", 'ł': "l", 'Ł': "l",
	'þ': "th", 'Þ': "th", 'ŧ': "t", 'Ŧ': "t", 'ŋ': "ng", 'Ŋ': "ng", 'ĸ': "k", 'ſ': "s",
}

// foldLatin spells a letter or digit of the Latin script in lower-case ASCII ("É" → "e",
// "ß" → "ss", "ﬁ" → "fi", "Ａ" → "a"); ok is false for anything else.
func foldLatin(r rune) (s string, ok bool) {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return string(unicode.ToLower(r)), true
		}
		return "", false
	}
	if f, ok := latinFolds[r]; ok {
		return f, true
	}
	if !unicode.Is(unicode.Latin, r) && !unicode.IsDigit(r) {
		return "", false
	}
	// Compatibility decomposition splits "é" into "e" + a combining accent, "ﬁ" into
	// "fi" and full-width letters into ASCII; what is left outside ASCII is dropped.
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if d < utf8.RuneSelf && (unicode.IsLetter(d) || unicode.IsDigit(d)) {
			b.WriteRune(unicode.ToLower(d))
		} else if f, ok := latinFolds[d]; ok {
			b.WriteString(f)
		}
	}
	return b.String(), b.Len() > 0
}

// Slug turns a description into the part of a branch name after the prefix: words of
// lower-case letters and digits joined by single hyphens, no leading or trailing
// hyphen, at most MaxSlugLen characters, cut at a word boundary when it has to be
// shortened. Latin letters are spelled in ASCII ("Café" → "cafe", "Straße" →
// "strasse"); letters of other scripts are kept as they are, lower-cased, with their
// marks ("Ошибка входа" → "ошибка-входа"), since git and GitHub accept them in branch
// names. Anything else (punctuation, symbols, emoji) separates words; a description
// with no letters or digits at all is ErrEmptySlug.
func Slug(description string) (string, error) {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	// markable: the last rune written was a letter kept in its own script, so a
	// combining mark after it (a vowel sign, say) belongs to the word. After a Latin
	// letter spelled in ASCII, the accent is dropped.
	markable := false
	for _, r := range norm.NFC.String(description) {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
			if markable {
				cur.WriteRune(r)
			}
			continue
		case r == '\'' || r == '’':
			// apostrophes join words: "don't" → "dont"
			continue
		}
		if s, ok := foldLatin(r); ok {
			cur.WriteString(s)
			markable = false
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			cur.WriteRune(unicode.ToLower(r))
			markable = true
			continue
		}
		flush()
		markable = false
	}
	flush()
	if len(words) == 0 {
		return "", ErrEmptySlug
	}
	var b strings.Builder
	n := 0 // characters in b
	for _, w := range words {
		wn := utf8.RuneCountInString(w)
		sep := 0
		if n > 0 {
			sep = 1
		}
		if n+sep+wn > MaxSlugLen {
			if n == 0 {
				// A single word longer than the limit is cut, not dropped.
				b.WriteString(cutRunes(w, MaxSlugLen))
			}
			break
		}
		if sep == 1 {
			b.WriteByte('-')
		}
		b.WriteString(w)
		n += sep + wn
	}
	return norm.NFC.String(b.String()), nil
}

// cutRunes returns the first n characters of s, backing off so that no letter loses
// the combining marks that follow it.
func cutRunes(s string, n int) string {
	var starts []int // byte offset of each character
	for pos := range s {
		starts = append(starts, pos)
	}
	if len(starts) <= n {
		return s
	}
	cut := n
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(s[starts[cut]:])
		if !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) {
			break
		}
		cut--
	}
	if cut == 0 {
		cut = n
	}
	return s[:starts[cut]]
}

// ErrInvalidName is wrapped by CheckName for a --name that is not a slug.
var ErrInvalidName = errors.New("invalid branch name")

// CheckName checks a slug given directly (`create --name`): it must already be what
// Slug makes of it — lower-case letters and digits in words joined by single hyphens,
// at most MaxSlugLen characters — so a name given by hand follows the same rules as
// one made from a description. The error suggests the slug of name when it has one.
func CheckName(name string) error {
	slug, err := Slug(name)
	switch {
	case err != nil:
		return fmt.Errorf("%w %q: use lower-case letters, digits and hyphens, e.g. login-500", ErrInvalidName, name)
	case slug != name:
		return fmt.Errorf("%w %q: use lower-case letters, digits and single hyphens, at most %d characters, e.g. %s", ErrInvalidName, name, MaxSlugLen, slug)
	}
	return nil
}

// BranchName is prefix + Slug(description).
func BranchName(prefix, description string) (string, error) {
	slug, err := Slug(description)
	if err != nil {
		return "", err
	}
	return prefix + slug, nil
}
