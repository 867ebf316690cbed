// Package e2e holds end-to-end tests: the built extension run through the real
// gh against the GitHub emulator, with real git repositories.
package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestRealGHAgainstEmulator proves the emulator answers the real gh binary's own
// requests (REST and GraphQL) and real git, as GitHub would.
func TestRealGHAgainstEmulator(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("widgets", nil)

	ok := func(r harness.Result, what string) harness.Result {
		t.Helper()
		if r.Code != 0 {
			t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", what, r.Code, r.Stdout, r.Stderr)
		}
		return r
	}

	t.Run("auth status", func(t *testing.T) {
		r := ok(e.RunIn(work, "gh", "auth", "status", "-h", "github.localhost"), "gh auth status")
		out := r.Stdout + r.Stderr
		if !strings.Contains(out, "Logged in to github.localhost") || !strings.Contains(out, harness.Owner) {
			t.Errorf("gh auth status output: %s", out)
		}
		if strings.Contains(out, harness.Token) {
			t.Errorf("gh auth status printed the token")
		}
	})

	t.Run("api repos", func(t *testing.T) {
		r := ok(e.RunIn(work, "gh", "api", "repos/monalisa/widgets"), "gh api")
		var repo map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &repo); err != nil {
			t.Fatalf("gh api output is not JSON: %v", err)
		}
		if repo["full_name"] != "monalisa/widgets" || repo["default_branch"] != "main" {
			t.Errorf("repo: full_name=%v default_branch=%v", repo["full_name"], repo["default_branch"])
		}
	})

	t.Run("api graphql with a fragment", func(t *testing.T) {
		q := `fragment R on Repository { nameWithOwner defaultBranchRef { name target { ... on Commit { oid } } } }
query { repository(owner: "monalisa", name: "widgets") { ...R } }`
		r := ok(e.RunIn(work, "gh", "api", "graphql", "-f", "query="+q), "gh api graphql")
		var out struct {
			Data struct {
				Repository struct {
					NameWithOwner    string
					DefaultBranchRef struct {
						Name   string
						Target struct{ Oid string }
					}
				}
			}
		}
		if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
			t.Fatalf("graphql output: %v\n%s", err, r.Stdout)
		}
		tip := e.Git(work, "rev-parse", "origin/main")
		if out.Data.Repository.NameWithOwner != "monalisa/widgets" || out.Data.Repository.DefaultBranchRef.Target.Oid != tip {
			t.Errorf("graphql answer %+v, want main at %s", out.Data.Repository, tip)
		}
	})

	t.Run("pull request create, view, merge", func(t *testing.T) {
		e.Git(work, "checkout", "-q", "-b", "hotfix/typo")
		harnessWrite(t, work+"/README.md", "# widgets\n\nfixed\n")
		e.Git(work, "commit", "-q", "-am", "Fix typo")
		e.Git(work, "push", "-q", "-u", "origin", "hotfix/typo")
		if status, out := e.API("POST", "/repos/monalisa/widgets/labels", map[string]any{"name": "hotfix", "color": "d73a4a"}); status != 201 {
			t.Fatalf("create label: %d %v", status, out)
		}
		r := ok(e.RunIn(work, "gh", "pr", "create", "--title", "Fix typo", "--body", "Fixes the typo", "--base", "main", "--label", "hotfix"), "gh pr create")
		if !strings.Contains(r.Stdout, "/monalisa/widgets/pull/1") {
			t.Errorf("gh pr create printed %q, want the PR URL", r.Stdout)
		}
		view := func() map[string]any {
			r := ok(e.RunIn(work, "gh", "pr", "view", "1", "--json", "state,labels,mergeCommit"), "gh pr view")
			var v map[string]any
			if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
				t.Fatalf("gh pr view: %v\n%s", err, r.Stdout)
			}
			return v
		}
		v := view()
		if v["state"] != "OPEN" || !strings.Contains(r.Stdout+jsonString(v["labels"]), "hotfix") || v["mergeCommit"] != nil {
			t.Errorf("open PR viewed as %v", v)
		}
		ok(e.RunIn(work, "gh", "pr", "merge", "1", "--squash"), "gh pr merge")
		v = view()
		mc, _ := v["mergeCommit"].(map[string]any)
		e.Git(work, "fetch", "-q", "origin")
		if v["state"] != "MERGED" || mc == nil || mc["oid"] != e.Git(work, "rev-parse", "origin/main") {
			t.Errorf("merged PR viewed as %v; origin/main is %s", v, e.Git(work, "rev-parse", "origin/main"))
		}
	})

	t.Run("workflow run and run list", func(t *testing.T) {
		ok(e.RunIn(work, "gh", "workflow", "run", "release.yml", "--ref", "main", "-f", "environment=staging"), "gh workflow run")
		r := ok(e.RunIn(work, "gh", "run", "list", "--json", "status,event,headBranch,name"), "gh run list")
		var runs []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &runs); err != nil {
			t.Fatalf("gh run list: %v\n%s", err, r.Stdout)
		}
		if len(runs) != 1 || runs[0]["event"] != "workflow_dispatch" || runs[0]["headBranch"] != "main" || runs[0]["name"] != "Release" {
			t.Errorf("runs: %v", runs)
		}
	})

	t.Run("git fetch sees a push from another clone", func(t *testing.T) {
		other := e.Clone("widgets")
		e.Git(other, "commit", "-q", "--allow-empty", "-m", "from elsewhere")
		e.Git(other, "push", "-q", "origin", "main")
		e.Git(work, "fetch", "-q", "origin")
		if a, b := e.Git(work, "rev-parse", "origin/main"), e.Git(other, "rev-parse", "HEAD"); a != b {
			t.Errorf("fetched origin/main %s, pushed %s", a, b)
		}
	})

	t.Run("installed extension help and version", func(t *testing.T) {
		r := ok(e.Hotfix(work, "--version"), "gh hotfix --version")
		if !strings.Contains(r.Stdout, "v0.0.0-e2e") {
			t.Errorf("--version printed %q", r.Stdout)
		}
		r = ok(e.Hotfix(work, "--help"), "gh hotfix --help")
		for _, cmd := range []string{"create", "ship", "revert", "status", "doctor", "init"} {
			if !strings.Contains(r.Stdout, cmd) {
				t.Errorf("--help does not list %s:\n%s", cmd, r.Stdout)
			}
		}
	})

	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("conformance failure from gh or git: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}

// TestRefusedAsGitHubWould sends requests GitHub refuses, through the real gh,
// and checks each gets GitHub's answer and, where the request breaks the
// published description, a conformance failure.
func TestRefusedAsGitHubWould(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("gadgets", nil)
	tests := []struct {
		name        string
		args        []string
		wantOut     string
		conformance bool
	}{
		{"REST body field of the wrong type", []string{"api", "-X", "POST", "repos/monalisa/gadgets/pulls",
			"-f", "title=x", "-f", "head=main", "-f", "base=main", "-f", "draft=yes"}, "HTTP 422", true},
		{"GraphQL field that does not exist", []string{"api", "graphql", "-f",
			"query={ repository(owner:\"monalisa\", name:\"gadgets\") { nope } }"}, "Field 'nope' doesn't exist on type 'Repository'", true},
		{"dispatch with an undeclared input", []string{"workflow", "run", "release.yml", "--ref", "main",
			"-f", "environment=production", "-f", "bogus=1"}, "Unexpected inputs provided", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.Server.ConformanceFailures())
			r := e.RunIn(work, "gh", tt.args...)
			if r.Code == 0 {
				t.Fatalf("gh %v succeeded: %s", tt.args, r.Stdout)
			}
			if out := r.Stdout + r.Stderr; !strings.Contains(out, tt.wantOut) {
				t.Errorf("gh %v said %q, want it to mention %q", tt.args, out, tt.wantOut)
			}
			if got := len(e.Server.ConformanceFailures()) > before; got != tt.conformance {
				t.Errorf("recorded as a conformance failure: %v, want %v", got, tt.conformance)
			}
		})
	}

	t.Run("request without a token", func(t *testing.T) {
		status, body := e.Unauthenticated("GET", "/repos/monalisa/gadgets")
		if status != http.StatusUnauthorized || !strings.Contains(body, "Requires authentication") {
			t.Errorf("unauthenticated request answered %d %s, want 401 Requires authentication", status, body)
		}
	})
}

