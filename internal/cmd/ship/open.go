package ship

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// checkBranch is what must hold before the branch is pushed: tracked files
// without changes, commits ahead of the base (fetched unless the
// remote-tracking branch is the tip GitHub reported), a releasable base, the
// size limits; and the body of a pull request to open is read (a missing
// --body-file or template must not surface after the push). It sets s.tip.
func (s *shipper) checkBranch(ctx context.Context) error {
	g := s.g
	lf := s.localFacts(ctx)
	if lf.err != nil {
		return lf.err
	}
	if !lf.clean {
		return fmt.Errorf("tracked files have uncommitted changes: commit the fix (or stash the rest), then run %s again", s.again())
	}
	start := s.remote + "/" + s.base
	if !s.opts.DryRun && lf.baseTip != s.state.BaseChecks.SHA {
		if err := g.Fetch(ctx, s.remote, "+refs/heads/"+s.base+":refs/remotes/"+start); err != nil {
			return fmt.Errorf("fetching %s from %s: %w", s.base, s.remote, git.Advise(err, s.repo.Host, s.again()))
		}
		if lf = readLocal(ctx, g, s.remote, s.base, s.branch); lf.err != nil {
			return lf.err
		}
	}
	s.tip = lf.tip
	if lf.ahead == 0 {
		return fmt.Errorf("nothing to ship: %s has no commits ahead of %s; commit the fix first", s.branch, start)
	}
	if c, _ := s.state.BaseChecks.Without(s.ownRuns()); !c.Releasable() {
		if !s.opts.Force {
			return s.unreleasable(c)
		}
		s.warn("%s is not releasable (failing: %s); continuing because of --force", s.base, strings.Join(c.Failing, ", "))
	}
	if err := s.sizeGuard(lf.files, lf.lines, lf.binaryBytes); err != nil {
		return err
	}
	if s.pr == nil && !s.opts.DryRun {
		body, err := s.readBody(ctx)
		if err != nil {
			return err
		}
		s.body = &body
	}
	return nil
}

// pushTip pushes the branch and sets its upstream; never force.
func (s *shipper) pushTip(ctx context.Context) error {
	if err := s.push(ctx); err != nil {
		var declined *git.HookDeclinedError
		var rejected *git.PushRejectedError
		var auth *git.AuthError
		err = git.ClassifyPush(err)
		switch {
		case errors.As(err, &declined):
			return fmt.Errorf("pushing %s: %v; fix what it reports and run %s again", s.branch, declined, s.again())
		case errors.As(err, &rejected) && rejected.NonFastForward:
			return fmt.Errorf("pushing %s was rejected: the branch on %s has commits you do not have; integrate them (git pull --rebase %s %s) and run %s again; ship never force-pushes",
				s.branch, s.remote, s.remote, s.branch, s.again())
		case errors.As(err, &rejected) && rejected.RuleReport() != "":
			// A ruleset or a protected branch: GitHub's rule lines, one per line.
			fmt.Fprint(s.ios.ErrOut, rejected.RuleReport())
			return fmt.Errorf("pushing %s was refused by the repository's rules above; nothing was pushed: ask an admin to change them or to let you bypass them, then run %s again",
				s.branch, s.again())
		case errors.As(err, &rejected):
			// Push protection or another hook: GitHub's own lines say which.
			return fmt.Errorf("%v; nothing was pushed: see the repository's rules (gh api repos/%s/%s/rules/branches/%s) or ask an admin, then run %s again",
				rejected, s.repo.Owner, s.repo.Name, s.branch, s.again())
		case errors.As(err, &auth):
			return fmt.Errorf("pushing %s to %s: %w", s.branch, s.remote, git.Advise(auth, s.repo.Host, s.again()))
		}
		if advised := git.Advise(err, s.repo.Host, s.again()); advised != err {
			return fmt.Errorf("pushing %s to %s: %w", s.branch, s.remote, advised)
		}
		return fmt.Errorf("pushing %s: %w", s.branch, err)
	}
	s.done("%s", pushedLine(s.branch, s.remote, s.tip, s.state.HeadTip))
	return nil
}

