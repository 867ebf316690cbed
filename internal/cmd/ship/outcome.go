package ship

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// releaseFailedError is a release run that finished without succeeding. ship
// prints its result (--json included) first, then this line, and exits 1.
type releaseFailedError struct {
	url, conclusion string
	runID           int64
	jobs            []github.FailedJob
	repo            string // HOST/OWNER/REPO
	retry           string // the ship command that re-runs the failed jobs
	// retag is the ship command that releases the hotfix under the next free
	// tag, when the run's tag was taken by another release meanwhile.
	tag, retag string
	// supersededBy is the newer run of the workflow that took the cancelled
	// run's place, when it does not contain the merge.
	supersededBy *github.Run
	merge        string
}

func (e *releaseFailedError) Error() string {
	if r := e.supersededBy; r != nil {
		return fmt.Sprintf("the release run was cancelled, superseded by %s (%s), which does not contain the merge %s: %s: release the hotfix again with %s (it re-runs the cancelled run, whose commit contains the merge)",
			release.RunName(*r), r.HTMLURL, short(e.merge), e.url, e.retry)
	}
	if e.retag != "" {
		return fmt.Sprintf("the release run failed (%s): %s: its tag %s was created meanwhile by another release, without this hotfix, so no re-run can release it: release it under the next free tag with %s",
			e.conclusion, e.url, e.tag, e.retag)
	}
	what := e.conclusion
	if len(e.jobs) > 0 {
		j := e.jobs[0]
		what += fmt.Sprintf(", job %q", j.Name)
		if j.Step != "" {
			what += fmt.Sprintf(" at step %q", j.Step)
		}
		if len(e.jobs) > 1 {
			what += fmt.Sprintf(" and %d more", len(e.jobs)-1)
		}
	}
	return fmt.Sprintf("the release run failed (%s): %s: read why with gh run view %d --log-failed -R %s, fix what it needs, then re-run its failed jobs with %s (it never dispatches a second release)",
		what, e.url, e.runID, e.repo, e.retry)
}

// reportRecorded reports, on a re-run, the release run the comment records:
// succeeded or still running; a failed one is left to releaseOutcome, which
// says it once the result is printed. The run was read when it was adopted.
func (s *shipper) reportRecorded(m hotfix.ReleaseMarker) {
	run := s.runInfo
	label := "Already released"
	if m.Tag != "" {
		label += " " + m.Tag
	}
	switch {
	case run == nil: // the run was deleted from the Actions tab: the record stands
		s.done("%s: %s", label, m.RunURL)
	case run.Succeeded():
		s.done("%s: %s (the run succeeded)", label, m.RunURL)
	case run.Failed():
		// The failure is said once the result is printed (releaseOutcome).
	default:
		s.done("Release already started: %s (the run is %s)", m.RunURL, strings.ReplaceAll(run.Status, "_", " "))
	}
}

// releaseOutcome turns a release run that finished without succeeding into
// the command's failure, naming the failed job. Runs still going are not
// failures: ship without --watch reports the start of a release.
func (s *shipper) releaseOutcome(ctx context.Context) error {
	if s.release == nil || s.release.RunID == 0 || s.runInfo == nil || !s.runInfo.Failed() {
		return nil
	}
	e := &releaseFailedError{url: s.release.RunURL, conclusion: s.runInfo.Conclusion, runID: s.release.RunID,
		repo: s.repo.Host + "/" + s.repo.Owner + "/" + s.repo.Name, retry: s.again(withRetry)}
	if s.runInfo.Conclusion == "cancelled" {
		newer, ours, err := s.superseded(ctx)
		switch {
		case err != nil:
			s.warn("Could not tell whether a newer release run took the cancelled one's place: %v", err)
		case newer != nil && ours:
			s.done("Release run cancelled, superseded by %s (%s), which contains the merge %s: the hotfix is released by that run (follow it with gh run watch %d -R %s)",
				release.RunName(*newer), newer.HTMLURL, short(s.release.MergeSHA), newer.ID, e.repo)
			return nil
		case newer != nil:
			e.supersededBy, e.merge = newer, s.release.MergeSHA
			return e
		}
	}
	// One request, on the failure path only: which job failed, and where.
	if jobs, err := s.gh.FailedJobs(ctx, s.repo.Owner, s.repo.Name, s.release.RunID); err == nil {
		e.jobs = jobs
	}
	// A hotfix tag another release took meanwhile: re-running cannot help.
	if s.isExceptional() && s.release.Tag != "" && s.pr != nil {
		if next, taken, err := s.tagTaken(ctx, s.release); err == nil && taken {
			e.tag, e.retag = s.release.Tag, s.again(withTag(next))
		}
	}
	return e
}

