package create

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// fromTagGitHub is what the exceptional process of create needs of GitHub.
type fromTagGitHub interface {
	comparer
	branchUser
	rulesetReader
	lineWorkflowGitHub
	LatestReleaseTag(ctx context.Context, owner, name string) (string, error)
	FromTagFacts(ctx context.Context, owner, name string, q github.FromTagQuery) (*github.FromTagFacts, error)
}

// lineWorkflowGitHub is what reading and adding a line's hotfix workflow needs of GitHub.
type lineWorkflowGitHub interface {
	TextFiles(ctx context.Context, owner, name string, expressions ...string) (map[string]string, error)
	EnsureBranch(ctx context.Context, owner, name, branch, sha string) (tip string, created bool, err error)
	CommitFiles(ctx context.Context, owner, name, branch, head, headline string, files map[string]string) (string, error)
	EnsurePull(ctx context.Context, owner, name, head, base, title, body string, labels []string) (github.OpenPull, error)
}

// fromTag is what run found out before the exceptional process takes over.
type fromTag struct {
	g           *git.Client
	gh          fromTagGitHub
	repo        repository.Repository
	remote      string
	cfg         config.Config
	localConfig bool
	desc        string // "" until known (from --issue)
}

// runFromTag creates a hotfix branch from a release tag: the exceptional process,
// for when the base is not releasable. The maintenance branch of the tag's line is
// created on GitHub from the tag when missing; the hotfix branch starts at the tag
// and remembers the tag, the maintenance branch and the main line for ship.
// Every check that can refuse runs before the first change.
func runFromTag(ctx context.Context, f *command.Factory, opts *CreateOptions, ft *fromTag) error {
	ios := f.IOStreams
	cs := ios.ColorScheme()
	g, gh, repo, cfg, desc := ft.g, ft.gh, ft.repo, ft.cfg, ft.desc
	fullName := repo.Owner + "/" + repo.Name

	tag := opts.FromTag
	if opts.FromLatestRelease {
		var err error
		if tag, err = gh.LatestReleaseTag(ctx, repo.Owner, repo.Name); err != nil {
			return fmt.Errorf("finding the latest release of %s: %w", fullName, err)
		}
		if tag == "" {
			return fmt.Errorf("%s has no release marked as latest: name the release tag to hotfix with --from-tag", fullName)
		}
	}
	ver, err := release.ParseTag(tag)
	if err != nil {
		return fmt.Errorf("cannot hotfix from %s: %w; hotfixes start from a release tag", tag, err)
	}

	// One request says everything; the team's config (when the checkout has none)
	// comes with it, and only a config that changes the question asks again.
	var branch, maint string
	ask := func(configPath string) (*github.FromTagFacts, error) {
		maint = cfg.Exceptional.MaintenanceBranchFor(ver.Major, ver.Minor)
		branch = ""
		if desc != "" || opts.Name != "" {
			if branch, err = branchFor(ctx, f, cfg.BranchPrefix, desc, opts.Name); err != nil {
				return nil, err
			}
		}
		return gh.FromTagFacts(ctx, repo.Owner, repo.Name, github.FromTagQuery{Tag: tag, Maintenance: maint, Mainline: cfg.Base,
			Branch: branch, Issue: opts.Issue, ConfigPath: configPath, LinePrefixes: ver.LinePrefixes()})
	}
	configPath := ""
	if !ft.localConfig {
		configPath = config.Path
	}
	facts, err := ask(configPath)
	if err != nil {
		return err
	}
	res, err := config.Resolve(cfg, ft.localConfig, facts.DefaultBranch, facts.Config)
	if err != nil {
		return err
	}
	cfg = res.Config
	if res.AskAgain("base", "branch_prefix", "exceptional.maintenance_branch") {
		if facts, err = ask(""); err != nil {
			return err
		}
	}
	if cfg.Exceptional.Workflow == "" {
		return fmt.Errorf("the exceptional process is not set up in %s: %s, then run %s again", fullName, hotfix.SetUpExceptional, rerunCommand(opts, desc))
	}
	if opts.Issue > 0 {
		if !facts.IssueFound {
			return fmt.Errorf("issue #%d not found in %s: check the number given to --issue", opts.Issue, fullName)
		}
		if desc == "" {
			desc = facts.IssueTitle
			if branch, err = branchFor(ctx, f, cfg.BranchPrefix, desc, opts.Name); err != nil {
				return fmt.Errorf("issue #%d: %w", opts.Issue, err)
			}
		}
	}
	if err := checkBranchFree(ctx, gh, repo, ft.remote, cfg.BranchPrefix, facts.Branch, branch, cmp.Or(facts.MaintenanceTip, facts.TagCommit)); err != nil {
		return err
	}
	if facts.TagCommit == "" {
		return fmt.Errorf("tag %s not found in %s: list the release tags with git ls-remote --tags %s, or use --from-latest-release", tag, fullName, ft.remote)
	}
	bypass := &bypassOnce{gh: gh}
	if err := checkCreationAllowed(ctx, bypass, repo, facts.Rulesets, branch, facts.DefaultBranch, cfg.BranchPrefix); err != nil {
		return err
	}
	// A local tag of the same name at another commit would stop the fetch below,
	// after the maintenance branch was made: known here, locally and cheaply.
	if err := checkLocalTag(ctx, g, tag, facts.TagCommit, ft.remote, rerunCommand(opts, desc)); err != nil {
		return err
	}
	mainline := cfg.Base
	if mainline == "" {
		mainline = facts.DefaultBranch
	}
	if !facts.MainlineFound || mainline == "" {
		return fmt.Errorf("base branch %q does not exist in %s: the fix is forward-ported to it; set base in %s to an existing branch", mainline, fullName, config.Path)
	}
	if err := g.CheckRefFormatBranch(ctx, maint); err != nil {
		return fmt.Errorf("the maintenance branch of %s: %w; check exceptional.maintenance_branch in %s", tag, err, config.Path)
	}
	if maint == mainline {
		return fmt.Errorf("the maintenance branch of %s would be %s, the base itself: change exceptional.maintenance_branch in %s", tag, maint, config.Path)
	}
	// A maintenance branch that does not exist yet is created first, through
	// the API: a ruleset that forbids it would stop the process after nothing
	// but that, so it is known now. An existing one is only read.
	if facts.MaintenanceTip == "" {
		if err := creationAllowed(ctx, bypass, repo, facts.Rulesets, maint, facts.DefaultBranch,
			fmt.Sprintf("ask an admin to add you to its bypass list, or to create %s at %s (then run %s again), or set exceptional.maintenance_branch in %s to a name it allows",
				maint, tag, rerunCommand(opts, desc), config.Path)); err != nil {
			return err
		}
	}
	// A later release of the line (v1.4.2 when the hotfix starts from v1.4.0):
	// the hotfix is released after it (v1.4.3), so it must carry its changes —
	// which a maintenance branch made from the older tag would not have.
	later, hasLater := latestOfLine(ver, facts.LineTags)
	if hasLater && facts.MaintenanceTip == "" && later.Commit != facts.TagCommit {
		again := *opts
		again.FromTag, again.FromLatestRelease = later.Name, false
		return fmt.Errorf("%s is the latest release of the %d.%d line, not %s: a hotfix from %s would be released after it without its changes (%s does not exist yet); hotfix from it: %s",
			later.Name, ver.Major, ver.Minor, tag, tag, maint, rerunCommand(&again, desc))
	}
	// An existing maintenance branch must hold the release: the hotfix merges into it.
	extra, since, hasLatest := 0, tag, true
	if facts.MaintenanceTip != "" && facts.MaintenanceTip != facts.TagCommit {
		ahead, contains, err := compareCommits(ctx, gh, repo, facts.TagCommit, facts.MaintenanceTip)
		if err != nil {
			return fmt.Errorf("comparing %s with %s: %w", maint, tag, err)
		}
		if !contains {
			return fmt.Errorf("%s exists in %s but does not contain %s: hotfix from a tag of that branch with --from-tag, or set exceptional.maintenance_branch in %s",
				maint, fullName, tag, config.Path)
		}
		extra = ahead
	}
	if hasLater && facts.MaintenanceTip != "" {
		// What ships besides the hotfix is counted from the line's latest release.
		since = later.Name
		ahead, contains, err := compareCommits(ctx, gh, repo, later.Commit, facts.MaintenanceTip)
		if err != nil {
			return fmt.Errorf("comparing %s with %s: %w", maint, later.Name, err)
		}
		extra, hasLatest = ahead, contains
	}
	warnLine := func() {
		switch {
		case !hasLater || facts.MaintenanceTip == "":
		case hasLatest:
			fmt.Fprintf(ios.ErrOut, "%s %s is the latest release of this line, not %s: %s, which the hotfix merges into, has it, and the hotfix is released after it\n",
				cs.WarningIcon(), later.Name, tag, maint)
		default:
			fmt.Fprintf(ios.ErrOut, "%s %s is the latest release of this line, but %s does not contain it: the hotfix will be released after it without its changes\n",
				cs.WarningIcon(), later.Name, maint)
		}
		if extra > 0 {
			fmt.Fprintf(ios.ErrOut, "%s %s has %s\n", cs.WarningIcon(), maint, commitsSince(extra, since))
		}
	}

	// ship dispatches the hotfix workflow on the maintenance branch, and GitHub
	// runs a dispatched workflow from the branch it runs on: a line without it
	// could not be released. Known now, before anything changes; the line gets
	// the base's copy once its branch exists.
	lw, err := planLineWorkflow(ctx, gh, repo.Owner, repo.Name, cfg.Exceptional, tag, maint, facts.MaintenanceTip != "", mainline)
	if err != nil {
		return err
	}

	start := facts.TagCommit
	if opts.DryRun {
		warnLine()
		out := ios.Out
		if facts.MaintenanceTip == "" {
			fmt.Fprintf(out, "Would create the maintenance branch %s on GitHub at %s (%s)\n", maint, tag, short(start))
		} else {
			fmt.Fprintf(out, "Would use the maintenance branch %s (%s)\n", maint, short(facts.MaintenanceTip))
		}
		if lw != nil {
			fmt.Fprintf(out, "Would add %s from %s to %s in one commit made by GitHub (the hotfix workflow %s), or open a pull request for it where %s takes changes only through pull requests\n",
				lw.path, mainline, maint, lw.why, maint)
		}
		fmt.Fprintf(out, "Would fetch the tag %s and %s from %s\n", tag, maint, ft.remote)
		fmt.Fprintf(out, "Would create branch %s at %s (%s) and switch to it\n", branch, tag, short(start))
		fmt.Fprintf(out, "Would record the description, issue, tag, maintenance branch and base in git config branch.%s.hotfix-*\n", branch)
		if opts.Push {
			fmt.Fprintf(out, "Would push %s to %s and set it as upstream\n", branch, ft.remote)
		}
		return nil
	}

	// The maintenance branch is created through the API, not pushed: creating a ref
	// never moves an existing one (a push could fast-forward it), needs no local
	// objects, and a second attempt is refused rather than repeated.
	created, maintTip := false, facts.MaintenanceTip
	if facts.MaintenanceTip == "" {
		tip, made, err := gh.EnsureBranch(ctx, repo.Owner, repo.Name, maint, start)
		if err != nil {
			return fmt.Errorf("creating the maintenance branch %s from %s: %w", maint, tag, err)
		}
		created, maintTip = made, tip
		if tip != start {
			// Someone created it meanwhile, elsewhere: it still must hold the release.
			fmt.Fprintf(ios.ErrOut, "%s %s was created meanwhile at %s: the hotfix will merge into it\n", cs.WarningIcon(), maint, short(tip))
		}
	}
	if created {
		fmt.Fprintf(ios.ErrOut, "%s Created the maintenance branch %s from %s\n", cs.SuccessIcon(), cs.Bold(maint), tag)
	}
	if lw != nil {
		if err := addLineWorkflow(ctx, f, gh, repo.Owner, repo.Name, maint, maintTip, mainline, cfg, lw); err != nil {
			return err
		}
	}
	// A shallow clone (git clone --depth) that lacks the tag's commit would fetch the
	// whole history behind it: fetch the commit alone first, and the maintenance
	// branch's commits since the tag then connect to it.
	if fetched, err := fetchShallowTag(ctx, g, ft.remote, tag, start); err != nil {
		return err
	} else if fetched {
		fmt.Fprintf(ios.ErrOut, "This shallow clone lacks %s (%s): fetched that commit without the history behind it\n", tag, short(start))
	}
	// One fetch brings the tag and the maintenance branch, which ship measures against.
	if err := g.Fetch(ctx, ft.remote, "refs/tags/"+tag+":refs/tags/"+tag,
		"+refs/heads/"+maint+":refs/remotes/"+ft.remote+"/"+maint); err != nil {
		return fmt.Errorf("fetching %s and %s from %s: %w", tag, maint, ft.remote, git.Advise(err, repo.Host, rerunCommand(opts, desc)))
	}
	if err := g.SwitchNew(ctx, branch, start); err != nil {
		return fmt.Errorf("creating %s: %w", branch, err)
	}
	meta := hotfix.Meta{Description: desc, Issue: opts.Issue, Base: maint, Remote: ft.remote,
		Repo: repo.Host + "/" + fullName, Created: f.Now(), FromTag: tag, Mainline: mainline}
	if err := hotfix.SaveMeta(ctx, g, branch, meta); err != nil {
		return fmt.Errorf("recording the hotfix in git config: %w", err)
	}
	if opts.Push {
		if err := g.Push(ctx, ft.remote, branch, true); err != nil {
			return pushError(ios.ErrOut, branch, err)
		}
	}
	tellCreated(ctx, f, g, cfg, repo, branch, meta)

	if !ios.IsStdoutTTY() {
		fmt.Fprintln(ios.Out, branch)
	}
	warnLine()
	if !ios.IsStdoutTTY() {
		return nil
	}
	fmt.Fprintf(ios.ErrOut, "%s Created %s from %s (%s) and switched to it\n", cs.SuccessIcon(), cs.Bold(branch), tag, short(start))
	if opts.Push {
		fmt.Fprintf(ios.ErrOut, "%s Pushed %s to %s\n", cs.SuccessIcon(), branch, ft.remote)
	}
	fmt.Fprintf(ios.ErrOut, "Next: commit a minimal fix, then run %s: it merges into %s, releases %s with %s and forward-ports the fix to %s\n",
		cs.Bold("gh hotfix ship"), maint, nextTagHint(ver, facts.LineTags), cfg.Exceptional.Workflow, mainline)
	return nil
}

