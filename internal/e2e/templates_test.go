package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestExceptionalTemplatesFromMain: a hotfix from a release tag takes the team's
// settings from main, and the templates they name from main too — the release's
// checkout has neither. The pull request's body and the post-mortem come from
// them, the post-mortem with the tag, the release line and the forward-port.
func TestExceptionalTemplatesFromMain(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "tmplmain", true)
	// main names templates that exist only on main; the release v1.4.0 has the
	// exceptional section alone.
	e.Git(work, "checkout", "-q", "main")
	harnessWrite(t, filepath.Join(work, ".github/hotfix.yml"), exceptionalConfig+
		"pull_request:\n  template: .github/hotfix_pr.md\npost_mortem:\n  template: docs/post-mortem.md\n")
	harnessWrite(t, filepath.Join(work, ".github/hotfix_pr.md"), "## Hotfix from the team's template\n")
	if err := os.MkdirAll(filepath.Join(work, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	harnessWrite(t, filepath.Join(work, "docs/post-mortem.md"),
		"# Incident: {{title}}\n\nTag {{tag}} on {{release_line}} ({{maintenance_branch}}, from {{from_tag}}); forward-port {{forward_port}}.\nSeverity: {{severity}}\n\n{{timeline}}")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "Hotfix templates")
	e.Git(work, "push", "-q", "origin", "main")

	hotfixIn(t, e, work, "login page 500", "app.txt", "--from-tag", "v1.4.0")
	if got := e.Git(work, "ls-files", ".github/hotfix_pr.md", "docs"); got != "" {
		t.Fatalf("the release's checkout has the templates: %s", got)
	}
	e.Control("POST", "repos/monalisa/tmplmain/reviewer", map[string]any{"after_ms": 0, "label": "hotfix"})
	e.Control("POST", "repos/monalisa/tmplmain/auto-runs", map[string]any{"after_ms": 100, "conclusion": "success"})
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--watch", "--post-mortem", "--interval", "50ms")
	logCost(t, e, "ship --watch --post-mortem (exceptional, templates from main)")
	if r.Code != 0 {
		t.Fatalf("ship: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	// Neither path is one ship could tell before reading main's config: one more request.
	if api, _, _ := e.RequestCounts(); api["graphql query repository (HotfixTextFiles)"] != 1 {
		t.Errorf("the templates were not read in one request of their own: %v", api)
	}
	if !strings.Contains(r.Stderr, "docs/post-mortem.md (main) uses {{severity}}, which ship does not know") {
		t.Errorf("no warning naming the unknown placeholder:\n%s", r.Stderr)
	}
	hotfixPR, forwardPR := hotfixAndForwardPort(t, e, "tmplmain", "hotfix/login-page-500", 0)
	if !strings.HasPrefix(hotfixPR.Body, "## Hotfix from the team's template") {
		t.Errorf("the pull request's body is not main's template:\n%s", hotfixPR.Body)
	}
	_, out := e.API("GET", "/repos/monalisa/tmplmain/issues?state=all&labels=post-mortem", nil)
	issues, _ := out.([]any)
	if len(issues) != 1 {
		t.Fatalf("%d post-mortem issues, want 1: %s", len(issues), jsonString(out))
	}
	body, _ := issues[0].(map[string]any)["body"].(string)
	for _, want := range []string{"# Incident: login page 500", "Tag v1.4.1 on v1.4.* (release/v1.4, from v1.4.0)",
		fmt.Sprintf("forward-port http://github.localhost/monalisa/tmplmain/pull/%d (into main).", forwardPR.Number),
		"Severity: {{severity}}", "Release run started", "Release run finished (success)"} {
		if !strings.Contains(body, want) {
			t.Errorf("post-mortem lacks %q:\n%s", want, body)
		}
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}

// TestShipTemplateMissingOnMain: a template main's config names but main lacks
// is refused before anything changes — no push, no pull request, no
// maintenance branch made again.
func TestShipTemplateMissingOnMain(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "tmplgone", true)
	e.Git(work, "checkout", "-q", "main")
	harnessWrite(t, filepath.Join(work, ".github/hotfix.yml"), exceptionalConfig+"pull_request:\n  template: .github/hotfix_pr.md\n")
	e.Git(work, "commit", "-q", "-am", "Name a template main lacks")
	e.Git(work, "push", "-q", "origin", "main")
	hotfixIn(t, e, work, "login page 500", "app.txt", "--from-tag", "v1.4.0")
	// Someone deleted the maintenance branch: ship would make it again, but not
	// before it knows the template is missing.
	if code, out := e.API("DELETE", "/repos/monalisa/tmplgone/git/refs/heads/release/v1.4", nil); code != 204 {
		t.Fatalf("deleting release/v1.4: %d %v", code, out)
	}
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--no-wait")
	assertRefused(t, r, "the pull request template .github/hotfix_pr.md named in main:.github/hotfix.yml is not on main: add it there, or change pull_request.template; nothing was changed")
	if m := mutations(e); len(m) > 0 {
		t.Errorf("changed something before refusing: %v", m)
	}
}

// TestShipPostMortemIssuesDisabled: with issues turned off, --post-mortem is
// refused before anything changes, in one line with both ways on.
func TestShipPostMortemIssuesDisabled(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "noissues", "cache stampede")
	if code, out := e.API("PATCH", "/repos/monalisa/noissues", map[string]any{"has_issues": false}); code != 200 {
		t.Fatalf("turning issues off: %d %v", code, out)
	}
	// The push started ahead is held, and sends nothing (see
	// TestShipKeepsTheUsersPrePushHook): refs are compared, and the API's writes.
	before := e.Snapshot(work, "noissues")
	e.ClearRequests()
	r := e.Hotfix(work, "ship", "--post-mortem")
	assertRefused(t, r, "monalisa/noissues has issues turned off, so the post-mortem issue (--post-mortem) cannot be opened: turn them on (gh repo edit monalisa/noissues --enable-issues) or run gh hotfix ship")
	if after := e.Snapshot(work, "noissues"); after != before {
		t.Errorf("a refused ship changed the repository:\n%s\n---\n%s", before, after)
	}
	for _, m := range mutations(e) {
		if !strings.HasPrefix(m, "git push") {
			t.Errorf("a refused ship changed something: %s", m)
		}
	}
	// The emulator answers as GitHub does, should issues be turned off later.
	if code, out := e.API("POST", "/repos/monalisa/noissues/issues", map[string]any{"title": "x"}); code != 410 || !strings.Contains(jsonString(out), "Issues are disabled for this repo") {
		t.Errorf("opening an issue with issues off: %d %v", code, out)
	}

	// Turned on, the same command ships; without --watch, the timeline still
	// says when the release run started (read from the run).
	if code, out := e.API("PATCH", "/repos/monalisa/noissues", map[string]any{"has_issues": true}); code != 200 {
		t.Fatalf("turning issues on: %d %v", code, out)
	}
	e.Control("POST", "repos/monalisa/noissues/reviewer", map[string]any{"after_ms": 0})
	if r := e.Hotfix(work, "ship", "--post-mortem", "--interval", "50ms"); r.Code != 0 {
		t.Fatalf("ship --post-mortem: exit %d\n%s", r.Code, r.Stderr)
	}
	_, out := e.API("GET", "/repos/monalisa/noissues/issues?state=all&labels=post-mortem", nil)
	issues, _ := out.([]any)
	if len(issues) != 1 {
		t.Fatalf("%d post-mortem issues, want 1", len(issues))
	}
	if body, _ := issues[0].(map[string]any)["body"].(string); !strings.Contains(body, "Release run started") {
		t.Errorf("the timeline lacks the release run's start:\n%s", body)
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}
