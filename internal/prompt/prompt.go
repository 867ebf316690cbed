// Package prompt asks the user questions on the terminal. Commands use the [Prompter]
// interface, so tests can answer with a [Stub] and the implementation can be replaced.
package prompt

import (
	"errors"
	"fmt"
	"io"

	"github.com/AlecAivazis/survey/v2/core"
	"github.com/AlecAivazis/survey/v2/terminal"
	"github.com/cli/go-gh/v2/pkg/prompter"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// Prompter asks the user for values. Each method returns an error wrapping
// [cmderr.ErrCancel] when the user cancels with Ctrl-C or Ctrl-D.
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
func New(ios *iostreams.IOStreams) Prompter {
	// survey colours its prompts through a package-level switch.
	core.DisableColor = !ios.ColorEnabled()
	p := &surveyPrompter{ios: ios}
	in, inOK := ios.In.(prompter.FileReader)
	out, outOK := ios.ErrOut.(prompter.FileWriter)
	if inOK && outOK {
		p.survey = prompter.New(in, out, out)
	}
	return p
}

// surveyPrompter adapts go-gh's survey-based prompter to [Prompter].
type surveyPrompter struct {
	ios    *iostreams.IOStreams
	survey *prompter.Prompter // nil when the streams are not files
}

func (p *surveyPrompter) Input(prompt, defaultValue string) (string, error) {
	if err := p.check(prompt); err != nil {
		return "", err
	}
	answer, err := p.survey.Input(prompt, defaultValue)
	return answer, mapError(prompt, err)
}

func (p *surveyPrompter) Select(prompt, defaultValue string, options []string) (int, error) {
	if err := p.check(prompt); err != nil {
		return 0, err
	}
	index, err := p.survey.Select(prompt, defaultValue, options)
	return index, mapError(prompt, err)
}

func (p *surveyPrompter) Confirm(prompt string, defaultValue bool) (bool, error) {
	if err := p.check(prompt); err != nil {
		return false, err
	}
	answer, err := p.survey.Confirm(prompt, defaultValue)
	return answer, mapError(prompt, err)
}

func (p *surveyPrompter) check(prompt string) error {
	if p.survey == nil || !p.ios.CanPrompt() {
		return fmt.Errorf("cannot prompt for %q: not running interactively", prompt)
	}
	return nil
}

// mapError turns survey's interrupt (Ctrl-C) and end of input (Ctrl-D) into a cancellation.
func mapError(prompt string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, terminal.InterruptErr), errors.Is(err, io.EOF):
		return cmderr.ErrCancel
	default:
		return fmt.Errorf("prompt %q: %w", prompt, err)
	}
}
