package release

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// Version is a release tag of the form [v]MAJOR.MINOR.PATCH, as the exceptional
// process reads it: the tag a hotfix starts from, and the tag it releases.
// Versions are compared without the prefix: v2.0.1 and 2.0.1 are the same
// version, and 2.0.0 and v2.0.1 tags of the same line.
type Version struct {
	Prefix string // "v" or ""; a hotfix tag keeps the prefix of the tag it starts from
	Major  int
	Minor  int
	Patch  int
}

// maxComponent bounds each number, so that parsing never overflows and a bump
// always fits: nine digits are more than any release line needs.
const maxComponent = 999_999_999

// ErrNotVersion is wrapped by ParseTag's errors.
var ErrNotVersion = errors.New("not a release tag")

// ParseTag reads a release tag such as "v1.4.0" or "1.4.0". Pre-releases
// ("v1.4.0-rc.1"), build metadata and leading zeros are refused: a hotfix
// starts from, and produces, a plain release.
func ParseTag(tag string) (Version, error) {
	s := tag
	v := Version{}
	if strings.HasPrefix(s, "v") {
		v.Prefix, s = "v", s[1:]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("%w: %q is not of the form vMAJOR.MINOR.PATCH (e.g. v1.4.0)", ErrNotVersion, short(tag))
	}
	nums := [3]*int{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, ok := component(p)
		if !ok {
			return Version{}, fmt.Errorf("%w: %q is not of the form vMAJOR.MINOR.PATCH (e.g. v1.4.0)", ErrNotVersion, short(tag))
		}
		*nums[i] = n
	}
	return v, nil
}

// component parses one number: decimal digits, no sign, no leading zero.
func component(s string) (int, bool) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func short(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// After reports whether v is a later version than w (the prefix aside).
func (v Version) After(w Version) bool {
	if v.Major != w.Major {
		return v.Major > w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor > w.Minor
	}
	return v.Patch > w.Patch
}

// String is the tag: prefix, then the three numbers.
func (v Version) String() string {
	return fmt.Sprintf("%s%d.%d.%d", v.Prefix, v.Major, v.Minor, v.Patch)
}

// SameLine reports whether w is on v's release line: same major and minor,
// whatever the prefix (a line tagged 2.0.0, then v2.0.1, is one line).
func (v Version) SameLine(w Version) bool {
	return v.Major == w.Major && v.Minor == w.Minor
}

// SameVersion reports whether w is v's version, whatever the prefix.
func (v Version) SameVersion(w Version) bool {
	return v.SameLine(w) && v.Patch == w.Patch
}

// LinePrefix is the common start of the tags of v's line under v's prefix,
// e.g. "v1.4.".
func (v Version) LinePrefix() string {
	return fmt.Sprintf("%s%d.%d.", v.Prefix, v.Major, v.Minor)
}

// LinePrefixes are the starts of the tags of v's line under either prefix, v's
// first (for listing them: GET /repos/{owner}/{repo}/git/matching-refs/tags/v1.4.
// and …/tags/1.4.).
func (v Version) LinePrefixes() []string {
	other := v
	if other.Prefix == "v" {
		other.Prefix = ""
	} else {
		other.Prefix = "v"
	}
	return []string{v.LinePrefix(), other.LinePrefix()}
}

// NextPatch returns the hotfix tag that follows from on its line: the patch
// after the highest one among from and the existing tags of the same line, so
// that a version that exists is never chosen again (v1.4.0 → v1.4.1; with
// v1.4.1 and v1.4.2 already tagged, v1.4.3). It keeps from's prefix, and counts
// the line's tags under either prefix (from 2.0.0 with v2.0.1 tagged: 2.0.2).
// Tags that are not plain versions of the line (other lines, pre-releases,
// other names) are ignored.
func NextPatch(from Version, existing []string) (Version, error) {
	highest := from.Patch
	for _, t := range existing {
		v, err := ParseTag(t)
		if err != nil || !from.SameLine(v) {
			continue
		}
		highest = max(highest, v.Patch)
	}
	if highest >= maxComponent {
		return Version{}, fmt.Errorf("no patch number left after %s%d.%d.%d", from.Prefix, from.Major, from.Minor, highest)
	}
	next := from
	next.Patch = highest + 1
	return next, nil
}

// CheckHotfixTag checks a tag chosen by hand (ship --tag) for a hotfix on from's
// line: a plain version of the same line, after from, and not tagged already
// under either prefix (2.0.1 when v2.0.1 exists would release it twice).
func CheckHotfixTag(tag string, from Version, existing []string) (Version, error) {
	v, err := ParseTag(tag)
	if err != nil {
		return Version{}, err
	}
	if !from.SameLine(v) {
		return Version{}, fmt.Errorf("--tag %s is not on the release line of %s: use a tag starting with %s", tag, from, from.LinePrefix())
	}
	if v.Patch <= from.Patch {
		return Version{}, fmt.Errorf("--tag %s does not come after %s, which the hotfix starts from", tag, from)
	}
	for _, t := range existing {
		if t == tag {
			return Version{}, fmt.Errorf("tag %s already exists: choose another --tag, or leave it out to take the next free one", tag)
		}
		if w, err := ParseTag(t); err == nil && w.SameVersion(v) {
			return Version{}, fmt.Errorf("version %s is already tagged as %s: choose another --tag, or leave it out to take the next free one", tag, t)
		}
	}
	return v, nil
}

// TagAt is the hotfix tag a run released at commit sha: the highest tag of
// from's line, after from, that points at sha; "" when there is none (the run
// has not created it yet, or created an annotated tag, whose commit the listing
// does not show). A run's inputs are not in GitHub's run API: the tag it was
// dispatched with is known only once it exists.
func TagAt(tags []github.TagRef, from Version, sha string) string {
	var best Version
	found := ""
	for _, t := range tags {
		v, err := ParseTag(t.Name)
		if err != nil || t.Commit == "" || t.Commit != sha || !from.SameLine(v) || !v.After(from) {
			continue
		}
		if found == "" || v.After(best) {
			best, found = v, t.Name
		}
	}
	return found
}
