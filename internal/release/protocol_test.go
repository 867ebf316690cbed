package release

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// The fakes below stand in for GitHub, in memory: a pull request's
// conversation (fakeThread), a repository's Actions (fakeActions) and the
// person waiting (fakeReport). Every request can be made to fail on its Nth
// call, before acting or after (a lost answer: GitHub acted, the answer never
// came), so the tests can stop the protocol between any two requests.

const (
	protoMerge = "merge1"                 // the merge commit being released
	protoWeb   = "https://github.com/o/r" // Protocol.Web
	// runWeb is where the fake Actions says its runs are: not protoWeb, so a
	// test tells a URL GitHub gave from one the protocol made from Web.
	runWeb = "https://github.example/o/r"
)

// fakeClock is GitHub's clock: every comment and every run is a second later
// than the one before.
type fakeClock struct{ now time.Time }

func (c *fakeClock) tick() time.Time {
	c.now = c.now.Add(time.Second)
	return c.now
}

type failMode int

const (
	failNone   failMode = iota
	failBefore          // a 502 before the request did anything
	failAfter           // a lost answer: the request acted, then a 502
	failRefuse          // a 4xx GitHub did not act on
)

func (f failMode) String() string {
	return [...]string{"ok", "502 before acting", "lost answer after acting", "4xx refusal"}[f]
}

var ghURL, _ = url.Parse("https://api.github.com/")

// errTransient is a failure after which a request may or may not have acted.
func errTransient() error {
	return &api.HTTPError{StatusCode: 502, Message: "Bad Gateway", RequestURL: ghURL}
}

// errRefused is a refusal GitHub did not act on.
func errRefused() error {
	return &api.HTTPError{StatusCode: 422, Message: "Unexpected inputs provided", RequestURL: ghURL}
}

// failures says how the Nth call (from 1) of a method fails:
// failures{"Post": {2: failAfter}}.
type failures map[string]map[int]failMode

func (f failures) set(method string, n int, mode failMode) {
	if f[method] == nil {
		f[method] = map[int]failMode{}
	}
	f[method][n] = mode
}

// fakeThread is the pull request's conversation.
type fakeThread struct {
	clock    *fakeClock
	comments []github.Comment
	lastID   int64
	calls    map[string]int
	fail     failures
	// onPost and onComments run first in the Nth Post and Comments call: the
	// conversation changing under the protocol (another ship posting, or
	// recording its run).
	onPost     func(th *fakeThread, n int)
	onComments func(th *fakeThread, n int)
}

func (th *fakeThread) call(method string) (int, failMode) {
	th.calls[method]++
	n := th.calls[method]
	return n, th.fail[method][n]
}

// add posts a comment, as GitHub does.
func (th *fakeThread) add(body string) github.Comment {
	th.lastID++
	c := github.Comment{ID: th.lastID, Body: body, CreatedAt: th.clock.tick()}
	th.comments = append(th.comments, c)
	return c
}

func (th *fakeThread) edit(id int64, body string) bool {
	for i := range th.comments {
		if th.comments[i].ID == id {
			th.comments[i].Body = body
			return true
		}
	}
	return false
}

func (th *fakeThread) Comments(context.Context) ([]github.Comment, error) {
	n, mode := th.call("Comments")
	if th.onComments != nil {
		th.onComments(th, n)
	}
	if mode != failNone {
		return nil, errTransient()
	}
	return slices.Clone(th.comments), nil
}

func (th *fakeThread) Post(_ context.Context, body string) (*github.PostedComment, error) {
	n, mode := th.call("Post")
	if th.onPost != nil {
		th.onPost(th, n)
	}
	switch mode {
	case failBefore:
		return nil, errTransient()
	case failRefuse:
		return nil, errRefused()
	}
	c := th.add(body)
	if mode == failAfter {
		return nil, errTransient()
	}
	return &github.PostedComment{ID: c.ID, CreatedAt: c.CreatedAt, Comments: slices.Clone(th.comments)}, nil
}

func (th *fakeThread) Edit(_ context.Context, id int64, body string) error {
	_, mode := th.call("Edit")
	switch mode {
	case failBefore:
		return errTransient()
	case failRefuse:
		return errRefused()
	}
	if !th.edit(id, body) {
		return &api.HTTPError{StatusCode: 404, Message: "Not Found", RequestURL: ghURL}
	}
	if mode == failAfter {
		return errTransient()
	}
	return nil
}

func (th *fakeThread) Delete(_ context.Context, id int64) error {
	_, mode := th.call("Delete")
	switch mode {
	case failBefore:
		return errTransient()
	case failRefuse:
		return errRefused()
	}
	i := slices.IndexFunc(th.comments, func(c github.Comment) bool { return c.ID == id })
	if i < 0 {
		return &api.HTTPError{StatusCode: 404, Message: "Not Found", RequestURL: ghURL}
	}
	th.comments = slices.Delete(th.comments, i, i+1)
	if mode == failAfter {
		return errTransient()
	}
	return nil
}

// markers are the release markers for merge on the thread, oldest first, with
// their comment IDs.
func (th *fakeThread) markers(merge string) []hotfix.ReleaseMarker {
	var out []hotfix.ReleaseMarker
	for _, c := range th.comments {
		if m, ok := hotfix.ParseReleaseMarker(c.Body); ok && m.MergeSHA == merge {
			m.CommentID = c.ID
			out = append(out, m)
		}
	}
	return out
}

// states are the markers' states, oldest first.
func (th *fakeThread) states(merge string) []string {
	var out []string
	for _, m := range th.markers(merge) {
		out = append(out, m.State)
	}
	return out
}

// prior is the marker a ship re-run reads first (step 1), nil for none.
func (th *fakeThread) prior() *hotfix.ReleaseMarker {
	m, ok := FindMarker(th.comments, protoMerge)
	if !ok {
		return nil
	}
	return &m
}

// dispatchPlan is how one Dispatch call goes.
type dispatchPlan struct {
	mode  failMode
	noRun bool   // GitHub acted and answered without the run (no return_run_details)
	late  int    // listings that miss the run before it is listed
	sha   string // the run's commit; the merge when ""
	noURL bool   // GitHub's run has no html_url
}

// dispatchCall is a Dispatch the fake received.
type dispatchCall struct {
	workflow, ref string
	inputs        map[string]string
	run           *github.Run // the run it started; nil when GitHub did not act
}

type listedRun struct {
	run    github.Run
	hidden int // listings still to miss it
}

