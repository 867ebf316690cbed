package ship

import (
	"context"
	"fmt"
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
func (s *shipper) whatShips(ctx context.Context, workflow, mergeSHA string) {
	if s.whatShipsFromState(mergeSHA) {
		return
	}
	since, label := s.lastRelease(ctx, workflow)
	if since == "" {
		s.warn("No earlier release found: everything on %s up to %s will ship", s.base, short(mergeSHA))
		return
	}
	if status := s.whatShipsSince(ctx, since, "since "+label, mergeSHA); (status == "behind" || status == "identical") && strings.HasPrefix(label, "release ") {
		// GitHub compares by the graph: the merge commit is in the release.
		s.alreadyIn = strings.TrimPrefix(label, "release ")
	}
}

// whatShipsSince lists the commits from since to the merge (GitHub's compare)
// under "What will ship (N commits <what>):", warning about those that are not
// the hotfix's own (besidesHotfix). It returns the comparison's status; a
// merge already in since ("behind", "identical") lists nothing.
func (s *shipper) whatShipsSince(ctx context.Context, since, what, mergeSHA string) string {
	cmp, err := s.gh.Compare(ctx, s.repo.Owner, s.repo.Name, since, mergeSHA)
	if err != nil {
		s.warn("Could not list what will ship %s: %v", what, err)
		return ""
	}
	if cmp.Status == "behind" || cmp.Status == "identical" {
		return cmp.Status
	}
	var prCommits []github.PullCommit
	if len(cmp.Commits) > 1 {
		if prCommits, err = s.gh.PullCommits(ctx, s.repo.Owner, s.repo.Name, s.pr.Number); err != nil {
			prCommits = nil
		}
	}
	s.progress("What will ship (%s %s):", plural(cmp.AheadBy, "commit"), what)
	for _, c := range cmp.Commits {
		s.progress("  %s %s", short(c.SHA), c.Headline())
	}
	if others := besidesHotfix(cmp.Commits, prCommits, mergeSHA, s.pr.HeadRefOid); len(others) > 0 {
		s.warn("%s besides the hotfix will ship with it (%s): make sure they are releasable", plural(len(others), "commit"), strings.Join(others, ", "))
	}
	return cmp.Status
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
func (s *shipper) lastRelease(ctx context.Context, workflow string) (rev, label string) {
	if tag, err := s.gh.LatestReleaseTag(ctx, s.repo.Owner, s.repo.Name); err == nil && tag != "" {
		return tag, "release " + tag
	}
	if run, err := s.gh.LastSuccessfulRun(ctx, s.repo.Owner, s.repo.Name, workflow, s.base); err == nil && run != nil {
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
