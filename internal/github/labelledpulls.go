package github

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrRepositoryNotFound reports a repository GitHub does not know, or that the
// token cannot see (GitHub does not tell the two apart).
var ErrRepositoryNotFound = errors.New("repository not found")

// labelledPageSize is the most pull requests GitHub returns in one GraphQL page.
const labelledPageSize = 100

// LabelledPullsQuery says which pull requests [Client.LabelledPulls] reads, and what more.
type LabelledPullsQuery struct {
	Label string
	// States are GitHub's states to keep (OPEN, MERGED, CLOSED); none: every state.
	States []string
	// Limit bounds the pull requests read, newest first (one request per 100).
	Limit int
	// WithComments also reads each pull request's latest comments (at most
	// CommentsLimit) and the check suites of its merge commit: what the release
	// of a merged pull request is known by.
	WithComments  bool
	CommentsLimit int
	// ConfigPath, when not "", also reads that file on the default branch, with
	// the first page.
	ConfigPath string
}

// LabelledPull is a pull request as [Client.LabelledPulls] reads it.
type LabelledPull struct {
	Number      int
	Title       string
	State       string // OPEN, MERGED, CLOSED
	IsDraft     bool
	URL         string
	HeadRefName string
	HeadRefOid  string
	BaseRefName string
	Body        string // where a forward-port's record is
	CreatedAt   time.Time
	MergedAt    *time.Time
	Author      *struct{ Login string }
	// MergeCommit's CheckSuites are only read with LabelledPullsQuery.WithComments.
	MergeCommit      *MergeCommitRuns
	ReviewDecision   string
	MergeStateStatus string
	// IsCrossRepository is true for a pull request from a fork: its branch is
	// not the repository's, whatever its name.
	IsCrossRepository   bool
	HeadRepositoryOwner *struct{ Login string }
	// Commits is the head commit, with its checks (as the checks fragment reads
	// them: HeadChecks).
	Commits struct {
		Nodes []struct{ Commit commitChecks }
	}
	// What blocks an open pull request, read with it (see pullblockers.go):
	// its place in the merge queue, auto-merge, the approving reviews that
	// count and the rules of its base.
	AutoMergeRequest *struct{ MergeMethod string }
	MergeQueueEntry  *apiQueueEntry
	Approvals        struct {
		Nodes []struct{ State string }
	}
	BaseRef *struct{ Rules RuleNodes }
	ID      string
	// Comments are only read with LabelledPullsQuery.WithComments: the latest ones;
	// HasPreviousPage says there are more ([Client.EarlierComments] reads them).
	Comments struct {
		PageInfo struct {
			HasPreviousPage bool
			StartCursor     string
		}
		Nodes []struct{ Body string }
	}
}

// HeadLabel is the pull request's head as "owner:branch" (GitHub's head label),
// or the branch alone when the head repository's owner is not known.
func (p *LabelledPull) HeadLabel() string {
	if p.HeadRepositoryOwner == nil {
		return p.HeadRefName
	}
	return p.HeadRepositoryOwner.Login + ":" + p.HeadRefName
}

// RemoteFile is a text file read from a branch on GitHub.
type RemoteFile struct {
	Branch string // the branch's name; "HEAD" when not known
	Text   string
}

// LabelledPulls is what [Client.LabelledPulls] answers.
type LabelledPulls struct {
	Pulls []LabelledPull
	// Total counts the pull requests matching the query, beyond the limit too.
	Total int
	// Config is the file LabelledPullsQuery.ConfigPath names, nil without one.
	Config *RemoteFile
}

// labelledPullsQuery reads one page of labelled pull requests, each with its
// head commit's checks and (with $withOpen) what blocks its merge. Comments and
// check suites are only asked for withComments.
func labelledPullsQuery(withComments bool, comments int, configPath string) string {
	return `query HotfixStatus($owner: String!, $name: String!, $labels: [String!], $states: [PullRequestState!], $first: Int!, $after: String,
  $withConfig: Boolean!, $withOpen: Boolean!) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef @include(if: $withConfig) { name }
    config: object(expression: "HEAD:` + configPath + `") @include(if: $withConfig) { ... on Blob { text } }
    pullRequests(labels: $labels, states: $states, first: $first, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {` + labelledPullFields(withComments, comments) + `
      }
    }
  }
}
` + checksFragment
}

// labelledPullFields selects what [LabelledPull] holds of a pull request (its
// head commit's checks through the checks fragment, and with $withOpen what
// blocks its merge); comments and the merge commit's check suites only
// withComments.
func labelledPullFields(withComments bool, comments int) string {
	commentsField, suites := "", ""
	if withComments {
		commentsField = fmt.Sprintf("\n        comments(last: %d) { pageInfo { hasPreviousPage startCursor } nodes { body } }", comments)
		// A release run dispatched right after the merge runs on the merge commit: its
		// check suite carries the run's progress, so no second request is needed.
		// A run held by an environment's protection rules (status WAITING) also
		// says what it waits for: its pending deployment requests, the same as the
		// REST pending deployments, in this query rather than one request per run.
		suites = " checkSuites(last: 20) { nodes { status conclusion workflowRun { databaseId url" + pendingRequestsFields + " } } }"
	}
	return `
        id number title state isDraft url headRefName headRefOid baseRefName createdAt mergedAt body
        isCrossRepository headRepositoryOwner { login }
        author { login }
        mergeCommit { oid` + suites + ` }
        reviewDecision mergeStateStatus
        commits(last: 1) { nodes { commit { ...checks } } }
        autoMergeRequest @include(if: $withOpen) { mergeMethod }
        mergeQueueEntry @include(if: $withOpen) ` + queueEntryFields + `
        approvals: latestOpinionatedReviews(first: 100, writersOnly: true) @include(if: $withOpen) { nodes { state } }
        baseRef @include(if: $withOpen) { ` + RefRules + ` }` + commentsField
}

