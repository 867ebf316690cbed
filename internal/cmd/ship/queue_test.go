package ship

import (
	"context"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// TestQueueWaitRemoval: the wait ends when the queue dropped the pull request
// during the wait — after this run saw it queued or added it, or any removal
// newer than the latest queue event the wait began with — and never for a
// removal from before (a previous attempt the user is shipping again).
func TestQueueWaitRemoval(t *testing.T) {
	removed := func(id, reason string) github.WaitState {
		return github.WaitState{State: "OPEN", QueueEvent: id, Removed: &github.QueueRemoval{Reason: reason}}
	}
	queued := github.WaitState{State: "OPEN", QueueEvent: "AMQE_2", Queue: &github.QueueEntry{Position: 1, State: "QUEUED"}}
	tests := []struct {
		name    string
		queued  bool // this run added it before the wait
		reads   []github.WaitState
		wantErr string // on the last read; "" for none
	}{
		{"an old removal, not queued since", false, []github.WaitState{removed("RMQE_1", "failed_checks"), removed("RMQE_1", "failed_checks")}, ""},
		{"seen queued, then removed", false, []github.WaitState{removed("RMQE_1", "manual"), queued, removed("RMQE_3", "failed_checks")},
			"#7 was removed from main's merge queue: its merge group's required checks failed"},
		{"queued and removed between two reads (auto-merge)", false, []github.WaitState{removed("RMQE_1", "manual"), removed("RMQE_3", "merge_conflict")},
			"#7 was removed from main's merge queue: it conflicts with the base or with pull requests ahead of it in the queue"},
		{"added by this run, removed before the first read", true, []github.WaitState{removed("RMQE_3", "branch_invalidated")},
			"#7 was removed from main's merge queue: its branch changed after it was queued"},
		{"merged: the queue's removal has no reason", true, []github.WaitState{{State: "MERGED", QueueEvent: "RMQE_3"}}, ""},
		{"still queued", true, []github.WaitState{queued, queued}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &shipper{opts: &ShipOptions{Auto: true}, base: "main", pr: &github.PullRequest{Number: 7}, queued: tt.queued}
			var err error
			for i, ws := range tt.reads {
				if err = s.queueWait(context.Background(), &ws); err != nil && i < len(tt.reads)-1 {
					t.Fatalf("read %d: %v", i, err)
				}
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("the wait ended: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
