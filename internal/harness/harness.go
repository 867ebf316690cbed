// Package harness runs gh-hotfix end to end as a user would: the extension is
// built and installed into an isolated real `gh`, a GitHub emulator serves
// github.localhost on a loopback port, and repositories are real git
// repositories cloned over smart HTTP from the emulator's bare repositories.
package harness

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator"
)

// Token is the token every harness user authenticates with.
const Token = "gho_harnessToken0123456789abcdefghijklmn"

// Owner is the login the emulator's default token authenticates as.
const Owner = "monalisa"

// OwnerEmail is the email address of the harness's git identity, a verified
// address of Owner's account, so GitHub links Owner's commits to Owner.
const OwnerEmail = "monalisa@example.localhost"

// ReleaseWorkflow is the release workflow every harness repository starts with.
const ReleaseWorkflow = `name: Release
on:
  workflow_dispatch:
    inputs:
      environment:
        description: Where to deploy
        type: choice
        options: [production, staging]
        default: production
      notes:
        description: Release notes
        required: false
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: echo releasing
`

// Env is one isolated world: a GitHub emulator, a gh configuration with the
// extension installed, and a HOME for git.
type Env struct {
	T      testing.TB
	Dir    string
	Server *emulator.Server
	Addr   string
	Home   string
	// Environ is the process environment for gh and git in this world.
	Environ []string
	// Site is the GitHub this world's gh and git use.
	Site    Site
	client  *http.Client
	apiBase string // REST root, no trailing slash
	webBase string // web and git root, no trailing slash
}

// Site is the GitHub a world stands for: github.localhost (the zero value,
// plain HTTP, API at api.github.localhost, GH_TOKEN), a GitHub Enterprise
// Server at emulator.EnterpriseHost (HTTPS, /api/v3, GH_ENTERPRISE_TOKEN, git
// authenticated by gh's own credential helper as `gh auth setup-git` sets it
// up) of Version, or a GHE.com tenant TENANT.ghe.localhost (HTTPS, API at
// api.TENANT…).
type Site struct {
	Host    string
	Version string // GitHub Enterprise Server version; emulator.CurrentEnterpriseVersion when empty
}

// Name is the site as test names show it: "github.localhost", "ghes-3.10".
func (s Site) Name() string {
	switch {
	case s.Host == "" || s.Host == emulator.Host:
		return emulator.Host
	case s.Host == emulator.EnterpriseHost:
		v := s.Version
		if v == "" {
			v = emulator.CurrentEnterpriseVersion
		}
		return "ghes-" + strings.Join(strings.SplitN(v, ".", 3)[:2], ".")
	}
	return s.Host
}

// Enterprise reports whether the site is served over HTTPS (GHES or a tenant).
func (s Site) Enterprise() bool { return s.Host != "" && s.Host != emulator.Host }

// OldEnterpriseVersion is a GitHub Enterprise Server that lacks what newer
// ones have: rulesets (3.11), the merge queue (3.12), run details on dispatch
// (3.21). Many companies run a server years old.
const OldEnterpriseVersion = "3.10.0"

// Sites are the GitHubs the main scenarios run on: github.localhost, and
// GitHub Enterprise Server at an old and at the current version.
var Sites = []Site{
	{},
	{Host: emulator.EnterpriseHost, Version: OldEnterpriseVersion},
	{Host: emulator.EnterpriseHost, Version: emulator.CurrentEnterpriseVersion},
}

// ForEachSite runs fn in a subtest per site of Sites, each with its own world
// (New), as a user of that GitHub would run gh hotfix.
func ForEachSite(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, site := range Sites {
		t.Run(site.Name(), func(t *testing.T) {
			fn(t, NewOn(t, site))
		})
	}
}

// Host is the host gh and git use in this world.
func (e *Env) Host() string { return e.Site.Host }

// WebURL is the web (and git) URL of path on this world's host.
func (e *Env) WebURL(path string) string { return e.webBase + "/" + strings.TrimPrefix(path, "/") }

