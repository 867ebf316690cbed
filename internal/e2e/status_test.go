package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestStatus: two open hotfixes (one green, one failing) and one merged and released
// through create and ship, plus a pull request carrying the default label that the
// repository's settings do not use. status shows the three hotfixes in every output
// form, at the cost of one GraphQL query and at most one REST request.
func TestStatus(t *testing.T) {
	t.Parallel()
	harness.ForEachSite(t, testStatus)
}

// testStatus runs in a world of each site (harness.Sites).
func testStatus(t *testing.T, e *harness.Env) {
	work := e.CreateRepo("shop", map[string]string{".github/hotfix.yml": "label:\n  name: urgent\n"})

	ship := func(desc, file string) string {
		t.Helper()
		if r := e.Hotfix(work, "create", desc); r.Code != 0 {
			t.Fatalf("create %q: exit %d: %s", desc, r.Code, r.Stderr)
		}
		harnessWrite(t, filepath.Join(work, file), desc+"\n")
		e.Git(work, "add", "-A")
		e.Git(work, "commit", "-q", "-m", "Fix "+desc)
		if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
			t.Fatalf("ship --no-wait %q: exit %d: %s", desc, r.Code, r.Stderr)
		}
		return e.Git(work, "rev-parse", "HEAD")
	}
	ship("login page 500 on empty password", "login.txt")    // #1, merged and released below
	green := ship("cart total rounding", "cart.txt")         // #2
	red := ship("search crash on empty query", "search.txt") // #3
	if status, out := e.API("POST", "/repos/monalisa/shop/check-runs", map[string]any{
		"name": "ci", "head_sha": green, "status": "completed", "conclusion": "success"}); status != 201 {
		t.Fatalf("check run: %d %v", status, out)
	}
	if status, out := e.API("POST", "/repos/monalisa/shop/statuses/"+red, map[string]any{"state": "failure", "context": "ci"}); status != 201 {
		t.Fatalf("commit status: %d %v", status, out)
	}

	// #4: not a hotfix here (the settings name the label "urgent"), though labelled "hotfix".
	e.Git(work, "switch", "-q", "-c", "docs", "origin/main")
	harnessWrite(t, filepath.Join(work, "docs.txt"), "docs\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Docs")
	e.Git(work, "push", "-q", "origin", "docs")
	if status, out := e.API("POST", "/repos/monalisa/shop/pulls", map[string]any{"title": "Docs", "head": "docs", "base": "main"}); status != 201 {
		t.Fatalf("docs PR: %d %v", status, out)
	}
	if status, out := e.API("POST", "/repos/monalisa/shop/issues/4/labels", map[string]any{"labels": []string{"hotfix"}}); status != 200 {
		t.Fatalf("labelling the docs PR: %d %v", status, out)
	}

	// Merge #1; ship releases it and records the run on the PR; the run succeeds.
	if status, out := e.API("PUT", "/repos/monalisa/shop/pulls/1/merge", map[string]any{"merge_method": "squash"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	r := e.Hotfix(work, "ship", "--branch", "hotfix/login-page-500-on-empty-password", "--json", "release")
	var shipped struct{ Release struct{ RunID int64 } }
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &shipped) != nil || shipped.Release.RunID == 0 {
		t.Fatalf("ship after merge: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	runID := shipped.Release.RunID
	if status, out := e.Control("POST", fmt.Sprintf("repos/monalisa/shop/runs/%d", runID),
		map[string]any{"status": "completed", "conclusion": "success"}); status != 200 {
		t.Fatalf("completing the run: %d %v", status, out)
	}

	mergeabilityComputed(t, e, "shop", 2, 3)

	t.Run("tab-separated", func(t *testing.T) {
		e.ClearRequests()
		r := statusOK(t, e, work, "--state", "all")
		assertRows(t, r.Stdout, []string{
			"3\tHotfix: search crash on empty query\thotfix/search-crash-on-empty-query\tOPEN\tchecks failing, mergeable",
			"2\tHotfix: cart total rounding\thotfix/cart-total-rounding\tOPEN\tchecks passing, mergeable",
			"1\tHotfix: login page 500 on empty password\thotfix/login-page-500-on-empty-password\tMERGED\trelease succeeded",
		})
		// The release run's progress comes with the merge commit's check suites: one request.
		assertStatusRequests(t, e, 0)
	})

	// Through the real gh on a terminal of 80 columns, where the table cannot
	// hold every field whole: each row still shows its title and its branch.
	t.Run("terminal of 80 columns", func(t *testing.T) {
		r := e.HotfixInTerminal(work, 80, "status", "--state", "all")
		if r.Code != 0 {
			t.Fatalf("status on a terminal: exit %d\n%s", r.Code, r.Stdout)
		}
		rows := map[string]string{}
		for _, line := range strings.Split(r.Stdout, "\n") {
			if n := utf8.RuneCountInString(line); n > 80 {
				t.Errorf("a line of %d columns on a terminal of 80: %q", n, line)
			}
			if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "#") {
				rows[f[0]] = line
			}
		}
		// Too narrow for whole titles, the table drops the "Hotfix: " every
		// title starts with before cutting the rest.
		for num, want := range map[string][2]string{
			"#3": {"search crash on empty query", "hotfix/search-crash-on-empty-query"},
			"#2": {"cart total rounding", "hotfix/cart-total-rounding"},
			"#1": {"login page 500 on empty password", "hotfix/login-page-500-on-empty-password"},
		} {
			// Columns are two spaces apart; shortened to fit, a title or a branch
			// keeps its first characters and ends in "...".
			cells := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(rows[num]), -1)
			shown := func(cell, whole string) bool {
				part := strings.TrimSuffix(cell, "...")
				return len(part) >= 8 && strings.HasPrefix(whole, part) && (part == whole || strings.HasSuffix(cell, "..."))
			}
			if len(cells) < 3 || !shown(cells[1], want[0]) || !shown(cells[2], want[1]) {
				t.Errorf("row %s is %q: want its title (%s) and branch (%s)", num, rows[num], want[0], want[1])
			}
		}
		if !strings.Contains(r.Stdout, "TITLE") || !strings.Contains(r.Stdout, "BRANCH") {
			t.Errorf("no TITLE and BRANCH columns on a terminal of 80:\n%s", r.Stdout)
		}
	})

	t.Run("json", func(t *testing.T) {
		r := statusOK(t, e, work, "--state", "all", "--json", "number,title,state,release")
		var got []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || len(got) != 3 {
			t.Fatalf("--json: %v\n%s", err, r.Stdout)
		}
		if len(got[0]) != 4 || got[0]["number"] != 3.0 || got[0]["state"] != "OPEN" || got[0]["release"] != nil ||
			got[0]["title"] != "Hotfix: search crash on empty query" || got[1]["number"] != 2.0 || got[1]["release"] != nil {
			t.Errorf("open pull requests: %v", got[:2])
		}
		rel, _ := got[2]["release"].(map[string]any)
		if got[2]["number"] != 1.0 || got[2]["state"] != "MERGED" || rel == nil || rel["runId"] != float64(runID) ||
			rel["status"] != "completed" || rel["conclusion"] != "success" || rel["workflow"] != "release.yml" ||
			rel["url"] != e.WebURL(fmt.Sprintf("monalisa/shop/actions/runs/%d", runID)) {
			t.Errorf("merged pull request: %v", got[2])
		}
	})

	t.Run("jq", func(t *testing.T) {
		r := statusOK(t, e, work, "--state", "all", "--json", "number,checks,mergeable,release",
			"--jq", `.[] | "\(.number) \(.checks) \(.mergeable // "-") \(.release.conclusion // "-")"`)
		if want := "3 failing UNSTABLE -\n2 passing CLEAN -\n1 none - success\n"; r.Stdout != want {
			t.Errorf("--jq output %q, want %q", r.Stdout, want)
		}
	})

	t.Run("open by default: no runs request", func(t *testing.T) {
		e.ClearRequests()
		r := statusOK(t, e, work)
		assertRows(t, r.Stdout, []string{
			"3\tHotfix: search crash on empty query\thotfix/search-crash-on-empty-query\tOPEN\tchecks failing, mergeable",
			"2\tHotfix: cart total rounding\thotfix/cart-total-rounding\tOPEN\tchecks passing, mergeable",
		})
		assertStatusRequests(t, e, 0)
	})

	t.Run("outside a checkout: the default branch's config", func(t *testing.T) {
		// The config (label "urgent") comes with the first query; its other label costs
		// a second one. The "hotfix"-labelled docs PR is not a hotfix here.
		e.ClearRequests()
		r := statusOK(t, e, e.Dir, "-R", "monalisa/shop", "--state", "all")
		assertRows(t, r.Stdout, []string{
			"3\tHotfix: search crash on empty query\thotfix/search-crash-on-empty-query\tOPEN\tchecks failing, mergeable",
			"2\tHotfix: cart total rounding\thotfix/cart-total-rounding\tOPEN\tchecks passing, mergeable",
			"1\tHotfix: login page 500 on empty password\thotfix/login-page-500-on-empty-password\tMERGED\trelease succeeded",
		})
		api, _, _ := e.RequestCounts()
		if n := api["graphql query repository (HotfixStatus)"]; n != 2 {
			t.Errorf("%d status queries, want 2 (the config names another label): %v", n, api)
		}
	})
}

