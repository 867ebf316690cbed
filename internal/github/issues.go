package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
)

// Issue is an issue as the product reads it.
type Issue struct {
	Number int
	URL    string
	Body   string
}

// issueSearchPages bounds IssueWithMarker: 1,000 issues updated since the
// moment asked about is far beyond any repository's hour after a hotfix.
const issueSearchPages = 10

const issuesSinceQuery = `query HotfixIssuesSince($owner: String!, $name: String!, $since: DateTime, $after: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $after, filterBy: {since: $since}, orderBy: {field: CREATED_AT, direction: DESC}) {
      nodes { number url body }
      pageInfo { hasNextPage endCursor }
    }
  }
}`

// IssueWithMarker finds the issue whose body holds marker among the issues
// updated at or after since (all issues when since is zero), whatever their
// labels or state, newest first, across pages; nil when there is none. The
// marker, not a label anyone may change, is what identifies the issue.
func (c *Client) IssueWithMarker(ctx context.Context, owner, name string, since time.Time, marker string) (*Issue, error) {
	vars := map[string]any{"owner": owner, "name": name, "since": nil, "after": nil}
	if !since.IsZero() {
		vars["since"] = since.UTC().Format(time.RFC3339)
	}
	for range issueSearchPages {
		var out struct {
			Repository struct {
				Issues struct {
					Nodes    []Issue
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		if err := c.GraphQL(ctx, issuesSinceQuery, vars, &out); err != nil {
			return nil, err
		}
		for _, is := range out.Repository.Issues.Nodes {
			if strings.Contains(is.Body, marker) {
				return &is, nil
			}
		}
		if !out.Repository.Issues.PageInfo.HasNextPage {
			return nil, nil
		}
		vars["after"] = out.Repository.Issues.PageInfo.EndCursor
	}
	return nil, fmt.Errorf("more than %d issues of %s/%s were updated since %s: cannot tell whether one holds %s",
		issueSearchPages*100, owner, name, since.UTC().Format(time.RFC3339), marker)
}

// ErrIssuesDisabled is 410 "Issues are disabled for this repo" on creating an issue.
var ErrIssuesDisabled = errors.New("issues are turned off in this repository")

// CreateIssue opens an issue with labels (names; the repository must have them)
// through POST /repos/{owner}/{repo}/issues. A repository with issues turned off
// is [ErrIssuesDisabled]. Not idempotent: after a transient failure, look for
// the issue (IssueWithMarker) before sending it again.
func (c *Client) CreateIssue(ctx context.Context, owner, name, title, body string, labels []string) (Issue, error) {
	req := map[string]any{"title": title, "body": body}
	if len(labels) > 0 {
		req["labels"] = labels
	}
	var created struct {
		Number  int    `json:"number"`
		HTMLURL string `json:"html_url"`
	}
	err := c.REST(ctx, "POST", fmt.Sprintf("repos/%s/%s/issues", owner, name), req, &created)
	var he *api.HTTPError
	if errors.As(err, &he) && he.StatusCode == http.StatusGone {
		return Issue{}, fmt.Errorf("%w: %w", ErrIssuesDisabled, err)
	}
	return Issue{Number: created.Number, URL: created.HTMLURL, Body: body}, err
}
