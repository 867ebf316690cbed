package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testServer is an emulator on a loopback port with a client that uses it as proxy.
type testServer struct {
	t      *testing.T
	srv    *Server
	addr   string
	client *http.Client
	dir    string
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, Options{})
}

// newTestServerWith is newTestServer with options (its Root is a temporary folder).
func newTestServerWith(t *testing.T, opts Options) *testServer {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("the emulator needs git: %v", err)
	}
	dir := t.TempDir()
	opts.Root = filepath.Join(dir, "root")
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	proxy, _ := url.Parse("http://" + ln.Addr().String())
	return &testServer{t: t, srv: srv, addr: ln.Addr().String(), dir: dir,
		client: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d, body %q is not a JSON object: %v", r.status, r.body, err)
	}
	return m
}

func (ts *testServer) do(method, path string, body any, hdr map[string]string) response {
	ts.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	target := "http://" + APIHost + path
	if strings.HasPrefix(path, "http") {
		target = path
	}
	req, _ := http.NewRequest(method, target, rd)
	req.Header.Set("Authorization", "token t0k3n")
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		return response{status: 0, body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (ts *testServer) git(dir string, args ...string) string {
	ts.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x",
		"http_proxy=http://"+ts.addr, "no_proxy=", "NO_PROXY=", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		ts.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// seedRepo creates monalisa/NAME via the API and pushes main plus a feature branch
// that changes one file, returning the clone.
func (ts *testServer) seedRepo(name string) string {
	ts.t.Helper()
	if r := ts.do("POST", "/user/repos", map[string]any{"name": name}, nil); r.status != 201 {
		ts.t.Fatalf("create repo: %d %s", r.status, r.body)
	}
	work := filepath.Join(ts.dir, "work-"+name)
	remote := "http://x-access-token:t0k3n@" + Host + "/monalisa/" + name + ".git"
	ts.git(ts.dir, "init", "-q", "-b", "main", work)
	os.MkdirAll(filepath.Join(work, ".github/workflows"), 0o755)
	os.WriteFile(filepath.Join(work, "app.txt"), []byte("one\ntwo\nthree\n"), 0o644)
	os.WriteFile(filepath.Join(work, ".github/workflows/release.yml"), []byte(`name: Release
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [production, staging]
        required: true
`), 0o644)
	ts.git(work, "add", "-A")
	ts.git(work, "commit", "-q", "-m", "initial")
	ts.git(work, "remote", "add", "origin", remote)
	ts.git(work, "push", "-q", "origin", "main")
	ts.git(work, "checkout", "-q", "-b", "hotfix/fix")
	os.WriteFile(filepath.Join(work, "app.txt"), []byte("one\nTWO\nthree\n"), 0o644)
	ts.git(work, "commit", "-q", "-am", "fix two")
	os.WriteFile(filepath.Join(work, "new.txt"), []byte("new\n"), 0o644)
	ts.git(work, "add", "-A")
	ts.git(work, "commit", "-q", "-m", "add new")
	ts.git(work, "push", "-q", "origin", "hotfix/fix")
	return work
}

func (ts *testServer) bare(name string) string {
	return filepath.Join(ts.dir, "root", "monalisa", name+".git")
}

func TestMergeMethodsProduceRealCommits(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		method      string
		wantParents int
		wantCommits int // commits on main after the merge, counting the initial one
	}{
		{"merge", 2, 4},
		{"squash", 1, 2},
		{"rebase", 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			name := "merge-" + tt.method
			work := ts.seedRepo(name)
			headTree := ts.git(work, "rev-parse", "hotfix/fix^{tree}")
			r := ts.do("POST", "/repos/monalisa/"+name+"/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil)
			if r.status != 201 {
				t.Fatalf("create PR: %d %s", r.status, r.body)
			}
			r = ts.do("PUT", "/repos/monalisa/"+name+"/pulls/1/merge", map[string]any{"merge_method": tt.method}, nil)
			if r.status != 200 {
				t.Fatalf("merge: %d %s", r.status, r.body)
			}
			sha := r.json(t)["sha"].(string)
			bare := ts.bare(name)
			if got := ts.git(bare, "rev-parse", "refs/heads/main"); got != sha {
				t.Fatalf("main is %s, merge answered %s", got, sha)
			}
			if got := ts.git(bare, "rev-parse", sha+"^{tree}"); got != headTree {
				t.Errorf("merged tree %s, want the head's tree %s", got, headTree)
			}
			parents := strings.Fields(ts.git(bare, "log", "-1", "--format=%P", sha))
			if len(parents) != tt.wantParents {
				t.Errorf("merge commit has %d parents, want %d", len(parents), tt.wantParents)
			}
			if n := ts.git(bare, "rev-list", "--count", "main"); n != strconv.Itoa(tt.wantCommits) {
				t.Errorf("main has %s commits, want %d", n, tt.wantCommits)
			}
			pr := ts.do("GET", "/repos/monalisa/"+name+"/pulls/1", nil, nil).json(t)
			if pr["merged"] != true || pr["state"] != "closed" || pr["merge_commit_sha"] != sha {
				t.Errorf("PR after merge: merged=%v state=%v merge_commit_sha=%v", pr["merged"], pr["state"], pr["merge_commit_sha"])
			}
			if r := ts.do("PUT", "/repos/monalisa/"+name+"/pulls/1/merge", map[string]any{}, nil); r.status != 405 {
				t.Errorf("second merge: %d, want 405", r.status)
			}
		})
	}
}

func TestETagAnswers304(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("etag")
	first := ts.do("GET", "/repos/monalisa/etag", nil, nil)
	etag := first.header.Get("ETag")
	if first.status != 200 || etag == "" {
		t.Fatalf("first GET: %d, ETag %q", first.status, etag)
	}
	remaining := first.header.Get("X-RateLimit-Remaining")
	second := ts.do("GET", "/repos/monalisa/etag", nil, map[string]string{"If-None-Match": etag})
	if second.status != 304 || len(second.body) != 0 {
		t.Fatalf("conditional GET: %d %q, want 304 with no body", second.status, second.body)
	}
	if got := second.header.Get("X-RateLimit-Remaining"); got != remaining {
		t.Errorf("a 304 used rate limit: remaining %s → %s", remaining, got)
	}
	// A change makes the ETag stale.
	ts.do("PATCH", "/repos/monalisa/etag", map[string]any{"allow_auto_merge": true}, nil)
	third := ts.do("GET", "/repos/monalisa/etag", nil, map[string]string{"If-None-Match": etag})
	if third.status != 200 || third.header.Get("ETag") == etag {
		t.Fatalf("after a change: %d, ETag %q (was %q)", third.status, third.header.Get("ETag"), etag)
	}
}

func TestFaultInjectionAndRequestLog(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("faults")
	post := func(path string, body any) response {
		b, _ := json.Marshal(body)
		resp, err := http.Post("http://"+ts.addr+"/_emulator/"+path, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return response{status: resp.StatusCode, body: raw}
	}
	if r := post("faults", map[string]any{"route": "GET /repos/{owner}/{repo}", "status": 502, "count": 1}); r.status != 201 {
		t.Fatalf("add fault: %d %s", r.status, r.body)
	}
	if r := ts.do("GET", "/repos/monalisa/faults", nil, nil); r.status != 502 {
		t.Errorf("faulted request: %d, want 502", r.status)
	}
	if r := ts.do("GET", "/repos/monalisa/faults", nil, nil); r.status != 200 {
		t.Errorf("request after the fault was used up: %d, want 200", r.status)
	}

	// Secondary rate limit with Retry-After.
	post("faults", map[string]any{"route": "GET /repos/{owner}/{repo}/labels", "status": 403, "retry_after": 1})
	r := ts.do("GET", "/repos/monalisa/faults/labels", nil, nil)
	if r.status != 403 || r.header.Get("Retry-After") != "1" || !strings.Contains(string(r.body), "secondary rate limit") {
		t.Errorf("rate-limit fault: %d Retry-After=%q %s", r.status, r.header.Get("Retry-After"), r.body)
	}

	// A dropped response: the label is created but the client sees a broken connection.
	post("faults", map[string]any{"route": "POST /repos/{owner}/{repo}/labels", "drop": true})
	if r := ts.do("POST", "/repos/monalisa/faults/labels", map[string]any{"name": "hotfix", "color": "d73a4a"}, nil); r.status != 0 {
		t.Fatalf("dropped response arrived: %d %s", r.status, r.body)
	}
	if r := ts.do("GET", "/repos/monalisa/faults/labels/hotfix", nil, nil); r.status != 200 {
		t.Errorf("the dropped request did not act: label lookup %d", r.status)
	}

	// Latency.
	post("faults", map[string]any{"route": "GET /rate_limit", "latency_ms": 300})
	start := time.Now()
	ts.do("GET", "/rate_limit", nil, nil)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("latency fault took %v, want ≥300ms", d)
	}

	// The request log counts per route.
	resp, err := http.Get("http://" + ts.addr + "/_emulator/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var log struct {
		Counts   map[string]int `json:"counts"`
		Requests []LogEntry     `json:"requests"`
	}
	json.NewDecoder(resp.Body).Decode(&log)
	if got := log.Counts["GET /repos/{owner}/{repo}"]; got != 2 {
		t.Errorf("log counts GET /repos/{owner}/{repo} = %d, want 2 (all counts: %v)", got, log.Counts)
	}
	if got := log.Counts["POST /repos/{owner}/{repo}/labels"]; got != 1 {
		t.Errorf("log counts POST labels = %d, want 1", got)
	}
	faulted := 0
	for _, e := range log.Requests {
		if e.Fault != "" {
			faulted++
		}
	}
	if faulted != 4 {
		t.Errorf("%d log entries carry a fault, want 4", faulted)
	}

	// skip: the first requests on the route pass, the next one fails.
	post("faults", map[string]any{"route": "GET /repos/{owner}/{repo}", "status": 502, "count": 1, "skip": 2})
	for i, want := range []int{200, 200, 502, 200} {
		if r := ts.do("GET", "/repos/monalisa/faults", nil, nil); r.status != want {
			t.Errorf("request %d with skip 2: %d, want %d", i+1, r.status, want)
		}
	}
}

func TestRefusals(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("refuse")
	tests := []struct {
		name        string
		method      string
		path        string
		body        any
		hdr         map[string]string
		wantStatus  int
		wantMessage string
		conformance bool
	}{
		{"no token", "GET", "/repos/monalisa/refuse", nil, map[string]string{"Authorization": ""}, 401, "Requires authentication", false},
		{"wrong body type", "POST", "/repos/monalisa/refuse/pulls", map[string]any{"title": "x", "head": "hotfix/fix", "base": "main", "draft": "yes"}, nil, 422, "", true},
		{"missing required field", "POST", "/repos/monalisa/refuse/pulls", map[string]any{"title": "x", "base": "main"}, nil, 422, "", true},
		{"unknown route", "GET", "/repos/monalisa/refuse/nonsense", nil, nil, 404, "Not Found", true},
		{"undeclared dispatch input", "POST", "/repos/monalisa/refuse/actions/workflows/release.yml/dispatches",
			map[string]any{"ref": "main", "inputs": map[string]any{"environment": "production", "bogus": "1"}}, nil, 422, `Unexpected inputs provided: [\"bogus\"]`, false},
		{"choice outside options", "POST", "/repos/monalisa/refuse/actions/workflows/release.yml/dispatches",
			map[string]any{"ref": "main", "inputs": map[string]any{"environment": "moon"}}, nil, 422, "not in the list of allowed values", false},
		{"missing required input", "POST", "/repos/monalisa/refuse/actions/workflows/release.yml/dispatches",
			map[string]any{"ref": "main"}, nil, 422, "Required input 'environment' not provided", false},
		{"no commits between", "POST", "/repos/monalisa/refuse/pulls", map[string]any{"title": "x", "head": "main", "base": "main"}, nil, 422, "Validation Failed", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(ts.srv.ConformanceFailures())
			r := ts.do(tt.method, tt.path, tt.body, tt.hdr)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantMessage != "" && !strings.Contains(string(r.body), tt.wantMessage) {
				t.Errorf("body %s does not mention %q", r.body, tt.wantMessage)
			}
			if got := len(ts.srv.ConformanceFailures()) > before; got != tt.conformance {
				t.Errorf("recorded as conformance failure: %v, want %v", got, tt.conformance)
			}
		})
	}
}

func TestConnectIsRefused(t *testing.T) {
	ts := newTestServer(t)
	req, _ := http.NewRequest(http.MethodConnect, "http://"+ts.addr, nil)
	req.Host = "github.com:443"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("CONNECT answered %d", resp.StatusCode)
	}
	if len(ts.srv.ConformanceFailures()) != 1 {
		t.Errorf("CONNECT not recorded as a failure")
	}
}

