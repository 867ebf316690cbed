package revert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/gittest"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestNewCmdRevert(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		want    RevertOptions
		wantErr string
	}{
		{args: []string{"42"}, want: RevertOptions{Pull: hotfix.PullRef{Number: 42}, Arg: "42"}},
		{args: []string{"#42", "--push", "--name", "undo-login"}, want: RevertOptions{Pull: hotfix.PullRef{Number: 42}, Arg: "#42", Push: true, Name: "undo-login"}},
		{args: []string{"https://github.com/acme/shop/pull/7", "--dry-run", "-R", "acme/shop"},
			want: RevertOptions{Pull: hotfix.PullRef{Number: 7, Host: "github.com", Owner: "acme", Repo: "shop"}, Arg: "https://github.com/acme/shop/pull/7", DryRun: true, Repo: "acme/shop"}},
		{args: nil, wantErr: "a pull request number or URL is required"},
		{args: []string{"1", "2"}, wantErr: "too many arguments"},
		{args: []string{"login"}, wantErr: `"login" is not a pull request`},
		{args: []string{"1", "--name", "Undo Login"}, wantErr: "`--name`: invalid"},
		{args: []string{"1", "--name", " "}, wantErr: "must not be blank"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *RevertOptions
			cmd := NewCmdRevert(&command.Factory{IOStreams: ios}, func(_ context.Context, o *RevertOptions) error { got = o; return nil })
			err := cmd.Execute(context.Background(), tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// fixture is a clone whose origin (https://github.com/acme/shop.git, rewritten
// by insteadOf to a local bare repository) has main with a merged pull request.
type fixture struct {
	*gittest.Repo
	dir, bare string
	env       []string
}

func (fx *fixture) git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return fx.Git(t, dir, args...)
}

func (fx *fixture) commit(t *testing.T, file, content, msg string) string {
	t.Helper()
	return fx.Commit(t, file, content, msg)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	r := gittest.New(t, "https://github.com/acme/shop.git")
	return &fixture{Repo: r, dir: r.Dir, bare: r.Bare, env: r.Env}
}

func (fx *fixture) snapshot(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	for _, args := range [][]string{{"for-each-ref"}, {"status", "--porcelain", "--untracked-files=all"}, {"rev-parse", "HEAD"}, {"config", "--local", "--list"}, {"worktree", "list"}} {
		b.WriteString(fx.git(t, fx.dir, args...) + "\n")
	}
	return b.String()
}

// TestRevertIn reverts each kind of merge in a temporary worktree, real git:
// the branch's tree is the base's before the merge, and the checkout is
// untouched; a conflict and an empty revert are outcomes.
func TestRevertIn(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	base := fx.git(t, fx.dir, "rev-parse", "HEAD")
	// A merge commit of a branch with two commits.
	fx.git(t, fx.dir, "switch", "-q", "-c", "topic")
	fx.commit(t, "b.txt", "b\n", "add b")
	fx.commit(t, "a.txt", "a\nmore\n", "change a")
	fx.git(t, fx.dir, "switch", "-q", "main")
	fx.git(t, fx.dir, "merge", "-q", "--no-ff", "-m", "Merge topic", "topic")
	merge := fx.git(t, fx.dir, "rev-parse", "HEAD")
	// Two commits as a rebase puts them.
	r1 := fx.commit(t, "c.txt", "c\n", "add c")
	r2 := fx.commit(t, "c.txt", "c\nc2\n", "change c")
	// A change undone since.
	fx.commit(t, "e.txt", "e\n", "add e")
	undone := fx.commit(t, "e.txt", "E\n", "change e")
	fx.commit(t, "e.txt", "e\n", "change e back")
	// A commit whose message skips CI: its revert's must not.
	skipped := fx.commit(t, "f.txt", "f\n", "Add f [skip ci]")
	// A squashed commit.
	squash := fx.commit(t, "d.txt", "d\n", "add d (#3)")
	// A later change to d.txt, which the squashed commit's revert conflicts with.
	fx.commit(t, "d.txt", "d changed\n", "change d")
	tip := fx.git(t, fx.dir, "rev-parse", "HEAD")
	g := &git.Client{Dir: fx.dir, Env: fx.env}
	before := fx.snapshot(t)

	for _, tt := range []struct {
		name     string
		commits  []string
		mainline int
		want     string // the tree of this revision, with HEAD's later changes
		wantDiff string // git diff --stat of tip..result
	}{
		{"rebased commits, newest first", []string{r2, r1}, 0, "", "c.txt"},
		{"merge commit", []string{merge}, 1, "", "a.txt b.txt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := revertIn(ctx, g, tip, tt.commits, tt.mainline)
			got := res.tip
			if err != nil || got == "" || len(res.files) > 0 {
				t.Fatalf("revertIn: %+v, %v", res, err)
			}
			files := strings.Fields(fx.git(t, fx.dir, "diff", "--name-only", tip, got))
			if strings.Join(files, " ") != tt.wantDiff {
				t.Errorf("the revert changes %v, want %s", files, tt.wantDiff)
			}
			if n := fx.git(t, fx.dir, "rev-list", "--count", tip+".."+got); n != "1" && len(tt.commits) == 1 || n != "2" && len(tt.commits) == 2 {
				t.Errorf("%s commits, want one revert per commit", n)
			}
		})
	}
	// The reverted merge commit leaves a.txt and b.txt as the base had them.
	res, _ := revertIn(ctx, g, tip, []string{merge}, 1)
	if d := fx.git(t, fx.dir, "diff", base, res.tip, "--", "a.txt", "b.txt"); d != "" {
		t.Errorf("after reverting the merge, a.txt and b.txt differ from the base:\n%s", d)
	}

	t.Run("a message that skips CI", func(t *testing.T) {
		res, err := revertIn(ctx, g, tip, []string{skipped}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if msg := fx.git(t, fx.dir, "log", "-1", "--format=%B", res.tip); msg != "Revert \"Add f\"\n\nThis reverts commit "+skipped+"." {
			t.Errorf("the revert's message %q still skips CI, or lost git's words", msg)
		}
	})

	t.Run("conflict: committed with its markers, the rest left", func(t *testing.T) {
		res, err := revertIn(ctx, g, tip, []string{squash, r2, r1}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(res.files, ",") != "d.txt" || strings.Join(res.left, ",") != r2+","+r1 || res.tip == "" {
			t.Fatalf("%+v; want the conflict in d.txt committed, r2 and r1 left", res)
		}
		if msg := fx.git(t, fx.dir, "log", "-1", "--format=%s", res.tip); msg != `Revert "add d (#3)" (conflicts to resolve)` {
			t.Errorf("the conflict's commit: %q", msg)
		}
		if st := fx.git(t, fx.dir, "diff", "--name-status", tip, res.tip); st != "" {
			t.Errorf("d.txt, modified since, should stay as the base has it for the person resolving (modify/delete): %q", st)
		}
	})
	t.Run("undone since: empty", func(t *testing.T) {
		res, err := revertIn(ctx, g, tip, []string{undone}, 0)
		got := res.tip
		if err != nil || got != "" {
			t.Errorf("reverting again: %q, %v; want nothing to revert", got, err)
		}
	})
	if after := fx.snapshot(t); after != before {
		t.Errorf("revertIn changed the checkout:\n%s\n---\n%s", before, after)
	}
}

// pullJSON is the pull request as the HotfixRevert query answers it.
func pullJSON(state, base, merge string, parents int) map[string]any {
	p := map[string]any{"id": "PR_7", "number": 7, "title": "Hotfix: Fix login", "url": "https://github.com/acme/shop/pull/7", "state": state, "baseRefName": base,
		"commits": map[string]any{"totalCount": 1, "nodes": []any{map[string]any{"commit": map[string]any{"oid": "c1", "messageHeadline": "Fix login", "authoredDate": "2026-11-30T00:00:00Z"}}}}}
	if merge != "" {
		p["mergeCommit"] = map[string]any{"oid": merge, "parents": map[string]any{"totalCount": parents}, "history": map[string]any{"nodes": []any{}}}
	}
	return p
}

func factsAnswer(tip string, pull map[string]any) map[string]any {
	return map[string]any{"data": map[string]any{"repository": map[string]any{
		"defaultBranchRef": map[string]any{"name": "main", "target": map[string]any{"oid": tip,
			"statusCheckRollup": map[string]any{"state": "SUCCESS", "contexts": map[string]any{"totalCount": 1, "nodes": []any{}}}}},
		"pull": pull, "branchRulesets": map[string]any{"nodes": []any{}}}}}
}

func testFactory(t *testing.T, fx *fixture, reg *httpmock.Registry) (*command.Factory, *bytes.Buffer, *bytes.Buffer) {
	ios, _, stdout, stderr := iostreams.Test()
	return &command.Factory{
		IOStreams: ios,
		Git:       func() (*git.Client, error) { return &git.Client{Dir: fx.dir, Env: fx.env}, nil },
		BaseRepo: func(string) (repository.Repository, error) {
			return repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, nil
		},
		HTTPClient: func(string) (*http.Client, error) { return &http.Client{Transport: reg}, nil },
		Now:        func() time.Time { return time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC) },
		Getenv:     func(string) string { return "" },
		// GitHub is the local bare repository, for git's fetches and pushes only
		// (the remote's URL still names acme/shop).
		GitAuth: func(string, ...string) []string {
			return []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=url." + fx.bare + ".insteadOf", "GIT_CONFIG_VALUE_0=https://github.com/acme/shop.git"}
		},
	}, stdout, stderr
}

// TestRunRefuses: a pull request revert cannot undo is refused with one line
// after the one request, before anything changes.
func TestRunRefuses(t *testing.T) {
	fx := newFixture(t)
	fx.git(t, fx.dir, "push", "-q", "origin", "main")
	tip := fx.git(t, fx.dir, "rev-parse", "HEAD")
	for _, tt := range []struct {
		name    string
		arg     string
		pull    map[string]any
		wantErr string
	}{
		{"open", "7", pullJSON("OPEN", "main", "", 0), "pull request #7 is open: revert undoes a pull request merged into main; close it instead (gh pr close 7)"},
		{"closed", "7", pullJSON("CLOSED", "main", "", 0), "pull request #7 was closed without being merged: there is nothing of it to revert"},
		{"missing", "7", nil, "acme/shop has no pull request #7: check the number (gh pr list --state merged)"},
		{"other base", "7", pullJSON("MERGED", "release/v1", "m", 1), "pull request #7 was merged into release/v1, not into main"},
		{"other repository", "https://github.com/acme/other/pull/7", nil, "https://github.com/acme/other/pull/7 is a pull request of acme/other, and revert works on acme/shop here"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := httpmock.New(t)
			if tt.name != "other repository" {
				reg.Register(httpmock.GraphQL("HotfixRevert"), httpmock.JSON(200, factsAnswer(tip, tt.pull)))
			}
			f, stdout, _ := testFactory(t, fx, reg)
			before := fx.snapshot(t)
			cmd := NewCmdRevert(f, nil)
			err := cmd.Execute(context.Background(), []string{tt.arg})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line saying %q", err, tt.wantErr)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout %q", stdout)
			}
			if after := fx.snapshot(t); after != before {
				t.Errorf("a refused revert changed the clone:\n%s\n---\n%s", before, after)
			}
		})
	}
}

