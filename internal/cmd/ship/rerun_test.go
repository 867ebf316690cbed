package ship

import (
	"context"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestRerunCommand(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name    string
		opts    ShipOptions
		opening bool
		want    string
	}{
		{name: "bare", opts: defaults(nil), want: "gh hotfix ship"},
		{name: "what does not carry over", opts: defaults(func(o *ShipOptions) {
			o.Interval, o.Timeout, o.DryRun, o.JSON.Fields = time.Minute, 0, true, []string{"url"}
		}), want: "gh hotfix ship"},
		{name: "branch and repo only when given", opts: defaults(func(o *ShipOptions) { o.Branch, o.Repo = "hotfix/login", "ghe.example.com/acme/shop" }),
			want: "gh hotfix ship --branch hotfix/login -R ghe.example.com/acme/shop"},
		{name: "repo alone", opts: defaults(func(o *ShipOptions) { o.Repo = "acme/shop" }), want: "gh hotfix ship -R acme/shop"},
		{name: "watch after a timeout", opts: defaults(func(o *ShipOptions) { o.Watch, o.Timeout = true, time.Minute }), want: "gh hotfix ship --watch"},
		{name: "the release as asked", opts: defaults(func(o *ShipOptions) {
			o.Workflow, o.Inputs, o.WaitChecks, o.Watch = "Deploy prod", map[string]string{"region": "eu west", "env": "production"}, true, true
		}), want: "gh hotfix ship --workflow 'Deploy prod' -f env=production -f 'region=eu west' --wait-checks --watch"},
		{name: "pull request flags while it is to be opened", opening: true, opts: defaults(func(o *ShipOptions) {
			o.Title, o.BodyFile, o.Reviewers = "Fix: it's broken", "notes.md", []string{"monalisa", "acme/oncall"}
		}), want: `gh hotfix ship --title 'Fix: it'\''s broken' -F notes.md -r monalisa -r acme/oncall`},
		{name: "pull request flags once it is open", opts: defaults(func(o *ShipOptions) {
			o.Title, o.Body, o.Reviewers = "Fix", "body", []string{"monalisa"}
		}), want: "gh hotfix ship"},
		{name: "body text", opening: true, opts: defaults(func(o *ShipOptions) { o.Body = "It broke." }), want: "gh hotfix ship --body 'It broke.'"},
		{name: "the rest", opts: defaults(func(o *ShipOptions) {
			o.Auto, o.MergeMethod, o.NoWait, o.Force, o.PostMortem = true, "squash", true, true, &yes
		}), want: "gh hotfix ship --auto --merge-method squash --no-wait --post-mortem --force"},
		{name: "no post-mortem against the config", opts: defaults(func(o *ShipOptions) { o.PostMortem, o.NoRelease = &no, true }),
			want: "gh hotfix ship --no-release --post-mortem=false"},
		{name: "exceptional", opts: defaults(func(o *ShipOptions) { o.Tag, o.Retry = "v1.4.2", true }), want: "gh hotfix ship --tag v1.4.2 --retry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rerunCommand(tt.opts, tt.opening); got != tt.want {
				t.Errorf("rerunCommand =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestAgain: the hints of a run say the command that continues it, as the user
// typed it: a --retry is not repeated, and the edits a hint asks for leave a
// command line ship accepts.
func TestAgain(t *testing.T) {
	open := &github.PullRequest{Number: 7, State: "OPEN"}
	tests := []struct {
		name string
		opts ShipOptions
		pr   *github.PullRequest
		edit []func(*ShipOptions)
		want string
	}{
		{name: "from the branch", opts: defaults(nil), pr: open, want: "gh hotfix ship"},
		{name: "retry and dry run dropped", opts: defaults(func(o *ShipOptions) { o.Retry, o.DryRun, o.Watch, o.Branch = true, true, true, "hotfix/a" }), pr: open,
			want: "gh hotfix ship --branch hotfix/a --watch"},
		{name: "with --force", opts: defaults(func(o *ShipOptions) { o.Repo = "acme/shop" }), pr: open, edit: []func(*ShipOptions){withForce},
			want: "gh hotfix ship -R acme/shop --force"},
		{name: "--retry takes no release flags", opts: defaults(func(o *ShipOptions) {
			o.Workflow, o.Inputs, o.Watch = "release.yml", map[string]string{"env": "prod"}, true
		}), pr: open, edit: []func(*ShipOptions){withRetry}, want: "gh hotfix ship --retry --watch"},
		{name: "--watch drops --no-wait", opts: defaults(func(o *ShipOptions) { o.NoWait = true }), pr: open, edit: []func(*ShipOptions){withWatch},
			want: "gh hotfix ship --watch"},
		{name: "after --no-wait", opts: defaults(func(o *ShipOptions) { o.NoWait, o.Auto = true, true }), pr: open, edit: []func(*ShipOptions){withoutNoWait},
			want: "gh hotfix ship --auto"},
		{name: "before the pull request", opts: defaults(func(o *ShipOptions) { o.Title = "Fix login" }), want: "gh hotfix ship --title 'Fix login'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			s := &shipper{opts: &opts, pr: tt.pr}
			if got := s.again(tt.edit...); got != tt.want {
				t.Errorf("again =\n%s\nwant\n%s", got, tt.want)
			}
			if opts.Retry != tt.opts.Retry || opts.Force != tt.opts.Force {
				t.Error("again changed the run's options")
			}
		})
	}
}

// TestPollGivesUpWithTheCommand: a wait that reaches --timeout says the command
// that keeps waiting, with the flags that matter (--watch after ship --watch).
func TestPollGivesUpWithTheCommand(t *testing.T) {
	tests := []struct {
		name string
		opts ShipOptions
		want string
	}{
		{"ship", ShipOptions{}, "gave up waiting for the release run after 30ms (--timeout): run gh hotfix ship again to keep waiting"},
		{"ship --watch", ShipOptions{Watch: true}, "gave up waiting for the release run after 30ms (--timeout): run gh hotfix ship --watch again to keep waiting"},
		{"ship --watch -R", ShipOptions{Watch: true, Repo: "acme/shop", Branch: "hotfix/x"},
			"gave up waiting for the release run after 30ms (--timeout): run gh hotfix ship --branch hotfix/x -R acme/shop --watch again to keep waiting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			opts := tt.opts
			opts.Interval, opts.Timeout = 5*time.Millisecond, 30*time.Millisecond
			s := &shipper{opts: &opts, ios: ios, cs: ios.ColorScheme(), pr: &github.PullRequest{Number: 1}}
			err := s.poll(context.Background(), "the release run", func() (bool, bool, error) { return false, false, nil })
			if err == nil || err.Error() != tt.want {
				t.Errorf("poll = %v\nwant %s", err, tt.want)
			}
		})
	}
}
