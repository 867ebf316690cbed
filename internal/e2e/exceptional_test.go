package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

const exceptionalConfig = "exceptional:\n  workflow: hotfix.yml\n"

// unreleasableRepo makes a repository whose release v1.4.0 is two commits behind a
// main that fails its checks; mainEdits are the contents main's two commits give to
// app.txt (empty: they add other files). It returns the clone and main's tip.
func unreleasableRepo(t *testing.T, e *harness.Env, name string, withProcess bool, mainEdits ...string) (string, string) {
	t.Helper()
	files := map[string]string{"app.txt": "version = 1.4\nlogin = broken\n"}
	if withProcess {
		files[".github/hotfix.yml"] = exceptionalConfig
		files[".github/workflows/hotfix.yml"] = release.HotfixWorkflow
	}
	work := e.CreateRepo(name, files)
	if status, out := e.API("POST", "/repos/monalisa/"+name+"/releases", map[string]any{"tag_name": "v1.4.0", "target_commitish": "main"}); status != 201 {
		t.Fatalf("release v1.4.0: %d %v", status, out)
	}
	for i := 1; i <= 2; i++ {
		if i <= len(mainEdits) && mainEdits[i-1] != "" {
			harnessWrite(t, filepath.Join(work, "app.txt"), mainEdits[i-1])
		} else {
			harnessWrite(t, filepath.Join(work, fmt.Sprintf("feature-%d.txt", i)), "unfinished work\n")
		}
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", fmt.Sprintf("Unfinished feature, part %d", i))
	}
	e.Git(work, "push", "-q", "origin", "main")
	tip := e.Git(work, "rev-parse", "HEAD")
	if status, out := e.API("POST", "/repos/monalisa/"+name+"/statuses/"+tip, map[string]any{"state": "failure", "context": "ci"}); status != 201 {
		t.Fatalf("failing status: %d %v", status, out)
	}
	return work, tip
}

// mutations lists the requests of the log that change something on GitHub.
func mutations(e *harness.Env) []string {
	api, _, pushes := e.RequestCounts()
	var out []string
	for route, n := range api {
		if strings.HasPrefix(route, "POST /repos") || strings.HasPrefix(route, "PATCH") || strings.HasPrefix(route, "PUT") ||
			strings.HasPrefix(route, "DELETE") || strings.HasPrefix(route, "graphql mutation") {
			out = append(out, fmt.Sprintf("%s ×%d", route, n))
		}
	}
	if pushes > 0 {
		out = append(out, fmt.Sprintf("git push ×%d", pushes))
	}
	return out
}

type apiPR struct {
	Number int
	State  string
	Merged bool
	Title  string
	Body   string
	Head   struct{ Ref, SHA string }
	Base   struct{ Ref string }
	Labels []struct{ Name string }
}

func (p apiPR) labels() string {
	var names []string
	for _, l := range p.Labels {
		names = append(names, l.Name)
	}
	return strings.Join(names, ",")
}

// hotfixAndForwardPort finds among the repository's pull requests the one from
// branch and its forward-port, failing the test unless both are there and, when
// total > 0, they are all there is.
func hotfixAndForwardPort(t *testing.T, e *harness.Env, repo, branch string, total int) (hotfixPR, forwardPR *apiPR) {
	t.Helper()
	prs := pullsOf(t, e, repo)
	for i := range prs {
		switch prs[i].Head.Ref {
		case branch:
			hotfixPR = &prs[i]
		case "hotfix/forward-port-" + strings.TrimPrefix(branch, "hotfix/"):
			forwardPR = &prs[i]
		}
	}
	if hotfixPR == nil || forwardPR == nil || (total > 0 && len(prs) != total) {
		t.Fatalf("pull requests: %+v", prs)
	}
	return hotfixPR, forwardPR
}

func pullsOf(t *testing.T, e *harness.Env, repo string) []apiPR {
	t.Helper()
	_, out := e.API("GET", "/repos/monalisa/"+repo+"/pulls?state=all", nil)
	var prs []apiPR
	if err := json.Unmarshal([]byte(jsonString(out)), &prs); err != nil {
		t.Fatalf("pulls: %v", err)
	}
	return prs
}

func fileAt(t *testing.T, e *harness.Env, repo, path, ref string) string {
	t.Helper()
	_, out := e.API("GET", "/repos/monalisa/"+repo+"/contents/"+path+"?ref="+ref, nil)
	m, _ := out.(map[string]any)
	content, _ := m["content"].(string)
	raw, err := decodeBase64(content)
	if err != nil {
		return ""
	}
	return raw
}

// TestExceptionalHotfix is issue 9's story: main is red, the fix ships from the last release.
func TestExceptionalHotfix(t *testing.T) {
	t.Parallel()
	harness.ForEachSite(t, testExceptionalHotfix)
}

