package doctor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

var sampleChecks = []Check{
	pass("auth", "logged in as monalisa"),
	warn("base", "checks on main are still running (build)", "wait for them"),
	fail("label", "label hotfix does not exist\tin acme/shop", "gh label create hotfix\n-R acme/shop"),
}

func TestRender(t *testing.T) {
	tests := []struct {
		name   string
		tty    bool
		color  bool
		checks []Check
		again  string
		want   string
	}{
		{
			name:   "plain: four tab-separated fields a line",
			checks: sampleChecks,
			want: "ok\tauth\tlogged in as monalisa\t\n" +
				"warn\tbase\tchecks on main are still running (build)\twait for them\n" +
				"fail\tlabel\tlabel hotfix does not exist in acme/shop\tgh label create hotfix -R acme/shop\n",
		},
		{
			name: "terminal, not ready", tty: true, checks: sampleChecks,
			want: "✓ Authentication: logged in as monalisa\n" +
				"! Base branch: checks on main are still running (build)\n" +
				"  Fix: wait for them\n" +
				"X Label: label hotfix does not exist in acme/shop\n" +
				"  Fix: gh label create hotfix -R acme/shop\n" +
				"\nX Not ready for a hotfix: 1 check fails. Fix it, then run gh hotfix doctor again.\n",
		},
		{
			name: "terminal, not ready, with -R", tty: true, checks: sampleChecks[2:], again: "gh hotfix doctor -R acme/shop",
			want: "X Label: label hotfix does not exist in acme/shop\n" +
				"  Fix: gh label create hotfix -R acme/shop\n" +
				"\nX Not ready for a hotfix: 1 check fails. Fix it, then run gh hotfix doctor -R acme/shop again.\n",
		},
		{
			name: "terminal, ready with a warning", tty: true, checks: sampleChecks[:2],
			want: "✓ Authentication: logged in as monalisa\n" +
				"! Base branch: checks on main are still running (build)\n" +
				"  Fix: wait for them\n" +
				"\n✓ Ready for a hotfix, with 1 warning.\n",
		},
		{
			name: "terminal, all pass", tty: true, checks: sampleChecks[:1],
			want: "✓ Authentication: logged in as monalisa\n\n✓ Ready for a hotfix.\n",
		},
		{
			name: "terminal, two failures", tty: true, checks: []Check{fail("ci", "none", "add one"), fail("x", "y", "")},
			want: "X CI: none\n  Fix: add one\nX x: y\n\nX Not ready for a hotfix: 2 checks fail. Fix them, then run gh hotfix doctor again.\n",
		},
		{
			name: "colour", tty: true, color: true, checks: sampleChecks[:1],
			want: "\x1b[32m✓\x1b[0m \x1b[1mAuthentication\x1b[0m: logged in as monalisa\n\n\x1b[32m✓\x1b[0m Ready for a hotfix.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetColorEnabled(tt.color)
			var out bytes.Buffer
			again := "gh hotfix doctor"
			if tt.again != "" {
				again = tt.again
			}
			render(&out, ios.ColorScheme(), tt.tty, tt.checks, again)
			if out.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", out.String(), tt.want)
			}
		})
	}
}

func TestExportData(t *testing.T) {
	data := exportData(sampleChecks, serverFacts{Host: "github.com"})
	if data["ready"] != false {
		t.Errorf("ready = %v with a failing check", data["ready"])
	}
	list := data["checks"].([]map[string]any)
	if len(list) != 3 || list[1]["severity"] != "warning" || list[1]["ok"] != false || list[0]["severity"] != "" || list[0]["ok"] != true {
		t.Errorf("checks = %v", list)
	}
	if exportData(sampleChecks[:2], serverFacts{})["ready"] != true {
		t.Error("a warning makes the repository not ready")
	}
}

