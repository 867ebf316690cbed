package github

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PullSearch says which labelled pull requests [Client.SearchLabelledPulls]
// finds across repositories, through GitHub's issue search ("Searching issues
// and pull requests",
// https://docs.github.com/en/search-github/searching-on-github/searching-issues-and-pull-requests).
type PullSearch struct {
	// Orgs and Repos ("owner/name") scope the search (org:, repo:); several
	// widen it. At least one of them must be given.
	Orgs, Repos []string
	Label       string
	// Open asks for the open pull requests (is:open); MergedSince, when not
	// zero, also for those merged since then (is:merged merged:>=); and
	// ClosedSince for those closed unmerged since then (is:unmerged closed:>=).
	Open                     bool
	MergedSince, ClosedSince time.Time
	// Limit bounds the pull requests read of each kind, newest created first
	// (one request per 100 of the kind that has the most).
	Limit         int
	CommentsLimit int
}

// SearchedPull is a pull request the search found, with its repository.
type SearchedPull struct {
	LabelledPull
	Repository struct {
		Name  string
		Owner struct{ Login string }
	}
}

// FullName is the pull request's repository as "owner/name".
func (p *SearchedPull) FullName() string { return p.Repository.Owner.Login + "/" + p.Repository.Name }

// SearchedPulls is what [Client.SearchLabelledPulls] answers.
type SearchedPulls struct {
	// Pulls are the open ones, then the merged ones, then the closed ones, each
	// kind newest created first.
	Pulls []SearchedPull
	// Total counts the matches of every kind asked for, beyond the limit too.
	Total int
}

// searchKinds are the searches one query makes at once, as aliases.
var searchKinds = []string{"open", "merged", "closed"}

// searchPullsQuery searches the kinds asked for at once, each an aliased
// search connection (GraphQL "search" query,
// https://docs.github.com/en/graphql/reference/queries#search), whose
// PullRequest nodes carry everything status shows (labelledPullFields):
// checks, review, what blocks the merge, the merge queue, and for the merged
// ones the comments and merge commit's check suites that say where the release
// is, with what a waiting release run waits for. Open and closed-unmerged pull
// requests have no merge commit nor release: their searches leave those out,
// which GitHub's rate limit would charge for all the same (it counts every
// connection asked for at its first/last size).
func searchPullsQuery(comments int) string {
	var b strings.Builder
	b.WriteString("query HotfixSearch($first: Int!, $withOpen: Boolean!")
	for _, k := range searchKinds {
		fmt.Fprintf(&b, ", $%[1]sQuery: String!, $%[1]sAfter: String, $%[1]sAsked: Boolean!", k)
	}
	b.WriteString(") {\n")
	for _, k := range searchKinds {
		fmt.Fprintf(&b, `  %[1]s: search(query: $%[1]sQuery, type: ISSUE, first: $first, after: $%[1]sAfter) @include(if: $%[1]sAsked) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        repository { name owner { login } }`+labelledPullFields(k == "merged", comments)+`
      }
    }
  }
`, k)
	}
	b.WriteString("}\n")
	b.WriteString(checksFragment)
	return b.String()
}

// searchString is the search of one kind: the scope, the label, the kind's
// state and date, newest created first.
func (q PullSearch) searchString(kind string) string {
	parts := []string{"is:pr"}
	for _, o := range q.Orgs {
		parts = append(parts, "org:"+o)
	}
	for _, r := range q.Repos {
		parts = append(parts, "repo:"+r)
	}
	parts = append(parts, "label:"+quoteSearch(q.Label))
	switch kind {
	case "open":
		parts = append(parts, "is:open")
	case "merged":
		parts = append(parts, "is:merged", "merged:>="+q.MergedSince.UTC().Format(time.RFC3339))
	case "closed":
		parts = append(parts, "is:closed", "is:unmerged", "closed:>="+q.ClosedSince.UTC().Format(time.RFC3339))
	}
	return strings.Join(append(parts, "sort:created-desc"), " ")
}

// quoteSearch quotes a label with spaces or quotes for a search qualifier.
func quoteSearch(s string) string {
	if strings.ContainsAny(s, " \t\",") {
		return `"` + strings.ReplaceAll(s, `"`, ``) + `"`
	}
	return s
}

// SearchLabelledPulls finds the pull requests carrying q.Label across the
// repositories of q.Orgs and q.Repos, with what status shows of each, in one
// GraphQL query per 100 pull requests of a kind: its cost does not grow with
// the number of repositories. GitHub's search makes at most 1,000 results of
// each kind available.
func (c *Client) SearchLabelledPulls(ctx context.Context, q PullSearch) (*SearchedPulls, error) {
	if len(q.Orgs) == 0 && len(q.Repos) == 0 {
		return nil, fmt.Errorf("searching pull requests: no organization or repository given")
	}
	want := map[string]bool{"open": q.Open, "merged": !q.MergedSince.IsZero(), "closed": !q.ClosedSince.IsZero()}
	got := map[string][]SearchedPull{}
	totals := map[string]int{}
	after := map[string]string{}
	query := searchPullsQuery(q.CommentsLimit)
	for {
		vars := map[string]any{"first": min(labelledPageSize, q.Limit), "withOpen": want["open"]}
		asking := false
		for _, k := range searchKinds {
			vars[k+"Asked"] = want[k]
			vars[k+"Query"] = q.searchString(k)
			if after[k] != "" {
				vars[k+"After"] = after[k]
			}
			asking = asking || want[k]
		}
		if !asking {
			break
		}
		type conn struct {
			IssueCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
			// An Issue node (the search is is:pr, so none) decodes as a zero pull request.
			Nodes []SearchedPull
		}
		var out struct{ Open, Merged, Closed *conn }
		if err := c.GraphQL(ctx, query, vars, &out); err != nil {
			return nil, err
		}
		for k, cn := range map[string]*conn{"open": out.Open, "merged": out.Merged, "closed": out.Closed} {
			if !want[k] || cn == nil {
				want[k] = false
				continue
			}
			totals[k] = cn.IssueCount
			for _, n := range cn.Nodes {
				if n.Number != 0 {
					got[k] = append(got[k], n)
				}
			}
			// Another page of this kind only while the limit wants more.
			want[k] = cn.PageInfo.HasNextPage && cn.PageInfo.EndCursor != "" && len(got[k]) < q.Limit && len(cn.Nodes) > 0
			after[k] = cn.PageInfo.EndCursor
		}
	}
	res := &SearchedPulls{}
	for _, k := range searchKinds {
		if len(got[k]) > q.Limit {
			got[k] = got[k][:q.Limit]
		}
		res.Pulls = append(res.Pulls, got[k]...)
		res.Total += totals[k]
	}
	return res, nil
}
