package ship

import (
	"slices"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

func TestClaimedTags(t *testing.T) {
	record := func(ref, tag string) string {
		return hotfix.ReleaseComment(hotfix.ReleaseMarker{State: "dispatching", MergeSHA: "abc", Workflow: "hotfix.yml", Ref: ref, Tag: tag})
	}
	pulls := []github.PullRecords{
		{Number: 3, Comments: []string{"LGTM", record("release/v1.4", "v1.4.1")}},
		{Number: 4, Comments: []string{record("release/v1.4", "v1.4.2")}}, // this hotfix itself
		{Number: 5, Comments: []string{record("release/v1.5", "v1.5.1")}}, // another line's branch
		{Number: 6, Comments: []string{record("release/v1.4", "")}},       // an adopted run, tag unknown
	}
	got := claimedTags(pulls, "release/v1.4", 4)
	if len(got) != 1 || got["v1.4.1"] != 3 {
		t.Errorf("claimedTags = %v, want v1.4.1 by #3", got)
	}
}

func TestLineTagsCheck(t *testing.T) {
	from, _ := release.ParseTag("v1.4.0")
	lt := lineTags{existing: []github.TagRef{{Name: "v1.4.0"}, {Name: "v1.4.1"}}, claimed: map[string]int{"v1.4.2": 7, "v1.4.1": 5}}
	if names := lt.names(); !slices.Contains(names, "v1.4.2") || !slices.Contains(names, "v1.4.1") {
		t.Errorf("names = %v", names)
	}
	tests := []struct {
		tag, wantErr string
	}{
		{"v1.4.3", ""},
		{"v1.4.1", "tag v1.4.1 already exists"},
		{"v1.4.2", "tag v1.4.2 is the one hotfix #7 of this line releases with: choose another --tag, or leave it out to take the next free one (v1.4.3)"},
		{"v1.5.1", "is not on the release line"},
		{"1.4.3", ""},
		{"1.4.1", "version 1.4.1 is already tagged as v1.4.1"},
		{"1.4.2", "tag v1.4.2 is the one hotfix #7 of this line releases with"},
	}
	for _, tt := range tests {
		_, err := lt.check(tt.tag, from)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("check(%s) = %v, want %q", tt.tag, err, tt.wantErr)
		}
	}
	if next, _ := release.NextPatch(from, lt.names()); next.String() != "v1.4.3" {
		t.Errorf("next patch %s, want v1.4.3 (v1.4.2 is claimed)", next)
	}
}

func TestUnrecordedRuns(t *testing.T) {
	run := func(id int64, status string) github.Run { return github.Run{ID: id, Status: status} }
	hotfixOn := func(branch string, r github.Run) github.CommitRun {
		return github.CommitRun{Path: ".github/workflows/hotfix.yml", Branch: branch, Run: r}
	}
	s := &shipper{base: "release/v1.4", state: &github.ShipState{
		RecentCommits: []string{"c2", "c1"},
		RecentRuns: map[string][]github.CommitRun{
			"c2": {hotfixOn("release/v1.4", run(1, "in_progress")), hotfixOn("release/v1.4", run(2, "queued"))},
			"c1": {
				hotfixOn("release/v1.4", run(3, "completed")),                                                             // finished
				hotfixOn("release/v1.5", run(4, "queued")),                                                                // another line
				{Path: ".github/workflows/ci.yml", Branch: "release/v1.4", Run: run(5, "queued")},                         // not the hotfix workflow
				{Path: ".github/workflows/hotfix.yml", Branch: "release/v1.4", Run: github.Run{ID: 6, Status: "waiting"}}, // by hand
			},
		},
	}}
	s.cfg.Exceptional.Workflow = "hotfix.yml"
	got := s.unrecordedRuns(lineTags{recorded: map[int64]bool{2: true}})
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []int64{1, 6}) {
		t.Errorf("unrecorded runs %v, want [1 6] (2 is recorded, 3 finished, 4 another line, 5 another workflow)", ids)
	}
}
