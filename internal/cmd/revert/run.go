package revert

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/create"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// worktreePrefix names the temporary worktrees the revert is made in.
const worktreePrefix = "gh-hotfix-revert-"

// run creates the revert's hotfix branch. Every check that can refuse runs
// before the first change (the fetch); the revert itself is made in a
// temporary worktree, so the checkout never holds a revert in progress, and
// a revert that turns out empty leaves HEAD, index, work tree and local
// branches as they were. A revert that conflicts becomes a draft pull
// request (openDraft).
func run(ctx context.Context, f *command.Factory, opts *RevertOptions) error {
	ios := f.IOStreams
	cs := ios.ColorScheme()
	co, err := command.RequireCheckout(ctx, f, opts.Repo, "run gh hotfix revert in a clone of the repository")
	if err != nil {
		return err
	}
	g, repo, remotes, remote := co.Git, co.Repo, co.Remotes, co.Remote
	fullName := repo.Owner + "/" + repo.Name
	if err := opts.Pull.NotOf(repo.Host, repo.Owner, repo.Name, opts.Arg, "revert"); err != nil {
		return err
	}
	if remote == "" {
		return fmt.Errorf("this checkout has no remote for %s/%s: run gh hotfix revert in a clone of it, or add one with git remote add", repo.Host, fullName)
	}
	if f.GitAuth != nil {
		g.Env = append(g.Env, f.GitAuth(repo.Host, append([]string{remotes[remote].FetchURL}, remotes[remote].PushURLs...)...)...)
	}
	cfg, localConfig, err := config.Load(co.Root)
	if err != nil {
		return err
	}
	if clean, err := g.IsClean(ctx); err != nil {
		return err
	} else if !clean {
		return fmt.Errorf("tracked files have uncommitted changes: commit or stash them first, then run %s again", rerun(opts))
	}
	gh, err := f.GitHubClient(repo.Host)
	if err != nil {
		return err
	}

	// One request says what create needs and what the pull request is; the
	// branch's name is asked in it when --name gives it up front.
	n := opts.Pull.Number
	var branch string
	ask := func(configPath string) (*github.CreateFacts, *github.RevertedPull, error) {
		branch = ""
		if opts.Name != "" {
			if branch, err = create.BranchFor(ctx, f, cfg.BranchPrefix, "", opts.Name); err != nil {
				return nil, nil, err
			}
		}
		return gh.RevertFacts(ctx, repo.Owner, repo.Name, cfg.Base, branch, n, configPath)
	}
	configPath := ""
	if !localConfig {
		configPath = config.Path
	}
	facts, pr, err := ask(configPath)
	if err != nil {
		return err
	}
	rev := cfg.Base
	if rev == "" {
		rev = facts.DefaultBranch
	}
	res, err := config.Resolve(cfg, localConfig, rev, facts.Config)
	if err != nil {
		return err
	}
	cfg = res.Config
	if res.AskAgain("base") || res.AskAgain("branch_prefix") {
		if facts, pr, err = ask(""); err != nil {
			return err
		}
	}
	if !facts.BaseFound {
		return fmt.Errorf("base branch %q does not exist in %s: check base in %s", facts.Base, fullName, config.Path)
	}
	base := facts.Base
	if err := refuse(pr, n, fullName, base, opts.Repo); err != nil {
		return err
	}
	commits, mainline := pr.Reverts()
	desc := fmt.Sprintf("Revert #%d: %s", pr.Number, hotfixTitle.ReplaceAllString(pr.Title, ""))
	if branch == "" {
		if branch, err = create.BranchFor(ctx, f, cfg.BranchPrefix, desc, ""); err != nil {
			return err
		}
	}
	if err := create.CheckBranchFree(ctx, gh, repo, remote, cfg.BranchPrefix, facts.Branch, branch, facts.BaseChecks.SHA); err != nil {
		return err
	}
	if err := create.CheckCreationAllowed(ctx, gh, repo, facts.Rulesets, branch, facts.DefaultBranch, cfg.BranchPrefix); err != nil {
		return err
	}
	own := release.OwnRuns(cfg.Release.Workflow, cfg.Exceptional.Workflow)
	if err := create.CheckReleasable(ios.ErrOut, cs, base, facts.BaseChecks, opts.Force, cfg.Exceptional.Workflow != "", own); err != nil {
		return err
	}

	start := remote + "/" + base
	what := describe(pr, commits, mainline)
	if opts.DryRun {
		out := ios.Out
		fmt.Fprintf(out, "Would fetch %s from %s (GitHub says its tip is %s)\n", base, remote, short(facts.BaseChecks.SHA))
		fmt.Fprintf(out, "Would revert %s on %s in a temporary worktree\n", what, start)
		fmt.Fprintf(out, "Would create branch %s at the revert and switch to it\n", branch)
		fmt.Fprintf(out, "Would record the description %q, the reverted pull request and the base in git config branch.%s.hotfix-*\n", desc, branch)
		if opts.Push {
			fmt.Fprintf(out, "Would push %s to %s and set it as upstream\n", branch, remote)
		}
		return nil
	}

	tip, err := create.FetchStart(ctx, g, gh, repo, remote, base, start, facts.BaseChecks.SHA, rerun(opts), func(c github.Checks) error {
		return create.CheckReleasable(ios.ErrOut, cs, base, c, opts.Force, cfg.Exceptional.Workflow != "", own)
	})
	if err != nil {
		return err
	}
	if err := deepen(ctx, g, remote, commits, func(line string) { fmt.Fprintf(ios.ErrOut, "%s %s\n", cs.WarningIcon(), line) }); err != nil {
		return err
	}
	made, err := revertIn(ctx, g, tip, commits, mainline)
	if err != nil {
		return err
	}
	if made.tip == "" {
		return fmt.Errorf("the changes of #%d are no longer on %s (reverted already?): nothing to revert", pr.Number, base)
	}
	if err := g.SwitchNew(ctx, branch, made.tip); err != nil {
		return fmt.Errorf("creating %s: %w", branch, err)
	}
	meta := hotfix.Meta{Description: desc, Base: base, Remote: remote, Repo: repo.Host + "/" + fullName, Created: f.Now(),
		Reverts: pr.Number, RevertsID: pr.ID}
	if err := hotfix.SaveMeta(ctx, g, branch, meta); err != nil {
		return fmt.Errorf("recording the hotfix in git config: %w", err)
	}
	if len(made.files) > 0 {
		return openDraft(ctx, f, g, gh, draft{owner: repo.Owner, name: repo.Name, remote: remote, base: base,
			branch: branch, title: "Hotfix: " + desc, pr: pr, res: made})
	}
	if opts.Push {
		if err := g.Push(ctx, remote, branch, true); err != nil {
			return create.PushError(ios.ErrOut, branch, err)
		}
	}

	if !ios.IsStdoutTTY() {
		fmt.Fprintln(ios.Out, branch)
		return nil
	}
	fmt.Fprintf(ios.ErrOut, "%s Created %s from %s at %s with the revert of %s, and switched to it\n",
		cs.SuccessIcon(), cs.Bold(branch), start, short(tip), what)
	if opts.Push {
		fmt.Fprintf(ios.ErrOut, "%s Pushed %s to %s\n", cs.SuccessIcon(), branch, remote)
	}
	fmt.Fprintf(ios.ErrOut, "Next: check the revert, then run %s\n", cs.Bold("gh hotfix ship"))
	return nil
}