// TestRunReverts: a squash-merged pull request is reverted on a new branch at
// the fetched base, checked out, with what ship needs recorded; two requests
// (the facts, then the branch's name) and one fetch.
func TestRunReverts(t *testing.T) {
	fx := newFixture(t)
	squash := fx.commit(t, "login.txt", "fixed\n", "Fix login (#7)")
	fx.git(t, fx.dir, "push", "-q", "origin", "main")
	fx.git(t, fx.dir, "reset", "-q", "--hard", "HEAD^") // a stale local main: the branch starts at the fetched one
	fx.git(t, fx.dir, "update-ref", "-d", "refs/remotes/origin/main")
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL("HotfixRevert"), httpmock.JSON(200, factsAnswer(squash, pullJSON("MERGED", "main", squash, 1))))
	reg.Register(httpmock.GraphQL("HotfixBranchUse"), httpmock.JSON(200, map[string]any{"data": map[string]any{
		"useViewer": map[string]any{"login": "me"}, "use": map[string]any{"branch": nil, "below": map[string]any{"nodes": []any{}}}}}))
	f, stdout, stderr := testFactory(t, fx, reg)
	if err := NewCmdRevert(f, nil).Execute(context.Background(), []string{"7"}); err != nil {
		t.Fatalf("revert: %v\n%s", err, stderr)
	}
	const branch = "hotfix/revert-7-fix-login"
	if got := strings.TrimSpace(stdout.String()); got != branch {
		t.Errorf("stdout %q, want the branch", got)
	}
	if got := fx.git(t, fx.dir, "branch", "--show-current"); got != branch {
		t.Errorf("on %s, want %s", got, branch)
	}
	if d := fx.git(t, fx.dir, "diff", "--name-status", "origin/main", branch); d != "D\tlogin.txt" {
		t.Errorf("the revert's diff: %q, want login.txt deleted", d)
	}
	if p := fx.git(t, fx.dir, "rev-parse", branch+"^"); p != squash {
		t.Errorf("the branch starts at %s, want the fetched main %s", p, squash)
	}
	m, ok, err := hotfix.LoadMeta(context.Background(), &git.Client{Dir: fx.dir, Env: fx.env}, branch)
	if err != nil || !ok || m.Description != "Revert #7: Fix login" || m.Reverts != 7 || m.RevertsID != "PR_7" || m.Base != "main" || m.Remote != "origin" {
		t.Errorf("meta %+v, %v, %v", m, ok, err)
	}
}

