package status

import (
	"fmt"
	"slices"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// blockers says by name what keeps an open pull request from being merged,
// from what the list query read with it (no request of its own): the required
// checks failing or pending (with the base's required_status_checks rules;
// without them, every failing or pending check while GitHub says it is not
// mergeable), the approving reviews missing when the base's rules require N,
// changes requested, conflicts, a base that moved ahead, a draft. A pull
// request in the merge queue is blocked by nothing: the queue merges it.
func blockers(a *apiPull) []string {
	if a.State != "OPEN" || a.Queue() != nil {
		return nil
	}
	var out []string
	if a.IsDraft {
		out = append(out, "draft")
	}
	rules := a.BaseRules()
	checks := a.HeadChecks()
	if required := rules.RequiredChecks(); len(required) > 0 {
		reported := a.ReportedChecks()
		for _, name := range required {
			switch {
			case slices.Contains(checks.Failing, name):
				out = append(out, "check "+name+" failing")
			case slices.Contains(checks.Pending, name):
				out = append(out, "check "+name+" pending")
			case !slices.Contains(reported, name) && a.ChecksComplete():
				// GitHub waits for a required check that never reported.
				out = append(out, "check "+name+" pending")
			}
		}
	} else if !mergeable(a.MergeStateStatus) {
		for _, name := range checks.Failing {
			out = append(out, "check "+name+" failing")
		}
		for _, name := range checks.Pending {
			out = append(out, "check "+name+" pending")
		}
	}
	switch missing := rules.RequiredApprovals() - a.ApprovalCount(); {
	case a.ReviewDecision == "CHANGES_REQUESTED":
		out = append(out, "changes requested")
	case missing > 0:
		out = append(out, approvalsMissing(missing))
	case a.ReviewDecision == "REVIEW_REQUIRED":
		out = append(out, "review required")
	}
	switch a.MergeStateStatus {
	case "DIRTY":
		out = append(out, "conflicts")
	case "BEHIND":
		out = append(out, "behind base")
	}
	return out
}

// mergeable reports whether a mergeStateStatus lets the pull request be merged
// now (UNSTABLE: only checks that are not required fail).
func mergeable(state string) bool {
	return state == "CLEAN" || state == "HAS_HOOKS" || state == "UNSTABLE"
}

func approvalsMissing(n int) string {
	if n == 1 {
		return "1 approving review missing"
	}
	return fmt.Sprintf("%d approving reviews missing", n)
}

// exportQueue is the queue entry as --json shows it: null when not queued.
func exportQueue(e *github.QueueEntry) any {
	if e == nil {
		return nil
	}
	var eta any
	if e.ETA > 0 {
		eta = int(e.ETA.Seconds())
	}
	return map[string]any{"position": e.Position, "state": e.State, "estimatedTimeToMerge": eta}
}
