// Package emulator is a stateful local GitHub for end-to-end tests: it serves
// the REST and GraphQL APIs at http://api.github.localhost and git over smart
// HTTP at http://github.localhost, acting as the HTTP proxy for those hosts.
// Every REST request is checked against GitHub's published OpenAPI description
// and every GraphQL document against GitHub's published schema; requests GitHub
// would refuse are refused the same way and recorded as conformance failures.
package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/apispec"
	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

const (
	// Host is the GitHub host name the emulator stands in for.
	Host = "github.localhost"
	// APIHost serves REST and GraphQL.
	APIHost = "api.github.localhost"
	apiURL  = "http://" + APIHost
	webURL  = "http://" + Host
	docsURL = "https://docs.github.com/rest"
)

// Options configure a Server.
type Options struct {
	// Root holds the bare repositories as OWNER/REPO.git.
	Root string
	// Login is the user every token authenticates as unless registered otherwise.
	Login string
	// Token, when set, is the only token authenticating as Login: any other
	// token not registered through the control API is refused with 401 "Bad
	// credentials", as GitHub refuses a token it does not know. Empty: every
	// token authenticates as Login.
	Token string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logf receives one line per request when set.
	Logf func(format string, args ...any)
	// EnterpriseVersion is the GitHub Enterprise Server version ghes.localhost
	// reports and behaves as ("3.14.2"); CurrentEnterpriseVersion when empty.
	EnterpriseVersion string
	// OnlyHost, when set, is the one web host (github.localhost, ghes.localhost,
	// TENANT.ghe.localhost) this server answers for, with its API host: a world
	// uses one GitHub, and a request for another is refused as foreign.
	OnlyHost string
}

// Server is the emulator. It is an http.Handler.
type Server struct {
	st      *store
	checker *apispec.Checker
	exec    *gql.Executor
	logf    func(string, ...any)
	gitHTTP string // path of git-http-backend
	// core and graphql are the primary rate limits: REST requests count against
	// core, GraphQL queries against their own bucket of points (ratelimit.go).
	core     rateLimit
	graphql  rateLimit
	faultsMu sync.Mutex
	faults   []*fault
	logMu    sync.Mutex
	reqLog   []LogEntry
	// latency is added to every API and git request (control API /_emulator/latency).
	latency atomic.Int64
	// skew is how far GitHub's clock is ahead of this machine's (negative: behind),
	// in nanoseconds (control API /_emulator/clock): every time GitHub reports
	// (created_at, rate-limit resets) is on its clock, which a client's may not match.
	skew     atomic.Int64
	failures []ConformanceFailure
	// ca signs the certificates of the HTTPS hosts (site.go), caFile holds it.
	ca     *authority
	caFile string
	// ghesVersion is the version ghes.localhost reports (a string; control API
	// /_emulator/enterprise changes it).
	ghesVersion atomic.Value
	onlyHost    string
	tunnelsMu   sync.Mutex
	tunnels     map[*http.Server]bool
	stopped     bool
}

// LogEntry is one request as the request log reports it.
type LogEntry struct {
	Time      time.Time `json:"time"`
	Method    string    `json:"method"`
	Host      string    `json:"host"`
	Path      string    `json:"path"`
	Route     string    `json:"route"` // "GET /repos/{owner}/{repo}", "graphql query PullRequestByNumber", "git"
	Status    int       `json:"status"`
	Fault     string    `json:"fault,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
	// End is when the response was written (Time is when the request arrived, before
	// any injected latency): requests whose [Time, End] overlap were in flight together.
	End time.Time `json:"end"`
}

// ConformanceFailure records a request that does not follow GitHub's published description.
type ConformanceFailure struct {
	Time     time.Time `json:"time"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Route    string    `json:"route"`
	Rejected bool      `json:"rejected"`
	Detail   string    `json:"detail"`
}

