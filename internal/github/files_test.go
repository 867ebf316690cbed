package github

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestCommitFiles(t *testing.T) {
	sleep = func(context.Context, time.Duration) error { return nil }
	defer func() { sleep = Sleep }()
	const head, ours = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	commit, tipQuery := httpmock.GraphQL(`^HotfixCommitFiles$`), httpmock.GraphQL(`^HotfixBranchTip$`)
	made := stub{commit, httpmock.JSON(200, `{"data":{"createCommitOnBranch":{"commit":{"oid":"`+ours+`"}}}}`)}
	stale := stub{commit, httpmock.JSON(200, `{"data":{"createCommitOnBranch":null},"errors":[{"type":"STALE_DATA","message":"Expected branch to point to \"`+head+`\" but it did not. Pull and try again."}]}`)}
	tip := func(oid, headline, parent string) stub {
		return stub{tipQuery, httpmock.JSON(200, `{"data":{"repository":{"ref":{"target":{"oid":"`+oid+`","messageHeadline":"`+headline+
			`","parents":{"nodes":[{"oid":"`+parent+`"}]}}}}}}`)}
	}
	tests := []struct {
		name      string
		answers   []stub
		want      string
		wantRuled bool
		wantErr   bool
	}{
		{"made", []stub{made}, ours, false, false},
		{"the rules want a pull request", []stub{{commit, httpmock.JSON(200, `{"data":{"createCommitOnBranch":null},"errors":[{"type":"UNPROCESSABLE","message":"Repository rule violations found\n\nChanges must be made through a pull request.\n\n"}]}`)}},
			"", true, true},
		// The answer is lost; the retry finds the head moved, by our commit.
		{"lost answer", []stub{{commit, httpmock.Error(errors.New("connection reset"))}, stale, tip(ours, "Add the hotfix workflow from main", head)}, ours, false, false},
		// The head moved by someone else's commit: refused, never taken as ours.
		{"moved by someone else", []stub{stale, tip("3333333333333333333333333333333333333333", "Other work", head)}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbedWith(t, tt.answers...)
			got, err := c.CommitFiles(context.Background(), "acme", "shop", "release/v1.4", head, "Add the hotfix workflow from main",
				map[string]string{".github/workflows/hotfix.yml": "on: workflow_dispatch\n"})
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("CommitFiles = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
			if _, ruled := errors.AsType[*RuleViolationError](err); ruled != tt.wantRuled {
				t.Errorf("rule violation %v, want %v (%v)", ruled, tt.wantRuled, err)
			}
			if n := len(reg.Requests()); n != len(tt.answers) {
				t.Errorf("%d requests, want %d", n, len(tt.answers))
			}
		})
	}
}
