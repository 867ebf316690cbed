package e2e

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// ciWorkflow tests pull requests into main, as a ready repository's CI does.
const ciWorkflow = `name: CI
on:
  pull_request:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
`

// checkRun reports a completed check run named name on the tip of main.
func checkRun(t *testing.T, e *harness.Env, repo, work, name, conclusion string) {
	t.Helper()
	tip := e.Git(work, "rev-parse", "origin/main")
	if status, out := e.API("POST", "/repos/monalisa/"+repo+"/check-runs", map[string]any{
		"name": name, "head_sha": tip, "status": "completed", "conclusion": conclusion}); status != 201 {
		t.Fatalf("create check run: %d %v", status, out)
	}
}

// doctorLines parses doctor's plain output: check name → state word and the whole line.
func doctorLines(t *testing.T, stdout string) map[string][]string {
	t.Helper()
	lines := map[string][]string{}
	for _, l := range strings.Split(strings.TrimRight(stdout, "\n"), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 4 {
			t.Fatalf("doctor line %q: want 4 tab-separated fields", l)
		}
		lines[f[1]] = f
	}
	return lines
}

func TestDoctorReady(t *testing.T) {
	t.Parallel()
	harness.ForEachSite(t, testDoctorReady)
}

// testDoctorReady runs in a world of each site (harness.Sites).
func testDoctorReady(t *testing.T, e *harness.Env) {
	work := e.CreateRepo("shop", map[string]string{".github/workflows/ci.yml": ciWorkflow})
	// The team's label differs in case from the config's: it is the same label.
	if status, out := e.API("POST", "/repos/monalisa/shop/labels", map[string]any{"name": "Hotfix", "color": "d73a4a"}); status != 201 {
		t.Fatalf("create label: %d %v", status, out)
	}
	checkRun(t, e, "shop", work, "test", "success")

	e.ClearRequests()
	r := e.Hotfix(work, "doctor")
	if r.Code != 0 {
		t.Fatalf("doctor on a ready repository: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	lines := doctorLines(t, r.Stdout)
	for _, name := range []string{"auth", "config", "label", "release-workflow", "auto-merge", "ci", "base"} {
		if lines[name] == nil || lines[name][0] != "ok" {
			t.Errorf("check %s: %q, want ok\n%s", name, lines[name], r.Stdout)
		}
	}
	for name, want := range map[string]string{
		"auth":             "as monalisa",
		"release-workflow": "release.yml (Release) can be dispatched on main; inputs: environment (default production, one of production|staging), notes (optional)",
		"ci":               "on pull requests to main: ci.yml",
		"base":             "passes its 1 check",
	} {
		if lines[name] != nil && !strings.Contains(lines[name][2], want) {
			t.Errorf("check %s says %q, want it to mention %q", name, lines[name][2], want)
		}
	}
	if r.Stderr != "" {
		t.Errorf("stderr: %q", r.Stderr)
	}
	// The server: named with its version and what it lacks on GitHub Enterprise
	// Server, learnt from the answers doctor gets anyway; nothing on github.com.
	switch {
	case !e.Site.Enterprise():
		if lines["server"] != nil {
			t.Errorf("a server line on github.localhost: %q", lines["server"])
		}
	case e.Site.Version == harness.OldEnterpriseVersion:
		if l := lines["server"]; l == nil || l[0] != "ok" || !strings.Contains(l[2], "GitHub Enterprise Server "+harness.OldEnterpriseVersion+" at ghes.localhost") ||
			!strings.Contains(l[2], "merge queue") || !strings.Contains(l[2], "rulesets") || !strings.Contains(l[2], "run details") {
			t.Errorf("server line on %s: %q, want the version and what it lacks", e.Site.Name(), l)
		}
	default:
		if l := lines["server"]; l == nil || l[0] != "ok" || !strings.Contains(l[2], "GitHub Enterprise Server "+e.Site.Version+" at ghes.localhost") || strings.Contains(l[2], "lacks") {
			t.Errorf("server line on %s: %q, want the version and nothing lacking", e.Site.Name(), l)
		}
	}

	api, fetches, pushes := e.RequestCounts()
	total := 0
	for _, n := range api {
		total += n
	}
	limit := 3
	if e.Site.Version == harness.OldEnterpriseVersion {
		// The first command on a server older than its queries learns the
		// version from the first answers: each of doctor's two first queries,
		// sent side by side, is refused once and sent again fitted to it.
		limit = 5
	}
	if total > limit || fetches != 0 || pushes != 0 {
		t.Errorf("doctor used %d API requests %v, %d fetches and %d pushes; want ≤%d, 0, 0", total, api, fetches, pushes, limit)
	}
	t.Logf("doctor: %d API requests %v", total, api)
	if limit > 3 {
		// The next command knows the version (gh's cache folder): no more than on github.com.
		e.ClearRequests()
		if r := e.Hotfix(work, "doctor"); r.Code != 0 {
			t.Fatalf("doctor again: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
		api, _, _ := e.RequestCounts()
		total := 0
		for _, n := range api {
			total += n
		}
		if total > 3 {
			t.Errorf("doctor again on %s: %d API requests %v, want ≤3", e.Site.Name(), total, api)
		}
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}

	t.Run("json", func(t *testing.T) {
		r := e.Hotfix(work, "doctor", "--json", "ready", "--jq", ".ready")
		if r.Code != 0 || strings.TrimSpace(r.Stdout) != "true" {
			t.Errorf("doctor --json ready --jq .ready: exit %d, %q %s", r.Code, r.Stdout, r.Stderr)
		}
	})
}

func TestDoctorNamesEachProblem(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	// No release workflow, no label, and main is red.
	work := e.CreateRepo("shop", map[string]string{".github/workflows/release.yml": ""})
	checkRun(t, e, "shop", work, "build", "failure")

	r := e.Hotfix(work, "doctor")
	if r.Code != 1 {
		t.Fatalf("doctor on a broken repository: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	lines := doctorLines(t, r.Stdout)
	// A missing label is a warning: ship creates it.
	if got := lines["label"]; got == nil || got[0] != "warn" || !strings.Contains(got[2], "label hotfix does not exist in monalisa/shop: ship creates it") ||
		!strings.Contains(got[3], "gh label create hotfix --color d73a4a --description 'Urgent fix for production' -R github.localhost/monalisa/shop") {
		t.Errorf("check label: %q, want a warning with the gh label create command", got)
	}
	for name, want := range map[string][2]string{
		"release-workflow": {`no workflow with a workflow_dispatch trigger mentions "release" on main`, "add a workflow that releases main"},
		"base":             {"main is not releasable: its latest commit", "make main green first"},
	} {
		got := lines[name]
		if got == nil || got[0] != "fail" || !strings.Contains(got[2], want[0]) || !strings.Contains(got[3], want[1]) {
			t.Errorf("check %s: %q, want fail saying %q, fix %q", name, got, want[0], want[1])
		}
	}
	if got := lines["base"]; got != nil && !strings.Contains(got[2], "(build)") {
		t.Errorf("base check does not name the failing check: %q", got[2])
	}
	if got := lines["auth"]; got == nil || got[0] != "ok" {
		t.Errorf("auth: %q, want ok", got)
	}

	t.Run("json", func(t *testing.T) {
		r := e.Hotfix(work, "doctor", "--json", "checks,ready")
		if r.Code != 1 {
			t.Errorf("doctor --json: exit %d, want 1: %s", r.Code, r.Stderr)
		}
		var out struct {
			Ready  *bool `json:"ready"`
			Checks []struct {
				Name     string `json:"name"`
				OK       bool   `json:"ok"`
				Severity string `json:"severity"`
				Detail   string `json:"detail"`
				Fix      string `json:"fix"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
			t.Fatalf("doctor --json output does not parse: %v\n%s", err, r.Stdout)
		}
		if out.Ready == nil || *out.Ready {
			t.Errorf("ready = %v, want false", out.Ready)
		}
		failed := map[string]bool{}
		for _, c := range out.Checks {
			if !c.OK && c.Severity == "error" {
				failed[c.Name] = c.Fix != "" && c.Detail != ""
			}
		}
		for _, name := range []string{"release-workflow", "base"} {
			if !failed[name] {
				t.Errorf("--json: check %s is not an error with a detail and a fix: %+v", name, out.Checks)
			}
		}
	})

	t.Run("without a token", func(t *testing.T) {
		r := e.RunInEnv(work, []string{"GH_TOKEN=", "GITHUB_TOKEN="}, "gh", "hotfix", "doctor")
		if r.Code != 4 || !strings.Contains(r.Stderr, "gh auth login") || r.Stdout != "" {
			t.Errorf("doctor without a token: exit %d, stdout %q, stderr %q; want 4 and advice to log in", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("jq and unknown field", func(t *testing.T) {
		r := e.Hotfix(work, "doctor", "--json", "checks", "--jq", `.checks[] | select(.severity == "error") | .name`)
		if r.Code != 1 || !strings.Contains(r.Stdout, "release-workflow\n") {
			t.Errorf("--jq: exit %d, %q", r.Code, r.Stdout)
		}
		r = e.Hotfix(work, "doctor", "--json", "nope")
		if r.Code != 1 || !strings.Contains(r.Stderr, `unknown JSON field: "nope"`) {
			t.Errorf("unknown field: exit %d, %s", r.Code, r.Stderr)
		}
	})
}

// TestDoctorReadsTheBaseBranchConfig: without a checkout (-R from elsewhere) doctor reads
// .github/hotfix.yml from the default branch, and reports a broken one with its line.
func TestDoctorReadsTheBaseBranchConfig(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("shop", map[string]string{
		".github/hotfix.yml":       "merge_method: squash\nlimits:\n  files: many\n",
		".github/workflows/ci.yml": ciWorkflow,
	})
	_ = work
	r := e.Hotfix(e.Dir, "doctor", "-R", "monalisa/shop")
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	lines := doctorLines(t, r.Stdout)
	if got := lines["config"]; got == nil || got[0] != "fail" || !strings.HasPrefix(got[2], "main:.github/hotfix.yml:3: limits.files:") {
		t.Errorf("config: %q, want a failure naming main:.github/hotfix.yml:3 and limits.files", got)
	}
}

// TestDoctorComparesTheCheckoutConfig: a checkout whose .github/hotfix.yml differs
// from the default branch's copy gets a warning naming the settings that differ,
// from the copy read in the query doctor makes anyway: no request more.
func TestDoctorComparesTheCheckoutConfig(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("shop", map[string]string{
		".github/hotfix.yml":       "label: urgent\nlimits:\n  files: 5\n",
		".github/workflows/ci.yml": ciWorkflow,
	})
	e.ClearRequests()
	r := e.Hotfix(work, "doctor")
	if got := doctorLines(t, r.Stdout)["config"]; got == nil || got[0] != "ok" || got[2] != ".github/hotfix.yml is valid" {
		t.Errorf("config as committed: %q, want ok", got)
	}
	alike, _, _ := e.RequestCounts()

	harnessWrite(t, filepath.Join(work, ".github", "hotfix.yml"), "label:\n  name: urgent\n  color: \"000000\"\nlimits:\n  files: 5\nmerge_method: squash\n")
	e.ClearRequests()
	r = e.Hotfix(work, "doctor")
	got := doctorLines(t, r.Stdout)["config"]
	if got == nil || got[0] != "warn" ||
		got[2] != ".github/hotfix.yml is valid, but differs from main's in: label.color, merge_method; main's applies where this checkout's does not (-R from elsewhere, ship of a hotfix from a release tag)" ||
		got[3] != "merge the change into main, or undo it in this checkout" {
		t.Errorf("config edited in the checkout: %q, want a warning naming label.color and merge_method", got)
	}
	if lines := doctorLines(t, r.Stdout); lines["label"] == nil || !strings.Contains(lines["label"][2], "label urgent") {
		t.Errorf("label: %q, want the checkout's label urgent", lines["label"])
	}
	if differ, _, _ := e.RequestCounts(); !reflect.DeepEqual(differ, alike) {
		t.Errorf("doctor made requests %v with a differing config, %v without", differ, alike)
	}
}
