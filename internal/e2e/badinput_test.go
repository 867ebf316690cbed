package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestBadInput feeds every command wrong flags, arguments, configs, branch and
// repository states and broken server answers. Each must exit with its code,
// say what is wrong and what to do in one line, and change nothing locally or
// remotely.
func TestBadInput(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end, skipped under -short")
	}
	e := harness.New(t)
	e.Environ = append(e.Environ, "GH_HOTFIX_HTTP_TIMEOUT=2s")
	fresh := e.CreateRepo("bad", nil) // on main
	fixed := e.Clone("bad")           // on a hotfix branch with a commit
	if r := e.Hotfix(fixed, "create", "bad input"); r.Code != 0 {
		t.Fatal(r.Stderr)
	}
	harnessWrite(t, filepath.Join(fixed, "fix.txt"), "fix\n")
	e.Git(fixed, "add", "-A")
	e.Git(fixed, "commit", "-q", "-m", "fix")
	noRelease := e.CreateRepo("norelease", map[string]string{".github/workflows/release.yml": ""})
	e.Hotfix(noRelease, "create", "no release")
	harnessWrite(t, filepath.Join(noRelease, "fix.txt"), "fix\n")
	e.Git(noRelease, "add", "-A")
	e.Git(noRelease, "commit", "-q", "-m", "fix")
	outside := t.TempDir()

	config := func(dir, content string) func() func() {
		return func() func() {
			p := filepath.Join(dir, ".github", "hotfix.yml")
			harnessWrite(t, p, content)
			return func() { os.Remove(p) }
		}
	}
	fault := func(f map[string]any) func() func() {
		return func() func() {
			e.Control("POST", "faults", f)
			return func() { e.Control("DELETE", "faults", nil) }
		}
	}
	dirty := func() func() {
		p := filepath.Join(fixed, "fix.txt")
		harnessWrite(t, p, "changed\n")
		return func() { harnessWrite(t, p, "fix\n") }
	}
	detached := func() func() {
		e.Git(fixed, "switch", "-q", "--detach")
		return func() { e.Git(fixed, "switch", "-q", "hotfix/bad-input") }
	}
	// realFloor restores ship's 1s floor on --interval, which the harness lowers for tests.
	realFloor := func() func() {
		saved := e.Environ
		e.Environ = append(append([]string(nil), saved...), "GH_HOTFIX_MIN_INTERVAL=")
		return func() { e.Environ = saved }
	}
	const shipFirst = "graphql query repository (HotfixShip)"
	const createFirst = "graphql query repository,viewer (HotfixCreate)"

	tests := []struct {
		name  string
		dir   string
		setup func() func()
		args  []string
		code  int
		want  string
	}{
		// Flags and arguments.
		{"create: two arguments", fresh, nil, []string{"create", "a", "b"}, 1, "too many arguments: quote the description"},
		{"create: issue zero", fresh, nil, []string{"create", "-i", "0"}, 1, "invalid issue number 0"},
		{"create: issue not a number", fresh, nil, []string{"create", "-i", "seven"}, 1, `invalid argument "seven"`},
		{"create: blank base", fresh, nil, []string{"create", "x", "--base", " "}, 1, "must not be blank"},
		{"create: unknown flag", fresh, nil, []string{"create", "x", "--title", "y"}, 1, "unknown flag: --title"},
		{"create: no description, no terminal", fresh, nil, []string{"create"}, 1, "a description argument or `--issue` is required"},
		{"ship: unknown merge method", fixed, nil, []string{"ship", "--auto", "--merge-method", "fast"}, 1, `invalid value "fast" for ` + "`--merge-method`"},
		{"ship: merge method without --auto", fixed, nil, []string{"ship", "--merge-method", "squash"}, 1, "`--merge-method` requires `--auto`"},
		{"ship: watch without waiting", fixed, nil, []string{"ship", "--watch", "--no-wait"}, 1, "`--watch` cannot be used with `--no-wait`"},
		{"ship: watch without release", fixed, nil, []string{"ship", "--watch", "--no-release"}, 1, "cannot be used with `--no-release`"},
		{"ship: field without value", fixed, nil, []string{"ship", "-f", "environment"}, 1, "expected key=value"},
		{"ship: field twice", fixed, nil, []string{"ship", "-f", "a=1", "-f", "a=2"}, 1, `input "a" is given twice`},
		{"ship: zero interval", fixed, nil, []string{"ship", "--interval", "0s"}, 1, "invalid `--interval` 0s"},
		{"ship: interval under a second", fixed, realFloor, []string{"ship", "--interval", "500ms"}, 1, "invalid `--interval` 500ms: must be at least 1s"},
		{"ship: blank title", fixed, nil, []string{"ship", "--title", " "}, 1, "the `--title` value must not be blank"},
		{"create: name not a slug", fresh, nil, []string{"create", "x", "--name", "Fix It"}, 1, `invalid branch name "Fix It"`},
		{"ship: negative timeout", fixed, nil, []string{"ship", "--timeout", "-1s"}, 1, "invalid `--timeout`"},
		{"ship: body and body file", fixed, nil, []string{"ship", "--body", "x", "--body-file", "y"}, 1, "specify only one of `--body` or `--body-file`"},
		{"ship: body file missing", fixed, nil, []string{"ship", "--no-wait", "--body-file", "no-such-body.md"}, 1, "reading --body-file: open no-such-body.md"},
		{"ship: jq without json", fixed, nil, []string{"ship", "--jq", "."}, 1, "cannot use `--jq` without specifying `--json`"},
		{"ship: json without fields", fixed, nil, []string{"ship", "--json"}, 1, "specify one or more comma-separated fields for `--json`:"},
		{"ship: unknown json field", fixed, nil, []string{"ship", "--json", "bogus"}, 1, `unknown JSON field: "bogus"`},
		{"ship: an argument", fixed, nil, []string{"ship", "now"}, 1, `unexpected argument "now": this command takes no arguments`},
		{"status: bad state", fresh, nil, []string{"status", "--state", "closed"}, 1, `invalid value "closed" for ` + "`--state`"},
		{"status: zero limit", fresh, nil, []string{"status", "-L", "0"}, 1, "invalid limit: 0"},
		{"status: unknown json field", fresh, nil, []string{"status", "--json", "nope"}, 1, `unknown JSON field: "nope"`},
		{"doctor: an argument", fresh, nil, []string{"doctor", "now"}, 1, `unexpected argument "now": this command takes no arguments`},
		{"init: unknown flag", fresh, nil, []string{"init", "--bogus"}, 1, "unknown flag: --bogus"},
		{"unknown command", fresh, nil, []string{"shipit"}, 1, `unknown command "shipit" for "gh hotfix"`},
		{"bad repo flag", fresh, nil, []string{"create", "x", "-R", "not/a/repo/path"}, 1, "invalid --repo value"},

		// Configuration.
		{"config: unknown key", fresh, config(fresh, "base: main\nlabels: hotfix\n"), []string{"create", "x"}, 1, `.github/hotfix.yml:2: unknown key "labels" (did you mean "label"?)`},
		{"config: wrong type", fixed, config(fixed, "limits:\n  files: ten\n"), []string{"ship"}, 1, ".github/hotfix.yml:2: limits.files:"},
		{"team of another organization", fixed, nil, []string{"ship", "--no-wait", "-r", "acme/oncall"}, 1, "cannot request a review from team acme/oncall on monalisa/"},
		{"config: bad merge method", fixed, config(fixed, "merge_method: fast\n"), []string{"ship"}, 1, ".github/hotfix.yml:1: merge_method:"},
		{"config: bad label colour", fresh, config(fresh, "label:\n  name: hotfix\n  color: red\n"), []string{"create", "x"}, 1, ".github/hotfix.yml:3: label.color:"},
		{"config: not a mapping", fresh, config(fresh, "- base\n"), []string{"create", "x"}, 1, ".github/hotfix.yml:1:"},

		// Branch states.
		{"ship on main", fresh, nil, []string{"ship"}, 1, "main is not a hotfix branch: start one with gh hotfix create"},
		{"ship a branch that does not exist", fixed, nil, []string{"ship", "--branch", "hotfix/nope"}, 1, "hotfix/nope is not in this clone, and monalisa/bad has no pull request from it into main"},
		{"ship with a dirty tree", fixed, dirty, []string{"ship"}, 1, "tracked files have uncommitted changes"},
		{"ship from a detached HEAD", fixed, detached, []string{"ship"}, 1, "HEAD is detached"},
		{"create with a dirty tree", fixed, dirty, []string{"create", "other fix"}, 1, "tracked files have uncommitted changes"},
		{"create a branch that exists", fixed, nil, []string{"create", "bad input"}, 1, "branch hotfix/bad-input already exists: continue it with git switch hotfix/bad-input"},

		// Repository states.
		{"create outside a checkout", outside, nil, []string{"create", "x", "-R", "monalisa/bad"}, 1, "not inside a git checkout"},
		{"create for another repository", fresh, nil, []string{"create", "x", "-R", "monalisa/elsewhere"}, 1, "this checkout has no remote for github.localhost/monalisa/elsewhere"},
		{"create on a missing base", fresh, nil, []string{"create", "x", "--base", "nope"}, 1, `base branch "nope" does not exist`},
		{"ship without a release workflow", noRelease, nil, []string{"ship"}, 1, "no release workflow found in monalisa/norelease"},
		{"status of a missing repository", outside, nil, []string{"status", "-R", "monalisa/ghost"}, 1, "monalisa/ghost"},

		// Server answers.
		{"404 from GitHub", fixed, fault(map[string]any{"route": shipFirst, "status": 404}), []string{"ship"}, 1, "repository monalisa/bad not found (or your token cannot see it)"},
		{"403 no permission", fixed, fault(map[string]any{"route": shipFirst, "status": 403}), []string{"ship"}, 1, "check that you have write access to the repository"},
		{"422 validation", fresh, fault(map[string]any{"route": "graphql query repository (HotfixStatus)", "status": 422}), []string{"status"}, 1, "HTTP 422"},
		{"malformed JSON", fresh, fault(map[string]any{"route": createFirst, "body": `{"data": {"repository": `}), []string{"create", "x"}, 1, "GitHub answered with something that is not valid JSON"},
		{"HTML error page", fixed, fault(map[string]any{"route": shipFirst, "status": 502, "html": true, "count": 4}), []string{"ship"}, 1, "run the command again"},
		{"server keeps failing", fresh, fault(map[string]any{"route": createFirst, "status": 500, "count": 4}), []string{"create", "x"}, 1, "HTTP 500: Internal Server Error"},
		{"token refused", fresh, fault(map[string]any{"route": createFirst, "status": 401}), []string{"create", "x"}, 4, "gh auth login"},
		{"secondary limit too long to wait", fresh, fault(map[string]any{"route": createFirst, "status": 403, "retry_after": 3600}), []string{"create", "x"}, 1, "secondary rate limit"},
		{"primary limit exhausted", fixed, fault(map[string]any{"route": shipFirst, "status": 403, "exhausted": true}), []string{"ship"}, 1, "GitHub API rate limit exhausted: it resets at"},
		{"GraphQL primary limit (200 RATE_LIMITED)", fresh, fault(map[string]any{"route": createFirst, "rate_limit": "primary", "reset_in_s": 3600}), []string{"create", "x"}, 1, "GitHub API rate limit exhausted: it resets at"},
		{"secondary limit with a long retry-after (429)", fixed, fault(map[string]any{"route": shipFirst, "rate_limit": "secondary", "status": 429, "retry_after": 600}), []string{"ship"}, 1, "GitHub's secondary rate limit refused the request: try again after"},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d bad inputs", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				defer tt.setup()()
			}
			before := e.Snapshot(fresh, "bad") + e.Snapshot(fixed, "bad") + e.Snapshot(noRelease, "norelease")
			r := e.Hotfix(tt.dir, tt.args...)
			if r.Code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.Code, tt.code, r.Stderr)
			}
			if r.Stdout != "" {
				t.Errorf("stdout %q, want nothing", r.Stdout)
			}
			first, rest, _ := strings.Cut(strings.TrimSpace(r.Stderr), "\n")
			if !strings.Contains(first, tt.want) {
				t.Errorf("first stderr line %q does not say %q", first, tt.want)
			}
			// A flag error is followed by the usage (and gh's lists of choices); anything else is one line.
			if rest = strings.TrimSpace(rest); rest != "" && !strings.HasPrefix(rest, "Usage:") && !strings.HasSuffix(first, ":") &&
				!strings.HasPrefix(rest, "Available fields:") && !strings.HasPrefix(rest, "Did you mean") {
				t.Errorf("more than one line:\n%s", r.Stderr)
			}
			after := e.Snapshot(fresh, "bad") + e.Snapshot(fixed, "bad") + e.Snapshot(noRelease, "norelease")
			if after != before {
				t.Errorf("changed something:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
	t.Logf("%d bad inputs tried", len(tests))
}
