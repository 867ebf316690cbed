package ship

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// runLookup is how long ship looks for a run it may already have dispatched
// before deciding it was never sent: runs appear in the API within seconds of a
// dispatch. GH_HOTFIX_RUN_LOOKUP_TIMEOUT (a Go duration) changes it, e.g. for a
// slow GitHub Enterprise Server.
func runLookup() (attempts int, interval time.Duration) {
	total := 30 * time.Second
	if d, err := time.ParseDuration(os.Getenv("GH_HOTFIX_RUN_LOOKUP_TIMEOUT")); err == nil && d >= 0 {
		total = d
	}
	interval = 2 * time.Second
	if total < 10*interval {
		interval = max(total/10, 10*time.Millisecond)
	}
	return int(total/interval) + 1, interval
}

// releaseOnce dispatches the release workflow for the merged hotfix, exactly once.
// How it knows: the release comment on the pull request (see hotfix.ReleaseMarker),
// posted before the dispatch and completed after it; when a run died between the
// two, the workflow's runs since the comment tell whether the dispatch went out.
func (s *shipper) releaseOnce(ctx context.Context) error {
	// What load read is current when the pull request was merged already; after a
	// wait, read again: the comments (another ship may have released meanwhile) and
	// the base's history now include the merge.
	if !s.opts.DryRun && !s.fresh {
		if err := s.reload(ctx); err != nil {
			return err
		}
	}
	mergeSHA := s.pr.MergeCommit
	if err := s.allComments(ctx); err != nil {
		return err
	}
	marker, found := findMarker(s.pr.Comments, mergeSHA)
	if found && marker.State == "dispatched" {
		if ours, err := s.adoptRecorded(ctx, marker); err != nil || ours {
			if err != nil {
				return err
			}
			if s.opts.Retry {
				return s.retry(ctx, &marker)
			}
			s.reportRecorded(marker)
			return s.checkLeftBehind(ctx, true)
		}
		marker.State = "dispatching" // the recorded run is not this merge's: find or start the real one
	}

	wf, inputs, err := s.releasePlan(ctx)
	if err != nil {
		return err
	}
	if !found {
		// Exactly once by what GitHub shows, not only by the comment: a release
		// run that already covers the merge (a push run of the release workflow,
		// a teammate's gh workflow run, a comment deleted) is adopted.
		if adopted, err := s.adoptFromGitHub(ctx, wf, mergeSHA); err != nil || adopted {
			return err
		}
	}
	if s.opts.Retry {
		return s.nothingToRetry()
	}
	s.whatShips(ctx, wf, mergeSHA)
	if s.alreadyIn != "" && !found {
		if !s.opts.Force {
			s.done("Already in release %s, made after #%d was merged: nothing to release (%s releases again)", s.alreadyIn, s.pr.Number, s.again(withForce))
			return nil
		}
		s.warn("The merge commit is already in release %s; releasing again because of --force", s.alreadyIn)
	}
	forced, err := s.gate(ctx, mergeSHA, found)
	if err != nil {
		return err
	}

	if s.opts.DryRun {
		fmt.Fprintf(s.ios.Out, "Would dispatch %s on %s with inputs %s, once, and comment on #%d with the run\n",
			wf.File(), s.base, formatInputs(inputs), s.pr.Number)
		return nil
	}

	if found { // "dispatching": a previous run stopped between the dispatch and recording it
		run, err := s.findRun(ctx, wf, marker)
		if err != nil {
			return err
		}
		if run != nil {
			return s.recordRun(ctx, &marker, run)
		}
		s.warn("A previous ship decided to release at %s but no run of %s containing the merge appeared: dispatching now", marker.Since.Format(time.RFC3339), wf.File())
	} else {
		marker = hotfix.ReleaseMarker{State: "dispatching", MergeSHA: mergeSHA, Workflow: wf.File(), Ref: s.base, Forced: forced}
		if err := s.postMarker(ctx, &marker); err != nil {
			return err
		}
		if winner, lost, err := s.lostRace(ctx, marker); err != nil {
			return err
		} else if lost {
			return s.followWinner(ctx, wf, winner)
		}
	}
	run, err := s.dispatch(ctx, wf, inputs, marker)
	var refused notDispatched
	if errors.As(err, &refused) {
		// GitHub refused the dispatch without acting: the release comment would
		// say "releasing" about nothing, and make the next ship look for a run
		// that cannot exist before dispatching. Taken back, the next ship starts
		// afresh at once.
		s.takeBack(ctx, marker)
	}
	if err != nil {
		return err
	}
	return s.recordRun(ctx, &marker, run)
}

