package create

import (
	"context"
	"fmt"
	"strings"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// branchFor names the branch for desc, or name when given (--name), and checks
// that the name is free in this clone and valid.
func branchFor(ctx context.Context, f *command.Factory, prefix, desc, name string) (string, error) {
	g, _ := f.Git()
	branch := prefix + name
	if name == "" {
		var err error
		if branch, err = hotfix.BranchName(prefix, desc); err != nil {
			return "", fmt.Errorf("cannot name a branch after %q: it has no letters or digits; name the branch with --name", desc)
		}
	}
	if err := g.CheckRefFormatBranch(ctx, branch); err != nil {
		if name == "" {
			return "", fmt.Errorf("%w; name the branch with --name", err)
		}
		return "", err
	}
	exists, err := g.BranchExists(ctx, branch)
	if err != nil {
		return "", err
	}
	if exists {
		// Two descriptions can make one name once cut to length: continuing the
		// branch is advice only for the hotfix it was made for.
		if m, ok, err := hotfix.LoadMeta(ctx, g, branch); err == nil && ok && desc != "" && m.Description != "" &&
			!strings.EqualFold(strings.TrimSpace(m.Description), strings.TrimSpace(desc)) {
			return "", fmt.Errorf("branch %s already exists in this clone for another hotfix (%q): name this one with --name %s",
				branch, m.Description, otherName(prefix, branch))
		}
		return "", fmt.Errorf("branch %s already exists: continue it with git switch %s, then gh hotfix ship", branch, branch)
	}
	blockers, err := g.BranchBlockers(ctx, branch)
	if err != nil {
		return "", err
	}
	if len(blockers) > 0 {
		return "", pathClash(branch, blockers[0], "in this clone", prefix, fmt.Sprintf("git branch -m %s %s-old", blockers[0], blockers[0]))
	}
	return branch, nil
}

// branchUser is what checkBranchFree needs of GitHub.
type branchUser interface {
	BranchUse(ctx context.Context, owner, name, branch string) (github.BranchUse, error)
}

// checkBranchFree refuses a branch GitHub cannot take for this hotfix, before
// anything changes: a branch of that name exists (the user's own is offered to
// continue; someone else's never is), or another branch collides with it as a
// path. use is what the first query said of the name; when the name was only
// known after it (from the title), GitHub is asked now. start is the
// commit the new branch would start at: an existing branch still there has no
// work of anyone's on it, so its tip's author says nothing of whose it is.
func checkBranchFree(ctx context.Context, gh branchUser, repo repository.Repository, remote, prefix string, use github.BranchUse, branch, start string) error {
	if use.Name != branch {
		var err error
		if use, err = gh.BranchUse(ctx, repo.Owner, repo.Name, branch); err != nil {
			return err
		}
	}
	if len(use.Blockers) > 0 {
		b := use.Blockers[0]
		return pathClash(branch, b, "on "+remote, prefix,
			fmt.Sprintf("gh api -X POST repos/%s/%s/branches/%s/rename -f new_name=%s-old", repo.Owner, repo.Name, b, b))
	}
	if !use.Exists {
		return nil
	}
	mine := use.Mine()
	if use.Pull == nil && start != "" && use.Tip == start {
		mine = false
	}
	if mine {
		yours := ""
		if use.Pull != nil {
			yours = fmt.Sprintf(" (your pull request #%d)", use.Pull.Number)
		}
		return fmt.Errorf("branch %s already exists on %s%s: continue it with git fetch %s %s && git switch %s, then gh hotfix ship; or name this hotfix with --name",
			branch, remote, yours, remote, branch, branch)
	}
	// Someone else's, or nobody's work yet: never offered to continue.
	var whose string
	switch {
	case use.Pull != nil && use.Pull.Author != "":
		whose = fmt.Sprintf(" for another hotfix: #%d %q by @%s", use.Pull.Number, use.Pull.Title, use.Pull.Author)
	case use.Pull != nil:
		whose = fmt.Sprintf(" for another hotfix: #%d %q", use.Pull.Number, use.Pull.Title)
	case use.TipAuthor != "" && use.Tip != start:
		whose = " for another hotfix: its latest commit is by @" + use.TipAuthor
	}
	return fmt.Errorf("branch %s already exists on %s%s; name this hotfix with --name %s",
		branch, remote, whose, otherName(prefix, branch))
}

// rulesetReader is what checkCreationAllowed needs of GitHub.
type rulesetReader interface {
	RulesetBypass(ctx context.Context, owner, name string, id int64) (string, error)
}

// bypassOnce asks GitHub about each ruleset's bypass once: one ruleset may
// restrict creating both branches of the exceptional process.
type bypassOnce struct {
	gh     rulesetReader
	answer map[int64]string
}

func (b *bypassOnce) RulesetBypass(ctx context.Context, owner, name string, id int64) (string, error) {
	if a, ok := b.answer[id]; ok {
		return a, nil
	}
	a, err := b.gh.RulesetBypass(ctx, owner, name, id)
	if err != nil {
		return "", err
	}
	if b.answer == nil {
		b.answer = map[int64]string{}
	}
	b.answer[id] = a
	return a, nil
}

// checkCreationAllowed refuses, before anything changes, a branch that an
// active ruleset forbids creating (a creation rule: "Restrict creations"),
// unless the user may bypass it: GitHub would refuse its push with GH013,
// after the branch was made here. The rulesets came with the first query; the
// bypass is asked only when one applies (one request).
func checkCreationAllowed(ctx context.Context, gh rulesetReader, repo repository.Repository, sets []github.BranchRuleset, branch, defaultBranch, prefix string) error {
	return creationAllowed(ctx, gh, repo, sets, branch, defaultBranch,
		"ask an admin to add you to its bypass list or to exclude "+strings.TrimSuffix(prefix, "/")+"/** from it, or set branch_prefix to a prefix it allows")
}

// creationAllowed is checkCreationAllowed for any branch: fix says what lets
// the user create it.
func creationAllowed(ctx context.Context, gh rulesetReader, repo repository.Repository, sets []github.BranchRuleset, branch, defaultBranch, fix string) error {
	rs := github.CreationRestricted(sets, branch, defaultBranch)
	if rs == nil {
		return nil
	}
	bypass, err := gh.RulesetBypass(ctx, repo.Owner, repo.Name, rs.ID)
	if err != nil {
		return fmt.Errorf("reading ruleset %q, which restricts creating %s: %w", rs.Name, branch, err)
	}
	if bypass == "always" || bypass == "exempt" {
		return nil
	}
	return fmt.Errorf("creating %s in %s/%s is restricted by ruleset %q (Cannot create ref due to creations being restricted): %s",
		branch, repo.Owner, repo.Name, rs.Name, fix)
}

// pathClash says that branch cannot be created because blocker exists (where),
// as git stores branches as paths. A blocker that the prefix itself runs into
// stops every hotfix: the prefix or the blocker must change; one below the
// prefix only this name.
func pathClash(branch, blocker, where, prefix, rename string) error {
	if strings.HasPrefix(prefix, blocker+"/") {
		return fmt.Errorf("branch %s exists %s, so no hotfix branch under %s can be created (git stores branches as paths): rename it (%s), or set another branch_prefix in %s",
			blocker, where, prefix, rename, config.Path)
	}
	return fmt.Errorf("branch %s cannot be created: %s exists %s (git stores branches as paths); name this hotfix with --name %s",
		branch, blocker, where, otherName(prefix, branch))
}

// otherName proposes a --name for a hotfix whose branch name is taken.
func otherName(prefix, branch string) string {
	return strings.ReplaceAll(strings.TrimPrefix(branch, prefix), "/", "-") + "-2"
}
