package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
)

// ErrPullNotFound reports a pull request number the repository does not have.
var ErrPullNotFound = errors.New("pull request not found")

const backportSourceQuery = `query HotfixBackportSource($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      id number title url state baseRefName body
      comments(last: 100) { pageInfo { hasPreviousPage startCursor } nodes { databaseId body createdAt } }
    }
  }
}`

// BackportSource is a pull request whose fix backports carry to maintenance
// lines, with its latest comments: where the backports' summary is.
type BackportSource struct {
	ID          string
	Number      int
	Title       string
	URL         string
	State       string // OPEN, MERGED, CLOSED
	BaseRefName string
	Body        string // where a backport pull request's own record is
	// Comments are the last 100, oldest first; HasEarlier says there are more
	// before them, which [Client.EarlierComments] reads from EarlierCursor.
	Comments      []Comment
	HasEarlier    bool
	EarlierCursor string
}

// BackportSource reads pull request number with its last 100 comments, in one
// request. A repository GitHub does not show returns an error that is
// [ErrRepositoryNotFound]; a number it does not have, one that is [ErrPullNotFound].
func (c *Client) BackportSource(ctx context.Context, owner, name string, number int) (*BackportSource, error) {
	var out struct {
		Repository *struct {
			PullRequest *struct {
				ID, Title, URL, State, BaseRefName, Body string
				Number                                   int
				Comments                                 commentPage
			}
		}
	}
	err := c.GraphQL(ctx, backportSourceQuery, map[string]any{"owner": owner, "name": name, "number": number}, &out)
	switch {
	case err != nil && !onlyNotFound(err):
		return nil, err
	case out.Repository == nil:
		return nil, fmt.Errorf("%w: %s/%s", ErrRepositoryNotFound, owner, name)
	case out.Repository.PullRequest == nil:
		return nil, fmt.Errorf("%w: #%d in %s/%s", ErrPullNotFound, number, owner, name)
	}
	p := out.Repository.PullRequest
	src := &BackportSource{ID: p.ID, Number: p.Number, Title: p.Title, URL: p.URL, State: p.State, BaseRefName: p.BaseRefName, Body: p.Body,
		HasEarlier: p.Comments.PageInfo.HasPreviousPage, EarlierCursor: p.Comments.PageInfo.StartCursor}
	for _, n := range p.Comments.Nodes {
		src.Comments = append(src.Comments, Comment{ID: n.DatabaseID, Body: n.Body, CreatedAt: n.CreatedAt})
	}
	return src, nil
}

// backportComments is how many of a backport pull request's latest comments
// are read for its release marker, posted right after its merge.
const backportComments = 50

// backportPullFields are the fields BackportPulls reads of each pull request:
// its state and record, its head (a push since it was opened resolves its
// conflicts), and, once merged, the merge commit's check suites (the release
// run's progress) and the comments that hold the release marker.
const backportPullFields = `number url state isDraft headRefOid body mergeStateStatus
      mergeCommit { oid checkSuites(last: 20) { nodes { status conclusion workflowRun { databaseId url } } } }
      comments(last: %d) { nodes { body createdAt } }`

// BackportPull is a backport pull request as [Client.BackportPulls] reads it.
type BackportPull struct {
	Number           int
	URL              string
	State            string // OPEN, MERGED, CLOSED
	IsDraft          bool
	HeadRefOid       string
	Body             string // where its record (hotfix.Backport) is
	MergeStateStatus string
	MergeCommit      *MergeCommitRuns
	// Comments are the last 50, oldest first.
	Comments []Comment
}

// RunProgress is the status and conclusion (lower case, as the REST API spells
// them) of workflow run id among the merge commit's check suites; ok is false
// when the run is not there (dispatched on a later commit of the line).
func (p *BackportPull) RunProgress(id int64) (status, conclusion string, ok bool) {
	if p.MergeCommit == nil || id == 0 {
		return "", "", false
	}
	for _, cs := range p.MergeCommit.CheckSuites.Nodes {
		if cs.WorkflowRun != nil && cs.WorkflowRun.DatabaseID == id {
			return strings.ToLower(cs.Status), strings.ToLower(cs.Conclusion), true
		}
	}
	return "", "", false
}

// BackportPulls reads the pull requests numbers, in one request whatever their
// number, by number: the answer holds those the repository has (a number it
// does not have is left out). Nothing is asked when numbers is empty.
func (c *Client) BackportPulls(ctx context.Context, owner, name string, numbers []int) (map[int]*BackportPull, error) {
	if len(numbers) == 0 {
		return map[int]*BackportPull{}, nil
	}
	var q strings.Builder
	q.WriteString("query HotfixBackportPulls($owner: String!, $name: String!")
	vars := map[string]any{"owner": owner, "name": name}
	for i, n := range numbers {
		fmt.Fprintf(&q, ", $n%d: Int!", i)
		vars[fmt.Sprintf("n%d", i)] = n
	}
	q.WriteString(") {\n  repository(owner: $owner, name: $name) {\n")
	fields := fmt.Sprintf(backportPullFields, backportComments)
	for i := range numbers {
		fmt.Fprintf(&q, "    pr%d: pullRequest(number: $n%d) {\n      %s\n    }\n", i, i, fields)
	}
	q.WriteString("  }\n}")
	type apiBackportPull struct {
		BackportPull
		Comments struct {
			Nodes []struct {
				Body      string
				CreatedAt time.Time
			}
		}
	}
	var out struct {
		Repository map[string]*apiBackportPull
	}
	// A number the repository does not have is NOT_FOUND at its alias only.
	if err := c.GraphQL(ctx, q.String(), vars, &out); err != nil && !onlyNotFound(err) {
		return nil, err
	}
	if out.Repository == nil {
		return nil, fmt.Errorf("%w: %s/%s", ErrRepositoryNotFound, owner, name)
	}
	pulls := make(map[int]*BackportPull, len(numbers))
	for i := range numbers {
		a := out.Repository[fmt.Sprintf("pr%d", i)]
		if a == nil {
			continue
		}
		p := a.BackportPull
		p.Comments = nil
		for _, n := range a.Comments.Nodes {
			p.Comments = append(p.Comments, Comment{Body: n.Body, CreatedAt: n.CreatedAt})
		}
		pulls[p.Number] = &p
	}
	return pulls, nil
}

// onlyNotFound reports whether every error of a GraphQL answer is NOT_FOUND:
// something asked by name or number does not exist, and the rest of the answer
// stands.
func onlyNotFound(err error) bool {
	var ge *api.GraphQLError
	if !errors.As(err, &ge) {
		return false
	}
	for _, e := range ge.Errors {
		if e.Type != "NOT_FOUND" {
			return false
		}
	}
	return true
}
