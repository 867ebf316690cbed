package emulator

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseAssetDownload follows a binary download as gh extension install
// makes it: the asset's API URL with Accept: application/octet-stream answers
// 302 Found to the browser_download_url, which answers the bytes.
func TestReleaseAssetDownload(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("tool")
	rel := ts.do("POST", "/repos/monalisa/tool/releases", map[string]any{"tag_name": "v1.0.0"}, nil)
	if rel.status != 201 {
		t.Fatalf("create release: %d %s", rel.status, rel.body)
	}
	uploadURL, _, _ := strings.Cut(rel.json(t)["upload_url"].(string), "{")
	data := []byte("\x7fELF binary bytes")
	req, _ := http.NewRequest("POST", uploadURL+"?name=tool_linux-amd64", bytes.NewReader(data))
	req.Header.Set("Authorization", "token t0k3n")
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	asset := response{status: resp.StatusCode, body: body}.json(t)
	apiURL, downloadURL := asset["url"].(string), asset["browser_download_url"].(string)
	if want := "http://" + Host + "/monalisa/tool/releases/download/v1.0.0/tool_linux-amd64"; downloadURL != want {
		t.Errorf("browser_download_url = %q, want %q", downloadURL, want)
	}

	if r := ts.do("GET", apiURL, nil, nil); r.status != 200 || r.json(t)["name"] != "tool_linux-amd64" {
		t.Errorf("asset metadata: %d %s", r.status, r.body)
	}

	noRedirects := *ts.client
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(c *http.Client, url string, hdr map[string]string) (int, http.Header, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b
	}
	binary := map[string]string{"Authorization": "token t0k3n", "Accept": "application/octet-stream"}
	status, hdr, b := get(&noRedirects, apiURL, binary)
	if status != http.StatusFound || hdr.Get("Location") != downloadURL || len(b) != 0 {
		t.Errorf("binary download: %d Location %q body %q, want 302 to %s", status, hdr.Get("Location"), b, downloadURL)
	}
	if status, _, b := get(ts.client, apiURL, binary); status != 200 || !bytes.Equal(b, data) {
		t.Errorf("following the redirect: %d %q, want the asset's bytes", status, b)
	}
	// The download URL of a public repository needs no credential.
	if status, hdr, b := get(ts.client, downloadURL, nil); status != 200 || !bytes.Equal(b, data) || hdr.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("download URL: %d %s %q", status, hdr.Get("Content-Type"), b)
	}
	if status, _, _ := get(ts.client, strings.Replace(downloadURL, "v1.0.0", "v9.9.9", 1), nil); status != 404 {
		t.Errorf("download of an unknown tag: %d, want 404", status)
	}
	if status, _, _ := get(ts.client, downloadURL+".exe", nil); status != 404 {
		t.Errorf("download of an unknown asset: %d, want 404", status)
	}
	if fails := ts.srv.ConformanceFailures(); len(fails) != 0 {
		t.Errorf("conformance failures: %+v", fails)
	}
}

