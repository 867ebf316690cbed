package git

import (
	"context"
	"errors"
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
	return c.applyCommit(ctx, "revert", "", ErrRevert, commit, mainline, "--no-edit")
}

// RevertAbort gives up the revert in progress, restoring HEAD and the work tree.
func (c *Client) RevertAbort(ctx context.Context) error {
	return c.Mutate(ctx, "revert", "--abort")
}
