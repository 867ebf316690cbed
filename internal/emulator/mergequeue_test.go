package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mergeQueueRule is a merge_queue rule as the REST API takes it: the
// description requires all seven parameters.
func mergeQueueRule(method string) map[string]any {
	return map[string]any{"type": "merge_queue", "parameters": map[string]any{
		"check_response_timeout_minutes": 60, "grouping_strategy": "ALLGREEN", "max_entries_to_build": 5,
		"max_entries_to_merge": 5, "merge_method": method, "min_entries_to_merge": 1, "min_entries_to_merge_wait_minutes": 5}}
}

func requiredChecksRule(contexts ...string) map[string]any {
	var checks []any
	for _, c := range contexts {
		checks = append(checks, map[string]any{"context": c})
	}
	return map[string]any{"type": "required_status_checks", "parameters": map[string]any{
		"required_status_checks": checks, "strict_required_status_checks_policy": false}}
}

// queueRepo seeds NAME with a ruleset on main requiring a merge queue with the
// method, the "ci" check and the rules given, and opens PRs from hotfix/fix
// (#1) and from each extra branch, each changing its own file.
func (ts *testServer) queueRepo(name, method string, extra []string, rules ...any) (work string, prs []map[string]any) {
	ts.t.Helper()
	work = ts.seedRepo(name)
	for _, b := range extra {
		ts.git(work, "checkout", "-q", "-b", b, "main")
		os.WriteFile(filepath.Join(work, strings.ReplaceAll(b, "/", "-")+".txt"), []byte(b+"\n"), 0o644)
		ts.git(work, "add", "-A")
		ts.git(work, "commit", "-q", "-m", "add "+b)
		ts.git(work, "push", "-q", "origin", b)
	}
	ts.createRuleset(name, map[string]any{"name": "queue", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      append([]any{mergeQueueRule(method), requiredChecksRule("ci")}, rules...)})
	for _, head := range append([]string{"hotfix/fix"}, extra...) {
		pr := ts.must(201, ts.do("POST", "/repos/monalisa/"+name+"/pulls", map[string]any{"title": "PR " + head, "head": head, "base": "main"}, nil)).json(ts.t)
		// The pull request's own checks pass (as CI on pull_request would).
		ts.must(201, ts.do("POST", "/repos/monalisa/"+name+"/statuses/"+pr["head"].(map[string]any)["sha"].(string), map[string]any{"state": "success", "context": "ci"}, nil))
		prs = append(prs, pr)
	}
	return work, prs
}

// gqlData runs a GraphQL document and returns its data, or its first error's message.
func (ts *testServer) gqlData(query string, vars map[string]any) (map[string]any, string) {
	ts.t.Helper()
	m := ts.must(200, ts.do("POST", "/graphql", map[string]any{"query": query, "variables": vars}, nil)).json(ts.t)
	if errs, ok := m["errors"].([]any); ok && len(errs) > 0 {
		msg, _ := errs[0].(map[string]any)["message"].(string)
		return nil, msg
	}
	data, _ := m["data"].(map[string]any)
	return data, ""
}

const enqueueDoc = `mutation($id: ID!, $oid: GitObjectID, $jump: Boolean) {
  enqueuePullRequest(input: {pullRequestId: $id, expectedHeadOid: $oid, jump: $jump}) {
    mergeQueueEntry { id position state jump estimatedTimeToMerge enqueuedAt headCommit { oid } pullRequest { number } }
  }
}`

func (ts *testServer) enqueue(pr map[string]any, jump bool) (map[string]any, string) {
	ts.t.Helper()
	data, msg := ts.gqlData(enqueueDoc, map[string]any{"id": pr["node_id"], "jump": jump})
	if msg != "" {
		return nil, msg
	}
	return data["enqueuePullRequest"].(map[string]any)["mergeQueueEntry"].(map[string]any), ""
}

// queueState reads what the product reads of a pull request and its queue.
func (ts *testServer) queueState(name string, number int) map[string]any {
	ts.t.Helper()
	data, msg := ts.gqlData(`query($n: String!, $num: Int!) { repository(owner: "monalisa", name: $n) {
	  mergeQueue(branch: "main") { configuration { mergeMethod mergingStrategy checkResponseTimeout } entries(first: 10) { totalCount nodes { position state pullRequest { number } } } }
	  pullRequest(number: $num) { isMergeQueueEnabled isInMergeQueue merged state mergedBy { login } mergeCommit { oid parents(first: 3) { totalCount } messageHeadline }
	    mergeQueueEntry { position state }
	    timelineItems(first: 20, itemTypes: [ADDED_TO_MERGE_QUEUE_EVENT, REMOVED_FROM_MERGE_QUEUE_EVENT]) { nodes { __typename
	      ... on RemovedFromMergeQueueEvent { reason actor { login } beforeCommit { oid } } ... on AddedToMergeQueueEvent { enqueuer { login } } } } } } }`,
		map[string]any{"n": name, "num": number})
	if msg != "" {
		ts.t.Fatalf("query: %s", msg)
	}
	return data["repository"].(map[string]any)
}