// fakeActions is GitHub Actions for the repository.
type fakeActions struct {
	clock    *fakeClock
	plans    []dispatchPlan // by Dispatch call; a plain dispatch past the end
	calls    []dispatchCall
	runs     []*listedRun
	lastRun  int64
	listings int
	sinces   []time.Time // the since of each listing
	compares int
	contains map[string]bool // commit -> contains the merge
	fail     failures        // "DispatchRuns", "Contains"
	// onDispatch runs first in the Nth Dispatch call (another ship running meanwhile).
	onDispatch func(n int)
}

// addRun lists a run started elsewhere (by a ship that stopped before
// recording it, or a teammate's release of another commit).
func (a *fakeActions) addRun(r github.Run, hidden int) github.Run {
	a.lastRun++
	r.ID = 1000 + a.lastRun
	if r.HTMLURL == "" {
		r.HTMLURL = fmt.Sprintf("%s/actions/runs/%d", runWeb, r.ID)
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = a.clock.tick()
	}
	if r.Event == "" {
		r.Event = "workflow_dispatch"
	}
	a.runs = append(a.runs, &listedRun{run: r, hidden: hidden})
	return r
}

func (a *fakeActions) Dispatch(_ context.Context, workflow, ref string, inputs map[string]string) (*github.Run, error) {
	n := len(a.calls) + 1
	if a.onDispatch != nil {
		a.onDispatch(n)
	}
	var plan dispatchPlan
	if n <= len(a.plans) {
		plan = a.plans[n-1]
	}
	call := dispatchCall{workflow: workflow, ref: ref, inputs: maps.Clone(inputs)}
	switch plan.mode {
	case failBefore:
		a.calls = append(a.calls, call)
		return nil, errTransient()
	case failRefuse:
		a.calls = append(a.calls, call)
		return nil, errRefused()
	}
	sha := plan.sha
	if sha == "" {
		sha = protoMerge
	}
	r := github.Run{HeadBranch: ref, HeadSHA: sha, Status: "queued"}
	if plan.noURL {
		r.HTMLURL = "-"
	}
	r = a.addRun(r, plan.late)
	if plan.noURL {
		r.HTMLURL = ""
		a.runs[len(a.runs)-1].run.HTMLURL = ""
	}
	call.run = &r
	a.calls = append(a.calls, call)
	if plan.mode == failAfter {
		return nil, errTransient()
	}
	if plan.noRun {
		return nil, nil
	}
	answered := r
	return &answered, nil
}

func (a *fakeActions) DispatchRuns(_ context.Context, workflow, ref string, since time.Time) ([]github.Run, error) {
	a.listings++
	a.sinces = append(a.sinces, since)
	if a.fail["DispatchRuns"][a.listings] != failNone {
		return nil, errTransient()
	}
	var out []github.Run
	for _, l := range a.runs {
		if l.hidden > 0 {
			l.hidden--
			continue
		}
		out = append(out, l.run)
	}
	// Newest first, as GitHub lists them.
	slices.Reverse(out)
	return out, nil
}

func (a *fakeActions) Contains(_ context.Context, ancestor, descendant string) (bool, error) {
	a.compares++
	if a.fail["Contains"][a.compares] != failNone {
		return false, errTransient()
	}
	if ancestor != protoMerge {
		return false, fmt.Errorf("compare of %s: not the merge", ancestor)
	}
	return a.contains[descendant], nil
}

// acted are the dispatches that started a run.
func (a *fakeActions) acted() []github.Run {
	var out []github.Run
	for _, c := range a.calls {
		if c.run != nil {
			out = append(out, *c.run)
		}
	}
	return out
}

// fakeReport records what the person waiting is told.
type fakeReport struct {
	done, warn, notice, waiting []string
	stopped                     int
}

func (r *fakeReport) Done(line string)   { r.done = append(r.done, line) }
func (r *fakeReport) Warn(line string)   { r.warn = append(r.warn, line) }
func (r *fakeReport) Notice(line string) { r.notice = append(r.notice, line) }
func (r *fakeReport) Waiting(line string) func() {
	r.waiting = append(r.waiting, line)
	return func() { r.stopped++ }
}

func (r *fakeReport) all() string {
	return strings.Join(slices.Concat(r.done, r.warn, r.notice, r.waiting), "\n")
}

// protoEnv is one pull request and repository, with a Protocol over them.
type protoEnv struct {
	clock  *fakeClock
	th     *fakeThread
	act    *fakeActions
	rep    *fakeReport
	p      *Protocol
	sleeps int
}

func newProtoEnv() *protoEnv {
	e := &protoEnv{clock: &fakeClock{now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}}
	e.th = &fakeThread{clock: e.clock, calls: map[string]int{}, fail: failures{}}
	e.act = &fakeActions{clock: e.clock, contains: map[string]bool{}, fail: failures{}}
	e.rep = &fakeReport{}
	e.p = e.protocol(e.rep)
	return e
}

// protocol is another run of the protocol (another ship) on the same
// pull request and repository.
func (e *protoEnv) protocol(rep Reporter) *Protocol {
	return &Protocol{
		Thread: e.th, Actions: e.act, Report: rep,
		Attempts: 3, Interval: time.Millisecond,
		Sleep:   func(context.Context, time.Duration) error { e.sleeps++; return nil },
		Again:   "gh hotfix ship 12",
		Subject: "#12",
		Web:     protoWeb,
	}
}

func protoDecision() Decision {
	return Decision{MergeSHA: protoMerge, Workflow: "release.yml", Ref: "main", Inputs: map[string]string{"reason": "hotfix"}}
}

// claimBody is a release comment another ship (or an earlier one) posted.
func claimBody(state, tag string) string {
	m := hotfix.ReleaseMarker{State: state, MergeSHA: protoMerge, Workflow: "release.yml", Ref: "main",
		Since: time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC), Tag: tag}
	if state == "dispatched" {
		m.RunID, m.RunURL = 777, runWeb+"/actions/runs/777"
	}
	return hotfix.ReleaseComment(m)
}

// recordAs turns the comment id into the record of run 777, as the ship that
// posted it does once its dispatch is answered.
func recordAs(th *fakeThread, id int64) {
	i := slices.IndexFunc(th.comments, func(c github.Comment) bool { return c.ID == id })
	m, _ := hotfix.ParseReleaseMarker(th.comments[i].Body)
	m.State, m.RunID, m.RunURL = "dispatched", 777, runWeb+"/actions/runs/777"
	th.comments[i].Body = hotfix.ReleaseComment(m)
}

