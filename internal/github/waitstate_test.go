package github

import (
	"context"
	"reflect"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// TestPullWaitState: one request reads what a pull request waits for: the
// head commit's failing and pending checks by name, the review decision and
// the reviewers asked who have not answered.
func TestPullWaitState(t *testing.T) {
	c, reg := stubbed(t, httpmock.GraphQL(`^HotfixWaitState$`), httpmock.JSON(200, `{"data":{"node":{"state":"OPEN","isDraft":false,
		"mergeStateStatus":"BLOCKED","reviewDecision":"REVIEW_REQUIRED",
		"reviewRequests":{"nodes":[{"requestedReviewer":{"__typename":"User","login":"monalisa"}},
			{"requestedReviewer":{"__typename":"Team","slug":"oncall","organization":{"login":"acme"}}}]},
		"commits":{"nodes":[{"commit":{"oid":"abc","statusCheckRollup":{"state":"FAILURE","contexts":{"totalCount":3,"nodes":[
			{"__typename":"CheckRun","name":"build","status":"IN_PROGRESS","conclusion":null},
			{"__typename":"CheckRun","name":"lint","status":"COMPLETED","conclusion":"FAILURE"},
			{"__typename":"StatusContext","context":"ci/legacy","state":"SUCCESS"}]}}}}]}}}}`))
	ws, err := c.PullWaitState(context.Background(), "PR_1")
	if err != nil {
		t.Fatal(err)
	}
	want := WaitState{State: "OPEN", MergeState: "BLOCKED", ReviewDecision: "REVIEW_REQUIRED", Requested: []string{"monalisa", "acme/oncall"},
		Checks: Checks{SHA: "abc", State: "FAILURE", Failing: []string{"lint"}, Pending: []string{"build"}, Total: 3}}
	if !reflect.DeepEqual(ws, want) {
		t.Errorf("PullWaitState =\n%+v\nwant\n%+v", ws, want)
	}
	if n := len(reg.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
