package ship

import (
	"context"
	"errors"
	"fmt"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// A base that merges through a merge queue takes pull requests only through
// it: GitHub refuses a direct merge there ("Changes must be made through the
// merge queue.") and the queue merges with its own method (GitHub docs,
// "Merging a pull request with a merge queue"; "Managing a merge queue").
// --auto joins the queue instead (joinQueue), and the wait follows the
// pull request's place in it until the queue merges it or removes it
// (queueWait).

// joinQueue adds the pull request to the base's merge queue, at the front
// with --jump, only at the tip ship pushed (GitHub refuses if the head moved,
// so nothing unreviewed joins). A pull request that cannot join yet (reviews,
// checks, mergeability) gets auto-merge, which GitHub turns into a place in
// the queue once its requirements pass; where auto-merge is not allowed (or
// --jump asks for the front, which auto-merge does not give), ship adds it
// itself while it waits (joinWhenReady).
func (s *shipper) joinQueue(ctx context.Context, q *github.Queue, tip string) error {
	if s.pr.Queue != nil {
		s.queued = true
		s.done("#%d is in %s's merge queue: %s", s.pr.Number, s.base, s.pr.Queue.Describe())
		return nil
	}
	if m := s.opts.MergeMethod; m != "" && m != q.Method {
		s.warn("%s merges through a merge queue, with %s: --merge-method %s is not used", s.base, q.Method, m)
	}
	s.joinTip = tip
	err := s.enqueue(ctx)
	if err == nil || !errors.Is(err, github.ErrQueueRefused) {
		return err
	}
	why := github.Refusal(err)
	if s.opts.Jump && !s.opts.NoWait {
		s.joinWhenReady = true
		s.progress("#%d cannot join %s's merge queue yet (%s): ship adds it at the front once it can", s.pr.Number, s.base, why)
		return nil
	}
	if s.state.AutoMergeAllowed {
		err := s.gh.EnableAutoMerge(ctx, s.pr.ID, q.Method)
		switch {
		case err == nil:
			s.pr.AutoMerge = q.Method
			s.done("Enabled auto-merge: GitHub adds #%d to %s's merge queue once it can join (%s)", s.pr.Number, s.base, why)
			if s.opts.Jump {
				s.warn("--jump is not kept by auto-merge: #%d joins at the back (run ship --auto --jump without --no-wait to join at the front)", s.pr.Number)
			}
			return nil
		case !errors.Is(err, github.ErrAutoMergeNotAllowed):
			return fmt.Errorf("enabling auto-merge on #%d: %w", s.pr.Number, err)
		}
	}
	if s.opts.NoWait {
		return fmt.Errorf("#%d cannot join %s's merge queue yet (%s) and auto-merge is not allowed in %s/%s: run %s again once it can, or add it with \"Merge when ready\" on %s",
			s.pr.Number, s.base, why, s.repo.Owner, s.repo.Name, s.again(withoutNoWait), s.pr.URL)
	}
	s.joinWhenReady = true
	s.progress("#%d cannot join %s's merge queue yet (%s): ship adds it once it can", s.pr.Number, s.base, why)
	return nil
}

// enqueue asks GitHub to add the pull request to the queue; ErrQueueRefused
// (wrapped) while it cannot join yet.
func (s *shipper) enqueue(ctx context.Context) error {
	entry, err := s.gh.Enqueue(ctx, s.pr.ID, s.joinTip, s.opts.Jump)
	switch {
	case errors.Is(err, github.ErrHeadMoved):
		return fmt.Errorf("#%d's branch changed on GitHub since ship read it: nothing unreviewed joins the merge queue; pull the branch, check it and run %s again", s.pr.Number, s.again())
	case errors.Is(err, github.ErrQueueRefused):
		return err
	case err != nil:
		return fmt.Errorf("adding #%d to %s's merge queue: %w", s.pr.Number, s.base, err)
	}
	s.queued, s.joinWhenReady = true, false
	where := "added to the queue"
	if entry.ID != "" {
		s.pr.Queue = &entry
		where = entry.Describe()
	}
	front := ""
	if s.opts.Jump {
		front = " at the front"
	}
	s.done("Added #%d to %s's merge queue%s (%s): the queue merges it once its checks pass", s.pr.Number, s.base, front, where)
	return nil
}

// queueWait is what the wait does about the merge queue on each read of what
// the pull request waits for: it adds the pull request once it can join (when
// ship took that on), notes that it is queued, and ends the wait with GitHub's
// reason when the queue removed it without merging it — a removal after this
// run saw it queued or added it, or any removal newer than the pull request's
// latest queue event when the wait began (auto-merge may queue it and the
// queue drop it between two reads). Once it added the pull request, ws says so.
func (s *shipper) queueWait(ctx context.Context, ws *github.WaitState) error {
	if !s.queueSeen {
		s.queueSeen, s.queueBaseline = true, ws.QueueEvent
	}
	switch {
	case ws.State != "OPEN":
		return nil
	case ws.Queue != nil:
		s.queued, s.joinWhenReady = true, false
		return nil
	case ws.Removed != nil && (s.queued || ws.QueueEvent != s.queueBaseline):
		s.queued, s.queueBaseline = false, ws.QueueEvent
		return fmt.Errorf("#%d was removed from %s's merge queue: %s; fix what it says, then run %s again to queue it again",
			s.pr.Number, s.base, ws.Removed.Why(), s.again())
	case s.joinWhenReady && ws.MergeState != "DIRTY" && ws.MergeState != "BEHIND" && !ws.Draft &&
		len(ws.Checks.Pending) == 0 && len(ws.Checks.Failing) == 0 && ws.ReviewDecision != "REVIEW_REQUIRED" && ws.ReviewDecision != "CHANGES_REQUESTED":
		if err := s.enqueue(ctx); err != nil && !errors.Is(err, github.ErrQueueRefused) {
			return err
		}
		ws.Queue = s.pr.Queue
	}
	return nil
}
