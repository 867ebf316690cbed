package ship

import (
	"context"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// gitHub is everything ship asks of GitHub, by concern; *github.Client
// implements it, and a test may hand ship another implementation.
type gitHub interface {
	pullRequests
	conversation
	actionsRuns
	repositoryContent
}

// pullRequests reads and changes the hotfix's pull request and its
// forward-port.
type pullRequests interface {
	ShipStateQuery(ctx context.Context, q github.ShipQuery) (*github.ShipState, error)
	ShipState(ctx context.Context, owner, name, head, base, label, configPath string) (*github.ShipState, error)
	Pull(ctx context.Context, id string) (github.PullRequest, error)
	PullMergeState(ctx context.Context, id string) (github.MergeState, error)
	PullWaitState(ctx context.Context, id string) (github.WaitState, error)
	PullPoller(owner, name string, number int) *github.Poller
	PullCommits(ctx context.Context, owner, name string, number int) ([]github.PullCommit, error)
	PullsInto(ctx context.Context, owner, name, base string) ([]github.PullRecords, error)
	UnreleasedHotfixes(ctx context.Context, owner, name, base, label string, released func(body, mergeSHA string) bool) ([]github.Unreleased, error)
	ForwardPortState(ctx context.Context, owner, name string, heads []string, label string) (*github.ForwardPortState, error)
	OpenPull(ctx context.Context, p github.NewPull) (*github.Opened, error)
	CreatePull(ctx context.Context, owner, name, head, base, title, body string) (github.RESTPull, error)
	CreateLabel(ctx context.Context, owner, name string, l github.Label) (string, error)
	EnsureLabel(ctx context.Context, owner, name string, l github.Label) error
	AddLabels(ctx context.Context, owner, name string, number int, labels ...string) error
	LabelAndRequestReviews(ctx context.Context, prID string, labelIDs, userIDs []string) error
	RequestReviewers(ctx context.Context, owner, name string, number int, users, teams []string) error
	EnableAutoMerge(ctx context.Context, prID, method string) error
	Enqueue(ctx context.Context, prID, head string, jump bool) (github.QueueEntry, error)
	MergePull(ctx context.Context, owner, name string, number int, method, sha string) (string, error)
}

// conversation is the comments on the pull request (the release record among
// them) and the post-mortem issue.
type conversation interface {
	EarlierComments(ctx context.Context, id, cursor string) ([]github.Comment, error)
	AddComment(ctx context.Context, subjectID, body string) (*github.PostedComment, error)
	EditComment(ctx context.Context, owner, name string, id int64, body string) error
	DeleteComment(ctx context.Context, owner, name string, id int64) error
	IssueWithMarker(ctx context.Context, owner, name string, since time.Time, marker string) (*github.Issue, error)
	CreateIssue(ctx context.Context, owner, name, title, body string, labels []string) (github.Issue, error)
}

// actionsRuns is GitHub Actions: the release workflows and their runs.
type actionsRuns interface {
	release.WorkflowSource
	WorkflowState(ctx context.Context, owner, name, workflow string) (string, error)
	DispatchWorkflow(ctx context.Context, owner, name, workflow, ref string, inputs map[string]string) (*github.Run, error)
	DispatchRuns(ctx context.Context, owner, name, workflow, branch string, since time.Time) ([]github.Run, error)
	WorkflowRuns(ctx context.Context, owner, name, workflow, branch string, since time.Time) ([]github.Run, error)
	WorkflowRun(ctx context.Context, owner, name string, id int64) (github.Run, error)
	LatestWorkflowRuns(ctx context.Context, owner, name, workflow string, n int) ([]github.Run, error)
	RunPoller(owner, name string, id int64) *github.Poller
	PendingDeployments(ctx context.Context, owner, name string, runID int64) ([]github.PendingDeployment, error)
	ApproveDeployments(ctx context.Context, owner, name string, runID int64, envIDs []int64, comment string) error
	LastSuccessfulRun(ctx context.Context, owner, name, workflow, branch string) (*github.Run, error)
	FailedJobs(ctx context.Context, owner, name string, runID int64) ([]github.FailedJob, error)
	RerunFailedJobs(ctx context.Context, owner, name string, runID int64) error
}

// repositoryContent is the repository's commits, branches, tags, releases and files.
type repositoryContent interface {
	CreateFacts(ctx context.Context, owner, name, base, branch string, issue int, configPath string) (*github.CreateFacts, error)
	FromTagFacts(ctx context.Context, owner, name string, q github.FromTagQuery) (*github.FromTagFacts, error)
	CommitChecks(ctx context.Context, owner, name, sha string) (github.Checks, error)
	Contains(ctx context.Context, owner, name, ancestor, descendant string) (bool, error)
	Compare(ctx context.Context, owner, name, base, head string) (github.Comparison, error)
	EnsureBranch(ctx context.Context, owner, name, branch, sha string) (tip string, created bool, err error)
	TagRefs(ctx context.Context, owner, name, prefix string) ([]github.TagRef, error)
	LatestReleaseTag(ctx context.Context, owner, name string) (string, error)
	Releases(ctx context.Context, owner, name string) ([]github.Release, error)
	TextFiles(ctx context.Context, owner, name string, expressions ...string) (map[string]string, error)
}

var _ gitHub = (*github.Client)(nil)
