package ship

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// jsonFields are the fields --json can select from ship's result.
var jsonFields = []string{"number", "url", "state", "branch", "base", "mergeCommit", "release", "postMortem", "tag", "forwardPort"}

// shipper carries one run of ship. Every step checks GitHub's and git's state
// before it acts, so running ship again after any interruption continues where
// the previous run stopped, without duplicates.
type shipper struct {
	f      *command.Factory
	opts   *ShipOptions
	ios    *iostreams.IOStreams
	cs     *iostreams.ColorScheme
	g      *git.Client
	gh     gitHub
	repo   repository.Repository
	cfg    config.Config
	branch string
	base   string
	remote string
	meta   hotfix.Meta
	state  *github.ShipState
	pr     *github.PullRequest
	// release is filled once the release is dispatched or found.
	release *hotfix.ReleaseMarker
	runInfo *github.Run
	// remoteOnly: --branch names a branch this clone does not have (only on
	// GitHub, or merged and deleted); ship follows its pull request.
	remoteOnly bool
	// body is the pull request's body, read before anything changes.
	body *string
	// alreadyIn is the release that already contains the merge commit (a
	// release cut after the merge), found while listing what will ship.
	alreadyIn string
	// runPoller re-reads the release run conditionally once it was read.
	runPoller *github.Poller
	// plan is the release workflow and its inputs, resolved once.
	plan *releasePlan
	// postMortemURL is the post-mortem issue, once opened or found.
	postMortemURL string
	// localConfig is true when the checkout has .github/hotfix.yml; else the base's copy counts.
	localConfig bool
	// templates is where the templates the config names are read: where the
	// config came from (see readTemplates).
	templates templateSource
	// prTemplate and postMortemTemplate are the templates' texts, read before
	// anything changes; nil when not configured or not needed.
	prTemplate, postMortemTemplate *string
	// checked is set once beforeChanges passed.
	checked bool
	// exc is set for a hotfix of the exceptional process (create --from-tag).
	exc *exceptionalState
	// fresh is true while state describes the merged pull request as it is: it was
	// merged before this run read it (a resumed ship), or was read again since.
	fresh bool
	// paths are the checkout's top folder, git folder and hooks folder.
	paths git.Paths
	// pusher is the push started while GitHub answers the first query, held until
	// that answer says to push (see startPush); nil when none was started.
	pusher *git.Pusher
	// refs are the branch's and the remote-tracking branches' tips, read by resolve.
	refs map[string]string
	// localCh delivers the local facts read while GitHub answers (see startLocal).
	localCh chan local
	// tip is the local branch's commit to ship, read by pushBranch's check.
	tip string
	// refreshed is set once refreshMerged read the merged pull request again.
	refreshed bool
	// unfinished is a wait for the release run that ended early on the
	// exceptional process: said once the forward-port is open.
	unfinished error
	// attention is the forward-port's need of a person (conflicts): exit 3 after the summary.
	attention error
	// previewed is what the release step would do, as a dry run's preview found it.
	previewed string
	// prRef is the merged pull request --pr names; ship learns its branch from
	// the first query.
	prRef *hotfix.PullRef
	// queued is set once the pull request was seen in the base's merge queue
	// (or added to it) by this run; joinWhenReady while ship is to add it
	// itself, at joinTip, once it can join (see joinQueue).
	queued, joinWhenReady bool
	joinTip               string
	// queueBaseline is the pull request's latest queue event when the wait
	// first read it (queueSeen): a removal newer than it happened during the wait.
	queueBaseline string
	queueSeen     bool
	// supersede is what superseded found of a cancelled release run, read once
	// (the notification and the outcome both ask).
	supersede *supersession
}

// progress prints a status line on stderr (progress never goes to stdout).
func (s *shipper) progress(format string, args ...any) {
	fmt.Fprintf(s.ios.ErrOut, format+"\n", args...)
}

func (s *shipper) done(format string, args ...any) {
	s.progress(s.cs.SuccessIcon()+" "+format, args...)
}

func (s *shipper) warn(format string, args ...any) {
	s.progress(s.cs.WarningIcon()+" "+format, args...)
}

