package create

import (
	"fmt"
	"regexp"
	"strings"
)

// rerunCommand is the create command line that runs this create again, for the
// hints that say "run … again": the description (as given, or as answered at the
// prompt; not the one read from --issue) and the flags the user gave, -R only when
// given. --dry-run does not carry over.
func rerunCommand(o *CreateOptions, desc string) string {
	args := []string{"gh", "hotfix", "create"}
	if o.Description != "" {
		desc = o.Description
	}
	if desc != "" && (o.Description != "" || o.Issue == 0) {
		args = append(args, shellQuote(desc))
	}
	if o.Issue > 0 {
		args = append(args, "--issue", fmt.Sprint(o.Issue))
	}
	if o.Name != "" {
		args = append(args, "--name", shellQuote(o.Name))
	}
	if o.Base != "" {
		args = append(args, "--base", shellQuote(o.Base))
	}
	if o.Repo != "" {
		args = append(args, "-R", shellQuote(o.Repo))
	}
	if o.FromTag != "" {
		args = append(args, "--from-tag", shellQuote(o.FromTag))
	}
	if o.FromLatestRelease {
		args = append(args, "--from-latest-release")
	}
	if o.Push {
		args = append(args, "--push")
	}
	if o.Force {
		args = append(args, "--force")
	}
	return strings.Join(args, " ")
}

// plainArg matches what a POSIX shell takes as one word without quotes.
var plainArg = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes v for a POSIX shell when it needs quoting.
func shellQuote(v string) string {
	if plainArg.MatchString(v) {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
