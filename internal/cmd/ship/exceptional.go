package ship

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/notify"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// exceptionalProcess is the process for a hotfix made with gh hotfix create
// --from-tag, when the base is not releasable: the fix goes into the
// maintenance branch of the release line, the hotfix workflow releases it
// there with the line's next patch tag, and a forward-port pull request
// carries it to the main line. Read top to bottom; as on the standard process
// every step is skipped when done. A release run that fails does not stop the
// forward-port: the fix is merged, and main must not lose it.
func exceptionalProcess() []step {
	return []step{
		pushBranch{},        // as on the standard process, against the maintenance branch
		openPull{},          // into the maintenance branch
		tell{notify.Opened}, // notify: as on the standard process
		labelPull{},         // the hotfix label; reviews
		noteReverted{},      // as on the standard process (a revert is made on the base: never applies here)
		autoMergePull{},     // --auto
		waitForMerge{},      // --no-wait stops here
		tell{notify.Merged},
		releaseMerge{}, // the hotfix workflow with the tag, exactly once (release.Protocol)
		tell{notify.ReleaseStarted},
		followRelease{}, // --watch; an early end (--timeout) is said after the forward-port
		tellOutcomeStep{},
		forwardPort{},    // the forward-port pull request into the main line, once
		openPostMortem{}, // --post-mortem or the config
		tell{notify.PostMortem},
	}
}

// forwardPort opens the forward-port pull request (openForwardPort).
type forwardPort struct{ always }

func (forwardPort) describe(s *shipper) string {
	if fw := s.exc.forward; fw != nil {
		if fw.NotNeeded {
			return fmt.Sprintf("No forward-port needed: %s has the changes", s.exc.mainline)
		}
		return fmt.Sprintf("Forward-port pull request #%d: %s", fw.Number, fw.URL)
	}
	return fmt.Sprintf("Cherry-pick the merged hotfix onto %s in a temporary worktree and open the forward-port pull request into %s labelled %s and %s (or find the one opened)",
		s.exc.mainline, s.exc.mainline, s.cfg.Label.Name, hotfix.ForwardPortLabel)
}

func (forwardPort) applies(s *shipper) bool { return s.exc.backportOf == 0 }

func (forwardPort) done(s *shipper) bool { return s.exc.forward != nil }

func (forwardPort) run(ctx context.Context, s *shipper) error {
	if err := s.refreshMerged(ctx); err != nil {
		return err
	}
	attention, err := s.openForwardPort(ctx)
	s.attention = attention
	return err
}

// exceptionalState is what ship knows of a hotfix of the exceptional process
// (gh hotfix create --from-tag): it merges into the maintenance branch (s.base),
// is released by the hotfix workflow with a new patch tag, and is forward-ported
// to the main line.
type exceptionalState struct {
	mainline string          // where the fix is forward-ported to
	from     release.Version // the release tag the hotfix started from
	tag      string          // the hotfix tag, once decided (or read from the release marker)
	forward  *forwardResult  // the forward-port pull request, once opened or found
	// line is set when ship --pr names a pull request merged into a
	// maintenance branch: no hotfix branch made by create --from-tag, so from
	// is the line's x.y.0 until its tags are read (see hotfixTag).
	line bool
	// backportOf is the pull request a backport (gh hotfix backport) carries
	// the fix of: merged into the main line already, so no forward-port.
	backportOf int
}

// isExceptional reports whether this ship follows the exceptional process.
func (s *shipper) isExceptional() bool { return s.exc != nil }

