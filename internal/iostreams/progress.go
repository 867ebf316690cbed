package iostreams

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// spinnerFrames are the frames of the progress animation, as gh draws them.
var spinnerFrames = []string{"⣾", "⣽", "⣻", "⢿", "⡿", "⣟", "⣯", "⣷"}

// spinnerInterval is the time between two frames.
const spinnerInterval = 120 * time.Millisecond

// StartProgress shows an animated spinner with label on stderr until [IOStreams.StopProgress].
// It does nothing when stderr is not a terminal: there is no animation in logs and pipes.
// Calling it while a spinner runs only changes the label. Stop the spinner before writing
// anything else to stderr.
func (s *IOStreams) StartProgress(label string) {
	if !s.stderrTTY {
		return
	}
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	if s.progress != nil {
		s.progress.setLabel(label)
		return
	}
	// Keep the line shorter than the terminal: a wrapped line cannot be redrawn with \r.
	s.progress = startSpinner(s.ErrOut, label, s.TerminalWidth()-3)
}

// StopProgress stops the spinner, if any, and erases its line. When it returns, the spinner
// writes nothing more.
func (s *IOStreams) StopProgress() {
	s.progressMu.Lock()
	sp := s.progress
	s.progress = nil
	s.progressMu.Unlock()
	if sp != nil {
		sp.stop()
	}
}

// Notice writes one line on stderr. While a spinner runs, the line goes above it
// (the spinner's line is erased first and redrawn at its next frame), so a message
// said in the middle of a wait is not mangled by the animation.
func (s *IOStreams) Notice(line string) {
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	if sp := s.progress; sp != nil {
		sp.mu.Lock()
		defer sp.mu.Unlock()
		fmt.Fprintf(sp.w, "\r\x1b[K%s\n", line)
		return
	}
	fmt.Fprintln(s.ErrOut, line)
}

// spinner redraws one line of w from a single goroutine until stopped.
type spinner struct {
	w        io.Writer
	maxWidth int

	mu    sync.Mutex
	label string

	quit chan struct{}
	done chan struct{}
}

func startSpinner(w io.Writer, label string, maxWidth int) *spinner {
	sp := &spinner{w: w, maxWidth: maxWidth, quit: make(chan struct{}), done: make(chan struct{})}
	sp.setLabel(label)
	go sp.run()
	return sp
}

func (sp *spinner) setLabel(label string) {
	// The frame and a space take two columns.
	if r := []rune(label); sp.maxWidth > 2 && len(r) > sp.maxWidth-2 {
		label = string(r[:sp.maxWidth-2])
	}
	sp.mu.Lock()
	sp.label = label
	sp.mu.Unlock()
}

func (sp *spinner) run() {
	defer close(sp.done)
	ticker := time.NewTicker(spinnerInterval)
	defer ticker.Stop()
	for i := 0; ; i++ {
		// Drawn under the lock, so a Notice never lands in the middle of a frame.
		sp.mu.Lock()
		fmt.Fprintf(sp.w, "\r%s %s\x1b[K", spinnerFrames[i%len(spinnerFrames)], sp.label)
		sp.mu.Unlock()
		select {
		case <-sp.quit:
			fmt.Fprint(sp.w, "\r\x1b[K")
			return
		case <-ticker.C:
		}
	}
}

// stop ends the animation and waits for the goroutine to erase the line and exit.
func (sp *spinner) stop() {
	close(sp.quit)
	<-sp.done
}
