package iostreams

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCanPrompt(t *testing.T) {
	tests := []struct {
		name                    string
		stdin, stdout, stderr   bool
		neverPrompt, wantPrompt bool
	}{
		{name: "all terminals", stdin: true, stdout: true, stderr: true, wantPrompt: true},
		{name: "stdin piped", stdin: false, stdout: true, stderr: true},
		{name: "stdout piped", stdin: true, stdout: false, stderr: true},
		{name: "stderr redirected", stdin: true, stdout: true, stderr: false},
		{name: "GH_PROMPT_DISABLED", stdin: true, stdout: true, stderr: true, neverPrompt: true},
		{name: "no terminal", wantPrompt: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			ios.SetStdinTTY(tt.stdin)
			ios.SetStdoutTTY(tt.stdout)
			ios.SetStderrTTY(tt.stderr)
			ios.SetNeverPrompt(tt.neverPrompt)
			if got := ios.CanPrompt(); got != tt.wantPrompt {
				t.Errorf("CanPrompt() = %v, want %v", got, tt.wantPrompt)
			}
		})
	}
}

func TestTestStreams(t *testing.T) {
	ios, stdin, stdout, stderr := Test()
	if ios.IsStdinTTY() || ios.IsStdoutTTY() || ios.IsStderrTTY() || ios.ColorEnabled() || ios.CanPrompt() {
		t.Error("Test() streams must not be terminals, coloured or promptable")
	}
	if got := ios.TerminalWidth(); got != 80 {
		t.Errorf("TerminalWidth() = %d, want 80", got)
	}
	stdin.WriteString("in")
	ios.Out.Write([]byte("out"))
	ios.ErrOut.Write([]byte("err"))
	buf := make([]byte, 2)
	if n, _ := ios.In.Read(buf); string(buf[:n]) != "in" {
		t.Errorf("In read %q", buf[:n])
	}
	if stdout.String() != "out" || stderr.String() != "err" {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	ios.SetTerminalWidth(120)
	if got := ios.TerminalWidth(); got != 120 {
		t.Errorf("TerminalWidth() = %d, want 120", got)
	}
}

func TestColorScheme(t *testing.T) {
	tests := []struct {
		name  string
		color func(*ColorScheme) string
		plain string
		ansi  string
	}{
		{"bold", func(c *ColorScheme) string { return c.Bold("hi") }, "hi", "\x1b[1mhi\x1b[0m"},
		{"red", func(c *ColorScheme) string { return c.Red("hi") }, "hi", "\x1b[31mhi\x1b[0m"},
		{"green", func(c *ColorScheme) string { return c.Green("hi") }, "hi", "\x1b[32mhi\x1b[0m"},
		{"yellow", func(c *ColorScheme) string { return c.Yellow("hi") }, "hi", "\x1b[33mhi\x1b[0m"},
		{"gray", func(c *ColorScheme) string { return c.Gray("hi") }, "hi", "\x1b[90mhi\x1b[0m"},
		{"success", (*ColorScheme).SuccessIcon, "✓", "\x1b[32m✓\x1b[0m"},
		{"failure", (*ColorScheme).FailureIcon, "X", "\x1b[31mX\x1b[0m"},
		{"warning", (*ColorScheme).WarningIcon, "!", "\x1b[33m!\x1b[0m"},
		{"empty stays empty", func(c *ColorScheme) string { return c.Red("") }, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			if got := tt.color(ios.ColorScheme()); got != tt.plain {
				t.Errorf("colour off: got %q, want %q", got, tt.plain)
			}
			ios.SetColorEnabled(true)
			if got := tt.color(ios.ColorScheme()); got != tt.ansi {
				t.Errorf("colour on: got %q, want %q", got, tt.ansi)
			}
		})
	}
}

// syncBuffer is a buffer the spinner goroutine and the test can use at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestProgressNotOnTerminal(t *testing.T) {
	ios, _, _, stderr := Test()
	ios.StartProgress("Waiting for checks")
	time.Sleep(2 * spinnerInterval)
	ios.StopProgress()
	if stderr.Len() != 0 {
		t.Errorf("spinner wrote %q to a non-terminal stderr", stderr)
	}
}

