package ship

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
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
			return fmt.Errorf("gave up waiting for %s after %s (--timeout): run %s again to keep waiting", what, s.opts.Timeout, s.again())
		case <-t.C:
		}
	}
}

// wait polls the pull request until it is merged, with conditional requests:
// while nothing changes each poll is a 304.
func (s *shipper) wait(ctx context.Context) error {
	if s.pr.State == "MERGED" {
		return nil
	}
	what := fmt.Sprintf("#%d to be merged", s.pr.Number)
	tty := s.ios.IsStderrTTY()
	if tty {
		s.ios.StartProgress(fmt.Sprintf("Waiting for %s…", what))
		defer s.ios.StopProgress()
	} else {
		s.progress("Waiting for %s (checking every %s)…", what, s.opts.Interval)
	}
	poller := s.gh.NewPoller(fmt.Sprintf("repos/%s/%s/pulls/%d", s.repo.Owner, s.repo.Name, s.pr.Number))
	last := ""
	err := s.poll(ctx, what, func() (bool, bool, error) {
		var p github.RESTPull
		changed, err := poller.Poll(ctx, &p)
		if err != nil || !changed {
			return false, false, err
		}
		switch {
		case p.Merged:
			s.pr.State, s.pr.MergeCommit, s.pr.MergedAt = "MERGED", p.MergeCommitSHA, p.MergedAt
			return true, true, nil
		case p.State == "closed":
			return false, false, fmt.Errorf("pull request #%d was closed without being merged: nothing will be released", s.pr.Number)
		}
		status := describe(p)
		if status != last {
			last = status
			if tty {
				s.ios.StopProgress()
				s.ios.StartProgress(fmt.Sprintf("Waiting for %s: %s", what, status))
			} else {
				s.progress("#%d: %s", s.pr.Number, status)
			}
		}
		return false, true, nil
	})
	if tty {
		s.ios.StopProgress()
	}
	if err != nil {
		return err
	}
	s.done("Pull request #%d merged (%s)", s.pr.Number, short(s.pr.MergeCommit))
	return nil
}

// describe says, in a few words, what a pull request waits for.
func describe(p github.RESTPull) string {
	switch strings.ToLower(p.MergeableState) {
	case "clean":
		return "ready to merge"
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

// watch follows the release run to its end; a run that does not succeed fails
// ship, through releaseOutcome.
func (s *shipper) watch(ctx context.Context) error {
	if s.release == nil || s.release.RunID == 0 {
		return nil
	}
	what := "the release run"
	tty := s.ios.IsStderrTTY()
	if tty {
		s.ios.StartProgress("Following the release run…")
		defer s.ios.StopProgress()
	} else {
		s.progress("Following the release run %s…", s.release.RunURL)
	}
	// A recorded run was read (and judged) already: its poller goes on from that
	// read, so an unchanged run costs a 304 and a finished one no request at all.
	poller, status := s.runPoller, ""
	if poller == nil {
		poller = s.gh.NewPoller(github.RunPath(s.repo.Owner, s.repo.Name, s.release.RunID))
	}
	checked := s.runPoller != nil && s.runInfo != nil
	fresh := checked // the first check uses that read
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
		if run.Status != status {
			status = run.Status
			if !tty {
				s.progress("Release run: %s", strings.ReplaceAll(run.Status, "_", " "))
			}
		}
		return run.Status == "completed", true, nil
	})
	if tty {
		s.ios.StopProgress()
	}
	if err != nil {
		return err
	}
	if s.runInfo.Conclusion != "success" {
		return nil // releaseOutcome says what failed, once the result is printed
	}
	s.done("Release run succeeded: %s", s.release.RunURL)
	return nil
}
