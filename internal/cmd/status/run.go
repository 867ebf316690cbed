package status

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"
	"github.com/cli/go-gh/v2/pkg/tableprinter"
	"github.com/cli/go-gh/v2/pkg/text"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// jsonFields are the fields --json can select, one object per pull request.
var jsonFields = []string{"number", "title", "state", "isDraft", "url", "branch", "base", "author",
	"checks", "review", "mergeable", "queue", "blockedBy", "autoMerge", "mergedAt", "mergeCommit", "release", "createdAt",
	"tag", "forwardPort", "repository", "waitingOn"}

const (
	// markerComments is how many of a pull request's latest comments are searched for
	// the release marker. ship posts it right after the merge, so it stays among the
	// last ones unless the pull request is discussed at length after its release.
	markerComments = 50
	// recentRuns is how many of the repository's latest workflow_dispatch runs are
	// read, in one request, to learn the status of the release runs.
	recentRuns = 100
)

// run lists the hotfix pull requests. Its cost does not grow with their number:
// one GraphQL query per 100 pull requests (so one for the default limit), plus one
// REST request for the release runs, only when a merged pull request has one,
// one for the repository's latest runs, only when a release run was cancelled
// (what superseded it), and one per release run that waits on a deployment when
// the query did not bring what it waits for (a run not among the merge
// commit's check suites).
func run(ctx context.Context, f *command.Factory, opts *StatusOptions) error {
	if err := opts.JSON.CheckFields(jsonFields); err != nil {
		return err
	}
	ios := f.IOStreams
	co, err := command.ResolveCheckout(ctx, f, opts.Repo)
	if err != nil {
		return err
	}
	repo := co.Repo
	local, found, err := checkoutConfig(co)
	if err != nil {
		return err
	}
	label := local.Label.Name
	gh, err := f.GitHubClient(repo.Host)
	if err != nil {
		return err
	}

	// Without a config in a checkout, the default branch's copy counts; it comes with
	// the first query, and only a different label there costs a second one.
	nodes, total, remote, err := listPulls(ctx, gh, repo, label, opts.State, opts.Limit, !found)
	if err != nil {
		return err
	}
	var rev string
	var text *string
	if remote != nil {
		rev, text = remote.Branch, &remote.Text
	}
	res, err := config.Resolve(local, found, rev, text)
	if err != nil {
		return err
	}
	if res.AskAgain("label.name") {
		label = res.Config.Label.Name
		if nodes, total, _, err = listPulls(ctx, gh, repo, label, opts.State, opts.Limit, false); err != nil {
			return err
		}
	}
	nodes, forks := ownPulls(nodes)
	total -= len(forks)
	for _, f := range forks {
		fmt.Fprintf(ios.ErrOut, "%s #%d (%s) carries the label %s but comes from a fork: not one of this repository's hotfixes, not listed\n",
			ios.ColorScheme().WarningIcon(), f.Number, f.HeadLabel(), label)
	}
	nodes, forwardPorts := forwardPortRows(nodes)
	total -= len(forwardPorts)
	if opts.State == "open" {
		// Their hotfixes are merged, so not listed: say what still waits for someone.
		for _, n := range forwardPorts {
			fmt.Fprintf(ios.ErrOut, "%s %s (gh hotfix status --state merged shows it under its hotfix)\n", ios.ColorScheme().WarningIcon(), inFlight(n))
		}
	}
	pulls := make([]hotfixPull, len(nodes))
	needRuns := false
	for i := range nodes {
		pulls[i] = newHotfixPull(&nodes[i])
		pulls[i].Repo = repo.Owner + "/" + repo.Name
		// A merged hotfix whose release marker is not among its latest comments
		// may have it further up a busy thread: read the rest (only then).
		if a := &nodes[i]; pulls[i].Release == nil && pulls[i].MergeCommit != "" && a.Comments.PageInfo.HasPreviousPage {
			older, err := gh.EarlierComments(ctx, a.ID, a.Comments.PageInfo.StartCursor)
			if err != nil {
				return fmt.Errorf("reading the comments of #%d: %w", a.Number, err)
			}
			bodies := make([]struct{ Body string }, len(older))
			for j, c := range older {
				bodies[j].Body = c.Body
			}
			a.Comments.Nodes, a.Comments.PageInfo.HasPreviousPage = append(bodies, a.Comments.Nodes...), false
			pulls[i] = newHotfixPull(a)
			pulls[i].Repo = repo.Owner + "/" + repo.Name
		}
		// Only a run not found among the merge commit's check suites (the base moved
		// before the dispatch) needs the runs list.
		if r := pulls[i].Release; r != nil && r.RunID != 0 && r.Status == "" {
			needRuns = true
		}
	}
	if needRuns {
		runs, err := dispatchRuns(ctx, gh, repo)
		if err != nil {
			// The pull requests are still worth showing; only the runs' status is unknown.
			fmt.Fprintf(ios.ErrOut, "%s could not read the release runs of %s/%s, their status is unknown: %v\n",
				ios.ColorScheme().WarningIcon(), repo.Owner, repo.Name, err)
		}
		contains := func(ctx context.Context, ancestor, descendant string) (bool, error) {
			return gh.Contains(ctx, repo.Owner, repo.Name, ancestor, descendant)
		}
		for i := range pulls {
			if why, err := pulls[i].addRun(ctx, runs, contains); err != nil {
				fmt.Fprintf(ios.ErrOut, "%s could not check the release run of #%d: %v\n", ios.ColorScheme().WarningIcon(), pulls[i].Number, err)
			} else if why != "" {
				fmt.Fprintf(ios.ErrOut, "%s #%d's release comment names a run that is not its release (%s): gh hotfix ship --branch %s%s releases it\n",
					ios.ColorScheme().WarningIcon(), pulls[i].Number, why, pulls[i].Branch, repoArg(opts.Repo))
			}
		}
	}

	// A cancelled release run: the newer run of its workflow that took its place,
	// from one listing of the repository's latest runs, read only when one is cancelled.
	addSuperseders(ctx, ios, gh, repo, pulls, opts.Repo)

	// A release run held by an environment's protection rules: what it waits for
	// came with the query from the merge commit's check suites; a run found
	// elsewhere (the runs list) costs one request, none for the others.
	for i := range pulls {
		if r := pulls[i].Release; r != nil && r.RunID != 0 && r.Status == "waiting" && !r.waitKnown {
			list, err := gh.PendingDeployments(ctx, repo.Owner, repo.Name, r.RunID)
			if err != nil {
				fmt.Fprintf(ios.ErrOut, "%s could not read what the release run of #%d waits for: %v\n", ios.ColorScheme().WarningIcon(), pulls[i].Number, err)
				continue
			}
			r.Waiting, r.waitKnown = list, true
		}
		pulls[i].describeGate(f.Now())
	}

	if err := addForwardPorts(ctx, gh, repo, pulls); err != nil {
		fmt.Fprintf(ios.ErrOut, "%s could not read the forward-port pull requests of %s/%s: %v\n",
			ios.ColorScheme().WarningIcon(), repo.Owner, repo.Name, err)
	}
	if len(opts.JSON.Fields) > 0 {
		data := make([]map[string]any, len(pulls))
		for i := range pulls {
			data[i] = pulls[i].export()
		}
		return opts.JSON.Write(ios, data)
	}
	what := map[string]string{"open": "open hotfix", "merged": "merged hotfix", "all": "hotfix"}[opts.State]
	if len(pulls) == 0 {
		// As gh pr list: finding nothing is not a failure, and only a person is told.
		if ios.IsStdoutTTY() {
			fmt.Fprintf(ios.ErrOut, "No %s pull requests in %s/%s\n", what, repo.Owner, repo.Name)
		}
		return nil
	}
	if ios.IsStdoutTTY() {
		fmt.Fprintf(ios.Out, "\nShowing %d of %d %s pull requests in %s/%s\n\n", len(pulls), total, what, repo.Owner, repo.Name)
	}
	return printTable(ios, pulls, f.Now(), false)
}

