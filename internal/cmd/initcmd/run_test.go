package initcmd_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/prompt"
)

// checkout makes a git checkout whose origin is github.com/acme/shop.
func checkout(t *testing.T) (dir string, env []string) {
	t.Helper()
	root := t.TempDir()
	env = []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(root, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1"}
	dir = filepath.Join(root, "work")
	for _, args := range [][]string{{"init", "-q", "-b", "main", dir}, {"-C", dir, "remote", "add", "origin", "https://github.com/acme/shop.git"}} {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir, env
}

const deployWorkflow = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      version:
        description: Version to deploy
        required: true
`

// fakeGitHub stubs the two requests init sends to read the repository, reads
// times, for a repository whose default branch main holds the given workflow
// files (all of them listed as active).
func fakeGitHub(t *testing.T, files map[string]string, reads int) *httpmock.Registry {
	reg := httpmock.New(t)
	var list []map[string]any
	id := 1
	for p, content := range files {
		name := strings.TrimPrefix(strings.SplitN(content, "\n", 2)[0], "name: ")
		list = append(list, map[string]any{"id": id, "name": name, "path": p, "state": "active"})
		id++
	}
	reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/workflows"),
		httpmock.JSON(200, map[string]any{"total_count": len(list), "workflows": list}, http.Header{"X-Oauth-Scopes": {"repo"}})).Times(reads)
	reg.Register(httpmock.GraphQL(`^HotfixDoctor$`), httpmock.GraphQLFunc(func(_ string, vars map[string]any) any {
		// Only main and release exist; the workflows are read on the base asked about.
		var base any
		rev := "HEAD"
		if b, _ := vars["base"].(string); vars["hasBase"] == true {
			rev = strings.TrimPrefix(b, "refs/heads/")
			if rev == "main" || rev == "release" {
				base = map[string]any{"name": rev}
			}
		}
		if vars["workflows"] != rev+":.github/workflows" {
			t.Errorf("workflows read at %v", vars["workflows"])
		}
		var entries []map[string]any
		for p, content := range files {
			entries = append(entries, map[string]any{"path": p, "type": "blob", "object": map[string]any{"text": content}})
		}
		return map[string]any{"data": map[string]any{
			"viewer": map[string]any{"login": "monalisa"},
			"repository": map[string]any{
				"isPrivate": true, "viewerPermission": "WRITE", "autoMergeAllowed": false,
				"mergeCommitAllowed": true, "squashMergeAllowed": true, "rebaseMergeAllowed": true,
				"defaultBranchRef": map[string]any{"name": "main"}, "label": nil, "base": base,
				"workflows": map[string]any{"entries": entries},
			},
		}}
	})).Times(reads)
	return reg
}

// factory makes a command factory for init in dir, reading the repository once.
func factory(t *testing.T, dir string, env []string, files map[string]string, p prompt.Prompter, tty bool) (*cli.Factory, *bytes.Buffer, *bytes.Buffer) {
	return factoryReading(t, dir, env, files, p, tty, 1)
}

// factoryReading is factory for an init that reads the repository reads times
// (once, then again for each base branch answered).
func factoryReading(t *testing.T, dir string, env []string, files map[string]string, p prompt.Prompter, tty bool, reads int) (*cli.Factory, *bytes.Buffer, *bytes.Buffer) {
	ios, _, stdout, stderr := iostreams.Test()
	gh := fakeGitHub(t, files, reads)
	ios.SetStdinTTY(tty)
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	return &cli.Factory{
		IOStreams: ios,
		Prompter:  p,
		Git:       func() (*git.Client, error) { return &git.Client{Dir: dir, Env: env}, nil },
		BaseRepo: func(string) (repository.Repository, error) {
			return repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, nil
		},
		HTTPClient: func(string) (*http.Client, error) { return &http.Client{Transport: gh}, nil },
		Now:        func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) },
		Getenv:     func(string) string { return "" },
	}, stdout, stderr
}

// TestInitPrompts: on a terminal init asks for the base, which of several release
// workflows to use, a required input without a default, and the label.
func TestInitPrompts(t *testing.T) {
	dir, env := checkout(t)
	stub := prompt.NewStub(t)
	stub.ExpectInput("Base branch for hotfixes", "main")
	stub.ExpectSelect("Which workflow releases the base branch?", "deploy-release.yml (Deploy)")
	stub.ExpectInput(`Value of the required input "version" of deploy-release.yml (Version to deploy)`, " 1.2.3 ")
	stub.ExpectInput("Label for hotfix pull requests", "urgent")
	files := map[string]string{
		".github/workflows/release.yml":        "name: Release\non: workflow_dispatch\n",
		".github/workflows/deploy-release.yml": deployWorkflow,
		".github/workflows/ci.yml":             "name: CI\non: pull_request\n",
	}
	f, stdout, stderr := factory(t, dir, env, files, stub, true)
	if code := cli.Run(context.Background(), []string{"init"}, f); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	written, err := os.ReadFile(filepath.Join(dir, ".github", "hotfix.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(config.Path, written)
	if err != nil {
		t.Fatalf("%v\n%s", err, written)
	}
	if cfg.Base != "main" || cfg.Release.Workflow != "deploy-release.yml" || cfg.Release.Inputs["version"] != "1.2.3" || cfg.Label.Name != "urgent" {
		t.Errorf("wrote %+v", cfg)
	}
	if !strings.Contains(string(written), "# deploy-release.yml declares: version (required; Version to deploy).\n") {
		t.Errorf("the file does not describe the workflow's inputs:\n%s", written)
	}
	// The path is relative to the current directory when that is inside the checkout.
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "✓ Wrote "+filepath.Join(dir, ".github", "hotfix.yml")) {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

const twoInputs = `name: Release
on:
  workflow_dispatch:
    inputs:
      version:
        required: true
        type: number
      region:
        required: true
      ticket:
        required: true
`

// TestInitAsksAgain: a base that does not exist, a blank required input and a number
// input given words are asked again, with the reason, instead of ending init.
func TestInitAsksAgain(t *testing.T) {
	dir, env := checkout(t)
	stub := prompt.NewStub(t)
	stub.ExpectInput("Base branch for hotfixes", "relase")
	stub.ExpectInput("Base branch for hotfixes", "release")
	stub.ExpectConfirm("Release with release.yml (Release)?", true)
	stub.ExpectInput(`Value of the required input "version" of release.yml`, "two")
	stub.ExpectInput(`Value of the required input "version" of release.yml`, "2")
	stub.ExpectInput(`Value of the required input "region" of release.yml`, " ")
	stub.ExpectInput(`Value of the required input "region" of release.yml`, "eu")
	stub.ExpectInput(`Value of the required input "ticket" of release.yml`, "OPS-1")
	stub.ExpectInput("Label for hotfix pull requests", strings.Repeat("x", 51))
	stub.ExpectInput("Label for hotfix pull requests", "")
	f, _, stderr := factoryReading(t, dir, env, map[string]string{".github/workflows/release.yml": twoInputs}, stub, true, 3)
	if code := cli.Run(context.Background(), []string{"init"}, f); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`! base branch "relase" does not exist in acme/shop: try again`,
		`! the input "version" of release.yml is a number, not "two"; try again`,
		`! the input "region" of release.yml is required: give it a value; try again`,
		`! label: "` + strings.Repeat("x", 37) + `..." is longer than 50 characters (GitHub's limit for label names); try again`,
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	written, err := os.ReadFile(filepath.Join(dir, ".github", "hotfix.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(config.Path, written)
	if err != nil || cfg.Base != "release" || cfg.Release.Inputs["version"] != "2" || cfg.Release.Inputs["region"] != "eu" || cfg.Label.Name != "hotfix" {
		t.Errorf("wrote %+v (%v)", cfg, err)
	}
}

// TestInitGivesUpAfterAFewTries: the same unusable answer three times ends init, writing nothing.
func TestInitGivesUpAfterAFewTries(t *testing.T) {
	dir, env := checkout(t)
	stub := prompt.NewStub(t)
	for range 3 { // initcmd.maxAttempts
		stub.ExpectInput("Base branch for hotfixes", "nope")
	}
	f, _, stderr := factoryReading(t, dir, env, map[string]string{".github/workflows/release.yml": twoInputs}, stub, true, 4)
	if code := cli.Run(context.Background(), []string{"init"}, f); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	if !strings.HasSuffix(stderr.String(), "base branch \"nope\" does not exist in acme/shop\n") {
		t.Errorf("stderr %q", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github")); !os.IsNotExist(err) {
		t.Errorf("init gave up but left .github behind: %v", err)
	}
}

func TestInitConfirmsTheOnlyReleaseWorkflow(t *testing.T) {
	dir, env := checkout(t)
	stub := prompt.NewStub(t)
	stub.ExpectInput("Base branch for hotfixes", "main")
	stub.ExpectConfirm("Release with release.yml (Release)?", true)
	stub.ExpectCancel("Label for hotfix pull requests")
	files := map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n"}
	f, _, _ := factory(t, dir, env, files, stub, true)
	if code := cli.Run(context.Background(), []string{"init"}, f); code != 2 {
		t.Fatalf("exit %d, want 2 for a cancelled prompt", code)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github")); !os.IsNotExist(err) {
		t.Errorf("a cancelled init left .github behind: %v", err)
	}
}

func TestInitWithoutTerminal(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		files      map[string]string
		wantCode   int
		wantStderr string
		want       func(config.Config) bool
	}{
		{
			name:       "several release workflows need --workflow",
			files:      map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n", ".github/workflows/deploy-release.yml": deployWorkflow},
			wantCode:   1,
			wantStderr: "several release workflows found (",
		},
		{
			name:  "--workflow and --field",
			args:  []string{"--workflow", "deploy-release.yml", "-f", "version=2.0", "--label", "prod-fix"},
			files: map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n", ".github/workflows/deploy-release.yml": deployWorkflow},
			want: func(c config.Config) bool {
				return c.Release.Workflow == "deploy-release.yml" && c.Release.Inputs["version"] == "2.0" && c.Label.Name == "prod-fix"
			},
		},
		{
			name:       "unknown input",
			args:       []string{"-f", "colour=red"},
			files:      map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n"},
			wantCode:   1,
			wantStderr: "release.yml does not declare the input colour, given by -f (it accepts: none)",
		},
		{
			name:       "every missing required input named at once",
			files:      map[string]string{".github/workflows/release.yml": twoInputs},
			wantCode:   1,
			wantStderr: `release.yml requires the inputs "version", "region" and "ticket", which have no default: pass them with -f version=VALUE -f region=VALUE -f ticket=VALUE`,
		},
		{
			name:       "one missing required input",
			args:       []string{"-f", "version=1", "-f", "region=eu"},
			files:      map[string]string{".github/workflows/release.yml": twoInputs},
			wantCode:   1,
			wantStderr: `release.yml requires the input "ticket", which has no default: pass it with -f ticket=VALUE`,
		},
		{
			name:       "a workflow that cannot be dispatched",
			args:       []string{"--workflow", "ci.yml"},
			files:      map[string]string{".github/workflows/ci.yml": "name: CI\non: pull_request\n"},
			wantCode:   1,
			wantStderr: "cannot release with ci.yml: ci.yml has no workflow_dispatch trigger",
		},
		{
			name: "an existing hotfix workflow is configured",
			files: map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n",
				".github/workflows/hotfix.yml": "name: Hotfix\non:\n  workflow_dispatch:\n    inputs:\n      tag:\n        required: true\n"},
			want: func(c config.Config) bool {
				return c.Release.Workflow == "release.yml" && c.Exceptional.Workflow == "hotfix.yml"
			},
		},
		{
			name:  "--workflows sets the scaffolded one",
			args:  []string{"--workflows"},
			files: map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n"},
			want: func(c config.Config) bool {
				return c.Release.Workflow == "release.yml" && c.Exceptional.Workflow == "hotfix.yml"
			},
		},
		{
			name:       "no release workflow: written without one, with a warning",
			files:      map[string]string{".github/workflows/ci.yml": "name: CI\non: pull_request\n"},
			wantStderr: "! No release workflow found to dispatch: set release.workflow in .github/hotfix.yml before shipping",
			want: func(c config.Config) bool {
				return c.Release.Workflow == "" && c.Base == "main" && c.Label.Name == "hotfix"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, env := checkout(t)
			f, stdout, stderr := factory(t, dir, env, tt.files, prompt.NewStub(t), false)
			if code := cli.Run(context.Background(), append([]string{"init"}, tt.args...), f); code != tt.wantCode {
				t.Fatalf("exit %d, want %d: %s", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr, tt.wantStderr)
			}
			written, err := os.ReadFile(filepath.Join(dir, ".github", "hotfix.yml"))
			if tt.want == nil {
				if err == nil {
					t.Errorf("a refused init wrote the file")
				}
				return
			}
			cfg, err := config.Parse(config.Path, written)
			if err != nil || !tt.want(cfg) {
				t.Errorf("wrote %+v (%v)", cfg, err)
			}
			got := strings.TrimSpace(stdout.String())
			if wf, ok := strings.CutSuffix(got, "\n"+filepath.Join(dir, ".github", "workflows", "hotfix.yml")); ok {
				got = wf // --workflows: the workflow's path follows
			}
			if got != filepath.Join(dir, ".github", "hotfix.yml") && got != ".github/hotfix.yml" {
				t.Errorf("stdout %q, want the file's path", got)
			}
		})
	}
}

// TestInitExceptionalProcess: a hotfix workflow the repository already has is
// written as exceptional.workflow after asking on a terminal (yes by default),
// and without asking otherwise; --workflows sets the process up without asking.
func TestInitExceptionalProcess(t *testing.T) {
	const hotfixWorkflow = "name: Hotfix\non:\n  workflow_dispatch:\n    inputs:\n      tag:\n        required: true\n"
	withHotfix := map[string]string{
		".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n",
		".github/workflows/hotfix.yml":  hotfixWorkflow,
	}
	tests := []struct {
		name    string
		args    []string
		tty     bool
		files   map[string]string
		confirm *bool // the answer to the question, when it is asked
		want    string
	}{
		{name: "terminal, yes", tty: true, files: withHotfix, confirm: ptr(true), want: "hotfix.yml"},
		{name: "terminal, no", tty: true, files: withHotfix, confirm: ptr(false), want: ""},
		{name: "no terminal: detected", files: withHotfix, want: "hotfix.yml"},
		{name: "terminal, nothing detected: not asked", tty: true, files: map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n"}, want: ""},
		{name: "--workflows: not asked", args: []string{"--workflows"}, tty: true, files: map[string]string{".github/workflows/release.yml": "name: Release\non: workflow_dispatch\n"}, want: "hotfix.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, env := checkout(t)
			stub := prompt.NewStub(t)
			if tt.tty {
				stub.ExpectInput("Base branch for hotfixes", "main")
				stub.ExpectConfirm("Release with release.yml (Release)?", true)
				stub.ExpectInput("Label for hotfix pull requests", "")
				if tt.confirm != nil {
					stub.ExpectConfirm("Set up the exceptional process with hotfix.yml (hotfix from the last release when main is not releasable)?", *tt.confirm)
				}
			}
			f, _, stderr := factory(t, dir, env, tt.files, stub, tt.tty)
			if code := cli.Run(context.Background(), append([]string{"init"}, tt.args...), f); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			written, err := os.ReadFile(filepath.Join(dir, ".github", "hotfix.yml"))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(config.Path, written)
			if err != nil || cfg.Exceptional.Workflow != tt.want {
				t.Errorf("exceptional.workflow %q (%v), want %q\n%s", cfg.Exceptional.Workflow, err, tt.want, written)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
