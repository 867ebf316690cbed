package ship

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// fakeStep records what the runner asks of it.
type fakeStep struct {
	name       string
	skip       bool  // applies is false
	isDone     bool  // done is true
	checkErr   error // check fails
	runErr     error // run fails
	confirms   *bool // a confirmer: confirm's answer
	log        *[]string
	previewErr error
}

func (f fakeStep) describe(*shipper) string { return f.name }
func (f fakeStep) applies(*shipper) bool    { return !f.skip }
func (f fakeStep) done(*shipper) bool       { return f.isDone }
func (f fakeStep) check(context.Context, *shipper) error {
	*f.log = append(*f.log, "check "+f.name)
	return f.checkErr
}
func (f fakeStep) run(context.Context, *shipper) error {
	*f.log = append(*f.log, "run "+f.name)
	return f.runErr
}

type confirmingStep struct{ fakeStep }

func (c confirmingStep) confirm(context.Context, *shipper) (bool, error) {
	*c.log = append(*c.log, "confirm "+c.name)
	return *c.confirms, nil
}

type previewingStep struct{ fakeStep }

func (p previewingStep) preview(context.Context, *shipper) error {
	*p.log = append(*p.log, "preview "+p.name)
	return p.previewErr
}

// TestRunSteps: every check of the steps to do runs before the first step
// runs; done steps are skipped unless their confirm says otherwise; a failed
// check changes nothing; errStop ends the process without failing; a dry run
// previews and prints the plan, each step marked, and runs nothing.
func TestRunSteps(t *testing.T) {
	yes, no := true, false
	boom := errors.New("boom")
	tests := []struct {
		name    string
		dryRun  bool
		steps   func(log *[]string) []step
		wantLog string
		wantErr error
		wantOut string
	}{
		{
			name: "checks first, then runs in order, done and inapplicable steps skipped",
			steps: func(log *[]string) []step {
				return []step{fakeStep{name: "a", log: log}, fakeStep{name: "b", isDone: true, log: log},
					fakeStep{name: "c", skip: true, log: log}, fakeStep{name: "d", log: log}}
			},
			wantLog: "check a,check d,run a,run d",
		},
		{
			name: "a failed check runs nothing",
			steps: func(log *[]string) []step {
				return []step{fakeStep{name: "a", log: log}, fakeStep{name: "b", checkErr: boom, log: log}, fakeStep{name: "c", log: log}}
			},
			wantLog: "check a,check b",
			wantErr: boom,
		},
		{
			name: "a failed step stops the process",
			steps: func(log *[]string) []step {
				return []step{fakeStep{name: "a", runErr: boom, log: log}, fakeStep{name: "b", log: log}}
			},
			wantLog: "check a,check b,run a",
			wantErr: boom,
		},
		{
			name: "errStop ends the process without failing",
			steps: func(log *[]string) []step {
				return []step{fakeStep{name: "a", runErr: errStop, log: log}, fakeStep{name: "b", log: log}}
			},
			wantLog: "check a,check b,run a",
		},
		{
			name: "a done step that confirms is skipped; one that does not runs",
			steps: func(log *[]string) []step {
				return []step{confirmingStep{fakeStep{name: "a", isDone: true, confirms: &yes, log: log}},
					confirmingStep{fakeStep{name: "b", isDone: true, confirms: &no, log: log}}}
			},
			wantLog: "confirm a,confirm b,run b",
		},
		{
			name:   "dry run: checks, previews, the plan marked, nothing run",
			dryRun: true,
			steps: func(log *[]string) []step {
				return []step{fakeStep{name: "push", isDone: true, log: log}, previewingStep{fakeStep{name: "release", log: log}},
					fakeStep{name: "post-mortem", skip: true, log: log}}
			},
			wantLog: "check release,preview release",
			wantOut: "Plan for hotfix/x (standard process; nothing is changed with --dry-run):\n✓ push\n- release\n",
		},
		{
			name:   "dry run: a failed preview fails the dry run",
			dryRun: true,
			steps: func(log *[]string) []step {
				return []step{previewingStep{fakeStep{name: "release", log: log, previewErr: boom}}}
			},
			wantLog: "check release,preview release",
			wantErr: boom,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, stdout, _ := iostreams.Test()
			s := &shipper{opts: &ShipOptions{DryRun: tt.dryRun}, ios: ios, cs: ios.ColorScheme(), branch: "hotfix/x"}
			var log []string
			err := s.runSteps(context.Background(), tt.steps(&log))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if got := strings.Join(log, ","); got != tt.wantLog {
				t.Errorf("log = %s\nwant  %s", got, tt.wantLog)
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantOut)
			}
		})
	}
}

// TestProcessesShareTheirSteps: both processes run the same steps up to the
// release; the exceptional one adds the forward-port before the post-mortem.
func TestProcessesShareTheirSteps(t *testing.T) {
	names := func(p []step) []string {
		var out []string
		for _, st := range p {
			out = append(out, fmtType(st))
		}
		return out
	}
	std, exc := names(standardProcess()), names(exceptionalProcess())
	// The post-mortem and the step that tells the team of it come last.
	want := strings.Join(std[:len(std)-2], ",") + ",forwardPort," + strings.Join(std[len(std)-2:], ",")
	if got := strings.Join(exc, ","); got != want {
		t.Errorf("exceptional process = %s\nwant %s", got, want)
	}
}

// fmtType is a step's type name: what a process is made of.
func fmtType(v any) string { return strings.TrimPrefix(fmt.Sprintf("%T", v), "ship.") }

// TestStepsDoneFromWhatShipRead: the done of each step follows what ship read
// of the pull request, so a re-run skips what is done and a dry run marks it.
func TestStepsDoneFromWhatShipRead(t *testing.T) {
	const mergeSHA = "5d41402abc4b2a76b9719d911017c592aaaaaaaa"
	marker := hotfix.ReleaseComment(hotfix.ReleaseMarker{State: "dispatched", MergeSHA: mergeSHA, Workflow: "release.yml", Ref: "main", RunID: 7, RunURL: "https://github.com/o/r/actions/runs/7"})
	open := &github.PullRequest{Number: 3, State: "OPEN", HeadRefOid: "abc", Labels: []string{"hotfix"}}
	mergedPR := &github.PullRequest{Number: 3, State: "MERGED", MergeCommit: mergeSHA, Labels: []string{"hotfix"},
		Comments: []github.Comment{{ID: 1, Body: marker}}}
	tests := []struct {
		name string
		pr   *github.PullRequest
		tip  string
		opts ShipOptions
		want string // the done steps of the standard process, in order
	}{
		{name: "nothing yet", want: ""},
		{name: "open, pushed, labelled", pr: open, tip: "abc", want: "pushBranch,openPull,labelPull"},
		{name: "open, local commits not pushed", pr: open, tip: "def", want: "openPull,labelPull"},
		{name: "merged and released", pr: mergedPR, want: "pushBranch,openPull,labelPull,waitForMerge,releaseMerge"},
		{name: "merged and released, --retry asked", pr: mergedPR, opts: ShipOptions{Retry: true}, want: "pushBranch,openPull,labelPull,waitForMerge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &shipper{opts: &tt.opts, pr: tt.pr, tip: tt.tip}
			s.cfg.Label.Name = "hotfix"
			var done []string
			for _, st := range standardProcess() {
				if st.applies(s) && st.done(s) {
					done = append(done, fmtType(st))
				}
			}
			if got := strings.Join(done, ","); got != tt.want {
				t.Errorf("done = %s, want %s", got, tt.want)
			}
		})
	}
}
