package ship

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// backoffCap caps the backoff between polls at this many intervals: with the
// default 10 s interval a merge is noticed within 30 s while a long wait costs
// about two requests a minute, nearly all of them free 304s. Scaling with the
// interval keeps the schedule's shape whatever the interval.
const backoffCap = 3

// maxLimitWait is the longest ship waits for a rate limit (primary or secondary)
// while it is waiting anyway — longer than the client's own bound, since the wait
// costs nothing more; a later reset is reported instead.
const maxLimitWait = 15 * time.Minute

// interrupted turns a cancelled wait into exit 2 with the command that continues.
func (s *shipper) interrupted(ctx context.Context, what string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("interrupted while waiting for %s: run %s again to continue: %w", what, s.again(), cmderr.ErrCancel)
	}
	return nil
}

// timedOut is poll's error when --timeout ends the wait.
type timedOut struct{ error }

func (t timedOut) Unwrap() error { return t.error }

// poll calls check every interval (growing by half, up to backoffCap intervals,
// while nothing changes) until it reports done, ctx ends or the timeout passes.
func (s *shipper) poll(ctx context.Context, what string, check func() (done, changed bool, err error)) error {
	interval := s.opts.Interval
	var deadline <-chan time.Time
	var until time.Time
	if s.opts.Timeout > 0 {
		t := time.NewTimer(s.opts.Timeout)
		defer t.Stop()
		deadline, until = t.C, time.Now().Add(s.opts.Timeout)
	}
	for {
		done, changed, err := check()
		wait := interval
		var limit *github.RateLimitError
		switch {
		case errors.As(err, &limit) && time.Until(limit.Reset) <= maxLimitWait && (until.IsZero() || limit.Reset.Before(until)):
			// ship is waiting anyway: a rate limit that resets soon is a longer wait.
			s.ios.Notice(s.cs.WarningIcon() + " " + limit.Waiting())
			wait = max(time.Until(limit.Reset)+time.Second, s.opts.Interval)
		case err != nil:
			if ierr := s.interrupted(ctx, what); ierr != nil {
				return ierr
			}
			return err
		case done:
			return nil
		case changed:
			interval = s.opts.Interval
			wait = interval
		default:
			interval = min(interval*3/2, backoffCap*s.opts.Interval)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			if ierr := s.interrupted(ctx, what); ierr != nil {
				return ierr
			}
			return ctx.Err()
		case <-deadline:
			t.Stop()
			return timedOut{fmt.Errorf("gave up waiting for %s after %s (--timeout): run %s again to keep waiting", what, s.opts.Timeout, s.again())}
		case <-t.C:
		}
	}
}

