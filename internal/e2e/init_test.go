package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

func TestInitThenDoctor(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("shop", map[string]string{".github/workflows/ci.yml": ciWorkflow})
	if status, out := e.API("POST", "/repos/monalisa/shop/labels", map[string]any{"name": "hotfix", "color": "d73a4a"}); status != 201 {
		t.Fatalf("create label: %d %v", status, out)
	}
	checkRun(t, e, "shop", work, "test", "success")
	path := filepath.Join(work, ".github", "hotfix.yml")

	t.Run("dry run writes nothing", func(t *testing.T) {
		before := e.Snapshot(work, "shop")
		r := e.Hotfix(work, "init", "--dry-run")
		if r.Code != 0 {
			t.Fatalf("init --dry-run: exit %d: %s", r.Code, r.Stderr)
		}
		if _, err := config.Parse(config.Path, []byte(r.Stdout)); err != nil || !strings.Contains(r.Stdout, `workflow: "release.yml"`) {
			t.Errorf("init --dry-run printed (%v):\n%s", err, r.Stdout)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("init --dry-run wrote %s: %v", path, err)
		}
		if after := e.Snapshot(work, "shop"); after != before {
			t.Errorf("init --dry-run changed the checkout:\n%s\n---\n%s", before, after)
		}
	})

	e.ClearRequests()
	r := e.Hotfix(work, "init")
	if r.Code != 0 {
		t.Fatalf("init: exit %d: %s", r.Code, r.Stderr)
	}
	if strings.TrimSpace(r.Stdout) != filepath.Join(".github", "hotfix.yml") {
		t.Errorf("init printed %q on stdout, want the path of the file", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "then run gh hotfix doctor") {
		t.Errorf("init does not tell the next step: %q", r.Stderr)
	}
	api, fetches, pushes := e.RequestCounts()
	total := 0
	for _, n := range api {
		total += n
	}
	if total > 2 || fetches != 0 || pushes != 0 {
		t.Errorf("init used %d API requests %v, %d fetches, %d pushes; want ≤2, 0, 0", total, api, fetches, pushes)
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(config.Path, written)
	if err != nil {
		t.Fatalf("init wrote a file that does not parse: %v\n%s", err, written)
	}
	if cfg.Base != "main" || cfg.Release.Workflow != "release.yml" || cfg.Label.Name != "hotfix" || cfg.Release.Inputs != nil {
		t.Errorf("init wrote %+v", cfg)
	}
	if !strings.Contains(string(written), "# Branch that hotfixes start from") {
		t.Errorf("the file does not explain its keys:\n%s", written)
	}

	// doctor reads the checkout's file: no commit needed to check it.
	r = e.Hotfix(work, "doctor")
	if r.Code != 0 {
		t.Fatalf("doctor after init: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if lines := doctorLines(t, r.Stdout); !strings.Contains(lines["config"][2], ".github/hotfix.yml is valid") {
		t.Errorf("doctor did not read the written file: %q", lines["config"])
	}

	t.Run("refuses to overwrite", func(t *testing.T) {
		r := e.Hotfix(work, "init", "--label", "urgent")
		if r.Code != 1 || strings.TrimSpace(r.Stderr) != ".github/hotfix.yml already exists: edit it, or pass --force to overwrite it" {
			t.Errorf("init over an existing file: exit %d, stderr %q", r.Code, r.Stderr)
		}
		if now, _ := os.ReadFile(path); string(now) != string(written) {
			t.Errorf("the refused init changed the file:\n%s", now)
		}
		r = e.Hotfix(work, "init", "--label", "urgent", "--force")
		if r.Code != 0 {
			t.Fatalf("init --force: exit %d: %s", r.Code, r.Stderr)
		}
		if now, _ := os.ReadFile(path); !strings.Contains(string(now), `name: "urgent"`) {
			t.Errorf("init --force did not rewrite the file:\n%s", now)
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 2 { // hotfix.yml and workflows/
			t.Errorf(".github holds %d entries, want no temporary file left: %v", len(entries), entries)
		}
	})
}

// TestInitRequiredInputs: a required input gets what GitHub's form would preselect, or
// must come from --field when there is no terminal to ask on.
func TestInitRequiredInputs(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("shop", map[string]string{
		".github/workflows/release.yml": "",
		".github/workflows/deploy-release.yml": `name: Deploy
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        required: true
        options: [staging, production]
      version:
        description: Version to deploy
        required: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo deploying
`,
	})
	path := filepath.Join(work, ".github", "hotfix.yml")
	r := e.Hotfix(work, "init")
	if r.Code != 1 || !strings.Contains(r.Stderr, `deploy-release.yml requires the input "version", which has no default: pass it with -f version=VALUE`) {
		t.Errorf("init without the required input: exit %d, %q", r.Code, r.Stderr)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a refused init wrote %s", path)
	}
	r = e.Hotfix(work, "init", "-f", "version=1.2.3", "--label", "urgent-fix")
	if r.Code != 0 {
		t.Fatalf("init -f version=1.2.3: exit %d: %s", r.Code, r.Stderr)
	}
	written, _ := os.ReadFile(path)
	cfg, err := config.Parse(config.Path, written)
	if err != nil {
		t.Fatalf("%v\n%s", err, written)
	}
	if cfg.Release.Workflow != "deploy-release.yml" || cfg.Release.Inputs["environment"] != "staging" ||
		cfg.Release.Inputs["version"] != "1.2.3" || cfg.Label.Name != "urgent-fix" {
		t.Errorf("init wrote %+v", cfg)
	}
	r = e.Hotfix(work, "doctor")
	lines := doctorLines(t, r.Stdout)
	if got := lines["release-workflow"]; got[0] != "ok" || !strings.Contains(got[2], "environment=staging (config), version=1.2.3 (config)") {
		t.Errorf("doctor's release check after init: %q", got)
	}

	r = e.Hotfix(e.Dir, "init", "-R", "monalisa/shop")
	if r.Code != 1 || !strings.Contains(r.Stderr, "not inside a git checkout") {
		t.Errorf("init outside a checkout: exit %d, %q", r.Code, r.Stderr)
	}
	r = e.Hotfix(work, "init", "--force", "--workflow", "nope.yml")
	if r.Code != 1 || !strings.Contains(r.Stderr, `workflow "nope.yml" not found`) {
		t.Errorf("init --workflow nope.yml: exit %d, %q", r.Code, r.Stderr)
	}
}

// TestHotfixWorkflowRelease runs the "Tag and release" step of the hotfix
// workflow that init --workflows writes, with the real gh against the emulator,
// as the Actions runner would: an older line's hotfix never becomes the Latest
// release (GitHub makes every new release Latest unless make_latest is "false"),
// the newest line's does.
func TestHotfixWorkflowRelease(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("lines", nil)
	sha := e.Git(work, "rev-parse", "HEAD")
	if status, out := e.API("POST", "/repos/monalisa/lines/releases", map[string]any{"tag_name": "v1.5.0", "target_commitish": "main"}); status != 201 {
		t.Fatalf("release v1.5.0: %d %v", status, out)
	}
	script := stepScript(t, release.HotfixWorkflow, "Tag and release")
	latest := func() string {
		_, out := e.API("GET", "/repos/monalisa/lines/releases/latest", nil)
		m, _ := out.(map[string]any)
		tag, _ := m["tag_name"].(string)
		return tag
	}
	for _, tc := range []struct{ tag, latest string }{
		{"v1.4.1", "v1.5.0"},   // an older line
		{"v1.5.1", "v1.5.1"},   // the newest line
		{"v1.10.0", "v1.10.0"}, // versions, not strings, decide
		{"v1.9.3", "v1.10.0"},
	} {
		r := e.RunInEnv(work, []string{"GITHUB_REPOSITORY=monalisa/lines", "TAG=" + tc.tag, "GITHUB_SHA=" + sha, "GITHUB_REF_NAME=release/v1", "GH_TOKEN=" + harness.Token},
			"bash", "-euo", "pipefail", "-c", script)
		if r.Code != 0 {
			t.Fatalf("release step for %s: exit %d\n%s", tc.tag, r.Code, r.Stderr)
		}
		if status, _ := e.API("GET", "/repos/monalisa/lines/releases/tags/"+tc.tag, nil); status != 200 {
			t.Errorf("%s: no release", tc.tag)
		}
		if got := latest(); got != tc.latest {
			t.Errorf("after releasing %s the Latest release is %s, want %s", tc.tag, got, tc.latest)
		}
	}
}

// stepScript returns the run: script of the step named name in any job of
// workflow, as the runner reads it: parsed as YAML.
func stepScript(t *testing.T, workflow, name string) string {
	t.Helper()
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(workflow), &doc); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	for _, job := range doc.Jobs {
		for _, s := range job.Steps {
			if s.Name == name && s.Run != "" {
				return s.Run
			}
		}
	}
	t.Fatalf("no step %q with a run: script", name)
	return ""
}
