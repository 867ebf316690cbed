package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/bench"
)

// traceRuns is --trace: print every run's timeline, to see where the wall time goes.
var traceRuns bool

// startTrace makes the next commands log every git process they start (GIT_TRACE).
func (w *world) startTrace() {
	w.traceFile = filepath.Join(w.dir, "git-trace.log")
	_ = os.Remove(w.traceFile)
}

// printTrace prints the requests the emulator saw and the git processes started,
// in milliseconds since t0, then stops tracing.
func (w *world) printTrace(t0 time.Time, wall time.Duration, entries []bench.Entry) {
	type event struct {
		at   time.Duration
		text string
	}
	var events []event
	for _, e := range entries {
		events = append(events, event{e.Time.Sub(t0), fmt.Sprintf("%-7s -> %6.1f  %s %s", "request", ms(e.End.Sub(t0)), e.Route, e.Path)})
	}
	if f, err := os.Open(w.traceFile); err == nil {
		day := t0.Local()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			_, cmd, ok := strings.Cut(line, "trace: built-in: ")
			if !ok {
				continue
			}
			stamp, _, _ := strings.Cut(line, " ")
			tod, err := time.ParseInLocation("15:04:05.000000", stamp, time.Local)
			if err != nil {
				continue
			}
			at := time.Date(day.Year(), day.Month(), day.Day(), tod.Hour(), tod.Minute(), tod.Second(), tod.Nanosecond(), time.Local)
			if len(cmd) > 90 {
				cmd = cmd[:90] + "…"
			}
			events = append(events, event{at.Sub(t0), fmt.Sprintf("%-7s           %s", "process", cmd)})
		}
		f.Close()
	}
	w.traceFile = ""
	sort.SliceStable(events, func(i, j int) bool { return events[i].at < events[j].at })
	for _, e := range events {
		fmt.Fprintf(os.Stderr, "    %6.1f  %s\n", ms(e.at), e.text)
	}
	fmt.Fprintf(os.Stderr, "    %6.1f  done\n", ms(wall))
}
