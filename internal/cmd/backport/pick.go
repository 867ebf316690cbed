package backport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/ship"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// worktreePrefix names the temporary worktrees backport cherry-picks in.
const worktreePrefix = "gh-hotfix-backport-"

// shipMerged releases a merged backport; a variable for tests.
var shipMerged = func(ctx context.Context, f *command.Factory, number int, repo string) (ship.Released, error) {
	no := false
	return ship.ShipMerged(ctx, f, &ship.ShipOptions{PR: fmt.Sprint(number), Repo: repo, PostMortem: &no})
}

// pick is the outcome of cherry-picking the fix onto a line.
type pick struct {
	tip      string   // the commit to push; "" when the line has the fix already
	applied  []string // commits that applied
	conflict string   // the commit whose pick conflicted, committed with its markers
	files    []string // its conflicting files
	pending  []string // the commits after it, to apply by hand
}

// fetch brings the lines' tips and the fix's commits into the clone: one
// fetch of every line, then the commits a shallow clone lacks.
func (b *backporter) fetch(ctx context.Context, lines []string) error {
	specs := make([]string, 0, len(lines))
	for _, l := range lines {
		specs = append(specs, "+refs/heads/"+l+":refs/remotes/"+b.remote+"/"+l)
	}
	if err := b.g.Fetch(ctx, b.remote, specs...); err != nil {
		return fmt.Errorf("fetching %s: %w", strings.Join(lines, ", "), git.Advise(err, b.repo.Host, b.again()))
	}
	for _, c := range b.picks {
		if ok, err := b.g.HasCommit(ctx, c); err != nil {
			return err
		} else if !ok {
			if err := b.g.Fetch(ctx, b.remote, "+refs/heads/"+b.base+":refs/remotes/"+b.remote+"/"+b.base); err != nil {
				return fmt.Errorf("fetching %s: %w", b.base, err)
			}
			break
		}
	}
	missing, err := b.g.FetchMissing(ctx, b.remote, b.picks)
	if err != nil {
		return fmt.Errorf("this shallow clone lacks the commits of #%d or their parents, and fetching them failed: %w", b.pr.Number, err)
	}
	if len(missing) > 0 {
		b.warn("This shallow clone lacked the commits of #%d or their parents: fetched them (git fetch --depth=2 %s %s), not the history behind them", b.pr.Number, b.remote, strings.Join(missing, " "))
	}
	b.subjects = map[string]string{}
	for _, c := range b.picks {
		if ok, err := b.g.HasCommit(ctx, c); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("commit %s of #%d is not in this clone and fetching %s did not bring it: fetch it (git fetch %s %s), then run %s again", short(c), b.pr.Number, b.base, b.remote, c, b.again())
		}
		if lines, err := b.g.Log(ctx, c+"^!", "%s"); err == nil && len(lines) > 0 {
			b.subjects[c] = lines[0]
		}
	}
	return nil
}

// pickAndOpen cherry-picks the fix onto the line and opens its backport pull
// request: labelled, reviews requested, auto-merge with --auto; a draft when
// the pick conflicts. A line that has the fix already gets none.
func (b *backporter) pickAndOpen(ctx context.Context, lf github.BackportLineFacts) *outcome {
	o := &outcome{line: lf.Line}
	fail := func(err error) *outcome {
		o.err = err
		return o
	}
	var head string
	var p pick
	if lf.HeadTip != "" {
		// A backport stopped after pushing the branch, before opening the pull request.
		if !b.ours(lf.HeadMessage) {
			return fail(fmt.Errorf("branch %s exists on GitHub and is not a backport of #%d: delete or rename it (git push %s --delete %s), then run %s again",
				lf.Head, b.pr.Number, b.remote, lf.Head, b.again()))
		}
		head = lf.HeadTip
		p.conflict = conflictOf(lf.HeadMessage)
		b.progress("Backport branch %s is on %s: opening its pull request", lf.Head, b.remote)
	} else {
		var err error
		if p, err = b.pickOnto(ctx, lf.Line); err != nil {
			return fail(fmt.Errorf("cherry-picking #%d onto %s: %w", b.pr.Number, lf.Line, err))
		}
		if p.tip == "" {
			o.state = hotfix.LineAlreadyThere
			return o
		}
		if err := b.g.PushCommit(ctx, b.remote, p.tip, lf.Head); err != nil {
			return fail(fmt.Errorf("pushing %s: %w", lf.Head, git.Advise(err, b.repo.Host, b.again())))
		}
		head = p.tip
	}
	created, err := b.open(ctx, lf, head, p)
	if err != nil {
		return fail(err)
	}
	o.number, o.url, o.created, o.files = created.Number, created.HTMLURL, true, p.files
	o.state = hotfix.LineOpened
	if p.conflict != "" {
		o.state = hotfix.LineConflict
	}
	if err := b.label(ctx, created.Number); err != nil {
		return fail(err)
	}
	if p.conflict == "" {
		b.requestReviews(ctx, created.Number)
		if b.opts.Auto {
			b.autoMerge(ctx, created, head)
		}
	}
	return o
}