// run ships the hotfix branch: it reads git's and GitHub's side, refuses
// what cannot continue, then runs the branch's process (standardProcess or
// exceptionalProcess), and prints the result.
func run(ctx context.Context, f *command.Factory, opts *ShipOptions) error {
	if err := opts.JSON.CheckFields(jsonFields); err != nil {
		return err
	}
	s, err := ship(ctx, f, opts)
	if err != nil || opts.DryRun {
		return err
	}
	if s.unfinished != nil {
		return s.unfinished
	}
	// A release run that failed is the outcome: the result (--json included)
	// came first, then ship exits 1 saying what failed.
	outcome := s.releaseOutcome(ctx)
	if err := s.summary(); err != nil {
		return err
	}
	if outcome != nil {
		return outcome
	}
	return s.attention
}

// ship reads git's and GitHub's side, refuses what cannot continue, then runs
// the branch's process; the result is the caller's to say.
func ship(ctx context.Context, f *command.Factory, opts *ShipOptions) (*shipper, error) {
	s := &shipper{f: f, opts: opts, ios: f.IOStreams, cs: f.IOStreams.ColorScheme()}
	if err := s.resolve(ctx); err != nil {
		return nil, err
	}
	// A push started ahead and not used ends having sent nothing, however run ends;
	// the local read started beside the first query ends before ship returns (git
	// status may refresh the index: nothing of ship runs on after it).
	defer func() {
		s.pusher.Close()
		if s.localCh != nil {
			<-s.localCh
			s.localCh = nil
		}
	}()
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	if err := s.beforeChanges(ctx); err != nil {
		return nil, err
	}
	if err := s.refuse(); err != nil {
		return nil, err
	}
	s.fresh = merged(s) // read as merged: current
	process := standardProcess()
	if s.isExceptional() {
		process = exceptionalProcess()
	}
	return s, s.runSteps(ctx, process)
}

// Released is what ship did for a merged pull request of a maintenance line,
// for a command that ships in-process (gh hotfix backport).
type Released struct {
	Number int    // the pull request
	Tag    string // the line's release tag, once decided
	RunURL string // the release run, once dispatched or adopted
	// Failed is set when the release run is known to have failed.
	Failed bool
}

// ShipMerged releases a merged pull request (opts.PR) exactly once, as ship
// --pr does, saying its steps on stderr and nothing on stdout: the caller
// reports the result.
func ShipMerged(ctx context.Context, f *command.Factory, opts *ShipOptions) (Released, error) {
	s, err := ship(ctx, f, opts)
	if s == nil {
		return Released{}, err
	}
	r := Released{}
	if s.pr != nil {
		r.Number = s.pr.Number
	}
	if s.isExceptional() {
		r.Tag = s.exc.tag
	}
	if s.release != nil {
		r.RunURL = s.release.RunURL
	}
	r.Failed = s.runInfo != nil && s.runInfo.Failed()
	return r, err
}

// refuse stops, before any step, a ship that cannot continue: a branch only
// on GitHub without a pull request, --retry before the merge, a pull request
// closed unmerged.
func (s *shipper) refuse() error {
	if s.pr != nil && s.pr.State != "OPEN" {
		s.pusher.Close()
	}
	if s.remoteOnly && s.pr == nil {
		return fmt.Errorf("%s is not in this clone, and %s/%s has no pull request from it into %s: check the name (gh pr list --search \"head:%s\"), or run ship in the clone that made it",
			s.branch, s.repo.Owner, s.repo.Name, s.base, s.branch)
	}
	if s.opts.Retry && (s.pr == nil || s.pr.State != "MERGED") {
		what := "has no pull request"
		if s.pr != nil {
			what = fmt.Sprintf("is not merged (#%d is %s)", s.pr.Number, strings.ToLower(s.pr.State))
		}
		return fmt.Errorf("--retry re-runs a failed release run, and %s %s: run %s without --retry", s.branch, what, s.again())
	}
	if s.pr != nil && s.pr.State == "CLOSED" {
		return fmt.Errorf("pull request #%d was closed without being merged: reopen it (gh pr reopen %d%s) and run %s again", s.pr.Number, s.pr.Number, s.repoArg(), s.again())
	}
	return nil
}