// Result is what a command printed and how it exited.
type Result struct {
	Stdout, Stderr string
	Code           int
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// RequireTools fails (or skips under -short) when gh or git is missing.
func RequireTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"gh", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			if testing.Short() {
				t.Skipf("end-to-end test needs %s (skipped under -short)", tool)
			}
			t.Fatalf("end-to-end tests need the real %s binary on PATH: install it (Debian: apt-get install -y gh git) or run go test -short", tool)
		}
	}
}

// moduleRoot finds the directory holding go.mod, from this source file.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// BuildExtension builds the extension once per test process into a folder named
// gh-hotfix, as `gh extension install .` requires.
func BuildExtension(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gh-hotfix-build-")
		if err != nil {
			buildErr = err
			return
		}
		buildDir = filepath.Join(dir, "gh-hotfix")
		if err := os.MkdirAll(buildDir, 0o755); err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "gh-hotfix"),
			"-ldflags", "-X github.com/gh-hotfix/gh-hotfix/internal/build.Version=v0.0.0-e2e", ".")
		cmd.Dir = moduleRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the extension: %v", buildErr)
	}
	return buildDir
}

// New starts an emulator, isolates gh and git in temp dirs and installs the extension.
func New(t testing.TB) *Env {
	t.Helper()
	return NewOn(t, Site{})
}

// NewOn is New for a world on site.
func NewOn(t testing.TB, site Site) *Env {
	t.Helper()
	RequireTools(t)
	extDir := BuildExtension(t)
	e := newBare(t, site)
	if r := e.RunIn(extDir, "gh", "extension", "install", "."); r.Code != 0 {
		t.Fatalf("gh extension install .: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	return e
}

// NewBare is New without the extension: gh is configured for the emulator but has
// no extension installed, as on a machine that is about to install it from a release.
func NewBare(t testing.TB) *Env {
	t.Helper()
	return newBare(t, Site{})
}

func newBare(t testing.TB, site Site) *Env {
	t.Helper()
	RequireTools(t)
	dir := t.TempDir()
	if site.Host == "" {
		site.Host = emulator.Host
	}
	// Token: only the harness token (and tokens registered through the control
	// API) authenticate; any other is refused 401 "Bad credentials", as on GitHub.
	srv, err := emulator.New(emulator.Options{Root: filepath.Join(dir, "github"), Token: Token, EnterpriseVersion: site.Version, OnlyHost: site.Host})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	ln, err := emulator.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("emulator listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
		for _, f := range srv.ConformanceFailures() {
			if f.Rejected {
				t.Logf("conformance: %s %s: %s", f.Method, f.Path, f.Detail)
			}
		}
	})
	e := &Env{T: t, Dir: dir, Server: srv, Addr: ln.Addr().String(), Home: filepath.Join(dir, "home"), Site: site}
	e.apiBase, e.webBase = "http://"+emulator.APIHost, "http://"+emulator.Host
	switch {
	case site.Host == emulator.EnterpriseHost:
		e.apiBase, e.webBase = "https://"+site.Host+"/api/v3", "https://"+site.Host
	case site.Enterprise():
		e.apiBase, e.webBase = "https://api."+site.Host, "https://"+site.Host
	}
	proxyURL, _ := url.Parse("http://" + e.Addr)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CAPEM())
	e.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL),
		TLSClientConfig: &tls.Config{RootCAs: pool}}}
	environ, err := IsolateSite(dir, e.Addr, Token, e.Host(), srv.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	e.Environ = environ
	e.waitReady()
	e.Control("POST", "users", map[string]any{"login": Owner, "token": Token, "email": OwnerEmail})
	if site.Enterprise() {
		// git authenticates through gh's own credential helper, configured as a
		// user of the enterprise host configures it.
		if r := e.RunIn(dir, "gh", "auth", "setup-git", "--hostname", e.Host()); r.Code != 0 {
			t.Fatalf("gh auth setup-git --hostname %s: exit %d\n%s%s", e.Host(), r.Code, r.Stdout, r.Stderr)
		}
	}
	return e
}

