package status

import (
	"context"
	"fmt"
	"strings"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// forwardPort is the pull request that carries a hotfix of the exceptional process
// (released with a hotfix tag from a maintenance branch) to the main line.
type forwardPort struct {
	Number    int    // 0 when ship has not opened it (yet)
	URL       string //
	State     string // OPEN, MERGED, CLOSED
	Conflicts bool   // opened with commits that did not apply
}

// addForwardPorts finds, in one request whatever their number, the forward-port pull
// requests of the merged hotfixes released by the exceptional process. Nothing is asked when
// there are none.
func addForwardPorts(ctx context.Context, gh *github.Client, repo repository.Repository, pulls []hotfixPull) error {
	var idx []int
	for i := range pulls {
		if pulls[i].State == "MERGED" && pulls[i].exceptional {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("query HotfixForwardPorts($owner: String!, $name: String!")
	vars := map[string]any{"owner": repo.Owner, "name": repo.Name}
	for n, i := range idx {
		fmt.Fprintf(&q, ", $h%d: String!", n)
		vars[fmt.Sprintf("h%d", n)] = hotfix.ForwardPortBranch(pulls[i].Branch)
	}
	q.WriteString(") {\n  repository(owner: $owner, name: $name) {\n")
	for n := range idx {
		fmt.Fprintf(&q, "    fp%d: pullRequests(headRefName: $h%d, first: 10, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { number url state baseRefName body isCrossRepository } }\n", n, n)
	}
	q.WriteString("  }\n}")
	var out struct {
		Repository map[string]struct {
			Nodes []struct {
				Number            int
				URL               string
				State             string
				BaseRefName       string
				Body              string
				IsCrossRepository bool
			}
		}
	}
	if err := gh.GraphQL(ctx, q.String(), vars, &out); err != nil {
		return err
	}
	for n, i := range idx {
		p := &pulls[i]
		p.ForwardPort = &forwardPort{}
		conn := out.Repository[fmt.Sprintf("fp%d", n)]
		// The one ship goes by: an open or merged one, else a closed one.
		for _, state := range []string{"OPEN", "MERGED", "CLOSED"} {
			for _, fp := range conn.Nodes {
				// A fork's branch of the forward-port's name is not the one ship pushed.
				if p.ForwardPort.Number == 0 && fp.State == state && fp.BaseRefName != p.Base && !fp.IsCrossRepository {
					fm, _ := hotfix.ParseForwardPort(fp.Body)
					p.ForwardPort = &forwardPort{Number: fp.Number, URL: fp.URL, State: fp.State, Conflicts: fm.Conflicts}
				}
			}
		}
	}
	return nil
}

// export is the forward-port as --json shows it; nil for hotfixes of the standard path.
func (f *forwardPort) export() any {
	if f == nil {
		return nil
	}
	m := map[string]any{"number": nil, "url": orNull(f.URL), "state": "MISSING", "conflicts": f.Conflicts}
	if f.Number != 0 {
		m["number"], m["state"] = f.Number, f.State
	}
	return m
}

// withForwardPort adds the forward-port's state to a merged hotfix's summary.
func (p *hotfixPull) withForwardPort(summary string, t tone) (string, tone) {
	f := p.ForwardPort
	if p.Tag != "" {
		summary = strings.Replace(summary, "release ", "release "+p.Tag+" ", 1)
	}
	if f == nil {
		return summary, t
	}
	worse := func(to tone) {
		if to > t {
			t = to
		}
	}
	switch {
	case f.Number == 0:
		summary += ", not forward-ported"
		worse(waiting)
	case f.State == "OPEN" && f.Conflicts:
		summary += fmt.Sprintf(", forward-port #%d has conflicts", f.Number)
		worse(bad)
	case f.State == "OPEN":
		summary += fmt.Sprintf(", forward-port #%d open", f.Number)
		worse(waiting)
	default:
		summary += fmt.Sprintf(", forward-port #%d %s", f.Number, strings.ToLower(f.State))
	}
	return summary, t
}
