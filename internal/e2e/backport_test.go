package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

const (
	loginBroken = "version = 1\nlogin = broken\nsearch = ok\n"
	loginFixed  = "version = 1\nlogin = fixed\nsearch = ok\n"
	loginTest   = "login: empty password gives 401, not 500\n"
)

// backportRepo makes a repository with three maintenance lines cut from main
// and main moved on: release/v1.4 (v1.4.0, v1.4.1: the fix applies cleanly),
// release/v1.3 (rewrote the login line: the fix conflicts) and release/v1.2
// (the fix was applied there by hand: already there); v1.5.0 on main is the
// Latest release. It returns the clone, on main.
func backportRepo(t *testing.T, e *harness.Env, name string) string {
	t.Helper()
	work := e.CreateRepo(name, map[string]string{"app.txt": loginBroken,
		".github/hotfix.yml": exceptionalConfig, ".github/workflows/hotfix.yml": release.HotfixWorkflow})
	api := "/repos/monalisa/" + name
	commit := func(file, content, msg string) {
		harnessWrite(t, filepath.Join(work, file), content)
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", msg)
	}
	releaseAt := func(tag, target string) {
		if status, out := e.API("POST", api+"/releases", map[string]any{"tag_name": tag, "target_commitish": target}); status != 201 {
			t.Fatalf("release %s: %d %v", tag, status, out)
		}
	}
	cut := func(line string) {
		e.Git(work, "push", "-q", "origin", "HEAD:refs/heads/"+line)
	}
	cut("release/v1.2")
	commit("a.txt", "feature a\n", "Feature A")
	cut("release/v1.3")
	commit("b.txt", "feature b\n", "Feature B")
	cut("release/v1.4")
	commit("c.txt", "feature c\n", "Feature C")
	e.Git(work, "push", "-q", "origin", "main")

	e.Git(work, "switch", "-q", "-c", "v12", "origin/release/v1.2")
	commit("app.txt", loginFixed, "Fix the login page on 1.2 by hand")
	commit("login_test.txt", loginTest, "Test the login page on 1.2")
	e.Git(work, "push", "-q", "origin", "HEAD:release/v1.2")
	e.Git(work, "switch", "-q", "-c", "v13", "origin/release/v1.3")
	commit("app.txt", "version = 1\nlogin = rewritten for 1.3\nsearch = ok\n", "Rewrite the login page for 1.3")
	e.Git(work, "push", "-q", "origin", "HEAD:release/v1.3")
	e.Git(work, "switch", "-q", "-c", "v14", "origin/release/v1.4")
	releaseAt("v1.4.0", "release/v1.4")
	commit("d.txt", "a 1.4 fix\n", "An earlier 1.4 fix")
	e.Git(work, "push", "-q", "origin", "HEAD:release/v1.4")
	releaseAt("v1.4.1", "release/v1.4")
	releaseAt("v1.3.0", "release/v1.3")
	releaseAt("v1.2.0", "release/v1.2")
	releaseAt("v1.5.0", "main")
	e.Git(work, "switch", "-q", "main")
	e.Git(work, "branch", "-q", "-D", "v12", "v13", "v14")
	return work
}

// mergeFix opens the login fix (two commits: the fix, its test) into main and
// merges it with method; it returns the pull request's number.
func mergeFix(t *testing.T, e *harness.Env, work, name, method string) int {
	t.Helper()
	e.Git(work, "switch", "-q", "-c", "fix-login", "main")
	harnessWrite(t, filepath.Join(work, "app.txt"), loginFixed)
	e.Git(work, "commit", "-q", "-am", "Fix the login page 500")
	harnessWrite(t, filepath.Join(work, "login_test.txt"), loginTest)
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Test the login page")
	e.Git(work, "push", "-q", "origin", "fix-login")
	e.Git(work, "switch", "-q", "main")
	api := "/repos/monalisa/" + name
	status, out := e.API("POST", api+"/pulls", map[string]any{"title": "Fix the login page 500", "head": "fix-login", "base": "main"})
	if status != 201 {
		t.Fatalf("pull request: %d %v", status, out)
	}
	n := int(out.(map[string]any)["number"].(float64))
	if status, out := e.API("PUT", fmt.Sprintf("%s/pulls/%d/merge", api, n), map[string]any{"merge_method": method}); status != 200 {
		t.Fatalf("merge #%d (%s): %d %v", n, method, status, out)
	}
	e.Git(work, "pull", "-q", "--ff-only")
	return n
}

