package git

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCherryPickInWorktree: the forward-port's git verbs, against real git. Work in a
// temporary worktree never touches the clone's checkout.
func TestCherryPickInWorktree(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c := f.client
	base := f.git(f.work, "rev-parse", "HEAD")
	// A "maintenance" line with three commits: one that applies on main, one already
	// on main, one that conflicts with it.
	f.git(f.work, "switch", "--quiet", "-c", "maint")
	clean := f.commit(f.work, "fix.txt", "fixed\n", "clean fix")
	same := f.commit(f.work, "shared.txt", "same\n", "already on main")
	conflicting := f.commit(f.work, "README.md", "maint says hello\n", "conflicting fix")
	f.git(f.work, "switch", "--quiet", "main")
	f.commit(f.work, "shared.txt", "same\n", "shared change on main")
	mainTip := f.commit(f.work, "README.md", "main says hello\n", "rewrite on main")

	if ok, err := c.HasCommit(ctx, clean); err != nil || !ok {
		t.Errorf("HasCommit(%s) = %v, %v", clean, ok, err)
	}
	if ok, err := c.HasCommit(ctx, "0123456789012345678901234567890123456789"); err != nil || ok {
		t.Errorf("HasCommit(unknown) = %v, %v", ok, err)
	}
	if got, err := c.RevList(ctx, base+"..maint"); err != nil || !reflect.DeepEqual(got, []string{clean, same, conflicting}) {
		t.Errorf("RevList = %v, %v", got, err)
	}
	if got, err := c.Parents(ctx, clean); err != nil || !reflect.DeepEqual(got, []string{base}) {
		t.Errorf("Parents = %v, %v", got, err)
	}

	dir := filepath.Join(f.dir, "wt")
	if err := c.AddWorktree(ctx, dir, mainTip); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Worktrees(ctx); err != nil || len(got) != 1 || got[0] != dir {
		t.Errorf("Worktrees = %v, %v; want [%s]", got, err, dir)
	}
	wt := c.InDir(dir)
	for _, tc := range []struct {
		commit string
		want   CherryPickResult
	}{{clean, Picked}, {same, Empty}, {conflicting, Conflicted}} {
		got, err := wt.CherryPick(ctx, tc.commit, 0)
		if err != nil || got != tc.want {
			t.Fatalf("CherryPick(%s) = %v, %v; want %v", tc.commit, got, err, tc.want)
		}
		switch got {
		case Empty:
			if err := wt.CherryPickSkip(ctx); err != nil {
				t.Fatal(err)
			}
		case Conflicted:
			if files, err := wt.ConflictedFiles(ctx); err != nil || !reflect.DeepEqual(files, []string{"README.md"}) {
				t.Errorf("ConflictedFiles = %v, %v", files, err)
			}
			if err := wt.CherryPickAbort(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if msg := f.git(dir, "log", "-1", "--format=%B"); msg != "clean fix\n\n(cherry picked from commit "+clean+")" {
		t.Errorf("the picked commit's message: %q", msg)
	}
	if err := wt.CommitEmpty(ctx, "placeholder"); err != nil {
		t.Fatal(err)
	}
	tip, _ := wt.RevParse(ctx, "HEAD")
	if err := c.PushCommit(ctx, "origin", tip, "forward-port"); err != nil {
		t.Fatal(err)
	}
	if got := f.git(f.remote, "rev-parse", "refs/heads/forward-port"); got != tip {
		t.Errorf("pushed %s, want %s", got, tip)
	}
	if err := c.PushCommit(ctx, "origin", mainTip, "forward-port"); err == nil {
		t.Error("PushCommit moved a branch backwards: it must never force")
	}

	// The clone's own checkout is as it was.
	if head := f.git(f.work, "rev-parse", "HEAD"); head != mainTip {
		t.Errorf("HEAD moved to %s", head)
	}
	if st := f.git(f.work, "status", "--porcelain"); st != "" {
		t.Errorf("the checkout changed: %q", st)
	}
	if err := c.RemoveWorktree(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the worktree directory is still there: %v", err)
	}
	if got, _ := c.Worktrees(ctx); len(got) != 0 {
		t.Errorf("worktrees left: %v", got)
	}
}

func TestShallowFetches(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	root := f.git(f.work, "rev-parse", "HEAD")
	f.git(f.work, "tag", "v1.0.0")
	f.git(f.work, "push", "--quiet", "origin", "v1.0.0")
	for i := 1; i <= 4; i++ {
		f.otherClone("later " + strconv.Itoa(i))
	}
	if shallow, err := f.client.IsShallow(ctx); err != nil || shallow {
		t.Errorf("IsShallow in a full clone = %v, %v", shallow, err)
	}
	shallowDir := filepath.Join(f.dir, "shallow")
	f.git(f.dir, "clone", "--quiet", "--depth=2", "file://"+f.remote, shallowDir)
	c := f.client.InDir(shallowDir)
	if shallow, err := c.IsShallow(ctx); err != nil || !shallow {
		t.Fatalf("IsShallow in a --depth=2 clone = %v, %v", shallow, err)
	}
	count := func() string { return f.git(shallowDir, "rev-list", "--count", "--all") }
	if got := count(); got != "2" {
		t.Fatalf("%s commits in a --depth=2 clone", got)
	}

	// The tag lies beyond the clone's depth: only its commit comes.
	if err := c.FetchShallow(ctx, "origin", 1, "refs/tags/v1.0.0:refs/tags/v1.0.0"); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.HasCommit(ctx, root); err != nil || !ok {
		t.Errorf("the tag's commit was not fetched: %v, %v", ok, err)
	}
	if got := count(); got != "3" {
		t.Errorf("%s commits after fetching the tag's tip, want 3 (no history in between)", got)
	}
	// A commit at the shallow boundary, deepened by id: its parent comes.
	boundary := f.git(shallowDir, "rev-parse", "origin/main~1")
	if parents, _ := c.Parents(ctx, boundary); len(parents) != 0 {
		t.Fatalf("the boundary commit has parents %v", parents)
	}
	if err := c.FetchShallow(ctx, "origin", 2, boundary); err != nil {
		t.Fatal(err)
	}
	if parents, err := c.Parents(ctx, boundary); err != nil || len(parents) != 1 {
		t.Errorf("after deepening, the boundary commit has parents %v, %v", parents, err)
	}
	if err := c.FetchShallow(ctx, "--upload-pack=touch /tmp/pwned", 1, "main"); err == nil {
		t.Error("an option as the remote was accepted")
	}
}

func TestOutsideSparseCheckout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.commit(f.work, "docs/guide.md", "guide\n", "add docs")
	f.commit(f.work, "deleted.txt", "x\n", "add a file to delete")
	writeFile(t, f.work, "untracked.txt", "x")
	f.git(f.work, "sparse-checkout", "set", "--cone", "src")
	if _, err := os.Stat(filepath.Join(f.work, "docs", "guide.md")); err == nil {
		t.Fatal("docs/guide.md is still checked out outside the cone")
	}
	os.Remove(filepath.Join(f.work, "deleted.txt"))
	for path, want := range map[string]bool{"docs/guide.md": true, "README.md": false, "deleted.txt": false, "untracked.txt": false, "nowhere.txt": false} {
		if got, err := f.client.OutsideSparseCheckout(ctx, path); err != nil || got != want {
			t.Errorf("OutsideSparseCheckout(%s) = %v, %v; want %v", path, got, err, want)
		}
	}
}

// TestTempWorktree: a temporary worktree is removed by done, and one of ours
// left behind by a killed process is removed once stale; a recent one (another
// process may use it) and anyone else's are left alone.
func TestTempWorktree(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c := f.client
	tip := f.git(f.work, "rev-parse", "HEAD")

	// Left behind: one of ours, old; one of ours, recent; one that is not ours.
	old := filepath.Join(f.dir, "gh-hotfix-test-old")
	recent := filepath.Join(f.dir, "gh-hotfix-test-recent")
	theirs := filepath.Join(f.dir, "their-worktree")
	for _, dir := range []string{old, recent, theirs} {
		if err := c.AddWorktree(ctx, dir, tip); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}

	wt, done, err := c.TempWorktree(ctx, "gh-hotfix-test-", tip)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(f.git(wt.Dir, "rev-parse", "HEAD")); got != tip {
		t.Errorf("the worktree is at %s, want %s", got, tip)
	}
	got, _ := c.Worktrees(ctx)
	if slices.Contains(got, old) || !slices.Contains(got, recent) || !slices.Contains(got, theirs) || !slices.Contains(got, wt.Dir) {
		t.Errorf("worktrees %v: want the stale one of ours gone, the recent one, theirs and the new one kept", got)
	}
	done()
	if got, _ := c.Worktrees(ctx); slices.Contains(got, wt.Dir) {
		t.Errorf("done left the worktree: %v", got)
	}
	if _, err := os.Stat(wt.Dir); !os.IsNotExist(err) {
		t.Errorf("done left the folder %s (%v)", wt.Dir, err)
	}
}

func TestWithoutSkipCI(t *testing.T) {
	for in, want := range map[string]string{
		"Fix login [skip ci]":                     "Fix login",
		"Fix login [CI SKIP]\n\nbody":             "Fix login\n\nbody",
		"Fix [no ci] login":                       "Fix login",
		"Fix login\n\nskip-checks: true":          "Fix login",
		"Fix login [skip actions] [actions skip]": "Fix login",
		"Fix login (#42)":                         "Fix login (#42)",
		"Skip CI flakiness in the login test":     "Skip CI flakiness in the login test",
	} {
		if got := WithoutSkipCI(in); got != want {
			t.Errorf("WithoutSkipCI(%q) = %q, want %q", in, got, want)
		}
	}
}