// LabelledPulls reads up to q.Limit pull requests carrying q.Label, newest
// first, and how many there are in all: one GraphQL query per page of 100, so
// one for a limit of 100 or less. A repository that GitHub does not show
// returns an error that is [ErrRepositoryNotFound].
func (c *Client) LabelledPulls(ctx context.Context, owner, name string, q LabelledPullsQuery) (*LabelledPulls, error) {
	vars := map[string]any{"owner": owner, "name": name, "labels": []string{q.Label}}
	if len(q.States) > 0 {
		vars["states"] = q.States
	}
	// What blocks a pull request (its queue entry, auto-merge, approvals, its
	// base's rules) only matters while it is open.
	vars["withOpen"] = len(q.States) == 0 || slices.Contains(q.States, "OPEN")
	query := labelledPullsQuery(q.WithComments, q.CommentsLimit, q.ConfigPath)
	res := &LabelledPulls{}
	for page := 0; page < (q.Limit+labelledPageSize-1)/labelledPageSize; page++ {
		vars["first"] = min(labelledPageSize, q.Limit-len(res.Pulls))
		vars["withConfig"] = q.ConfigPath != "" && page == 0
		var out struct {
			Repository *struct {
				DefaultBranchRef *struct{ Name string }
				Config           *struct{ Text *string }
				PullRequests     struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Nodes []LabelledPull
				}
			}
		}
		err := c.GraphQL(ctx, query, vars, &out)
		if err != nil && !IsNotFound(err) {
			return nil, err
		}
		if err != nil || out.Repository == nil {
			return nil, fmt.Errorf("%w: %s/%s", ErrRepositoryNotFound, owner, name)
		}
		if cf := out.Repository.Config; cf != nil && cf.Text != nil {
			res.Config = &RemoteFile{Branch: "HEAD", Text: *cf.Text}
			if b := out.Repository.DefaultBranchRef; b != nil {
				res.Config.Branch = b.Name
			}
		}
		conn := out.Repository.PullRequests
		res.Total = conn.TotalCount
		res.Pulls = append(res.Pulls, conn.Nodes...)
		if !conn.PageInfo.HasNextPage || len(res.Pulls) >= q.Limit || conn.PageInfo.EndCursor == "" {
			break
		}
		vars["after"] = conn.PageInfo.EndCursor
	}
	return res, nil
}

// MergeCommitRuns is a merge commit with its check suites' workflow runs, as
// status reads the release run of a merged pull request.
type MergeCommitRuns struct {
	Oid         string
	CheckSuites struct {
		Nodes []MergeCommitSuite
	}
}

// MergeCommitSuite is a check suite of a merge commit, with its workflow run
// (nil for a suite of another app than GitHub Actions).
type MergeCommitSuite struct {
	Status      string
	Conclusion  string
	WorkflowRun *SuiteRun
}

// SuiteRun is a check suite's workflow run, with what it waits for when its
// status is WAITING.
type SuiteRun struct {
	DatabaseID int64 `json:"databaseId"`
	URL        string
	// PendingDeploymentRequests is nil when GitHub did not answer it.
	PendingDeploymentRequests *struct{ Nodes []DeploymentRequest }
}

// pendingRequestsFields selects a workflow run's pending deployment requests
// (GraphQL WorkflowRun.pendingDeploymentRequests, DeploymentRequest objects,
// https://docs.github.com/en/graphql/reference/objects#deploymentrequest): a
// run waits on one environment per job that targets one, and an environment
// has at most six required reviewers ("You can list up to six users or
// teams", REST docs, "Create or update an environment"). GitHub's rate limit
// charges each connection at its first/last size under every parent (here 20
// check suites per pull request), so only the first two environments a run
// waits on are asked: it is the reviewers' connection that costs.
const pendingRequestsFields = `
          pendingDeploymentRequests(first: 2) { nodes { environment { databaseId name } waitTimer waitTimerStartedAt currentUserCanApprove
            reviewers(first: 6) { nodes { __typename ... on User { login url } ... on Team { slug url } } } } }`

// DeploymentRequest is a workflow run's job held at an environment's
// protection rules, as GraphQL gives it (the REST pending deployment).
type DeploymentRequest struct {
	Environment struct {
		DatabaseID int64 `json:"databaseId"`
		Name       string
	}
	WaitTimer             int
	WaitTimerStartedAt    *time.Time
	CurrentUserCanApprove bool
	Reviewers             struct {
		Nodes []struct {
			Typename string `json:"__typename"`
			Login    string // a user's
			Slug     string // a team's
			URL      string
		}
	}
}

// Pending is the request as the REST API's pending deployment, which
// release.DescribeWait and the others read.
func (d DeploymentRequest) Pending() PendingDeployment {
	var p PendingDeployment
	p.Environment.ID, p.Environment.Name = d.Environment.DatabaseID, d.Environment.Name
	p.WaitTimer, p.WaitTimerStartedAt, p.CurrentUserCanApprove = d.WaitTimer, d.WaitTimerStartedAt, d.CurrentUserCanApprove
	for _, n := range d.Reviewers.Nodes {
		var r DeploymentReviewer
		r.Type = n.Typename
		r.Reviewer.Login, r.Reviewer.Slug, r.Reviewer.HTMLURL = n.Login, n.Slug, n.URL
		p.Reviewers = append(p.Reviewers, r)
	}
	return p
}