// New prepares a Server; it loads the API descriptions once.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Login == "" {
		opts.Login = "monalisa"
	}
	checker, err := apispec.NewChecker()
	if err != nil {
		return nil, fmt.Errorf("loading OpenAPI description: %w", err)
	}
	schema, err := gql.LoadSchema("github.graphql", apispec.GraphQLSchema())
	if err != nil {
		return nil, fmt.Errorf("loading GraphQL schema: %w", err)
	}
	backend, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("git is required: %w", err)
	}
	out, err := exec.Command(backend, "--exec-path").Output()
	if err != nil {
		return nil, fmt.Errorf("git --exec-path: %w", err)
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	s := &Server{}
	machine := opts.Now
	opts.Now = func() time.Time { return machine().Add(time.Duration(s.skew.Load())) }
	*s = Server{
		st:      newStore(root, opts.Now, opts.Login, opts.Token),
		checker: checker,
		exec:    gql.NewExecutor(schema),
		logf:    opts.Logf,
		gitHTTP: filepath.Join(strings.TrimSpace(string(out)), "git-http-backend"),
	}
	s.onlyHost = strings.ToLower(opts.OnlyHost)
	s.core.init("core", opts.Now())
	s.graphql.init("graphql", opts.Now())
	if opts.EnterpriseVersion != "" {
		if _, _, ok := parseVersion(opts.EnterpriseVersion); !ok {
			return nil, fmt.Errorf("enterprise version %q: want MAJOR.MINOR[.PATCH]", opts.EnterpriseVersion)
		}
		s.ghesVersion.Store(opts.EnterpriseVersion)
	}
	ca, err := newAuthority(machine())
	if err != nil {
		return nil, fmt.Errorf("certificate authority: %w", err)
	}
	s.ca = ca
	if s.caFile, err = ca.write(root); err != nil {
		return nil, fmt.Errorf("writing %s: %w", CAFile, err)
	}
	return s, nil
}

// ServeHTTP routes proxy and direct requests: github.localhost over plain
// HTTP, the enterprise hosts (site.go) over HTTPS through CONNECT.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		s.serveConnect(w, r)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	st, rt, path := s.siteFor(host, r.URL.Path)
	switch {
	case rt != routeNone && st.tls() && r.TLS == nil:
		// An enterprise host answers only HTTPS: a client reaching it over plain
		// HTTP has got its URLs wrong.
		s.recordFailure(r, "proxy", true, "plain HTTP request for "+r.Host+", which is served over HTTPS only")
		http.Error(w, r.Host+" is served over HTTPS only", http.StatusBadRequest)
	case rt == routeAPI:
		r = withSite(r, st)
		if path != r.URL.Path {
			r.URL.Path, r.URL.RawPath = path, ""
		}
		s.serveAPI(w, r)
	case rt == routeWeb:
		s.serveWeb(w, withSite(r, st))
	case host == "127.0.0.1" || host == "localhost" || host == "::1":
		http.Error(w, "gh-hotfix GitHub emulator: use it as the HTTP proxy for github.localhost", http.StatusNotFound)
	default:
		s.recordFailure(r, "proxy", true, "request for foreign host "+r.Host+" refused")
		http.Error(w, "the GitHub emulator only serves github.localhost, "+EnterpriseHost+" and *."+TenantDomain, http.StatusBadGateway)
	}
}

// token extracts the credential of an API or git request.
func token(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, p := range []string{"token ", "Token ", "bearer ", "Bearer "} {
		if strings.HasPrefix(h, p) {
			return strings.TrimSpace(h[len(p):])
		}
	}
	if _, pass, ok := r.BasicAuth(); ok {
		return pass
	}
	return ""
}

