package ship

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// releaseOnce releases the merged hotfix exactly once, on either process: the
// release workflow on the base (standard), or the hotfix workflow on the
// maintenance branch with the line's next patch tag (exceptional). The record
// is the release comment on the pull request; release.Protocol states how it
// makes the release happen once whatever fails.
//
//  1. A release comment for the merge that names its run: that run is the
//     release, if it is one (adoptRecorded); --retry and --tag act on it.
//  2. Otherwise a run already on GitHub that covers the merge is adopted
//     (adoptFromGitHub), whoever started it.
//  3. Otherwise the release is decided (what ships; the tag), gated (commits
//     left behind, failing checks of the merge commit) and dispatched by the
//     protocol, which also finishes a release an earlier ship left half done.
func (s *shipper) releaseOnce(ctx context.Context) error {
	mergeSHA := s.pr.MergeCommit
	if err := s.allComments(ctx); err != nil {
		return err
	}
	marker, found := release.FindMarker(s.pr.Comments, mergeSHA)
	if found && marker.State == "dispatched" {
		if ours, err := s.adoptRecorded(ctx, marker); err != nil || ours {
			if err != nil {
				return err
			}
			return s.released(ctx)
		}
		marker.State = "dispatching" // the recorded run is not this merge's: find or start the real one
	}
	wf, inputs, err := s.planRelease(ctx)
	if err != nil {
		return err
	}
	if !found {
		// Exactly once by what GitHub shows, not only by the comment: a release
		// run that already covers the merge (a push run of the release workflow,
		// a teammate's gh workflow run, a comment deleted) is adopted.
		adopted, err := s.adoptFromGitHub(ctx, wf, mergeSHA)
		s.syncTag()
		if err != nil || adopted {
			return err
		}
	}
	if s.opts.Retry {
		return s.nothingToRetry()
	}
	d := release.Decision{MergeSHA: mergeSHA, Workflow: wf.File(), Ref: s.base, Inputs: inputs}
	if proceed, err := s.decide(ctx, &d, marker, found); err != nil || !proceed {
		return err
	}
	if d.Forced, err = s.gate(ctx, mergeSHA, found); err != nil {
		return err
	}
	var prior *hotfix.ReleaseMarker
	if found { // "dispatching": a previous ship stopped between the dispatch and recording it
		prior = &marker
	}
	out, err := s.protocol().EnsureDispatched(ctx, d, prior, s.adoptRecorded)
	return s.dispatched(d.Workflow, out, err)
}

// planRelease is the workflow that releases this hotfix and its inputs.
func (s *shipper) planRelease(ctx context.Context) (release.Workflow, map[string]string, error) {
	if s.isExceptional() {
		return s.hotfixPlan(ctx)
	}
	return s.releasePlan(ctx)
}

// released is ship on a hotfix whose release is recorded: --tag releases it
// again under another tag when its run failed (exceptional), --retry re-runs
// the run's failed jobs, else the release is reported.
func (s *shipper) released(ctx context.Context) error {
	if s.isExceptional() {
		s.learnTag(ctx)
		s.syncTag()
		if s.opts.Tag != "" && s.opts.Tag != s.release.Tag {
			return s.retag(ctx, s.release)
		}
	}
	if s.opts.Retry {
		return s.retry(ctx, s.release)
	}
	s.reportRecorded(*s.release)
	return s.checkLeftBehind(ctx, true)
}

// decide completes the decision to release: what ships, and on the
// exceptional process the tag (the one an earlier ship recorded, else --tag,
// else the line's next patch). proceed is false when there is nothing to
// release: the merge is in a release made since (without --force).
func (s *shipper) decide(ctx context.Context, d *release.Decision, marker hotfix.ReleaseMarker, found bool) (proceed bool, err error) {
	if !s.isExceptional() {
		s.whatShips(ctx, d.Workflow, d.MergeSHA)
		if s.alreadyIn != "" && !found {
			if !s.opts.Force {
				s.done("Already in release %s, made after #%d was merged: nothing to release (%s releases again)", s.alreadyIn, s.pr.Number, s.again(withForce))
				return false, nil
			}
			s.warn("The merge commit is already in release %s; releasing again because of --force", s.alreadyIn)
		}
		return true, nil
	}
	tag, since, err := s.hotfixTag(ctx, marker.Tag)
	if err != nil {
		return false, err
	}
	s.exc.tag = tag
	s.progress("Hotfix tag: %s (release line %s*)", tag, s.exc.from.LinePrefix())
	s.whatShipsSince(ctx, since, fmt.Sprintf("on %s since %s", s.base, since), d.MergeSHA)
	d.Tag, d.TagInput = tag, s.cfg.Exceptional.TagInput
	d.Inputs = withInput(d.Inputs, d.TagInput, tag)
	return true, nil
}

