package github

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDeploymentRequestPending(t *testing.T) {
	tests := []struct {
		name string
		raw  string // a DeploymentRequest node as GraphQL answers it
		// want: environment ID and name, timer, started, can approve, reviewers' handles.
		want string
	}{
		{name: "a user and a team, with a wait timer",
			raw: `{"environment":{"databaseId":7,"name":"production"},"waitTimer":5,"waitTimerStartedAt":"2026-12-01T10:00:00Z","currentUserCanApprove":true,
				"reviewers":{"nodes":[{"__typename":"User","login":"hubot","url":"https://github.com/hubot"},
				{"__typename":"Team","slug":"on-call","url":"https://github.com/orgs/acme/teams/on-call"}]}}`,
			want: "7 production 5 2026-12-01T10:00:00Z true hubot,acme/on-call"},
		{name: "no timer, nobody to approve",
			raw:  `{"environment":{"databaseId":8,"name":"staging"},"waitTimer":0,"waitTimerStartedAt":null,"currentUserCanApprove":false,"reviewers":{"nodes":[]}}`,
			want: "8 staging 0 - false "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d DeploymentRequest
			if err := json.Unmarshal([]byte(tt.raw), &d); err != nil {
				t.Fatal(err)
			}
			p := d.Pending()
			started := "-"
			if p.WaitTimerStartedAt != nil {
				started = p.WaitTimerStartedAt.UTC().Format("2006-01-02T15:04:05Z")
			}
			var who []string
			for _, r := range p.Reviewers {
				who = append(who, r.Handle())
			}
			got := strings.Join([]string{jsonText(p.Environment.ID), p.Environment.Name, jsonText(p.WaitTimer), started,
				jsonText(p.CurrentUserCanApprove), strings.Join(who, ",")}, " ")
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// The status queries ask the merge commit's runs what they wait for, in the
// same request.
func TestStatusQueriesAskPendingRequests(t *testing.T) {
	for name, q := range map[string]string{"search": searchPullsQuery(50), "labelled": labelledPullsQuery(true, 50, "")} {
		if !strings.Contains(q, "workflowRun { databaseId url\n          pendingDeploymentRequests(first: 2)") {
			t.Errorf("%s query does not ask the runs' pending deployment requests:\n%s", name, q)
		}
	}
	// Only the merged pull requests' search asks for comments and check suites.
	q := searchPullsQuery(50)
	for _, k := range searchKinds {
		_, alias, _ := strings.Cut(q, "  "+k+": search(")
		if next := strings.Index(alias, ": search("); next >= 0 {
			alias = alias[:next]
		}
		if asks := strings.Contains(alias, "pendingDeploymentRequests") && strings.Contains(alias, "comments(last: 50)"); asks != (k == "merged") {
			t.Errorf("the %s search asks comments and pending deployment requests: %v", k, asks)
		}
	}
	if q := labelledPullsQuery(false, 0, ""); strings.Contains(q, "pendingDeploymentRequests") {
		t.Errorf("open pull requests' query asks pending deployments:\n%s", q)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