// refreshMerged reads the merged pull request again, once, before what
// follows the merge: after a wait, the comments (another ship may have
// released meanwhile) and the base's history now include the merge; on the
// exceptional process the comments and the head as merged, even when it was
// merged before this ship (a ship may have released meanwhile, and this one
// may not have pushed the last commits).
func (s *shipper) refreshMerged(ctx context.Context) error {
	if s.refreshed {
		return nil
	}
	s.refreshed = true
	if !s.fresh {
		return s.reload(ctx)
	}
	if s.isExceptional() {
		if pr, err := s.gh.Pull(ctx, s.pr.ID); err == nil {
			s.pr.Comments, s.pr.CommentsBefore, s.pr.HeadRefOid, s.pr.Title = pr.Comments, pr.CommentsBefore, pr.HeadRefOid, pr.Title
			if pr.MergeCommit != "" {
				s.pr.MergeCommit = pr.MergeCommit
			}
		}
	}
	return nil
}

// nothingToRetry is --retry's refusal when no release run is recorded.
func (s *shipper) nothingToRetry() error {
	return fmt.Errorf("nothing to retry: no release run of #%d is recorded; run %s without --retry to release it", s.pr.Number, s.again())
}

// resolve finds the branch, its recorded metadata, the repository and the config.
func (s *shipper) resolve(ctx context.Context) error {
	g, err := s.f.Git()
	if err != nil {
		return err
	}
	s.g = g
	// git is asked in two rounds of commands run side by side: where the checkout
	// is and which branch; then the branch's metadata, its refs and the remotes.
	var paths git.Paths
	var pathsErr, branchErr error
	s.branch = s.opts.Branch
	if s.opts.PR != "" {
		ref, err := hotfix.ParsePullRef(s.opts.PR)
		if err != nil {
			return err
		}
		s.prRef = &ref
	}
	parallel(func() { paths, pathsErr = g.Paths(ctx) }, func() {
		if s.branch == "" && s.prRef == nil {
			s.branch, branchErr = g.CurrentBranch(ctx)
		}
	})
	if pathsErr != nil {
		return errors.New("not inside a git checkout: run gh hotfix ship in the clone holding the hotfix branch")
	}
	if branchErr != nil {
		return fmt.Errorf("%w: switch to the hotfix branch or pass --branch", branchErr)
	}
	s.paths = paths
	var meta hotfix.Meta
	var found bool
	var remotes map[string]git.Remote
	var metaErr, refsErr, remotesErr error
	parallel(
		func() {
			if s.prRef == nil {
				meta, found, metaErr = hotfix.LoadMeta(ctx, g, s.branch)
			}
		},
		func() { s.refs, refsErr = g.ForEachRef(ctx, "refs/heads/"+s.branch, "refs/remotes/") },
		func() { remotes, remotesErr = g.Remotes(ctx) },
	)
	if err := errors.Join(metaErr, refsErr, remotesErr); err != nil {
		return err
	}
	if s.prRef != nil {
		// The pull request is merged: ship follows it on GitHub, whatever this
		// clone has of its branch (named by the first query).
		s.remoteOnly = true
	} else if s.refs["refs/heads/"+s.branch] == "" {
		if s.opts.Branch == "" {
			return fmt.Errorf("branch %s has no commits yet: commit the fix first", s.branch)
		}
		// Only on GitHub, or merged and deleted: ship follows its pull request.
		s.remoteOnly = true
	}
	s.meta = meta
	repoFlag := s.opts.Repo
	if repoFlag == "" && found && meta.Repo != "" && s.f.Getenv("GH_REPO") == "" {
		repoFlag = meta.Repo
	}
	if s.repo, err = s.f.BaseRepo(repoFlag); err != nil {
		return err
	}
	if s.cfg, s.localConfig, err = config.Load(paths.TopLevel); err != nil {
		return err
	}
	if s.prRef != nil {
		if err := s.prRef.NotOf(s.repo.Host, s.repo.Owner, s.repo.Name, s.opts.PR, "ship"); err != nil {
			return err
		}
	}
	if !found && s.prRef == nil && !strings.HasPrefix(s.branch, s.cfg.BranchPrefix) {
		if s.opts.Branch == "" {
			return s.notAHotfixBranch(ctx)
		}
		return fmt.Errorf("%s is not a hotfix branch: check --branch, or start one with gh hotfix create", s.branch)
	}
	if s.opts.Tag != "" && !meta.Exceptional() {
		return fmt.Errorf("--tag is for hotfixes from a release tag (gh hotfix create --from-tag); %s releases with the release workflow", s.branch)
	}
	s.remote = meta.Remote
	if _, ok := remotes[s.remote]; !ok {
		// A merged pull request (--pr) is followed on GitHub alone: no remote needed.
		if s.remote, ok = hotfix.RemoteFor(remotes, s.repo.Host, s.repo.Owner, s.repo.Name); !ok && s.prRef == nil {
			return fmt.Errorf("this checkout has no remote for %s/%s/%s: add one with git remote add", s.repo.Host, s.repo.Owner, s.repo.Name)
		}
	}
	if s.f.GitAuth != nil {
		g.Env = append(g.Env, s.f.GitAuth(s.repo.Host, append([]string{remotes[s.remote].FetchURL}, remotes[s.remote].PushURLs...)...)...)
	}
	s.base = meta.Base
	if s.base == "" {
		s.base = s.cfg.Base
	}
	gh, err := s.f.GitHubClient(s.repo.Host)
	if err != nil {
		return err
	}
	s.gh = gh
	return nil
}

