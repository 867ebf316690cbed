package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestShipLeavesAForkPullRequestOfTheSameBranchAlone: a pull request is ours only
// when its head repository is the one we pushed to (#13 h). Another user forks the
// repository with the real gh, pushes a branch named like our hotfix to the fork and
// opens a pull request from it into main with gh pr create --head owner:branch; a
// maintainer labels it hotfix and asks for a review. Then our user creates the
// hotfix and ships it: ship opens its own pull request from our branch and leaves the
// fork's as it was, and status does not list the fork's pull request as a hotfix.
func TestShipLeavesAForkPullRequestOfTheSameBranchAlone(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	const desc, branch = "cart total rounding", "hotfix/cart-total-rounding"
	work := e.CreateRepo("forked", nil)

	// hubot forks through gh, pushes the same branch name to the fork and opens #1.
	theirs, theirTip := forkAndOpen(t, e, "forked", branch, "hotfix")
	if theirs != 1 {
		t.Fatalf("the fork's pull request is #%d, want #1", theirs)
	}
	if status, out := e.API("GET", "/repos/hubot/forked", nil); status != 200 || out.(map[string]any)["fork"] != true {
		t.Fatalf("hubot's fork: %d %v", status, out)
	}
	view := e.RunIn(work, "gh", "pr", "view", "1", "--json", "isCrossRepository,headRepositoryOwner,headRefName,headRefOid")
	var seen struct {
		IsCrossRepository   bool
		HeadRepositoryOwner struct{ Login string }
		HeadRefName         string
		HeadRefOid          string
	}
	if err := json.Unmarshal([]byte(view.Stdout), &seen); view.Code != 0 || err != nil || !seen.IsCrossRepository ||
		seen.HeadRepositoryOwner.Login != "hubot" || seen.HeadRefName != branch || seen.HeadRefOid != theirTip {
		t.Fatalf("gh pr view 1: exit %d, %+v (%v)\n%s%s", view.Code, seen, err, view.Stdout, view.Stderr)
	}
	before := forkPull(t, e, "forked", 1, "hubot:"+branch)

	// Our hotfix of the same name.
	if r := e.Hotfix(work, "create", desc); r.Code != 0 {
		t.Fatalf("create: exit %d: %s", r.Code, r.Stderr)
	}
	if got := e.Git(work, "branch", "--show-current"); got != branch {
		t.Fatalf("create made %s, want %s", got, branch)
	}
	harnessWrite(t, filepath.Join(work, "cart.txt"), "round half to even\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Fix cart total rounding")
	ourTip := e.Git(work, "rev-parse", "HEAD")
	r := e.Hotfix(work, "ship", "--no-wait")
	if r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stdout+r.Stderr, "/monalisa/forked/pull/2") {
		t.Errorf("ship did not open its own pull request #2:\n%s%s", r.Stdout, r.Stderr)
	}

	// GitHub's side: our pull request #2 is from our branch; the fork's is untouched.
	status, out := e.API("GET", "/repos/monalisa/forked/pulls?head=monalisa:"+branch, nil)
	ours, _ := out.([]any)
	if status != 200 || len(ours) != 1 {
		t.Fatalf("our pull requests: %d %v", status, out)
	}
	pr := ours[0].(map[string]any)
	head := pr["head"].(map[string]any)
	if pr["number"] != 2.0 || head["sha"] != ourTip || head["repo"].(map[string]any)["full_name"] != "monalisa/forked" ||
		!strings.Contains(jsonString(pr["labels"]), `"name":"hotfix"`) {
		t.Errorf("our pull request: number %v, head %v %v, labels %s", pr["number"], head["label"], head["sha"], jsonString(pr["labels"]))
	}
	if after := forkPull(t, e, "forked", 1, "hubot:"+branch); !reflect.DeepEqual(after, before) {
		t.Errorf("ship changed the fork's pull request:\nbefore %+v\nafter  %+v", before, after)
	} else if before.HeadSHA != theirTip || before.State != "open" {
		t.Errorf("the fork's pull request: %+v, want open at %s", before, theirTip)
	}

	// status lists our hotfix only.
	st := e.Hotfix(work, "status", "--json", "number,branch,state")
	var listed []struct {
		Number int
		Branch string
		State  string
	}
	if err := json.Unmarshal([]byte(st.Stdout), &listed); st.Code != 0 || err != nil || len(listed) != 1 || listed[0].Number != 2 || listed[0].Branch != branch {
		t.Errorf("status --json: exit %d, %+v (%v)\n%s%s", st.Code, listed, err, st.Stdout, st.Stderr)
	}
	if !strings.Contains(st.Stderr, "#1") || !strings.Contains(st.Stderr, "hubot:"+branch) {
		t.Errorf("status does not say why #1 is left out:\n%s", st.Stderr)
	}

	// The fork's pull request is a pull request like any other: a maintainer merges it
	// with gh, and hubot's commit is in main.
	if r := e.RunIn(e.Dir, "gh", "pr", "merge", "1", "-R", "monalisa/forked", "--merge"); r.Code != 0 {
		t.Fatalf("gh pr merge 1: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	e.Git(work, "fetch", "-q", "origin")
	if r := e.RunIn(work, "git", "merge-base", "--is-ancestor", theirTip, "origin/main"); r.Code != 0 {
		t.Errorf("hubot's commit %s is not in main after the merge", theirTip)
	}
}

// pullSnapshot is what a maintainer sees of a pull request.
type pullSnapshot struct {
	Title, State, HeadSHA, HeadLabel string
	Labels, Reviewers                []string
	Comments                         int
	Body                             string
}

// forkPull reads pull request n of monalisa/repo, a fork's (its head label is
// headLabel) with one label and one requested reviewer.
func forkPull(t *testing.T, e *harness.Env, repo string, n int, headLabel string) pullSnapshot {
	t.Helper()
	status, out := e.API("GET", fmt.Sprintf("/repos/monalisa/%s/pulls/%d", repo, n), nil)
	if status != 200 {
		t.Fatalf("GET pulls/%d: %d %v", n, status, out)
	}
	pr := out.(map[string]any)
	s := pullSnapshot{Title: pr["title"].(string), State: pr["state"].(string), Comments: int(pr["comments"].(float64)),
		HeadSHA: pr["head"].(map[string]any)["sha"].(string), HeadLabel: pr["head"].(map[string]any)["label"].(string)}
	s.Body, _ = pr["body"].(string)
	for _, l := range pr["labels"].([]any) {
		s.Labels = append(s.Labels, l.(map[string]any)["name"].(string))
	}
	for _, u := range pr["requested_reviewers"].([]any) {
		s.Reviewers = append(s.Reviewers, u.(map[string]any)["login"].(string))
	}
	sort.Strings(s.Labels)
	if s.HeadLabel != headLabel {
		t.Fatalf("#%d's head is %s, want %s", n, s.HeadLabel, headLabel)
	}
	if len(s.Labels) == 0 || len(s.Reviewers) != 1 {
		t.Fatalf("#%d %s", n, fmt.Sprintf("%+v", s))
	}
	return s
}

// forkAndOpen has hubot fork and clone monalisa/repo with gh, push branch (from the fork's
// main, with one commit) to the fork and open a pull request from it into main with
// gh pr create --head hubot:branch; a maintainer then labels it and asks octocat for
// a review. It returns the pull request's number and hubot's commit.
func forkAndOpen(t *testing.T, e *harness.Env, repo, branch string, labels ...string) (int, string) {
	t.Helper()
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	e.Control("POST", "users", map[string]any{"login": "octocat", "token": "octocat-token"})
	hubot := []string{"GH_TOKEN=hubot-token"}
	home := t.TempDir()
	if r := e.RunInEnv(home, hubot, "gh", "repo", "fork", "monalisa/"+repo, "--clone"); r.Code != 0 {
		t.Fatalf("gh repo fork --clone: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	theirs := filepath.Join(home, repo)
	remotes := e.Git(theirs, "remote", "-v")
	if !strings.Contains(remotes, "origin\thttp://github.localhost/hubot/"+repo+".git") ||
		!strings.Contains(remotes, "upstream\thttp://github.localhost/monalisa/"+repo+".git") {
		t.Fatalf("the clone gh repo fork made has the remotes\n%s", remotes)
	}
	e.Git(theirs, "switch", "-q", "-c", branch)
	harnessWrite(t, filepath.Join(theirs, "hubot.txt"), "hubot's idea\n")
	e.Git(theirs, "add", "-A")
	e.Git(theirs, "commit", "-q", "-m", "hubot's idea")
	if r := e.RunInEnv(theirs, hubot, "git", "push", "-q", "origin", branch); r.Code != 0 {
		t.Fatalf("push to the fork: exit %d: %s", r.Code, r.Stderr)
	}
	r := e.RunInEnv(theirs, hubot, "gh", "pr", "create", "-R", "monalisa/"+repo, "--head", "hubot:"+branch, "--base", "main",
		"--title", "hubot's idea", "--body", "From my fork")
	if r.Code != 0 {
		t.Fatalf("gh pr create --head hubot:%s: exit %d\n%s%s", branch, r.Code, r.Stdout, r.Stderr)
	}
	var n int
	if _, err := fmt.Sscanf(strings.TrimSpace(r.Stdout[strings.LastIndex(r.Stdout, "/pull/")+len("/pull/"):]), "%d", &n); err != nil {
		t.Fatalf("gh pr create printed %q", r.Stdout)
	}
	if status, out := e.API("POST", fmt.Sprintf("/repos/monalisa/%s/issues/%d/labels", repo, n), map[string]any{"labels": labels}); status != 200 {
		t.Fatalf("labelling the fork's PR: %d %v", status, out)
	}
	e.AddCollaborator(repo, "octocat") // GitHub asks reviews of collaborators only
	if status, out := e.API("POST", fmt.Sprintf("/repos/monalisa/%s/pulls/%d/requested_reviewers", repo, n), map[string]any{"reviewers": []string{"octocat"}}); status != 201 {
		t.Fatalf("requesting a review: %d %v", status, out)
	}
	return n, e.Git(theirs, "rev-parse", "HEAD")
}

// TestExceptionalForwardPortLeavesAForkPullRequestAlone: a fork's pull request from a
// branch named like the hotfix's forward-port, into main and labelled forward-port,
// is not the forward-port (#13 h): ship opens its own from the
// repository's branch and leaves the fork's as it was, and status reports ship's.
func TestExceptionalForwardPortLeavesAForkPullRequestAlone(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "fpfork", true)
	const fpBranch = "hotfix/forward-port-login-page-500"
	// Labelled forward-port only: the emulator's teammate below merges what carries hotfix.
	theirs, theirTip := forkAndOpen(t, e, "fpfork", fpBranch, "forward-port")
	before := forkPull(t, e, "fpfork", theirs, "hubot:"+fpBranch)

	if r := e.Hotfix(work, "create", "login page 500", "--from-tag", "v1.4.0"); r.Code != 0 {
		t.Fatalf("create --from-tag: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "app.txt"), "version = 1.4\nlogin = fixed\n")
	e.Git(work, "commit", "-q", "-am", "Fix the login page 500")
	e.Control("POST", "repos/monalisa/fpfork/reviewer", map[string]any{"after_ms": 300, "label": "hotfix"})
	e.Control("POST", "repos/monalisa/fpfork/auto-runs", map[string]any{"after_ms": 300, "conclusion": "success"})
	r := e.Hotfix(work, "ship", "--watch", "--interval", "50ms")
	if r.Code != 0 {
		t.Fatalf("ship --watch: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}

	// ship's forward-port is its own, from the repository's branch.
	status, out := e.API("GET", "/repos/monalisa/fpfork/pulls?state=all&head=monalisa:"+fpBranch, nil)
	ours, _ := out.([]any)
	if status != 200 || len(ours) != 1 {
		t.Fatalf("the repository's forward-port pull requests: %d %s\nship said:\n%s", status, jsonString(out), r.Stderr)
	}
	fw := ours[0].(map[string]any)
	fwNumber := int(fw["number"].(float64))
	if fwNumber == theirs || fw["base"].(map[string]any)["ref"] != "main" || !strings.Contains(jsonString(fw["labels"]), `"name":"forward-port"`) {
		t.Errorf("ship's forward-port: #%d, base %v, labels %s", fwNumber, fw["base"].(map[string]any)["ref"], jsonString(fw["labels"]))
	}
	if !strings.Contains(r.Stdout, fmt.Sprintf("/pull/%d", fwNumber)) || strings.Contains(r.Stdout+r.Stderr, fmt.Sprintf("/pull/%d\n", theirs)) {
		t.Errorf("ship reports the wrong forward-port:\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
	if after := forkPull(t, e, "fpfork", theirs, "hubot:"+fpBranch); !reflect.DeepEqual(after, before) {
		t.Errorf("ship changed the fork's pull request:\nbefore %+v\nafter  %+v", before, after)
	} else if before.HeadSHA != theirTip || before.State != "open" {
		t.Errorf("the fork's pull request: %+v, want open at %s", before, theirTip)
	}

	// status goes by ship's forward-port, and does not list the fork's pull request.
	st := e.Hotfix(work, "status", "--state", "all", "--json", "number,forwardPort")
	var listed []struct {
		Number      int
		ForwardPort *struct{ Number int }
	}
	if err := json.Unmarshal([]byte(st.Stdout), &listed); st.Code != 0 || err != nil {
		t.Fatalf("status: exit %d (%v)\n%s%s", st.Code, err, st.Stdout, st.Stderr)
	}
	for _, p := range listed {
		if p.Number == theirs {
			t.Errorf("status lists the fork's #%d: %s", theirs, st.Stdout)
		}
		if p.ForwardPort != nil && p.ForwardPort.Number != fwNumber {
			t.Errorf("status: #%d's forward-port is #%d, want #%d", p.Number, p.ForwardPort.Number, fwNumber)
		}
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}
