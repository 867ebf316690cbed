package emulator

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// deployWorkflow is a dispatchable workflow whose one job targets production.
const deployWorkflow = `name: Deploy
on: workflow_dispatch
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: production
      url: https://example.com
    steps:
      - run: echo
`

// gateWorld is orgWorld with deploy.yml on acme/shop's main and runs that
// complete as soon as they may start; it returns the ID of team on-call.
func gateWorld(t *testing.T) (*testServer, int64) {
	ts := orgWorld(t)
	ts.commitFiles(filepath.Join(ts.dir, "work-acme-shop"), "main", map[string]string{".github/workflows/deploy.yml": deployWorkflow})
	ts.must(204, ts.ctl("POST", "repos/acme/shop/auto-runs", map[string]any{"after_ms": 0}))
	team := ts.must(200, ts.do("GET", "/orgs/acme/teams/on-call", nil, nil)).json(t)
	return ts, int64(team["id"].(float64))
}

func (ts *testServer) userID(login string) int64 {
	ts.t.Helper()
	return int64(ts.must(200, ts.do("GET", "/users/"+login, nil, nil)).json(ts.t)["id"].(float64))
}

// dispatchDeploy dispatches deploy.yml on ref and returns the run's ID.
func (ts *testServer) dispatchDeploy(ref string) int64 {
	ts.t.Helper()
	r := ts.must(200, ts.do("POST", "/repos/acme/shop/actions/workflows/deploy.yml/dispatches",
		map[string]any{"ref": ref, "return_run_details": true}, nil))
	return int64(r.json(ts.t)["workflow_run_id"].(float64))
}

func (ts *testServer) pending(token string, run int64) []map[string]any {
	ts.t.Helper()
	r := ts.must(200, ts.as(token, "GET", "/repos/acme/shop/actions/runs/"+jsonNum(run)+"/pending_deployments", nil))
	var list []map[string]any
	if err := json.Unmarshal(r.body, &list); err != nil {
		ts.t.Fatal(err)
	}
	return list
}