// ownPulls separates the pull requests whose head branch is in the repository from
// those opened from a fork. A hotfix is a branch ship pushed to the repository: a
// fork's pull request of the same label (or even of the same branch name) is
// someone else's change, which ship never acts on (github.ShipState skips it), so
// status does not list it among the hotfixes either.
func ownPulls(nodes []apiPull) (own, forks []apiPull) {
	own = nodes[:0:0]
	for _, n := range nodes {
		if n.IsCrossRepository {
			forks = append(forks, n)
		} else {
			own = append(own, n)
		}
	}
	return own, forks
}

// checkoutConfig is the configuration of the checkout when it is a clone of the
// repository, found true when it has the file; else the defaults. With --repo naming
// another repository, the checkout's settings are not that repository's.
func checkoutConfig(co command.Checkout) (cfg config.Config, found bool, err error) {
	if !co.InClone() {
		return config.Default(), false, nil
	}
	return config.Load(co.Root)
}

// apiPull is a pull request as status reads it.
type apiPull = github.LabelledPull

// pullLister is what listPulls needs of GitHub.
type pullLister interface {
	LabelledPulls(ctx context.Context, owner, name string, q github.LabelledPullsQuery) (*github.LabelledPulls, error)
}

// listPulls reads up to limit pull requests carrying label, newest first, and how
// many there are in all, with the default branch's config file when withConfig.
// Each page is one query; the number of pages is bounded by limit. Comments are
// only read when merged pull requests can be among the results.
func listPulls(ctx context.Context, gh pullLister, repo repository.Repository, label, state string, limit int, withConfig bool) ([]apiPull, int, *github.RemoteFile, error) {
	q := github.LabelledPullsQuery{Label: label, Limit: limit, WithComments: state != "open", CommentsLimit: markerComments}
	switch state {
	case "open":
		q.States = []string{"OPEN"}
	case "merged":
		q.States = []string{"MERGED"}
	} // all: every state, closed ones included, as gh pr list --state all
	if withConfig {
		q.ConfigPath = config.Path
	}
	res, err := gh.LabelledPulls(ctx, repo.Owner, repo.Name, q)
	if errors.Is(err, github.ErrRepositoryNotFound) {
		return nil, 0, nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it): check the name given to --repo or GH_REPO", repo.Owner, repo.Name)
	}
	if err != nil {
		return nil, 0, nil, fmt.Errorf("listing the hotfix pull requests of %s/%s: %w", repo.Owner, repo.Name, err)
	}
	return res.Pulls, res.Total, res.Config, nil
}

