package ship

import (
	"context"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
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
			m, ok := findMarker(comments, merge)
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
