// Package ship implements `gh hotfix ship`: push the hotfix branch, open its pull request,
// wait for the merge and dispatch the release workflow. A ship is a process, a list of
// steps read top to bottom (standardProcess in standard.go, exceptionalProcess in
// exceptional.go) run by one runner (steps.go) that checks before changing anything,
// skips what is done and prints the plan for --dry-run; the release itself goes through
// release.Protocol.
package ship

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
)

// Merge methods accepted by --merge-method.
var mergeMethods = []string{"merge", "squash", "rebase"}

// MinInterval is the shortest --interval: polling GitHub more often than once a second
// spends the rate limit and gains nothing a person waiting could notice.
const MinInterval = time.Second

// checkInterval refuses an interval under MinInterval, or under GH_HOTFIX_MIN_INTERVAL
// (a Go duration) when set: the end-to-end tests poll their local emulator every few
// milliseconds. The knob is for tests, not users; like the other GH_HOTFIX_* knobs it
// is read from the process environment, and only for an interval under a second.
func checkInterval(d time.Duration) error {
	if d >= MinInterval {
		return nil
	}
	floor := MinInterval
	if v, err := time.ParseDuration(os.Getenv("GH_HOTFIX_MIN_INTERVAL")); err == nil && v > 0 {
		floor = v
	}
	if d < floor {
		return cmderr.FlagErrorf("invalid `--interval` %s: must be at least %s", d, floor)
	}
	return nil
}

// ShipOptions is what `gh hotfix ship` was asked to do.
type ShipOptions struct {
	Branch      string            // --branch: hotfix branch to ship; empty means the current branch
	PR          string            // --pr: a merged pull request (number or URL) to ship as a hotfix
	Title       string            // --title: pull request title; empty means the description
	Body        string            // --body: pull request body
	BodyFile    string            // -F/--body-file: file to read the body from, "-" for stdin
	Reviewers   []string          // -r/--reviewer: users or org/team slugs to request reviews from
	Auto        bool              // --auto: enable auto-merge, or merge when already mergeable
	MergeMethod string            // --merge-method: merge, squash or rebase; empty means the config's, else merge
	Jump        bool              // --jump: with a merge queue, join it at the front
	NoWait      bool              // --no-wait: stop once the pull request is open and labelled
	NoRelease   bool              // --no-release: do not dispatch the release workflow
	Watch       bool              // --watch: follow the release run until it finishes
	Approve     bool              // --approve: with --watch, approve the run's deployments the user may approve
	Workflow    string            // --workflow: release workflow file name, ID or name; empty means config, else detected
	Inputs      map[string]string // -f/--field key=value: release workflow inputs
	Interval    time.Duration     // --interval: time between polls while waiting; at least MinInterval
	Timeout     time.Duration     // --timeout: give up waiting after this long; 0 waits without limit
	Force       bool              // --force: ship despite an unreleasable base or an oversized change
	PostMortem  *bool             // --post-mortem: open a post-mortem issue; nil means the config decides
	DryRun      bool              // --dry-run: print the steps and change nothing
	Repo        string            // -R/--repo: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	JSON        command.JSONFlags // --json, --jq, --template: the final result as JSON
	Tag         string            // --tag: the hotfix tag of the exceptional process; empty means the next patch
	Retry       bool              // --retry: re-run the failed jobs of the failed release run
	WaitChecks  bool              // --wait-checks: wait for the merge commit's running checks before dispatching
}