type draftPR struct {
	apiPR
	Draft bool
}

func backportPulls(t *testing.T, e *harness.Env, repo string) map[string]draftPR {
	t.Helper()
	_, out := e.API("GET", "/repos/monalisa/"+repo+"/pulls?state=all", nil)
	var prs []draftPR
	if err := json.Unmarshal([]byte(jsonString(out)), &prs); err != nil {
		t.Fatalf("pulls: %v", err)
	}
	byBase := map[string]draftPR{}
	for _, p := range prs {
		if strings.HasPrefix(p.Head.Ref, "hotfix/backport-") {
			if _, dup := byBase[p.Base.Ref]; dup {
				t.Errorf("two backports into %s", p.Base.Ref)
			}
			byBase[p.Base.Ref] = p
		}
	}
	return byBase
}

// summaryOf returns the backport summaries on pull request n (there must be one).
func summaryOf(t *testing.T, e *harness.Env, repo string, n int) hotfix.BackportSummary {
	t.Helper()
	_, out := e.API("GET", fmt.Sprintf("/repos/monalisa/%s/issues/%d/comments", repo, n), nil)
	var comments []struct{ Body string }
	if err := json.Unmarshal([]byte(jsonString(out)), &comments); err != nil {
		t.Fatal(err)
	}
	var found []hotfix.BackportSummary
	for _, c := range comments {
		if s, ok := hotfix.ParseBackportSummary(c.Body); ok {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d backport summaries on #%d, want 1: %s", len(found), n, jsonString(out))
	}
	return found[0]
}

// TestBackport is issue 17's backport story, for each way GitHub merges: the
// fix goes to three lines (one clean, one conflicting, one that has it),
// giving one labelled pull request, one draft with the commands, one "already
// there" and one summary comment; once the clean one is merged, backport
// again releases that line once, with its next patch tag (v1.4.2), and the
// release run's step keeps v1.5.0 Latest; a third run changes nothing.
func TestBackport(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"squash", "rebase", "merge"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			e := harness.New(t)
			name := "shop-" + method
			work := backportRepo(t, e, name)
			n := mergeFix(t, e, work, name, method)
			api := "/repos/monalisa/" + name
			mainBefore := e.Git(work, "rev-parse", "HEAD")

			e.ClearRequests()
			r := e.Hotfix(work, "backport", fmt.Sprint(n), "--to", "release/v1.4", "--to", "release/v1.3", "--to", "release/v1.2")
			logCost(t, e, "backport to three lines ("+method+")")
			t.Logf("backport said:\n%s\n%s", r.Stdout, r.Stderr)
			if r.Code != 3 {
				t.Fatalf("backport: exit %d, want 3 (a draft waits for a person)\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
			}
			prs := backportPulls(t, e, name)
			if len(prs) != 2 {
				t.Fatalf("backport pull requests: %+v, want one into release/v1.4 and one into release/v1.3", prs)
			}
			clean, draft := prs["release/v1.4"], prs["release/v1.3"]
			if clean.Draft || clean.labels() != "backport,hotfix" || clean.Head.Ref != fmt.Sprintf("hotfix/backport-%d-to-release-v1.4", n) {
				t.Errorf("clean backport: draft %v, labels %q, head %s", clean.Draft, clean.labels(), clean.Head.Ref)
			}
			if rec, ok := hotfix.ParseBackport(clean.Body); !ok || rec.Of != n || rec.Line != "release/v1.4" || rec.Conflicts {
				t.Errorf("clean backport's record: %+v %v\n%s", rec, ok, clean.Body)
			}
			head := clean.Head.Ref
			if got := fileAt(t, e, name, "app.txt", head); got != loginFixed {
				t.Errorf("app.txt on %s = %q, want the fix", head, got)
			}
			if got := fileAt(t, e, name, "login_test.txt", head); got != loginTest {
				t.Errorf("login_test.txt on %s = %q, want the fix's test", head, got)
			}
			if got := fileAt(t, e, name, "d.txt", head); got == "" {
				t.Errorf("%s does not start from release/v1.4", head)
			}
			if got := fileAt(t, e, name, "c.txt", head); got != "" {
				t.Errorf("%s carries main's other changes (c.txt)", head)
			}
			e.Git(work, "fetch", "-q", "origin", head)
			msg := e.Git(work, "log", "-1", "--format=%B", "FETCH_HEAD")
			if !strings.Contains(msg, "(cherry picked from commit ") || strings.HasPrefix(msg, "Merge pull request") {
				t.Errorf("the backport's commit does not say what it was picked from, or is titled as a merge:\n%s", msg)
			}

			if !draft.Draft || draft.labels() != "backport,hotfix" {
				t.Errorf("conflicting backport: draft %v, labels %q", draft.Draft, draft.labels())
			}
			for _, want := range []string{"Conflicts to resolve", "`app.txt`", "git fetch origin " + draft.Head.Ref, "gh pr ready", "git push"} {
				if !strings.Contains(draft.Body, want) {
					t.Errorf("the draft's description lacks %q:\n%s", want, draft.Body)
				}
			}
			if method == "rebase" && !strings.Contains(draft.Body, "git cherry-pick -x ") {
				t.Errorf("the draft of a rebase does not say how to pick the commits left:\n%s", draft.Body)
			}
			if got := fileAt(t, e, name, "app.txt", draft.Head.Ref); !strings.Contains(got, "<<<<<<<") {
				t.Errorf("app.txt on the draft's branch holds no conflict markers: %q", got)
			}

			s := summaryOf(t, e, name, n)
			want := map[string]hotfix.LineState{"release/v1.4": hotfix.LineOpened, "release/v1.3": hotfix.LineConflict, "release/v1.2": hotfix.LineAlreadyThere}
			for line, state := range want {
				if l, ok := s.Line(line); !ok || l.State != state {
					t.Errorf("summary: %s is %+v, want %s", line, l, state)
				}
			}
			for _, line := range []string{"release/v1.4\topened\t", "release/v1.3\tconflict\t", "release/v1.2\talready-there\t-"} {
				if !strings.Contains(r.Stdout, line) {
					t.Errorf("stdout lacks %q:\n%s", line, r.Stdout)
				}
			}
			if n := dispatchCount(e); n != 0 {
				t.Errorf("backport dispatched %d releases before any merge", n)
			}
			// The checkout is as it was: same branch and commit, clean, no worktree left.
			if got := e.Git(work, "rev-parse", "--abbrev-ref", "HEAD") + " " + e.Git(work, "rev-parse", "HEAD"); got != "main "+mainBefore {
				t.Errorf("the checkout moved: %s", got)
			}
			if got := e.Git(work, "status", "--porcelain"); got != "" {
				t.Errorf("the checkout changed:\n%s", got)
			}
			if got := e.Git(work, "worktree", "list"); strings.Count(got, "\n") != 0 {
				t.Errorf("worktrees left:\n%s", got)
			}

			// A teammate merges the clean backport; backport again releases that line once.
			if status, out := e.API("PUT", fmt.Sprintf("%s/pulls/%d/merge", api, clean.Number), map[string]any{"merge_method": "merge"}); status != 200 {
				t.Fatalf("merge the backport: %d %v", status, out)
			}
			e.ClearRequests()
			r = e.Hotfix(work, "backport", fmt.Sprint(n))
			logCost(t, e, "backport again, one line merged")
			t.Logf("backport again said:\n%s\n%s", r.Stdout, r.Stderr)
			if r.Code != 3 {
				t.Fatalf("backport again: exit %d, want 3 (the draft still waits)\n%s", r.Code, r.Stderr)
			}
			if n := dispatchCount(e); n != 1 {
				t.Errorf("%d dispatches, want 1", n)
			}
			_, out := e.API("GET", api+"/actions/runs", nil)
			runs, _ := out.(map[string]any)["workflow_runs"].([]any)
			if len(runs) != 1 {
				t.Fatalf("%d runs, want 1: %s", len(runs), jsonString(out))
			}
			run := runs[0].(map[string]any)
			if run["path"] != ".github/workflows/hotfix.yml" || run["head_branch"] != "release/v1.4" ||
				jsonString(run["inputs"]) != `{"environment":"production","tag":"v1.4.2"}` {
				t.Errorf("run: path %v, branch %v, inputs %s", run["path"], run["head_branch"], jsonString(run["inputs"]))
			}
			s = summaryOf(t, e, name, n)
			if l, _ := s.Line("release/v1.4"); l.State != hotfix.LineReleased || l.Tag != "v1.4.2" || !strings.Contains(l.Run, "/actions/runs/") {
				t.Errorf("summary of release/v1.4 after the release: %+v", l)
			}
			_, cm := e.API("GET", fmt.Sprintf("%s/issues/%d/comments", api, clean.Number), nil)
			if got := jsonString(cm); !strings.Contains(got, "v1.4.2") || !strings.Contains(got, "Release started") {
				t.Errorf("the backport's release comment: %s", got)
			}
			if !strings.Contains(r.Stdout, "release/v1.4\treleased\t") || !strings.Contains(r.Stdout, "\tv1.4.2\t") {
				t.Errorf("stdout does not say release/v1.4 is released as v1.4.2:\n%s", r.Stdout)
			}

			// The run's "Tag and release" step (run here against the emulator) keeps v1.5.0 Latest.
			sha, _ := run["head_sha"].(string)
			step := e.RunInEnv(work, []string{"GH_TOKEN=" + harness.Token, "TAG=v1.4.2", "GITHUB_REPOSITORY=monalisa/" + name,
				"GITHUB_SHA=" + sha, "GITHUB_REF_NAME=release/v1.4"}, "bash", "-eo", "pipefail", "-c", stepScript(t, release.HotfixWorkflow, "Tag and release"))
			if step.Code != 0 {
				t.Fatalf("release step: exit %d\n%s", step.Code, step.Stderr)
			}
			_, latest := e.API("GET", api+"/releases/latest", nil)
			if got := latest.(map[string]any)["tag_name"]; got != "v1.5.0" {
				t.Errorf("the Latest release is %v after v1.4.2, want v1.5.0", got)
			}
			_, rel := e.API("GET", api+"/releases/tags/v1.4.2", nil)
			if body, _ := rel.(map[string]any)["body"].(string); !strings.Contains(body, "compare/v1.4.1...v1.4.2") {
				t.Errorf("v1.4.2's notes do not start at v1.4.1:\n%s", body)
			}

			// status --backports says where each line stands, read from GitHub now.
			e.ClearRequests()
			st := e.Hotfix(work, "status", "--backports", fmt.Sprint(n), "--json", "line,state,number,tag")
			var lines []struct {
				Line, State, Tag string
				Number           int
			}
			if err := json.Unmarshal([]byte(st.Stdout), &lines); err != nil || st.Code != 0 {
				t.Fatalf("status --backports: exit %d, %v\n%s%s", st.Code, err, st.Stdout, st.Stderr)
			}
			got := map[string]string{}
			for _, l := range lines {
				got[l.Line] = fmt.Sprintf("%s #%d %s", l.State, l.Number, l.Tag)
			}
			wantStatus := map[string]string{"release/v1.4": fmt.Sprintf("released #%d v1.4.2", clean.Number),
				"release/v1.3": fmt.Sprintf("conflict #%d ", draft.Number), "release/v1.2": "already-there #0 "}
			for line, w := range wantStatus {
				if got[line] != w {
					t.Errorf("status --backports: %s is %q, want %q", line, got[line], w)
				}
			}
			if api, _, _ := e.RequestCounts(); len(api) > 2 || sum(api) > 2 {
				t.Errorf("status --backports made %v requests, want at most 2", api)
			}

			// Once more: nothing is dispatched, posted or pushed.
			e.ClearRequests()
			r = e.Hotfix(work, "backport", fmt.Sprint(n))
			if r.Code != 3 {
				t.Fatalf("backport a third time: exit %d\n%s", r.Code, r.Stderr)
			}
			if m := mutations(e); len(m) > 0 {
				t.Errorf("backport a third time changed something: %v", m)
			}
			for _, f := range e.Server.ConformanceFailures() {
				t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
			}
		})
	}
}

