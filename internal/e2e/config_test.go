package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

const teamConfig = `# what our team decided
base: release
branch_prefix: fix/
label:
  name: urgent
  color: 0e8a16
  description: Production is down
reviewers: [hubot]
merge_method: squash
limits:
  files: 1
  lines: 5
release:
  workflow: deploy.yml
  inputs:
    environment: staging
post_mortem:
  enabled: true
  labels: [incident]
`

const deployWorkflow = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [production, staging]
        required: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`

// TestConfigDrivesCreateAndShip: every key of .github/hotfix.yml changes what
// create and ship do. The clone predates the config (its main is stale), so
// the config is read from the base branch through the API.
func TestConfigDrivesCreateAndShip(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := e.CreateRepo("team", map[string]string{".github/workflows/deploy.yml": deployWorkflow})
	e.AddCollaborator("team", "hubot")
	// Another teammate adds the config and the release branch afterwards.
	other := e.Clone("team")
	// The pull request template, like the config, is only on GitHub: ship reads it
	// from where the config came from.
	harnessWrite(t, filepath.Join(other, ".github/hotfix.yml"), teamConfig+"pull_request:\n  template: .github/hotfix_pull_request.md\n")
	harnessWrite(t, filepath.Join(other, ".github/hotfix_pull_request.md"), "## What broke, and the fix (team template)\n")
	e.Git(other, "add", "-A")
	e.Git(other, "commit", "-q", "-m", "Configure gh hotfix")
	e.Git(other, "push", "-q", "origin", "main", "main:refs/heads/release")

	r := e.Hotfix(work, "create", "config driven")
	if r.Code != 0 {
		t.Fatalf("create: exit %d\n%s", r.Code, r.Stderr)
	}
	if got := strings.TrimSpace(r.Stdout); got != "fix/config-driven" {
		t.Fatalf("branch %q, want the configured prefix", got)
	}
	if got, want := e.Git(work, "rev-parse", "HEAD"), e.Git(other, "rev-parse", "HEAD"); got != want {
		t.Errorf("branched from %s, want the release branch %s", got, want)
	}
	harnessWrite(t, filepath.Join(work, "fix.txt"), "one\ntwo\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Small fix")

	e.Control("POST", "repos/monalisa/team/auto-runs", map[string]any{"after_ms": 100})
	e.ClearRequests()
	r = e.Hotfix(work, "ship", "--auto", "--watch", "--interval", "50ms")
	if r.Code != 0 {
		t.Fatalf("ship: exit %d\n%s", r.Code, r.Stderr)
	}
	// The template, at a conventional path, came with the config: no request of its own.
	if api, _, _ := e.RequestCounts(); api["graphql query repository (HotfixTextFiles)"] != 0 {
		t.Errorf("the template was read in a request of its own: %v", api)
	}
	_, out := e.API("GET", "/repos/monalisa/team/pulls/1", nil)
	pr := out.(map[string]any)
	if body, _ := pr["body"].(string); !strings.HasPrefix(body, "## What broke, and the fix (team template)") {
		t.Errorf("PR body %q, want the base's template", body)
	}
	if pr["base"].(map[string]any)["ref"] != "release" {
		t.Errorf("PR base %v, want release", pr["base"].(map[string]any)["ref"])
	}
	if got := jsonString(pr["labels"]); !strings.Contains(got, `"name":"urgent"`) || !strings.Contains(got, `"color":"0e8a16"`) {
		t.Errorf("labels %s, want the configured one", got)
	}
	_, reviews := e.API("GET", "/repos/monalisa/team/pulls/1/requested_reviewers", nil)
	if !strings.Contains(jsonString(reviews), "hubot") {
		t.Errorf("configured reviewer not requested: %s", jsonString(reviews))
	}
	if !strings.Contains(r.Stderr, "Merged #1 (squash)") {
		t.Errorf("not merged with the configured method:\n%s", r.Stderr)
	}
	e.Git(work, "fetch", "-q", "origin")
	parents := e.RunIn(work, "git", "rev-list", "--parents", "-n", "1", pr["merge_commit_sha"].(string))
	if n := len(strings.Fields(parents.Stdout)); n != 2 {
		t.Errorf("merge commit has %d parents, want a squash (1)", n-1)
	}
	_, runs := e.API("GET", "/repos/monalisa/team/actions/runs", nil)
	run := runs.(map[string]any)["workflow_runs"].([]any)[0].(map[string]any)
	if run["name"] != "Deploy" || run["head_branch"] != "release" || jsonString(run["inputs"]) != `{"environment":"staging"}` {
		t.Errorf("run: %v on %v with %s", run["name"], run["head_branch"], jsonString(run["inputs"]))
	}
	_, issues := e.API("GET", "/repos/monalisa/team/issues?labels=incident&state=all", nil)
	if n := len(issues.([]any)); n != 1 {
		t.Errorf("%d post-mortem issues labelled incident", n)
	}

	// The limits apply: two files are one too many.
	e.Git(work, "switch", "-q", "main")
	e.Git(work, "pull", "-q", "origin", "main")
	if r := e.Hotfix(work, "create", "too wide"); r.Code != 0 {
		t.Fatalf("second create: %s", r.Stderr)
	}
	harnessWrite(t, filepath.Join(work, "a.txt"), "a\n")
	harnessWrite(t, filepath.Join(work, "b.txt"), "b\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "two files")
	assertRefused(t, e.Hotfix(work, "ship", "--no-wait"), "this hotfix changes 2 files and 2 lines, over the limits of 1 file and 5 lines")
}