// loadExceptional is load for the exceptional process. The team's settings are read
// from the main line, in the same request: the checkout holds the release's copy,
// older than the exceptional section that brought the team here.
func (s *shipper) loadExceptional(ctx context.Context) error {
	from, err := release.ParseTag(s.meta.FromTag)
	if err != nil {
		return fmt.Errorf("branch.%s.hotfix-from-tag: %w; start the hotfix again with gh hotfix create --from-tag", s.branch, err)
	}
	s.exc = &exceptionalState{mainline: s.meta.Mainline, from: from}
	if s.exc.mainline == "" {
		return fmt.Errorf("branch.%s.hotfix-mainline is not set: start the hotfix again with gh hotfix create --from-tag", s.branch)
	}
	if s.opts.Tag != "" {
		// Whether the tag exists is known only once tags are listed, before the dispatch.
		if _, err := release.CheckHotfixTag(s.opts.Tag, from, nil); err != nil {
			return err
		}
	}
	// The templates the main line's config names come with it: the ones the
	// release's copy names, or the conventional ones (see readTemplates).
	files := templateGuesses(s.cfg)
	ask := func(configPath string) (*github.ShipState, error) {
		q := github.ShipQuery{Owner: s.repo.Owner, Name: s.repo.Name, Head: s.branch, Base: s.base, Label: s.cfg.Label.Name,
			ConfigRev: s.exc.mainline, ConfigPath: configPath}
		if configPath != "" {
			q.Files = files
		}
		return s.gh.ShipStateQuery(ctx, q)
	}
	st, err := ask(config.Path)
	if err != nil {
		return err
	}
	// The main line's copy comes first: the checkout holds the release's file.
	res, err := config.Resolve(s.cfg, s.localConfig, s.exc.mainline, st.Config)
	if err != nil {
		return err
	}
	if res.BaseCopy != nil {
		s.cfg = *res.BaseCopy
		s.templates = templateSource{rev: s.exc.mainline, fetched: st.Files, asked: files}
		if res.Differs("label.name") {
			if st, err = ask(""); err != nil {
				return err
			}
		}
	}
	if !st.BaseFound {
		// create made it; someone deleted it since, or create stopped before: make
		// it again, once what the run needs is known to be there.
		s.state = st
		s.pickPull()
		if err := s.beforeChanges(ctx); err != nil {
			return err
		}
		s.state, s.pr = nil, nil // read again below
		if err := s.ensureMaintenance(ctx); err != nil {
			return err
		}
		if st, err = ask(""); err != nil {
			return err
		}
		if !st.BaseFound {
			return fmt.Errorf("the maintenance branch %s does not exist in %s/%s", s.base, s.repo.Owner, s.repo.Name)
		}
	}
	s.state = st
	s.pickPull()
	return s.checkTagOption(ctx)
}

// checkTagOption refuses, before anything changes, a --tag that is taken on
// the line (it exists, or another hotfix of the line releases with it) or that
// would be ignored: the release of this merge already decided its tag.
func (s *shipper) checkTagOption(ctx context.Context) error {
	if s.opts.Tag == "" {
		return nil
	}
	if s.pr != nil && s.pr.State == "MERGED" {
		if m, found := release.FindMarker(s.pr.Comments, s.pr.MergeCommit); found && m.Tag != "" {
			// Equal: a re-run; different: the release decides (releaseHotfix, retag).
			return nil
		}
	}
	lt, err := s.readLineTags(ctx)
	if err != nil {
		return err
	}
	_, err = lt.check(s.opts.Tag, s.exc.from)
	return err
}

// ensureMaintenance creates the maintenance branch from the hotfix's release tag.
func (s *shipper) ensureMaintenance(ctx context.Context) error {
	facts, err := s.gh.FromTagFacts(ctx, s.repo.Owner, s.repo.Name, github.FromTagQuery{Tag: s.meta.FromTag})
	if err != nil {
		return err
	}
	if facts.TagCommit == "" {
		return fmt.Errorf("the maintenance branch %s and the tag %s are both missing in %s/%s: start again with gh hotfix create --from-tag",
			s.base, s.meta.FromTag, s.repo.Owner, s.repo.Name)
	}
	if s.opts.DryRun {
		fmt.Fprintf(s.ios.Out, "Would create the maintenance branch %s on GitHub at %s (%s)\n", s.base, s.meta.FromTag, short(facts.TagCommit))
		return nil
	}
	if _, _, err := s.gh.EnsureBranch(ctx, s.repo.Owner, s.repo.Name, s.base, facts.TagCommit); err != nil {
		return fmt.Errorf("creating the maintenance branch %s from %s: %w", s.base, s.meta.FromTag, err)
	}
	s.done("Created the maintenance branch %s from %s", s.base, s.meta.FromTag)
	return nil
}