// dispatched takes the protocol's outcome as this ship's release.
func (s *shipper) dispatched(workflow string, out release.Outcome, err error) error {
	if errors.Is(err, github.ErrWorkflowDisabled) {
		return disabledError(workflow, "disabled", s.repo, s.again())
	}
	if err != nil {
		return err
	}
	if out.Followed { // adoptRecorded took the other ship's run
		s.syncTag()
		return nil
	}
	m := out.Marker
	s.release = &m
	s.syncTag()
	s.done("Release run: %s (commented on #%d)", m.RunURL, s.pr.Number)
	// Just dispatched: the run is queued; --watch follows it from there.
	s.runInfo = &github.Run{ID: m.RunID, HTMLURL: m.RunURL, Status: "queued"}
	return nil
}

// syncTag keeps the exceptional hotfix's tag equal to its release record's.
func (s *shipper) syncTag() {
	if s.isExceptional() && s.release != nil {
		s.exc.tag = s.release.Tag
	}
}

// withInput is inputs with key set to value, inputs left as they were.
func withInput(inputs map[string]string, key, value string) map[string]string {
	out := map[string]string{key: value}
	for k, v := range inputs {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// protocol is the exactly-once release protocol over this pull request's
// conversation and the repository's Actions.
func (s *shipper) protocol() *release.Protocol {
	attempts, interval := runLookup()
	return &release.Protocol{
		Thread:      prThread{s},
		Actions:     repoActions{s},
		Report:      reporter{s},
		Attempts:    attempts,
		Interval:    interval,
		Again:       s.again(),
		Subject:     fmt.Sprintf("#%d", s.pr.Number),
		Web:         strings.TrimSuffix(strings.SplitN(s.pr.URL, "/pull/", 2)[0], "/"),
		Known:       s.mergeOf(hotfix.ReleaseMarker{MergeSHA: s.pr.MergeCommit}, false).Known,
		Interrupted: s.interrupted,
	}
}

// prThread is the pull request's conversation; reads keep s.pr's comments current.
type prThread struct{ s *shipper }

func (t prThread) Comments(ctx context.Context) ([]github.Comment, error) {
	pr, err := t.s.gh.Pull(ctx, t.s.pr.ID)
	if err != nil {
		return nil, err
	}
	t.s.pr.Comments = pr.Comments
	return pr.Comments, nil
}

func (t prThread) Post(ctx context.Context, body string) (*github.PostedComment, error) {
	p, err := t.s.gh.AddComment(ctx, t.s.pr.ID, body)
	if err == nil {
		t.s.pr.Comments = p.Comments
	}
	return p, err
}

func (t prThread) Edit(ctx context.Context, id int64, body string) error {
	return t.s.gh.EditComment(ctx, t.s.repo.Owner, t.s.repo.Name, id, body)
}

func (t prThread) Delete(ctx context.Context, id int64) error {
	return t.s.gh.DeleteComment(ctx, t.s.repo.Owner, t.s.repo.Name, id)
}

// repoActions is the repository's GitHub Actions.
type repoActions struct{ s *shipper }

func (a repoActions) Dispatch(ctx context.Context, workflow, ref string, inputs map[string]string) (*github.Run, error) {
	return a.s.gh.DispatchWorkflow(ctx, a.s.repo.Owner, a.s.repo.Name, workflow, ref, inputs)
}

func (a repoActions) DispatchRuns(ctx context.Context, workflow, ref string, since time.Time) ([]github.Run, error) {
	return a.s.gh.DispatchRuns(ctx, a.s.repo.Owner, a.s.repo.Name, workflow, ref, since)
}

func (a repoActions) Contains(ctx context.Context, ancestor, descendant string) (bool, error) {
	return a.s.contains(ctx, ancestor, descendant)
}

// reporter says the protocol's steps on stderr.
type reporter struct{ s *shipper }

func (r reporter) Done(line string)   { r.s.done("%s", line) }
func (r reporter) Warn(line string)   { r.s.warn("%s", line) }
func (r reporter) Notice(line string) { r.s.ios.Notice(line) }
func (r reporter) Waiting(line string) (stop func()) {
	w := r.s.newWaitLine()
	w.show(line)
	return w.stop
}

// commentOnce posts body on the pull request at most twice, the second time
// only after reading the comments back proved the first did nothing: there
// says whether the comments, as read back, hold it already.
func (s *shipper) commentOnce(ctx context.Context, body string, there func() bool) error {
	_, _, err := release.PostOnce(ctx, prThread{s}, body, func([]github.Comment) bool { return there() })
	return err
}