func TestDispatchAndRunLifecycle(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("runs")
	r := ts.do("POST", "/repos/monalisa/runs/actions/workflows/release.yml/dispatches",
		map[string]any{"ref": "main", "inputs": map[string]any{"environment": "staging"}, "return_run_details": true}, nil)
	if r.status != 200 {
		t.Fatalf("dispatch: %d %s", r.status, r.body)
	}
	id := int64(r.json(t)["workflow_run_id"].(float64))
	if r := ts.do("POST", "/repos/monalisa/runs/actions/workflows/release.yml/dispatches",
		map[string]any{"ref": "main", "inputs": map[string]any{"environment": "staging"}}, nil); r.status != 204 {
		t.Fatalf("dispatch without run details: %d %s", r.status, r.body)
	}
	list := ts.do("GET", "/repos/monalisa/runs/actions/workflows/release.yml/runs?event=workflow_dispatch&branch=main", nil, nil).json(t)
	if list["total_count"].(float64) != 2 {
		t.Fatalf("runs listed: %v", list["total_count"])
	}
	b, _ := json.Marshal(map[string]any{"status": "completed", "conclusion": "failure"})
	resp, err := http.Post("http://"+ts.addr+"/_emulator/repos/monalisa/runs/runs/"+jsonNum(id), "application/json", bytes.NewReader(b))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("control run: %v %v", err, resp)
	}
	resp.Body.Close()
	run := ts.do("GET", "/repos/monalisa/runs/actions/runs/"+jsonNum(id), nil, nil).json(t)
	if run["status"] != "completed" || run["conclusion"] != "failure" || run["head_branch"] != "main" {
		t.Errorf("run: status=%v conclusion=%v branch=%v", run["status"], run["conclusion"], run["head_branch"])
	}
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestAutoMergeWaitsForRequiredChecks(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("auto")
	ts.do("PATCH", "/repos/monalisa/auto", map[string]any{"allow_auto_merge": true}, nil)
	if r := ts.do("PUT", "/repos/monalisa/auto/branches/main/protection", map[string]any{
		"required_status_checks": map[string]any{"strict": false, "contexts": []string{"ci"}},
		"enforce_admins":         nil, "required_pull_request_reviews": nil, "restrictions": nil}, nil); r.status != 200 {
		t.Fatalf("protection: %d %s", r.status, r.body)
	}
	pr := ts.do("POST", "/repos/monalisa/auto/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil).json(t)
	q := map[string]any{"query": `mutation($id:ID!){enablePullRequestAutoMerge(input:{pullRequestId:$id,mergeMethod:SQUASH}){pullRequest{autoMergeRequest{mergeMethod}}}}`,
		"variables": map[string]any{"id": pr["node_id"]}}
	r := ts.do("POST", "/graphql", q, nil)
	if r.status != 200 || strings.Contains(string(r.body), "errors") {
		t.Fatalf("enable auto-merge: %d %s", r.status, r.body)
	}
	head := ts.git(work, "rev-parse", "hotfix/fix")
	ts.do("POST", "/repos/monalisa/auto/statuses/"+head, map[string]any{"state": "success", "context": "ci"}, nil)
	got := ts.do("GET", "/repos/monalisa/auto/pulls/1", nil, nil).json(t)
	if got["merged"] != true {
		t.Fatalf("PR not merged after its required check passed: mergeable_state=%v", got["mergeable_state"])
	}
}

// TestClockSkew: GitHub's timestamps follow its own clock, set through the
// control API; the runs list's created filter goes by the same clock.
func TestClockSkew(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("clock")
	for _, skew := range []float64{3600, -7200.5} {
		b, _ := json.Marshal(map[string]any{"skew_s": skew})
		resp, err := http.Post("http://"+ts.addr+"/_emulator/clock", "application/json", bytes.NewReader(b))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("control clock: %v %v", err, resp)
		}
		resp.Body.Close()
		want := time.Now().Add(time.Duration(skew * float64(time.Second)))
		r := ts.do("POST", "/repos/monalisa/clock/actions/workflows/release.yml/dispatches",
			map[string]any{"ref": "main", "inputs": map[string]any{"environment": "staging"}, "return_run_details": true}, nil)
		if r.status != 200 {
			t.Fatalf("dispatch: %d %s", r.status, r.body)
		}
		id := int64(r.json(t)["workflow_run_id"].(float64))
		run := ts.do("GET", "/repos/monalisa/clock/actions/runs/"+jsonNum(id), nil, nil).json(t)
		created, err := time.Parse(time.RFC3339, run["created_at"].(string))
		if err != nil || created.Sub(want).Abs() > 5*time.Second {
			t.Errorf("skew %v s: created_at %v, want about %v", skew, run["created_at"], want.UTC().Format(time.RFC3339))
		}
		since := ts.do("GET", "/repos/monalisa/clock/actions/runs?created=>="+created.UTC().Format(time.RFC3339), nil, nil).json(t)
		if since["total_count"].(float64) < 1 {
			t.Errorf("skew %v s: the run is not listed as created since %s", skew, created.UTC().Format(time.RFC3339))
		}
	}
}