// recorder buffers a response so the server can add ETags, answer 304 or drop it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	cost   int // GraphQL points the request costs (0: one)
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
}
func (rec *recorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = 200
	}
	return rec.body.Write(p)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		http.Error(w, "reading body", http.StatusBadRequest)
		return
	}
	entry := LogEntry{Time: time.Now(), Method: r.Method, Host: r.Host, Path: r.URL.RequestURI(), UserAgent: r.UserAgent()}
	if !s.injectLatency(r) {
		return
	}
	rec := &recorder{header: http.Header{}}
	route := ""
	defer func() {
		entry.Route = route
		if entry.Status == 0 {
			entry.Status = rec.status
		}
		s.logRequest(entry)
	}()

	// Which route is this? Needed before acting, for fault injection.
	var op *apispec.Operation
	var params map[string]string
	var violation *apispec.Violation
	var gqlReq gql.Request
	isGraphQL := r.URL.Path == "/graphql"
	if isGraphQL {
		route = "POST /graphql"
		if r.Method == http.MethodPost && json.Unmarshal(body, &gqlReq) == nil {
			if opType, name, fields, err := s.exec.OperationInfo(gqlReq); err == nil {
				route = "graphql " + opType + " " + strings.Join(fields, ",")
				if name != "" {
					route += " (" + name + ")"
				}
			}
		}
	} else {
		op, params, violation = s.checker.Check(r, body)
		if op != nil {
			route = op.Method + " " + op.Path
		} else {
			route = r.Method + " " + r.URL.Path
		}
	}

	// GitHub answers its root without credentials (clients probe it); everything else needs a token.
	if token(r) == "" && !(r.Method == http.MethodGet && r.URL.Path == "/") {
		writeJSON(rec, http.StatusUnauthorized, map[string]any{"message": "Requires authentication", "documentation_url": docsURL})
		entry.Status = s.finishAPI(w, r, rec)
		return
	}
	f := s.takeFault(route)
	if f != nil {
		entry.Fault = f.describe()
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return
			}
		}
		if f.RateLimit != "" || ((f.Status == 403 || f.Status == 429) && f.RetryAfter > 0) {
			s.rateLimitFault(rec, f, isGraphQL)
			entry.Status = s.finishAPI(w, r, rec)
			return
		}
		if f.Status != 0 || f.Body != "" {
			status := f.Status
			if status == 0 {
				status = 200
			}
			if f.RetryAfter > 0 {
				rec.header.Set("Retry-After", strconv.Itoa(f.RetryAfter)) // e.g. a 503 asking for patience
			}
			switch {
			case f.Body != "":
				rec.header.Set("Content-Type", "application/json; charset=utf-8")
				rec.WriteHeader(status)
				rec.Write([]byte(f.Body))
			case f.HTML:
				rec.header.Set("Content-Type", "text/html")
				rec.WriteHeader(f.Status)
				fmt.Fprintf(rec, "<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status))
			default:
				writeJSON(rec, status, map[string]any{"message": http.StatusText(status), "documentation_url": docsURL})
			}
			entry.Status = s.finishAPI(w, r, rec)
			return
		}
	}

	if isGraphQL {
		rec.cost = s.graphQLCost(gqlReq)
	}
	if s.refuseExhausted(rec, r, isGraphQL) {
		entry.Status = s.finishAPI(w, r, rec)
		return
	}

	s.st.mu.Lock()
	login, known := s.st.loginForToken(token(r))
	s.st.mu.Unlock()
	if !known {
		// GitHub answers a token it does not know 401 {"message": "Bad credentials",
		// "documentation_url": "https://docs.github.com/rest", "status": "401"}
		// (hisxo/gitGraber#54, mislav/hub#3364), on GraphQL too (401 from
		// api.github.com/graphql in hcengineering/platform#5104).
		writeJSON(rec, http.StatusUnauthorized, map[string]any{"message": "Bad credentials", "documentation_url": docsURL, "status": "401"})
		entry.Status = s.finishAPI(w, r, rec)
		return
	}
	if isGraphQL {
		s.serveGraphQL(rec, r, gqlReq, body, login)
	} else if op != nil && !siteOf(r).hasOperation(op.ID) {
		// A GitHub Enterprise Server older than the operation has no such
		// route: its answer to any request for it.
		writeJSON(rec, 404, map[string]any{"message": "Not Found", "documentation_url": docsURL})
	} else if violation != nil && violation.Reject {
		s.recordFailure(r, route, true, violation.Detail)
		writeJSON(rec, violation.Status, map[string]any{"message": violation.Message, "documentation_url": docsURL})
	} else {
		if violation != nil {
			s.recordFailure(r, route, false, violation.Detail)
		}
		s.serveREST(rec, r, op, params, body, login)
	}
	if f != nil && f.Drop {
		// The server acted; the client never hears about it.
		entry.Status = rec.status
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	entry.Status = s.finishAPI(w, r, rec)
}

