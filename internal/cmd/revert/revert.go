// Package revert implements `gh hotfix revert`: a hotfix branch holding the revert of a
// merged pull request, on the freshly fetched base, shipped as any hotfix.
package revert

import (
	"context"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// RevertOptions is what `gh hotfix revert` was asked to do.
type RevertOptions struct {
	Pull   hotfix.PullRef // the pull request to revert: its number, or its URL
	Arg    string         // the argument as given
	Name   string         // --name: the branch's name after the prefix; empty means made from the pull request
	Repo   string         // -R/--repo: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	Force  bool           // --force: create even when the base's latest commit is not releasable
	Push   bool           // --push: also push the branch and set its upstream
	DryRun bool           // --dry-run: print the steps and change nothing
}

// NewCmdRevert returns the revert command. runF, when not nil, receives the parsed options
// instead of the command running (for tests of flag parsing).
func NewCmdRevert(f *command.Factory, runF func(context.Context, *RevertOptions) error) *command.Command {
	opts := &RevertOptions{}
	fs := command.NewFlagSet("revert")
	fs.StringVar(&opts.Name, "name", "", "Name the branch `slug` (after the prefix) instead of after the pull request")
	command.AddRepoFlag(fs, &opts.Repo)
	fs.BoolVar(&opts.Force, "force", false, "Create the branch even if the base's latest commit is not releasable")
	fs.BoolVar(&opts.Push, "push", false, "Push the new branch and set its upstream")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the steps that would be taken and change nothing")

	return &command.Command{
		Name:  "revert",
		Args:  "<number> | <url>",
		Short: "Create a hotfix branch that reverts a merged pull request",
		Long: strings.TrimSpace(`
Create a hotfix branch that reverts a pull request merged into the base, then ship it
with gh hotfix ship as any hotfix.

The branch is the prefix (hotfix/, or branch_prefix) followed by revert-<number>- and the
pull request's title (less a leading "Hotfix: "), by create's rules; --name names it
instead. It starts at the base's tip, fetched just now, and holds the revert of what the
merge put on the base: of its merge commit (git revert -m 1), of its squashed commit, or of
each commit a rebase put there, newest first, each with git's message less a [skip ci] it
would quote (GitHub would skip the pull request's checks). The revert is made in a
temporary worktree, so a conflict leaves the checkout as it was; the branch is then checked
out, and what ship needs is stored in its git config. ship's pull request says
"Reverts #<number>", and ship notes the revert once on the reverted pull request.

revert refuses, changing nothing, a pull request that is open, closed without being merged,
merged into another branch than the base, of another repository or that does not exist;
and what create refuses: uncommitted changes to tracked files, a branch name that is taken
or that a ruleset forbids creating, a base whose latest commit has failing checks (override
with --force). When the pull request's changes were modified on the base since, the revert
conflicts: revert commits it with the conflict markers, pushes the branch and opens a draft
pull request that lists the files and the commands that finish it, and exits 3. On a
terminal revert says what it did and what to do next; otherwise it prints only the branch
name.`),
		Example: strings.TrimSpace(`
$ gh hotfix revert 42
$ gh hotfix revert https://github.com/acme/shop/pull/42 --push
$ gh hotfix revert 42 --name undo-login-change
$ gh hotfix revert 42 --dry-run`),
		Flags: fs,
		Run: func(ctx context.Context, args []string) error {
			switch {
			case len(args) == 0:
				return cmderr.FlagErrorf("a pull request number or URL is required, e.g. gh hotfix revert 42")
			case len(args) > 1:
				return cmderr.FlagErrorf("too many arguments: give one pull request, e.g. gh hotfix revert 42")
			}
			ref, err := hotfix.ParsePullRef(args[0])
			if err != nil {
				return err
			}
			opts.Pull, opts.Arg = ref, strings.TrimSpace(args[0])
			if err := command.NotBlank(fs, "name"); err != nil {
				return err
			}
			if fs.Changed("name") {
				if err := hotfix.CheckName(opts.Name); err != nil {
					return cmderr.FlagErrorf("`--name`: %v", err)
				}
			}
			if runF != nil {
				return runF(ctx, opts)
			}
			return run(ctx, f, opts)
		},
	}
}