// hotfixPlan finds the hotfix workflow on the maintenance branch and checks its
// inputs (all but the tag, which is decided after the merge) before anything changes.
func (s *shipper) hotfixPlan(ctx context.Context) (release.Workflow, map[string]string, error) {
	if s.plan != nil {
		return s.plan.wf, s.plan.inputs, nil
	}
	e := s.cfg.Exceptional
	name := s.opts.Workflow
	if name == "" {
		name = e.Workflow
	}
	if name == "" {
		return release.Workflow{}, nil, fmt.Errorf("the exceptional process is not set up: no hotfix workflow in exceptional.workflow of %s:%s; %s, then run %s again",
			s.exc.mainline, config.Path, hotfix.SetUpExceptional, s.again())
	}
	wf, err := release.Find(ctx, s.gh, s.repo.Owner, s.repo.Name, s.base, name)
	if github.IsNotFound(err) {
		return release.Workflow{}, nil, fmt.Errorf("%s is not on %s: GitHub runs a dispatched workflow from the branch it runs on, so add .github/workflows/%s to %s (e.g. cherry-pick the commit that added it to %s), then run %s again",
			name, s.base, name, s.base, s.exc.mainline, s.again())
	}
	if err != nil {
		return release.Workflow{}, nil, err
	}
	declared := map[string]bool{}
	for _, in := range wf.Inputs {
		declared[in.Name] = true
	}
	if !declared[e.TagInput] {
		return release.Workflow{}, nil, fmt.Errorf("%s does not declare the input %q, which receives the hotfix tag: add it under on.workflow_dispatch.inputs (gh hotfix init --workflows --dry-run shows one), or name it in exceptional.tag_input",
			wf.File(), e.TagInput)
	}
	given := map[string]string{}
	for k, v := range e.Inputs {
		given[k] = v
	}
	for k, v := range s.opts.Inputs {
		given[k] = v
	}
	if _, set := given[e.TagInput]; set {
		return release.Workflow{}, nil, fmt.Errorf("the input %q is the hotfix tag, which ship decides: leave it out of -f and exceptional.inputs, and use --tag to choose it", e.TagInput)
	}
	if _, set := given[e.EnvironmentInput]; !set {
		switch {
		case declared[e.EnvironmentInput]:
			given[e.EnvironmentInput] = e.TargetEnvironment()
		case e.Environment != "":
			return release.Workflow{}, nil, fmt.Errorf("%s does not declare the input %q for exceptional.environment: add it, or name the right one in exceptional.environment_input",
				wf.File(), e.EnvironmentInput)
		}
	}
	given[e.TagInput] = s.exc.from.String() // a placeholder of the right form while checking
	origins := release.Origins{Config: "exceptional.inputs", Of: map[string]string{e.TagInput: "--tag"}}
	if _, set := e.Inputs[e.EnvironmentInput]; !set {
		origins.Of[e.EnvironmentInput] = "exceptional.environment"
	}
	for k := range s.opts.Inputs {
		origins.Of[k] = "-f"
	}
	inputs, err := release.ValidateInputs(wf, given, origins)
	if err != nil {
		return release.Workflow{}, nil, err
	}
	delete(inputs, e.TagInput)
	s.plan = &releasePlan{wf: wf, inputs: inputs}
	return wf, inputs, nil
}

// adoptedTag is the hotfix tag of a run of the hotfix workflow that ship did
// not dispatch: GitHub's run API does not show the tag input it was dispatched
// with, so it is the line's tag at the run's commit once the run created it,
// else "" (never one ship decides). The listing replaces hotfixTag's.
func (s *shipper) adoptedTag(ctx context.Context, run github.Run) (string, error) {
	refs, err := s.lineTagRefs(ctx)
	if err != nil {
		return "", err
	}
	return release.TagAt(refs, s.exc.from, run.HeadSHA), nil
}