func TestProgressOnTerminal(t *testing.T) {
	ios, _, stdout, _ := Test()
	errOut := &syncBuffer{}
	ios.ErrOut = errOut
	ios.SetStderrTTY(true)
	ios.SetTerminalWidth(20)

	ios.StartProgress("Waiting for checks")
	ios.StartProgress("Waiting for the merge of the pull request") // relabels, no second spinner
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(errOut.String(), "Waiting for the\x1b[K") {
		if time.Now().After(deadline) {
			t.Fatalf("spinner never drew the new label, stderr %q", errOut)
		}
		time.Sleep(10 * time.Millisecond)
	}
	ios.StopProgress()
	ios.StopProgress() // stopping twice is harmless

	out := errOut.String()
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("stderr does not end by erasing the spinner line: %q", out)
	}
	if strings.Contains(out, "Waiting for the merge") {
		t.Errorf("label not cut to the terminal width: %q", out)
	}
	time.Sleep(2 * spinnerInterval)
	if errOut.String() != out {
		t.Error("spinner kept writing after StopProgress returned")
	}
	if stdout.Len() != 0 {
		t.Errorf("spinner wrote to stdout: %q", stdout)
	}

	ios.StartProgress("again")
	ios.StopProgress()
	if !strings.Contains(errOut.String(), "again") {
		t.Error("spinner cannot be restarted after StopProgress")
	}
}

func TestSystem(t *testing.T) {
	// Under go test, the standard streams are not terminals.
	tests := []struct {
		name       string
		env        map[string]string
		wantColor  bool
		wantStdout bool
	}{
		{name: "plain", env: map[string]string{}},
		{name: "CLICOLOR_FORCE", env: map[string]string{"CLICOLOR_FORCE": "1"}, wantColor: true},
		{name: "CLICOLOR_FORCE=0", env: map[string]string{"CLICOLOR_FORCE": "0"}},
		{name: "GH_FORCE_TTY", env: map[string]string{"GH_FORCE_TTY": "1"}, wantColor: true, wantStdout: true},
		{name: "GH_FORCE_TTY and NO_COLOR", env: map[string]string{"GH_FORCE_TTY": "1", "NO_COLOR": "1"}, wantStdout: true},
		{name: "GH_FORCE_TTY and CLICOLOR=0", env: map[string]string{"GH_FORCE_TTY": "1", "CLICOLOR": "0"}, wantStdout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, key := range []string{"CLICOLOR_FORCE", "CLICOLOR", "NO_COLOR", "GH_FORCE_TTY", "GH_PROMPT_DISABLED"} {
				t.Setenv(key, tt.env[key])
			}
			ios := System()
			if ios.ColorEnabled() != tt.wantColor || ios.IsStdoutTTY() != tt.wantStdout {
				t.Errorf("color %v, stdout TTY %v; want %v, %v", ios.ColorEnabled(), ios.IsStdoutTTY(), tt.wantColor, tt.wantStdout)
			}
			if ios.TerminalWidth() <= 0 {
				t.Errorf("TerminalWidth() = %d", ios.TerminalWidth())
			}
		})
	}

	t.Setenv("GH_PROMPT_DISABLED", "1")
	ios := System()
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	ios.SetStderrTTY(true)
	if ios.CanPrompt() {
		t.Error("CanPrompt() with GH_PROMPT_DISABLED set")
	}
}

// TestNotice: a line said during a wait is one whole line: plain without a spinner,
// above the spinner (its line erased first) while one runs.
func TestNotice(t *testing.T) {
	ios, _, _, stderr := Test()
	ios.Notice("! waiting until 20:15:04")
	if got := stderr.String(); got != "! waiting until 20:15:04\n" {
		t.Errorf("without a spinner: %q", got)
	}

	errOut := &syncBuffer{}
	ios.ErrOut = errOut
	ios.SetStderrTTY(true)
	ios.SetTerminalWidth(80)
	ios.StartProgress("Waiting for #1 to be merged")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(errOut.String(), "merged\x1b[K") {
		if time.Now().After(deadline) {
			t.Fatalf("spinner never drew, stderr %q", errOut)
		}
		time.Sleep(10 * time.Millisecond)
	}
	ios.Notice("! waiting until 20:15:04")
	ios.StopProgress()
	out := errOut.String()
	if !strings.Contains(out, "merged\x1b[K\r\x1b[K! waiting until 20:15:04\n") {
		t.Errorf("the notice is not a line of its own after an erased spinner line: %q", out)
	}
}
