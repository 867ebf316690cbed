package command

import (
	"context"
	"errors"
	"sync"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// Checkout is where a command runs: the repository it works on and, when it runs in a
// clone, the clone's top folder and remotes.
type Checkout struct {
	// Repo is the repository to work on: -R, else GH_REPO, else the clone's remotes.
	Repo repository.Repository
	// Git is the git client; nil when git is missing (GitErr says so).
	Git    *git.Client
	GitErr error
	// Root is the clone's top folder; "" outside a clone.
	Root string
	// Remotes are the clone's remotes, by name; Remote is the one pointing at Repo ("" when
	// none does: a clone of another repository).
	Remotes map[string]git.Remote
	Remote  string
}

// InClone reports whether the command runs in a clone of Repo.
func (c Checkout) InClone() bool { return c.Root != "" && c.Remote != "" }

// ResolveCheckout finds the repository to work on and, side by side, the clone's top folder
// and remotes: the three need git but not each other. The error is the repository's
// (an invalid -R, or no remote pointing at a known host); outside a clone Root is "", and
// commands that need one say so before reporting the error.
func ResolveCheckout(ctx context.Context, f *Factory, repoFlag string) (Checkout, error) {
	var c Checkout
	var repoErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.Repo, repoErr = f.BaseRepo(repoFlag)
	}()
	if c.Git, c.GitErr = f.Git(); c.GitErr == nil {
		var root string
		var remotes map[string]git.Remote
		var rootErr, remotesErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			root, rootErr = c.Git.RepoRoot(ctx)
		}()
		go func() {
			defer wg.Done()
			remotes, remotesErr = c.Git.Remotes(ctx)
		}()
		wg.Wait()
		if rootErr == nil && remotesErr == nil {
			c.Root, c.Remotes = root, remotes
		}
	}
	wg.Wait()
	if repoErr != nil {
		return c, repoErr
	}
	if c.Root != "" {
		c.Remote, _ = hotfix.RemoteFor(c.Remotes, c.Repo.Host, c.Repo.Owner, c.Repo.Name)
	}
	return c, nil
}

// RequireCheckout is ResolveCheckout for a command that works in a clone:
// outside one it fails with "not inside a git checkout: " and where, which
// says where to run it; git's absence and the repository's error come first
// and second, as ResolveCheckout orders them.
func RequireCheckout(ctx context.Context, f *Factory, repoFlag, where string) (Checkout, error) {
	co, err := ResolveCheckout(ctx, f, repoFlag)
	switch {
	case co.GitErr != nil:
		return co, co.GitErr
	case co.Root == "":
		return co, errors.New("not inside a git checkout: " + where)
	}
	return co, err
}
