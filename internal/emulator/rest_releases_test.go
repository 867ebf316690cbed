package emulator

import (
	"bytes"
	"io"
	"net/http"
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
