package ship

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

func TestWithIssue(t *testing.T) {
	tests := []struct {
		body  string
		issue int
		want  string
	}{
		{"Body", 0, "Body"},
		{"Body", 7, "Body\n\nFixes #7\n"},
		{"Coupon #7 broke", 7, "Coupon #7 broke\n\nFixes #7\n"},
		{"This fixes #7.", 7, "This fixes #7."},
		{"Closes #7", 7, "Closes #7"},
		{"Fixes #70", 7, "Fixes #70\n\nFixes #7\n"},
	}
	for _, tt := range tests {
		if got := withIssue(tt.body, tt.issue); got != tt.want {
			t.Errorf("withIssue(%q, %d) = %q, want %q", tt.body, tt.issue, got, tt.want)
		}
	}
}

func TestDefaultBody(t *testing.T) {
	b := defaultBody("login 500", 12)
	for _, want := range []string{"**What broke:** login 500", "- [ ] Tested despite the urgency", "Post-mortem", "Fixes #12"} {
		if !strings.Contains(b, want) {
			t.Errorf("default body lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(defaultBody("x", 0), "Fixes #") {
		t.Error("body without an issue closes one")
	}
}

func TestDescribe(t *testing.T) {
	for state, want := range map[string]string{"clean": "ready to merge", "blocked": "blocked: waiting for required reviews or checks",
		"unstable": "checks failing or pending", "dirty": "merge conflicts: update the branch", "unknown": "mergeability being computed"} {
		if got := describe(github.RESTPull{MergeableState: state}); got != want {
			t.Errorf("describe(%s) = %q, want %q", state, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	if plural(1, "file") != "1 file" || plural(2, "file") != "2 files" || plural(0, "line") != "0 lines" {
		t.Error("plural")
	}
}