// Isolate prepares, under dir, a world for gh and git that talks only to the
// emulator at proxyAddr as the user whose token is token: HOME, gh's and XDG
// folders, a TMPDIR of its own, a git config whose credential helper reads the
// token from the environment (so no git command line carries it), and the
// proxy settings. It returns the environment to run gh and git with; the bench
// uses it too.
func Isolate(dir, proxyAddr, token string) ([]string, error) {
	return IsolateSite(dir, proxyAddr, token, emulator.Host, "")
}

// IsolateSite is Isolate for a world whose gh uses host: for an enterprise
// host (HTTPS) gh's token comes from GH_ENTERPRISE_TOKEN, as gh reads it for
// any host other than github.com, and gh, the extension and git trust the
// emulator's authority (caFile) through SSL_CERT_FILE and GIT_SSL_CAINFO; git
// gets no credential helper of the harness's (gh auth setup-git adds gh's).
func IsolateSite(dir, proxyAddr, token, host, caFile string) ([]string, error) {
	enterprise := host != emulator.Host
	home := filepath.Join(dir, "home")
	for _, d := range []string{home, filepath.Join(dir, "config"), filepath.Join(dir, "data"), filepath.Join(dir, "cache"), filepath.Join(dir, "state"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	gitconfig := filepath.Join(home, ".gitconfig")
	helper := `[credential]
	helper = "!f() { test \"$1\" = get && echo username=x-access-token && echo password=$GH_TOKEN; }; f"
`
	tokenVar := "GH_TOKEN="
	var trust []string
	if enterprise {
		helper, tokenVar = "", "GH_ENTERPRISE_TOKEN="
		trust = []string{"SSL_CERT_FILE=" + caFile, "GIT_SSL_CAINFO=" + caFile}
	}
	if err := os.WriteFile(gitconfig, []byte(`[user]
	name = Mona Lisa
	email = `+OwnerEmail+`
[init]
	defaultBranch = main
`+helper+`[advice]
	detachedHead = false
`), 0o644); err != nil {
		return nil, err
	}
	return append(append(cleanEnviron(), trust...),
		"HOME="+home,
		"GH_HOST="+host,
		tokenVar+token,
		"GH_CONFIG_DIR="+filepath.Join(dir, "config"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"),
		"XDG_STATE_HOME="+filepath.Join(dir, "state"),
		// gh 2.23 caches API answers for 30s (extension install, upgrade and list
		// do) in $TMPDIR/gh-cli-cache, keyed by URL and token: the same in every
		// world, so each world needs its own.
		"TMPDIR="+filepath.Join(dir, "tmp"),
		"GH_NO_UPDATE_NOTIFIER=1",
		"GH_PROMPT_DISABLED=1",
		// ship refuses an --interval under 1s; the tests poll the local emulator far
		// more often, and this knob (for tests only) lowers the floor.
		"GH_HOTFIX_MIN_INTERVAL=1ms",
		"NO_COLOR=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_CONFIG_GLOBAL="+gitconfig,
		"GIT_CONFIG_NOSYSTEM=1",
		"HTTP_PROXY=http://"+proxyAddr, "http_proxy=http://"+proxyAddr,
		"HTTPS_PROXY=http://"+proxyAddr, "https_proxy=http://"+proxyAddr,
		"NO_PROXY=", "no_proxy=",
	), nil
}

// cleanEnviron keeps the parent's PATH and locale but nothing that could point
// gh or git at a real GitHub or a user's configuration.
func cleanEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		k := kv[:strings.IndexByte(kv, '=')]
		switch {
		case k == "PATH", k == "LANG", k == "LC_ALL", k == "TMPDIR", k == "GOCOVERDIR", k == "TERM":
			out = append(out, kv)
		}
	}
	return out
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitReady polls the emulator until http://api.github.localhost/ answers 200; bounded.
func (e *Env) waitReady() {
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; i < 200 && time.Now().Before(deadline); i++ {
		status, _ := e.API("GET", "/", nil)
		if status == 200 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.T.Fatalf("emulator at %s not ready", e.Addr)
}

// RunIn runs a program in dir with this world's environment.
func (e *Env) RunIn(dir string, name string, args ...string) Result {
	return e.RunInEnv(dir, nil, name, args...)
}

// RunInEnv is RunIn with extra environment entries.
func (e *Env) RunInEnv(dir string, extra []string, name string, args ...string) Result {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, e.Environ...), extra...)
	cmd.Stdin = strings.NewReader("")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			e.T.Fatalf("running %s %v: %v", name, args, err)
		}
		code = ee.ExitCode()
	}
	return Result{Stdout: out.String(), Stderr: errb.String(), Code: code}
}