func statusOK(t *testing.T, e *harness.Env, dir string, args ...string) harness.Result {
	t.Helper()
	r := e.Hotfix(dir, append([]string{"status"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("status %s: exit %d\n%s%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// assertRows compares tab-separated rows without their last field, the creation
// time, which must be an RFC 3339 timestamp.
func assertRows(t *testing.T, stdout string, want []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, line := range lines {
		cut := strings.LastIndexByte(line, '\t')
		if cut < 0 || line[:cut] != want[i] {
			t.Errorf("row %d:\n%q\nwant\n%q", i+1, line, want[i]+"\t<created>")
			continue
		}
		if _, err := time.Parse(time.RFC3339, line[cut+1:]); err != nil {
			t.Errorf("row %d: creation time %q: %v", i+1, line[cut+1:], err)
		}
	}
}

// assertStatusRequests checks the API requests since the log was cleared: exactly one
// GraphQL query and wantREST REST requests, that one being the runs listing.
func assertStatusRequests(t *testing.T, e *harness.Env, wantREST int) {
	t.Helper()
	api, fetches, pushes := e.RequestCounts()
	graphql, rest := 0, 0
	var routes []string
	for route, n := range api {
		routes = append(routes, fmt.Sprintf("%s ×%d", route, n))
		if strings.HasPrefix(route, "graphql ") || route == "POST /graphql" {
			graphql += n
		} else {
			rest += n
		}
	}
	sort.Strings(routes)
	if graphql != 1 || rest != wantREST || fetches+pushes != 0 ||
		(wantREST == 1 && api["GET /repos/{owner}/{repo}/actions/runs"] != 1) {
		t.Errorf("requests: %d GraphQL, %d REST, %d git; want 1, %d, 0:\n%s", graphql, rest, fetches+pushes, wantREST, strings.Join(routes, "\n"))
	}
}

// TestStatusBlockersAndQueue: a main with a ruleset asking for a merge queue,
// the check ci/test and one approval. One hotfix waits (ci/test failing, no
// approval): status names both. The other, green and approved, was added to
// the queue: status shows its place. All in the one status query.
func TestStatusBlockersAndQueue(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := e.CreateRepo("queued", nil)
	e.AddCollaborator("queued", "hubot")
	ship := func(desc, file string) string {
		t.Helper()
		hotfixIn(t, e, work, desc, file)
		if r := e.Hotfix(work, "ship", "--no-wait"); r.Code != 0 {
			t.Fatalf("ship --no-wait %q: exit %d: %s", desc, r.Code, r.Stderr)
		}
		return e.Git(work, "rev-parse", "HEAD")
	}
	red := ship("checkout times out", "checkout.txt") // #1: waits
	green := ship("cart total rounding", "cart.txt")  // #2: queued
	rulesetWith(t, e, "queued", "protect main", approvalsRule(1), checksRule("ci/test"), queueRule("SQUASH"))
	for sha, state := range map[string]string{red: "failure", green: "success"} {
		if status, out := e.API("POST", "/repos/monalisa/queued/statuses/"+sha, map[string]any{"state": state, "context": "ci/test"}); status != 201 {
			t.Fatalf("commit status: %d %v", status, out)
		}
	}
	if status, out := e.APIAs("hubot-token", "POST", "/repos/monalisa/queued/pulls/2/reviews", map[string]any{"event": "APPROVE"}); status != 200 {
		t.Fatalf("approve: %d %v", status, out)
	}
	_, out := e.API("GET", "/repos/monalisa/queued/pulls/2", nil)
	id, _ := out.(map[string]any)["node_id"].(string)
	status, out := e.API("POST", "/graphql", map[string]any{
		"query":     `mutation($id: ID!) { enqueuePullRequest(input: {pullRequestId: $id}) { mergeQueueEntry { position } } }`,
		"variables": map[string]any{"id": id}})
	if m, _ := out.(map[string]any); status != 200 || m["errors"] != nil {
		t.Fatalf("enqueue #2: %d %v", status, out)
	}
	mergeabilityComputed(t, e, "queued", 1, 2)

	e.ClearRequests()
	r := statusOK(t, e, work)
	rows := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if len(rows) != 2 ||
		!strings.HasPrefix(rows[0], "2\tHotfix: cart total rounding\thotfix/cart-total-rounding\tOPEN\tfirst in the merge queue") ||
		!strings.HasPrefix(rows[1], "1\tHotfix: checkout times out\thotfix/checkout-times-out\tOPEN\tcheck ci/test failing, 1 approving review missing\t") {
		t.Errorf("status:\n%s", r.Stdout)
	}
	assertStatusRequests(t, e, 0)

	// On a terminal of 80 columns the status column shrinks with the others:
	// no line is wider than the terminal.
	tr := e.HotfixInTerminal(work, 80, "status")
	if tr.Code != 0 {
		t.Fatalf("status on a terminal: exit %d\n%s", tr.Code, tr.Stdout)
	}
	for _, line := range strings.Split(tr.Stdout, "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("a line of %d columns on a terminal of 80: %q", n, line)
		}
	}
	t.Logf("status:\n%s\non a terminal of 80 columns:\n%s", r.Stdout, tr.Stdout)

	r = statusOK(t, e, work, "--json", "number,queue,blockedBy,autoMerge")
	var got []struct {
		Number int
		Queue  *struct {
			Position             int
			State                string
			EstimatedTimeToMerge *int
		}
		BlockedBy []string
		AutoMerge bool
	}
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || len(got) != 2 {
		t.Fatalf("--json: %v\n%s", err, r.Stdout)
	}
	if q := got[0].Queue; got[0].Number != 2 || q == nil || q.Position != 1 || q.State == "" || len(got[0].BlockedBy) != 0 {
		t.Errorf("the queued hotfix: %s", r.Stdout)
	}
	if got[1].Number != 1 || got[1].Queue != nil || got[1].AutoMerge ||
		strings.Join(got[1].BlockedBy, "; ") != "check ci/test failing; 1 approving review missing" {
		t.Errorf("the waiting hotfix: %s", r.Stdout)
	}
}
