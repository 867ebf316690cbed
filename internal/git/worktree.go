package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// InDir returns a client that runs git in dir with the same settings, e.g. in a
// worktree.
func (c *Client) InDir(dir string) *Client {
	cp := *c
	cp.Dir = dir
	return &cp
}

// HasCommit reports whether the commit sha is in the local repository.
func (c *Client) HasCommit(ctx context.Context, sha string) (bool, error) {
	if err := notOption("commit", sha); err != nil {
		return false, err
	}
	_, err := c.Query(ctx, "cat-file", "-e", sha+"^{commit}")
	if exitCode(err) > 0 {
		return false, nil
	}
	return err == nil, err
}

// AddWorktree checks out commit, detached, in a new worktree at dir (an empty or
// missing directory). Work done there never touches the main checkout: its
// HEAD, index and files stay as the user left them.
func (c *Client) AddWorktree(ctx context.Context, dir, commit string) error {
	if err := notOption("worktree directory", dir); err != nil {
		return err
	}
	if err := notOption("commit", commit); err != nil {
		return err
	}
	return c.Mutate(ctx, "worktree", "add", "--detach", "--quiet", dir, commit)
}

// staleWorktree is the age after which a temporary worktree of ours is left
// over from a process that was killed: a cherry-pick or a revert takes seconds.
const staleWorktree = 10 * time.Minute

// TempWorktree checks out start, detached, in a new temporary worktree named
// with prefix (so that one a killed process left behind is recognised as ours
// and removed, once older than a few minutes: another process of this clone
// may be using a recent one). It returns a client working there, and done,
// which removes it whatever happens, even after Ctrl-C: it is ours, and only
// ours.
func (c *Client) TempWorktree(ctx context.Context, prefix, start string) (wt *Client, done func(), err error) {
	if stale, err := c.Worktrees(ctx); err == nil {
		for _, w := range stale {
			if !strings.HasPrefix(filepath.Base(w), prefix) {
				continue
			}
			if info, err := os.Stat(w); err != nil || time.Since(info.ModTime()) > staleWorktree {
				_ = c.RemoveWorktree(ctx, w)
			}
		}
	}
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, nil, err
	}
	if err := c.AddWorktree(ctx, dir, start); err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("making a temporary worktree: %w", err)
	}
	done = func() {
		_ = c.RemoveWorktree(context.WithoutCancel(ctx), dir)
		_ = os.RemoveAll(dir)
	}
	return c.InDir(dir), done, nil
}

// Worktrees lists the paths of the repository's linked worktrees (not the main one).
func (c *Client) Worktrees(ctx context.Context) ([]string, error) {
	out, err := c.Query(ctx, "worktree", "list", "--porcelain", "-z")
	if err != nil {
		return nil, err
	}
	var paths []string
	first := true
	for field := range strings.SplitSeq(out, "\x00") {
		if p, ok := strings.CutPrefix(field, "worktree "); ok {
			if !first {
				paths = append(paths, p)
			}
			first = false
		}
	}
	return paths, nil
}

// RemoveWorktree removes a worktree that AddWorktree made, with whatever is in it:
// only for worktrees of our own, never the user's.
func (c *Client) RemoveWorktree(ctx context.Context, dir string) error {
	if err := notOption("worktree directory", dir); err != nil {
		return err
	}
	err := c.Mutate(ctx, "worktree", "remove", "--force", "--force", dir)
	if err != nil {
		// Already gone (or never made): forget it.
		_ = os.RemoveAll(dir)
		_ = c.Mutate(ctx, "worktree", "prune")
	}
	return err
}

// CherryPickResult says how a cherry-pick went.
type CherryPickResult int

// Outcomes of [Client.CherryPick].
const (
	Picked     CherryPickResult = iota // a new commit holds the change
	Empty                              // the change is already there: nothing to commit
	Conflicted                         // the change does not apply: conflicts left in the work tree
)

// ErrCherryPick is returned, wrapped, for a cherry-pick that failed for another reason than
// a conflict or an empty result.
var ErrCherryPick = errors.New("cherry-pick failed")

