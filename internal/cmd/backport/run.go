package backport

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// backportColor is the colour of the backport label when backport creates it.
const backportColor = "5319e7"

// backporter carries one run of backport.
type backporter struct {
	f       *command.Factory
	opts    *BackportOptions
	ios     *iostreams.IOStreams
	cs      *iostreams.ColorScheme
	g       *git.Client
	gh      *github.Client
	repo    repository.Repository
	remote  string
	cfg     config.Config
	base    string
	facts   *github.BackportFacts
	pr      *github.RevertedPull
	summary hotfix.BackportSummary
	// summaryID is the summary comment's ID, 0 before one is posted.
	summaryID   int64
	summaryBody string
	// picks are the commits to cherry-pick, oldest first, and -m for a merge commit.
	picks    []string
	mainline int
	subjects map[string]string
	labelled bool // the backport label is known to exist
}

// outcome is where one line stands after this run.
type outcome struct {
	line    string
	state   hotfix.LineState
	number  int
	url     string
	tag     string
	run     string
	files   []string // conflicting files (a draft)
	err     error    // this line failed; the others went on
	created bool     // opened by this run
}

func run(ctx context.Context, f *command.Factory, opts *BackportOptions) error {
	co, err := command.RequireCheckout(ctx, f, opts.Repo, "run gh hotfix backport in a clone of the repository")
	if err != nil {
		return err
	}
	b := &backporter{f: f, opts: opts, ios: f.IOStreams, cs: f.IOStreams.ColorScheme(), g: co.Git, repo: co.Repo, remote: co.Remote}
	if err := opts.Pull.NotOf(b.repo.Host, b.repo.Owner, b.repo.Name, opts.Arg, "backport"); err != nil {
		return err
	}
	if b.remote == "" {
		return fmt.Errorf("this checkout has no remote for %s/%s/%s: run gh hotfix backport in a clone of it, or add one with git remote add", b.repo.Host, b.repo.Owner, b.repo.Name)
	}
	if f.GitAuth != nil {
		r := co.Remotes[b.remote]
		b.g.Env = append(b.g.Env, f.GitAuth(b.repo.Host, append([]string{r.FetchURL}, r.PushURLs...)...)...)
	}
	cfg, localConfig, err := config.Load(co.Root)
	if err != nil {
		return err
	}
	b.cfg = cfg
	if b.gh, err = f.GitHubClient(b.repo.Host); err != nil {
		return err
	}
	lines, err := b.load(ctx, localConfig)
	if err != nil {
		return err
	}
	if opts.DryRun {
		return b.dryRun(lines)
	}
	results := b.carry(ctx, lines)
	serr := b.saveSummary(ctx, results)
	return b.report(results, serr)
}