// finishAPI adds GitHub's headers, handles conditional requests and writes the response.
func (s *Server) finishAPI(w http.ResponseWriter, r *http.Request, rec *recorder) int {
	h := w.Header()
	for k, v := range rec.header {
		h[k] = v
	}
	if h.Get("Content-Type") == "" && rec.body.Len() > 0 {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	if token(r) != "" {
		// Classic tokens report their scopes on every response; gh auth status reads them.
		h.Set("X-OAuth-Scopes", "gist, read:org, repo, workflow")
	}
	h.Set("X-GitHub-Request-Id", strconv.FormatInt(time.Now().UnixNano(), 36))
	st := siteOf(r)
	if st.kind == siteEnterprise {
		h.Set("X-GitHub-Enterprise-Version", st.version)
	}
	for _, k := range []string{"Link", "Location"} {
		if v := h.Get(k); v != "" {
			h.Set(k, st.rebaseURL(v))
		}
	}
	if st.kind != siteDotcom {
		b := st.rebase(rec.body.Bytes())
		rec.body.Reset()
		rec.body.Write(b)
	}
	status := rec.status
	if status == 0 {
		status = 200
	}
	if r.Method == http.MethodGet && status == 200 && r.URL.Path != "/graphql" {
		sum := sha256.Sum256(rec.body.Bytes())
		etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", etag)
		if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
			// 304s are free: GitHub does not count them against the rate limit.
			s.setRateHeaders(h, r, rec, false)
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified
		}
	}
	s.setRateHeaders(h, r, rec, !(r.Method == http.MethodGet && r.URL.Path == "/rate_limit"))
	w.WriteHeader(status)
	w.Write(rec.body.Bytes())
	return status
}

