// Package create implements `gh hotfix create`: branch hotfix/<description> from the latest
// commit of the base branch.
package create

import (
	"context"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
)

// CreateOptions is what `gh hotfix create` was asked to do.
type CreateOptions struct {
	Description string // trimmed argument; empty when not given
	Issue       int    // -i/--issue: issue number whose title describes the hotfix; 0 when not given
	Base        string // -b/--base: base branch; empty means the config's, else the default branch
	Repo        string // -R/--repo: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	Force       bool   // --force: create even when the base's latest commit is not releasable
	Push        bool   // --push: also push the branch and set its upstream
	DryRun      bool   // --dry-run: print the steps and change nothing
}

// NewCmdCreate returns the create command. runF, when not nil, receives the parsed options
// instead of the command running (for tests of flag parsing).
func NewCmdCreate(f *command.Factory, runF func(context.Context, *CreateOptions) error) *command.Command {
	opts := &CreateOptions{}
	fs := command.NewFlagSet("create")
	fs.IntVarP(&opts.Issue, "issue", "i", 0, "Take the description from the title of issue `number`; the pull request will close it")
	fs.StringVarP(&opts.Base, "base", "b", "", "Base `branch` to start from and merge into (default: config, else the default branch)")
	command.AddRepoFlag(fs, &opts.Repo)
	fs.BoolVar(&opts.Force, "force", false, "Create the branch even if the base's latest commit is not releasable")
	fs.BoolVar(&opts.Push, "push", false, "Push the new branch and set its upstream")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the steps that would be taken and change nothing")

	return &command.Command{
		Name:  "create",
		Args:  "[<description>]",
		Short: "Create a hotfix branch from the latest base branch",
		Long: strings.TrimSpace(`
Create a hotfix branch from the latest commit of the base branch.

The branch is named after the description: hotfix/ (or the configured prefix) followed by
the description in lower case, with hyphens between words. The description comes from the
argument, from the title of the issue given with --issue, or from a prompt.

Before creating anything, create fetches the base branch and refuses, changing nothing,
when tracked files have uncommitted changes, when the branch already exists locally or on
the remote, or when the base's latest commit has failing checks (override with --force).
The branch starts at the fetched tip of the base, not at a stale local copy, and is checked
out. What ship needs later (description, issue, base) is stored in the branch's git config.`),
		Example: strings.TrimSpace(`
$ gh hotfix create "login page 500 on empty password"
$ gh hotfix create --issue 123
$ gh hotfix create "fix session timeout" --base release --push
$ gh hotfix create "fix session timeout" --dry-run`),
		Flags: fs,
		Run: func(ctx context.Context, args []string) error {
			if len(args) > 1 {
				return cmderr.FlagErrorf("too many arguments: quote the description, e.g. gh hotfix create %q", strings.Join(args, " "))
			}
			if len(args) == 1 {
				opts.Description = strings.TrimSpace(args[0])
				if opts.Description == "" {
					return cmderr.FlagErrorf("the description must not be blank")
				}
			}
			if fs.Changed("issue") && opts.Issue < 1 {
				return cmderr.FlagErrorf("invalid issue number %d: must be 1 or more", opts.Issue)
			}
			if err := command.NotBlank(fs, "base"); err != nil {
				return err
			}
			if opts.Description == "" && opts.Issue == 0 && !f.IOStreams.CanPrompt() {
				return cmderr.FlagErrorf("a description argument or `--issue` is required when not running interactively")
			}
			if runF != nil {
				return runF(ctx, opts)
			}
			return run(ctx, f, opts)
		},
	}
}