// runLister is what dispatchRuns needs of GitHub.
type runLister interface {
	RecentDispatchRuns(ctx context.Context, owner, name string, n int) ([]github.Run, error)
}

// dispatchRuns reads the repository's latest workflow_dispatch runs, by ID, in one request.
// A release older than the latest recentRuns dispatches is not among them: its status
// is then unknown.
func dispatchRuns(ctx context.Context, gh runLister, repo repository.Repository) (map[int64]github.Run, error) {
	list, err := gh.RecentDispatchRuns(ctx, repo.Owner, repo.Name, recentRuns)
	if err != nil {
		return nil, err
	}
	runs := make(map[int64]github.Run, len(list))
	for _, r := range list {
		runs[r.ID] = r
	}
	return runs, nil
}

// hotfixPull is one hotfix pull request as status reports it.
type hotfixPull struct {
	Repo       string // the repository, as "owner/name"
	Number     int
	Title      string
	State      string // OPEN, MERGED or CLOSED, as GitHub spells it
	IsDraft    bool
	URL        string
	Branch     string
	Base       string
	Author     string // login; "" for a deleted account
	Checks     string // the head commit's checks: passing, failing, pending or none
	Review     string // GitHub's reviewDecision (APPROVED, CHANGES_REQUESTED, REVIEW_REQUIRED); "" when none
	MergeState string // GitHub's mergeStateStatus (CLEAN, BLOCKED, ...) of an open pull request; "" otherwise
	// Of an open pull request: its place in the merge queue (nil: not queued),
	// whether auto-merge is on, and what blocks its merge, by name (blockers).
	Queue       *github.QueueEntry
	AutoMerge   bool
	BlockedBy   []string
	CreatedAt   time.Time
	MergedAt    *time.Time
	MergeCommit string
	Release     *releaseRun // nil when no release was started for the merge
	// The exceptional process: the hotfix tag of the release, and the forward-port to
	// the main line (nil for hotfixes of the standard path).
	Tag         string
	ForwardPort *forwardPort
	// exceptional: released by the hotfix workflow of the exceptional process,
	// with Tag, or by an adopted run whose tag is not known yet.
	exceptional bool
	// forwardNotNeeded: ship recorded on the pull request that the main line had
	// its changes already.
	forwardNotNeeded bool
}