func TestEnvironmentGates(t *testing.T) {
	type review struct {
		token, state string
		want         int
	}
	tests := []struct {
		name     string
		workflow string // deploy.yml, when not deployWorkflow
		// env is the PUT body, given the world (user IDs, the team's ID); nil
		// leaves production to be created by the run.
		env      func(ts *testServer, team int64) map[string]any
		policies []string
		// canApprove: token → current_user_can_approve while the run waits.
		canApprove map[string]bool
		reviews    []review
		skewS      float64 // GitHub's clock moved ahead after the reviews
		wantStatus string
		wantConcl  string
	}{
		{name: "no environment yet: created by the run, nothing holds it",
			wantStatus: "completed", wantConcl: "success"},
		{name: "required reviewer approves",
			env: func(ts *testServer, _ int64) map[string]any {
				return map[string]any{"reviewers": []any{map[string]any{"type": "User", "id": ts.userID("hubot")}}}
			},
			canApprove: map[string]bool{"hubot-token": true, "stranger-token": false, "t0k3n": false},
			reviews:    []review{{"stranger-token", "approved", 422}, {"hubot-token", "approved", 200}},
			wantStatus: "completed", wantConcl: "success"},
		{name: "a member of the reviewing team approves",
			env: func(_ *testServer, team int64) map[string]any {
				return map[string]any{"reviewers": []any{map[string]any{"type": "Team", "id": team}}}
			},
			canApprove: map[string]bool{"octocat-token": true, "stranger-token": false},
			reviews:    []review{{"octocat-token", "approved", 200}},
			wantStatus: "completed", wantConcl: "success"},
		{name: "prevent_self_review: the run's actor may not approve",
			env: func(ts *testServer, _ int64) map[string]any {
				return map[string]any{"prevent_self_review": true, "reviewers": []any{
					map[string]any{"type": "User", "id": ts.userID("monalisa")}, map[string]any{"type": "User", "id": ts.userID("hubot")}}}
			},
			canApprove: map[string]bool{"t0k3n": false, "hubot-token": true},
			reviews:    []review{{"t0k3n", "approved", 422}, {"hubot-token", "approved", 200}},
			wantStatus: "completed", wantConcl: "success"},
		{name: "rejected: the run fails",
			env: func(ts *testServer, _ int64) map[string]any {
				return map[string]any{"reviewers": []any{map[string]any{"type": "User", "id": ts.userID("hubot")}}}
			},
			reviews:    []review{{"hubot-token", "rejected", 200}},
			wantStatus: "completed", wantConcl: "failure"},
		{name: "still waiting without a review",
			env: func(ts *testServer, _ int64) map[string]any {
				return map[string]any{"reviewers": []any{map[string]any{"type": "User", "id": ts.userID("hubot")}}}
			},
			skewS:      3600,
			wantStatus: "waiting"},
		{name: "wait timer ends by itself",
			env:        func(*testServer, int64) map[string]any { return map[string]any{"wait_timer": 5} },
			canApprove: map[string]bool{"t0k3n": false},
			skewS:      301,
			wantStatus: "completed", wantConcl: "success"},
		{name: "wait timer not yet over",
			env:        func(*testServer, int64) map[string]any { return map[string]any{"wait_timer": 5} },
			skewS:      200,
			wantStatus: "waiting"},
		{name: "environment named by an input",
			workflow: strings.Replace(deployWorkflow, "on: workflow_dispatch", "on:\n  workflow_dispatch:\n    inputs:\n      target: {default: production}", 1),
			env: func(ts *testServer, _ int64) map[string]any {
				return map[string]any{"reviewers": []any{map[string]any{"type": "User", "id": ts.userID("hubot")}}}
			},
			canApprove: map[string]bool{"hubot-token": true},
			reviews:    []review{{"hubot-token", "approved", 200}},
			wantStatus: "completed", wantConcl: "success"},
		{name: "branch policy does not admit main: the job fails",
			env: func(ts *testServer, _ int64) map[string]any {
				return map[string]any{"reviewers": []any{map[string]any{"type": "User", "id": ts.userID("hubot")}},
					"deployment_branch_policy": map[string]any{"protected_branches": false, "custom_branch_policies": true}}
			},
			policies:   []string{"release/*"},
			wantStatus: "completed", wantConcl: "failure"},
		{name: "branch policy admits main",
			env: func(*testServer, int64) map[string]any {
				return map[string]any{"deployment_branch_policy": map[string]any{"protected_branches": false, "custom_branch_policies": true}}
			},
			policies:   []string{"release/*", "main"},
			wantStatus: "completed", wantConcl: "success"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, team := gateWorld(t)
			if tt.workflow != "" {
				ts.commitFiles(filepath.Join(ts.dir, "work-acme-shop"), "main", map[string]string{".github/workflows/deploy.yml": strings.Replace(tt.workflow, "name: production", "name: ${{ inputs.target }}", 1)})
			}
			if tt.env != nil {
				ts.must(200, ts.do("PUT", "/repos/acme/shop/environments/production", tt.env(ts, team), nil))
			}
			for _, p := range tt.policies {
				ts.must(200, ts.do("POST", "/repos/acme/shop/environments/production/deployment-branch-policies", map[string]any{"name": p}, nil))
			}
			run := ts.dispatchDeploy("main")
			for token, want := range tt.canApprove {
				list := ts.pending(token, run)
				if len(list) != 1 {
					t.Fatalf("pending deployments as %s: %v", token, list)
				}
				if got := list[0]["current_user_can_approve"]; got != want {
					t.Errorf("current_user_can_approve as %s = %v, want %v", token, got, want)
				}
				if env := list[0]["environment"].(map[string]any); env["name"] != "production" {
					t.Errorf("environment %v", env)
				}
			}
			for _, rv := range tt.reviews {
				list := ts.pending("t0k3n", run)
				if len(list) != 1 {
					t.Fatalf("nothing pending before %s's review", rv.token)
				}
				envID := list[0]["environment"].(map[string]any)["id"]
				ts.must(rv.want, ts.as(rv.token, "POST", "/repos/acme/shop/actions/runs/"+jsonNum(run)+"/pending_deployments",
					map[string]any{"environment_ids": []any{envID}, "state": rv.state, "comment": "from the test"}))
			}
			if tt.skewS != 0 {
				ts.must(200, ts.ctl("POST", "clock", map[string]any{"skew_s": tt.skewS}))
			}
			got := ts.must(200, ts.do("GET", "/repos/acme/shop/actions/runs/"+jsonNum(run), nil, nil)).json(t)
			if got["status"] != tt.wantStatus || (tt.wantConcl != "" && got["conclusion"] != tt.wantConcl) {
				t.Errorf("run %v/%v, want %s/%s", got["status"], got["conclusion"], tt.wantStatus, tt.wantConcl)
			}
			jobs := ts.must(200, ts.do("GET", "/repos/acme/shop/actions/runs/"+jsonNum(run)+"/jobs", nil, nil)).json(t)
			if job := jobs["jobs"].([]any)[0].(map[string]any); job["status"] != tt.wantStatus {
				t.Errorf("job status %v, want %s", job["status"], tt.wantStatus)
			}
			if n := len(ts.pending("t0k3n", run)); (n == 1) != (tt.wantStatus == "waiting") {
				t.Errorf("%d pending deployments for a run %s", n, tt.wantStatus)
			}
			envs := ts.must(200, ts.do("GET", "/repos/acme/shop/environments", nil, nil)).json(t)
			if envs["total_count"] != 1.0 {
				t.Errorf("environments: %v", envs)
			}
			if f := ts.srv.ConformanceFailures(); len(f) != 0 {
				t.Errorf("conformance failures: %+v", f)
			}
		})
	}
}

