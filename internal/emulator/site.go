package emulator

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
)

// The hosts the emulator answers for, besides github.localhost (which gh and
// go-gh treat as a special case: plain HTTP, API at api.github.localhost):
//
//   - EnterpriseHost stands for a GitHub Enterprise Server: HTTPS only, REST under
//     https://HOST/api/v3/ ("prefixed with the following URL: http(s)://HOSTNAME/api/v3",
//     docs.github.com/en/enterprise-server@3.10/rest/enterprise-admin), GraphQL at
//     https://HOST/api/graphql ("Point the client at the GraphQL endpoint:
//     http(s)://HOSTNAME/api/graphql", …@3.15/graphql/guides/using-graphql-clients),
//     uploads under https://HOST/api/uploads/ (go-github's convention,
//     google/go-github#3985; clients should use a release's upload_url), git at
//     https://HOST/OWNER/REPO.git. Every API answer carries X-GitHub-Enterprise-Version
//     ("The current version of your enterprise is returned in the REST API response
//     header", …@3.13/rest/enterprise-admin; real values are plain "3.16.2"), and
//     GET /api/v3/meta has installed_version (github/gh-gei#743; "not present for
//     https://api.github.com/meta", hub4j/github-api#852).
//   - TENANT.TenantDomain stands for GitHub Enterprise Cloud with data residency
//     (TENANT.ghe.com): HTTPS, the API at https://api.TENANT.ghe.com/ like
//     api.github.com ("replace api.github.com with your enterprise's dedicated
//     subdomain at api.SUBDOMAIN.ghe.com", docs.github.com/en/enterprise-cloud@latest/
//     rest/enterprise-admin/network-configurations), the web and git at
//     https://TENANT.ghe.com; no installed_version (mona-actions/gh-repo-stats#204).
//     gh and go-gh know a tenant only by the ghe.com suffix, so they take
//     TENANT.ghe.localhost for a GitHub Enterprise Server: the tenant shape is
//     served for clients told its URLs, not reached through gh.
//
// The same store answers on every host: a world uses one of them. Answers are
// built with github.localhost's URLs and rebased to the site's (rebase) at the
// one place every API answer passes, so no handler spells a host.
const (
	EnterpriseHost = "ghes.localhost"
	TenantDomain   = "ghe.localhost"
	// CurrentEnterpriseVersion is the GitHub Enterprise Server version the
	// emulator reports unless told otherwise (Options.EnterpriseVersion).
	CurrentEnterpriseVersion = "3.22.0"
)

type siteKind int

const (
	siteDotcom     siteKind = iota // github.localhost
	siteEnterprise                 // ghes.localhost
	siteTenant                     // TENANT.ghe.localhost
)

// site is the GitHub a request was sent to.
type site struct {
	kind siteKind
	host string // the web and git host
	// version is the GitHub Enterprise Server version ("3.14.2"), "" elsewhere.
	version string
}

// WebBase is the site's web root, without a trailing slash.
func (st site) WebBase() string {
	if st.kind == siteDotcom {
		return webURL
	}
	return "https://" + st.host
}

// APIBase is the site's REST root, without a trailing slash.
func (st site) APIBase() string {
	switch st.kind {
	case siteEnterprise:
		return "https://" + st.host + "/api/v3"
	case siteTenant:
		return "https://api." + st.host
	}
	return apiURL
}

// tls reports whether the site is served over HTTPS (through CONNECT).
func (st site) tls() bool { return st.kind != siteDotcom }

// ghesVersion returns the server's major and minor version; ok is false on
// github.com and GHE.com, which have every feature.
func (st site) ghesVersion() (major, minor int, ok bool) {
	if st.kind != siteEnterprise {
		return 0, 0, false
	}
	return parseVersion(st.version)
}

// parseVersion reads "3.14" or "3.14.2".
func parseVersion(v string) (major, minor int, ok bool) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || ma < 0 || mi < 0 {
		return 0, 0, false
	}
	return ma, mi, true
}

// atLeast reports whether the site is github.com-like or a GitHub Enterprise
// Server of version major.minor or later.
func (st site) atLeast(major, minor int) bool {
	ma, mi, ok := st.ghesVersion()
	if !ok {
		return true
	}
	return ma > major || (ma == major && mi >= minor)
}

// route is what part of a site a request is for.
type route int

const (
	routeNone route = iota
	routeAPI
	routeWeb
)

