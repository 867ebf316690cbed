package git

import (
	"errors"
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
	Err            *Error
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

func (e *PushRejectedError) Unwrap() error { return e.Err }

// AuthError is a git command the server refused to authenticate.
type AuthError struct {
	Said string // git's line that says so
	Err  *Error
}

func (e *AuthError) Error() string { return "git could not authenticate: " + e.Said }

func (e *AuthError) Unwrap() error { return e.Err }

var (
	rejectedRE = regexp.MustCompile(`^\s*! \[(rejected|remote rejected)\]\s+(\S+)\s+->\s+(\S+)\s+\((.*)\)\s*$`)
	authHints  = []string{"Authentication failed", "could not read Username", "Permission denied (publickey)",
		"The requested URL returned error: 401", "The requested URL returned error: 403", "Invalid username or password"}
)

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
	var remote []string
	var rejected *PushRejectedError
	for line := range strings.Lines(ge.Stderr) {
		line = strings.TrimRight(line, "\r\n")
		if rest, ok := strings.CutPrefix(line, "remote:"); ok {
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
		for _, h := range authHints {
			if strings.Contains(line, h) {
				return &AuthError{Said: strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "fatal:")), Err: ge}
			}
		}
	}
	if rejected == nil {
		return err
	}
	rejected.Remote = remote
	return rejected
}
