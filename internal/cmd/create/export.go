package create

import (
	"context"
	"io"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// The checks create makes before it branches, for the commands that make a
// hotfix branch too (gh hotfix revert): the same names, rules and refusals.

// BranchFor names the branch for desc (or name, from --name) and checks that it
// is valid and free in this clone.
func BranchFor(ctx context.Context, f *command.Factory, prefix, desc, name string) (string, error) {
	return branchFor(ctx, f, prefix, desc, name)
}

// CheckBranchFree refuses a branch GitHub cannot take: see checkBranchFree.
func CheckBranchFree(ctx context.Context, gh interface {
	BranchUse(ctx context.Context, owner, name, branch string) (github.BranchUse, error)
}, repo repository.Repository, remote, prefix string, use github.BranchUse, branch, start string) error {
	return checkBranchFree(ctx, gh, repo, remote, prefix, use, branch, start)
}

// CheckCreationAllowed refuses a branch an active ruleset forbids creating: see
// checkCreationAllowed.
func CheckCreationAllowed(ctx context.Context, gh interface {
	RulesetBypass(ctx context.Context, owner, name string, id int64) (string, error)
}, repo repository.Repository, sets []github.BranchRuleset, branch, defaultBranch, prefix string) error {
	return checkCreationAllowed(ctx, gh, repo, sets, branch, defaultBranch, prefix)
}

// CheckReleasable refuses a base whose tip has failing checks unless forced, and
// warns of pending ones: see checkReleasable.
func CheckReleasable(w io.Writer, cs *iostreams.ColorScheme, base string, c github.Checks, force, exceptional bool, own func(string) bool) error {
	return checkReleasable(w, cs, base, c, force, exceptional, own)
}

// FetchStart fetches the base and returns the commit a new branch starts
// from, judged again when the base moved since GitHub's answer: see fetchStart.
func FetchStart(ctx context.Context, g *git.Client, gh interface {
	CommitChecks(ctx context.Context, owner, name, sha string) (github.Checks, error)
}, repo repository.Repository, remote, base, start, seen, again string, judge func(github.Checks) error) (string, error) {
	return fetchStart(ctx, g, gh, repo, remote, base, start, seen, again, judge)
}

// PushError is a failed push of a new branch, with GitHub's rule lines: see pushError.
func PushError(w io.Writer, branch string, err error) error {
	return pushError(w, branch, err)
}