// siteFor maps a request's host and path to the site and the part of it the
// request is for; for the API of an enterprise host, path is returned without
// its /api/v3 (or /api/uploads) prefix and /api/graphql becomes /graphql, as
// github.localhost's API serves them.
func (s *Server) siteFor(host, path string) (st site, rt route, p string) {
	st, rt, p = s.anySiteFor(strings.ToLower(host), path)
	if s.onlyHost != "" && rt != routeNone && st.host != s.onlyHost {
		return site{}, routeNone, path
	}
	return st, rt, p
}

func (s *Server) anySiteFor(host, path string) (site, route, string) {
	switch {
	case host == APIHost:
		return site{kind: siteDotcom, host: Host}, routeAPI, path
	case host == Host:
		return site{kind: siteDotcom, host: Host}, routeWeb, path
	case host == EnterpriseHost:
		st := site{kind: siteEnterprise, host: host, version: s.enterpriseVersion()}
		if path == "/api/graphql" {
			return st, routeAPI, "/graphql"
		}
		for _, prefix := range []string{"/api/v3", "/api/uploads"} {
			if rest, ok := strings.CutPrefix(path, prefix); ok && (rest == "" || rest[0] == '/') {
				if rest == "" {
					rest = "/"
				}
				return st, routeAPI, rest
			}
		}
		return st, routeWeb, path
	case strings.HasSuffix(host, "."+TenantDomain):
		tenant := strings.TrimSuffix(host, "."+TenantDomain)
		if api, ok := strings.CutPrefix(tenant, "api."); ok && validTenant(api) {
			return site{kind: siteTenant, host: api + "." + TenantDomain}, routeAPI, path
		}
		if validTenant(tenant) {
			return site{kind: siteTenant, host: host}, routeWeb, path
		}
	}
	return site{}, routeNone, path
}

// validTenant accepts one DNS label.
func validTenant(t string) bool {
	if t == "" || len(t) > 63 || t[0] == '-' || t[len(t)-1] == '-' {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// servesTLS reports whether host (without port) is one the emulator answers
// over HTTPS, i.e. one a client may CONNECT to.
func (s *Server) servesTLS(host string) bool {
	st, rt, _ := s.siteFor(host, "/")
	return rt != routeNone && st.tls()
}

type siteKey struct{}

func withSite(r *http.Request, st site) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), siteKey{}, st))
}

// siteOf is the site a request was sent to (github.localhost when unknown).
func siteOf(r *http.Request) site {
	if st, ok := r.Context().Value(siteKey{}).(site); ok {
		return st
	}
	return site{kind: siteDotcom, host: Host}
}

// rebase rewrites the github.localhost URLs of an answer into the site's: every
// JSON string that starts with one (a quote not escaped by a backslash, then
// the URL). A URL inside a longer text (a comment's body) is left alone: it is
// what someone wrote, not what GitHub made.
func (st site) rebase(b []byte) []byte {
	if st.kind == siteDotcom {
		return b
	}
	pairs := [][2]string{
		{`"` + apiURL, `"` + st.APIBase()},
		{`"` + webURL, `"` + st.WebBase()},
		{`"git@` + Host + `:`, `"git@` + st.host + `:`},
		{`"git://` + Host + `/`, `"git://` + st.host + `/`},
	}
	if !bytes.Contains(b, []byte(Host)) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + len(b)/8)
	for i := 0; i < len(b); {
		if b[i] == '"' && (i == 0 || b[i-1] != '\\') {
			matched := false
			for _, p := range pairs {
				if bytes.HasPrefix(b[i:], []byte(p[0])) {
					out.WriteString(p[1])
					i += len(p[0])
					matched = true
					break
				}
			}
			if matched {
				continue
			}
		}
		out.WriteByte(b[i])
		i++
	}
	return out.Bytes()
}

// rebaseURL rewrites one header value holding URLs (Link, Location).
func (st site) rebaseURL(v string) string {
	if st.kind == siteDotcom {
		return v
	}
	v = strings.ReplaceAll(v, apiURL, st.APIBase())
	return strings.ReplaceAll(v, webURL, st.WebBase())
}

// enterpriseVersion is the version ghes.localhost reports.
func (s *Server) enterpriseVersion() string {
	if v, ok := s.ghesVersion.Load().(string); ok && v != "" {
		return v
	}
	return CurrentEnterpriseVersion
}