// releaseRun is the release of a merged hotfix, as recorded by ship's marker comment,
// with the run's progress when it is known.
type releaseRun struct {
	Workflow   string
	RunID      int64  // 0 when ship decided to release but did not record the run
	URL        string // the run's page
	Status     string // queued, in_progress, completed, ...; "" when unknown
	Conclusion string // success, failure, cancelled, ... once completed
	// Gate says what a waiting run waits for ("waiting for hubot to approve
	// production"), read from its pending deployments; "" otherwise.
	Gate string
	// SupersededBy is the newer run of the workflow that took a cancelled
	// run's place (cancel-in-progress, or a pending run replaced in its
	// concurrency group); nil otherwise.
	SupersededBy *github.Run
	// Waiting are the pending deployments of a waiting run, known when
	// waitKnown (from the query's check suites, else a REST request).
	Waiting   []github.PendingDeployment
	waitKnown bool
}

// describeGate says in Gate what the release run waits for, when it waits and
// that is known.
func (p *hotfixPull) describeGate(now time.Time) {
	if r := p.Release; r != nil && r.Status == "waiting" && r.waitKnown {
		r.Gate = release.DescribeWait(r.Waiting, now)
	}
}

// exportWaiting is waitingOn in --json: per environment the release run waits
// on, who may approve it (users by login, teams as ORG/slug), when its wait
// timer ends (null without one) and whether the token's user may approve it;
// empty unless the run waits and what for is known.
func (p *hotfixPull) exportWaiting() []map[string]any {
	list := []map[string]any{}
	r := p.Release
	if r == nil || r.Status != "waiting" {
		return list
	}
	for _, d := range r.Waiting {
		var ends any
		if d.WaitTimer > 0 && d.WaitTimerStartedAt != nil {
			ends = d.WaitTimerStartedAt.Add(time.Duration(d.WaitTimer) * time.Minute).UTC()
		}
		list = append(list, map[string]any{"environment": d.Environment.Name, "reviewers": append([]string{}, release.Approvers(d)...),
			"waitTimerEndsAt": ends, "canApprove": d.CurrentUserCanApprove})
	}
	return list
}

func newHotfixPull(a *apiPull) hotfixPull {
	p := hotfixPull{Number: a.Number, Title: a.Title, State: a.State, IsDraft: a.IsDraft, URL: a.URL,
		Branch: a.HeadRefName, Base: a.BaseRefName, Review: a.ReviewDecision, CreatedAt: a.CreatedAt, MergedAt: a.MergedAt}
	if a.Author != nil {
		p.Author = a.Author.Login
	}
	if a.State == "OPEN" {
		p.MergeState = a.MergeStateStatus
		p.Queue, p.AutoMerge, p.BlockedBy = a.Queue(), a.AutoMerge(), blockers(a)
	}
	p.Checks = "none"
	if n := a.Commits.Nodes; len(n) > 0 && n[0].Commit.StatusCheckRollup != nil {
		p.Checks = checksWord(n[0].Commit.StatusCheckRollup.State)
	}
	if a.MergeCommit != nil {
		p.MergeCommit = a.MergeCommit.Oid
	}
	if a.State == "MERGED" && p.MergeCommit != "" {
		bodies := make([]string, len(a.Comments.Nodes))
		for i, c := range a.Comments.Nodes {
			bodies[i] = c.Body
		}
		p.forwardNotNeeded = hotfix.NotNeededRecorded(bodies, p.Number)
		if m, ok := releaseMarker(bodies, p.MergeCommit); ok {
			p.Release, p.Tag, p.exceptional = &releaseRun{Workflow: m.Workflow}, m.Tag, m.Tag != "" || m.TagByRun
			if m.State == "dispatched" {
				p.Release.RunID, p.Release.URL = m.RunID, m.RunURL
			}
			for _, cs := range a.MergeCommit.CheckSuites.Nodes {
				if cs.WorkflowRun != nil && cs.WorkflowRun.DatabaseID == m.RunID && m.RunID != 0 {
					p.Release.Status, p.Release.Conclusion = strings.ToLower(cs.Status), strings.ToLower(cs.Conclusion)
					if reqs := cs.WorkflowRun.PendingDeploymentRequests; reqs != nil {
						p.Release.Waiting, p.Release.waitKnown = nil, true
						for _, d := range reqs.Nodes {
							p.Release.Waiting = append(p.Release.Waiting, d.Pending())
						}
					}
				}
			}
		}
	}
	return p
}