// sizeGuard refuses hotfixes bigger than the configured limits: the seed asks for
// small, focused fixes, and a big one deserves a second look before it ships. Binary
// files, where git counts no lines, count by their bytes.
func (s *shipper) sizeGuard(files, lines int, binaryBytes int64) error {
	lim := s.cfg.Limits
	if files <= lim.Files && lines <= lim.Lines && binaryBytes <= int64(lim.Bytes) {
		return nil
	}
	msg := fmt.Sprintf("this hotfix changes %s and %s, over the limits of %s and %s",
		plural(files, "file"), plural(lines, "line"), plural(lim.Files, "file"), plural(lim.Lines, "line"))
	if binaryBytes > 0 {
		msg = fmt.Sprintf("this hotfix changes %s, %s and %s of binary files, over the limits of %s, %s and %s",
			plural(files, "file"), plural(lines, "line"), plural(int(binaryBytes), "byte"),
			plural(lim.Files, "file"), plural(lim.Lines, "line"), plural(lim.Bytes, "byte"))
	}
	if !s.opts.Force {
		return fmt.Errorf("%s: keep hotfixes minimal, raise limits in .github/hotfix.yml, or pass --force", msg)
	}
	s.warn("%s; continuing because of --force", msg)
	return nil
}

func (s *shipper) title() string {
	switch {
	case s.opts.Title != "":
		return s.opts.Title
	case s.meta.Description != "":
		return "Hotfix: " + s.meta.Description
	}
	return "Hotfix: " + strings.ReplaceAll(strings.TrimPrefix(s.branch, s.cfg.BranchPrefix), "-", " ")
}

// createPull opens the pull request. Creating is not idempotent: when the answer
// is lost, look for the pull request before ever sending the request again.
func (s *shipper) createPull(ctx context.Context) error {
	var body string
	var err error
	if s.body != nil {
		body = *s.body
	} else if body, err = s.readBody(ctx); err != nil {
		return err
	}
	label := s.cfg.Label
	np := github.NewPull{RepoID: s.state.RepoID, Base: s.base, Head: s.branch, Title: s.title(), Body: body, WithMergeState: s.opts.Auto}
	if !s.state.LabelExists {
		np.CreateLabel = &github.Label{Name: label.Name, Color: label.Color, Description: label.Description}
	}
	var opened *github.Opened
	// At most two sends, the second only after reading back proved the first did nothing.
	for attempt := 1; ; attempt++ {
		opened, err = s.gh.OpenPull(ctx, np)
		alreadyExists := errors.Is(err, github.ErrPullExists)
		if err == nil || !(github.IsTransient(err) || alreadyExists) {
			break
		}
		// The attempt may have acted, or a concurrent ship won: read back.
		st, qerr := s.gh.ShipState(ctx, s.repo.Owner, s.repo.Name, s.branch, s.base, s.cfg.Label.Name, "")
		if qerr != nil {
			break
		}
		s.state.LabelExists, s.state.LabelID, s.state.LabelName = st.LabelExists, st.LabelID, st.LabelName
		for i := range st.Pulls {
			if p := st.Pulls[i]; (p.State == "OPEN" || p.State == "MERGED") && p.BaseRefName == s.base {
				s.pr = &p
				s.done("Pull request #%d is open: %s", p.Number, p.URL)
				return nil
			}
		}
		if alreadyExists || attempt == 2 {
			break
		}
		np.CreateLabel = nil
		if !st.LabelExists {
			np.CreateLabel = &github.Label{Name: label.Name, Color: label.Color, Description: label.Description}
		}
		s.warn("Opening the pull request failed (%v); GitHub has none, so trying once more", err)
	}
	if err != nil {
		return fmt.Errorf("opening the pull request: %w", err)
	}
	if opened.LabelID != "" {
		s.state.LabelExists, s.state.LabelID = true, opened.LabelID
	}
	pr := opened.Pull
	s.pr = &pr
	s.done("Opened pull request #%d: %s", pr.Number, pr.URL)
	return nil
}

