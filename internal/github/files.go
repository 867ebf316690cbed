package github

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// TextFiles reads text files in one GraphQL request: each expression is
// "REVISION:PATH" (a branch, tag or commit). The answer maps each expression
// to its file's text; a file or revision that does not exist is left out.
func (c *Client) TextFiles(ctx context.Context, owner, name string, expressions ...string) (map[string]string, error) {
	var q strings.Builder
	q.WriteString("query HotfixTextFiles($owner: String!, $name: String!")
	vars := map[string]any{"owner": owner, "name": name}
	for i, e := range expressions {
		fmt.Fprintf(&q, ", $e%d: String!", i)
		vars[fmt.Sprintf("e%d", i)] = e
	}
	q.WriteString(") {\n  repository(owner: $owner, name: $name) {\n")
	for i := range expressions {
		fmt.Fprintf(&q, "    f%d: object(expression: $e%d) { ... on Blob { text } }\n", i, i)
	}
	q.WriteString("  }\n}")
	var out struct {
		Repository map[string]*struct{ Text *string }
	}
	if err := c.GraphQL(ctx, q.String(), vars, &out); err != nil {
		return nil, err
	}
	texts := map[string]string{}
	for i, e := range expressions {
		if f := out.Repository[fmt.Sprintf("f%d", i)]; f != nil && f.Text != nil {
			texts[e] = *f.Text
		}
	}
	return texts, nil
}

// RuleViolationError is GitHub refusing a direct change to a branch that its
// rules (a ruleset, branch protection) let change only through a pull request.
type RuleViolationError struct {
	Branch  string
	Message string // GitHub's words
}

func (e *RuleViolationError) Error() string {
	return fmt.Sprintf("%s takes changes only through pull requests (%s)", e.Branch, strings.Join(strings.Fields(e.Message), " "))
}

const commitFilesMutation = `mutation HotfixCommitFiles($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`

const branchTipQuery = `query HotfixBranchTip($owner: String!, $name: String!, $ref: String!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) { target { oid ... on Commit { messageHeadline parents(first: 1) { nodes { oid } } } } }
  }
}`

// CommitFiles makes one commit on branch, whose tip must be head, that adds or
// replaces files (path → content), as GitHub's createCommitOnBranch does: GitHub
// writes and signs the commit; no clone is needed. A branch whose rules want a
// pull request is a *RuleViolationError. Safe to re-run: a retry after a lost
// answer is refused (the head moved), and the commit on top of head with this
// headline is then taken as ours.
func (c *Client) CommitFiles(ctx context.Context, owner, name, branch, head, headline string, files map[string]string) (string, error) {
	var additions []map[string]any
	for _, p := range slices.Sorted(maps.Keys(files)) {
		additions = append(additions, map[string]any{"path": p, "contents": base64.StdEncoding.EncodeToString([]byte(files[p]))})
	}
	input := map[string]any{
		"branch":          map[string]any{"repositoryNameWithOwner": owner + "/" + name, "branchName": branch},
		"expectedHeadOid": head,
		"message":         map[string]any{"headline": headline},
		"fileChanges":     map[string]any{"additions": additions},
	}
	var out struct {
		CreateCommitOnBranch *struct{ Commit struct{ Oid string } }
	}
	err := c.GraphQLIdempotent(ctx, commitFilesMutation, map[string]any{"input": input}, &out)
	if err == nil && out.CreateCommitOnBranch != nil {
		return out.CreateCommitOnBranch.Commit.Oid, nil
	}
	if err != nil && strings.Contains(err.Error(), "Changes must be made through a pull request") {
		return "", &RuleViolationError{Branch: branch, Message: err.Error()}
	}
	// The commit may have been made by an attempt whose answer was lost: read the tip.
	var tip struct {
		Repository struct {
			Ref *struct {
				Target struct {
					Oid             string
					MessageHeadline string
					Parents         struct{ Nodes []struct{ Oid string } }
				}
			}
		}
	}
	if rerr := c.GraphQL(ctx, branchTipQuery, map[string]any{"owner": owner, "name": name, "ref": "refs/heads/" + branch}, &tip); rerr == nil && tip.Repository.Ref != nil {
		t := tip.Repository.Ref.Target
		if t.MessageHeadline == headline && len(t.Parents.Nodes) == 1 && t.Parents.Nodes[0].Oid == head {
			return t.Oid, nil
		}
	}
	if err == nil {
		err = errors.New("GitHub answered without the commit")
	}
	return "", fmt.Errorf("committing to %s: %w", branch, err)
}

// OpenPull is a pull request EnsurePull found or opened.
type OpenPull struct {
	Number  int    `json:"number"`
	HTMLURL string `json:"html_url"`
	Created bool   `json:"-"`
}

// EnsurePull opens a pull request from head into base with title, body and
// labels, unless one is open already (found first, so a re-run opens none); a
// lost answer is read back before anything is sent again.
func (c *Client) EnsurePull(ctx context.Context, owner, name, head, base, title, body string, labels []string) (OpenPull, error) {
	find := func() (*OpenPull, error) {
		var open []OpenPull
		q := url.Values{"head": {owner + ":" + head}, "base": {base}, "state": {"open"}}
		if err := c.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/pulls?%s", owner, name, q.Encode()), nil, &open); err != nil {
			return nil, err
		}
		if len(open) == 0 {
			return nil, nil
		}
		return &open[0], nil
	}
	found, err := find()
	if err != nil {
		return OpenPull{}, err
	}
	var pr OpenPull
	if found != nil {
		pr = *found
	} else {
		err := c.REST(ctx, "POST", fmt.Sprintf("repos/%s/%s/pulls", owner, name), map[string]any{"head": head, "base": base, "title": title, "body": body}, &pr)
		if err != nil {
			if found, ferr := find(); ferr == nil && found != nil {
				pr = *found
			} else {
				return OpenPull{}, fmt.Errorf("opening a pull request into %s: %w", base, err)
			}
		}
		pr.Created = true
	}
	if len(labels) > 0 {
		// Adding labels twice adds them once; a label the repository lacks is created.
		if err := c.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/issues/%d/labels", owner, name, pr.Number), map[string]any{"labels": labels}, nil); err != nil {
			return pr, fmt.Errorf("labelling #%d: %w", pr.Number, err)
		}
	}
	return pr, nil
}

// FileContent reads a file at ref through the contents API
// (GET /repos/{owner}/{repo}/contents/{path}?ref=…), decoded.
func (c *Client) FileContent(ctx context.Context, owner, name, path, ref string) ([]byte, error) {
	var content struct {
		Content  string `json:"content"`
		Encoding string `json:"encoding"`
	}
	p := fmt.Sprintf("repos/%s/%s/contents/%s?ref=%s", owner, name, path, url.QueryEscape(ref))
	if err := c.REST(ctx, "GET", p, nil, &content); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(strings.ReplaceAll(content.Content, "\n", ""))
}
