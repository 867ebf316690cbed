package github

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// BackportQuery is what gh hotfix backport asks GitHub, in one request.
type BackportQuery struct {
	Owner, Name string
	Number      int    // the pull request whose fix is carried
	ConfigRev   string // where the team's config is read ("" = not asked): a branch, or HEAD
	ConfigPath  string
	Label       string // the backport label, to know whether it exists
	// Lines are the maintenance branches asked, Heads each one's backport
	// branch (hotfix.BackportBranch), in the same order.
	Lines, Heads []string
	// List asks for the branches under refs/heads/ListPrefix (the maintenance
	// branches, for --to-latest; ListPrefix is "" or ends with "/"), their
	// first 100 by name.
	List       bool
	ListPrefix string
}

// BackportFacts is GitHub's answer to a BackportQuery.
type BackportFacts struct {
	DefaultBranch string
	Config        *string
	LabelExists   bool
	// Pull is the pull request whose fix is carried, nil when there is none of
	// that number; Comments its last 100 comments, oldest first.
	Pull     *RevertedPull
	Comments []Comment
	Lines    []BackportLineFacts
	// Listed are the branches under ListPrefix (full names, without refs/heads/).
	Listed []string
}

// BackportLineFacts is what GitHub has of one maintenance line.
type BackportLineFacts struct {
	Line string
	Tip  string // the line's tip; "" when the branch does not exist
	// Head is the backport branch; HeadTip its tip ("" when it does not
	// exist) and HeadMessage that commit's message.
	Head, HeadTip, HeadMessage string
	// Pulls are the pull requests from Head (the repository's own branch),
	// newest first.
	Pulls []ForwardPull
}

// backportQuery builds the query for n lines, listing branches when list is set.
func backportQuery(n int) string {
	var q strings.Builder
	q.WriteString("query HotfixBackport($owner: String!, $name: String!, $pull: Int!, $label: String!, $config: String!, $withConfig: Boolean!, $prefix: String!, $list: Boolean!")
	for i := range n {
		fmt.Fprintf(&q, ", $l%d: String!, $h%d: String!, $hr%d: String!", i, i, i)
	}
	q.WriteString(") {\n  repository(owner: $owner, name: $name) {\n")
	q.WriteString("    defaultBranchRef { name }\n")
	q.WriteString("    config: object(expression: $config) @include(if: $withConfig) { ... on Blob { text } }\n")
	q.WriteString("    " + LabelLookup + "\n")
	q.WriteString("    " + strings.Replace(revertPullField, "commits(last: 100)", "comments(last: 100) { nodes { databaseId body createdAt } }\n      commits(last: 100)", 1))
	q.WriteString("listed: refs(refPrefix: $prefix, first: 100) @include(if: $list) { nodes { name } }\n")
	for i := range n {
		fmt.Fprintf(&q, "    line%d: ref(qualifiedName: $l%d) { target { oid } }\n", i, i)
		fmt.Fprintf(&q, "    head%d: ref(qualifiedName: $hr%d) { target { oid ... on Commit { message } } }\n", i, i)
		fmt.Fprintf(&q, "    pulls%d: pullRequests(headRefName: $h%d, first: 10, orderBy: {field: CREATED_AT, direction: DESC}) {\n", i, i)
		q.WriteString("      nodes { id number url state baseRefName body headRefOid mergeStateStatus labels(first: 20) { nodes { name } } isCrossRepository }\n    }\n")
	}
	q.WriteString("  }\n}")
	return q.String()
}

// BackportFacts reads the pull request, its comments, each line and its
// backport branch and pull requests, the config and the label, in a single
// GraphQL request whatever the number of lines.
func (c *Client) BackportFacts(ctx context.Context, q BackportQuery) (*BackportFacts, error) {
	if len(q.Lines) != len(q.Heads) {
		return nil, fmt.Errorf("backport query: %d lines but %d branches", len(q.Lines), len(q.Heads))
	}
	vars := map[string]any{"owner": q.Owner, "name": q.Name, "pull": q.Number, "label": q.Label,
		"config": q.ConfigRev + ":" + q.ConfigPath, "withConfig": q.ConfigPath != "" && q.ConfigRev != "",
		"prefix": "refs/heads/" + q.ListPrefix, "list": q.List}
	for i := range q.Lines {
		vars[fmt.Sprintf("l%d", i)] = "refs/heads/" + q.Lines[i]
		vars[fmt.Sprintf("h%d", i)] = q.Heads[i]
		vars[fmt.Sprintf("hr%d", i)] = "refs/heads/" + q.Heads[i]
	}
	var out struct {
		Repository map[string]json.RawMessage
	}
	err := c.GraphQL(ctx, backportQuery(len(q.Lines)), vars, &out)
	// A pull request of another number is an answer: the caller says so.
	if err != nil && !onlyUnder(err, []string{"repository", "pull"}) {
		if IsNotFound(err) {
			return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", q.Owner, q.Name)
		}
		return nil, err
	}
	if out.Repository == nil {
		return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", q.Owner, q.Name)
	}
	r := out.Repository
	f := &BackportFacts{}
	get := func(key string, v any) error {
		raw, ok := r[key]
		if !ok || string(raw) == "null" {
			return nil
		}
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("reading %s: %w", key, err)
		}
		return nil
	}
	var def struct{ Name string }
	var cfg struct{ Text *string }
	var labels LabelNodes
	var listed struct{ Nodes []struct{ Name string } }
	var comments struct {
		Comments struct {
			Nodes []struct {
				DatabaseID int64 `json:"databaseId"`
				Body       string
				CreatedAt  time.Time
			}
		}
	}
	for key, v := range map[string]any{"defaultBranchRef": &def, "config": &cfg, "labels": &labels, "listed": &listed, "pull": &comments} {
		if err := get(key, v); err != nil {
			return nil, err
		}
	}
	f.DefaultBranch, f.Config = def.Name, cfg.Text
	_, _, f.LabelExists = labels.Find(q.Label)
	for _, n := range listed.Nodes {
		f.Listed = append(f.Listed, q.ListPrefix+n.Name)
	}
	if f.Pull, err = parseRevertedPull(r["pull"], q.Number); err != nil {
		return nil, err
	}
	for _, n := range comments.Comments.Nodes {
		f.Comments = append(f.Comments, Comment{ID: n.DatabaseID, Body: n.Body, CreatedAt: n.CreatedAt})
	}
	for i, line := range q.Lines {
		lf := BackportLineFacts{Line: line, Head: q.Heads[i]}
		var tip, head *struct {
			Target struct{ Oid, Message string }
		}
		var pulls struct{ Nodes []ForwardPull }
		for key, v := range map[string]any{fmt.Sprintf("line%d", i): &tip, fmt.Sprintf("head%d", i): &head, fmt.Sprintf("pulls%d", i): &pulls} {
			if err := get(key, v); err != nil {
				return nil, err
			}
		}
		if tip != nil {
			lf.Tip = tip.Target.Oid
		}
		if head != nil {
			lf.HeadTip, lf.HeadMessage = head.Target.Oid, head.Target.Message
		}
		for _, p := range pulls.Nodes {
			if !p.IsCrossRepository {
				lf.Pulls = append(lf.Pulls, p)
			}
		}
		f.Lines = append(f.Lines, lf)
	}
	return f, nil
}
