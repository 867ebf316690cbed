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
	Number int    // 0 when there is no pull request
	URL    string //
	State  string // OPEN, MERGED, CLOSED as GitHub says; "" without a pull request
	// Now is where it stands (hotfix.JudgeForwardPort): the same states ship goes
	// by, read from GitHub, so a pull request whose conflicts were resolved by a
	// push, or that was closed unmerged, reads as such.
	Now hotfix.ForwardPortState
}

// forwardPortFinder is what addForwardPorts needs of GitHub.
type forwardPortFinder interface {
	ForwardPortCandidates(ctx context.Context, owner, name string, heads [][]string) ([][]github.ForwardPull, error)
}

// addForwardPorts finds, in one request whatever their number, the forward-port pull
// requests of the merged hotfixes released by the exceptional process, under the
// branch names ship tries (hotfix.ForwardPortBranches), and recognises each by its
// record, never by its branch's name. A hotfix without one is "not needed" when ship
// recorded so on it, else missing. Nothing is asked when there are no such hotfixes.
func addForwardPorts(ctx context.Context, gh forwardPortFinder, repo repository.Repository, pulls []hotfixPull) error {
	var idx []int
	var heads [][]string
	for i := range pulls {
		if pulls[i].State == "MERGED" && pulls[i].exceptional {
			idx = append(idx, i)
			heads = append(heads, hotfix.ForwardPortBranches(pulls[i].Branch))
		}
	}
	if len(idx) == 0 {
		return nil
	}
	found, err := gh.ForwardPortCandidates(ctx, repo.Owner, repo.Name, heads)
	if err != nil {
		return err
	}
	for n, i := range idx {
		p := &pulls[i]
		var cands []hotfix.ForwardPull
		for _, fp := range found[n] {
			cands = append(cands, fp.Forward())
		}
		p.ForwardPort = judgeForwardPort(p, cands)
	}
	return nil
}

// judgeForwardPort is the forward-port of hotfix p among candidate pull requests.
func judgeForwardPort(p *hotfixPull, cands []hotfix.ForwardPull) *forwardPort {
	if fp, rec, ok := hotfix.FindForwardPort(cands, p.Number, ""); ok {
		return &forwardPort{Number: fp.Number, URL: fp.URL, State: fp.State, Now: hotfix.JudgeForwardPort(fp, rec)}
	}
	if p.forwardNotNeeded {
		return &forwardPort{Now: hotfix.ForwardPortNotNeeded}
	}
	return &forwardPort{Now: hotfix.ForwardPortMissing}
}

// export is the forward-port as --json shows it; nil for hotfixes of the standard
// path. state is GitHub's state of the pull request, or MISSING or NOT_NEEDED
// without one; conflicts says there are conflicts to resolve now.
func (f *forwardPort) export() any {
	if f == nil {
		return nil
	}
	m := map[string]any{"number": nil, "url": orNull(f.URL), "state": string(f.Now),
		"conflicts": f.Now == hotfix.ForwardPortConflicts, "conflictsResolved": f.Now == hotfix.ForwardPortResolved}
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
	switch f.Now {
	case hotfix.ForwardPortNotNeeded:
		summary += ", forward-port not needed"
	case hotfix.ForwardPortOpen:
		summary += fmt.Sprintf(", forward-port #%d open", f.Number)
		worse(waiting)
	case hotfix.ForwardPortConflicts:
		summary += fmt.Sprintf(", forward-port #%d has conflicts", f.Number)
		worse(bad)
	case hotfix.ForwardPortResolved:
		summary += fmt.Sprintf(", forward-port #%d open, conflicts resolved", f.Number)
		worse(waiting)
	case hotfix.ForwardPortMerged:
		summary += fmt.Sprintf(", forward-port #%d merged", f.Number)
	case hotfix.ForwardPortClosed:
		summary += fmt.Sprintf(", forward-port #%d closed unmerged", f.Number)
		worse(bad)
	default:
		summary += ", not forward-ported"
		worse(waiting)
	}
	return summary, t
}

// forwardPortRows separates the forward-port pull requests from the hotfixes:
// they carry the hotfix label too, but are recognised by their record (the
// hotfix they carry), and status shows each under its hotfix, never as a row
// of its own. A pull request without a record is a hotfix, whatever its branch.
func forwardPortRows(nodes []apiPull) (hotfixes, forwardPorts []apiPull) {
	hotfixes = nodes[:0:0]
	for _, n := range nodes {
		fp := hotfix.ForwardPull{State: n.State, Body: n.Body, CrossRepository: n.IsCrossRepository}
		if f, ok := hotfix.ParseForwardPort(fp.Body); ok && !f.NotNeeded {
			if _, ours := fp.Record(f.Of); ours {
				forwardPorts = append(forwardPorts, n)
				continue
			}
		}
		hotfixes = append(hotfixes, n)
	}
	return hotfixes, forwardPorts
}

// inFlight says, for the default view of open hotfixes, where an open forward-port
// stands: its hotfix is merged, so it is not listed, yet the forward-port still
// waits for someone.
func inFlight(n apiPull) string {
	f, _ := hotfix.ParseForwardPort(n.Body)
	fp := hotfix.ForwardPull{State: n.State, HeadOid: n.HeadRefOid, MergeState: n.MergeStateStatus}
	what := map[hotfix.ForwardPortState]string{hotfix.ForwardPortOpen: "open", hotfix.ForwardPortConflicts: "has conflicts to resolve",
		hotfix.ForwardPortResolved: "open, conflicts resolved"}[hotfix.JudgeForwardPort(fp, f)]
	return fmt.Sprintf("forward-port #%d of hotfix #%d %s: %s", n.Number, f.Of, what, n.URL)
}
