package status

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/cli/go-gh/v2/pkg/tableprinter"
	"github.com/cli/go-gh/v2/pkg/text"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// backportJSONFields are the fields --json can select with --backports, one
// object per maintenance line.
var backportJSONFields = []string{"line", "state", "number", "url", "tag", "release"}

// backportReader is what runBackports needs of GitHub.
type backportReader interface {
	BackportSource(ctx context.Context, owner, name string, number int) (*github.BackportSource, error)
	EarlierComments(ctx context.Context, id, cursor string) ([]github.Comment, error)
	BackportPulls(ctx context.Context, owner, name string, numbers []int) (map[int]*github.BackportPull, error)
}

// backportLine is where a fix stands on one maintenance line, read from GitHub now.
type backportLine struct {
	Line    string
	State   hotfix.LineState
	Number  int              // the backport pull request; 0 without one (already there)
	URL     string           // the pull request's page; "" when GitHub does not have it
	Tag     string           // the line's release tag, once decided
	Release *backportRelease // the line's release of the backport; nil before it
	// dirty: an open backport pull request in conflict with its line now
	// (the line moved since it was opened).
	dirty bool
	// missing: the summary names a pull request GitHub does not have; its
	// state is the summary's.
	missing bool
}

// backportRelease is the release of a merged backport, as its release marker
// records it, with the run's progress when the merge commit's check suites show it.
type backportRelease struct {
	RunID      int64  // 0 when the run is not recorded
	URL        string // the run's page
	Status     string // queued, in_progress, completed, ...; "" when unknown
	Conclusion string // success, failure, cancelled, ... once completed
}

// runBackports shows where each maintenance line stands in the backports of
// one pull request. The summary comment on it says which lines and pull
// requests there are; the pull requests themselves, read from GitHub now, say
// where they stand. Two GraphQL requests whatever the number of lines: the
// pull request with its comments, then its backport pull requests, only when
// there are some. A thread of more than 100 comments whose latest 100 lack the
// summary costs one more per 100 earlier comments.
func runBackports(ctx context.Context, f *command.Factory, opts *StatusOptions) error {
	if err := opts.JSON.CheckFields(backportJSONFields); err != nil {
		return err
	}
	ios := f.IOStreams
	co, err := command.ResolveCheckout(ctx, f, opts.Repo)
	if err != nil {
		return err
	}
	repo := co.Repo
	if err := opts.BackportsOf.NotOf(repo.Host, repo.Owner, repo.Name, opts.Backports, "status"); err != nil {
		return err
	}
	gh, err := f.GitHubClient(repo.Host)
	if err != nil {
		return err
	}
	n := opts.BackportsOf.Number
	src, err := gh.BackportSource(ctx, repo.Owner, repo.Name, n)
	switch {
	case errors.Is(err, github.ErrRepositoryNotFound):
		return fmt.Errorf("repository %s/%s not found (or your token cannot see it): check the name given to --repo or GH_REPO", repo.Owner, repo.Name)
	case errors.Is(err, github.ErrPullNotFound):
		return fmt.Errorf("%s/%s has no pull request #%d: --backports takes the pull request whose fix was backported", repo.Owner, repo.Name, n)
	case err != nil:
		return fmt.Errorf("reading pull request #%d of %s/%s: %w", n, repo.Owner, repo.Name, err)
	}
	summary, found, err := backportSummary(ctx, gh, src)
	if err != nil {
		return fmt.Errorf("reading the comments of #%d: %w", n, err)
	}
	if why := noBackports(src, summary, found, repoArg(opts.Repo)); why != "" {
		fmt.Fprintln(ios.ErrOut, why)
		if len(opts.JSON.Fields) > 0 {
			return opts.JSON.Write(ios, []map[string]any{})
		}
		return nil
	}

	var numbers []int
	for _, l := range summary.Lines {
		if l.PR > 0 {
			numbers = append(numbers, l.PR)
		}
	}
	pulls := map[int]*github.BackportPull{}
	if len(numbers) > 0 {
		if pulls, err = gh.BackportPulls(ctx, repo.Owner, repo.Name, numbers); err != nil {
			return fmt.Errorf("reading the backport pull requests of #%d: %w", n, err)
		}
	}
	lines := make([]backportLine, len(summary.Lines))
	for i, l := range summary.Lines {
		lines[i] = judgeLine(n, l, pulls[l.PR])
		if lines[i].missing {
			fmt.Fprintf(ios.ErrOut, "%s %s/%s has no pull request #%d, which the backports' summary on #%d names for %s: its state is the summary's\n",
				ios.ColorScheme().WarningIcon(), repo.Owner, repo.Name, l.PR, n, l.Line)
		}
	}

	if len(opts.JSON.Fields) > 0 {
		data := make([]map[string]any, len(lines))
		for i := range lines {
			data[i] = lines[i].export()
		}
		return opts.JSON.Write(ios, data)
	}
	if ios.IsStdoutTTY() {
		fmt.Fprintf(ios.Out, "\nBackports of #%d %s (merged into %s)\n\n", src.Number, src.Title, src.BaseRefName)
	}
	return printBackports(ios, lines)
}

