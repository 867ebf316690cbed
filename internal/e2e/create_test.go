package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// behind makes the clone's local main one commit behind the remote's main, and
// returns the remote tip.
func behind(t *testing.T, e *harness.Env, repo, work string) string {
	t.Helper()
	other := e.Clone(repo)
	harnessWrite(t, filepath.Join(other, "CHANGELOG.md"), "newer work on main\n")
	e.Git(other, "add", "-A")
	e.Git(other, "commit", "-q", "-m", "Newer work on main")
	e.Git(other, "push", "-q", "origin", "main")
	return e.Git(other, "rev-parse", "HEAD")
}

// TestCreateHappyPath runs on every site (harness.Sites): github.localhost and
// GitHub Enterprise Server at an old and the current version.
func TestCreateHappyPath(t *testing.T) {
	t.Parallel()
	harness.ForEachSite(t, testCreateHappyPath)
}

func testCreateHappyPath(t *testing.T, e *harness.Env) {
	work := e.CreateRepo("shop", nil)
	localMain := e.Git(work, "rev-parse", "main")
	remoteTip := behind(t, e, "shop", work)
	if localMain == remoteTip {
		t.Fatal("setup: local main is not behind")
	}

	e.ClearRequests()
	r := e.Hotfix(work, "create", "Fix: login 500 on empty password!")
	if r.Code != 0 {
		t.Fatalf("create: exit %d: %s", r.Code, r.Stderr)
	}
	const branch = "hotfix/fix-login-500-on-empty-password"
	if strings.TrimSpace(r.Stdout) != branch {
		t.Errorf("stdout %q, want the branch name alone (not a terminal)", r.Stdout)
	}
	if got := e.Git(work, "symbolic-ref", "--short", "HEAD"); got != branch {
		t.Errorf("checked out %q, want %q", got, branch)
	}
	if got := e.Git(work, "rev-parse", "HEAD"); got != remoteTip {
		t.Errorf("branch starts at %s, want the remote main %s (local main was %s)", got, remoteTip, localMain)
	}
	if got := e.Git(work, "rev-parse", "main"); got != localMain {
		t.Errorf("local main moved to %s", got)
	}
	if got := e.Git(work, "config", "branch."+branch+".hotfix-base"); got != "main" {
		t.Errorf("recorded base %q", got)
	}
	if got := e.Git(work, "config", "branch."+branch+".hotfix-description"); got != "Fix: login 500 on empty password!" {
		t.Errorf("recorded description %q", got)
	}
	if out := e.RunIn(work, "git", "config", "branch."+branch+".merge"); out.Code == 0 {
		t.Errorf("the branch tracks %q: it must not track the base", out.Stdout)
	}

	api, fetches, pushes := e.RequestCounts()
	total := 0
	for _, n := range api {
		total += n
	}
	if total > 2 || fetches != 1 || pushes != 0 {
		t.Errorf("create used %d API requests %v, %d fetches and %d pushes; want ≤2, 1, 0", total, api, fetches, pushes)
	}

	t.Run("from an issue", func(t *testing.T) {
		for i := 1; i <= 7; i++ {
			title := "Unrelated issue"
			if i == 7 {
				title = "Checkout crashes on expired coupons"
			}
			if status, out := e.API("POST", "/repos/monalisa/shop/issues", map[string]any{"title": title}); status != 201 {
				t.Fatalf("create issue: %d %v", status, out)
			}
		}
		e.Git(work, "switch", "-q", "main")
		r := e.Hotfix(work, "create", "-i", "7")
		if r.Code != 0 {
			t.Fatalf("create -i 7: exit %d: %s", r.Code, r.Stderr)
		}
		const want = "hotfix/checkout-crashes-on-expired-coupons"
		if got := e.Git(work, "symbolic-ref", "--short", "HEAD"); got != want {
			t.Errorf("checked out %q, want %q", got, want)
		}
		if got := e.Git(work, "config", "branch."+want+".hotfix-issue"); got != "7" {
			t.Errorf("recorded issue %q, want 7", got)
		}
	})

	t.Run("push sets the upstream", func(t *testing.T) {
		e.Git(work, "switch", "-q", "main")
		r := e.Hotfix(work, "create", "cart total rounding", "--push")
		if r.Code != 0 {
			t.Fatalf("create --push: exit %d: %s", r.Code, r.Stderr)
		}
		if got := e.Git(work, "rev-parse", "--abbrev-ref", "hotfix/cart-total-rounding@{upstream}"); got != "origin/hotfix/cart-total-rounding" {
			t.Errorf("upstream %q", got)
		}
		if status, _ := e.API("GET", "/repos/monalisa/shop/branches/hotfix/cart-total-rounding", nil); status != 200 {
			t.Errorf("pushed branch not on GitHub: %d", status)
		}
	})

	t.Run("dry run changes nothing", func(t *testing.T) {
		e.Git(work, "switch", "-q", "main")
		before := e.Snapshot(work, "shop")
		r := e.Hotfix(work, "create", "dry run fix", "--push", "--dry-run")
		if r.Code != 0 {
			t.Fatalf("dry run: exit %d: %s", r.Code, r.Stderr)
		}
		for _, want := range []string{"Would fetch main from origin", "Would create branch hotfix/dry-run-fix at origin/main", "Would push"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("dry run output lacks %q:\n%s", want, r.Stdout)
			}
		}
		if after := e.Snapshot(work, "shop"); after != before {
			t.Errorf("dry run changed the repository:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// TestCreateNames: descriptions in any script name a branch git and GitHub take, and
// --name names it directly, pushed to the emulator to prove the remote takes it too.
func TestCreateNames(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("names", nil)
	tests := []struct {
		args   []string
		branch string
	}{
		{[]string{"Straße gesperrt", "--push"}, "hotfix/strasse-gesperrt"},
		{[]string{"Café crème", "--push"}, "hotfix/cafe-creme"},
		{[]string{"ログインできない", "--push"}, "hotfix/ログインできない"},
		{[]string{"🔥🔥", "--name", "fire", "--push"}, "hotfix/fire"},
	}
	for _, tt := range tests {
		r := e.Hotfix(work, append([]string{"create"}, tt.args...)...)
		if r.Code != 0 {
			t.Fatalf("create %q: exit %d: %s", tt.args, r.Code, r.Stderr)
		}
		if got := strings.TrimSpace(r.Stdout); got != tt.branch {
			t.Errorf("create %q made %q, want %q", tt.args, got, tt.branch)
		}
		if got := e.Git(work, "ls-remote", "--heads", "origin", tt.branch); !strings.HasSuffix(got, "refs/heads/"+tt.branch) {
			t.Errorf("the remote has no %s: %q", tt.branch, got)
		}
		if got := e.Git(work, "config", "branch."+tt.branch+".hotfix-description"); got != tt.args[0] {
			t.Errorf("recorded description %q, want %q", got, tt.args[0])
		}
		e.Git(work, "switch", "-q", "main")
	}
}

func TestCreateRefusals(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("bank", nil)
	tip := e.Git(work, "rev-parse", "HEAD")
	e.Git(work, "branch", "hotfix/already-here")
	e.Git(work, "push", "-q", "origin", "main:refs/heads/hotfix/on-the-remote")
	e.Git(work, "fetch", "-q", "origin")

	tests := []struct {
		name    string
		setup   func(t *testing.T) (dir string, undo func())
		args    []string
		wantErr string
	}{
		{name: "dirty tracked file", args: []string{"some fix"}, wantErr: "tracked files have uncommitted changes",
			setup: func(t *testing.T) (string, func()) {
				harnessWrite(t, filepath.Join(work, "README.md"), "local edit\n")
				return work, func() { e.Git(work, "checkout", "--", "README.md") }
			}},
		{name: "branch exists locally", args: []string{"already here"}, wantErr: "branch hotfix/already-here already exists: continue it with git switch hotfix/already-here"},
		{name: "branch exists on the remote", args: []string{"on the remote"}, wantErr: "branch hotfix/on-the-remote already exists on origin"},
		{name: "base missing", args: []string{"some fix", "--base", "nope"}, wantErr: `base branch "nope" does not exist in monalisa/bank`},
		{name: "description slugs to nothing", args: []string{"🔥🔥 !!"}, wantErr: `cannot name a branch after "🔥🔥 !!": it has no letters or digits; name the branch with --name`},
		{name: "issue missing", args: []string{"-i", "99"}, wantErr: "issue #99 not found in monalisa/bank"},
		{name: "not inside a git checkout", args: []string{"some fix", "-R", "monalisa/bank"}, wantErr: "not inside a git checkout",
			setup: func(t *testing.T) (string, func()) { return t.TempDir(), func() {} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, undo := work, func() {}
			if tt.setup != nil {
				dir, undo = tt.setup(t)
			}
			defer undo()
			before := e.Snapshot(work, "bank")
			r := e.Hotfix(dir, append([]string{"create"}, tt.args...)...)
			assertRefused(t, r, tt.wantErr)
			if after := e.Snapshot(work, "bank"); after != before {
				t.Errorf("refused create changed the repository:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}

	// Each case makes main's tip unreleasable in one way and repairs it afterwards,
	// so the cases do not lean on each other.
	unreleasable := []struct {
		name string
		fail func() (repair func())
	}{
		{"failing check run", func() func() {
			_, out := e.API("POST", "/repos/monalisa/bank/check-runs", map[string]any{"name": "ci", "head_sha": tip, "status": "completed", "conclusion": "failure"})
			id := int64(out.(map[string]any)["id"].(float64))
			return func() {
				e.API("PATCH", "/repos/monalisa/bank/check-runs/"+strconv.FormatInt(id, 10), map[string]any{"status": "completed", "conclusion": "success"})
			}
		}},
		{"failing commit status", func() func() {
			e.API("POST", "/repos/monalisa/bank/statuses/"+tip, map[string]any{"state": "failure", "context": "deploy-check"})
			return func() {
				e.API("POST", "/repos/monalisa/bank/statuses/"+tip, map[string]any{"state": "success", "context": "deploy-check"})
			}
		}},
	}
	for _, u := range unreleasable {
		t.Run(u.name, func(t *testing.T) {
			defer u.fail()()
			before := e.Snapshot(work, "bank")
			r := e.Hotfix(work, "create", "urgent "+u.name)
			assertRefused(t, r, "main is not releasable: its latest commit "+tip[:7]+" has failing checks")
			if !strings.Contains(r.Stderr, "--force") {
				t.Errorf("refusal does not mention --force: %s", r.Stderr)
			}
			if after := e.Snapshot(work, "bank"); after != before {
				t.Errorf("refused create changed the repository:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			r = e.Hotfix(work, "create", "urgent "+u.name, "--force")
			if r.Code != 0 {
				t.Fatalf("--force: exit %d: %s", r.Code, r.Stderr)
			}
			if !strings.Contains(r.Stderr, "continuing because of --force") {
				t.Errorf("--force gave no warning: %s", r.Stderr)
			}
			e.Git(work, "switch", "-q", "main")
		})
	}
}

func assertRefused(t *testing.T, r harness.Result, wantErr string) {
	t.Helper()
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if len(lines) != 1 {
		t.Errorf("stderr has %d lines, want one:\n%s", len(lines), r.Stderr)
	}
	if !strings.Contains(r.Stderr, wantErr) {
		t.Errorf("stderr %q does not say %q", r.Stderr, wantErr)
	}
	if r.Stdout != "" {
		t.Errorf("a refusal printed on stdout: %q", r.Stdout)
	}
}

func TestCreateWithoutToken(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("vault", nil)
	before := e.Snapshot(work, "vault")
	r := e.RunInEnv(work, []string{"GH_TOKEN=", "GITHUB_TOKEN="}, "gh", "hotfix", "create", "some fix")
	if r.Code != 4 {
		t.Fatalf("exit %d, want 4\nstderr: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "gh auth login") {
		t.Errorf("no advice to log in: %s", r.Stderr)
	}
	if after := e.Snapshot(work, "vault"); after != before {
		t.Errorf("create without a token changed the repository")
	}

	// No terminal: a missing description is an error, never a prompt.
	r = e.RunInEnv(work, []string{"GH_PROMPT_DISABLED="}, "gh", "hotfix", "create")
	if r.Code != 1 || !strings.Contains(r.Stderr, "required when not running interactively") {
		t.Errorf("create without a description and no terminal: exit %d: %s", r.Code, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(work, ".git")); err != nil {
		t.Fatal(err)
	}
}

// TestCreatePendingAndMissingChecks: pending checks warn, no checks at all is a note; both create.
func TestCreatePendingAndMissingChecks(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("notes", nil)
	r := e.Hotfix(work, "create", "no checks yet")
	if r.Code != 0 || !strings.Contains(r.Stderr, "has no checks at all") {
		t.Fatalf("no checks: exit %d: %s", r.Code, r.Stderr)
	}
	e.Git(work, "switch", "-q", "main")
	tip := e.Git(work, "rev-parse", "HEAD")
	e.API("POST", "/repos/monalisa/notes/check-runs", map[string]any{"name": "ci", "head_sha": tip, "status": "in_progress"})
	r = e.Hotfix(work, "create", "while ci runs")
	if r.Code != 0 || !strings.Contains(r.Stderr, "checks on main are still running (ci)") {
		t.Fatalf("pending checks: exit %d: %s", r.Code, r.Stderr)
	}
}

// TestCreateBranchNameClashes: a name GitHub cannot take for this hotfix is
// refused before anything changes, in one line that never offers someone
// else's branch: another hotfix whose description cuts to the same name, a
// branch that collides as a path ("hotfix" vs "hotfix/x", "hotfix/db/primary"
// vs "hotfix/db"), in the clone or on GitHub. The user's own branch is offered.
func TestCreateBranchNameClashes(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
	work := e.CreateRepo("clash", nil)
	e.AddCollaborator("clash", "hubot")

	// hubot's hotfix: a long description, cut at 60 characters to a name that
	// a different description cuts to as well.
	theirs := "Checkout fails with a server error when the basket holds more than one hundred items"
	mine := "Checkout fails with a server error when the basket holds more than one hundred coupons"
	branch, err := hotfix.BranchName("hotfix/", theirs)
	if other, _ := hotfix.BranchName("hotfix/", mine); err != nil || other != branch {
		t.Fatalf("the descriptions must cut to one name: %q and %q (%v)", branch, other, err)
	}
	e.Git(work, "switch", "-q", "-c", "theirs")
	harnessWrite(t, filepath.Join(work, "basket.txt"), "their fix\n")
	e.Git(work, "add", "-A")
	e.Git(work, "-c", "user.name=Hubot", "-c", "user.email=hubot@users.noreply.github.localhost", "commit", "-q", "-m", "Their fix")
	e.Git(work, "push", "-q", "origin", "theirs:refs/heads/"+branch)
	e.Git(work, "switch", "-q", "main")
	e.Git(work, "branch", "-q", "-D", "theirs")
	if code, out := e.APIAs("hubot-token", "POST", "/repos/monalisa/clash/pulls",
		map[string]any{"title": "Hotfix: " + theirs, "head": branch, "base": "main"}); code != 201 {
		t.Fatalf("hubot's pull request: %d %v", code, out)
	}
	// Branches that collide with names as paths.
	e.Git(work, "push", "-q", "origin", "main:refs/heads/hotfix/db/primary")
	other := e.CreateRepo("clash-prefix", nil)
	e.Git(other, "push", "-q", "origin", "main:refs/heads/hotfix")

	tests := []struct {
		name    string
		dir     string
		repo    string
		setup   func() (undo func())
		args    []string
		wantErr string
	}{
		{name: "another hotfix cut to the same name", dir: work, repo: "clash", args: []string{mine},
			wantErr: "branch " + branch + " already exists on origin for another hotfix: #1 \"Hotfix: " + theirs + "\" by @hubot; name this hotfix with --name " + strings.TrimPrefix(branch, "hotfix/") + "-2"},
		{name: "a branch under the name on GitHub", dir: work, repo: "clash", args: []string{"database down", "--name", "db"},
			wantErr: "branch hotfix/db cannot be created: hotfix/db/primary exists on origin (git stores branches as paths); name this hotfix with --name db-2"},
		{name: "a branch named as the prefix on GitHub", dir: other, repo: "clash-prefix", args: []string{"anything"},
			wantErr: "branch hotfix exists on origin, so no hotfix branch under hotfix/ can be created (git stores branches as paths): rename it (gh api -X POST repos/monalisa/clash-prefix/branches/hotfix/rename -f new_name=hotfix-old), or set another branch_prefix in .github/hotfix.yml"},
		{name: "a branch named as the prefix in the clone", dir: work, repo: "clash", args: []string{"anything"},
			setup: func() func() {
				e.Git(work, "branch", "-q", "hotfix")
				return func() { e.Git(work, "branch", "-q", "-D", "hotfix") }
			},
			wantErr: "branch hotfix exists in this clone, so no hotfix branch under hotfix/ can be created (git stores branches as paths): rename it (git branch -m hotfix hotfix-old)"},
		{name: "another hotfix of this clone cut to the same name", dir: work, repo: "clash", args: []string{mine},
			setup: func() func() {
				e.Git(work, "branch", "-q", branch)
				e.Git(work, "config", "branch."+branch+".hotfix-description", theirs)
				return func() { e.Git(work, "branch", "-q", "-D", branch) }
			},
			wantErr: "branch " + branch + " already exists in this clone for another hotfix (\"" + theirs + "\"): name this one with --name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				defer tt.setup()()
			}
			before := e.Snapshot(tt.dir, tt.repo)
			e.ClearRequests()
			r := e.Hotfix(tt.dir, append([]string{"create"}, tt.args...)...)
			assertRefused(t, r, tt.wantErr)
			if strings.Contains(r.Stderr, "git switch") {
				t.Errorf("the refusal offers a branch that is not the user's: %s", r.Stderr)
			}
			assertNothingChanged(t, e, "a refused create")
			if after := e.Snapshot(tt.dir, tt.repo); after != before {
				t.Errorf("refused create changed the repository:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}

	// The name the refusal proposes works.
	if r := e.Hotfix(work, "create", mine, "--name", strings.TrimPrefix(branch, "hotfix/")+"-2", "--push"); r.Code != 0 {
		t.Fatalf("create with the proposed name: exit %d: %s", r.Code, r.Stderr)
	}
	// The user's own branch, pushed with a commit, is offered to continue.
	harnessWrite(t, filepath.Join(work, "coupons.txt"), "my fix\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "My fix")
	e.Git(work, "push", "-q")
	e.Git(work, "switch", "-q", "main")
	e.Git(work, "branch", "-q", "-D", branch+"-2")
	r := e.Hotfix(work, "create", "--name", strings.TrimPrefix(branch, "hotfix/")+"-2", mine)
	assertRefused(t, r, "branch "+branch+"-2 already exists on origin: continue it with git fetch origin "+branch+"-2 && git switch "+branch+"-2, then gh hotfix ship")
}

// TestCreateFollowsTheBaseBranchConfig: a checkout without .github/hotfix.yml uses the
// base branch's copy, read in create's one query; only a copy that changes what the
// query asked (here the branch prefix) costs a second one.
func TestCreateFollowsTheBaseBranchConfig(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := e.CreateRepo("shop", nil)
	other := e.Clone("shop")
	for _, tt := range []struct {
		config, desc, branch string
		requests             int
	}{
		{"label: urgent\n", "Login 500", "hotfix/login-500", 1},
		{"branch_prefix: fix/\n", "Signup 500", "fix/signup-500", 2},
	} {
		harnessWrite(t, filepath.Join(other, ".github", "hotfix.yml"), tt.config)
		e.Git(other, "add", "-A")
		e.Git(other, "commit", "-q", "-m", "Configure gh hotfix")
		e.Git(other, "push", "-q", "origin", "main")
		e.Git(work, "checkout", "-q", "main")

		e.ClearRequests()
		r := e.Hotfix(work, "create", tt.desc)
		if r.Code != 0 || strings.TrimSpace(r.Stdout) != tt.branch {
			t.Fatalf("create with main's %q: exit %d, %q, want %s\n%s", tt.config, r.Code, r.Stdout, tt.branch, r.Stderr)
		}
		api, _, _ := e.RequestCounts()
		total := 0
		for _, n := range api {
			total += n
		}
		if total != tt.requests {
			t.Errorf("create with main's %q: %d API requests %v, want %d", tt.config, total, api, tt.requests)
		}
	}
}