// learnTag completes the record of an adopted run whose tag was not known when
// it was adopted, once the run created it: one listing of the line's tags, and
// one edit of the release comment when the tag is there. Nothing is asked for
// any other record; a failure leaves the record as it is.
func (s *shipper) learnTag(ctx context.Context) {
	m, run := s.release, s.runInfo
	if m == nil || !m.TagByRun || m.Tag != "" || run == nil || run.HeadSHA == "" {
		return
	}
	tag, err := s.adoptedTag(ctx, *run)
	if err != nil || tag == "" {
		return
	}
	m.Tag, s.exc.tag = tag, tag
	if err := s.editMarker(ctx, m); err != nil {
		s.warn("Could not record the hotfix tag %s on #%d: %v", tag, s.pr.Number, err)
		return
	}
	s.done("Hotfix tag: %s (created by the release run), recorded on #%d", tag, s.pr.Number)
}

// hotfixTag decides the hotfix tag: the one already recorded, else --tag, else the
// patch after the highest tag of the line. since is the line's latest tag, to show
// what ships.
func (s *shipper) hotfixTag(ctx context.Context, recorded string) (tag, since string, err error) {
	if recorded != "" && s.opts.Tag != "" && s.opts.Tag != recorded {
		return "", "", fmt.Errorf("a previous ship decided to release #%d as %s and may have dispatched it already: --tag %s cannot change that; run %s",
			s.pr.Number, recorded, s.opts.Tag, s.again(withoutTag))
	}
	lt, err := s.readLineTags(ctx)
	if err != nil {
		return "", "", err
	}
	since = s.exc.from.String()
	latest := s.exc.from
	for _, t := range lt.existing {
		if v, err := release.ParseTag(t.Name); err == nil && latest.SameLine(v) && (v.Patch > latest.Patch || (s.exc.line && since == s.exc.from.String() && v.Patch == latest.Patch)) && t.Name != recorded {
			latest, since = v, t.Name
		}
	}
	if s.exc.line {
		// A line named by its branch alone: its tags say how it is tagged (the prefix).
		s.exc.from = latest
	}
	switch {
	case recorded != "":
		return recorded, since, nil
	case s.opts.Tag != "":
		v, err := lt.check(s.opts.Tag, s.exc.from)
		if err != nil {
			return "", "", err
		}
		return v.String(), since, nil
	}
	// The next patch after every tag of the line that exists or that another
	// hotfix's release claimed before its run created it.
	v, err := release.NextPatch(s.exc.from, lt.names())
	if err != nil {
		return "", "", err
	}
	if len(lt.claimed) > 0 {
		s.progress("Tags claimed by other hotfixes of %s, not created yet: skipped", s.base)
	}
	for _, run := range s.unrecordedRuns(lt) {
		s.warn("A run of %s started outside gh hotfix is still going on %s (%s): its tag is unknown; if it creates %s, this release's run fails, and ship then says how to release under the next tag",
			path.Base(s.cfg.Exceptional.Workflow), s.base, run.HTMLURL, v)
	}
	return v.String(), since, nil
}

// besidesHotfix are the (short) SHAs of the shipped commits that are not the
// hotfix's own. Its own are the merge commit, its head, its pull request's
// commits, and their copies: a rebase merge puts new commits on the base, with
// the pull request's commits' author, author date and message (a squash merge
// is the merge commit itself).
func besidesHotfix(shipped, pr []github.PullCommit, mergeSHA, headSHA string) []string {
	type identity struct{ email, date, message string }
	id := func(c github.PullCommit) identity {
		return identity{c.Commit.Author.Email, c.Commit.Author.Date, strings.TrimSpace(c.Commit.Message)}
	}
	ours := map[string]bool{mergeSHA: true, headSHA: true}
	copies := map[identity]bool{}
	for _, c := range pr {
		ours[c.SHA] = true
		if c.Commit.Author.Date != "" {
			copies[id(c)] = true
		}
	}
	var others []string
	for _, c := range shipped {
		if !ours[c.SHA] && !copies[id(c)] {
			others = append(others, short(c.SHA))
		}
	}
	return others
}