// checkLocalTag refuses a local tag named tag that points to another commit
// than GitHub's (a stale tag, or one made by hand): the hotfix must start from
// the release as GitHub has it, and the fetch of the tag would be refused.
func checkLocalTag(ctx context.Context, g *git.Client, tag, commit, remote, again string) error {
	if has, err := g.RefExists(ctx, "refs/tags/"+tag); err != nil || !has {
		return err
	}
	local, err := g.RevParse(ctx, "refs/tags/"+tag)
	if err != nil {
		return err
	}
	if local != commit {
		return fmt.Errorf("the local tag %s points to %s but to %s on %s: take %s's with git fetch --force %s tag %s (or delete yours: git tag -d %s), then run %s again",
			tag, short(local), short(commit), remote, remote, remote, tag, tag, again)
	}
	return nil
}

// fetchShallowTag fetches the tag's commit alone (git fetch --depth=1) when the clone
// is shallow and lacks it, and says whether it did.
func fetchShallowTag(ctx context.Context, g *git.Client, remote, tag, commit string) (bool, error) {
	shallow, err := g.IsShallow(ctx)
	if err != nil || !shallow {
		return false, err
	}
	if has, err := g.HasCommit(ctx, commit); err != nil || has {
		return false, err
	}
	if err := g.FetchShallow(ctx, remote, 1, "refs/tags/"+tag+":refs/tags/"+tag); err != nil {
		return false, fmt.Errorf("fetching %s from %s: %w", tag, remote, err)
	}
	return true, nil
}

