package backport

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/gittest"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestNewCmdBackport(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		want    BackportOptions
		wantErr string
	}{
		{args: []string{"42", "--to", "release/v1.4", "--to", "refs/heads/release/v1.3"},
			want: BackportOptions{Pull: hotfix.PullRef{Number: 42}, Arg: "42", To: []string{"release/v1.4", "release/v1.3"}}},
		{args: []string{"#42", "--to-latest", "2", "--auto", "-r", "hubot", "--dry-run"},
			want: BackportOptions{Pull: hotfix.PullRef{Number: 42}, Arg: "#42", Latest: 2, Auto: true, Reviewers: []string{"hubot"}, DryRun: true}},
		{args: []string{"https://github.com/acme/shop/pull/7", "-R", "acme/shop"},
			want: BackportOptions{Pull: hotfix.PullRef{Number: 7, Host: "github.com", Owner: "acme", Repo: "shop"}, Arg: "https://github.com/acme/shop/pull/7", Repo: "acme/shop"}},
		{args: []string{"42"}, want: BackportOptions{Pull: hotfix.PullRef{Number: 42}, Arg: "42"}},
		{args: nil, wantErr: "a pull request number or URL is required"},
		{args: []string{"1", "2"}, wantErr: "too many arguments"},
		{args: []string{"login"}, wantErr: `"login" is not a pull request`},
		{args: []string{"1", "--to-latest", "0"}, wantErr: "invalid `--to-latest` 0"},
		{args: []string{"1", "--to", "a", "--to-latest", "1"}, wantErr: "only one of `--to` or `--to-latest`"},
		{args: []string{"1", "--to", " "}, wantErr: "`--to` needs a branch name"},
		{args: []string{"1", "--to", "a", "--to", "a"}, wantErr: "`--to a` is given twice"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *BackportOptions
			cmd := NewCmdBackport(&command.Factory{IOStreams: ios}, func(_ context.Context, o *BackportOptions) error { got = o; return nil })
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
			if got.Pull != tt.want.Pull || got.Arg != tt.want.Arg || !slices.Equal(got.To, tt.want.To) || got.Latest != tt.want.Latest ||
				got.Auto != tt.want.Auto || got.DryRun != tt.want.DryRun || got.Repo != tt.want.Repo || !slices.Equal(got.Reviewers, tt.want.Reviewers) {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestListPrefixAndLatestLines(t *testing.T) {
	for tmpl, want := range map[string]string{
		"release/v{major}.{minor}":      "release/",
		"maint/{major}.{minor}.x":       "maint/",
		"{major}.{minor}-stable":        "",
		"lines/v{major}/{minor}":        "lines/",
		"support/2024/v{major}.{minor}": "support/2024/",
	} {
		if got := listPrefix(tmpl); got != want {
			t.Errorf("listPrefix(%q) = %q, want %q", tmpl, got, want)
		}
	}
	b := &backporter{opts: &BackportOptions{Latest: 2}, base: "main"}
	listed := []string{"release/v1.2", "release/v1.10", "release/v1.9", "release/notes", "release/v2.0.1", "release/v0.9"}
	if got := b.latestLines(listed); !slices.Equal(got, []string{"release/v1.10", "release/v1.9"}) {
		t.Errorf("latestLines = %v, want the two newest by version", got)
	}
	b.opts.Latest = 9
	if got := b.latestLines(listed); len(got) != 4 {
		t.Errorf("latestLines with room for all = %v, want the four lines", got)
	}
}

func TestFindBackport(t *testing.T) {
	rec := func(of int, line string) string { return hotfix.Backport{Of: of, Line: line}.Encode() }
	pulls := []github.ForwardPull{
		{Number: 1, State: "CLOSED", BaseRefName: "release/v1.4", Body: rec(42, "release/v1.4")},
		{Number: 2, State: "OPEN", BaseRefName: "release/v1.4", Body: rec(41, "release/v1.4")}, // another fix
		{Number: 3, State: "OPEN", BaseRefName: "release/v1.4", Body: "no record"},             // not ours
		{Number: 4, State: "OPEN", BaseRefName: "release/v1.4", Body: rec(42, "release/v1.4"), IsCrossRepository: true},
		{Number: 5, State: "MERGED", BaseRefName: "release/v1.4", Body: rec(42, "release/v1.4")},
		{Number: 6, State: "OPEN", BaseRefName: "release/v1.3", Body: rec(42, "release/v1.3")},
	}
	for _, tt := range []struct {
		line string
		of   int
		want int
	}{
		{"release/v1.4", 42, 5}, // merged beats closed; the fork's and others' are not ours
		{"release/v1.3", 42, 6},
		{"release/v1.2", 42, 0},
		{"release/v1.4", 41, 2},
	} {
		p, _, ok := findBackport(pulls, tt.of, tt.line)
		if (tt.want == 0) == ok || ok && p.Number != tt.want {
			t.Errorf("findBackport(%d, %s) = #%d %v, want #%d", tt.of, tt.line, p.Number, ok, tt.want)
		}
	}
}

func TestReportExit(t *testing.T) {
	for _, tt := range []struct {
		name     string
		results  []outcome
		wantCode string // "", "attention", "error"
		wantOut  string
	}{
		{"all done", []outcome{{line: "release/v1.4", state: hotfix.LineOpened, number: 5, url: "https://x/pull/5"}, {line: "release/v1.2", state: hotfix.LineAlreadyThere}},
			"", "release/v1.4\topened\thttps://x/pull/5\t-\t-\nrelease/v1.2\talready-there\t-\t-\t-\n"},
		{"a draft", []outcome{{line: "release/v1.3", state: hotfix.LineConflict, number: 6, url: "https://x/pull/6"}}, "attention", "release/v1.3\tconflict\thttps://x/pull/6\t-\t-\n"},
		{"a failure beats a draft", []outcome{{line: "release/v1.3", state: hotfix.LineConflict, number: 6}, {line: "release/v1.4", err: errors.New("push refused")}},
			"error", "release/v1.3\tconflict\t-\t-\t-\nrelease/v1.4\tfailed\t-\t-\t-\n"},
		{"released", []outcome{{line: "release/v1.4", state: hotfix.LineReleased, number: 5, url: "u", tag: "v1.4.2", run: "r"}}, "", "release/v1.4\treleased\tu\tv1.4.2\tr\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			b := &backporter{ios: ios, cs: ios.ColorScheme(), opts: &BackportOptions{Pull: hotfix.PullRef{Number: 42}}}
			err := b.report(tt.results, nil)
			var att *cmderr.AttentionError
			switch code := map[bool]string{true: "attention", false: ""}[errors.As(err, &att)]; {
			case err != nil && code == "" && tt.wantCode != "error", err == nil && tt.wantCode != "", code != "" && tt.wantCode != code:
				t.Errorf("report: %v, want %s", err, tt.wantCode)
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", out.String(), tt.wantOut)
			}
			if err != nil && !strings.Contains(err.Error(), "gh hotfix backport 42") {
				t.Errorf("the error does not say how to continue: %v", err)
			}
		})
	}
}

// TestPickOnto cherry-picks each kind of merge onto lines in a temporary
// worktree, real git: a clean pick, a line that has the fix (nothing to
// push), a conflict committed with its markers and the rest left; the
// checkout is untouched.
func TestPickOnto(t *testing.T) {
	ctx := context.Background()
	fx := gittest.New(t, "")
	fx.Commit(t, "app.txt", "login = broken\n", "init")
	fx.Git(t, fx.Dir, "branch", "clean")
	fx.Git(t, fx.Dir, "branch", "conflicting")
	fx.Git(t, fx.Dir, "branch", "has-it")
	// The fix as a branch of two commits, merged with a merge commit; then squashed and rebased copies.
	fx.Git(t, fx.Dir, "switch", "-q", "-c", "topic")
	fx.Commit(t, "app.txt", "login = fixed\n", "Fix login")
	fx.Commit(t, "test.txt", "test\n", "Test login")
	fx.Git(t, fx.Dir, "switch", "-q", "main")
	fx.Git(t, fx.Dir, "merge", "-q", "--no-ff", "-m", "Merge pull request #42 from acme/topic", "topic")
	merge := fx.Git(t, fx.Dir, "rev-parse", "HEAD")
	fx.Git(t, fx.Dir, "switch", "-q", "-c", "squashed", "clean")
	squash := fx.Commit(t, "app.txt", "login = fixed\n", "Fix login (#42)")
	fx.Git(t, fx.Dir, "switch", "-q", "-c", "skipping", "clean")
	skipping := fx.Commit(t, "app.txt", "login = fixed\n", "Fix login (#42) [skip ci]")
	fx.Git(t, fx.Dir, "switch", "-q", "-c", "rebased", "clean")
	r1 := fx.Commit(t, "app.txt", "login = fixed\n", "Fix login")
	r2 := fx.Commit(t, "test.txt", "test\n", "Test login")
	fx.Git(t, fx.Dir, "switch", "-q", "conflicting")
	fx.Commit(t, "app.txt", "login = rewritten\n", "Rewrite login")
	fx.Git(t, fx.Dir, "switch", "-q", "has-it")
	fx.Commit(t, "app.txt", "login = fixed\n", "Fix login by hand")
	fx.Commit(t, "test.txt", "test\n", "Test login by hand")
	fx.Git(t, fx.Dir, "switch", "-q", "main")
	fx.Git(t, fx.Dir, "push", "-q", "origin", "--all")
	fx.Git(t, fx.Dir, "fetch", "-q", "origin")
	g := &git.Client{Dir: fx.Dir, Env: fx.Env}
	before := fx.Git(t, fx.Dir, "status", "--porcelain") + fx.Git(t, fx.Dir, "rev-parse", "HEAD") + fx.Git(t, fx.Dir, "worktree", "list")

	for _, tt := range []struct {
		name      string
		picks     []string
		mainline  int
		line      string
		wantFiles string // the conflicting files
		wantEmpty bool
		wantLeft  int
	}{
		{"merge commit, clean", []string{merge}, 1, "clean", "", false, 0},
		{"squash, clean", []string{squash}, 0, "clean", "", false, 0},
		{"squash saying [skip ci]", []string{skipping}, 0, "clean", "", false, 0},
		{"rebase, clean", []string{r1, r2}, 0, "clean", "", false, 0},
		{"rebase, the line has it", []string{r1, r2}, 0, "has-it", "", true, 0},
		{"merge commit, the line has it", []string{merge}, 1, "has-it", "", true, 0},
		{"rebase, conflict on the first", []string{r1, r2}, 0, "conflicting", "app.txt", false, 1},
		{"merge commit, conflict", []string{merge}, 1, "conflicting", "app.txt", false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			b := &backporter{ios: ios, cs: ios.ColorScheme(), g: g, remote: "origin", picks: tt.picks, mainline: tt.mainline,
				pr: &github.RevertedPull{Number: 42, Title: "Fix login"}, subjects: map[string]string{}, cfg: config.Config{}}
			p, err := b.pickOnto(ctx, tt.line)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantEmpty != (p.tip == "") {
				t.Fatalf("pick %+v; want empty %v", p, tt.wantEmpty)
			}
			if strings.Join(p.files, ",") != tt.wantFiles || len(p.pending) != tt.wantLeft {
				t.Errorf("pick %+v; want conflicts in %q and %d left", p, tt.wantFiles, tt.wantLeft)
			}
			if p.tip == "" {
				return
			}
			msg := fx.Git(t, fx.Dir, "log", "-1", "--format=%B", p.tip)
			if !b.ours(msg) || strings.HasPrefix(msg, "Merge pull request") {
				t.Errorf("the backport's message does not name its source, or reads as a merge:\n%s", msg)
			}
			if strings.Contains(msg, "[skip ci]") {
				t.Errorf("the backport's message would skip its checks:\n%s", msg)
			}
			if (tt.wantFiles != "") != (conflictOf(msg) != "") {
				t.Errorf("conflictOf(%q) = %q", msg, conflictOf(msg))
			}
			app := fx.Git(t, fx.Dir, "show", p.tip+":app.txt")
			switch {
			case tt.wantFiles != "" && !strings.Contains(app, "<<<<<<<"):
				t.Errorf("app.txt holds no conflict markers: %q", app)
			case tt.wantFiles == "" && app != "login = fixed":
				t.Errorf("app.txt = %q, want the fix", app)
			}
			if base := fx.Git(t, fx.Dir, "merge-base", p.tip, "origin/"+tt.line); base != fx.Git(t, fx.Dir, "rev-parse", "origin/"+tt.line) {
				t.Errorf("the backport does not start at origin/%s", tt.line)
			}
		})
	}
	after := fx.Git(t, fx.Dir, "status", "--porcelain") + fx.Git(t, fx.Dir, "rev-parse", "HEAD") + fx.Git(t, fx.Dir, "worktree", "list")
	if after != before {
		t.Errorf("the checkout changed:\n%s\nwas\n%s", after, before)
	}
}

func TestBody(t *testing.T) {
	b := &backporter{remote: "origin", base: "main", mainline: 0, opts: &BackportOptions{Pull: hotfix.PullRef{Number: 42}},
		pr: &github.RevertedPull{Number: 42, Title: "Fix login"}, subjects: map[string]string{"aaaaaaaaa": "Fix login", "bbbbbbbbb": "Test login"}}
	lf := github.BackportLineFacts{Line: "release/v1.3", Head: "hotfix/backport-42-to-release-v1.3"}
	body := b.body(lf, strings.Repeat("c", 40), pick{conflict: "aaaaaaaaa", files: []string{"app.txt"}, pending: []string{"bbbbbbbbb"}})
	for _, want := range []string{"## Backport of #42 to `release/v1.3`", "- `app.txt`", "**draft**",
		"git fetch origin hotfix/backport-42-to-release-v1.3 && git switch hotfix/backport-42-to-release-v1.3",
		"git cherry-pick -x bbbbbbbbb", "gh pr ready", "gh hotfix backport 42"} {
		if !strings.Contains(body, want) {
			t.Errorf("the draft's body lacks %q:\n%s", want, body)
		}
	}
	rec, ok := hotfix.ParseBackport(body)
	if !ok || rec.Of != 42 || rec.Line != "release/v1.3" || !rec.Conflicts || rec.Head != strings.Repeat("c", 40) {
		t.Errorf("record %+v %v", rec, ok)
	}
	var buf bytes.Buffer
	buf.WriteString(b.body(lf, "", pick{applied: []string{"aaaaaaaaa"}}))
	if strings.Contains(buf.String(), "Conflicts") || !strings.Contains(buf.String(), "- aaaaaaa Fix login") {
		t.Errorf("a clean backport's body:\n%s", buf.String())
	}
}