// NewCmdShip returns the ship command. runF, when not nil, receives the parsed options instead
// of the command running (for tests of flag parsing).
func NewCmdShip(f *command.Factory, runF func(context.Context, *ShipOptions) error) *command.Command {
	opts := &ShipOptions{}
	var fields []string
	var postMortem bool
	fs := command.NewFlagSet("ship")
	fs.StringVar(&opts.Branch, "branch", "", "Ship hotfix `branch` instead of the current branch (it may be only on GitHub, or merged and deleted)")
	fs.StringVar(&opts.PR, "pr", "", "Ship the pull request `number` or URL, already merged into the base or a maintenance branch, as a hotfix: label it and release it once")
	fs.StringVar(&opts.Title, "title", "", "Title of the pull request (default: \"Hotfix: <description>\")")
	fs.StringVar(&opts.Body, "body", "", "Body of the pull request (default: the configured template, else a checklist)")
	fs.StringVarP(&opts.BodyFile, "body-file", "F", "", "Read the pull request body from `file` (use \"-\" to read from standard input)")
	fs.StringSliceVarP(&opts.Reviewers, "reviewer", "r", nil, "Request a review from people or teams by their `handle`")
	fs.BoolVar(&opts.Auto, "auto", false, "Enable auto-merge, or merge right away when the pull request can be merged; with a merge queue, join the queue")
	fs.StringVar(&opts.MergeMethod, "merge-method", "", "Merge `method` for --auto: merge, squash or rebase (default: config, else merge, else one the repository and the base's rulesets allow)")
	fs.BoolVar(&opts.Jump, "jump", false, "With --auto and a merge queue, join the queue at the front (if the queue's rules let you)")
	fs.BoolVar(&opts.NoWait, "no-wait", false, "Stop once the pull request is open; run ship again later to continue")
	fs.BoolVar(&opts.NoRelease, "no-release", false, "Do not dispatch the release workflow after the merge")
	fs.BoolVar(&opts.Watch, "watch", false, "Follow the release run until it finishes; fail if it fails")
	fs.BoolVar(&opts.Approve, "approve", false, "With --watch, approve the release run's pending deployments that you may approve")
	fs.BoolVar(&opts.WaitChecks, "wait-checks", false, "Wait for the checks still running on the merge commit before dispatching")
	fs.BoolVar(&opts.Retry, "retry", false, "Re-run the failed jobs of the hotfix's failed release run (never a second dispatch)")
	fs.StringVar(&opts.Workflow, "workflow", "", "Release `workflow`: its file name, or its name (default: config, else detected)")
	fs.StringArrayVarP(&fields, "field", "f", nil, "Release workflow input in `key=value` format (repeatable)")
	fs.DurationVar(&opts.Interval, "interval", 10*time.Second, "Time between checks while waiting (at least 1s)")
	fs.DurationVar(&opts.Timeout, "timeout", time.Hour, "Stop waiting after this long; 0 waits without limit")
	fs.BoolVar(&opts.Force, "force", false, "Ship even if the base is not releasable, the change exceeds the size limits, or local commits are left out of the merge")
	fs.BoolVar(&postMortem, "post-mortem", false, "Open a post-mortem issue after the release (default: config)")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan, each step marked done or to do, and change nothing")
	fs.StringVar(&opts.Tag, "tag", "", "Hotfix `tag` for a hotfix from a release tag (default: the next patch of its line)")
	command.AddJSONFlags(fs, &opts.JSON, jsonFields)
	command.AddRepoFlag(fs, &opts.Repo)

	return &command.Command{
		Name:  "ship",
		Short: "Open the pull request, wait for the merge and release",
		Long: strings.TrimSpace(`
Ship the current hotfix branch: push it, open its pull request, wait for the merge and
dispatch the release workflow.

Each step is skipped when it is already done, so ship can be run again after an
interruption, or later after --no-wait, and continues where it stopped:

1. Check that the branch has commits ahead of its base, that tracked files have no
   uncommitted changes and that the base is releasable (override with --force).
2. Refuse changes over the size limits (default 10 files, 400 lines, 1 MiB of binary
   files; override with --force).
3. Push the branch and set its upstream; never force.
4. Open the pull request against the base, or reuse the open one.
5. Add the hotfix label and request reviews (--reviewer and the configured reviewers).
6. With --auto, enable auto-merge, or merge right away when the pull request can be merged,
   with a method the repository and the base's rulesets allow. When the base merges
   through a merge queue, --auto adds the pull request to the queue instead (at the front
   with --jump), or, while it cannot join yet, enables auto-merge, which queues it once
   its requirements pass; the queue merges with its own method.
7. Wait until the pull request is merged (skip with --no-wait), saying what it waits for:
   the required checks pending or failing by name, the approvals missing, its place in
   the merge queue and the time left when GitHub estimates it. A pull request removed
   from the queue without being merged ends the wait with GitHub's reason.
8. Dispatch the release workflow on the base branch, exactly once per merged hotfix
   (skip with --no-release), with inputs from the config and --field.
9. Comment on the pull request with the release run; --watch follows the run. A run held
   by an environment's protection rules says what it waits for: the environment, who may
   approve it (users and teams) and a wait timer's time left; --approve approves the
   deployments you may approve, and says who can approve the others. A run still awaiting
   approval when --timeout ends makes ship exit 3: a person must act. A run pending in a
   concurrency group names the run it is queued behind (one request, when it turns
   pending) and the group, when the workflow declares one. A run re-run meanwhile (gh run
   rerun, the Actions tab) is followed as the same run, saying its attempt. A run
   cancelled by a newer run of the workflow on the branch (cancel-in-progress, or a
   pending run replaced in its group) is "cancelled, superseded by run #N": when that
   run's commit contains the merge, it releases the hotfix and ship exits 0 naming it;
   otherwise ship exits 1 with the command that releases it again.
10. With --post-mortem, open a post-mortem issue with the timeline (refused before
    anything changes when the repository has issues turned off).

Templates the config names (pull_request.template, post_mortem.template) are read from
where the config came from, before anything changes: the checkout, or the branch on
GitHub whose copy of .github/hotfix.yml counts.

With --pr, the fix is a pull request already merged into the base as an ordinary change
(its number or URL): ship labels it, shows what will ship, releases it once (recorded on the
pull request as for any hotfix), follows the run with --watch and opens the post-mortem with
--post-mortem. Its branch need not be a hotfix branch nor exist any more. A pull request
merged into a maintenance branch (exceptional.maintenance_branch, e.g. release/v1.4) is
released as the exceptional process releases a hotfix: the hotfix workflow on that branch
with the line's next patch tag (read from the line's own tags), then forward-ported to the
base, unless it is a backport (gh hotfix backport), whose fix the base has. A pull request
that is open, closed unmerged, merged into another branch, of another repository, or that
does not exist is refused before anything changes.

A hotfix made with gh hotfix create --from-tag (the exceptional process) merges into the
maintenance branch of its release line instead; once merged, ship decides the hotfix tag
(the next patch of the line, e.g. v1.4.1, or --tag), dispatches the hotfix workflow
(exceptional.workflow, or --workflow) on the maintenance branch with the tag and the target
environment, exactly once, and then opens the forward-port pull request to the base: the
merged commits cherry-picked onto a branch from the base, labelled hotfix and forward-port.
Its branch is hotfix/forward-port-<name>, or the same with -2, -3... when a pull request or
a branch that is not this hotfix's forward-port has that name (left untouched): ship knows
its forward-port by the record in its description, never by the branch name. When the
cherry-pick conflicts, the pull request is opened anyway with what applied and the exact
commands to finish it, and ship exits with status 3 until someone pushes to it. When the
base has every change already, ship opens none and says so on the hotfix's pull request.

On stdout, ship prints the pull request's URL, then those of the release run, the
forward-port pull request and the post-mortem issue when there are some, one per line.
A release run that fails makes ship exit 1 after printing its result, naming the failed
job; a later ship says the same, and ship --retry re-runs the run's failed jobs as a new
attempt of the same run, records it on the pull request and, with --watch, follows it. It
never dispatches a second release.

JSON fields: number, url, state, branch, base, mergeCommit, release (workflow, runId, url,
status, conclusion, attempt), postMortem, tag and forwardPort (number, url, state,
conflicts, conflictsResolved; state NOT_NEEDED when the base had the changes).`),
		Example: strings.TrimSpace(`
$ gh hotfix ship
$ gh hotfix ship --auto --merge-method squash --reviewer monalisa --reviewer acme/oncall
$ gh hotfix ship --auto --jump   # main merges through a merge queue: go first
$ gh hotfix ship --no-wait
$ gh hotfix ship --workflow release.yml -f environment=production --watch
$ gh hotfix ship --watch --approve   # approve the release's deployments you may approve
$ gh hotfix ship --retry --watch   # the release run failed: re-run its failed jobs
$ gh hotfix ship --dry-run
$ gh hotfix ship --pr 42 --watch   # #42 was merged as an ordinary change: release it as a hotfix
$ gh hotfix ship --watch --tag v1.4.2   # a hotfix from a release tag`),
		Flags: fs,
		Run: func(ctx context.Context, args []string) error {
			if err := command.NoArgs(args); err != nil {
				return err
			}
			if err := command.NotBlank(fs, "branch", "workflow", "title", "pr"); err != nil {
				return err
			}
			if opts.PR != "" {
				var given []string
				for _, name := range []string{"branch", "title", "body", "body-file", "reviewer", "auto", "merge-method", "jump", "no-wait", "tag"} {
					if fs.Changed(name) {
						given = append(given, "`--"+name+"`")
					}
				}
				if len(given) > 0 {
					return cmderr.FlagErrorf("`--pr` ships a pull request already merged: it cannot be used with %s", strings.Join(given, ", "))
				}
			}
			if err := command.MutuallyExclusive("specify only one of `--body` or `--body-file`", fs.Changed("body"), fs.Changed("body-file")); err != nil {
				return err
			}
			if opts.MergeMethod != "" {
				if err := command.OneOf("merge-method", opts.MergeMethod, mergeMethods...); err != nil {
					return err
				}
				if !opts.Auto {
					return cmderr.FlagErrorf("`--merge-method` requires `--auto`")
				}
			}
			if opts.Jump && !opts.Auto {
				return cmderr.FlagErrorf("`--jump` requires `--auto`: it puts the pull request at the front of the merge queue")
			}
			if err := command.MutuallyExclusive("`--watch` cannot be used with `--no-wait`: the release happens after the merge", opts.Watch, opts.NoWait); err != nil {
				return err
			}
			if opts.Approve && !opts.Watch {
				return cmderr.FlagErrorf("`--approve` requires `--watch`: it approves the release run's deployments while following it")
			}
			if opts.NoRelease && (opts.Watch || opts.Workflow != "" || len(fields) > 0 || opts.Tag != "") {
				return cmderr.FlagErrorf("`--watch`, `--workflow`, `--field` and `--tag` cannot be used with `--no-release`")
			}
			if opts.Retry && (opts.NoRelease || opts.NoWait || opts.Workflow != "" || len(fields) > 0 || opts.Tag != "") {
				return cmderr.FlagErrorf("`--retry` re-runs the recorded release run as it was: it cannot be used with `--no-release`, `--no-wait`, `--workflow`, `--field` or `--tag`")
			}
			if err := command.NotBlank(fs, "tag"); err != nil {
				return err
			}
			inputs, err := command.ParseFields(fields)
			if err != nil {
				return err
			}
			opts.Inputs = inputs
			if err := checkInterval(opts.Interval); err != nil {
				return err
			}
			if opts.Timeout < 0 {
				return cmderr.FlagErrorf("invalid `--timeout` %s: must not be negative", opts.Timeout)
			}
			if fs.Changed("post-mortem") {
				opts.PostMortem = &postMortem
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