// load asks GitHub, in one request (two when the lines are known only from its
// answer: --to-latest, or the summary's), for the pull request, its summary,
// the lines and their backports, and refuses what backport cannot do before
// anything changes. It returns the lines to work on, in order.
func (b *backporter) load(ctx context.Context, localConfig bool) ([]string, error) {
	n := b.opts.Pull.Number
	configRev, configPath := "", ""
	if !localConfig {
		configRev, configPath = "HEAD", config.Path
		if b.cfg.Base != "" {
			configRev = b.cfg.Base
		}
	}
	ask := func(lines []string) (*github.BackportFacts, error) {
		heads := make([]string, len(lines))
		for i, l := range lines {
			heads[i] = hotfix.BackportBranch(b.cfg.BranchPrefix, n, l)
		}
		prefix, list := listPrefix(b.cfg.Exceptional.Template()), b.opts.Latest > 0
		return b.gh.BackportFacts(ctx, github.BackportQuery{Owner: b.repo.Owner, Name: b.repo.Name, Number: n,
			ConfigRev: configRev, ConfigPath: configPath, Label: hotfix.BackportLabel, Lines: lines, Heads: heads,
			List: list, ListPrefix: prefix})
	}
	facts, err := ask(b.opts.To)
	if err != nil {
		return nil, err
	}
	if configPath != "" {
		rev := configRev
		if rev == "HEAD" {
			rev = facts.DefaultBranch
		}
		res, err := config.Resolve(b.cfg, localConfig, rev, facts.Config)
		if err != nil {
			return nil, err
		}
		b.cfg = res.Config
		configPath = ""
		if res.AskAgain("branch_prefix") || res.AskAgain("exceptional.maintenance_branch") {
			if facts, err = ask(b.opts.To); err != nil {
				return nil, err
			}
		}
	}
	b.base = b.cfg.Base
	if b.base == "" {
		b.base = facts.DefaultBranch
	}
	if err := b.refuse(facts.Pull); err != nil {
		return nil, err
	}
	b.pr = facts.Pull
	if s, i := hotfix.FindBackportSummary(bodies(facts.Comments), n); i >= 0 {
		b.summary, b.summaryID, b.summaryBody = s, facts.Comments[i].ID, facts.Comments[i].Body
	} else {
		b.summary = hotfix.BackportSummary{Of: n}
	}
	lines := slices.Clone(b.opts.To)
	if b.opts.Latest > 0 {
		latest := b.latestLines(facts.Listed)
		if len(latest) == 0 {
			return nil, fmt.Errorf("%s/%s has no maintenance branches named like %s: name them with --to, or set exceptional.maintenance_branch in %s",
				b.repo.Owner, b.repo.Name, b.cfg.Exceptional.Template(), config.Path)
		}
		if len(latest) < b.opts.Latest {
			b.warn("%s/%s has %d maintenance %s, not %d: carrying #%d to %s", b.repo.Owner, b.repo.Name, len(latest), plural(len(latest), "branch", "branches"), b.opts.Latest, n, strings.Join(latest, ", "))
		}
		lines = latest
	}
	for _, l := range b.summary.Lines {
		if !slices.Contains(lines, l.Line) {
			lines = append(lines, l.Line)
		}
	}
	if len(lines) == 0 {
		return nil, cmderr.FlagErrorf("#%d has no backports yet: name the lines with --to <branch> or --to-latest <N>", n)
	}
	for _, l := range lines {
		if l == b.base {
			return nil, fmt.Errorf("%s is the base, where #%d was merged: backport carries it to maintenance branches (check --to)", l, n)
		}
	}
	if !slices.Equal(lines, b.opts.To) {
		if facts, err = ask(lines); err != nil {
			return nil, err
		}
		if err := b.refuse(facts.Pull); err != nil {
			return nil, err
		}
	}
	b.facts = facts
	for _, lf := range facts.Lines {
		if lf.Tip == "" {
			return nil, fmt.Errorf("branch %s does not exist in %s/%s: check the name (git ls-remote --heads %s), or make the line with gh hotfix create --from-tag",
				lf.Line, b.repo.Owner, b.repo.Name, b.remote)
		}
	}
	commits, mainline := b.pr.Reverts() // newest first
	slices.Reverse(commits)
	b.picks, b.mainline = commits, mainline
	return lines, nil
}

// refuse stops, before anything changes, a pull request backport cannot carry.
func (b *backporter) refuse(pr *github.RevertedPull) error {
	n, repo := b.opts.Pull.Number, b.repo.Owner+"/"+b.repo.Name
	switch {
	case pr == nil:
		return fmt.Errorf("%s has no pull request #%d: check the number (gh pr list --state merged%s)", repo, n, b.repoArg())
	case pr.State == "OPEN":
		return fmt.Errorf("pull request #%d is open: backport carries a fix merged into %s; merge it first (gh hotfix ship), then backport it", n, b.base)
	case pr.State == "CLOSED":
		return fmt.Errorf("pull request #%d was closed without being merged: there is nothing of it to backport", n)
	case pr.BaseRefName != b.base:
		return fmt.Errorf("pull request #%d was merged into %s, not into %s: backport carries a fix merged into the base (set base in %s)", n, pr.BaseRefName, b.base, config.Path)
	case pr.MergeCommit == "":
		return fmt.Errorf("pull request #%d is merged, but GitHub names no commit it made on %s: backport it by hand", n, b.base)
	}
	return nil
}

// latestLines are the newest maintenance branches among listed, newest first,
// at most --to-latest of them: those the template names, by version.
func (b *backporter) latestLines(listed []string) []string {
	type line struct {
		name         string
		major, minor int
	}
	var found []line
	for _, name := range listed {
		if major, minor, ok := b.cfg.Exceptional.LineOf(name); ok && name != b.base {
			found = append(found, line{name, major, minor})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].major != found[j].major {
			return found[i].major > found[j].major
		}
		return found[i].minor > found[j].minor
	})
	var names []string
	for i := 0; i < len(found) && i < b.opts.Latest; i++ {
		names = append(names, found[i].name)
	}
	return names
}

