// Package create implements `gh hotfix create`: branch hotfix/<description> from the latest
// commit of the base branch.
package create

import (
	"context"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// CreateOptions is what `gh hotfix create` was asked to do.
type CreateOptions struct {
	Description string // trimmed argument; empty when not given
	Name        string // --name: the branch's name after the prefix; empty means made from the description
	Issue       int    // -i/--issue: issue number whose title describes the hotfix; 0 when not given
	Base        string // -b/--base: base branch; empty means the config's, else the default branch
	Repo        string // -R/--repo: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	Force       bool   // --force: create even when the base's latest commit is not releasable
	Push        bool   // --push: also push the branch and set its upstream
	DryRun      bool   // --dry-run: print the steps and change nothing
	// The exceptional process: hotfix from a release tag instead of the base's tip.
	FromTag           string // --from-tag: the release tag to start from, e.g. v1.4.0
	FromLatestRelease bool   // --from-latest-release: the tag of the release GitHub marks as latest
}

// exceptional reports whether the hotfix starts from a release tag.
func (o *CreateOptions) exceptional() bool { return o.FromTag != "" || o.FromLatestRelease }

// NewCmdCreate returns the create command. runF, when not nil, receives the parsed options
// instead of the command running (for tests of flag parsing).
func NewCmdCreate(f *command.Factory, runF func(context.Context, *CreateOptions) error) *command.Command {
	opts := &CreateOptions{}
	fs := command.NewFlagSet("create")
	fs.IntVarP(&opts.Issue, "issue", "i", 0, "Take the description from the title of issue `number`; the pull request will close it")
	fs.StringVar(&opts.Name, "name", "", "Name the branch `slug` (after the prefix) instead of after the description")
	fs.StringVarP(&opts.Base, "base", "b", "", "Base `branch` to start from and merge into (default: config, else the default branch)")
	command.AddRepoFlag(fs, &opts.Repo)
	fs.BoolVar(&opts.Force, "force", false, "Create the branch even if the base's latest commit is not releasable")
	fs.BoolVar(&opts.Push, "push", false, "Push the new branch and set its upstream")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the steps that would be taken and change nothing")
	fs.StringVar(&opts.FromTag, "from-tag", "", "Hotfix from release `tag` instead of the base's tip (exceptional process)")
	fs.BoolVar(&opts.FromLatestRelease, "from-latest-release", false, "Hotfix from the latest release's tag instead of the base's tip (exceptional process)")

	return &command.Command{
		Name:  "create",
		Args:  "[<description>]",
		Short: "Create a hotfix branch from the latest base branch",
		Long: strings.TrimSpace(`
Create a hotfix branch from the latest commit of the base branch.

The branch is named after the description: hotfix/ (or the configured prefix) followed by
the description's words in lower case joined by hyphens, at most 60 characters. Latin
letters are spelled in ASCII (Straße gives strasse, Café gives cafe); letters of other
scripts are kept. --name gives that part of the name directly, by the same rules, e.g. for
a description of emoji only. The description comes from the argument, from the title of
the issue given with --issue, or from a prompt on a terminal.

Before creating anything, create fetches the base branch and refuses, changing nothing,
when tracked files have uncommitted changes, when the branch already exists locally or on
the remote, when the base does not exist, or when the base's latest commit has failing
checks (override with --force). The branch starts at the fetched tip of the base, not at a
stale local copy, and is checked out. What ship needs later (description, issue, base) is
stored in the branch's git config. On a terminal create says what it did and what to do
next; otherwise it prints only the branch name.

When the base is not releasable, the exceptional process hotfixes the last release instead:
--from-tag v1.4.0 (or --from-latest-release) starts the branch at the release tag, and
creates the maintenance branch of its line (release/v1.4 unless exceptional.maintenance_branch
says otherwise) from the tag when GitHub does not have it yet. ship then merges the fix into
the maintenance branch, releases it with the hotfix workflow (exceptional.workflow) and a new
patch tag, and opens the forward-port pull request to the base. The base's checks do not
matter in this mode, so --base and --force do not apply; gh hotfix init --workflows sets
it up.`),
		Example: strings.TrimSpace(`
$ gh hotfix create "login page 500 on empty password"
$ gh hotfix create --issue 123
$ gh hotfix create --issue 123 --name login-500
$ gh hotfix create "fix session timeout" --base release --push
$ gh hotfix create "fix session timeout" --dry-run
$ gh hotfix create "login page 500" --from-tag v1.4.0
$ gh hotfix create --issue 123 --from-latest-release`),
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
			if err := command.NotBlank(fs, "base", "from-tag", "name"); err != nil {
				return err
			}
			if fs.Changed("name") {
				if err := hotfix.CheckName(opts.Name); err != nil {
					return cmderr.FlagErrorf("`--name`: %v", err)
				}
			}
			if err := command.MutuallyExclusive("specify only one of `--from-tag` or `--from-latest-release`", opts.FromTag != "", opts.FromLatestRelease); err != nil {
				return err
			}
			if opts.exceptional() && opts.Base != "" {
				return cmderr.FlagErrorf("`--base` cannot be used with `--from-tag` or `--from-latest-release`: the hotfix merges into the release's maintenance branch, and is forward-ported to the configured base")
			}
			if opts.Force && opts.exceptional() {
				return cmderr.FlagErrorf("`--force` cannot be used with `--from-tag` or `--from-latest-release`: the base's checks do not matter when hotfixing a release")
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
