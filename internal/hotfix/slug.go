// Package hotfix holds the rules of a hotfix that every command shares: how a
// description becomes a branch name, what is remembered with the branch, and
// when a base commit is releasable.
package hotfix

import (
	"errors"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugLen is the longest slug a branch name gets, so names stay readable in
// `git branch` and in GitHub's UI.
const MaxSlugLen = 60

// ErrEmptySlug is returned when a description has no letters or digits to name a branch after.
var ErrEmptySlug = errors.New("the description has no letters or digits to name a branch after")

// Slug turns a description into the lower-case ASCII part of a branch name:
// letters, digits and single hyphens, no leading or trailing hyphen, at most
// MaxSlugLen characters, cut at a word boundary when it has to be shortened.
// Accented letters lose their accents ("Café" → "cafe"); anything else that
// is not a letter or digit separates words.
func Slug(description string) (string, error) {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	// NFD splits "é" into "e" + a combining accent, which is then dropped.
	for _, r := range norm.NFD.String(description) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining mark: part of the previous letter
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			cur.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// apostrophes join words: "don't" → "dont"
		default:
			flush()
		}
	}
	flush()
	if len(words) == 0 {
		return "", ErrEmptySlug
	}
	var b strings.Builder
	for _, w := range words {
		sep := 0
		if b.Len() > 0 {
			sep = 1
		}
		if b.Len()+sep+len(w) > MaxSlugLen {
			if b.Len() == 0 {
				// A single word longer than the limit is cut, not dropped.
				b.WriteString(w[:MaxSlugLen])
			}
			break
		}
		if sep == 1 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	return b.String(), nil
}

// BranchName is prefix + Slug(description).
func BranchName(prefix, description string) (string, error) {
	slug, err := Slug(description)
	if err != nil {
		return "", err
	}
	return prefix + slug, nil
}
