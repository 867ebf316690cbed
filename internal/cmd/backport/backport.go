// Package backport implements `gh hotfix backport`: a fix merged into the base,
// carried to maintenance lines by one pull request per line, each released once
// with its line's next patch tag when merged, tracked by one summary comment.
package backport

import (
	"context"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// BackportOptions is what `gh hotfix backport` was asked to do.
type BackportOptions struct {
	Pull      hotfix.PullRef // the pull request whose fix is carried
	Arg       string         // the argument as given
	To        []string       // --to: maintenance branches
	Latest    int            // --to-latest: the N newest maintenance branches
	Reviewers []string       // -r/--reviewer: besides the config's
	Auto      bool           // --auto: enable auto-merge on each clean backport
	Repo      string         // -R/--repo
	DryRun    bool           // --dry-run
}

// NewCmdBackport returns the backport command. runF, when not nil, receives the
// parsed options instead of the command running (for tests of flag parsing).
func NewCmdBackport(f *command.Factory, runF func(context.Context, *BackportOptions) error) *command.Command {
	opts := &BackportOptions{}
	fs := command.NewFlagSet("backport")
	fs.StringArrayVar(&opts.To, "to", nil, "Carry the fix to maintenance `branch` (repeat for several)")
	fs.IntVar(&opts.Latest, "to-latest", 0, "Carry the fix to the `N` newest maintenance branches")
	fs.StringArrayVarP(&opts.Reviewers, "reviewer", "r", nil, "Request reviews of each backport from `login` or org/team, besides the config's")
	fs.BoolVar(&opts.Auto, "auto", false, "Enable auto-merge on each backport whose cherry-pick applied cleanly")
	command.AddRepoFlag(fs, &opts.Repo)
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print what would be done and change nothing")

	return &command.Command{
		Name:  "backport",
		Args:  "<number> | <url>",
		Short: "Carry a merged fix to maintenance branches and release each once",
		Long: strings.TrimSpace(`
Carry a pull request merged into the base to maintenance branches (release lines made by
gh hotfix create --from-tag, named by exceptional.maintenance_branch): --to names them,
--to-latest N takes the N newest.

For each line, the pull request's change is cherry-picked with git cherry-pick -x onto the
line's tip, fetched just now, in a temporary worktree: its squashed commit, the commits a
rebase put on the base, or its merge commit against its first parent (-m 1), whichever way
it was merged. Then:
  - nothing to pick (the line has the fix already): recorded as "already there", no
    pull request;
  - a clean pick: branch <prefix>backport-<number>-to-<line> and a pull request into the
    line, labelled with the hotfix label and "backport", reviews requested as ship does,
    auto-merge with --auto;
  - a conflict: the conflict markers are committed and a draft pull request lists the files
    and the exact commands that finish it; never auto-merged, exit 3.
One comment on the source pull request tracks every line (opened, conflict, merged,
released, already there), edited in place by each run.

Run backport again to continue: a line whose backport has merged is released once, as
gh hotfix ship --pr releases it: the hotfix workflow on the line with the line's next patch
tag (its tags read, never the main line's), through the same exactly-once record, never
made Latest. Without --to or --to-latest, the lines of the summary are continued.

backport refuses, changing nothing, a pull request that is open, closed without being
merged, merged into another branch than the base, of another repository or that does not
exist, and a line that does not exist or is the base.`),
		Example: strings.TrimSpace(`
$ gh hotfix backport 42 --to release/v1.4 --to release/v1.3
$ gh hotfix backport 42 --to-latest 2 --auto
$ gh hotfix backport 42            # later: release the lines whose backport merged`),
		Flags: fs,
		Run: func(ctx context.Context, args []string) error {
			switch {
			case len(args) == 0:
				return cmderr.FlagErrorf("a pull request number or URL is required, e.g. gh hotfix backport 42 --to release/v1.4")
			case len(args) > 1:
				return cmderr.FlagErrorf("too many arguments: give one pull request and --to for each line, e.g. gh hotfix backport 42 --to release/v1.4")
			}
			ref, err := hotfix.ParsePullRef(args[0])
			if err != nil {
				return err
			}
			opts.Pull, opts.Arg = ref, strings.TrimSpace(args[0])
			if fs.Changed("to-latest") && opts.Latest < 1 {
				return cmderr.FlagErrorf("invalid `--to-latest` %d: at least 1", opts.Latest)
			}
			if len(opts.To) > 0 && opts.Latest > 0 {
				return cmderr.FlagErrorf("specify only one of `--to` or `--to-latest`")
			}
			seen := map[string]bool{}
			for i, to := range opts.To {
				to = strings.TrimPrefix(strings.TrimSpace(to), "refs/heads/")
				if to == "" {
					return cmderr.FlagErrorf("`--to` needs a branch name")
				}
				if seen[to] {
					return cmderr.FlagErrorf("`--to %s` is given twice", to)
				}
				seen[to], opts.To[i] = true, to
			}
			if runF != nil {
				return runF(ctx, opts)
			}
			return run(ctx, f, opts)
		},
	}
}