// conforming fails the test if a request deviated from GitHub's descriptions.
func (ts *testServer) conforming() {
	if f := ts.srv.ConformanceFailures(); len(f) > 0 {
		ts.t.Errorf("conformance failures: %s", mustJSON(f))
	}
}

func pullOf(st map[string]any) map[string]any { return st["pullRequest"].(map[string]any) }

func TestMergeQueueEntries(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	_, prs := ts.queueRepo("mq", "SQUASH", []string{"feature/two", "feature/three"})
	st := ts.queueState("mq", 1)
	if pullOf(st)["isMergeQueueEnabled"] != true || pullOf(st)["isInMergeQueue"] != false {
		t.Fatalf("before enqueue: %s", mustJSON(pullOf(st)))
	}
	if got := mustJSON(st["mergeQueue"].(map[string]any)["configuration"]); got != `{"checkResponseTimeout":60,"mergeMethod":"SQUASH","mergingStrategy":"ALLGREEN"}` {
		t.Errorf("configuration: %s", got)
	}

	// Enqueue: the first entry is at the front and its merge group awaits checks.
	e1, msg := ts.enqueue(prs[0], false)
	if msg != "" {
		t.Fatalf("enqueue #1: %s", msg)
	}
	if e1["position"] != float64(1) || e1["state"] != "AWAITING_CHECKS" || e1["jump"] != false || e1["estimatedTimeToMerge"] != nil ||
		e1["headCommit"].(map[string]any)["oid"] != prs[0]["head"].(map[string]any)["sha"] || e1["enqueuedAt"] == nil {
		t.Errorf("entry #1: %s", mustJSON(e1))
	}
	// Position of two entries: the second waits behind the first.
	e2, msg := ts.enqueue(prs[1], false)
	if msg != "" || e2["position"] != float64(2) || e2["state"] != "QUEUED" {
		t.Errorf("entry #2: %s %s", mustJSON(e2), msg)
	}
	if _, msg := ts.enqueue(prs[1], false); msg != "Pull request is already in the merge queue" {
		t.Errorf("enqueue twice: %q", msg)
	}
	// Jump: the third goes first; the old front's group is rebuilt after it.
	e3, msg := ts.enqueue(prs[2], true)
	if msg != "" || e3["position"] != float64(1) || e3["jump"] != true || e3["state"] != "AWAITING_CHECKS" {
		t.Errorf("entry #3 (jump): %s %s", mustJSON(e3), msg)
	}
	st = ts.queueState("mq", 1)
	if got := mustJSON(st["mergeQueue"].(map[string]any)["entries"]); got != `{"nodes":[{"position":1,"pullRequest":{"number":3},"state":"AWAITING_CHECKS"},{"position":2,"pullRequest":{"number":1},"state":"QUEUED"},{"position":3,"pullRequest":{"number":2},"state":"QUEUED"}],"totalCount":3}` {
		t.Errorf("entries after the jump: %s", got)
	}
	if got := mustJSON(pullOf(st)["mergeQueueEntry"]); got != `{"position":2,"state":"QUEUED"}` {
		t.Errorf("#1 mergeQueueEntry: %s", got)
	}

	// Dequeue: #2 leaves the queue, its timeline says a person removed it.
	data, msg := ts.gqlData(`mutation($id: ID!) { dequeuePullRequest(input: {id: $id}) { mergeQueueEntry { pullRequest { number } } } }`, map[string]any{"id": e2["id"]})
	if msg != "" || mustJSON(data) != `{"dequeuePullRequest":{"mergeQueueEntry":{"pullRequest":{"number":2}}}}` {
		t.Fatalf("dequeue: %s %s", mustJSON(data), msg)
	}
	st = ts.queueState("mq", 2)
	if pullOf(st)["isInMergeQueue"] != false || pullOf(st)["mergeQueueEntry"] != nil {
		t.Errorf("#2 after dequeue: %s", mustJSON(pullOf(st)))
	}
	if got := mustJSON(pullOf(st)["timelineItems"]); got != `{"nodes":[{"__typename":"AddedToMergeQueueEvent","enqueuer":{"login":"monalisa"}},{"__typename":"RemovedFromMergeQueueEvent","actor":{"login":"monalisa"},"beforeCommit":{"oid":"`+prs[1]["head"].(map[string]any)["sha"].(string)+`"},"reason":"manual"}]}` {
		t.Errorf("#2 timeline: %s", got)
	}
	if n := st["mergeQueue"].(map[string]any)["entries"].(map[string]any)["totalCount"]; n != float64(2) {
		t.Errorf("entries after dequeue: %v", n)
	}
}

