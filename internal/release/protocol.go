package release

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// Thread is the pull request conversation that holds the release record (the
// release comment, see hotfix.ReleaseMarker).
type Thread interface {
	// Comments reads the conversation's comments again, oldest first.
	Comments(ctx context.Context) ([]github.Comment, error)
	// Post adds a comment, reading the comments as they are right after it.
	Post(ctx context.Context, body string) (*github.PostedComment, error)
	// Edit replaces a comment's body; it may be sent again safely.
	Edit(ctx context.Context, id int64, body string) error
	// Delete removes a comment.
	Delete(ctx context.Context, id int64) error
}

// Actions is GitHub Actions for one repository, as the protocol needs it.
type Actions interface {
	// Dispatch sends a workflow_dispatch; the run is nil when GitHub does not
	// name it (see github.Client.DispatchWorkflow).
	Dispatch(ctx context.Context, workflow, ref string, inputs map[string]string) (*github.Run, error)
	// DispatchRuns lists the workflow's dispatch runs on ref created since, by GitHub's clock.
	DispatchRuns(ctx context.Context, workflow, ref string, since time.Time) ([]github.Run, error)
	// Contains reports whether commit descendant contains commit ancestor.
	Contains(ctx context.Context, ancestor, descendant string) (bool, error)
}

// Reporter hears what the protocol does, for the person waiting.
type Reporter interface {
	Done(line string)
	Warn(line string)
	// Notice is said above a wait line, if one is shown.
	Notice(line string)
	// Waiting shows line while the protocol waits; stop removes it.
	Waiting(line string) (stop func())
}

// NotDispatchedError is a dispatch GitHub refused without acting on it (a 4xx
// other than a timeout, a rate limit that outlasted the wait): nothing runs,
// and the release comment was taken back.
type NotDispatchedError struct{ Err error }

func (e *NotDispatchedError) Error() string { return e.Err.Error() }
func (e *NotDispatchedError) Unwrap() error { return e.Err }

// Protocol releases a merged change exactly once, however often it is run,
// from however many machines, whatever fails between two requests. The record
// is a comment on the change's pull request (hotfix.ReleaseMarker), because it
// is what the team reads and what every machine can see:
//
//  1. Read: the earliest release comment for the merge commit counts. One
//     saying "dispatched" names the run; no dispatch follows, ever. (Whether
//     that run is really this merge's release is the caller's check, see
//     Merge.Judge: a comment written by hand may name another.)
//  2. Claim: before any dispatch, post the comment in state "dispatching",
//     with the decision's details (workflow, branch, tag). Its creation time,
//     by GitHub's clock, bounds which runs the dispatch can have started. The
//     post is sent at most twice, the second time only after reading the
//     comments back proved the first did nothing. Then read the comments: when
//     another run of the protocol posted earlier for the same merge, it wins;
//     this one deletes its own comment and follows the winner instead.
//  3. Dispatch. A lost answer is never followed by a blind second dispatch:
//     the workflow's runs since the claim are searched for one containing the
//     merge (a bounded wait: runs appear within seconds), and only when none
//     appears is the dispatch sent once more. A refusal GitHub did not act on
//     takes the comment back, so the next run starts afresh.
//  4. Record: edit the comment to "dispatched" with the run.
//
// A run that stopped between 2 and 4 left a "dispatching" comment: the next
// one searches for the run first (it may be late), records it when found, and
// dispatches only when none appeared.
type Protocol struct {
	Thread  Thread
	Actions Actions
	Report  Reporter
	// Attempts and Interval bound the search for a run a dispatch may have started.
	Attempts int
	Interval time.Duration
	// Sleep pauses between searches; github.Sleep when nil.
	Sleep func(ctx context.Context, d time.Duration) error
	// Again is the command that continues, named in errors.
	Again string
	// Subject names the pull request in messages ("#12").
	Subject string
	// Web is the repository's web address (https://github.com/OWNER/REPO), for
	// a run's address when GitHub's answer lacks it.
	Web string
	// Known are commits already read to contain the merge (Merge.Known).
	Known []string
	// Interrupted turns a pause ended by ctx into the error to return (nil
	// keeps the pause's own error).
	Interrupted func(ctx context.Context, what string) error
}

// Decision is a release to make: the merge, and the dispatch that releases it.
type Decision struct {
	MergeSHA string
	Workflow string // file name
	Ref      string // the branch the workflow runs on, which holds the merge
	Inputs   map[string]string
	// Tag and TagInput: the tag decided for the release (exceptional process)
	// and the input that carries it. An earlier claim's tag wins over Tag.
	Tag, TagInput string
	// Forced names failing checks the release was made despite.
	Forced []string
}