// TestBackportRefusals: what backport refuses, with one line, changing nothing.
func TestBackportRefusals(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := backportRepo(t, e, "shop")
	api := "/repos/monalisa/shop"
	n := mergeFix(t, e, work, "shop", "squash")
	open := func(branch, title string) int {
		e.Git(work, "switch", "-q", "-c", branch, "main")
		harnessWrite(t, filepath.Join(work, branch+".txt"), title+"\n")
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", title)
		e.Git(work, "push", "-q", "origin", branch)
		e.Git(work, "switch", "-q", "main")
		status, out := e.API("POST", api+"/pulls", map[string]any{"title": title, "head": branch, "base": "main"})
		if status != 201 {
			t.Fatalf("pull request: %d %v", status, out)
		}
		return int(out.(map[string]any)["number"].(float64))
	}
	openPR := open("wip", "Work in progress")
	closedPR := open("abandoned", "Abandoned")
	if status, out := e.API("PATCH", fmt.Sprintf("%s/pulls/%d", api, closedPR), map[string]any{"state": "closed"}); status != 200 {
		t.Fatalf("close: %d %v", status, out)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"open", []string{fmt.Sprint(openPR), "--to", "release/v1.4"}, fmt.Sprintf("pull request #%d is open: backport carries a fix merged into main", openPR)},
		{"closed", []string{fmt.Sprint(closedPR), "--to", "release/v1.4"}, fmt.Sprintf("pull request #%d was closed without being merged", closedPR)},
		{"unknown", []string{"999", "--to", "release/v1.4"}, "monalisa/shop has no pull request #999"},
		{"another repository", []string{"https://github.localhost/someone/else/pull/3", "--to", "release/v1.4"}, "someone/else"},
		{"no such line", []string{fmt.Sprint(n), "--to", "release/v1.4", "--to", "release/v9.9"}, "branch release/v9.9 does not exist in monalisa/shop"},
		{"the base", []string{fmt.Sprint(n), "--to", "main"}, "main is the base"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.ClearRequests()
			r := e.Hotfix(work, append([]string{"backport"}, tt.args...)...)
			assertRefused(t, r, tt.want)
			if m := mutations(e); len(m) > 0 {
				t.Errorf("a refused backport changed something: %v", m)
			}
		})
	}
	// No line named and none recorded: a flag error.
	r := e.Hotfix(work, "backport", fmt.Sprint(n))
	if r.Code != 2 && r.Code != 1 || !strings.Contains(r.Stderr, "has no backports yet") {
		t.Errorf("backport without lines: exit %d\n%s", r.Code, r.Stderr)
	}
	if got := backportPulls(t, e, "shop"); len(got) != 0 {
		t.Errorf("refused backports opened pull requests: %+v", got)
	}
}

