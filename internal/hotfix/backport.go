package hotfix

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// BackportLabel marks backport pull requests, beside the hotfix label.
const BackportLabel = "backport"

// BackportBranch names the branch that carries pull request n's fix to a
// maintenance line: prefix, "backport-", n, "-to-" and the line with its
// slashes as hyphens (hotfix/backport-42-to-release-v1.4). A backport is
// recognised by its record (Backport), never by this name alone.
func BackportBranch(prefix string, n int, line string) string {
	return fmt.Sprintf("%sbackport-%d-to-%s", prefix, n, strings.ReplaceAll(line, "/", "-"))
}

// Backport is a backport pull request's record, written in its body: the pull
// request whose fix it carries, the line it carries it to, whether the
// cherry-pick conflicted (the conflict markers are committed: a draft a person
// must finish), and the head it was opened at, so that a later push reads as
// the conflicts resolved.
type Backport struct {
	Of        int
	Line      string
	Conflicts bool
	Head      string
}

var backportRE = regexp.MustCompile(`<!-- gh-hotfix:backport of=(\d{1,9}) line=([A-Za-z0-9%._~+-]{1,400}) conflicts=(true|false)(?: head=([0-9a-f]{40,64}))? -->`)

// Encode renders the record as an HTML comment, invisible on GitHub. The line
// is query-escaped: a branch name may hold "-->".
func (b Backport) Encode() string {
	head := ""
	if b.Head != "" {
		head = " head=" + b.Head
	}
	return fmt.Sprintf("<!-- gh-hotfix:backport of=%d line=%s conflicts=%t%s -->", b.Of, url.QueryEscape(b.Line), b.Conflicts, head)
}

// ParseBackport finds the record in a pull request's body.
func ParseBackport(body string) (Backport, bool) {
	m := backportRE.FindStringSubmatch(body)
	if m == nil {
		return Backport{}, false
	}
	n, err := strconv.Atoi(m[1])
	line, lerr := url.QueryUnescape(m[2])
	if err != nil || n < 1 || lerr != nil || line == "" {
		return Backport{}, false
	}
	return Backport{Of: n, Line: line, Conflicts: m[3] == "true", Head: m[4]}, true
}

// LineState is where a fix stands on one maintenance line, as backport
// records it and status --backports shows it.
type LineState string

const (
	// LineOpened: a backport pull request is open, every commit applied.
	LineOpened LineState = "opened"
	// LineConflict: a draft backport pull request holds the conflicts to resolve.
	LineConflict LineState = "conflict"
	// LineResolved: opened with conflicts, pushed to since: it waits for review.
	LineResolved LineState = "resolved"
	// LineMerged: the backport is merged; its release is not dispatched yet.
	LineMerged LineState = "merged"
	// LineReleased: the line's release of the backport is dispatched (Tag, Run).
	LineReleased LineState = "released"
	// LineAlreadyThere: the line had the fix already; no pull request.
	LineAlreadyThere LineState = "already-there"
	// LineClosed: the backport pull request was closed without merging.
	LineClosed LineState = "closed"
)

// Sentence is the state as a person reads it.
func (s LineState) Sentence() string {
	switch s {
	case LineOpened:
		return "pull request open"
	case LineConflict:
		return "conflicts to resolve (draft)"
	case LineResolved:
		return "conflicts resolved, open"
	case LineMerged:
		return "merged, release not started"
	case LineReleased:
		return "released"
	case LineAlreadyThere:
		return "already there"
	case LineClosed:
		return "closed without merging"
	}
	return string(s)
}

// BackportLine is one line of the summary on the source pull request.
type BackportLine struct {
	Line  string
	State LineState
	PR    int    // the backport pull request, 0 when none (already there)
	Tag   string // the line's release tag, once decided
	Run   string // the release run's URL, once dispatched
}

// BackportSummary is the comment on the source pull request that tracks every
// line its fix is carried to, updated in place by each backport.
type BackportSummary struct {
	Of    int
	Lines []BackportLine
}

