package prompt

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
)

// TB is the part of testing.TB that [Stub] uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Stub is a [Prompter] for tests that answers a queue of expected prompts, in order. A prompt
// that is not the next expected one fails the test and returns an error, and so does an
// expected prompt that was never asked by the end of the test.
type Stub struct {
	tb       TB
	expected []expectation
}

type expectation struct {
	kind   string // "input", "select", "confirm" or "" for any (a cancellation)
	prompt string
	input  string // answer to an input, or the chosen option of a select
	yes    bool   // answer to a confirm
	cancel bool   // the user presses Ctrl-C
}

// NewStub returns a Stub with no expected prompts that reports to tb.
func NewStub(tb TB) *Stub {
	s := &Stub{tb: tb}
	tb.Cleanup(func() {
		tb.Helper()
		for _, e := range s.expected {
			tb.Errorf("prompt stub: expected prompt %q was never asked", e.prompt)
		}
	})
	return s
}

// ExpectInput queues an Input prompt with this exact text, answered with answer.
func (s *Stub) ExpectInput(prompt, answer string) {
	s.expected = append(s.expected, expectation{kind: "input", prompt: prompt, input: answer})
}

// ExpectSelect queues a Select prompt with this exact text, answered by choosing the option
// equal to answer.
func (s *Stub) ExpectSelect(prompt, answer string) {
	s.expected = append(s.expected, expectation{kind: "select", prompt: prompt, input: answer})
}

// ExpectConfirm queues a Confirm prompt with this exact text, answered with answer.
func (s *Stub) ExpectConfirm(prompt string, answer bool) {
	s.expected = append(s.expected, expectation{kind: "confirm", prompt: prompt, yes: answer})
}

// ExpectCancel queues a prompt of any kind with this exact text at which the user presses
// Ctrl-C: it returns [cmderr.ErrCancel].
func (s *Stub) ExpectCancel(prompt string) {
	s.expected = append(s.expected, expectation{prompt: prompt, cancel: true})
}

// Input answers the next expected prompt, which must be an input.
func (s *Stub) Input(prompt, defaultValue string) (string, error) {
	e, err := s.next("input", prompt)
	if err != nil {
		return "", err
	}
	return e.input, nil
}

// Select answers the next expected prompt, which must be a select offering the expected answer.
func (s *Stub) Select(prompt, defaultValue string, options []string) (int, error) {
	e, err := s.next("select", prompt)
	if err != nil {
		return 0, err
	}
	i := slices.Index(options, e.input)
	if i < 0 {
		return 0, s.fail("select prompt %q: answer %q is not one of the options [%s]", prompt, e.input, strings.Join(options, ", "))
	}
	return i, nil
}

// Confirm answers the next expected prompt, which must be a confirm.
func (s *Stub) Confirm(prompt string, defaultValue bool) (bool, error) {
	e, err := s.next("confirm", prompt)
	if err != nil {
		return false, err
	}
	return e.yes, nil
}

func (s *Stub) next(kind, prompt string) (expectation, error) {
	if len(s.expected) == 0 {
		return expectation{}, s.fail("unexpected %s prompt %q", kind, prompt)
	}
	e := s.expected[0]
	if e.prompt != prompt || (e.kind != kind && !e.cancel) {
		want := e.kind
		if e.cancel {
			want = "any"
		}
		return expectation{}, s.fail("unexpected %s prompt %q, expected %s prompt %q", kind, prompt, want, e.prompt)
	}
	s.expected = s.expected[1:]
	if e.cancel {
		return expectation{}, cmderr.ErrCancel
	}
	return e, nil
}

func (s *Stub) fail(format string, args ...any) error {
	s.tb.Helper()
	err := fmt.Errorf("prompt stub: "+format, args...)
	s.tb.Errorf("%v", err)
	return err
}
