package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// cloneKind is one way people clone a large repository.
type cloneKind struct {
	name string
	args []string // git clone options
	// url, when set, is the clone URL instead of the canonical one.
	url func(e *harness.Env, repo string) string
	// setup runs after the clone and returns the folder to work in.
	setup func(t *testing.T, e *harness.Env, clone, repo string) string
	// check fails the test unless the clone in dir is still of this kind.
	check func(t *testing.T, e *harness.Env, dir string)
}

// cloneKinds are the clones gh hotfix is proven in, end to end.
var cloneKinds = []cloneKind{
	{name: "blobless", args: []string{"--filter=blob:none"}, check: checkPartial("blob:none")},
	{name: "treeless", args: []string{"--filter=tree:0"}, check: checkPartial("tree:0")},
	{name: "shallow", args: []string{"--depth=1"}, check: checkShallow},
	{name: "shallow, base moved past its depth", args: []string{"--depth=1"}, check: checkShallow,
		setup: func(t *testing.T, e *harness.Env, clone, repo string) string {
			// Teammates push three commits to main after the clone was made.
			other := e.Clone(repo)
			for i := 1; i <= 3; i++ {
				harnessWrite(t, filepath.Join(other, fmt.Sprintf("later-%d.txt", i)), "later\n")
				e.Git(other, "add", "-A")
				e.Git(other, "commit", "-q", "-m", fmt.Sprintf("Later work %d", i))
			}
			e.Git(other, "push", "-q", "origin", "main")
			return clone
		}},
	{name: "single-branch", args: []string{"--single-branch"}, check: func(t *testing.T, e *harness.Env, dir string) {
		if got := e.Git(dir, "config", "--get-all", "remote.origin.fetch"); got != "+refs/heads/main:refs/remotes/origin/main" {
			t.Errorf("remote.origin.fetch = %q: no longer a single-branch clone", got)
		}
	}},
	{name: "sparse", args: []string{"--sparse"}, check: func(t *testing.T, e *harness.Env, dir string) {
		if got := e.Git(dir, "config", "core.sparseCheckout"); got != "true" {
			t.Errorf("core.sparseCheckout = %q: sparse checkout is off", got)
		}
		if got := e.Git(dir, "config", "core.sparseCheckoutCone"); got != "true" {
			t.Errorf("core.sparseCheckoutCone = %q: not in cone mode", got)
		}
		if _, err := os.Stat(filepath.Join(dir, "docs", "guide.md")); err == nil {
			t.Errorf("docs/guide.md is checked out: the sparse checkout was widened")
		}
	}},
	{name: "linked worktree", check: checkLinkedWorktree,
		setup: func(t *testing.T, e *harness.Env, clone, repo string) string {
			wt := filepath.Join(e.Dir, "worktree-"+repo)
			e.Git(clone, "worktree", "add", "-q", "--detach", wt, "origin/main")
			return wt
		}},
	{name: "URL without .git", url: func(e *harness.Env, repo string) string {
		return strings.TrimSuffix(e.RemoteURL(repo), ".git")
	}},
	{name: "URL in another case", url: func(e *harness.Env, repo string) string {
		return "http://github.localhost/MonaLisa/" + strings.ToUpper(repo) + ".git"
	}},
}

func checkPartial(filter string) func(t *testing.T, e *harness.Env, dir string) {
	return func(t *testing.T, e *harness.Env, dir string) {
		t.Helper()
		if got := e.Git(dir, "config", "remote.origin.partialclonefilter"); got != filter {
			t.Errorf("remote.origin.partialclonefilter = %q, want %q", got, filter)
		}
		// The old versions of big.dat (and, treeless, the old trees) were never needed:
		// still not fetched.
		objects := e.Git(dir, "rev-list", "--objects", "--all", "--missing=print")
		if missing := strings.Count("\n"+objects, "\n?"); missing < bigHistory {
			t.Errorf("%d objects are missing, want at least the %d old versions of big.dat: all blobs were fetched", missing, bigHistory)
		}
	}
}

