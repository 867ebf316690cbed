package status

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// stubLister answers LabelledPulls and RecentDispatchRuns from fixed answers,
// keeping what it was asked.
type stubLister struct {
	pulls *github.LabelledPulls
	runs  []github.Run
	err   error
	asked []github.LabelledPullsQuery
}

func (s *stubLister) LabelledPulls(_ context.Context, _, _ string, q github.LabelledPullsQuery) (*github.LabelledPulls, error) {
	s.asked = append(s.asked, q)
	return s.pulls, s.err
}

func (s *stubLister) RecentDispatchRuns(_ context.Context, _, _ string, n int) ([]github.Run, error) {
	if n != recentRuns {
		return nil, fmt.Errorf("asked for %d runs, want %d", n, recentRuns)
	}
	return s.runs, s.err
}

func TestListPulls(t *testing.T) {
	repo := repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}
	answer := &github.LabelledPulls{Pulls: []apiPull{{Number: 2}}, Total: 7, Config: &github.RemoteFile{Branch: "main", Text: "x"}}
	tests := []struct {
		name       string
		state      string
		withConfig bool
		err        error
		wantAsked  string
		wantErr    string
	}{
		{"open", "open", true, nil, "hotfix [OPEN] 30 comments=false/50 config=.github/hotfix.yml", ""},
		{"merged", "merged", false, nil, "hotfix [MERGED] 30 comments=true/50 config=", ""},
		{"all", "all", false, nil, "hotfix [] 30 comments=true/50 config=", ""},
		{"not found", "open", false, fmt.Errorf("%w: acme/shop", github.ErrRepositoryNotFound), "hotfix [OPEN] 30 comments=false/50 config=",
			"repository acme/shop not found (or your token cannot see it): check the name given to --repo or GH_REPO"},
		{"another failure", "open", false, errors.New("HTTP 502"), "hotfix [OPEN] 30 comments=false/50 config=",
			"listing the hotfix pull requests of acme/shop: HTTP 502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &stubLister{pulls: answer, err: tt.err}
			pulls, total, remote, err := listPulls(context.Background(), s, repo, "hotfix", tt.state, 30, tt.withConfig)
			if len(s.asked) != 1 {
				t.Fatalf("%d requests, want 1", len(s.asked))
			}
			q := s.asked[0]
			if got := fmt.Sprintf("%s %v %d comments=%v/%d config=%s", q.Label, q.States, q.Limit, q.WithComments, q.CommentsLimit, q.ConfigPath); got != tt.wantAsked {
				t.Errorf("asked %s, want %s", got, tt.wantAsked)
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(pulls) != 1 || total != 7 || remote == nil || remote.Branch != "main" {
				t.Errorf("got %v %d %v %v", pulls, total, remote, err)
			}
		})
	}
}

func TestDispatchRuns(t *testing.T) {
	repo := repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}
	s := &stubLister{runs: []github.Run{{ID: 42, Status: "completed"}, {ID: 41, Status: "queued"}}}
	runs, err := dispatchRuns(context.Background(), s, repo)
	if err != nil || len(runs) != 2 || runs[42].Status != "completed" || runs[41].Status != "queued" {
		t.Errorf("runs %v, error %v", runs, err)
	}
	s = &stubLister{err: errors.New("HTTP 404")}
	if _, err := dispatchRuns(context.Background(), s, repo); err == nil {
		t.Error("no error, want the listing's")
	}
}
