package git

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// PushRejectedError is a push the remote refused for a ref: either because the
// remote branch has commits the pushed one lacks (NonFastForward: git's
// "! [rejected] … (non-fast-forward)" or "(fetch first)"), or because the server
// declined it ("! [remote rejected] … (reason)"): a protected branch, a
// ruleset, secret push protection. Remote holds what the server printed on its
// "remote:" lines, which say why (GitHub: "GH013: Repository rule violations
// found for refs/heads/…" and one line per rule).
type PushRejectedError struct {
	Ref            string
	Reason         string // git's parenthesis: "non-fast-forward", "push declined due to repository rule violations", …
	NonFastForward bool
	Remote         []string
	// Code is GitHub's code for a refusal by its rules: "GH013" (rulesets) or
	// "GH006" (classic branch protection); "" for any other refusal.
	Code string
	// Rules are GitHub's lines for the rules the push broke, one per rule, in
	// GitHub's words ("Cannot create ref due to creations being restricted.");
	// RulesURL is the page GitHub names to review the rules that apply to the ref.
	Rules    []string
	RulesURL string
	Err      *Error
}

func (e *PushRejectedError) Error() string {
	msg := "the push of " + e.Ref + " was refused"
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	if len(e.Remote) > 0 {
		msg += ": " + strings.Join(e.Remote, "; ")
	}
	return msg
}

// maxRules bounds how many rule lines, and how long each, a refusal keeps.
const (
	maxRules    = 16
	maxRuleLine = 400
)

// parseRuleViolations reads GitHub's explanation of a push its rules refused,
// from the server's lines (git's "remote:" taken off, indentation kept). For
// rulesets, as users quote it (yshavit/mdq#255, dmf-mxl/mxl#356):
//
//	error: GH013: Repository rule violations found for refs/heads/main.
//	Review all repository rules at https://github.com/OWNER/REPO/rules?ref=refs%2Fheads%2Fmain
//
//	- Changes must be made through a pull request.
//
//	- This branch must not contain merge commits.
//	  Found 1 violation:
//
//	  0b036dbeeb12845b76c66f42ff405e0e83fdb0a1
//
// A rule's indented lines join its own. Classic branch protection says
// "error: GH006: Protected branch update failed for refs/heads/main." and one
// "error: <rule>" line per rule.
func parseRuleViolations(lines []string) (code, rulesURL string, rules []string) {
	add := func(r string) {
		if len(rules) < maxRules {
			rules = append(rules, truncate(r, maxRuleLine))
		}
	}
	for _, line := range lines {
		t := strings.TrimSpace(line)
		t, isError := strings.CutPrefix(t, "error: ")
		switch {
		case strings.HasPrefix(t, "GH013: ") || strings.HasPrefix(t, "GH006: "):
			code = t[:5]
		case code == "" || t == "":
		case strings.HasPrefix(t, "Review all repository rules at "):
			rulesURL = strings.TrimPrefix(t, "Review all repository rules at ")
		case strings.HasPrefix(t, "- "):
			add(strings.TrimPrefix(t, "- "))
		case code == "GH006" && isError:
			add(t)
		case strings.HasPrefix(line, "  ") && len(rules) > 0:
			rules[len(rules)-1] = truncate(rules[len(rules)-1]+" "+t, maxRuleLine)
		}
	}
	return code, truncate(rulesURL, maxRuleLine), rules
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (e *PushRejectedError) Unwrap() error { return e.Err }

// RuleReport is a refusal by GitHub's rules told in GitHub's words, one line
// per broken rule, then the page to review them; "" for any other refusal.
// Commands print it before their one-line error, which flattens lines.
func (e *PushRejectedError) RuleReport() string {
	if len(e.Rules) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GitHub's rules refused the push of %s (%s):\n", e.Ref, e.Code)
	for _, r := range e.Rules {
		b.WriteString("  - " + r + "\n")
	}
	if e.RulesURL != "" {
		b.WriteString("  Review all repository rules at " + e.RulesURL + "\n")
	}
	return b.String()
}

// AuthError is a git command the server refused to authenticate.
type AuthError struct {
	Said string // git's line that says so
	Err  *Error
}

func (e *AuthError) Error() string { return "git could not authenticate: " + e.Said }

func (e *AuthError) Unwrap() error { return e.Err }

// RemoteMissingError is a remote the server says does not exist, or that this
// account may not see: GitHub answers both the same way, so as not to reveal a
// private repository.
type RemoteMissingError struct {
	Said string
	Err  *Error
}

func (e *RemoteMissingError) Error() string { return "the remote repository was not found: " + e.Said }

func (e *RemoteMissingError) Unwrap() error { return e.Err }

// ConnectError is a git command that could not reach the server at all: name
// resolution, a refused or timed-out connection, a TLS failure.
type ConnectError struct {
	Said string
	Err  *Error
}

func (e *ConnectError) Error() string { return "git could not reach the server: " + e.Said }

func (e *ConnectError) Unwrap() error { return e.Err }

var (
	rejectedRE = regexp.MustCompile(`^\s*! \[(rejected|remote rejected)\]\s+(\S+)\s+->\s+(\S+)\s+\((.*)\)\s*$`)
	authHints  = []string{"Authentication failed", "could not read Username", "could not read Password", "Permission denied (publickey)",
		"The requested URL returned error: 401", "The requested URL returned error: 403", "Invalid username or password",
		"terminal prompts disabled", "Host key verification failed"}
	missingHints = []string{"Repository not found", "does not appear to be a git repository", "The requested URL returned error: 404"}
	connectHints = []string{"Could not resolve host", "Connection refused", "Failed to connect to", "Connection timed out",
		"Could not resolve hostname", "Network is unreachable", "SSL certificate problem", "server certificate verification failed",
		"Operation timed out", "Connection reset by peer"}
)

// ClassifyRemote turns a failed git command that talked to a remote (fetch,
// ls-remote, push, clone) into an *AuthError, *RemoteMissingError or
// *ConnectError when git's output says so, reading git's and curl's and ssh's
// own lines; any other error is returned as it is.
func ClassifyRemote(err error) error {
	var ge *Error
	if !errors.As(err, &ge) || ge.ExitCode <= 0 {
		return err
	}
	// git's own lines first ("fatal: Authentication failed for …"), then the
	// server's ("remote: Repository not found.").
	for _, fromServer := range []bool{false, true} {
		for line := range strings.Lines(ge.Stderr) {
			line = strings.TrimSpace(line)
			rest, remote := strings.CutPrefix(line, "remote:")
			if remote != fromServer {
				continue
			}
			said := withoutUserinfo(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "fatal:")))
			switch {
			case containsAny(line, authHints):
				return &AuthError{Said: said, Err: ge}
			case containsAny(line, missingHints):
				return &RemoteMissingError{Said: said, Err: ge}
			case containsAny(line, connectHints):
				return &ConnectError{Said: said, Err: ge}
			}
		}
	}
	return err
}

