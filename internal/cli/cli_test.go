package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/api"
	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/build"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/prompt"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testFactory returns a factory over test streams whose lazy dependencies fail the test when
// used: the dispatcher itself must need no git, network or configuration.
func testFactory(t *testing.T) (*Factory, *iostreams.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	used := func(what string) error {
		t.Errorf("the dispatcher used %s", what)
		return errors.New(what + " is not available in this test")
	}
	f := &Factory{
		IOStreams:     ios,
		Prompter:      prompt.NewStub(t),
		Git:           func() (*git.Client, error) { return nil, used("git") },
		BaseRepo:      func(string) (repository.Repository, error) { return repository.Repository{}, used("the repository") },
		HTTPClient:    func(string) (*http.Client, error) { return nil, used("the HTTP client") },
		RESTClient:    func(string) (*api.RESTClient, error) { return nil, used("the REST client") },
		GraphQLClient: func(string) (*api.GraphQLClient, error) { return nil, used("the GraphQL client") },
		Getenv: func(key string) string {
			used("the environment (" + key + ")")
			return ""
		},
	}
	return f, ios, stdout, stderr
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update to accept):\n%s", path, got)
	}
}

func setBuild(t *testing.T, version, date string) {
	oldVersion, oldDate := build.Version, build.Date
	build.Version, build.Date = version, date
	t.Cleanup(func() { build.Version, build.Date = oldVersion, oldDate })
}

func TestRootHelp(t *testing.T) {
	for _, args := range [][]string{nil, {"--help"}, {"-h"}, {"help"}, {"--help", "create"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			f, _, stdout, stderr := testFactory(t)
			if code := Run(context.Background(), args, f); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
			golden(t, "root-help.txt", stdout.String())
			if stderr.Len() != 0 {
				t.Errorf("stderr %q", stderr)
			}
		})
	}
}

func TestCommandHelp(t *testing.T) {
	tests := []struct {
		name    string
		useLine string
		flags   []string // flags the help must list
		example string   // an example it must show
	}{
		{"create", "gh hotfix create [<description>] [flags]", []string{"-i, --issue number", "-b, --base branch", "-R, --repo [HOST/]OWNER/REPO", "    --force", "    --push", "    --dry-run"}, `$ gh hotfix create "login page 500 on empty password"`},
		{"ship", "gh hotfix ship [flags]", []string{"    --branch branch", "    --title string", "    --body string", "-F, --body-file file", "-r, --reviewer handle", "    --auto", "    --merge-method method", "    --no-wait", "    --no-release", "    --watch", "    --workflow workflow", "-f, --field key=value", "    --interval duration", "(default 10s)", "    --timeout duration", "    --force", "    --post-mortem", "    --dry-run", "    --json fields", "-q, --jq expression", "-t, --template string", "-R, --repo"}, "$ gh hotfix ship --auto --merge-method squash"},
		{"status", "gh hotfix status [flags]", []string{"    --state state", `(default "open")`, "-L, --limit int", "(default 30)", "    --json fields", "-q, --jq expression", "-t, --template string", "-R, --repo"}, "$ gh hotfix status --state merged --limit 5"},
		{"doctor", "gh hotfix doctor [flags]", []string{"    --json fields", "-R, --repo"}, "$ gh hotfix doctor"},
		{"init", "gh hotfix init [flags]", []string{"    --force", "    --dry-run", "    --base branch", "    --workflow workflow", "    --label name", "-R, --repo"}, "$ gh hotfix init --base main --workflow release.yml --label hotfix"},
	}
	for _, tt := range tests {
		var helps []string
		for _, args := range [][]string{{tt.name, "--help"}, {tt.name, "-h"}, {"help", tt.name}, {tt.name, "some-arg", "--help"}} {
			f, _, stdout, stderr := testFactory(t)
			if code := Run(context.Background(), args, f); code != 0 {
				t.Errorf("%q: exit code %d, want 0", args, code)
			}
			if stderr.Len() != 0 {
				t.Errorf("%q: stderr %q", args, stderr)
			}
			helps = append(helps, stdout.String())
		}
		for _, h := range helps[1:] {
			if h != helps[0] {
				t.Errorf("%s: help differs between invocations", tt.name)
			}
		}
		help := helps[0]
		sections := []string{"USAGE\n  " + tt.useLine + "\n\n", "\nFLAGS\n", "\nINHERITED FLAGS\n  --help   Show help for command\n\n", "\nEXAMPLES\n", "\nLEARN MORE\n  Use `gh hotfix <command> --help` for more information about a command.\n"}
		last := 0
		for _, s := range sections {
			i := strings.Index(help, s)
			if i < last {
				t.Errorf("%s help: section %q missing or out of order", tt.name, s)
				continue
			}
			last = i
		}
		for _, want := range append(tt.flags, tt.example) {
			if !strings.Contains(help, want) {
				t.Errorf("%s help lacks %q", tt.name, want)
			}
		}
		if strings.Contains(help, "[=true|false]") {
			t.Errorf("%s help shows values for boolean flags", tt.name)
		}
	}

	f, _, stdout, _ := testFactory(t)
	Run(context.Background(), []string{"help", "create"}, f)
	golden(t, "create-help.txt", stdout.String())
}