// notDispatched is a dispatch GitHub refused without acting on it.
type notDispatched struct{ error }

func (e notDispatched) Unwrap() error { return e.error }

// takeBack deletes the release comment of a release that did not start. A
// failure leaves it; the next ship then looks for a run before dispatching.
func (s *shipper) takeBack(ctx context.Context, m hotfix.ReleaseMarker) {
	if m.CommentID == 0 {
		return
	}
	if err := s.gh.DeleteComment(ctx, s.repo.Owner, s.repo.Name, m.CommentID); err != nil {
		s.warn("Could not take back the release comment %d on #%d (%v): the next ship looks for a run before dispatching", m.CommentID, s.pr.Number, err)
	}
}

type releasePlan struct {
	wf     release.Workflow
	inputs map[string]string
}

// releasePlan finds the release workflow and checks the inputs from the config
// and --field against what it declares; the answer is kept for the run.
func (s *shipper) releasePlan(ctx context.Context) (release.Workflow, map[string]string, error) {
	if s.plan != nil {
		return s.plan.wf, s.plan.inputs, nil
	}
	name := s.opts.Workflow
	if name == "" {
		name = s.cfg.Release.Workflow
	}
	var wf release.Workflow
	var err error
	if s.state != nil && s.state.Workflows != nil {
		// The workflow files came with the first query.
		wf, err = release.FindIn(s.state.Workflows, s.repo.Owner, s.repo.Name, name)
	} else {
		wf, err = release.Find(ctx, s.gh, s.repo.Owner, s.repo.Name, s.base, name)
	}
	if err != nil {
		return release.Workflow{}, nil, err
	}
	given, origins := map[string]string{}, release.Origins{Of: map[string]string{}}
	for _, from := range []struct {
		inputs map[string]string
		origin string
	}{{s.cfg.Release.Inputs, ""}, {s.meta.Inputs, "-f of an earlier gh hotfix ship"}, {s.opts.Inputs, "-f"}} {
		for k, v := range from.inputs {
			given[k], origins.Of[k] = v, from.origin
		}
	}
	inputs, err := release.ValidateInputs(wf, given, origins)
	if err != nil {
		return release.Workflow{}, nil, err
	}
	s.plan = &releasePlan{wf: wf, inputs: inputs}
	return wf, inputs, nil
}

// allComments completes the pull request's comments when the thread is longer
// than the last 100 read with it: the release marker, the earliest comment of
// its kind, may be older than a bot's latest hundred. It costs a request per 100
// older comments, and nothing for a thread of up to 100.
func (s *shipper) allComments(ctx context.Context) error {
	if s.pr.CommentsBefore == "" {
		return nil
	}
	older, err := s.gh.EarlierComments(ctx, s.pr.ID, s.pr.CommentsBefore)
	if err != nil {
		return fmt.Errorf("reading the comments of #%d: %w", s.pr.Number, err)
	}
	s.pr.Comments, s.pr.CommentsBefore = append(older, s.pr.Comments...), ""
	return nil
}

