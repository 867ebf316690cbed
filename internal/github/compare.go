package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/cli/go-gh/v2/pkg/api"
)

// Comparison is GitHub's comparison of two commits, base...head.
type Comparison struct {
	// Status is identical, ahead (head has commits base has not, and base is in
	// head's history), behind or diverged.
	Status string `json:"status"`
	// AheadBy counts the commits head has that base has not.
	AheadBy int `json:"ahead_by"`
	// Commits are those commits, oldest first (GitHub lists up to 250).
	Commits []PullCommit `json:"commits"`
}

// HeadContainsBase reports whether head's history holds base (the same commit counts).
func (c Comparison) HeadContainsBase() bool { return c.Status == "ahead" || c.Status == "identical" }

// ErrNotComparable reports a comparison GitHub answers with 404: the two commits
// have no common history, or one of them is not (or no longer) in the repository.
var ErrNotComparable = errors.New("the commits cannot be compared")

// Compare compares base with head in one request (GET /repos/{owner}/{repo}/compare/{base}...{head}).
// A 404 answer returns an error that is [ErrNotComparable] and wraps GitHub's.
func (c *Client) Compare(ctx context.Context, owner, name, base, head string) (Comparison, error) {
	var cmp Comparison
	path := fmt.Sprintf("repos/%s/%s/compare/%s...%s", owner, name, url.PathEscape(base), url.PathEscape(head))
	if err := c.REST(ctx, "GET", path, nil, &cmp); err != nil {
		var he *api.HTTPError
		if errors.As(err, &he) && he.StatusCode == http.StatusNotFound {
			return Comparison{}, fmt.Errorf("comparing %s with %s: %w: %w", base, head, ErrNotComparable, err)
		}
		return Comparison{}, err
	}
	return cmp, nil
}
