package ship

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// A step is one step of a ship process (standard.go, exceptional.go). The
// shipper is the state the steps share: what ship read of git and GitHub, and
// what earlier steps did. Every step looks before it acts, so running ship
// again after any interruption skips what is done and continues.
type step interface {
	// describe says what the step does, or found done, in one line: the plan
	// --dry-run prints.
	describe(s *shipper) string
	// applies reports whether this ship includes the step (flags, config).
	applies(s *shipper) bool
	// done reports whether what ship read shows the step done already.
	done(s *shipper) bool
	// check refuses, before anything changes, what would make the step fail
	// later; every check of the steps to do runs before the first step runs,
	// with --dry-run too. It only reads.
	check(ctx context.Context, s *shipper) error
	// run does the step.
	run(ctx context.Context, s *shipper) error
}

// A confirmer is a step that says, or verifies with a read, what it found done.
// A step whose confirm reports false was not done after all, and runs.
type confirmer interface {
	confirm(ctx context.Context, s *shipper) (bool, error)
}

// A previewer is a step that, with --dry-run, reads what it would act on and
// shows it (on stderr), before the plan is printed: what a release would
// carry, which run it would adopt. It only reads.
type previewer interface {
	preview(ctx context.Context, s *shipper) error
}

// errStop ends a process early without failing (--no-wait once the pull
// request is open): the summary follows.
var errStop = errors.New("stop here")

// always is the default of applies and check: a step that always applies and
// has nothing to check before changes.
type always struct{}

func (always) applies(*shipper) bool                 { return true }
func (always) check(context.Context, *shipper) error { return nil }