// want is the end state of a run of the protocol.
type want struct {
	dispatches int      // Dispatch calls that reached GitHub
	acted      int      // of which started a run
	listings   int      // DispatchRuns calls
	states     []string // the release comments for the merge left on the thread, oldest first
	comments   int      // all comments on the thread; 0: not checked
	posts      int      // Post calls; 0: not checked, -1: none (a claim was there)
	err        string   // a substring of the error; "" for none
	notDisp    bool     // the error is a *NotDispatchedError
	followed   bool
	runID      int64 // the recorded run; 0: the one the dispatch started
	runURL     string
	tag        string   // the tag input sent and recorded
	said       []string // substrings of what the person was told
	notices    int      // Notice lines (runs said not to be ours)
	verified   int      // verify calls
	sleeps     int      // pauses between lookups
}

func TestProtocol(t *testing.T) {
	run := func(e *protoEnv, hidden int, r github.Run) github.Run { return e.act.addRun(r, hidden) }
	ours := github.Run{HeadBranch: "main", HeadSHA: protoMerge}
	claimed := func(e *protoEnv) { e.th.add(claimBody("dispatching", "")) }
	tests := []struct {
		name  string
		setup func(e *protoEnv)
		// prior: pass the marker FindMarker reads from the thread, as a re-run of
		// ship does when a "dispatching" comment is there.
		prior bool
		// inPlace: DispatchClaimed on the thread's release comment instead.
		inPlace  bool
		decision func(d *Decision)
		verify   func(m hotfix.ReleaseMarker) bool
		want     want
	}{
		// 1, 2: nothing was claimed yet.
		{name: "fresh release: one claim, one dispatch, recorded",
			want: want{dispatches: 1, acted: 1, states: []string{"dispatched"}, comments: 1, posts: 1,
				runURL: runWeb + "/actions/runs/1001", said: []string{"Dispatched release.yml on main"}}},
		{name: "fresh release, the run without an address: recorded with one made from Web",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{noURL: true}} },
			want:  want{dispatches: 1, acted: 1, states: []string{"dispatched"}, runURL: protoWeb + "/actions/runs/1001"}},
		{name: "crash before the claim: other comments and another merge's record are not ours",
			setup: func(e *protoEnv) {
				e.th.add("LGTM")
				m := hotfix.ReleaseMarker{State: "dispatched", MergeSHA: "merge0", Workflow: "release.yml", Ref: "main", RunID: 5, RunURL: "u"}
				e.th.add(hotfix.ReleaseComment(m))
				run(e, 0, github.Run{HeadBranch: "main", HeadSHA: "merge0"}) // merge0's release, listed
			},
			want: want{dispatches: 1, acted: 1, states: []string{"dispatched"}, comments: 3, posts: 1, runID: 1002}},

		// 3: a claim, no dispatch.
		{name: "crash after the claim, before the dispatch: the lookup runs out, then one dispatch",
			setup: claimed, prior: true,
			want: want{sleeps: 2, dispatches: 1, acted: 1, listings: 3, states: []string{"dispatched"}, comments: 1, posts: -1,
				said: []string{"no run of release.yml containing the merge appeared: dispatching now", "Looking for the run of release.yml on main"}}},

		// 4, 5: a claim and its run, not recorded.
		{name: "crash after the dispatch, before the record: recorded, nothing dispatched",
			setup: func(e *protoEnv) { claimed(e); run(e, 0, ours) }, prior: true,
			want: want{listings: 1, states: []string{"dispatched"}, comments: 1, posts: -1, runID: 1001}},
		{name: "the run appears on the 2nd lookup: recorded, nothing dispatched",
			setup: func(e *protoEnv) { claimed(e); run(e, 1, ours) }, prior: true,
			want: want{sleeps: 1, listings: 2, states: []string{"dispatched"}, posts: -1, runID: 1001}},
		{name: "the run appears on the 3rd lookup: recorded, nothing dispatched",
			setup: func(e *protoEnv) { claimed(e); run(e, 2, ours) }, prior: true,
			want: want{sleeps: 2, listings: 3, states: []string{"dispatched"}, posts: -1, runID: 1001}},
		{name: "the run is at a later commit containing the merge: recorded",
			setup: func(e *protoEnv) {
				claimed(e)
				e.act.contains["later"] = true
				run(e, 0, github.Run{HeadBranch: "main", HeadSHA: "later"})
			},
			prior: true,
			want:  want{listings: 1, states: []string{"dispatched"}, posts: -1, runID: 1001}},

		// 6: runs that are not ours.
		{name: "a run created before the claim is not ours: ignored, then dispatched",
			setup: func(e *protoEnv) { run(e, 0, ours); claimed(e) }, prior: true,
			want: want{sleeps: 2, dispatches: 1, acted: 1, listings: 3, states: []string{"dispatched"}, posts: -1, runID: 1002,
				said: []string{"Not this hotfix's release: run 1001 was created at", "before the release was decided"}, notices: 1}},
		{name: "a run on another branch is not ours: ignored, then dispatched",
			setup: func(e *protoEnv) { claimed(e); run(e, 0, github.Run{HeadBranch: "release-1.x", HeadSHA: protoMerge}) }, prior: true,
			want: want{sleeps: 2, dispatches: 1, acted: 1, listings: 3, states: []string{"dispatched"}, posts: -1, runID: 1002,
				said: []string{"Not this hotfix's release: run 1001 is on release-1.x, not main"}, notices: 1}},
		{name: "a run at a commit without the merge is not ours: ignored, then dispatched",
			setup: func(e *protoEnv) { claimed(e); run(e, 0, github.Run{HeadBranch: "main", HeadSHA: "older"}) }, prior: true,
			want: want{sleeps: 2, dispatches: 1, acted: 1, listings: 3, states: []string{"dispatched"}, posts: -1, runID: 1002,
				said: []string{"Not this hotfix's release: run 1001 is at commit older, which does not contain the merge"}, notices: 1}},
		{name: "after a lost answer, a teammate's run of an older commit is not ours: ours is found",
			setup: func(e *protoEnv) {
				e.act.plans = []dispatchPlan{{mode: failAfter, late: 1}}
				e.act.onDispatch = func(int) { run(e, 0, github.Run{HeadBranch: "main", HeadSHA: "older"}) }
			},
			want: want{sleeps: 1, dispatches: 1, acted: 1, listings: 2, states: []string{"dispatched"}, runID: 1002,
				said: []string{"run 1001 is at commit older"}, notices: 1}},

		// 7, 8: lost answers on the dispatch.
		{name: "lost answer, GitHub acted: the run is found, one dispatch",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{mode: failAfter}} },
			want: want{dispatches: 1, acted: 1, listings: 1, states: []string{"dispatched"}, runID: 1001,
				said: []string{"got no clear answer"}}},
		{name: "lost answer, GitHub acted, the run listed late: found, one dispatch",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{mode: failAfter, late: 2}} },
			want:  want{sleeps: 2, dispatches: 1, acted: 1, listings: 3, states: []string{"dispatched"}, runID: 1001}},
		{name: "lost answer, GitHub did not act: nothing found, one more dispatch",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{mode: failBefore}} },
			want: want{sleeps: 2, dispatches: 2, acted: 1, listings: 3, states: []string{"dispatched"}, runID: 1001,
				said: []string{"No run of release.yml appeared: dispatching once more"}}},
		{name: "lost answer twice, GitHub acted the second time: found, no third",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{mode: failBefore}, {mode: failAfter}} },
			want:  want{sleeps: 2, dispatches: 2, acted: 1, listings: 4, states: []string{"dispatched"}, runID: 1001}},
		{name: "lost answer twice, GitHub never acted: no third dispatch, run again",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{mode: failBefore}, {mode: failBefore}, {}} },
			want: want{sleeps: 4, dispatches: 2, listings: 6, states: []string{"dispatching"},
				err: "could not tell whether release.yml was dispatched (HTTP 502: Bad Gateway (https://api.github.com/)): run gh hotfix ship 12 again; it looks for the run before dispatching again"}},

		// 9: no run details.
		{name: "answered without the run: found by listing, recorded",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{noRun: true, late: 1}} },
			want: want{sleeps: 1, dispatches: 1, acted: 1, listings: 2, states: []string{"dispatched"}, runID: 1001,
				said: []string{"Dispatched release.yml on main; looking for its run…"}}},
		{name: "answered without the run, which never appears: error, not dispatched again",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{noRun: true, late: 99}} },
			want: want{sleeps: 2, dispatches: 1, acted: 1, listings: 3, states: []string{"dispatching"},
				err: "release.yml was dispatched but its run did not appear: run gh hotfix ship 12 again to record it"}},

		// 10: lost answers on the claim.
		{name: "lost answer on the claim, posted: read back, no second comment",
			setup: func(e *protoEnv) { e.th.fail.set("Post", 1, failAfter) },
			want:  want{dispatches: 1, acted: 1, states: []string{"dispatched"}, comments: 1, posts: 1}},
		{name: "lost answer on the claim, not posted: read back, posted again",
			setup: func(e *protoEnv) { e.th.fail.set("Post", 1, failBefore) },
			want:  want{dispatches: 1, acted: 1, states: []string{"dispatched"}, comments: 1, posts: 2}},
		{name: "lost answer on the claim and on its read-back: error, nothing dispatched",
			setup: func(e *protoEnv) { e.th.fail.set("Post", 1, failAfter); e.th.fail.set("Comments", 1, failBefore) },
			want:  want{states: []string{"dispatching"}, posts: 1, err: "commenting on #12 before the release: HTTP 502"}},
		{name: "the claim never posts: error, nothing dispatched",
			setup: func(e *protoEnv) { e.th.fail.set("Post", 1, failBefore); e.th.fail.set("Post", 2, failBefore) },
			want:  want{posts: 2, err: "commenting on #12 before the release"}},
		{name: "the claim refused: error, no read-back, nothing dispatched",
			setup: func(e *protoEnv) { e.th.fail.set("Post", 1, failRefuse) },
			want:  want{posts: 1, err: "commenting on #12 before the release: HTTP 422"}},

		// 11: two ships.
		{name: "another ship claimed first: ours deleted, its record followed",
			setup: func(e *protoEnv) {
				e.th.onPost = func(th *fakeThread, n int) { th.add(claimBody("dispatching", "")) }
				e.th.onComments = func(th *fakeThread, n int) {
					if n == 2 {
						recordAs(th, 1)
					}
				}
			},
			want: want{sleeps: 1, followed: true, states: []string{"dispatched"}, comments: 1, posts: 1, runID: 777, runURL: runWeb + "/actions/runs/777", verified: 1,
				said: []string{"Another gh hotfix ship is releasing this hotfix: following it", "Release run: " + runWeb + "/actions/runs/777 (started by the other ship)"}}},
		{name: "another ship claimed first and recorded a run not of this merge: error",
			setup: func(e *protoEnv) {
				e.th.onPost = func(th *fakeThread, n int) { th.add(claimBody("dispatching", "")) }
				e.th.onComments = func(th *fakeThread, n int) {
					if n == 3 {
						recordAs(th, 1)
					}
				}
			},
			verify: func(hotfix.ReleaseMarker) bool { return false },
			want: want{sleeps: 2, states: []string{"dispatched"}, comments: 1, runID: 777, verified: 1,
				err: "the other gh hotfix ship recorded run 777, which is not a release of this merge: run gh hotfix ship 12 again"}},
		{name: "another ship claimed first and never records: error after Attempts, nothing dispatched",
			setup: func(e *protoEnv) { e.th.onPost = func(th *fakeThread, n int) { th.add(claimBody("dispatching", "")) } },
			want: want{sleeps: 2, states: []string{"dispatching"}, comments: 1,
				err: "another gh hotfix ship started releasing this hotfix but has not recorded its run yet: run gh hotfix ship 12 again later"}},
		{name: "another ship claimed first, our duplicate cannot be deleted: still followed",
			setup: func(e *protoEnv) {
				e.th.onPost = func(th *fakeThread, n int) { th.add(claimBody("dispatching", "")) }
				e.th.onComments = func(th *fakeThread, n int) { recordAs(th, 1) }
				e.th.fail.set("Delete", 1, failBefore)
			},
			want: want{followed: true, states: []string{"dispatched", "dispatching"}, runID: 777, verified: 1,
				said: []string{"Could not remove the duplicate release comment 2"}}},
		// The claim's read-back after a lost answer finds another ship's claim:
		// that ship dispatches, so this one must follow it, never dispatch too.
		{name: "lost answer on our claim (not posted), another ship's claim read back: followed, not dispatched",
			setup: func(e *protoEnv) {
				e.th.onPost = func(th *fakeThread, n int) {
					if n == 1 {
						th.add(claimBody("dispatching", ""))
					}
				}
				e.th.fail.set("Post", 1, failBefore)
				e.th.onComments = func(th *fakeThread, n int) {
					if n == 3 {
						recordAs(th, 1)
					}
				}
			},
			want: want{sleeps: 1, followed: true, states: []string{"dispatched"}, comments: 1, posts: 1, runID: 777, verified: 1}},
		{name: "lost answer on our claim (posted), another ship's claim read back: ours deleted, followed",
			setup: func(e *protoEnv) {
				e.th.onPost = func(th *fakeThread, n int) {
					if n == 1 {
						th.add(claimBody("dispatching", ""))
					}
				}
				e.th.fail.set("Post", 1, failAfter)
				e.th.onComments = func(th *fakeThread, n int) {
					if n == 3 {
						recordAs(th, 1)
					}
				}
			},
			want: want{sleeps: 1, followed: true, states: []string{"dispatched"}, comments: 1, posts: 1, runID: 777, verified: 1}},
		{name: "lost answer on our claim, another ship's record read back: followed, its record kept",
			setup: func(e *protoEnv) {
				e.th.onPost = func(th *fakeThread, n int) {
					if n == 1 {
						th.add(claimBody("dispatched", ""))
					}
				}
				e.th.fail.set("Post", 1, failAfter)
			},
			want: want{followed: true, states: []string{"dispatched"}, comments: 1, posts: 1, runID: 777, verified: 1}},

		// 12: refusals.
		{name: "dispatch refused: not dispatched, the claim taken back",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{mode: failRefuse}} },
			want: want{dispatches: 1, posts: 1, notDisp: true,
				err: "dispatching release.yml: HTTP 422: Unexpected inputs provided"}},
		{name: "dispatch refused after a lost answer GitHub did not act on: the claim taken back",
			setup: func(e *protoEnv) { e.act.plans = []dispatchPlan{{mode: failBefore}, {mode: failRefuse}} },
			want:  want{sleeps: 2, dispatches: 2, listings: 3, notDisp: true, err: "HTTP 422"}},
		{name: "dispatch refused, the take-back fails: the claim stays, error says so",
			setup: func(e *protoEnv) {
				e.act.plans = []dispatchPlan{{mode: failRefuse}}
				e.th.fail.set("Delete", 1, failBefore)
			},
			want: want{dispatches: 1, states: []string{"dispatching"}, notDisp: true, err: "HTTP 422",
				said: []string{"Could not take back the release comment 1"}}},
		{name: "claimed in place, dispatch refused: the comment is kept",
			setup: func(e *protoEnv) {
				e.th.add(claimBody("dispatching", "v1.2.4"))
				e.act.plans = []dispatchPlan{{mode: failRefuse}}
			},
			inPlace:  true,
			decision: func(d *Decision) { d.TagInput = "tag" },
			want:     want{dispatches: 1, states: []string{"dispatching"}, comments: 1, notDisp: true, err: "HTTP 422", tag: "v1.2.4"}},
		{name: "claimed in place: dispatched with the comment's tag, recorded on it",
			setup:    func(e *protoEnv) { e.th.add(claimBody("dispatching", "v1.2.5")) },
			inPlace:  true,
			decision: func(d *Decision) { d.Tag, d.TagInput = "v1.2.9", "tag" },
			want:     want{dispatches: 1, acted: 1, states: []string{"dispatched"}, comments: 1, tag: "v1.2.5"}},

		// 14: the exceptional process's tag.
		{name: "the decided tag is sent and recorded",
			decision: func(d *Decision) { d.Tag, d.TagInput = "v1.2.4", "tag" },
			want:     want{dispatches: 1, acted: 1, states: []string{"dispatched"}, tag: "v1.2.4"}},
		{name: "a claim's tag wins over the decided one",
			setup:    func(e *protoEnv) { e.th.add(claimBody("dispatching", "v1.2.3")) },
			prior:    true,
			decision: func(d *Decision) { d.Tag, d.TagInput = "v1.2.4", "tag" },
			want: want{sleeps: 2, dispatches: 1, acted: 1, listings: 3, states: []string{"dispatched"}, tag: "v1.2.3",
				said: []string{"A previous ship decided to release v1.2.3"}}},
		{name: "after a lost answer on the claim, the claim read back keeps its tag",
			setup:    func(e *protoEnv) { e.th.fail.set("Post", 1, failAfter) },
			decision: func(d *Decision) { d.Tag, d.TagInput = "v1.2.4", "tag" },
			want:     want{dispatches: 1, acted: 1, states: []string{"dispatched"}, comments: 1, posts: 1, tag: "v1.2.4"}},
		{name: "after a lost answer on the claim, an earlier claim with another tag read back: followed, never dispatched under either tag",
			setup: func(e *protoEnv) {
				e.th.onPost = func(th *fakeThread, n int) {
					if n == 1 {
						th.add(claimBody("dispatching", "v1.2.3"))
					}
				}
				e.th.fail.set("Post", 1, failAfter)
			},
			decision: func(d *Decision) { d.Tag, d.TagInput = "v1.2.4", "tag" },
			want: want{sleeps: 2, states: []string{"dispatching"}, comments: 1, posts: 1,
				err: "has not recorded its run yet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newProtoEnv()
			if tt.setup != nil {
				tt.setup(e)
			}
			d := protoDecision()
			if tt.decision != nil {
				tt.decision(&d)
			}
			verified := 0
			verify := func(_ context.Context, m hotfix.ReleaseMarker) (bool, error) {
				verified++
				if tt.verify != nil {
					return tt.verify(m), nil
				}
				return true, nil
			}
			var out Outcome
			var err error
			switch {
			case tt.inPlace:
				out, err = e.p.DispatchClaimed(context.Background(), d, *e.th.prior())
			case tt.prior:
				prior := e.th.prior()
				if prior == nil || prior.State != "dispatching" {
					t.Fatalf("setup left no claim: %v", prior)
				}
				out, err = e.p.EnsureDispatched(context.Background(), d, prior, verify)
			default:
				out, err = e.p.EnsureDispatched(context.Background(), d, nil, verify)
			}
			checkEnd(t, e, d, out, err, tt.want)
			if verified != tt.want.verified {
				t.Errorf("verify called %d times, want %d", verified, tt.want.verified)
			}
			if len(e.rep.notice) != tt.want.notices {
				t.Errorf("notices %q, want %d", e.rep.notice, tt.want.notices)
			}
			if len(e.rep.waiting) != e.rep.stopped {
				t.Errorf("%d wait lines shown, %d removed", len(e.rep.waiting), e.rep.stopped)
			}
		})
	}
}

