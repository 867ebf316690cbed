package hotfix

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ForwardPortLabel marks forward-port pull requests, beside the hotfix label.
const ForwardPortLabel = "forward-port"

// ForwardPortBranch names the branch that carries a hotfix of the exceptional
// process to the main line: "forward-port-" before the last part of the hotfix
// branch's name (hotfix/login-500 → hotfix/forward-port-login-500). It is only the
// name ship tries first: a forward-port is recognised by its record
// (ForwardPull.Record), never by its branch, so a branch of that name that is not
// this hotfix's forward-port is left alone and the next name tried.
func ForwardPortBranch(branch string) string {
	i := strings.LastIndex(branch, "/")
	return branch[:i+1] + "forward-port-" + branch[i+1:]
}

// ForwardPortNames is how many branch names ship tries for a forward-port, and
// status looks at: ForwardPortBranch, then the same with -2, -3, ….
const ForwardPortNames = 5

// ForwardPortBranches lists the branch names of a hotfix's forward-port, in the
// order ship tries them: the first is ForwardPortBranch, the others add a numeric
// suffix, for when the name is taken by a pull request or a branch that is not
// this hotfix's forward-port. Every run of ship, on any machine, and status look
// at the same names, so a forward-port is found again wherever it was opened.
func ForwardPortBranches(branch string) []string {
	first := ForwardPortBranch(branch)
	names := []string{first}
	for n := 2; n <= ForwardPortNames; n++ {
		names = append(names, fmt.Sprintf("%s-%d", first, n))
	}
	return names
}

// ForwardPort is a forward-port's record. ship writes it in the forward-port pull
// request's body, and, when the main line already had every change, in a comment
// on the hotfix's pull request (NotNeeded): what a forward-port is, is read from
// it, never from a branch name.
type ForwardPort struct {
	Of        int  // the hotfix pull request whose fix it carries
	Conflicts bool // some commits did not apply when ship opened it: a person must finish the forward-port
	// Head is the commit ship opened the pull request at ("" in records of older
	// versions): a head that moved since means someone pushed to it, which is how
	// conflicts get resolved.
	Head string
	// NotNeeded: no pull request, the main line had the changes already.
	NotNeeded bool
}

var forwardPortRE = regexp.MustCompile(`<!-- gh-hotfix:forward-port of=(\d{1,9})((?: (?:conflicts=(?:true|false)|head=[0-9a-f]{40,64}|not-needed=true))*) -->`)

// Encode renders the record as an HTML comment, invisible on GitHub.
func (f ForwardPort) Encode() string {
	if f.NotNeeded {
		return fmt.Sprintf("<!-- gh-hotfix:forward-port of=%d not-needed=true -->", f.Of)
	}
	head := ""
	if f.Head != "" {
		head = " head=" + f.Head
	}
	return fmt.Sprintf("<!-- gh-hotfix:forward-port of=%d conflicts=%t%s -->", f.Of, f.Conflicts, head)
}

