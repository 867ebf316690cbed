package ship

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// forwardPortColor is the colour of the forward-port label when ship creates it.
const forwardPortColor = "0e8a16"

// worktreePrefix starts the name of the temporary worktrees ship cherry-picks in,
// so that one left behind by a killed ship is recognised as ours.
const worktreePrefix = "gh-hotfix-forward-port-"

// forwardResult is the forward-port pull request, as opened or found.
type forwardResult struct {
	Number int
	URL    string
	State  string // OPEN, MERGED, CLOSED
	// Now is where it stands, judged from GitHub (hotfix.JudgeForwardPort):
	// conflicts recorded at its opening count only until someone pushes to it.
	Now       hotfix.ForwardPortState
	Files     []string
	NotNeeded bool // the main line already has every change: no pull request
	labelled  bool // it carries both labels already
}

// export is the forward-port as --json shows it.
func (fw *forwardResult) export() map[string]any {
	if fw.NotNeeded {
		return map[string]any{"number": nil, "url": nil, "state": string(hotfix.ForwardPortNotNeeded), "conflicts": false, "conflictsResolved": false}
	}
	return map[string]any{"number": fw.Number, "url": fw.URL, "state": fw.State,
		"conflicts": fw.Now == hotfix.ForwardPortConflicts, "conflictsResolved": fw.Now == hotfix.ForwardPortResolved}
}

// forwardPick is the outcome of cherry-picking the hotfix onto the main line.
type forwardPick struct {
	base     string   // the main line's tip the branch starts from
	mainline int      // -m for a merge commit, else 0
	applied  []string // commits that applied, oldest first
	empty    []string // commits whose change the main line already has
	conflict string   // the commit that did not apply ("" when all did)
	files    []string // its conflicting files
	pending  []string // that commit and those after it, to apply by hand
	tip      string   // the branch's commit to push; "" when there is nothing to forward-port
	commits  []string // every commit of the hotfix, as picked
	subjects map[string]string
}