// checkEnd asserts the end state of a run of the protocol: what reached
// GitHub, what the thread holds, and what the run returned.
func checkEnd(t *testing.T, e *protoEnv, d Decision, out Outcome, err error, w want) {
	t.Helper()
	switch {
	case w.err == "" && err != nil:
		t.Fatalf("error %v\nsaid:\n%s", err, e.rep.all())
	case w.err != "" && err == nil:
		t.Fatalf("no error, want %q; outcome %+v", w.err, out)
	case w.err != "" && !strings.Contains(err.Error(), w.err):
		t.Errorf("error %q, want %q", err, w.err)
	}
	var nd *NotDispatchedError
	if errors.As(err, &nd) != w.notDisp {
		t.Errorf("error %v: NotDispatchedError %v, want %v", err, !w.notDisp, w.notDisp)
	}
	if len(e.act.calls) != w.dispatches {
		t.Errorf("%d dispatches, want %d", len(e.act.calls), w.dispatches)
	}
	acted := e.act.acted()
	if len(acted) != w.acted {
		t.Errorf("%d dispatches started a run, want %d", len(acted), w.acted)
	}
	if e.sleeps != w.sleeps {
		t.Errorf("%d pauses, want %d", e.sleeps, w.sleeps)
	}
	if e.act.listings != w.listings {
		t.Errorf("%d listings of runs, want %d", e.act.listings, w.listings)
	}
	if got := e.th.states(protoMerge); !slices.Equal(got, w.states) {
		t.Errorf("release comments %q, want %q\nthread: %+v", got, w.states, e.th.comments)
	}
	if w.comments != 0 && len(e.th.comments) != w.comments {
		t.Errorf("%d comments on the thread, want %d", len(e.th.comments), w.comments)
	}
	if w.posts > 0 && e.th.calls["Post"] != w.posts {
		t.Errorf("%d posts, want %d", e.th.calls["Post"], w.posts)
	}
	if w.posts < 0 && e.th.calls["Post"] != 0 {
		t.Errorf("%d posts, want none: a claim was there", e.th.calls["Post"])
	}
	for _, s := range w.said {
		if !strings.Contains(e.rep.all(), s) {
			t.Errorf("not said: %q\nsaid:\n%s", s, e.rep.all())
		}
	}
	for _, c := range e.act.calls {
		if c.workflow != d.Workflow || c.ref != d.Ref || c.inputs["reason"] != "hotfix" {
			t.Errorf("dispatch %+v, want %s on %s with the decision's inputs", c, d.Workflow, d.Ref)
		}
		if d.TagInput != "" && c.inputs[d.TagInput] != w.tag {
			t.Errorf("dispatched with tag %q, want %q", c.inputs[d.TagInput], w.tag)
		}
		if d.TagInput == "" && len(c.inputs) != len(d.Inputs) {
			t.Errorf("dispatched with inputs %v, want %v", c.inputs, d.Inputs)
		}
	}

	// The record, when one was made.
	var recorded []hotfix.ReleaseMarker
	for _, m := range e.th.markers(protoMerge) {
		if m.State == "dispatched" {
			recorded = append(recorded, m)
		}
	}
	if len(recorded) == 0 {
		if err == nil {
			t.Errorf("no error and no record")
		}
		return
	}
	m := recorded[0]
	runID := w.runID
	if runID == 0 && len(acted) > 0 {
		runID = acted[0].ID
	}
	if m.RunID != runID {
		t.Errorf("recorded run %d, want %d", m.RunID, runID)
	}
	if w.runURL != "" && m.RunURL != w.runURL {
		t.Errorf("recorded address %q, want %q", m.RunURL, w.runURL)
	}
	if m.RunURL == "" {
		t.Errorf("recorded without an address")
	}
	if w.tag != "" && m.Tag != w.tag {
		t.Errorf("recorded tag %q, want %q", m.Tag, w.tag)
	}
	if m.Workflow != d.Workflow || m.Ref != d.Ref {
		t.Errorf("recorded %s on %s", m.Workflow, m.Ref)
	}
	if err != nil {
		return
	}
	if out.Marker.State != "dispatched" || out.Marker.RunID != runID || out.Marker.CommentID != m.CommentID {
		t.Errorf("outcome marker %+v, want the record %+v", out.Marker, m)
	}
	if out.Followed != w.followed {
		t.Errorf("followed %v, want %v", out.Followed, w.followed)
	}
	if w.followed != (out.Run == nil) {
		t.Errorf("outcome run %v, followed %v", out.Run, out.Followed)
	}
	if out.Run != nil && out.Run.ID != runID {
		t.Errorf("outcome run %d, want %d", out.Run.ID, runID)
	}
}

