package ship

import (
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
)

// rerunCommand is the ship command line that continues a run made with o, for the
// hints that say "run … again": "gh hotfix ship" with the flags the user gave that
// change what a later run does, and no others. --branch and --repo come back only
// when they were given (from the hotfix branch, in its clone, ship finds both); the
// pull request's --title, --body, --body-file and --reviewer only while it is still
// to be opened (opening). --interval, --timeout, --json and --dry-run do not carry over.
func rerunCommand(o ShipOptions, opening bool) string {
	args := []string{"gh", "hotfix", "ship"}
	add := func(flag string, values ...string) {
		args = append(args, flag)
		for _, v := range values {
			args = append(args, command.ShellQuote(v))
		}
	}
	if o.Branch != "" {
		add("--branch", o.Branch)
	}
	if o.PR != "" {
		add("--pr", o.PR)
	}
	if o.Repo != "" {
		add("-R", o.Repo)
	}
	if opening {
		if o.Title != "" {
			add("--title", o.Title)
		}
		switch {
		case o.Body != "":
			add("--body", o.Body)
		case o.BodyFile != "":
			add("-F", o.BodyFile)
		}
		for _, r := range o.Reviewers {
			add("-r", r)
		}
	}
	if o.Auto {
		add("--auto")
		if o.MergeMethod != "" {
			add("--merge-method", o.MergeMethod)
		}
		if o.Jump {
			add("--jump")
		}
	}
	if o.NoWait {
		add("--no-wait")
	}
	if o.NoRelease {
		add("--no-release")
	}
	if o.Workflow != "" {
		add("--workflow", o.Workflow)
	}
	keys := make([]string, 0, len(o.Inputs))
	for k := range o.Inputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		add("-f", k+"="+o.Inputs[k])
	}
	if o.Tag != "" {
		add("--tag", o.Tag)
	}
	if o.WaitChecks {
		add("--wait-checks")
	}
	if o.Retry {
		add("--retry")
	}
	if o.Watch {
		add("--watch")
		if o.Approve {
			add("--approve")
		}
	}
	if o.PostMortem != nil {
		if *o.PostMortem {
			add("--post-mortem")
		} else {
			add("--post-mortem=false")
		}
	}
	if o.Force {
		add("--force")
	}
	return strings.Join(args, " ")
}

// again is the command that continues this run, for "run %s again": see
// rerunCommand. A --retry is not repeated (the re-run happened, or the hint says
// otherwise); edit changes the options first, e.g. to add the --force a hint offers.
func (s *shipper) again(edit ...func(*ShipOptions)) string {
	var o ShipOptions
	if s.opts != nil {
		o = *s.opts
	}
	o.Retry, o.DryRun = false, false
	for _, e := range edit {
		e(&o)
	}
	return rerunCommand(o, s.pr == nil)
}

// withForce, withRetry, withWatch, withoutNoWait, withoutTag and withTag edit the options of a hint (see again).
func withForce(o *ShipOptions) { o.Force = true }
func withRetry(o *ShipOptions) {
	// --retry re-runs the recorded run as it was: it takes none of these.
	o.Retry, o.NoRelease, o.NoWait, o.Workflow, o.Inputs, o.Tag = true, false, false, "", nil, ""
}
func withWatch(o *ShipOptions)     { o.Watch, o.NoWait = true, false }
func withoutNoWait(o *ShipOptions) { o.NoWait = false }
func withoutTag(o *ShipOptions)    { o.Tag = "" }

// withTag is a hint's edit that releases under tag.
func withTag(tag string) func(*ShipOptions) {
	return func(o *ShipOptions) { o.Tag, o.Retry = tag, false }
}

// repoArg is " -R OWNER/REPO" for the gh commands a hint names, when the user
// passed --repo: in the clone, gh finds the repository as ship did.
func (s *shipper) repoArg() string {
	if s.opts.Repo == "" {
		return ""
	}
	return " -R " + command.ShellQuote(s.opts.Repo)
}