// refuse stops, before anything changes, a pull request that revert cannot
// undo: one that does not exist, is not merged, or was merged elsewhere.
func refuse(pr *github.RevertedPull, n int, fullName, base, repoFlag string) error {
	repoArg := ""
	if repoFlag != "" {
		repoArg = " -R " + repoFlag
	}
	switch {
	case pr == nil:
		return fmt.Errorf("%s has no pull request #%d: check the number (gh pr list --state merged%s)", fullName, n, repoArg)
	case pr.State == "OPEN":
		return fmt.Errorf("pull request #%d is open: revert undoes a pull request merged into %s; close it instead (gh pr close %d%s)", n, base, n, repoArg)
	case pr.State == "CLOSED":
		return fmt.Errorf("pull request #%d was closed without being merged: there is nothing of it to revert", n)
	case pr.BaseRefName != base:
		return fmt.Errorf("pull request #%d was merged into %s, not into %s: revert undoes a pull request merged into the base (set base in %s)", n, pr.BaseRefName, base, config.Path)
	case pr.MergeCommit == "":
		return fmt.Errorf("pull request #%d is merged, but GitHub names no commit it made on %s: revert it by hand", n, base)
	}
	return nil
}

// deepen fetches, in a shallow clone, the commits to revert that it lacks or
// holds without their parents (git.Client.FetchMissing), and says so.
func deepen(ctx context.Context, g *git.Client, remote string, commits []string, warn func(string)) error {
	missing, err := g.FetchMissing(ctx, remote, commits)
	if err != nil {
		return fmt.Errorf("this shallow clone lacks the commits to revert or their parents, and fetching them failed: %w", err)
	}
	if len(missing) > 0 {
		warn(fmt.Sprintf("This shallow clone lacked the commits to revert or their parents: fetched them (git fetch --depth=2 %s %s), not the history behind them", remote, strings.Join(missing, " ")))
	}
	return nil
}