// 13: the record's edit fails after the dispatch.
func TestProtocolRecordFails(t *testing.T) {
	for _, mode := range []failMode{failBefore, failAfter} {
		t.Run(mode.String(), func(t *testing.T) {
			e := newProtoEnv()
			e.th.fail.set("Edit", 1, mode)
			ctx := context.Background()
			d := protoDecision()
			out, err := e.p.EnsureDispatched(ctx, d, nil, nil)
			if err == nil || !strings.Contains(err.Error(), "recording the release run "+runWeb+"/actions/runs/1001 on #12") ||
				!strings.Contains(err.Error(), "run gh hotfix ship 12 again to record it (it will not dispatch again)") {
				t.Fatalf("error %v", err)
			}
			if out.Run == nil || out.Run.ID != 1001 || out.Marker.RunID != 1001 || out.Marker.State != "dispatched" {
				t.Errorf("outcome %+v, want run 1001 in it", out)
			}
			if len(e.act.calls) != 1 {
				t.Fatalf("%d dispatches, want 1", len(e.act.calls))
			}
			// ship run again: step 1 reads the thread.
			prior := e.th.prior()
			if mode == failAfter {
				// The edit went out: the record is there, nothing to do.
				if prior.State != "dispatched" || prior.RunID != 1001 {
					t.Fatalf("record %+v", prior)
				}
				return
			}
			if prior.State != "dispatching" {
				t.Fatalf("record %+v", prior)
			}
			out, err = e.p.EnsureDispatched(ctx, d, prior, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkEnd(t, e, d, out, err, want{dispatches: 1, acted: 1, listings: 1, states: []string{"dispatched"}, comments: 1, runID: 1001})
		})
	}
}

// 15: FindMarker.
func TestFindMarker(t *testing.T) {
	at := func(s int) time.Time { return time.Date(2026, 12, 6, 12, 0, s, 0, time.UTC) }
	body := func(merge, state string) string {
		return hotfix.ReleaseComment(hotfix.ReleaseMarker{State: state, MergeSHA: merge, Workflow: "release.yml", Ref: "main",
			Since: time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)})
	}
	tests := []struct {
		name     string
		comments []github.Comment
		id       int64 // 0: none
		state    string
		since    time.Time
	}{
		{name: "no comments"},
		{name: "no marker for the merge", comments: []github.Comment{
			{ID: 1, Body: "LGTM", CreatedAt: at(1)},
			{ID: 2, Body: body("merge0", "dispatched"), CreatedAt: at(2)},
			{ID: 3, Body: "<!-- gh-hotfix:release {not json} -->", CreatedAt: at(3)},
			{ID: 4, Body: `<!-- gh-hotfix:release {"state":"dispatched"} -->`, CreatedAt: at(4)},
		}},
		{name: "the earliest of two, its created_at as Since", comments: []github.Comment{
			{ID: 1, Body: "LGTM", CreatedAt: at(1)},
			{ID: 2, Body: body("merge0", "dispatching"), CreatedAt: at(2)},
			{ID: 3, Body: body(protoMerge, "dispatching"), CreatedAt: at(3)},
			{ID: 5, Body: body(protoMerge, "dispatched"), CreatedAt: at(5)},
		}, id: 3, state: "dispatching", since: at(3)},
		{name: "no created_at: the body's Since", comments: []github.Comment{
			{ID: 7, Body: body(protoMerge, "dispatched")},
		}, id: 7, state: "dispatched", since: time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := FindMarker(tt.comments, protoMerge)
			if ok != (tt.id != 0) {
				t.Fatalf("found %v (%+v), want %v", ok, m, tt.id != 0)
			}
			if m.CommentID != tt.id || m.State != tt.state || !m.Since.Equal(tt.since) {
				t.Errorf("marker %+v, want comment %d, %s, since %s", m, tt.id, tt.state, tt.since)
			}
		})
	}
}

