package ship

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// missingReviewers asks each reviewer once per pull request: never again one
// who is asked now, was ever asked (a team GitHub replaced by members, a request
// someone withdrew), or has reviewed; never the author.
func TestMissingReviewers(t *testing.T) {
	tests := []struct {
		name      string
		cfg, opts []string
		pr        *github.PullRequest
		want      []string
		warning   string
	}{
		{name: "no pull request yet", cfg: []string{"hubot"}, opts: []string{"acme/on-call"}, want: []string{"hubot", "acme/on-call"}},
		{name: "all new", opts: []string{"hubot", "acme/on-call"}, pr: &github.PullRequest{}, want: []string{"hubot", "acme/on-call"}},
		{name: "asked now", opts: []string{"hubot", "acme/on-call"}, pr: &github.PullRequest{Reviewers: []string{"hubot", "acme/on-call"}}},
		{name: "team replaced by a member", opts: []string{"acme/on-call"},
			pr: &github.PullRequest{Reviewers: []string{"octocat"}, Requested: []string{"acme/on-call", "octocat"}}},
		{name: "team asked once, in another case", opts: []string{"ACME/On-Call"}, pr: &github.PullRequest{Requested: []string{"acme/on-call"}}},
		{name: "withdrawn request", opts: []string{"hubot", "octocat"}, pr: &github.PullRequest{Requested: []string{"hubot"}}, want: []string{"octocat"}},
		{name: "reviewed", opts: []string{"@hubot"}, pr: &github.PullRequest{Reviewed: []string{"hubot"}}},
		{name: "the author", opts: []string{"monalisa", "hubot"}, pr: &github.PullRequest{Number: 7, Author: "monalisa"}, want: []string{"hubot"},
			warning: "Not requesting a review from monalisa: GitHub does not let the author of #7 review it"},
		{name: "config and flags once", cfg: []string{"hubot"}, opts: []string{"HUBOT", "acme/on-call"}, pr: &github.PullRequest{Requested: []string{"acme/other"}},
			want: []string{"hubot", "acme/on-call"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, stderr := iostreams.Test()
			s := &shipper{ios: ios, cs: ios.ColorScheme(), cfg: config.Config{Reviewers: tt.cfg}, opts: &ShipOptions{Reviewers: tt.opts}, pr: tt.pr}
			if got := s.missingReviewers(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("missingReviewers() = %q, want %q", got, tt.want)
			}
			if tt.warning != "" && !strings.Contains(stderr.String(), tt.warning) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.warning)
			}
		})
	}
}