// TestRunDryRun: --dry-run makes the same checks, prints the steps and
// changes nothing (no fetch, no branch, no config).
func TestRunDryRun(t *testing.T) {
	fx := newFixture(t)
	merge := fx.commit(t, "login.txt", "fixed\n", "Merge pull request #7")
	fx.git(t, fx.dir, "push", "-q", "origin", "main")
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL("HotfixRevert"), httpmock.JSON(200, factsAnswer(merge, pullJSON("MERGED", "main", merge, 2))))
	reg.Register(httpmock.GraphQL("HotfixBranchUse"), httpmock.JSON(200, map[string]any{"data": map[string]any{
		"useViewer": map[string]any{"login": "me"}, "use": map[string]any{"branch": nil, "below": map[string]any{"nodes": []any{}}}}}))
	f, stdout, stderr := testFactory(t, fx, reg)
	before := fx.snapshot(t)
	if err := NewCmdRevert(f, nil).Execute(context.Background(), []string{"7", "--dry-run", "--push"}); err != nil {
		t.Fatalf("revert --dry-run: %v\n%s", err, stderr)
	}
	want := "Would fetch main from origin (GitHub says its tip is " + merge[:7] + ")\n" +
		"Would revert #7 (merge commit " + merge[:7] + ") on origin/main in a temporary worktree\n" +
		"Would create branch hotfix/revert-7-fix-login at the revert and switch to it\n" +
		"Would record the description \"Revert #7: Fix login\", the reverted pull request and the base in git config branch.hotfix/revert-7-fix-login.hotfix-*\n" +
		"Would push hotfix/revert-7-fix-login to origin and set it as upstream\n"
	if stdout.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
	if after := fx.snapshot(t); after != before {
		t.Errorf("--dry-run changed the clone:\n%s\n---\n%s", before, after)
	}
}

