package doctor

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// fakeEnvironments answers readEnvironments and counts its requests.
type fakeEnvironments struct {
	list     string // the environments, as GitHub's JSON
	patterns map[string][]github.BranchPolicy
	requests []string
}

func (f *fakeEnvironments) Environments(ctx context.Context, owner, name string) ([]github.Environment, error) {
	f.requests = append(f.requests, "environments")
	var list []github.Environment
	err := json.Unmarshal([]byte(f.list), &list)
	return list, err
}

func (f *fakeEnvironments) BranchPolicies(ctx context.Context, owner, name, env string) ([]github.BranchPolicy, error) {
	f.requests = append(f.requests, "branch-policies "+env)
	return f.patterns[env], nil
}

const deployRelease = "on:\n  workflow_dispatch:\n    inputs:\n      env:\n        default: production\njobs:\n  build:\n    runs-on: x\n  deploy:\n    environment: ${{ inputs.env }}\n    runs-on: x\n"

func TestEnvironmentChecks(t *testing.T) {
	hubot := `{"type":"User","reviewer":{"login":"hubot"}}`
	me := `{"type":"User","reviewer":{"login":"monalisa"}}`
	team := `{"type":"Team","reviewer":{"slug":"on-call","html_url":"https://github.com/orgs/acme/teams/on-call"}}`
	reviewers := func(prevent bool, who ...string) string {
		p := "false"
		if prevent {
			p = "true"
		}
		return `{"type":"required_reviewers","prevent_self_review":` + p + `,"reviewers":[` + strings.Join(who, ",") + `]}`
	}
	env := func(name string, policy string, rules ...string) string {
		if policy == "" {
			policy = "null"
		}
		return `{"id":1,"name":"` + name + `","protection_rules":[` + strings.Join(rules, ",") + `],"deployment_branch_policy":` + policy + `}`
	}
	custom := `{"protected_branches":false,"custom_branch_policies":true}`
	withHotfix := func(f *Facts) {
		f.Workflows = append(f.Workflows, APIWorkflow{ID: 3, Name: "Hotfix", Path: ".github/workflows/hotfix.yml", State: "active"})
		f.Files[".github/workflows/hotfix.yml"] = []byte(hotfixFile + "jobs:\n  production:\n    environment: ${{ inputs.environment }}\n    runs-on: x\n")
	}
	tests := []struct {
		name     string
		file     string // release.yml, when not readyFacts'
		facts    func(*Facts)
		cfg      func(*config.Config)
		envs     string
		patterns map[string][]github.BranchPolicy
		words    []string // each check's word, in order
		detail   string   // in one of the checks
		fix      string
		requests int
	}{
		{name: "no environment used: nothing read", words: []string{"ok"}, detail: "target no environment", requests: 0},
		{name: "missing: created without rules by the first run", file: deployRelease, envs: `[]`, words: []string{"warn"},
			detail: "production, used by release.yml's job deploy, does not exist", fix: "create it with required reviewers", requests: 1},
		{name: "reviewed by another", file: deployRelease, envs: `[` + env("production", "", reviewers(false, hubot, team), `{"type":"wait_timer","wait_timer":5}`) + `]`,
			words: []string{"ok"}, detail: "production admits main; reviewed by hubot, acme/on-call, after a 5-minute wait timer", requests: 1},
		{name: "you alone, prevent_self_review: stuck", file: deployRelease, envs: `[` + env("production", "", reviewers(true, me)) + `]`,
			words: []string{"fail"}, detail: "only reviewer is you (monalisa), and prevent_self_review", fix: "add another reviewer", requests: 1},
		{name: "you and another, prevent_self_review", file: deployRelease, envs: `[` + env("production", "", reviewers(true, me, hubot)) + `]`,
			words: []string{"ok"}, detail: "you cannot approve a release you start, another reviewer must", requests: 1},
		{name: "you may approve your own", file: deployRelease, envs: `[` + env("production", "", reviewers(false, me)) + `]`,
			words: []string{"ok"}, detail: "gh hotfix ship --watch --approve", requests: 1},
		{name: "selected branches leave out the base", file: deployRelease, envs: `[` + env("production", custom, reviewers(false, hubot)) + `]`,
			patterns: map[string][]github.BranchPolicy{"production": {{Name: "release/*", Type: "branch"}}},
			words:    []string{"fail"}, detail: "production does not admit main (its selected branches are release/*)", fix: "add main to the deployment branches", requests: 2},
		{name: "selected branches leave out the maintenance branches", file: deployRelease, facts: withHotfix,
			cfg:  func(c *config.Config) { c.Exceptional.Workflow = "hotfix.yml" },
			envs: `[` + env("production", custom, reviewers(false, hubot)) + `]`, patterns: map[string][]github.BranchPolicy{"production": {{Name: "main", Type: "branch"}}},
			words: []string{"fail"}, detail: "production does not admit release/v1.4", fix: "add release/v*.* to the deployment branches", requests: 2},
		{name: "protected branches only, main unprotected", file: deployRelease,
			facts: func(f *Facts) { f.Protections = []github.Protection{{Pattern: "release/*"}} },
			envs:  `[` + env("production", `{"protected_branches":true,"custom_branch_policies":false}`) + `]`,
			words: []string{"fail"}, detail: "only protected branches may deploy", requests: 1},
		{name: "an expression doctor cannot evaluate", file: strings.Replace(deployRelease, "${{ inputs.env }}", "${{ vars.TARGET }}", 1),
			words: []string{"warn", "ok"}, detail: "is an expression doctor cannot evaluate", fix: "check its protection rules", requests: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			if tt.file != "" {
				f.Files[".github/workflows/release.yml"] = []byte(tt.file)
			}
			if tt.facts != nil {
				tt.facts(f)
			}
			cfg := config.Default()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			d := &diagnosis{facts: f, cfg: cfg, repo: repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, repoArg: "acme/shop", again: "gh hotfix doctor"}
			gh := &fakeEnvironments{list: tt.envs, patterns: tt.patterns}
			uses, _ := d.environmentUses()
			d.envs = readEnvironments(context.Background(), gh, "acme", "shop", uses)
			if len(gh.requests) != tt.requests {
				t.Errorf("requests %q, want %d", gh.requests, tt.requests)
			}
			checks := d.environments()
			var words []string
			found := false
			for _, c := range checks {
				words = append(words, c.word())
				found = found || (strings.Contains(c.Detail, tt.detail) && strings.Contains(c.Fix, tt.fix))
				if (c.Fix == "") != c.OK {
					t.Errorf("a check that is not ok needs a fix, and only then: %+v", c)
				}
			}
			if strings.Join(words, " ") != strings.Join(tt.words, " ") || !found {
				t.Errorf("checks %+v; want %v, one mentioning %q, fix %q", checks, tt.words, tt.detail, tt.fix)
			}
		})
	}
}

