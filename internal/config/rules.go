package config

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// branchProblem says why s cannot be a branch name, or "" when it can. The
// rules are git's (git check-ref-format --branch), so that a bad base is
// reported where it is written rather than by a failing git command later.
func branchProblem(s string) string {
	why := ""
	switch {
	case len(s) > 255:
		// Refs are files on disk for many repositories.
		why = "it is longer than 255 bytes"
	case s == "@" || s == "HEAD":
		why = fmt.Sprintf("%q has a special meaning to git", s)
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "/"):
		why = fmt.Sprintf("it starts with %q", s[:1])
	case strings.HasSuffix(s, "/"), strings.HasSuffix(s, "."):
		why = fmt.Sprintf("it ends with %q", s[len(s)-1:])
	default:
		why = refProblem(s)
	}
	if why == "" {
		return ""
	}
	return fmt.Sprintf("%q is not a valid branch name: %s", shorten(s), why)
}

// refProblem applies git's rules that hold for any part of a ref name.
func refProblem(s string) string {
	for _, bad := range []string{"..", "//", "@{"} {
		if strings.Contains(s, bad) {
			return fmt.Sprintf("it contains %q", bad)
		}
	}
	for _, r := range s {
		switch {
		case r == ' ':
			return "it contains a space"
		case r < 0x20 || r == 0x7f:
			return "it contains a control character"
		case strings.ContainsRune(`~^:?*[\`, r):
			return fmt.Sprintf("it contains %q", string(r))
		}
	}
	for part := range strings.SplitSeq(s, "/") {
		if strings.HasPrefix(part, ".") {
			return fmt.Sprintf(`its part %q starts with "."`, shorten(part))
		}
		if strings.HasSuffix(part, ".lock") {
			return fmt.Sprintf(`its part %q ends with ".lock"`, shorten(part))
		}
	}
	return ""
}

// prefixProblem says why s cannot start hotfix branch names. It is stricter
// than git: the prefix is typed into shells and shown in URLs, and the
// slug that follows it is plain ASCII already.
func prefixProblem(s string) string {
	if s == "" {
		return "must not be empty"
	}
	why := ""
	for _, r := range s {
		if !(r < utf8.RuneSelf && (isAlnum(byte(r)) || strings.ContainsRune("._/-", r))) {
			what := fmt.Sprintf("%q", string(r))
			if r == ' ' {
				what = "a space"
			}
			why = fmt.Sprintf(`it contains %s; use letters, digits, ".", "_", "-" and "/"`, what)
			break
		}
	}
	switch {
	case why != "":
	case len(s) > 100:
		why = "it is longer than 100 characters"
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "/"):
		why = fmt.Sprintf("it starts with %q", s[:1])
	case !strings.HasSuffix(s, "/") && !strings.HasSuffix(s, "-"):
		why = `it must end with "/" or "-", like "hotfix/"`
	default:
		why = refProblem(s)
	}
	if why == "" {
		return ""
	}
	return fmt.Sprintf("%q is not a valid branch prefix: %s", shorten(s), why)
}

// maintenanceProblem checks the maintenance branch template: {major} and
// {minor} stand for the numbers of a release tag, and what they make must be a
// valid branch name. Each release line (major.minor) needs its own branch, so
// the template needs both placeholders, apart.
func maintenanceProblem(s string) string {
	if s == "" {
		return `must not be empty (leave the key out for "` + DefaultMaintenanceBranch + `")`
	}
	rest := strings.NewReplacer("{major}", "", "{minor}", "").Replace(s)
	if i := strings.IndexAny(rest, "{}"); i >= 0 {
		return fmt.Sprintf(`%q has an unknown placeholder: use {major} and {minor}, like %q`, shorten(s), DefaultMaintenanceBranch)
	}
	if !strings.Contains(s, "{major}") {
		return fmt.Sprintf(`%q does not contain {major}: each release line needs its own branch, like %q`, shorten(s), DefaultMaintenanceBranch)
	}
	// A release line is major.minor: a branch shared by two lines would hold the
	// newer line's code, and a hotfix of the older one would ship it under the
	// older line's tag.
	if !strings.Contains(s, "{minor}") {
		example := Exceptional{MaintenanceBranch: s}.MaintenanceBranchFor(1, 4)
		return fmt.Sprintf(`%q does not contain {minor}: lines v1.4 and v1.5 would share %s, and a hotfix of v1.4 would ship v1.5's code under a v1.4.x tag; use {major} and {minor}, like %q`,
			shorten(s), example, DefaultMaintenanceBranch)
	}
	if strings.Contains(s, "{major}{minor}") || strings.Contains(s, "{minor}{major}") {
		a, b := Exceptional{MaintenanceBranch: s}.MaintenanceBranchFor(1, 14), Exceptional{MaintenanceBranch: s}.MaintenanceBranchFor(11, 4)
		if a == b {
			return fmt.Sprintf(`%q puts {major} and {minor} side by side: lines v1.14 and v11.4 would share %s; separate them, like %q`,
				shorten(s), a, DefaultMaintenanceBranch)
		}
	}
	example := Exceptional{MaintenanceBranch: s}.MaintenanceBranchFor(1, 4)
	if why := branchProblem(example); why != "" {
		return fmt.Sprintf("%q makes %s", shorten(s), why)
	}
	return ""
}

// labelProblem checks a label name against GitHub's rules.
// LabelProblem says what is wrong with a label name, "" when nothing is: init asks
// again for a name the configuration would refuse.
func LabelProblem(s string) string { return labelProblem(s) }

func labelProblem(s string) string {
	switch {
	case s == "":
		return "must not be empty"
	case strings.TrimSpace(s) != s:
		// GitHub trims names, so the label found would not be this one.
		return fmt.Sprintf("%q starts or ends with a space", shorten(s))
	case utf8.RuneCountInString(s) > 50:
		return fmt.Sprintf("%q is longer than 50 characters (GitHub's limit for label names)", shorten(s))
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Sprintf("%q contains a control character", shorten(s))
	}
	return ""
}

func descriptionProblem(s string) string {
	if utf8.RuneCountInString(s) > 100 {
		return "is longer than 100 characters (GitHub's limit for label descriptions)"
	}
	return ""
}

// reviewerProblem checks a reviewer: a user login or "org/team-slug", as
// gh pr create --reviewer takes them.
func reviewerProblem(s string) string {
	if isLogin(s) {
		return ""
	}
	if org, team, ok := strings.Cut(s, "/"); ok && isLogin(org) && isTeamSlug(team) {
		return ""
	}
	msg := fmt.Sprintf(`%q is not a GitHub login or "org/team-slug"`, shorten(s))
	if strings.HasPrefix(s, "@") {
		msg += ` (leave out the "@")`
	}
	return msg
}

// isLogin reports whether s has the shape GitHub allows for user and
// organization names: letters, digits and single hyphens, at most 39, not
// starting or ending with a hyphen.
func isLogin(s string) bool {
	if s == "" || len(s) > 39 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

func isTeamSlug(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '-' && s[i] != '_' {
			return false
		}
	}
	return true
}

// hexColor returns s as 6 lower-case hex digits without "#".
func hexColor(s string) (string, bool) {
	s = strings.TrimPrefix(s, "#")
	if len(s) != 6 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// workflowFile returns the file name of a workflow written as a bare name
// or as its path. GitHub only runs workflows that sit directly in
// .github/workflows, so any other directory is a mistake.
func workflowFile(s string) (string, bool) {
	name := strings.TrimPrefix(s, ".github/workflows/")
	ext := path.Ext(name)
	ok := len(name) <= 255 &&
		(ext == ".yml" || ext == ".yaml") && len(name) > len(ext) &&
		!strings.ContainsAny(name, `/\`) &&
		strings.IndexFunc(name, unicode.IsControl) < 0
	return name, ok
}

// inputNameProblem checks a workflow input name against the rules GitHub
// applies to workflow_dispatch inputs.
func inputNameProblem(s string) string {
	ok := s != "" && len(s) <= 100 && (s[0] == '_' || isLetter(s[0]))
	for i := 0; ok && i < len(s); i++ {
		ok = isAlnum(s[i]) || s[i] == '_' || s[i] == '-'
	}
	if ok {
		return ""
	}
	return fmt.Sprintf(`%q is not a valid input name: use letters, digits, "_" and "-", starting with a letter or "_"`, shorten(s))
}

// repoPath reports whether s names a file in the repository in the one way
// the API accepts: relative, clean, and not leaving the repository.
func repoPath(s string) bool {
	return s != "" && len(s) <= 1024 &&
		path.Clean(s) == s && s != "." && s != ".." &&
		!strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "../") &&
		!strings.Contains(s, `\`) &&
		strings.IndexFunc(s, unicode.IsControl) < 0
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || '0' <= c && c <= '9' }

// suggest returns " (did you mean "x"?)" for the known key closest to a
// mistyped one, or the list of known keys when none is close: either way
// the user learns the right spelling without opening the documentation.
func suggest(key string, known []string) string {
	typed := strings.ReplaceAll(strings.ToLower(key), "-", "_")
	best, bestDist := "", 3
	for _, k := range known {
		// Keys in a hostile file can be long; those are no typo of ours.
		if len(typed) > 2*len(k) {
			continue
		}
		if d := levenshtein.ComputeDistance(typed, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	// Two edits turn almost any short word into another.
	if best != "" && (bestDist < 2 || utf8.RuneCountInString(key) >= 4) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (known keys: " + strings.Join(known, ", ") + ")"
}