// ParseForwardPort finds the record in a pull request's body or a comment.
func ParseForwardPort(body string) (ForwardPort, bool) {
	m := forwardPortRE.FindStringSubmatch(body)
	if m == nil {
		return ForwardPort{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return ForwardPort{}, false
	}
	f := ForwardPort{Of: n}
	seen := map[string]bool{}
	for _, kv := range strings.Fields(m[2]) {
		k, v, _ := strings.Cut(kv, "=")
		if seen[k] {
			return ForwardPort{}, false
		}
		seen[k] = true
		switch k {
		case "conflicts":
			f.Conflicts = v == "true"
		case "head":
			f.Head = v
		case "not-needed":
			f.NotNeeded = true
		}
	}
	// A pull request either carries the fix or is not needed, never both.
	if f.NotNeeded == (seen["conflicts"] || seen["head"]) {
		return ForwardPort{}, false
	}
	return f, true
}

// NotNeededRecorded reports whether one of the hotfix pull request's comments
// records that its forward-port was not needed.
func NotNeededRecorded(comments []string, of int) bool {
	for _, c := range comments {
		if f, ok := ParseForwardPort(c); ok && f.NotNeeded && f.Of == of {
			return true
		}
	}
	return false
}

// ForwardPull is a pull request that may be a forward-port, as read from GitHub.
type ForwardPull struct {
	Number     int
	URL        string
	State      string // OPEN, MERGED, CLOSED
	Base       string
	Body       string
	HeadOid    string // its head commit now
	MergeState string // GitHub's mergeStateStatus: DIRTY is a conflict with the base
	// CrossRepository is true for a pull request from a fork's branch of the same
	// name: never one ship pushed.
	CrossRepository bool
}

// Record returns the pull request's forward-port record when it is the
// forward-port of hotfix pull request of: its body says so, and its head is the
// repository's own branch. The branch's name does not count.
func (p ForwardPull) Record(of int) (ForwardPort, bool) {
	if p.CrossRepository {
		return ForwardPort{}, false
	}
	f, ok := ParseForwardPort(p.Body)
	if !ok || f.NotNeeded || f.Of != of {
		return ForwardPort{}, false
	}
	return f, true
}

// FindForwardPort picks the forward-port of hotfix pull request of among pulls (into
// base, unless base is ""): an open one, else a merged one, else a closed one
// (someone decided against it: ship does not open another).
func FindForwardPort(pulls []ForwardPull, of int, base string) (ForwardPull, ForwardPort, bool) {
	for _, state := range []string{"OPEN", "MERGED", "CLOSED"} {
		for _, p := range pulls {
			if p.State != state || (base != "" && p.Base != base) {
				continue
			}
			if f, ok := p.Record(of); ok {
				return p, f, true
			}
		}
	}
	return ForwardPull{}, ForwardPort{}, false
}

// ForwardPortState is where a hotfix's forward-port stands, as ship and status
// both judge it from GitHub.
type ForwardPortState string

const (
	// ForwardPortMissing: no forward-port was opened (yet).
	ForwardPortMissing ForwardPortState = "MISSING"
	// ForwardPortNotNeeded: the main line already had every change; none was opened.
	ForwardPortNotNeeded ForwardPortState = "NOT_NEEDED"
	// ForwardPortOpen: open, every commit applied; it waits for review and merge.
	ForwardPortOpen ForwardPortState = "OPEN"
	// ForwardPortConflicts: open with commits left to apply by hand (nobody pushed
	// to it since ship opened it), or in conflict with the main line now.
	ForwardPortConflicts ForwardPortState = "CONFLICTS"
	// ForwardPortResolved: opened with conflicts, then pushed to: resolved; it
	// waits for review and merge.
	ForwardPortResolved ForwardPortState = "CONFLICTS_RESOLVED"
	// ForwardPortMerged: the fix is on the main line.
	ForwardPortMerged ForwardPortState = "MERGED"
	// ForwardPortClosed: closed without merging: the fix does not reach the main
	// line through it.
	ForwardPortClosed ForwardPortState = "CLOSED"
)

// JudgeForwardPort says where the forward-port pull request p, with its record f,
// stands now. The record says how ship left it; the pull request's state, head
// and mergeability say what happened since, and win.
func JudgeForwardPort(p ForwardPull, f ForwardPort) ForwardPortState {
	switch p.State {
	case "MERGED":
		return ForwardPortMerged
	case "CLOSED":
		return ForwardPortClosed
	}
	if p.MergeState == "DIRTY" {
		return ForwardPortConflicts
	}
	if f.Conflicts {
		if f.Head != "" && p.HeadOid != "" && p.HeadOid != f.Head {
			return ForwardPortResolved
		}
		return ForwardPortConflicts
	}
	return ForwardPortOpen
}

// ForwardPortCommit reports whether a commit message is one ship wrote on a
// forward-port branch of hotfix pull request of: a cherry-pick (-x) of one of the
// hotfix's commits, or the empty commit that holds a pull request of conflicts
// open. A branch of the forward-port's name whose tip is neither is someone else's.
func ForwardPortCommit(message string, of int, commits []string) bool {
	if strings.HasPrefix(message, forwardPortEmptyPrefix(of)) {
		return true
	}
	for _, c := range commits {
		if strings.Contains(message, "(cherry picked from commit "+c+")") {
			return true
		}
	}
	return false
}

// ForwardPortEmptyCommit is the message of the empty commit of a forward-port of
// which no commit applied: GitHub opens no pull request without a commit.
func ForwardPortEmptyCommit(of int, mainline string) string {
	return fmt.Sprintf("%s%s: conflicts to resolve\n\nThe commits of #%d did not apply to %s; see the pull request for how to finish.",
		forwardPortEmptyPrefix(of), mainline, of, mainline)
}

func forwardPortEmptyPrefix(of int) string { return fmt.Sprintf("Forward-port #%d to ", of) }