// findMarker returns the earliest release marker for the merge commit: when two
// ships raced, the earliest comment is the one that dispatches. The decision's
// time is the comment's created_at, by GitHub's clock: the "since" written in the
// body was the local clock's when the comment was first posted, and may be off.
func findMarker(comments []github.Comment, mergeSHA string) (hotfix.ReleaseMarker, bool) {
	for i := range comments {
		if m, ok := hotfix.ParseReleaseMarker(comments[i].Body); ok && m.MergeSHA == mergeSHA {
			m.CommentID = comments[i].ID
			if !comments[i].CreatedAt.IsZero() {
				m.Since = comments[i].CreatedAt
			}
			return m, true
		}
	}
	return hotfix.ReleaseMarker{}, false
}

// lostRace re-reads the comments after posting ours: when two ships of the same
// hotfix run at once, both post a marker, and the earliest comment wins. The
// loser removes its own marker and never dispatches.
func (s *shipper) lostRace(ctx context.Context, mine hotfix.ReleaseMarker) (hotfix.ReleaseMarker, bool, error) {
	// postMarker read the comments as they were right after ours.
	first := mine
	for _, c := range s.pr.Comments {
		if m, ok := hotfix.ParseReleaseMarker(c.Body); ok && m.MergeSHA == mine.MergeSHA && c.ID < first.CommentID {
			m.CommentID = c.ID
			first = m
		}
	}
	if first.CommentID == mine.CommentID {
		return mine, false, nil
	}
	if err := s.gh.DeleteComment(ctx, s.repo.Owner, s.repo.Name, mine.CommentID); err != nil {
		s.warn("Could not remove the duplicate release comment %d: %v", mine.CommentID, err)
	}
	s.warn("Another gh hotfix ship is releasing this hotfix: following it instead of dispatching")
	return first, true, nil
}

// followWinner waits for the concurrent ship's run to be recorded or to appear.
func (s *shipper) followWinner(ctx context.Context, wf release.Workflow, winner hotfix.ReleaseMarker) error {
	attempts, interval := runLookup()
	line := s.newWaitLine()
	defer line.stop()
	for i := 0; i < attempts; i++ {
		if i == 1 {
			line.show(fmt.Sprintf("Waiting for the other ship to record its run on #%d (up to %s)…", s.pr.Number, time.Duration(attempts-1)*interval))
		}
		pr, err := s.gh.Pull(ctx, s.pr.ID)
		if err != nil {
			return err
		}
		if m, ok := findMarker(pr.Comments, winner.MergeSHA); ok && m.State == "dispatched" {
			ours, err := s.adoptRecorded(ctx, m)
			if err != nil {
				return err
			}
			if !ours {
				return fmt.Errorf("the other gh hotfix ship recorded run %d, which is not a release of this merge: run %s again to find or start the real one", m.RunID, s.again())
			}
			s.done("Release run: %s (started by the other ship)", m.RunURL)
			return nil
		}
		if i < attempts-1 {
			if err := github.Sleep(ctx, interval); err != nil {
				return s.interruptedOr(ctx, "the release run", err)
			}
		}
	}
	return fmt.Errorf("another gh hotfix ship started releasing this hotfix but has not recorded its run yet: run %s again later; it will not dispatch twice", s.again())
}

// postMarker posts the release comment before dispatching. Its creation time,
// by GitHub's clock, bounds the search for runs this release may have started;
// the local time written in the body is for readers only.
func (s *shipper) postMarker(ctx context.Context, m *hotfix.ReleaseMarker) error {
	m.Since = time.Now().UTC().Truncate(time.Second)
	posted, err := s.commentOnce(ctx, hotfix.ReleaseComment(*m), func() bool {
		found, ok := findMarker(s.pr.Comments, m.MergeSHA)
		if ok {
			*m = found
		}
		return ok
	})
	if err != nil {
		return fmt.Errorf("commenting on #%d before the release: %w", s.pr.Number, err)
	}
	if posted != nil {
		m.CommentID = posted.ID
		m.Since = posted.CreatedAt // zero when GitHub did not say: runs are then judged by their commit alone
	}
	return nil
}

