package git

import (
	"context"
	"errors"
	"strconv"
)

// ErrRevert is returned, wrapped, for a revert that failed for another reason than a
// conflict or an empty result.
var ErrRevert = errors.New("revert failed")

// Revert commits the inverse of commit's change on HEAD, with git's own message
// (Revert "<subject>", This reverts commit <commit>.); mainline picks the parent
// a merge commit is reverted to (git revert -m). A conflict or an empty result
// (the change is undone already) is an outcome, not an error: the revert is left
// in progress for the caller to abort.
func (c *Client) Revert(ctx context.Context, commit string, mainline int) (CherryPickResult, error) {
	if err := notOption("commit", commit); err != nil {
		return 0, err
	}
	args := []string{"-c", "core.editor=true", "revert", "--no-edit"}
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
	// Judged by the state git leaves, not by its messages, which are translated.
	files, ferr := c.ConflictedFiles(ctx)
	switch {
	case ferr != nil:
		return 0, ferr
	case len(files) > 0:
		return Conflicted, nil
	}
	_, staged := c.Query(ctx, "diff-index", "--quiet", "--cached", "HEAD", "--")
	if staged == nil {
		return Empty, nil
	}
	return 0, errors.Join(ErrRevert, err)
}

// RevertAbort gives up the revert in progress, restoring HEAD and the work tree.
func (c *Client) RevertAbort(ctx context.Context) error {
	return c.Mutate(ctx, "revert", "--abort")
}