// retry re-runs the failed jobs of the recorded release run, records the new
// attempt in the release comment, and leaves it for --watch to follow. It never
// dispatches: the run already released this merge, or tried to.
func (s *shipper) retry(ctx context.Context, m *hotfix.ReleaseMarker) error {
	run := s.runInfo
	switch {
	case run == nil:
		return fmt.Errorf("the release run %s recorded on #%d no longer exists on GitHub: nothing to re-run; dispatch the release workflow by hand if it must run again", m.RunURL, s.pr.Number)
	case run.Succeeded():
		s.done("Already released: %s (the run succeeded): nothing to retry", m.RunURL)
		return nil
	case !run.Failed():
		if run.RunAttempt > max(m.Attempt, 1) {
			// A --retry stopped after GitHub started the attempt: record it.
			return s.recordAttempt(ctx, m, *run)
		}
		return fmt.Errorf("the release run %s is still %s: nothing to retry; follow it with %s",
			m.RunURL, strings.ReplaceAll(run.Status, "_", " "), s.again(withWatch))
	}
	before := max(run.RunAttempt, 1)
	var err error
	// At most two requests, the second only after the run showed the first did nothing.
	for try := 1; try <= 2; try++ {
		err = s.gh.RerunFailedJobs(ctx, s.repo.Owner, s.repo.Name, m.RunID)
		if err == nil {
			return s.recordAttempt(ctx, m, github.Run{ID: m.RunID, HTMLURL: m.RunURL, Status: "queued", RunAttempt: before + 1})
		}
		var he *api.HTTPError
		if !github.IsTransient(err) && !(errors.As(err, &he) && he.StatusCode == http.StatusForbidden) {
			break
		}
		// A lost answer, or "already running" from a concurrent --retry: what
		// GitHub did is on the run.
		var now github.Run
		if _, rerr := s.gh.RunPoller(s.repo.Owner, s.repo.Name, m.RunID).Poll(ctx, &now); rerr != nil {
			break
		} else if now.RunAttempt > before {
			return s.recordAttempt(ctx, m, now)
		} else if !now.Failed() {
			break
		}
		if try == 1 && github.IsTransient(err) {
			s.warn("Re-running the failed jobs got no clear answer (%v), and the run shows no new attempt: asking once more", err)
		}
		if he != nil && he.StatusCode == http.StatusForbidden {
			break // refused as such (e.g. a run older than GitHub allows re-running)
		}
	}
	return fmt.Errorf("re-running the failed jobs of %s: %w; run %s again (it re-runs a run once)", m.RunURL, err, s.again(withRetry))
}

// recordAttempt writes the new attempt into the release comment and makes it
// the run ship reports and follows.
func (s *shipper) recordAttempt(ctx context.Context, m *hotfix.ReleaseMarker, run github.Run) error {
	m.Attempt = run.RunAttempt
	s.release = m
	s.runInfo, s.runPoller = &run, nil
	if err := s.editMarker(ctx, m); err != nil {
		s.warn("Could not record attempt %d on #%d: %v", m.Attempt, s.pr.Number, err)
	}
	s.done("Re-running the failed jobs of the release run (attempt %d): %s", m.Attempt, m.RunURL)
	return nil
}

