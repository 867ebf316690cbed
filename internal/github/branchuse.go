package github

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
)

// BranchUse is what GitHub says about the name a new hotfix branch wants:
// whether a branch of that name exists and whose it is, and which branches
// keep it from being created at all.
type BranchUse struct {
	Name   string
	Exists bool
	// Pull is the newest pull request whose head is the branch; nil when none.
	Pull *BranchPull
	// Tip is the branch's latest commit.
	Tip string
	// TipAuthor is the GitHub login of the author of the branch's latest commit,
	// "" when the commit's author is no GitHub user.
	TipAuthor string
	// Viewer is the login the request was made as.
	Viewer string
	// Blockers are existing branches whose names collide with Name as paths: git
	// cannot hold "hotfix" and "hotfix/x" at once, nor "hotfix/x" and "hotfix/x/y".
	Blockers []string
}

// BranchPull is a pull request from a branch.
type BranchPull struct {
	Number int
	Title  string
	State  string
	URL    string
	Author string
}

// Mine reports whether the existing branch is the viewer's own: its newest
// pull request is theirs or, with none, its latest commit is.
func (u BranchUse) Mine() bool {
	if u.Pull != nil {
		return u.Pull.Author != "" && u.Pull.Author == u.Viewer
	}
	return u.TipAuthor != "" && u.TipAuthor == u.Viewer
}

// branchUseQuery is the part of a query that asks about branch: a second
// repository field (so the caller's own fields decode as before), and the
// viewer. vars are its variables, decls their declarations.
func branchUseQuery(branch string) (fields, decls string, vars map[string]any) {
	vars = map[string]any{"useBranch": "refs/heads/" + branch, "useBelow": "refs/heads/" + branch + "/"}
	decls = "$useBranch: String!, $useBelow: String!"
	var b strings.Builder
	b.WriteString(`useViewer: viewer { login }
  use: repository(owner: $owner, name: $name) {
    branch: ref(qualifiedName: $useBranch) {
      target { oid ... on Commit { author { user { login } } } }
      associatedPullRequests(first: 1, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { number title state url author { login } } }
    }
    below: refs(refPrefix: $useBelow, first: 1) { nodes { prefix name } }
`)
	for i, up := range git.BranchParents(branch) {
		v := fmt.Sprintf("useUp%d", i)
		vars[v] = "refs/heads/" + up
		decls += ", $" + v + ": String!"
		fmt.Fprintf(&b, "    up%d: ref(qualifiedName: $%s) { prefix name }\n", i, v)
	}
	b.WriteString("  }")
	return b.String(), decls, vars
}

// withBranchUse adds the questions about branch to query q, in place of its
// #useDecls and #useFields comments, and their variables to vars; without a
// branch q is unchanged (the comments are still comments).
func withBranchUse(q, branch string, vars map[string]any) string {
	if branch == "" {
		return q
	}
	fields, decls, v := branchUseQuery(branch)
	maps.Copy(vars, v)
	q = strings.Replace(q, "#useDecls", ", "+decls, 1)
	return strings.Replace(q, "#useFields", fields, 1)
}

// branchUseAnswer holds the answer to branchUseQuery.
type branchUseAnswer struct {
	UseViewer struct{ Login string }
	Use       map[string]json.RawMessage
}

func (a branchUseAnswer) use(branch string) BranchUse {
	u := BranchUse{Name: branch, Viewer: a.UseViewer.Login}
	type namedRef struct{ Prefix, Name string }
	for key, raw := range a.Use {
		switch {
		case key == "branch":
			var ref *struct {
				Target struct {
					Oid    string
					Author *struct{ User *struct{ Login string } }
				}
				AssociatedPullRequests struct {
					Nodes []struct {
						Number            int
						Title, State, URL string
						Author            *struct{ Login string }
					}
				}
			}
			if json.Unmarshal(raw, &ref) != nil || ref == nil {
				continue
			}
			u.Exists, u.Tip = true, ref.Target.Oid
			if au := ref.Target.Author; au != nil && au.User != nil {
				u.TipAuthor = au.User.Login
			}
			if n := ref.AssociatedPullRequests.Nodes; len(n) > 0 {
				p := &BranchPull{Number: n[0].Number, Title: n[0].Title, State: n[0].State, URL: n[0].URL}
				if n[0].Author != nil {
					p.Author = n[0].Author.Login
				}
				u.Pull = p
			}
		case key == "below":
			var conn struct{ Nodes []namedRef }
			if json.Unmarshal(raw, &conn) == nil {
				for _, n := range conn.Nodes {
					u.Blockers = append(u.Blockers, strings.TrimPrefix(n.Prefix+n.Name, "refs/heads/"))
				}
			}
		case strings.HasPrefix(key, "up"):
			var ref *namedRef
			if json.Unmarshal(raw, &ref) == nil && ref != nil {
				u.Blockers = append(u.Blockers, strings.TrimPrefix(ref.Prefix+ref.Name, "refs/heads/"))
			}
		}
	}
	sort.Strings(u.Blockers)
	return u
}

// BranchUse asks GitHub, in one request, about the name a new branch wants (see BranchUse).
func (c *Client) BranchUse(ctx context.Context, owner, name, branch string) (BranchUse, error) {
	vars := map[string]any{"owner": owner, "name": name}
	q := withBranchUse("query HotfixBranchUse($owner: String!, $name: String!#useDecls\n) {\n  #useFields\n}", branch, vars)
	var out branchUseAnswer
	if err := c.GraphQL(ctx, q, vars, &out); err != nil {
		return BranchUse{}, err
	}
	return out.use(branch), nil
}