// commentOnce posts body on the pull request at most twice, the second time
// only after reading the comments back proved the first did nothing: there
// says whether s.pr.Comments, as read back, hold the comment already. posted
// is nil when the read-back found it.
func (s *shipper) commentOnce(ctx context.Context, body string, there func() bool) (posted *github.PostedComment, err error) {
	for attempt := 1; attempt <= 2; attempt++ {
		if posted, err = s.gh.AddComment(ctx, s.pr.ID, body); err == nil {
			s.pr.Comments = posted.Comments
			return posted, nil
		}
		if !github.IsTransient(err) {
			break
		}
		pr, qerr := s.gh.Pull(ctx, s.pr.ID)
		if qerr != nil {
			break
		}
		s.pr.Comments = pr.Comments
		if there() {
			return nil, nil
		}
	}
	return nil, err
}

// dispatch sends the workflow_dispatch, asking GitHub for the run's details (on
// servers that do not return them, the run is found by listing). A dispatch is
// never sent twice blindly: after a lost answer ship looks for the run first.
func (s *shipper) dispatch(ctx context.Context, wf release.Workflow, inputs map[string]string, marker hotfix.ReleaseMarker) (*github.Run, error) {
	for attempt := 1; ; attempt++ {
		run, err := s.gh.DispatchWorkflow(ctx, s.repo.Owner, s.repo.Name, wf.File(), s.base, inputs)
		switch {
		case err == nil && run != nil:
			// The run GitHub names is ours by construction: it runs at the base's tip
			// as of the dispatch, and this run read the merge on the base before it.
			s.done("Dispatched %s on %s", wf.File(), s.base)
			return run, nil
		case err == nil:
			s.done("Dispatched %s on %s; looking for its run…", wf.File(), s.base)
		case github.IsTransient(err):
			s.warn("The dispatch of %s got no clear answer (%v): checking whether it went out…", wf.File(), err)
		case errors.Is(err, github.ErrWorkflowDisabled):
			return nil, notDispatched{disabledError(wf.File(), "disabled", s.repo, s.again())}
		case github.IsRefusal(err):
			return nil, notDispatched{fmt.Errorf("dispatching %s: %w", wf.File(), err)}
		default:
			return nil, fmt.Errorf("dispatching %s: %w", wf.File(), err)
		}
		run, ferr := s.findRun(ctx, wf, marker)
		switch {
		case ferr != nil:
			return nil, ferr
		case run != nil:
			return run, nil
		case err == nil:
			return nil, fmt.Errorf("%s was dispatched but its run did not appear: run %s again to record it", wf.File(), s.again())
		case attempt == 2:
			return nil, fmt.Errorf("could not tell whether %s was dispatched (%v): run %s again; it looks for the run before dispatching again", wf.File(), err, s.again())
		}
		// No run appeared in the lookup window: the dispatch did not go out.
		s.warn("No run of %s appeared: dispatching once more", wf.File())
	}
}

// findRun looks, for a bounded time, for the release run the decision recorded
// in marker may have started: a dispatch run of wf on the base, created since the
// release comment and containing the merge (release.Merge). Any other run, such as
// a teammate's release of an earlier commit started a moment before, is not ours.
func (s *shipper) findRun(ctx context.Context, wf release.Workflow, marker hotfix.ReleaseMarker) (*github.Run, error) {
	merge := s.mergeOf(marker, true)
	attempts, interval := runLookup()
	var rejected []string
	line := s.newWaitLine()
	defer line.stop()
	for i := 0; i < attempts; i++ {
		if i == 1 {
			// The run is not listed yet: say what the pause is for.
			line.show(fmt.Sprintf("Looking for the run of %s on %s (up to %s)…", wf.File(), s.base, time.Duration(attempts-1)*interval))
		}
		runs, err := s.gh.DispatchRuns(ctx, s.repo.Owner, s.repo.Name, wf.File(), s.base, merge.Decided)
		if err != nil {
			return nil, fmt.Errorf("looking for the release run: %w", err)
		}
		run, why, err := merge.First(ctx, runs, s.contains)
		if err != nil {
			return nil, fmt.Errorf("looking for the release run: %w", err)
		}
		if run != nil {
			return run, nil
		}
		if len(why) > len(rejected) {
			for _, w := range why[len(rejected):] {
				s.ios.Notice("Not this hotfix's release: " + w) // above the spinner, if any
			}
			rejected = why
		}
		if i < attempts-1 {
			if err := github.Sleep(ctx, interval); err != nil {
				return nil, s.interruptedOr(ctx, "the release run", err)
			}
		}
	}
	return nil, nil
}