// load reads GitHub's side in one request and picks the pull request to continue.
// Without a config in the checkout, the base's copy comes with the same request;
// only when it names another label or base is GitHub asked again.
func (s *shipper) load(ctx context.Context) error {
	if s.meta.Exceptional() {
		return s.loadExceptional(ctx)
	}
	configPath := ""
	if !s.localConfig {
		configPath = config.Path
	}
	if s.base == "" {
		// A branch not made by create and no configured base: use the default branch.
		facts, err := s.gh.CreateFacts(ctx, s.repo.Owner, s.repo.Name, "", "", 0, configPath)
		if err != nil {
			return err
		}
		s.base = facts.DefaultBranch
		if configPath != "" {
			configPath = ""
			if facts.Config != nil {
				s.templates.rev = facts.DefaultBranch
			}
			if _, err := s.useRemoteConfig(facts.Config); err != nil {
				return err
			}
		}
	}
	// Templates named in a config read on GitHub come with the same request:
	// the paths it names when it is read already, else the likely ones.
	var files []string
	configRev := s.base
	switch {
	case configPath != "":
		files = templateGuesses(s.cfg)
	case s.templates.rev != "":
		configRev = s.templates.rev
		for _, p := range []string{s.cfg.PullRequest.Template, s.cfg.PostMortem.Template} {
			if p != "" && !slices.Contains(files, p) {
				files = append(files, p)
			}
		}
	}
	if s.base != "" && !s.opts.DryRun && s.prRef == nil {
		s.startLocal(ctx)
		s.startPush(ctx)
	}
	st, err := s.gh.ShipStateQuery(ctx, github.ShipQuery{Owner: s.repo.Owner, Name: s.repo.Name, Head: s.branch,
		Base: s.base, Label: s.cfg.Label.Name, ConfigRev: configRev, ConfigPath: configPath, Reviewers: s.userReviewers(), Files: files,
		Number: s.prNumber()})
	if err != nil {
		return err
	}
	if s.templates.rev != "" || (configPath != "" && st.Config != nil) {
		s.templates = templateSource{rev: configRev, fetched: st.Files, asked: files}
	}
	if len(st.UnknownReviewers) > 0 {
		return fmt.Errorf("no GitHub user %s: check --reviewer and reviewers in .github/hotfix.yml", strings.Join(st.UnknownReviewers, ", "))
	}
	if err := s.checkTeams(); err != nil {
		return err
	}
	if configPath != "" && st.Config != nil {
		askedBase := s.base
		res, err := s.useRemoteConfig(st.Config)
		if err != nil {
			return err
		}
		if res.AskAgain("label.name") || s.base != askedBase {
			if st, err = s.gh.ShipStateQuery(ctx, github.ShipQuery{Owner: s.repo.Owner, Name: s.repo.Name, Head: s.branch,
				Base: s.base, Label: s.cfg.Label.Name, Number: s.prNumber()}); err != nil {
				return err
			}
		}
	}
	s.state = st
	if !st.BaseFound {
		return fmt.Errorf("base branch %q does not exist in %s/%s", s.base, s.repo.Owner, s.repo.Name)
	}
	if s.prRef != nil {
		return s.pickNamedPull(ctx)
	}
	s.pickPull()
	return nil
}

