package create

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

func TestCheckReleasable(t *testing.T) {
	sha := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name     string
		checks   github.Checks
		force    bool
		setUp    bool
		wantErr  string
		wantWarn string
	}{
		{name: "passing", checks: github.Checks{SHA: sha, State: "SUCCESS", Total: 2}},
		{name: "no checks at all", checks: github.Checks{SHA: sha}, wantWarn: "main has no checks at all on 0123456: treating it as releasable"},
		{name: "pending", checks: github.Checks{SHA: sha, State: "PENDING", Pending: []string{"ci"}}, wantWarn: "checks on main are still running (ci)"},
		{name: "failing check run", checks: github.Checks{SHA: sha, State: "FAILURE", Failing: []string{"build", "ci"}},
			wantErr: "main is not releasable: its latest commit 0123456 has failing checks (build, ci); fix main first, pass --force, or to hotfix the last release instead, run gh hotfix init --workflows"},
		{name: "failing, exceptional process set up", checks: github.Checks{SHA: sha, State: "FAILURE", Failing: []string{"ci"}}, setUp: true,
			wantErr: "main is not releasable: its latest commit 0123456 has failing checks (ci); fix main first, pass --force, or to hotfix the last release instead, run gh hotfix create --from-latest-release (or --from-tag TAG)"},
		{name: "errored status", checks: github.Checks{SHA: sha, State: "ERROR", Failing: []string{"deploy"}},
			wantErr: "has failing checks (deploy)"},
		{name: "failing state without names", checks: github.Checks{SHA: sha, State: "FAILURE"}, wantErr: "has failing checks (failure)"},
		{name: "forced", checks: github.Checks{SHA: sha, State: "FAILURE", Failing: []string{"ci"}}, force: true,
			wantWarn: "main is not releasable (failing: ci); continuing because of --force"},
		{name: "only the release run failed", checks: github.Checks{SHA: sha, State: "FAILURE", Failing: []string{"release"}, Total: 2,
			Workflows: map[string]string{"release": ".github/workflows/release.yml", "ci": ".github/workflows/ci.yml"}},
			wantWarn: "the last release run on main failed (release): a failed release is not a broken main, so it does not block this hotfix"},
		{name: "the release run and CI failed", checks: github.Checks{SHA: sha, State: "FAILURE", Failing: []string{"ci", "release"}, Total: 2,
			Workflows: map[string]string{"release": ".github/workflows/release.yml", "ci": ".github/workflows/ci.yml"}},
			wantErr: "has failing checks (ci)"},
		{name: "a CI job named release is CI", checks: github.Checks{SHA: sha, State: "FAILURE", Failing: []string{"release"},
			Workflows: map[string]string{"release": ".github/workflows/ci.yml"}},
			wantErr: "has failing checks (release)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w bytes.Buffer
			ios, _, _, _ := iostreams.Test()
			err := checkReleasable(&w, ios.ColorScheme(), "main", tt.checks, tt.force, tt.setUp, release.OwnRuns("release.yml", ""))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if tt.wantWarn == "" && w.Len() > 0 {
				t.Errorf("unexpected warning %q", w.String())
			}
			if !strings.Contains(w.String(), tt.wantWarn) {
				t.Errorf("warning %q, want %q", w.String(), tt.wantWarn)
			}
		})
	}
}

func TestCommitsSince(t *testing.T) {
	for n, want := range map[int]string{
		1: "1 commit since v1.4.0: it ships with this hotfix",
		2: "2 commits since v1.4.0: they ship with this hotfix",
	} {
		if got := commitsSince(n, "v1.4.0"); got != want {
			t.Errorf("commitsSince(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLatestOfLine(t *testing.T) {
	from, _ := release.ParseTag("v1.4.0")
	tests := []struct {
		name string
		tags []github.TagRef
		want string
	}{
		{"none", nil, ""},
		{"only the tag itself", []github.TagRef{{Name: "v1.4.0", Commit: "a"}}, ""},
		{"a later patch", []github.TagRef{{Name: "v1.4.0", Commit: "a"}, {Name: "v1.4.2", Commit: "c"}, {Name: "v1.4.1", Commit: "b"}}, "v1.4.2"},
		{"under the other prefix", []github.TagRef{{Name: "v1.4.1", Commit: "b"}, {Name: "1.4.10", Commit: "d"}}, "1.4.10"},
		{"other lines, names and pre-releases ignored", []github.TagRef{{Name: "v11.4.3", Commit: "x"}, {Name: "v1.5.0", Commit: "y"}, {Name: "v1.4.3-rc.1", Commit: "z"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := latestOfLine(from, tt.tags)
			if (ok && got.Name != tt.want) || (!ok && tt.want != "") {
				t.Errorf("latestOfLine = %q, %v; want %q", got.Name, ok, tt.want)
			}
		})
	}
	if got := nextTagHint(from, []github.TagRef{{Name: "1.4.2"}}); got != "the next patch tag (v1.4.3 or later)" {
		t.Errorf("nextTagHint = %q", got)
	}
}