// The lookup bounds runs by the claim's created_at (GitHub's clock), never by
// the Since its body says (the local clock of the machine that posted it): a
// run between the two is not this claim's.
func TestProtocolSinceIsTheClaimsCreation(t *testing.T) {
	t.Run("prior claim", func(t *testing.T) {
		e := newProtoEnv()
		e.act.addRun(github.Run{HeadBranch: "main", HeadSHA: protoMerge}, 0) // 12:00:01, after the body's 11:00
		e.th.add(claimBody("dispatching", ""))                               // 12:00:02
		prior := e.th.prior()
		out, err := e.p.EnsureDispatched(context.Background(), protoDecision(), prior, nil)
		checkEnd(t, e, protoDecision(), out, err, want{dispatches: 1, acted: 1, listings: 3, sleeps: 2, states: []string{"dispatched"}, runID: 1002,
			said: []string{"run 1001 was created at 2026-12-06T12:00:01Z, before the release was decided at 2026-12-06T12:00:02Z"}})
		for _, s := range e.act.sinces {
			if !s.Equal(e.th.comments[0].CreatedAt) {
				t.Errorf("listed runs since %s, want the claim's creation %s", s, e.th.comments[0].CreatedAt)
			}
		}
	})
	t.Run("fresh claim, lost answer on the dispatch", func(t *testing.T) {
		e := newProtoEnv()
		e.act.plans = []dispatchPlan{{mode: failAfter, late: 1}}
		out, err := e.p.EnsureDispatched(context.Background(), protoDecision(), nil, nil)
		checkEnd(t, e, protoDecision(), out, err, want{dispatches: 1, acted: 1, listings: 2, sleeps: 1, states: []string{"dispatched"}})
		for _, s := range e.act.sinces {
			if !s.Equal(e.th.comments[0].CreatedAt) {
				t.Errorf("listed runs since %s, want the claim's creation %s", s, e.th.comments[0].CreatedAt)
			}
		}
		if !out.Marker.Since.Equal(e.th.comments[0].CreatedAt) {
			t.Errorf("outcome since %s", out.Marker.Since)
		}
	})
}