const summaryMarker = "<!-- gh-hotfix:backports of=%d -->"

var (
	summaryRE     = regexp.MustCompile(`<!-- gh-hotfix:backports of=(\d{1,9}) -->`)
	summaryLineRE = regexp.MustCompile(`<!-- gh-hotfix:backport-line line=([A-Za-z0-9%._~+-]{1,400}) state=([a-z-]{1,20})(?: pr=(\d{1,9}))?(?: tag=([A-Za-z0-9._+-]{1,100}))?(?: run=(\S{1,400}))? -->`)
)

// Line returns the summary's entry for line, and whether it has one.
func (s BackportSummary) Line(line string) (BackportLine, bool) {
	for _, l := range s.Lines {
		if l.Line == line {
			return l, true
		}
	}
	return BackportLine{}, false
}

// Set records l, in place of the entry for the same line or after the others.
func (s *BackportSummary) Set(l BackportLine) {
	for i := range s.Lines {
		if s.Lines[i].Line == l.Line {
			s.Lines[i] = l
			return
		}
	}
	s.Lines = append(s.Lines, l)
}

// Render is the comment's body: a table a person reads, then the records a
// later backport and status read back.
func (s BackportSummary) Render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Backports of #%d\n\n| Line | Status | Pull request | Release |\n| --- | --- | --- | --- |\n", s.Of)
	for _, l := range s.Lines {
		pr, rel := "—", "—"
		if l.PR > 0 {
			pr = fmt.Sprintf("#%d", l.PR)
		}
		switch {
		case l.Tag != "" && l.Run != "":
			rel = fmt.Sprintf("`%s` ([run](%s))", l.Tag, l.Run)
		case l.Tag != "":
			rel = "`" + l.Tag + "`"
		case l.Run != "":
			rel = fmt.Sprintf("[run](%s)", l.Run)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", l.Line, l.State.Sentence(), pr, rel)
	}
	b.WriteString("\n<sub>Kept up to date by gh hotfix backport; gh hotfix status --backports shows where each line stands now.</sub>\n")
	fmt.Fprintf(&b, summaryMarker+"\n", s.Of)
	for _, l := range s.Lines {
		fmt.Fprintf(&b, "<!-- gh-hotfix:backport-line line=%s state=%s", url.QueryEscape(l.Line), l.State)
		if l.PR > 0 {
			fmt.Fprintf(&b, " pr=%d", l.PR)
		}
		if l.Tag != "" {
			fmt.Fprintf(&b, " tag=%s", l.Tag)
		}
		if l.Run != "" {
			fmt.Fprintf(&b, " run=%s", l.Run)
		}
		b.WriteString(" -->\n")
	}
	return b.String()
}

// ParseBackportSummary reads the summary back from a comment's body.
func ParseBackportSummary(body string) (BackportSummary, bool) {
	m := summaryRE.FindStringSubmatch(body)
	if m == nil {
		return BackportSummary{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return BackportSummary{}, false
	}
	s := BackportSummary{Of: n}
	for _, lm := range summaryLineRE.FindAllStringSubmatch(body, 100) {
		line, err := url.QueryUnescape(lm[1])
		if err != nil || line == "" {
			continue
		}
		l := BackportLine{Line: line, State: LineState(lm[2]), Tag: lm[4], Run: lm[5]}
		if lm[3] != "" {
			l.PR, _ = strconv.Atoi(lm[3])
		}
		if !strings.HasPrefix(l.Run, "https://") && !strings.HasPrefix(l.Run, "http://") {
			l.Run = ""
		}
		s.Set(l)
	}
	return s, true
}

// FindBackportSummary returns the earliest summary of pull request of among
// comments (their bodies), and its index; -1 when there is none.
func FindBackportSummary(comments []string, of int) (BackportSummary, int) {
	for i, c := range comments {
		if s, ok := ParseBackportSummary(c); ok && s.Of == of {
			return s, i
		}
	}
	return BackportSummary{}, -1
}
