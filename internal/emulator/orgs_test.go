package emulator

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// ctl is control as a response.
func (ts *testServer) ctl(method, path string, body any) response {
	ts.t.Helper()
	status, body2 := ts.control(method, path, body)
	return response{status: status, body: []byte(body2)}
}

// as calls the REST API with another user's token.
func (ts *testServer) as(token, method, path string, body any) response {
	ts.t.Helper()
	return ts.do(method, path, body, map[string]string{"Authorization": "token " + token})
}

func (ts *testServer) must(want int, r response) response {
	ts.t.Helper()
	if r.status != want {
		ts.t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	return r
}

// orgWorld is an organization acme owned by monalisa, with the repository
// acme/shop (a hotfix/fix branch and a pull request #1 by monalisa), users
// hubot, octocat, stranger, and a team "On Call" (slug on-call) of hubot and
// octocat with access to acme/shop.
func orgWorld(t *testing.T) *testServer {
	ts := newTestServer(t)
	for _, u := range []string{"hubot", "octocat", "stranger"} {
		ts.must(201, ts.ctl("POST", "users", map[string]any{"login": u, "token": u + "-token"}))
	}
	org := ts.must(201, ts.do("POST", "/admin/organizations", map[string]any{"login": "acme", "admin": "monalisa"}, nil)).json(t)
	if org["login"] != "acme" {
		t.Fatalf("organization: %v", org)
	}
	ts.must(201, ts.do("POST", "/orgs/acme/repos", map[string]any{"name": "shop"}, nil))
	team := ts.must(201, ts.do("POST", "/orgs/acme/teams", map[string]any{"name": "On Call"}, nil)).json(t)
	if team["slug"] != "on-call" {
		t.Fatalf("slug %v, want on-call", team["slug"])
	}
	for _, u := range []string{"hubot", "octocat"} {
		ts.must(200, ts.do("PUT", "/orgs/acme/teams/on-call/memberships/"+u, map[string]any{"role": "member"}, nil))
	}
	ts.must(204, ts.do("PUT", "/orgs/acme/teams/on-call/repos/acme/shop", map[string]any{"permission": "push"}, nil))
	ts.pushPull("acme", "shop")
	return ts
}

// pushPull pushes main and hotfix/fix to OWNER/NAME and opens pull request #1.
func (ts *testServer) pushPull(owner, name string) {
	ts.t.Helper()
	work := filepath.Join(ts.dir, "work-"+owner+"-"+name)
	ts.git(ts.dir, "init", "-q", "-b", "main", work)
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "initial")
	ts.git(work, "remote", "add", "origin", "http://x-access-token:t0k3n@"+Host+"/"+owner+"/"+name+".git")
	ts.git(work, "push", "-q", "origin", "main")
	ts.git(work, "checkout", "-q", "-b", "hotfix/fix")
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "fix")
	ts.git(work, "push", "-q", "origin", "hotfix/fix")
	ts.must(201, ts.do("POST", "/repos/"+owner+"/"+name+"/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil))
}

func TestOrganizationsTeamsAndCollaborators(t *testing.T) {
	ts := orgWorld(t)
	ts.must(201, ts.do("POST", "/user/repos", map[string]any{"name": "solo"}, nil))
	ts.must(200, ts.do("PATCH", "/orgs/acme", map[string]any{"default_repository_permission": "none"}, nil))
	// A collaborator of solo, and an outside collaborator of acme/shop.
	if r := ts.do("PUT", "/repos/monalisa/solo/collaborators/stranger", map[string]any{}, nil); r.status != 201 || r.json(t)["invitee"] == nil {
		t.Fatalf("add collaborator: %d %s", r.status, r.body)
	}
	ts.must(204, ts.do("PUT", "/repos/monalisa/solo/collaborators/stranger", map[string]any{"permission": "push"}, nil))
	ts.must(201, ts.do("POST", "/orgs/acme/teams", map[string]any{"name": "Empty Team"}, nil))

	tests := []struct {
		repo, user string
		want       int
	}{
		{"monalisa/solo", "monalisa", 204}, // the owner
		{"monalisa/solo", "stranger", 204}, // a collaborator
		{"monalisa/solo", "hubot", 404},    // merely exists
		{"monalisa/solo", "nobody", 404},   // does not exist
		{"acme/shop", "monalisa", 204},     // an organization owner
		{"acme/shop", "hubot", 204},        // through the team
		{"acme/shop", "stranger", 404},     // no access while the base permission is none
	}
	for _, tt := range tests {
		if r := ts.do("GET", "/repos/"+tt.repo+"/collaborators/"+tt.user, nil, nil); r.status != tt.want {
			t.Errorf("check %s on %s: %d, want %d", tt.user, tt.repo, r.status, tt.want)
		}
	}
	// With the default base permission (read), every member has access.
	ts.must(200, ts.do("PATCH", "/orgs/acme", map[string]any{"default_repository_permission": "read"}, nil))
	ts.must(201, ts.do("POST", "/orgs/acme/teams", map[string]any{"name": "Solo Members"}, nil))
	ts.must(200, ts.do("PUT", "/orgs/acme/teams/solo-members/memberships/stranger", nil, nil))
	ts.must(204, ts.do("GET", "/repos/acme/shop/collaborators/stranger", nil, nil))

	q := `{ shop: repository(owner: "acme", name: "shop") { isInOrganization owner { __typename login } }
	  solo: repository(owner: "monalisa", name: "solo") { isInOrganization owner { __typename } } }`
	if got := string(ts.must(200, ts.do("POST", "/graphql", map[string]any{"query": q}, nil)).body); !strings.Contains(got,
		`"shop":{"isInOrganization":true,"owner":{"__typename":"Organization","login":"acme"}}`) || !strings.Contains(got, `"solo":{"isInOrganization":false,"owner":{"__typename":"User"}}`) {
		t.Errorf("repositories: %s", got)
	}
	team := ts.must(200, ts.do("GET", "/orgs/acme/teams/on-call", nil, nil)).json(t)
	if team["name"] != "On Call" || team["members_count"] != float64(3) { // monalisa made it, so maintains it
		t.Errorf("team: %v", team)
	}
	ts.must(404, ts.do("GET", "/orgs/acme/teams/nope", nil, nil))
	ts.must(404, ts.do("GET", "/orgs/nope/teams/on-call", nil, nil))
	// A team takes only its organization's repositories; names are unique.
	ts.must(422, ts.do("PUT", "/orgs/acme/teams/on-call/repos/monalisa/solo", nil, nil))
	ts.must(422, ts.do("POST", "/orgs/acme/teams", map[string]any{"name": "on call"}, nil))
	// Only members create repositories and teams; a taken login makes no organization.
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "outsider", "token": "outsider-token"}))
	ts.must(403, ts.as("outsider-token", "POST", "/orgs/acme/repos", map[string]any{"name": "x"}))
	ts.must(403, ts.as("outsider-token", "POST", "/orgs/acme/teams", map[string]any{"name": "x"}))
	ts.must(422, ts.do("POST", "/admin/organizations", map[string]any{"login": "hubot", "admin": "monalisa"}, nil))
	if len(ts.srv.ConformanceFailures()) > 0 {
		t.Errorf("conformance failures: %+v", ts.srv.ConformanceFailures())
	}
}