// checksWord names a statusCheckRollup state.
func checksWord(state string) string {
	switch state {
	case "SUCCESS":
		return "passing"
	case "FAILURE", "ERROR":
		return "failing"
	case "PENDING", "EXPECTED":
		return "pending"
	}
	return strings.ToLower(state)
}

// releaseMarker finds the release of a merge among a pull request's comments (oldest
// first): the earliest marker for that merge commit, the one ship itself goes by.
func releaseMarker(comments []string, mergeSHA string) (hotfix.ReleaseMarker, bool) {
	for i := range comments {
		if m, ok := hotfix.ParseReleaseMarker(comments[i]); ok && m.MergeSHA == mergeSHA {
			return m, true
		}
	}
	return hotfix.ReleaseMarker{}, false
}

// addRun fills in the release run's progress from runs (by ID), when it is
// there. A run is the release of the merge only if its commit contains the merge
// (release.Merge, the rule ship goes by): a run found on the merge commit's check
// suites does; one at another commit is compared. A recorded run that is not the
// release leaves the hotfix "release not recorded", and why says what rules it out.
func (p *hotfixPull) addRun(ctx context.Context, runs map[int64]github.Run, contains release.Ancestry) (why string, err error) {
	r := p.Release
	if r == nil || r.RunID == 0 || r.Status != "" {
		return "", nil
	}
	run, ok := runs[r.RunID]
	if !ok {
		return "", nil
	}
	v, err := release.Merge{SHA: p.MergeCommit, Branch: p.Base}.Judge(ctx, run, contains)
	if err != nil {
		return "", err
	}
	if !v.Ours {
		r.RunID, r.URL = 0, ""
		return v.Why, nil
	}
	r.Status, r.Conclusion = run.Status, run.Conclusion
	if r.URL == "" {
		r.URL = run.HTMLURL
	}
	return "", nil
}

