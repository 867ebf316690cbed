package release

import (
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// Holder is the run that holds the concurrency group a pending run waits in,
// from the latest runs of its workflow (any order): the oldest one, other than
// the pending run, that has started and not finished (queued, in progress,
// waiting on a deployment); nil when none is among them. GitHub does not name
// the holder; a workflow-level group mostly spans the workflow's own runs. A
// group named after the branch (${{ github.ref }}, ${{ github.ref_name }},
// ${{ github.head_ref }}) is held only by a run on the pending run's branch.
func Holder(runs []github.Run, pending github.Run, group string) *github.Run {
	perBranch := strings.Contains(group, "github.ref") || strings.Contains(group, "github.head_ref")
	var held *github.Run
	for i := range runs {
		r := &runs[i]
		if r.ID == pending.ID || r.Status == "completed" || r.Status == "pending" || r.Status == "" ||
			perBranch && r.HeadBranch != pending.HeadBranch {
			continue
		}
		if held == nil || r.CreatedAt.Before(held.CreatedAt) || r.CreatedAt.Equal(held.CreatedAt) && r.ID < held.ID {
			held = r
		}
	}
	return held
}

// Superseder is the run that took the place of a cancelled run, from runs of
// the same workflow: the earliest run on the same branch created after it and
// no later than its cancellation (its updated_at) — GitHub cancels a pending
// run when a newer one joins its group, and a running one (cancel-in-progress)
// when a newer one starts. nil when none is; a run cancelled by hand is not
// superseded, unless a newer run came in the same second.
func Superseder(runs []github.Run, cancelled github.Run) *github.Run {
	var first *github.Run
	for i := range runs {
		r := &runs[i]
		switch {
		case r.ID <= cancelled.ID, r.HeadBranch != cancelled.HeadBranch, r.CreatedAt.Before(cancelled.CreatedAt),
			!cancelled.UpdatedAt.IsZero() && r.CreatedAt.After(cancelled.UpdatedAt):
			continue
		}
		if first == nil || r.ID < first.ID {
			first = r
		}
	}
	return first
}

// WorkflowGroup is the workflow-level concurrency group a workflow file
// declares, as written ("" when none, or the file is not valid YAML).
func WorkflowGroup(content string) string {
	_, groups, err := Gates([]byte(content))
	if err != nil {
		return ""
	}
	for _, g := range groups {
		if g.Job == "" {
			return g.Group
		}
	}
	return ""
}

// RunName names a run as the Actions tab does: "run #N", or by its ID when its
// number is unknown.
func RunName(r github.Run) string {
	if r.Number > 0 {
		return fmt.Sprintf("run #%d", r.Number)
	}
	return fmt.Sprintf("run %d", r.ID)
}

// QueuedBehind says what a pending run waits for: the run holding its
// concurrency group (nil when unknown), and the group when known.
func QueuedBehind(holder *github.Run, group string) string {
	var b strings.Builder
	b.WriteString("queued behind ")
	if holder == nil {
		b.WriteString("another run")
	} else {
		fmt.Fprintf(&b, "%s (%s)", RunName(*holder), holder.HTMLURL)
	}
	if group != "" {
		fmt.Fprintf(&b, ", in concurrency group %s", group)
	} else if holder != nil {
		b.WriteString(" of the same workflow")
	}
	return b.String()
}