// openForwardPort opens, once, the pull request that carries the merged hotfix to the
// main line. A forward-port is recognised by its record (the marker in its body
// naming the hotfix), never by its branch's name: a re-run finds it (any state)
// under any of the names ship tries (hotfix.ForwardPortBranches), and a pull
// request or a branch of that name that is not this hotfix's forward-port is left
// alone, untouched, for the next name. The cherry-pick happens in a temporary
// worktree: the user's checkout never is mid-cherry-pick. When it conflicts, the
// pull request holds what applied and says how to finish, and the returned
// *cmderr.AttentionError makes ship exit 3 until someone pushes to it.
func (s *shipper) openForwardPort(ctx context.Context) (attention error, err error) {
	mainline := s.exc.mainline
	if err := s.allComments(ctx); err != nil {
		return nil, err
	}
	if hotfix.NotNeededRecorded(s.commentBodies(), s.pr.Number) {
		s.exc.forward = &forwardResult{NotNeeded: true}
		s.done("No forward-port needed: %s already had the changes of #%d (recorded on it)", mainline, s.pr.Number)
		return nil, nil
	}
	names := hotfix.ForwardPortBranches(s.branch)
	st, err := s.gh.ForwardPortState(ctx, s.repo.Owner, s.repo.Name, names, hotfix.ForwardPortLabel)
	if err != nil {
		return nil, fmt.Errorf("looking for the forward-port pull request: %w", err)
	}
	if found := s.existingForward(st, mainline); found != nil {
		// A ship stopped right after opening it: the labels still belong on it.
		if found.State == "OPEN" && !found.labelled {
			if err := s.labelForward(ctx, found, st.LabelExists); err != nil {
				return nil, err
			}
		}
		return s.reportForward(found, false), nil
	}
	pick, err := s.pickForward(ctx)
	if err != nil {
		return nil, fmt.Errorf("forward-porting #%d to %s: %w", s.pr.Number, mainline, err)
	}
	if pick.tip == "" {
		if err := s.recordNotNeeded(ctx); err != nil {
			return nil, err
		}
		s.exc.forward = &forwardResult{NotNeeded: true}
		s.done("No forward-port needed: %s already has the changes of #%d (recorded on it)", mainline, s.pr.Number)
		return nil, nil
	}
	fpBranch, head := s.freeForwardName(st, pick), ""
	if fpBranch == "" {
		return nil, fmt.Errorf("the forward-port's branch names %s to %s are all taken by other pull requests or branches: delete one that is no longer used, then run gh hotfix ship again",
			names[0], names[len(names)-1])
	}
	for _, b := range st.Branches {
		if b.Name == fpBranch {
			head = b.Tip
			break
		}
		s.warn("%s is not the forward-port of #%d (%s): left as it is, forward-porting on %s", b.Name, s.pr.Number, takenBy(b), fpBranch)
	}
	if head == "" {
		if err := s.g.PushCommit(ctx, s.remote, pick.tip, fpBranch); err != nil {
			// Refused because another ship of this hotfix pushed first? Then go on with its branch.
			again, qerr := s.gh.ForwardPortState(ctx, s.repo.Owner, s.repo.Name, names, hotfix.ForwardPortLabel)
			if qerr != nil {
				return nil, fmt.Errorf("pushing the forward-port branch %s: %w", fpBranch, err)
			}
			if found := s.existingForward(again, mainline); found != nil {
				return s.reportForward(found, false), nil
			}
			if s.freeForwardName(again, pick) != fpBranch {
				return nil, fmt.Errorf("pushing the forward-port branch %s: %w", fpBranch, err)
			}
			for _, b := range again.Branches {
				if b.Name == fpBranch {
					head = b.Tip
				}
			}
			s.warn("Another ship pushed %s meanwhile: opening the pull request from it", fpBranch)
		} else {
			head = pick.tip
			s.done("Pushed %s (%s onto %s)", fpBranch, plural(len(pick.applied), "commit"), mainline)
		}
	} else {
		// A previous ship pushed it and stopped before the pull request: open it from there.
		s.done("Forward-port branch %s is on %s", fpBranch, s.remote)
	}
	fw, err := s.openForward(ctx, names, fpBranch, head, pick)
	if err != nil {
		return nil, err
	}
	if err := s.labelForward(ctx, fw, st.LabelExists); err != nil {
		return nil, err
	}
	return s.reportForward(fw, true), nil
}

// takenBy says why a forward-port branch name is not this hotfix's.
func takenBy(b github.ForwardBranch) string {
	for _, p := range b.Pulls {
		if p.State == "OPEN" {
			return fmt.Sprintf("pull request #%d", p.Number)
		}
	}
	return "a branch of that name on GitHub"
}

// freeForwardName is the first of the forward-port's branch names that is free: no
// branch on GitHub, or one ship pushed for this hotfix (its tip is one of ship's
// commits, see hotfix.ForwardPortCommit), and no open pull request from it (one
// that is not this hotfix's forward-port: that one was found before). Without a
// pick (--dry-run), an existing branch is taken. "" when all are taken.
func (s *shipper) freeForwardName(st *github.ForwardPortState, pick *forwardPick) string {
	for _, b := range st.Branches {
		if slices.ContainsFunc(b.Pulls, func(p github.ForwardPull) bool { return p.State == "OPEN" }) {
			continue
		}
		if b.Tip == "" || (pick != nil && hotfix.ForwardPortCommit(b.TipMessage, s.pr.Number, pick.commits)) {
			return b.Name
		}
	}
	return ""
}

// existingForward returns the forward-port pull request of this hotfix into
// mainline, if there is one, recognised by its record: an open or merged one, else
// a closed one (someone decided against it: not reopened).
func (s *shipper) existingForward(st *github.ForwardPortState, mainline string) *forwardResult {
	pulls := st.Pulls()
	shared := make([]hotfix.ForwardPull, len(pulls))
	for i, p := range pulls {
		shared[i] = p.Forward()
	}
	p, rec, ok := hotfix.FindForwardPort(shared, s.pr.Number, mainline)
	if !ok {
		return nil
	}
	fw := &forwardResult{Number: p.Number, URL: p.URL, State: p.State, Now: hotfix.JudgeForwardPort(p, rec)}
	for _, gp := range pulls {
		if gp.Number == p.Number {
			fw.labelled = gp.HasLabel(s.cfg.Label.Name) && gp.HasLabel(hotfix.ForwardPortLabel)
		}
	}
	return fw
}

