package github

import (
	"context"
	"fmt"
)

// Release is a GitHub release as the product reads it.
type Release struct {
	ID         int64  `json:"id"`
	TagName    string `json:"tag_name"`
	Draft      bool   `json:"draft"`
	Prerelease bool   `json:"prerelease"`
}

// Releases lists the repository's newest 100 releases, drafts included for
// those allowed to see them (GET /repos/{owner}/{repo}/releases).
func (c *Client) Releases(ctx context.Context, owner, name string) ([]Release, error) {
	var out []Release
	err := c.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/releases?per_page=100", owner, name), nil, &out)
	return out, err
}