// TestRunDraftOnConflict: a revert that conflicts is committed with its
// markers, pushed, and opened as a draft pull request that lists the file and
// the commands that finish it; exit 3 (cmderr.AttentionError).
func TestRunDraftOnConflict(t *testing.T) {
	fx := newFixture(t)
	squash := fx.commit(t, "a.txt", "fixed\n", "Fix a (#7)")
	fx.commit(t, "a.txt", "changed since\n", "Change a")
	fx.git(t, fx.dir, "push", "-q", "origin", "main")
	tip := fx.git(t, fx.dir, "rev-parse", "HEAD")
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL("HotfixRevert"), httpmock.JSON(200, factsAnswer(tip, pullJSON("MERGED", "main", squash, 1))))
	reg.Register(httpmock.GraphQL("HotfixBranchUse"), httpmock.JSON(200, map[string]any{"data": map[string]any{
		"useViewer": map[string]any{"login": "me"}, "use": map[string]any{"branch": nil, "below": map[string]any{"nodes": []any{}}}}}))
	reg.Register(httpmock.REST("POST", "repos/acme/shop/pulls"), httpmock.JSON(201, map[string]any{"number": 8, "html_url": "https://github.com/acme/shop/pull/8"}))
	f, stdout, stderr := testFactory(t, fx, reg)
	err := NewCmdRevert(f, nil).Execute(context.Background(), []string{"7"})
	var attention *cmderr.AttentionError
	if !errors.As(err, &attention) || !strings.Contains(err.Error(), "the revert of #7 conflicts with changes made to main since it was merged, in a.txt: opened draft pull request #8") {
		t.Fatalf("error %v, want exit 3 naming the draft\n%s", err, stderr)
	}
	if got := strings.TrimSpace(stdout.String()); got != "https://github.com/acme/shop/pull/8" {
		t.Errorf("stdout %q, want the draft's URL", got)
	}
	var sent map[string]any
	for _, r := range reg.Requests() {
		if r.Method == "POST" && r.GraphQL == nil {
			_ = json.Unmarshal(r.Body, &sent)
		}
	}
	body, _ := sent["body"].(string)
	if sent["draft"] != true || sent["head"] != "hotfix/revert-7-fix-login" || sent["base"] != "main" || sent["title"] != "Hotfix: Revert #7: Fix login" ||
		!strings.Contains(body, "- `a.txt`") || !strings.Contains(body, "git commit -am \"Resolve the conflicts of the revert of #7\"") ||
		strings.Contains(body, "git revert --no-edit") || !strings.Contains(body, "Reverts #7") {
		t.Errorf("the draft: %v", sent)
	}
	if got := fx.git(t, fx.bare, "show", "hotfix/revert-7-fix-login:a.txt"); !strings.Contains(got, "<<<<<<<") {
		t.Errorf("a.txt as pushed has no conflict markers: %q", got)
	}
	if got := fx.git(t, fx.dir, "branch", "--show-current"); got != "hotfix/revert-7-fix-login" {
		t.Errorf("on %s, want the revert's branch", got)
	}
}