// Outcome is the release the protocol made or found.
type Outcome struct {
	Marker hotfix.ReleaseMarker // as recorded, "dispatched"
	Run    *github.Run          // nil when another run of the protocol recorded it (Followed)
	// Followed: another run of the protocol claimed the release first and
	// recorded its run; Marker is that record, and the caller's verify accepted it.
	Followed bool
}

// FindMarker returns the earliest release marker for the merge commit: when two
// runs of the protocol raced, the earliest comment is the one that dispatches.
// The decision's time is the comment's created_at, by GitHub's clock: the
// "since" written in the body was the local clock's, and may be off.
func FindMarker(comments []github.Comment, mergeSHA string) (hotfix.ReleaseMarker, bool) {
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

// Verify decides whether a recorded run is this merge's release (and keeps
// what it read of it).
type Verify func(ctx context.Context, m hotfix.ReleaseMarker) (ours bool, err error)

// EnsureDispatched runs steps 2 to 4 for d. prior is the "dispatching" record
// an earlier run left (nil for none): its run is searched for before anything
// is dispatched. verify judges a record another run of the protocol makes
// while this one follows it.
func (p *Protocol) EnsureDispatched(ctx context.Context, d Decision, prior *hotfix.ReleaseMarker, verify Verify) (Outcome, error) {
	var marker hotfix.ReleaseMarker
	if prior != nil {
		marker = *prior
		run, err := p.FindRun(ctx, d.Workflow, d.Ref, marker)
		if err != nil {
			return Outcome{}, err
		}
		if run != nil {
			return p.record(ctx, marker, run)
		}
		what := "at " + marker.Since.Format(time.RFC3339)
		if marker.Tag != "" {
			what = marker.Tag
		}
		p.Report.Warn(fmt.Sprintf("A previous ship decided to release %s but no run of %s containing the merge appeared: dispatching now", what, d.Workflow))
	} else {
		marker = hotfix.ReleaseMarker{State: "dispatching", MergeSHA: d.MergeSHA, Workflow: d.Workflow, Ref: d.Ref, Tag: d.Tag, Forced: d.Forced}
		winner, lost, err := p.Claim(ctx, &marker)
		if err != nil {
			return Outcome{}, err
		}
		if lost {
			return p.Follow(ctx, winner, verify)
		}
	}
	return p.dispatchAndRecord(ctx, d, marker, true)
}

// DispatchClaimed runs steps 3 and 4 for a claim made in place: a release
// comment edited back to "dispatching" to release again under another tag. A
// refusal leaves the comment, which still records the earlier release.
func (p *Protocol) DispatchClaimed(ctx context.Context, d Decision, m hotfix.ReleaseMarker) (Outcome, error) {
	return p.dispatchAndRecord(ctx, d, m, false)
}

func (p *Protocol) dispatchAndRecord(ctx context.Context, d Decision, m hotfix.ReleaseMarker, takeBack bool) (Outcome, error) {
	inputs := map[string]string{}
	for k, v := range d.Inputs {
		inputs[k] = v
	}
	if d.TagInput != "" && m.Tag != "" {
		inputs[d.TagInput] = m.Tag // the claim's: a prior claim's tag wins over the decided one
	}
	run, err := p.dispatch(ctx, d.Workflow, d.Ref, m, inputs)
	var refused *NotDispatchedError
	if errors.As(err, &refused) && takeBack {
		// The comment would say "releasing" about nothing, and make the next run
		// search for a run that cannot exist before dispatching: taken back, the
		// next run starts afresh at once.
		p.takeBack(ctx, m)
	}
	if err != nil {
		return Outcome{}, err
	}
	return p.record(ctx, m, run)
}

// Claim posts m (step 2) and reports whether another claim for the same merge
// came first (lost), returning that one (winner). m receives the comment's ID
// and GitHub's creation time, also when a lost answer hid that the post went
// out and reading the comments back found it.
func (p *Protocol) Claim(ctx context.Context, m *hotfix.ReleaseMarker) (winner hotfix.ReleaseMarker, lost bool, err error) {
	m.Since = time.Now().UTC().Truncate(time.Second) // for readers; the comment's created_at replaces it
	// A claim read back after a lost answer is ours only if it carries this
	// nonce: another ship's claim for the same merge (even of the same second)
	// is one that ship dispatches, so this one must follow it, never adopt it.
	// Any claim for the merge read back makes a second post needless: ours
	// went out, or the one read back wins over it.
	nonce := claimNonce()
	posted, after, err := PostOnce(ctx, p.Thread, hotfix.ReleaseComment(*m)+nonce+"\n", func(comments []github.Comment) bool {
		_, ok := FindMarker(comments, m.MergeSHA)
		return ok
	})
	if err != nil {
		return winner, false, fmt.Errorf("commenting on %s before the release: %w", p.Subject, err)
	}
	if posted != nil {
		m.CommentID = posted.ID
		m.Since = posted.CreatedAt // zero when GitHub did not say: runs are then judged by their commit alone
	} else {
		m.CommentID = 0 // the post did not go out, unless it is read back
		for _, c := range after {
			if strings.Contains(c.Body, nonce) {
				m.CommentID, m.Since = c.ID, c.CreatedAt
				break
			}
		}
	}
	// The comments as they were right after ours: an earlier claim is there.
	first, ok := FindMarker(after, m.MergeSHA)
	if !ok || (m.CommentID != 0 && first.CommentID >= m.CommentID) {
		return *m, false, nil
	}
	if m.CommentID != 0 {
		if err := p.Thread.Delete(ctx, m.CommentID); err != nil {
			p.Report.Warn(fmt.Sprintf("Could not remove the duplicate release comment %d: %v", m.CommentID, err))
		}
	}
	p.Report.Warn("Another gh hotfix ship is releasing this hotfix: following it instead of dispatching")
	return first, true, nil
}

// claimNonce marks one claim's comment, to tell it apart when read back.
func claimNonce() string {
	return fmt.Sprintf("<!-- gh-hotfix:claim %016x -->", rand.Uint64())
}

// PostOnce posts body at most twice, the second time only after reading the
// comments back proved the first did nothing: there says whether the comments
// read back hold it already. posted is nil when the read-back found it; after
// are the comments as read with the post or back.
func PostOnce(ctx context.Context, t Thread, body string, there func([]github.Comment) bool) (posted *github.PostedComment, after []github.Comment, err error) {
	for attempt := 1; attempt <= 2; attempt++ {
		if posted, err = t.Post(ctx, body); err == nil {
			return posted, posted.Comments, nil
		}
		if !github.IsTransient(err) {
			break
		}
		comments, qerr := t.Comments(ctx)
		if qerr != nil {
			break
		}
		if there(comments) {
			return nil, comments, nil
		}
	}
	return nil, nil, err
}

// Follow waits, for the lookup window, for the winning claim to record its run
// and hands the record to verify.
func (p *Protocol) Follow(ctx context.Context, winner hotfix.ReleaseMarker, verify Verify) (Outcome, error) {
	var out Outcome
	found, err := p.lookup(ctx, fmt.Sprintf("Waiting for the other ship to record its run on %s", p.Subject), func() (bool, error) {
		comments, err := p.Thread.Comments(ctx)
		if err != nil {
			return false, err
		}
		m, ok := FindMarker(comments, winner.MergeSHA)
		if !ok || m.State != "dispatched" {
			return false, nil
		}
		ours, err := verify(ctx, m)
		if err != nil {
			return false, err
		}
		if !ours {
			return false, fmt.Errorf("the other gh hotfix ship recorded run %d, which is not a release of this merge: run %s again to find or start the real one", m.RunID, p.Again)
		}
		p.Report.Done(fmt.Sprintf("Release run: %s (started by the other ship)", m.RunURL))
		out = Outcome{Marker: m, Followed: true}
		return true, nil
	})
	if err != nil || found {
		return out, err
	}
	return Outcome{}, fmt.Errorf("another gh hotfix ship started releasing this hotfix but has not recorded its run yet: run %s again later; it will not dispatch twice", p.Again)
}

// FindRun searches, for the lookup window, for the run the claim m may have
// started: a dispatch run of its workflow on its branch, created since the
// claim and containing the merge (Merge.Judge). Any other run, such as a
// teammate's release of an earlier commit started a moment before, is not it.
// nil when none appeared.
func (p *Protocol) FindRun(ctx context.Context, workflow, ref string, m hotfix.ReleaseMarker) (*github.Run, error) {
	merge := Merge{SHA: m.MergeSHA, Branch: ref, Decided: m.Since, Known: p.Known}
	if m.Ref != "" {
		merge.Branch = m.Ref
	}
	var rejected []string
	var run *github.Run
	_, err := p.lookup(ctx, fmt.Sprintf("Looking for the run of %s on %s", workflow, ref), func() (bool, error) {
		runs, err := p.Actions.DispatchRuns(ctx, workflow, ref, merge.Decided)
		if err != nil {
			return false, fmt.Errorf("looking for the release run: %w", err)
		}
		found, why, err := merge.First(ctx, runs, p.Actions.Contains)
		if err != nil {
			return false, fmt.Errorf("looking for the release run: %w", err)
		}
		if found != nil {
			run = found
			return true, nil
		}
		if len(why) > len(rejected) {
			for _, w := range why[len(rejected):] {
				p.Report.Notice("Not this hotfix's release: " + w)
			}
			rejected = why
		}
		return false, nil
	})
	return run, err
}

// lookup calls try until it finds what it looks for, at most Attempts times,
// pausing Interval between tries; from the second try on, the waiting line
// (with the time it may take) says what the pause is for.
func (p *Protocol) lookup(ctx context.Context, waiting string, try func() (found bool, err error)) (bool, error) {
	var stop func()
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	for i := 0; i < p.Attempts; i++ {
		if i == 1 {
			stop = p.Report.Waiting(fmt.Sprintf("%s (up to %s)…", waiting, time.Duration(p.Attempts-1)*p.Interval))
		}
		if found, err := try(); err != nil || found {
			return found, err
		}
		if i < p.Attempts-1 {
			if err := p.pause(ctx, "the release run"); err != nil {
				return false, err
			}
		}
	}
	return false, nil
}

// dispatch sends the dispatch of step 3, at most twice, the second time only
// when the search after a lost answer found no run.
func (p *Protocol) dispatch(ctx context.Context, workflow, ref string, m hotfix.ReleaseMarker, inputs map[string]string) (*github.Run, error) {
	for attempt := 1; ; attempt++ {
		run, err := p.Actions.Dispatch(ctx, workflow, ref, inputs)
		switch {
		case err == nil && run != nil:
			// The run GitHub names is ours by construction: it runs at the branch's
			// tip as of the dispatch, which holds the merge.
			p.Report.Done(fmt.Sprintf("Dispatched %s on %s", workflow, ref))
			return run, nil
		case err == nil:
			p.Report.Done(fmt.Sprintf("Dispatched %s on %s; looking for its run…", workflow, ref))
		case github.IsTransient(err):
			p.Report.Warn(fmt.Sprintf("The dispatch of %s got no clear answer (%v): checking whether it went out…", workflow, err))
		case github.IsRefusal(err):
			return nil, &NotDispatchedError{fmt.Errorf("dispatching %s: %w", workflow, err)}
		default:
			return nil, fmt.Errorf("dispatching %s: %w", workflow, err)
		}
		run, ferr := p.FindRun(ctx, workflow, ref, m)
		switch {
		case ferr != nil:
			return nil, ferr
		case run != nil:
			return run, nil
		case err == nil:
			return nil, fmt.Errorf("%s was dispatched but its run did not appear: run %s again to record it", workflow, p.Again)
		case attempt == 2:
			return nil, fmt.Errorf("could not tell whether %s was dispatched (%v): run %s again; it looks for the run before dispatching again", workflow, err, p.Again)
		}
		// No run appeared in the lookup window: the dispatch did not go out.
		p.Report.Warn(fmt.Sprintf("No run of %s appeared: dispatching once more", workflow))
	}
}

// takeBack deletes the claim of a release that did not start. A failure leaves
// it; the next run then searches for a run before dispatching.
func (p *Protocol) takeBack(ctx context.Context, m hotfix.ReleaseMarker) {
	if m.CommentID == 0 {
		return
	}
	if err := p.Thread.Delete(ctx, m.CommentID); err != nil {
		p.Report.Warn(fmt.Sprintf("Could not take back the release comment %d (%v): the next ship looks for a run before dispatching", m.CommentID, err))
	}
}

// record is step 4: the comment says "dispatched", with the run.
func (p *Protocol) record(ctx context.Context, m hotfix.ReleaseMarker, run *github.Run) (Outcome, error) {
	m.State, m.RunID, m.RunURL = "dispatched", run.ID, run.HTMLURL
	if m.RunURL == "" {
		m.RunURL = fmt.Sprintf("%s/actions/runs/%d", p.Web, run.ID)
	}
	if err := p.Thread.Edit(ctx, m.CommentID, hotfix.ReleaseComment(m)); err != nil {
		return Outcome{Marker: m, Run: run}, fmt.Errorf("recording the release run %s on %s: %w; run %s again to record it (it will not dispatch again)", m.RunURL, p.Subject, err, p.Again)
	}
	return Outcome{Marker: m, Run: run}, nil
}

func (p *Protocol) pause(ctx context.Context, what string) error {
	sleep := p.Sleep
	if sleep == nil {
		sleep = github.Sleep
	}
	err := sleep(ctx, p.Interval)
	if err != nil && p.Interrupted != nil {
		if ierr := p.Interrupted(ctx, what); ierr != nil {
			return ierr
		}
	}
	return err
}