// mergeOf is the merge whose release marker records the decision to release.
// A run found by listing must also be created since that decision; a run named
// by GitHub's answer to the dispatch, or by the record, is judged by its commit.
func (s *shipper) mergeOf(marker hotfix.ReleaseMarker, listed bool) release.Merge {
	m := release.Merge{SHA: marker.MergeSHA, Branch: s.base}
	if listed {
		m.Decided = marker.Since
	}
	if marker.Ref != "" {
		m.Branch = marker.Ref
	}
	// The base's tip read with the merge in its history contains it: a run there
	// needs no compare.
	if st := s.state; st != nil && len(st.BaseHistory) > 0 {
		for _, c := range st.BaseHistory {
			if c.SHA == marker.MergeSHA {
				m.Known = []string{st.BaseHistory[0].SHA}
				break
			}
		}
	}
	return m
}

// contains asks GitHub whether commit descendant contains commit ancestor.
func (s *shipper) contains(ctx context.Context, ancestor, descendant string) (bool, error) {
	return s.gh.Contains(ctx, s.repo.Owner, s.repo.Name, ancestor, descendant)
}

// adoptRecorded reads the run a release comment records and takes it as this
// hotfix's release only if it is one (release.Merge: on the base, at a commit
// containing the merge). A comment can name another run: written by
// hand, or by an older gh hotfix that took a teammate's earlier run for its own.
// ours is false then, and the caller finds or starts the real release. The read
// is the one the summary and --watch need anyway.
func (s *shipper) adoptRecorded(ctx context.Context, m hotfix.ReleaseMarker) (ours bool, err error) {
	poller := s.gh.RunPoller(s.repo.Owner, s.repo.Name, m.RunID)
	var run github.Run
	if _, err := poller.Poll(ctx, &run); err != nil {
		if github.IsNotFound(err) {
			// Deleted from the Actions tab: what it released cannot be read back, and
			// releasing again could ship twice. The record stands.
			s.warn("The release run %s recorded on #%d no longer exists on GitHub", m.RunURL, s.pr.Number)
			s.release = &m
			return true, nil
		}
		return false, fmt.Errorf("reading the recorded release run %s: %w", m.RunURL, err)
	}
	v, err := s.mergeOf(m, false).Judge(ctx, run, s.contains)
	if err != nil {
		return false, err
	}
	if !v.Ours {
		s.warn("The release comment on #%d names %s, but %s: looking for this hotfix's own release", s.pr.Number, m.RunURL, v.Why)
		return false, nil
	}
	s.release, s.runInfo, s.runPoller = &m, &run, poller
	return true, nil
}

// interruptedOr is interrupted's error for a pause that ended with err, else err.
func (s *shipper) interruptedOr(ctx context.Context, what string, err error) error {
	if ierr := s.interrupted(ctx, what); ierr != nil {
		return ierr
	}
	return err
}