// prNumber is the pull request --pr names, 0 without --pr.
func (s *shipper) prNumber() int {
	if s.prRef == nil {
		return 0
	}
	return s.prRef.Number
}

// pickNamedPull takes the pull request --pr names, once GitHub said what it
// is: merged into the base, it is shipped as any merged hotfix (its branch,
// perhaps deleted, is only its name). Anything else is refused before
// anything changes.
func (s *shipper) pickNamedPull(ctx context.Context) error {
	n, repo := s.prRef.Number, s.repo.Owner+"/"+s.repo.Name
	bn := s.state.ByNumber
	if bn != nil && bn.State == "MERGED" && bn.BaseRefName != s.base {
		if major, minor, ok := s.cfg.Exceptional.LineOf(bn.BaseRefName); ok {
			return s.pickLinePull(ctx, major, minor)
		}
	}
	switch {
	case bn == nil:
		return fmt.Errorf("%s has no pull request #%d: check the number (gh pr list --state merged%s)", repo, n, s.repoArg())
	case bn.State == "OPEN":
		return fmt.Errorf("pull request #%d is open: ship --pr releases a pull request already merged; merge it first, or ship its branch with gh hotfix ship --branch %s", n, command.ShellQuote(bn.HeadRefName))
	case bn.State == "CLOSED":
		return fmt.Errorf("pull request #%d was closed without being merged: there is nothing of it to release", n)
	case bn.BaseRefName != s.base:
		return fmt.Errorf("pull request #%d was merged into %s, neither the base %s nor a maintenance branch (%s): ship --pr releases a fix merged into either (set base or exceptional.maintenance_branch in %s)",
			n, bn.BaseRefName, s.base, s.cfg.Exceptional.Template(), config.Path)
	}
	s.branch = bn.HeadRefName
	s.pr = &bn.PullRequest
	return nil
}

// pickPull picks the branch's pull request into the base to continue: an open one
// wins; else the newest merged one (resume the release); a closed one only matters
// when nothing else exists. None leaves s.pr nil.
func (s *shipper) pickPull() {
	for _, state := range []string{"OPEN", "MERGED", "CLOSED"} {
		for i := range s.state.Pulls {
			if p := &s.state.Pulls[i]; p.State == state && p.BaseRefName == s.base {
				s.pr = p
				return
			}
		}
	}
}

// reload reads GitHub's side again (one request) and follows the same pull request.
func (s *shipper) reload(ctx context.Context) error {
	st, err := s.gh.ShipStateQuery(ctx, github.ShipQuery{Owner: s.repo.Owner, Name: s.repo.Name, Head: s.branch,
		Base: s.base, Label: s.cfg.Label.Name, Number: s.prNumber()})
	if err != nil {
		return err
	}
	if s.prRef != nil && st.ByNumber != nil {
		s.state, s.pr, s.fresh = st, &st.ByNumber.PullRequest, true
		return nil
	}
	for i := range st.Pulls {
		if st.Pulls[i].Number == s.pr.Number {
			s.state, s.pr, s.fresh = st, &st.Pulls[i], true
			return nil
		}
	}
	return fmt.Errorf("pull request #%d is no longer listed for %s", s.pr.Number, s.branch)
}