// backportSummary finds the summary of the backports among the pull request's
// comments: the earliest one, which backport updates in place. Only when the
// latest 100 lack it and there are more are the earlier ones read.
func backportSummary(ctx context.Context, gh backportReader, src *github.BackportSource) (hotfix.BackportSummary, bool, error) {
	comments := src.Comments
	s, i := hotfix.FindBackportSummary(bodies(comments), src.Number)
	if i < 0 && src.HasEarlier && src.State == "MERGED" {
		earlier, err := gh.EarlierComments(ctx, src.ID, src.EarlierCursor)
		if err != nil {
			return hotfix.BackportSummary{}, false, err
		}
		s, i = hotfix.FindBackportSummary(bodies(earlier), src.Number)
	}
	return s, i >= 0, nil
}

func bodies(comments []github.Comment) []string {
	list := make([]string, len(comments))
	for i, c := range comments {
		list[i] = c.Body
	}
	return list
}

// noBackports is the line that says why pull request src has no backports to
// show (not merged, or no backport run yet), with what to do; "" when it has.
// A backport pull request itself names the pull request whose backports it is
// one of.
func noBackports(src *github.BackportSource, s hotfix.BackportSummary, found bool, repoArg string) string {
	n := src.Number
	if rec, ok := hotfix.ParseBackport(src.Body); ok {
		return fmt.Sprintf("#%d is the backport of #%d to %s: gh hotfix status --backports %d%s shows them all", n, rec.Of, rec.Line, rec.Of, repoArg)
	}
	switch {
	case src.State == "OPEN":
		return fmt.Sprintf("#%d has no backports: it is not merged yet (once it is, gh hotfix backport %d --to <branch>)", n, n)
	case src.State == "CLOSED":
		return fmt.Sprintf("#%d has no backports: it was closed without merging", n)
	case !found || len(s.Lines) == 0:
		return fmt.Sprintf("#%d has no backports yet: gh hotfix backport %d --to <branch>", n, n)
	}
	return ""
}

// judgeLine says where line l of pull request of's backports stands now: the
// summary says which pull request carries it (p, nil when GitHub does not have
// it), and the pull request's state, head and release marker, read now, win
// over what the summary recorded.
func judgeLine(of int, l hotfix.BackportLine, p *github.BackportPull) backportLine {
	b := backportLine{Line: l.Line, State: l.State, Number: l.PR, Tag: l.Tag}
	if l.State == hotfix.LineReleased && l.Run != "" {
		b.Release = &backportRelease{URL: l.Run}
	}
	if l.PR == 0 {
		return b
	}
	if p == nil {
		b.missing = true
		return b
	}
	b.URL = p.URL
	rec, ok := hotfix.ParseBackport(p.Body)
	if !ok || rec.Of != of || rec.Line != l.Line {
		rec = hotfix.Backport{} // not its record: GitHub's state alone
	}
	b.State = hotfix.JudgeBackportPull(p.State, p.HeadRefOid, rec)
	if b.State != hotfix.LineMerged {
		b.Tag, b.Release = "", nil
		b.dirty = p.State == "OPEN" && p.MergeStateStatus == "DIRTY"
		return b
	}
	if p.MergeCommit != nil {
		if m, ok := release.FindMarker(p.Comments, p.MergeCommit.Oid); ok {
			b.State, b.Release = hotfix.LineReleased, &backportRelease{}
			if m.Tag != "" {
				b.Tag = m.Tag
			}
			if m.State == "dispatched" {
				b.Release.RunID, b.Release.URL = m.RunID, m.RunURL
			}
			b.Release.Status, b.Release.Conclusion, _ = p.RunProgress(m.RunID)
			return b
		}
	}
	// No marker among its latest comments: a busy thread may have it further
	// up, and the summary, updated by the run that released it, says so then.
	if l.State == hotfix.LineReleased {
		b.State = hotfix.LineReleased
		return b
	}
	b.Release = nil
	return b
}

