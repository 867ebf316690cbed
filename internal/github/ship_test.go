package github

import (
	"encoding/json"
	"reflect"
	"testing"
)

// ToPull reads who is asked now (reviewRequests), who was ever asked (the
// timeline's ReviewRequestedEvents: GitHub withdraws a team's request when its
// code review assignment asks members instead) and who has reviewed.
func TestToPullReadsReviewRequests(t *testing.T) {
	tests := []struct {
		name                           string
		json                           string
		reviewers, requested, reviewed []string
	}{
		{name: "nothing asked", json: `{}`},
		{name: "team replaced by a member",
			json: `{"reviewRequests": {"nodes": [{"requestedReviewer": {"__typename": "User", "login": "octocat"}}]},
			  "requestEvents": {"nodes": [
			    {"requestedReviewer": {"__typename": "Team", "slug": "on-call", "organization": {"login": "acme"}}},
			    {"requestedReviewer": {"__typename": "User", "login": "octocat"}},
			    {}]}}`,
			reviewers: []string{"octocat"}, requested: []string{"acme/on-call", "octocat"}},
		{name: "asked twice, reviewed since",
			json: `{"requestEvents": {"nodes": [
			    {"requestedReviewer": {"__typename": "User", "login": "hubot"}},
			    {"requestedReviewer": {"__typename": "User", "login": "Hubot"}},
			    {"requestedReviewer": null}]},
			  "latestReviews": {"nodes": [{"author": {"login": "hubot"}}, {"author": null}]}}`,
			requested: []string{"hubot"}, reviewed: []string{"hubot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a APIPull
			if err := json.Unmarshal([]byte(tt.json), &a); err != nil {
				t.Fatal(err)
			}
			p := a.ToPull()
			if !reflect.DeepEqual(p.Reviewers, tt.reviewers) || !reflect.DeepEqual(p.Requested, tt.requested) || !reflect.DeepEqual(p.Reviewed, tt.reviewed) {
				t.Errorf("reviewers %q, requested %q, reviewed %q; want %q, %q, %q", p.Reviewers, p.Requested, p.Reviewed, tt.reviewers, tt.requested, tt.reviewed)
			}
		})
	}
}
