package git

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// These are contract tests: they run the real git against repositories in t.TempDir(), a bare
// repository standing in for the remote and a clone of it, never reading the user's git
// configuration.

// fixture is a bare "remote" repository with one commit on main and a clone of it.
type fixture struct {
	dir    string // temporary directory holding both
	remote string // path of the bare repository
	work   string // path of the clone
	env    []string
	client *Client // client working in the clone
}

// isolatedEnv keeps git away from the user's configuration and gives it an identity.
func isolatedEnv(t *testing.T, dir string) []string {
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + home,
		"GIT_CONFIG_GLOBAL=" + filepath.Join(home, "gitconfig"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CEILING_DIRECTORIES=" + dir,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Hotfix Tester",
		"GIT_AUTHOR_EMAIL=tester@example.com",
		"GIT_COMMITTER_NAME=Hotfix Tester",
		"GIT_COMMITTER_EMAIL=tester@example.com",
		"LC_ALL=C",
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dir: dir, remote: filepath.Join(dir, "remote.git"), work: filepath.Join(dir, "work")}
	f.env = isolatedEnv(t, dir)
	f.git(dir, "init", "--quiet", "--bare", "--initial-branch=main", f.remote)
	f.git(dir, "clone", "--quiet", f.remote, f.work)
	f.commit(f.work, "README.md", "hello\n", "initial commit")
	f.git(f.work, "push", "--quiet", "origin", "main")
	f.client = &Client{Dir: f.work, Env: f.env}
	return f
}

// git runs a setup command outside the code under test and returns its trimmed output.
func (f *fixture) git(dir string, args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), f.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		panic("setup: git " + strings.Join(args, " ") + ": " + err.Error() + "\n" + string(out))
	}
	return strings.TrimSpace(string(out))
}

// commit writes a file in the repository at dir and commits it, returning the commit.
func (f *fixture) commit(dir, path, content, message string) string {
	full := filepath.Join(dir, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		panic(err)
	}
	f.git(dir, "add", "--", path)
	f.git(dir, "commit", "--quiet", "-m", message)
	return f.git(dir, "rev-parse", "HEAD")
}

// otherClone pushes a commit to the remote's main from a second clone, as a colleague would.
func (f *fixture) otherClone(message string) string {
	other := filepath.Join(f.dir, "other")
	if _, err := os.Stat(other); err != nil {
		f.git(f.dir, "clone", "--quiet", f.remote, other)
	}
	f.git(other, "pull", "--quiet", "--ff-only")
	oid := f.commit(other, "other.txt", message+"\n", message)
	f.git(other, "push", "--quiet", "origin", "main")
	return oid
}

