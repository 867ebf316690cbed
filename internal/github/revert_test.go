package github

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestRevertedPullReverts(t *testing.T) {
	c := func(oid, headline, date string) CommitHead {
		return CommitHead{OID: oid, Headline: headline, AuthoredDate: date}
	}
	own := []CommitHead{c("o1", "First", "2026-12-01T10:00:00Z"), c("o2", "Second", "2026-12-01T11:00:00Z")}
	for _, tt := range []struct {
		name     string
		pr       RevertedPull
		commits  []string
		mainline int
	}{
		{"not merged", RevertedPull{}, nil, 0},
		{"merge commit", RevertedPull{MergeCommit: "m", MergeParents: 2, CommitCount: 2, Commits: own}, []string{"m"}, 1},
		{"squash of one commit", RevertedPull{MergeCommit: "s", MergeParents: 1, CommitCount: 1, Commits: own[:1],
			History: []CommitHead{c("s", "Title (#4)", "2026-12-02T09:00:00Z")}}, []string{"s"}, 0},
		{"squash of two commits", RevertedPull{MergeCommit: "s", MergeParents: 1, CommitCount: 2, Commits: own,
			History: []CommitHead{c("s", "Title (#4)", "2026-12-02T09:00:00Z"), c("b", "Base", "2026-11-30T00:00:00Z")}}, []string{"s"}, 0},
		{"rebase of two commits: both, newest first", RevertedPull{MergeCommit: "r2", MergeParents: 1, CommitCount: 2, Commits: own,
			History: []CommitHead{c("r2", "Second", "2026-12-01T11:00:00Z"), c("r1", "First", "2026-12-01T10:00:00Z"), c("b", "Base", "")}}, []string{"r2", "r1"}, 0},
		{"same messages, other dates: squash", RevertedPull{MergeCommit: "s", MergeParents: 1, CommitCount: 2, Commits: own,
			History: []CommitHead{c("s", "Second", "2026-12-02T11:00:00Z"), c("x", "First", "2026-12-01T10:00:00Z")}}, []string{"s"}, 0},
		{"more commits than read: its merge commit alone", RevertedPull{MergeCommit: "s", MergeParents: 1, CommitCount: 150, Commits: own,
			History: []CommitHead{c("s", "Second", "2026-12-01T11:00:00Z")}}, []string{"s"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			commits, mainline := tt.pr.Reverts()
			if !slices.Equal(commits, tt.commits) || mainline != tt.mainline {
				t.Errorf("Reverts() = %v, -m %d; want %v, -m %d", commits, mainline, tt.commits, tt.mainline)
			}
		})
	}
}

// TestRevertFacts: one request brings what create asks and the pull request;
// a number GitHub does not know is an answer (nil), not a failure.
func TestRevertFacts(t *testing.T) {
	pull := map[string]any{"id": "PR_1", "number": 7, "title": " Fix login ", "url": "https://github.com/acme/shop/pull/7", "state": "MERGED",
		"baseRefName": "main",
		"mergeCommit": map[string]any{"oid": "m1", "parents": map[string]any{"totalCount": 2},
			"history": map[string]any{"nodes": []any{map[string]any{"oid": "m1", "messageHeadline": "Merge", "authoredDate": "2026-12-01T00:00:00Z"}}}},
		"commits": map[string]any{"totalCount": 1, "nodes": []any{map[string]any{"commit": map[string]any{"oid": "c1", "messageHeadline": "Fix", "authoredDate": "2026-11-30T00:00:00Z"}}}},
	}
	repo := map[string]any{"defaultBranchRef": map[string]any{"name": "main", "target": map[string]any{"oid": "tip"}}, "pull": pull,
		"branchRulesets": map[string]any{"nodes": []any{}}}
	c, _ := stubbedWith(t, stub{httpmock.GraphQL("HotfixRevert"), httpmock.GraphQLQuery(map[string]any{"data": map[string]any{"repository": repo}},
		func(q string, vars map[string]any) {
			if vars["pull"] != 7.0 || vars["hasIssue"] != false || !strings.Contains(q, "pull: pullRequest(number: $pull)") {
				t.Errorf("vars %v, query:\n%s", vars, q)
			}
		})})
	f, p, err := c.RevertFacts(context.Background(), "acme", "shop", "", "", 7, "")
	if err != nil {
		t.Fatal(err)
	}
	if f.Base != "main" || !f.BaseFound || f.BaseChecks.SHA != "tip" {
		t.Errorf("facts %+v", f)
	}
	if p == nil || p.ID != "PR_1" || p.Title != "Fix login" || p.MergeCommit != "m1" || p.MergeParents != 2 || p.CommitCount != 1 ||
		len(p.History) != 1 || p.Commits[0].Headline != "Fix" {
		t.Errorf("pull %+v", p)
	}

	missing := map[string]any{"data": map[string]any{"repository": map[string]any{"defaultBranchRef": repo["defaultBranchRef"], "pull": nil}},
		"errors": []any{map[string]any{"type": "NOT_FOUND", "path": []any{"repository", "pull"}, "message": "Could not resolve to a PullRequest with the number of 99."}}}
	c, _ = stubbedWith(t, stub{httpmock.GraphQL("HotfixRevert"), httpmock.JSON(200, missing)})
	f, p, err = c.RevertFacts(context.Background(), "acme", "shop", "", "", 99, "")
	if err != nil || p != nil || f.Base != "main" {
		t.Errorf("an unknown number: %+v, %v, %v", f, p, err)
	}
}
