package ship

// The scenario tests of this package run ship through its entry point, run,
// against a real git checkout (a bare "origin" in a temporary folder and a
// clone holding a hotfix branch recorded as gh hotfix create records it) and a
// stubbed GitHub (internal/httpmock): git is real, only GitHub is stubbed.
// They assert on what a user sees (stdout, stderr, the exit error), on the
// requests GitHub received and on the git state, never on ship's internals.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// shopConfig is the team's .github/hotfix.yml in the fixture's checkout.
const shopConfig = "release:\n  workflow: release.yml\n"

// releaseWorkflow is the release workflow on the base, as the first query reads it.
const releaseWorkflow = "name: Release\non:\n  workflow_dispatch:\n    inputs:\n      environment:\n        required: false\n        default: production\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo release\n"

// shipFixture is a checkout of acme/shop with a hotfix branch, and its origin.
type shipFixture struct {
	t      *testing.T
	dir    string // the clone
	bare   string // origin
	env    []string
	branch string
	// base0 is main's first commit (the latest release), tip the hotfix
	// branch's tip, merge the merge commit once merged (see merge).
	base0, tip, merge string
	// base is the branch the hotfix merges into: main, or release/v1.4 from a tag.
	base string
}

type fixtureOpts struct {
	meta   hotfix.Meta // recorded with the branch; Base, Remote and Description get defaults
	pushed bool        // the branch was pushed (origin has it, with upstream)
	merged bool        // the base on origin has the hotfix merged (no fast-forward)
	// fromTag makes the hotfix one of the exceptional process, as create
	// --from-tag makes it: from tag v1.4.0 (main's first commit) on the
	// maintenance branch release/v1.4, while main moved on.
	fromTag bool
}

// fixtures are the fixtures built so far, by their options, under root: a
// test gets a copy of its kind's (building one runs git a couple of dozen
// times; a copy, once).
var fixtures struct {
	mu   sync.Mutex
	root string
	made map[string]*shipFixture
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtures.root != "" {
		_ = os.RemoveAll(fixtures.root)
	}
	os.Exit(code)
}

// newShipFixture returns a fixture of its own to the test: a copy of the one
// built for o.
func newShipFixture(t *testing.T, o fixtureOpts) *shipFixture {
	t.Helper()
	key := fmt.Sprintf("%+v", o)
	fixtures.mu.Lock()
	made := fixtures.made[key]
	if made == nil {
		if fixtures.root == "" {
			root, err := os.MkdirTemp("", "ship-fixtures-")
			if err != nil {
				fixtures.mu.Unlock()
				t.Fatal(err)
			}
			fixtures.root, fixtures.made = root, map[string]*shipFixture{}
		}
		made = buildShipFixture(t, filepath.Join(fixtures.root, strconv.Itoa(len(fixtures.made))), o)
		fixtures.made[key] = made
	}
	fixtures.mu.Unlock()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Dir(made.dir))); err != nil {
		t.Fatal(err)
	}
	fx := *made
	fx.t, fx.dir, fx.bare, fx.env = t, filepath.Join(root, "work"), filepath.Join(root, "origin.git"), gitEnv(root)
	fx.git("remote", "set-url", "origin", fx.bare)
	return &fx
}