func (f *fixture) snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	c := &Client{Dir: dir, Env: f.env}
	refs, err := c.ForEachRef(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

// wantGitError asserts that err is a *Error with the exit code and a message matching pattern.
func wantGitError(t *testing.T, err error, exitCode int, pattern string) {
	t.Helper()
	var gitErr *Error
	if !errors.As(err, &gitErr) {
		t.Fatalf("error %v (%T) is not a *git.Error", err, err)
	}
	if gitErr.ExitCode != exitCode {
		t.Errorf("exit code %d, want %d (%v)", gitErr.ExitCode, exitCode, err)
	}
	if !regexp.MustCompile(pattern).MatchString(err.Error()) {
		t.Errorf("error %q does not match %q", err, pattern)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error message spans several lines: %q", err)
	}
}

var oidPattern = regexp.MustCompile(`^[0-9a-f]{40}$`)

func TestQueryAndError(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	out, err := f.client.Query(ctx, "rev-parse", "--abbrev-ref", "HEAD")
	if err != nil || out != "main\n" {
		t.Fatalf("Query = %q, %v", out, err)
	}

	_, err = f.client.Query(ctx, "fetch", "origin", "no-such-branch")
	wantGitError(t, err, 128, `^git fetch origin no-such-branch: exit 128: fatal: couldn't find remote ref no-such-branch$`)
	var gitErr *Error
	errors.As(err, &gitErr)
	if !reflect.DeepEqual(gitErr.Args, []string{"fetch", "origin", "no-such-branch"}) || !strings.Contains(gitErr.Stderr, "couldn't find remote ref") {
		t.Errorf("Args %q, Stderr %q", gitErr.Args, gitErr.Stderr)
	}

	// Arguments that a shell would split are quoted in the message.
	_, err = f.client.Query(ctx, "log", "-1", "--format=%H %s", "no such rev")
	wantGitError(t, err, 128, `^git log -1 '--format=%H %s' 'no such rev': exit 128: fatal: `)
}

func TestQueryEnvAndDir(t *testing.T) {
	f := newFixture(t)
	c := &Client{Dir: filepath.Join(f.work), Env: append(f.env, "GIT_AUTHOR_NAME=Someone Else")}
	out, err := c.Query(context.Background(), "var", "GIT_AUTHOR_IDENT")
	if err != nil || !strings.HasPrefix(out, "Someone Else <tester@example.com>") {
		t.Errorf("Env not passed (later entries win): %q, %v", out, err)
	}
}

func TestRunFailuresWithoutExitStatus(t *testing.T) {
	f := newFixture(t)

	missing := &Client{Dir: f.work, Env: f.env, Path: filepath.Join(f.dir, "no-git")}
	_, err := missing.Query(context.Background(), "status")
	wantGitError(t, err, -1, `^git status: fork/exec .*no-git: no such file or directory$`)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(err, fs.ErrNotExist) = false for %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = f.client.Query(ctx, "status")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: errors.Is(err, context.Canceled) = false for %v", err)
	}
	wantGitError(t, err, -1, `^git status: context canceled$`)
}

