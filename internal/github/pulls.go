package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cli/go-gh/v2/pkg/api"
)

// Typed refusals of the pull request requests below, for errors.Is. Each wraps
// GitHub's own answer, which errors.As still reaches.
var (
	// ErrPullExists: a pull request from the head into the base is open already
	// (422 "A pull request already exists for …", or its GraphQL form).
	ErrPullExists = errors.New("a pull request for this branch already exists")
	// ErrAutoMergeNotAllowed: the repository does not allow auto-merge, the
	// default of a new github.com repository ("Auto merge is not allowed for this repository").
	ErrAutoMergeNotAllowed = errors.New("auto-merge is not allowed in this repository")
	// ErrCleanStatus: GitHub refuses auto-merge on a pull request that can be
	// merged now ("Pull request is in clean status", unstable or has_hooks).
	ErrCleanStatus = errors.New("the pull request can be merged now")
	// ErrNotCollaborator: a review was asked of someone without access to the
	// repository (422 "Reviews may only be requested from collaborators", or
	// GraphQL's "… is not a collaborator"); GitHub refuses the whole request.
	ErrNotCollaborator = errors.New("reviews may only be requested from collaborators")
	// ErrLabelExists: creating a label whose name the repository has (422 already_exists).
	ErrLabelExists = errors.New("the label exists")
)

// refusalWords are the words of GitHub's answers that say each typed refusal.
var refusalWords = map[error][]string{
	ErrPullExists:          {"already exists"},
	ErrCleanStatus:         {"clean status", "unstable status", "has_hooks status"},
	ErrNotCollaborator:     {"not a collaborator", "only be requested from collaborators"},
	ErrAutoMergeNotAllowed: {"not allowed"},
}

// classify wraps err with the first of kinds whose words GitHub's answer says,
// reading GitHub's message in this one place so that callers never match
// error text. Only the refusals a request can meet are looked for.
func classify(err error, kinds ...error) error {
	if err == nil {
		return nil
	}
	var msg string
	var he *api.HTTPError
	var ge *api.GraphQLError
	switch {
	case errors.As(err, &he):
		msg = he.Message + " " + fmt.Sprint(he.Errors)
	case errors.As(err, &ge):
		msg = ge.Error()
	default:
		return err
	}
	for _, kind := range kinds {
		for _, w := range refusalWords[kind] {
			if strings.Contains(msg, w) {
				return fmt.Errorf("%w: %w", kind, err)
			}
		}
	}
	return err
}

// openMutation opens the pull request and, when the repository lacks it, creates
// the label, in one request.
const openMutation = `mutation HotfixOpen($repo: ID!, $base: String!, $head: String!, $title: String!, $body: String!,
  $label: String!, $color: String!, $description: String!, $withLabel: Boolean!, $withMergeState: Boolean!) {
  createPullRequest(input: {repositoryId: $repo, baseRefName: $base, headRefName: $head, title: $title, body: $body}) {
    pullRequest { ...pull }
  }
  createLabel(input: {repositoryId: $repo, name: $label, color: $color, description: $description}) @include(if: $withLabel) {
    label { id }
  }
}
` + NewPullFragment

// Label is a label to create.
type Label struct {
	Name, Color, Description string
}

// NewPull is a pull request to open with OpenPull.
type NewPull struct {
	RepoID      string // the repository's node ID
	Base, Head  string
	Title, Body string
	// CreateLabel, when set, is created in the same request (the repository lacks it).
	CreateLabel *Label
	// WithMergeState asks for the pull request's mergeStateStatus too (for --auto).
	WithMergeState bool
}

// Opened is what OpenPull made: the pull request, and the created label's node
// ID when NewPull.CreateLabel was set and GitHub created it.
type Opened struct {
	Pull    PullRequest
	LabelID string
}

// OpenPull opens a pull request through GraphQL's createPullRequest, creating
// the label beside it when asked, in one request. When the pull request was
// created but the label was not (a label that raced in), the pull request is
// returned without error: the label is found later. A head that has an open
// pull request into the base already is [ErrPullExists]. Opening is not
// idempotent: after a transient failure, read back before sending it again.
func (c *Client) OpenPull(ctx context.Context, p NewPull) (*Opened, error) {
	vars := map[string]any{"repo": p.RepoID, "base": p.Base, "head": p.Head, "title": p.Title, "body": p.Body,
		"label": "", "color": "", "description": "", "withLabel": p.CreateLabel != nil, "withMergeState": p.WithMergeState}
	if l := p.CreateLabel; l != nil {
		vars["label"], vars["color"], vars["description"] = l.Name, l.Color, l.Description
	}
	var out struct {
		CreatePullRequest *struct{ PullRequest *APIPull }
		CreateLabel       *struct{ Label *struct{ ID string } }
	}
	err := c.GraphQL(ctx, openMutation, vars, &out)
	if out.CreatePullRequest == nil || out.CreatePullRequest.PullRequest == nil {
		if err == nil {
			err = fmt.Errorf("%w: GraphQL: no pull request in the answer", ErrBadAnswer)
		}
		return nil, classify(err, ErrPullExists)
	}
	o := &Opened{Pull: out.CreatePullRequest.PullRequest.ToPull()}
	if out.CreateLabel != nil && out.CreateLabel.Label != nil {
		o.LabelID = out.CreateLabel.Label.ID
	}
	return o, nil
}

