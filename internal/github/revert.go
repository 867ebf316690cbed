package github

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// revertPullField reads the pull request to revert: what says whether it was
// merged, into which branch, and how (a merge commit has two parents; a rebase
// put its commits on the base, which the merge commit's history shows).
const revertPullField = `pull: pullRequest(number: $pull) {
      id number title url state baseRefName
      mergeCommit { oid parents(first: 2) { totalCount } history(first: 100) { nodes { oid messageHeadline authoredDate } } }
      commits(last: 100) { totalCount nodes { commit { oid messageHeadline authoredDate } } }
    }
    `

// revertQuery is createQuery asking also for the pull request to revert.
var revertQuery = strings.Replace(
	strings.Replace(createQuery, "query HotfixCreate(", "query HotfixRevert($pull: Int!, ", 1),
	"issueOrPullRequest(", revertPullField+"issueOrPullRequest(", 1)

// RevertedPull is a pull request `gh hotfix revert` undoes.
type RevertedPull struct {
	ID          string // GraphQL node ID
	Number      int
	Title       string
	URL         string
	State       string // OPEN, CLOSED, MERGED
	BaseRefName string
	// MergeCommit is the commit the merge made on the base ("" unless merged),
	// MergeParents its number of parents: 2 for a merge commit.
	MergeCommit  string
	MergeParents int
	// History is the base's first-parent history from MergeCommit, newest
	// first (up to 100 commits); Commits the pull request's own commits,
	// oldest first (its last 100), and CommitCount how many it has.
	History     []CommitHead
	Commits     []CommitHead
	CommitCount int
}

// CommitHead is a commit as the merge-kind decision needs it.
type CommitHead struct {
	OID, Headline, AuthoredDate string
}

// Reverts are the commits on the base that undo the pull request when
// reverted, newest first, and the parent to revert to (git revert -m): its
// merge commit with -m 1; its squashed commit; or the commits a rebase put
// on the base, known by their messages and author dates, which a rebase keeps.
func (p *RevertedPull) Reverts() (commits []string, mainline int) {
	if p.MergeCommit == "" {
		return nil, 0
	}
	if p.MergeParents > 1 {
		return []string{p.MergeCommit}, 1
	}
	n := p.CommitCount
	if n <= 1 || n != len(p.Commits) || n > len(p.History) {
		return []string{p.MergeCommit}, 0
	}
	rebased := make([]string, 0, n)
	for i := range n {
		on, own := p.History[i], p.Commits[n-1-i]
		if on.Headline != own.Headline || on.AuthoredDate != own.AuthoredDate {
			return []string{p.MergeCommit}, 0 // squashed: one commit holds it all
		}
		rebased = append(rebased, on.OID)
	}
	return rebased, 0
}

// RevertFacts is what create asks (the base, its checks, the branch's name,
// the rulesets, the config) and the pull request number, in one request.
// Pull is nil when the repository has no pull request of that number.
func (c *Client) RevertFacts(ctx context.Context, owner, name, base, branch string, number int, configPath string) (*CreateFacts, *RevertedPull, error) {
	f, raw, err := c.createFacts(ctx, revertQuery, owner, name, base, branch, 0, configPath, map[string]any{"pull": number})
	if err != nil {
		return nil, nil, err
	}
	p, err := parseRevertedPull(raw, number)
	return f, p, err
}

// parseRevertedPull reads revertPullField's answer; nil when there is no such
// pull request.
func parseRevertedPull(raw json.RawMessage, number int) (*RevertedPull, error) {
	var pr *struct {
		ID, Title, URL, State, BaseRefName string
		Number                             int
		MergeCommit                        *struct {
			Oid     string
			Parents struct{ TotalCount int }
			History struct{ Nodes []commitHeadNode }
		}
		Commits struct {
			TotalCount int
			Nodes      []struct{ Commit commitHeadNode }
		}
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &pr); err != nil {
			return nil, fmt.Errorf("reading pull request #%d: %w", number, err)
		}
	}
	if pr == nil {
		return nil, nil
	}
	p := &RevertedPull{ID: pr.ID, Number: pr.Number, Title: strings.TrimSpace(pr.Title), URL: pr.URL, State: pr.State,
		BaseRefName: pr.BaseRefName, CommitCount: pr.Commits.TotalCount}
	if mc := pr.MergeCommit; mc != nil {
		p.MergeCommit, p.MergeParents = mc.Oid, mc.Parents.TotalCount
		for _, n := range mc.History.Nodes {
			p.History = append(p.History, n.head())
		}
	}
	for _, n := range pr.Commits.Nodes {
		p.Commits = append(p.Commits, n.Commit.head())
	}
	return p, nil
}

type commitHeadNode struct {
	Oid, MessageHeadline, AuthoredDate string
}

func (n commitHeadNode) head() CommitHead {
	return CommitHead{OID: n.Oid, Headline: n.MessageHeadline, AuthoredDate: n.AuthoredDate}
}

// CreateDraftPull opens a draft pull request from head into base
// (POST /repos/{owner}/{repo}/pulls with draft): one a person must finish
// before it can be merged. Not idempotent: after a failure, look for it first.
func (c *Client) CreateDraftPull(ctx context.Context, owner, name, head, base, title, body string) (RESTPull, error) {
	var created RESTPull
	err := c.REST(ctx, "POST", fmt.Sprintf("repos/%s/%s/pulls", owner, name),
		map[string]any{"title": title, "head": head, "base": base, "body": body, "draft": true}, &created)
	return created, err
}
