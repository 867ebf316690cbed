package release

import (
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

func TestHolder(t *testing.T) {
	at := func(min int) time.Time { return time.Date(2026, 12, 6, 11, min, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		group string
		runs  []github.Run
		want  int64 // 0: none
	}{
		{name: "the oldest started run", want: 2, runs: []github.Run{
			{ID: 5, Status: "pending", CreatedAt: at(5)}, {ID: 4, Status: "in_progress", CreatedAt: at(4)},
			{ID: 2, Status: "waiting", CreatedAt: at(2)}, {ID: 1, Status: "completed", CreatedAt: at(1)}}},
		{name: "the pending run itself and other pending runs are not holders", want: 0, runs: []github.Run{
			{ID: 5, Status: "pending", CreatedAt: at(5)}, {ID: 3, Status: "pending", CreatedAt: at(3)}}},
		{name: "same second: the lower ID", want: 3, runs: []github.Run{
			{ID: 4, Status: "queued", CreatedAt: at(3)}, {ID: 3, Status: "in_progress", CreatedAt: at(3)}}},
		{name: "a group per branch: only a run on the same branch holds it", group: "release-${{ github.ref }}", want: 4, runs: []github.Run{
			{ID: 4, Status: "in_progress", HeadBranch: "main", CreatedAt: at(4)}, {ID: 2, Status: "in_progress", HeadBranch: "release/v1", CreatedAt: at(2)}}},
		{name: "a group for every branch: any run holds it", group: "release", want: 2, runs: []github.Run{
			{ID: 4, Status: "in_progress", HeadBranch: "main", CreatedAt: at(4)}, {ID: 2, Status: "in_progress", HeadBranch: "release/v1", CreatedAt: at(2)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Holder(tt.runs, github.Run{ID: 5, HeadBranch: "main"}, tt.group)
			if (got == nil && tt.want != 0) || (got != nil && got.ID != tt.want) {
				t.Errorf("Holder = %+v, want run %d", got, tt.want)
			}
		})
	}
}

func TestSuperseder(t *testing.T) {
	at := func(min int) time.Time { return time.Date(2026, 12, 6, 11, min, 0, 0, time.UTC) }
	cancelled := github.Run{ID: 10, HeadBranch: "main", CreatedAt: at(1), UpdatedAt: at(3), Status: "completed", Conclusion: "cancelled"}
	tests := []struct {
		name string
		runs []github.Run
		want int64
	}{
		{name: "the earliest newer run on the branch", want: 12, runs: []github.Run{
			{ID: 13, HeadBranch: "main", CreatedAt: at(3)}, {ID: 12, HeadBranch: "main", CreatedAt: at(2)}, cancelled}},
		{name: "another branch does not supersede", want: 0, runs: []github.Run{
			{ID: 12, HeadBranch: "release/v1", CreatedAt: at(2)}, cancelled}},
		{name: "created after the cancellation: cancelled by hand", want: 0, runs: []github.Run{
			{ID: 12, HeadBranch: "main", CreatedAt: at(4)}, cancelled}},
		{name: "older runs do not supersede", want: 0, runs: []github.Run{
			{ID: 9, HeadBranch: "main", CreatedAt: at(1)}, cancelled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Superseder(tt.runs, cancelled)
			if (got == nil && tt.want != 0) || (got != nil && got.ID != tt.want) {
				t.Errorf("Superseder = %+v, want run %d", got, tt.want)
			}
		})
	}
}

func TestQueuedBehind(t *testing.T) {
	holder := &github.Run{ID: 7, Number: 41, HTMLURL: "https://github.com/o/r/actions/runs/7"}
	tests := []struct {
		name   string
		holder *github.Run
		file   string
		want   string
	}{
		{name: "holder and group", holder: holder, file: "on: push\nconcurrency:\n  group: release\n  cancel-in-progress: true\n",
			want: "queued behind run #41 (https://github.com/o/r/actions/runs/7), in concurrency group release"},
		{name: "group as a plain name", holder: holder, file: "on: push\nconcurrency: deploy\n",
			want: "queued behind run #41 (https://github.com/o/r/actions/runs/7), in concurrency group deploy"},
		{name: "a job's group is not the workflow's", holder: holder, file: "on: push\njobs:\n  a:\n    concurrency: x\n",
			want: "queued behind run #41 (https://github.com/o/r/actions/runs/7) of the same workflow"},
		{name: "no holder found", file: "on: push\nconcurrency: deploy\n", want: "queued behind another run, in concurrency group deploy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := QueuedBehind(tt.holder, WorkflowGroup(tt.file)); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}
