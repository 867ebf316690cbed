package backport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// say reports one line's outcome on stderr as it happens.
func (b *backporter) say(o outcome) {
	switch {
	case o.err != nil:
		b.progress("%s %s: %v", b.cs.FailureIcon(), o.line, o.err)
	case o.state == hotfix.LineAlreadyThere:
		b.done("%s already has the fix of #%d: nothing to backport", o.line, b.pr.Number)
	case o.state == hotfix.LineConflict && o.created:
		b.warn("%s: the pick conflicts in %s: opened draft pull request #%d with the conflict markers committed: %s", o.line, strings.Join(o.files, ", "), o.number, o.url)
	case o.created:
		b.done("%s: opened backport pull request #%d: %s", o.line, o.number, o.url)
	case o.state == hotfix.LineReleased:
		b.done("%s: #%d released as %s: %s", o.line, o.number, orDash(o.tag), o.run)
	case o.state == hotfix.LineClosed:
		b.warn("%s: backport pull request #%d was closed without merging: %s; backport does not open another (reopen it if the fix must reach %s)", o.line, o.number, o.url, o.line)
	default:
		b.done("%s: backport pull request #%d, %s: %s", o.line, o.number, o.state.Sentence(), o.url)
	}
}

// saveSummary records every line's outcome in the summary comment on the source
// pull request: edited in place when it exists, else posted — at most twice,
// the second time only after reading the comments back proved the first did
// nothing. A line that failed keeps what the summary said of it.
func (b *backporter) saveSummary(ctx context.Context, results []outcome) error {
	for _, o := range results {
		if o.err != nil && o.state == "" {
			continue
		}
		b.summary.Set(hotfix.BackportLine{Line: o.line, State: o.state, PR: o.number, Tag: o.tag, Run: o.run})
	}
	body := b.summary.Render()
	if body == b.summaryBody {
		return nil
	}
	if b.summaryID != 0 {
		if err := b.gh.EditComment(ctx, b.repo.Owner, b.repo.Name, b.summaryID, body); err != nil {
			return fmt.Errorf("updating the backport summary on #%d: %w", b.pr.Number, err)
		}
		return nil
	}
	_, _, err := release.PostOnce(ctx, thread{b}, body, func(comments []github.Comment) bool {
		_, i := hotfix.FindBackportSummary(bodies(comments), b.pr.Number)
		return i >= 0
	})
	if err != nil {
		return fmt.Errorf("posting the backport summary on #%d: %w", b.pr.Number, err)
	}
	return nil
}

// thread is the source pull request's conversation, as release.PostOnce needs it.
type thread struct{ b *backporter }

func (t thread) Comments(ctx context.Context) ([]github.Comment, error) {
	pr, err := t.b.gh.Pull(ctx, t.b.pr.ID)
	return pr.Comments, err
}

func (t thread) Post(ctx context.Context, body string) (*github.PostedComment, error) {
	return t.b.gh.AddComment(ctx, t.b.pr.ID, body)
}

func (t thread) Edit(ctx context.Context, id int64, body string) error {
	return t.b.gh.EditComment(ctx, t.b.repo.Owner, t.b.repo.Name, id, body)
}

func (t thread) Delete(ctx context.Context, id int64) error {
	return t.b.gh.DeleteComment(ctx, t.b.repo.Owner, t.b.repo.Name, id)
}

// report prints one line a line on stdout — the line, its state, the backport
// pull request, the tag and run — and decides the exit: 1 when a line failed
// (the others are done, and recorded), 3 when a draft waits for a person.
func (b *backporter) report(results []outcome, summaryErr error) error {
	var failed []string
	var drafts []string
	for _, o := range results {
		state := string(o.state)
		if o.err != nil {
			state = "failed"
			failed = append(failed, fmt.Sprintf("%s: %v", o.line, o.err))
		}
		if o.state == hotfix.LineConflict {
			drafts = append(drafts, fmt.Sprintf("#%d into %s", o.number, o.line))
		}
		fmt.Fprintf(b.ios.Out, "%s\t%s\t%s\t%s\t%s\n", o.line, orDash(state), orDash(o.url), orDash(o.tag), orDash(o.run))
	}
	switch {
	case len(failed) == 1:
		return errors.Join(fmt.Errorf("%s; run %s again once that is mended", failed[0], b.again()), summaryErr)
	case len(failed) > 1:
		return errors.Join(fmt.Errorf("%d lines failed (said above); run %s again once that is mended", len(failed), b.again()), summaryErr)
	case summaryErr != nil:
		return summaryErr
	case len(drafts) > 0:
		return &cmderr.AttentionError{Err: fmt.Errorf("the backport %s conflicts: a person must resolve %s (each draft says how), mark it ready and merge it; then run %s to release it",
			strings.Join(drafts, ", "), map[bool]string{true: "it", false: "them"}[len(drafts) == 1], b.again())}
	}
	return nil
}

// dryRun says what backport would do on each line, changing nothing.
func (b *backporter) dryRun(lines []string) error {
	out := b.ios.Out
	what := fmt.Sprintf("%d commit(s) of #%d", len(b.picks), b.pr.Number)
	if b.mainline > 0 {
		what = fmt.Sprintf("the merge commit %s of #%d (-m 1)", short(b.picks[0]), b.pr.Number)
	} else if len(b.picks) == 1 {
		what = fmt.Sprintf("the commit %s of #%d", short(b.picks[0]), b.pr.Number)
	}
	for i, line := range lines {
		lf := b.facts.Lines[i]
		p, _, ok := findBackport(lf.Pulls, b.pr.Number, line)
		prior, recorded := b.summary.Line(line)
		switch {
		case ok && p.State == "MERGED":
			fmt.Fprintf(out, "%s: #%d is merged: would release it once with the line's next patch tag (as gh hotfix ship --pr %d)\n", line, p.Number, p.Number)
		case ok:
			fmt.Fprintf(out, "%s: backport pull request #%d is %s: nothing to do\n", line, p.Number, strings.ToLower(p.State))
		case recorded && prior.State == hotfix.LineAlreadyThere:
			fmt.Fprintf(out, "%s: already has the fix: nothing to do\n", line)
		default:
			fmt.Fprintf(out, "%s: would cherry-pick -x %s onto %s/%s in a temporary worktree, push %s and open a pull request into %s labelled %s and %s (a draft if it conflicts; nothing if the line has the fix)\n",
				line, what, b.remote, line, lf.Head, line, b.cfg.Label.Name, hotfix.BackportLabel)
		}
	}
	fmt.Fprintf(out, "Would record every line in one comment on #%d\n", b.pr.Number)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