// TestGhPorcelainAgainstTheEmulator: gh's own commands a team mixes with gh
// hotfix answer as on github.com: pr merge --delete-branch (its ref DELETE sends
// the branch's slash escaped), workflow disable and enable, run cancel and rerun,
// release create.
func TestGhPorcelainAgainstTheEmulator(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "porc", "porcelain fix")
	e.Git(work, "push", "-q", "origin", "hotfix/porcelain-fix")
	repo := "github.localhost/monalisa/porc"
	gh := func(args ...string) harness.Result {
		t.Helper()
		r := e.RunIn(e.Dir, "gh", append(args, "-R", repo)...)
		if r.Code != 0 {
			t.Fatalf("gh %s: exit %d\n%s%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
		}
		return r
	}
	if status, out := e.API("POST", "/repos/monalisa/porc/pulls", map[string]any{"title": "Fix", "head": "hotfix/porcelain-fix", "base": "main"}); status != 201 {
		t.Fatalf("opening the PR: %d %v", status, out)
	}
	mergeabilityComputed(t, e, "porc", 1)
	gh("pr", "merge", "1", "--squash", "--delete-branch")
	if _, pr := e.API("GET", "/repos/monalisa/porc/pulls/1", nil); pr.(map[string]any)["merged"] != true {
		t.Errorf("gh pr merge did not merge #1")
	}
	if status, _ := e.API("GET", "/repos/monalisa/porc/git/ref/heads/hotfix/porcelain-fix", nil); status != 404 {
		t.Errorf("gh pr merge --delete-branch left the branch (GET ref: %d)", status)
	}

	gh("workflow", "disable", "release.yml")
	if _, out := e.API("GET", "/repos/monalisa/porc/actions/workflows/release.yml", nil); out.(map[string]any)["state"] != "disabled_manually" {
		t.Errorf("after gh workflow disable: %v", out.(map[string]any)["state"])
	}
	gh("workflow", "enable", "release.yml")
	if _, out := e.API("GET", "/repos/monalisa/porc/actions/workflows/release.yml", nil); out.(map[string]any)["state"] != "active" {
		t.Errorf("after gh workflow enable: %v", out.(map[string]any)["state"])
	}

	gh("workflow", "run", "release.yml", "-f", "environment=production")
	_, out := e.API("GET", "/repos/monalisa/porc/actions/runs", nil)
	id := int64(out.(map[string]any)["workflow_runs"].([]any)[0].(map[string]any)["id"].(float64))
	gh("run", "cancel", fmt.Sprint(id))
	_, run := e.API("GET", fmt.Sprintf("/repos/monalisa/porc/actions/runs/%d", id), nil)
	if run.(map[string]any)["conclusion"] != "cancelled" {
		t.Errorf("after gh run cancel: %v", run.(map[string]any)["conclusion"])
	}
	gh("run", "rerun", fmt.Sprint(id))
	_, run = e.API("GET", fmt.Sprintf("/repos/monalisa/porc/actions/runs/%d", id), nil)
	if m := run.(map[string]any); m["status"] != "queued" || m["run_attempt"] != float64(2) {
		t.Errorf("after gh run rerun: status %v, attempt %v", m["status"], m["run_attempt"])
	}

	gh("release", "create", "v9.9.9", "--notes", "by hand")
	if status, _ := e.API("GET", "/repos/monalisa/porc/releases/tags/v9.9.9", nil); status != 200 {
		t.Errorf("gh release create: no release")
	}
}