// lossyThread is another ship's view of the thread: its first post fails as told.
type lossyThread struct {
	*fakeThread
	first failMode
	posts int
}

func (l *lossyThread) Post(ctx context.Context, body string) (*github.PostedComment, error) {
	l.posts++
	if l.posts == 1 {
		switch l.first {
		case failBefore:
			return nil, errTransient()
		case failAfter:
			_, _ = l.fakeThread.Post(ctx, body)
			return nil, errTransient()
		}
	}
	return l.fakeThread.Post(ctx, body)
}

// interrupting runs fn once, first in its at-th request: another ship runs
// between two of this one's requests.
type interrupting struct {
	th  Thread
	act Actions
	at  int
	n   int
	fn  func()
}

func (i *interrupting) step() {
	i.n++
	if i.n == i.at {
		i.fn()
	}
}

func (i *interrupting) Comments(ctx context.Context) ([]github.Comment, error) {
	i.step()
	return i.th.Comments(ctx)
}

func (i *interrupting) Post(ctx context.Context, body string) (*github.PostedComment, error) {
	i.step()
	return i.th.Post(ctx, body)
}

func (i *interrupting) Edit(ctx context.Context, id int64, body string) error {
	i.step()
	return i.th.Edit(ctx, id, body)
}

func (i *interrupting) Delete(ctx context.Context, id int64) error {
	i.step()
	return i.th.Delete(ctx, id)
}

func (i *interrupting) Dispatch(ctx context.Context, workflow, ref string, inputs map[string]string) (*github.Run, error) {
	i.step()
	return i.act.Dispatch(ctx, workflow, ref, inputs)
}

func (i *interrupting) DispatchRuns(ctx context.Context, workflow, ref string, since time.Time) ([]github.Run, error) {
	i.step()
	return i.act.DispatchRuns(ctx, workflow, ref, since)
}

func (i *interrupting) Contains(ctx context.Context, ancestor, descendant string) (bool, error) {
	i.step()
	return i.act.Contains(ctx, ancestor, descendant)
}