// CherryPick applies the change of commit to HEAD as a new commit that records where
// it comes from (-x). A conflict or an empty result is an outcome, not an error:
// the cherry-pick is left in progress for the caller to abort or skip.
func (c *Client) CherryPick(ctx context.Context, commit string, mainline int) (CherryPickResult, error) {
	return c.applyCommit(ctx, "cherry-pick", "CHERRY_PICK_HEAD", ErrCherryPick, commit, mainline, "-x")
}

// applyCommit runs git cherry-pick or git revert (verb, with its flag) of
// commit on HEAD; mainline picks a merge commit's parent (-m). It tells the
// outcomes apart by the state git leaves, not by its messages, which are
// translated: Picked; Conflicted (conflicts left in the work tree); Empty
// (nothing staged, and for a cherry-pick one still in progress, head: the
// change is there already; git leaves no revert in progress when there is
// nothing to revert); else failed.
func (c *Client) applyCommit(ctx context.Context, verb, head string, failed error, commit string, mainline int, flag string) (CherryPickResult, error) {
	if err := notOption("commit", commit); err != nil {
		return 0, err
	}
	args := []string{"-c", "core.editor=true", verb, flag}
	if mainline > 0 {
		args = append(args, "-m", strconv.Itoa(mainline))
	}
	err := c.Mutate(ctx, append(args, commit)...)
	if err == nil {
		return Picked, nil
	}
	var gitErr *Error
	if !errors.As(err, &gitErr) || gitErr.ExitCode != 1 {
		return 0, err
	}
	files, ferr := c.ConflictedFiles(ctx)
	switch {
	case ferr != nil:
		return 0, ferr
	case len(files) > 0:
		return Conflicted, nil
	}
	var inProgress error
	if head != "" {
		_, inProgress = c.Query(ctx, "rev-parse", "-q", "--verify", head)
	}
	_, staged := c.Query(ctx, "diff-index", "--quiet", "--cached", "HEAD", "--")
	if inProgress == nil && staged == nil {
		return Empty, nil
	}
	return 0, errors.Join(failed, err)
}