// testExceptionalHotfix runs in a world of each site (harness.Sites).
func testExceptionalHotfix(t *testing.T, e *harness.Env) {
	work, mainTip := unreleasableRepo(t, e, "shop", true)
	tagSHA := e.Git(work, "rev-parse", "HEAD~2")

	// Without --from-tag, create refuses and points at the exceptional process.
	r := e.Hotfix(work, "create", "login page 500")
	assertRefused(t, r, "main is not releasable: its latest commit "+mainTip[:7]+" has failing checks (ci)")
	if !strings.Contains(r.Stderr, "gh hotfix create --from-latest-release") || !strings.Contains(r.Stderr, "--force") {
		t.Errorf("the refusal does not point at --from-latest-release and --force: %s", r.Stderr)
	}

	e.ClearRequests()
	r = e.Hotfix(work, "create", "login page 500", "--from-tag", "v1.4.0")
	logCost(t, e, "create --from-tag")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != "hotfix/login-page-500" {
		t.Fatalf("create --from-tag: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := e.Git(work, "rev-parse", "HEAD"); got != tagSHA {
		t.Errorf("the hotfix branch starts at %s, want the tag's commit %s", got, tagSHA)
	}
	_, ref := e.API("GET", "/repos/monalisa/shop/git/ref/heads/release/v1.4", nil)
	if got := jsonString(ref); !strings.Contains(got, tagSHA) {
		t.Errorf("release/v1.4 on GitHub: %s, want it at %s", got, tagSHA)
	}
	for key, want := range map[string]string{"hotfix-from-tag": "v1.4.0", "hotfix-base": "release/v1.4", "hotfix-mainline": "main"} {
		if got := e.Git(work, "config", "branch.hotfix/login-page-500."+key); got != want {
			t.Errorf("branch.hotfix/login-page-500.%s = %q, want %q", key, got, want)
		}
	}

	harnessWrite(t, filepath.Join(work, "app.txt"), "version = 1.4\nlogin = fixed\n")
	e.Git(work, "commit", "-q", "-am", "Fix the login page 500")

	// A teammate approves and merges; runs finish by themselves.
	e.Control("POST", "repos/monalisa/shop/reviewer", map[string]any{"after_ms": 300, "label": "hotfix"})
	e.Control("POST", "repos/monalisa/shop/auto-runs", map[string]any{"after_ms": 300, "conclusion": "success"})
	e.ClearRequests()
	r = e.Hotfix(work, "ship", "--watch", "--interval", "50ms")
	logCost(t, e, "ship --watch (exceptional: PR, merge, tag, dispatch, watch, forward-port)")
	if r.Code != 0 {
		t.Fatalf("ship --watch: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	t.Logf("ship said:\n%s", r.Stderr)

	hotfixPR, forwardPR := hotfixAndForwardPort(t, e, "shop", "hotfix/login-page-500", 2)
	if hotfixPR.Base.Ref != "release/v1.4" || !hotfixPR.Merged || hotfixPR.labels() != "hotfix" {
		t.Errorf("hotfix PR: base %s, merged %v, labels %s", hotfixPR.Base.Ref, hotfixPR.Merged, hotfixPR.labels())
	}
	if forwardPR.Base.Ref != "main" || !strings.Contains(forwardPR.labels(), "hotfix") || !strings.Contains(forwardPR.labels(), "forward-port") {
		t.Errorf("forward-port PR: base %s, labels %s", forwardPR.Base.Ref, forwardPR.labels())
	}
	if !strings.Contains(forwardPR.Body, fmt.Sprintf("Forward-port of #%d", hotfixPR.Number)) || !strings.Contains(forwardPR.Body, "v1.4.1") {
		t.Errorf("forward-port PR body:\n%s", forwardPR.Body)
	}
	if got := fileAt(t, e, "shop", "app.txt", "hotfix/forward-port-login-page-500"); got != "version = 1.4\nlogin = fixed\n" {
		t.Errorf("app.txt on the forward-port branch = %q, want the fix", got)
	}
	if got := fileAt(t, e, "shop", "feature-2.txt", "hotfix/forward-port-login-page-500"); got == "" {
		t.Errorf("the forward-port branch does not start from main")
	}
	if got := fileAt(t, e, "shop", "app.txt", "release/v1.4"); got != "version = 1.4\nlogin = fixed\n" {
		t.Errorf("app.txt on release/v1.4 = %q, want the fix", got)
	}

	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
	_, out := e.API("GET", "/repos/monalisa/shop/actions/runs", nil)
	runs, _ := out.(map[string]any)["workflow_runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1: %s", len(runs), jsonString(out))
	}
	run := runs[0].(map[string]any)
	if run["path"] != ".github/workflows/hotfix.yml" || run["head_branch"] != "release/v1.4" || run["conclusion"] != "success" ||
		jsonString(run["inputs"]) != `{"environment":"production","tag":"v1.4.1"}` {
		t.Errorf("run: path %v, branch %v, conclusion %v, inputs %s", run["path"], run["head_branch"], run["conclusion"], jsonString(run["inputs"]))
	}
	for _, want := range []string{fmt.Sprintf("/pull/%d", hotfixPR.Number), "/actions/runs/", fmt.Sprintf("/pull/%d", forwardPR.Number)} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %s:\n%s", want, r.Stdout)
		}
	}
	_, cm := e.API("GET", fmt.Sprintf("/repos/monalisa/shop/issues/%d/comments", hotfixPR.Number), nil)
	if got := jsonString(cm); !strings.Contains(got, "v1.4.1") || !strings.Contains(got, "Release started") {
		t.Errorf("the release comment does not name the tag: %s", got)
	}

	// Running ship again changes nothing.
	for _, args := range [][]string{{"ship"}, {"ship", "--watch", "--interval", "50ms", "--json", "tag,forwardPort,release"}} {
		e.ClearRequests()
		r = e.Hotfix(work, args...)
		logCost(t, e, "re-run: "+strings.Join(args, " "))
		if r.Code != 0 {
			t.Fatalf("%v again: exit %d\n%s", args, r.Code, r.Stderr)
		}
		if m := mutations(e); len(m) > 0 {
			t.Errorf("%v again changed something: %v", args, m)
		}
		if n := dispatchCount(e); n != 0 {
			t.Errorf("%v again dispatched %d times", args, n)
		}
	}
	var res struct {
		Tag         string
		ForwardPort struct {
			Number    int
			Conflicts bool
		}
		Release struct{ Conclusion string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || res.Tag != "v1.4.1" || res.ForwardPort.Number != forwardPR.Number ||
		res.ForwardPort.Conflicts || res.Release.Conclusion != "success" {
		t.Errorf("--json: %+v (%v)\n%s", res, err, r.Stdout)
	}

	// status shows the tag and the forward-port.
	e.ClearRequests()
	r = e.Hotfix(work, "status", "--state", "merged", "--json", "number,tag,forwardPort", "--jq", fmt.Sprintf(".[] | select(.number == %d)", hotfixPR.Number))
	var st struct {
		Tag         string
		ForwardPort struct {
			Number int
			State  string
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil || st.Tag != "v1.4.1" || st.ForwardPort.Number != forwardPR.Number {
		t.Errorf("status --json: exit %d, %+v (%v)\n%s%s", r.Code, st, err, r.Stdout, r.Stderr)
	}
	logCost(t, e, "status --state merged")
	r = e.Hotfix(work, "status", "--state", "all")
	if !strings.Contains(r.Stdout, fmt.Sprintf("release v1.4.1 succeeded, forward-port #%d", forwardPR.Number)) {
		t.Errorf("status does not show the forward-port:\n%s", r.Stdout)
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}

func decodeBase64(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(s, "\n", ""))
	return string(b), err
}

// TestExceptionalForwardPortConflict: main rewrote the line the fix changes. The
// forward-port pull request is opened anyway, with what to do; ship exits 3, the
// user's checkout is untouched, and the instructions work as written.
func TestExceptionalForwardPortConflict(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "bank", true, "version = 1.5-dev\nlogin = rewritten\n")
	if r := e.Hotfix(work, "create", "login page 500", "--from-tag", "v1.4.0"); r.Code != 0 {
		t.Fatalf("create --from-tag: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "app.txt"), "version = 1.4\nlogin = fixed\n")
	e.Git(work, "commit", "-q", "-am", "Fix the login page 500")
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d: %s", r.Code, r.Stderr)
	}
	// A teammate merges with a merge commit: the forward-port picks it with -m 1.
	if status, out := e.API("PUT", "/repos/monalisa/bank/pulls/1/merge", map[string]any{"merge_method": "merge"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	e.Control("POST", "repos/monalisa/bank/auto-runs", map[string]any{"after_ms": 0, "conclusion": "success"})
	before := e.Snapshot(work, "bank")

	r := e.Hotfix(work, "ship")
	if r.Code != 3 {
		t.Fatalf("ship with a conflicting forward-port: exit %d, want 3\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "the forward-port pull request #2 into main needs a person") {
		t.Errorf("last stderr line %q does not say what needs attention", last)
	}
	if !strings.Contains(r.Stdout, "/pull/1\n") || !strings.Contains(r.Stdout, "/pull/2\n") || !strings.Contains(r.Stdout, "/actions/runs/") {
		t.Errorf("stdout lacks the URLs:\n%s", r.Stdout)
	}
	// The user's checkout is as it was: same branch and files, no cherry-pick, no worktree.
	// Fetching and pushing move remote-tracking branches only; everything else stays.
	local := func(s string) string {
		var keep []string
		for _, l := range strings.Split(s[:strings.Index(s, "remote refs:")], "\n") {
			if !strings.HasPrefix(l, "refs/remotes/") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	after := e.Snapshot(work, "bank")
	if local(after) != local(before) {
		t.Errorf("ship changed the checkout:\n%s\n---\n%s", local(before), local(after))
	}
	if wt := e.Git(work, "worktree", "list", "--porcelain"); strings.Count(wt, "worktree ") != 1 {
		t.Errorf("a worktree was left behind:\n%s", wt)
	}

	prs := pullsOf(t, e, "bank")
	if len(prs) != 2 {
		t.Fatalf("%d pull requests, want 2", len(prs))
	}
	fw := prs[0]
	if fw.Head.Ref != "hotfix/forward-port-login-page-500" || fw.Base.Ref != "main" || fw.State != "open" ||
		!strings.Contains(fw.labels(), "hotfix") || !strings.Contains(fw.labels(), "forward-port") {
		t.Errorf("forward-port PR: head %s, base %s, state %s, labels %s", fw.Head.Ref, fw.Base.Ref, fw.State, fw.labels())
	}
	_, mergeOut := e.API("GET", "/repos/monalisa/bank/pulls/1", nil)
	mergeSHA := mergeOut.(map[string]any)["merge_commit_sha"].(string)
	for _, want := range []string{"Conflicts", "`app.txt`", "git cherry-pick -x -m 1 " + mergeSHA, "git push origin hotfix/forward-port-login-page-500",
		"empty commit", "conflicts=true"} {
		if !strings.Contains(fw.Body, want) {
			t.Errorf("forward-port PR body lacks %q:\n%s", want, fw.Body)
		}
	}

	// Again: the same answer, and nothing changes.
	e.ClearRequests()
	r = e.Hotfix(work, "ship")
	if r.Code != 3 {
		t.Errorf("re-run: exit %d, want 3\n%s", r.Code, r.Stderr)
	}
	if m := mutations(e); len(m) > 0 {
		t.Errorf("re-run changed something: %v", m)
	}

	if r := e.Hotfix(work, "status", "--state", "merged"); !strings.Contains(r.Stdout, "forward-port #2 has conflicts") {
		t.Errorf("status with the conflicts unresolved:\n%s%s", r.Stdout, r.Stderr)
	}

	// A person follows the instructions, word for word.
	human := e.Clone("bank")
	block := fw.Body[strings.Index(fw.Body, "```sh\n")+6:]
	block = block[:strings.Index(block, "```")]
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		args := strings.Fields(line)[1:]
		res := e.RunIn(human, "git", args...)
		if args[0] == "cherry-pick" {
			if res.Code == 0 || !strings.Contains(res.Stdout+res.Stderr, "CONFLICT") {
				t.Fatalf("%s: exit %d, want a conflict\n%s%s", line, res.Code, res.Stdout, res.Stderr)
			}
			harnessWrite(t, filepath.Join(human, "app.txt"), "version = 1.5-dev\nlogin = fixed\n")
			e.Git(human, "add", "app.txt")
			e.Git(human, "-c", "core.editor=true", "cherry-pick", "--continue")
			continue
		}
		if res.Code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", line, res.Code, res.Stdout, res.Stderr)
		}
	}
	if got := fileAt(t, e, "bank", "app.txt", "hotfix/forward-port-login-page-500"); got != "version = 1.5-dev\nlogin = fixed\n" {
		t.Errorf("after the instructions, app.txt on the forward-port branch = %q", got)
	}
	// Resolved by that push: ship no longer asks for a person (exit 0), and status
	// says so, from GitHub, although the description still lists the conflicts (#22).
	if r := e.Hotfix(work, "ship"); r.Code != 0 || !strings.Contains(r.Stderr, "Forward-port pull request #2 is open, its conflicts resolved") {
		t.Errorf("ship after the conflicts were resolved: exit %d, want 0\n%s", r.Code, r.Stderr)
	}
	r = e.Hotfix(work, "status", "--state", "merged")
	if !strings.Contains(r.Stdout, "forward-port #2 open, conflicts resolved") || strings.Contains(r.Stdout, "has conflicts") {
		t.Errorf("status after the conflicts were resolved:\n%s%s", r.Stdout, r.Stderr)
	}
	// Once merged, ship has nothing left to ask for.
	if status, out := e.API("PUT", "/repos/monalisa/bank/pulls/2/merge", map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merging the forward-port: %d %v", status, out)
	}
	if r := e.Hotfix(work, "ship"); r.Code != 0 || !strings.Contains(r.Stderr, "Forward-port pull request #2 is merged") {
		t.Errorf("ship after the forward-port merged: exit %d\n%s", r.Code, r.Stderr)
	}
}

// TestExceptionalFromLatestRelease: --from-latest-release, a tag taken already on the
// line, a hotfix of two commits rebased in: the next free tag, both commits forward-ported.
func TestExceptionalFromLatestRelease(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "mall", true)
	// v1.4.1 is tagged already (an earlier hotfix, say), on the same commit.
	tagSHA := e.Git(work, "rev-parse", "HEAD~2")
	if status, out := e.API("POST", "/repos/monalisa/mall/git/refs", map[string]any{"ref": "refs/tags/v1.4.1", "sha": tagSHA}); status != 201 {
		t.Fatalf("tag v1.4.1: %d %v", status, out)
	}
	r := e.Hotfix(work, "create", "cart total", "--from-latest-release", "--dry-run")
	if r.Code != 0 || !strings.Contains(r.Stdout, "Would create the maintenance branch release/v1.4 on GitHub at v1.4.0") {
		t.Fatalf("create --dry-run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if _, out := e.API("GET", "/repos/monalisa/mall/branches", nil); strings.Contains(jsonString(out), "release/v1.4") {
		t.Errorf("--dry-run created the maintenance branch")
	}
	if r := e.Hotfix(work, "create", "cart total", "--from-latest-release"); r.Code != 0 {
		t.Fatalf("create --from-latest-release: exit %d: %s", r.Code, r.Stderr)
	}
	for i, content := range []string{"total = sum\n", "total = sum + tax\n"} {
		harnessWrite(t, filepath.Join(work, "cart.txt"), content)
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", fmt.Sprintf("Cart total, step %d", i+1))
	}
	e.Control("POST", "repos/monalisa/mall/reviewer", map[string]any{"after_ms": 0, "label": "hotfix", "method": "rebase"})
	e.Control("POST", "repos/monalisa/mall/auto-runs", map[string]any{"after_ms": 0, "conclusion": "success"})
	r = e.Hotfix(work, "ship", "--interval", "50ms", "--json", "tag,forwardPort")
	if r.Code != 0 {
		t.Fatalf("ship: exit %d\n%s", r.Code, r.Stderr)
	}
	var res struct {
		Tag         string
		ForwardPort struct{ Number int }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || res.Tag != "v1.4.2" || res.ForwardPort.Number != 2 {
		t.Errorf("--json tag,forwardPort: %s (%v), want v1.4.2 (v1.4.1 is taken) and #2", r.Stdout, err)
	}
	_, out := e.API("GET", "/repos/monalisa/mall/compare/main...hotfix/forward-port-cart-total", nil)
	cmp := out.(map[string]any)
	if cmp["ahead_by"].(float64) != 2 || !strings.Contains(jsonString(cmp["commits"]), "Cart total, step 2") ||
		!strings.Contains(jsonString(cmp["commits"]), "cherry picked from commit") {
		t.Errorf("the forward-port branch has %v commits: %s", cmp["ahead_by"], jsonString(cmp["commits"]))
	}
}

// TestExceptionalNotSetUp: without a hotfix workflow configured, create and ship say
// exactly what to set up; --force still works the old way.
func TestExceptionalNotSetUp(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, tip := unreleasableRepo(t, e, "desk", false)
	r := e.Hotfix(work, "create", "login page 500")
	assertRefused(t, r, "main is not releasable: its latest commit "+tip[:7]+" has failing checks (ci); fix main first, pass --force, or to hotfix the last release instead, run gh hotfix init --workflows")
	before := e.Snapshot(work, "desk")
	assertRefused(t, e.Hotfix(work, "create", "login page 500", "--from-tag", "v1.4.0"),
		"the exceptional process is not set up in monalisa/desk: run gh hotfix init --workflows")
	assertRefused(t, e.Hotfix(work, "create", "login page 500", "--from-tag", "v9.9.9"), "not set up")
	if after := e.Snapshot(work, "desk"); after != before {
		t.Errorf("a refused create changed the repository")
	}
	if r := e.Hotfix(work, "create", "login page 500", "--force"); r.Code != 0 {
		t.Fatalf("create --force: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "app.txt"), "version = 1.4\nlogin = fixed\n")
	e.Git(work, "commit", "-q", "-am", "fix")
	assertRefused(t, e.Hotfix(work, "ship", "--no-wait"), "fix main first or pass --force; to hotfix the last release instead, run gh hotfix init --workflows")
}

// TestExceptionalRefusals: what create --from-tag refuses, changing nothing.
func TestExceptionalRefusals(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "yard", true)
	before := e.Snapshot(work, "yard")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "x", "--from-tag", "v1.3.0"}, "tag v1.3.0 not found in monalisa/yard"},
		{[]string{"create", "x", "--from-tag", "nightly"}, `cannot hotfix from nightly: not a release tag: "nightly" is not of the form vMAJOR.MINOR.PATCH`},
		{[]string{"create", "x", "--from-tag", "v1.4.0", "--base", "main"}, "`--base` cannot be used with `--from-tag`"},
	} {
		r := e.Hotfix(work, tc.args...)
		if r.Code != 1 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want %q", tc.args, r.Code, r.Stderr, tc.want)
		}
	}
	if after := e.Snapshot(work, "yard"); after != before {
		t.Errorf("a refused create changed the repository")
	}
	// A stale local tag (at another commit than GitHub's) is refused before the
	// maintenance branch is made, with the command that fixes it.
	e.Git(work, "tag", "-f", "v1.4.0", "HEAD")
	before = e.Snapshot(work, "yard")
	assertRefused(t, e.Hotfix(work, "create", "x", "--from-tag", "v1.4.0"), "git fetch --force origin tag v1.4.0 (or delete yours: git tag -d v1.4.0)")
	if after := e.Snapshot(work, "yard"); after != before {
		t.Errorf("a create refused for a stale tag changed the repository")
	}
	e.Git(work, "fetch", "-q", "--force", "origin", "tag", "v1.4.0")
	// A maintenance branch that does not hold the release is refused.
	orphan := e.Git(work, "commit-tree", "HEAD^{tree}", "-m", "Another history")
	e.Git(work, "push", "-q", "origin", orphan+":refs/heads/release/v1.4")
	assertRefused(t, e.Hotfix(work, "create", "x", "--from-tag", "v1.4.0"), "release/v1.4 exists in monalisa/yard but does not contain v1.4.0")
}

// TestInitWorkflowsThenDoctor: init --workflows writes a hotfix workflow and the
// configuration that uses it; both parse, and once committed doctor accepts them.
func TestInitWorkflowsThenDoctor(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("shop", map[string]string{".github/workflows/ci.yml": ciWorkflow})
	if status, out := e.API("POST", "/repos/monalisa/shop/labels", map[string]any{"name": "hotfix", "color": "d73a4a"}); status != 201 {
		t.Fatalf("create label: %d %v", status, out)
	}

	r := e.Hotfix(work, "init", "--workflows", "--dry-run")
	if r.Code != 0 {
		t.Fatalf("init --workflows --dry-run: exit %d: %s", r.Code, r.Stderr)
	}
	docs := strings.Split(r.Stdout, "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("init --workflows --dry-run printed %d YAML documents, want 2:\n%s", len(docs), r.Stdout)
	}
	if cfg, err := config.Parse(config.Path, []byte(docs[0])); err != nil || cfg.Exceptional.Workflow != "hotfix.yml" {
		t.Errorf("the printed configuration: %+v, %v", cfg.Exceptional, err)
	}
	if docs[1] != "# .github/workflows/hotfix.yml\n"+release.HotfixWorkflow {
		t.Errorf("the printed workflow differs from the scaffold")
	}
	if !strings.Contains(r.Stderr, "Versions: compute main's next version from the tags main contains") || !strings.Contains(r.Stderr, "release.yml") {
		t.Errorf("init --workflows does not show the release workflow's change:\n%s", r.Stderr)
	}

	r = e.Hotfix(work, "init", "--workflows")
	if r.Code != 0 {
		t.Fatalf("init --workflows: exit %d: %s", r.Code, r.Stderr)
	}
	if got := strings.Fields(r.Stdout); len(got) != 2 || got[0] != filepath.Join(".github", "hotfix.yml") || got[1] != filepath.Join(".github", "workflows", "hotfix.yml") {
		t.Errorf("init --workflows printed %q, want the two paths", r.Stdout)
	}
	written, err := os.ReadFile(filepath.Join(work, ".github", "workflows", "hotfix.yml"))
	if err != nil || string(written) != release.HotfixWorkflow {
		t.Fatalf("the written workflow: %v", err)
	}
	var wf map[string]any
	if err := yaml.Unmarshal(written, &wf); err != nil {
		t.Errorf("the workflow does not parse: %v", err)
	}
	cfgText, _ := os.ReadFile(filepath.Join(work, ".github", "hotfix.yml"))
	if cfg, err := config.Parse(config.Path, cfgText); err != nil || cfg.Exceptional.Workflow != "hotfix.yml" || cfg.Release.Workflow != "release.yml" {
		t.Errorf("the written configuration: %+v %v", cfg, err)
	}
	r = e.Hotfix(work, "init", "--workflows")
	if r.Code != 1 || !strings.Contains(r.Stderr, ".github/workflows/hotfix.yml already exists: edit it, or pass --force") {
		t.Errorf("init --workflows over the workflow: exit %d, %q", r.Code, r.Stderr)
	}

	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Configure gh hotfix")
	e.Git(work, "push", "-q", "origin", "main")
	checkRun(t, e, "shop", work, "test", "success")
	r = e.Hotfix(work, "doctor")
	if r.Code != 0 {
		t.Fatalf("doctor after init --workflows: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	lines := doctorLines(t, r.Stdout)
	for name, want := range map[string]string{
		"exceptional-workflow": "hotfix.yml can be dispatched with the hotfix tag (input tag) and environment=production",
		"maintenance-branch":   "release/v{major}.{minor}: a hotfix from v1.4.0 merges into release/v1.4",
		"release-workflow":     "release.yml (Release) can be dispatched on main",
	} {
		if got := lines[name]; got == nil || got[0] != "ok" || !strings.Contains(got[2], want) {
			t.Errorf("doctor's %s check: %q, want ok saying %q", name, got, want)
		}
	}
	// The hotfix workflow deploys to hotfix-staging and production, which do not exist yet:
	// the first run would create them without reviewers.
	if got := lines["environments"]; got == nil || got[0] != "warn" || !strings.Contains(got[2], "production, used by hotfix.yml's job production, does not exist") {
		t.Errorf("doctor's environments check: %q, want a warning that production does not exist", got)
	}
	// CI runs on pull requests into main only: hotfixes into release/v1.4 would go untested.
	if got := lines["ci"]; got == nil || got[0] != "warn" || !strings.Contains(got[2], "none on pull requests to maintenance branches like release/v1.4") ||
		!strings.Contains(got[3], `add "release/v*.*" to on.pull_request.branches in ci.yml`) {
		t.Errorf("doctor's ci check: %q, want a warning naming the filter to add", got)
	}

	// With the configuration kept, only the workflow is written, and what is missing said.
	os.Remove(filepath.Join(work, ".github", "workflows", "hotfix.yml"))
	harnessWrite(t, filepath.Join(work, ".github", "hotfix.yml"), "label: hotfix\n")
	r = e.Hotfix(work, "init", "--workflows")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != filepath.Join(".github", "workflows", "hotfix.yml") ||
		!strings.Contains(r.Stderr, "Add to .github/hotfix.yml:\n  exceptional:\n    workflow: \"hotfix.yml\"") {
		t.Errorf("init --workflows with a configuration: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if now, _ := os.ReadFile(filepath.Join(work, ".github", "hotfix.yml")); string(now) != "label: hotfix\n" {
		t.Errorf("init --workflows changed the kept configuration: %q", now)
	}
}

// TestExceptionalLostAnswers: the exceptional process's requests that may act twice
// (creating the maintenance branch, the release marker, the dispatch, the forward-port
// pull request) act once when GitHub acts but its answer is lost.
func TestExceptionalLostAnswers(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "till", true)
	drop := func(route string) {
		t.Helper()
		if status, out := e.Control("POST", "faults", map[string]any{"route": route, "drop": true, "count": 1}); status != 201 {
			t.Fatalf("fault: %d %v", status, out)
		}
	}
	drop("POST /repos/{owner}/{repo}/git/refs")
	if r := e.Hotfix(work, "create", "till rounding", "--from-tag", "v1.4.0"); r.Code != 0 {
		t.Fatalf("create with a lost answer: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "till.txt"), "round half even\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Round half to even")
	// ship --dry-run says what it would do and changes nothing.
	before := e.Snapshot(work, "till")
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--dry-run")
	if r.Code != 0 || !strings.Contains(r.Stdout, "- Open a pull request from hotfix/till-rounding into release/v1.4") ||
		!strings.Contains(r.Stdout, "- Dispatch hotfix.yml on release/v1.4 with the next patch tag after v1.4.0") ||
		!strings.Contains(r.Stdout, "open the forward-port pull request into main") {
		t.Errorf("ship --dry-run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if m := mutations(e); len(m) > 0 || e.Snapshot(work, "till") != before {
		t.Errorf("ship --dry-run changed something: %v", m)
	}
	if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d: %s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/till/pulls/1/merge", map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	e.Control("POST", "repos/monalisa/till/auto-runs", map[string]any{"after_ms": 0, "conclusion": "success"})
	drop("POST /repos/{owner}/{repo}/issues/{issue_number}/comments")
	drop("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches")
	drop("POST /repos/{owner}/{repo}/pulls")
	e.ClearRequests()
	r = e.RunInEnv(work, []string{"GH_HOTFIX_RUN_LOOKUP_TIMEOUT=5s"}, "gh", "hotfix", "ship", "--json", "tag,forwardPort")
	if r.Code != 0 {
		t.Fatalf("ship with lost answers: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
	prs := pullsOf(t, e, "till")
	if len(prs) != 2 {
		t.Errorf("%d pull requests, want the hotfix and one forward-port", len(prs))
	}
	_, cm := e.API("GET", "/repos/monalisa/till/issues/1/comments", nil)
	if n := strings.Count(jsonString(cm), "gh-hotfix:release"); n != 1 {
		t.Errorf("%d release comments, want 1", n)
	}
	_, runs := e.API("GET", "/repos/monalisa/till/actions/runs", nil)
	if got := jsonString(runs); strings.Count(got, `"tag":"v1.4.1"`) != 1 {
		t.Errorf("runs: %s", got)
	}
}

// TestExceptionalReleaseBecameLatest: the hotfix workflow of an older line made
// its release Latest (as gh release create does by default) although v1.5.0
// exists. ship --watch notices after the run and says how to put it right.
func TestExceptionalReleaseBecameLatest(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "lines", true)
	if status, out := e.API("POST", "/repos/monalisa/lines/releases", map[string]any{"tag_name": "v1.5.0", "target_commitish": "main"}); status != 201 {
		t.Fatalf("release v1.5.0: %d %v", status, out)
	}
	if r := e.Hotfix(work, "create", "old line fix", "--from-tag", "v1.4.0"); r.Code != 0 {
		t.Fatalf("create --from-tag: exit %d\n%s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "app.txt"), "version = 1.4\nlogin = fixed\n")
	e.Git(work, "commit", "-q", "-am", "Fix the old line")
	e.Control("POST", "repos/monalisa/lines/reviewer", map[string]any{"after_ms": 300, "label": "hotfix"})
	p := e.Start(work, "ship", "--watch", "--interval", "50ms")
	// The run releases v1.4.1 the way gh release create would: as Latest.
	var runID int64
	e.Eventually("the hotfix run", time.Minute, func() bool {
		_, out := e.API("GET", "/repos/monalisa/lines/actions/runs", nil)
		runs, _ := out.(map[string]any)["workflow_runs"].([]any)
		if len(runs) == 0 {
			return false
		}
		runID = int64(runs[0].(map[string]any)["id"].(float64))
		return true
	})
	if status, out := e.API("POST", "/repos/monalisa/lines/releases", map[string]any{"tag_name": "v1.4.1", "target_commitish": "release/v1.4"}); status != 201 {
		t.Fatalf("release v1.4.1: %d %v", status, out)
	}
	e.Control("POST", fmt.Sprintf("repos/monalisa/lines/runs/%d", runID), map[string]any{"status": "completed", "conclusion": "success"})
	r := p.Wait(t, time.Minute)
	if r.Code != 0 && r.Code != 3 {
		t.Fatalf("ship --watch: exit %d\n%s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "v1.4.1 became the Latest release of monalisa/lines although v1.5.0 is newer") ||
		!strings.Contains(r.Stderr, "-f make_latest=true") {
		t.Errorf("ship did not warn that the Latest release moved:\n%s", r.Stderr)
	}
}

// TestExceptionalLineWithoutTheWorkflow: the tag is older than the hotfix
// workflow, and GitHub runs a dispatched workflow from the branch it runs on.
// create gives the new maintenance branch main's copy of the workflow in one
// commit made by GitHub, and the documented flow (create, fix, ship) releases
// without a push by hand. Where rules let the line change only through pull
// requests, create opens one for the workflow instead; once it is merged, ship
// releases.
func TestExceptionalLineWithoutTheWorkflow(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	for _, tt := range []struct {
		repo  string
		ruled bool
	}{{"oldtag", false}, {"oldtag-ruled", true}} {
		t.Run(tt.repo, func(t *testing.T) {
			work, _ := unreleasableRepo(t, e, tt.repo, false)
			// The process is set up after v1.4.0 was released.
			harnessWrite(t, filepath.Join(work, ".github", "hotfix.yml"), exceptionalConfig)
			harnessWrite(t, filepath.Join(work, ".github", "workflows", "hotfix.yml"), release.HotfixWorkflow)
			e.Git(work, "add", "-A")
			e.Git(work, "commit", "-q", "-m", "Set up the exceptional process")
			e.Git(work, "push", "-q", "origin", "main")
			if tt.ruled {
				pullRequestRuleset(t, e, tt.repo, "release lines", "refs/heads/release/*")
			}

			doctorSays := func(want string) {
				t.Helper()
				r := e.Hotfix(work, "doctor")
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("doctor does not say %q:\n%s%s", want, r.Stdout, r.Stderr)
				}
			}
			doctorSays("warn\trelease-line\tthe latest release v1.4.0 is older than hotfix.yml")
			r := e.Hotfix(work, "create", "old line fix", "--from-tag", "v1.4.0")
			if r.Code != 0 {
				t.Fatalf("create --from-tag: exit %d\n%s", r.Code, r.Stderr)
			}
			wantWorkflow := fileAt(t, e, tt.repo, ".github/workflows/hotfix.yml", "main")
			if !tt.ruled {
				if got := fileAt(t, e, tt.repo, ".github/workflows/hotfix.yml", "release/v1.4"); got != wantWorkflow {
					t.Fatalf("release/v1.4 lacks main's hotfix workflow (%q):\n%s", got, r.Stderr)
				}
				if !strings.Contains(r.Stderr, "Added .github/workflows/hotfix.yml from main to release/v1.4") {
					t.Errorf("create does not say it added the workflow:\n%s", r.Stderr)
				}
				doctorSays("ok\trelease-line\trelease/v1.4, the line of the latest release v1.4.0, has hotfix.yml")
			} else {
				if got := fileAt(t, e, tt.repo, ".github/workflows/hotfix.yml", "release/v1.4"); got != "" {
					t.Errorf("the rules were bypassed: release/v1.4 has the workflow")
				}
				var wf *apiPR
				for _, pr := range pullsOf(t, e, tt.repo) {
					if pr.Base.Ref == "release/v1.4" {
						wf = &pr
					}
				}
				if wf == nil || wf.labels() != "hotfix" || fileAt(t, e, tt.repo, ".github/workflows/hotfix.yml", wf.Head.Ref) != wantWorkflow {
					t.Fatalf("no labelled pull request adding the workflow to release/v1.4: %+v\n%s", wf, r.Stderr)
				}
				if !strings.Contains(r.Stderr, fmt.Sprintf("release/v1.4 takes changes only through pull requests: #%d", wf.Number)) {
					t.Errorf("create does not say to merge #%d first:\n%s", wf.Number, r.Stderr)
				}
				// Running create again opens no second pull request.
				e.Git(work, "switch", "-q", "main")
				e.Git(work, "branch", "-q", "-D", "hotfix/old-line-fix")
				if r := e.Hotfix(work, "create", "old line fix", "--from-tag", "v1.4.0"); r.Code != 0 {
					t.Fatalf("create again: exit %d\n%s", r.Code, r.Stderr)
				}
				if n := len(pullsOf(t, e, tt.repo)); n != 1 {
					t.Errorf("%d pull requests after a second create, want 1", n)
				}
				// A maintainer merges it, through the pull request as the rules want.
				if code, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/%s/pulls/%d/merge", tt.repo, wf.Number), map[string]any{"merge_method": "merge"}); code != 200 {
					t.Fatalf("merging #%d: %d %v", wf.Number, code, out)
				}
			}

			harnessWrite(t, filepath.Join(work, "app.txt"), "version = 1.4\nlogin = fixed\n")
			e.Git(work, "commit", "-q", "-am", "Fix the old line")
			e.Control("POST", "repos/monalisa/"+tt.repo+"/reviewer", map[string]any{"after_ms": 100, "label": "hotfix"})
			e.Control("POST", "repos/monalisa/"+tt.repo+"/auto-runs", map[string]any{"after_ms": 100, "conclusion": "success"})
			if r := e.Hotfix(work, "ship", "--watch", "--interval", "50ms"); r.Code != 0 && r.Code != 3 {
				t.Fatalf("ship --watch: exit %d\n%s", r.Code, r.Stderr)
			}
			_, out := e.API("GET", "/repos/monalisa/"+tt.repo+"/actions/runs", nil)
			runs, _ := out.(map[string]any)["workflow_runs"].([]any)
			var released bool
			for _, x := range runs {
				run := x.(map[string]any)
				if run["path"] == ".github/workflows/hotfix.yml" && run["head_branch"] == "release/v1.4" && run["conclusion"] == "success" &&
					strings.Contains(jsonString(run["inputs"]), `"tag":"v1.4.1"`) {
					released = true
				}
			}
			if !released {
				t.Errorf("no successful hotfix run releasing v1.4.1 on release/v1.4: %s", jsonString(out))
			}
		})
	}
}

// TestExceptionalReleasedBySomeoneElse: exactly once by what GitHub shows on the
// exceptional path too (TestReleasedBySomeoneElse is the standard path's). A
// teammate ran the hotfix workflow by hand on the maintenance branch after the
// merge, or the release comment was deleted: ship finds the run covering the
// merge, records it with the tag it created (never one ship decides), and
// dispatches nothing; --retry re-runs such a run.
func TestExceptionalReleasedBySomeoneElse(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	merged := func(t *testing.T, repo string) (work, mergeSHA string) {
		t.Helper()
		work, _ = unreleasableRepo(t, e, repo, true)
		hotfixIn(t, e, work, repo+" fix", "fix.txt", "--from-tag", "v1.4.0")
		return work, openAndMerge(t, e, work, repo)
	}
	// byHand is the teammate's gh workflow run hotfix.yml --ref release/v1.4 -f tag=TAG.
	byHand := func(t *testing.T, repo, tag string) {
		t.Helper()
		status, out := e.API("POST", "/repos/monalisa/"+repo+"/actions/workflows/hotfix.yml/dispatches",
			map[string]any{"ref": "release/v1.4", "inputs": map[string]any{"tag": tag, "environment": "production"}})
		if status != 204 && status != 200 {
			t.Fatalf("dispatch by hand: %d %v", status, out)
		}
	}
	// tagged is the run creating its tag at the merge, as hotfix.yml's production job does.
	tagged := func(t *testing.T, repo, tag, sha string) {
		t.Helper()
		if status, out := e.API("POST", "/repos/monalisa/"+repo+"/releases", map[string]any{"tag_name": tag, "target_commitish": sha}); status != 201 {
			t.Fatalf("release %s: %d %v", tag, status, out)
		}
	}
	waitFor := func(t *testing.T, what string, cond func() bool) {
		t.Helper()
		for i := 0; !cond(); i++ {
			if i == 200 {
				t.Fatalf("%s: not within 10s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	releaseComment := func(t *testing.T, repo string, want ...string) {
		t.Helper()
		_, cm := e.API("GET", "/repos/monalisa/"+repo+"/issues/1/comments", nil)
		got := jsonString(cm)
		if strings.Count(got, "gh-hotfix:release") != 1 {
			t.Errorf("%d release comments, want 1: %s", strings.Count(got, "gh-hotfix:release"), got)
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("the release comment does not say %q: %s", w, got)
			}
		}
	}

	t.Run("by hand with another tag", func(t *testing.T) {
		work, mergeSHA := merged(t, "handrel")
		byHand(t, "handrel", "v1.4.3")
		tagged(t, "handrel", "v1.4.3", mergeSHA)
		e.ClearRequests()
		r := e.Hotfix(work, "ship", "--json", "tag,forwardPort")
		logCost(t, e, "ship after a release by hand (exceptional)")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Release run already on GitHub") || !strings.Contains(r.Stderr, "workflow dispatch run of hotfix.yml") ||
			!strings.Contains(r.Stderr, "hotfix tag v1.4.3") {
			t.Fatalf("ship after a release by hand: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatchCount(e); n != 0 || runCount(e, "handrel") != 1 {
			t.Errorf("a second release: %d dispatches, %v runs", n, runCount(e, "handrel"))
		}
		// Found in the query ship makes anyway: no request to look for it.
		if api, _, _ := e.RequestCounts(); api["GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs"] != 0 {
			t.Errorf("looked for the run with an extra request: %v", api)
		}
		var res struct {
			Tag         string
			ForwardPort struct{ Number int }
		}
		if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || res.Tag != "v1.4.3" || res.ForwardPort.Number == 0 {
			t.Errorf("--json: %+v (%v)\n%s", res, err, r.Stdout)
		}
		releaseComment(t, "handrel", "Release found", "Hotfix tag: `v1.4.3` (created by that run)")
		r = e.Hotfix(work, "status", "--state", "merged", "--json", "number,tag,forwardPort", "--jq", ".[] | select(.number == 1) | [.tag, .forwardPort.number] | @tsv")
		if got := strings.TrimSpace(r.Stdout); got != fmt.Sprintf("v1.4.3\t%d", res.ForwardPort.Number) {
			t.Errorf("status: %q\n%s", got, r.Stderr)
		}
	})

	t.Run("tag created while ship --watch follows the run", func(t *testing.T) {
		work, mergeSHA := merged(t, "watchrel")
		byHand(t, "watchrel", "v1.4.2")
		e.ClearRequests()
		p := e.Start(work, "ship", "--watch", "--interval", "50ms", "--timeout", "60s")
		waitFor(t, "the release comment", func() bool {
			_, cm := e.API("GET", "/repos/monalisa/watchrel/issues/1/comments", nil)
			return strings.Contains(jsonString(cm), "Release found")
		})
		tagged(t, "watchrel", "v1.4.2", mergeSHA)
		_, runs := e.API("GET", "/repos/monalisa/watchrel/actions/runs", nil)
		id := runs.(map[string]any)["workflow_runs"].([]any)[0].(map[string]any)["id"]
		e.Control("POST", fmt.Sprintf("repos/monalisa/watchrel/runs/%v", id), map[string]any{"status": "completed", "conclusion": "success"})
		r := p.Wait(t, 60*time.Second)
		if r.Code != 0 || !strings.Contains(r.Stderr, "hotfix tag decided by that run") || !strings.Contains(r.Stderr, "Hotfix tag: v1.4.2 (created by the release run), recorded on #1") {
			t.Fatalf("ship --watch: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatchCount(e); n != 0 || runCount(e, "watchrel") != 1 {
			t.Errorf("a second release: %d dispatches, %v runs", n, runCount(e, "watchrel"))
		}
		releaseComment(t, "watchrel", "Hotfix tag: `v1.4.2` (created by that run)")
	})

	t.Run("release comment deleted", func(t *testing.T) {
		work, mergeSHA := merged(t, "delrel")
		if r := e.Hotfix(work, "ship"); r.Code != 0 {
			t.Fatalf("ship: exit %d\n%s", r.Code, r.Stderr)
		}
		deleteReleaseComments(t, e, "delrel")
		e.ClearRequests()
		r := e.Hotfix(work, "ship", "--dry-run")
		if r.Code != 0 || !strings.Contains(r.Stdout, "- Record http://github.localhost/monalisa/delrel/actions/runs/") ||
			!strings.Contains(r.Stdout, "hotfix tag decided by that run) on #1, and dispatch nothing") {
			t.Errorf("ship --dry-run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
		if m := mutations(e); len(m) > 0 {
			t.Errorf("ship --dry-run changed something: %v", m)
		}
		// The run has not created its tag (v1.4.1) yet: recorded without one.
		r = e.Hotfix(work, "ship")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Release run already on GitHub") || !strings.Contains(r.Stderr, "hotfix tag decided by that run") {
			t.Fatalf("ship after the comment was deleted: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatchCount(e); n != 0 || runCount(e, "delrel") != 1 {
			t.Errorf("a second release: %d dispatches, %v runs", n, runCount(e, "delrel"))
		}
		releaseComment(t, "delrel", "Release found", "the one that run was dispatched with")
		// Once the run created it, a re-run records it.
		tagged(t, "delrel", "v1.4.1", mergeSHA)
		e.ClearRequests()
		r = e.Hotfix(work, "ship")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Hotfix tag: v1.4.1 (created by the release run), recorded on #1") {
			t.Errorf("ship once the run created its tag: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatchCount(e); n != 0 {
			t.Errorf("%d dispatches", n)
		}
		releaseComment(t, "delrel", "Hotfix tag: `v1.4.1` (created by that run)")
	})

	t.Run("failed run by hand, --retry", func(t *testing.T) {
		work, _ := merged(t, "retryrel")
		e.Control("POST", "repos/monalisa/retryrel/auto-runs", map[string]any{"after_ms": 0, "conclusion": "failure"})
		byHand(t, "retryrel", "v1.4.1")
		waitFor(t, "the run by hand to fail", func() bool {
			_, out := e.API("GET", "/repos/monalisa/retryrel/actions/runs", nil)
			return strings.Contains(jsonString(out), `"conclusion":"failure"`)
		})
		e.Control("POST", "repos/monalisa/retryrel/auto-runs", map[string]any{"after_ms": 100, "conclusion": "success"})
		e.ClearRequests()
		r := e.Hotfix(work, "ship", "--retry")
		if r.Code != 0 || !strings.Contains(r.Stderr, "Release run already on GitHub") || !strings.Contains(r.Stderr, "Re-running the failed jobs of the release run (attempt 2)") {
			t.Fatalf("ship --retry on a run by hand: exit %d\n%s", r.Code, r.Stderr)
		}
		_, runs := e.API("GET", "/repos/monalisa/retryrel/actions/runs", nil)
		if n := dispatchCount(e); n != 0 || runCount(e, "retryrel") != 1 || !strings.Contains(jsonString(runs), `"run_attempt":2`) {
			t.Errorf("%d dispatches, runs %s", n, jsonString(runs))
		}
		releaseComment(t, "retryrel", "Release re-run** (attempt 2")
	})
}

// hotfixRun is a run of the hotfix workflow and the tag it was dispatched with.
type hotfixRun struct {
	ID                 int64
	Tag                string
	HeadSHA            string
	Status, Conclusion string
}

// hotfixRuns lists the runs of the hotfix workflow with their tag input, oldest first.
func hotfixRuns(t *testing.T, e *harness.Env, repo string) []hotfixRun {
	t.Helper()
	_, out := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs", nil)
	var list struct {
		WorkflowRuns []struct {
			ID         int64             `json:"id"`
			Path       string            `json:"path"`
			HeadSHA    string            `json:"head_sha"`
			Status     string            `json:"status"`
			Conclusion string            `json:"conclusion"`
			Inputs     map[string]string `json:"inputs"`
		} `json:"workflow_runs"`
	}
	if err := json.Unmarshal([]byte(jsonString(out)), &list); err != nil {
		t.Fatal(err)
	}
	var runs []hotfixRun
	for i := len(list.WorkflowRuns) - 1; i >= 0; i-- {
		r := list.WorkflowRuns[i]
		if r.Path == ".github/workflows/hotfix.yml" {
			runs = append(runs, hotfixRun{r.ID, r.Inputs["tag"], r.HeadSHA, r.Status, r.Conclusion})
		}
	}
	return runs
}

// TestExceptionalTagsOfOneLine: two hotfixes of one line released before the
// first one's run created its tag get two tags (the second skips the tag the
// first one's release record claims), and both runs succeed; --tag is checked
// before anything changes; a run that failed because another release took its
// tag says so, with the next free tag, and ship --tag releases it under that
// tag — one more dispatch, recorded in the same release comment.
func TestExceptionalTagsOfOneLine(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	const repo = "oneline"
	work, _ := unreleasableRepo(t, e, repo, true)
	tagSHA := e.Git(work, "rev-parse", "HEAD~2")
	e.Control("POST", "repos/monalisa/"+repo+"/reviewer", map[string]any{"after_ms": 0, "label": "hotfix"})
	ship := func(args ...string) harness.Result {
		t.Helper()
		return e.Hotfix(work, append([]string{"ship", "--interval", "50ms"}, args...)...)
	}

	// Two hotfixes, both merged and dispatched before any run created its tag.
	for _, fix := range []string{"fix a", "fix b"} {
		hotfixIn(t, e, work, fix, strings.ReplaceAll(fix, " ", "-")+".txt", "--from-tag", "v1.4.0")
		if r := ship(); r.Code != 0 {
			t.Fatalf("ship %s: exit %d\n%s", fix, r.Code, r.Stderr)
		}
	}
	runs := hotfixRuns(t, e, repo)
	if len(runs) != 2 || runs[0].Tag != "v1.4.1" || runs[1].Tag != "v1.4.2" {
		t.Fatalf("runs %+v, want v1.4.1 then v1.4.2", runs)
	}
	// The workflow creates each tag and succeeds.
	for _, run := range runs {
		e.API("POST", "/repos/monalisa/"+repo+"/git/refs", map[string]any{"ref": "refs/tags/" + run.Tag, "sha": run.HeadSHA})
		e.Control("POST", fmt.Sprintf("repos/monalisa/%s/runs/%d", repo, run.ID), map[string]any{"status": "completed", "conclusion": "success"})
	}
	if r := ship(); r.Code != 0 || !strings.Contains(r.Stderr, "Already released v1.4.2") {
		t.Errorf("ship again: exit %d\n%s", r.Code, r.Stderr)
	}

	// A third hotfix: --tag naming a tag that exists is refused before anything changes.
	hotfixIn(t, e, work, "fix c", "fix-c.txt", "--from-tag", "v1.4.0")
	before := e.Snapshot(work, repo)
	e.ClearRequests()
	r := ship("--tag", "v1.4.1")
	assertRefused(t, r, "tag v1.4.1 already exists")
	assertNothingChanged(t, e, "ship --tag with a tag that exists")
	if after := e.Snapshot(work, repo); after != before {
		t.Errorf("a refused ship changed the repository:\n%s\n---\n%s", before, after)
	}

	// Its run is given v1.4.3, which another release takes meanwhile; the run fails.
	if r := ship(); r.Code != 0 {
		t.Fatalf("ship fix c: exit %d\n%s", r.Code, r.Stderr)
	}
	runs = hotfixRuns(t, e, repo)
	if len(runs) != 3 || runs[2].Tag != "v1.4.3" {
		t.Fatalf("runs %+v, want a third with v1.4.3", runs)
	}
	e.API("POST", "/repos/monalisa/"+repo+"/git/refs", map[string]any{"ref": "refs/tags/v1.4.3", "sha": tagSHA})
	e.Control("POST", fmt.Sprintf("repos/monalisa/%s/runs/%d", repo, runs[2].ID), map[string]any{"status": "completed", "conclusion": "failure"})
	r = ship()
	if r.Code != 1 || !strings.Contains(r.Stderr, "its tag v1.4.3 was created meanwhile by another release") ||
		!strings.Contains(r.Stderr, "gh hotfix ship --tag v1.4.4") {
		t.Fatalf("ship after the failure: exit %d\n%s", r.Code, r.Stderr)
	}
	// --tag releases it again under v1.4.4: one more dispatch, recorded in place.
	if r := ship("--tag", "v1.4.4"); r.Code != 0 || !strings.Contains(r.Stderr, "Hotfix tag: v1.4.4 in place of v1.4.3") {
		t.Fatalf("ship --tag v1.4.4: exit %d\n%s", r.Code, r.Stderr)
	}
	runs = hotfixRuns(t, e, repo)
	if len(runs) != 4 || runs[3].Tag != "v1.4.4" {
		t.Fatalf("runs %+v, want a fourth with v1.4.4", runs)
	}
	prs := pullsOf(t, e, repo)
	var records []string
	for _, pr := range prs {
		if pr.Head.Ref != "hotfix/fix-c" {
			continue
		}
		_, comments := e.API("GET", fmt.Sprintf("/repos/monalisa/%s/issues/%d/comments", repo, pr.Number), nil)
		for _, c := range comments.([]any) {
			if body := c.(map[string]any)["body"].(string); strings.Contains(body, "gh-hotfix:release") {
				records = append(records, body)
			}
		}
	}
	if len(records) != 1 || !strings.Contains(records[0], `"tag":"v1.4.4"`) || !strings.Contains(records[0], fmt.Sprint(runs[3].ID)) {
		t.Errorf("release records of fix c: %q, want one recording v1.4.4 and run %d", records, runs[3].ID)
	}
	// Once that run is going, another --tag is refused: a release is never redone while it runs.
	r = ship("--tag", "v1.4.5")
	if r.Code == 0 || !strings.Contains(r.Stderr, "is being released as v1.4.4") {
		t.Errorf("ship --tag while the run goes: exit %d\n%s", r.Code, r.Stderr)
	}
}

// TestExceptionalForwardPortStates is issue 22's story, in one repository: a pull
// request someone opened on the forward-port's branch name, and a branch of the next
// name, are left untouched while ship opens the forward-port on another name; then
// status shows each forward-port under its hotfix, in its own state (open, not
// needed, merged, closed unmerged), and never as a hotfix row of its own.
func TestExceptionalForwardPortStates(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "forge", true)
	e.Control("POST", "repos/monalisa/forge/auto-runs", map[string]any{"after_ms": 0, "conclusion": "success"})

	// Someone's work, unrelated, on the branch named as the forward-port of the
	// hotfix to come, with a pull request; and a branch of the next name.
	const taken, takenToo = "hotfix/forward-port-login-page-500", "hotfix/forward-port-login-page-500-2"
	human := e.Clone("forge")
	e.Git(human, "switch", "-q", "-c", taken)
	harnessWrite(t, filepath.Join(human, "login.txt"), "a refactor of the login page\n")
	e.Git(human, "add", "-A")
	e.Git(human, "commit", "-q", "-m", "Refactor the login page")
	e.Git(human, "push", "-q", "origin", taken, "HEAD~1:refs/heads/"+takenToo)
	unrelatedHead, takenTooTip := e.Git(human, "rev-parse", "HEAD"), e.Git(human, "rev-parse", "HEAD~1")
	status, out := e.API("POST", "/repos/monalisa/forge/pulls", map[string]any{"title": "Refactor the login page", "head": taken, "base": "main", "body": "Not a hotfix."})
	if status != 201 {
		t.Fatalf("opening the unrelated pull request: %d %v", status, out)
	}
	unrelated := int(out.(map[string]any)["number"].(float64))
	e.API("POST", fmt.Sprintf("/repos/monalisa/forge/issues/%d/labels", unrelated), map[string]any{"labels": []string{"refactor"}})
	e.API("POST", fmt.Sprintf("/repos/monalisa/forge/issues/%d/comments", unrelated), map[string]any{"body": "Please review."})

	type shipped struct {
		Number      int
		ForwardPort struct {
			Number            *int
			State             string
			Conflicts         bool
			ConflictsResolved bool
		}
	}
	// hotfix creates a hotfix from v1.4.0 writing file, merges it, and ships it again.
	hotfix := func(desc, file, content, tag string) (shipped, harness.Result) {
		t.Helper()
		if r := e.Hotfix(work, "create", desc, "--from-tag", "v1.4.0"); r.Code != 0 {
			t.Fatalf("create %q: exit %d: %s", desc, r.Code, r.Stderr)
		}
		harnessWrite(t, filepath.Join(work, file), content)
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "Fix: "+desc)
		r := e.Hotfix(work, "ship", "--no-wait", "--json", "number")
		var res shipped
		if err := json.Unmarshal([]byte(r.Stdout), &res); r.Code != 0 || err != nil {
			t.Fatalf("ship --no-wait %q: exit %d (%v)\n%s%s", desc, r.Code, err, r.Stdout, r.Stderr)
		}
		if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/forge/pulls/%d/merge", res.Number), map[string]any{"merge_method": "merge"}); status != 200 {
			t.Fatalf("merging #%d: %d %v", res.Number, status, out)
		}
		r = e.Hotfix(work, "ship", "--tag", tag, "--json", "number,forwardPort")
		if err := json.Unmarshal([]byte(r.Stdout), &res); r.Code != 0 || err != nil {
			t.Fatalf("ship %q: exit %d (%v)\n%s%s", desc, r.Code, err, r.Stdout, r.Stderr)
		}
		return res, r
	}
	headOf := func(n int) string {
		for _, p := range pullsOf(t, e, "forge") {
			if p.Number == n {
				return p.Head.Ref
			}
		}
		return ""
	}

	// (a) The name is taken: the forward-port goes on the first free name.
	a, r := hotfix("login page 500", "app.txt", "version = 1.4\nlogin = fixed\n", "v1.4.1")
	if a.ForwardPort.Number == nil || a.ForwardPort.State != "OPEN" {
		t.Fatalf("hotfix #%d: forward-port %+v\n%s", a.Number, a.ForwardPort, r.Stderr)
	}
	fpA := *a.ForwardPort.Number
	if got := headOf(fpA); got != "hotfix/forward-port-login-page-500-3" {
		t.Errorf("the forward-port #%d is on %q, want hotfix/forward-port-login-page-500-3", fpA, got)
	}
	for _, want := range []string{taken + " is not the forward-port of #", fmt.Sprintf("(pull request #%d)", unrelated), takenToo + " is not the forward-port"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("ship does not say %q:\n%s", want, r.Stderr)
		}
	}
	if got := fileAt(t, e, "forge", "app.txt", "hotfix/forward-port-login-page-500-3"); got != "version = 1.4\nlogin = fixed\n" {
		t.Errorf("app.txt on the forward-port branch = %q, want the fix", got)
	}
	// The other pull request and branch, as GitHub has them: untouched.
	_, out = e.API("GET", fmt.Sprintf("/repos/monalisa/forge/pulls/%d", unrelated), nil)
	pr := out.(map[string]any)
	if head := pr["head"].(map[string]any); head["sha"] != unrelatedHead || head["ref"] != taken || pr["state"] != "open" {
		t.Errorf("the unrelated pull request moved: %s", jsonString(pr["head"]))
	}
	if got := jsonString(pr["labels"]); !strings.Contains(got, `"refactor"`) || strings.Contains(got, "hotfix") || strings.Contains(got, "forward-port") {
		t.Errorf("the unrelated pull request's labels: %s", got)
	}
	if _, cm := e.API("GET", fmt.Sprintf("/repos/monalisa/forge/issues/%d/comments", unrelated), nil); len(cm.([]any)) != 1 {
		t.Errorf("the unrelated pull request's comments: %s", jsonString(cm))
	}
	if _, ref := e.API("GET", "/repos/monalisa/forge/git/ref/heads/"+taken+"-2", nil); !strings.Contains(jsonString(ref), takenTooTip) {
		t.Errorf("%s moved: %s", takenToo, jsonString(ref))
	}
	// Again: the forward-port is found by its record, and nothing changes.
	e.ClearRequests()
	if r := e.Hotfix(work, "ship", "--branch", "hotfix/login-page-500"); r.Code != 0 || !strings.Contains(r.Stderr, fmt.Sprintf("Forward-port pull request #%d is open", fpA)) {
		t.Errorf("re-run: exit %d\n%s", r.Code, r.Stderr)
	}
	if m := mutations(e); len(m) > 0 {
		t.Errorf("re-run changed something: %v", m)
	}

	// Not needed: main has the change already.
	b, r := hotfix("feature one", "feature-1.txt", "unfinished work\n", "v1.4.2")
	if b.ForwardPort.State != "NOT_NEEDED" || b.ForwardPort.Number != nil || !strings.Contains(r.Stderr, "No forward-port needed") {
		t.Errorf("hotfix #%d: forward-port %+v\n%s", b.Number, b.ForwardPort, r.Stderr)
	}
	e.ClearRequests()
	if r := e.Hotfix(work, "ship"); r.Code != 0 || !strings.Contains(r.Stderr, "No forward-port needed") {
		t.Errorf("re-run of a forward-port not needed: exit %d\n%s", r.Code, r.Stderr)
	}
	if m := mutations(e); len(m) > 0 {
		t.Errorf("re-run changed something: %v", m)
	}

	// Merged, and closed without merging.
	c, _ := hotfix("search crash", "search.txt", "search = fixed\n", "v1.4.3")
	if status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/forge/pulls/%d/merge", *c.ForwardPort.Number), map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merging the forward-port: %d %v", status, out)
	}
	d, _ := hotfix("cart rounding", "cart.txt", "rounding = fixed\n", "v1.4.4")
	if status, out := e.API("PATCH", fmt.Sprintf("/repos/monalisa/forge/pulls/%d", *d.ForwardPort.Number), map[string]any{"state": "closed"}); status != 200 {
		t.Fatalf("closing the forward-port: %d %v", status, out)
	}
	if r := e.Hotfix(work, "ship"); r.Code != 0 || !strings.Contains(r.Stderr, "was closed without merging") {
		t.Errorf("ship after the forward-port was closed: exit %d\n%s", r.Code, r.Stderr)
	}

	// (b) status: the hotfixes only, each with its forward-port's state.
	e.ClearRequests()
	r = e.Hotfix(work, "status", "--state", "all", "--json", "number,forwardPort")
	logCost(t, e, "status --state all (four exceptional hotfixes)")
	var st []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil || r.Code != 0 {
		t.Fatalf("status --json: exit %d (%v)\n%s%s", r.Code, err, r.Stdout, r.Stderr)
	}
	got := map[int]string{}
	for _, row := range st {
		fp, _ := row["forwardPort"].(map[string]any)
		got[int(row["number"].(float64))] = fmt.Sprint(fp["state"], " ", fp["number"])
	}
	want := map[int]string{a.Number: fmt.Sprintf("OPEN %d", fpA), b.Number: "NOT_NEEDED <nil>",
		c.Number: fmt.Sprintf("MERGED %d", *c.ForwardPort.Number), d.Number: fmt.Sprintf("CLOSED %d", *d.ForwardPort.Number)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("status rows %v, want %v (the hotfixes, none of their forward-ports)", got, want)
	}
	r = e.Hotfix(work, "status", "--state", "all")
	for _, line := range []string{
		fmt.Sprintf("%d\tHotfix: login page 500\thotfix/login-page-500\tMERGED\trelease v1.4.1 succeeded, forward-port #%d open\t", a.Number, fpA),
		fmt.Sprintf("%d\tHotfix: feature one\thotfix/feature-one\tMERGED\trelease v1.4.2 succeeded, forward-port not needed\t", b.Number),
		fmt.Sprintf("%d\tHotfix: search crash\thotfix/search-crash\tMERGED\trelease v1.4.3 succeeded, forward-port #%d merged\t", c.Number, *c.ForwardPort.Number),
		fmt.Sprintf("%d\tHotfix: cart rounding\thotfix/cart-rounding\tMERGED\trelease v1.4.4 succeeded, forward-port #%d closed unmerged\t", d.Number, *d.ForwardPort.Number),
	} {
		if !strings.Contains(r.Stdout, line) {
			t.Errorf("status --state all lacks %q:\n%s", line, r.Stdout)
		}
	}
	// The default view lists no open hotfix, and names the forward-port still open.
	r = e.Hotfix(work, "status")
	if r.Code != 0 || r.Stdout != "" || !strings.Contains(r.Stderr, fmt.Sprintf("forward-port #%d of hotfix #%d open", fpA, a.Number)) {
		t.Errorf("status: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	// On main, ship offers no merged forward-port as a hotfix to release.
	e.Git(work, "switch", "-q", "main")
	assertFailed(t, e.Hotfix(work, "ship"), "main is not a hotfix branch: start one with gh hotfix create, or pass --branch")
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}

// TestExceptionalRebaseMergeMixedPrefixes: a line tagged v1.4.0, then 1.4.1
// (without the v), is one line: a hotfix from the older v1.4.0 is refused while
// the maintenance branch is missing, and says 1.4.1 is the line's latest when it
// has it; it is released as v1.4.2, never as a second 1.4.1; and its two
// commits merged by rebase (new SHAs on the maintenance branch) are not warned
// about as commits besides the hotfix.
func TestExceptionalRebaseMergeMixedPrefixes(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	const repo = "rebased"
	work, _ := unreleasableRepo(t, e, repo, true)
	// 1.4.1: a fix on top of v1.4.0, tagged without the v.
	e.Git(work, "checkout", "-q", "--detach", "HEAD~2")
	harnessWrite(t, filepath.Join(work, "earlier-fix.txt"), "fixed in 1.4.1\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "An earlier fix")
	tagSHA := e.Git(work, "rev-parse", "HEAD")
	e.Git(work, "push", "-q", "origin", "HEAD:refs/tags/1.4.1")
	e.Git(work, "checkout", "-q", "main")
	// Without a maintenance branch, a hotfix from v1.4.0 would be released
	// after 1.4.1 without its changes: refused, naming the tag to start from.
	assertRefused(t, e.Hotfix(work, "create", "fix a", "--from-tag", "v1.4.0"),
		"1.4.1 is the latest release of the 1.4 line, not v1.4.0: a hotfix from v1.4.0 would be released after it without its changes (release/v1.4 does not exist yet); hotfix from it: gh hotfix create 'fix a' --from-tag 1.4.1")
	// With one that has 1.4.1, the hotfix starts from v1.4.0 and says so.
	if status, out := e.API("POST", "/repos/monalisa/"+repo+"/git/refs", map[string]any{"ref": "refs/heads/release/v1.4", "sha": tagSHA}); status != 201 {
		t.Fatalf("release/v1.4: %d %v", status, out)
	}
	r := e.Hotfix(work, "create", "fix a", "--from-tag", "v1.4.0")
	if r.Code != 0 || !strings.Contains(r.Stderr, "1.4.1 is the latest release of this line, not v1.4.0: release/v1.4, which the hotfix merges into, has it") ||
		strings.Contains(r.Stderr, "since v1.4.0") {
		t.Fatalf("create: exit %d\n%s", r.Code, r.Stderr)
	}
	e.Control("POST", "repos/monalisa/"+repo+"/reviewer", map[string]any{"after_ms": 0, "label": "hotfix", "method": "rebase"})
	for file, msg := range map[string]string{"fix-a.txt": "Fix a", "fix-a-test.txt": "Cover fix a with a test"} {
		harnessWrite(t, filepath.Join(work, file), msg+"\n")
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", msg)
	}

	r = e.Hotfix(work, "ship", "--interval", "50ms")
	if r.Code != 0 {
		t.Fatalf("ship: exit %d\n%s", r.Code, r.Stderr)
	}
	if runs := hotfixRuns(t, e, repo); len(runs) != 1 || runs[0].Tag != "v1.4.2" {
		t.Errorf("runs %+v, want one releasing v1.4.2 (1.4.1 is the line's)", runs)
	}
	if !strings.Contains(r.Stderr, "since 1.4.1") || strings.Contains(r.Stderr, "besides the hotfix") {
		t.Errorf("ship's account of what ships, after a rebase merge:\n%s", r.Stderr)
	}
}