// wait polls the pull request until it is merged, with conditional requests:
// while nothing changes each poll is a 304. What it waits for (checks, reviews,
// mergeability) is read again, in one GraphQL request, when the pull request
// changed, and while checks are pending at most every few intervals: a check
// that finishes does not always change the pull request.
func (s *shipper) wait(ctx context.Context) error {
	if s.pr.State == "MERGED" {
		return nil
	}
	what := fmt.Sprintf("#%d to be merged", s.pr.Number)
	line := s.newWaitLine()
	defer line.stop()
	if s.ios.IsStderrTTY() {
		line.show(fmt.Sprintf("Waiting for %s…", what))
	} else {
		s.progress("Waiting for %s (checking every %s)…", what, s.opts.Interval)
	}
	poller := s.gh.PullPoller(s.repo.Owner, s.repo.Name, s.pr.Number)
	var last github.RESTPull
	var read time.Time // when the wait state was last read
	pending := false   // the last read found checks still running
	err := s.poll(ctx, what, func() (bool, bool, error) {
		var p github.RESTPull
		changed, err := poller.Poll(ctx, &p)
		if err != nil {
			return false, false, err
		}
		if !changed {
			if !pending || time.Since(read) < backoffCap*s.opts.Interval {
				return false, false, nil
			}
			p = last // checks may have moved on while the pull request did not
		}
		last = p
		switch {
		case p.Merged:
			s.pr.State, s.pr.MergeCommit, s.pr.MergedAt = "MERGED", p.MergeCommitSHA, p.MergedAt
			return true, true, nil
		case p.State == "closed":
			return false, false, fmt.Errorf("pull request #%d was closed without being merged: nothing will be released", s.pr.Number)
		}
		status := describe(p)
		if s.pr.ID != "" {
			if ws, err := s.gh.PullWaitState(ctx, s.pr.ID); err == nil {
				if err := s.queueWait(ctx, &ws); err != nil {
					return false, false, err
				}
				ws.Required = s.state.RequiredApprovals
				// In the merge queue (or about to join it) the pull request itself
				// rarely changes: its place and its group's checks are read again
				// every few intervals, as running checks are.
				pending = len(ws.Checks.Pending) > 0 || ws.Queue != nil || s.joinWhenReady || (s.state.Queue != nil && ws.State == "OPEN")
				status, read = waitStatus(ws), time.Now()
				if s.pr.Queue = ws.Queue; ws.Queue == nil && s.joinWhenReady {
					status += "; ship adds it to the merge queue once it can join"
				}
			} else if ierr := s.interrupted(ctx, what); ierr != nil {
				return false, false, ierr
			}
		}
		if s.ios.IsStderrTTY() {
			line.show(fmt.Sprintf("Waiting for %s: %s", what, status))
		} else {
			line.show(fmt.Sprintf("#%d: %s", s.pr.Number, status))
		}
		return false, changed, nil
	})
	line.stop()
	if err != nil {
		return err
	}
	s.done("Pull request #%d merged (%s)", s.pr.Number, short(s.pr.MergeCommit))
	return nil
}

// describe says, in a few words, what a pull request waits for, from its REST
// mergeable_state alone (when its checks and reviews could not be read).
func describe(p github.RESTPull) string {
	switch strings.ToLower(p.MergeableState) {
	case "clean", "has_hooks":
		return "can be merged"
	case "blocked":
		return "blocked: waiting for required reviews or checks"
	case "unstable":
		return "checks failing or pending"
	case "dirty":
		return "merge conflicts: update the branch"
	case "behind":
		return "behind its base: update the branch"
	case "draft":
		return "draft"
	}
	return "mergeability being computed"
}

// waitStatus says what a pull request waits for: its place in the merge queue
// once it is in it; else the failing and the pending checks by name, the
// review decision (with the approvals missing, when the rules' count is
// known), and what else GitHub's mergeability says. It says "ready to merge"
// only when nothing is outstanding, a review asked for included.
func waitStatus(w github.WaitState) string {
	if w.Queue != nil {
		return w.Queue.Describe()
	}
	var parts []string
	if w.Draft {
		parts = append(parts, "draft: mark it ready for review")
	}
	if c := w.Checks.Failing; len(c) > 0 {
		parts = append(parts, fmt.Sprintf("%s failing (%s)", plural(len(c), "check"), names(c)))
	}
	if c := w.Checks.Pending; len(c) > 0 {
		parts = append(parts, fmt.Sprintf("%s pending (%s)", plural(len(c), "check"), names(c)))
	}
	requested := ""
	if len(w.Requested) > 0 {
		requested = " from " + names(w.Requested)
	}
	outstanding := true
	switch w.ReviewDecision {
	case "REVIEW_REQUIRED":
		if missing := w.Required - w.Approvals; missing > 0 {
			asked := ""
			if len(w.Requested) > 0 {
				asked = " (asked of " + names(w.Requested) + ")"
			}
			parts = append(parts, fmt.Sprintf("%s missing", plural(missing, "approving review"))+asked)
		} else {
			parts = append(parts, "review required"+requested)
		}
	case "CHANGES_REQUESTED":
		parts = append(parts, "changes requested")
	case "APPROVED":
		if requested != "" {
			parts = append(parts, "approved; review requested"+requested)
		} else {
			parts, outstanding = append(parts, "approved"), false
		}
	default:
		if requested != "" {
			parts = append(parts, "review requested"+requested)
		} else {
			outstanding = false
		}
	}
	busy := len(parts) > 0
	switch strings.ToUpper(w.MergeState) {
	case "DIRTY":
		parts = append(parts, "merge conflicts: update the branch")
	case "BEHIND":
		parts = append(parts, "behind its base: update the branch")
	case "BLOCKED":
		if !busy {
			parts = append(parts, "blocked by a rule of the base branch")
		}
	case "CLEAN", "HAS_HOOKS", "UNSTABLE":
		switch {
		case len(w.Checks.Failing) > 0 || len(w.Checks.Pending) > 0 || w.Draft:
		case outstanding:
			parts = append(parts, "can be merged")
		default:
			parts = append(parts, "ready to merge")
		}
	default: // UNKNOWN: GitHub is computing it
		if !busy {
			parts = append(parts, "mergeability being computed")
		}
	}
	return strings.Join(parts, "; ")
}

