package emulator

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// moveRun sets a run's status and conclusion through the control API.
func (ts *testServer) moveRun(repo string, id int64, status, conclusion string) {
	ts.t.Helper()
	if code, body := ts.control("POST", "repos/monalisa/"+repo+"/runs/"+jsonNum(id),
		map[string]any{"status": status, "conclusion": conclusion}); code != 200 {
		ts.t.Fatalf("move run %d: %d %s", id, code, body)
	}
}

// commitFiles writes files (content "" deletes) in work, commits and pushes branch.
func (ts *testServer) commitFiles(work, branch string, files map[string]string) string {
	ts.t.Helper()
	if cur := ts.git(work, "rev-parse", "--abbrev-ref", "HEAD"); cur != branch {
		if ts.gitOK(work, "rev-parse", "--verify", "-q", branch) {
			ts.git(work, "checkout", "-q", branch)
		} else {
			ts.git(work, "checkout", "-q", "-b", branch)
		}
	}
	ts.gitOK(work, "pull", "-q", "--ff-only", "origin", branch) // GitHub may have moved it (a merge)
	for p, content := range files {
		full := filepath.Join(work, p)
		if content == "" {
			os.Remove(full)
			continue
		}
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte(content), 0o644)
	}
	ts.git(work, "add", "-A")
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "change "+branch)
	ts.git(work, "push", "-q", "origin", branch)
	return ts.git(work, "rev-parse", "HEAD")
}

// gitOK runs git as ts.git does and reports whether it succeeded.
func (ts *testServer) gitOK(dir string, args ...string) bool {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x",
		"http_proxy=http://"+ts.addr, "no_proxy=", "NO_PROXY=", "GIT_TERMINAL_PROMPT=0")
	return cmd.Run() == nil
}