// ours reports whether a backport branch's tip is one backport made: its
// message names, as git cherry-pick -x does, a commit of the fix.
func (b *backporter) ours(message string) bool {
	for _, c := range b.picks {
		if strings.Contains(message, "(cherry picked from commit "+c+")") {
			return true
		}
	}
	return false
}

// conflictOf is the commit a backport branch's tip committed with conflict
// markers, as its message says; "" for a clean pick.
func conflictOf(message string) string {
	if !strings.Contains(message, conflictNote) {
		return ""
	}
	_, after, ok := strings.Cut(message, "(cherry picked from commit ")
	if !ok {
		return ""
	}
	sha, _, _ := strings.Cut(after, ")")
	return sha
}

// conflictNote is in the message of a pick committed with its conflict markers.
const conflictNote = "(conflicts to resolve)"

// pickOnto cherry-picks the fix onto the line's tip in a temporary worktree:
// the user's checkout is never mid-cherry-pick. A conflict is committed with
// its markers for a person to resolve; the commits after it are left.
func (b *backporter) pickOnto(ctx context.Context, line string) (pick, error) {
	var p pick
	start := b.remote + "/" + line
	wt, done, err := b.g.TempWorktree(ctx, worktreePrefix, start)
	if err != nil {
		return p, err
	}
	defer done()
	for i, c := range b.picks {
		res, err := wt.CherryPick(ctx, c, b.mainline)
		if err != nil {
			return p, err
		}
		switch res {
		case git.Picked:
			p.applied = append(p.applied, c)
			if b.mainline > 0 {
				// A merge commit picked against its first parent keeps the merge's
				// message ("Merge pull request #42 from …"), which says nothing on
				// the line: the pull request's title says what it is.
				msg := fmt.Sprintf("%s (#%d)\n\n(cherry picked from commit %s)", b.pr.Title, b.pr.Number, c)
				if err := wt.Mutate(ctx, "commit", "--amend", "--no-verify", "--quiet", "-m", msg); err != nil {
					return p, err
				}
			}
			// A copied [skip ci] would skip the backport's checks, which its merge waits for.
			if err := wt.KeepChecks(ctx); err != nil {
				return p, err
			}
		case git.Empty:
			if err := wt.CherryPickSkip(ctx); err != nil {
				return p, err
			}
		case git.Conflicted:
			if p.files, err = wt.ConflictedFiles(ctx); err != nil {
				return p, err
			}
			subject := b.subjects[c]
			if b.mainline > 0 {
				subject = b.pr.Title // not the merge's "Merge pull request #42 from …"
			}
			msg := fmt.Sprintf("Backport #%d to %s %s: %s\n\nThe pick of %s conflicts in %s: the conflict markers are committed for a person to resolve.\n\n(cherry picked from commit %s)",
				b.pr.Number, line, conflictNote, subject, short(c), strings.Join(p.files, ", "), c)
			if err := wt.Mutate(ctx, "add", "-A", "--", "."); err != nil {
				return p, err
			}
			if err := wt.Mutate(ctx, "-c", "core.editor=true", "commit", "--allow-empty", "--no-verify", "--quiet", "-m", msg); err != nil {
				return p, err
			}
			_ = wt.Mutate(ctx, "cherry-pick", "--quit") // forget the sequencer's state, if any
			p.conflict, p.pending = c, b.picks[i+1:]
		}
		if p.conflict != "" {
			break
		}
	}
	if p.conflict == "" && len(p.applied) == 0 {
		return p, nil // the line has it all
	}
	p.tip, err = wt.RevParse(ctx, "HEAD")
	return p, err
}