// useRemoteConfig adopts the base branch's config (when there is one); its base
// applies unless create recorded one with the branch.
func (s *shipper) useRemoteConfig(text *string) (config.Resolution, error) {
	res, err := config.Resolve(s.cfg, s.localConfig, s.base, text)
	if err != nil {
		return res, err
	}
	s.cfg = res.Config
	if s.meta.Base == "" && res.AskAgain("base") {
		s.base = s.cfg.Base
	}
	return res, nil
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// bodyText returns the pull request body from --body, --body-file, the configured
// template (read by readTemplates) or the default checklist, closing the hotfix's
// issue (create --issue) in every case: a body of one's own must not lose the link
// to the issue. readBody adds the pull request a revert reverts.
func (s *shipper) bodyText(ctx context.Context) (string, error) {
	var body string
	switch {
	case s.opts.Body != "":
		body = s.opts.Body
	case s.opts.BodyFile == "-":
		b, err := io.ReadAll(s.ios.In)
		if err != nil {
			return "", fmt.Errorf("reading the body from standard input: %w", err)
		}
		body = string(b)
	case s.opts.BodyFile != "":
		b, err := os.ReadFile(s.opts.BodyFile)
		if err != nil {
			return "", fmt.Errorf("reading --body-file: %w", err)
		}
		body = string(b)
	case s.cfg.PullRequest.Template != "":
		if s.prTemplate == nil {
			if err := s.readTemplates(ctx); err != nil {
				return "", err
			}
		}
		if s.prTemplate == nil {
			return defaultBody(s.meta.Description, s.meta.Issue), nil
		}
		body = *s.prTemplate
	default:
		return defaultBody(s.meta.Description, s.meta.Issue), nil
	}
	return withIssue(body, s.meta.Issue), nil
}

// withIssue appends "Fixes #N" unless the body already closes issue N.
func withIssue(body string, issue int) string {
	closes := regexp.MustCompile(fmt.Sprintf(`(?i)\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\s+#%d\b`, issue))
	if issue > 0 && !closes.MatchString(body) {
		body = strings.TrimRight(body, "\n") + fmt.Sprintf("\n\nFixes #%d\n", issue)
	}
	return body
}

// defaultBody is the checklist the seed's best practices ask of every hotfix.
func defaultBody(description string, issue int) string {
	var b strings.Builder
	b.WriteString("## Hotfix\n\n")
	if description != "" {
		fmt.Fprintf(&b, "**What broke:** %s\n\n", description)
	}
	b.WriteString(`**The fix:** <!-- the minimal change, in a sentence or two -->

**How it was tested:** <!-- tests run, environments checked -->

### Checklist
- [ ] The change is minimal and focused on the incident
- [ ] Tested despite the urgency (CI green, manual check where needed)
- [ ] The team and stakeholders know the fix is on its way
- [ ] Post-mortem: link to come after the deploy

<sub>Opened with gh hotfix ship.</sub>
`)
	return withIssue(b.String(), issue)
}

// summary prints the result: on stdout the PR URL (or --json), on a terminal more.
func (s *shipper) summary() error {
	result := map[string]any{"number": 0, "url": "", "state": "", "branch": s.branch, "base": s.base, "mergeCommit": nil, "release": nil,
		"postMortem": nullIfEmpty(s.postMortemURL)}
	if s.pr != nil {
		result["number"], result["url"], result["state"] = s.pr.Number, s.pr.URL, s.pr.State
		if s.pr.MergeCommit != "" {
			result["mergeCommit"] = s.pr.MergeCommit
		}
	}
	if s.release != nil && s.release.RunID != 0 {
		rel := map[string]any{"workflow": s.release.Workflow, "runId": s.release.RunID, "url": s.release.RunURL,
			"status": "", "conclusion": "", "attempt": max(s.release.Attempt, 1)}
		if s.runInfo != nil {
			rel["status"], rel["conclusion"] = s.runInfo.Status, s.runInfo.Conclusion
			if s.runInfo.RunAttempt > 0 {
				rel["attempt"] = s.runInfo.RunAttempt
			}
		}
		result["release"] = rel
	}
	result["tag"], result["forwardPort"] = nil, nil
	if s.isExceptional() {
		result["tag"] = nullIfEmpty(s.exc.tag)
		if fw := s.exc.forward; fw != nil {
			result["forwardPort"] = fw.export()
		}
	}
	if len(s.opts.JSON.Fields) > 0 {
		return s.opts.JSON.Write(s.ios, result)
	}
	if s.pr != nil {
		fmt.Fprintln(s.ios.Out, s.pr.URL)
	}
	if s.release != nil && s.release.RunURL != "" {
		fmt.Fprintln(s.ios.Out, s.release.RunURL)
	}
	if s.isExceptional() && s.exc.forward != nil && s.exc.forward.URL != "" {
		fmt.Fprintln(s.ios.Out, s.exc.forward.URL)
	}
	if s.postMortemURL != "" {
		fmt.Fprintln(s.ios.Out, s.postMortemURL)
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// parallel runs the functions side by side and waits for all of them.
func parallel(fns ...func()) {
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	wg.Wait()
}

// checkTeams refuses, before anything changes, a team reviewer of another
// organization: GitHub can only ask teams of the organization that owns the
// repository, and ship asks by slug, which would name a different team there.
func (s *shipper) checkTeams() error {
	for _, r := range s.reviewers() {
		org, team, ok := strings.Cut(r, "/")
		if ok && !strings.EqualFold(org, s.repo.Owner) {
			return fmt.Errorf("cannot request a review from team %s/%s on %s/%s: only teams of %s can review its pull requests; check --reviewer and reviewers in .github/hotfix.yml",
				org, team, s.repo.Owner, s.repo.Name, s.repo.Owner)
		}
	}
	return nil
}

// notAHotfixBranch is ship's answer on a branch that is no hotfix (say, main
// after a merge): the merged hotfix pull requests that have no release yet, with
// the command that releases each. One request, on this path only.
func (s *shipper) notAHotfixBranch(ctx context.Context) error {
	plain := fmt.Errorf("%s is not a hotfix branch: start one with gh hotfix create, or pass --branch", s.branch)
	base := s.cfg.Base
	if base == "" {
		base = s.branch
	}
	gh, err := s.f.GitHubClient(s.repo.Host)
	if err != nil {
		return plain
	}
	list, err := gh.UnreleasedHotfixes(ctx, s.repo.Owner, s.repo.Name, base, s.cfg.Label.Name, func(body, sha string) bool {
		m, ok := hotfix.ParseReleaseMarker(body)
		return ok && m.MergeSHA == sha && m.State == "dispatched"
	})
	if err != nil || len(list) == 0 {
		return plain
	}
	release := func(head string) string {
		return s.again(func(o *ShipOptions) { o.Branch, o.NoRelease, o.NoWait = head, false, false })
	}
	if len(list) == 1 {
		u := list[0]
		return fmt.Errorf("%s is not a hotfix branch, and hotfix #%d (%s) was merged into %s without a release: release it with %s",
			s.branch, u.Number, u.Title, base, release(u.Head))
	}
	fmt.Fprintf(s.ios.ErrOut, "Merged hotfixes into %s with no release yet:\n", base)
	for _, u := range list {
		fmt.Fprintf(s.ios.ErrOut, "  #%d %s\n    %s\n", u.Number, u.Title, release(u.Head))
	}
	return fmt.Errorf("%s is not a hotfix branch, and %d merged hotfixes have no release: release each with the command listed above", s.branch, len(list))
}

// keepInputs records the -f values given before the merge with the branch, so
// that the release after the merge (a later ship) dispatches with them.
func (s *shipper) keepInputs(ctx context.Context) error {
	if len(s.opts.Inputs) == 0 || s.opts.DryRun || s.remoteOnly {
		return nil
	}
	kept := map[string]string{}
	for k, v := range s.meta.Inputs {
		kept[k] = v
	}
	for k, v := range s.opts.Inputs {
		kept[k] = v
	}
	m := s.meta
	m.Inputs = kept
	if err := hotfix.SaveMeta(ctx, s.g, s.branch, m); err != nil {
		return fmt.Errorf("keeping the release inputs with %s: %w", s.branch, err)
	}
	s.meta.Inputs = kept
	return nil
}