// 11 and 10 together: two ships release the same merge, both having read no
// claim (step 1), the second running between any two requests of the first,
// its claim's post answered, lost before acting, or lost after. Re-run until
// released, as people would: one run started, one release comment.
func TestProtocolTwoShips(t *testing.T) {
	for at := 1; at <= 4; at++ { // A's requests: Post, Dispatch, Edit; 4: after A
		for _, bPost := range []failMode{failNone, failBefore, failAfter} {
			t.Run(fmt.Sprintf("B before A's request %d, B's claim %s", at, bPost), func(t *testing.T) {
				e := newProtoEnv()
				ctx := context.Background()
				d := protoDecision()
				verify := func(_ context.Context, m hotfix.ReleaseMarker) (bool, error) {
					acted := e.act.acted()
					return len(acted) > 0 && m.RunID == acted[0].ID, nil
				}
				repB := &fakeReport{}
				b := e.protocol(repB)
				b.Thread = &lossyThread{fakeThread: e.th, first: bPost}
				var bOut Outcome
				var bErr error
				bRan := false
				runB := func() {
					bRan = true
					bOut, bErr = b.EnsureDispatched(ctx, d, nil, verify) // B read no claim before A's
				}
				hook := &interrupting{th: e.th, act: e.act, at: at, fn: runB}
				a := e.protocol(e.rep)
				a.Thread, a.Actions = hook, hook
				aOut, aErr := a.EnsureDispatched(ctx, d, nil, verify)
				if !bRan {
					runB()
				}
				// Whoever claimed first dispatches; the other follows (or, when the
				// record is not there yet, says to run again).
				first, second := aOut, bOut
				firstErr, secondErr := aErr, bErr
				if at == 1 {
					first, second, firstErr, secondErr = bOut, aOut, bErr, aErr
				}
				if firstErr != nil || first.Followed || first.Run == nil {
					t.Errorf("first claim: %+v, %v; want it dispatched", first, firstErr)
				}
				if secondErr == nil && !second.Followed {
					t.Errorf("second claim: %+v; want it followed", second)
				}
				if secondErr != nil && !strings.Contains(secondErr.Error(), "has not recorded its run yet") {
					t.Errorf("second claim: %v", secondErr)
				}
				if at == 4 && (bErr != nil || !bOut.Followed) {
					t.Errorf("B after A: %+v, %v; want A's record followed", bOut, bErr)
				}
				for i := 0; i < 5; i++ {
					prior := e.th.prior()
					if prior != nil && prior.State == "dispatched" {
						break
					}
					if _, err := e.protocol(&fakeReport{}).EnsureDispatched(ctx, d, prior, verify); err != nil {
						t.Logf("re-run: %v", err)
					}
				}
				if acted := e.act.acted(); len(acted) != 1 {
					t.Fatalf("%d runs started, want 1", len(acted))
				}
				if got := e.th.states(protoMerge); !slices.Equal(got, []string{"dispatched"}) {
					t.Fatalf("release comments %q, want one, dispatched", got)
				}
				if m := e.th.markers(protoMerge)[0]; m.RunID != e.act.acted()[0].ID {
					t.Errorf("recorded run %d, started %d", m.RunID, e.act.acted()[0].ID)
				}
			})
		}
	}
}

// The property: whichever requests fail, however (GitHub acting or not before
// the failure, or refusing a dispatch), and however GitHub answers a dispatch,
// running ship again until it reports no error (each run reading the thread
// first, as ship does, and passing the "dispatching" claim it finds) starts
// exactly one run and leaves exactly one release comment, recording that run.
func TestProtocolReRunUntilReleased(t *testing.T) {
	type point struct {
		method string
		n      int
		mode   failMode
	}
	points := []point{{}} // no failure
	for n := 1; n <= 3; n++ {
		for _, m := range []string{"Post", "Comments", "Edit", "Delete"} {
			points = append(points, point{m, n, failBefore}, point{m, n, failAfter})
		}
		points = append(points, point{"Dispatch", n, failBefore}, point{"Dispatch", n, failAfter}, point{"Dispatch", n, failRefuse},
			point{"DispatchRuns", n, failBefore}, point{"Contains", n, failBefore})
	}
	answers := []struct {
		name string
		plan dispatchPlan
	}{
		{"run named", dispatchPlan{}},
		{"run named, listed late, at a later commit", dispatchPlan{late: 1, sha: "tip"}},
		{"no run details, listed late, at a later commit", dispatchPlan{noRun: true, late: 2, sha: "tip"}},
	}
	scenarios := 0
	for _, ans := range answers {
		for i, p := range points {
			for _, q := range points[i:] {
				if p.method == q.method && p.n == q.n && p.mode != q.mode {
					continue
				}
				scenarios++
				e := newProtoEnv()
				e.act.contains["tip"] = true
				for k := 0; k < 12; k++ {
					e.act.plans = append(e.act.plans, ans.plan)
				}
				for _, f := range []point{p, q} {
					switch f.method {
					case "":
					case "Dispatch":
						e.act.plans[f.n-1].mode = f.mode
					case "DispatchRuns", "Contains":
						e.act.fail.set(f.method, f.n, f.mode)
					default:
						e.th.fail.set(f.method, f.n, f.mode)
					}
				}
				name := fmt.Sprintf("%s; %s #%d %s; %s #%d %s", ans.name, p.method, p.n, p.mode, q.method, q.n, q.mode)
				var errs []string
				released := false
				for run := 0; run < 5 && !released; run++ {
					prior := e.th.prior() // step 1
					if prior != nil && prior.State == "dispatched" {
						released = true
						break
					}
					before := len(e.act.calls)
					out, err := e.p.EnsureDispatched(context.Background(), protoDecision(), prior, nil)
					if len(e.act.calls)-before > 2 {
						t.Errorf("%s: run %d dispatched %d times", name, run+1, len(e.act.calls)-before)
					}
					if err != nil {
						errs = append(errs, err.Error())
						continue
					}
					if out.Marker.State != "dispatched" || out.Run == nil {
						t.Errorf("%s: outcome %+v", name, out)
					}
				}
				if p := e.th.prior(); p != nil && p.State == "dispatched" {
					released = true
				}
				acted := e.act.acted()
				switch {
				case !released:
					t.Errorf("%s: not released after 5 runs: %q; thread %q", name, errs, e.th.states(protoMerge))
				case len(acted) != 1:
					t.Errorf("%s: %d runs started, want 1 (errors %q)", name, len(acted), errs)
				case !slices.Equal(e.th.states(protoMerge), []string{"dispatched"}):
					t.Errorf("%s: release comments %q, want one, dispatched", name, e.th.states(protoMerge))
				case e.th.markers(protoMerge)[0].RunID != acted[0].ID:
					t.Errorf("%s: recorded run %d, started %d", name, e.th.markers(protoMerge)[0].RunID, acted[0].ID)
				}
			}
		}
	}
	t.Logf("%d scenarios", scenarios)
}