// leftBehind lists the commits of the local hotfix branch that its merged pull
// request does not have (made after the last push, or after the merge): they
// would not ship with this release. Only git is asked; a head GitHub has that
// this clone lacks means the clone has nothing newer.
func (s *shipper) leftBehind(ctx context.Context) ([]string, error) {
	tip, head := s.refs["refs/heads/"+s.branch], s.pr.HeadRefOid
	if tip == "" || head == "" || tip == head {
		return nil, nil
	}
	if ok, err := s.g.HasCommit(ctx, head); err != nil || !ok {
		return nil, err
	}
	return s.g.Log(ctx, head+".."+tip, "%h %s")
}

// checkLeftBehind refuses to release while local commits of the hotfix branch
// are not in the merged pull request, before anything is dispatched: they would
// be silently left out. --force releases what was merged; the rest is a new
// hotfix. After the release, it only warns.
func (s *shipper) checkLeftBehind(ctx context.Context, released bool) error {
	commits, err := s.leftBehind(ctx)
	if err != nil || len(commits) == 0 {
		return err
	}
	list := "\n    " + strings.Join(commits, "\n    ")
	n := plural(len(commits), "commit")
	switch {
	case released:
		s.warn("%s on %s %s not in the release (made after #%d was merged):%s\n  ship them as a new hotfix: gh hotfix create", n, s.branch, isAre(len(commits)), s.pr.Number, list)
		return nil
	case s.opts.Force:
		s.warn("Releasing what #%d merged; left out because of --force: %s on %s:%s", s.pr.Number, n, s.branch, list)
		return nil
	}
	s.warn("%s on %s %s not in the merged #%d:%s", n, s.branch, isAre(len(commits)), s.pr.Number, list)
	return fmt.Errorf("%s on %s would not ship with this release (#%d was merged without %s): release what was merged with %s, and carry the rest as a new hotfix with gh hotfix create",
		n, s.branch, s.pr.Number, them(len(commits)), s.again(withForce))
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// checkMergeCommit keeps main releasable: failing checks on the merge commit
// refuse the release before anything is dispatched, naming them (--force
// releases anyway, and the release comment says so); checks still running are
// shown, and waited for with --wait-checks (or release.wait_checks). The base's
// tip came with the state: when it is the merge commit this costs nothing,
// otherwise one query. It returns the failing checks --force overrode.
func (s *shipper) checkMergeCommit(ctx context.Context, mergeSHA string) ([]string, error) {
	if mergeSHA == "" {
		return nil, nil
	}
	var checks github.Checks
	if s.state != nil && s.state.BaseChecks.SHA == mergeSHA {
		checks = s.state.BaseChecks
	} else {
		var err error
		if checks, err = s.gh.CommitChecks(ctx, s.repo.Owner, s.repo.Name, mergeSHA); err != nil {
			return nil, fmt.Errorf("reading the checks of the merge commit %s: %w", short(mergeSHA), err)
		}
	}
	// The release workflow's own runs report checks too: a failed earlier
	// release is no reason to hold this one back.
	checks, _ = checks.Without(s.ownRuns())
	if len(checks.Pending) > 0 && checks.Releasable() {
		if !s.opts.WaitChecks && !s.cfg.Release.WaitChecks {
			s.warn("Checks still running on the merge commit %s: %s (releasing now; --wait-checks waits for them)", short(mergeSHA), strings.Join(checks.Pending, ", "))
		} else if !s.opts.DryRun {
			line := s.newWaitLine()
			line.show(fmt.Sprintf("Waiting for the checks on the merge commit %s: %s", short(mergeSHA), waitStatus(github.WaitState{Checks: checks})))
			err := s.poll(ctx, "the checks of the merge commit", func() (bool, bool, error) {
				c, err := s.gh.CommitChecks(ctx, s.repo.Owner, s.repo.Name, mergeSHA)
				if err != nil {
					return false, false, err
				}
				c, _ = c.Without(s.ownRuns())
				changed := len(c.Pending) != len(checks.Pending) || len(c.Failing) != len(checks.Failing)
				checks = c
				if len(c.Pending) > 0 && c.Releasable() {
					line.show(fmt.Sprintf("Waiting for the checks on the merge commit %s: %s", short(mergeSHA), waitStatus(github.WaitState{Checks: c})))
				}
				return len(c.Pending) == 0 || !c.Releasable(), changed, nil
			})
			line.stop()
			if err != nil {
				return nil, err
			}
			if checks.Releasable() {
				s.done("Checks passed on the merge commit %s", short(mergeSHA))
			}
		}
	}
	if checks.Releasable() {
		return nil, nil
	}
	failing := checks.Failing
	if len(failing) == 0 {
		failing = []string{strings.ToLower(checks.State)}
	}
	if s.opts.Force {
		s.warn("Releasing despite failing checks on the merge commit %s because of --force: %s", short(mergeSHA), strings.Join(failing, ", "))
		return failing, nil
	}
	return nil, fmt.Errorf("the merge commit %s of #%d has failing checks (%s): %s would not be releasable; fix it with a new hotfix, re-run the checks, or release anyway with %s (the release comment says so)",
		short(mergeSHA), s.pr.Number, strings.Join(failing, ", "), s.base, s.again(withForce))
}

// ownRuns matches the workflows whose runs are releases (see release.OwnRuns).
func (s *shipper) ownRuns() func(string) bool {
	rel := s.opts.Workflow
	if rel == "" {
		rel = s.cfg.Release.Workflow
	}
	return release.OwnRuns(rel, s.cfg.Exceptional.Workflow)
}

// adoptFromGitHub looks, before any dispatch, for a run of the release workflow
// on the base that already covers the merge: at the merge commit or a commit
// after it on the base, whoever started it and however (a push run, a
// dispatch by hand). The runs on the base's last commits came with the first
// query, so this costs nothing when the merge is recent; an older merge costs
// one listing of the workflow's runs. A run found is recorded in a release
// comment, reported and followed as if ship had dispatched it. On the
// exceptional path the base is the maintenance branch and wf the hotfix
// workflow; the run's tag is recorded once the run created it (adoptedTag).
func (s *shipper) adoptFromGitHub(ctx context.Context, wf release.Workflow, mergeSHA string) (bool, error) {
	run, marker, what, err := s.adoptable(ctx, wf, mergeSHA)
	if err != nil || run == nil {
		return false, err
	}
	proto := s.protocol()
	if winner, lost, err := proto.Claim(ctx, &marker); err != nil {
		return false, err
	} else if lost {
		out, err := proto.Follow(ctx, winner, s.adoptRecorded)
		return true, s.dispatched(wf.File(), out, err)
	}
	s.release, s.runInfo = &marker, run
	s.done("Release run already on GitHub: %s: recorded on #%d, nothing dispatched", what, s.pr.Number)
	if s.opts.Retry {
		return true, s.retry(ctx, &marker)
	}
	return true, nil
}

// adoptable is the run adoptFromGitHub would adopt (nil when none), with the
// record it would post and what it is, in words. It only reads.
func (s *shipper) adoptable(ctx context.Context, wf release.Workflow, mergeSHA string) (*github.Run, hotfix.ReleaseMarker, string, error) {
	var none hotfix.ReleaseMarker
	if s.state == nil || mergeSHA == "" {
		return nil, none, "", nil
	}
	runs, ok := s.state.RunsCovering(wf.Path, s.base, mergeSHA)
	if !ok {
		// Not among the base's last commits: list the workflow's runs on the base
		// since the merge, by GitHub's clock, and keep those containing it.
		var since time.Time
		if s.pr.MergedAt != nil {
			since = *s.pr.MergedAt
		}
		listed, err := s.gh.WorkflowRuns(ctx, s.repo.Owner, s.repo.Name, wf.File(), s.base, since)
		if err != nil {
			return nil, none, "", fmt.Errorf("looking for a release run of the merge: %w", err)
		}
		merge := s.mergeOf(hotfix.ReleaseMarker{MergeSHA: mergeSHA, Ref: s.base, Since: since}, true)
		for i := len(listed) - 1; i >= 0; i-- { // oldest first
			v, err := merge.Judge(ctx, listed[i], s.contains)
			if err != nil {
				return nil, none, "", err
			}
			if v.Ours {
				runs = append(runs, listed[i])
			}
		}
	}
	if len(runs) == 0 {
		return nil, none, "", nil
	}
	run := runs[0]
	for _, r := range runs[1:] {
		if r.CreatedAt.Before(run.CreatedAt) {
			run = r
		}
	}
	by := "a " + strings.ReplaceAll(run.Event, "_", " ") + " run"
	marker := hotfix.ReleaseMarker{State: "dispatched", MergeSHA: mergeSHA, Workflow: wf.File(), Ref: s.base,
		RunID: run.ID, RunURL: run.HTMLURL, Adopted: run.Event}
	tagNote := ""
	if s.isExceptional() {
		tag, err := s.adoptedTag(ctx, run)
		if err != nil {
			return nil, none, "", err
		}
		marker.Tag, marker.TagByRun = tag, true
		tagNote = ", hotfix tag " + tag
		if tag == "" {
			tagNote = ", hotfix tag decided by that run"
		}
	}
	return &run, marker, fmt.Sprintf("%s (%s of %s containing the merge%s)", run.HTMLURL, by, wf.File(), tagNote), nil
}

// gate is what must hold before a release is decided: no local commits left
// out of the merge, and a merge commit without failing checks. A release
// already decided (found: a release comment exists) is not gated on the
// checks: the dispatch may have gone out, and its own run's checks are on the
// merge commit. It returns the failing checks --force overrode.
func (s *shipper) gate(ctx context.Context, mergeSHA string, found bool) ([]string, error) {
	if err := s.checkLeftBehind(ctx, false); err != nil {
		return nil, err
	}
	if found {
		return nil, nil
	}
	return s.checkMergeCommit(ctx, mergeSHA)
}

// superseded finds the newer run of the release workflow that took a cancelled
// release run's place (cancel-in-progress, or a pending run replaced in its
// concurrency group), and whether it contains the merge, so releases the hotfix.
// One request (the workflow's runs on the branch since the cancelled one), on
// the cancelled path only, and a compare when the newer run's commit is not
// already known to contain the merge.
func (s *shipper) superseded(ctx context.Context) (*github.Run, bool, error) {
	if s.supersede != nil && s.supersede.of == s.runInfo.ID {
		return s.supersede.newer, s.supersede.ours, nil
	}
	newer, ours, err := s.findSuperseder(ctx)
	if err == nil {
		s.supersede = &supersession{of: s.runInfo.ID, newer: newer, ours: ours}
	}
	return newer, ours, err
}

// supersession is what superseded found for run of, asked once per run.
type supersession struct {
	of    int64
	newer *github.Run
	ours  bool
}

func (s *shipper) findSuperseder(ctx context.Context) (*github.Run, bool, error) {
	run := *s.runInfo
	if s.release.Workflow == "" || run.CreatedAt.IsZero() {
		return nil, false, nil
	}
	merge := s.mergeOf(*s.release, false)
	if run.HeadBranch == "" {
		run.HeadBranch = merge.Branch
	}
	runs, err := s.gh.WorkflowRuns(ctx, s.repo.Owner, s.repo.Name, s.release.Workflow, run.HeadBranch, run.CreatedAt)
	if err != nil {
		return nil, false, err
	}
	newer := release.Superseder(runs, run)
	if newer == nil {
		return nil, false, nil
	}
	v, err := merge.Judge(ctx, *newer, s.contains)
	if err != nil {
		return nil, false, err
	}
	return newer, v.Ours, nil
}
