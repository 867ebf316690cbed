package create

import (
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
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
		args = append(args, command.ShellQuote(desc))
	}
	if o.Issue > 0 {
		args = append(args, "--issue", fmt.Sprint(o.Issue))
	}
	if o.Name != "" {
		args = append(args, "--name", command.ShellQuote(o.Name))
	}
	if o.Base != "" {
		args = append(args, "--base", command.ShellQuote(o.Base))
	}
	if o.Repo != "" {
		args = append(args, "-R", command.ShellQuote(o.Repo))
	}
	if o.FromTag != "" {
		args = append(args, "--from-tag", command.ShellQuote(o.FromTag))
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
