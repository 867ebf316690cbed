package github

import (
	"strings"
	"testing"
)

// TestShipsSince: what a release of the tip ships since the latest release is
// found by the graph, not by walking history until the release's commit: a
// commit of a feature branch dated before the release but merged after it is
// in, and a merge commit the release already contains is said to be in it.
func TestShipsSince(t *testing.T) {
	// History as GitHub lists it, newest first by date:
	//   m2 (merge of hotfix h1 into main)
	//   r  (released, tag v1.1.0)            f1 (feature commit, dated before r)
	//   m1 (merge of feature f1, after r)... listed below r because of dates
	h := func(sha, headline string, parents ...string) HistoryCommit {
		return HistoryCommit{SHA: sha, Headline: headline, Parents: parents}
	}
	history := []HistoryCommit{
		h("m2", "Merge hotfix", "m1", "h1"),
		h("h1", "Fix the login", "m1"),
		h("m1", "Merge feature", "r", "f1"),
		h("r", "Release 1.1.0", "b"),
		h("f1", "Feature work (dated before the release)", "b"),
		h("b", "Base", "a"),
		h("a", "Older"),
	}
	names := func(cs []HistoryCommit) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.SHA)
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name, tip, release string
		want               string
		in, complete       bool
	}{
		{"by the graph: the feature commit dated before the release ships", "m2", "r", "m2 h1 m1 f1", false, true},
		{"nothing new", "r", "r", "", true, true},
		{"the tip is in a newer release", "m1", "newer", "", false, false},
		{"a commit the release contains", "b", "r", "", true, true},
		{"a release older than what was read", "m2", "zzz", "", false, false},
		{"another line's release: the rest of the graph ships", "m2", "f1", "m2 h1 m1 r", false, true},
	}
	// A branch from a commit older than the 100 read: the walk leaves them.
	t.Run("ancestry leaves what was read", func(t *testing.T) {
		cut := append([]HistoryCommit{h("x", "Old branch merged", "m2", "gone")}, history...)
		if got, in, complete := ShipsSince(cut, "x", "r"); complete || in || got != nil {
			t.Errorf("= %q, in %v, complete %v; want an incomplete answer", names(got), in, complete)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, in, complete := ShipsSince(history, tt.tip, tt.release)
			if names(got) != tt.want || in != tt.in || complete != tt.complete {
				t.Errorf("ShipsSince(%s, %s) = %q, in %v, complete %v; want %q, %v, %v", tt.tip, tt.release, names(got), in, complete, tt.want, tt.in, tt.complete)
			}
		})
	}
}