// commentBodies are the bodies of the hotfix pull request's comments.
func (s *shipper) commentBodies() []string {
	bodies := make([]string, len(s.pr.Comments))
	for i, c := range s.pr.Comments {
		bodies[i] = c.Body
	}
	return bodies
}

// recordNotNeeded records on the hotfix's pull request that the main line had its
// changes already, so that status says so and a re-run does not pick again. A
// comment is posted at most twice, the second time only after reading back proved
// the first did nothing.
func (s *shipper) recordNotNeeded(ctx context.Context) error {
	body := fmt.Sprintf("No forward-port needed: `%s` already has the changes of this hotfix.\n\n<sub>Posted by gh hotfix ship.</sub>\n%s\n",
		s.exc.mainline, hotfix.ForwardPort{Of: s.pr.Number, NotNeeded: true}.Encode())
	err := s.commentOnce(ctx, body, func() bool { return hotfix.NotNeededRecorded(s.commentBodies(), s.pr.Number) })
	if err != nil {
		return fmt.Errorf("recording on #%d that no forward-port is needed: %w", s.pr.Number, err)
	}
	return nil
}

// reportForward records the pull request for the summary and says where it stands;
// an open one with conflicts nobody resolved yet needs a person, which a script
// learns from exit 3.
func (s *shipper) reportForward(fw *forwardResult, opened bool) error {
	s.exc.forward = fw
	switch {
	case opened && fw.Now == hotfix.ForwardPortConflicts:
		s.warn("Opened the forward-port pull request #%d with conflicts to resolve by hand: %s", fw.Number, fw.URL)
	case opened:
		s.done("Opened the forward-port pull request #%d: %s", fw.Number, fw.URL)
	case fw.Now == hotfix.ForwardPortMerged:
		s.done("Forward-port pull request #%d is merged: %s", fw.Number, fw.URL)
	case fw.Now == hotfix.ForwardPortClosed:
		s.warn("Forward-port pull request #%d was closed without merging: %s; ship does not open another (reopen it if the fix must reach %s)", fw.Number, fw.URL, s.exc.mainline)
	case fw.Now == hotfix.ForwardPortConflicts:
		s.warn("Forward-port pull request #%d has conflicts to resolve by hand: %s", fw.Number, fw.URL)
	case fw.Now == hotfix.ForwardPortResolved:
		s.done("Forward-port pull request #%d is open, its conflicts resolved: %s", fw.Number, fw.URL)
	default:
		s.done("Forward-port pull request #%d is open: %s", fw.Number, fw.URL)
	}
	if fw.Now == hotfix.ForwardPortConflicts {
		return &cmderr.AttentionError{Err: fmt.Errorf("the forward-port pull request #%d into %s needs a person: it has conflicts to resolve (commits its description says how to apply, or changes of %s since): %s",
			fw.Number, s.exc.mainline, s.exc.mainline, fw.URL)}
	}
	return nil
}

