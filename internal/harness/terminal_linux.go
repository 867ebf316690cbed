package harness

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// escapes are the terminal control sequences a program may draw (cursor moves,
// a spinner's erasing, colours), left out of what RunInTerminal returns.
var escapes = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\r`)

// RunInTerminal runs name in dir with stdin, stdout and stderr on a
// pseudo-terminal of cols columns and 24 rows, as someone at a terminal runs
// it, and returns what it drew (control sequences and carriage returns left
// out) as Stdout, with its exit code. It skips the test where the system has
// no pseudo-terminals.
func (e *Env) RunInTerminal(dir string, cols int, name string, args ...string) Result {
	e.T.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		e.T.Skipf("no pseudo-terminal: %v", err)
	}
	defer control.Close()
	if err := unix.IoctlSetPointerInt(int(control.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		e.T.Skipf("unlock pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(control.Fd()), unix.TIOCGPTN)
	if err != nil {
		e.T.Skipf("pseudo-terminal number: %v", err)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		e.T.Skipf("open pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: uint16(cols)}); err != nil {
		tty.Close()
		e.T.Fatalf("terminal size: %v", err)
	}
	// Collect what is drawn, answering cursor position queries as a terminal does.
	var mu sync.Mutex
	var screen bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := control.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if bytes.Contains(buf[:n], []byte("\x1b[6n")) {
				_, _ = control.WriteString("\x1b[1;1R")
			}
			if err != nil {
				return // EIO once the program and its children closed the terminal
			}
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, e.Environ...), "PAGER=cat", "GH_PAGER=cat")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = cmd.Start()
	tty.Close()
	if err != nil {
		e.T.Fatalf("running %s %v: %v", name, args, err)
	}
	err = cmd.Wait()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.T.Fatalf("running %s %v: %v", name, args, err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	mu.Lock()
	defer mu.Unlock()
	return Result{Stdout: escapes.ReplaceAllString(screen.String(), ""), Code: code}
}

// HotfixInTerminal runs gh hotfix with args in dir on a terminal of cols columns.
func (e *Env) HotfixInTerminal(dir string, cols int, args ...string) Result {
	e.T.Helper()
	return e.RunInTerminal(dir, cols, "gh", append([]string{"hotfix"}, args...)...)
}
