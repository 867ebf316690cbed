package distribution

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// goreleaser is pinned: the version .github/workflows/release.yml runs, and the
// newest that builds with Go 1.26.8. It is a tool, not a module dependency: it is
// installed once per machine into the user's cache folder.
const (
	goreleaserModule  = "github.com/goreleaser/goreleaser/v2"
	goreleaserVersion = "v2.15.1"
)

// goreleaserBinary finds goreleaser at the pinned version: $GORELEASER, the
// cache folder, or PATH, checked by the module version recorded in the binary.
// Missing, it is built into the cache folder with `go install` (about 2.5
// minutes on two cores; .ci/run does it before the tests).
func goreleaserBinary(t *testing.T) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("no cache folder for goreleaser: %v", err)
	}
	dir := filepath.Join(cache, "gh-hotfix", "goreleaser-"+goreleaserVersion)
	candidates := []string{os.Getenv("GORELEASER"), filepath.Join(dir, "goreleaser")}
	if p, err := exec.LookPath("goreleaser"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if c != "" && isPinnedGoreleaser(c) {
			return c
		}
	}
	if testing.Short() {
		t.Skipf("goreleaser %s is not installed (skipped under -short; install: GOBIN=%s go install %s@%s)", goreleaserVersion, dir, goreleaserModule, goreleaserVersion)
	}
	start := time.Now()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	// Built beside its final place and renamed, so a half-built binary is never found.
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "goreleaser-build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", goreleaserModule+"@"+goreleaserVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("goreleaser %s is not installed and `go install %s@%s` failed (%v): install it with\n  GOBIN=%s go install %s@%s\nor run go test -short\n%s",
			goreleaserVersion, goreleaserModule, goreleaserVersion, err, dir, goreleaserModule, goreleaserVersion, out)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(tmp, "goreleaser"), filepath.Join(dir, "goreleaser")); err != nil {
		t.Fatal(err)
	}
	t.Logf("installed goreleaser %s into %s in %s", goreleaserVersion, dir, time.Since(start).Round(time.Second))
	return filepath.Join(dir, "goreleaser")
}

func isPinnedGoreleaser(path string) bool {
	info, err := buildinfo.ReadFile(path)
	return err == nil && info.Main.Path == goreleaserModule && info.Main.Version == goreleaserVersion
}

// goreleaserRun is `goreleaser check` and `goreleaser release --snapshot` of
// .goreleaser.yaml, once per test process.
var goreleaserRun struct {
	once   sync.Once
	files  artifacts
	checks string
	took   time.Duration
	err    error
}

// goreleaserRelease builds the release of testVersion with goreleaser, as a tag
// would but without publishing, and returns its uploadable files. The working
// tree's .goreleaser.yaml is used with three settings for the test: dist in a
// temporary folder (the checkout stays clean), the snapshot version testVersion,
// and the GitHub repository, which goreleaser otherwise reads from the `origin`
// remote (a checkout may have none).
func goreleaserRelease(t *testing.T) artifacts {
	t.Helper()
	bin := goreleaserBinary(t)
	goreleaserRun.once.Do(func() {
		goreleaserRun.files, goreleaserRun.checks, goreleaserRun.took, goreleaserRun.err = runGoreleaser(bin)
	})
	if goreleaserRun.err != nil {
		t.Fatal(goreleaserRun.err)
	}
	return goreleaserRun.files
}

