package status

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/cli/go-gh/v2/pkg/text"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

var (
	created = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	now     = created.Add(26 * time.Hour)
)

const mergeSHA = "4c1f0e5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"

func marker(state, sha string, runID int64) string {
	m := hotfix.ReleaseMarker{State: state, MergeSHA: sha, Workflow: "release.yml", Ref: "main", Since: created}
	if runID != 0 {
		m.RunID, m.RunURL = runID, fmt.Sprintf("https://github.com/acme/shop/actions/runs/%d", runID)
	}
	return hotfix.ReleaseComment(m)
}

// stubPull is an apiPull as GitHub would answer for github.LabelledPulls.
func stubPull(number int, state, rollup string, comments ...string) apiPull {
	var a apiPull
	raw := map[string]any{"number": number, "title": fmt.Sprintf("Hotfix: bug %d", number), "state": state,
		"isDraft": false, "url": fmt.Sprintf("https://github.com/acme/shop/pull/%d", number),
		"headRefName": fmt.Sprintf("hotfix/bug-%d", number), "baseRefName": "main", "createdAt": created,
		"author": map[string]any{"login": "monalisa"}, "mergeStateStatus": "UNKNOWN", "reviewDecision": nil,
		"commits": map[string]any{"nodes": []any{map[string]any{"commit": map[string]any{"statusCheckRollup": nil}}}},
	}
	if rollup != "" {
		raw["commits"] = map[string]any{"nodes": []any{map[string]any{"commit": map[string]any{"statusCheckRollup": map[string]any{"state": rollup}}}}}
	}
	if state == "OPEN" {
		raw["mergeStateStatus"] = "CLEAN"
	}
	if state == "MERGED" {
		raw["mergedAt"] = created.Add(time.Hour)
		raw["mergeCommit"] = map[string]any{"oid": mergeSHA}
	}
	var nodes []any
	for _, c := range comments {
		nodes = append(nodes, map[string]any{"body": c})
	}
	raw["comments"] = map[string]any{"nodes": nodes}
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &a); err != nil {
		panic(err)
	}
	return a
}

func TestChecksWord(t *testing.T) {
	for state, want := range map[string]string{"SUCCESS": "passing", "FAILURE": "failing", "ERROR": "failing",
		"PENDING": "pending", "EXPECTED": "pending", "NEW_STATE": "new_state"} {
		if got := checksWord(state); got != want {
			t.Errorf("checksWord(%s) = %q, want %q", state, got, want)
		}
	}
}

func TestReleaseMarker(t *testing.T) {
	other := strings.Repeat("b", 40)
	tests := []struct {
		name     string
		comments []string
		want     string // state and run, "" for none
	}{
		{"no comments", nil, ""},
		{"plain comments", []string{"LGTM", "🚀 shipped"}, ""},
		{"another merge's release", []string{marker("dispatched", other, 7)}, ""},
		{"dispatched", []string{"LGTM", marker("dispatched", mergeSHA, 42), "thanks"}, "dispatched 42"},
		{"dispatching only", []string{marker("dispatching", mergeSHA, 0)}, "dispatching 0"},
		{"earliest wins, as in ship", []string{marker("dispatched", mergeSHA, 41), marker("dispatched", mergeSHA, 42)}, "dispatched 41"},
		{"quoted marker in text is ignored", []string{"see <!-- gh-hotfix:release {\"state\":\"dispatched\"} -->"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := releaseMarker(tt.comments, mergeSHA)
			got := ""
			if ok {
				got = fmt.Sprintf("%s %d", m.State, m.RunID)
			}
			if got != tt.want {
				t.Errorf("releaseMarker = %q, want %q", got, tt.want)
			}
		})
	}
}

// containsNewer stands in for GitHub's compare: only "newer" contains the merge.
func containsNewer(_ context.Context, ancestor, descendant string) (bool, error) {
	return descendant == "newer" && ancestor == mergeSHA, nil
}

func TestSummary(t *testing.T) {
	runs := map[int64]github.Run{
		42: {ID: 42, Status: "completed", Conclusion: "success", HTMLURL: "https://github.com/acme/shop/actions/runs/42", HeadSHA: mergeSHA},
		43: {ID: 43, Status: "completed", Conclusion: "failure", HeadSHA: mergeSHA},
		44: {ID: 44, Status: "in_progress", HeadSHA: mergeSHA},
		45: {ID: 45, Status: "completed", Conclusion: "timed_out", HeadSHA: mergeSHA},
		// An earlier hotfix's run, recorded by mistake: its commit lacks the merge.
		46: {ID: 46, Status: "completed", Conclusion: "success", HeadSHA: "older", HeadBranch: "main"},
		// Dispatched after another merge landed: its commit contains the merge.
		47: {ID: 47, Status: "completed", Conclusion: "success", HeadSHA: "newer", HeadBranch: "main"},
	}
	tests := []struct {
		name     string
		pull     apiPull
		edit     func(*apiPull)
		want     string
		wantTone tone
		checks   string
	}{
		{name: "open, green", pull: stubPull(1, "OPEN", "SUCCESS"), want: "checks passing, mergeable", wantTone: good, checks: "passing"},
		{name: "open, failing", pull: stubPull(2, "OPEN", "FAILURE"), edit: func(a *apiPull) { a.MergeStateStatus = "UNSTABLE" },
			want: "checks failing, mergeable", wantTone: bad, checks: "failing"},
		{name: "open, no checks, review required", pull: stubPull(3, "OPEN", ""),
			edit: func(a *apiPull) { a.ReviewDecision, a.MergeStateStatus = "REVIEW_REQUIRED", "BLOCKED" },
			want: "no checks, review required, blocked", wantTone: waiting, checks: "none"},
		{name: "open, approved, pending", pull: stubPull(4, "OPEN", "PENDING"),
			edit: func(a *apiPull) { a.ReviewDecision, a.MergeStateStatus = "APPROVED", "BLOCKED" },
			want: "checks pending, approved, blocked", wantTone: waiting, checks: "pending"},
		{name: "open, conflicts", pull: stubPull(5, "OPEN", "SUCCESS"),
			edit: func(a *apiPull) { a.ReviewDecision, a.MergeStateStatus = "CHANGES_REQUESTED", "DIRTY" },
			want: "checks passing, changes requested, conflicts", wantTone: bad, checks: "passing"},
		{name: "open, behind, unknown", pull: stubPull(6, "OPEN", ""), edit: func(a *apiPull) { a.MergeStateStatus = "BEHIND" },
			want: "no checks, behind base", wantTone: waiting, checks: "none"},
		{name: "open, still computing", pull: stubPull(7, "OPEN", ""), edit: func(a *apiPull) { a.MergeStateStatus = "UNKNOWN" },
			want: "no checks, mergeability unknown", wantTone: neutral, checks: "none"},
		{name: "merged, released", pull: stubPull(10, "MERGED", "SUCCESS", "LGTM", marker("dispatched", mergeSHA, 42)),
			want: "release succeeded", wantTone: good, checks: "passing"},
		{name: "merged, release failed", pull: stubPull(11, "MERGED", "", marker("dispatched", mergeSHA, 43)),
			want: "release failed", wantTone: bad, checks: "none"},
		{name: "merged, releasing", pull: stubPull(12, "MERGED", "", marker("dispatched", mergeSHA, 44)),
			want: "release in progress", wantTone: waiting, checks: "none"},
		{name: "merged, release timed out", pull: stubPull(13, "MERGED", "", marker("dispatched", mergeSHA, 45)),
			want: "release timed out", wantTone: bad, checks: "none"},
		{name: "merged, recorded run lacks the merge", pull: stubPull(18, "MERGED", "", marker("dispatched", mergeSHA, 46)),
			want: "release not recorded", wantTone: waiting, checks: "none"},
		{name: "merged, released at a newer commit", pull: stubPull(19, "MERGED", "", marker("dispatched", mergeSHA, 47)),
			want: "release succeeded", wantTone: good, checks: "none"},
		{name: "merged, run too old to be listed", pull: stubPull(14, "MERGED", "", marker("dispatched", mergeSHA, 7)),
			want: "release started", wantTone: neutral, checks: "none"},
		{name: "merged, dispatch not recorded", pull: stubPull(15, "MERGED", "", marker("dispatching", mergeSHA, 0)),
			want: "release not recorded", wantTone: waiting, checks: "none"},
		{name: "merged, not released", pull: stubPull(16, "MERGED", "", "LGTM"), want: "not released", wantTone: waiting, checks: "none"},
		{name: "closed", pull: stubPull(17, "CLOSED", ""), want: "not merged", wantTone: neutral, checks: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.pull
			if tt.edit != nil {
				tt.edit(&a)
			}
			p := newHotfixPull(&a)
			why, err := p.addRun(context.Background(), runs, containsNewer)
			if err != nil {
				t.Fatal(err)
			}
			if wrong := strings.Contains(tt.name, "lacks the merge"); (why != "") != wrong || wrong && !strings.Contains(why, "does not contain the merge") {
				t.Errorf("why = %q", why)
			}
			got, gotTone := p.summary()
			if got != tt.want || gotTone != tt.wantTone || p.Checks != tt.checks {
				t.Errorf("summary = %q (tone %d), checks %q; want %q (tone %d), checks %q", got, gotTone, p.Checks, tt.want, tt.wantTone, tt.checks)
			}
		})
	}
}

