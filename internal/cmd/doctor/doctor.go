// Package doctor implements `gh hotfix doctor`: check that the repository is ready for a
// hotfix.
package doctor

import (
	"context"
	"errors"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
)

// DoctorOptions is what `gh hotfix doctor` was asked to check.
type DoctorOptions struct {
	Repo string            // -R/--repo: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	JSON command.JSONFlags // --json, --jq, --template
}

// NewCmdDoctor returns the doctor command. runF, when not nil, receives the parsed options
// instead of the command running (for tests of flag parsing).
func NewCmdDoctor(f *command.Factory, runF func(context.Context, *DoctorOptions) error) *command.Command {
	opts := &DoctorOptions{}
	fs := command.NewFlagSet("doctor")
	command.AddJSONFlags(fs, &opts.JSON)
	command.AddRepoFlag(fs, &opts.Repo)

	return &command.Command{
		Name:  "doctor",
		Short: "Check that the repository is ready for a hotfix",
		Long: strings.TrimSpace(`
Check that the repository is ready for a hotfix, one line per check, with how to fix each
failure: authentication and token scopes, the hotfix label, a release workflow with a
workflow_dispatch trigger and its inputs, auto-merge (when configured), CI running on
hotfix branches or on pull requests to the base, a releasable base, and the configuration.

Exits with status 0 only when every check passes.`),
		Example: strings.TrimSpace(`
$ gh hotfix doctor
$ gh hotfix doctor -R acme/shop`),
		Flags: fs,
		Run: func(ctx context.Context, args []string) error {
			if err := command.NoArgs(args); err != nil {
				return err
			}
			if err := opts.JSON.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(ctx, opts)
			}
			return run(ctx, f, opts)
		},
	}
}

// run checks the repository.
func run(ctx context.Context, f *command.Factory, opts *DoctorOptions) error {
	return errors.New(`"gh hotfix doctor" is not implemented yet in this build`)
}
