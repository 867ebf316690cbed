package release

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

func pending(t *testing.T, text string) []github.PendingDeployment {
	t.Helper()
	var list []github.PendingDeployment
	if err := json.Unmarshal([]byte(text), &list); err != nil {
		t.Fatal(err)
	}
	return list
}

func TestDescribeWait(t *testing.T) {
	now := time.Date(2026, 12, 6, 11, 3, 35, 0, time.UTC)
	hubot := `{"type": "User", "reviewer": {"login": "hubot"}}`
	team := `{"type": "Team", "reviewer": {"slug": "on-call", "html_url": "https://github.com/orgs/acme/teams/on-call"}}`
	tests := []struct {
		name, list, want, cannot string
	}{
		{"one user", `[{"environment": {"id": 1, "name": "production"}, "reviewers": [` + hubot + `]}]`,
			"waiting for hubot to approve production", "you may not approve production: hubot can"},
		{"a user and a team, with a timer running", `[{"environment": {"id": 1, "name": "production"}, "wait_timer": 5,
			"wait_timer_started_at": "2026-12-06T11:01:05Z", "reviewers": [` + hubot + `, ` + team + `]}]`,
			"waiting for hubot or acme/on-call to approve production (wait timer: about 2m30s left)",
			"you may not approve production: hubot or acme/on-call can"},
		{"only a timer", `[{"environment": {"id": 1, "name": "staging"}, "wait_timer": 5, "wait_timer_started_at": "2026-12-06T11:01:05Z", "reviewers": []}]`,
			"waiting for staging's wait timer (about 2m30s left)", "staging needs no approval: its wait timer holds the run"},
		{"a timer over, no reviewers", `[{"environment": {"id": 1, "name": "staging"}, "wait_timer": 1, "wait_timer_started_at": "2026-12-06T11:01:05Z"}]`,
			"waiting for staging's protection rules", "staging needs no approval: its wait timer holds the run"},
		{"nothing listed", `[]`, "waiting (GitHub lists no pending deployment: a protection rule of another kind holds it)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := pending(t, tt.list)
			if got := DescribeWait(list, now); got != tt.want {
				t.Errorf("DescribeWait = %q, want %q", got, tt.want)
			}
			if len(list) > 0 {
				if got := CannotApprove(list[0]); got != tt.cannot {
					t.Errorf("CannotApprove = %q, want %q", got, tt.cannot)
				}
			}
		})
	}
}

func TestApprovable(t *testing.T) {
	list := pending(t, `[{"environment": {"id": 1, "name": "staging"}, "current_user_can_approve": true},
		{"environment": {"id": 2, "name": "production"}, "current_user_can_approve": false}]`)
	ids, names, others := Approvable(list)
	if len(ids) != 1 || ids[0] != 1 || names[0] != "staging" || len(others) != 1 || others[0].Environment.Name != "production" {
		t.Errorf("Approvable = %v %v %v", ids, names, others)
	}
}