// recordRun completes the release comment with the run: from now on any ship
// knows this hotfix is released.
func (s *shipper) recordRun(ctx context.Context, m *hotfix.ReleaseMarker, run *github.Run) error {
	m.State, m.RunID, m.RunURL = "dispatched", run.ID, run.HTMLURL
	if m.RunURL == "" {
		m.RunURL = fmt.Sprintf("%s/actions/runs/%d", strings.TrimSuffix(strings.SplitN(s.pr.URL, "/pull/", 2)[0], "/"), run.ID)
	}
	s.release = m
	if err := s.editMarker(ctx, m); err != nil {
		return fmt.Errorf("recording the release run %s on #%d: %w; run %s again to record it (it will not dispatch again)", m.RunURL, s.pr.Number, err, s.again())
	}
	s.done("Release run: %s (commented on #%d)", m.RunURL, s.pr.Number)
	// Just dispatched: the run is queued; --watch follows it from there.
	s.runInfo = &github.Run{ID: run.ID, HTMLURL: m.RunURL, Status: "queued"}
	return nil
}

// editMarker writes the marker into the release comment that holds it (an
// edit, the same however often it is sent).
func (s *shipper) editMarker(ctx context.Context, m *hotfix.ReleaseMarker) error {
	return s.gh.EditComment(ctx, s.repo.Owner, s.repo.Name, m.CommentID, hotfix.ReleaseComment(*m))
}

func formatInputs(inputs map[string]string) string {
	if len(inputs) == 0 {
		return "(none)"
	}
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + inputs[k]
	}
	return strings.Join(parts, " ")
}

// whatShips shows the commits the release will carry: everything on the base
// since the last release, warning when that is more than the hotfix.
func (s *shipper) whatShips(ctx context.Context, wf release.Workflow, mergeSHA string) {
	if s.whatShipsFromState(mergeSHA) {
		return
	}
	since, label := s.lastRelease(ctx, wf)
	if since == "" {
		s.warn("No earlier release found: everything on %s up to %s will ship", s.base, short(mergeSHA))
		return
	}
	var cmp struct {
		Status  string `json:"status"`
		AheadBy int    `json:"ahead_by"`
		Commits []struct {
			SHA    string `json:"sha"`
			Commit struct {
				Message string `json:"message"`
			} `json:"commit"`
		} `json:"commits"`
	}
	if err := s.gh.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/compare/%s...%s", s.repo.Owner, s.repo.Name, url.PathEscape(since), mergeSHA), nil, &cmp); err != nil {
		s.warn("Could not list what will ship since %s: %v", label, err)
		return
	}
	if (cmp.Status == "behind" || cmp.Status == "identical") && strings.HasPrefix(label, "release ") {
		// GitHub compares by the graph: the merge commit is in the release.
		s.alreadyIn = strings.TrimPrefix(label, "release ")
		return
	}
	ours := map[string]bool{mergeSHA: true}
	var prCommits []struct {
		SHA string `json:"sha"`
	}
	if err := s.gh.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/pulls/%d/commits?per_page=100", s.repo.Owner, s.repo.Name, s.pr.Number), nil, &prCommits); err == nil {
		for _, c := range prCommits {
			ours[c.SHA] = true
		}
	}
	s.progress("What will ship (%s since %s):", plural(cmp.AheadBy, "commit"), label)
	var others []string
	for _, c := range cmp.Commits {
		line := fmt.Sprintf("  %s %s", short(c.SHA), strings.SplitN(c.Commit.Message, "\n", 2)[0])
		s.progress("%s", line)
		if !ours[c.SHA] {
			others = append(others, short(c.SHA))
		}
	}
	if len(others) > 0 {
		s.warn("%s besides the hotfix will ship with it (%s): make sure they are releasable", plural(len(others), "commit"), strings.Join(others, ", "))
	}
}