// pickForward cherry-picks the merged hotfix onto the main line's tip in a
// temporary worktree and returns the commit to push.
func (s *shipper) pickForward(ctx context.Context) (*forwardPick, error) {
	g, remote, mainline := s.g, s.remote, s.exc.mainline
	if err := g.Fetch(ctx, remote, "+refs/heads/"+mainline+":refs/remotes/"+remote+"/"+mainline,
		"+refs/heads/"+s.base+":refs/remotes/"+remote+"/"+s.base); err != nil {
		return nil, fmt.Errorf("fetching %s and %s: %w", mainline, s.base, git.Advise(err, s.repo.Host, s.again()))
	}
	head := s.pr.HeadRefOid
	if ok, err := g.HasCommit(ctx, head); err != nil {
		return nil, err
	} else if !ok {
		if err := g.Fetch(ctx, remote, "+refs/heads/"+s.branch+":refs/remotes/"+remote+"/"+s.branch); err != nil {
			return nil, fmt.Errorf("the hotfix's commits (%s) are not in this clone and %s is gone from %s: run ship in the clone that made the hotfix", short(head), s.branch, remote)
		}
	}
	if err := s.deepenMerge(ctx); err != nil {
		return nil, err
	}
	pick := &forwardPick{subjects: map[string]string{}}
	commits, mainlineParent, err := s.forwardCommits(ctx, s.pr.MergeCommit, head)
	if err != nil {
		return nil, err
	}
	pick.mainline, pick.commits = mainlineParent, commits
	for _, c := range commits {
		if lines, err := g.Log(ctx, c+"^!", "%s"); err == nil && len(lines) > 0 {
			pick.subjects[c] = lines[0]
		}
	}
	if pick.base, err = g.RevParse(ctx, remote+"/"+mainline); err != nil {
		return nil, err
	}

	wt, done, err := g.TempWorktree(ctx, worktreePrefix, pick.base)
	if err != nil {
		return nil, err
	}
	defer done()
	for i, c := range commits {
		res, err := wt.CherryPick(ctx, c, pick.mainline)
		if err != nil {
			return nil, err
		}
		switch res {
		case git.Picked:
			pick.applied = append(pick.applied, c)
			// A copied [skip ci] would skip the forward-port's checks.
			if err := wt.KeepChecks(ctx); err != nil {
				return nil, err
			}
		case git.Empty:
			pick.empty = append(pick.empty, c)
			if err := wt.CherryPickSkip(ctx); err != nil {
				return nil, err
			}
		case git.Conflicted:
			if pick.files, err = wt.ConflictedFiles(ctx); err != nil {
				return nil, err
			}
			if err := wt.CherryPickAbort(ctx); err != nil {
				return nil, err
			}
			pick.conflict, pick.pending = c, commits[i:]
		}
		if pick.conflict != "" {
			break
		}
	}
	switch {
	case pick.conflict == "" && len(pick.applied) == 0:
		return pick, nil // the main line has it all
	case len(pick.applied) == 0:
		// GitHub opens no pull request without a commit: an empty one holds it open,
		// and merging it alone changes nothing.
		if err := wt.CommitEmpty(ctx, hotfix.ForwardPortEmptyCommit(s.pr.Number, mainline)); err != nil {
			return nil, err
		}
	}
	if pick.tip, err = wt.RevParse(ctx, "HEAD"); err != nil {
		return nil, err
	}
	return pick, nil
}

// deepenMerge makes sure a shallow clone has the merge commit's parents, which the
// cherry-pick diffs against: a clone whose history stops at the merge commit would
// otherwise pick it as a root commit, the whole tree. Only the parents are fetched
// (git fetch --depth=2 of the commit), and ship says so.
func (s *shipper) deepenMerge(ctx context.Context) error {
	g, merge := s.g, s.pr.MergeCommit
	shallow, err := g.IsShallow(ctx)
	if err != nil || !shallow {
		return err
	}
	if has, err := g.HasCommit(ctx, merge); err != nil {
		return err
	} else if has {
		if parents, err := g.Parents(ctx, merge); err != nil || len(parents) > 0 {
			return err
		}
	}
	// A merged pull request's commit always has a parent: this clone stops at it.
	if err := g.FetchShallow(ctx, s.remote, 2, merge); err != nil {
		return fmt.Errorf("this shallow clone lacks the parents of the merge commit %s, and fetching them failed: %w", short(merge), err)
	}
	s.warn("This shallow clone lacked the parents of the merge commit %s: fetched them (git fetch --depth=2 %s %s), not the history behind them", short(merge), s.remote, merge)
	return nil
}