// gitEnv isolates git from the user's and the system's configuration.
func gitEnv(root string) []string {
	return []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(root, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
}

// buildShipFixture makes the fixture o describes in root.
func buildShipFixture(t *testing.T, root string, o fixtureOpts) *shipFixture {
	t.Helper()
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	fx := &shipFixture{t: t, dir: filepath.Join(root, "work"), bare: filepath.Join(root, "origin.git"), branch: "hotfix/login", env: gitEnv(root)}
	fx.gitIn(root, "init", "-q", "--bare", "-b", "main", fx.bare)
	fx.gitIn(root, "init", "-q", "-b", "main", fx.dir)
	fx.write(".github/hotfix.yml", shopConfig)
	fx.write("app.txt", "login: broken\n")
	fx.git("add", "-A")
	fx.git("commit", "-q", "-m", "Initial release")
	fx.git("remote", "add", "origin", fx.bare)
	fx.git("push", "-q", "origin", "main")
	fx.git("fetch", "-q", "origin")
	fx.base0 = fx.git("rev-parse", "HEAD")
	fx.base = "main"
	m := o.meta
	if o.fromTag {
		fx.base = "release/v1.4"
		fx.git("tag", "v1.4.0")
		fx.git("branch", fx.base)
		fx.git("push", "-q", "origin", "v1.4.0", fx.base)
		fx.write("cart.txt", "cart: new\n")
		fx.git("add", "-A")
		fx.git("commit", "-q", "-m", "Add the cart")
		fx.git("push", "-q", "origin", "main")
		fx.git("fetch", "-q", "origin")
		fx.git("checkout", "-q", fx.base)
		m.FromTag, m.Mainline, m.Base = "v1.4.0", "main", fx.base
	}
	fx.git("checkout", "-q", "-b", fx.branch)
	fx.write("app.txt", "login: fixed\n")
	fx.git("commit", "-q", "-am", "Fix the login")
	fx.tip = fx.git("rev-parse", "HEAD")
	if m.Description == "" {
		m.Description = "Login fails"
	}
	if m.Base == "" {
		m.Base = "main"
	}
	if m.Remote == "" {
		m.Remote = "origin"
	}
	if err := hotfix.SaveMeta(context.Background(), fx.client(), fx.branch, m); err != nil {
		t.Fatal(err)
	}
	if o.pushed || o.merged {
		fx.git("push", "-q", "-u", "origin", fx.branch)
	}
	if o.merged {
		// GitHub's merge: a merge commit on main, on origin.
		fx.git("checkout", "-q", fx.base)
		fx.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from acme/hotfix/login", fx.branch)
		fx.merge = fx.git("rev-parse", "HEAD")
		fx.git("push", "-q", "origin", fx.base)
		fx.git("checkout", "-q", fx.branch)
	}
	return fx
}

func (fx *shipFixture) gitIn(dir string, args ...string) string {
	fx.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), fx.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		fx.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (fx *shipFixture) git(args ...string) string {
	fx.t.Helper()
	return fx.gitIn(fx.dir, args...)
}

// originRef is ref's commit on origin, "" when origin has no such ref.
func (fx *shipFixture) originRef(ref string) string {
	fx.t.Helper()
	cmd := exec.Command("git", "rev-parse", "--verify", "-q", ref)
	cmd.Dir = fx.bare
	cmd.Env = append(os.Environ(), fx.env...)
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

// config is the clone's git config value of key, "" when unset.
func (fx *shipFixture) config(key string) string {
	fx.t.Helper()
	cmd := exec.Command("git", "config", "--get", key)
	cmd.Dir = fx.dir
	cmd.Env = append(os.Environ(), fx.env...)
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

func (fx *shipFixture) write(name, text string) {
	fx.t.Helper()
	p := filepath.Join(fx.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		fx.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		fx.t.Fatal(err)
	}
}

func (fx *shipFixture) client() *git.Client { return &git.Client{Dir: fx.dir, Env: fx.env} }

// shipResult is what one run of ship left.
type shipResult struct {
	stdout, stderr string
	err            error
	requests       []httpmock.Request
}

// factory is the command's factory in the fixture's checkout, GitHub being reg.
func (fx *shipFixture) factory(reg *httpmock.Registry) (*command.Factory, *bytes.Buffer, *bytes.Buffer) {
	ios, _, stdout, stderr := iostreams.Test()
	return &command.Factory{
		IOStreams: ios,
		Git:       func() (*git.Client, error) { return fx.client(), nil },
		BaseRepo: func(string) (repository.Repository, error) {
			return repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, nil
		},
		HTTPClient: func(string) (*http.Client, error) { return reg.Client(), nil },
		Now:        time.Now,
		Getenv:     func(string) string { return "" },
	}, stdout, stderr
}

// ship runs gh hotfix ship with opts in the fixture's checkout against reg;
// Interval and Timeout default to a millisecond and a minute.
func (fx *shipFixture) ship(reg *httpmock.Registry, opts ShipOptions) shipResult {
	fx.t.Helper()
	f, stdout, stderr := fx.factory(reg)
	if opts.Interval == 0 {
		opts.Interval = time.Millisecond
	}
	if opts.Timeout == 0 {
		opts.Timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, f, &opts)
	return shipResult{stdout: stdout.String(), stderr: stderr.String(), err: err, requests: reg.Requests()}
}

// shipCommand runs gh hotfix ship with args, as the command line does.
func (fx *shipFixture) shipCommand(reg *httpmock.Registry, args ...string) shipResult {
	fx.t.Helper()
	f, stdout, stderr := fx.factory(reg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := NewCmdShip(f, nil).Execute(ctx, args)
	return shipResult{stdout: stdout.String(), stderr: stderr.String(), err: err, requests: reg.Requests()}
}

// names are the requests as "METHOD path" or "GraphQL Operation", in order.
func (r shipResult) names() []string {
	var out []string
	for _, q := range r.requests {
		if q.GraphQL != nil {
			out = append(out, "GraphQL "+q.GraphQL.Operation())
			continue
		}
		out = append(out, q.Method+" "+strings.TrimPrefix(q.URL.Path, "/"))
	}
	return out
}

// request is the first request named name (see names), failing the test without one.
func (r shipResult) request(t *testing.T, name string) httpmock.Request {
	t.Helper()
	for i, n := range r.names() {
		if n == name {
			return r.requests[i]
		}
	}
	t.Fatalf("no request %s among %q", name, r.names())
	return httpmock.Request{}
}

// jsonBody decodes a REST request's body.
func jsonBody(t *testing.T, q httpmock.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(q.Body, &m); err != nil {
		t.Fatalf("%s: body %q: %v", q, q.Body, err)
	}
	return m
}

// wantLines fails unless text holds each of lines, in that order.
func wantLines(t *testing.T, what, text string, lines ...string) {
	t.Helper()
	rest := text
	for _, l := range lines {
		i := strings.Index(rest, l)
		if i < 0 {
			t.Errorf("%s lacks %q (after the lines before it); it is:\n%s", what, l, text)
			return
		}
		rest = rest[i+len(l):]
	}
}

// wantSame fails unless got equals want.
func wantSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n  got  %q\n  want %q", what, got, want)
	}
}

// pullSpec is a hotfix pull request as GitHub reports it.
type pullSpec struct {
	number     int
	state      string // OPEN, MERGED, CLOSED
	head       string // headRefOid
	merge      string // mergeCommit
	mergeState string // mergeStateStatus
	labels     []string
	comments   []map[string]any
	commits    []string
	base       string // "" is main
	autoMerge  string
	mergedAt   string
	author     string
	queue      map[string]any // its mergeQueueEntry, nil when not queued
}

func (p pullSpec) url() string { return "https://github.com/acme/shop/pull/" + itoa(p.number) }

func itoa(n int) string { return strconv.Itoa(n) }

// json is the pull fragment's answer.
func (p pullSpec) json() map[string]any {
	base := p.base
	if base == "" {
		base = "main"
	}
	labels := []any{}
	for _, l := range p.labels {
		labels = append(labels, map[string]any{"name": l})
	}
	commits := []any{}
	for _, c := range p.commits {
		commits = append(commits, map[string]any{"commit": map[string]any{"oid": c}})
	}
	comments := []any{}
	for _, c := range p.comments {
		comments = append(comments, c)
	}
	author := p.author
	if author == "" {
		author = "hubot"
	}
	pr := map[string]any{
		"id": "PR_" + itoa(p.number), "number": p.number, "url": p.url(), "title": "Hotfix: Login fails", "state": p.state,
		"createdAt": "2026-12-06T10:00:00Z", "isDraft": false, "baseRefName": base, "headRefOid": p.head,
		"author": map[string]any{"login": author}, "mergeStateStatus": p.mergeState, "reviewDecision": "",
		"labels":         map[string]any{"nodes": labels},
		"reviewRequests": map[string]any{"nodes": []any{}}, "latestReviews": map[string]any{"nodes": []any{}},
		"requestEvents": map[string]any{"nodes": []any{}}, "isCrossRepository": false,
		"comments":  map[string]any{"pageInfo": map[string]any{"hasPreviousPage": false}, "nodes": comments},
		"commits":   map[string]any{"nodes": []any{}},
		"prCommits": map[string]any{"nodes": commits},
	}
	if p.merge != "" {
		pr["mergeCommit"] = map[string]any{"oid": p.merge}
		at := p.mergedAt
		if at == "" {
			at = "2026-12-06T11:00:00Z"
		}
		pr["mergedAt"] = at
	}
	if p.queue != nil {
		pr["mergeQueueEntry"] = p.queue
	}
	if p.autoMerge != "" {
		pr["autoMergeRequest"] = map[string]any{"mergeMethod": strings.ToUpper(p.autoMerge)}
	}
	return pr
}

// shipState is the first query's answer about acme/shop.
type shipState struct {
	baseTip        string     // main's tip on GitHub
	history        []any      // main's history nodes, newest first
	pulls          []pullSpec // the branch's pull requests
	headTip        string     // the branch on GitHub, "" for none
	noLabel        bool       // the repository has no hotfix label
	noAutoMerge    bool       // autoMergeAllowed false
	issuesDisabled bool
	latestRelease  string // its tag, at base0
	releaseSHA     string
	reviewers      map[string]any    // reviewerN alias → {id, login}, nil for an unknown login
	workflows      map[string]string // path → text; nil is release.yml
	failingCheck   string            // a failing check on main's tip
	recentRuns     map[string][]any  // check suites of main's recent commits, by commit
	rules          []any             // main's rules (Ref.rules nodes)
	byNumber       map[string]any    // the pull request asked by number (ship --pr)
}

// queueRules are main's rules when it merges through a merge queue (squash)
// and needs an approval.
var queueRules = []any{
	map[string]any{"type": "PULL_REQUEST", "repositoryRuleset": map[string]any{"name": "protect main"},
		"parameters": map[string]any{"allowedMergeMethods": nil, "requiredApprovingReviewCount": 1}},
	map[string]any{"type": "MERGE_QUEUE", "repositoryRuleset": map[string]any{"name": "protect main"},
		"parameters": map[string]any{"mergeMethod": "SQUASH"}},
}

func commitNode(sha, headline string, parents ...string) map[string]any {
	ps := []any{}
	for _, p := range parents {
		ps = append(ps, map[string]any{"oid": p})
	}
	return map[string]any{"oid": sha, "messageHeadline": headline, "parents": map[string]any{"nodes": ps}}
}

func (s shipState) answer() map[string]any {
	checks := []any{map[string]any{"__typename": "CheckRun", "name": "test", "status": "COMPLETED", "conclusion": "SUCCESS"}}
	state := "SUCCESS"
	if s.failingCheck != "" {
		checks = append(checks, map[string]any{"__typename": "CheckRun", "name": s.failingCheck, "status": "COMPLETED", "conclusion": "FAILURE"})
		state = "FAILURE"
	}
	recent := []any{}
	for _, h := range s.history {
		sha, _ := h.(map[string]any)["oid"].(string)
		suites := s.recentRuns[sha]
		if suites == nil {
			suites = []any{}
		}
		recent = append(recent, map[string]any{"oid": sha, "checkSuites": map[string]any{"nodes": suites}})
	}
	wfs := s.workflows
	if wfs == nil {
		wfs = map[string]string{".github/workflows/release.yml": releaseWorkflow}
	}
	entries := []any{}
	for p, text := range wfs {
		entries = append(entries, map[string]any{"path": p, "object": map[string]any{"text": text}})
	}
	pulls := []any{}
	for _, p := range s.pulls {
		pulls = append(pulls, p.json())
	}
	labels := []any{map[string]any{"id": "LA_hotfix", "name": "hotfix"}}
	if s.noLabel {
		labels = []any{}
	}
	repo := map[string]any{
		"id": "R_shop", "hasIssuesEnabled": !s.issuesDisabled, "autoMergeAllowed": !s.noAutoMerge,
		"mergeCommitAllowed": true, "squashMergeAllowed": true, "rebaseMergeAllowed": true,
		"base": map[string]any{"rules": map[string]any{"nodes": nonNilList(s.rules)}, "target": map[string]any{
			"oid":               s.baseTip,
			"statusCheckRollup": map[string]any{"state": state, "contexts": map[string]any{"totalCount": len(checks), "nodes": checks}},
			"history":           map[string]any{"nodes": s.history},
			"recent":            map[string]any{"nodes": recent},
		}},
		"workflows":    map[string]any{"entries": entries},
		"labels":       map[string]any{"nodes": labels},
		"pullRequests": map[string]any{"nodes": pulls},
	}
	if s.headTip != "" {
		repo["headRef"] = map[string]any{"target": map[string]any{"oid": s.headTip}}
	}
	if s.latestRelease != "" {
		repo["latestRelease"] = map[string]any{"tagName": s.latestRelease, "tagCommit": map[string]any{"oid": s.releaseSHA}}
	}
	if s.byNumber != nil {
		repo["byNumber"] = s.byNumber
	}
	data := map[string]any{"repository": repo}
	for alias, user := range s.reviewers {
		data[alias] = user
	}
	return map[string]any{"data": data}
}

func nonNilList(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

// unmerged is the state of a branch not merged yet: main at base0.
func (fx *shipFixture) unmerged(pulls ...pullSpec) shipState {
	return shipState{baseTip: fx.base0, history: []any{commitNode(fx.base0, "Initial release")}, pulls: pulls,
		latestRelease: "v1.0.0", releaseSHA: fx.base0}
}

// mergedState is the state once #7 was merged: main at the merge commit.
func (fx *shipFixture) mergedState(pulls ...pullSpec) shipState {
	return shipState{baseTip: fx.merge, headTip: fx.tip, pulls: pulls, latestRelease: "v1.0.0", releaseSHA: fx.base0,
		history: []any{commitNode(fx.merge, "Merge pull request #7 from acme/hotfix/login", fx.base0, fx.tip),
			commitNode(fx.tip, "Fix the login", fx.base0), commitNode(fx.base0, "Initial release")}}
}

// mergedPull is #7, merged, with comments.
func (fx *shipFixture) mergedPull(comments ...map[string]any) pullSpec {
	return pullSpec{number: 7, state: "MERGED", head: fx.tip, merge: fx.merge, labels: []string{"hotfix"}, commits: []string{fx.tip}, comments: comments}
}

// releaseMarker is the comment recording a release of the merge by run id.
func (fx *shipFixture) releaseMarker(id int64, runID int64) map[string]any {
	body := hotfix.ReleaseComment(hotfix.ReleaseMarker{State: "dispatched", MergeSHA: fx.merge, Workflow: "release.yml", Ref: "main",
		RunID: runID, RunURL: runURL(runID)})
	return map[string]any{"databaseId": id, "body": body, "createdAt": "2026-12-06T11:01:00Z"}
}

func runURL(id int64) string { return "https://github.com/acme/shop/actions/runs/" + itoa(int(id)) }

// runJSON is a workflow run of release.yml on main at sha.
func runJSON(id int64, sha, status, conclusion string) map[string]any {
	return map[string]any{"id": id, "name": "Release", "html_url": runURL(id), "status": status, "conclusion": conclusion,
		"head_branch": "main", "head_sha": sha, "event": "workflow_dispatch", "created_at": "2026-12-06T11:01:05Z", "run_attempt": 1}
}

// writeConfig replaces the checkout's .github/hotfix.yml.
func (fx *shipFixture) writeConfig(text string) {
	fx.t.Helper()
	if err := os.WriteFile(filepath.Join(fx.dir, ".github", "hotfix.yml"), []byte(text), 0o644); err != nil {
		fx.t.Fatal(err)
	}
}
