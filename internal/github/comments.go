package github

import (
	"context"
	"fmt"
	"time"
)

const addCommentMutation = `mutation HotfixComment($subject: ID!, $body: String!) {
  addComment(input: {subjectId: $subject, body: $body}) {
    commentEdge { node { databaseId createdAt } }
    subject { ... on PullRequest { comments(last: 100) { nodes { databaseId body createdAt } } } }
  }
}`

// PostedComment is a comment just posted on a pull request, with the pull
// request's last 100 comments as they were right after it.
type PostedComment struct {
	ID        int64
	CreatedAt time.Time // by GitHub's clock; zero when GitHub did not say
	Comments  []Comment
}

// AddComment posts body on the pull request (or issue) subjectID and, in the
// same request, reads its comments right after it: a comment posted a moment
// earlier by someone else is then in the list, one posted later will see this
// one. Posting is not idempotent: after a failure the caller reads the
// comments back before sending it again.
func (c *Client) AddComment(ctx context.Context, subjectID, body string) (*PostedComment, error) {
	var out struct {
		AddComment struct {
			CommentEdge struct {
				Node struct {
					DatabaseID int64     `json:"databaseId"`
					CreatedAt  time.Time `json:"createdAt"`
				}
			}
			Subject struct {
				Comments struct {
					Nodes []struct {
						DatabaseID int64 `json:"databaseId"`
						Body       string
						CreatedAt  time.Time
					}
				}
			}
		}
	}
	if err := c.GraphQL(ctx, addCommentMutation, map[string]any{"subject": subjectID, "body": body}, &out); err != nil {
		return nil, err
	}
	p := &PostedComment{ID: out.AddComment.CommentEdge.Node.DatabaseID, CreatedAt: out.AddComment.CommentEdge.Node.CreatedAt}
	for _, n := range out.AddComment.Subject.Comments.Nodes {
		p.Comments = append(p.Comments, Comment{ID: n.DatabaseID, Body: n.Body, CreatedAt: n.CreatedAt})
	}
	return p, nil
}

// EditComment replaces the body of an issue or pull request comment
// (PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}): the same however
// often it is sent, so it is retried like a read.
func (c *Client) EditComment(ctx context.Context, owner, name string, id int64, body string) error {
	return c.RESTIdempotent(ctx, "PATCH", fmt.Sprintf("repos/%s/%s/issues/comments/%d", owner, name, id), map[string]any{"body": body}, nil)
}

// DeleteComment deletes an issue or pull request comment
// (DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}).
func (c *Client) DeleteComment(ctx context.Context, owner, name string, id int64) error {
	return c.REST(ctx, "DELETE", fmt.Sprintf("repos/%s/%s/issues/comments/%d", owner, name, id), nil, nil)
}