func TestMutateDryRun(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var printed bytes.Buffer
	c := &Client{Dir: f.work, Env: f.env, DryRun: &printed}
	f.otherClone("newer main")
	before := f.snapshot(t, f.work)
	remoteBefore := f.snapshot(t, f.remote)

	steps := []func() error{
		func() error { return c.Fetch(ctx, "origin", "main") },
		func() error { return c.CreateBranch(ctx, "hotfix/login-500", "origin/main") },
		func() error { return c.Checkout(ctx, "hotfix/login-500") },
		func() error { return c.SetConfig(ctx, "branch.hotfix/login-500.hotfix-description", "login page 500") },
		func() error { return c.Push(ctx, "origin", "hotfix/login-500", true) },
		func() error { return c.SetUpstream(ctx, "hotfix/login-500", "origin") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	want := `git fetch origin main
git branch --no-track hotfix/login-500 origin/main
git switch --no-guess hotfix/login-500
git config --local branch.hotfix/login-500.hotfix-description 'login page 500'
git push --set-upstream origin refs/heads/hotfix/login-500:refs/heads/hotfix/login-500
git branch --set-upstream-to=origin/hotfix/login-500 hotfix/login-500
`
	if printed.String() != want {
		t.Errorf("dry run printed\n%s\nwant\n%s", printed.String(), want)
	}

	// Nothing changed, locally or on the remote; queries still ran.
	if after := f.snapshot(t, f.work); !maps.Equal(before, after) {
		t.Errorf("refs changed by a dry run: %v -> %v", before, after)
	}
	if after := f.snapshot(t, f.remote); !maps.Equal(remoteBefore, after) {
		t.Errorf("remote refs changed by a dry run: %v -> %v", remoteBefore, after)
	}
	if branch, err := c.CurrentBranch(ctx); err != nil || branch != "main" {
		t.Errorf("CurrentBranch = %q, %v after a dry run", branch, err)
	}
	if v, err := c.Config(ctx, "branch.hotfix/login-500.hotfix-description"); err != nil || v != "" {
		t.Errorf("config written by a dry run: %q, %v", v, err)
	}
}

func TestRepoRoot(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub := filepath.Join(f.work, "docs", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{f.work, sub} {
		root, err := (&Client{Dir: dir, Env: f.env}).RepoRoot(ctx)
		if err != nil || root != f.work {
			t.Errorf("RepoRoot from %s = %q, %v; want %q", dir, root, err, f.work)
		}
	}
	outside := filepath.Join(f.dir, "home")
	_, err := (&Client{Dir: outside, Env: f.env}).RepoRoot(ctx)
	wantGitError(t, err, 128, `^git rev-parse --show-toplevel: exit 128: fatal: not a git repository`)
}

func TestCurrentBranch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if got, err := f.client.CurrentBranch(ctx); err != nil || got != "main" {
		t.Errorf("CurrentBranch = %q, %v", got, err)
	}
	f.git(f.work, "switch", "--quiet", "-c", "hotfix/a")
	if got, err := f.client.CurrentBranch(ctx); err != nil || got != "hotfix/a" {
		t.Errorf("CurrentBranch = %q, %v", got, err)
	}
	f.git(f.work, "switch", "--quiet", "--detach", "HEAD")
	if _, err := f.client.CurrentBranch(ctx); !errors.Is(err, ErrDetachedHead) {
		t.Errorf("detached HEAD: error %v, want ErrDetachedHead", err)
	}
}

func TestIsClean(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fixture)
		want   bool
	}{
		{"fresh clone", func(*fixture) {}, true},
		{"untracked file", func(f *fixture) { writeFile(t, f.work, "notes.txt", "x") }, true},
		{"ignored file", func(f *fixture) {
			writeFile(t, f.work, ".git/info/exclude", "*.log\n")
			writeFile(t, f.work, "a.log", "x")
		}, true},
		{"modified tracked file", func(f *fixture) { writeFile(t, f.work, "README.md", "changed\n") }, false},
		{"staged new file", func(f *fixture) { writeFile(t, f.work, "new.txt", "x"); f.git(f.work, "add", "new.txt") }, false},
		{"deleted tracked file", func(f *fixture) { os.Remove(filepath.Join(f.work, "README.md")) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.change(f)
			if got, err := f.client.IsClean(context.Background()); err != nil || got != tt.want {
				t.Errorf("IsClean = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func writeFile(t *testing.T, dir, path, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, path), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFetch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	newer := f.otherClone("fix in main")

	if err := f.client.Fetch(ctx, "origin", "main"); err != nil {
		t.Fatal(err)
	}
	if got, err := f.client.RevParse(ctx, "origin/main"); err != nil || got != newer {
		t.Errorf("origin/main = %q, %v after fetch; want %q", got, err, newer)
	}
	if got := f.git(f.work, "rev-parse", "main"); got == newer {
		t.Error("fetch moved the local main")
	}

	wantGitError(t, f.client.Fetch(ctx, "origin", "no-such-branch"), 128, `couldn't find remote ref no-such-branch`)
	wantGitError(t, f.client.Fetch(ctx, "nowhere"), 128, `^the remote repository was not found: 'nowhere' does not appear to be a git repository$`)
	if err := f.client.Fetch(ctx, "--upload-pack=touch /tmp/pwned"); err == nil || !strings.Contains(err.Error(), "must not start with '-'") {
		t.Errorf("option injection not refused: %v", err)
	}
}

func TestRevParseAndRefExists(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	head := f.git(f.work, "rev-parse", "HEAD")
	f.git(f.work, "tag", "--annotate", "-m", "release", "v1.0.0")

	for _, rev := range []string{"HEAD", "main", "origin/main", "v1.0.0", head[:10]} {
		if got, err := f.client.RevParse(ctx, rev); err != nil || got != head {
			t.Errorf("RevParse(%q) = %q, %v; want %q", rev, got, err, head)
		}
	}
	_, err := f.client.RevParse(ctx, "nope")
	wantGitError(t, err, 128, `^git rev-parse --verify 'nope\^\{commit\}': exit 128: fatal: Needed a single revision$`)
	if _, err := f.client.RevParse(ctx, "--all"); err == nil {
		t.Error("RevParse accepted an option")
	}

	refs := []struct {
		ref  string
		want bool
	}{
		{"refs/heads/main", true},
		{"refs/remotes/origin/main", true},
		{"refs/tags/v1.0.0", true},
		{"refs/heads/nope", false},
		{"refs/heads/mai", false},
	}
	for _, tt := range refs {
		if got, err := f.client.RefExists(ctx, tt.ref); err != nil || got != tt.want {
			t.Errorf("RefExists(%q) = %v, %v; want %v", tt.ref, got, err, tt.want)
		}
	}
	if _, err := f.client.RefExists(ctx, "main"); err == nil {
		t.Error("RefExists accepted a short name")
	}
	if got, err := f.client.BranchExists(ctx, "main"); err != nil || !got {
		t.Errorf("BranchExists(main) = %v, %v", got, err)
	}
	if got, err := f.client.BranchExists(ctx, "origin/main"); err != nil || got {
		t.Errorf("BranchExists(origin/main) = %v, %v; a remote-tracking branch is not a branch", got, err)
	}
}

func TestBranchBlockers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, b := range []string{"hotfix", "fix/a/b", "fixes/x", "team/hotfix-x"} {
		f.git(f.work, "branch", b)
	}
	tests := []struct {
		name string
		want []string
	}{
		{"hotfix/x", []string{"hotfix"}},               // a branch above it
		{"fix/a", []string{"fix/a/b"}},                 // a branch below it
		{"fix", []string{"fix/a/b"}},                   // "fixes/x" shares letters, not a path
		{"team/hotfix-x/y", []string{"team/hotfix-x"}}, // a parent that is not the prefix
		{"fixes/x", nil},                               // the branch itself is not a blocker
		{"release/v1.4", nil},                          // nothing there
		{"hotfix-other", nil},                          // "hotfix" is a sibling
		{"fix/a/b/c/d", []string{"fix/a/b"}},           // any depth
	}
	for _, tt := range tests {
		got, err := f.client.BranchBlockers(ctx, tt.name)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("BranchBlockers(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := f.client.BranchBlockers(ctx, "--all"); err == nil {
		t.Error("BranchBlockers accepted an option as a name")
	}
}

func TestBranchParents(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"main", nil},
		{"hotfix/x", []string{"hotfix"}},
		{"a/b/c", []string{"a", "a/b"}},
	}
	for _, tt := range tests {
		if got := BranchParents(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("BranchParents(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckRefFormatBranch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, name := range []string{"hotfix/login-page-500", "hotfix/a.b", "x"} {
		if err := f.client.CheckRefFormatBranch(ctx, name); err != nil {
			t.Errorf("CheckRefFormatBranch(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"hotfix/a..b", "hotfix/", "-x", "a b", "a~1", "hotfix/x.lock", "HEAD", ""} {
		err := f.client.CheckRefFormatBranch(ctx, name)
		if err == nil || !strings.HasPrefix(err.Error(), "invalid branch name") {
			t.Errorf("CheckRefFormatBranch(%q) = %v, want an invalid branch name error", name, err)
		}
	}
}

func TestCreateBranchAndCheckout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	newer := f.otherClone("fix in main")
	if err := f.client.Fetch(ctx, "origin", "main"); err != nil {
		t.Fatal(err)
	}

	if err := f.client.CreateBranch(ctx, "hotfix/login", "origin/main"); err != nil {
		t.Fatal(err)
	}
	if got := f.git(f.work, "rev-parse", "refs/heads/hotfix/login"); got != newer {
		t.Errorf("branch at %s, want the fetched tip %s", got, newer)
	}
	if upstream, _ := f.client.Config(ctx, "branch.hotfix/login.merge"); upstream != "" {
		t.Errorf("new branch tracks %q; it must not track its start point", upstream)
	}
	if branch, _ := f.client.CurrentBranch(ctx); branch != "main" {
		t.Errorf("CreateBranch checked out %q", branch)
	}

	// No force: an existing branch is an error and is not moved.
	before := f.snapshot(t, f.work)
	err := f.client.CreateBranch(ctx, "hotfix/login", "main")
	wantGitError(t, err, 128, `^git branch --no-track hotfix/login main: exit 128: fatal: a branch named 'hotfix/login' already exists$`)
	if after := f.snapshot(t, f.work); !maps.Equal(before, after) {
		t.Errorf("refs changed by a refused CreateBranch: %v -> %v", before, after)
	}
	wantGitError(t, f.client.CreateBranch(ctx, "hotfix/other", "no-such-base"), 128, `fatal: `)

	if err := f.client.Checkout(ctx, "hotfix/login"); err != nil {
		t.Fatal(err)
	}
	if branch, _ := f.client.CurrentBranch(ctx); branch != "hotfix/login" {
		t.Errorf("CurrentBranch = %q after Checkout", branch)
	}
	if _, err := os.Stat(filepath.Join(f.work, "other.txt")); err != nil {
		t.Errorf("working tree not switched: %v", err)
	}

	// A branch that exists only on the remote is not created behind the user's back.
	f.git(f.work, "push", "--quiet", "origin", "main:refs/heads/remote-only")
	f.git(f.work, "fetch", "--quiet", "origin")
	wantGitError(t, f.client.Checkout(ctx, "remote-only"), 128, `invalid reference: remote-only`)
	if ok, _ := f.client.BranchExists(ctx, "remote-only"); ok {
		t.Error("Checkout created a local branch from a remote one")
	}
}

func TestPushAndSetUpstream(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.git(f.work, "switch", "--quiet", "-c", "hotfix/login")
	tip := f.commit(f.work, "login.go", "fixed\n", "fix login")

	if err := f.client.Push(ctx, "origin", "hotfix/login", true); err != nil {
		t.Fatal(err)
	}
	if got := f.git(f.remote, "rev-parse", "refs/heads/hotfix/login"); got != tip {
		t.Errorf("remote branch at %s, want %s", got, tip)
	}
	if remote, _ := f.client.Config(ctx, "branch.hotfix/login.remote"); remote != "origin" {
		t.Errorf("upstream remote %q, want origin", remote)
	}
	if merge, _ := f.client.Config(ctx, "branch.hotfix/login.merge"); merge != "refs/heads/hotfix/login" {
		t.Errorf("upstream branch %q", merge)
	}
	if err := f.client.Push(ctx, "origin", "hotfix/login", true); err != nil {
		t.Errorf("pushing again (nothing new) failed: %v", err)
	}

	// Without setUpstream no upstream is configured; SetUpstream adds it.
	f.git(f.work, "switch", "--quiet", "-c", "hotfix/second")
	if err := f.client.Push(ctx, "origin", "hotfix/second", false); err != nil {
		t.Fatal(err)
	}
	if remote, _ := f.client.Config(ctx, "branch.hotfix/second.remote"); remote != "" {
		t.Errorf("upstream set without setUpstream: %q", remote)
	}
	if err := f.client.SetUpstream(ctx, "hotfix/second", "origin"); err != nil {
		t.Fatal(err)
	}
	if merge, _ := f.client.Config(ctx, "branch.hotfix/second.merge"); merge != "refs/heads/hotfix/second" {
		t.Errorf("SetUpstream: merge = %q", merge)
	}
	wantGitError(t, f.client.SetUpstream(ctx, "hotfix/second", "nowhere"), 128, `fatal: `)

	// Never forced: when the remote branch has diverged, the push fails and the remote stays.
	other := filepath.Join(f.dir, "other")
	f.git(f.dir, "clone", "--quiet", "--branch", "hotfix/login", f.remote, other)
	theirs := f.commit(other, "login.go", "their fix\n", "their fix")
	f.git(other, "push", "--quiet", "origin", "hotfix/login")
	f.git(f.work, "switch", "--quiet", "hotfix/login")
	f.commit(f.work, "login.go", "my second fix\n", "my second fix")
	err := f.client.Push(ctx, "origin", "hotfix/login", true)
	wantGitError(t, err, 1, `^git push --set-upstream origin refs/heads/hotfix/login:refs/heads/hotfix/login: exit 1: error: failed to push some refs`)
	if got := f.git(f.remote, "rev-parse", "refs/heads/hotfix/login"); got != theirs {
		t.Errorf("diverged remote branch moved to %s", got)
	}
}

func TestConfig(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	settings := map[string]string{
		"branch.hotfix/login.hotfix-description": "-login page 500 on empty password", // a leading dash is a value, not an option
		"branch.hotfix/login.hotfix-issue":       "42",
		"branch.hotfix/login.hotfix-notes":       "line one\nline two",
		"branch.hotfix/other.hotfix-issue":       "7",
	}
	for key, value := range settings {
		if err := f.client.SetConfig(ctx, key, value); err != nil {
			t.Fatal(err)
		}
	}
	for key, value := range settings {
		if got, err := f.client.Config(ctx, key); err != nil || got != value {
			t.Errorf("Config(%q) = %q, %v; want %q", key, got, err, value)
		}
	}
	if got, err := f.client.Config(ctx, "branch.hotfix/login.unset"); err != nil || got != "" {
		t.Errorf("unset key: %q, %v", got, err)
	}
	if _, err := f.client.Config(ctx, "nosection"); err == nil {
		t.Error("an invalid key read as unset")
	}
	if global := filepath.Join(f.dir, "home", "gitconfig"); fileExists(global) {
		t.Error("SetConfig wrote the global configuration")
	}

	got, err := f.client.ConfigGetRegexp(ctx, `^branch\.hotfix/login\.`)
	want := map[string]string{
		"branch.hotfix/login.hotfix-description": settings["branch.hotfix/login.hotfix-description"],
		"branch.hotfix/login.hotfix-issue":       "42",
		"branch.hotfix/login.hotfix-notes":       "line one\nline two",
	}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("ConfigGetRegexp = %q, %v; want %q", got, err, want)
	}
	if got, err := f.client.ConfigGetRegexp(ctx, `^nothing\.`); err != nil || len(got) != 0 {
		t.Errorf("ConfigGetRegexp without match = %v, %v", got, err)
	}
	_, err = f.client.ConfigGetRegexp(ctx, `[`)
	wantGitError(t, err, 6, `error: invalid key pattern`)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestMergeBaseRevListCountLog(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	base := f.git(f.work, "rev-parse", "HEAD")
	f.git(f.work, "switch", "--quiet", "-c", "hotfix/login")
	f.commit(f.work, "a.txt", "a\n", "first fix")
	f.commit(f.work, "b.txt", "b\n", "second fix")
	f.git(f.work, "switch", "--quiet", "main")
	f.commit(f.work, "c.txt", "c\n", "unrelated work on main")

	if got, err := f.client.MergeBase(ctx, "main", "hotfix/login"); err != nil || got != base {
		t.Errorf("MergeBase = %q, %v; want %q", got, err, base)
	}
	if n, err := f.client.RevListCount(ctx, "main..hotfix/login"); err != nil || n != 2 {
		t.Errorf("RevListCount = %d, %v; want 2", n, err)
	}
	if n, err := f.client.RevListCount(ctx, "hotfix/login..hotfix/login"); err != nil || n != 0 {
		t.Errorf("RevListCount of an empty range = %d, %v", n, err)
	}
	_, err := f.client.RevListCount(ctx, "main..nope")
	wantGitError(t, err, 128, `fatal: `)

	lines, err := f.client.Log(ctx, "main..hotfix/login", "%s")
	if err != nil || !reflect.DeepEqual(lines, []string{"second fix", "first fix"}) {
		t.Errorf("Log = %q, %v", lines, err)
	}
	if lines, err := f.client.Log(ctx, "hotfix/login..hotfix/login", "%s"); err != nil || lines != nil {
		t.Errorf("Log of an empty range = %q, %v", lines, err)
	}

	f.git(f.work, "switch", "--quiet", "--orphan", "unrelated")
	f.commit(f.work, "z.txt", "z\n", "unrelated root")
	_, err = f.client.MergeBase(ctx, "main", "unrelated")
	if err == nil || !strings.HasPrefix(err.Error(), "main and unrelated have no common ancestor") {
		t.Errorf("MergeBase of unrelated histories: %v", err)
	}
}

func TestDiffNumstat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	writeFile(t, f.work, "README.md", strings.Repeat("line\n", 10))
	writeFile(t, f.work, "moved.txt", strings.Repeat("stable content\n", 20))
	writeFile(t, f.work, "logo.png", "\x89PNG\x00\x01")
	writeFile(t, f.work, "old.bin", "\x00gone\x00")
	f.git(f.work, "add", "--all")
	f.git(f.work, "commit", "--quiet", "-m", "base")
	base := f.git(f.work, "rev-parse", "HEAD")

	f.git(f.work, "switch", "--quiet", "-c", "hotfix/x")
	writeFile(t, f.work, "README.md", strings.Repeat("line\n", 8)+"new 1\nnew 2\nnew 3\n")
	writeFile(t, f.work, "logo.png", "\x89PNG\x00\x02\x03")
	writeFile(t, f.work, "new.bin", strings.Repeat("\x00", 1000))
	f.git(f.work, "rm", "--quiet", "old.bin")
	f.git(f.work, "mv", "moved.txt", "renamed.txt")
	writeFile(t, f.work, "with\ttab and space.txt", "x\n")
	f.git(f.work, "add", "--all")
	f.git(f.work, "commit", "--quiet", "-m", "fix")

	got, err := f.client.DiffNumstat(ctx, base, "hotfix/x")
	if err != nil {
		t.Fatal(err)
	}
	want := []FileStat{
		{Path: "README.md", Added: 3, Deleted: 2},
		{Path: "logo.png", Binary: true, Bytes: 6 + 7},
		{Path: "new.bin", Binary: true, Bytes: 1000},
		{Path: "old.bin", Binary: true, Bytes: 6},
		{Path: "renamed.txt", OldPath: "moved.txt"},
		{Path: "with\ttab and space.txt", Added: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DiffNumstat =\n%+v\nwant\n%+v", got, want)
	}
	if got, err := f.client.DiffNumstat(ctx, base, base); err != nil || got != nil {
		t.Errorf("DiffNumstat without changes = %v, %v", got, err)
	}
	_, err = f.client.DiffNumstat(ctx, base, "nope")
	wantGitError(t, err, 128, `fatal: `)
}

func TestParseRawBlobs(t *testing.T) {
	z := strings.Repeat("0", 40)
	a, b := strings.Repeat("a", 40), strings.Repeat("b", 40)
	tests := []struct {
		out     string
		want    [][2]string
		wantErr bool
	}{
		{"", nil, false},
		{":100644 100644 " + a + " " + b + " M\x00f.png\x00", [][2]string{{a, b}}, false},
		{":000000 100644 " + z + " " + b + " A\x00new\x00:100644 000000 " + a + " " + z + " D\x00old\x00", [][2]string{{z, b}, {a, z}}, false},
		{":100644 100644 " + a + " " + a + " R100\x00old\x00new\x00:100644 100644 " + a + " " + b + " M\x00x\x00", [][2]string{{a, a}, {a, b}}, false},
		{":100644 " + a + " M\x00f\x00", nil, true},
		{":100644 100644 " + a + " " + b + " M", nil, true},
	}
	for _, tt := range tests {
		got, err := parseRawBlobs(tt.out)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseRawBlobs(%q) = %v, %v; want %v (error %v)", tt.out, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseNumstatErrors(t *testing.T) {
	for _, out := range []string{"1\t2\x00", "x\t2\ta\x00", "1\t2\t\x00old\x00"} {
		if _, err := parseNumstat(out); err == nil {
			t.Errorf("parseNumstat(%q) accepted malformed output", out)
		}
	}
}

func TestForEachRef(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	head := f.git(f.work, "rev-parse", "HEAD")
	f.git(f.work, "branch", "hotfix/a")

	got, err := f.client.ForEachRef(ctx, "refs/heads")
	want := map[string]string{"refs/heads/main": head, "refs/heads/hotfix/a": head}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("ForEachRef(refs/heads) = %v, %v; want %v", got, err, want)
	}
	all, err := f.client.ForEachRef(ctx)
	if err != nil || all["refs/remotes/origin/main"] != head || len(all) < 3 {
		t.Errorf("ForEachRef() = %v, %v", all, err)
	}
	for ref, oid := range all {
		if !oidPattern.MatchString(oid) {
			t.Errorf("ref %s points to %q", ref, oid)
		}
	}
}