func TestExport(t *testing.T) {
	runs := map[int64]github.Run{42: {ID: 42, Status: "completed", Conclusion: "success", HeadSHA: mergeSHA}}
	merged := stubPull(10, "MERGED", "SUCCESS", marker("dispatched", mergeSHA, 42))
	open := stubPull(11, "OPEN", "")
	open.ReviewDecision = "APPROVED"
	unrecorded := stubPull(12, "MERGED", "", marker("dispatching", mergeSHA, 0))
	tests := []struct {
		name string
		pull apiPull
		want string
	}{
		{"merged", merged, `{"author":"monalisa","autoMerge":false,"base":"main","blockedBy":[],"branch":"hotfix/bug-10","checks":"passing","createdAt":"2026-11-26T09:00:00Z",` +
			`"forwardPort":null,"isDraft":false,"mergeCommit":"` + mergeSHA + `","mergeable":null,"mergedAt":"2026-11-26T10:00:00Z","number":10,"queue":null,` +
			`"release":{"conclusion":"success","runId":42,"status":"completed","url":"https://github.com/acme/shop/actions/runs/42","workflow":"release.yml"},` +
			`"repository":"acme/shop","review":null,"state":"MERGED","tag":null,"title":"Hotfix: bug 10","url":"https://github.com/acme/shop/pull/10","waitingOn":[]}`},
		{"open", open, `{"author":"monalisa","autoMerge":false,"base":"main","blockedBy":[],"branch":"hotfix/bug-11","checks":"none","createdAt":"2026-11-26T09:00:00Z",` +
			`"forwardPort":null,"isDraft":false,"mergeCommit":null,"mergeable":"CLEAN","mergedAt":null,"number":11,"queue":null,"release":null,"repository":"acme/shop","review":"APPROVED",` +
			`"state":"OPEN","tag":null,"title":"Hotfix: bug 11","url":"https://github.com/acme/shop/pull/11","waitingOn":[]}`},
		{"release decided, run not recorded", unrecorded, `"release":{"conclusion":null,"runId":null,"status":null,"url":null,"workflow":"release.yml"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newHotfixPull(&tt.pull)
			p.Repo = "acme/shop"
			if _, err := p.addRun(context.Background(), runs, containsNewer); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(p.export())
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); !strings.Contains(got, tt.want) {
				t.Errorf("export:\n%s\nwant it to contain\n%s", got, tt.want)
			}
			for _, f := range jsonFields {
				if _, ok := p.export()[f]; !ok {
					t.Errorf("field %q is offered but not exported", f)
				}
			}
		})
	}
}

// TestTable renders the terminal table: aligned columns, a header, relative times,
// and colour per state when colour is on.
func TestTable(t *testing.T) {
	a1 := stubPull(3, "OPEN", "FAILURE")
	a1.MergeStateStatus = "UNSTABLE"
	a2 := stubPull(2, "OPEN", "SUCCESS")
	a2.IsDraft = true
	a3 := stubPull(1, "MERGED", "SUCCESS", marker("dispatched", mergeSHA, 42))
	pulls := []hotfixPull{newHotfixPull(&a1), newHotfixPull(&a2), newHotfixPull(&a3)}
	if _, err := pulls[2].addRun(context.Background(), map[int64]github.Run{42: {ID: 42, Status: "completed", Conclusion: "success", HeadSHA: mergeSHA}}, containsNewer); err != nil {
		t.Fatal(err)
	}

	ios, _, stdout, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	ios.SetTerminalWidth(120)
	if err := printTable(ios, pulls, now, false); err != nil {
		t.Fatal(err)
	}
	want := `ID  TITLE          BRANCH        STATE   STATUS                     CREATED
#3  Hotfix: bug 3  hotfix/bug-3  OPEN    checks failing, mergeable  about 1 day ago
#2  Hotfix: bug 2  hotfix/bug-2  DRAFT   checks passing, mergeable  about 1 day ago
#1  Hotfix: bug 1  hotfix/bug-1  MERGED  release succeeded          about 1 day ago
`
	if got := stdout.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}

	ios.SetColorEnabled(true)
	stdout.Reset()
	if err := printTable(ios, pulls, now, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\x1b[35mMERGED", "\x1b[32mOPEN", "\x1b[90mDRAFT", "\x1b[31mchecks failing", "\x1b[32mrelease succeeded"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("coloured table lacks %q:\n%q", want, stdout.String())
		}
	}

	// Not a terminal: tab-separated, no header, no colour, absolute times.
	ios, _, stdout, _ = iostreams.Test()
	if err := printTable(ios, pulls[2:], now, false); err != nil {
		t.Fatal(err)
	}
	if got, want := stdout.String(), "1\tHotfix: bug 1\thotfix/bug-1\tMERGED\trelease succeeded\t2026-11-26T09:00:00Z\n"; got != want {
		t.Errorf("TSV %q, want %q", got, want)
	}
}

// fakeGitHub stubs the GraphQL queries of status (the list, the forward-ports)
// with pages (the answer to each query, in order) and, when runs is not empty,
// the runs listing once with it.
func fakeGitHub(t *testing.T, runs string, pages ...string) *httpmock.Registry {
	gh := httpmock.New(t)
	for _, p := range pages {
		gh.Register(httpmock.GraphQL(`^Hotfix(Status|ForwardPorts)$`), httpmock.JSON(200, p))
	}
	if runs != "" {
		gh.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs"), httpmock.JSON(200, runs))
	}
	return gh
}

// requests lists the requests gh received as "METHOD PATH?QUERY".
func requests(gh *httpmock.Registry) []string {
	var list []string
	for _, r := range gh.Requests() {
		list = append(list, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	}
	return list
}

// vars lists the variables of the GraphQL requests gh received.
func vars(gh *httpmock.Registry) []map[string]any {
	var list []map[string]any
	for _, r := range gh.Requests() {
		if r.GraphQL != nil {
			list = append(list, r.GraphQL.Variables)
		}
	}
	return list
}

func page(total int, next string, pulls ...apiPull) string {
	b, _ := json.Marshal(pulls)
	return fmt.Sprintf(`{"data":{"repository":{"pullRequests":{"totalCount":%d,"pageInfo":{"hasNextPage":%v,"endCursor":%q},"nodes":%s}}}}`,
		total, next != "", next, b)
}

func testFactory(t *testing.T, gh *httpmock.Registry) (f *command.Factory, ios *iostreams.IOStreams, stdout, stderr *bytes.Buffer) {
	ios, _, stdout, stderr = iostreams.Test()
	return &command.Factory{
		IOStreams: ios,
		Git:       func() (*git.Client, error) { return &git.Client{Dir: t.TempDir()}, nil }, // not a checkout: default label
		BaseRepo: func(string) (repository.Repository, error) {
			return repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, nil
		},
		HTTPClient: func(string) (*http.Client, error) { return &http.Client{Transport: gh}, nil },
		Now:        func() time.Time { return now },
		Getenv:     func(string) string { return "" },
	}, ios, stdout, stderr
}

func runStatus(t *testing.T, f *command.Factory, args ...string) error {
	t.Helper()
	return NewCmdStatus(f, nil).Execute(context.Background(), args)
}

// TestRunRequests: one query per page of 100, one runs request only when needed.
func TestRunRequests(t *testing.T) {
	t.Run("open: one query, no runs request", func(t *testing.T) {
		gh := fakeGitHub(t, "", page(2, "", stubPull(2, "OPEN", "SUCCESS"), stubPull(1, "OPEN", "FAILURE")))
		f, _, stdout, _ := testFactory(t, gh)
		if err := runStatus(t, f); err != nil {
			t.Fatal(err)
		}
		if len(requests(gh)) != 1 {
			t.Errorf("requests %q, want one query", requests(gh))
		}
		v := vars(gh)[0]
		if fmt.Sprintf("%v %v %v %v %v", v["labels"], v["states"], v["first"], v["owner"], v["name"]) != "[hotfix] [OPEN] 30 acme shop" {
			t.Errorf("variables %v", v)
		}
		if out := stdout.String(); !strings.HasPrefix(out, "2\tHotfix: bug 2\thotfix/bug-2\tOPEN\tchecks passing, mergeable\t") {
			t.Errorf("stdout %q", out)
		}
	})

	t.Run("limit over a page: pages with the cursor", func(t *testing.T) {
		first := make([]apiPull, 100)
		for i := range first {
			first[i] = stubPull(200-i, "MERGED", "", marker("dispatched", mergeSHA, int64(1000+i)))
		}
		gh := fakeGitHub(t, `{"total_count":1,"workflow_runs":[{"id":1000,"status":"completed","conclusion":"success","head_sha":"`+mergeSHA+`","head_branch":"main"}]}`,
			page(180, "Y3Vyc29yOjk5", first...), page(180, "Y3Vyc29yOjE0OQ==", stubPull(100, "OPEN", "")))
		f, _, stdout, _ := testFactory(t, gh)
		if err := runStatus(t, f, "--state", "all", "-L", "150", "--json", "number,release", "--jq", ".[0].release.conclusion, length"); err != nil {
			t.Fatal(err)
		}
		if len(requests(gh)) != 3 || !strings.HasPrefix(requests(gh)[2], "GET /repos/acme/shop/actions/runs?event=workflow_dispatch&per_page=100") {
			t.Errorf("requests %q, want two queries and one runs listing", requests(gh))
		}
		if vars(gh)[0]["first"] != float64(100) || vars(gh)[1]["first"] != float64(50) || vars(gh)[1]["after"] != "Y3Vyc29yOjk5" || vars(gh)[0]["states"] != nil {
			t.Errorf("paging variables %v / %v", vars(gh)[0], vars(gh)[1])
		}
		if out := stdout.String(); out != "success\n101\n" {
			t.Errorf("stdout %q", out)
		}
	})

	t.Run("merged without release: no runs request", func(t *testing.T) {
		gh := fakeGitHub(t, "", page(1, "", stubPull(1, "MERGED", "", "LGTM")))
		f, _, _, _ := testFactory(t, gh)
		if err := runStatus(t, f, "--state", "merged"); err != nil {
			t.Fatal(err)
		}
		// Merged only: what blocks an open one is not asked.
		if len(requests(gh)) != 1 || vars(gh)[0]["states"].([]any)[0] != "MERGED" || vars(gh)[0]["withOpen"] != false {
			t.Errorf("requests %q, variables %v", requests(gh), vars(gh))
		}
	})

	t.Run("release run waiting on a deployment, not among the merge commit's suites: who must approve, one request more", func(t *testing.T) {
		gh := fakeGitHub(t, `{"total_count":2,"workflow_runs":[{"id":42,"status":"waiting","head_sha":"`+mergeSHA+`","head_branch":"main"},`+
			`{"id":43,"status":"in_progress","head_sha":"`+mergeSHA+`","head_branch":"main"}]}`,
			page(2, "", stubPull(2, "MERGED", "", marker("dispatched", mergeSHA, 43)), stubPull(1, "MERGED", "", marker("dispatched", mergeSHA, 42))))
		gh.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/42/pending_deployments"), httpmock.JSON(200,
			`[{"environment":{"id":7,"name":"production"},"wait_timer":0,"current_user_can_approve":false,"reviewers":[{"type":"User","reviewer":{"login":"hubot"}}]}]`))
		f, _, stdout, _ := testFactory(t, gh)
		if err := runStatus(t, f, "--state", "merged"); err != nil {
			t.Fatal(err)
		}
		if reqs := requests(gh); len(reqs) != 3 || !strings.HasPrefix(reqs[2], "GET /repos/acme/shop/actions/runs/42/pending_deployments") {
			t.Errorf("requests %q, want the query, the runs and run 42's pending deployments", reqs)
		}
		out := stdout.String()
		if !strings.Contains(out, "\tMERGED\trelease waiting for hubot to approve production\t") || !strings.Contains(out, "\tMERGED\trelease in progress\t") {
			t.Errorf("stdout %q", out)
		}
	})

	t.Run("release run cancelled: what superseded it, one request more", func(t *testing.T) {
		const other = "0123456789abcdef0123456789abcdef01234567"
		run := func(id, number int, status, conclusion, branch, path, createdAt, updatedAt string) string {
			return fmt.Sprintf(`{"id":%d,"run_number":%d,"status":%q,"conclusion":%q,"head_sha":%q,"head_branch":%q,"path":%q,"created_at":%q,"updated_at":%q,"html_url":"https://github.com/acme/shop/actions/runs/%d"}`,
				id, number, status, conclusion, other, branch, path, createdAt, updatedAt, id)
		}
		const rel, ci = ".github/workflows/release.yml", ".github/workflows/ci.yml"
		tests := []struct {
			name   string
			latest []string // the repository's latest runs, newest first; run 42 is #1's release
			want   string   // #1's STATUS column
			hint   bool
		}{
			{name: "superseded by a newer release run", want: "release cancelled, superseded by run #8 (in progress)", hint: true, latest: []string{
				run(44, 3, "completed", "success", "main", ci, "2026-11-27T10:00:30Z", "2026-11-27T10:00:40Z"),
				run(43, 8, "in_progress", "", "main", rel, "2026-11-27T10:00:10Z", "2026-11-27T10:00:10Z"),
				run(42, 7, "completed", "cancelled", "main", rel, "2026-11-27T10:00:00Z", "2026-11-27T10:00:10Z")}},
			{name: "a newer run of another workflow or branch does not supersede", want: "release cancelled", latest: []string{
				run(44, 3, "in_progress", "", "main", ci, "2026-11-27T10:00:05Z", "2026-11-27T10:00:05Z"),
				run(43, 8, "in_progress", "", "release/v1", rel, "2026-11-27T10:00:05Z", "2026-11-27T10:00:05Z"),
				run(42, 7, "completed", "cancelled", "main", rel, "2026-11-27T10:00:00Z", "2026-11-27T10:00:10Z")}},
			{name: "cancelled run not among the latest: left as cancelled", want: "release cancelled", latest: []string{
				run(43, 8, "in_progress", "", "main", rel, "2026-11-27T10:00:05Z", "2026-11-27T10:00:05Z")}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				gh := fakeGitHub(t, "", page(1, "", stubPull(1, "MERGED", "", marker("dispatched", mergeSHA, 42))))
				gh.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs?event=workflow_dispatch&per_page=100"), httpmock.JSON(200,
					`{"workflow_runs":[{"id":42,"status":"completed","conclusion":"cancelled","head_sha":"`+mergeSHA+`","head_branch":"main"}]}`))
				gh.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs?per_page=100"), httpmock.JSON(200,
					`{"workflow_runs":[`+strings.Join(tt.latest, ",")+`]}`))
				f, _, stdout, stderr := testFactory(t, gh)
				if err := runStatus(t, f, "--state", "merged"); err != nil {
					t.Fatal(err)
				}
				if reqs := requests(gh); len(reqs) != 3 || reqs[2] != "GET /repos/acme/shop/actions/runs?per_page=100" {
					t.Errorf("requests %q, want the query, the release runs and the latest runs", reqs)
				}
				if out := stdout.String(); !strings.Contains(out, "\tMERGED\t"+tt.want+"\t") {
					t.Errorf("stdout %q, want %q", out, tt.want)
				}
				hint := "#1's release run was cancelled, superseded by run #8 (https://github.com/acme/shop/actions/runs/43): gh hotfix ship --branch hotfix/bug-1 says whether that run releases it"
				if got := strings.Contains(stderr.String(), hint); got != tt.hint {
					t.Errorf("stderr %q: hint %v, want %v", stderr.String(), got, tt.hint)
				}
			})
		}
	})

	// A run among the merge commit's check suites brings what it waits for with
	// the query: no request more, whatever the number of waiting runs.
	for _, tt := range []struct {
		name, requests string
		args           []string
		want           string
	}{
		{"waiting on a user and a team, with a timer: the table", productionRequest, []string{"--state", "merged"},
			"2\tHotfix: bug 2\thotfix/bug-2\tMERGED\trelease waiting for hubot or acme/on-call to approve production (wait timer: about 2m0s left)\t2026-11-26T09:00:00Z\n" +
				"1\tHotfix: bug 1\thotfix/bug-1\tMERGED\trelease waiting for monalisa to approve staging\t2026-11-26T09:00:00Z\n"},
		{"waiting: waitingOn", productionRequest, []string{"--state", "merged", "--json", "number,waitingOn", "--jq", ".[] | .waitingOn"},
			productionWaitingOn + "\n" + stagingWaitingOn + "\n"},
	} {
		t.Run("release runs waiting, what for in the query: "+tt.name, func(t *testing.T) {
			a := stubPull(2, "MERGED", "", marker("dispatched", mergeSHA, 42))
			a.MergeCommit.CheckSuites.Nodes = append(a.MergeCommit.CheckSuites.Nodes, waitingSuite(t, 42, tt.requests))
			b := stubPull(1, "MERGED", "", marker("dispatched", mergeSHA, 41))
			b.MergeCommit.CheckSuites.Nodes = append(b.MergeCommit.CheckSuites.Nodes, waitingSuite(t, 41, stagingRequest))
			gh := fakeGitHub(t, "", page(2, "", a, b))
			f, _, stdout, _ := testFactory(t, gh)
			if err := runStatus(t, f, tt.args...); err != nil {
				t.Fatal(err)
			}
			if reqs := requests(gh); len(reqs) != 1 {
				t.Errorf("requests %q, want the one query", reqs)
			}
			if out := stdout.String(); out != tt.want {
				t.Errorf("stdout\n%q\nwant\n%q", out, tt.want)
			}
		})
	}

	t.Run("runs unreadable: a warning, the rest shown", func(t *testing.T) {
		gh := fakeGitHub(t, "", page(1, "", stubPull(1, "MERGED", "", marker("dispatched", mergeSHA, 42))))
		gh.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs"), httpmock.JSON(404, `{"message":"Not Found"}`))
		f, _, stdout, stderr := testFactory(t, gh)
		if err := runStatus(t, f, "--state", "merged"); err != nil {
			t.Fatal(err)
		}
		if errOut := stderr.String(); !strings.Contains(errOut, "could not read the release runs of acme/shop") {
			t.Errorf("stderr %q", errOut)
		}
		if out := stdout.String(); !strings.Contains(out, "\tMERGED\trelease started\t") {
			t.Errorf("stdout %q", out)
		}
	})
}

func TestRunNoResults(t *testing.T) {
	tests := []struct {
		name       string
		tty        bool
		args       []string
		stdout     string
		stderr     string
		wantErr    string
		wantAnswer string
		offline    bool // refused before any request
	}{
		{name: "terminal", tty: true, stderr: "No open hotfix pull requests in acme/shop\n"},
		{name: "terminal, all", tty: true, args: []string{"--state", "all"}, stderr: "No hotfix pull requests in acme/shop\n"},
		{name: "script", stdout: ""},
		{name: "json", args: []string{"--json", "number"}, stdout: "[]\n"},
		{name: "unknown field", args: []string{"--json", "nope"}, wantErr: "unknown JSON field: \"nope\"", offline: true},
		{name: "no repository", wantAnswer: `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve to a Repository with the name 'acme/shop'."}]}`,
			wantErr: "repository acme/shop not found (or your token cannot see it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := page(0, "")
			if tt.wantAnswer != "" {
				answer = tt.wantAnswer
			}
			var pages []string
			if !tt.offline {
				pages = append(pages, answer)
			}
			gh := fakeGitHub(t, "", pages...)
			f, ios, stdout, stderr := testFactory(t, gh)
			ios.SetStdoutTTY(tt.tty)
			err := runStatus(t, f, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || len(requests(gh)) > 1 {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := stdout.String(); got != tt.stdout {
				t.Errorf("stdout %q, want %q", got, tt.stdout)
			}
			if got := stderr.String(); got != tt.stderr {
				t.Errorf("stderr %q, want %q", got, tt.stderr)
			}
		})
	}
}

// TestRunGraphQLError: a failing query is one line with context.
func TestRunGraphQLError(t *testing.T) {
	gh := fakeGitHub(t, "", `{"data":null,"errors":[{"message":"Something went wrong while executing your query."}]}`)
	f, _, _, _ := testFactory(t, gh)
	err := runStatus(t, f)
	if err == nil || err.Error() != "listing the hotfix pull requests of acme/shop: GraphQL: Something went wrong while executing your query." {
		t.Errorf("error %v", err)
	}
}

// TestCheckoutConfig: the label comes from the checkout's settings when the checkout is
// a clone of the repository asked about, else it is the default.
func TestCheckoutConfig(t *testing.T) {
	root := t.TempDir()
	env := []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(root, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1", "GIT_CEILING_DIRECTORIES=" + root}
	checkout := func(remote, settings string) string {
		dir, err := os.MkdirTemp(root, "clone-")
		if err != nil {
			t.Fatal(err)
		}
		g := &git.Client{Dir: dir, Env: env}
		for _, args := range [][]string{{"init", "-q"}, {"remote", "add", "origin", remote}} {
			if err := g.Mutate(context.Background(), args...); err != nil {
				t.Fatal(err)
			}
		}
		if settings != "" {
			if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, ".github", "hotfix.yml"), []byte(settings), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		name      string
		dir       string
		want      string
		wantLocal bool // false: the default branch's copy is asked for
		wantErr   string
	}{
		{"configured", checkout("https://github.com/acme/shop.git", "label:\n  name: urgent\n"), "urgent", true, ""},
		{"no settings file", checkout("git@github.com:acme/shop.git", ""), "hotfix", false, ""},
		{"a clone of another repository", checkout("https://github.com/acme/other.git", "label: urgent\n"), "hotfix", false, ""},
		{"not a checkout", root, "hotfix", false, ""},
		{"broken settings", checkout("https://github.com/acme/shop.git", "label:\n  nme: urgent\n"), "", false, ".github/hotfix.yml:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &command.Factory{
				Git: func() (*git.Client, error) { return &git.Client{Dir: tt.dir, Env: env}, nil },
				BaseRepo: func(string) (repository.Repository, error) {
					return repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, nil
				},
			}
			co, err := command.ResolveCheckout(context.Background(), f, "")
			if err != nil {
				t.Fatal(err)
			}
			cfg, local, err := checkoutConfig(co)
			got := cfg.Label.Name
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want || local != tt.wantLocal {
				t.Errorf("label %q (local %v), %v; want %q (local %v)", got, local, err, tt.want, tt.wantLocal)
			}
		})
	}
}

