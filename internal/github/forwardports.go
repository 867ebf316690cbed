package github

import (
	"context"
	"fmt"
	"strings"
)

// forwardPortFields are the fields ForwardPortCandidates reads of each pull request.
const forwardPortFields = "number url state baseRefName body isCrossRepository headRefOid mergeStateStatus"

// forwardPortsPerName bounds the pull requests read per branch name: the newest
// ones; a forward-port branch is ship's, so few pull requests ever come from it.
const forwardPortsPerName = 10

// ForwardPortCandidates reads, in one request whatever their number, the pull
// requests whose head branch has one of the names given for each hotfix:
// heads[i] holds the names of hotfix i (hotfix.ForwardPortBranches), and the
// answer's element i its candidates, name by name in the order given, each
// name's newest first. The caller recognises a forward-port by its record,
// never by its branch's name. Nothing is asked when heads is empty.
func (c *Client) ForwardPortCandidates(ctx context.Context, owner, name string, heads [][]string) ([][]ForwardPull, error) {
	if len(heads) == 0 {
		return nil, nil
	}
	var q strings.Builder
	q.WriteString("query HotfixForwardPorts($owner: String!, $name: String!")
	vars := map[string]any{"owner": owner, "name": name}
	for n, names := range heads {
		for k, head := range names {
			fmt.Fprintf(&q, ", $h%d_%d: String!", n, k)
			vars[fmt.Sprintf("h%d_%d", n, k)] = head
		}
	}
	q.WriteString(") {\n  repository(owner: $owner, name: $name) {\n")
	for n, names := range heads {
		for k := range names {
			fmt.Fprintf(&q, "    fp%d_%d: pullRequests(headRefName: $h%d_%d, first: %d, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { %s } }\n",
				n, k, n, k, forwardPortsPerName, forwardPortFields)
		}
	}
	q.WriteString("  }\n}")
	var out struct {
		Repository map[string]struct{ Nodes []ForwardPull }
	}
	if err := c.GraphQL(ctx, q.String(), vars, &out); err != nil {
		return nil, err
	}
	cands := make([][]ForwardPull, len(heads))
	for n, names := range heads {
		for k := range names {
			cands[n] = append(cands[n], out.Repository[fmt.Sprintf("fp%d_%d", n, k)].Nodes...)
		}
	}
	return cands, nil
}
