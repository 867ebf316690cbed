package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// orgHotfix is a hotfix pull request of the organization world, as status should show it.
type orgHotfix struct {
	repo    string // acme/NAME
	number  int
	state   string // OPEN, MERGED, CLOSED
	checks  string
	review  any    // reviewDecision, nil when none
	release string // the release run's conclusion or status, "" without a release
}

// orgWorld makes the organization acme with 30 repositories (svc-00…svc-29),
// made through the API alone, and in them:
//   - open hotfix pull requests in svc-00…svc-05: a failing required-less
//     check on svc-00 and svc-03, a passing one on svc-01 and svc-04, none on
//     svc-02 and svc-05; svc-04's approved by hubot;
//   - hotfixes merged and released in svc-06…svc-09, each with ship's release
//     comment naming its run on the merge commit: succeeded (svc-06, svc-08),
//     failed (svc-07), in progress (svc-09);
//   - noise status must leave out: an open pull request without the label
//     (svc-10), a hotfix closed without merging (svc-11, only with --state all),
//     an issue labelled hotfix (svc-12);
//
// and monalisa/solo, outside the organization, with an open hotfix pull request.
// It returns the 10 hotfixes in flight, newest first as status lists them:
// the open ones, then the merged ones.
func orgWorld(t *testing.T, e *harness.Env) []orgHotfix {
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	e.CreateOrg("acme")
	for i := range 30 {
		e.CreateOrgRepoOnly("acme", fmt.Sprintf("svc-%02d", i), nil)
	}
	e.CreateRepo("solo", nil)
	open := func(full, branch string, labels ...string) (number int, head string) {
		t.Helper()
		head = e.PutFileOnNewBranch(full, branch, "fix.txt", "the fix of "+branch+"\n")
		status, out := e.API("POST", "/repos/"+full+"/pulls", map[string]any{"title": "Hotfix: " + branch, "head": branch, "base": "main"})
		if status != 201 {
			t.Fatalf("opening %s's pull request: %d %v", full, status, out)
		}
		number = int(out.(map[string]any)["number"].(float64))
		if len(labels) > 0 {
			if status, out := e.API("POST", fmt.Sprintf("/repos/%s/issues/%d/labels", full, number), map[string]any{"labels": labels}); status != 200 {
				t.Fatalf("labelling: %d %v", status, out)
			}
		}
		return number, head
	}
	check := func(full, sha, state string) {
		t.Helper()
		if status, out := e.API("POST", "/repos/"+full+"/statuses/"+sha, map[string]any{"state": state, "context": "ci/test"}); status != 201 {
			t.Fatalf("status %s: %d %v", state, status, out)
		}
	}
	var want []orgHotfix
	for i, c := range []string{"failure", "success", "", "failure", "success", ""} {
		full := fmt.Sprintf("acme/svc-%02d", i)
		n, head := open(full, "hotfix/fix-"+fmt.Sprint(i), "hotfix")
		h := orgHotfix{repo: full, number: n, state: "OPEN", checks: map[string]string{"failure": "failing", "success": "passing", "": "none"}[c]}
		if c != "" {
			check(full, head, c)
		}
		if i == 4 {
			if status, out := e.API("PUT", "/repos/acme/svc-04/collaborators/hubot", map[string]any{"permission": "push"}); status != 201 && status != 204 {
				t.Fatalf("adding hubot: %d %v", status, out)
			}
			if status, out := e.APIAs("hubot-token", "POST", fmt.Sprintf("/repos/%s/pulls/%d/reviews", full, n), map[string]any{"event": "APPROVE"}); status != 200 {
				t.Fatalf("approving: %d %v", status, out)
			}
			h.review = "APPROVED"
		}
		want = append([]orgHotfix{h}, want...)
	}
	var merged []orgHotfix
	for i, run := range [][2]string{{"completed", "success"}, {"completed", "failure"}, {"completed", "success"}, {"in_progress", ""}} {
		full := fmt.Sprintf("acme/svc-%02d", 6+i)
		n, _ := open(full, "hotfix/fix-"+fmt.Sprint(6+i), "hotfix")
		status, out := e.API("PUT", fmt.Sprintf("/repos/%s/pulls/%d/merge", full, n), map[string]any{"merge_method": "merge"})
		if status != 200 {
			t.Fatalf("merging: %d %v", status, out)
		}
		sha := out.(map[string]any)["sha"].(string)
		since := time.Now().UTC()
		status, out = e.API("POST", "/repos/"+full+"/actions/workflows/release.yml/dispatches", map[string]any{"ref": "main", "return_run_details": true})
		if status != 200 {
			t.Fatalf("dispatching: %d %v", status, out)
		}
		id := int64(out.(map[string]any)["workflow_run_id"].(float64))
		m := hotfix.ReleaseMarker{State: "dispatched", MergeSHA: sha, Workflow: "release.yml", Ref: "main", Since: since,
			RunID: id, RunURL: out.(map[string]any)["html_url"].(string)}
		if status, out := e.API("POST", fmt.Sprintf("/repos/%s/issues/%d/comments", full, n), map[string]any{"body": hotfix.ReleaseComment(m)}); status != 201 {
			t.Fatalf("release comment: %d %v", status, out)
		}
		if status, out := e.Control("POST", fmt.Sprintf("repos/%s/runs/%d", full, id), map[string]any{"status": run[0], "conclusion": run[1]}); status != 200 {
			t.Fatalf("moving the run: %d %v", status, out)
		}
		release := run[1]
		if release == "" {
			release = run[0]
		}
		merged = append([]orgHotfix{{repo: full, number: n, state: "MERGED", checks: "none", release: release}}, merged...)
	}
	open("acme/svc-10", "feature/not-a-hotfix")
	n, _ := open("acme/svc-11", "hotfix/abandoned", "hotfix")
	if status, out := e.API("PATCH", fmt.Sprintf("/repos/acme/svc-11/pulls/%d", n), map[string]any{"state": "closed"}); status != 200 {
		t.Fatalf("closing: %d %v", status, out)
	}
	if status, out := e.API("POST", "/repos/acme/svc-12/issues", map[string]any{"title": "Login is down", "labels": []string{"hotfix"}}); status != 201 {
		t.Fatalf("issue: %d %v", status, out)
	}
	open(harness.Owner+"/solo", "hotfix/solo-fix", "hotfix")
	return append(want, merged...)
}

