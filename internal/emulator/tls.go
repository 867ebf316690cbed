package emulator

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// CAFile is the name, under Options.Root, of the PEM certificate of the
// authority the emulator signs its HTTPS hosts' certificates with. It is made
// anew at every start: clients trust it with SSL_CERT_FILE (gh, go-gh, Go)
// and GIT_SSL_CAINFO (git).
const CAFile = "ca.pem"

// authority signs, on demand, a certificate for each HTTPS host a client
// CONNECTs to (ghes.localhost, TENANT.ghe.localhost, api.TENANT.ghe.localhost).
type authority struct {
	cert   *x509.Certificate
	key    *ecdsa.PrivateKey
	pem    []byte
	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

func newAuthority(now time.Time) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "gh-hotfix GitHub emulator CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		leaves: map[string]*tls.Certificate{}}, nil
}

// leaf returns the certificate for host, signing it the first time.
func (a *authority) leaf(host string) (*tls.Certificate, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.leaves[host]; ok {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    a.cert.NotBefore,
		NotAfter:     a.cert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	a.leaves[host] = c
	return c, nil
}

// writeCA writes the authority's certificate to root/CAFile.
func (a *authority) write(root string) (string, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(root, CAFile)
	return path, os.WriteFile(path, a.pem, 0o644)
}

// CAFile is the path of the PEM file holding the certificate clients must
// trust to reach the emulator's HTTPS hosts.
func (s *Server) CAFile() string { return s.caFile }

// CAPEM is that certificate, PEM-encoded.
func (s *Server) CAPEM() []byte { return s.ca.pem }

// serveConnect answers an HTTP CONNECT for one of the emulator's HTTPS hosts:
// the client's TLS session ends here, with a certificate signed by the
// emulator's authority, and the requests inside are served as any other
// (ServeHTTP routes them by their Host). A CONNECT anywhere else is refused:
// nothing may leave this machine.
func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if !s.servesTLS(host) {
		s.recordFailure(r, "CONNECT", true, "CONNECT "+r.Host+" refused: the emulator never reaches the real GitHub")
		http.Error(w, "CONNECT is refused by the GitHub emulator", http.StatusMethodNotAllowed)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "CONNECT needs HTTP/1.1", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n")); err != nil {
		conn.Close()
		return
	}
	var raw net.Conn = conn
	if buf != nil && buf.Reader.Buffered() > 0 {
		raw = &bufferedConn{Conn: conn, r: buf.Reader}
	}
	want := strings.ToLower(host)
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := strings.ToLower(hello.ServerName)
			if name == "" {
				name = want
			}
			if !s.servesTLS(name) {
				return nil, fmt.Errorf("no certificate for %q", hello.ServerName)
			}
			return s.ca.leaf(name)
		},
	}
	s.serveTunnel(tls.Server(raw, cfg))
}

// bufferedConn reads first what the proxy connection had already buffered.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// serveTunnel serves HTTP on one TLS connection until it closes or the
// emulator stops.
func (s *Server) serveTunnel(conn net.Conn) {
	ln := &oneConnListener{conn: conn, done: make(chan struct{})}
	// A client that does not trust the authority ends the handshake: the
	// emulator's log says so when verbose, not the test's output.
	errLog := log.New(io.Discard, "", 0)
	if s.logf != nil {
		errLog = log.New(logfWriter(s.logf), "", 0)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateClosed || st == http.StateHijacked {
				ln.Close()
			}
		}}
	s.tunnelsMu.Lock()
	if s.tunnels == nil {
		s.tunnels = map[*http.Server]bool{}
	}
	if s.stopped {
		s.tunnelsMu.Unlock()
		conn.Close()
		return
	}
	s.tunnels[srv] = true
	s.tunnelsMu.Unlock()
	_ = srv.Serve(ln)
	s.tunnelsMu.Lock()
	delete(s.tunnels, srv)
	s.tunnelsMu.Unlock()
}

// logfWriter turns Logf into a writer for http.Server's ErrorLog.
type logfWriter func(string, ...any)

func (f logfWriter) Write(p []byte) (int, error) {
	f("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// closeTunnels ends every HTTPS connection (the emulator is stopping).
func (s *Server) closeTunnels() {
	s.tunnelsMu.Lock()
	s.stopped = true
	srvs := make([]*http.Server, 0, len(s.tunnels))
	for srv := range s.tunnels {
		srvs = append(srvs, srv)
	}
	s.tunnelsMu.Unlock()
	for _, srv := range srvs {
		srv.Close()
	}
}

// oneConnListener hands out one connection, then waits until closed.
type oneConnListener struct {
	mu   sync.Mutex
	conn net.Conn
	done chan struct{}
	once sync.Once
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	c := l.conn
	l.conn = nil
	l.mu.Unlock()
	if c != nil {
		return c, nil
	}
	<-l.done
	return nil, net.ErrClosed
}

func (l *oneConnListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *oneConnListener) Addr() net.Addr { return tunnelAddr{} }

type tunnelAddr struct{}

func (tunnelAddr) Network() string { return "tunnel" }
func (tunnelAddr) String() string  { return "tunnel" }
