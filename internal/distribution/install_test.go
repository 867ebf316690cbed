package distribution

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestGhExtensionInstallFromRelease publishes a release of gh-hotfix on the
// emulator as the release workflow would (the goreleaser snapshot of
// testVersion with the release tests; script/build's otherwise), then installs it with the real gh
// on a machine where gh has no extension, and runs it.
func TestGhExtensionInstallFromRelease(t *testing.T) {
	e := harness.NewBare(t)
	host := platform{runtime.GOOS, runtime.GOARCH}
	if !slices.Contains(shipped, host) {
		t.Skipf("no release binary for %s", host)
	}

	// The goreleaser snapshot with the release tests; else script/build's binary for
	// this platform (the one gh installs) beside the other assets' names, so gh
	// still chooses among a whole release.
	var files artifacts
	if os.Getenv(releaseTestsEnv) == "1" {
		files = goreleaserRelease(t)
	} else {
		var err error
		if files, err = scriptBuild(testVersion, host.GOOS+"-"+host.GOARCH); err != nil {
			t.Fatal(err)
		}
		files = withPlaceholders(t, files)
	}

	e.CreateRepo("gh-hotfix", nil)
	status, out := e.API("POST", "/repos/"+harness.Owner+"/gh-hotfix/releases",
		map[string]any{"tag_name": testVersion, "name": "gh-hotfix " + strings.TrimPrefix(testVersion, "v")})
	if status != 201 {
		t.Fatalf("creating release %s: %d %v", testVersion, status, out)
	}
	uploadURL, _ := out.(map[string]any)["upload_url"].(string)
	ids := map[string]string{} // asset name -> id
	for _, name := range slices.Sorted(slices.Values(files.names())) {
		data, err := os.ReadFile(files[name])
		if err != nil {
			t.Fatal(err)
		}
		status, out := e.UploadReleaseAsset(uploadURL, name, data)
		if status != 201 {
			t.Fatalf("uploading %s: %d %v", name, status, out)
		}
		id, _ := out.(map[string]any)["id"].(float64)
		ids[name] = strconv.FormatInt(int64(id), 10)
	}
	e.ClearRequests()

	r := e.RunIn(e.Dir, "gh", "extension", "install", harness.Owner+"/gh-hotfix")
	if r.Code != 0 {
		t.Fatalf("gh extension install %s/gh-hotfix: exit %d\n%s%s", harness.Owner, r.Code, r.Stdout, r.Stderr)
	}

	// gh downloaded this platform's binary, byte for byte.
	want := assetName(testVersion, host)
	installed := filepath.Join(e.Dir, "data", "gh", "extensions", "gh-hotfix", "gh-hotfix")
	if host.GOOS == "windows" {
		installed += ".exe"
	}
	got, err := os.ReadFile(installed)
	if err != nil {
		t.Fatalf("gh did not install the binary: %v", err)
	}
	if wantData, _ := os.ReadFile(files[want]); !bytes.Equal(got, wantData) {
		t.Errorf("installed binary is not the release's %s", want)
	}
	manifest, err := os.ReadFile(filepath.Join(filepath.Dir(installed), "manifest.yml"))
	if err != nil || !strings.Contains(string(manifest), "tag: "+testVersion) {
		t.Errorf("gh's manifest does not record tag %s: %v\n%s", testVersion, err, manifest)
	}

	// Through GitHub's releases API as gh uses it: the latest release (gh asks twice,
	// to see that it is a binary extension and to install, but its extension
	// manager's HTTP client caches GETs for 30s: pkg/cmd/factory/default.go), then
	// the asset's API URL, which redirects to its download URL.
	var calls []string
	for _, req := range e.Server.Requests() {
		calls = append(calls, req.Method+" "+req.Path+" "+strconv.Itoa(req.Status))
	}
	wantCalls := []string{
		"GET /repos/" + harness.Owner + "/gh-hotfix/releases/latest 200",
		"GET /repos/" + harness.Owner + "/gh-hotfix/releases/assets/" + ids[want] + " 302",
		"GET /" + harness.Owner + "/gh-hotfix/releases/download/" + testVersion + "/" + want + " 200",
	}
	if !slices.Equal(calls, wantCalls) {
		t.Errorf("gh extension install made these requests:\n%s\nwant\n%s", strings.Join(calls, "\n"), strings.Join(wantCalls, "\n"))
	}
	for _, f := range e.Server.ConformanceFailures() {
		t.Errorf("request GitHub would refuse: %s %s: %s", f.Method, f.Path, f.Detail)
	}

	r = e.RunIn(e.Dir, "gh", "hotfix", "--version")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "gh-hotfix version "+testVersion) {
		t.Errorf("gh hotfix --version: exit %d, stdout %q, stderr %q; want gh-hotfix version %s", r.Code, r.Stdout, r.Stderr, testVersion)
	}
	r = e.RunIn(e.Dir, "gh", "extension", "list")
	if r.Code != 0 || !strings.Contains(r.Stdout, harness.Owner+"/gh-hotfix") || !strings.Contains(r.Stdout, testVersion) {
		t.Errorf("gh extension list: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// withPlaceholders adds a small file under every other shipped platform's asset
// name, so the installed release offers gh the whole set to choose from.
func withPlaceholders(t *testing.T, files artifacts) artifacts {
	t.Helper()
	dir := t.TempDir()
	for _, p := range shipped {
		name := assetName(testVersion, p)
		if _, ok := files[name]; ok {
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("placeholder for "+name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		files[name] = path
	}
	return files
}