// names lists a few names, and how many more there are.
func names(list []string) string {
	const shown = 3
	if len(list) <= shown {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(list[:shown], ", "), len(list)-shown)
}

// waitLine shows what a wait waits for: on a terminal as the label of the
// spinner, redrawn in place; otherwise as a line each time it changes.
type waitLine struct {
	s    *shipper
	last string
}

func (s *shipper) newWaitLine() *waitLine { return &waitLine{s: s} }

func (w *waitLine) show(line string) {
	if line == w.last {
		return
	}
	w.last = line
	if w.s.ios.IsStderrTTY() {
		w.s.ios.StartProgress(line)
		return
	}
	w.s.progress("%s", line)
}

// stop ends the line: on a terminal, the spinner's line is erased.
func (w *waitLine) stop() {
	if w.s.ios.IsStderrTTY() {
		w.s.ios.StopProgress()
	}
}

// watch follows the release run to its end; a run that does not succeed fails
// ship, through releaseOutcome.
func (s *shipper) watch(ctx context.Context) error {
	if s.release == nil || s.release.RunID == 0 {
		return nil
	}
	what := "the release run"
	line := s.newWaitLine()
	defer line.stop()
	if s.ios.IsStderrTTY() {
		line.show("Following the release run…")
	} else {
		s.progress("Following the release run %s…", s.release.RunURL)
	}
	// A recorded run was read (and judged) already: its poller goes on from that
	// read, so an unchanged run costs a 304 and a finished one no request at all.
	poller, status := s.runPoller, ""
	if poller == nil {
		poller = s.gh.RunPoller(s.repo.Owner, s.repo.Name, s.release.RunID)
	}
	checked := s.runPoller != nil && s.runInfo != nil
	fresh := checked // the first check uses that read
	gate := ""       // what the run waits for while GitHub says "waiting"
	attempt := 0     // the run's attempt last said
	err := s.poll(ctx, what, func() (bool, bool, error) {
		var run github.Run
		if fresh {
			fresh, run = false, *s.runInfo
		} else if changed, err := poller.Poll(ctx, &run); err != nil || !changed {
			return false, false, err
		}
		if !checked {
			// The run the dispatch named: at the base's tip, which contained the
			// merge when this ship read it. Only a base rewritten in between (a force
			// push) could make it otherwise; say so rather than report a release.
			checked = true
			v, err := s.mergeOf(*s.release, false).Judge(ctx, run, s.contains)
			if err != nil {
				return false, false, err
			}
			if !v.Ours {
				return false, false, fmt.Errorf("the release run %s is not a release of this hotfix: %s (was %s rewritten?)", s.release.RunURL, v.Why, s.base)
			}
		}
		s.runInfo = &run
		// A re-run (by ship --retry, gh run rerun or the Actions tab) is the same
		// run with a new attempt: followed as such, and said.
		if run.Status != status || run.RunAttempt != attempt {
			status, attempt = run.Status, run.RunAttempt
			label := runLabel(run)
			switch run.Status {
			case "waiting":
			case "pending":
				gate = ""
				line.show(label + " " + s.queuedBehind(ctx, run))
				return false, true, nil
			default:
				gate = ""
				line.show(fmt.Sprintf("%s: %s", label, strings.ReplaceAll(run.Status, "_", " ")))
				return run.Status == "completed", true, nil
			}
			line.stop()             // what the team is told goes on its own line
			s.AwaitingApproval(ctx) // notify: a deployment's reviewers must approve it
			text, err := s.deploymentGate(ctx, run, line)
			if err != nil {
				return false, false, err
			}
			gate = text
			line.show(label + " " + text)
		}
		return run.Status == "completed", true, nil
	})
	line.stop()
	if to := (timedOut{}); errors.As(err, &to) && s.runInfo != nil && s.runInfo.Status == "waiting" {
		// Waiting longer would not help: a person must approve (or the timer end).
		return &cmderr.AttentionError{Err: fmt.Errorf("the release run %s is still %s after %s (--timeout): once it may go on, run %s to follow it",
			s.release.RunURL, gate, s.opts.Timeout, s.again())}
	}
	if err != nil {
		return err
	}
	if s.runInfo.Conclusion != "success" {
		return nil // releaseOutcome says what failed, once the result is printed
	}
	attemptNote := ""
	if s.runInfo.RunAttempt > 1 {
		attemptNote = fmt.Sprintf(" (attempt %d)", s.runInfo.RunAttempt)
	}
	s.done("Release run succeeded%s: %s", attemptNote, s.release.RunURL)
	return nil
}

