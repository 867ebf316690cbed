package doctor

import (
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
)

const hotfixFile = "on:\n  workflow_dispatch:\n    inputs:\n      tag:\n        required: true\n      environment:\n        type: environment\n        default: production\n"

func TestExceptionalChecks(t *testing.T) {
	withHotfix := func(f *Facts) {
		f.Workflows = append(f.Workflows, APIWorkflow{ID: 3, Name: "Hotfix", Path: ".github/workflows/hotfix.yml", State: "active"})
		f.Files[".github/workflows/hotfix.yml"] = []byte(hotfixFile)
	}
	set := func(edit func(*config.Exceptional)) config.Config {
		c := config.Default()
		c.Exceptional.Workflow = "hotfix.yml"
		if edit != nil {
			edit(&c.Exceptional)
		}
		return c
	}
	line := func(onMaint, atTag string) *lineFacts {
		return &lineFacts{tag: "v1.4.0", maint: "release/v1.4", onMaint: onMaint, atTag: atTag}
	}
	tests := []struct {
		name   string
		facts  func(*Facts)
		cfg    config.Config
		line   *lineFacts
		check  func(*diagnosis) Check
		word   string
		detail string
		fix    string
	}{
		{name: "line: no process", cfg: config.Default(), check: (*diagnosis).releaseLine, word: "ok", detail: "no exceptional process"},
		{name: "line: no release", cfg: set(nil), check: (*diagnosis).releaseLine, word: "ok", detail: "no release yet"},
		{name: "line: the maintenance branch has it", cfg: set(nil), line: line(hotfixFile, ""), check: (*diagnosis).releaseLine,
			word: "ok", detail: "release/v1.4, the line of the latest release v1.4.0, has hotfix.yml"},
		{name: "line: the tag has it", cfg: set(nil), line: line("", hotfixFile), check: (*diagnosis).releaseLine,
			word: "ok", detail: "v1.4.0 has hotfix.yml"},
		{name: "line: older than the workflow", cfg: set(nil), line: line("", ""), check: (*diagnosis).releaseLine,
			word: "warn", detail: "the latest release v1.4.0 is older than hotfix.yml", fix: "gh hotfix create --from-tag v1.4.0 gives release/v1.4 main's copy"},
		{name: "line: a copy without the tag input", cfg: set(nil), line: line("on:\n  workflow_dispatch:\n", ""), check: (*diagnosis).releaseLine,
			word: "warn", detail: `hotfix.yml on release/v1.4 has no "tag" input for the hotfix tag`, fix: "gh hotfix create --from-tag v1.4.0"},
		{name: "not set up", cfg: config.Default(), check: (*diagnosis).exceptionalWorkflow, word: "ok", detail: "not set up (optional)"},
		{name: "a hotfix workflow, not configured", facts: withHotfix, cfg: config.Default(), check: (*diagnosis).exceptionalWorkflow,
			word: "warn", detail: "hotfix.yml looks like a hotfix workflow", fix: "add exceptional: {workflow: hotfix.yml}"},
		{name: "ready", facts: withHotfix, cfg: set(nil), check: (*diagnosis).exceptionalWorkflow,
			word: "ok", detail: "hotfix.yml can be dispatched with the hotfix tag (input tag) and environment=production"},
		{name: "configured, missing", cfg: set(nil), check: (*diagnosis).exceptionalWorkflow,
			word: "fail", detail: "exceptional.workflow in .github/hotfix.yml is hotfix.yml, which is not a workflow of acme/shop", fix: "gh hotfix init --workflows"},
		{name: "no tag input", facts: withHotfix, cfg: set(func(e *config.Exceptional) { e.TagInput = "version" }), check: (*diagnosis).exceptionalWorkflow,
			word: "fail", detail: `hotfix.yml does not declare the input "version", which receives the hotfix tag`, fix: "exceptional.tag_input"},
		{name: "environment input missing", facts: withHotfix, cfg: set(func(e *config.Exceptional) { e.EnvironmentInput, e.Environment = "target", "eu" }),
			check: (*diagnosis).exceptionalWorkflow, word: "fail", detail: `does not declare the input "target" for exceptional.environment`},
		{name: "unknown input", facts: withHotfix, cfg: set(func(e *config.Exceptional) { e.Inputs = map[string]string{"notify": "x"} }),
			check: (*diagnosis).exceptionalWorkflow, word: "fail", detail: "does not declare the input notify", fix: "correct exceptional.inputs"},
		{name: "environment outside the choices", facts: func(f *Facts) {
			withHotfix(f)
			f.Files[".github/workflows/hotfix.yml"] = []byte("on:\n  workflow_dispatch:\n    inputs:\n      tag:\n        required: true\n      environment:\n        type: choice\n        options: [production, staging]\n")
		}, cfg: set(func(e *config.Exceptional) { e.Environment = "moon" }), check: (*diagnosis).exceptionalWorkflow,
			word: "fail", detail: `must be one of production, staging, not "moon" (given by exceptional.environment)`, fix: "correct exceptional.environment in"},
		{name: "no dispatch trigger", facts: func(f *Facts) {
			withHotfix(f)
			f.Files[".github/workflows/hotfix.yml"] = []byte("on: push\n")
		}, cfg: set(nil), check: (*diagnosis).exceptionalWorkflow, word: "fail", detail: "hotfix.yml has no workflow_dispatch trigger"},
		{name: "disabled", facts: func(f *Facts) {
			withHotfix(f)
			f.Workflows[2].State = "disabled_manually"
		}, cfg: set(nil), check: (*diagnosis).exceptionalWorkflow, word: "fail", fix: "gh workflow enable hotfix.yml -R acme/shop"},
		{name: "maintenance branches", cfg: config.Default(), check: (*diagnosis).maintenanceBranch,
			word: "ok", detail: "release/v{major}.{minor}: a hotfix from v1.4.0 merges into release/v1.4"},
		{name: "maintenance branch is the base", facts: func(f *Facts) { f.Base = "1" }, cfg: set(func(e *config.Exceptional) { e.MaintenanceBranch = "{major}" }),
			check: (*diagnosis).maintenanceBranch, word: "fail", detail: "names the base 1 itself"},
		{name: "ci on pull requests into any branch", cfg: set(nil), check: (*diagnosis).ci, word: "ok", detail: "workflows run on pull requests to main: ci.yml"},
		{name: "ci only into the base", facts: func(f *Facts) {
			f.Files[".github/workflows/ci.yml"] = []byte("on:\n  pull_request:\n    branches: [main]\n")
		}, cfg: set(nil), check: (*diagnosis).ci, word: "warn",
			detail: "but none on pull requests to maintenance branches like release/v1.4, where hotfixes from a release tag merge",
			fix:    `add "release/v*.*" to on.pull_request.branches in ci.yml`},
		{name: "ci only into the base, custom maintenance branches", facts: func(f *Facts) {
			f.Files[".github/workflows/ci.yml"] = []byte("on:\n  pull_request:\n    branches: [main]\n    paths: [src/**]\n")
		}, cfg: set(func(e *config.Exceptional) { e.MaintenanceBranch = "maint-{major}-{minor}" }), check: (*diagnosis).ci, word: "warn",
			detail: "like maint-1-4", fix: `add "maint-*-*" to on.pull_request.branches in ci.yml,`},
		{name: "ci into the base and maintenance branches", facts: func(f *Facts) {
			f.Files[".github/workflows/ci.yml"] = []byte("on:\n  pull_request:\n    branches: [main, 'release/**']\n")
		}, cfg: set(nil), check: (*diagnosis).ci, word: "ok"},
		{name: "ci on pushes to hotfix branches", facts: func(f *Facts) {
			f.Files[".github/workflows/ci.yml"] = []byte("on:\n  push:\n    branches: ['hotfix/**']\n")
		}, cfg: set(nil), check: (*diagnosis).ci, word: "ok"},
		{name: "ci only into the base, process not set up", facts: func(f *Facts) {
			f.Files[".github/workflows/ci.yml"] = []byte("on:\n  pull_request:\n    branches: [main]\n")
		}, cfg: config.Default(), check: (*diagnosis).ci, word: "ok"},
		{name: "base red, process set up", facts: func(f *Facts) { f.BaseChecks.State, f.BaseChecks.Failing = "FAILURE", []string{"build"} }, cfg: set(nil),
			check: (*diagnosis).base, word: "fail", fix: "gh hotfix create --from-latest-release"},
		{name: "base red, process not set up", facts: func(f *Facts) { f.BaseChecks.State, f.BaseChecks.Failing = "FAILURE", []string{"build"} }, cfg: config.Default(),
			check: (*diagnosis).base, word: "fail", fix: "run gh hotfix init --workflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			if tt.facts != nil {
				tt.facts(f)
			}
			d := &diagnosis{facts: f, cfg: tt.cfg, repo: repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, repoArg: "acme/shop", line: tt.line}
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
