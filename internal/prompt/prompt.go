// Package prompt asks the user questions on the terminal. Commands use the [Prompter]
// interface, so tests can answer with a [Stub] and the implementation can be replaced.
package prompt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/core"
	"github.com/AlecAivazis/survey/v2/terminal"
	"github.com/cli/go-gh/v2/pkg/text"
	"golang.org/x/term"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// Prompter asks the user for values. Each method returns an error wrapping
// [cmderr.ErrCancel] when the user cancels with Ctrl-C or Ctrl-D, or the process is told
// to stop (SIGTERM) while it waits for an answer.
type Prompter interface {
	// Input asks for a line of text; an empty answer returns defaultValue.
	Input(prompt, defaultValue string) (string, error)
	// Select asks to choose one of options and returns its index. defaultValue, when it is
	// one of the options, is preselected.
	Select(prompt, defaultValue string, options []string) (int, error)
	// Confirm asks a yes/no question.
	Confirm(prompt string, defaultValue bool) (bool, error)
}

// New returns the [Prompter] that draws survey prompts on the terminal of ios: it reads
// ios.In and draws on ios.ErrOut, keeping stdout for results. It refuses to prompt when
// ios.CanPrompt is false; commands should check that first and require a flag instead.
// When ctx is done (the CLI cancels it on SIGINT and SIGTERM), a question waiting for
// its answer ends as Ctrl-C ends it.
func New(ctx context.Context, ios *iostreams.IOStreams) Prompter {
	// survey colours its prompts through a package-level switch.
	core.DisableColor = !ios.ColorEnabled()
	p := &surveyPrompter{ctx: ctx, ios: ios}
	in, inOK := ios.In.(*os.File)
	out, outOK := ios.ErrOut.(*os.File)
	if inOK && outOK {
		p.in = in
		p.stdio = survey.WithStdio(in, out, out)
	}
	return p
}

// surveyPrompter asks with survey's prompts, as gh does.
type surveyPrompter struct {
	ctx   context.Context
	ios   *iostreams.IOStreams
	in    *os.File      // the terminal survey reads; nil when stdio is
	stdio survey.AskOpt // nil when the streams are not files (no terminal to draw on)
}

func (p *surveyPrompter) Input(prompt, defaultValue string) (string, error) {
	var answer string
	err := p.ask(&survey.Input{Message: prompt, Default: defaultValue}, &answer)
	return answer, mapError(prompt, err)
}

func (p *surveyPrompter) Select(prompt, defaultValue string, options []string) (int, error) {
	q := &survey.Select{Message: prompt, Options: options, PageSize: 20, Filter: matches}
	for _, o := range options {
		if o == defaultValue {
			q.Default = defaultValue
		}
	}
	var index int
	err := p.ask(q, &index)
	return index, mapError(prompt, err)
}

func (p *surveyPrompter) Confirm(prompt string, defaultValue bool) (bool, error) {
	var answer bool
	err := p.ask(&survey.Confirm{Message: prompt, Default: defaultValue}, &answer)
	return answer, mapError(prompt, err)
}

func (p *surveyPrompter) ask(q survey.Prompt, answer any) error {
	if p.stdio == nil || !p.ios.CanPrompt() {
		return errNotInteractive
	}
	if p.ctx.Err() != nil {
		return terminal.InterruptErr
	}
	// survey reads the terminal in raw mode, where Ctrl-C is a key it handles, but a
	// signal (SIGTERM) only cancels ctx while survey stays blocked reading a key. So
	// survey asks in a goroutine, and a cancellation puts the terminal back as it was
	// and ends the question as Ctrl-C would; the process exits soon after, with the
	// abandoned read.
	var saved *term.State
	if p.in != nil {
		saved, _ = term.GetState(int(p.in.Fd()))
	}
	done := make(chan error, 1)
	go func() { done <- survey.AskOne(q, answer, p.stdio) }()
	select {
	case err := <-done:
		return err
	case <-p.ctx.Done():
		if saved != nil {
			_ = term.Restore(int(p.in.Fd()), saved)
		}
		fmt.Fprint(p.ios.ErrOut, "\x1b[?25h\n") // show the cursor a Select hid; end the prompt's line
		return terminal.InterruptErr
	}
}

// errNotInteractive is refused prompting; mapError names the question.
var errNotInteractive = errors.New("not running interactively")

// matches is the Select filter, as gh's: case-insensitive, and an option's
// diacritics need not be typed ("jose" finds "José").
func matches(filter, option string, _ int) bool {
	filter, option = strings.ToLower(filter), strings.ToLower(option)
	return strings.Contains(option, filter) || strings.Contains(text.RemoveDiacritics(option), filter)
}

// mapError turns survey's interrupt (Ctrl-C) and end of input (Ctrl-D) into a cancellation.
func mapError(prompt string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNotInteractive):
		return fmt.Errorf("cannot prompt for %q: %w", prompt, err)
	case errors.Is(err, terminal.InterruptErr), errors.Is(err, io.EOF):
		return cmderr.ErrCancel
	default:
		return fmt.Errorf("prompt %q: %w", prompt, err)
	}
}