// Git runs git in dir and fails the test on a non-zero exit.
func (e *Env) Git(dir string, args ...string) string {
	e.T.Helper()
	r := e.RunIn(dir, "git", args...)
	if r.Code != 0 {
		e.T.Fatalf("git %s: exit %d: %s", strings.Join(args, " "), r.Code, r.Stderr)
	}
	return strings.TrimSpace(r.Stdout)
}

// API calls the emulator's REST API as the harness user, through the proxy.
func (e *Env) API(method, path string, body any) (int, any) {
	e.T.Helper()
	return e.do(method, e.apiBase+path, body, true)
}

// APIAs calls the emulator's REST API with another user's token (made with the
// control API's users), as that teammate would.
func (e *Env) APIAs(token, method, path string, body any) (int, any) {
	e.T.Helper()
	return e.doAs(method, e.apiBase+path, body, token)
}

// Control calls the emulator's control API.
func (e *Env) Control(method, path string, body any) (int, any) {
	e.T.Helper()
	return e.do(method, "http://"+e.Addr+"/_emulator/"+strings.TrimPrefix(path, "/"), body, false)
}

func (e *Env) do(method, u string, body any, auth bool) (int, any) {
	e.T.Helper()
	token := ""
	if auth {
		token = Token
	}
	return e.doAs(method, u, body, token)
}

func (e *Env) doAs(method, u string, body any, token string) (int, any) {
	e.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out any
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		out = string(raw)
	}
	return resp.StatusCode, out
}

// UploadReleaseAsset uploads data as the release asset name, as GitHub's uploads
// API takes it: a POST of the raw bytes to the release's upload_url (a URI template
// ending in {?name,label}) with ?name=. It returns the status and the decoded answer.
func (e *Env) UploadReleaseAsset(uploadURL, name string, data []byte) (int, any) {
	e.T.Helper()
	base, _, _ := strings.Cut(uploadURL, "{")
	req, err := http.NewRequest("POST", base+"?name="+url.QueryEscape(name), bytes.NewReader(data))
	if err != nil {
		e.T.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+Token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out any
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		out = string(raw)
	}
	return resp.StatusCode, out
}

// CreateRepo creates OWNER/name through GitHub's API and pushes an initial
// commit holding files (plus the release workflow unless files sets it to "").
// It returns the path of a fresh clone.
func (e *Env) CreateRepo(name string, files map[string]string) string {
	e.T.Helper()
	return e.createRepo("/user/repos", Owner, name, files)
}

// CreateOrgRepo is CreateRepo for a repository of the organization org (made
// with CreateOrg): POST /orgs/{org}/repos.
func (e *Env) CreateOrgRepo(org, name string, files map[string]string) string {
	e.T.Helper()
	return e.createRepo("/orgs/"+org+"/repos", org, name, files)
}