// runLabel names the release run in the watch's lines, with its attempt once
// it was re-run.
func runLabel(run github.Run) string {
	if run.RunAttempt > 1 {
		return fmt.Sprintf("Release run (attempt %d)", run.RunAttempt)
	}
	return "Release run"
}

// deploymentGate reads what a waiting release run waits for (one request: its pending
// deployments, read only when the run's status turns "waiting") and says it.
// With --approve it approves the deployments the user may approve (one request
// more) and says who can approve the others.
func (s *shipper) deploymentGate(ctx context.Context, run github.Run, line *waitLine) (string, error) {
	list, err := s.gh.PendingDeployments(ctx, s.repo.Owner, s.repo.Name, run.ID)
	if err != nil {
		return "", err
	}
	text := release.DescribeWait(list, time.Now())
	if !s.opts.Approve {
		return text, nil
	}
	ids, names, others := release.Approvable(list)
	for _, p := range others {
		line.stop()
		s.ios.Notice(s.cs.WarningIcon() + " " + release.CannotApprove(p))
	}
	if len(ids) == 0 {
		return text, nil
	}
	line.stop()
	s.progress("Release run %s", text) // who was asked, before it goes on
	comment := fmt.Sprintf("Approved by gh hotfix ship --approve for the hotfix #%d.", s.pr.Number)
	if err := s.gh.ApproveDeployments(ctx, s.repo.Owner, s.repo.Name, run.ID, ids, comment); err != nil {
		return "", err
	}
	line.stop()
	s.done("Approved the release run's deployment to %s", strings.Join(names, ", "))
	if len(others) == 0 {
		return "approved, about to go on", nil
	}
	return release.DescribeWait(others, time.Now()), nil
}

// queuedBehindRuns is how many of the release workflow's latest runs are read
// to find the run holding its concurrency group.
const queuedBehindRuns = 20

// queuedBehind says which run a pending release run waits behind in its
// concurrency group: one request (the workflow's latest runs), made only when
// the run's status turns "pending". The group is read from the workflow file
// when the first query brought its text, else left unnamed. A failed read
// leaves the holder unnamed rather than stopping the watch.
func (s *shipper) queuedBehind(ctx context.Context, run github.Run) string {
	group := ""
	if s.state != nil {
		for p, text := range s.state.Workflows {
			if path.Base(p) == s.release.Workflow {
				group = release.WorkflowGroup(text)
			}
		}
	}
	var holder *github.Run
	if s.release.Workflow == "" {
		return release.QueuedBehind(nil, group)
	}
	if runs, err := s.gh.LatestWorkflowRuns(ctx, s.repo.Owner, s.repo.Name, s.release.Workflow, queuedBehindRuns); err == nil {
		holder = release.Holder(runs, run, group)
	}
	return release.QueuedBehind(holder, group)
}