// summary is the STATUS column: the state as the summary comment words it,
// with the release's tag and run, and the tone it reads in.
func (b *backportLine) summary() (string, tone) {
	s := b.State.Sentence()
	var t tone
	switch b.State {
	case hotfix.LineOpened, hotfix.LineResolved, hotfix.LineMerged:
		t = waiting
	case hotfix.LineConflict, hotfix.LineClosed:
		t = bad
	case hotfix.LineAlreadyThere:
		t = good
	case hotfix.LineReleased:
		if b.Tag != "" {
			s += " " + b.Tag
		}
		run, rt := b.Release.progress()
		s, t = s+run, rt
	}
	if b.dirty {
		s, t = s+", in conflict with "+b.Line+" now", bad
	}
	if b.missing {
		s += fmt.Sprintf(" (as recorded: #%d not found)", b.Number)
	}
	return s, t
}

// progress words the release run's progress after "released <tag>".
func (r *backportRelease) progress() (string, tone) {
	switch {
	case r == nil || (r.RunID == 0 && r.URL == ""):
		return ", run not recorded", waiting
	case r.Status == "":
		return "", neutral
	}
	word, t := runWord(r.Status, r.Conclusion)
	return ", run " + word, t
}

// export is the line as --json shows it.
func (b *backportLine) export() map[string]any {
	m := map[string]any{"line": b.Line, "state": string(b.State), "number": nil, "url": orNull(b.URL), "tag": orNull(b.Tag), "release": nil}
	if b.Number != 0 {
		m["number"] = b.Number
	}
	if r := b.Release; r != nil {
		rel := map[string]any{"runId": nil, "url": orNull(r.URL), "status": orNull(r.Status), "conclusion": orNull(r.Conclusion)}
		if r.RunID != 0 {
			rel["runId"] = r.RunID
		}
		m["release"] = rel
	}
	return m
}

// printBackports prints the lines with go-gh's table printer: aligned columns
// with a header and colour on a terminal, tab-separated lines otherwise.
func printBackports(ios *iostreams.IOStreams, lines []backportLine) error {
	cs := ios.ColorScheme()
	tty := ios.IsStdoutTTY()
	type row struct{ line, summary, pr, url, run string }
	header := row{"LINE", "STATUS", "PR", "URL", "RUN"}
	rows := make([]row, len(lines))
	tones := make([]tone, len(lines))
	for i := range lines {
		b := &lines[i]
		r := row{line: b.Line, url: b.URL}
		r.summary, tones[i] = b.summary()
		if b.Number != 0 {
			r.pr = strconv.Itoa(b.Number)
			if tty {
				r.pr = "#" + r.pr
			}
		}
		if b.Release != nil {
			r.run = b.Release.URL
		}
		rows[i] = r
	}
	if tty {
		// The line and the pull request's number are never cut; on a narrow
		// terminal the status keeps what it needs first, then the URLs.
		widest := func(col func(row) string) int {
			w := text.DisplayWidth(col(header))
			for _, r := range rows {
				w = max(w, text.DisplayWidth(col(r)))
			}
			return w
		}
		const gap = 2 // go-gh's column separator on a terminal
		fixed := widest(func(r row) string { return r.line }) + widest(func(r row) string { return r.pr }) + 4*gap
		w := fitColumns(ios.TerminalWidth()-fixed, []int{
			widest(func(r row) string { return r.summary }),
			widest(func(r row) string { return r.url }),
			widest(func(r row) string { return r.run }),
		})
		for i := range rows {
			rows[i].summary = text.Truncate(w[0], rows[i].summary)
			rows[i].url = text.Truncate(w[1], rows[i].url)
			rows[i].run = text.Truncate(w[2], rows[i].run)
		}
	}
	tp := tableprinter.New(ios.Out, tty, ios.TerminalWidth())
	tp.AddHeader([]string{header.line, header.summary, header.pr, header.url, header.run}, tableprinter.WithColor(cs.Gray))
	toneColor := map[tone]func(string) string{good: cs.Green, waiting: cs.Yellow, bad: cs.Red}
	// Every field is already cut to its width: the printer cuts nothing more.
	whole := tableprinter.WithTruncate(nil)
	for i, r := range rows {
		tp.AddField(r.line, whole)
		tp.AddField(r.summary, whole, tableprinter.WithColor(toneColor[tones[i]]))
		tp.AddField(r.pr, whole)
		tp.AddField(r.url, whole)
		tp.AddField(r.run, whole)
		tp.EndRow()
	}
	return tp.Render()
}