func runGoreleaser(bin string) (artifacts, string, time.Duration, error) {
	work, err := workDir("gh-hotfix-goreleaser-")
	if err != nil {
		return nil, "", 0, err
	}
	raw, err := os.ReadFile(filepath.Join(moduleRoot(), ".goreleaser.yaml"))
	if err != nil {
		return nil, "", 0, err
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, "", 0, fmt.Errorf(".goreleaser.yaml: %w", err)
	}
	dist := filepath.Join(work, "dist")
	cfg["dist"] = dist
	section := func(key string) map[string]any {
		m, ok := cfg[key].(map[string]any)
		if !ok {
			m = map[string]any{}
			cfg[key] = m
		}
		return m
	}
	section("snapshot")["version_template"] = strings.TrimPrefix(testVersion, "v")
	section("release")["github"] = map[string]any{"owner": harness.Owner, "name": "gh-hotfix"}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, "", 0, err
	}
	config := filepath.Join(work, "goreleaser.yaml")
	if err := os.WriteFile(config, out, 0o644); err != nil {
		return nil, "", 0, err
	}

	run := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = moduleRoot()
		// A snapshot needs no token; keep any real one away from goreleaser.
		for _, kv := range os.Environ() {
			if k, _, _ := strings.Cut(kv, "="); !slices.Contains([]string{"GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "GITEA_TOKEN"}, k) {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		if err := cmd.Run(); err != nil {
			return buf.String(), fmt.Errorf("goreleaser %s: %v\n%s", strings.Join(args, " "), err, buf.String())
		}
		return buf.String(), nil
	}
	checks, err := run("check", "--config", config)
	if err != nil {
		return nil, "", 0, err
	}
	start := time.Now()
	if _, err := run("release", "--snapshot", "--clean", "--skip=publish", "--config", config); err != nil {
		return nil, checks, 0, err
	}
	took := time.Since(start)

	// artifacts.json lists what a release uploads: the binaries (format binary) and the checksums.
	var list []struct {
		Name  string         `json:"name"`
		Path  string         `json:"path"`
		Type  string         `json:"type"`
		Extra map[string]any `json:"extra"`
	}
	data, err := os.ReadFile(filepath.Join(dist, "artifacts.json"))
	if err == nil {
		err = json.Unmarshal(data, &list)
	}
	if err != nil {
		return nil, checks, took, fmt.Errorf("reading goreleaser's artifacts.json: %w", err)
	}
	files := artifacts{}
	for _, a := range list {
		if a.Type == "Checksum" || a.Extra["Format"] == "binary" {
			files[a.Name] = a.Path
		}
	}
	return files, checks, took, nil
}

// TestGoreleaserRelease checks .goreleaser.yaml with the pinned goreleaser and
// builds a snapshot release: its assets must be the shipped platforms under the
// names gh installs, each a static binary stamped with the version.
func TestGoreleaserRelease(t *testing.T) {
	requireReleaseTests(t)
	files := goreleaserRelease(t)
	t.Logf("goreleaser release --snapshot took %s", goreleaserRun.took.Round(time.Millisecond))
	if !strings.Contains(goreleaserRun.checks, "1 configuration file(s) validated") {
		t.Errorf("goreleaser check did not validate the configuration:\n%s", goreleaserRun.checks)
	}
	checkRelease(t, testVersion, files)
}

// TestScriptBuildMatchesGoreleaser checks that script/build, the build without
// goreleaser, makes the same release: the same asset names and binaries built alike.
func TestScriptBuildMatchesGoreleaser(t *testing.T) {
	requireReleaseTests(t)
	start := time.Now()
	files, err := scriptBuild(testVersion, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("script/build took %s", time.Since(start).Round(time.Millisecond))
	checkRelease(t, testVersion, files)
	fromGoreleaser := goreleaserRelease(t)
	if got, want := slices.Sorted(slices.Values(files.names())), slices.Sorted(slices.Values(fromGoreleaser.names())); !slices.Equal(got, want) {
		t.Errorf("script/build makes\n%v\ngoreleaser\n%v", got, want)
	}
}

// releaseTestsEnv turns on the tests that cross-build every platform: about ten
// minutes on a cold build cache, so they run from script/release-check (and the
// release workflow) rather than in every go test ./....
const releaseTestsEnv = "GH_HOTFIX_RELEASE_TESTS"

func requireReleaseTests(t *testing.T) {
	t.Helper()
	if os.Getenv(releaseTestsEnv) != "1" {
		t.Skipf("cross-builds all %d platforms with goreleaser: run script/release-check (%s=1)", len(shipped), releaseTestsEnv)
	}
}