// runSteps runs a process: first every check of the steps to do, then each
// step that is not done, in order. With --dry-run it prints the plan instead,
// each step marked done or to do. A step that fails says how to continue (its
// error names the command that does).
func (s *shipper) runSteps(ctx context.Context, process []step) error {
	var todo []step
	for _, st := range process {
		if st.applies(s) && !st.done(s) {
			todo = append(todo, st)
		}
	}
	for _, st := range todo {
		if err := st.check(ctx, s); err != nil {
			return err
		}
	}
	if s.opts.DryRun {
		for _, st := range todo {
			if p, ok := st.(previewer); ok {
				if err := p.preview(ctx, s); err != nil {
					return err
				}
			}
		}
		s.printPlan(process)
		return nil
	}
	for _, st := range process {
		if !st.applies(s) {
			continue
		}
		if st.done(s) {
			c, ok := st.(confirmer)
			if !ok {
				continue
			}
			if confirmed, err := c.confirm(ctx, s); err != nil || confirmed {
				if err != nil {
					return err
				}
				continue
			}
		}
		if err := st.run(ctx, s); err != nil {
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// printPlan prints the process on stdout, one step a line: "✓" done, "-" to do.
func (s *shipper) printPlan(process []step) {
	fmt.Fprintf(s.ios.Out, "Plan for %s (%s process; nothing is changed with --dry-run):\n", s.branch, s.processName())
	for _, st := range process {
		if !st.applies(s) {
			continue
		}
		mark := "-"
		if st.done(s) {
			mark = "✓"
		}
		fmt.Fprintf(s.ios.Out, "%s %s\n", mark, st.describe(s))
	}
}

func (s *shipper) processName() string {
	if s.isExceptional() {
		return "exceptional"
	}
	return "standard"
}

// pushBranch checks the branch (clean, ahead of its base, a releasable base,
// within the size limits) and pushes it. A branch only on GitHub (--branch of
// another clone) is followed as it is there.
type pushBranch struct{ always }

func (pushBranch) describe(s *shipper) string {
	switch {
	case s.remoteOnly:
		return fmt.Sprintf("%s is not in this clone: follow #%d as it is on GitHub", s.branch, s.pr.Number)
	case s.pr != nil && s.pr.State == "MERGED":
		return fmt.Sprintf("%s was pushed and merged", s.branch)
	case s.tip != "" && s.pr != nil && s.pr.HeadRefOid == s.tip:
		return fmt.Sprintf("%s is on %s at %s", s.branch, s.remote, short(s.tip))
	}
	return fmt.Sprintf("Push %s (%s) to %s and set its upstream", s.branch, short(s.tip), s.remote)
}

func (pushBranch) done(s *shipper) bool {
	return s.remoteOnly || (s.pr != nil && s.pr.State == "MERGED") || (s.tip != "" && s.pr != nil && s.pr.HeadRefOid == s.tip)
}

// check reads the local facts; done depends on the tip they give, so the
// runner's first look at done (before any check) sees an empty tip: the check
// runs for an open pull request too, as it must.
func (pushBranch) check(ctx context.Context, s *shipper) error {
	if s.remoteOnly || (s.pr != nil && s.pr.State == "MERGED") {
		return nil
	}
	return s.checkBranch(ctx)
}

// confirm ends the push started ahead, unused: GitHub has the tip.
func (pushBranch) confirm(_ context.Context, s *shipper) (bool, error) {
	s.pusher.Close()
	return true, nil
}

func (pushBranch) run(ctx context.Context, s *shipper) error {
	return s.pushTip(ctx)
}

// openPull opens the pull request into the base, or reuses the open one.
type openPull struct{ always }

func (openPull) describe(s *shipper) string {
	if s.pr != nil {
		return fmt.Sprintf("Pull request #%d: %s", s.pr.Number, s.pr.URL)
	}
	return fmt.Sprintf("Open a pull request from %s into %s titled %q", s.branch, s.base, s.title())
}

func (openPull) done(s *shipper) bool { return s.pr != nil }

func (openPull) confirm(_ context.Context, s *shipper) (bool, error) {
	switch {
	case s.pr.State == "MERGED":
		s.done("Pull request #%d is merged (%s)", s.pr.Number, short(s.pr.MergeCommit))
	case s.remoteOnly:
		s.done("Pull request #%d is open: %s (%s is not in this clone: nothing to push)", s.pr.Number, s.pr.URL, s.branch)
	default:
		s.done("Pull request #%d is open: %s", s.pr.Number, s.pr.URL)
	}
	return true, nil
}

func (openPull) run(ctx context.Context, s *shipper) error { return s.createPull(ctx) }

// labelPull adds the hotfix label (creating it when the repository lacks it)
// and, before the merge, requests the reviews asked for.
type labelPull struct{ always }

func (labelPull) describe(s *shipper) string {
	var parts []string
	if s.pr != nil && s.pr.HasLabel(s.cfg.Label.Name) {
		parts = append(parts, fmt.Sprintf("Labelled %q", s.cfg.Label.Name))
	} else if s.state != nil && !s.state.LabelExists {
		parts = append(parts, fmt.Sprintf("Add the label %q (creating it, #%s)", s.cfg.Label.Name, s.cfg.Label.Color))
	} else {
		parts = append(parts, fmt.Sprintf("Add the label %q", s.cfg.Label.Name))
	}
	if r := s.missingReviewers(); len(r) > 0 && !merged(s) {
		parts = append(parts, "request reviews from "+strings.Join(r, ", "))
	}
	return strings.Join(parts, "; ")
}

func (labelPull) done(s *shipper) bool {
	return s.pr != nil && s.pr.HasLabel(s.cfg.Label.Name) && (merged(s) || len(s.missingReviewers()) == 0)
}

func (labelPull) run(ctx context.Context, s *shipper) error {
	return s.labelAndReviewers(ctx, !merged(s))
}

// autoMergePull enables auto-merge (--auto), or merges right away when the
// pull request can be merged, with a method the repository and its rules allow.
type autoMergePull struct{}

func (autoMergePull) describe(s *shipper) string {
	switch {
	case merged(s):
		return "Merged"
	case s.pr != nil && s.pr.Queue != nil:
		return fmt.Sprintf("In %s's merge queue: %s", s.base, s.pr.Queue.Describe())
	case s.pr != nil && s.pr.AutoMerge != "" && s.state.Queue != nil:
		return fmt.Sprintf("Auto-merge is enabled: GitHub adds the pull request to %s's merge queue once it can join", s.base)
	case s.pr != nil && s.pr.AutoMerge != "":
		return fmt.Sprintf("Auto-merge is enabled (%s)", s.pr.AutoMerge)
	case s.state.Queue != nil:
		front := ""
		if s.opts.Jump {
			front = " at the front"
		}
		return fmt.Sprintf("Add the pull request to %s's merge queue%s (it merges with %s), or enable auto-merge until it can join", s.base, front, s.state.Queue.Method)
	}
	method, _ := s.autoMergeMethod() // refused by check when not allowed
	return fmt.Sprintf("Enable auto-merge (%s), or merge right away if the pull request can be merged", method)
}

func (autoMergePull) applies(s *shipper) bool { return s.opts.Auto }

func (autoMergePull) done(s *shipper) bool {
	return s.pr != nil && (merged(s) || s.pr.AutoMerge != "" || s.pr.Queue != nil)
}

func (autoMergePull) confirm(_ context.Context, s *shipper) (bool, error) {
	switch {
	case merged(s):
	case s.pr.Queue != nil:
		s.queued = true
		s.done("#%d is in %s's merge queue: %s", s.pr.Number, s.base, s.pr.Queue.Describe())
	case s.state.Queue != nil:
		s.done("Auto-merge is enabled: GitHub adds #%d to %s's merge queue once it can join", s.pr.Number, s.base)
	default:
		s.done("Auto-merge is enabled (%s)", s.pr.AutoMerge)
	}
	return true, nil
}

// check refuses, before anything changes, a merge method the repository's
// settings and the base's rules forbid (a merge queue uses its own: nothing
// to refuse then), and --jump where the base has no merge queue.
func (autoMergePull) check(_ context.Context, s *shipper) error {
	if s.state.Queue != nil {
		return nil
	}
	if s.opts.Jump {
		return fmt.Errorf("--jump puts the pull request at the front of the merge queue, and %s has none: run ship --auto without --jump", s.base)
	}
	_, err := s.autoMergeMethod()
	return err
}

func (autoMergePull) run(ctx context.Context, s *shipper) error {
	tip := s.tip
	if tip == "" {
		tip = s.pr.HeadRefOid
	}
	return s.autoMerge(ctx, tip)
}

// waitForMerge waits until the pull request is merged; with --no-wait the
// process stops here, and a later ship continues.
type waitForMerge struct{ always }

func (waitForMerge) describe(s *shipper) string {
	switch {
	case merged(s):
		return fmt.Sprintf("Merged into %s (%s)", s.base, short(s.pr.MergeCommit))
	case s.opts.NoWait:
		return "Stop once the pull request is open (--no-wait): ship again after the merge continues"
	}
	return "Wait for the pull request to be merged"
}

func (waitForMerge) done(s *shipper) bool { return merged(s) }

func (waitForMerge) run(ctx context.Context, s *shipper) error {
	if s.opts.NoWait {
		s.progress("Not waiting for the merge (--no-wait): run %s later to continue.", s.cs.Bold(s.again(withoutNoWait)))
		return errStop
	}
	return s.wait(ctx)
}

// releaseMerge releases the merge exactly once (releaseOnce, release.Protocol).
type releaseMerge struct{}

func (releaseMerge) describe(s *shipper) string {
	if m, ok := recorded(s); ok {
		what := "Released"
		if m.Tag != "" {
			what += " " + m.Tag
		}
		return fmt.Sprintf("%s: %s (recorded on #%d)", what, m.RunURL, s.pr.Number)
	}
	if s.previewed != "" {
		return s.previewed
	}
	wf, inputs := "the release workflow", ""
	if s.plan != nil {
		wf, inputs = s.plan.wf.File(), " with inputs "+formatInputs(s.plan.inputs)
	}
	on := fmt.Sprintf("Dispatch %s on %s%s, once, and record the run on the pull request", wf, s.base, inputs)
	if s.isExceptional() {
		tag := s.opts.Tag
		if tag == "" {
			tag = "the next patch tag after " + s.meta.FromTag
			if s.meta.FromTag == "" {
				tag = "the next patch tag of " + s.exc.from.LinePrefix() + "*"
			}
		}
		on = fmt.Sprintf("Dispatch %s on %s with %s%s, once, and record the run on the pull request", wf, s.base, tag, strings.Replace(inputs, " with inputs", " and inputs", 1))
	}
	return on + " (a release run already on GitHub containing the merge is adopted instead)"
}

func (releaseMerge) applies(s *shipper) bool { return !s.opts.NoRelease }

// done: a release comment for the merge records its run, and this ship asks
// nothing of it (--retry, another --tag).
func (releaseMerge) done(s *shipper) bool {
	m, ok := recorded(s)
	return ok && !s.opts.Retry && (s.opts.Tag == "" || s.opts.Tag == m.Tag)
}

// confirm reads the recorded run: it is the release only if it contains the
// merge (adoptRecorded); then it is reported.
func (releaseMerge) confirm(ctx context.Context, s *shipper) (bool, error) {
	if err := s.refreshMerged(ctx); err != nil {
		return false, err
	}
	m, ok := recorded(s)
	if !ok {
		return false, nil // another ship's record changed meanwhile: decide again
	}
	ours, err := s.adoptRecorded(ctx, m)
	if err != nil || !ours {
		return false, err
	}
	return true, s.released(ctx)
}

// check: inputs a release after the merge would be refused with are refused
// before anything changes; -f values are kept with the branch for it.
func (releaseMerge) check(ctx context.Context, s *shipper) error {
	if merged(s) || (s.opts.NoWait && len(s.opts.Inputs) == 0) {
		return nil
	}
	wf, _, err := s.planRelease(ctx)
	if err != nil {
		return err
	}
	if !s.opts.NoWait {
		if err := s.checkEnabled(ctx, wf); err != nil {
			return err
		}
	}
	return s.keepInputs(ctx)
}

func (releaseMerge) run(ctx context.Context, s *shipper) error {
	if err := s.refreshMerged(ctx); err != nil {
		return err
	}
	return s.releaseOnce(ctx)
}

// preview, on a merged pull request, goes as far as the release would without
// changing anything: the run it would adopt, or what ships (and the tag) and
// the gate; the plan then says what follows.
func (releaseMerge) preview(ctx context.Context, s *shipper) error {
	if !merged(s) {
		return nil
	}
	if err := s.allComments(ctx); err != nil {
		return err
	}
	mergeSHA := s.pr.MergeCommit
	marker, found := release.FindMarker(s.pr.Comments, mergeSHA)
	wf, inputs, err := s.planRelease(ctx)
	if err != nil {
		return err
	}
	if s.opts.Retry {
		s.previewed = fmt.Sprintf("Re-run the failed jobs of the release run recorded on #%d, and record the attempt", s.pr.Number)
		return nil
	}
	if !found {
		run, _, what, err := s.adoptable(ctx, wf, mergeSHA)
		if err != nil {
			return err
		}
		if run != nil {
			s.previewed = fmt.Sprintf("Record %s on #%d, and dispatch nothing", what, s.pr.Number)
			return nil
		}
	}
	if m, ok := recorded(s); ok && s.opts.Tag != "" && s.opts.Tag != m.Tag {
		s.previewed = fmt.Sprintf("Record %s in place of %s on #%d if its run failed, then dispatch %s on %s with it, once", s.opts.Tag, m.Tag, s.pr.Number, wf.File(), s.base)
		return nil
	}
	d := release.Decision{MergeSHA: mergeSHA, Workflow: wf.File(), Ref: s.base, Inputs: inputs}
	proceed, err := s.decide(ctx, &d, marker, found)
	if err != nil {
		return err
	}
	if !proceed {
		s.previewed = fmt.Sprintf("Nothing to release: the merge is already in release %s", s.alreadyIn)
		return nil
	}
	if _, err := s.gate(ctx, mergeSHA, found); err != nil {
		return err
	}
	s.previewed = fmt.Sprintf("Dispatch %s on %s with inputs %s, once, and record the run on #%d", wf.File(), s.base, formatInputs(d.Inputs), s.pr.Number)
	if found {
		s.previewed = "Finish the release an earlier ship started: look for its run, else " + strings.ToLower(s.previewed[:1]) + s.previewed[1:]
	}
	return nil
}

// followRelease follows the release run to its end (--watch). A run that ends
// failed is the outcome (said after the summary, exit 1), not a failure of
// ship. On the exceptional process a wait that ends early (--timeout) does
// not keep the forward-port from opening: it is said after it.
type followRelease struct{}

func (followRelease) describe(*shipper) string {
	return "Follow the release run until it ends (--watch)"
}

func (followRelease) applies(s *shipper) bool { return s.opts.Watch && !s.opts.NoRelease }

func (followRelease) done(*shipper) bool { return false }

func (followRelease) check(context.Context, *shipper) error { return nil }

func (followRelease) run(ctx context.Context, s *shipper) error {
	err := s.watch(ctx)
	switch {
	case errors.Is(err, cmderr.ErrCancel) || ctx.Err() != nil:
		return err
	case err == nil && s.isExceptional():
		s.learnTag(ctx)
		s.checkLatestRelease(ctx)
	case err != nil && s.isExceptional():
		s.unfinished = err
		return nil
	}
	return err
}

// openPostMortem opens the post-mortem issue with the timeline, once.
type openPostMortem struct{}

func (openPostMortem) describe(s *shipper) string {
	if s.postMortemURL != "" {
		return "Post-mortem issue: " + s.postMortemURL
	}
	return fmt.Sprintf("Open a post-mortem issue with the timeline, labelled %s", strings.Join(s.cfg.PostMortem.Labels, ", "))
}

// applies: wanted (--post-mortem, config), and the release was not left
// unfinished.
func (openPostMortem) applies(s *shipper) bool { return s.wantsPostMortem() && s.unfinished == nil }

func (openPostMortem) done(s *shipper) bool { return s.postMortemURL != "" }

func (openPostMortem) check(context.Context, *shipper) error { return nil }

func (openPostMortem) run(ctx context.Context, s *shipper) error { return s.postMortem(ctx) }

// merged reports whether the pull request is merged.
func merged(s *shipper) bool { return s.pr != nil && s.pr.State == "MERGED" }

// recorded is the release comment of the merge when it records a run.
func recorded(s *shipper) (hotfix.ReleaseMarker, bool) {
	if !merged(s) {
		return hotfix.ReleaseMarker{}, false
	}
	m, ok := release.FindMarker(s.pr.Comments, s.pr.MergeCommit)
	return m, ok && m.State == "dispatched" && m.RunID != 0
}