// TestTableNarrow: on a narrow terminal the title and branch are cut, not the status.
func TestTableNarrow(t *testing.T) {
	a := stubPull(12, "OPEN", "PENDING")
	a.Title, a.HeadRefName = "Hotfix: login page 500 on empty password", "hotfix/login-page-500-on-empty-password"
	a.ReviewDecision, a.MergeStateStatus = "REVIEW_REQUIRED", "BLOCKED"
	ios, _, stdout, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	ios.SetTerminalWidth(100)
	if err := printTable(ios, []hotfixPull{newHotfixPull(&a)}, now, false); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(stdout.String(), "\n")
	if len(rows) < 2 || !strings.Contains(rows[1], "  OPEN   checks pending, review required, blocked  about 1 day ago") ||
		!strings.Contains(rows[1], "login page") || !strings.Contains(rows[1], "...") || len(rows[1]) > 100 {
		t.Errorf("narrow table:\n%s", stdout)
	}
}

// TestTableAt80Columns: on an 80-column terminal (and narrower) every column
// keeps some room: the title and the branch shrink, they never vanish.
func TestTableAt80Columns(t *testing.T) {
	a := stubPull(12, "OPEN", "PENDING")
	a.Title, a.HeadRefName = "Hotfix: login page 500 on empty password", "hotfix/login-page-500-on-empty-password"
	a.ReviewDecision, a.MergeStateStatus = "REVIEW_REQUIRED", "BLOCKED"
	for _, width := range []int{80, 60} {
		ios, _, stdout, _ := iostreams.Test()
		ios.SetStdoutTTY(true)
		ios.SetTerminalWidth(width)
		if err := printTable(ios, []hotfixPull{newHotfixPull(&a)}, now, false); err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		if len(rows) != 2 {
			t.Fatalf("%d columns: %d rows:\n%s", width, len(rows), stdout)
		}
		for _, want := range []string{"TITLE", "BRANCH", "STATUS", "#12  login", "  hotfix", "OPEN", "checks", "about 1 day ago"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%d columns: the table lacks %q:\n%s", width, want, stdout)
			}
		}
		for _, r := range rows {
			if w := text.DisplayWidth(r); w > width {
				t.Errorf("%d columns: a row of %d:\n%s", width, w, r)
			}
		}
	}
}