// TestRunRevertsOnATerminal: on a terminal revert says what it did and what to
// do next, on stderr; --name names the branch, asked about in the first request.
func TestRunRevertsOnATerminal(t *testing.T) {
	fx := newFixture(t)
	merge := fx.commit(t, "login.txt", "fixed\n", "Merge pull request #7")
	fx.git(t, fx.dir, "push", "-q", "origin", "main")
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL("HotfixRevert"), httpmock.GraphQLQuery(factsAnswer(merge, pullJSON("MERGED", "main", merge, 1)), func(q string, vars map[string]any) {
		if vars["useBranch"] != "refs/heads/hotfix/undo-login" {
			t.Errorf("the first request does not ask about the branch --name gives: %v", vars)
		}
	}))
	f, stdout, stderr := testFactory(t, fx, reg)
	f.IOStreams.SetStdoutTTY(true)
	f.IOStreams.SetStderrTTY(true)
	if err := NewCmdRevert(f, nil).Execute(context.Background(), []string{"7", "--name", "undo-login", "--push"}); err != nil {
		t.Fatalf("revert: %v\n%s", err, stderr)
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout %q, want nothing on a terminal", stdout)
	}
	wantLines := []string{
		"Created hotfix/undo-login from origin/main at " + merge[:7] + " with the revert of #7 (commit " + merge[:7] + "), and switched to it",
		"Pushed hotfix/undo-login to origin",
		"Next: check the revert, then run gh hotfix ship",
	}
	for _, l := range wantLines {
		if !strings.Contains(stderr.String(), l) {
			t.Errorf("stderr does not say %q:\n%s", l, stderr)
		}
	}
	if got := fx.git(t, fx.bare, "rev-parse", "hotfix/undo-login^"); got != merge {
		t.Errorf("pushed branch starts at %s, want %s", got, merge)
	}
}

// TestRevertInRemovesStaleWorktrees: a worktree a killed revert left behind
// is removed by the next revert; a recent one (in use) is not.
func TestRevertInRemovesStaleWorktrees(t *testing.T) {
	fx := newFixture(t)
	c := fx.commit(t, "b.txt", "b\n", "add b")
	g := &git.Client{Dir: fx.dir, Env: fx.env}
	old, recent := filepath.Join(t.TempDir(), worktreePrefix+"old"), filepath.Join(t.TempDir(), worktreePrefix+"recent")
	for _, dir := range []string{old, recent} {
		fx.git(t, fx.dir, "worktree", "add", "-q", "--detach", dir, "HEAD")
	}
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if _, err := revertIn(context.Background(), g, c, []string{c}, 0); err != nil {
		t.Fatal(err)
	}
	list := fx.git(t, fx.dir, "worktree", "list")
	if strings.Contains(list, worktreePrefix+"old") || !strings.Contains(list, worktreePrefix+"recent") {
		t.Errorf("worktrees left:\n%s\nwant the stale one removed, the recent one kept", list)
	}
}