// unreleasable refuses a base whose tip has failing checks. On the standard path
// it points at the exceptional process (how to use it, or how to set it up).
func (s *shipper) unreleasable(c github.Checks) error {
	failing := strings.Join(c.Failing, ", ")
	if failing == "" {
		failing = strings.ToLower(c.State)
	}
	msg := fmt.Sprintf("%s is not releasable: its latest commit %s has failing checks (%s); fix %s first or pass --force",
		s.base, short(c.SHA), failing, s.base)
	if !s.isExceptional() {
		msg += "; " + hotfix.FromReleaseAdvice(s.cfg.Exceptional.Workflow != "", true)
	}
	return errors.New(msg)
}

// checkLatestRelease warns when the hotfix's release of an older line became the
// repository's Latest release: GitHub makes every new release Latest unless
// make_latest is "false", and the next create --from-latest-release would then
// start from the old line. Two requests, after a release run followed to success.
func (s *shipper) checkLatestRelease(ctx context.Context) {
	if latest, err := s.gh.LatestReleaseTag(ctx, s.repo.Owner, s.repo.Name); err != nil || latest != s.exc.tag {
		return
	}
	ours, err := release.ParseTag(s.exc.tag)
	if err != nil {
		return
	}
	releases, err := s.gh.Releases(ctx, s.repo.Owner, s.repo.Name)
	if err != nil {
		return
	}
	var newest release.Version
	var newestTag string
	var newestID int64
	for _, r := range releases {
		v, err := release.ParseTag(r.TagName)
		if err != nil || r.Draft || r.Prerelease || !v.After(ours) || (newestTag != "" && !v.After(newest)) {
			continue
		}
		newest, newestTag, newestID = v, r.TagName, r.ID
	}
	if newestTag == "" {
		return
	}
	s.warn("%s became the Latest release of %s/%s although %s is newer, so gh hotfix create --from-latest-release would start from %s; make %s Latest again: gh api -X PATCH repos/%s/%s/releases/%d -f make_latest=true",
		s.exc.tag, s.repo.Owner, s.repo.Name, newestTag, s.exc.tag, newestTag, s.repo.Owner, s.repo.Name, newestID)
}

// tagTaken reports, for a failed release of the exceptional process, that its
// tag was created by another release meanwhile — a tag of the line that does
// not contain this merge — and the next free tag to release it with instead.
func (s *shipper) tagTaken(ctx context.Context, m *hotfix.ReleaseMarker) (next string, taken bool, err error) {
	lt, err := s.readLineTags(ctx)
	if err != nil {
		return "", false, err
	}
	if !slices.ContainsFunc(lt.existing, func(t github.TagRef) bool { return t.Name == m.Tag }) {
		return "", false, nil // never created: not taken, the run failed elsewhere
	}
	ours, err := s.contains(ctx, s.pr.MergeCommit, m.Tag)
	if err != nil || ours {
		return "", false, err
	}
	v, err := release.NextPatch(s.exc.from, lt.names())
	if err != nil {
		return "", false, err
	}
	return v.String(), true, nil
}