func TestFitColumns(t *testing.T) {
	tests := []struct {
		name   string
		room   int
		widths []int
		want   []int
	}{
		{"all fit", 100, []int{41, 40, 39}[:2], []int{41, 40}},
		{"the first whole, the others cut", 67, []int{41, 40, 39}, []int{41, 14, 12}},
		{"eighty columns", 47, []int{41, 40, 39}, []int{23, 12, 12}},
		{"short columns keep their width", 47, []int{17, 40, 5}, []int{17, 25, 5}},
		{"too narrow: a few characters each", 12, []int{41, 40, 39}, []int{6, 6, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fitColumns(tt.room, tt.widths); !slices.Equal(got, tt.want) {
				t.Errorf("fitColumns(%d, %v) = %v, want %v", tt.room, tt.widths, got, tt.want)
			}
		})
	}
}

// TestForwardPortSummary: each state of the forward-port reads as itself (#22):
// closed unmerged is red, not green; not needed is not missing; conflicts
// resolved by a push no longer read as conflicts.
func TestForwardPortSummary(t *testing.T) {
	released := func(tag string, fp *forwardPort) hotfixPull {
		p := newHotfixPull(ptr(stubPull(20, "MERGED", "", marker("dispatched", mergeSHA, 42))))
		p.Release.Status, p.Release.Conclusion = "completed", "success"
		p.Tag, p.ForwardPort = tag, fp
		return p
	}
	fp := func(state string, now hotfix.ForwardPortState) *forwardPort {
		return &forwardPort{Number: 21, URL: "u", State: state, Now: now}
	}
	const (
		cleanJSON = `{"conflicts":false,"conflictsResolved":false,"number":21,"state":"%s","url":"u"}`
		noneJSON  = `{"conflicts":false,"conflictsResolved":false,"number":null,"state":"%s","url":null}`
	)
	tests := []struct {
		name     string
		pull     hotfixPull
		want     string
		wantTone tone
		json     string
	}{
		{"standard path", released("", nil), "release succeeded", good, `null`},
		{"forward-port open", released("v1.4.1", fp("OPEN", hotfix.ForwardPortOpen)),
			"release v1.4.1 succeeded, forward-port #21 open", waiting, fmt.Sprintf(cleanJSON, "OPEN")},
		{"forward-port with conflicts", released("v1.4.1", fp("OPEN", hotfix.ForwardPortConflicts)),
			"release v1.4.1 succeeded, forward-port #21 has conflicts", bad, `{"conflicts":true,"conflictsResolved":false,"number":21,"state":"OPEN","url":"u"}`},
		{"forward-port conflicts resolved", released("v1.4.1", fp("OPEN", hotfix.ForwardPortResolved)),
			"release v1.4.1 succeeded, forward-port #21 open, conflicts resolved", waiting, `{"conflicts":false,"conflictsResolved":true,"number":21,"state":"OPEN","url":"u"}`},
		{"forward-port merged", released("v1.4.1", fp("MERGED", hotfix.ForwardPortMerged)),
			"release v1.4.1 succeeded, forward-port #21 merged", good, fmt.Sprintf(cleanJSON, "MERGED")},
		{"forward-port closed unmerged", released("v1.4.1", fp("CLOSED", hotfix.ForwardPortClosed)),
			"release v1.4.1 succeeded, forward-port #21 closed unmerged", bad, fmt.Sprintf(cleanJSON, "CLOSED")},
		{"forward-port not needed", released("v1.4.1", &forwardPort{Now: hotfix.ForwardPortNotNeeded}),
			"release v1.4.1 succeeded, forward-port not needed", good, fmt.Sprintf(noneJSON, "NOT_NEEDED")},
		{"not forward-ported", released("v1.4.1", &forwardPort{Now: hotfix.ForwardPortMissing}),
			"release v1.4.1 succeeded, not forward-ported", waiting, fmt.Sprintf(noneJSON, "MISSING")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tn := tt.pull.summary()
			if got != tt.want || tn != tt.wantTone {
				t.Errorf("summary = %q (tone %d), want %q (tone %d)", got, tn, tt.want, tt.wantTone)
			}
			b, _ := json.Marshal(tt.pull.export()["forwardPort"])
			if string(b) != tt.json {
				t.Errorf("forwardPort = %s, want %s", b, tt.json)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestExceptionalRelease: a hotfix released by the exceptional process is one
// whose release comment names a tag, or records an adopted run of the hotfix
// workflow whose tag is not known yet; its forward-port is looked for either way.
func TestExceptionalRelease(t *testing.T) {
	comment := func(tag string, byRun bool) string {
		return hotfix.ReleaseComment(hotfix.ReleaseMarker{State: "dispatched", MergeSHA: mergeSHA, Workflow: "hotfix.yml", Ref: "release/v1.4",
			Since: created, RunID: 42, RunURL: "https://github.com/acme/shop/actions/runs/42", Tag: tag, TagByRun: byRun})
	}
	tests := []struct {
		name        string
		comment     string
		exceptional bool
		tag         string
	}{
		{"standard path", marker("dispatched", mergeSHA, 42), false, ""},
		{"dispatched with its tag", comment("v1.4.1", false), true, "v1.4.1"},
		{"adopted, tag not created yet", comment("", true), true, ""},
		{"adopted, tag created by the run", comment("v1.4.3", true), true, "v1.4.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newHotfixPull(ptr(stubPull(20, "MERGED", "", tt.comment)))
			if p.exceptional != tt.exceptional || p.Tag != tt.tag {
				t.Errorf("exceptional %v, tag %q; want %v, %q", p.exceptional, p.Tag, tt.exceptional, tt.tag)
			}
		})
	}
}

// TestRunLeavesOutForkPulls: a pull request from a fork carrying the label, even of
// a hotfix branch's name, is not one of the repository's hotfixes (#13 h): status
// does not list it, counts it out of the total, and says so on stderr.
func TestRunLeavesOutForkPulls(t *testing.T) {
	fork := func(number int, owner string) apiPull {
		p := stubPull(number, "OPEN", "")
		p.HeadRefName = "hotfix/bug-2"
		p.IsCrossRepository = true
		if owner != "" {
			p.HeadRepositoryOwner = &struct{ Login string }{owner}
		}
		return p
	}
	tests := []struct {
		name       string
		pulls      []apiPull
		wantStdout string
		wantStderr []string
	}{
		{"a fork's pull request of our branch name", []apiPull{fork(3, "hubot"), stubPull(2, "OPEN", "")},
			"2\n", []string{"#3 (hubot:hotfix/bug-2) carries the label hotfix but comes from a fork"}},
		{"the fork's owner deleted", []apiPull{stubPull(2, "OPEN", ""), fork(1, "")},
			"2\n", []string{"#1 (hotfix/bug-2) carries the label hotfix but comes from a fork"}},
		{"only forks", []apiPull{fork(1, "hubot")}, "", []string{"#1 (hubot:hotfix/bug-2)"}},
		{"no forks", []apiPull{stubPull(2, "OPEN", ""), stubPull(1, "OPEN", "")}, "2\n1\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := fakeGitHub(t, "", page(len(tt.pulls), "", tt.pulls...))
			f, _, stdout, stderr := testFactory(t, gh)
			if err := runStatus(t, f, "--json", "number", "--jq", ".[].number"); err != nil {
				t.Fatal(err)
			}
			if got := stdout.String(); got != tt.wantStdout {
				t.Errorf("stdout %q, want %q", got, tt.wantStdout)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr %q, want it to say %q", stderr.String(), w)
				}
			}
			if len(tt.wantStderr) == 0 && stderr.Len() != 0 {
				t.Errorf("stderr %q, want nothing", stderr.String())
			}
		})
	}

	// On a terminal, the count shown leaves the fork's pull request out.
	gh := fakeGitHub(t, "", page(2, "", fork(3, "hubot"), stubPull(2, "OPEN", "")))
	f, ios, stdout, _ := testFactory(t, gh)
	ios.SetStdoutTTY(true)
	if err := runStatus(t, f); err != nil {
		t.Fatal(err)
	}
	if out := stdout.String(); !strings.Contains(out, "Showing 1 of 1 open hotfix pull requests in acme/shop") || strings.Contains(out, "#3") {
		t.Errorf("stdout %q", out)
	}
}

// TestForwardPorts: the forward-port is found under any of the names ship tries,
// recognised by its record, never by its branch's name (#22, #13 h): an
// unrelated pull request or a fork's on the forward-port's branch is not it; its
// state is read from GitHub (a head moved since ship opened it with conflicts is
// conflicts resolved); none, with ship's "not needed" on the hotfix, is not needed.
func TestForwardPorts(t *testing.T) {
	const pushed, later = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	type node struct {
		name int // index among the names ship tries
		json string
	}
	fp := func(name, number int, state, head, mergeState string, cross bool, rec hotfix.ForwardPort) node {
		b, _ := json.Marshal(map[string]any{"number": number, "url": fmt.Sprintf("u%d", number), "state": state, "baseRefName": "main",
			"body": "Forward-port\n" + rec.Encode(), "isCrossRepository": cross, "headRefOid": head, "mergeStateStatus": mergeState})
		return node{name, string(b)}
	}
	unrelated := node{0, `{"number":30,"url":"u30","state":"OPEN","baseRefName":"main","body":"Refactor","isCrossRepository":false,"headRefOid":"` + later + `","mergeStateStatus":"CLEAN"}`}
	clean := hotfix.ForwardPort{Of: 20, Head: pushed}
	conflicted := hotfix.ForwardPort{Of: 20, Conflicts: true, Head: pushed}
	tests := []struct {
		name      string
		nodes     []node
		notNeeded bool
		want      int // the forward-port's number; 0: none
		wantNow   hotfix.ForwardPortState
	}{
		{"none", nil, false, 0, hotfix.ForwardPortMissing},
		{"not needed", nil, true, 0, hotfix.ForwardPortNotNeeded},
		{"an unrelated pull request on the forward-port's branch", []node{unrelated}, false, 0, hotfix.ForwardPortMissing},
		{"another hotfix's forward-port", []node{fp(0, 9, "OPEN", pushed, "CLEAN", false, hotfix.ForwardPort{Of: 19})}, false, 0, hotfix.ForwardPortMissing},
		{"a fork's only", []node{fp(0, 9, "OPEN", pushed, "CLEAN", true, clean)}, false, 0, hotfix.ForwardPortMissing},
		{"a fork's newer than ours", []node{fp(0, 9, "OPEN", pushed, "CLEAN", true, clean), fp(0, 8, "MERGED", pushed, "UNKNOWN", false, clean)}, false, 8, hotfix.ForwardPortMerged},
		{"ours on the next name, the first taken", []node{unrelated, fp(1, 31, "OPEN", pushed, "CLEAN", false, clean)}, false, 31, hotfix.ForwardPortOpen},
		{"ours on the last name", []node{fp(hotfix.ForwardPortNames-1, 32, "OPEN", pushed, "CLEAN", false, clean)}, false, 32, hotfix.ForwardPortOpen},
		{"conflicts", []node{fp(0, 8, "OPEN", pushed, "CLEAN", false, conflicted)}, false, 8, hotfix.ForwardPortConflicts},
		{"conflicts resolved by a push", []node{fp(0, 8, "OPEN", later, "CLEAN", false, conflicted)}, false, 8, hotfix.ForwardPortResolved},
		{"closed unmerged", []node{fp(0, 8, "CLOSED", pushed, "UNKNOWN", false, clean)}, false, 8, hotfix.ForwardPortClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []string
			for k := 0; k < hotfix.ForwardPortNames; k++ {
				var nodes []string
				for _, n := range tt.nodes {
					if n.name == k {
						nodes = append(nodes, n.json)
					}
				}
				parts = append(parts, fmt.Sprintf(`"fp0_%d":{"nodes":[%s]}`, k, strings.Join(nodes, ",")))
			}
			gh := fakeGitHub(t, "", `{"data":{"repository":{`+strings.Join(parts, ",")+`}}}`)
			f, _, _, _ := testFactory(t, gh)
			client, _ := f.GitHubClient("github.com")
			pulls := []hotfixPull{{Number: 20, State: "MERGED", Branch: "hotfix/x", Base: "release/v1.4", Tag: "v1.4.1", exceptional: true, forwardNotNeeded: tt.notNeeded}}
			if err := addForwardPorts(context.Background(), client, repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, pulls); err != nil {
				t.Fatal(err)
			}
			if got := pulls[0].ForwardPort; got == nil || got.Number != tt.want || got.Now != tt.wantNow {
				t.Errorf("forward-port %+v, want #%d %s", got, tt.want, tt.wantNow)
			}
			want := strings.Join(hotfix.ForwardPortBranches("hotfix/x"), " ")
			var got []string
			for k := 0; k < hotfix.ForwardPortNames; k++ {
				got = append(got, fmt.Sprint(vars(gh)[0][fmt.Sprintf("h0_%d", k)]))
			}
			if strings.Join(got, " ") != want {
				t.Errorf("asked for %v, want %s", got, want)
			}
		})
	}
}