func sum(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// TestShipMergedPullIntoLine: a fix merged straight into a maintenance branch
// (not a backport) is shipped with ship --pr: released once by the hotfix
// workflow on the line with the line's next patch tag, then forward-ported to
// main; a second ship changes nothing.
func TestShipMergedPullIntoLine(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := backportRepo(t, e, "shop")
	api := "/repos/monalisa/shop"
	e.Git(work, "switch", "-q", "-c", "fix-14", "origin/release/v1.4")
	harnessWrite(t, filepath.Join(work, "app.txt"), loginFixed)
	e.Git(work, "commit", "-q", "-am", "Fix the login page on 1.4")
	e.Git(work, "push", "-q", "origin", "fix-14")
	e.Git(work, "switch", "-q", "main")
	status, out := e.API("POST", api+"/pulls", map[string]any{"title": "Fix the login page on 1.4", "head": "fix-14", "base": "release/v1.4"})
	if status != 201 {
		t.Fatalf("pull request: %d %v", status, out)
	}
	n := int(out.(map[string]any)["number"].(float64))
	if status, out := e.API("PUT", fmt.Sprintf("%s/pulls/%d/merge", api, n), map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--pr", fmt.Sprint(n))
	logCost(t, e, "ship --pr into a maintenance branch")
	if r.Code != 0 {
		t.Fatalf("ship --pr: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := dispatchCount(e); n != 1 {
		t.Errorf("%d dispatches, want 1", n)
	}
	_, runs := e.API("GET", api+"/actions/runs", nil)
	run := runs.(map[string]any)["workflow_runs"].([]any)[0].(map[string]any)
	if run["head_branch"] != "release/v1.4" || jsonString(run["inputs"]) != `{"environment":"production","tag":"v1.4.2"}` {
		t.Errorf("run: branch %v, inputs %s", run["head_branch"], jsonString(run["inputs"]))
	}
	var forward *apiPR
	for _, p := range pullsOf(t, e, "shop") {
		if p.Base.Ref == "main" && !strings.HasPrefix(p.Head.Ref, "fix-14") && strings.Contains(p.Body, fmt.Sprintf("Forward-port of #%d", n)) {
			forward = &p
		}
	}
	if forward == nil || !strings.Contains(forward.labels(), "forward-port") {
		t.Fatalf("no forward-port pull request into main: %+v\n%s", forward, r.Stderr)
	}
	if got := fileAt(t, e, "shop", "app.txt", forward.Head.Ref); got != loginFixed {
		t.Errorf("app.txt on the forward-port = %q", got)
	}
	e.ClearRequests()
	if r := e.Hotfix(work, "ship", "--pr", fmt.Sprint(n)); r.Code != 0 {
		t.Fatalf("ship --pr again: exit %d\n%s", r.Code, r.Stderr)
	}
	if m := mutations(e); len(m) > 0 {
		t.Errorf("ship --pr again changed something: %v", m)
	}
}

// TestBackportAutoAndLatest: --to-latest picks the newest lines by version
// (--dry-run changing nothing), and --auto turns auto-merge on where the
// repository allows it, and says how to merge where it does not.
func TestBackportAutoAndLatest(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := backportRepo(t, e, "shop")
	n := mergeFix(t, e, work, "shop", "squash")

	e.ClearRequests()
	r := e.Hotfix(work, "backport", fmt.Sprint(n), "--to-latest", "2", "--dry-run")
	if r.Code != 0 || !strings.Contains(r.Stdout, "release/v1.4: would cherry-pick") || !strings.Contains(r.Stdout, "release/v1.3: would cherry-pick") || strings.Contains(r.Stdout, "release/v1.2") {
		t.Errorf("--to-latest 2 --dry-run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if m := mutations(e); len(m) > 0 {
		t.Errorf("--dry-run changed something: %v", m)
	}

	// A new repository does not allow auto-merge: the backport is opened, and backport says how to merge it.
	r = e.Hotfix(work, "backport", fmt.Sprint(n), "--to", "release/v1.4", "--auto")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Could not enable auto-merge") || !strings.Contains(r.Stderr, "gh pr merge") {
		t.Errorf("backport --auto where auto-merge is not allowed: exit %d\n%s", r.Code, r.Stderr)
	}
	// A draft never gets auto-merge.
	r = e.Hotfix(work, "backport", fmt.Sprint(n), "--to", "release/v1.3", "--auto")
	if r.Code != 3 || strings.Contains(r.Stderr, "auto-merge") {
		t.Errorf("backport --auto with a conflicting line: exit %d, want 3, and no auto-merge\n%s", r.Code, r.Stderr)
	}
	if s := summaryOf(t, e, "shop", n); len(s.Lines) != 2 {
		t.Errorf("summary: %+v, want the two lines", s)
	}
	if strings.Count(r.Stdout, "\n") != 2 {
		t.Errorf("stdout: one line per line, got:\n%s", r.Stdout)
	}

	// Where auto-merge is allowed, the clean backport gets it.
	work = backportRepo(t, e, "auto")
	n = mergeFix(t, e, work, "auto", "squash")
	if status, out := e.API("PATCH", "/repos/monalisa/auto", map[string]any{"allow_auto_merge": true}); status != 200 {
		t.Fatalf("allow auto-merge: %d %v", status, out)
	}
	r = e.Hotfix(work, "backport", fmt.Sprint(n), "--to", "release/v1.4", "--auto")
	if r.Code != 0 {
		t.Fatalf("backport --auto: exit %d\n%s", r.Code, r.Stderr)
	}
	clean := backportPulls(t, e, "auto")["release/v1.4"]
	_, pr := e.API("GET", fmt.Sprintf("/repos/monalisa/auto/pulls/%d", clean.Number), nil)
	if am, merged := pr.(map[string]any)["auto_merge"], pr.(map[string]any)["merged"]; am == nil && merged != true {
		t.Errorf("the clean backport has neither auto-merge nor a merge: %s\n%s", jsonString(pr), r.Stderr)
	}

}