// revertResult is what revertIn made.
type revertResult struct {
	// tip is the commit holding the reverts; "" when there was nothing to
	// revert (every revert was empty: the changes are gone already).
	tip string
	// files are the files whose revert conflicted, committed with their
	// conflict markers on tip; left the commits not reverted after it.
	files []string
	left  []string
}

// revertIn reverts commits (newest first) on start in a temporary worktree.
// A revert that conflicts is committed as it is, conflict markers and all,
// for a person to resolve (see openDraft); the commits after it are left.
// The worktree is removed whatever happens: the user's checkout never holds
// a revert in progress.
func revertIn(ctx context.Context, g *git.Client, start string, commits []string, mainline int) (revertResult, error) {
	var res revertResult
	for _, c := range commits {
		if ok, err := g.HasCommit(ctx, c); err != nil {
			return res, err
		} else if !ok {
			return res, fmt.Errorf("commit %s is not in this clone: fetch it (git fetch origin %s), then run gh hotfix revert again", short(c), c)
		}
	}
	wt, done, err := g.TempWorktree(ctx, worktreePrefix, start)
	if err != nil {
		return res, err
	}
	defer done()
	changed := false
	for i, c := range commits {
		out, err := wt.Revert(ctx, c, mainline)
		if err != nil {
			return res, err
		}
		switch out {
		case git.Picked:
			changed = true
			if err := wt.KeepChecks(ctx); err != nil {
				return res, err
			}
		case git.Empty:
			// git may or may not leave an empty revert in progress: end it if it did.
			_ = wt.RevertAbort(ctx)
		case git.Conflicted:
			if res.files, err = wt.ConflictedFiles(ctx); err != nil {
				return res, err
			}
			if err := commitConflict(ctx, wt, c, res.files); err != nil {
				return res, err
			}
			res.left = commits[i+1:]
			changed = true
		}
		if len(res.files) > 0 {
			break
		}
	}
	if !changed {
		return res, nil
	}
	res.tip, err = wt.RevParse(ctx, "HEAD")
	return res, err
}

// commitConflict commits the revert of commit in progress with its conflict
// markers, ending the revert.
func commitConflict(ctx context.Context, wt *git.Client, commit string, files []string) error {
	subject, err := wt.Query(ctx, "log", "-1", "--no-show-signature", "--format=%s", commit)
	if err != nil {
		return err
	}
	subject = git.WithoutSkipCI(subject)
	msg := fmt.Sprintf("Revert %q (conflicts to resolve)\n\nThis reverts commit %s. Its revert conflicts in %s: the conflict markers are committed for a person to resolve.",
		subject, commit, strings.Join(files, ", "))
	if err := wt.Mutate(ctx, "add", "-A", "--", "."); err != nil {
		return err
	}
	if err := wt.Mutate(ctx, "-c", "core.editor=true", "commit", "--allow-empty", "--no-verify", "--quiet", "-m", msg); err != nil {
		return err
	}
	_ = wt.Mutate(ctx, "revert", "--quit") // forget the sequencer's state, if any
	return nil
}

// hotfixTitle is how a hotfix pull request's title starts ("Hotfix: "): left
// out of the revert's description, which ship titles "Hotfix: …" again.
var hotfixTitle = regexp.MustCompile(`(?i)^hotfix:\s*`)

// describe says what the revert undoes: "#42 (merge commit 1a2b3c4)".
func describe(pr *github.RevertedPull, commits []string, mainline int) string {
	switch {
	case mainline > 0:
		return fmt.Sprintf("#%d (merge commit %s)", pr.Number, short(commits[0]))
	case len(commits) > 1:
		return fmt.Sprintf("#%d (%d rebased commits, %s..%s)", pr.Number, len(commits), short(commits[len(commits)-1]), short(commits[0]))
	}
	return fmt.Sprintf("#%d (commit %s)", pr.Number, short(commits[0]))
}

// rerun is the command line that runs this revert again, for the hints that
// say "run … again"; --dry-run does not carry over.
func rerun(o *RevertOptions) string {
	args := []string{"gh", "hotfix", "revert", command.ShellQuote(o.Arg)}
	if o.Name != "" {
		args = append(args, "--name", command.ShellQuote(o.Name))
	}
	if o.Repo != "" {
		args = append(args, "-R", command.ShellQuote(o.Repo))
	}
	if o.Push {
		args = append(args, "--push")
	}
	if o.Force {
		args = append(args, "--force")
	}
	return strings.Join(args, " ")
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
