package create

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// run creates the hotfix branch. Every check that can refuse runs before the first
// change (the fetch), so a refused create leaves HEAD, index, work tree, local and
// remote refs exactly as they were.
func run(ctx context.Context, f *command.Factory, opts *CreateOptions) error {
	ios := f.IOStreams
	cs := ios.ColorScheme()
	co, err := command.RequireCheckout(ctx, f, opts.Repo, "run gh hotfix create in a clone of the repository")
	if err != nil {
		return err
	}
	g, root, repo, remotes, remote := co.Git, co.Root, co.Repo, co.Remotes, co.Remote
	fullName := repo.Owner + "/" + repo.Name
	if remote == "" {
		return fmt.Errorf("this checkout has no remote for %s/%s: run gh hotfix create in a clone of it, or add one with git remote add", repo.Host, fullName)
	}
	if f.GitAuth != nil {
		g.Env = append(g.Env, f.GitAuth(repo.Host, append([]string{remotes[remote].FetchURL}, remotes[remote].PushURLs...)...)...)
	}
	cfg, localConfig, err := config.Load(root)
	if err != nil {
		return err
	}
	if clean, err := g.IsClean(ctx); err != nil {
		return err
	} else if !clean {
		return fmt.Errorf("tracked files have uncommitted changes: commit or stash them first, then run %s again", rerunCommand(opts, ""))
	}

	desc := opts.Description
	if desc == "" && opts.Issue == 0 {
		desc, err = f.Prompter.Input("What does this hotfix fix?", "")
		if err != nil {
			return err
		}
		if desc = strings.TrimSpace(desc); desc == "" {
			return errors.New("the description must not be blank")
		}
	}

	gh, err := f.GitHubClient(repo.Host)
	if err != nil {
		return err
	}
	if opts.exceptional() {
		return runFromTag(ctx, f, opts, &fromTag{g: g, gh: gh, repo: repo, remote: remote, cfg: cfg, localConfig: localConfig, desc: desc})
	}
	// ask names the branch (when the description is known, so the same query says
	// whether GitHub has it) and asks GitHub everything in one request.
	var base, branch string
	ask := func(configPath string) (*github.CreateFacts, error) {
		base = opts.Base
		if base == "" {
			base = cfg.Base
		}
		branch = ""
		if desc != "" || opts.Name != "" {
			if branch, err = branchFor(ctx, f, cfg.BranchPrefix, desc, opts.Name); err != nil {
				return nil, err
			}
		}
		return gh.CreateFacts(ctx, repo.Owner, repo.Name, base, branch, opts.Issue, configPath)
	}
	// Without a config in the checkout, the base's copy counts; it comes with the same query.
	configPath := ""
	if !localConfig {
		configPath = config.Path
	}
	facts, err := ask(configPath)
	if err != nil {
		return err
	}
	rev := base
	if rev == "" {
		rev = facts.DefaultBranch
	}
	res, err := config.Resolve(cfg, localConfig, rev, facts.Config)
	if err != nil {
		return err
	}
	cfg = res.Config
	// Ask again only when the base's copy changes what was asked: another base or prefix.
	if (opts.Base == "" && res.AskAgain("base")) || res.AskAgain("branch_prefix") {
		if facts, err = ask(""); err != nil {
			return err
		}
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
	if err := checkBranchFree(ctx, gh, repo, remote, cfg.BranchPrefix, facts.Branch, branch, facts.BaseChecks.SHA); err != nil {
		return err
	}
	if err := checkCreationAllowed(ctx, gh, repo, facts.Rulesets, branch, facts.DefaultBranch, cfg.BranchPrefix); err != nil {
		return err
	}
	if !facts.BaseFound {
		return fmt.Errorf("base branch %q does not exist in %s: pass an existing branch with --base", facts.Base, fullName)
	}
	base = facts.Base
	if err := checkReleasable(ios.ErrOut, cs, base, facts.BaseChecks, opts.Force, cfg.Exceptional.Workflow != "", release.OwnRuns(cfg.Release.Workflow, cfg.Exceptional.Workflow)); err != nil {
		return err
	}

	start := remote + "/" + base
	if opts.DryRun {
		out := ios.Out
		fmt.Fprintf(out, "Would fetch %s from %s (GitHub says its tip is %s)\n", base, remote, short(facts.BaseChecks.SHA))
		fmt.Fprintf(out, "Would create branch %s at %s and switch to it\n", branch, start)
		fmt.Fprintf(out, "Would record the description, issue and base in git config branch.%s.hotfix-*\n", branch)
		if opts.Push {
			fmt.Fprintf(out, "Would push %s to %s and set it as upstream\n", branch, remote)
		}
		return nil
	}

	own := release.OwnRuns(cfg.Release.Workflow, cfg.Exceptional.Workflow)
	tip, err := fetchStart(ctx, g, gh, repo, remote, base, start, facts.BaseChecks.SHA, rerunCommand(opts, desc), func(c github.Checks) error {
		return checkReleasable(ios.ErrOut, cs, base, c, opts.Force, cfg.Exceptional.Workflow != "", own)
	})
	if err != nil {
		return err
	}
	if err := g.SwitchNew(ctx, branch, start); err != nil {
		return fmt.Errorf("creating %s: %w", branch, err)
	}
	meta := hotfix.Meta{Description: desc, Issue: opts.Issue, Base: base, Remote: remote,
		Repo: repo.Host + "/" + fullName, Created: f.Now()}
	if err := hotfix.SaveMeta(ctx, g, branch, meta); err != nil {
		return fmt.Errorf("recording the hotfix in git config: %w", err)
	}
	if opts.Push {
		if err := g.Push(ctx, remote, branch, true); err != nil {
			return pushError(ios.ErrOut, branch, err)
		}
	}
	tellCreated(ctx, f, g, cfg, repo, branch, meta)

	if !ios.IsStdoutTTY() {
		fmt.Fprintln(ios.Out, branch)
		return nil
	}
	fmt.Fprintf(ios.ErrOut, "%s Created %s from %s at %s and switched to it\n", cs.SuccessIcon(), cs.Bold(branch), start, short(tip))
	if opts.Push {
		fmt.Fprintf(ios.ErrOut, "%s Pushed %s to %s\n", cs.SuccessIcon(), branch, remote)
	}
	fmt.Fprintf(ios.ErrOut, "Next: commit a minimal fix, then run %s\n", cs.Bold("gh hotfix ship"))
	return nil
}

// checkReleasable refuses a base whose tip has failing checks (unless forced) and
// warns about pending ones; no checks at all is releasable, with a note. The refusal
// points at the exceptional process: how to use it when it is set up (exceptional),
// else how to set it up.
// fetchStart fetches base from remote and returns the commit a new branch
// starts from (start, e.g. origin/main). When the base moved since GitHub's
// answer (seen, the commit whose checks were judged), that commit is judged
// again, by judge, before anything is made from it; again is the command to
// run again, for a failed fetch's advice.
func fetchStart(ctx context.Context, g *git.Client, gh interface {
	CommitChecks(ctx context.Context, owner, name, sha string) (github.Checks, error)
}, repo repository.Repository, remote, base, start, seen, again string, judge func(github.Checks) error) (string, error) {
	if err := g.Fetch(ctx, remote, "+refs/heads/"+base+":refs/remotes/"+remote+"/"+base); err != nil {
		return "", fmt.Errorf("fetching %s from %s: %w", base, remote, git.Advise(err, repo.Host, again))
	}
	tip, err := g.RevParse(ctx, start)
	if err != nil {
		return "", err
	}
	if tip != seen {
		checks, err := gh.CommitChecks(ctx, repo.Owner, repo.Name, tip)
		if err != nil {
			return "", err
		}
		if err := judge(checks); err != nil {
			return "", err
		}
	}
	return tip, nil
}

func checkReleasable(w io.Writer, cs *iostreams.ColorScheme, base string, c github.Checks, force, exceptional bool, own func(string) bool) error {
	c, releases := c.Without(own)
	if len(releases.Failing) > 0 && (c.Releasable() || force) {
		fmt.Fprintf(w, "%s the last release run on %s failed (%s): a failed release is not a broken %s, so it does not block this hotfix\n",
			cs.WarningIcon(), base, strings.Join(releases.Failing, ", "), base)
	}
	switch {
	case !c.Releasable() && force:
		fmt.Fprintf(w, "%s %s is not releasable (failing: %s); continuing because of --force\n",
			cs.WarningIcon(), base, strings.Join(c.Failing, ", "))
	case !c.Releasable():
		failing := strings.Join(c.Failing, ", ")
		if failing == "" {
			failing = strings.ToLower(c.State)
		}
		return fmt.Errorf("%s is not releasable: its latest commit %s has failing checks (%s); fix %s first, pass --force, or %s",
			base, short(c.SHA), failing, base, hotfix.FromReleaseAdvice(exceptional, false))
	case len(c.Pending) > 0 || c.State == "PENDING":
		fmt.Fprintf(w, "%s checks on %s are still running (%s): the base may not be releasable yet\n",
			cs.WarningIcon(), base, strings.Join(c.Pending, ", "))
	case c.State == "":
		fmt.Fprintf(w, "%s %s has no checks at all on %s: treating it as releasable\n", cs.WarningIcon(), base, short(c.SHA))
	}
	return nil
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// pushError is a failed push of the new branch. When GitHub's rules refused it,
// their lines are printed first, one per rule, in GitHub's words.
func pushError(w io.Writer, branch string, err error) error {
	var rejected *git.PushRejectedError
	if errors.As(git.ClassifyPush(err), &rejected) && rejected.RuleReport() != "" {
		fmt.Fprint(w, rejected.RuleReport())
		return fmt.Errorf("pushing %s was refused by the repository's rules above; nothing was pushed (the branch is created locally): ask an admin to change the rules or to let you bypass them", branch)
	}
	return fmt.Errorf("pushing %s: %w (the branch is created locally; push it later with gh hotfix ship)", branch, err)
}