// CreateOrgRepoOnly creates the repository org/name with its main branch
// holding files (plus the release workflow unless files sets it to ""),
// through GitHub's API alone (POST /orgs/{org}/repos, then one PUT of the
// contents API per file): no git, no clone. For tests that need many
// repositories and never check one out.
func (e *Env) CreateOrgRepoOnly(org, name string, files map[string]string) {
	e.T.Helper()
	if status, out := e.API("POST", "/orgs/"+org+"/repos", map[string]any{"name": name}); status != 201 {
		e.T.Fatalf("POST /orgs/%s/repos: %d %v", org, status, out)
	}
	all := map[string]string{".github/workflows/release.yml": ReleaseWorkflow, "README.md": "# " + name + "\n"}
	for k, v := range files {
		all[k] = v
	}
	paths := make([]string, 0, len(all))
	for p := range all {
		paths = append(paths, p)
	}
	sort.Strings(paths) // the same commits on every run
	for _, p := range paths {
		if all[p] == "" {
			continue
		}
		e.PutFile(org+"/"+name, "main", p, all[p])
	}
}

// PutFile commits content to the new file path on branch of OWNER/NAME (full)
// through the contents API (PUT /repos/{owner}/{repo}/contents/{path}),
// creating the branch when the repository is empty; it returns the new
// commit's SHA.
func (e *Env) PutFile(full, branch, path, content string) string {
	e.T.Helper()
	body := map[string]any{"message": "Add " + path, "content": base64.StdEncoding.EncodeToString([]byte(content)), "branch": branch}
	status, out := e.API("PUT", "/repos/"+full+"/contents/"+path, body)
	if status != 200 && status != 201 {
		e.T.Fatalf("PUT /repos/%s/contents/%s: %d %v", full, path, status, out)
	}
	sha, _ := out.(map[string]any)["commit"].(map[string]any)["sha"].(string)
	return sha
}

// PutFileOnNewBranch creates branch at main's tip in OWNER/NAME (full), then
// commits the new file path on it (PutFile); it returns the branch's new tip.
func (e *Env) PutFileOnNewBranch(full, branch, path, content string) string {
	e.T.Helper()
	status, out := e.API("GET", "/repos/"+full+"/git/ref/heads/main", nil)
	if status != 200 {
		e.T.Fatalf("GET main of %s: %d %v", full, status, out)
	}
	sha := out.(map[string]any)["object"].(map[string]any)["sha"]
	if status, out := e.API("POST", "/repos/"+full+"/git/refs", map[string]any{"ref": "refs/heads/" + branch, "sha": sha}); status != 201 {
		e.T.Fatalf("creating %s in %s: %d %v", branch, full, status, out)
	}
	return e.PutFile(full, branch, path, content)
}

func (e *Env) createRepo(createPath, owner, name string, files map[string]string) string {
	e.T.Helper()
	if status, out := e.API("POST", createPath, map[string]any{"name": name}); status != 201 {
		e.T.Fatalf("POST %s: %d %v", createPath, status, out)
	}
	seed := filepath.Join(e.Dir, "seed-"+owner+"-"+name)
	e.Git(e.Dir, "init", "--quiet", seed)
	all := map[string]string{".github/workflows/release.yml": ReleaseWorkflow, "README.md": "# " + name + "\n"}
	for k, v := range files {
		all[k] = v
	}
	for p, content := range all {
		if content == "" {
			continue
		}
		writeFile(e.T, filepath.Join(seed, p), content)
	}
	remote := e.webBase + "/" + owner + "/" + name + ".git"
	e.Git(seed, "add", "-A")
	e.Git(seed, "commit", "--quiet", "-m", "Initial commit")
	e.Git(seed, "remote", "add", "origin", remote)
	e.Git(seed, "push", "--quiet", "origin", "HEAD:refs/heads/main")
	return e.CloneURL(remote)
}

// CreateOrg creates the organization login, owned by OWNER, the way a GitHub
// Enterprise Server site admin does (POST /admin/organizations).
func (e *Env) CreateOrg(login string) {
	e.T.Helper()
	if status, out := e.API("POST", "/admin/organizations", map[string]any{"login": login, "admin": Owner}); status != 201 {
		e.T.Fatalf("POST /admin/organizations: %d %v", status, out)
	}
}

