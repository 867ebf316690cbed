package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/bench"
	"github.com/gh-hotfix/gh-hotfix/internal/emulator"
	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

const (
	token = "gho_benchToken0123456789abcdefghijklmnop"
	owner = "monalisa"
	// reviewer is the teammate whose review ship requests.
	reviewer = "hubot"
)

// releaseWorkflow is the release workflow of every repository.
const releaseWorkflow = `name: Release
on:
  workflow_dispatch:
    inputs:
      environment:
        description: Where to deploy
        type: choice
        options: [production, staging]
        default: production
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`

// world is an isolated gh and git talking to an in-process GitHub emulator.
type world struct {
	dir     string
	srv     *emulator.Server
	addr    string
	environ []string
	client  *http.Client
	cancel  context.CancelFunc
	done    chan struct{}
	// cpu adds up the user and system time of every command run (with the git
	// and extension processes they waited for): the client side's work, which the
	// machine's other load does not inflate the way it does wall time.
	cpu time.Duration
	// traceFile, when set, receives GIT_TRACE from every command (--trace).
	traceFile string
}

func newWorld(dir, extDir string) (*world, error) {
	if err := os.MkdirAll(filepath.Join(dir, "github"), 0o755); err != nil {
		return nil, err
	}
	srv, err := emulator.New(emulator.Options{Root: filepath.Join(dir, "github"), Login: owner})
	if err != nil {
		return nil, err
	}
	ln, err := emulator.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &world{dir: dir, srv: srv, addr: ln.Addr().String(), cancel: cancel, done: make(chan struct{})}
	go func() { defer close(w.done); _ = srv.Serve(ctx, ln) }()
	proxy, _ := url.Parse("http://" + w.addr)
	w.client = &http.Client{Timeout: time.Minute, Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}

	environ, err := harness.Isolate(dir, w.addr, token)
	if err != nil {
		return nil, err
	}
	w.environ = environ
	if err := w.waitReady(); err != nil {
		w.close()
		return nil, err
	}
	if _, err := w.run(extDir, "gh", "extension", "install", "."); err != nil {
		w.close()
		return nil, fmt.Errorf("installing the extension: %w", err)
	}
	if _, err := w.control("POST", "users", map[string]any{"login": reviewer, "token": "hubot-token"}); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *world) close() {
	w.cancel()
	<-w.done
}

func (w *world) waitReady() error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := w.control("GET", "health", nil); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the emulator at %s did not become ready", w.addr)
}

// result is a finished command.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a program in dir; a non-zero exit is an error holding what it printed.
func (w *world) run(dir, name string, args ...string) (string, error) {
	r, err := w.exec(dir, name, args...)
	if err != nil {
		return "", err
	}
	if r.code != 0 {
		return r.stdout, fmt.Errorf("%s %s: exit %d: %s", name, strings.Join(args, " "), r.code, strings.TrimSpace(r.stderr+r.stdout))
	}
	return r.stdout, nil
}

func (w *world) exec(dir, name string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = w.environ
	if w.traceFile != "" {
		cmd.Env = append(append([]string(nil), w.environ...), "GIT_TRACE="+w.traceFile)
	}
	cmd.Stdin = strings.NewReader("")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ps := cmd.ProcessState; ps != nil {
		w.cpu += ps.UserTime() + ps.SystemTime()
	}
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		return r, fmt.Errorf("running %s: %w", name, err)
	}
	return r, nil
}

// git runs git in dir.
func (w *world) git(dir string, args ...string) (string, error) {
	out, err := w.run(dir, "git", args...)
	return strings.TrimSpace(out), err
}

// api calls the emulator's GitHub API as the bench user and decodes the answer into out.
func (w *world) api(method, path string, body, out any) error {
	status, raw, err := w.do(method, "http://"+emulator.APIHost+path, body, true)
	if err != nil {
		return err
	}
	if status >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, status, strings.TrimSpace(string(raw)))
	}
	if out != nil && len(raw) > 0 {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// control calls the emulator's control API.
func (w *world) control(method, path string, body any) ([]byte, error) {
	status, raw, err := w.do(method, "http://"+w.addr+"/_emulator/"+path, body, false)
	if err != nil {
		return nil, err
	}
	if status >= 300 {
		return nil, fmt.Errorf("control API %s %s: %d %s", method, path, status, strings.TrimSpace(string(raw)))
	}
	return raw, nil
}

func (w *world) do(method, u string, body any, auth bool) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	if auth {
		req.Header.Set("Authorization", "token "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// setLatency sets the emulator's server-wide latency through the control API.
func (w *world) setLatency(ms int) error {
	_, err := w.control("POST", "latency", map[string]any{"ms": ms})
	return err
}

func (w *world) clearLog() error {
	_, err := w.control("DELETE", "requests", nil)
	return err
}

// log reads the request log through the control API.
func (w *world) log() ([]bench.Entry, error) {
	raw, err := w.control("GET", "requests", nil)
	if err != nil {
		return nil, err
	}
	return bench.ParseLog(raw)
}

// newRepo creates OWNER/name with a release workflow and a README on main, the tip
// green (a successful check run), and the reviewer as a collaborator (GitHub asks
// collaborators only for reviews); it returns the tip.
func (w *world) newRepo(name string) (string, error) {
	if err := w.api("POST", "/user/repos", map[string]any{"name": name}, nil); err != nil {
		return "", err
	}
	if err := w.api("PUT", "/repos/"+harness.Owner+"/"+name+"/collaborators/"+reviewer, map[string]any{"permission": "push"}, nil); err != nil {
		return "", err
	}
	if _, err := w.putFile(name, "main", ".github/workflows/release.yml", releaseWorkflow, "Add the release workflow"); err != nil {
		return "", err
	}
	return w.commitGreen(name, "README.md", "# "+name+"\n", "Initial commit")
}

// commitGreen commits a file on main through the API and marks the commit green.
func (w *world) commitGreen(name, path, content, message string) (string, error) {
	sha, err := w.putFile(name, "main", path, content, message)
	if err != nil {
		return "", err
	}
	err = w.api("POST", "/repos/"+owner+"/"+name+"/check-runs", map[string]any{"name": "CI", "head_sha": sha,
		"status": "completed", "conclusion": "success"}, nil)
	return sha, err
}

// putFile commits one file on branch through the contents API; it returns the commit.
func (w *world) putFile(name, branch, path, content, message string) (string, error) {
	return w.putFileIn(owner+"/"+name, branch, path, content, message)
}

// putFileIn is putFile in the repository full (OWNER/NAME).
func (w *world) putFileIn(full, branch, path, content, message string) (string, error) {
	var out struct {
		Commit struct{ SHA string } `json:"commit"`
	}
	err := w.api("PUT", "/repos/"+full+"/contents/"+path, map[string]any{"message": message, "branch": branch,
		"content": base64.StdEncoding.EncodeToString([]byte(content))}, &out)
	return out.Commit.SHA, err
}

func (w *world) remoteURL(name string) string {
	return "http://" + emulator.Host + "/" + owner + "/" + name + ".git"
}

// clone clones OWNER/name into a new folder.
func (w *world) clone(name string) (string, error) {
	dir := filepath.Join(w.dir, "clones", name)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	_, err := w.git(w.dir, "clone", "--quiet", w.remoteURL(name), dir)
	return dir, err
}