// forwardCommits names what to cherry-pick: the hotfix as it landed on the
// maintenance branch. A merge commit is picked against its first parent (-m 1);
// a squash is one commit; a rebase is the last commits of the branch, as many as
// the hotfix had, when their subjects match the hotfix's commits.
func (s *shipper) forwardCommits(ctx context.Context, mergeSHA, head string) ([]string, int, error) {
	g := s.g
	parents, err := g.Parents(ctx, mergeSHA)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the merge commit %s: %w", short(mergeSHA), err)
	}
	if len(parents) >= 2 {
		return []string{mergeSHA}, 1, nil
	}
	if len(parents) == 0 || mergeSHA == head {
		return []string{mergeSHA}, 0, nil
	}
	fork, err := g.MergeBase(ctx, parents[0], head)
	if err != nil {
		return []string{mergeSHA}, 0, nil
	}
	originals, err := g.RevList(ctx, fork+".."+head)
	if err != nil || len(originals) <= 1 {
		return []string{mergeSHA}, 0, nil
	}
	landed, err := g.RevList(ctx, fmt.Sprintf("%s~%d..%s", mergeSHA, len(originals), mergeSHA))
	if err != nil || len(landed) != len(originals) {
		return []string{mergeSHA}, 0, nil
	}
	want, err1 := g.Log(ctx, fork+".."+head, "%s")
	got, err2 := g.Log(ctx, fmt.Sprintf("%s~%d..%s", mergeSHA, len(originals), mergeSHA), "%s")
	if err1 != nil || err2 != nil || strings.Join(want, "\n") != strings.Join(got, "\n") {
		return []string{mergeSHA}, 0, nil // squashed
	}
	return landed, 0, nil
}

// openForward opens the forward-port pull request from fpBranch, at head. Opening
// is not idempotent: after a lost answer, look for it (under any of names) before
// ever sending the request again.
func (s *shipper) openForward(ctx context.Context, names []string, fpBranch, head string, pick *forwardPick) (*forwardResult, error) {
	mainline := s.exc.mainline
	desc := strings.TrimPrefix(s.pr.Title, "Hotfix: ")
	title := fmt.Sprintf("Forward-port #%d to %s: %s", s.pr.Number, mainline, desc)
	body := s.forwardBody(fpBranch, head, pick)
	var created github.RESTPull
	var err error
	for attempt := 1; ; attempt++ {
		created, err = s.gh.CreatePull(ctx, s.repo.Owner, s.repo.Name, fpBranch, mainline, title, body)
		exists := errors.Is(err, github.ErrPullExists)
		if err == nil || !(github.IsTransient(err) || exists) {
			break
		}
		st, qerr := s.gh.ForwardPortState(ctx, s.repo.Owner, s.repo.Name, names, hotfix.ForwardPortLabel)
		if qerr != nil {
			break
		}
		if found := s.existingForward(st, mainline); found != nil && found.State != "CLOSED" {
			found.Files = pick.files
			return found, nil
		}
		if exists || attempt == 2 {
			break
		}
		s.warn("Opening the forward-port pull request failed (%v); GitHub has none, so trying once more", err)
	}
	if err != nil {
		return nil, fmt.Errorf("opening the forward-port pull request into %s: %w", mainline, err)
	}
	now := hotfix.ForwardPortOpen
	if pick.conflict != "" {
		now = hotfix.ForwardPortConflicts
	}
	return &forwardResult{Number: created.Number, URL: created.HTMLURL, State: "OPEN", Now: now, Files: pick.files}, nil
}

// labelForward labels the forward-port pull request hotfix and forward-port (creating
// the latter when missing) and requests the hotfix's reviewers: each is idempotent.
func (s *shipper) labelForward(ctx context.Context, fw *forwardResult, labelExists bool) error {
	if !labelExists {
		err := s.gh.EnsureLabel(ctx, s.repo.Owner, s.repo.Name,
			github.Label{Name: hotfix.ForwardPortLabel, Color: forwardPortColor, Description: "Carries a hotfix from a maintenance branch to the main line"})
		if err != nil {
			return fmt.Errorf("creating the label %q: %w", hotfix.ForwardPortLabel, err)
		}
	}
	err := s.gh.AddLabels(ctx, s.repo.Owner, s.repo.Name, fw.Number, s.cfg.Label.Name, hotfix.ForwardPortLabel)
	if err != nil {
		return fmt.Errorf("labelling #%d: %w", fw.Number, err)
	}
	if reviewers := s.reviewers(); len(reviewers) > 0 {
		var users, teams []string
		for _, r := range reviewers {
			if _, team, ok := strings.Cut(r, "/"); ok {
				teams = append(teams, team)
			} else {
				users = append(users, r)
			}
		}
		if err := s.gh.RequestReviewers(ctx, s.repo.Owner, s.repo.Name, fw.Number, users, teams); err != nil {
			s.warn("Could not request reviews on #%d from %s: %v", fw.Number, strings.Join(reviewers, ", "), err)
		}
	}
	return nil
}

