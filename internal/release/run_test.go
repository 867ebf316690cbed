package release

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// graph is a commit graph, child -> parents, standing in for GitHub's compare.
//
//	old ─ mergeA ─ mergeB ─ later
//	   └─ side            (a branch that never got mergeB)
type graph map[string][]string

var history = graph{
	"old":    nil,
	"mergeA": {"old"},
	"mergeB": {"mergeA"},
	"later":  {"mergeB"},
	"side":   {"old"},
}

// ancestry answers from the graph and counts the compares asked for.
func (g graph) ancestry(calls *int) Ancestry {
	return func(_ context.Context, ancestor, descendant string) (bool, error) {
		*calls++
		seen := map[string]bool{}
		stack := []string{descendant}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if c == ancestor {
				return true, nil
			}
			if !seen[c] {
				seen[c] = true
				stack = append(stack, g[c]...)
			}
		}
		return false, nil
	}
}

func TestMergeJudge(t *testing.T) {
	// GitHub's clock. The machine running ship may be hours off it: nothing below
	// reads the local clock, so the answers hold whatever time.Now says.
	decided := time.Date(2026, 12, 6, 12, 0, 7, 0, time.UTC)
	m := Merge{SHA: "mergeB", Branch: "main", Decided: decided}
	tests := []struct {
		name     string
		run      github.Run
		merge    Merge
		ours     bool
		why      string
		compares int
	}{
		{name: "at the merge, after the decision",
			run: github.Run{ID: 1, HeadBranch: "main", HeadSHA: "mergeB", CreatedAt: decided.Add(2 * time.Second)}, merge: m, ours: true},
		{name: "same second as the decision",
			run: github.Run{ID: 2, HeadBranch: "main", HeadSHA: "mergeB", CreatedAt: decided}, merge: m, ours: true},
		{name: "at a newer commit containing the merge",
			run: github.Run{ID: 3, HeadBranch: "main", HeadSHA: "later", CreatedAt: decided.Add(time.Second)}, merge: m, ours: true, compares: 1},
		{name: "at a newer commit already read",
			run:   github.Run{ID: 4, HeadBranch: "main", HeadSHA: "later", CreatedAt: decided.Add(time.Second)},
			merge: Merge{SHA: "mergeB", Branch: "main", Decided: decided, Known: []string{"later"}}, ours: true},
		{name: "an older hotfix's run of the same second",
			run: github.Run{ID: 5, HeadBranch: "main", HeadSHA: "mergeA", CreatedAt: decided}, merge: m,
			why: "run 5 is at commit mergeA, which does not contain the merge mergeB", compares: 1},
		{name: "an unrelated commit",
			run: github.Run{ID: 6, HeadBranch: "main", HeadSHA: "side", CreatedAt: decided.Add(time.Minute)}, merge: m,
			why: "does not contain the merge", compares: 1},
		{name: "before the decision, even at the merge",
			run: github.Run{ID: 7, HeadBranch: "main", HeadSHA: "mergeB", CreatedAt: decided.Add(-time.Second)}, merge: m,
			why: "created at 2026-12-06T12:00:06Z, before the release was decided at 2026-12-06T12:00:07Z"},
		{name: "another branch",
			run: github.Run{ID: 8, HeadBranch: "release/v1.4", HeadSHA: "later", CreatedAt: decided.Add(time.Second)}, merge: m,
			why: "run 8 is on release/v1.4, not main"},
		{name: "a recorded run: no time bound",
			run:   github.Run{ID: 9, HeadBranch: "main", HeadSHA: "mergeB", CreatedAt: decided.Add(-time.Hour)},
			merge: Merge{SHA: "mergeB", Branch: "main"}, ours: true},
		{name: "no commit",
			run: github.Run{ID: 10, HeadBranch: "main", CreatedAt: decided.Add(time.Second)}, merge: m, why: "has no commit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			v, err := tt.merge.Judge(context.Background(), tt.run, history.ancestry(&calls))
			if err != nil {
				t.Fatal(err)
			}
			if v.Ours != tt.ours {
				t.Errorf("ours = %v, want %v (%s)", v.Ours, tt.ours, v.Why)
			}
			if !tt.ours && !strings.Contains(v.Why, tt.why) {
				t.Errorf("why = %q, want it to say %q", v.Why, tt.why)
			}
			if calls != tt.compares {
				t.Errorf("%d compares, want %d", calls, tt.compares)
			}
		})
	}
}

func TestMergeFirst(t *testing.T) {
	decided := time.Date(2026, 12, 6, 12, 0, 7, 0, time.UTC)
	m := Merge{SHA: "mergeB", Branch: "main", Decided: decided}
	at := func(id int64, sha string, d time.Duration) github.Run {
		return github.Run{ID: id, HeadBranch: "main", HeadSHA: sha, CreatedAt: decided.Add(d)}
	}
	tests := []struct {
		name     string
		runs     []github.Run
		want     int64 // 0: none
		rejected int
		compares int
	}{
		{name: "none", runs: nil},
		{name: "only the older hotfix's run, listed in the decision's second",
			runs: []github.Run{at(1, "mergeA", 0)}, rejected: 1, compares: 1},
		{name: "the older hotfix's run first, then ours",
			runs: []github.Run{at(2, "mergeB", time.Second), at(1, "mergeA", 0)}, want: 2, rejected: 1, compares: 1},
		{name: "two runs at the same old commit cost one compare",
			runs: []github.Run{at(1, "mergeA", 0), at(2, "mergeA", 0), at(3, "later", time.Second)}, want: 3, rejected: 2, compares: 2},
		{name: "the earliest of two of ours",
			runs: []github.Run{at(4, "later", 3*time.Second), at(3, "mergeB", time.Second)}, want: 3},
		{name: "a run before the decision is never ours",
			runs: []github.Run{at(1, "mergeB", -time.Second)}, rejected: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			run, why, err := m.First(context.Background(), tt.runs, history.ancestry(&calls))
			if err != nil {
				t.Fatal(err)
			}
			var got int64
			if run != nil {
				got = run.ID
			}
			if got != tt.want || len(why) != tt.rejected || calls != tt.compares {
				t.Errorf("run %d (want %d), %d rejected (want %d: %q), %d compares (want %d)", got, tt.want, len(why), tt.rejected, why, calls, tt.compares)
			}
		})
	}
}

func TestMergeJudgeCompareFails(t *testing.T) {
	m := Merge{SHA: "mergeB", Branch: "main"}
	boom := errors.New("HTTP 502")
	_, err := m.Judge(context.Background(), github.Run{ID: 1, HeadBranch: "main", HeadSHA: "later"},
		func(context.Context, string, string) (bool, error) { return false, boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "run 1") {
		t.Fatalf("err = %v", err)
	}
}
