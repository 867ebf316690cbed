// Package initcmd implements `gh hotfix init`: write the .github/hotfix.yml configuration.
// (The package cannot be named init.)
package initcmd

import (
	"context"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
)

// InitOptions is what `gh hotfix init` was asked to write.
type InitOptions struct {
	Force    bool   // --force: overwrite an existing .github/hotfix.yml
	DryRun   bool   // --dry-run: print the file instead of writing it
	Base     string // --base: base branch; empty means detected (the default branch)
	Workflow string // --workflow: release workflow file name; empty means detected
	Label    string // --label: hotfix label name; empty means "hotfix"
	// Inputs are -f/--field key=value: values of the release workflow's inputs to write;
	// nil when none. Required inputs without a value are prompted for on a terminal.
	Inputs map[string]string
	Repo   string // -R/--repo: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	// Workflows also scaffolds the exceptional process: .github/workflows/hotfix.yml,
	// and exceptional.workflow in the configuration.
	Workflows bool
}

// NewCmdInit returns the init command. runF, when not nil, receives the parsed options instead
// of the command running (for tests of flag parsing).
func NewCmdInit(f *command.Factory, runF func(context.Context, *InitOptions) error) *command.Command {
	opts := &InitOptions{}
	fs := command.NewFlagSet("init")
	fs.BoolVar(&opts.Force, "force", false, "Overwrite an existing .github/hotfix.yml (and .github/workflows/hotfix.yml with --workflows)")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the configuration instead of writing it")
	fs.StringVar(&opts.Base, "base", "", "Base `branch` for hotfixes (default: the repository's default branch)")
	fs.StringVar(&opts.Workflow, "workflow", "", "Release `workflow` file name (default: detected)")
	fs.StringVar(&opts.Label, "label", "", "Label `name` for hotfix pull requests (default: hotfix)")
	var fields []string
	fs.StringArrayVarP(&fields, "field", "f", nil, "Release workflow input to write, in `key=value` format (repeatable)")
	fs.BoolVar(&opts.Workflows, "workflows", false, "Also write .github/workflows/hotfix.yml, the hotfix workflow of the exceptional process")
	command.AddRepoFlag(fs, &opts.Repo)

	return &command.Command{
		Name:  "init",
		Short: "Write a .github/hotfix.yml configuration",
		Long: strings.TrimSpace(`
Write .github/hotfix.yml with what init detects in the repository: the base branch, the
release workflow and its inputs, and the hotfix label, with a comment explaining each key.

On a terminal, init asks to confirm or change each detected value; otherwise it uses the
flags and what it detected. Required inputs of the release workflow get their default, else
the first option of a choice, else false for a boolean, else a prompt (--field without a
terminal, where every required input still missing is named at once). An answer init cannot
use (a base that does not exist, a blank required input, words for a number, a label name
GitHub would refuse) is asked again, up to three times. A hotfix workflow the repository
already has (its name mentions hotfix, it takes a tag input) is written as
exceptional.workflow: on a terminal after asking (yes by default), otherwise as detected.

It refuses to overwrite an existing file without --force. Commit the file, then run
gh hotfix doctor to check that the repository is ready.

--workflows also writes .github/workflows/hotfix.yml, the hotfix workflow of the
exceptional process (hotfix from the last release when the base is not releasable):
dispatched with a tag and an environment input, it builds, deploys to a hotfix-staging
environment, then to production, and creates the tag and its release. The configuration
gets exceptional.workflow; an existing configuration is kept (without --force), and init
prints the lines to add. init also prints the change a release workflow needs to accept
hotfix tags.`),
		Example: strings.TrimSpace(`
$ gh hotfix init
$ gh hotfix init --base main --workflow release.yml --label hotfix
$ gh hotfix init --workflow deploy.yml -f environment=production
$ gh hotfix init --dry-run
$ gh hotfix init --workflows`),
		Flags: fs,
		Run: func(ctx context.Context, args []string) error {
			if err := command.NoArgs(args); err != nil {
				return err
			}
			if err := command.NotBlank(fs, "base", "workflow", "label"); err != nil {
				return err
			}
			inputs, err := command.ParseFields(fields)
			if err != nil {
				return err
			}
			opts.Inputs = inputs
			if runF != nil {
				return runF(ctx, opts)
			}
			return run(ctx, f, opts)
		},
	}
}