// CreateTeam creates the team name in org with members, with push access to
// the organization's repositories repos, through GitHub's API; it returns the
// team's slug.
func (e *Env) CreateTeam(org, name string, members, repos []string) string {
	e.T.Helper()
	status, out := e.API("POST", "/orgs/"+org+"/teams", map[string]any{"name": name})
	if status != 201 {
		e.T.Fatalf("POST /orgs/%s/teams: %d %v", org, status, out)
	}
	slug, _ := out.(map[string]any)["slug"].(string)
	for _, m := range members {
		if status, out := e.API("PUT", "/orgs/"+org+"/teams/"+slug+"/memberships/"+m, map[string]any{"role": "member"}); status != 200 {
			e.T.Fatalf("adding %s to %s/%s: %d %v", m, org, slug, status, out)
		}
	}
	for _, r := range repos {
		if status, out := e.API("PUT", "/orgs/"+org+"/teams/"+slug+"/repos/"+org+"/"+r, map[string]any{"permission": "push"}); status != 204 {
			e.T.Fatalf("giving %s/%s access to %s: %d %v", org, slug, r, status, out)
		}
	}
	return slug
}

// AddCollaborator gives login access to OWNER/name, as GitHub requires of
// anyone asked for a review: a new repository has its owner alone ("Reviews may
// only be requested from collaborators"). It goes through GitHub's API (PUT
// …/collaborators/{username}); the emulator grants the invitation at once.
func (e *Env) AddCollaborator(name, login string) {
	e.T.Helper()
	if status, out := e.API("PUT", "/repos/"+Owner+"/"+name+"/collaborators/"+login, map[string]any{"permission": "push"}); status != 201 && status != 204 {
		e.T.Fatalf("adding %s as a collaborator of %s: %d %v", login, name, status, out)
	}
}

// RemoteURL is the clone URL of OWNER/name on the emulator.
func (e *Env) RemoteURL(name string) string {
	return e.webBase + "/" + Owner + "/" + name + ".git"
}

// Clone clones OWNER/name into a new folder and returns its path.
func (e *Env) Clone(name string) string {
	e.T.Helper()
	return e.CloneURL(e.RemoteURL(name))
}

// CloneURL clones remoteURL into a new folder with git clone's options args (e.g.
// "--filter=blob:none", "--depth=1") and returns its path.
func (e *Env) CloneURL(remoteURL string, args ...string) string {
	e.T.Helper()
	dir, err := os.MkdirTemp(e.Dir, "clone-"+path.Base(strings.TrimSuffix(remoteURL, ".git"))+"-")
	if err != nil {
		e.T.Fatal(err)
	}
	e.Git(e.Dir, append(append([]string{"clone", "--quiet"}, args...), remoteURL, dir)...)
	return dir
}

// Hotfix runs `gh hotfix args...` in dir.
func (e *Env) Hotfix(dir string, args ...string) Result {
	e.T.Helper()
	return e.RunIn(dir, "gh", append([]string{"hotfix"}, args...)...)
}