// TestRunForwardPortRows: a forward-port pull request carries the hotfix label, but
// is shown under its hotfix, never as a hotfix row (#22); a pull request whose
// branch is only named like a forward-port, without the record, is a hotfix row.
// In the default view (open hotfixes), an open forward-port, whose hotfix is
// merged and not listed, is named on stderr.
func TestRunForwardPortRows(t *testing.T) {
	hotfixPR := stubPull(20, "MERGED", "", marker("dispatched", mergeSHA, 42))
	hotfixPR.Comments.Nodes = []struct{ Body string }{{hotfix.ReleaseComment(hotfix.ReleaseMarker{State: "dispatched", MergeSHA: mergeSHA,
		Workflow: "hotfix.yml", Ref: "release/v1.4", Since: created, RunID: 42, RunURL: "r", Tag: "v1.4.1"})}}
	hotfixPR.MergeCommit.CheckSuites.Nodes = append(hotfixPR.MergeCommit.CheckSuites.Nodes, github.MergeCommitSuite{Status: "COMPLETED", Conclusion: "SUCCESS", WorkflowRun: &github.SuiteRun{DatabaseID: 42, URL: "r"}})
	forward := stubPull(21, "MERGED", "")
	forward.HeadRefName, forward.Body = "hotfix/forward-port-bug-20", "Forward-port of #20\n"+hotfix.ForwardPort{Of: 20}.Encode()
	namedLike := stubPull(22, "MERGED", "")
	namedLike.HeadRefName, namedLike.Body = "hotfix/forward-port-bug-20-2", "A hotfix of its own"
	fpNodes := `"fp0_0":{"nodes":[{"number":21,"url":"u21","state":"MERGED","baseRefName":"main","body":` + strconvQuote(forward.Body) + `,"isCrossRepository":false}]}`
	for k := 1; k < hotfix.ForwardPortNames; k++ {
		fpNodes += fmt.Sprintf(`,"fp0_%d":{"nodes":[]}`, k)
	}
	gh := fakeGitHub(t, "", page(3, "", namedLike, forward, hotfixPR), `{"data":{"repository":{`+fpNodes+`}}}`)
	f, _, stdout, _ := testFactory(t, gh)
	if err := runStatus(t, f, "--state", "merged"); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	if strings.Contains(out, "21\t") || !strings.Contains(out, "22\t") ||
		!strings.Contains(out, "20\tHotfix: bug 20\thotfix/bug-20\tMERGED\trelease v1.4.1 succeeded, forward-port #21 merged\t") {
		t.Errorf("stdout %q", out)
	}

	open := stubPull(21, "OPEN", "")
	open.Body, open.HeadRefOid = "Forward-port of #20\n"+hotfix.ForwardPort{Of: 20, Conflicts: true, Head: mergeSHA}.Encode(), mergeSHA
	gh = fakeGitHub(t, "", page(1, "", open))
	f, ios, stdout, stderr := testFactory(t, gh)
	ios.SetStdoutTTY(true)
	if err := runStatus(t, f); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "#21") || !strings.Contains(stderr.String(), "forward-port #21 of hotfix #20 has conflicts to resolve: https://github.com/acme/shop/pull/21") {
		t.Errorf("stdout %q\nstderr %q", stdout.String(), stderr.String())
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestWithoutHotfixPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"Hotfix: login 500": "login 500",
		"hotfix:login 500":  "login 500",
		"Hotfix:":           "Hotfix:", // nothing would be left
		"Fix the hotfix":    "Fix the hotfix",
		"HOTFIX: x":         "x",
	} {
		if got := withoutHotfixPrefix(in); got != want {
			t.Errorf("withoutHotfixPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

// withJSON sets more of a stubbed pull request's fields, as GitHub's answer spells them.
func withJSON(a apiPull, raw string) apiPull {
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		panic(err)
	}
	return a
}

// Rules of a base, and head commits' checks, as the status query reads them.
const (
	rulesCheckAndApproval = `"baseRef":{"rules":{"nodes":[{"type":"REQUIRED_STATUS_CHECKS","repositoryRuleset":{"name":"protect main"},` +
		`"parameters":{"requiredStatusChecks":[{"context":"ci/test"}]}},` +
		`{"type":"PULL_REQUEST","repositoryRuleset":{"name":"protect main"},"parameters":{"requiredApprovingReviewCount":1}}]}}`
	rulesTwoApprovals = `"baseRef":{"rules":{"nodes":[{"type":"PULL_REQUEST","parameters":{"requiredApprovingReviewCount":2}}]}}`
	ciTestFailing     = `"commits":{"nodes":[{"commit":{"statusCheckRollup":{"state":"FAILURE","contexts":{"totalCount":2,"nodes":[` +
		`{"__typename":"StatusContext","context":"ci/test","state":"FAILURE"},{"__typename":"CheckRun","name":"lint","status":"COMPLETED","conclusion":"SUCCESS"}]}}}}]}`
	ciTestPending = `"commits":{"nodes":[{"commit":{"statusCheckRollup":{"state":"PENDING","contexts":{"totalCount":1,"nodes":[` +
		`{"__typename":"CheckRun","name":"ci/test","status":"IN_PROGRESS"}]}}}}]}`
	lintFailing = `"commits":{"nodes":[{"commit":{"statusCheckRollup":{"state":"FAILURE","contexts":{"totalCount":2,"nodes":[` +
		`{"__typename":"CheckRun","name":"lint","status":"COMPLETED","conclusion":"FAILURE"},{"__typename":"StatusContext","context":"ci/test","state":"SUCCESS"}]}}}}]}`
	onlyLint = `"commits":{"nodes":[{"commit":{"statusCheckRollup":{"state":"SUCCESS","contexts":{"totalCount":1,"nodes":[` +
		`{"__typename":"CheckRun","name":"lint","status":"COMPLETED","conclusion":"SUCCESS"}]}}}}]}`
	oneApproval = `"approvals":{"nodes":[{"state":"APPROVED"},{"state":"COMMENTED"}]}`
)

// TestBlockers: what blocks an open hotfix, by name, in the STATUS column and
// in --json (queue, blockedBy, autoMerge), from the one query's answer.
func TestBlockers(t *testing.T) {
	tests := []struct {
		name      string
		raw       string // fields of GitHub's answer, over an open pull request
		want      string // the STATUS column
		wantTone  tone
		blockedBy []string
		queue     string // --json queue, as JSON
		autoMerge bool
	}{
		{name: "required check failing, approval missing",
			raw:       `{"mergeStateStatus":"BLOCKED","reviewDecision":"REVIEW_REQUIRED",` + rulesCheckAndApproval + `,` + ciTestFailing + `}`,
			want:      "check ci/test failing, 1 approving review missing",
			wantTone:  bad,
			blockedBy: []string{"check ci/test failing", "1 approving review missing"}, queue: "null"},
		{name: "required check pending, approved, auto-merge on",
			raw:       `{"mergeStateStatus":"BLOCKED","reviewDecision":"APPROVED","autoMergeRequest":{"mergeMethod":"SQUASH"},` + rulesCheckAndApproval + `,` + ciTestPending + `,` + oneApproval + `}`,
			want:      "check ci/test pending, approved, auto-merge on",
			wantTone:  waiting,
			blockedBy: []string{"check ci/test pending"}, queue: "null", autoMerge: true},
		{name: "required check never reported",
			raw:       `{"mergeStateStatus":"BLOCKED","reviewDecision":"APPROVED",` + rulesCheckAndApproval + `,` + onlyLint + `,` + oneApproval + `}`,
			want:      "check ci/test pending, approved",
			wantTone:  waiting,
			blockedBy: []string{"check ci/test pending"}, queue: "null"},
		{name: "a check that is not required fails: not a blocker",
			raw:       `{"mergeStateStatus":"UNSTABLE","reviewDecision":"APPROVED",` + rulesCheckAndApproval + `,` + lintFailing + `,` + oneApproval + `}`,
			want:      "checks failing, approved, mergeable",
			wantTone:  bad,
			blockedBy: []string{}, queue: "null"},
		{name: "two approvals required, one given",
			raw:       `{"mergeStateStatus":"BLOCKED","reviewDecision":"REVIEW_REQUIRED",` + rulesTwoApprovals + `,` + oneApproval + `}`,
			want:      "no checks, 1 approving review missing",
			wantTone:  waiting,
			blockedBy: []string{"1 approving review missing"}, queue: "null"},
		{name: "no rules read: failing checks block a blocked pull request",
			raw:       `{"mergeStateStatus":"BLOCKED","reviewDecision":"REVIEW_REQUIRED",` + lintFailing + `}`,
			want:      "check lint failing, review required",
			wantTone:  bad,
			blockedBy: []string{"check lint failing", "review required"}, queue: "null"},
		{name: "conflicts and changes requested",
			raw:       `{"mergeStateStatus":"DIRTY","reviewDecision":"CHANGES_REQUESTED",` + rulesTwoApprovals + `}`,
			want:      "no checks, changes requested, conflicts",
			wantTone:  bad,
			blockedBy: []string{"changes requested", "conflicts"}, queue: "null"},
		{name: "first in the merge queue",
			raw:       `{"mergeStateStatus":"BLOCKED","reviewDecision":"APPROVED","autoMergeRequest":null,"mergeQueueEntry":{"id":"MQE_1","position":1,"state":"AWAITING_CHECKS","estimatedTimeToMerge":240},` + rulesCheckAndApproval + `,` + oneApproval + `}`,
			want:      "first in the merge queue, about 4m left; its merge group's checks are running",
			wantTone:  waiting,
			blockedBy: []string{}, queue: `{"estimatedTimeToMerge":240,"position":1,"state":"AWAITING_CHECKS"}`},
		{name: "third in the merge queue, no estimate",
			raw:       `{"mergeStateStatus":"CLEAN","reviewDecision":"APPROVED","mergeQueueEntry":{"id":"MQE_2","position":3,"state":"QUEUED","estimatedTimeToMerge":null}}`,
			want:      "position 3 in the merge queue",
			wantTone:  waiting,
			blockedBy: []string{}, queue: `{"estimatedTimeToMerge":null,"position":3,"state":"QUEUED"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := withJSON(stubPull(5, "OPEN", ""), tt.raw)
			p := newHotfixPull(&a)
			if got, gotTone := p.summary(); got != tt.want || gotTone != tt.wantTone {
				t.Errorf("summary = %q (tone %d), want %q (tone %d)", got, gotTone, tt.want, tt.wantTone)
			}
			ex := p.export()
			if got, _ := json.Marshal(ex["blockedBy"]); string(got) != jsonOf(tt.blockedBy) {
				t.Errorf("blockedBy = %s, want %s", got, jsonOf(tt.blockedBy))
			}
			if got, _ := json.Marshal(ex["queue"]); string(got) != tt.queue {
				t.Errorf("queue = %s, want %s", got, tt.queue)
			}
			if ex["autoMerge"] != tt.autoMerge {
				t.Errorf("autoMerge = %v, want %v", ex["autoMerge"], tt.autoMerge)
			}
		})
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestRunBlockers: the queue, the blockers and auto-merge come with the one
// query that lists the pull requests.
func TestRunBlockers(t *testing.T) {
	waiting := withJSON(stubPull(2, "OPEN", ""), `{"mergeStateStatus":"BLOCKED","reviewDecision":"REVIEW_REQUIRED",`+rulesCheckAndApproval+`,`+ciTestFailing+`}`)
	queued := withJSON(stubPull(1, "OPEN", "SUCCESS"), `{"mergeStateStatus":"BLOCKED","reviewDecision":"APPROVED","autoMergeRequest":{"mergeMethod":"MERGE"},`+
		`"mergeQueueEntry":{"id":"MQE_1","position":1,"state":"QUEUED","estimatedTimeToMerge":null},`+rulesCheckAndApproval+`,`+oneApproval+`}`)
	gh := fakeGitHub(t, "", page(2, "", waiting, queued))
	f, _, stdout, _ := testFactory(t, gh)
	if err := runStatus(t, f); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "2\tHotfix: bug 2\thotfix/bug-2\tOPEN\tcheck ci/test failing, 1 approving review missing\t") ||
		!strings.HasPrefix(rows[1], "1\tHotfix: bug 1\thotfix/bug-1\tOPEN\tfirst in the merge queue\t") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	if len(requests(gh)) != 1 || vars(gh)[0]["withOpen"] != true {
		t.Errorf("requests %q, variables %v: want the one query, with what blocks open pull requests", requests(gh), vars(gh))
	}
	q := gh.Requests()[0].GraphQL.Query
	for _, field := range []string{"mergeQueueEntry", "autoMergeRequest", "latestOpinionatedReviews(first: 100, writersOnly: true)", "baseRef @include(if: $withOpen) { rules(", "...checks"} {
		if !strings.Contains(q, field) {
			t.Errorf("the status query lacks %s:\n%s", field, q)
		}
	}

	gh = fakeGitHub(t, "", page(2, "", waiting, queued))
	f, _, stdout, _ = testFactory(t, gh)
	if err := runStatus(t, f, "--json", "number,queue,blockedBy,autoMerge"); err != nil {
		t.Fatal(err)
	}
	want := `[{"autoMerge":false,"blockedBy":["check ci/test failing","1 approving review missing"],"number":2,"queue":null},` +
		`{"autoMerge":true,"blockedBy":[],"number":1,"queue":{"estimatedTimeToMerge":null,"position":1,"state":"QUEUED"}}]`
	var got any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil || jsonOf(got) != want {
		t.Errorf("--json: %v\n%s\nwant\n%s", err, stdout.String(), want)
	}
}
