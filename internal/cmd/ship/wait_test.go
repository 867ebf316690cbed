package ship

import (
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// TestWaitStatus: the wait says what the pull request waits for, naming the
// failing and the pending checks and the review decision, and says "ready to
// merge" only when nothing is outstanding.
func TestWaitStatus(t *testing.T) {
	tests := []struct {
		name string
		ws   github.WaitState
		want string
	}{
		{"clean", github.WaitState{MergeState: "CLEAN"}, "ready to merge"},
		{"approved and clean", github.WaitState{MergeState: "CLEAN", ReviewDecision: "APPROVED"}, "approved; ready to merge"},
		{"a review asked, not required", github.WaitState{MergeState: "CLEAN", Requested: []string{"monalisa"}},
			"review requested from monalisa; can be merged"},
		{"approved, another review still asked", github.WaitState{MergeState: "CLEAN", ReviewDecision: "APPROVED", Requested: []string{"acme/oncall"}},
			"approved; review requested from acme/oncall; can be merged"},
		{"review required", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "REVIEW_REQUIRED", Requested: []string{"monalisa", "acme/oncall"}},
			"review required from monalisa, acme/oncall"},
		{"changes requested", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "CHANGES_REQUESTED"}, "changes requested"},
		{"failing and pending checks", github.WaitState{MergeState: "UNSTABLE",
			Checks: github.Checks{Failing: []string{"lint"}, Pending: []string{"build", "test (1)", "test (2)", "e2e"}}},
			"1 check failing (lint); 4 checks pending (build, test (1), test (2) and 1 more)"},
		{"pending checks and a required review", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "REVIEW_REQUIRED",
			Checks: github.Checks{Pending: []string{"build"}}}, "1 check pending (build); review required"},
		{"pending checks on a clean pull request", github.WaitState{MergeState: "CLEAN", Checks: github.Checks{Pending: []string{"build"}}},
			"1 check pending (build)"},
		{"blocked by a rule", github.WaitState{MergeState: "BLOCKED"}, "blocked by a rule of the base branch"},
		{"conflicts", github.WaitState{MergeState: "DIRTY", ReviewDecision: "APPROVED"}, "approved; merge conflicts: update the branch"},
		{"behind", github.WaitState{MergeState: "BEHIND"}, "behind its base: update the branch"},
		{"draft", github.WaitState{MergeState: "DRAFT", Draft: true}, "draft: mark it ready for review"},
		{"being computed", github.WaitState{MergeState: "UNKNOWN"}, "mergeability being computed"},
		{"being computed, review required", github.WaitState{MergeState: "UNKNOWN", ReviewDecision: "REVIEW_REQUIRED"}, "review required"},
		{"approvals missing, by the rules' count", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "REVIEW_REQUIRED", Required: 2, Approvals: 1},
			"1 approving review missing"},
		{"approvals missing, reviews asked", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "REVIEW_REQUIRED", Required: 2, Requested: []string{"acme/oncall"}},
			"2 approving reviews missing (asked of acme/oncall)"},
		{"required count met, another review required (code owners)", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "REVIEW_REQUIRED", Required: 1, Approvals: 1},
			"review required"},
		{"failing required check and an approval missing", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "REVIEW_REQUIRED", Required: 1,
			Checks: github.Checks{Failing: []string{"ci/test"}}}, "1 check failing (ci/test); 1 approving review missing"},
		{"in the merge queue", github.WaitState{MergeState: "BLOCKED", ReviewDecision: "APPROVED",
			Queue: &github.QueueEntry{Position: 2, State: "QUEUED", ETA: 3 * time.Minute}}, "position 2 in the merge queue, about 3m left"},
		{"first in the queue, group checks running", github.WaitState{MergeState: "CLEAN",
			Queue: &github.QueueEntry{Position: 1, State: "AWAITING_CHECKS"}}, "first in the merge queue; its merge group's checks are running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := waitStatus(tt.ws); got != tt.want {
				t.Errorf("waitStatus = %q, want %q", got, tt.want)
			}
		})
	}
}
