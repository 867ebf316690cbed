// Command emulator serves the gh-hotfix GitHub emulator until it is killed.
//
//	emulator --listen 127.0.0.1:PORT --root DIR
//
// Point clients at it with HTTP_PROXY=http://127.0.0.1:PORT and GH_HOST=github.localhost;
// for the enterprise hosts (ghes.localhost, TENANT.ghe.localhost) also
// HTTPS_PROXY=http://127.0.0.1:PORT, SSL_CERT_FILE=DIR/ca.pem and GIT_SSL_CAINFO=DIR/ca.pem.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (loopback only)")
	root := flag.String("root", "", "folder holding the bare repositories (created when missing)")
	login := flag.String("login", "monalisa", "user that tokens authenticate as")
	token := flag.String("token", "", "the only token authenticating as --login; any other unregistered token is refused 401 Bad credentials (default: any token)")
	verbose := flag.Bool("v", false, "log every request to stderr")
	ghes := flag.String("ghes-version", emulator.CurrentEnterpriseVersion, "GitHub Enterprise Server version ghes.localhost reports and behaves as")
	flag.Parse()
	if *root == "" {
		fmt.Fprintln(os.Stderr, "emulator: --root is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*root, 0o755); err != nil {
		log.Fatalf("emulator: %v", err)
	}
	opts := emulator.Options{Root: *root, Login: *login, Token: *token, EnterpriseVersion: *ghes}
	if *verbose {
		opts.Logf = log.New(os.Stderr, "emulator: ", log.Ltime).Printf
	}
	srv, err := emulator.New(opts)
	if err != nil {
		log.Fatalf("emulator: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := emulator.Listen(*listen)
	if err != nil {
		log.Fatalf("emulator: %v", err)
	}
	// The address line is how scripts learn a port chosen by the kernel.
	fmt.Printf("emulator listening on %s\n", ln.Addr())
	fmt.Printf("emulator certificate authority in %s\n", srv.CAFile())
	if err := srv.Serve(ctx, ln); err != nil {
		log.Fatalf("emulator: %v", err)
	}
}
