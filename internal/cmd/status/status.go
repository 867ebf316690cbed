// Package status implements `gh hotfix status`: the repository's hotfix pull requests and
// their release runs.
package status

import (
	"context"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// States accepted by --state.
var states = []string{"open", "merged", "all"}

// StatusOptions is what `gh hotfix status` was asked to show.
type StatusOptions struct {
	State string // --state: open, merged or all
	Limit int    // -L/--limit: maximum number of pull requests
	Repo  string // -R/--repo given once: [HOST/]OWNER/REPO; empty means GH_REPO or the remotes
	// Repos are every -R/--repo given; Orgs every --org. With an organization or
	// more than one repository, status lists the hotfixes across them (runAcross),
	// those merged (or closed) in the last Days days among them.
	Repos []string
	Orgs  []string
	Days  int
	JSON  command.JSONFlags // --json, --jq, --template
	// Backports, when set, is the pull request given to --backports, as given:
	// status then shows where its backports stand (BackportsOf, parsed) instead
	// of listing the hotfixes.
	Backports   string
	BackportsOf hotfix.PullRef
}

// NewCmdStatus returns the status command. runF, when not nil, receives the parsed options
// instead of the command running (for tests of flag parsing).
func NewCmdStatus(f *command.Factory, runF func(context.Context, *StatusOptions) error) *command.Command {
	opts := &StatusOptions{}
	fs := command.NewFlagSet("status")
	fs.StringVar(&opts.State, "state", "open", "Show hotfix pull requests in `state` open, merged or all")
	fs.IntVarP(&opts.Limit, "limit", "L", 30, "Maximum number of pull requests to show")
	fs.StringVar(&opts.Backports, "backports", "", "Show where each maintenance line stands in the backports of `pull-request` (number or URL)")
	command.AddJSONFlags(fs, &opts.JSON, jsonFields)
	command.AddReposFlag(fs, &opts.Repos, "Select another repository using the `[HOST/]OWNER/REPO` format; repeat it to list the hotfixes of several")
	fs.StringArrayVar(&opts.Orgs, "org", nil, "List the hotfixes of every repository of `organization` (repeatable)")
	fs.IntVar(&opts.Days, "days", 7, "With --org or several --repo: show those merged (or closed) in the last `n` days")

	return &command.Command{
		Name:  "status",
		Short: "Show hotfix pull requests and their release runs",
		Long: strings.TrimSpace(`
Show the repository's hotfix pull requests, found by the hotfix label (from
.github/hotfix.yml in the clone, else on the default branch, else "hotfix"), newest first.

Open pull requests are shown with their checks, review decision and mergeability, naming
what blocks the merge (the required checks failing or pending, the approving reviews the
base's rules still want: "check ci/test failing, 1 approving review missing") and whether
auto-merge is on; once in the merge queue, with their place in it ("first in the merge
queue, about 4m left"). Merged ones are shown with their release run and its conclusion, as
recorded by gh hotfix ship on the pull request; a release run cancelled by a newer run of
its workflow on the branch (cancel-in-progress, or a pending run replaced in its
concurrency group) shows as "release cancelled, superseded by run #N", and a line names the
gh hotfix ship command that says whether that run releases the hotfix or how to release it
again (one request more, only when a release run was cancelled). Only open ones are shown unless --state says otherwise; --state all also shows
those closed without merging.

On a terminal the result is a table; otherwise it is tab-separated lines, one per pull
request, and nothing at all when there is none. JSON fields: number, title, state, isDraft,
url, branch, base, author, checks, review, mergeable, queue (position, state,
estimatedTimeToMerge in seconds or null; null when not queued), blockedBy (what blocks the
merge, by name), autoMerge, mergedAt, mergeCommit, release (workflow, runId, url, status,
conclusion, and supersededBy: runId, number, url, status, conclusion), createdAt, tag,
forwardPort (number, url, state, conflicts, conflictsResolved), repository (OWNER/REPO) and
waitingOn (what a release run held by an environment's protection rules waits for, one object
per environment: environment, reviewers (users by login, teams as ORG/slug), waitTimerEndsAt
(null without a wait timer) and canApprove (whether you may approve it); empty unless the run
waits).

Across repositories: with --org (every repository of an organization) or -R given
more than once (those repositories), or both, status lists the hotfix pull requests
in flight and those merged in the last 7 days (--days) across them, with a REPO
column: --state open shows only the open ones, --state merged only the merged ones,
and --state all adds those closed without merging in those days. It costs one
GraphQL request however many repositories there are (GitHub's search, one request
per 100 pull requests of a kind): each pull request comes with its checks, review,
what blocks its merge, its place in the queue, and for a merged one its release
run and the run's state, from the merge commit's check suites ("release started"
when the run is not among them), with what a run held by an environment waits for
("release waiting for hubot or acme/on-call to approve production (wait timer: about
2m0s left)"). The label searched for is the one of
.github/hotfix.yml in the clone status runs in, else "hotfix": the same for every
repository, whose own configurations are not read (that would cost a request each),
so one whose configuration names another label shows none of its hotfixes here
(gh hotfix status -R OWNER/REPO, given once, goes by that repository's label). Forward-ports are not shown in
this view (neither as rows nor under their hotfix), nor are pull requests from forks.

A merged hotfix of the exceptional process (gh hotfix create --from-tag) shows its hotfix
tag and where its forward-port to the main line stands, read from GitHub now:
  forward-port #N open                      open, every commit applied: to review and merge
  forward-port #N has conflicts (red)       commits left to apply by hand, nobody pushed
                                            since ship opened it; or in conflict with main
  forward-port #N open, conflicts resolved  opened with conflicts, then pushed to
  forward-port #N merged                    the fix is on the main line
  forward-port #N closed unmerged (red)     the fix does not reach the main line through it
  forward-port not needed                   the main line had every change (ship said so
                                            on the hotfix's pull request)
  not forward-ported                        no forward-port yet
A forward-port pull request is known by its record (the hotfix it carries, in its
description), not by its branch's name, and is shown under its hotfix, never as a row of
its own; in the default view (open), where its merged hotfix is not listed, an open one is
named on stderr. Finding them costs one more request, only when there are some.

With --backports, status shows instead where the fix of one merged pull request (its
number or URL) stands on each maintenance line it was backported to, read from GitHub now:
the summary comment gh hotfix backport keeps on the pull request names the lines and their
pull requests, and each pull request's state, head and release record win over what the
summary says:
  pull request open                 every commit applied: to review and merge
  conflicts to resolve (draft)      conflict markers committed, nobody pushed since
  conflicts resolved, open          opened with conflicts, then pushed to
  merged, release not started       the next gh hotfix backport run releases it
  released TAG, run succeeded       the line's release (with the run's progress when
                                    the merge commit's checks show it)
  already there                     the line had the fix: no pull request
  closed without merging            the fix does not reach the line through it
An open backport pull request in conflict with its line now adds "in conflict with LINE
now". Columns: LINE, STATUS, PR, URL (the backport pull request's) and RUN (the release run's).
JSON fields with --backports, one object per line: line, state (opened, conflict,
resolved, merged, released, already-there, closed), number, url, tag and release (runId,
url, status, conclusion). A pull request that is not merged, or has no backports yet, is
one line on stderr (and [] with --json); one the repository does not have is an error.
Two requests whatever the number of lines: the pull request with its last 100 comments,
then every backport pull request by number (none without one); only a thread whose last 100
comments lack the summary costs more, one per 100 earlier comments. --backports cannot be
used with --state or --limit.`),
		Example: strings.TrimSpace(`
$ gh hotfix status
$ gh hotfix status --state merged --limit 5
$ gh hotfix status --state all -R acme/shop
$ gh hotfix status --org acme
$ gh hotfix status -R acme/shop -R acme/api --state merged --days 2 --json repository,number,release
$ gh hotfix status --state merged --json number,release --jq '.[] | select(.release.conclusion != "success") | .number'
$ gh hotfix status --backports 42
$ gh hotfix status --backports https://github.com/acme/shop/pull/42 --json line,state,tag`),
		Flags: fs,
		Run: func(ctx context.Context, args []string) error {
			if err := command.NoArgs(args); err != nil {
				return err
			}
			across := len(opts.Orgs) > 0 || len(opts.Repos) > 1
			if len(opts.Repos) == 1 {
				opts.Repo = opts.Repos[0]
			}
			if fs.Changed("backports") && across {
				return cmderr.FlagErrorf("`--backports` shows one pull request of one repository: not with `--org` or several `--repo`")
			}
			if fs.Changed("days") && !across {
				return cmderr.FlagErrorf("`--days` goes with `--org` or several `--repo`: in one repository, `--state` and `--limit` choose what is shown")
			}
			if opts.Days < 1 {
				return cmderr.FlagErrorf("invalid number of days: %d", opts.Days)
			}
			if fs.Changed("backports") {
				for _, other := range []string{"state", "limit"} {
					if fs.Changed(other) {
						return cmderr.FlagErrorf("`--backports` cannot be used with `--%s`: it shows one pull request's backports, line by line", other)
					}
				}
				ref, err := hotfix.ParsePullRef(opts.Backports)
				if err != nil {
					return cmderr.FlagErrorf("invalid value for `--backports`: %v", err)
				}
				opts.BackportsOf = ref
			}
			if err := command.OneOf("state", opts.State, states...); err != nil {
				return err
			}
			if opts.Limit < 1 {
				return cmderr.FlagErrorf("invalid limit: %d", opts.Limit)
			}
			if err := opts.JSON.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(ctx, opts)
			}
			if fs.Changed("backports") {
				return runBackports(ctx, f, opts)
			}
			if across {
				// Without --state: what is in flight and what was released lately.
				return runAcross(ctx, f, opts, fs.Changed("state"))
			}
			return run(ctx, f, opts)
		},
	}
}