func TestConcurrencyCheck(t *testing.T) {
	tests := []struct {
		name, file, word, detail string
	}{
		{"none", "on: workflow_dispatch\n", "ok", "no release workflow cancels"},
		{"waits", "on: workflow_dispatch\nconcurrency:\n  group: release\n  cancel-in-progress: false\n", "ok", "no release workflow cancels"},
		{"a group name only", "on: workflow_dispatch\nconcurrency: release\n", "ok", "no release workflow cancels"},
		{"cancels, workflow-wide", "on: workflow_dispatch\nconcurrency:\n  group: release\n  cancel-in-progress: true\n", "warn",
			"cancel-in-progress: true in release.yml (group release)"},
		{"cancels, in a job", "on: workflow_dispatch\njobs:\n  deploy:\n    concurrency:\n      group: prod\n      cancel-in-progress: true\n", "warn",
			"release.yml's job deploy (group prod)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			f.Files[".github/workflows/release.yml"] = []byte(tt.file)
			d := &diagnosis{facts: f, cfg: config.Default(), repoArg: "acme/shop"}
			c := d.concurrency()
			if c.word() != tt.word || !strings.Contains(c.Detail, tt.detail) || (c.Fix == "") != c.OK {
				t.Errorf("got %+v; want %s mentioning %q", c, tt.word, tt.detail)
			}
		})
	}
}