// nextTagHint names the tag ship will most likely create, for the next-step line.
func nextTagHint(v release.Version, line []github.TagRef) string {
	names := make([]string, len(line))
	for i, t := range line {
		names[i] = t.Name
	}
	next, err := release.NextPatch(v, names)
	if err != nil {
		return "the next patch tag"
	}
	return "the next patch tag (" + next.String() + " or later)"
}

// latestOfLine is the latest tag of from's line (either prefix) when it is a
// later version than from.
func latestOfLine(from release.Version, tags []github.TagRef) (github.TagRef, bool) {
	var best github.TagRef
	bestV, found := from, false
	for _, t := range tags {
		v, err := release.ParseTag(t.Name)
		if err != nil || t.Commit == "" || !from.SameLine(v) || !v.After(bestV) {
			continue
		}
		best, bestV, found = t, v, true
	}
	return best, found
}

// comparer is what compareCommits needs of GitHub.
type comparer interface {
	Compare(ctx context.Context, owner, name, base, head string) (github.Comparison, error)
}

// compareCommits says, in one request, how many commits head has that base
// has not, and whether head contains base.
func compareCommits(ctx context.Context, gh comparer, repo repository.Repository, base, head string) (ahead int, contains bool, err error) {
	if base == head {
		return 0, true, nil
	}
	c, err := gh.Compare(ctx, repo.Owner, repo.Name, base, head)
	if errors.Is(err, github.ErrNotComparable) { // no common ancestor
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return c.AheadBy, c.HeadContainsBase(), nil
}

// commitsSince says how many commits a maintenance branch has since its tag, and that
// they ship with the hotfix, in the singular for one.
func commitsSince(n int, tag string) string {
	if n == 1 {
		return fmt.Sprintf("1 commit since %s: it ships with this hotfix", tag)
	}
	return fmt.Sprintf("%d commits since %s: they ship with this hotfix", n, tag)
}

// lineWorkflow is what a release line needs before a hotfix of it can be
// released: GitHub runs a dispatched workflow from the branch it runs on, so
// the maintenance branch must hold a hotfix workflow that takes the tag input.
// A line without it (a tag older than the workflow) or with a copy that cannot
// take the tag gets the base's copy, in one commit made by GitHub.
type lineWorkflow struct {
	path string // .github/workflows/hotfix.yml
	text string // the base's copy
	why  string // what is wrong with the line's copy
}

// planLineWorkflow reads, in one request, the hotfix workflow of the line (on
// its maintenance branch when it exists, else at the tag) and of the base, and
// says whether the line needs the base's copy (nil: it does not). A base
// without a usable copy is an error: the process is not set up.
func planLineWorkflow(ctx context.Context, gh lineWorkflowGitHub, owner, name string, e config.Exceptional, tag, maint string, maintExists bool, mainline string) (*lineWorkflow, error) {
	p := ".github/workflows/" + path.Base(e.Workflow)
	line := tag
	if maintExists {
		line = maint
	}
	texts, err := gh.TextFiles(ctx, owner, name, line+":"+p, mainline+":"+p)
	if err != nil {
		return nil, fmt.Errorf("reading the hotfix workflow %s: %w", p, err)
	}
	usable := func(text string) string { return release.HotfixWorkflowProblem(text, e.TagInput) }
	mainText, ok := texts[mainline+":"+p]
	if !ok {
		return nil, fmt.Errorf("the hotfix workflow %s is not on %s: %s", p, mainline, hotfix.SetUpExceptional)
	}
	if why := usable(mainText); why != "" {
		return nil, fmt.Errorf("the hotfix workflow %s on %s %s: fix it there first (gh hotfix doctor says how)", p, mainline, why)
	}
	lineText, ok := texts[line+":"+p]
	switch {
	case !ok && maintExists:
		return &lineWorkflow{path: p, text: mainText, why: "is not on " + maint}, nil
	case !ok:
		return &lineWorkflow{path: p, text: mainText, why: "is not in " + tag + " (the tag is older than the workflow)"}, nil
	case usable(lineText) != "":
		return &lineWorkflow{path: p, text: mainText, why: "on " + line + " " + usable(lineText)}, nil
	}
	return nil, nil
}

// addLineWorkflow commits the base's copy of the hotfix workflow onto the
// maintenance branch at tip. A branch that takes changes only through pull
// requests gets a pull request instead, labelled as a hotfix, from a branch of
// its own; the hotfix can be released once it is merged.
func addLineWorkflow(ctx context.Context, f *command.Factory, gh lineWorkflowGitHub, owner, name, maint, tip, mainline string, cfg config.Config, lw *lineWorkflow) error {
	ios := f.IOStreams
	cs := ios.ColorScheme()
	headline := fmt.Sprintf("Add the hotfix workflow from %s", mainline)
	oid, err := gh.CommitFiles(ctx, owner, name, maint, tip, headline, map[string]string{lw.path: lw.text})
	if err == nil {
		fmt.Fprintf(ios.ErrOut, "%s Added %s from %s to %s (%s): the hotfix workflow %s, and this line can now be released\n",
			cs.SuccessIcon(), lw.path, mainline, cs.Bold(maint), short(oid), lw.why)
		return nil
	}
	if _, ruled := errors.AsType[*github.RuleViolationError](err); !ruled {
		return fmt.Errorf("adding %s to %s: %w", lw.path, maint, err)
	}
	head := cfg.BranchPrefix + "hotfix-workflow-" + strings.ReplaceAll(maint, "/", "-")
	headTip, _, err := gh.EnsureBranch(ctx, owner, name, head, tip)
	if err != nil {
		return fmt.Errorf("creating %s to add the hotfix workflow to %s: %w", head, maint, err)
	}
	// A re-run finds the branch made before, perhaps with the commit on it already.
	if texts, err := gh.TextFiles(ctx, owner, name, head+":"+lw.path); err != nil {
		return err
	} else if texts[head+":"+lw.path] != lw.text {
		if _, err := gh.CommitFiles(ctx, owner, name, head, headTip, headline, map[string]string{lw.path: lw.text}); err != nil {
			return fmt.Errorf("adding %s to %s: %w", lw.path, head, err)
		}
	}
	body := fmt.Sprintf("The hotfix workflow %s, so a hotfix of this line cannot be released: GitHub runs a dispatched workflow "+
		"from the branch it runs on. This adds %s's copy of %s.\n\nMerge it before `gh hotfix ship` releases a hotfix of %s.\n", lw.why, mainline, lw.path, maint)
	pr, err := gh.EnsurePull(ctx, owner, name, head, maint, fmt.Sprintf("Add the hotfix workflow to %s", maint), body, []string{cfg.Label.Name})
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.ErrOut, "%s %s takes changes only through pull requests: #%d (%s) adds %s from %s; merge it before gh hotfix ship\n",
		cs.WarningIcon(), maint, pr.Number, pr.HTMLURL, lw.path, mainline)
	return nil
}