// forwardBody explains the forward-port and, when commits did not apply, exactly how
// to finish it. It ends with the forward-port's record: the hotfix it carries, and
// the head it is opened at, so that a later push reads as conflicts resolved.
func (s *shipper) forwardBody(fpBranch, head string, pick *forwardPick) string {
	mainline := s.exc.mainline
	var b strings.Builder
	fmt.Fprintf(&b, "## Forward-port of #%d to `%s`\n\n", s.pr.Number, mainline)
	if s.meta.FromTag != "" {
		fmt.Fprintf(&b, "Hotfix #%d was merged into `%s` (from `%s`, exceptional process: `%s` was not releasable)", s.pr.Number, s.base, s.meta.FromTag, mainline)
	} else {
		fmt.Fprintf(&b, "#%d was merged into the maintenance branch `%s` and shipped as a hotfix", s.pr.Number, s.base)
	}
	if s.exc.tag != "" {
		fmt.Fprintf(&b, " and released as `%s`", s.exc.tag)
	}
	fmt.Fprintf(&b, ". This pull request brings the same fix to `%s`, so that its next release keeps it.\n\n", mainline)
	line := func(c string) string { return fmt.Sprintf("- %s %s\n", short(c), pick.subjects[c]) }
	if len(pick.applied) > 0 {
		b.WriteString("Cherry-picked with `git cherry-pick -x`:\n")
		for _, c := range pick.applied {
			b.WriteString(line(c))
		}
		b.WriteString("\n")
	}
	if len(pick.empty) > 0 {
		fmt.Fprintf(&b, "Already on `%s` (nothing to apply):\n", mainline)
		for _, c := range pick.empty {
			b.WriteString(line(c))
		}
		b.WriteString("\n")
	}
	if pick.conflict != "" {
		fmt.Fprintf(&b, "### ⚠️ Conflicts: this forward-port is not complete\n\n")
		fmt.Fprintf(&b, "`%s` did not apply to `%s`", short(pick.conflict), mainline)
		if len(pick.files) > 0 {
			quoted := make([]string, len(pick.files))
			for i, f := range pick.files {
				quoted[i] = "`" + f + "`"
			}
			fmt.Fprintf(&b, " (conflicts in %s)", strings.Join(quoted, ", "))
		}
		if len(pick.pending) == 1 {
			b.WriteString(". This commit still has to be applied by hand:\n")
		} else {
			b.WriteString(". These commits still have to be applied by hand:\n")
		}
		for _, c := range pick.pending {
			b.WriteString(line(c))
		}
		if len(pick.applied) == 0 {
			b.WriteString("\n(The branch holds an empty commit only, so that this pull request can exist; it changes nothing.)\n")
		}
		m := ""
		if pick.mainline > 0 {
			m = fmt.Sprintf("-m %d ", pick.mainline)
		}
		fmt.Fprintf(&b, "\nTo finish it:\n\n```sh\ngit fetch %s %s %s\ngit switch %s\ngit cherry-pick -x %s%s\n", s.remote, s.base, fpBranch, fpBranch, m, strings.Join(pick.pending, " "))
		b.WriteString("# resolve the conflicts, then: git add <files> && git cherry-pick --continue\n")
		fmt.Fprintf(&b, "git push %s %s\n```\n\n", s.remote, fpBranch)
	}
	b.WriteString("<sub>Opened by gh hotfix ship.</sub>\n")
	b.WriteString(hotfix.ForwardPort{Of: s.pr.Number, Conflicts: pick.conflict != "", Head: head}.Encode() + "\n")
	return b.String()
}
