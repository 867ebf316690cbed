package prompt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// openPTY opens a pseudo-terminal pair, so survey runs for real without the user's terminal.
func openPTY(t *testing.T) (control, tty *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { control.Close() })
	if err := unix.IoctlSetPointerInt(int(control.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(control.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pseudo-terminal number: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	// Drain what survey draws so it never blocks on a full buffer, and answer its cursor
	// position queries as a terminal would.
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := control.Read(buf)
			if err != nil {
				return
			}
			if bytes.Contains(buf[:n], []byte("\x1b[6n")) {
				_, _ = control.WriteString("\x1b[1;1R")
			}
		}
	}()
	return control, tty
}

func TestSurveyOnPseudoTerminal(t *testing.T) {
	tests := []struct {
		name       string
		keys       string
		signal     bool // cancel the context instead of typing, as SIGTERM does
		want       string
		wantCancel bool
	}{
		{name: "answer", keys: "login page 500\r", want: "login page 500"},
		{name: "default", keys: "\r", want: "fallback"},
		{name: "Ctrl-C", keys: "\x03", wantCancel: true},
		{name: "SIGTERM", signal: true, wantCancel: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			control, tty := openPTY(t)
			ios, _, stdout, _ := iostreams.Test()
			ios.In, ios.ErrOut = tty, tty
			ios.SetStdinTTY(true)
			ios.SetStdoutTTY(true)
			ios.SetStderrTTY(true)

			type result struct {
				answer string
				err    error
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan result, 1)
			go func() {
				answer, err := New(ctx, ios).Input("Description", "fallback")
				done <- result{answer, err}
			}()
			// Type only once survey has put the terminal in raw mode, or the line
			// discipline would eat the keys.
			deadline := time.Now().Add(5 * time.Second)
			for {
				termios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
				if err == nil && termios.Lflag&unix.ICANON == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("survey never switched the terminal to raw mode")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if tt.signal {
				cancel()
			} else if _, err := control.WriteString(tt.keys); err != nil {
				t.Fatal(err)
			}
			select {
			case r := <-done:
				if tt.wantCancel {
					if !errors.Is(r.err, cmderr.ErrCancel) {
						t.Errorf("Input error = %v, want ErrCancel", r.err)
					}
					// The terminal is left as it was found, not in survey's raw mode.
					if tt.signal {
						termios, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
						if err != nil || termios.Lflag&unix.ICANON == 0 {
							t.Errorf("terminal left in raw mode (%v)", err)
						}
					}
					return
				}
				if r.err != nil || r.answer != tt.want {
					t.Errorf("Input = %q, %v; want %q", r.answer, r.err, tt.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("prompt did not return")
			}
			if stdout.Len() != 0 {
				t.Errorf("prompt wrote to stdout: %q", stdout)
			}
		})
	}
}