// runsOf lists a repository's runs (newest first) as the REST API reports them.
func (ts *testServer) runsOf(repo, query string) []map[string]any {
	ts.t.Helper()
	r := ts.do("GET", "/repos/monalisa/"+repo+"/actions/runs"+query, nil, nil)
	var out struct {
		WorkflowRuns []map[string]any `json:"workflow_runs"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 {
		ts.t.Fatalf("list runs: %d %s", r.status, r.body)
	}
	return out.WorkflowRuns
}

const releaseV2 = `name: Release v2
on:
  workflow_dispatch:
    inputs:
      version:
        required: true
jobs:
  ship:
    name: Ship it
    runs-on: ubuntu-latest
    steps:
      - run: echo
`

// TestDispatchRunsTheRefsCopy: a dispatch checks the trigger and the inputs
// against the workflow file as it is at the dispatched ref, and the run takes its
// name and job from that copy; the workflow itself is found on the default branch.
func TestDispatchRunsTheRefsCopy(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("copies")
	ts.commitFiles(work, "v2", map[string]string{".github/workflows/release.yml": releaseV2})
	ts.commitFiles(work, "push-only", map[string]string{".github/workflows/release.yml": "name: R\non: push\njobs:\n  a:\n    runs-on: x\n"})
	ts.commitFiles(work, "no-file", map[string]string{".github/workflows/release.yml": ""})
	tests := []struct {
		name             string
		ref              string
		inputs           map[string]any
		status           int
		message          string
		runName, jobName string
	}{
		{"default branch copy", "main", map[string]any{"environment": "staging"}, 200, "", "Release", defaultJobName},
		{"the ref's required input", "v2", map[string]any{}, 422, "Required input 'version' not provided", "", ""},
		{"the default branch's input is unknown at the ref", "v2", map[string]any{"version": "1", "environment": "staging"}, 422,
			`Unexpected inputs provided: ["environment"]`, "", ""},
		{"the ref's copy names the run and the job", "refs/heads/v2", map[string]any{"version": "1"}, 200, "", "Release v2", "Ship it"},
		{"the ref's copy lacks the trigger", "push-only", map[string]any{}, 422, "Workflow does not have 'workflow_dispatch' trigger", "", ""},
		{"the ref has no such file", "no-file", map[string]any{}, 404, "Not Found", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.do("POST", "/repos/monalisa/copies/actions/workflows/release.yml/dispatches",
				map[string]any{"ref": tt.ref, "inputs": tt.inputs, "return_run_details": true}, nil)
			if r.status != tt.status {
				t.Fatalf("dispatch: %d %s, want %d", r.status, r.body, tt.status)
			}
			if tt.status != 200 {
				if msg := r.json(t)["message"]; msg != tt.message {
					t.Errorf("message %q, want %q", msg, tt.message)
				}
				return
			}
			id := jsonNum(int64(r.json(t)["workflow_run_id"].(float64)))
			run := ts.do("GET", "/repos/monalisa/copies/actions/runs/"+id, nil, nil).json(t)
			if run["name"] != tt.runName || run["event"] != "workflow_dispatch" {
				t.Errorf("run name %v event %v, want %q workflow_dispatch", run["name"], run["event"], tt.runName)
			}
			jobs := ts.do("GET", "/repos/monalisa/copies/actions/runs/"+id+"/jobs", nil, nil).json(t)
			if job := jobs["jobs"].([]any)[0].(map[string]any); job["name"] != tt.jobName {
				t.Errorf("job name %v, want %q", job["name"], tt.jobName)
			}
		})
	}
}

func TestPushFilterMatches(t *testing.T) {
	tests := []struct {
		filter pushFilter
		branch string
		want   bool
	}{
		{pushFilter{}, "anything/at-all", true},
		{pushFilter{Branches: []string{"main"}}, "main", true},
		{pushFilter{Branches: []string{"main"}}, "mainline", false},
		{pushFilter{Branches: []string{"releases/*"}}, "releases/1.0", true},
		{pushFilter{Branches: []string{"releases/*"}}, "releases/1.0/fix", false},
		{pushFilter{Branches: []string{"releases/**"}}, "releases/1.0/fix", true},
		{pushFilter{Branches: []string{"releases/**", "!releases/**-alpha"}}, "releases/2-alpha", false},
		{pushFilter{Branches: []string{"!releases/**-alpha", "releases/**"}}, "releases/2-alpha", true},
		{pushFilter{Branches: []string{"v[12].?"}}, "v1.", true},
		{pushFilter{Branches: []string{"v[12].?"}}, "v3.", false},
		{pushFilter{Branches: []string{`feature\*`}}, "feature*", true},
		{pushFilter{Branches: []string{`feature\*`}}, "featureX", false},
		{pushFilter{BranchesIgnore: []string{"hotfix/**"}}, "hotfix/a", false},
		{pushFilter{BranchesIgnore: []string{"hotfix/**"}}, "main", true},
		{pushFilter{TagsOnly: true}, "main", false},
	}
	for _, tt := range tests {
		if got := tt.filter.matches(tt.branch); got != tt.want {
			t.Errorf("%+v matches %q = %v, want %v", tt.filter, tt.branch, got, tt.want)
		}
	}
}

const pushAndDispatch = `name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo
`

// TestPushStartsRuns: a branch push matching on.push starts a run with event
// push at the new tip, whether git pushed it or a pull request merged into it.
func TestPushStartsRuns(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("pushes")
	if got := ts.runsOf("pushes", "?event=push"); len(got) != 0 {
		t.Fatalf("a dispatch-only workflow ran on push: %v", got)
	}
	mainTip := ts.commitFiles(work, "main", map[string]string{".github/workflows/deploy.yml": pushAndDispatch})
	ts.commitFiles(work, "hotfix/fix", map[string]string{"other.txt": "x\n"})
	pr := ts.do("POST", "/repos/monalisa/pushes/pulls", map[string]any{"title": "fix", "head": "hotfix/fix", "base": "main"}, nil).json(t)
	// The clone's hotfix/fix predates deploy.yml: merging it is still a push to main.
	merged := ts.do("PUT", "/repos/monalisa/pushes/pulls/"+jsonNum(int64(pr["number"].(float64)))+"/merge",
		map[string]any{"merge_method": "merge"}, nil)
	if merged.status != 200 {
		t.Fatalf("merge: %d %s", merged.status, merged.body)
	}
	mergeSHA := merged.json(t)["sha"].(string)
	runs := ts.runsOf("pushes", "?event=push")
	tests := []struct {
		name string
		run  map[string]any
		sha  string
	}{
		{"the merge commit pushed to main", runs[0], mergeSHA},
		{"git push to main", runs[1], mainTip},
	}
	if len(runs) != 2 {
		t.Fatalf("push runs: %d, want 2 (main twice; hotfix/fix is not in the filter)", len(runs))
	}
	for _, tt := range tests {
		if tt.run["head_sha"] != tt.sha || tt.run["head_branch"] != "main" || tt.run["name"] != "Deploy" || tt.run["status"] != "queued" {
			t.Errorf("%s: run %v %v %v %v", tt.name, tt.run["head_sha"], tt.run["head_branch"], tt.run["name"], tt.run["status"])
		}
	}
	// Push runs follow the same rules as dispatched ones: the control API and auto-runs move them.
	ts.moveRun("pushes", int64(runs[0]["id"].(float64)), "completed", "failure")
	if got := ts.runsOf("pushes", "?event=push&status=failure"); len(got) != 1 {
		t.Errorf("failed push runs: %d", len(got))
	}
	// A push whose tip says [skip ci] runs nothing.
	ts.git(work, "checkout", "-q", "main")
	ts.git(work, "pull", "-q", "--ff-only", "origin", "main")
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "Bump the version [skip ci]")
	ts.git(work, "push", "-q", "origin", "main")
	if got := ts.runsOf("pushes", "?event=push"); len(got) != 2 {
		t.Errorf("a [skip ci] push ran: %d runs", len(got))
	}
	// A disabled workflow does not run on push.
	ts.do("PUT", "/repos/monalisa/pushes/actions/workflows/deploy.yml/disable", nil, nil)
	ts.commitFiles(work, "main", map[string]string{"more.txt": "x\n"})
	if got := ts.runsOf("pushes", "?event=push"); len(got) != 2 {
		t.Errorf("a disabled workflow ran on push: %d runs", len(got))
	}
}

// TestRunsReportChecks: a run's job is a check run of the GitHub Actions app on
// its head_sha, in the run's check suite, and the commit's rollup follows it.
func TestRunsReportChecks(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("checks")
	r := ts.do("POST", "/repos/monalisa/checks/actions/workflows/release.yml/dispatches",
		map[string]any{"ref": "main", "inputs": map[string]any{"environment": "staging"}, "return_run_details": true}, nil)
	id := int64(r.json(t)["workflow_run_id"].(float64))
	run := ts.do("GET", "/repos/monalisa/checks/actions/runs/"+jsonNum(id), nil, nil).json(t)
	sha := run["head_sha"].(string)
	const rollupQuery = `query($sha: GitObjectID!) { repository(owner: "monalisa", name: "checks") { object(oid: $sha) { ... on Commit {
  statusCheckRollup { state contexts(first: 10) { nodes { ... on CheckRun { name status conclusion checkSuite { app { slug databaseId } workflowRun { databaseId } } } } } }
  checkSuites(first: 10) { nodes { status conclusion app { slug } workflowRun { databaseId event } } } } } } }`
	tests := []struct {
		status, conclusion string
		rollup             string
	}{
		{"queued", "", "PENDING"},
		{"in_progress", "", "PENDING"},
		{"completed", "failure", "FAILURE"},
		{"completed", "success", "SUCCESS"},
	}
	for _, tt := range tests {
		t.Run(tt.status+" "+tt.conclusion, func(t *testing.T) {
			ts.moveRun("checks", id, tt.status, tt.conclusion)
			crs := ts.do("GET", "/repos/monalisa/checks/commits/main/check-runs", nil, nil).json(t)
			if crs["total_count"].(float64) != 1 {
				t.Fatalf("check runs: %v", crs)
			}
			cr := crs["check_runs"].([]any)[0].(map[string]any)
			app, _ := cr["app"].(map[string]any)
			if cr["name"] != defaultJobName || cr["status"] != tt.status || cr["conclusion"] != nullIfEmpty(tt.conclusion) ||
				app["slug"] != "github-actions" || cr["check_suite"].(map[string]any)["id"].(float64) != float64(id) {
				t.Errorf("check run: %v", cr)
			}
			if got := ts.do("GET", "/repos/monalisa/checks/check-runs/"+jsonNum(int64(cr["id"].(float64))), nil, nil).json(t); got["name"] != defaultJobName {
				t.Errorf("get check run: %v", got)
			}
			css := ts.do("GET", "/repos/monalisa/checks/commits/"+sha+"/check-suites?app_id=15368", nil, nil).json(t)
			cs := css["check_suites"].([]any)[0].(map[string]any)
			if css["total_count"].(float64) != 1 || cs["id"].(float64) != float64(id) || cs["status"] != tt.status ||
				cs["app"].(map[string]any)["id"].(float64) != 15368 {
				t.Errorf("check suites: %v", css)
			}
			if other := ts.do("GET", "/repos/monalisa/checks/commits/"+sha+"/check-suites?app_id=1", nil, nil).json(t); other["total_count"].(float64) != 0 {
				t.Errorf("check suites of another app: %v", other)
			}
			g := ts.do("POST", "/graphql", map[string]any{"query": rollupQuery, "variables": map[string]any{"sha": sha}}, nil).json(t)
			commit := g["data"].(map[string]any)["repository"].(map[string]any)["object"].(map[string]any)
			rollup := commit["statusCheckRollup"].(map[string]any)
			node := rollup["contexts"].(map[string]any)["nodes"].([]any)[0].(map[string]any)
			suite := node["checkSuite"].(map[string]any)
			if rollup["state"] != tt.rollup || node["name"] != defaultJobName || suite["app"].(map[string]any)["slug"] != "github-actions" ||
				suite["workflowRun"].(map[string]any)["databaseId"].(float64) != float64(id) {
				t.Errorf("rollup: %v", rollup)
			}
			suites := commit["checkSuites"].(map[string]any)["nodes"].([]any)
			if len(suites) != 1 || suites[0].(map[string]any)["workflowRun"].(map[string]any)["event"] != "workflow_dispatch" {
				t.Errorf("checkSuites: %v", suites)
			}
		})
	}
}

func TestSkipsPushRuns(t *testing.T) {
	tests := []struct {
		message string
		want    bool
	}{
		{"Fix the login page", false},
		{"Bump version [skip ci]", true},
		{"[ci skip] docs", true},
		{"docs [no ci]", true},
		{"docs [skip actions]", true},
		{"docs [actions skip]", true},
		{"docs [skip  ci]", false},
		{"Docs\n\n\nskip-checks: true\n", true},
		{"Docs\n\n\nskip-checks:true", true},
		{"skip-checks: true", false}, // a subject, not a trailer
		{"Docs\n\nskip-checks: false", false},
	}
	for _, tt := range tests {
		if got := skipsPushRuns(tt.message); got != tt.want {
			t.Errorf("skipsPushRuns(%q) = %v, want %v", tt.message, got, tt.want)
		}
	}
}
