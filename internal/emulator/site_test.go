package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// httpsClient trusts the emulator's authority and goes through its proxy, as gh
// does with SSL_CERT_FILE and HTTPS_PROXY.
func (ts *testServer) httpsClient(t *testing.T) *http.Client {
	t.Helper()
	pemBytes, err := os.ReadFile(ts.srv.CAFile())
	if err != nil {
		t.Fatalf("the authority's certificate was not written: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("%s holds no certificate", ts.srv.CAFile())
	}
	proxy, _ := url.Parse("http://" + ts.addr)
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func TestSiteRouting(t *testing.T) {
	s := &Server{}
	s.ghesVersion.Store("3.14.2")
	for _, tc := range []struct {
		host, path string
		kind       siteKind
		rt         route
		outPath    string
	}{
		{"api.github.localhost", "/repos/o/r", siteDotcom, routeAPI, "/repos/o/r"},
		{"github.localhost", "/o/r.git/info/refs", siteDotcom, routeWeb, "/o/r.git/info/refs"},
		{"ghes.localhost", "/api/v3/repos/o/r", siteEnterprise, routeAPI, "/repos/o/r"},
		{"GHES.localhost", "/api/v3", siteEnterprise, routeAPI, "/"},
		{"ghes.localhost", "/api/graphql", siteEnterprise, routeAPI, "/graphql"},
		{"ghes.localhost", "/api/uploads/repos/o/r/releases/1/assets", siteEnterprise, routeAPI, "/repos/o/r/releases/1/assets"},
		{"ghes.localhost", "/api/v3x", siteEnterprise, routeWeb, "/api/v3x"},
		{"ghes.localhost", "/o/r.git/info/refs", siteEnterprise, routeWeb, "/o/r.git/info/refs"},
		{"api.octo.ghe.localhost", "/graphql", siteTenant, routeAPI, "/graphql"},
		{"octo.ghe.localhost", "/o/r.git/info/refs", siteTenant, routeWeb, "/o/r.git/info/refs"},
		{"a.b.ghe.localhost", "/", siteDotcom, routeNone, "/"},
		{"github.com", "/", siteDotcom, routeNone, "/"},
		{"api.github.com", "/", siteDotcom, routeNone, "/"},
	} {
		st, rt, p := s.siteFor(tc.host, tc.path)
		if rt != tc.rt || p != tc.outPath || (rt != routeNone && st.kind != tc.kind) {
			t.Errorf("siteFor(%q, %q) = %v %v %q, want %v %v %q", tc.host, tc.path, st.kind, rt, p, tc.kind, tc.rt, tc.outPath)
		}
	}
}

func TestRebaseOnlyRewritesURLsGitHubMade(t *testing.T) {
	st := site{kind: siteEnterprise, host: "ghes.localhost", version: "3.14.0"}
	in := `{"url":"http://api.github.localhost/repos/o/r","html_url":"http://github.localhost/o/r",` +
		`"ssh_url":"git@github.localhost:o/r.git","body":"see http://github.localhost/o/r/pull/1",` +
		`"quoted":"{\"u\":\"http://github.localhost/x\"}"}`
	want := `{"url":"https://ghes.localhost/api/v3/repos/o/r","html_url":"https://ghes.localhost/o/r",` +
		`"ssh_url":"git@ghes.localhost:o/r.git","body":"see http://github.localhost/o/r/pull/1",` +
		`"quoted":"{\"u\":\"http://github.localhost/x\"}"}`
	if got := string(st.rebase([]byte(in))); got != want {
		t.Errorf("rebase:\n got %s\nwant %s", got, want)
	}
	tenant := site{kind: siteTenant, host: "octo.ghe.localhost"}
	if got := string(tenant.rebase([]byte(`["http://api.github.localhost/user"]`))); got != `["https://api.octo.ghe.localhost/user"]` {
		t.Errorf("tenant rebase: %s", got)
	}
	if got := (site{kind: siteDotcom}).rebase([]byte(in)); string(got) != in {
		t.Errorf("github.localhost answers changed: %s", got)
	}
}

// TestEnterpriseServerOverHTTPS: ghes.localhost answers only over HTTPS through
// CONNECT, with a certificate the written authority signed; REST under /api/v3
// with the version header and GitHub Enterprise Server's URLs, GraphQL at
// /api/graphql, /meta with installed_version, and git over HTTPS.
func TestEnterpriseServerOverHTTPS(t *testing.T) {
	ts := newTestServerWith(t, Options{EnterpriseVersion: "3.14.2"})
	if got := ts.srv.CAFile(); got != filepath.Join(ts.dir, "root", CAFile) {
		t.Errorf("CAFile = %q", got)
	}
	c := ts.httpsClient(t)
	get := func(u string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "token t0k3n")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = jsonDecode(resp.Body, &m)
		return resp, m
	}

	ts.seedRepo("app")
	resp, repo := get("https://ghes.localhost/api/v3/repos/monalisa/app")
	if resp.StatusCode != 200 || resp.Header.Get("X-GitHub-Enterprise-Version") != "3.14.2" {
		t.Fatalf("GET repo: %d, version header %q", resp.StatusCode, resp.Header.Get("X-GitHub-Enterprise-Version"))
	}
	if repo["html_url"] != "https://ghes.localhost/monalisa/app" || repo["url"] != "https://ghes.localhost/api/v3/repos/monalisa/app" ||
		repo["clone_url"] != "https://ghes.localhost/monalisa/app.git" {
		t.Errorf("URLs not the enterprise host's: html_url %v url %v clone_url %v", repo["html_url"], repo["url"], repo["clone_url"])
	}
	if resp.TLS == nil || resp.TLS.PeerCertificates[0].Subject.CommonName != "ghes.localhost" {
		t.Errorf("not served over TLS with ghes.localhost's certificate")
	}
	if _, meta := get("https://ghes.localhost/api/v3/meta"); meta["installed_version"] != "3.14.2" {
		t.Errorf("meta: %v", meta)
	}
	// github.localhost's answers are untouched and have no version header.
	if r := ts.do("GET", "/repos/monalisa/app", nil, nil); r.header.Get("X-GitHub-Enterprise-Version") != "" ||
		r.json(t)["html_url"] != "http://github.localhost/monalisa/app" {
		t.Errorf("github.localhost answer changed: %s %v", r.body, r.header)
	}
	if m := ts.do("GET", "/meta", nil, nil).json(t); m["installed_version"] != nil {
		t.Errorf("github.localhost's meta says a version: %v", m)
	}

	// GraphQL at /api/graphql.
	g := ts.siteCaller("3.14.2").graphql(`{ repository(owner:"monalisa", name:"app") { url } }`, nil).json(t)
	if got := g["data"].(map[string]any)["repository"].(map[string]any)["url"]; got != "https://ghes.localhost/monalisa/app" {
		t.Errorf("GraphQL url = %v (%v)", got, g)
	}

	// Plain HTTP to the enterprise host is refused and recorded.
	if r := ts.do("GET", "http://ghes.localhost/api/v3/repos/monalisa/app", nil, nil); r.status != 400 {
		t.Errorf("plain HTTP to ghes.localhost answered %d", r.status)
	}

	// git over HTTPS, trusting the authority through GIT_SSL_CAINFO.
	dir := filepath.Join(t.TempDir(), "clone")
	cmd := exec.Command("git", "clone", "-q", "https://x-access-token:t0k3n@ghes.localhost/monalisa/app.git", dir)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"https_proxy=http://"+ts.addr, "HTTPS_PROXY=http://"+ts.addr, "no_proxy=", "NO_PROXY=", "GIT_SSL_CAINFO="+ts.srv.CAFile())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git clone over HTTPS: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "app.txt")); err != nil || !strings.Contains(string(b), "two") {
		t.Errorf("clone content: %q %v", b, err)
	}

	// A GHE.com tenant: API at api.TENANT, web at TENANT, no version header.
	resp, repo = get("https://api.octo.ghe.localhost/repos/monalisa/app")
	if resp.StatusCode != 200 || resp.Header.Get("X-GitHub-Enterprise-Version") != "" || repo["html_url"] != "https://octo.ghe.localhost/monalisa/app" {
		t.Errorf("tenant: %d %v %v", resp.StatusCode, resp.Header.Get("X-GitHub-Enterprise-Version"), repo["html_url"])
	}

	// Setting the version through the control API.
	if r := ts.do("POST", "http://"+ts.addr+"/_emulator/enterprise", map[string]any{"version": "3.21.0"}, nil); r.status != 200 {
		t.Fatalf("control enterprise: %d %s", r.status, r.body)
	}
	if resp, _ := get("https://ghes.localhost/api/v3/user"); resp.Header.Get("X-GitHub-Enterprise-Version") != "3.21.0" {
		t.Errorf("version after the control call: %q", resp.Header.Get("X-GitHub-Enterprise-Version"))
	}
}