const labelMutation = `mutation HotfixLabel($pr: ID!, $labels: [ID!]!, $users: [ID!], $withLabel: Boolean!, $withReviews: Boolean!) {
  addLabelsToLabelable(input: {labelableId: $pr, labelIds: $labels}) @include(if: $withLabel) { clientMutationId }
  requestReviews(input: {pullRequestId: $pr, userIds: $users, union: true}) @include(if: $withReviews) { clientMutationId }
}`

// LabelAndRequestReviews adds labels (node IDs) to a pull request and asks
// reviews of users (node IDs), keeping earlier requests, in one request; either
// list may be empty. Both are idempotent, so the request is retried like a read.
// A user without access to the repository is [ErrNotCollaborator].
func (c *Client) LabelAndRequestReviews(ctx context.Context, prID string, labelIDs, userIDs []string) error {
	if labelIDs == nil {
		labelIDs = []string{}
	}
	if userIDs == nil {
		userIDs = []string{}
	}
	return classify(c.GraphQLIdempotent(ctx, labelMutation, map[string]any{"pr": prID, "labels": labelIDs,
		"users": userIDs, "withLabel": len(labelIDs) > 0, "withReviews": len(userIDs) > 0}, nil), ErrNotCollaborator)
}

// RequestReviewers asks reviews of users (logins) and teams (slugs of the
// repository owner's teams) through REST
// (POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers), idempotent.
// Someone without access is [ErrNotCollaborator].
func (c *Client) RequestReviewers(ctx context.Context, owner, name string, number int, users, teams []string) error {
	body := map[string]any{}
	if len(users) > 0 {
		body["reviewers"] = users
	}
	if len(teams) > 0 {
		body["team_reviewers"] = teams
	}
	return classify(c.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/pulls/%d/requested_reviewers", owner, name, number), body, nil), ErrNotCollaborator)
}

const enableAutoMergeMutation = `mutation HotfixAutoMerge($id: ID!, $method: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method}) { pullRequest { autoMergeRequest { mergeMethod } } }
}`

// EnableAutoMerge turns on auto-merge with method (merge, squash or rebase).
// GitHub refuses it on a pull request that can be merged now ([ErrCleanStatus])
// and in a repository that does not allow it ([ErrAutoMergeNotAllowed]).
func (c *Client) EnableAutoMerge(ctx context.Context, prID, method string) error {
	return classify(c.GraphQL(ctx, enableAutoMergeMutation, map[string]any{"id": prID, "method": strings.ToUpper(method)}, nil), ErrCleanStatus, ErrAutoMergeNotAllowed)
}

// MergePull merges a pull request with method, only if its head is still sha
// (PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge; GitHub answers 409 when
// the head moved, 405 when it cannot be merged), returning the merge commit.
func (c *Client) MergePull(ctx context.Context, owner, name string, number int, method, sha string) (string, error) {
	var merged struct {
		SHA string `json:"sha"`
	}
	err := c.REST(ctx, "PUT", fmt.Sprintf("repos/%s/%s/pulls/%d/merge", owner, name, number),
		map[string]any{"merge_method": method, "sha": sha}, &merged)
	return merged.SHA, err
}

// CreatePull opens a pull request through REST (POST /repos/{owner}/{repo}/pulls).
// A head with an open pull request into base already is [ErrPullExists]. Not
// idempotent: after a transient failure, read back before sending it again.
func (c *Client) CreatePull(ctx context.Context, owner, name, head, base, title, body string) (RESTPull, error) {
	var created RESTPull
	err := c.REST(ctx, "POST", fmt.Sprintf("repos/%s/%s/pulls", owner, name),
		map[string]any{"title": title, "head": head, "base": base, "body": body}, &created)
	var he *api.HTTPError
	if errors.As(err, &he) && he.StatusCode != http.StatusUnprocessableEntity {
		return created, err
	}
	return created, classify(err, ErrPullExists)
}

// PullCommit is a commit of a pull request, or of a comparison, as REST lists it.
type PullCommit struct {
	SHA    string `json:"sha"`
	Commit struct {
		Message string `json:"message"`
		Author  struct {
			Email string `json:"email"`
			Date  string `json:"date"`
		} `json:"author"`
	} `json:"commit"`
}

// Headline is the first line of the commit's message.
func (c PullCommit) Headline() string { return strings.SplitN(c.Commit.Message, "\n", 2)[0] }

// PullCommits lists a pull request's commits, up to 100
// (GET /repos/{owner}/{repo}/pulls/{pull_number}/commits).
func (c *Client) PullCommits(ctx context.Context, owner, name string, number int) ([]PullCommit, error) {
	var out []PullCommit
	err := c.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/pulls/%d/commits?per_page=100", owner, name, number), nil, &out)
	return out, err
}
