package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forkWorld is monalisa/NAME (seeded by seedRepo, with its hotfix/fix branch) and
// hubot's fork of it, whose hotfix/fix branch holds one commit of hubot's own.
type forkWorld struct {
	ts   *testServer
	name string
	fork map[string]any // the create-fork answer
	work string         // hubot's clone of the fork
	tip  string         // hubot's hotfix/fix
}

const hubotToken = "hubot-t0k3n"

func tokenHeader(token string) map[string]string {
	return map[string]string{"Authorization": "token " + token}
}

func newForkWorld(t *testing.T, name string, body map[string]any) *forkWorld {
	t.Helper()
	ts := newTestServer(t)
	ts.seedRepo(name)
	b, _ := json.Marshal(map[string]any{"login": "hubot", "token": hubotToken})
	resp, err := http.Post("http://"+ts.addr+"/_emulator/users", "application/json", bytes.NewReader(b))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("control users: %v %v", err, resp)
	}
	resp.Body.Close()
	r := ts.do("POST", "/repos/monalisa/"+name+"/forks", body, tokenHeader(hubotToken))
	if r.status != 202 {
		t.Fatalf("create fork: %d %s", r.status, r.body)
	}
	w := &forkWorld{ts: ts, name: name, fork: r.json(t)}
	full := w.fork["full_name"].(string)
	w.work = filepath.Join(ts.dir, "hubot-"+name)
	ts.git(ts.dir, "clone", "-q", "http://x-access-token:"+hubotToken+"@"+Host+"/"+full+".git", w.work)
	ts.git(w.work, "switch", "-q", "-c", "hotfix/fix", "origin/main")
	if err := os.WriteFile(filepath.Join(w.work, "hubot.txt"), []byte("hubot's fix\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts.git(w.work, "add", "-A")
	ts.git(w.work, "commit", "-q", "-m", "hubot's fix")
	ts.git(w.work, "push", "-q", "-f", "origin", "hotfix/fix")
	w.tip = ts.git(w.work, "rev-parse", "HEAD")
	return w
}

func (w *forkWorld) graphql(t *testing.T, query string, vars map[string]any) map[string]any {
	t.Helper()
	r := w.ts.do("POST", "/graphql", map[string]any{"query": query, "variables": vars}, nil)
	out := r.json(t)
	if out["errors"] != nil {
		t.Fatalf("GraphQL errors: %s", r.body)
	}
	return out["data"].(map[string]any)
}

// TestCreateFork: POST /repos/{owner}/{repo}/forks answers 202 with a repository of
// the caller's marked as a fork, with parent and source; asking again answers the
// same fork; the fork shares the parent's history (its branches, or only the default
// one with default_branch_only).
func TestCreateFork(t *testing.T) {
	tests := []struct {
		name      string
		body      map[string]any
		wantName  string
		wantOwner string
		branches  []string
	}{
		{"default", nil, "hubot/fk1", "hubot", []string{"hotfix/fix", "main"}},
		{"named, default branch only", map[string]any{"name": "mine", "default_branch_only": true}, "hubot/mine", "hubot", []string{"hotfix/fix", "main"}},
		{"into an organization", map[string]any{"organization": "octo-org"}, "octo-org/fk3", "octo-org", []string{"hotfix/fix", "main"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "fk" + string(rune('1'+i))
			w := newForkWorld(t, name, tt.body)
			ts := w.ts
			f := w.fork
			if f["full_name"] != tt.wantName || f["fork"] != true || f["owner"].(map[string]any)["login"] != tt.wantOwner {
				t.Fatalf("fork: full_name=%v fork=%v owner=%v", f["full_name"], f["fork"], f["owner"])
			}
			for _, k := range []string{"parent", "source"} {
				if p, _ := f[k].(map[string]any); p == nil || p["full_name"] != "monalisa/"+name {
					t.Errorf("%s = %v, want monalisa/%s", k, f[k], name)
				}
			}
			got := ts.do("GET", "/repos/"+tt.wantName, nil, nil).json(t)
			if got["fork"] != true || got["parent"].(map[string]any)["full_name"] != "monalisa/"+name {
				t.Errorf("GET the fork: fork=%v parent=%v", got["fork"], got["parent"])
			}
			if p := ts.do("GET", "/repos/monalisa/"+name, nil, nil).json(t); p["fork"] != false || p["parent"] != nil || p["forks_count"] != 1.0 {
				t.Errorf("GET the parent: fork=%v parent=%v forks_count=%v", p["fork"], p["parent"], p["forks_count"])
			}
			// The fork was made before hubot pushed: with default_branch_only it had only main.
			branches := ts.do("GET", "/repos/"+tt.wantName+"/branches", nil, nil).body
			for _, b := range tt.branches {
				if !strings.Contains(string(branches), `"name":"`+b+`"`) {
					t.Errorf("fork's branches %s, want %s", branches, b)
				}
			}
			again := ts.do("POST", "/repos/monalisa/"+name+"/forks", tt.body, tokenHeader(hubotToken))
			if again.status != 202 || again.json(t)["id"] != f["id"] {
				t.Errorf("forking again: %d %s, want the same fork", again.status, again.body)
			}
			if l := ts.do("GET", "/repos/monalisa/"+name+"/forks", nil, nil); !strings.Contains(string(l.body), `"full_name":"`+tt.wantName+`"`) {
				t.Errorf("list forks: %s", l.body)
			}
			d := w.graphql(t, `query($o:String!,$n:String!){repository(owner:$o,name:$n){isFork parent{nameWithOwner}}}`,
				map[string]any{"o": strings.Split(tt.wantName, "/")[0], "n": strings.Split(tt.wantName, "/")[1]})
			repo := d["repository"].(map[string]any)
			if repo["isFork"] != true || repo["parent"].(map[string]any)["nameWithOwner"] != "monalisa/"+name {
				t.Errorf("GraphQL: %v", repo)
			}
		})
	}
	t.Run("a name taken: a numeric suffix", func(t *testing.T) {
		ts := newTestServer(t)
		ts.seedRepo("taken")
		b, _ := json.Marshal(map[string]any{"login": "hubot", "token": hubotToken})
		if resp, err := http.Post("http://"+ts.addr+"/_emulator/users", "application/json", bytes.NewReader(b)); err != nil || resp.StatusCode != 201 {
			t.Fatalf("control users: %v %v", err, resp)
		}
		if r := ts.do("POST", "/user/repos", map[string]any{"name": "taken"}, tokenHeader(hubotToken)); r.status != 201 {
			t.Fatalf("hubot's own repo: %d %s", r.status, r.body)
		}
		r := ts.do("POST", "/repos/monalisa/taken/forks", nil, tokenHeader(hubotToken))
		if r.status != 202 || r.json(t)["full_name"] != "hubot/taken-1" {
			t.Errorf("fork onto a taken name: %d %s, want hubot/taken-1", r.status, r.body)
		}
	})
	t.Run("default branch only", func(t *testing.T) {
		ts := newTestServer(t)
		ts.seedRepo("only")
		f := ts.do("POST", "/repos/monalisa/only/forks", map[string]any{"name": "only-main", "default_branch_only": true}, nil)
		if f.status != 202 {
			t.Fatalf("fork: %d %s", f.status, f.body)
		}
		b := string(ts.do("GET", "/repos/monalisa/only-main/branches", nil, nil).body)
		if !strings.Contains(b, `"name":"main"`) || strings.Contains(b, "hotfix/fix") {
			t.Errorf("branches of a default_branch_only fork: %s", b)
		}
	})
}

// TestForkPullRequest: a pull request whose head is hubot:hotfix/fix has the fork as
// its head repository (REST head.label/head.repo, GraphQL isCrossRepository,
// headRepository, headRepositoryOwner), is told apart from the base repository's
// pull request of the same branch by head=owner:branch, and merging it brings the
// fork's commit into the base.
func TestForkPullRequest(t *testing.T) {
	w := newForkWorld(t, "fpr", nil)
	ts := w.ts
	ours := ts.do("POST", "/repos/monalisa/fpr/pulls", map[string]any{"title": "Ours", "head": "hotfix/fix", "base": "main"}, nil)
	if ours.status != 201 {
		t.Fatalf("our PR: %d %s", ours.status, ours.body)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"owner:branch", map[string]any{"title": "Theirs", "head": "hubot:hotfix/fix", "base": "main"}, 201},
		{"the same again", map[string]any{"title": "Again", "head": "hubot:hotfix/fix", "base": "main"}, 422},
		{"head_repo", map[string]any{"title": "Again", "head": "hotfix/fix", "head_repo": "hubot/fpr", "base": "main"}, 422},
		{"an owner without a fork", map[string]any{"title": "Nobody", "head": "nobody:hotfix/fix", "base": "main"}, 422},
		{"a branch the fork lacks", map[string]any{"title": "Missing", "head": "hubot:nope", "base": "main"}, 422},
	}
	for _, tt := range tests {
		if r := ts.do("POST", "/repos/monalisa/fpr/pulls", tt.body, tokenHeader(hubotToken)); r.status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, r.status, r.body, tt.status)
		}
	}
	theirs := ts.do("GET", "/repos/monalisa/fpr/pulls/2", nil, nil).json(t)
	head := theirs["head"].(map[string]any)
	if head["label"] != "hubot:hotfix/fix" || head["sha"] != w.tip || head["repo"].(map[string]any)["full_name"] != "hubot/fpr" ||
		head["user"].(map[string]any)["login"] != "hubot" {
		t.Errorf("fork PR head: %v", head)
	}
	if h := ts.do("GET", "/repos/monalisa/fpr/pulls/1", nil, nil).json(t)["head"].(map[string]any); h["label"] != "monalisa:hotfix/fix" {
		t.Errorf("our PR head label %v", h["label"])
	}
	for q, want := range map[string]string{
		"head=hubot:hotfix/fix": `"number":2`, "head=monalisa:hotfix/fix": `"number":1`,
		"head=hotfix/fix": `"number":1`, "head=nobody:hotfix/fix": "",
	} {
		body := string(ts.do("GET", "/repos/monalisa/fpr/pulls?"+q, nil, nil).body)
		if n := strings.Count(body, `"number":`); (want == "" && n != 0) || (want != "" && (n != 1 || !strings.Contains(body, want))) {
			t.Errorf("list %s: %s, want only %s", q, body, want)
		}
	}

	// GraphQL's headRefName filter matches the branch name in any repository.
	d := w.graphql(t, `{repository(owner:"monalisa",name:"fpr"){pullRequests(headRefName:"hotfix/fix",first:10){nodes{
		number isCrossRepository headRefName headRefOid headRepository{nameWithOwner} headRepositoryOwner{login} headRef{target{oid}}}}}}`, nil)
	nodes := d["repository"].(map[string]any)["pullRequests"].(map[string]any)["nodes"].([]any)
	if len(nodes) != 2 {
		t.Fatalf("pull requests of hotfix/fix: %v", nodes)
	}
	for _, n := range nodes {
		n := n.(map[string]any)
		cross, owner := n["number"] == 2.0, "monalisa"
		if cross {
			owner = "hubot"
		}
		if n["isCrossRepository"] != cross || n["headRefName"] != "hotfix/fix" ||
			n["headRepository"].(map[string]any)["nameWithOwner"] != owner+"/fpr" || n["headRepositoryOwner"].(map[string]any)["login"] != owner {
			t.Errorf("#%v: %v", n["number"], n)
		}
		if cross && (n["headRefOid"] != w.tip || n["headRef"].(map[string]any)["target"].(map[string]any)["oid"] != w.tip) {
			t.Errorf("#2 head %v, want hubot's %s", n, w.tip)
		}
	}

	// A push to the fork moves the pull request's head.
	if err := os.WriteFile(filepath.Join(w.work, "more.txt"), []byte("more\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts.git(w.work, "add", "-A")
	ts.git(w.work, "commit", "-q", "-m", "more")
	ts.git(w.work, "push", "-q", "origin", "hotfix/fix")
	tip := ts.git(w.work, "rev-parse", "HEAD")
	if p := ts.do("GET", "/repos/monalisa/fpr/pulls/2", nil, nil).json(t); p["head"].(map[string]any)["sha"] != tip || p["commits"] != 2.0 {
		t.Errorf("after a push to the fork: head %v, commits %v", p["head"].(map[string]any)["sha"], p["commits"])
	}

	// Merged, its commits are in the base; the fork's branch stays.
	r := ts.do("PUT", "/repos/monalisa/fpr/pulls/2/merge", map[string]any{"merge_method": "merge"}, nil)
	if r.status != 200 {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}
	sha := r.json(t)["sha"].(string)
	bare := ts.bare("fpr")
	if got := ts.git(bare, "rev-parse", "refs/heads/main"); got != sha {
		t.Fatalf("main is %s, merge answered %s", got, sha)
	}
	ts.git(bare, "merge-base", "--is-ancestor", tip, "main")
	if msg := ts.git(bare, "log", "-1", "--format=%s", "main"); msg != "Merge pull request #2 from hubot/hotfix/fix" {
		t.Errorf("merge commit title %q", msg)
	}
	if b := ts.do("GET", "/repos/hubot/fpr/branches/hotfix/fix", nil, nil); b.status != 200 {
		t.Errorf("the fork's branch after the merge: %d", b.status)
	}
}

// TestCreatePullRequestFromForkGraphQL: createPullRequest takes the fork in
// headRefName ("owner:branch") or headRepositoryId.
func TestCreatePullRequestFromForkGraphQL(t *testing.T) {
	w := newForkWorld(t, "fgql", nil)
	d := w.graphql(t, `{a:repository(owner:"monalisa",name:"fgql"){id} b:repository(owner:"hubot",name:"fgql"){id}}`, nil)
	base, fork := d["a"].(map[string]any)["id"], d["b"].(map[string]any)["id"]
	const m = `mutation($in:CreatePullRequestInput!){createPullRequest(input:$in){pullRequest{number isCrossRepository headRepositoryOwner{login}}}}`
	tests := []struct {
		name string
		in   map[string]any
	}{
		{"owner:branch", map[string]any{"repositoryId": base, "baseRefName": "main", "headRefName": "hubot:hotfix/fix", "title": "A"}},
		{"headRepositoryId", map[string]any{"repositoryId": base, "baseRefName": "hotfix/fix", "headRefName": "hotfix/fix", "headRepositoryId": fork, "title": "B"}},
	}
	for _, tt := range tests {
		d := w.graphql(t, m, map[string]any{"in": tt.in})
		pr := d["createPullRequest"].(map[string]any)["pullRequest"].(map[string]any)
		if pr["isCrossRepository"] != true || pr["headRepositoryOwner"].(map[string]any)["login"] != "hubot" {
			t.Errorf("%s: %v", tt.name, pr)
		}
	}
}
