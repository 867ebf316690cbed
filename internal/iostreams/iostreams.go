// Package iostreams gives commands their standard streams together with the facts about the
// terminal they need: whether each stream is a terminal, whether colour is wanted, whether the
// user may be prompted, and how wide the terminal is.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"

	"github.com/cli/go-gh/v2/pkg/term"
)

// defaultWidth is the terminal width assumed when it cannot be measured.
const defaultWidth = 80

// IOStreams holds the standard streams of one invocation and the terminal facts about them.
// Commands write results to Out and progress, prompts and warnings to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY     bool
	stdoutTTY    bool
	stderrTTY    bool
	colorEnabled bool
	neverPrompt  bool
	width        func() int

	progressMu sync.Mutex
	progress   *spinner
}

// System returns the process's standard streams, described by go-gh's [term.FromEnv]: colour
// follows NO_COLOR, CLICOLOR=0 and CLICOLOR_FORCE and otherwise needs stdout to be a terminal;
// GH_FORCE_TTY makes stdout count as a terminal; GH_PROMPT_DISABLED (set to anything) turns
// prompts off.
func System() *IOStreams {
	t := term.FromEnv()
	_, promptDisabled := os.LookupEnv("GH_PROMPT_DISABLED")
	return &IOStreams{
		In:           os.Stdin,
		Out:          os.Stdout,
		ErrOut:       os.Stderr,
		stdinTTY:     term.IsTerminal(os.Stdin),
		stdoutTTY:    t.IsTerminalOutput(),
		stderrTTY:    term.IsTerminal(os.Stderr),
		colorEnabled: t.IsColorEnabled(),
		neverPrompt:  promptDisabled,
		width: func() int {
			w, _, err := t.Size()
			if err != nil || w <= 0 {
				return defaultWidth
			}
			return w
		},
	}
}

// Test returns streams backed by buffers, none of them a terminal, without colour and with a
// width of 80, plus the buffers for stdin, stdout and stderr. Use the setters to simulate a
// terminal.
func Test() (ios *IOStreams, stdin, stdout, stderr *bytes.Buffer) {
	stdin, stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	ios = &IOStreams{In: stdin, Out: stdout, ErrOut: stderr}
	ios.SetTerminalWidth(defaultWidth)
	return ios, stdin, stdout, stderr
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY overrides whether standard input counts as a terminal (for tests).
func (s *IOStreams) SetStdinTTY(isTTY bool) { s.stdinTTY = isTTY }

// SetStdoutTTY overrides whether standard output counts as a terminal (for tests).
func (s *IOStreams) SetStdoutTTY(isTTY bool) { s.stdoutTTY = isTTY }

// SetStderrTTY overrides whether standard error counts as a terminal (for tests).
func (s *IOStreams) SetStderrTTY(isTTY bool) { s.stderrTTY = isTTY }

// ColorEnabled reports whether output may contain ANSI colour sequences.
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled }

// SetColorEnabled overrides whether colour is used (for tests).
func (s *IOStreams) SetColorEnabled(enabled bool) { s.colorEnabled = enabled }

// SetNeverPrompt turns prompting off regardless of the terminal, as GH_PROMPT_DISABLED does.
func (s *IOStreams) SetNeverPrompt(never bool) { s.neverPrompt = never }

// CanPrompt reports whether the user may be asked questions: prompting must not be disabled,
// stdin and stdout must be terminals, and so must stderr, where prompts are drawn. When it is
// false, a value that would have been prompted for must come from a flag.
func (s *IOStreams) CanPrompt() bool {
	return !s.neverPrompt && s.stdinTTY && s.stdoutTTY && s.stderrTTY
}

// TerminalWidth returns the width of the terminal in columns, 80 when it cannot be measured.
func (s *IOStreams) TerminalWidth() int { return s.width() }

// SetTerminalWidth overrides the terminal width (for tests).
func (s *IOStreams) SetTerminalWidth(columns int) { s.width = func() int { return columns } }

// ColorScheme returns the colour functions to use on these streams.
func (s *IOStreams) ColorScheme() *ColorScheme { return &ColorScheme{enabled: s.colorEnabled} }