// facts is a repository where every check passes.
func readyFacts() *Facts {
	return &Facts{
		Viewer: "monalisa", Permission: "WRITE", IsPrivate: true, Scopes: []string{"repo", "workflow"}, ScopesKnown: true,
		AutoMergeAllowed: true, MergeMethods: map[string]bool{"merge": true, "squash": true, "rebase": false},
		DefaultBranch: "main", Base: "main", BaseFound: true,
		BaseChecks:  github.Checks{SHA: "0123456789abcdef", State: "SUCCESS", Total: 2},
		LabelExists: true,
		Workflows: []APIWorkflow{
			{ID: 1, Name: "Release", Path: ".github/workflows/release.yml", State: "active"},
			{ID: 2, Name: "CI", Path: ".github/workflows/ci.yml", State: "active"},
		},
		Files: map[string][]byte{
			".github/workflows/release.yml": []byte("on:\n  workflow_dispatch:\n    inputs:\n      env:\n        required: true\n        type: choice\n        options: [prod, staging]\n"),
			".github/workflows/ci.yml":      []byte("on: pull_request\n"),
		},
	}
}

func TestChecks(t *testing.T) {
	withConfig := func(edit func(*config.Config)) config.Config {
		c := config.Default()
		c.Release.Inputs = map[string]string{"env": "prod"}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	tests := []struct {
		name      string
		facts     func(*Facts)
		cfg       config.Config
		check     func(*diagnosis) Check
		word      string
		detail    string // substring
		fix       string // substring
		wantCheck string
	}{
		{name: "auth ok", check: (*diagnosis).auth, word: "ok", detail: "as monalisa, with write access to acme/shop; token scopes: repo, workflow"},
		{name: "auth without repo scope", facts: func(f *Facts) { f.Scopes = []string{"read:org"} }, check: (*diagnosis).auth,
			word: "fail", detail: "the token lacks the repo scope (it has: read:org)", fix: "gh auth refresh -h github.com -s repo"},
		{name: "public_repo suffices for a public repository", facts: func(f *Facts) { f.Scopes, f.IsPrivate = []string{"public_repo"}, false },
			check: (*diagnosis).auth, word: "ok"},
		{name: "public_repo does not for a private one", facts: func(f *Facts) { f.Scopes = []string{"public_repo"} },
			check: (*diagnosis).auth, word: "fail"},
		{name: "fine-grained token", facts: func(f *Facts) { f.Scopes, f.ScopesKnown = nil, false }, check: (*diagnosis).auth,
			word: "warn", detail: "reports no scopes", fix: "actions: write"},
		{name: "read access", facts: func(f *Facts) { f.Permission = "READ" }, check: (*diagnosis).auth,
			word: "fail", detail: "monalisa has read access to acme/shop, and a hotfix needs write access", fix: "ask an admin"},
		{name: "label missing", facts: func(f *Facts) { f.LabelExists = false }, cfg: withConfig(func(c *config.Config) { c.Label.Name = "urgent fix" }),
			check: (*diagnosis).label, word: "warn", detail: "label urgent fix does not exist in acme/shop: ship creates it with the first hotfix pull request",
			fix: "gh label create 'urgent fix' --color d73a4a --description 'Urgent fix for production' -R acme/shop"},
		{name: "release ok", check: (*diagnosis).releaseWorkflow, word: "ok", detail: "release.yml (Release) can be dispatched on main; inputs: env=prod (config)"},
		{name: "release input missing", cfg: withConfig(func(c *config.Config) { c.Release.Inputs = nil }), check: (*diagnosis).releaseWorkflow,
			word: "fail", detail: `requires the input "env"`, fix: "release.yml declares: env (required, one of prod|staging)"},
		{name: "release input outside its options", cfg: withConfig(func(c *config.Config) { c.Release.Inputs["env"] = "qa" }),
			check: (*diagnosis).releaseWorkflow, word: "fail", detail: `must be one of prod, staging, not "qa"`},
		{name: "no release workflow", facts: func(f *Facts) { delete(f.Files, ".github/workflows/release.yml") }, check: (*diagnosis).releaseWorkflow,
			word: "fail", detail: "(.github/workflows/release.yml is not on main)", fix: "add a workflow that releases main"},
		{name: "release workflow disabled", facts: func(f *Facts) { f.Workflows[0].State = "disabled_manually" }, check: (*diagnosis).releaseWorkflow,
			word: "fail", detail: "release.yml is disabled manually"},
		{name: "configured workflow disabled", facts: func(f *Facts) { f.Workflows[0].State = "disabled_manually" },
			cfg: withConfig(func(c *config.Config) { c.Release.Workflow = "release.yml" }), check: (*diagnosis).releaseWorkflow,
			word: "fail", fix: "gh workflow enable release.yml -R acme/shop"},
		{name: "configured workflow unknown", cfg: withConfig(func(c *config.Config) { c.Release.Workflow = "deploy.yml" }),
			check: (*diagnosis).releaseWorkflow, word: "fail", detail: "deploy.yml, which is not a workflow of acme/shop", fix: "can be dispatched: release.yml"},
		{name: "configured workflow without dispatch", cfg: withConfig(func(c *config.Config) { c.Release.Workflow = "ci.yml" }),
			check: (*diagnosis).releaseWorkflow, word: "fail", detail: "ci.yml has no workflow_dispatch trigger"},
		{name: "several release workflows", facts: func(f *Facts) {
			f.Workflows = append(f.Workflows, APIWorkflow{ID: 3, Name: "Release docs", Path: ".github/workflows/docs.yml", State: "active"})
			f.Files[".github/workflows/docs.yml"] = []byte("on: workflow_dispatch\n")
		}, check: (*diagnosis).releaseWorkflow, word: "fail", detail: "several release workflows: release.yml, docs.yml"},
		{name: "auto-merge not configured", facts: func(f *Facts) { f.AutoMergeAllowed = false }, check: (*diagnosis).autoMerge,
			word: "ok", detail: "auto-merge is off"},
		{name: "auto-merge configured but off", facts: func(f *Facts) { f.AutoMergeAllowed = false },
			cfg: withConfig(func(c *config.Config) { c.MergeMethod = "squash" }), check: (*diagnosis).autoMerge,
			word: "fail", fix: "gh repo edit acme/shop --enable-auto-merge"},
		{name: "merge method not allowed", cfg: withConfig(func(c *config.Config) { c.MergeMethod = "rebase" }), check: (*diagnosis).autoMerge,
			word: "fail", detail: "does not allow rebase merges", fix: "--enable-rebase-merge"},
		{name: "merge method forbidden by a ruleset", facts: func(f *Facts) {
			f.MergeRules = []github.MergeRule{{Ruleset: "protect main", Methods: []string{"merge"}}}
		}, cfg: withConfig(func(c *config.Config) { c.MergeMethod = "squash" }), check: (*diagnosis).autoMerge,
			word: "fail", detail: `ruleset "protect main" does not allow squash merges into main (its pull_request rule allows merge)`,
			fix: "change merge_method in .github/hotfix.yml to one the ruleset allows"},
		{name: "merge method a ruleset allows", facts: func(f *Facts) {
			f.MergeRules = []github.MergeRule{{Ruleset: "protect main", Methods: []string{"squash"}}}
		}, cfg: withConfig(func(c *config.Config) { c.MergeMethod = "squash" }), check: (*diagnosis).autoMerge,
			word: "ok", detail: "allowed, with squash merges as configured"},
		{name: "ci ok", check: (*diagnosis).ci, word: "ok", detail: "workflows run on pull requests to main: ci.yml"},
		{name: "no ci, no checks", facts: func(f *Facts) {
			f.Files[".github/workflows/ci.yml"] = []byte("on:\n  push:\n    branches: [main]\n")
			f.BaseChecks = github.Checks{SHA: "0123456789"}
		}, check: (*diagnosis).ci, word: "fail", detail: "no workflow runs on pull requests to main or on pushes to hotfix/ branches"},
		{name: "no ci workflow, but checks from elsewhere", facts: func(f *Facts) { delete(f.Files, ".github/workflows/ci.yml") },
			check: (*diagnosis).ci, word: "warn", detail: "main has checks from elsewhere"},
		{name: "disabled ci", facts: func(f *Facts) { f.Workflows[1].State = "disabled_inactivity" }, check: (*diagnosis).ci, word: "warn"},
		{name: "base green", check: (*diagnosis).base, word: "ok", detail: "main's latest commit 0123456 passes its 2 checks"},
		{name: "base red", facts: func(f *Facts) { f.BaseChecks.State, f.BaseChecks.Failing = "FAILURE", []string{"build"} }, check: (*diagnosis).base,
			word: "fail", detail: "main is not releasable: its latest commit 0123456 has failing checks (build)"},
		{name: "base pending", facts: func(f *Facts) { f.BaseChecks.State, f.BaseChecks.Pending = "PENDING", []string{"build"} }, check: (*diagnosis).base,
			word: "warn", detail: "still running (build)"},
		{name: "base without checks", facts: func(f *Facts) { f.BaseChecks = github.Checks{SHA: "0123456789"} }, check: (*diagnosis).base,
			word: "warn", detail: "has no checks"},
		{name: "configured base missing", facts: func(f *Facts) { f.Base, f.BaseFound = "stable", false },
			cfg: withConfig(func(c *config.Config) { c.Base = "stable" }), check: (*diagnosis).base,
			word: "fail", detail: "base branch stable (base in .github/hotfix.yml) does not exist in acme/shop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			if tt.facts != nil {
				tt.facts(f)
			}
			cfg := tt.cfg
			if cfg.Label.Name == "" {
				cfg = withConfig(nil)
			}
			d := &diagnosis{facts: f, cfg: cfg, repo: repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, repoArg: "acme/shop"}
			c := tt.check(d)
			if c.word() != tt.word || !strings.Contains(c.Detail, tt.detail) || !strings.Contains(c.Fix, tt.fix) {
				t.Errorf("got %s %q, fix %q; want %s mentioning %q, fix %q", c.word(), c.Detail, c.Fix, tt.word, tt.detail, tt.fix)
			}
			if (c.Fix == "") != c.OK {
				t.Errorf("a check that is not ok needs a fix, and only then: %+v", c)
			}
		})
	}
}

