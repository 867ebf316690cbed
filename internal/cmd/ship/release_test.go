package ship

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// TestDecisionTimeIsGitHubs: the time a release was decided is the release
// comment's created_at, by GitHub's clock. The "since" written in the comment's
// body came from the machine that posted it, which may be off by any amount: a
// run found by listing is judged against GitHub's time, so a skewed local clock
// neither hides the real run (and releases twice) nor admits an older one.
func TestDecisionTimeIsGitHubs(t *testing.T) {
	const merge = "5d41402abc4b2a76b9719d911017c592aaaaaaaa"
	onGitHub := time.Date(2026, 12, 6, 12, 0, 7, 0, time.UTC)
	tests := []struct {
		name      string
		localSkew time.Duration // the posting machine's clock minus GitHub's
	}{
		{"local clock right", 0},
		{"local clock an hour ahead", time.Hour},
		{"local clock an hour behind", -time.Hour},
		{"local clock a second behind", -time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := hotfix.ReleaseComment(hotfix.ReleaseMarker{State: "dispatching", MergeSHA: merge, Workflow: "release.yml", Ref: "main",
				Since: onGitHub.Add(tt.localSkew)})
			comments := []github.Comment{{ID: 7, Body: "LGTM", CreatedAt: onGitHub.Add(-time.Hour)}, {ID: 9, Body: body, CreatedAt: onGitHub}}
			m, ok := release.FindMarker(comments, merge)
			if !ok || m.CommentID != 9 || !m.Since.Equal(onGitHub) {
				t.Fatalf("marker %+v (found %v), want comment 9 decided at %s", m, ok, onGitHub)
			}
			s := &shipper{base: "main"}
			judge := s.mergeOf(m, true)
			never := func(context.Context, string, string) (bool, error) {
				t.Fatal("no compare needed")
				return false, nil
			}
			ours := runAt(merge, onGitHub.Add(time.Second))
			older := runAt(merge, onGitHub.Add(-time.Second))
			if v, err := judge.Judge(context.Background(), ours, never); err != nil || !v.Ours {
				t.Errorf("the run created a second after the comment: %+v %v", v, err)
			}
			if v, err := judge.Judge(context.Background(), older, never); err != nil || v.Ours {
				t.Errorf("a run created a second before the comment: %+v %v", v, err)
			}
		})
	}
}

func runAt(sha string, created time.Time) github.Run {
	return github.Run{ID: 1, HeadBranch: "main", HeadSHA: sha, CreatedAt: created}
}

func TestDisabledError(t *testing.T) {
	repo := repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}
	tests := []struct{ state, want string }{
		{"disabled_manually", "release.yml is disabled in the Actions tab in acme/shop: enable it (gh workflow enable release.yml -R github.com/acme/shop), then run gh hotfix ship again"},
		{"disabled_inactivity", "release.yml is disabled for inactivity in acme/shop: enable it (gh workflow enable release.yml -R github.com/acme/shop), then run gh hotfix ship again"},
		{"disabled", "release.yml is disabled in acme/shop: enable it (gh workflow enable release.yml -R github.com/acme/shop), then run gh hotfix ship again"},
	}
	for _, tt := range tests {
		if got := disabledError("release.yml", tt.state, repo, "gh hotfix ship").Error(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.state, got, tt.want)
		}
	}
}

// TestTimelineTellsTheReleaseAsItIs: the post-mortem's timeline and time to
// restore follow the release run: restored only by a run that succeeded; a
// failed, re-run or still running release says so.
func TestTimelineTellsTheReleaseAsItIs(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	merged := t0.Add(20 * time.Minute)
	tests := []struct {
		name     string
		run      *github.Run
		want     []string
		dontWant []string
	}{
		{"succeeded", &github.Run{Status: "completed", Conclusion: "success", RunAttempt: 1, CreatedAt: t0.Add(21 * time.Minute), UpdatedAt: t0.Add(30 * time.Minute)},
			[]string{"Release run finished (success)", "**Time to restore** (branch created → release finished): 30m0s"}, []string{"re-run"}},
		{"failed", &github.Run{Status: "completed", Conclusion: "failure", RunAttempt: 1, CreatedAt: t0.Add(21 * time.Minute), UpdatedAt: t0.Add(25 * time.Minute)},
			[]string{"Release run finished (failure)", "**Time to restore:** not yet: the release run finished with failure"}, []string{"(branch created → release finished)"}},
		{"re-run and succeeded", &github.Run{Status: "completed", Conclusion: "success", RunAttempt: 2, CreatedAt: t0.Add(21 * time.Minute), RunStartedAt: t0.Add(40 * time.Minute), UpdatedAt: t0.Add(45 * time.Minute)},
			[]string{"| 2026-12-06 02:40:00 | Release run re-run (attempt 2) |", "Release run finished (success)", "45m0s"}, nil},
		{"still running", &github.Run{Status: "in_progress", RunAttempt: 1, CreatedAt: t0.Add(21 * time.Minute)},
			[]string{"Release run started", "**Time to restore:** the release run is still in progress"}, []string{"finished"}},
		{"no run", nil, []string{"**Time to restore:** no release run is recorded"}, []string{"Release run"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &shipper{meta: hotfix.Meta{Created: t0}, pr: &github.PullRequest{CreatedAt: t0.Add(5 * time.Minute), MergedAt: &merged}, runInfo: tt.run}
			got := s.timeline()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("timeline lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(got, w) {
					t.Errorf("timeline says %q:\n%s", w, got)
				}
			}
		})
	}
}