func TestMergeQueueRefusals(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	tests := []struct {
		name    string
		rules   []any
		prepare func(t *testing.T, name, work string, pr map[string]any)
		oid     string
		want    string
	}{
		{"head mismatch", nil, nil, strings.Repeat("a", 40), "Head branch was modified. Review and try the merge again."},
		{"draft", nil, func(t *testing.T, name, work string, pr map[string]any) {
			// as convertPullRequestToDraft would (the emulator has no such mutation yet)
			ts.srv.st.mu.Lock()
			ts.srv.st.repo("monalisa", name).issue(1).pr.Draft = true
			ts.srv.st.mu.Unlock()
		}, "", "Pull request is still a draft"},
		{"missing approval", []any{pullRequestRule(1)}, nil, "", "Pull request At least 1 approving review is required by reviewers with write access."},
		{"conflict", nil, func(t *testing.T, name, work string, pr map[string]any) {
			// main changes the line the pull request changes
			ts.srv.st.mu.Lock()
			r := ts.srv.st.repo("monalisa", name)
			base := r.git.branchSHA("main")
			sha, _, err := r.git.commitFiles(gitEnv("monalisa", ts.srv.st.now()), base, map[string][]byte{"app.txt": []byte("one\nDEUX\nthree\n")}, nil, "conflict")
			if err == nil {
				err = r.git.updateRef("refs/heads/main", sha, base)
			}
			ts.srv.st.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
		}, "", "Pull request is not mergeable"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("mqr%d", i)
			work, prs := ts.queueRepo(name, "MERGE", nil, tt.rules...)
			if tt.prepare != nil {
				tt.prepare(t, name, work, prs[0])
			}
			vars := map[string]any{"id": prs[0]["node_id"]}
			if tt.oid != "" {
				vars["oid"] = tt.oid
			}
			if _, msg := ts.gqlData(enqueueDoc, vars); msg != tt.want {
				t.Errorf("enqueue: %q, want %q", msg, tt.want)
			}
			if pullOf(ts.queueState(name, 1))["isInMergeQueue"] != false {
				t.Error("queued after a refusal")
			}
		})
	}
}

func TestMergeQueueGroup(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	tests := []struct {
		method     string
		conclusion string
		parents    float64 // of the base's new tip
		headline   string
	}{
		{"MERGE", "success", 2, "Merge pull request #1 from monalisa/hotfix/fix"},
		{"SQUASH", "success", 1, "PR hotfix/fix (#1)"},
		{"REBASE", "success", 1, "add new"},
		{"SQUASH", "failure", 0, ""},
	}
	for i, tt := range tests {
		t.Run(tt.method+" "+tt.conclusion, func(t *testing.T) {
			name := fmt.Sprintf("mqg%d", i)
			_, prs := ts.queueRepo(name, tt.method, nil)
			head := prs[0]["head"].(map[string]any)["sha"].(string)
			base := ts.do("GET", "/repos/monalisa/"+name+"/branches/main", nil, nil).json(t)["commit"].(map[string]any)["sha"].(string)
			if _, msg := ts.enqueue(prs[0], false); msg != "" {
				t.Fatalf("enqueue: %s", msg)
			}
			ctl := ts.must(200, ts.ctl("POST", "repos/monalisa/"+name+"/merge-queue/main", map[string]any{"conclusion": tt.conclusion})).json(t)
			if ref := fmt.Sprintf("refs/heads/gh-readonly-queue/main/pr-1-%s", base); ctl["ref"] != ref {
				t.Errorf("group ref %v, want %s", ctl["ref"], ref)
			}
			st := ts.queueState(name, 1)
			p := pullOf(st)
			tip := ts.do("GET", "/repos/monalisa/"+name+"/branches/main", nil, nil).json(t)["commit"].(map[string]any)["sha"].(string)
			if ts.do("GET", "/repos/monalisa/"+name+"/git/ref/heads/gh-readonly-queue/main/pr-1-"+base, nil, nil).status != 404 {
				t.Error("the merge group's branch outlived the group")
			}
			if p["isInMergeQueue"] != false {
				t.Errorf("still queued: %s", mustJSON(p))
			}
			events := p["timelineItems"].(map[string]any)["nodes"].([]any)
			removed := events[len(events)-1].(map[string]any)
			if tt.conclusion == "failure" {
				if p["merged"] != false || tip != base {
					t.Errorf("merged after failing checks: %s", mustJSON(p))
				}
				if removed["reason"] != "failed_checks" || removed["actor"].(map[string]any)["login"] != mergeQueueBot ||
					removed["beforeCommit"].(map[string]any)["oid"] != head {
					t.Errorf("removal event: %s", mustJSON(removed))
				}
				return
			}
			if p["merged"] != true || p["state"] != "MERGED" || p["mergedBy"].(map[string]any)["login"] != mergeQueueBot {
				t.Fatalf("not merged by the queue: %s", mustJSON(p))
			}
			mc := p["mergeCommit"].(map[string]any)
			if mc["oid"] != tip || mc["oid"] != ctl["sha"] || mc["parents"].(map[string]any)["totalCount"] != tt.parents || mc["messageHeadline"] != tt.headline {
				t.Errorf("merge commit %s, base tip %s, group %v", mustJSON(mc), tip, ctl["sha"])
			}
			if removed["__typename"] != "RemovedFromMergeQueueEvent" || removed["reason"] != nil {
				t.Errorf("removal on merge: %s", mustJSON(removed))
			}
		})
	}
}

