// Package doctor implements `gh hotfix doctor`: check that the repository is ready for a
// hotfix.
package doctor

import (
	"context"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
)

// DoctorOptions is what `gh hotfix doctor` was asked to check.
type DoctorOptions struct {
	Repo string            // -R/--repo: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	JSON command.JSONFlags // --json, --jq, --template
	// TestNotify: --test-notify, send a test message to each webhook of notify.
	TestNotify bool
}

// NewCmdDoctor returns the doctor command. runF, when not nil, receives the parsed options
// instead of the command running (for tests of flag parsing).
func NewCmdDoctor(f *command.Factory, runF func(context.Context, *DoctorOptions) error) *command.Command {
	opts := &DoctorOptions{}
	fs := command.NewFlagSet("doctor")
	fs.BoolVar(&opts.TestNotify, "test-notify", false, "Also send a test message to each webhook of the config's notify list, and fail if one does not take it")
	command.AddJSONFlags(fs, &opts.JSON, jsonFields)
	command.AddRepoFlag(fs, &opts.Repo)

	return &command.Command{
		Name:  "doctor",
		Short: "Check that the repository is ready for a hotfix",
		Long: strings.TrimSpace(`
Check that the repository is ready for a hotfix, one line per check, with how to fix each
failure: authentication and token scopes, on GitHub Enterprise Server its version and what
it lacks of what gh-hotfix uses (e.g. merge queue, rulesets), the hotfix
label, a release workflow with a
workflow_dispatch trigger and its inputs, auto-merge (when configured), CI running on
hotfix branches or on pull requests to the base, a releasable base, the configuration, and
for the exceptional process (hotfix from the last release) the hotfix workflow and the
naming of maintenance branches. Then each rule of the repository's rulesets that applies
to the base, to hotfix branches, to maintenance branches or to release tags, and of the
classic branch protection rule that applies to each of those branches, one line each with
its source and what it means for a hotfix: required approvals and checks, a merge queue,
the merge methods allowed, linear history, and who may create and push the branches and
create the tags. GitHub shows branch protection rules only to the repository's admins.

Warnings (checks still running on the base, token scopes that cannot be read, a missing
label, which ship creates, ...) do not count as failures. Exits with status 0 only when no check fails.

On a terminal each check is a line marked ✓, ! (warning) or X (failure), with the fix on
the line below. Otherwise each check is one line of four tab-separated fields: ok, warn or
fail; the check's name (auth, server, config, label, release-workflow, auto-merge, ci, base,
exceptional-workflow, maintenance-branch, release-line, rules); what was found; and the fix.

With --test-notify, doctor also sends a test message to each webhook of the notify list
(.github/hotfix.yml), whatever its events, and adds one notify line per webhook, named by
the environment variable that holds its URL and its kind, never by the URL: delivered, or
what failed. A webhook that fails, or whose variable is not set, fails doctor.

With --json, the fields are checks (a list of name, ok, severity, detail and fix; severity
is "error", "warning" or empty), ready, and server (host, enterprise, version and lacks).`),
		Example: strings.TrimSpace(`
$ gh hotfix doctor
$ gh hotfix doctor -R acme/shop
$ gh hotfix doctor --test-notify
$ gh hotfix doctor --json checks --jq '.checks[] | select(.severity == "error") | .fix'`),
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