// Unauthenticated sends a request without any credentials and returns the status and body.
func (e *Env) Unauthenticated(method, path string) (int, string) {
	e.T.Helper()
	req, err := http.NewRequest(method, e.apiBase+path, nil)
	if err != nil {
		e.T.Fatal(err)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Snapshot captures everything a refused command must leave alone: local refs,
// HEAD, the index and work tree state, and the remote repository's refs.
func (e *Env) Snapshot(dir, repo string) string {
	e.T.Helper()
	var b strings.Builder
	b.WriteString("refs:\n" + e.RunIn(dir, "git", "for-each-ref", "--format=%(refname) %(objectname)").Stdout)
	b.WriteString("HEAD: " + e.RunIn(dir, "git", "rev-parse", "HEAD").Stdout)
	b.WriteString("symbolic HEAD: " + e.RunIn(dir, "git", "symbolic-ref", "-q", "HEAD").Stdout)
	b.WriteString("status:\n" + e.RunIn(dir, "git", "status", "--porcelain", "--untracked-files=all").Stdout)
	b.WriteString("config:\n" + e.RunIn(dir, "git", "config", "--local", "--list").Stdout)
	bare := filepath.Join(e.Dir, "github", Owner, repo+".git")
	b.WriteString("remote refs:\n" + e.RunIn(bare, "git", "for-each-ref", "--format=%(refname) %(objectname)").Stdout)
	return b.String()
}

// ClearRequests empties the emulator's request log.
func (e *Env) ClearRequests() {
	e.T.Helper()
	if status, out := e.Control("DELETE", "requests", nil); status != 204 {
		e.T.Fatalf("clearing the request log: %d %v", status, out)
	}
}

// RequestCounts returns the emulator's request log: API requests by route, and
// git connections for fetching (fetch, ls-remote, clone) and for pushing. Each git
// command opens one connection with a GET of info/refs, however many protocol
// requests follow.
func (e *Env) RequestCounts() (api map[string]int, fetches, pushes int) {
	api = map[string]int{}
	for _, r := range e.Server.Requests() {
		switch {
		case r.Route == "git" && r.Method == "GET" && strings.HasSuffix(r.Path, "info/refs?service=git-upload-pack") && r.Status == 200:
			fetches++
		case r.Route == "git" && r.Method == "GET" && strings.HasSuffix(r.Path, "info/refs?service=git-receive-pack") && r.Status == 200:
			pushes++
		case r.Route == "git":
		case r.Route != "git" && r.Route != "web":
			api[r.Route]++
		}
	}
	return api, fetches, pushes
}

// Start runs gh hotfix args... in dir in the background; Wait returns its result.
func (e *Env) Start(dir string, args ...string) *Process {
	e.T.Helper()
	return e.start(dir, "gh", append([]string{"hotfix"}, args...)...)
}

// StartExtension runs the built extension binary itself (not through gh), so a
// signal reaches it as Ctrl-C in a terminal would.
func (e *Env) StartExtension(dir string, args ...string) *Process {
	e.T.Helper()
	return e.start(dir, filepath.Join(BuildExtension(e.T), "gh-hotfix"), args...)
}

func (e *Env) start(dir, name string, args ...string) *Process {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = e.Environ
	// Its own process group, so a test can signal gh and the extension together,
	// as a terminal does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &Process{Cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.stdout, &p.stderr
	if err := cmd.Start(); err != nil {
		e.T.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		defer close(p.done)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			p.code = ee.ExitCode()
		} else if err != nil {
			p.code = -1
		}
	}()
	e.T.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	return p
}

// Kill sends SIGKILL to the process and its children.
func (p *Process) Kill() {
	_ = syscall.Kill(-p.Cmd.Process.Pid, syscall.SIGKILL)
}

// Process is a command running in the background.
type Process struct {
	Cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	code           int
	done           chan struct{}
}

// lockedBuffer is a buffer the command writes while a test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stderr is what the process wrote on stderr so far.
func (p *Process) Stderr() string { return p.stderr.String() }

// Wait waits (bounded) for the process to end.
func (p *Process) Wait(t testing.TB, timeout time.Duration) Result {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		_ = p.Cmd.Process.Kill()
		<-p.done
		t.Fatalf("%s did not finish within %s\nstdout: %s\nstderr: %s", p.Cmd.Path, timeout, p.stdout.String(), p.stderr.String())
	}
	return Result{Stdout: p.stdout.String(), Stderr: p.stderr.String(), Code: p.code}
}

// Eventually polls cond every 50ms until it holds, failing after timeout.
func (e *Env) Eventually(what string, timeout time.Duration, cond func() bool) {
	e.T.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.T.Fatalf("timed out after %s waiting for %s", timeout, what)
}