func TestHelpIsBoldOnlyWithColor(t *testing.T) {
	f, ios, stdout, _ := testFactory(t)
	ios.SetColorEnabled(true)
	Run(context.Background(), []string{"ship", "--help"}, f)
	if !strings.Contains(stdout.String(), "\x1b[1mUSAGE\x1b[0m\n") {
		t.Errorf("headings not bold with colour: %q", stdout.String()[:200])
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		version, date string
		want          string
	}{
		{"v1.2.3", "2026-01-02", "gh-hotfix version v1.2.3 (2026-01-02)\n"},
		{"dev", "", "gh-hotfix version dev\n"},
	}
	for _, tt := range tests {
		for _, args := range [][]string{{"--version"}, {"version"}} {
			setBuild(t, tt.version, tt.date)
			f, _, stdout, stderr := testFactory(t)
			if code := Run(context.Background(), args, f); code != 0 || stdout.String() != tt.want || stderr.Len() != 0 {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", args, code, stdout, stderr, tt.want)
			}
		}
	}
}

const rootUsage = `Usage:  gh hotfix <command> [flags]

Available commands:
  create
  ship
  revert
  backport
  status
  doctor
  init
`

func TestCommandLineErrors(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStderr string // exact, or the start of it when wantUsage is set
		wantUsage  string // the usage line that must follow
	}{
		{name: "unknown command", args: []string{"bogus"}, wantStderr: "unknown command \"bogus\" for \"gh hotfix\"\n\n" + rootUsage},
		{name: "typo", args: []string{"shp"}, wantStderr: "unknown command \"shp\" for \"gh hotfix\"\n\nDid you mean this?\n\tship\n\n" + rootUsage},
		{name: "unknown help topic", args: []string{"help", "bogus"}, wantStderr: "unknown command \"bogus\" for \"gh hotfix\"\n\n" + rootUsage},
		{name: "unknown root flag", args: []string{"--bogus"}, wantStderr: "unknown flag: --bogus\n\n" + rootUsage},
		{name: "unknown root shorthand", args: []string{"-x", "create"}, wantStderr: "unknown shorthand flag: 'x' in -x\n\n" + rootUsage},
		{name: "repo before command", args: []string{"-R", "o/r", "status"}, wantStderr: "unknown shorthand flag: 'R' in -R\n\n" + rootUsage},

		{name: "unknown flag", args: []string{"create", "--bogus"}, wantStderr: "unknown flag: --bogus\n\n", wantUsage: "Usage:  gh hotfix create [<description>] [flags]"},
		{name: "unknown shorthand", args: []string{"ship", "-z"}, wantStderr: "unknown shorthand flag: 'z' in -z\n\n", wantUsage: "Usage:  gh hotfix ship [flags]"},
		{name: "version is not a command flag", args: []string{"status", "--version"}, wantStderr: "unknown flag: --version\n\n", wantUsage: "Usage:  gh hotfix status [flags]"},
		{name: "missing flag value", args: []string{"create", "desc", "--issue"}, wantStderr: "flag needs an argument: --issue\n\n", wantUsage: "Usage:  gh hotfix create"},
		{name: "bad int", args: []string{"create", "-i", "abc"}, wantStderr: `invalid argument "abc" for "-i, --issue" flag: must be an integer` + "\n\n", wantUsage: "Usage:  gh hotfix create"},
		{name: "bad duration", args: []string{"ship", "--interval", "soon"}, wantStderr: `invalid argument "soon" for "--interval" flag: must be a duration like "30s" or "5m"` + "\n\n", wantUsage: "Usage:  gh hotfix ship"},

		{name: "too many arguments", args: []string{"create", "login", "page"}, wantStderr: "too many arguments: quote the description, e.g. gh hotfix create \"login page\"\n\n", wantUsage: "Usage:  gh hotfix create"},
		{name: "blank description", args: []string{"create", "  "}, wantStderr: "the description must not be blank\n\n", wantUsage: "Usage:  gh hotfix create"},
		{name: "description required without terminal", args: []string{"create"}, wantStderr: "a description argument or `--issue` is required when not running interactively\n\n", wantUsage: "Usage:  gh hotfix create"},
		{name: "issue below 1", args: []string{"create", "--issue", "0"}, wantStderr: "invalid issue number 0: must be 1 or more\n\n", wantUsage: "Usage:  gh hotfix create"},
		{name: "blank base", args: []string{"create", "x", "--base", ""}, wantStderr: "the `--base` value must not be blank\n\n", wantUsage: "Usage:  gh hotfix create"},
		{name: "body and body file", args: []string{"ship", "--body", "b", "-F", "f.md"}, wantStderr: "specify only one of `--body` or `--body-file`\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "bad merge method", args: []string{"ship", "--auto", "--merge-method", "fast-forward"}, wantStderr: "invalid value \"fast-forward\" for `--merge-method`: valid values are \"merge\", \"squash\" or \"rebase\"\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "merge method without auto", args: []string{"ship", "--merge-method", "squash"}, wantStderr: "`--merge-method` requires `--auto`\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "field without value", args: []string{"ship", "-f", "environment"}, wantStderr: "invalid `--field` \"environment\": expected key=value\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "field without key", args: []string{"ship", "-f", "=prod"}, wantStderr: "invalid `--field` \"=prod\": expected key=value\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "field twice", args: []string{"ship", "-f", "env=a", "-f", "env=b"}, wantStderr: "invalid `--field` \"env=b\": input \"env\" is given twice\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "watch without wait", args: []string{"ship", "--watch", "--no-wait"}, wantStderr: "`--watch` cannot be used with `--no-wait`: the release happens after the merge\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "release flags without release", args: []string{"ship", "--no-release", "--workflow", "release.yml"}, wantStderr: "`--watch`, `--workflow`, `--field` and `--tag` cannot be used with `--no-release`\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "zero interval", args: []string{"ship", "--interval", "0s"}, wantStderr: "invalid `--interval` 0s: must be at least 1s\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "json without fields", args: []string{"doctor", "--json"}, wantStderr: "specify one or more comma-separated fields for `--json`:\n  checks\n  ready\n  server\n\n", wantUsage: "Usage:  gh hotfix doctor"},
		{name: "negative timeout", args: []string{"ship", "--timeout", "-1m"}, wantStderr: "invalid `--timeout` -1m0s: must not be negative\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "jq without json", args: []string{"ship", "--jq", ".url"}, wantStderr: "cannot use `--jq` without specifying `--json`\n\n", wantUsage: "Usage:  gh hotfix ship"},
		{name: "template without json", args: []string{"status", "-t", "{{.}}"}, wantStderr: "cannot use `--template` without specifying `--json`\n\n", wantUsage: "Usage:  gh hotfix status"},
		{name: "jq and template", args: []string{"doctor", "--json", "name", "-q", ".", "-t", "{{.}}"}, wantStderr: "specify only one of `--jq` or `--template`\n\n", wantUsage: "Usage:  gh hotfix doctor"},
		{name: "limit below 1", args: []string{"status", "--limit", "0"}, wantStderr: "invalid limit: 0\n\n", wantUsage: "Usage:  gh hotfix status"},
		{name: "bad state", args: []string{"status", "--state", "closed"}, wantStderr: "invalid value \"closed\" for `--state`: valid values are \"open\", \"merged\" or \"all\"\n\n", wantUsage: "Usage:  gh hotfix status"},
		{name: "argument to doctor", args: []string{"doctor", "now"}, wantStderr: "unexpected argument \"now\": this command takes no arguments\n\n", wantUsage: "Usage:  gh hotfix doctor"},
		{name: "blank label", args: []string{"init", "--label", " "}, wantStderr: "the `--label` value must not be blank\n\n", wantUsage: "Usage:  gh hotfix init"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, stdout, stderr := testFactory(t)
			if code := Run(context.Background(), tt.args, f); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			got := stderr.String()
			if tt.wantUsage == "" {
				if got != tt.wantStderr {
					t.Errorf("stderr\n%q\nwant\n%q", got, tt.wantStderr)
				}
				return
			}
			if !strings.HasPrefix(got, tt.wantStderr+tt.wantUsage) {
				t.Errorf("stderr\n%q\nwant it to start with\n%q", got, tt.wantStderr+tt.wantUsage)
			}
			if !strings.Contains(got, "\n\nFlags:\n") || !strings.Contains(got, "\n  -R, --repo [HOST/]OWNER/REPO   ") {
				t.Errorf("stderr lacks the command's flags: %q", got)
			}
		})
	}
}