// TestGenerateReleaseNotes: generate-notes lists the pull requests merged
// between the previous tag and the new one, in GitHub's default format, on a
// repository with a maintenance line (release/v1.4: v1.4.0, #1, v1.4.1, #2)
// and a newer line on main (#3, v1.5.0).
func TestGenerateReleaseNotes(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("notes")
	api := "/repos/monalisa/notes"
	release := func(tag, target string) {
		t.Helper()
		if r := ts.do("POST", api+"/releases", map[string]any{"tag_name": tag, "target_commitish": target}, nil); r.status != 201 {
			t.Fatalf("release %s: %d %s", tag, r.status, r.body)
		}
	}
	mergePR := func(number int, title, head, base string) {
		t.Helper()
		if r := ts.do("POST", api+"/pulls", map[string]any{"title": title, "head": head, "base": base}, nil); r.status != 201 {
			t.Fatalf("create PR %q: %d %s", title, r.status, r.body)
		}
		if r := ts.do("PUT", api+"/pulls/"+strconv.Itoa(number)+"/merge", map[string]any{"merge_method": "squash"}, nil); r.status != 200 {
			t.Fatalf("merge PR %q: %d %s", title, r.status, r.body)
		}
	}
	release("v1.4.0", "main")
	ts.git(work, "push", "-q", "origin", "main:release/v1.4")
	mergePR(1, "Fix the login page", "hotfix/fix", "release/v1.4")
	release("v1.4.1", "release/v1.4")
	ts.git(work, "fetch", "-q", "origin", "--tags")
	ts.git(work, "checkout", "-q", "-b", "hotfix/second", "v1.4.1")
	ts.commitFiles(work, "hotfix/second", map[string]string{"second.txt": "2\n"})
	mergePR(2, "Fix the checkout", "hotfix/second", "release/v1.4")
	ts.git(work, "checkout", "-q", "main")
	ts.commitFiles(work, "feature", map[string]string{"feature.txt": "f\n"})
	mergePR(3, "Add a feature", "feature", "main")
	release("v1.5.0", "main")

	pr := func(n int, title string) string {
		return "* " + title + " by @monalisa in http://" + Host + "/monalisa/notes/pull/" + strconv.Itoa(n) + "\n"
	}
	compare := func(from, to string) string {
		return "**Full Changelog**: http://" + Host + "/monalisa/notes/compare/" + from + "..." + to
	}
	tests := []struct {
		name     string
		body     map[string]any
		status   int
		wantBody string
	}{
		{"since the line's previous tag",
			map[string]any{"tag_name": "v1.4.2", "target_commitish": "release/v1.4", "previous_tag_name": "v1.4.1"}, 200,
			"## What's Changed\n" + pr(2, "Fix the checkout") + "\n" + compare("v1.4.1", "v1.4.2")},
		{"from an older tag",
			map[string]any{"tag_name": "v1.4.2", "target_commitish": "release/v1.4", "previous_tag_name": "v1.4.0"}, 200,
			"## What's Changed\n" + pr(1, "Fix the login page") + pr(2, "Fix the checkout") + "\n" + compare("v1.4.0", "v1.4.2")},
		{"without previous_tag_name, the newest release behind the target",
			map[string]any{"tag_name": "v1.4.2", "target_commitish": "release/v1.4"}, 200,
			"## What's Changed\n" + pr(2, "Fix the checkout") + "\n" + compare("v1.4.1", "v1.4.2")},
		{"nothing merged since the previous tag",
			map[string]any{"tag_name": "v1.6.0", "target_commitish": "main", "previous_tag_name": "v1.5.0"}, 200,
			compare("v1.5.0", "v1.6.0")},
		{"an existing tag ignores target_commitish",
			map[string]any{"tag_name": "v1.4.1", "target_commitish": "main", "previous_tag_name": "v1.4.0"}, 200,
			"## What's Changed\n" + pr(1, "Fix the login page") + "\n" + compare("v1.4.0", "v1.4.1")},
		{"no earlier release: all history",
			map[string]any{"tag_name": "v1.4.0"}, 200,
			"**Full Changelog**: http://" + Host + "/monalisa/notes/commits/v1.4.0"},
		{"unknown previous tag", map[string]any{"tag_name": "v1.4.2", "target_commitish": "release/v1.4", "previous_tag_name": "v9.9.9"}, 404, ""},
		{"a branch is not a previous tag", map[string]any{"tag_name": "v1.4.2", "target_commitish": "release/v1.4", "previous_tag_name": "main"}, 404, ""},
		{"unknown target", map[string]any{"tag_name": "v1.4.2", "target_commitish": "nope"}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.do("POST", api+"/releases/generate-notes", tt.body, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status != 200 {
				return
			}
			got := r.json(t)
			if got["name"] != tt.body["tag_name"] || got["body"] != tt.wantBody {
				t.Errorf("got name %q, body:\n%s\nwant body:\n%s", got["name"], got["body"], tt.wantBody)
			}
		})
	}
	if fails := ts.srv.ConformanceFailures(); len(fails) != 0 {
		t.Errorf("conformance failures: %+v", fails)
	}
	// tag_name is required: GitHub refuses the request as its description says.
	r := ts.do("POST", api+"/releases/generate-notes", map[string]any{"target_commitish": "main"}, nil)
	if r.status != 422 || !strings.Contains(string(r.body), "tag_name") {
		t.Errorf("without tag_name: %d %s, want 422", r.status, r.body)
	}
}