func checkShallow(t *testing.T, e *harness.Env, dir string) {
	t.Helper()
	gitDir := e.Git(dir, "rev-parse", "--absolute-git-dir")
	if _, err := os.Stat(filepath.Join(gitDir, "shallow")); err != nil {
		t.Errorf("no longer shallow: %v", err)
	}
	// The repository's first commit lies beyond the clone's depth: never fetched.
	if subjects := e.Git(dir, "log", "--all", "--format=%s"); strings.Contains(subjects, "Initial commit") {
		t.Errorf("the initial commit is here: the whole history was fetched\n%s", subjects)
	}
}

func checkLinkedWorktree(t *testing.T, e *harness.Env, dir string) {
	t.Helper()
	if gitDir, common := e.Git(dir, "rev-parse", "--absolute-git-dir"), e.Git(dir, "rev-parse", "--path-format=absolute", "--git-common-dir"); gitDir == common {
		t.Errorf("%s is not a linked worktree: its git dir is the common one, %s", dir, common)
	}
}

// bigHistory is how many commits follow the initial one on main.
const bigHistory = 4

// bigRepo makes OWNER/repo with some history: big.dat replaced at every commit (so a
// blobless clone has old versions it never needs), a docs folder outside a sparse
// checkout's cone, CI and the release workflow. The label exists and main's tip has a
// green check run, so doctor finds it ready.
func bigRepo(t *testing.T, e *harness.Env, repo string, extra map[string]string) {
	t.Helper()
	files := map[string]string{
		".github/hotfix.yml":       flowConfig,
		".github/workflows/ci.yml": ciWorkflow,
		"docs/guide.md":            "# Guide\n",
		"src/app.txt":              "login = broken\n",
		"big.dat":                  strings.Repeat("version 0\n", 2000),
	}
	for k, v := range extra {
		files[k] = v
	}
	seed := e.CreateRepo(repo, files)
	for i := 1; i <= bigHistory; i++ {
		harnessWrite(t, filepath.Join(seed, "big.dat"), strings.Repeat(fmt.Sprintf("version %d\n", i), 2000))
		e.Git(seed, "commit", "-q", "-am", fmt.Sprintf("Grow big.dat, part %d", i))
	}
	e.Git(seed, "push", "-q", "origin", "main")
	if status, out := e.API("POST", "/repos/monalisa/"+repo+"/labels", map[string]any{"name": "hotfix", "color": "d73a4a"}); status != 201 {
		t.Fatalf("create label: %d %v", status, out)
	}
	checkRun(t, e, repo, seed, "test", "success")
}

