package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSIGTERMEndsAPrompt: gh hotfix create asking for a description on a terminal is
// ended by SIGTERM as by Ctrl-C: exit 2, no branch, the terminal out of raw mode.
func TestSIGTERMEndsAPrompt(t *testing.T) {
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer control.Close()
	if err := unix.IoctlSetPointerInt(int(control.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(control.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pseudo-terminal number: %v", err)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pseudo-terminal: %v", err)
	}
	defer tty.Close()
	// Collect what is drawn, answering cursor position queries as a terminal does.
	var mu sync.Mutex
	var screen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := control.Read(buf)
			if err != nil {
				return
			}
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if bytes.Contains(buf[:n], []byte("\x1b[6n")) {
				_, _ = control.WriteString("\x1b[1;1R")
			}
		}
	}()

	dir := filepath.Join(t.TempDir(), "work")
	gitEnv := []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(t.TempDir(), "gitconfig"), "GIT_CONFIG_NOSYSTEM=1"}
	for _, args := range [][]string{{"init", "-q", "-b", "main", dir}, {"-C", dir, "remote", "add", "origin", "https://github.com/acme/shop.git"},
		{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first"}} {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), gitEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}

	cmd := exec.Command(os.Args[0], "create")
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GH_PROMPT_DISABLED=") { // it would forbid the prompt
			cmd.Env = append(cmd.Env, kv)
		}
	}
	// The token only makes github.com a known host: nothing is asked of GitHub before the prompt.
	cmd.Env = append(append(cmd.Env, gitEnv...), "GH_HOTFIX_TEST_MAIN=1", "GH_CONFIG_DIR="+t.TempDir(), "GH_TOKEN=not-used-before-the-prompt", "GH_HOST=", "GH_REPO=", "NO_COLOR=1", "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Wait for the question, in raw mode, then signal.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		asked := strings.Contains(screen.String(), "What does this hotfix fix?")
		mu.Unlock()
		termios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if asked && err == nil && termios.Lflag&unix.ICANON == 0 {
			break
		}
		exited := false
		select {
		case err := <-done:
			exited = true
			t.Logf("create exited early: %v", err)
		default:
		}
		if exited || time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			mu.Lock()
			t.Fatalf("no prompt in raw mode; the terminal shows %q", screen.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
			t.Errorf("after SIGTERM: %v, want exit status 2 as for Ctrl-C", err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("SIGTERM did not end the prompt")
	}
	if termios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); err != nil || termios.Lflag&unix.ICANON == 0 {
		t.Errorf("the terminal is left in raw mode (%v)", err)
	}
	out, err := exec.Command("git", "-C", dir, "branch", "--list", "hotfix/*").CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("branches after the cancelled create: %q (%v)", out, err)
	}
}