// listPrefix is the part of a maintenance branch template before its first
// placeholder, up to its last slash: the folder of refs/heads/ to list.
func listPrefix(tmpl string) string {
	static := tmpl
	if i := strings.Index(tmpl, "{"); i >= 0 {
		static = tmpl[:i]
	}
	if i := strings.LastIndex(static, "/"); i >= 0 {
		return static[:i+1]
	}
	return ""
}

// carry works on each line in turn: a line that fails is reported and the
// others go on.
func (b *backporter) carry(ctx context.Context, lines []string) []outcome {
	var results []outcome
	fetched := false
	for i := range lines {
		lf := b.facts.Lines[i]
		o := b.existing(ctx, lf)
		if o == nil {
			if !fetched {
				if err := b.fetch(ctx, lines); err != nil {
					for _, l := range lines[i:] {
						results = append(results, outcome{line: l, err: err})
					}
					return results
				}
				fetched = true
			}
			o = b.pickAndOpen(ctx, lf)
		}
		results = append(results, *o)
		b.say(*o)
	}
	return results
}

// existing is where a line stands when it needs no pick: its backport pull
// request (open, merged — then released once —, closed), or "already there"
// as recorded. nil when the line has neither: the fix is to be picked.
func (b *backporter) existing(ctx context.Context, lf github.BackportLineFacts) *outcome {
	n := b.pr.Number
	p, rec, ok := findBackport(lf.Pulls, n, lf.Line)
	if !ok {
		if prior, ok := b.summary.Line(lf.Line); ok && prior.State == hotfix.LineAlreadyThere {
			return &outcome{line: lf.Line, state: hotfix.LineAlreadyThere}
		}
		return nil
	}
	o := &outcome{line: lf.Line, number: p.Number, url: p.URL}
	switch p.State {
	case "MERGED":
		o.state = hotfix.LineMerged
		if prior, ok := b.summary.Line(lf.Line); ok && prior.PR == p.Number {
			o.tag, o.run = prior.Tag, prior.Run
		}
		b.release(ctx, o)
	case "CLOSED":
		o.state = hotfix.LineClosed
	default:
		o.state = hotfix.JudgeBackportPull(p.State, p.HeadRefOid, rec)
		if !p.HasLabel(b.cfg.Label.Name) || !p.HasLabel(hotfix.BackportLabel) {
			// A backport stopped right after opening it: the labels still belong on it.
			if err := b.label(ctx, p.Number); err != nil {
				o.err = err
			}
		}
	}
	return o
}

// findBackport picks the backport of pull request of to line among pulls,
// recognised by its record: an open one, else a merged one, else a closed one.
func findBackport(pulls []github.ForwardPull, of int, line string) (github.ForwardPull, hotfix.Backport, bool) {
	for _, state := range []string{"OPEN", "MERGED", "CLOSED"} {
		for _, p := range pulls {
			rec, ok := hotfix.ParseBackport(p.Body)
			if ok && p.State == state && p.BaseRefName == line && rec.Of == of && rec.Line == line && !p.IsCrossRepository {
				return p, rec, true
			}
		}
	}
	return github.ForwardPull{}, hotfix.Backport{}, false
}

// release releases a merged backport once, as gh hotfix ship --pr does: the
// hotfix workflow on the line, with the line's next patch tag, through the
// exactly-once record on the backport pull request.
func (b *backporter) release(ctx context.Context, o *outcome) {
	b.progress("Releasing %s: #%d is merged", o.line, o.number)
	r, err := shipMerged(ctx, b.f, o.number, b.opts.Repo)
	if r.Tag != "" {
		o.tag = r.Tag
	}
	if r.RunURL != "" {
		o.run, o.state = r.RunURL, hotfix.LineReleased
	}
	if err != nil {
		o.err = fmt.Errorf("releasing %s (#%d): %w", o.line, o.number, err)
	}
}

func bodies(comments []github.Comment) []string {
	out := make([]string, len(comments))
	for i, c := range comments {
		out[i] = c.Body
	}
	return out
}

func (b *backporter) repoArg() string {
	if b.opts.Repo == "" {
		return ""
	}
	return " -R " + b.opts.Repo
}

func (b *backporter) progress(format string, args ...any) {
	fmt.Fprintf(b.ios.ErrOut, format+"\n", args...)
}

func (b *backporter) warn(format string, args ...any) {
	b.progress(b.cs.WarningIcon()+" "+format, args...)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// again is the command that continues this backport.
func (b *backporter) again() string {
	cmd := "gh hotfix backport " + strconv.Itoa(b.opts.Pull.Number)
	if b.opts.Repo != "" {
		cmd += " -R " + b.opts.Repo
	}
	return cmd
}
