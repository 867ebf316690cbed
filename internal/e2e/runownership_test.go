package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

const (
	dispatchRoute = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"
	runsRoute     = "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs"
)

// TestReleaseRunContainsItsMerge: two hotfixes merged and released within a
// second or two of each other. The second one's release goes wrong in one of
// three ways, and ship is run again where it stopped; each pull request must end
// up recording a run whose commit contains its own merge, with exactly one run
// per merge. A run found by listing the workflow's runs right after the decision
// to release is the first hotfix's, at a commit without the second merge: it is
// not the second hotfix's release (issue #20).
//
// GitHub's clock runs minutes ahead of this machine's throughout: what "after the
// decision" means comes from GitHub's timestamps (the release comment's
// created_at), never from the local clock.
func TestReleaseRunContainsItsMerge(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// fault is injected before the second ship; the first attempt must fail
		// (exit 1) when retry is true, and ship is then run again.
		faults []map[string]any
		retry  bool
	}{
		{name: "dispatch refused by a rate limit, ship run again",
			faults: []map[string]any{{"route": dispatchRoute, "status": 429, "exhausted": true, "reset_in_s": 3600}},
			retry:  true},
		{name: "dispatch answer dropped",
			faults: []map[string]any{{"route": dispatchRoute, "drop": true}}},
		{name: "dispatch answer dropped and the run lookup failing, ship run again",
			faults: []map[string]any{{"route": dispatchRoute, "drop": true}, {"route": runsRoute, "status": 502, "count": 20}},
			retry:  true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := harness.New(t)
			e.Control("POST", "clock", map[string]any{"skew_s": 120})
			name := fmt.Sprintf("pair%d", i)
			a := startHotfix(t, e, name, "first fix")
			b := secondHotfix(t, e, name, a)
			env := []string{"GH_HOTFIX_RUN_LOOKUP_TIMEOUT=2s"}

			// The first hotfix is merged and released; the second is merged right after.
			merge := func(n int) string {
				status, out := e.API("PUT", fmt.Sprintf("/repos/monalisa/%s/pulls/%d/merge", name, n), map[string]any{"merge_method": "merge"})
				if status != 200 {
					t.Fatalf("merge #%d: %d %v", n, status, out)
				}
				return out.(map[string]any)["sha"].(string)
			}
			mergeA := merge(1)
			if r := e.RunInEnv(a, env, "gh", "hotfix", "ship"); r.Code != 0 {
				t.Fatalf("ship of the first hotfix: exit %d: %s", r.Code, r.Stderr)
			}
			mergeB := merge(2)
			// The second release is decided a second or so after the first run
			// was created, however slow this machine: GitHub's clock is set back
			// to just before the end of the first run's second. A lookup that
			// took "the first run since a second before the decision" would take
			// the first hotfix's run.
			_, out := e.API("GET", "/repos/monalisa/"+name+"/actions/runs", nil)
			first, err := time.Parse(time.RFC3339, out.(map[string]any)["workflow_runs"].([]any)[0].(map[string]any)["created_at"].(string))
			if err != nil {
				t.Fatal(err)
			}
			e.Control("POST", "clock", map[string]any{"skew_s": time.Until(first.Add(900 * time.Millisecond)).Seconds()})
			for _, f := range tc.faults {
				e.Control("POST", "faults", f)
			}
			r := e.RunInEnv(b, env, "gh", "hotfix", "ship")
			if tc.retry {
				if r.Code != 1 {
					t.Fatalf("first ship of the second hotfix: exit %d, want 1: %s", r.Code, r.Stderr)
				}
				e.Control("DELETE", "faults", nil)
				r = e.RunInEnv(b, env, "gh", "hotfix", "ship")
			}
			if r.Code != 0 {
				t.Fatalf("ship of the second hotfix: exit %d: %s", r.Code, r.Stderr)
			}

			// GitHub's side: one run per merge, each recorded on its own PR.
			_, out = e.API("GET", "/repos/monalisa/"+name+"/actions/runs", nil)
			runs := out.(map[string]any)["workflow_runs"].([]any)
			heads := map[string]float64{}
			for _, run := range runs {
				m := run.(map[string]any)
				heads[m["head_sha"].(string)] = m["id"].(float64)
			}
			if len(runs) != 2 || heads[mergeA] == 0 || heads[mergeB] == 0 {
				t.Fatalf("runs %s, want one at %s and one at %s\nsecond ship: %s", jsonString(runs), mergeA, mergeB, r.Stderr)
			}
			for n, want := range map[int]float64{1: heads[mergeA], 2: heads[mergeB]} {
				if got := recordedRun(t, e, name, n); got != int64(want) {
					t.Errorf("#%d records run %d, want %d (the run containing its merge)\nsecond ship: %s", n, got, int64(want), r.Stderr)
				}
			}

			// A release comment naming the other hotfix's run (as an older gh hotfix
			// wrote it) is not trusted: ship finds the real run, dispatches nothing
			// and puts the record right.
			_, cm := e.API("GET", "/repos/monalisa/"+name+"/issues/2/comments", nil)
			for _, c := range cm.([]any) {
				c := c.(map[string]any)
				body := c["body"].(string)
				if !strings.Contains(body, "gh-hotfix:release") {
					continue
				}
				wrong := strings.ReplaceAll(body, fmt.Sprint(int64(heads[mergeB])), fmt.Sprint(int64(heads[mergeA])))
				if status, out := e.API("PATCH", fmt.Sprintf("/repos/monalisa/%s/issues/comments/%d", name, int64(c["id"].(float64))), map[string]any{"body": wrong}); status != 200 {
					t.Fatalf("editing the comment: %d %v", status, out)
				}
			}
			// status goes by the same rule: #2 is not released until ship puts it right.
			st := e.Hotfix(b, "status", "--state", "merged", "--json", "number,release", "--jq", `.[] | "\(.number) \(.release.runId)"`)
			if want := fmt.Sprintf("2 null\n1 %d\n", int64(heads[mergeA])); st.Code != 0 || st.Stdout != want ||
				!strings.Contains(st.Stderr, "#2's release comment names a run that is not its release") {
				t.Errorf("status with a wrong record: exit %d, stdout %q (want %q)\n%s", st.Code, st.Stdout, want, st.Stderr)
			}
			// The compare that judges the named run fails once, as the fault matrix's
			// routes do: a read, retried.
			e.Control("POST", "faults", map[string]any{"route": "GET /repos/{owner}/{repo}/compare/{basehead}", "status": 502, "count": 1})
			e.ClearRequests()
			r = e.RunInEnv(b, env, "gh", "hotfix", "ship")
			if api, _, _ := e.RequestCounts(); api["GET /repos/{owner}/{repo}/compare/{basehead}"] < 2 {
				t.Errorf("the named run was not compared (or the failed compare not retried): %v", api)
			}
			if r.Code != 0 || !strings.Contains(r.Stderr, "names http://github.localhost/monalisa/"+name+"/actions/runs/") {
				t.Fatalf("ship with a wrong record: exit %d: %s", r.Code, r.Stderr)
			}
			t.Logf("ship with a wrong record:\n%s", r.Stderr)
			if n := dispatchCount(e); n != 0 {
				t.Errorf("%d dispatches with a wrong record, want 0: %s", n, r.Stderr)
			}
			if got := recordedRun(t, e, name, 2); got != int64(heads[mergeB]) {
				t.Errorf("#2 records run %d after the re-run, want %d: %s", got, int64(heads[mergeB]), r.Stderr)
			}
			for _, f := range e.Server.ConformanceFailures() {
				if f.Rejected {
					t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
				}
			}
		})
	}
}

var recordedRunRE = regexp.MustCompile(`"run_id":(\d+)`)

// recordedRun is the run the release comment on PR n records (0: none).
func recordedRun(t *testing.T, e *harness.Env, repo string, n int) int64 {
	t.Helper()
	_, out := e.API("GET", fmt.Sprintf("/repos/monalisa/%s/issues/%d/comments", repo, n), nil)
	var id int64
	count := 0
	for _, c := range out.([]any) {
		body := c.(map[string]any)["body"].(string)
		if !strings.Contains(body, "gh-hotfix:release") {
			continue
		}
		count++
		if m := recordedRunRE.FindStringSubmatch(body); m != nil {
			fmt.Sscan(m[1], &id)
		}
	}
	if count != 1 {
		t.Errorf("#%d has %d release comments, want 1", n, count)
	}
	return id
}