// whatShipsFromState shows what will ship from what the first query read: the
// base's history back to the latest release's commit and the PR's own commits.
// It reports false when that is not enough (no release, or older than the history
// read), and the REST way is taken.
func (s *shipper) whatShipsFromState(mergeSHA string) bool {
	st := s.state
	if st == nil || st.LatestReleaseSHA == "" || len(st.BaseHistory) == 0 {
		return false
	}
	// By the graph, not by dates: what the base's tip (which the dispatch
	// releases) has and the latest release lacks.
	since, in, complete := github.ShipsSince(st.BaseHistory, st.BaseHistory[0].SHA, st.LatestReleaseSHA)
	if !complete {
		return false
	}
	if in || s.inRelease(st.BaseHistory, mergeSHA, st.LatestReleaseSHA) {
		s.alreadyIn = st.LatestReleaseTag
		return true
	}
	// Only what the tip being released contains: the history is read at the base's tip.
	ours := map[string]bool{mergeSHA: true}
	for _, c := range s.pr.Commits {
		ours[c] = true
	}
	s.progress("What will ship (%s since release %s):", plural(len(since), "commit"), st.LatestReleaseTag)
	var others []string
	for i := len(since) - 1; i >= 0; i-- {
		c := since[i]
		s.progress("  %s %s", short(c.SHA), c.Headline)
		if !ours[c.SHA] {
			others = append(others, short(c.SHA))
		}
	}
	if len(others) > 0 {
		s.warn("%s besides the hotfix will ship with it (%s): make sure they are releasable", plural(len(others), "commit"), strings.Join(others, ", "))
	}
	return true
}

// inRelease reports whether the merge commit is in the release's ancestry, as
// far as history read goes.
func (s *shipper) inRelease(history []github.HistoryCommit, mergeSHA, releaseSHA string) bool {
	_, in, complete := github.ShipsSince(history, mergeSHA, releaseSHA)
	return in && complete
}

// lastRelease is the latest release's tag, else the commit of the last
// successful run of the release workflow.
func (s *shipper) lastRelease(ctx context.Context, wf release.Workflow) (rev, label string) {
	if tag, err := s.gh.LatestReleaseTag(ctx, s.repo.Owner, s.repo.Name); err == nil && tag != "" {
		return tag, "release " + tag
	}
	if run, err := s.gh.LastSuccessfulRun(ctx, s.repo.Owner, s.repo.Name, wf.File(), s.base); err == nil && run != nil {
		return run.HeadSHA, "the last successful release run (" + short(run.HeadSHA) + ")"
	}
	return "", ""
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// checkEnabled refuses, before anything changes, a release workflow GitHub would
// refuse to dispatch because it is disabled (the Actions tab's "Disable workflow",
// or 60 days without activity): found after the merge, the fix would sit on the
// base unreleased. One request, made only when this run goes on to merge and
// release; after a merge made elsewhere the dispatch's own 422 says the same, and
// the release comment posted before it is taken back (see releaseOnce).
func (s *shipper) checkEnabled(ctx context.Context, wf release.Workflow) error {
	state, err := s.gh.WorkflowState(ctx, s.repo.Owner, s.repo.Name, wf.File())
	switch {
	case github.IsNotFound(err):
		// On the base but unknown to Actions (GitHub registers a workflow when it is
		// pushed to the default branch): the dispatch would answer 404.
		return fmt.Errorf("GitHub Actions does not know %s in %s/%s: a workflow can be dispatched once it is on the default branch; check gh workflow list -R %s/%s/%s",
			wf.File(), s.repo.Owner, s.repo.Name, s.repo.Host, s.repo.Owner, s.repo.Name)
	case err != nil:
		return fmt.Errorf("reading the state of %s: %w", wf.File(), err)
	case strings.HasPrefix(state, "disabled"):
		return disabledError(wf.File(), state, s.repo, s.again())
	}
	return nil
}

// disabledError says that a workflow is disabled and how to enable it.
func disabledError(file, state string, repo repository.Repository, again string) error {
	why := "disabled"
	switch state {
	case "disabled_inactivity":
		why = "disabled for inactivity"
	case "disabled_manually":
		why = "disabled in the Actions tab"
	case "disabled_fork":
		why = "disabled, as workflows of a fork are until enabled"
	}
	return fmt.Errorf("%s is %s in %s/%s: enable it (gh workflow enable %s -R %s/%s/%s), then run %s again",
		file, why, repo.Owner, repo.Name, file, repo.Host, repo.Owner, repo.Name, again)
}
