package hotfix

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReleaseMarkerRoundTrip(t *testing.T) {
	m := ReleaseMarker{State: "dispatched", MergeSHA: "abc123", Workflow: "release.yml", Ref: "main",
		Since: time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC), RunID: 42, RunURL: "http://github.localhost/o/r/actions/runs/42"}
	body := ReleaseComment(m)
	got, ok := ParseReleaseMarker(body)
	if !ok || !reflect.DeepEqual(got, m) {
		t.Fatalf("ParseReleaseMarker(ReleaseComment(m)) = %+v, %v; want %+v", got, ok, m)
	}
}

func TestReleaseMarkerWithTag(t *testing.T) {
	m := ReleaseMarker{State: "dispatching", MergeSHA: "abc123", Workflow: "hotfix.yml", Ref: "release/v1.4",
		Since: time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC), Tag: "v1.4.1"}
	body := ReleaseComment(m)
	got, ok := ParseReleaseMarker(body)
	if !ok || !reflect.DeepEqual(got, m) {
		t.Fatalf("ParseReleaseMarker(ReleaseComment(m)) = %+v, %v; want %+v", got, ok, m)
	}
	if !strings.Contains(body, "Hotfix tag: `v1.4.1`") {
		t.Errorf("the comment does not name the tag:\n%s", body)
	}
}

func TestParseReleaseMarkerRejects(t *testing.T) {
	for _, body := range []string{
		"",
		"LGTM",
		"<!-- gh-hotfix:release not json -->",
		`<!-- gh-hotfix:release {"state":"dispatched"} -->`, // no merge SHA
		"<!-- gh-hotfix:release {\"merge_sha\":\"a\"\n} -->",
	} {
		if m, ok := ParseReleaseMarker(body); ok {
			t.Errorf("ParseReleaseMarker(%q) = %+v", body, m)
		}
	}
}

func FuzzParseReleaseMarker(f *testing.F) {
	f.Add(ReleaseComment(ReleaseMarker{State: "dispatching", MergeSHA: "a", Workflow: "r.yml", Ref: "main"}))
	f.Add("<!-- gh-hotfix:release {} -->")
	f.Fuzz(func(t *testing.T, body string) {
		m, ok := ParseReleaseMarker(body)
		if ok && m.MergeSHA == "" {
			t.Fatalf("accepted a marker without a merge SHA: %q", body)
		}
		if ok {
			again, ok2 := ParseReleaseMarker(ReleaseComment(m))
			if !ok2 || again.MergeSHA != m.MergeSHA || again.RunID != m.RunID {
				t.Fatalf("round trip lost data: %+v → %+v", m, again)
			}
		}
	})
}

func TestReleaseMarkerAttemptAndForced(t *testing.T) {
	m := ReleaseMarker{State: "dispatched", MergeSHA: "abc123", Workflow: "release.yml", Ref: "main",
		Since: time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC), RunID: 42, RunURL: "http://github.localhost/o/r/actions/runs/42",
		Attempt: 2, Forced: []string{"ci/test", "lint"}}
	body := ReleaseComment(m)
	got, ok := ParseReleaseMarker(body)
	if !ok || !reflect.DeepEqual(got, m) {
		t.Fatalf("ParseReleaseMarker(ReleaseComment(m)) = %+v, %v; want %+v", got, ok, m)
	}
	for _, want := range []string{"Release re-run** (attempt 2", "Released with `--force` although checks failed on the merge commit: ci/test, lint."} {
		if !strings.Contains(body, want) {
			t.Errorf("the comment does not say %q:\n%s", want, body)
		}
	}
}

// An adopted run of the hotfix workflow: its tag is shown once the run created
// it, and never invented before.
func TestReleaseMarkerAdoptedTag(t *testing.T) {
	adopted := ReleaseMarker{State: "dispatched", MergeSHA: "abc123", Workflow: "hotfix.yml", Ref: "release/v1.4",
		Since: time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC), RunID: 42, RunURL: "http://github.localhost/o/r/actions/runs/42",
		Adopted: "workflow_dispatch", TagByRun: true}
	tests := []struct {
		name, tag string
		want      string
		not       string
	}{
		{"tag not created yet", "", "the one that run was dispatched with", "Hotfix tag: `"},
		{"tag created by the run", "v1.4.3", "Hotfix tag: `v1.4.3` (created by that run)", "the workflow creates it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := adopted
			m.Tag = tt.tag
			body := ReleaseComment(m)
			got, ok := ParseReleaseMarker(body)
			if !ok || !reflect.DeepEqual(got, m) {
				t.Fatalf("ParseReleaseMarker(ReleaseComment(m)) = %+v, %v; want %+v", got, ok, m)
			}
			if !strings.Contains(body, "Release found") || !strings.Contains(body, tt.want) || strings.Contains(body, tt.not) {
				t.Errorf("the comment does not say %q (or says %q):\n%s", tt.want, tt.not, body)
			}
		})
	}
}