func (s *shipper) reviewers() []string {
	seen := map[string]bool{}
	var all []string
	for _, r := range append(append([]string{}, s.cfg.Reviewers...), s.opts.Reviewers...) {
		r = strings.TrimPrefix(strings.TrimSpace(r), "@")
		if r != "" && !seen[strings.ToLower(r)] {
			seen[strings.ToLower(r)] = true
			all = append(all, r)
		}
	}
	return all
}

// missingReviewers are the reviewers to ask: those configured or given, less
// those asked now or ever (the timeline's review requests: GitHub withdraws a
// team's request when its code review assignment asks members instead, and a
// person may have withdrawn one; asking again would undo either), less those
// who have reviewed (GitHub drops a reviewer from the requests once they
// review: asking again would ask for a second review), and less the pull
// request's author, whom GitHub refuses for the whole request ("Review cannot
// be requested from pull request author"): dropped with a warning.
func (s *shipper) missingReviewers() []string {
	var missing []string
	for _, r := range s.reviewers() {
		if s.pr == nil {
			missing = append(missing, r)
			continue
		}
		if s.pr.Author != "" && strings.EqualFold(r, s.pr.Author) {
			s.warn("Not requesting a review from %s: GitHub does not let the author of #%d review it", r, s.pr.Number)
			continue
		}
		if !slices.ContainsFunc(slices.Concat(s.pr.Reviewers, s.pr.Requested, s.pr.Reviewed),
			func(have string) bool { return strings.EqualFold(have, r) }) {
			missing = append(missing, r)
		}
	}
	return missing
}

// userReviewers are the reviewers that are users (not org/team).
func (s *shipper) userReviewers() []string {
	var users []string
	for _, r := range s.reviewers() {
		if !strings.Contains(r, "/") {
			users = append(users, r)
		}
	}
	return users
}

// labelAndReviewers applies the label (creating it when missing) and, with
// withReviewers, requests reviews: one GraphQL request for the label and the
// users; team reviewers go beside it through REST. Both are idempotent.
func (s *shipper) labelAndReviewers(ctx context.Context, withReviewers bool) error {
	label := s.cfg.Label
	needLabel := !s.pr.HasLabel(label.Name)
	if needLabel && s.state.LabelID == "" {
		id, err := s.gh.CreateLabel(ctx, s.repo.Owner, s.repo.Name, github.Label{Name: label.Name, Color: label.Color, Description: label.Description})
		switch {
		case err == nil:
			s.state.LabelExists, s.state.LabelID = true, id
		case errors.Is(err, github.ErrLabelExists):
			// It appeared meanwhile: read its ID.
			st, qerr := s.gh.ShipState(ctx, s.repo.Owner, s.repo.Name, s.branch, s.base, label.Name, "")
			if qerr != nil {
				return fmt.Errorf("finding the label %q: %w", label.Name, qerr)
			}
			s.state.LabelExists, s.state.LabelID, s.state.LabelName = st.LabelExists, st.LabelID, st.LabelName
			if st.LabelID == "" {
				return fmt.Errorf("creating the label %q: GitHub says it exists, but it cannot be found: %w", label.Name, err)
			}
		default:
			return fmt.Errorf("creating the label %q: %w", label.Name, err)
		}
	}
	var missing, users, teams, userIDs []string
	if withReviewers {
		missing = s.missingReviewers()
	}
	for _, r := range missing {
		if _, team, ok := strings.Cut(r, "/"); ok {
			teams = append(teams, team)
		} else if id := s.state.ReviewerIDs[r]; id != "" {
			users, userIDs = append(users, r), append(userIDs, id)
		} else {
			users = append(users, r) // no ID: asked through REST below
		}
	}
	var wg sync.WaitGroup
	var gqlErr, teamErr error
	if needLabel || len(userIDs) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var labels []string
			if needLabel {
				labels = []string{s.state.LabelID}
			}
			gqlErr = s.gh.LabelAndRequestReviews(ctx, s.pr.ID, labels, userIDs)
		}()
	}
	if restUsers, restTeams := usersWithoutID(users, s.state.ReviewerIDs), nonEmpty(teams); len(restUsers)+len(restTeams) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			teamErr = s.gh.RequestReviewers(ctx, s.repo.Owner, s.repo.Name, s.pr.Number, restUsers, restTeams)
		}()
	}
	wg.Wait()
	// GitHub asks reviews of collaborators only, and refuses the whole request
	// otherwise: the pull request still gets its label, the refusal is said, and
	// ship goes on (the reviews are a courtesy; the label and the merge are not).
	var refused []string
	if errors.Is(gqlErr, github.ErrNotCollaborator) && len(userIDs) > 0 {
		refused = append(refused, usersWithID(users, s.state.ReviewerIDs)...)
		gqlErr = nil
		if needLabel {
			gqlErr = s.gh.LabelAndRequestReviews(ctx, s.pr.ID, []string{s.state.LabelID}, nil)
		}
	}
	if errors.Is(teamErr, github.ErrNotCollaborator) {
		refused = append(refused, usersWithoutID(users, s.state.ReviewerIDs)...)
		for _, t := range nonEmpty(teams) {
			refused = append(refused, s.repo.Owner+"/"+t)
		}
		teamErr = nil
	}
	if gqlErr != nil {
		return fmt.Errorf("labelling #%d and requesting reviews: %w", s.pr.Number, gqlErr)
	}
	if teamErr != nil {
		return fmt.Errorf("requesting reviews from %s: %w", strings.Join(missing, ", "), teamErr)
	}
	if len(refused) > 0 {
		s.warn("GitHub asks reviews only of people and teams with access to %s/%s, and refused the request for %s: ask them on #%d, or give them access (gh api -X PUT repos/%s/%s/collaborators/LOGIN)",
			s.repo.Owner, s.repo.Name, strings.Join(refused, ", "), s.pr.Number, s.repo.Owner, s.repo.Name)
		missing = without(missing, refused)
	}
	if needLabel {
		name := label.Name
		if s.state.LabelName != "" {
			name = s.state.LabelName // as the repository spells it
		}
		s.pr.Labels = append(s.pr.Labels, name)
		s.done("Labelled #%d %q", s.pr.Number, name)
	}
	if len(missing) > 0 {
		s.pr.Reviewers = append(s.pr.Reviewers, missing...)
		s.done("Requested reviews from %s", strings.Join(missing, ", "))
	}
	return nil
}