// ConflictedFiles lists the unmerged paths of the work tree.
func (c *Client) ConflictedFiles(ctx context.Context) ([]string, error) {
	out, err := c.Query(ctx, "diff", "--name-only", "--diff-filter=U", "-z")
	if err != nil {
		return nil, err
	}
	var files []string
	for f := range strings.SplitSeq(strings.TrimSuffix(out, "\x00"), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// CherryPickAbort gives up the cherry-pick in progress, restoring HEAD and the work tree.
func (c *Client) CherryPickAbort(ctx context.Context) error {
	return c.Mutate(ctx, "cherry-pick", "--abort")
}

// CherryPickSkip drops the cherry-pick in progress (an empty one) and goes on.
func (c *Client) CherryPickSkip(ctx context.Context) error {
	return c.Mutate(ctx, "cherry-pick", "--skip")
}

// CommitEmpty records a commit without changes, e.g. to hold a pull request open.
func (c *Client) CommitEmpty(ctx context.Context, message string) error {
	return c.Mutate(ctx, "commit", "--allow-empty", "--no-verify", "--quiet", "-m", message)
}

// PushCommit pushes commit to branch on remote, without a local branch. It never
// forces: a remote branch that already exists elsewhere is an error.
func (c *Client) PushCommit(ctx context.Context, remote, commit, branch string) error {
	if err := notOption("remote", remote); err != nil {
		return err
	}
	if err := notOption("commit", commit); err != nil {
		return err
	}
	return c.Mutate(ctx, "push", "--quiet", remote, commit+":refs/heads/"+branch)
}

// RevList returns the commits of revRange, oldest first, without merge commits.
func (c *Client) RevList(ctx context.Context, revRange string) ([]string, error) {
	if err := notOption("revision range", revRange); err != nil {
		return nil, err
	}
	out, err := c.Query(ctx, "rev-list", "--reverse", "--no-merges", revRange, "--")
	if err != nil {
		return nil, err
	}
	return strings.Fields(out), nil
}

// Parents returns the parents of commit.
func (c *Client) Parents(ctx context.Context, commit string) ([]string, error) {
	if err := notOption("commit", commit); err != nil {
		return nil, err
	}
	out, err := c.Query(ctx, "rev-list", "--parents", "-n", "1", commit, "--")
	if err != nil {
		return nil, err
	}
	f := strings.Fields(out)
	if len(f) == 0 {
		return nil, nil
	}
	return f[1:], nil
}

// IsShallow reports whether the repository is a shallow clone (git clone --depth): its
// history stops at the commits listed in .git/shallow.
func (c *Client) IsShallow(ctx context.Context) (bool, error) {
	out, err := c.Query(ctx, "rev-parse", "--is-shallow-repository")
	return strings.TrimSpace(out) == "true", err
}

// FetchShallow fetches refspecs (refs or commit ids) from remote with at most depth
// commits of history behind each (git fetch --depth). In a shallow clone that lacks a
// commit, a plain fetch brings the commit's whole history, since nothing the clone has
// is an ancestor the server can stop at; this brings what is asked for, and deepens a
// commit at the clone's shallow boundary by id. Only for commits the clone lacks or has
// at its boundary: git moves the boundary to depth behind each fetched tip, so a tip the
// clone has with more history would lose it.
func (c *Client) FetchShallow(ctx context.Context, remote string, depth int, refspecs ...string) error {
	for _, v := range append([]string{remote}, refspecs...) {
		if err := notOption("fetch argument", v); err != nil {
			return err
		}
	}
	return c.Mutate(ctx, append([]string{"fetch", "--depth=" + strconv.Itoa(depth), remote}, refspecs...)...)
}

// OutsideSparseCheckout reports whether path (relative to the client's directory) is
// tracked but left out of the working tree by a sparse checkout (git marks it
// skip-worktree), as opposed to a file that is missing because it was deleted or never
// tracked.
func (c *Client) OutsideSparseCheckout(ctx context.Context, path string) (bool, error) {
	// "S <path>": a skip-worktree entry (git ls-files -t); nothing for an untracked path.
	out, err := c.Query(ctx, "ls-files", "-t", "--", path)
	return strings.HasPrefix(out, "S "), err
}

// FetchMissing fetches, in a shallow clone, the commits of commits it lacks or
// holds without their parents (git fetch --depth=2 of those commits alone, not
// the history behind them): a cherry-pick or a revert needs each commit and its
// parents' trees. It returns the commits fetched; none in a full clone.
func (c *Client) FetchMissing(ctx context.Context, remote string, commits []string) ([]string, error) {
	shallow, err := c.IsShallow(ctx)
	if err != nil || !shallow {
		return nil, err
	}
	var missing []string
	for _, sha := range commits {
		has, err := c.HasCommit(ctx, sha)
		if err != nil {
			return nil, err
		}
		if has {
			parents, err := c.Parents(ctx, sha)
			if err != nil {
				return nil, err
			}
			if len(parents) > 0 {
				continue
			}
		}
		missing = append(missing, sha)
	}
	if len(missing) == 0 {
		return nil, nil
	}
	return missing, c.FetchShallow(ctx, remote, 2, missing...)
}

// skipCI matches the words that make GitHub skip the workflows of a push or a
// pull request whose head commit says them ("Skipping workflow runs", GitHub
// Actions docs: [skip ci], [ci skip], [no ci], [skip actions], [actions skip],
// or a skip-checks: true trailer).
var skipCI = regexp.MustCompile(`(?i)[ \t]*\[(skip ci|ci skip|no ci|skip actions|actions skip)\]|skip-checks:\s*true`)

// WithoutSkipCI is message less the words that make GitHub skip checks, trimmed.
func WithoutSkipCI(message string) string {
	return strings.TrimSpace(skipCI.ReplaceAllString(strings.TrimSpace(message), ""))
}

// KeepChecks rewords the commit just made (HEAD) when its message — git's,
// quoting or copying another commit's — would make GitHub skip the checks: a
// pull request from it would wait for required checks that never run.
func (c *Client) KeepChecks(ctx context.Context) error {
	msg, err := c.Query(ctx, "log", "-1", "--no-show-signature", "--format=%B", "HEAD")
	if err != nil {
		return err
	}
	if !skipCI.MatchString(msg) {
		return nil
	}
	return c.Mutate(ctx, "commit", "--amend", "--no-verify", "--quiet", "-m", WithoutSkipCI(msg))
}