func etagMatch(header, etag string) bool {
	strip := func(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "W/") }
	for _, cand := range strings.Split(header, ",") {
		if strings.TrimSpace(cand) == "*" || strip(cand) == strip(etag) {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// serveWeb serves git's smart HTTP protocol and, for anything else, a minimal page.
func (s *Server) serveWeb(w http.ResponseWriter, r *http.Request) {
	entry := LogEntry{Time: time.Now(), Method: r.Method, Host: r.Host, Path: r.URL.RequestURI(), Route: "git", UserAgent: r.UserAgent()}
	if !s.injectLatency(r) {
		return
	}
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 3)
	isGit := len(parts) == 3 && (parts[2] == "info/refs" || parts[2] == "git-upload-pack" || parts[2] == "git-receive-pack")
	if !isGit {
		if s.serveReleaseDownload(w, r, entry) {
			return
		}
		entry.Route = "web"
		entry.Status = 200
		s.logRequest(entry)
		fmt.Fprintf(w, "GitHub emulator: %s\n", r.URL.Path)
		return
	}
	owner, name := parts[0], strings.TrimSuffix(parts[1], ".git")
	tok := token(r)
	s.st.mu.Lock()
	rp := s.st.repo(owner, name)
	login, known := s.st.loginForToken(tok)
	s.st.mu.Unlock()
	// "Public repositories are accessible to everyone on the internet"
	// (https://docs.github.com/en/github/creating-cloning-and-archiving-repositories/about-repository-visibility):
	// anyone may clone and fetch a public repository without credentials (gh's own
	// credential helper answers only for https, so `gh repo fork --clone` over the
	// emulator's http relies on it). Pushing, and reading a private repository, take
	// credentials; git sends them only when challenged.
	anonymousRead := rp != nil && !rp.Private && (parts[2] == "git-upload-pack" ||
		(parts[2] == "info/refs" && r.URL.Query().Get("service") == "git-upload-pack"))
	if tok == "" && !anonymousRead {
		w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
		http.Error(w, "Authentication required", http.StatusUnauthorized)
		entry.Status = 401
		s.logRequest(entry)
		return
	}
	if tok == "" {
		login = ""
	} else if !known {
		// A token GitHub does not know: git is challenged again, and gives up
		// ("Authentication failed"); the line before it is the emulator's wording.
		w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
		http.Error(w, "Invalid username or token. Password authentication is not supported for Git operations.", http.StatusUnauthorized)
		entry.Status = 401
		s.logRequest(entry)
		return
	}
	if rp == nil {
		http.Error(w, "Repository not found.", http.StatusNotFound)
		entry.Status = 404
		s.logRequest(entry)
		return
	}
	rec := &statusWriter{ResponseWriter: w}
	h := &cgi.Handler{
		Path: s.gitHTTP,
		Root: "/",
		Env:  gitBackendEnv(s.st.root, login, r.Header.Get("Git-Protocol")),
	}
	// git-http-backend wants the path inside GIT_PROJECT_ROOT with the real directory name.
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + rp.Owner + "/" + rp.Name + ".git/" + parts[2]
	if parts[2] == "git-receive-pack" && r.Method == http.MethodPost {
		// Rulesets are evaluated before any ref moves (pushrules.go).
		refused, err := s.checkPushRules(rec, r2, rp, login)
		if err != nil {
			http.Error(rec, err.Error(), http.StatusInternalServerError)
		}
		if refused || err != nil {
			entry.Status = rec.status
			s.logRequest(entry)
			return
		}
	}
	h.ServeHTTP(rec, r2)
	entry.Status = rec.status
	s.logRequest(entry)
	if parts[2] == "git-receive-pack" {
		s.st.mu.Lock()
		rp.PushedAt = s.st.now()
		s.afterPush(rp, login)
		s.st.mu.Unlock()
	}
}

// uploadPackConfig is how the emulator's git serves fetches, as GitHub's does:
//
//   - Protocol v2, when the client asks for it with the Git-Protocol header (git 2.26 and
//     later do by default): GitHub supports it since 2018 ("Git Wire Protocol v2 Support",
//     GitHub changelog, 2018-11-08).
//   - Partial clones: GitHub supports `git clone --filter=blob:none` (blobless) and
//     `--filter=tree:0` (treeless) and recommends blobless clones to developers ("Get up to
//     speed with partial clone and shallow clone", GitHub blog, 2020-12-21), and such a clone
//     later fetches the missing objects by id ("lazy fetches"), which needs wants of
//     objects no ref advertises.
//   - Shallow clones (--depth, --shallow-since, --deepen) are served by upload-pack as is.
var uploadPackConfig = [][2]string{
	{"uploadpack.allowFilter", "true"},
	{"uploadpack.allowAnySHA1InWant", "true"},
	{"uploadpack.allowReachableSHA1InWant", "true"},
}

// gitBackendEnv is the environment of git-http-backend for one request by login. The
// client's Git-Protocol header (e.g. "version=2") goes to git as GIT_PROTOCOL, which is
// how git-http-backend learns that the client speaks protocol v2; upload-pack's settings
// come through GIT_CONFIG_* so that they hold for every bare repository, old or new.
func gitBackendEnv(root, login, gitProtocol string) []string {
	env := []string{
		"GIT_PROJECT_ROOT=" + root,
		"GIT_HTTP_EXPORT_ALL=1",
		"REMOTE_USER=" + login,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_COUNT=" + strconv.Itoa(len(uploadPackConfig)),
	}
	for i, kv := range uploadPackConfig {
		n := strconv.Itoa(i)
		env = append(env, "GIT_CONFIG_KEY_"+n+"="+kv[0], "GIT_CONFIG_VALUE_"+n+"="+kv[1])
	}
	if gitProtocol != "" && validGitProtocol(gitProtocol) {
		env = append(env, "GIT_PROTOCOL="+gitProtocol)
	}
	return env
}

// validGitProtocol accepts the Git-Protocol header's form: colon-separated key or
// key=value parameters of printable characters (gitprotocol-v2(5)), nothing that could
// smuggle a second variable into git's environment.
func validGitProtocol(v string) bool {
	if len(v) > 256 {
		return false
	}
	for _, c := range v {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(p []byte) (int, error) {
	if sw.status == 0 {
		sw.status = 200
	}
	return sw.ResponseWriter.Write(p)
}

func (s *Server) logRequest(e LogEntry) {
	if e.End.IsZero() {
		e.End = time.Now()
	}
	s.logMu.Lock()
	s.reqLog = append(s.reqLog, e)
	s.logMu.Unlock()
	if s.logf != nil {
		s.logf("%s %s %s -> %d %s", e.Method, e.Host, e.Path, e.Status, e.Fault)
	}
}

func (s *Server) recordFailure(r *http.Request, route string, rejected bool, detail string) {
	s.logMu.Lock()
	s.failures = append(s.failures, ConformanceFailure{Time: time.Now(), Method: r.Method, Path: r.URL.RequestURI(),
		Route: route, Rejected: rejected, Detail: detail})
	s.logMu.Unlock()
	if s.logf != nil {
		s.logf("CONFORMANCE %s %s: %s", r.Method, r.URL.RequestURI(), detail)
	}
}

// ListenAndServe serves on addr until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.closeTunnels()
		srv.Shutdown(shutdownCtx)
	}()
	err := srv.Serve(ln)
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}

// Listen opens a loopback listener; the emulator refuses to listen anywhere else.
func Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("refusing to listen on %s: loopback addresses only", addr)
	}
	return net.Listen("tcp", addr)
}