func TestTeamSlug(t *testing.T) {
	for name, want := range map[string]string{"My TEam Näme": "my-team-name", "On Call": "on-call", "ops": "ops", "a  b!c": "a-b-c"} {
		if got := teamSlug(name); got != want {
			t.Errorf("teamSlug(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestReviewersMustBeCollaborators(t *testing.T) {
	ts := orgWorld(t)
	ts.must(201, ts.do("POST", "/user/repos", map[string]any{"name": "solo"}, nil))
	ts.pushPull("monalisa", "solo")
	ts.must(201, ts.do("POST", "/orgs/acme/teams", map[string]any{"name": "No Access"}, nil))
	ts.must(200, ts.do("PATCH", "/orgs/acme", map[string]any{"default_repository_permission": "none"}, nil))
	usersMsg := "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the %s repository."
	teamsMsg := "Reviews may only be requested from collaborators. One or more of the teams you specified is not a collaborator of the %s repository."
	tests := []struct {
		name, repo string
		body       map[string]any
		want       int
		message    string
	}{
		{"the author", "monalisa/solo", map[string]any{"reviewers": []string{"monalisa"}}, 422, "Review cannot be requested from pull request author."},
		{"a user without access", "monalisa/solo", map[string]any{"reviewers": []string{"hubot"}}, 422, strings.ReplaceAll(usersMsg, "%s", "monalisa/solo")},
		{"a team on a user's repository", "monalisa/solo", map[string]any{"team_reviewers": []string{"on-call"}}, 422, strings.ReplaceAll(teamsMsg, "%s", "monalisa/solo")},
		{"a team without access", "acme/shop", map[string]any{"team_reviewers": []string{"no-access"}}, 422, strings.ReplaceAll(teamsMsg, "%s", "acme/shop")},
		{"an unknown team", "acme/shop", map[string]any{"team_reviewers": []string{"ghosts"}}, 422, strings.ReplaceAll(teamsMsg, "%s", "acme/shop")},
		{"one bad user refuses all", "acme/shop", map[string]any{"reviewers": []string{"hubot", "stranger"}, "team_reviewers": []string{"on-call"}}, 422, strings.ReplaceAll(usersMsg, "%s", "acme/shop")},
		{"a team member and the team", "acme/shop", map[string]any{"reviewers": []string{"hubot"}, "team_reviewers": []string{"on-call"}}, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.do("POST", "/repos/"+tt.repo+"/pulls/1/requested_reviewers", tt.body, nil)
			if r.status != tt.want {
				t.Fatalf("status %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.message != "" {
				errs, _ := r.json(t)["errors"].([]any)
				if len(errs) != 1 || errs[0].(map[string]any)["message"] != tt.message {
					t.Errorf("errors %v, want the message %q", errs, tt.message)
				}
			}
		})
	}
	got := ts.must(200, ts.do("GET", "/repos/acme/shop/pulls/1/requested_reviewers", nil, nil)).json(t)
	users, teams := got["users"].([]any), got["teams"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["login"] != "hubot" || len(teams) != 1 || teams[0].(map[string]any)["slug"] != "on-call" {
		t.Errorf("requested: %s", mustJSON(got))
	}
	// A collaborator added to the user's repository may review.
	ts.must(201, ts.do("PUT", "/repos/monalisa/solo/collaborators/hubot", nil, nil))
	ts.must(201, ts.do("POST", "/repos/monalisa/solo/pulls/1/requested_reviewers", map[string]any{"reviewers": []string{"hubot"}}, nil))
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// timeline reads a pull request's review request events through GraphQL.
func (ts *testServer) timeline(owner, name string) []string {
	ts.t.Helper()
	q := `query($o: String!, $n: String!) { repository(owner: $o, name: $n) { pullRequest(number: 1) {
	  reviewRequests(first: 10) { nodes { requestedReviewer { __typename ... on User { login } ... on Team { slug organization { login } } } } }
	  timelineItems(first: 100, itemTypes: [REVIEW_REQUESTED_EVENT, REVIEW_REQUEST_REMOVED_EVENT]) { nodes { __typename
	    ... on ReviewRequestedEvent { requestedReviewer { ... on User { login } ... on Team { combinedSlug } } }
	    ... on ReviewRequestRemovedEvent { requestedReviewer { ... on User { login } ... on Team { combinedSlug } } } } } } } }`
	r := ts.must(200, ts.do("POST", "/graphql", map[string]any{"query": q, "variables": map[string]any{"o": owner, "n": name}}, nil))
	var out struct {
		Errors []struct{ Message string }
		Data   struct {
			Repository struct {
				PullRequest struct {
					ReviewRequests struct {
						Nodes []struct {
							RequestedReviewer struct {
								Typename, Login, Slug string
							}
						}
					}
					TimelineItems struct {
						Nodes []struct {
							Typename          string `json:"__typename"`
							RequestedReviewer struct{ Login, CombinedSlug string }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.Errors) > 0 {
		ts.t.Fatalf("timeline: %v %s", err, r.body)
	}
	var events []string
	for _, n := range out.Data.Repository.PullRequest.TimelineItems.Nodes {
		events = append(events, n.Typename+" "+n.RequestedReviewer.Login+n.RequestedReviewer.CombinedSlug)
	}
	for _, n := range out.Data.Repository.PullRequest.ReviewRequests.Nodes {
		events = append(events, "requested "+n.RequestedReviewer.Login+n.RequestedReviewer.Slug)
	}
	return events
}

func TestTeamReviewAssignment(t *testing.T) {
	ts := orgWorld(t)
	ts.must(404, ts.ctl("POST", "orgs/acme/teams/nope/settings", map[string]any{}))
	ts.must(204, ts.ctl("POST", "orgs/acme/teams/on-call/settings",
		map[string]any{"review_assignment": map[string]any{"enabled": true, "team_member_count": 1}}))
	r := ts.must(201, ts.do("POST", "/repos/acme/shop/pulls/1/requested_reviewers", map[string]any{"team_reviewers": []string{"on-call"}}, nil)).json(t)
	// Round robin over hubot, monalisa (its maintainer: the author, skipped), octocat.
	if got := mustJSON(r["requested_teams"]); got != "[]" {
		t.Errorf("the team's request stays: %s", got)
	}
	want := []string{
		"ReviewRequestedEvent acme/on-call",
		"ReviewRequestedEvent hubot",
		"ReviewRequestRemovedEvent acme/on-call",
		"requested hubot",
	}
	if got := ts.timeline("acme", "shop"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Asked again, the team is replaced by the next member.
	ts.must(201, ts.do("POST", "/repos/acme/shop/pulls/1/requested_reviewers", map[string]any{"team_reviewers": []string{"on-call"}}, nil))
	got := ts.must(200, ts.do("GET", "/repos/acme/shop/pulls/1/requested_reviewers", nil, nil)).json(t)
	if s := mustJSON(got); !strings.Contains(s, `"login":"hubot"`) || !strings.Contains(s, `"login":"octocat"`) || strings.Contains(s, "on-call") {
		t.Errorf("requested after the second ask: %s", s)
	}
	// The same setting through GitHub's own mutation, by an owner; hubot, a
	// plain member, may not.
	id := ts.must(200, ts.do("POST", "/graphql", map[string]any{"query": `{ organization(login: "acme") { team(slug: "on-call") { id } } }`}, nil))
	var ido struct {
		Data struct {
			Organization struct{ Team struct{ ID string } }
		}
	}
	json.Unmarshal(id.body, &ido)
	mut := `mutation($id: ID!) { updateTeamReviewAssignment(input: {id: $id, enabled: true, teamMemberCount: 2, removeTeamRequest: false}) { team { slug } } }`
	if r := ts.as("hubot-token", "POST", "/graphql", map[string]any{"query": mut, "variables": map[string]any{"id": ido.Data.Organization.Team.ID}}); !strings.Contains(string(r.body), "FORBIDDEN") {
		t.Errorf("a member changed the setting: %s", r.body)
	}
	if r := ts.do("POST", "/graphql", map[string]any{"query": mut, "variables": map[string]any{"id": ido.Data.Organization.Team.ID}}, nil); !strings.Contains(string(r.body), `"slug":"on-call"`) {
		t.Errorf("updateTeamReviewAssignment: %s", r.body)
	}
	if a := ts.srv.st.org("acme").team("on-call").assign; a == nil || a.Count != 2 || a.RemoveTeamRequest {
		t.Errorf("setting after the mutation: %+v", a)
	}
	// Off: the team itself is asked.
	ts.must(204, ts.ctl("POST", "orgs/acme/teams/on-call/settings", map[string]any{"review_assignment": map[string]any{"enabled": false}}))
	ts.must(201, ts.do("POST", "/repos/acme/shop/pulls/1/requested_reviewers", map[string]any{"team_reviewers": []string{"on-call"}}, nil))
	if s := mustJSON(ts.must(200, ts.do("GET", "/repos/acme/shop/pulls/1/requested_reviewers", nil, nil)).json(t)["teams"]); !strings.Contains(s, `"slug":"on-call"`) {
		t.Errorf("teams: %s", s)
	}
}

// The GraphQL requestReviews mutation applies the same checks as REST.
func TestRequestReviewsMutationChecksAccess(t *testing.T) {
	ts := orgWorld(t)
	ts.must(200, ts.do("PATCH", "/orgs/acme", map[string]any{"default_repository_permission": "none"}, nil))
	ids := ts.must(200, ts.do("POST", "/graphql", map[string]any{"query": `{ repository(owner: "acme", name: "shop") { pullRequest(number: 1) { id } }
	  stranger: user(login: "stranger") { id } hubot: user(login: "hubot") { id } organization(login: "acme") { team(slug: "on-call") { id } } }`}, nil))
	var out struct {
		Data struct {
			Repository      struct{ PullRequest struct{ ID string } }
			Stranger, Hubot struct{ ID string }
			Organization    struct{ Team struct{ ID string } }
		}
	}
	json.Unmarshal(ids.body, &out)
	ask := func(users []string, teams []string) string {
		q := `mutation($pr: ID!, $u: [ID!], $t: [ID!]) { requestReviews(input: {pullRequestId: $pr, userIds: $u, teamIds: $t, union: true}) { clientMutationId } }`
		r := ts.must(200, ts.do("POST", "/graphql", map[string]any{"query": q, "variables": map[string]any{"pr": out.Data.Repository.PullRequest.ID, "u": users, "t": teams}}, nil))
		return string(r.body)
	}
	if got := ask([]string{out.Data.Stranger.ID}, nil); !strings.Contains(got, "Reviews may only be requested from collaborators") {
		t.Errorf("stranger asked: %s", got)
	}
	if got := ask([]string{out.Data.Hubot.ID}, []string{out.Data.Organization.Team.ID}); strings.Contains(got, "errors") {
		t.Errorf("hubot and the team: %s", got)
	}
	if got := strings.Join(ts.timeline("acme", "shop"), ","); got != "ReviewRequestedEvent hubot,ReviewRequestedEvent acme/on-call,requested hubot,requested on-call" {
		t.Errorf("timeline: %s", got)
	}
}

// With its Token set, the emulator refuses any other token it does not know as
// GitHub does: 401 "Bad credentials", for REST, GraphQL and git alike.
func TestUnknownTokenIsBadCredentials(t *testing.T) {
	ts := newTestServerWith(t, Options{Token: "good"})
	ts.must(200, ts.as("good", "GET", "/user", nil))
	for _, r := range []response{ts.as("bad", "GET", "/user", nil), ts.as("bad", "POST", "/graphql", map[string]any{"query": "{ viewer { login } }"})} {
		if r.status != 401 || r.json(t)["message"] != "Bad credentials" {
			t.Errorf("unknown token: %d %s", r.status, r.body)
		}
	}
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	if got := ts.must(200, ts.as("hubot-token", "GET", "/user", nil)).json(t)["login"]; got != "hubot" {
		t.Errorf("registered token is %v", got)
	}
}