// open opens the backport pull request from the branch at head, a draft when
// the pick conflicted. Opening is not idempotent: after a failure, GitHub is
// read again and a pull request found there is taken.
func (b *backporter) open(ctx context.Context, lf github.BackportLineFacts, head string, p pick) (github.RESTPull, error) {
	title := fmt.Sprintf("Backport #%d to %s: %s", b.pr.Number, lf.Line, strings.TrimPrefix(b.pr.Title, "Hotfix: "))
	body := b.body(lf, head, p)
	var created github.RESTPull
	var err error
	if p.conflict != "" {
		created, err = b.gh.CreateDraftPull(ctx, b.repo.Owner, b.repo.Name, lf.Head, lf.Line, title, body)
	} else {
		created, err = b.gh.CreatePull(ctx, b.repo.Owner, b.repo.Name, lf.Head, lf.Line, title, body)
	}
	if err == nil {
		return created, nil
	}
	again, qerr := b.gh.BackportFacts(ctx, github.BackportQuery{Owner: b.repo.Owner, Name: b.repo.Name, Number: b.pr.Number,
		Label: hotfix.BackportLabel, Lines: []string{lf.Line}, Heads: []string{lf.Head}})
	if qerr == nil && len(again.Lines) == 1 {
		if found, _, ok := findBackport(again.Lines[0].Pulls, b.pr.Number, lf.Line); ok && found.State == "OPEN" {
			return github.RESTPull{Number: found.Number, NodeID: found.ID, HTMLURL: found.URL, State: "open"}, nil
		}
	}
	return created, fmt.Errorf("opening the backport pull request into %s: %w (the branch %s is pushed: run %s again)", lf.Line, err, lf.Head, b.again())
}

// body explains the backport and, for a draft, exactly how to finish it. It
// ends with the backport's record.
func (b *backporter) body(lf github.BackportLineFacts, head string, p pick) string {
	n, line := b.pr.Number, lf.Line
	var s strings.Builder
	fmt.Fprintf(&s, "## Backport of #%d to `%s`\n\n", n, line)
	fmt.Fprintf(&s, "#%d (%s) was merged into `%s`. This pull request carries the same fix to the maintenance branch `%s`; once it is merged, `%s` releases it with the line's next patch tag.\n\n",
		n, b.pr.Title, b.base, line, b.again())
	item := func(c string) string { return fmt.Sprintf("- %s %s\n", short(c), b.subjects[c]) }
	if len(p.applied) > 0 {
		s.WriteString("Cherry-picked with `git cherry-pick -x`:\n")
		for _, c := range p.applied {
			s.WriteString(item(c))
		}
		s.WriteString("\n")
	}
	if p.conflict != "" {
		s.WriteString("### ⚠️ Conflicts to resolve\n\n")
		fmt.Fprintf(&s, "The pick of %s conflicts with `%s`; its conflict markers are committed in\n\n", short(p.conflict), line)
		for _, file := range p.files {
			fmt.Fprintf(&s, "- `%s`\n", file)
		}
		s.WriteString("\nso this pull request is a **draft**. To finish it:\n\n```sh\n")
		fmt.Fprintf(&s, "git fetch %s %s && git switch %s\n", b.remote, lf.Head, lf.Head)
		if len(p.files) > 0 {
			fmt.Fprintf(&s, "# resolve the conflicts in %s, then:\n", strings.Join(p.files, ", "))
		}
		fmt.Fprintf(&s, "git commit -am \"Resolve the conflicts of the backport of #%d\"\n", n)
		if len(p.pending) > 0 {
			m := ""
			if b.mainline > 0 {
				m = fmt.Sprintf("-m %d ", b.mainline)
			}
			fmt.Fprintf(&s, "git cherry-pick -x %s%s   # the commits of #%d left to apply\n", m, strings.Join(p.pending, " "), n)
		}
		fmt.Fprintf(&s, "git push\ngh pr ready\n```\n\n")
	}
	s.WriteString("<sub>Opened by gh hotfix backport.</sub>\n")
	s.WriteString(hotfix.Backport{Of: n, Line: line, Conflicts: p.conflict != "", Head: head}.Encode() + "\n")
	return s.String()
}