// TestStatusAcrossAnOrganization: status --org over 30 repositories with 10
// hotfixes in flight answers in one API request (GitHub's search), through the
// real gh, and its rows and --json say where each stands; -R given twice lists
// those repositories; --state all adds the one closed without merging.
func TestStatusAcrossAnOrganization(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	want := orgWorld(t, e)
	defer func() {
		for _, f := range e.Server.ConformanceFailures() {
			t.Errorf("conformance: %s %s: %s", f.Method, f.Path, f.Detail)
		}
	}()

	t.Run("tab-separated, in one request", func(t *testing.T) {
		e.ClearRequests()
		r := statusOK(t, e, e.Dir, "--org", "acme")
		api, fetches, pushes := e.RequestCounts()
		total := 0
		for _, n := range api {
			total += n
		}
		t.Logf("gh hotfix status --org acme: %d API requests %v, %d fetches, %d pushes", total, api, fetches, pushes)
		if total > 2 || api["graphql query search (HotfixSearch)"]+api["POST /graphql"] == 0 || fetches+pushes != 0 {
			t.Errorf("requests %v, fetches %d, pushes %d: want at most 2 API requests, the search among them, and no git", api, fetches, pushes)
		}
		var rows []string
		for _, l := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
			f := strings.Split(l, "\t")
			if len(f) != 7 {
				t.Fatalf("row %q: %d fields, want 7", l, len(f))
			}
			rows = append(rows, strings.Join(f[:2], "#")+" "+f[4]+" "+f[5])
		}
		wantRows := []string{
			"acme/svc-05#1 OPEN no checks, mergeable",
			"acme/svc-04#1 OPEN checks passing, approved, mergeable",
			"acme/svc-03#1 OPEN checks failing, mergeable",
			"acme/svc-02#1 OPEN no checks, mergeable",
			"acme/svc-01#1 OPEN checks passing, mergeable",
			"acme/svc-00#1 OPEN checks failing, mergeable",
			"acme/svc-09#1 MERGED release in progress",
			"acme/svc-08#1 MERGED release succeeded",
			"acme/svc-07#1 MERGED release failed",
			"acme/svc-06#1 MERGED release succeeded",
		}
		if strings.Join(rows, "\n") != strings.Join(wantRows, "\n") {
			t.Errorf("rows:\n%s\nwant:\n%s\nstdout:\n%s", strings.Join(rows, "\n"), strings.Join(wantRows, "\n"), r.Stdout)
		}
	})

	t.Run("on a terminal", func(t *testing.T) {
		r := e.HotfixInTerminal(e.Dir, 160, "status", "--org", "acme")
		if r.Code != 0 {
			t.Fatalf("exit %d: %s", r.Code, r.Stdout)
		}
		out := strings.ReplaceAll(r.Stdout, "\r", "")
		if !strings.Contains(out, "Showing 10 of 10 open hotfix pull requests, and merged in the last 7 days, in acme\n") ||
			!regexp.MustCompile(`(?m)^REPO +ID +TITLE +BRANCH +STATE +STATUS +CREATED`).MatchString(out) ||
			!regexp.MustCompile(`(?m)^acme/svc-07 +#1 +Hotfix: hotfix/fix-7 +hotfix/fix-7 +MERGED +release failed +`).MatchString(out) {
			t.Errorf("terminal output:\n%s", out)
		}
	})

	t.Run("json", func(t *testing.T) {
		e.ClearRequests()
		r := statusOK(t, e, e.Dir, "--org", "acme", "--json", "repository,number,state,checks,review,release,url,mergeCommit")
		var got []struct {
			Repository, State, Checks, URL string
			Number                         int
			Review                         any
			MergeCommit                    *string
			Release                        *struct {
				Workflow, Status string
				Conclusion       *string
				RunID            int64
			}
		}
		if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
			t.Fatalf("--json: %v\n%s", err, r.Stdout)
		}
		if len(got) != len(want) {
			t.Fatalf("%d pull requests, want %d:\n%s", len(got), len(want), r.Stdout)
		}
		for i, w := range want {
			g := got[i]
			release := ""
			if g.Release != nil {
				release = g.Release.Status
				if g.Release.Conclusion != nil {
					release = *g.Release.Conclusion
				}
				if g.Release.Workflow != "release.yml" || g.Release.RunID == 0 {
					t.Errorf("%s#%d: release %+v", g.Repository, g.Number, *g.Release)
				}
			}
			if g.Repository != w.repo || g.Number != w.number || g.State != w.state || g.Checks != w.checks || fmt.Sprint(g.Review) != fmt.Sprint(w.review) || release != w.release {
				t.Errorf("[%d] %s#%d %s checks %s review %v release %q; want %s#%d %s checks %s review %v release %q",
					i, g.Repository, g.Number, g.State, g.Checks, g.Review, release, w.repo, w.number, w.state, w.checks, w.review, w.release)
			}
			if !strings.HasSuffix(g.URL, "/"+w.repo+"/pull/"+fmt.Sprint(w.number)) || (w.state == "MERGED") != (g.MergeCommit != nil) {
				t.Errorf("%s#%d: url %s, merge commit %v", g.Repository, g.Number, g.URL, g.MergeCommit)
			}
		}
		api, _, _ := e.RequestCounts()
		if n := len(api); n != 1 {
			t.Errorf("requests %v, want the search alone", api)
		}
	})

	t.Run("two repositories, open", func(t *testing.T) {
		r := statusOK(t, e, e.Dir, "-R", "acme/svc-03", "-R", harness.Owner+"/solo", "--state", "open", "--json", "repository,number", "--jq", `.[] | "\(.repository)#\(.number)"`)
		if got := strings.TrimSpace(r.Stdout); got != harness.Owner+"/solo#1\nacme/svc-03#1" {
			t.Errorf("stdout %q, want solo's then svc-03's", got)
		}
	})

	// gh's own commands against the emulator's search: gh pr list --label
	// searches through GraphQL's search, gh search prs through REST's.
	t.Run("gh pr list --label and gh search prs", func(t *testing.T) {
		r := e.RunIn(e.Dir, "gh", "pr", "list", "-R", "acme/svc-11", "--label", "hotfix", "--state", "all", "--json", "number,state,title")
		if r.Code != 0 || strings.TrimSpace(r.Stdout) != `[{"number":1,"state":"CLOSED","title":"Hotfix: hotfix/abandoned"}]` {
			t.Errorf("gh pr list: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		r = e.RunIn(e.Dir, "gh", "search", "prs", "--owner", "acme", "--label", "hotfix", "--merged", "--json", "repository,number", "--jq", `.[] | "\(.repository.nameWithOwner)#\(.number)"`)
		if got := strings.TrimSpace(r.Stdout); r.Code != 0 || got != "acme/svc-09#1\nacme/svc-08#1\nacme/svc-07#1\nacme/svc-06#1" {
			t.Errorf("gh search prs: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("all: the one closed without merging too", func(t *testing.T) {
		r := statusOK(t, e, e.Dir, "--org", "acme", "--state", "all", "--json", "repository,state", "--jq", `.[] | select(.state == "CLOSED") | .repository`)
		if got := strings.TrimSpace(r.Stdout); got != "acme/svc-11" {
			t.Errorf("closed: %q, want acme/svc-11", got)
		}
	})
}

// TestStatusWaitingApprovals: a hotfix of acme/shop is merged and its release
// run waits on production, whose required reviewers are hubot and the team
// acme/on-call, with a 10-minute wait timer. status --org acme says who must
// approve, and --json's waitingOn the environment, the reviewers, when the
// timer ends and that monalisa may approve (she made the team, so is one of
// its maintainers), in at most 2 API requests;
// status -R acme/shop reads the same in its one query, with no REST request
// for the run's pending deployments.
func TestStatusWaitingApprovals(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	defer func() {
		for _, f := range e.Server.ConformanceFailures() {
			t.Errorf("conformance: %s %s: %s", f.Method, f.Path, f.Detail)
		}
	}()
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	e.CreateOrg("acme")
	e.CreateOrgRepoOnly("acme", "shop", map[string]string{".github/workflows/release.yml": gatedRelease})
	e.CreateOrgRepoOnly("acme", "api", nil)
	status, team := e.API("POST", "/orgs/acme/teams", map[string]any{"name": "on-call"})
	if status != 201 {
		t.Fatalf("creating the team: %d %v", status, team)
	}
	_, hubot := e.API("GET", "/users/hubot", nil)
	if status, out := e.API("PUT", "/repos/acme/shop/environments/production", map[string]any{"wait_timer": 10, "reviewers": []any{
		map[string]any{"type": "User", "id": hubot.(map[string]any)["id"]},
		map[string]any{"type": "Team", "id": team.(map[string]any)["id"]}}}); status != 200 {
		t.Fatalf("creating the environment: %d %v", status, out)
	}

	e.PutFileOnNewBranch("acme/shop", "hotfix/cart-total", "fix.txt", "the fix\n")
	status, out := e.API("POST", "/repos/acme/shop/pulls", map[string]any{"title": "Hotfix: cart total", "head": "hotfix/cart-total", "base": "main"})
	if status != 201 {
		t.Fatalf("opening the pull request: %d %v", status, out)
	}
	if status, out := e.API("POST", "/repos/acme/shop/issues/1/labels", map[string]any{"labels": []string{"hotfix"}}); status != 200 {
		t.Fatalf("labelling: %d %v", status, out)
	}
	status, out = e.API("PUT", "/repos/acme/shop/pulls/1/merge", map[string]any{"merge_method": "merge"})
	if status != 200 {
		t.Fatalf("merging: %d %v", status, out)
	}
	sha := out.(map[string]any)["sha"].(string)
	since := time.Now().UTC()
	status, out = e.API("POST", "/repos/acme/shop/actions/workflows/release.yml/dispatches", map[string]any{"ref": "main", "return_run_details": true})
	if status != 200 {
		t.Fatalf("dispatching: %d %v", status, out)
	}
	id := int64(out.(map[string]any)["workflow_run_id"].(float64))
	m := hotfix.ReleaseMarker{State: "dispatched", MergeSHA: sha, Workflow: "release.yml", Ref: "main", Since: since,
		RunID: id, RunURL: out.(map[string]any)["html_url"].(string)}
	if status, out := e.API("POST", "/repos/acme/shop/issues/1/comments", map[string]any{"body": hotfix.ReleaseComment(m)}); status != 201 {
		t.Fatalf("release comment: %d %v", status, out)
	}
	if _, run := e.API("GET", fmt.Sprintf("/repos/acme/shop/actions/runs/%d", id), nil); run.(map[string]any)["status"] != "waiting" {
		t.Fatalf("release run %v, want waiting", run.(map[string]any)["status"])
	}

	type waitingOn struct {
		Environment     string
		Reviewers       []string
		WaitTimerEndsAt *time.Time
		CanApprove      bool
	}
	checkWaiting := func(t *testing.T, stdout string) {
		t.Helper()
		var got []struct {
			Repository string
			Number     int
			WaitingOn  []waitingOn
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("--json: %v\n%s", err, stdout)
		}
		if len(got) != 1 || got[0].Repository != "acme/shop" || got[0].Number != 1 || len(got[0].WaitingOn) != 1 {
			t.Fatalf("--json:\n%s\nwant acme/shop#1 waiting on one environment", stdout)
		}
		w := got[0].WaitingOn[0]
		if w.Environment != "production" || strings.Join(w.Reviewers, " ") != "hubot acme/on-call" || !w.CanApprove ||
			w.WaitTimerEndsAt == nil || w.WaitTimerEndsAt.Before(since.Add(9*time.Minute)) || w.WaitTimerEndsAt.After(time.Now().Add(11*time.Minute)) {
			t.Errorf("waitingOn %+v (timer ends at %v), want production, hubot and acme/on-call, its timer ending about 10 minutes after the dispatch, approvable by monalisa (of acme/on-call)", w, w.WaitTimerEndsAt)
		}
	}
	apiTotal := func() (int, map[string]int) {
		api, _, _ := e.RequestCounts()
		total := 0
		for _, n := range api {
			total += n
		}
		return total, api
	}

	t.Run("across the organization: the table", func(t *testing.T) {
		e.ClearRequests()
		r := statusOK(t, e, e.Dir, "--org", "acme")
		if !regexp.MustCompile(`^acme/shop\t1\tHotfix: cart total\thotfix/cart-total\tMERGED\trelease waiting for hubot or acme/on-call to approve production \(wait timer: about (9m\d+s|10m0s) left\)\t`).MatchString(r.Stdout) {
			t.Errorf("stdout %q", r.Stdout)
		}
		total, api := apiTotal()
		t.Logf("gh hotfix status --org acme, a release waiting: %d API requests %v", total, api)
		if total > 2 {
			t.Errorf("requests %v, want at most 2", api)
		}
	})

	t.Run("across the organization: waitingOn", func(t *testing.T) {
		e.ClearRequests()
		r := statusOK(t, e, e.Dir, "--org", "acme", "--json", "repository,number,waitingOn")
		checkWaiting(t, r.Stdout)
		if total, api := apiTotal(); total > 2 {
			t.Errorf("requests %v, want at most 2", api)
		}
	})

	t.Run("one repository: waitingOn from its one query", func(t *testing.T) {
		e.ClearRequests()
		r := statusOK(t, e, e.Dir, "-R", "acme/shop", "--state", "merged", "--json", "repository,number,waitingOn")
		checkWaiting(t, r.Stdout)
		total, api := apiTotal()
		for k := range api {
			if strings.Contains(k, "pending_deployments") {
				t.Errorf("requests %v: the pending deployments were read by REST", api)
			}
		}
		if total != 1 {
			t.Errorf("requests %v, want the one query", api)
		}
	})
}