// retag releases the merge again under the tag --tag gives, when its release
// run failed without releasing it: its tag was taken by another release
// meanwhile, or never created. The release comment is changed to the new tag
// before the new dispatch (so a ship that stops in between resumes with it);
// a release that succeeded, is running, or created its tag is never redone.
func (s *shipper) retag(ctx context.Context, m *hotfix.ReleaseMarker) error {
	run := s.runInfo
	switch {
	case run == nil:
		return fmt.Errorf("#%d is released as %s (%s, a run no longer on GitHub): --tag %s cannot change it; run %s", s.pr.Number, m.Tag, m.RunURL, s.opts.Tag, s.again(withoutTag))
	case run.Succeeded():
		return fmt.Errorf("#%d is released as %s (%s succeeded): --tag %s cannot change a release; run %s", s.pr.Number, m.Tag, m.RunURL, s.opts.Tag, s.again(withoutTag))
	case !run.Failed():
		return fmt.Errorf("#%d is being released as %s (%s is %s): --tag %s cannot change it; follow it with %s",
			s.pr.Number, m.Tag, m.RunURL, strings.ReplaceAll(run.Status, "_", " "), s.opts.Tag, s.again(withoutTag, withWatch))
	}
	lt, err := s.readLineTags(ctx)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(lt.existing, func(t github.TagRef) bool { return t.Name == m.Tag }) {
		if ours, err := s.contains(ctx, s.pr.MergeCommit, m.Tag); err != nil {
			return err
		} else if ours {
			return fmt.Errorf("%s exists and contains this hotfix: the failed run %s released it in part; re-run its failed jobs with %s rather than release it again under another tag",
				m.Tag, m.RunURL, s.again(withoutTag, withRetry))
		}
	}
	v, err := lt.check(s.opts.Tag, s.exc.from)
	if err != nil {
		return err
	}
	wf, inputs, err := s.hotfixPlan(ctx)
	if err != nil {
		return err
	}
	send := withInput(inputs, s.cfg.Exceptional.TagInput, v.String())
	old := m.Tag
	m.State, m.Tag, m.RunID, m.RunURL, m.Attempt, m.TagByRun, m.Adopted = "dispatching", v.String(), 0, "", 0, false, ""
	m.Since = time.Now().UTC().Truncate(time.Second)
	if err := s.editMarker(ctx, m); err != nil {
		return fmt.Errorf("recording %s in place of %s on #%d: %w; nothing was dispatched", v, old, s.pr.Number, err)
	}
	s.exc.tag = m.Tag
	s.done("Hotfix tag: %s in place of %s, whose release failed (recorded on #%d)", v, old, s.pr.Number)
	d := release.Decision{MergeSHA: m.MergeSHA, Workflow: wf.File(), Ref: s.base, Inputs: send, Tag: m.Tag, TagInput: s.cfg.Exceptional.TagInput}
	out, err := s.protocol().DispatchClaimed(ctx, d, *m)
	return s.dispatched(d.Workflow, out, err)
}

// pickLinePull takes the pull request --pr names when it was merged into the
// maintenance branch of release line major.minor rather than into the base:
// it is released as a hotfix of the exceptional process, with the line's next
// patch tag, by the hotfix workflow on that branch. The base becomes the main
// line its forward-port goes to — none for a backport (its record says which
// pull request brought the fix to the base already). GitHub is asked once more,
// with the maintenance branch as the base: its tip, checks and runs.
func (s *shipper) pickLinePull(ctx context.Context, major, minor int) error {
	line, mainline := s.state.ByNumber.BaseRefName, s.base
	st, err := s.gh.ShipStateQuery(ctx, github.ShipQuery{Owner: s.repo.Owner, Name: s.repo.Name, Head: s.state.ByNumber.HeadRefName,
		Base: line, Label: s.cfg.Label.Name, Number: s.prRef.Number})
	if err != nil {
		return err
	}
	if st.ByNumber == nil || st.ByNumber.State != "MERGED" || st.ByNumber.BaseRefName != line {
		return fmt.Errorf("pull request #%d changed while ship read it: run %s again", s.prRef.Number, s.again())
	}
	bn := st.ByNumber
	s.state, s.base, s.branch, s.pr = st, line, bn.HeadRefName, &bn.PullRequest
	s.exc = &exceptionalState{mainline: mainline, from: release.Version{Prefix: "v", Major: major, Minor: minor}, line: true}
	if rec, ok := hotfix.ParseBackport(bn.Body); ok && !bn.CrossRepository && rec.Line == line {
		s.exc.backportOf = rec.Of
	} else if s.remote == "" {
		return fmt.Errorf("pull request #%d was merged into the maintenance branch %s: ship releases it and forward-ports it to %s, which needs a clone with a remote for %s/%s; run it in one",
			bn.Number, line, mainline, s.repo.Owner, s.repo.Name)
	}
	return nil
}
