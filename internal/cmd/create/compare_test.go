package create

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// stubComparer answers Compare with one comparison or error, counting calls.
type stubComparer struct {
	cmp   github.Comparison
	err   error
	calls int
}

func (s *stubComparer) Compare(context.Context, string, string, string, string) (github.Comparison, error) {
	s.calls++
	return s.cmp, s.err
}

func TestCompareCommits(t *testing.T) {
	tests := []struct {
		name         string
		base, head   string
		stub         stubComparer
		wantAhead    int
		wantContains bool
		wantErr      bool
		wantCalls    int
	}{
		{"same commit, no request", "a", "a", stubComparer{}, 0, true, false, 0},
		{"ahead", "a", "b", stubComparer{cmp: github.Comparison{Status: "ahead", AheadBy: 2}}, 2, true, false, 1},
		{"diverged", "a", "b", stubComparer{cmp: github.Comparison{Status: "diverged", AheadBy: 1}}, 1, false, false, 1},
		{"no common history", "a", "b", stubComparer{err: fmt.Errorf("x: %w", github.ErrNotComparable)}, 0, false, false, 1},
		{"other failure", "a", "b", stubComparer{err: errors.New("HTTP 502")}, 0, false, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.stub
			ahead, contains, err := compareCommits(context.Background(), &s, repository.Repository{Owner: "acme", Name: "shop"}, tt.base, tt.head)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if ahead != tt.wantAhead || contains != tt.wantContains || s.calls != tt.wantCalls {
				t.Errorf("ahead %d, contains %v, %d calls; want %d, %v, %d", ahead, contains, s.calls, tt.wantAhead, tt.wantContains, tt.wantCalls)
			}
		})
	}
}
