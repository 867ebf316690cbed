package github

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestCommitFiles(t *testing.T) {
	sleep = func(context.Context, time.Duration) error { return nil }
	defer func() { sleep = Sleep }()
	const head, ours = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	made := answer{status: 200, body: `{"data":{"createCommitOnBranch":{"commit":{"oid":"` + ours + `"}}}}`}
	stale := answer{status: 200, body: `{"data":{"createCommitOnBranch":null},"errors":[{"type":"STALE_DATA","message":"Expected branch to point to \"` + head + `\" but it did not. Pull and try again."}]}`}
	tip := func(oid, headline, parent string) answer {
		return answer{status: 200, body: `{"data":{"repository":{"ref":{"target":{"oid":"` + oid + `","messageHeadline":"` + headline +
			`","parents":{"nodes":[{"oid":"` + parent + `"}]}}}}}}`}
	}
	tests := []struct {
		name      string
		answers   []answer
		want      string
		wantRuled bool
		wantErr   bool
	}{
		{"made", []answer{made}, ours, false, false},
		{"the rules want a pull request", []answer{{status: 200, body: `{"data":{"createCommitOnBranch":null},"errors":[{"type":"UNPROCESSABLE","message":"Repository rule violations found\n\nChanges must be made through a pull request.\n\n"}]}`}},
			"", true, true},
		// The answer is lost; the retry finds the head moved, by our commit.
		{"lost answer", []answer{{err: errors.New("connection reset")}, stale, tip(ours, "Add the hotfix workflow from main", head)}, ours, false, false},
		// The head moved by someone else's commit: refused, never taken as ours.
		{"moved by someone else", []answer{stale, tip("3333333333333333333333333333333333333333", "Other work", head)}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{t: t, answers: tt.answers}
			c := NewClient(&http.Client{Transport: s}, "github.com")
			got, err := c.CommitFiles(context.Background(), "acme", "shop", "release/v1.4", head, "Add the hotfix workflow from main",
				map[string]string{".github/workflows/hotfix.yml": "on: workflow_dispatch\n"})
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("CommitFiles = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
			if _, ruled := errors.AsType[*RuleViolationError](err); ruled != tt.wantRuled {
				t.Errorf("rule violation %v, want %v (%v)", ruled, tt.wantRuled, err)
			}
			if s.calls != len(tt.answers) {
				t.Errorf("%d requests, want %d", s.calls, len(tt.answers))
			}
		})
	}
}