// label puts the hotfix and backport labels on a backport pull request,
// creating the backport label the first time; both requests are idempotent.
func (b *backporter) label(ctx context.Context, number int) error {
	if !b.labelled && !b.facts.LabelExists {
		err := b.gh.EnsureLabel(ctx, b.repo.Owner, b.repo.Name,
			github.Label{Name: hotfix.BackportLabel, Color: backportColor, Description: "Carries a fix to a maintenance branch"})
		if err != nil {
			return fmt.Errorf("creating the label %q: %w", hotfix.BackportLabel, err)
		}
		l := b.cfg.Label
		if err := b.gh.EnsureLabel(ctx, b.repo.Owner, b.repo.Name, github.Label{Name: l.Name, Color: l.Color, Description: l.Description}); err != nil {
			return fmt.Errorf("creating the label %q: %w", l.Name, err)
		}
	}
	b.labelled = true
	if err := b.gh.AddLabels(ctx, b.repo.Owner, b.repo.Name, number, b.cfg.Label.Name, hotfix.BackportLabel); err != nil {
		return fmt.Errorf("labelling #%d: %w", number, err)
	}
	return nil
}

// requestReviews asks the config's reviewers and --reviewer's; a refusal is a
// warning (the backport is open).
func (b *backporter) requestReviews(ctx context.Context, number int) {
	seen := map[string]bool{}
	var users, teams, all []string
	for _, r := range append(append([]string{}, b.cfg.Reviewers...), b.opts.Reviewers...) {
		r = strings.TrimPrefix(strings.TrimSpace(r), "@")
		if r == "" || seen[strings.ToLower(r)] {
			continue
		}
		seen[strings.ToLower(r)] = true
		all = append(all, r)
		if _, team, ok := strings.Cut(r, "/"); ok {
			teams = append(teams, team)
		} else {
			users = append(users, r)
		}
	}
	if len(all) == 0 {
		return
	}
	if err := b.gh.RequestReviewers(ctx, b.repo.Owner, b.repo.Name, number, users, teams); err != nil {
		b.warn("Could not request reviews on #%d from %s: %v", number, strings.Join(all, ", "), err)
	}
}

// autoMerge enables auto-merge on a clean backport with the config's merge
// method; one GitHub would merge now is merged now, at the head pushed.
func (b *backporter) autoMerge(ctx context.Context, pr github.RESTPull, head string) {
	method := b.cfg.MergeMethod
	if method == "" {
		method = "merge"
	}
	err := b.gh.EnableAutoMerge(ctx, pr.NodeID, method)
	switch {
	case err == nil:
		b.done("Auto-merge (%s) on #%d", method, pr.Number)
	case errors.Is(err, github.ErrCleanStatus):
		if _, merr := b.gh.MergePull(ctx, b.repo.Owner, b.repo.Name, pr.Number, method, head); merr != nil {
			b.warn("Could not merge #%d: %v; merge it when it may be (gh pr merge %d --%s)", pr.Number, merr, pr.Number, method)
			return
		}
		b.done("Merged #%d (%s): run %s to release it", pr.Number, method, b.again())
	default:
		b.warn("Could not enable auto-merge on #%d: %v; merge it once approved (gh pr merge %d --%s)", pr.Number, err, pr.Number, method)
	}
}

func (b *backporter) done(format string, args ...any) {
	b.progress(b.cs.SuccessIcon()+" "+format, args...)
}
