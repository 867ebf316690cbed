package hotfix

import "testing"

func TestJudgeBackportPull(t *testing.T) {
	const opened, pushed = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	tests := []struct {
		name  string
		state string
		head  string
		rec   Backport
		want  LineState
	}{
		{"open, clean", "OPEN", opened, Backport{Of: 42, Line: "release/v1.4"}, LineOpened},
		{"open, no record", "OPEN", opened, Backport{}, LineOpened},
		{"conflicts, nobody pushed", "OPEN", opened, Backport{Of: 42, Line: "release/v1.4", Conflicts: true, Head: opened}, LineConflict},
		{"conflicts, pushed to", "OPEN", pushed, Backport{Of: 42, Line: "release/v1.4", Conflicts: true, Head: opened}, LineResolved},
		{"conflicts, head not recorded", "OPEN", pushed, Backport{Of: 42, Line: "release/v1.4", Conflicts: true}, LineConflict},
		{"conflicts, head unknown", "OPEN", "", Backport{Of: 42, Line: "release/v1.4", Conflicts: true, Head: opened}, LineConflict},
		{"merged", "MERGED", pushed, Backport{Of: 42, Line: "release/v1.4", Conflicts: true, Head: opened}, LineMerged},
		{"closed", "CLOSED", opened, Backport{Of: 42, Line: "release/v1.4"}, LineClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JudgeBackportPull(tt.state, tt.head, tt.rec); got != tt.want {
				t.Errorf("JudgeBackportPull = %s, want %s", got, tt.want)
			}
		})
	}
}