// TestDispatchRunDetailsByVersion: return_run_details is refused before GitHub
// Enterprise Server 3.21 and answered from it on (versions.go).
func TestDispatchRunDetailsByVersion(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    int
	}{{"3.20.4", 422}, {"3.21.0", 200}, {"3.22.1", 200}} {
		t.Run(tc.version, func(t *testing.T) {
			ts := newTestServerWith(t, Options{EnterpriseVersion: tc.version})
			ts.seedRepo("app")
			r := ts.siteCaller(tc.version).rest("POST", "/repos/monalisa/app/actions/workflows/release.yml/dispatches",
				map[string]any{"ref": "main", "inputs": map[string]any{"environment": "production"}, "return_run_details": true})
			m := r.json(t)
			if r.status != tc.want {
				t.Fatalf("dispatch on %s answered %d %v, want %d", tc.version, r.status, m, tc.want)
			}
			if tc.want == 422 && m["message"] != "Invalid request.\n\n\"return_run_details\" is not a permitted key." {
				t.Errorf("refusal message %q", m["message"])
			}
			if tc.want == 200 && !strings.HasPrefix(m["html_url"].(string), "https://ghes.localhost/monalisa/app/actions/runs/") {
				t.Errorf("run html_url %v", m["html_url"])
			}
		})
	}
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
