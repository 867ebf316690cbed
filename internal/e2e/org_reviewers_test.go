package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestShipTeamReviewerReplacedByAMember: in an organization's repository, ship
// asks the team acme/on-call for a review; the team's code review assignment
// makes GitHub ask one member instead and withdraw the team's request. A re-run
// of ship then sees, on the timeline, that the team was asked once, and asks
// nobody again: not the team (which would undo GitHub's assignment and notify
// the whole team), not the member.
func TestShipTeamReviewerReplacedByAMember(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	for _, u := range []string{"hubot", "octocat"} {
		e.Control("POST", "users", map[string]any{"login": u, "token": u + "-token"})
	}
	e.CreateOrg("acme")
	work := e.CreateOrgRepo("acme", "shop", nil)
	slug := e.CreateTeam("acme", "On Call", []string{"hubot", "octocat"}, []string{"shop"})
	if slug != "on-call" {
		t.Fatalf("team slug %q, want on-call", slug)
	}
	if status, out := e.Control("POST", "orgs/acme/teams/on-call/settings",
		map[string]any{"review_assignment": map[string]any{"enabled": true, "team_member_count": 1}}); status != 204 {
		t.Fatalf("review assignment: %d %v", status, out)
	}
	if r := e.Hotfix(work, "create", "checkout total is negative"); r.Code != 0 {
		t.Fatalf("create: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "fix.txt"), "the fix\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Fix the total")

	r := e.Hotfix(work, "ship", "--no-wait", "-r", "acme/on-call")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Requested reviews from acme/on-call") {
		t.Fatalf("ship --no-wait: exit %d\n%s", r.Code, r.Stderr)
	}
	requested := func() string {
		_, out := e.API("GET", "/repos/acme/shop/pulls/1/requested_reviewers", nil)
		return jsonString(out)
	}
	// The members, sorted: hubot, monalisa (who made the team; the author, never
	// asked), octocat. Round robin asks hubot first.
	before := requested()
	if !strings.Contains(before, `"login":"hubot"`) || strings.Contains(before, "on-call") {
		t.Fatalf("after ship, requested: %s", before)
	}

	e.ClearRequests()
	r = e.Hotfix(work, "ship", "--no-wait", "-r", "acme/on-call")
	if r.Code != 0 || strings.Contains(r.Stderr, "Requested reviews") {
		t.Fatalf("re-run: exit %d\n%s", r.Code, r.Stderr)
	}
	assertNothingChanged(t, e, "the re-run")
	api, _, _ := e.RequestCounts()
	for route := range api {
		if strings.Contains(route, "requested_reviewers") || strings.Contains(route, "requestReviews") {
			t.Errorf("the re-run asked for reviews: %s", route)
		}
	}
	if after := requested(); after != before {
		t.Errorf("requested reviewers changed:\n%s\nto\n%s", before, after)
	}
}