// TestMergeabilityInTheBackground: a pull request reads unknown until GitHub's
// background job is done, again after its head moves, and draft once computed;
// merging does not wait for the job. The job's time passes by moving GitHub's
// clock, not by sleeping.
func TestMergeabilityInTheBackground(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("bg")
	control := func(path string, body map[string]any) {
		b, _ := json.Marshal(body)
		resp, err := http.Post("http://"+ts.addr+"/_emulator/"+path, "application/json", bytes.NewReader(b))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("control %s: %v %v", path, err, resp)
		}
		resp.Body.Close()
	}
	control("mergeability", map[string]any{"delay_ms": 3600 * 1000})
	pr := ts.do("POST", "/repos/monalisa/bg/pulls", map[string]any{"title": "Fix", "head": "hotfix/fix", "base": "main"}, nil).json(t)
	gql := func() (string, string) {
		q := map[string]any{"query": `query($id:ID!){node(id:$id){... on PullRequest{mergeable mergeStateStatus}}}`, "variables": map[string]any{"id": pr["node_id"]}}
		n := ts.do("POST", "/graphql", q, nil).json(t)["data"].(map[string]any)["node"].(map[string]any)
		return n["mergeable"].(string), n["mergeStateStatus"].(string)
	}
	rest := func() (any, any) {
		p := ts.do("GET", "/repos/monalisa/bg/pulls/1", nil, nil).json(t)
		return p["mergeable"], p["mergeable_state"]
	}
	if m, st := rest(); m != nil || st != "unknown" {
		t.Errorf("right after opening: REST mergeable=%v state=%v, want null/unknown", m, st)
	}
	if m, st := gql(); m != "UNKNOWN" || st != "UNKNOWN" {
		t.Errorf("right after opening: GraphQL %s/%s, want UNKNOWN/UNKNOWN", m, st)
	}
	control("clock", map[string]any{"skew_s": 3601}) // the job is done
	if m, st := rest(); m != true || st != "clean" {
		t.Errorf("once computed: REST mergeable=%v state=%v, want true/clean", m, st)
	}
	if m, st := gql(); m != "MERGEABLE" || st != "CLEAN" {
		t.Errorf("once computed: GraphQL %s/%s, want MERGEABLE/CLEAN", m, st)
	}
	// A push to the head starts the job again.
	ts.git(work, "switch", "-q", "hotfix/fix")
	if err := os.WriteFile(filepath.Join(work, "more.txt"), []byte("more\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts.git(work, "add", "-A")
	ts.git(work, "commit", "-q", "-m", "more")
	ts.git(work, "push", "-q", "origin", "hotfix/fix")
	if m, st := rest(); m != nil || st != "unknown" {
		t.Errorf("after a push: REST mergeable=%v state=%v, want null/unknown", m, st)
	}
	// Merging tries the merge itself.
	if r := ts.do("PUT", "/repos/monalisa/bg/pulls/1/merge", map[string]any{"merge_method": "squash"}, nil); r.status != 200 {
		t.Errorf("merge while unknown: %d %s", r.status, r.body)
	}
	// A draft reads draft once computed.
	control("mergeability", map[string]any{"delay_ms": 0})
	ts.git(work, "switch", "-q", "-c", "hotfix/draft", "main")
	ts.git(work, "commit", "-q", "--allow-empty", "-m", "draft work")
	ts.git(work, "push", "-q", "origin", "hotfix/draft")
	ts.do("POST", "/repos/monalisa/bg/pulls", map[string]any{"title": "Draft", "head": "hotfix/draft", "base": "main", "draft": true}, nil)
	if p := ts.do("GET", "/repos/monalisa/bg/pulls/2", nil, nil).json(t); p["mergeable_state"] != "draft" {
		t.Errorf("draft: mergeable_state=%v, want draft", p["mergeable_state"])
	}
}

// TestGraphQLPaginationLimits: connections need first or last, 1 to 100, with
// GitHub's words.
func TestGraphQLPaginationLimits(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("pages")
	tests := []struct {
		labels string
		want   string // "" = no error
	}{
		{"labels { totalCount }", `"type":"MISSING_PAGINATION_BOUNDARIES"`},
		{"labels(first: 101) { totalCount }", "Requesting 101 records on the `labels` connection exceeds the `first` limit of 100 records."},
		{"labels(last: 500) { totalCount }", `"type":"EXCESSIVE_PAGINATION"`},
		{"labels(first: 100) { totalCount }", ""},
		{"labels(last: 1) { totalCount }", ""},
	}
	for _, tt := range tests {
		r := ts.do("POST", "/graphql", map[string]any{"query": `{ repository(owner: "monalisa", name: "pages") { ` + tt.labels + ` } }`}, nil)
		body := string(r.body)
		switch {
		case tt.want == "" && strings.Contains(body, `"errors"`):
			t.Errorf("%s: %s", tt.labels, body)
		case tt.want != "" && !strings.Contains(body, tt.want):
			t.Errorf("%s: %s, want it to say %s", tt.labels, body, tt.want)
		}
	}
}