// TestCloneKinds runs the whole process — doctor, init, create, ship, release, status —
// in every kind of clone people make of large repositories, and checks on GitHub's side
// that the hotfix shipped, and on the clone's that it is still of its kind.
func TestCloneKinds(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	parent := e.T
	for i, kind := range cloneKinds {
		t.Run(kind.name, func(t *testing.T) {
			// The harness's helpers fail the subtest that calls them.
			e.T = t
			defer func() { e.T = parent }()
			repo := fmt.Sprintf("large-%d", i)
			bigRepo(t, e, repo, nil)
			url := e.RemoteURL(repo)
			if kind.url != nil {
				url = kind.url(e, repo)
			}
			dir := e.CloneURL(url, kind.args...)
			if kind.setup != nil {
				dir = kind.setup(t, e, dir, repo)
			}
			if kind.check != nil {
				kind.check(t, e, dir)
			}

			if r := e.Hotfix(dir, "doctor"); r.Code != 0 {
				t.Errorf("doctor: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
			}
			if r := e.Hotfix(dir, "init", "--dry-run"); r.Code != 0 || !strings.Contains(r.Stdout, `workflow: "release.yml"`) {
				t.Errorf("init --dry-run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
			}
			// The config exists: init refuses, also where a sparse checkout leaves it out.
			before := e.Snapshot(dir, repo)
			r := e.Hotfix(dir, "init")
			if kind.name == "sparse" {
				assertRefused(t, r, ".github/hotfix.yml is in the repository but outside this sparse checkout: run git sparse-checkout add .github first")
			} else {
				assertRefused(t, r, ".github/hotfix.yml already exists")
			}
			if after := e.Snapshot(dir, repo); after != before {
				t.Errorf("a refused init changed something:\n%s\n---\n%s", before, after)
			}
			r = e.Hotfix(dir, "create", "login broken")
			if r.Code != 0 || strings.TrimSpace(r.Stdout) != "hotfix/login-broken" {
				t.Fatalf("create: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
			}
			harnessWrite(t, filepath.Join(dir, "fix.txt"), "login = fixed\n")
			e.Git(dir, "add", "fix.txt")
			e.Git(dir, "commit", "-q", "-m", "Fix the login")

			e.Control("POST", "repos/monalisa/"+repo+"/reviewer", map[string]any{"after_ms": 200, "label": "hotfix"})
			e.Control("POST", "repos/monalisa/"+repo+"/auto-runs", map[string]any{"after_ms": 200, "conclusion": "success"})
			r = e.Hotfix(dir, "ship", "--watch", "--interval", "50ms")
			if r.Code != 0 {
				t.Fatalf("ship --watch: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
			}

			// GitHub's side: one merged, labelled PR, the fix on main, one successful release.
			prs := pullsOf(t, e, repo)
			if len(prs) != 1 || !prs[0].Merged || prs[0].Base.Ref != "main" || prs[0].Head.Ref != "hotfix/login-broken" || prs[0].labels() != "hotfix" {
				t.Errorf("pull requests: %+v", prs)
			}
			if got := fileAt(t, e, repo, "fix.txt", "main"); got != "login = fixed\n" {
				t.Errorf("fix.txt on main = %q", got)
			}
			_, out := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs?event=workflow_dispatch", nil)
			runs, _ := out.(map[string]any)["workflow_runs"].([]any)
			if len(runs) != 1 {
				t.Fatalf("%d release runs, want 1: %s", len(runs), jsonString(out))
			}
			run := runs[0].(map[string]any)
			if run["path"] != ".github/workflows/release.yml" || run["head_branch"] != "main" || run["conclusion"] != "success" {
				t.Errorf("release run: %s", jsonString(run))
			}
			st := e.Hotfix(dir, "status", "--state", "merged", "--json", "number,release")
			var rows []struct {
				Number  int
				Release *struct{ Conclusion string }
			}
			if err := json.Unmarshal([]byte(st.Stdout), &rows); err != nil || len(rows) != 1 || rows[0].Release == nil || rows[0].Release.Conclusion != "success" {
				t.Errorf("status --state merged: exit %d, %v\n%s%s", st.Code, err, st.Stdout, st.Stderr)
			}

			if kind.check != nil {
				kind.check(t, e, dir)
			}
		})
	}
}

// TestCloneKindsExceptional runs the exceptional process — create --from-tag, ship on
// the maintenance line, the hotfix release and the forward-port to main — in every kind
// of clone. In a shallow clone the release tag lies beyond the clone's depth.
func TestCloneKindsExceptional(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	parent := e.T
	for i, kind := range cloneKinds {
		t.Run(kind.name, func(t *testing.T) {
			// The harness's helpers fail the subtest that calls them.
			e.T = t
			defer func() { e.T = parent }()
			repo := fmt.Sprintf("line-%d", i)
			bigRepo(t, e, repo, map[string]string{
				".github/hotfix.yml":           flowConfig + exceptionalConfig,
				".github/workflows/hotfix.yml": release.HotfixWorkflow,
				"app.txt":                      "version = 1.4\nlogin = broken\n",
			})
			if status, out := e.API("POST", "/repos/monalisa/"+repo+"/releases", map[string]any{"tag_name": "v1.4.0", "target_commitish": "main"}); status != 201 {
				t.Fatalf("release v1.4.0: %d %v", status, out)
			}
			// Unfinished work lands on main, and fails its checks.
			seed := e.Clone(repo)
			for j := 1; j <= 3; j++ {
				harnessWrite(t, filepath.Join(seed, fmt.Sprintf("feature-%d.txt", j)), "unfinished\n")
				e.Git(seed, "add", "-A")
				e.Git(seed, "commit", "-q", "-m", fmt.Sprintf("Unfinished feature, part %d", j))
			}
			e.Git(seed, "push", "-q", "origin", "main")
			tip := e.Git(seed, "rev-parse", "HEAD")
			if status, out := e.API("POST", "/repos/monalisa/"+repo+"/statuses/"+tip, map[string]any{"state": "failure", "context": "ci"}); status != 201 {
				t.Fatalf("failing status: %d %v", status, out)
			}

			url := e.RemoteURL(repo)
			if kind.url != nil {
				url = kind.url(e, repo)
			}
			dir := e.CloneURL(url, kind.args...)
			if kind.setup != nil {
				dir = kind.setup(t, e, dir, repo)
			}
			r := e.Hotfix(dir, "create", "login page 500", "--from-tag", "v1.4.0")
			if r.Code != 0 || strings.TrimSpace(r.Stdout) != "hotfix/login-page-500" {
				t.Fatalf("create --from-tag: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
			}
			if said := strings.Contains(r.Stderr, "This shallow clone lacks v1.4.0"); said != strings.HasPrefix(kind.name, "shallow") {
				t.Errorf("create --from-tag in a %s clone; stderr:\n%s", kind.name, r.Stderr)
			}
			if got := readFile(t, filepath.Join(dir, "app.txt")); got != "version = 1.4\nlogin = broken\n" {
				t.Fatalf("app.txt at the tag = %q", got)
			}
			harnessWrite(t, filepath.Join(dir, "app.txt"), "version = 1.4\nlogin = fixed\n")
			e.Git(dir, "commit", "-q", "-am", "Fix the login page 500")

			e.Control("POST", "repos/monalisa/"+repo+"/reviewer", map[string]any{"after_ms": 200, "label": "hotfix"})
			e.Control("POST", "repos/monalisa/"+repo+"/auto-runs", map[string]any{"after_ms": 200, "conclusion": "success"})
			r = e.Hotfix(dir, "ship", "--watch", "--interval", "50ms")
			if r.Code != 0 {
				t.Fatalf("ship --watch: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
			}

			prs := pullsOf(t, e, repo)
			var hotfixPR, forwardPR *apiPR
			for i := range prs {
				switch prs[i].Head.Ref {
				case "hotfix/login-page-500":
					hotfixPR = &prs[i]
				case "hotfix/forward-port-login-page-500":
					forwardPR = &prs[i]
				}
			}
			if len(prs) != 2 || hotfixPR == nil || forwardPR == nil {
				t.Fatalf("pull requests: %+v\nship said:\n%s", prs, r.Stderr)
			}
			if hotfixPR.Base.Ref != "release/v1.4" || !hotfixPR.Merged || hotfixPR.labels() != "hotfix" {
				t.Errorf("hotfix PR: base %s, merged %v, labels %s", hotfixPR.Base.Ref, hotfixPR.Merged, hotfixPR.labels())
			}
			// Open, or already merged by the emulated reviewer, who merges what is labelled hotfix.
			if forwardPR.Base.Ref != "main" || (forwardPR.State != "open" && !forwardPR.Merged) || !strings.Contains(forwardPR.labels(), "forward-port") {
				t.Errorf("forward-port PR: base %s, state %s, merged %v, labels %s", forwardPR.Base.Ref, forwardPR.State, forwardPR.Merged, forwardPR.labels())
			}
			if got := fileAt(t, e, repo, "app.txt", "hotfix/forward-port-login-page-500"); got != "version = 1.4\nlogin = fixed\n" {
				t.Errorf("app.txt on the forward-port branch = %q, want the fix", got)
			}
			if got := fileAt(t, e, repo, "feature-3.txt", "hotfix/forward-port-login-page-500"); got == "" {
				t.Errorf("the forward-port branch does not start from main's tip")
			}
			if got := fileAt(t, e, repo, "app.txt", "release/v1.4"); got != "version = 1.4\nlogin = fixed\n" {
				t.Errorf("app.txt on release/v1.4 = %q, want the fix", got)
			}
			_, out := e.API("GET", "/repos/monalisa/"+repo+"/actions/runs?event=workflow_dispatch", nil)
			runs, _ := out.(map[string]any)["workflow_runs"].([]any)
			if len(runs) != 1 {
				t.Fatalf("%d runs, want 1: %s", len(runs), jsonString(out))
			}
			run := runs[0].(map[string]any)
			if run["path"] != ".github/workflows/hotfix.yml" || run["head_branch"] != "release/v1.4" || run["conclusion"] != "success" ||
				jsonString(run["inputs"]) != `{"environment":"production","tag":"v1.4.1"}` {
				t.Errorf("hotfix run: %s", jsonString(run))
			}
			if kind.check != nil {
				kind.check(t, e, dir)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShallowForwardPortDeepens: a shallow clone whose history stops at the merge
// commit of the hotfix (here, fetched again with --depth=1 after the merge) still
// forward-ports it correctly: ship fetches the merge commit's parents only, and says so.
func TestShallowForwardPortDeepens(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work, _ := unreleasableRepo(t, e, "deep", true)
	dir := e.CloneURL(e.RemoteURL("deep"), "--depth=1")
	if r := e.Hotfix(dir, "create", "login page 500", "--from-tag", "v1.4.0"); r.Code != 0 {
		t.Fatalf("create --from-tag: exit %d: %s", r.Code, r.Stderr)
	}
	harnessWrite(t, filepath.Join(dir, "app.txt"), "version = 1.4\nlogin = fixed\n")
	e.Git(dir, "commit", "-q", "-am", "Fix the login page 500")
	if r := e.Hotfix(dir, "ship", "--no-wait"); r.Code != 0 {
		t.Fatalf("ship --no-wait: exit %d: %s", r.Code, r.Stderr)
	}
	if status, out := e.API("PUT", "/repos/monalisa/deep/pulls/1/merge", map[string]any{"merge_method": "merge"}); status != 200 {
		t.Fatalf("merge: %d %v", status, out)
	}
	e.Git(dir, "fetch", "-q", "--depth=1", "origin", "+refs/heads/release/v1.4:refs/remotes/origin/release/v1.4")
	if parents := e.Git(dir, "rev-list", "--parents", "-n", "1", "origin/release/v1.4"); strings.Contains(parents, " ") {
		t.Fatalf("the merge commit still has its parents here: %s", parents)
	}
	e.Control("POST", "repos/monalisa/deep/auto-runs", map[string]any{"after_ms": 0, "conclusion": "success"})
	r := e.Hotfix(dir, "ship")
	if r.Code != 0 {
		t.Fatalf("ship: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "This shallow clone lacked the parents of the merge commit") {
		t.Errorf("ship did not say it fetched the merge commit's parents:\n%s", r.Stderr)
	}
	if got := fileAt(t, e, "deep", "app.txt", "hotfix/forward-port-login-page-500"); got != "version = 1.4\nlogin = fixed\n" {
		t.Errorf("app.txt on the forward-port branch = %q, want the fix", got)
	}
	if got := fileAt(t, e, "deep", "feature-2.txt", "hotfix/forward-port-login-page-500"); got == "" {
		t.Errorf("the forward-port branch does not start from main")
	}
	_, cmp := e.API("GET", "/repos/monalisa/deep/compare/main...hotfix/forward-port-login-page-500", nil)
	if files, _ := cmp.(map[string]any)["files"].([]any); len(files) != 1 {
		t.Errorf("the forward-port changes %d files, want app.txt alone: %s", len(files), jsonString(files))
	}
	// main's history behind its tip was never needed: still not here.
	if subjects := e.Git(dir, "log", "--all", "--format=%s"); strings.Contains(subjects, "Unfinished feature, part 1") {
		t.Errorf("main's history was fetched:\n%s", subjects)
	}
	_ = work
}