func TestEnvironmentSettings(t *testing.T) {
	ts, team := gateWorld(t)
	tests := []struct {
		name string
		body map[string]any
		want int
	}{
		{"reviewers, timer and protected branches", map[string]any{"wait_timer": 30, "prevent_self_review": true,
			"reviewers":                []any{map[string]any{"type": "User", "id": ts.userID("hubot")}, map[string]any{"type": "Team", "id": team}},
			"deployment_branch_policy": map[string]any{"protected_branches": true, "custom_branch_policies": false}}, 200},
		{"both branch policies", map[string]any{"deployment_branch_policy": map[string]any{"protected_branches": true, "custom_branch_policies": true}}, 422},
		{"unknown user", map[string]any{"reviewers": []any{map[string]any{"type": "User", "id": 99999999}}}, 422},
		{"timer beyond 30 days", map[string]any{"wait_timer": 43201}, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.must(tt.want, ts.do("PUT", "/repos/acme/shop/environments/production", tt.body, nil))
		})
	}
	// The refused updates changed nothing.
	env := ts.must(200, ts.do("GET", "/repos/acme/shop/environments/production", nil, nil)).json(t)
	types := map[string]map[string]any{}
	for _, r := range env["protection_rules"].([]any) {
		types[r.(map[string]any)["type"].(string)] = r.(map[string]any)
	}
	if types["wait_timer"]["wait_timer"] != 30.0 || types["required_reviewers"]["prevent_self_review"] != true ||
		len(types["required_reviewers"]["reviewers"].([]any)) != 2 || types["branch_policy"] == nil {
		t.Errorf("protection rules: %v", env["protection_rules"])
	}
	// Name patterns need custom_branch_policies.
	ts.must(404, ts.do("POST", "/repos/acme/shop/environments/production/deployment-branch-policies", map[string]any{"name": "main"}, nil))
	ts.must(404, ts.do("GET", "/repos/acme/shop/environments/staging", nil, nil))
	if f := ts.srv.ConformanceFailures(); len(f) != 0 {
		t.Errorf("conformance failures: %+v", f)
	}
}

func TestConcurrencyGroups(t *testing.T) {
	const grouped = `name: Deploy
on: workflow_dispatch
concurrency:
  group: deploy-${{ github.ref_name }}
  cancel-in-progress: CANCEL
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo
`
	tests := []struct {
		name   string
		cancel string
		// want are the three runs' status/conclusion after they were dispatched
		// in turn, then after the first completed.
		want, afterFirst []string
	}{
		{name: "a second run waits, a third takes the place of the pending one", cancel: "false",
			want:       []string{"queued/", "completed/cancelled", "pending/"},
			afterFirst: []string{"completed/success", "completed/cancelled", "queued/"}},
		{name: "cancel-in-progress cancels the older runs", cancel: "true",
			want:       []string{"completed/cancelled", "completed/cancelled", "queued/"},
			afterFirst: []string{"completed/cancelled", "completed/cancelled", "queued/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := orgWorld(t)
			ts.commitFiles(filepath.Join(ts.dir, "work-acme-shop"), "main", map[string]string{
				".github/workflows/deploy.yml": strings.Replace(grouped, "CANCEL", tt.cancel, 1)})
			var ids []int64
			for range 3 {
				ids = append(ids, ts.dispatchDeploy("main"))
			}
			states := func() []string {
				var got []string
				for _, id := range ids {
					run := ts.must(200, ts.do("GET", "/repos/acme/shop/actions/runs/"+jsonNum(id), nil, nil)).json(t)
					c, _ := run["conclusion"].(string)
					got = append(got, run["status"].(string)+"/"+c)
				}
				return got
			}
			if got := states(); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("runs %v, want %v", got, tt.want)
			}
			if run := ts.runJSONOf(ids[0]); run["status"] != "completed" {
				ts.moveRunOf("acme/shop", ids[0], "completed", "success")
			}
			if got := states(); strings.Join(got, " ") != strings.Join(tt.afterFirst, " ") {
				t.Errorf("after the first completed: runs %v, want %v", got, tt.afterFirst)
			}
			if f := ts.srv.ConformanceFailures(); len(f) != 0 {
				t.Errorf("conformance failures: %+v", f)
			}
		})
	}
}

func (ts *testServer) runJSONOf(id int64) map[string]any {
	ts.t.Helper()
	return ts.must(200, ts.do("GET", "/repos/acme/shop/actions/runs/"+jsonNum(id), nil, nil)).json(ts.t)
}

// moveRunOf is moveRun for a repository of any owner.
func (ts *testServer) moveRunOf(repo string, id int64, status, conclusion string) {
	ts.t.Helper()
	ts.must(200, ts.ctl("POST", "repos/"+repo+"/runs/"+jsonNum(id), map[string]any{"status": status, "conclusion": conclusion}))
}