// TestCheckConfig: the config check says which file applies and, when the checkout
// has one, where it differs from the default branch's copy (read in the same query).
func TestCheckConfig(t *testing.T) {
	local, err := config.Parse(config.Path, []byte("label: urgent\nrelease:\n  workflow: deploy.yml\n"))
	if err != nil {
		t.Fatal(err)
	}
	text := func(s string) *string { return &s }
	tests := []struct {
		name   string
		local  config.Config
		found  bool
		text   *string
		word   string
		detail string // the whole detail
		fix    string
	}{
		{name: "no file anywhere", local: config.Config{}, word: "ok",
			detail: "no .github/hotfix.yml: the defaults apply (gh hotfix init writes one)"},
		{name: "the checkout's file, main has none", local: local, found: true, word: "ok",
			detail: ".github/hotfix.yml is valid"},
		{name: "the checkout's file, like main's", local: local, found: true, text: text("label:\n  name: urgent\nrelease:\n  workflow: deploy.yml\n"),
			word: "ok", detail: ".github/hotfix.yml is valid"},
		{name: "the checkout's file differs from main's", local: local, found: true, text: text("label: hotfix\nmerge_method: squash\n"), word: "warn",
			detail: ".github/hotfix.yml is valid, but differs from main's in: label.name, merge_method, release.workflow; " +
				"main's applies where this checkout's does not (-R from elsewhere, ship of a hotfix from a release tag)",
			fix: "merge the change into main, or undo it in this checkout"},
		{name: "main's copy is broken", local: local, found: true, text: text("label: urgent\nlimits:\n  files: many\n"), word: "warn",
			detail: ".github/hotfix.yml is valid, but main's copy is not, and it applies where this checkout's does not " +
				"(-R from elsewhere, ship of a hotfix from a release tag): main:.github/hotfix.yml:3: limits.files: expected a positive integer, got \"many\"",
			fix: "correct line 3 of main:.github/hotfix.yml"},
		{name: "only main's copy", local: config.Config{}, text: text("label: urgent\n"), word: "ok",
			detail: "main:.github/hotfix.yml is valid (this checkout has none, so it applies)"},
		{name: "only main's copy, broken", local: config.Config{}, text: text("bogus: 1\n"), word: "fail",
			detail: `main:.github/hotfix.yml:1: unknown key "bogus"`, fix: "correct line 1 of main:.github/hotfix.yml, or write a new one with gh hotfix init --force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := config.Resolve(tt.local, tt.found, "main", tt.text)
			c := checkConfig(res, err, "main")
			if c.Name != "config" || c.word() != tt.word || !strings.HasPrefix(c.Detail, tt.detail) || c.Fix != tt.fix {
				t.Errorf("got %s %q\nfix %q\nwant %s %q\nfix %q", c.word(), c.Detail, c.Fix, tt.word, tt.detail, tt.fix)
			}
		})
	}
}
