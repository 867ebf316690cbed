package github

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestQueueEntryDescribe(t *testing.T) {
	tests := []struct {
		name  string
		entry QueueEntry
		want  string
	}{
		{"front, no estimate", QueueEntry{Position: 1, State: "QUEUED"}, "first in the merge queue"},
		{"behind others, checks running", QueueEntry{Position: 3, State: "AWAITING_CHECKS"}, "position 3 in the merge queue; its merge group's checks are running"},
		{"estimate in minutes", QueueEntry{Position: 2, State: "QUEUED", ETA: 4*time.Minute + 20*time.Second}, "position 2 in the merge queue, about 4m left"},
		{"estimate in hours", QueueEntry{Position: 2, ETA: 65 * time.Minute}, "position 2 in the merge queue, about 1h5m left"},
		{"whole hours", QueueEntry{Position: 2, ETA: 2 * time.Hour}, "position 2 in the merge queue, about 2h left"},
		{"under a minute", QueueEntry{Position: 1, State: "MERGEABLE", ETA: 20 * time.Second}, "first in the merge queue, less than a minute left; its merge group passed: merging"},
		{"failed group", QueueEntry{Position: 1, State: "UNMERGEABLE"}, "first in the merge queue; its merge group failed: GitHub removes it from the queue"},
		{"locked", QueueEntry{Position: 4, State: "LOCKED"}, "position 4 in the merge queue; the queue is locked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.entry.Describe(); got != tt.want {
				t.Errorf("Describe() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQueueRemovalWhy(t *testing.T) {
	tests := []struct {
		removal QueueRemoval
		want    string
	}{
		{QueueRemoval{Reason: "failed_checks"}, "its merge group's required checks failed"},
		{QueueRemoval{Reason: "FAILED_CHECKS"}, "its merge group's required checks failed"},
		{QueueRemoval{Reason: "merge_conflict"}, "it conflicts with the base or with pull requests ahead of it in the queue"},
		{QueueRemoval{Reason: "branch_invalidated"}, "its branch changed after it was queued"},
		{QueueRemoval{Reason: "manual", Actor: "hubot"}, "hubot removed it"},
		{QueueRemoval{Reason: "manual"}, "someone removed it"},
		{QueueRemoval{Reason: "check_timeout"}, "check timeout"},
		{QueueRemoval{}, "GitHub gave no reason"},
	}
	for _, tt := range tests {
		if got := tt.removal.Why(); got != tt.want {
			t.Errorf("%+v.Why() = %q, want %q", tt.removal, got, tt.want)
		}
	}
}

func TestRuleNodesQueueAndRequirements(t *testing.T) {
	rule := func(typ string, set func(*apiRule)) apiRule {
		r := apiRule{Type: typ, Ruleset: &struct{ Name string }{"protect main"}}
		if set != nil {
			set(&r)
		}
		return r
	}
	withParams := func(f func(p *apiRuleParams)) func(*apiRule) {
		return func(r *apiRule) { r.Parameters = &apiRuleParams{}; f(r.Parameters) }
	}
	nodes := RuleNodes{Nodes: []apiRule{
		rule("PULL_REQUEST", withParams(func(p *apiRuleParams) { p.RequiredApprovingReviewCount = 1 })),
		rule("PULL_REQUEST", withParams(func(p *apiRuleParams) { p.RequiredApprovingReviewCount = 2 })),
		rule("REQUIRED_STATUS_CHECKS", withParams(func(p *apiRuleParams) {
			p.RequiredStatusChecks = []struct{ Context string }{{"ci/test"}, {"build"}}
		})),
		rule("REQUIRED_STATUS_CHECKS", withParams(func(p *apiRuleParams) {
			p.RequiredStatusChecks = []struct{ Context string }{{"CI/test"}, {""}}
		})),
		rule("MERGE_QUEUE", withParams(func(p *apiRuleParams) { p.MergeMethod = "SQUASH" })),
	}}
	if q := nodes.Queue(); q == nil || q.Method != "squash" || q.Ruleset != "protect main" {
		t.Errorf("Queue() = %+v", q)
	}
	if n := nodes.RequiredApprovals(); n != 2 {
		t.Errorf("RequiredApprovals() = %d, want the most any rule asks, 2", n)
	}
	if got := nodes.RequiredChecks(); len(got) != 2 || got[0] != "ci/test" || got[1] != "build" {
		t.Errorf("RequiredChecks() = %v", got)
	}
	if q := (RuleNodes{Nodes: []apiRule{rule("MERGE_QUEUE", nil)}}).Queue(); q == nil || q.Method != "merge" {
		t.Errorf("a merge_queue rule without parameters: %+v, want the REST default, merge", q)
	}
	if q := (RuleNodes{}).Queue(); q != nil {
		t.Errorf("no rules: queue %+v", q)
	}
}

func TestEnqueue(t *testing.T) {
	tests := []struct {
		name    string
		answer  string
		want    QueueEntry
		wantErr error
		refusal string
	}{
		{"queued", `{"data":{"enqueuePullRequest":{"mergeQueueEntry":{"id":"MQE_1","position":2,"state":"QUEUED","estimatedTimeToMerge":300}}}}`,
			QueueEntry{ID: "MQE_1", Position: 2, State: "QUEUED", ETA: 5 * time.Minute}, nil, ""},
		{"no estimate", `{"data":{"enqueuePullRequest":{"mergeQueueEntry":{"id":"MQE_1","position":1,"state":"AWAITING_CHECKS","estimatedTimeToMerge":null}}}}`,
			QueueEntry{ID: "MQE_1", Position: 1, State: "AWAITING_CHECKS"}, nil, ""},
		{"already queued: not an error", `{"data":{"enqueuePullRequest":null},"errors":[{"type":"UNPROCESSABLE","message":"Pull request is already in the merge queue"}]}`,
			QueueEntry{}, nil, ""},
		{"head moved", `{"data":{"enqueuePullRequest":null},"errors":[{"type":"UNPROCESSABLE","message":"Head branch was modified. Review and try the merge again."}]}`,
			QueueEntry{}, ErrHeadMoved, "Head branch was modified. Review and try the merge again"},
		{"not ready", `{"data":{"enqueuePullRequest":null},"errors":[{"type":"UNPROCESSABLE","message":"Pull request At least 1 approving review is required by reviewers with write access."}]}`,
			QueueEntry{}, ErrQueueRefused, "At least 1 approving review is required by reviewers with write access"},
		{"code owners", `{"data":{"enqueuePullRequest":null},"errors":[{"type":"UNPROCESSABLE","message":"Pull request Waiting on code owner review from acme/sre."}]}`,
			QueueEntry{}, ErrQueueRefused, "Waiting on code owner review from acme/sre"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixEnqueue$`), httpmock.JSON(200, tt.answer))
			got, err := c.Enqueue(context.Background(), "PR_1", "abc123", true)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && Refusal(err) != tt.refusal {
				t.Errorf("Refusal() = %q, want %q", Refusal(err), tt.refusal)
			}
			if got != tt.want {
				t.Errorf("entry = %+v, want %+v", got, tt.want)
			}
			vars := reg.Requests()[0].GraphQL.Variables
			if vars["id"] != "PR_1" || vars["head"] != "abc123" || vars["jump"] != true {
				t.Errorf("variables %v", vars)
			}
		})
	}
}