func usersWithoutID(users []string, ids map[string]string) []string {
	var out []string
	for _, u := range users {
		if ids[u] == "" {
			out = append(out, u)
		}
	}
	return out
}

func nonEmpty(list []string) []string {
	var out []string
	for _, v := range list {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// autoMerge enables auto-merge. A pull request that can already be merged
// (clean, unstable or has-hooks) is merged directly instead, as gh pr merge --auto
// does: GitHub refuses auto-merge for those. GitHub computes mergeability in the
// background, so a pull request just opened or pushed to reads UNKNOWN for a
// moment: ship asks again, briefly, before choosing (settleMergeState).
func (s *shipper) autoMerge(ctx context.Context, tip string) error {
	if q := s.state.Queue; q != nil {
		if s.pr.AutoMerge != "" {
			s.done("Auto-merge is enabled: GitHub adds #%d to %s's merge queue once it can join", s.pr.Number, s.base)
			return nil
		}
		return s.joinQueue(ctx, q, tip)
	}
	if s.pr.AutoMerge != "" {
		s.done("Auto-merge is enabled (%s)", s.pr.AutoMerge)
		return nil
	}
	method, err := s.autoMergeMethod()
	if err != nil {
		return err
	}
	state := s.pr.MergeStateStatus
	if state == "UNKNOWN" || state == "" {
		ms, err := s.settleMergeState(ctx)
		if err != nil {
			return err
		}
		switch {
		case ms.State == "MERGED":
			s.pr.State, s.pr.MergeCommit = "MERGED", ms.Merge
			s.done("Pull request #%d is merged", s.pr.Number)
			return nil
		case ms.AutoMerge != "":
			s.pr.AutoMerge = ms.AutoMerge
			s.done("Auto-merge is enabled (%s)", ms.AutoMerge)
			return nil
		}
		state = ms.Status
	}
	switch state {
	case "CLEAN", "UNSTABLE", "HAS_HOOKS":
		return s.mergeNow(ctx, method, tip)
	}
	if !s.state.AutoMergeAllowed {
		return s.autoMergeForbidden(state)
	}
	err = s.gh.EnableAutoMerge(ctx, s.pr.ID, method)
	switch {
	case err == nil:
		s.pr.AutoMerge = method
		s.done("Enabled auto-merge (%s): GitHub merges #%d once its requirements pass", method, s.pr.Number)
		return nil
	case errors.Is(err, github.ErrCleanStatus):
		// Computed since the last read: the pull request can be merged now.
		return s.mergeNow(ctx, method, tip)
	case errors.Is(err, github.ErrAutoMergeNotAllowed):
		return s.autoMergeForbidden(state)
	}
	return fmt.Errorf("enabling auto-merge on #%d: %w", s.pr.Number, err)
}

// autoMergeForbidden is the error for a repository that does not allow
// auto-merge (github.com's default for a new repository) and a pull request that
// cannot be merged yet.
func (s *shipper) autoMergeForbidden(state string) error {
	return fmt.Errorf("auto-merge is not allowed in %s/%s and #%d cannot be merged yet (%s): merge it by hand when it is ready (%s), or ask an admin to allow auto-merge; then run %s again",
		s.repo.Owner, s.repo.Name, s.pr.Number, describeMergeState(state), s.pr.URL, s.again())
}

// describeMergeState says what a mergeStateStatus means for the person waiting.
func describeMergeState(state string) string {
	switch state {
	case "BLOCKED":
		return "blocked by required reviews or checks"
	case "BEHIND":
		return "behind its base"
	case "DIRTY":
		return "it has conflicts"
	case "DRAFT":
		return "it is a draft"
	case "UNKNOWN", "":
		return "GitHub is still computing whether it can be merged"
	}
	return strings.ToLower(state)
}

// mergeStateWaits are the pauses between re-reads of a pull request whose
// mergeability GitHub is still computing: about six seconds in all, which covers
// the background job on github.com; past that, ship goes on as for a pull request
// that cannot be merged yet (auto-merge, where allowed, merges it when it can).
var mergeStateWaits = []time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 1500 * time.Millisecond, 1500 * time.Millisecond}

// settleMergeState re-reads the pull request's merge state until GitHub has
// computed it, a bounded number of times.
func (s *shipper) settleMergeState(ctx context.Context) (github.MergeState, error) {
	s.progress("GitHub is computing whether #%d can be merged…", s.pr.Number)
	var ms github.MergeState
	for _, wait := range mergeStateWaits {
		if err := github.Sleep(ctx, wait); err != nil {
			return ms, s.interruptedOr(ctx, fmt.Sprintf("GitHub to compute whether #%d can be merged", s.pr.Number), err)
		}
		var err error
		if ms, err = s.gh.PullMergeState(ctx, s.pr.ID); err != nil {
			return ms, fmt.Errorf("reading whether #%d can be merged: %w", s.pr.Number, err)
		}
		if ms.State != "OPEN" || ms.AutoMerge != "" || ms.Status != "UNKNOWN" {
			return ms, nil
		}
	}
	return ms, nil
}

// autoMergeMethod is the merge method for --auto and the direct merge it may
// make: see pickMergeMethod. Refused, before anything changes, when the
// repository's settings or the base's rules forbid the method the user chose.
func (s *shipper) autoMergeMethod() (string, error) {
	return pickMergeMethod(mergeMethodChoice{
		Repo: s.repo.Owner + "/" + s.repo.Name, Base: s.base,
		Flag: s.opts.MergeMethod, Config: s.cfg.MergeMethod,
		RepoAllows: s.state.MergeMethods, Rules: s.state.MergeRules,
	})
}

// mergeMethodChoice is what decides the merge method: what the user chose
// (--merge-method, merge_method in the config) and what GitHub allows into
// the base (the repository's settings, the rules of its rulesets).
type mergeMethodChoice struct {
	Repo, Base   string // owner/name, and the branch merged into
	Flag, Config string // --merge-method, merge_method ("": not set)
	RepoAllows   []string
	Rules        []github.MergeRule
}

// pickMergeMethod is --merge-method, else the config's, when GitHub allows it
// (an error saying who forbids it and what to pass or set instead when not);
// else merge commits when allowed, else the first method allowed. GitHub
// allows a method when the repository's settings and every rule on the base
// do (github.AllowedMergeMethods).
func pickMergeMethod(c mergeMethodChoice) (string, error) {
	method := c.Flag
	if method == "" {
		method = c.Config
	}
	allowed := github.AllowedMergeMethods(c.RepoAllows, c.Rules)
	if method != "" && slices.Contains(allowed, method) {
		return method, nil
	}
	if len(allowed) == 0 {
		var who []string
		if len(c.RepoAllows) > 0 {
			who = append(who, fmt.Sprintf("%s allows %s", c.Repo, orList(c.RepoAllows)))
		}
		for _, r := range c.Rules {
			who = append(who, fmt.Sprintf("ruleset %q allows %s", r.Ruleset, orList(r.Methods)))
		}
		return "", fmt.Errorf("no merge method is allowed into %s (%s): ask an admin to allow a method in all of them, then run gh hotfix ship again",
			c.Base, strings.Join(who, "; "))
	}
	if method == "" {
		if slices.Contains(allowed, "merge") {
			return "merge", nil
		}
		return allowed[0], nil
	}
	var why string
	if len(c.RepoAllows) > 0 && !slices.Contains(c.RepoAllows, method) {
		why = fmt.Sprintf("%s does not allow %s merges (it allows %s)", c.Repo, method, strings.Join(c.RepoAllows, ", "))
	} else {
		for _, r := range c.Rules {
			if !slices.Contains(r.Methods, method) {
				why = fmt.Sprintf("ruleset %q does not allow %s merges into %s (its pull_request rule allows %s)", r.Ruleset, method, c.Base, strings.Join(r.Methods, ", "))
				break
			}
		}
	}
	if c.Flag != "" {
		return "", fmt.Errorf("%s: pass --merge-method %s", why, allowed[0])
	}
	return "", fmt.Errorf("%s: set merge_method in %s to %s, or pass --merge-method", why, config.Path, orList(allowed))
}

// orList is "merge", "merge or squash", "merge, squash or rebase".
func orList(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// mergeNow merges the pull request at the tip ship pushed (GitHub refuses if the
// head moved meanwhile, so nothing unreviewed is merged).
func (s *shipper) mergeNow(ctx context.Context, method, tip string) error {
	mergeSHA, err := s.gh.MergePull(ctx, s.repo.Owner, s.repo.Name, s.pr.Number, method, tip)
	if err != nil {
		// The answer may have been lost after GitHub merged (and a retried PUT
		// then answers 405 "not mergeable" for the merged PR): read what happened
		// before reporting a failure. One request, on the failure path only.
		if ms, rerr := s.gh.PullMergeState(ctx, s.pr.ID); rerr == nil && ms.State == "MERGED" {
			s.pr.State, s.pr.MergeCommit = "MERGED", ms.Merge
			s.done("Merged #%d (%s): it could be merged right away", s.pr.Number, method)
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("merging #%d: %w", s.pr.Number, err)
	}
	s.pr.State, s.pr.MergeCommit = "MERGED", mergeSHA
	s.done("Merged #%d (%s): it could be merged right away", s.pr.Number, method)
	return nil
}

// startPush starts pushing the branch while GitHub answers the first query, held
// before it sends anything until that answer says to push (see git.Pusher): the
// push then costs one round trip, git's start-up and its reading of the remote's refs
// having happened meanwhile. A branch whose remote-tracking branch already is its tip
// was pushed by an earlier run, and is not pushed ahead.
func (s *shipper) startPush(ctx context.Context) {
	head, tracking := s.refs["refs/heads/"+s.branch], s.refs["refs/remotes/"+s.remote+"/"+s.branch]
	if head == "" || tracking == head {
		return
	}
	s.pusher = s.g.PushAhead(ctx, s.paths, s.remote, s.branch, true)
}

// push pushes the branch and sets its upstream: the push started ahead when there
// is one, else a new one.
func (s *shipper) push(ctx context.Context) error {
	if s.pusher != nil {
		return s.pusher.Push(ctx)
	}
	return s.g.Push(ctx, s.remote, s.branch, true)
}

// local is what git alone says about the branch, against the remote-tracking base.
type local struct {
	clean        bool
	baseTip, tip string
	ahead        int
	files, lines int
	binaryBytes  int64 // binary files' sizes before plus after the change
	err          error
}

// startLocal reads the local facts in the background while GitHub is asked:
// they need no network, and usually the base needs no fetch.
func (s *shipper) startLocal(ctx context.Context) {
	ch := make(chan local, 1)
	s.localCh = ch
	g, remote, base, branch := s.g, s.remote, s.base, s.branch
	// resolve read the tips already: the branch's, and the base's remote-tracking one.
	tip, baseTip := s.refs["refs/heads/"+branch], s.refs["refs/remotes/"+remote+"/"+base]
	go func() { ch <- readLocalAt(ctx, g, tip, baseTip) }()
}

// localFacts returns what startLocal read, or reads it now.
func (s *shipper) localFacts(ctx context.Context) local {
	if s.localCh != nil {
		lf := <-s.localCh
		s.localCh = nil
		return lf
	}
	return readLocal(ctx, s.g, s.remote, s.base, s.branch)
}

func readLocal(ctx context.Context, g *git.Client, remote, base, branch string) local {
	tip, err := g.RevParse(ctx, "refs/heads/"+branch)
	if err != nil {
		return local{err: err}
	}
	// A missing remote-tracking branch leaves baseTip empty: the fetch brings it.
	baseTip, _ := g.RevParse(ctx, "refs/remotes/"+remote+"/"+base)
	return readLocalAt(ctx, g, tip, baseTip)
}

// readLocalAt reads the local facts with the tips known.
func readLocalAt(ctx context.Context, g *git.Client, tip, baseTip string) local {
	lf := local{tip: tip, baseTip: baseTip}
	if lf.clean, lf.err = g.IsClean(ctx); lf.err != nil || baseTip == "" {
		return lf
	}
	if lf.ahead, lf.err = g.RevListCount(ctx, lf.baseTip+".."+lf.tip); lf.err != nil {
		return lf
	}
	mb, err := g.MergeBase(ctx, lf.baseTip, lf.tip)
	if err != nil {
		lf.err = err
		return lf
	}
	files, err := g.DiffNumstat(ctx, mb, lf.tip)
	if err != nil {
		lf.err = err
		return lf
	}
	lf.files = len(files)
	for _, f := range files {
		lf.lines += f.Added + f.Deleted
		lf.binaryBytes += f.Bytes
	}
	return lf
}

// usersWithID are the users whose node IDs are known (asked through GraphQL).
func usersWithID(users []string, ids map[string]string) []string {
	var out []string
	for _, u := range users {
		if ids[u] != "" {
			out = append(out, u)
		}
	}
	return out
}

// without returns list less the names in drop (org/team names compare by team).
func without(list, drop []string) []string {
	var out []string
	for _, l := range list {
		keep := true
		for _, d := range drop {
			_, lt, _ := strings.Cut(l, "/")
			_, dt, _ := strings.Cut(d, "/")
			if strings.EqualFold(l, d) || (lt != "" && strings.EqualFold(lt, dt)) {
				keep = false
			}
		}
		if keep {
			out = append(out, l)
		}
	}
	return out
}

// pushedLine reports the push of branch at tip to remote: "Pushed" only when the
// push sent something. When GitHub already had that tip (create --push, or a push
// whose pull request is still to open), the push only set the upstream.
func pushedLine(branch, remote, tip, onGitHub string) string {
	if onGitHub == tip {
		return fmt.Sprintf("%s is already on %s at %s: nothing to push", branch, remote, short(tip))
	}
	return fmt.Sprintf("Pushed %s to %s", branch, remote)
}