// userinfoRE matches the user and password part of a URL (https://user:token@host).
var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s']+@`)

// withoutUserinfo drops credentials from the URLs in a line git printed: git
// hides them itself in most messages, but a token must never reach the terminal.
func withoutUserinfo(line string) string { return userinfoRE.ReplaceAllString(line, "$1") }

// Advise adds to a classified remote failure what to do about it; rerun is the
// command to run again. Other errors are returned as they are.
func Advise(err error, host, rerun string) error {
	var auth *AuthError
	var missing *RemoteMissingError
	var conn *ConnectError
	switch {
	case errors.As(err, &auth):
		return fmt.Errorf("%w: check gh auth status and the git credentials for %s (gh auth setup-git makes git use gh's login), then run %s again", err, host, rerun)
	case errors.As(err, &missing):
		return fmt.Errorf("%w: check the remote's URL (git remote -v) and that your account can see the repository, then run %s again", err, rerun)
	case errors.As(err, &conn):
		return fmt.Errorf("%w: check the network to %s (VPN, proxy, certificates), then run %s again", err, host, rerun)
	}
	return err
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// maxRemoteLines bounds how many of the server's lines a refusal keeps.
const maxRemoteLines = 8

// ClassifyPush turns a failed push into a *PushRejectedError or an *AuthError
// when git's output says so; any other error is returned as it is. It reads
// git's own stable markers ("! [rejected]", "! [remote rejected]", "remote:"),
// not the wording of a message.
func ClassifyPush(err error) error {
	var ge *Error
	if !errors.As(err, &ge) || ge.ExitCode <= 0 {
		return err
	}
	var remote, server []string
	var rejected *PushRejectedError
	for line := range strings.Lines(ge.Stderr) {
		line = strings.TrimRight(line, "\r\n")
		if rest, ok := strings.CutPrefix(line, "remote:"); ok {
			if len(server) < 4*maxRules {
				server = append(server, strings.TrimRight(strings.TrimPrefix(rest, " "), " \t"))
			}
			rest = strings.TrimSpace(rest)
			rest = strings.TrimSpace(strings.TrimPrefix(rest, "error:"))
			if rest != "" && !strings.HasPrefix(rest, "—") && !strings.HasPrefix(rest, "-----") && len(remote) < maxRemoteLines {
				remote = append(remote, rest)
			}
			continue
		}
		if m := rejectedRE.FindStringSubmatch(line); m != nil && rejected == nil {
			rejected = &PushRejectedError{Ref: strings.TrimPrefix(m[3], "refs/heads/"), Reason: m[4], Err: ge,
				NonFastForward: m[1] == "rejected" && (m[4] == "non-fast-forward" || m[4] == "fetch first")}
		}
	}
	if rejected == nil {
		return ClassifyRemote(err)
	}
	rejected.Remote = remote
	if !rejected.NonFastForward {
		rejected.Code, rejected.RulesURL, rejected.Rules = parseRuleViolations(server)
	}
	return rejected
}
