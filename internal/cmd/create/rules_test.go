package create

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

type stubBypass struct {
	answer string
	err    error
	asked  []int64
}

func (s *stubBypass) RulesetBypass(_ context.Context, _, _ string, id int64) (string, error) {
	s.asked = append(s.asked, id)
	return s.answer, s.err
}

// TestCheckCreationAllowed: a branch an active creation rule covers is refused
// before anything changes unless the user may bypass the ruleset; GitHub is
// asked about the bypass only when such a ruleset applies.
func TestCheckCreationAllowed(t *testing.T) {
	repo := repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}
	guard := []github.BranchRuleset{{ID: 7, Name: "hotfix branches", Enforcement: "ACTIVE", Include: []string{"refs/heads/hotfix/**"}, RestrictsCreation: true}}
	tests := []struct {
		name      string
		sets      []github.BranchRuleset
		bypass    string
		bypassErr error
		wantErr   string
		wantAsked int
	}{
		{name: "no ruleset: nothing asked"},
		{name: "restricted, no bypass", sets: guard, bypass: "never", wantAsked: 1,
			wantErr: `creating hotfix/login in acme/shop is restricted by ruleset "hotfix branches" (Cannot create ref due to creations being restricted): ask an admin to add you to its bypass list or to exclude hotfix/** from it, or set branch_prefix to a prefix it allows`},
		{name: "bypass only through pull requests", sets: guard, bypass: "pull_requests_only", wantAsked: 1, wantErr: "is restricted by ruleset"},
		{name: "bypass always", sets: guard, bypass: "always", wantAsked: 1},
		{name: "exempt", sets: guard, bypass: "exempt", wantAsked: 1},
		{name: "the bypass cannot be read", sets: guard, bypassErr: errors.New("HTTP 403"), wantAsked: 1, wantErr: `reading ruleset "hotfix branches", which restricts creating hotfix/login: HTTP 403`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := &stubBypass{answer: tt.bypass, err: tt.bypassErr}
			err := checkCreationAllowed(context.Background(), gh, repo, tt.sets, "hotfix/login", "main", "hotfix/")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if len(gh.asked) != tt.wantAsked {
				t.Errorf("asked %d times, want %d", len(gh.asked), tt.wantAsked)
			}
		})
	}
}

// TestBypassOnce: a ruleset that restricts both the maintenance branch and the
// hotfix branch costs one question about its bypass.
func TestBypassOnce(t *testing.T) {
	repo := repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}
	all := []github.BranchRuleset{{ID: 9, Name: "every branch", Enforcement: "ACTIVE", Include: []string{"~ALL"}, RestrictsCreation: true}}
	gh := &stubBypass{answer: "always"}
	b := &bypassOnce{gh: gh}
	if err := checkCreationAllowed(context.Background(), b, repo, all, "hotfix/login", "main", "hotfix/"); err != nil {
		t.Fatal(err)
	}
	if err := creationAllowed(context.Background(), b, repo, all, "release/v1.4", "main", "the fix"); err != nil {
		t.Fatal(err)
	}
	if len(gh.asked) != 1 {
		t.Errorf("asked %d times, want once", len(gh.asked))
	}
	gh = &stubBypass{answer: "never"}
	err := creationAllowed(context.Background(), &bypassOnce{gh: gh}, repo, all, "release/v1.4", "main", "create it yourself")
	if err == nil || err.Error() != `creating release/v1.4 in acme/shop is restricted by ruleset "every branch" (Cannot create ref due to creations being restricted): create it yourself` {
		t.Errorf("err = %v", err)
	}
}