// export is the pull request as --json shows it.
func (p *hotfixPull) export() map[string]any {
	m := map[string]any{"number": p.Number, "title": p.Title, "state": p.State, "isDraft": p.IsDraft, "url": p.URL,
		"branch": p.Branch, "base": p.Base, "author": orNull(p.Author), "checks": p.Checks, "review": orNull(p.Review),
		"mergeable": orNull(p.MergeState), "queue": exportQueue(p.Queue), "blockedBy": append([]string{}, p.BlockedBy...),
		"autoMerge": p.AutoMerge, "mergedAt": nil, "mergeCommit": orNull(p.MergeCommit), "release": nil,
		"createdAt": p.CreatedAt, "tag": orNull(p.Tag), "forwardPort": p.ForwardPort.export(), "repository": p.Repo,
		"waitingOn": p.exportWaiting()}
	if p.MergedAt != nil {
		m["mergedAt"] = *p.MergedAt
	}
	if r := p.Release; r != nil {
		rel := map[string]any{"workflow": r.Workflow, "runId": nil, "url": orNull(r.URL),
			"status": orNull(r.Status), "conclusion": orNull(r.Conclusion)}
		if r.RunID != 0 {
			rel["runId"] = r.RunID
		}
		if n := r.SupersededBy; n != nil {
			rel["supersededBy"] = map[string]any{"runId": n.ID, "number": n.Number, "url": n.HTMLURL,
				"status": n.Status, "conclusion": orNull(n.Conclusion)}
		}
		m["release"] = rel
	}
	return m
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// tone says how a status reads at a glance: it picks the colour.
type tone int

const (
	neutral tone = iota
	good         // nothing to do
	waiting      // something is under way or needs a person
	bad          // something failed
)

// stateWord is the STATE column: GitHub's state, or DRAFT for an open draft.
func (p *hotfixPull) stateWord() string {
	if p.State == "OPEN" && p.IsDraft {
		return "DRAFT"
	}
	return p.State
}

// summary is the STATUS column: checks, review and mergeability of an open pull
// request, the release of a merged one.
func (p *hotfixPull) summary() (string, tone) {
	switch p.State {
	case "OPEN":
		return p.openSummary()
	case "MERGED":
		return p.withForwardPort(p.releaseSummary())
	}
	return "not merged", neutral
}

// openSummary says where an open pull request stands: its place in the merge
// queue once queued; else its checks, review and mergeability, where the
// checks failing or pending and the approvals missing that block it are named
// (blockers) instead of the general word, and whether auto-merge is on.
func (p *hotfixPull) openSummary() (string, tone) {
	if q := p.Queue; q != nil {
		if q.State == "UNMERGEABLE" {
			return q.Describe(), bad
		}
		return q.Describe(), waiting
	}
	t := neutral
	worse := func(to tone) {
		if to > t {
			t = to
		}
	}
	var parts, namedChecks []string
	namedReview := ""
	for _, b := range p.BlockedBy {
		switch {
		case strings.HasPrefix(b, "check "):
			namedChecks = append(namedChecks, b)
			if strings.HasSuffix(b, " failing") {
				worse(bad)
			} else {
				worse(waiting)
			}
		case strings.HasSuffix(b, " missing"):
			namedReview = b
			worse(waiting)
		}
	}
	switch {
	case len(namedChecks) > 0:
		parts = append(parts, namedChecks...)
	case p.Checks == "none":
		parts = append(parts, "no checks")
	case p.Checks == "failing":
		parts = append(parts, "checks failing")
		worse(bad)
	case p.Checks == "pending":
		parts = append(parts, "checks pending")
		worse(waiting)
	default:
		parts = append(parts, "checks "+p.Checks)
	}
	switch {
	case p.Review == "CHANGES_REQUESTED":
		parts = append(parts, "changes requested")
		worse(bad)
	case namedReview != "":
		parts = append(parts, namedReview)
	case p.Review == "APPROVED":
		parts = append(parts, "approved")
	case p.Review == "REVIEW_REQUIRED":
		parts = append(parts, "review required")
		worse(waiting)
	}
	switch p.MergeState {
	case "CLEAN", "HAS_HOOKS", "UNSTABLE": // UNSTABLE: failing checks that are not required
		parts = append(parts, "mergeable")
		worse(good)
	case "BLOCKED":
		// Named above when the checks or the approvals say why.
		if len(namedChecks) == 0 && namedReview == "" {
			parts = append(parts, "blocked")
		}
		worse(waiting)
	case "BEHIND":
		parts = append(parts, "behind base")
		worse(waiting)
	case "DIRTY":
		parts = append(parts, "conflicts")
		worse(bad)
	case "DRAFT":
		parts = append(parts, "draft")
	default:
		parts = append(parts, "mergeability unknown")
	}
	if p.AutoMerge {
		parts = append(parts, "auto-merge on")
	}
	return strings.Join(parts, ", "), t
}

func (p *hotfixPull) releaseSummary() (string, tone) {
	r := p.Release
	switch {
	case r == nil:
		return "not released", waiting
	case r.RunID == 0:
		return "release not recorded", waiting
	case r.Status == "":
		return "release started", neutral
	}
	if r.Gate != "" {
		return "release " + r.Gate, waiting
	}
	if n := r.SupersededBy; n != nil {
		word, _ := runWord(n.Status, n.Conclusion)
		return fmt.Sprintf("release cancelled, superseded by %s (%s)", release.RunName(*n), word), waiting
	}
	word, t := runWord(r.Status, r.Conclusion)
	return "release " + word, t
}

// runWord says where a release run is, from its status and conclusion: what
// follows "release" or "run" ("succeeded", "in progress", "timed out"…).
func runWord(status, conclusion string) (string, tone) {
	if status != "completed" {
		return strings.ReplaceAll(status, "_", " "), waiting
	}
	switch conclusion {
	case "success":
		return "succeeded", good
	case "failure", "startup_failure":
		return "failed", bad
	case "cancelled", "timed_out":
		return strings.ReplaceAll(conclusion, "_", " "), bad
	}
	return strings.ReplaceAll(conclusion, "_", " "), neutral
}

// printTable prints the pull requests with go-gh's table printer: aligned columns
// with a header and colour on a terminal, tab-separated lines otherwise. On a
// terminal too narrow for everything, the title, the branch and the status
// shrink together (fitColumns) rather than the title and the branch vanishing.
// withRepo adds a first column, REPO, for pull requests of several repositories.
func printTable(ios *iostreams.IOStreams, pulls []hotfixPull, now time.Time, withRepo bool) error {
	cs := ios.ColorScheme()
	tty := ios.IsStdoutTTY()
	type row struct{ repo, num, title, branch, state, summary, created string }
	rows := make([]row, len(pulls))
	tones := make([]tone, len(pulls))
	header := row{"REPO", "ID", "TITLE", "BRANCH", "STATE", "STATUS", "CREATED"}
	widest := func(col func(row) string) int {
		w := text.DisplayWidth(col(header))
		for _, r := range rows {
			w = max(w, text.DisplayWidth(col(r)))
		}
		return w
	}
	for i := range pulls {
		p := &pulls[i]
		r := row{repo: p.Repo, num: strconv.Itoa(p.Number), title: p.Title, branch: p.Branch, state: p.stateWord(),
			created: p.CreatedAt.UTC().Format(time.RFC3339)}
		r.summary, tones[i] = p.summary()
		if tty {
			r.num, r.created = "#"+r.num, text.RelativeTimeAgo(now, p.CreatedAt)
		}
		rows[i] = r
	}
	if tty {
		const gap = 2 // go-gh's column separator on a terminal
		fixed := widest(func(r row) string { return r.num }) + widest(func(r row) string { return r.state }) +
			widest(func(r row) string { return r.created }) + 5*gap
		if withRepo {
			fixed += widest(func(r row) string { return r.repo }) + gap
		}
		widths := func() []int {
			return fitColumns(ios.TerminalWidth()-fixed, []int{
				widest(func(r row) string { return r.summary }),
				widest(func(r row) string { return r.title }),
				widest(func(r row) string { return r.branch }),
			})
		}
		w := widths()
		if w[1] < widest(func(r row) string { return r.title }) {
			// Too narrow for the titles: every row is a hotfix, so the
			// "Hotfix: " that ship's titles start with is the first to go.
			for i := range rows {
				rows[i].title = withoutHotfixPrefix(rows[i].title)
			}
			w = widths()
		}
		for i := range rows {
			rows[i].summary = text.Truncate(w[0], rows[i].summary)
			rows[i].title = text.Truncate(w[1], rows[i].title)
			rows[i].branch = text.Truncate(w[2], rows[i].branch)
		}
	}

	tp := tableprinter.New(ios.Out, tty, ios.TerminalWidth())
	headers := []string{header.num, header.title, header.branch, header.state, header.summary, header.created}
	if withRepo {
		headers = append([]string{header.repo}, headers...)
	}
	tp.AddHeader(headers, tableprinter.WithColor(cs.Gray))
	toneColor := map[tone]func(string) string{good: cs.Green, waiting: cs.Yellow, bad: cs.Red}
	// Every field is already cut to its width: the printer cuts nothing more.
	whole := tableprinter.WithTruncate(nil)
	for i, r := range rows {
		stateColor := map[string]func(string) string{"OPEN": cs.Green, "DRAFT": cs.Gray, "MERGED": magenta(ios), "CLOSED": cs.Red}[r.state]
		if withRepo {
			tp.AddField(r.repo, whole, tableprinter.WithColor(cs.Bold))
		}
		tp.AddField(r.num, whole, tableprinter.WithColor(stateColor))
		tp.AddField(r.title, whole)
		tp.AddField(r.branch, whole)
		tp.AddField(r.state, whole, tableprinter.WithColor(stateColor))
		tp.AddField(r.summary, whole, tableprinter.WithColor(toneColor[tones[i]]))
		if tty {
			tp.AddField(r.created, whole, tableprinter.WithColor(cs.Gray))
		} else {
			tp.AddField(r.created, whole)
		}
		tp.EndRow()
	}
	return tp.Render()
}

// withoutHotfixPrefix is a title without the "Hotfix: " ship starts titles with.
func withoutHotfixPrefix(title string) string {
	if len(title) > len("hotfix:") && strings.EqualFold(title[:len("hotfix:")], "hotfix:") {
		if rest := strings.TrimSpace(title[len("hotfix:"):]); rest != "" {
			return rest
		}
	}
	return title
}

// fitColumns shares room characters among columns whose widest fields are
// widths, in order of importance: each gets what it needs when all fit;
// otherwise each first gets a few characters (at most what it needs), so none
// vanishes, and what is left goes to the columns in order of importance.
func fitColumns(room int, widths []int) []int {
	need := 0
	for _, w := range widths {
		need += w
	}
	if need <= room {
		return slices.Clone(widths)
	}
	floor := min(12, max(room/len(widths), 6))
	got := make([]int, len(widths))
	left := room
	for i, w := range widths {
		got[i] = min(w, floor)
		left -= got[i]
	}
	for i, w := range widths {
		add := max(min(w-got[i], left), 0)
		got[i] += add
		left -= add
	}
	return got
}

// magenta colours merged pull requests as gh does; the colour scheme has no magenta.
func magenta(ios *iostreams.IOStreams) func(string) string {
	return func(s string) string {
		if !ios.ColorEnabled() || s == "" {
			return s
		}
		return "\x1b[35m" + s + "\x1b[0m"
	}
}

// repoArg is " -R REPO" for a command a hint names when the user gave --repo, else
// "": in the clone, the command finds the repository as status did.
func repoArg(repoFlag string) string {
	if repoFlag == "" {
		return ""
	}
	return " -R " + repoFlag
}

// recentAllRuns is how many of the repository's latest runs (every workflow
// and event) are read, in one request, to find what superseded a cancelled
// release run.
const recentAllRuns = 100

// recentRunLister is what addSuperseders needs of GitHub.
type recentRunLister interface {
	RecentRuns(ctx context.Context, owner, name string, n int) ([]github.Run, error)
}

// addSuperseders finds, for each release run that ended cancelled, the newer
// run of the same workflow on the same branch that took its place
// (release.Superseder), and says what to do: whether that run releases the
// hotfix depends on whether its commit contains the merge, which ship
// answers (one compare) and which status does not ask, one per pull request.
// It costs one request, only when a release run is cancelled; a run older than
// the repository's latest recentAllRuns is left as cancelled.
func addSuperseders(ctx context.Context, ios *iostreams.IOStreams, gh recentRunLister, repo repository.Repository, pulls []hotfixPull, repoFlag string) {
	cancelled := false
	for i := range pulls {
		r := pulls[i].Release
		cancelled = cancelled || r != nil && r.RunID != 0 && r.Status == "completed" && r.Conclusion == "cancelled"
	}
	if !cancelled {
		return
	}
	runs, err := gh.RecentRuns(ctx, repo.Owner, repo.Name, recentAllRuns)
	if err != nil {
		fmt.Fprintf(ios.ErrOut, "%s could not read the latest runs of %s/%s, what superseded a cancelled release is unknown: %v\n",
			ios.ColorScheme().WarningIcon(), repo.Owner, repo.Name, err)
		return
	}
	byID := make(map[int64]github.Run, len(runs))
	for _, run := range runs {
		byID[run.ID] = run
	}
	for i := range pulls {
		p := &pulls[i]
		r := p.Release
		if r == nil || r.RunID == 0 || r.Status != "completed" || r.Conclusion != "cancelled" {
			continue
		}
		own, ok := byID[r.RunID]
		if !ok {
			continue
		}
		var same []github.Run
		for _, run := range runs {
			if run.Path == own.Path {
				same = append(same, run)
			}
		}
		newer := release.Superseder(same, own)
		if newer == nil {
			continue
		}
		r.SupersededBy = newer
		fmt.Fprintf(ios.ErrOut, "%s #%d's release run was cancelled, superseded by %s (%s): gh hotfix ship --branch %s%s says whether that run releases it (its commit contains the merge) or how to release it again\n",
			ios.ColorScheme().WarningIcon(), p.Number, release.RunName(*newer), newer.HTMLURL, p.Branch, repoArg(repoFlag))
	}
}