func TestMergeQueueDirectMergeRefused(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	_, prs := ts.queueRepo("mqd", "MERGE", nil)
	r := ts.do("PUT", "/repos/monalisa/mqd/pulls/1/merge", map[string]any{"merge_method": "merge"}, nil)
	if r.status != 405 || r.json(t)["message"] != "Changes must be made through the merge queue." {
		t.Errorf("REST merge: %d %s", r.status, r.body)
	}
	_, msg := ts.gqlData(`mutation($id: ID!) { mergePullRequest(input: {pullRequestId: $id}) { pullRequest { merged } } }`, map[string]any{"id": prs[0]["node_id"]})
	if msg != "Changes must be made through the merge queue." {
		t.Errorf("GraphQL merge: %q", msg)
	}
	if pullOf(ts.queueState("mqd", 1))["merged"] != false {
		t.Error("merged around the queue")
	}
}

// TestMergeQueueAutoMerge: on a queue-protected branch auto-merge adds the pull
// request to the queue once its requirements pass, and the queue merges it.
func TestMergeQueueAutoMerge(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.must(201, ts.ctl("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"}))
	_, prs := ts.queueRepo("mqa", "SQUASH", nil, pullRequestRule(1))
	enable := `mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id}) { pullRequest { isInMergeQueue } } }`
	if _, msg := ts.gqlData(enable, map[string]any{"id": prs[0]["node_id"]}); msg != "Auto merge is not allowed for this repository" {
		t.Errorf("auto-merge not allowed: %q", msg) // cli/cli#13398
	}
	ts.do("PATCH", "/repos/monalisa/mqa", map[string]any{"allow_auto_merge": true}, nil)
	data, msg := ts.gqlData(enable, map[string]any{"id": prs[0]["node_id"]})
	if msg != "" || mustJSON(data) != `{"enablePullRequestAutoMerge":{"pullRequest":{"isInMergeQueue":false}}}` {
		t.Fatalf("enable auto-merge before the approval: %s %s", mustJSON(data), msg)
	}
	ts.must(200, ts.as("hubot-token", "POST", "/repos/monalisa/mqa/pulls/1/reviews", map[string]any{"event": "APPROVE"}))
	if got := mustJSON(pullOf(ts.queueState("mqa", 1))["mergeQueueEntry"]); got != `{"position":1,"state":"AWAITING_CHECKS"}` {
		t.Fatalf("not queued once approved: %s", got)
	}
	ts.must(200, ts.ctl("POST", "repos/monalisa/mqa/merge-queue/main", map[string]any{"conclusion": "success"}))
	if p := pullOf(ts.queueState("mqa", 1)); p["merged"] != true || p["mergeCommit"].(map[string]any)["messageHeadline"] != "PR hotfix/fix (#1)" {
		t.Errorf("not merged by the queue: %s", mustJSON(p))
	}
}

// TestMergeQueueReviewer: the emulated teammate queues what it would merge on
// a branch with a merge queue; the queue merges it once its checks pass.
func TestMergeQueueReviewer(t *testing.T) {
	ts := newTestServer(t)
	defer ts.conforming()
	ts.queueRepo("mqt", "MERGE", nil)
	ts.must(204, ts.ctl("POST", "repos/monalisa/mqt/reviewer", map[string]any{"after_ms": 0, "method": "merge"}))
	if got := mustJSON(pullOf(ts.queueState("mqt", 1))["mergeQueueEntry"]); got != `{"position":1,"state":"AWAITING_CHECKS"}` {
		t.Fatalf("the teammate did not queue the pull request: %s", got)
	}
	ts.must(200, ts.ctl("POST", "repos/monalisa/mqt/merge-queue/main", map[string]any{"conclusion": "success"}))
	if p := pullOf(ts.queueState("mqt", 1)); p["merged"] != true {
		t.Errorf("not merged by the queue: %s", mustJSON(p))
	}
}