// pendingRequestsDoc reads a run's pending deployments as status does: through
// the check suites of the commit it ran on.
const pendingRequestsDoc = `query($oid: GitObjectID!) { repository(owner: "acme", name: "shop") { object(oid: $oid) { ... on Commit {
  checkSuites(last: 20) { nodes { status workflowRun { databaseId pendingDeploymentRequests(first: 10) { nodes {
    environment { name } waitTimer waitTimerStartedAt currentUserCanApprove
    reviewers(first: 10) { nodes { __typename ... on User { login } ... on Team { combinedSlug slug } } } } } } } } } } } }`

func TestPendingDeploymentRequestsGraphQL(t *testing.T) {
	tests := []struct {
		name  string
		env   func(ts *testServer, team int64) map[string]any
		token string
		// want is the run's one check suite: its pending deployment requests and its status, as JSON.
		want string
	}{
		{name: "a user and a team review, with a wait timer; hubot may approve",
			env: func(ts *testServer, team int64) map[string]any {
				return map[string]any{"wait_timer": 5, "reviewers": []any{map[string]any{"type": "User", "id": ts.userID("hubot")}, map[string]any{"type": "Team", "id": team}}}
			},
			token: "hubot-token",
			want: `{"requests":[{"currentUserCanApprove":true,"environment":{"name":"production"},` +
				`"reviewers":{"nodes":[{"__typename":"User","login":"hubot"},{"__typename":"Team","combinedSlug":"acme/on-call","slug":"on-call"}]},` +
				`"waitTimer":5,"waitTimerStartedAt":"STARTED"}],"status":"WAITING"}`},
		{name: "a stranger may not approve; no timer: it did not start",
			env: func(ts *testServer, _ int64) map[string]any {
				return map[string]any{"reviewers": []any{map[string]any{"type": "User", "id": ts.userID("hubot")}}}
			},
			token: "stranger-token",
			want: `{"requests":[{"currentUserCanApprove":false,"environment":{"name":"production"},` +
				`"reviewers":{"nodes":[{"__typename":"User","login":"hubot"}]},"waitTimer":0,"waitTimerStartedAt":null}],"status":"WAITING"}`},
		{name: "no protection rules: the run does not wait, nothing is pending",
			token: "hubot-token",
			want:  `{"requests":[],"status":"COMPLETED"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, team := gateWorld(t)
			if tt.env != nil {
				ts.must(200, ts.do("PUT", "/repos/acme/shop/environments/production", tt.env(ts, team), nil))
			}
			run := ts.dispatchDeploy("main")
			got := ts.must(200, ts.do("GET", "/repos/acme/shop/actions/runs/"+jsonNum(run), nil, nil)).json(t)
			m := ts.must(200, ts.as(tt.token, "POST", "/graphql", map[string]any{"query": pendingRequestsDoc,
				"variables": map[string]any{"oid": got["head_sha"]}})).json(t)
			if errs := m["errors"]; errs != nil {
				t.Fatalf("errors: %v", errs)
			}
			suites := m["data"].(map[string]any)["repository"].(map[string]any)["object"].(map[string]any)["checkSuites"].(map[string]any)["nodes"].([]any)
			if len(suites) != 1 {
				t.Fatalf("check suites: %v", suites)
			}
			suite := suites[0].(map[string]any)
			wr := suite["workflowRun"].(map[string]any)
			if wr["databaseId"] != float64(run) {
				t.Errorf("workflow run %v, want %d", wr["databaseId"], run)
			}
			requests := wr["pendingDeploymentRequests"].(map[string]any)["nodes"].([]any)
			var started string
			if len(requests) > 0 {
				started, _ = requests[0].(map[string]any)["waitTimerStartedAt"].(string)
			}
			b, _ := json.Marshal(map[string]any{"status": suite["status"], "requests": requests})
			want := tt.want
			if started != "" {
				want = strings.Replace(want, "STARTED", started, 1)
			}
			if string(b) != want {
				t.Errorf("got  %s\nwant %s", b, want)
			}
			// The REST pending deployments say the same.
			rest := ts.pending(tt.token, run)
			if len(rest) != len(requests) {
				t.Errorf("REST lists %d pending deployments, GraphQL %d", len(rest), len(requests))
			}
			if len(rest) == 1 && rest[0]["wait_timer_started_at"] != nil && rest[0]["wait_timer_started_at"] != started {
				t.Errorf("wait timer started at %v (REST), %s (GraphQL)", rest[0]["wait_timer_started_at"], started)
			}
			if f := ts.srv.ConformanceFailures(); len(f) != 0 {
				t.Errorf("conformance failures: %+v", f)
			}
		})
	}
}
