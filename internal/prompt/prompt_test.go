package prompt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/AlecAivazis/survey/v2/terminal"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestMapError(t *testing.T) {
	other := errors.New("boom")
	tests := []struct {
		name       string
		err        error
		wantCancel bool
		wantMsg    string
	}{
		{name: "nil", err: nil},
		{name: "Ctrl-C", err: fmt.Errorf("could not prompt: %w", terminal.InterruptErr), wantCancel: true, wantMsg: "cancelled"},
		{name: "Ctrl-D", err: fmt.Errorf("could not prompt: %w", io.EOF), wantCancel: true, wantMsg: "cancelled"},
		{name: "other", err: other, wantMsg: `prompt "Title": boom`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mapError("Title", tt.err)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("mapError(nil) = %v", err)
				}
				return
			}
			if got := errors.Is(err, cmderr.ErrCancel); got != tt.wantCancel {
				t.Errorf("errors.Is(err, ErrCancel) = %v, want %v", got, tt.wantCancel)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("message %q, want %q", err, tt.wantMsg)
			}
		})
	}
}

func TestNewRefusesWithoutTerminal(t *testing.T) {
	ios, _, stdout, stderr := iostreams.Test()
	// Even claiming to be a terminal, buffers cannot host a survey prompt.
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	ios.SetStderrTTY(true)
	p := New(context.Background(), ios)
	if _, err := p.Input("Description", ""); err == nil || !strings.Contains(err.Error(), "not running interactively") {
		t.Errorf("Input error = %v", err)
	}
	if _, err := p.Select("Base", "", []string{"main"}); err == nil {
		t.Error("Select prompted without a terminal")
	}
	if _, err := p.Confirm("Continue?", false); err == nil {
		t.Error("Confirm prompted without a terminal")
	}
	if stdout.Len()+stderr.Len() != 0 {
		t.Errorf("wrote %q %q", stdout, stderr)
	}
}

// recordingTB records the failures the stub reports instead of failing the test.
type recordingTB struct {
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) finish() {
	for _, f := range r.cleanups {
		f()
	}
}

func TestStubAnswersInOrder(t *testing.T) {
	s := NewStub(t)
	s.ExpectInput("Description", "login page 500")
	s.ExpectSelect("Base branch", "release")
	s.ExpectConfirm("Push now?", true)
	s.ExpectCancel("Reviewers")

	if got, err := s.Input("Description", ""); err != nil || got != "login page 500" {
		t.Errorf("Input = %q, %v", got, err)
	}
	if got, err := s.Select("Base branch", "main", []string{"main", "release"}); err != nil || got != 1 {
		t.Errorf("Select = %d, %v", got, err)
	}
	if got, err := s.Confirm("Push now?", false); err != nil || !got {
		t.Errorf("Confirm = %v, %v", got, err)
	}
	if _, err := s.Input("Reviewers", ""); !errors.Is(err, cmderr.ErrCancel) {
		t.Errorf("cancelled prompt returned %v", err)
	}
}

func TestStubFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*Stub)
		ask   func(*Stub) error
		want  string
	}{
		{
			name: "unexpected prompt",
			ask:  func(s *Stub) error { _, err := s.Input("Description", ""); return err },
			want: `unexpected input prompt "Description"`,
		},
		{
			name:  "other text",
			setup: func(s *Stub) { s.ExpectInput("Title", "x") },
			ask:   func(s *Stub) error { _, err := s.Input("Description", ""); return err },
			want:  `unexpected input prompt "Description", expected input prompt "Title"`,
		},
		{
			name:  "other kind",
			setup: func(s *Stub) { s.ExpectConfirm("Title", true) },
			ask:   func(s *Stub) error { _, err := s.Input("Title", ""); return err },
			want:  `unexpected input prompt "Title", expected confirm prompt "Title"`,
		},
		{
			name:  "answer not an option",
			setup: func(s *Stub) { s.ExpectSelect("Base", "develop") },
			ask:   func(s *Stub) error { _, err := s.Select("Base", "", []string{"main"}); return err },
			want:  `answer "develop" is not one of the options [main]`,
		},
		{
			name:  "never asked",
			setup: func(s *Stub) { s.ExpectInput("Title", "x") },
			ask:   func(*Stub) error { return nil },
			want:  `expected prompt "Title" was never asked`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &recordingTB{}
			s := NewStub(tb)
			if tt.setup != nil {
				tt.setup(s)
			}
			err := tt.ask(s)
			tb.finish()
			if len(tb.errors) == 0 || !strings.Contains(tb.errors[0], tt.want) {
				t.Fatalf("reported %q, want a first failure containing %q", tb.errors, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("returned %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSelectFilter(t *testing.T) {
	tests := []struct {
		filter, option string
		want           bool
	}{
		{"", "production", true},
		{"prod", "production", true},
		{"PROD", "production", true},
		{"stag", "production", false},
		{"jose", "José", true},
		{"josé", "Jose", false}, // diacritics typed must be in the option
		{"é", "José", true},
	}
	for _, tt := range tests {
		if got := matches(tt.filter, tt.option, 0); got != tt.want {
			t.Errorf("matches(%q, %q) = %v, want %v", tt.filter, tt.option, got, tt.want)
		}
	}
}
