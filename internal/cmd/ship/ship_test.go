package ship

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// defaults returns the options of a bare `gh hotfix ship`, changed by edit.
func defaults(edit func(*ShipOptions)) ShipOptions {
	o := ShipOptions{Interval: 10 * time.Second, Timeout: time.Hour}
	if edit != nil {
		edit(&o)
	}
	return o
}

func TestNewCmdShip(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    ShipOptions
		wantErr string
	}{
		{name: "no flags", want: defaults(nil)},
		{name: "pull request", args: []string{"--branch", "hotfix/login", "--title", "Fix login", "--body", "It broke", "-r", "monalisa", "--reviewer", "acme/oncall,hubot"},
			want: defaults(func(o *ShipOptions) {
				o.Branch, o.Title, o.Body = "hotfix/login", "Fix login", "It broke"
				o.Reviewers = []string{"monalisa", "acme/oncall", "hubot"}
			})},
		{name: "body file", args: []string{"-F", "-"}, want: defaults(func(o *ShipOptions) { o.BodyFile = "-" })},
		{name: "auto merge", args: []string{"--auto", "--merge-method", "squash"}, want: defaults(func(o *ShipOptions) { o.Auto, o.MergeMethod = true, "squash" })},
		{name: "no wait", args: []string{"--no-wait", "--auto"}, want: defaults(func(o *ShipOptions) { o.NoWait, o.Auto = true, true })},
		{name: "release", args: []string{"--workflow", "release.yml", "-f", "environment=production", "--field", "notes=a=b, c", "-f", "empty=", "--watch"},
			want: defaults(func(o *ShipOptions) {
				o.Workflow, o.Watch = "release.yml", true
				o.Inputs = map[string]string{"environment": "production", "notes": "a=b, c", "empty": ""}
			})},
		{name: "no release", args: []string{"--no-release"}, want: defaults(func(o *ShipOptions) { o.NoRelease = true })},
		{name: "waiting", args: []string{"--interval", "30s", "--timeout", "0"}, want: defaults(func(o *ShipOptions) { o.Interval, o.Timeout = 30*time.Second, 0 })},
		{name: "post-mortem", args: []string{"--post-mortem"}, want: defaults(func(o *ShipOptions) { o.PostMortem = &yes })},
		{name: "no post-mortem despite the config", args: []string{"--post-mortem=false"}, want: defaults(func(o *ShipOptions) { o.PostMortem = &no })},
		{name: "the rest", args: []string{"--force", "--dry-run", "-R", "acme/shop", "--json", "url,state", "-q", ".url"},
			want: defaults(func(o *ShipOptions) {
				o.Force, o.DryRun, o.Repo = true, true, "acme/shop"
				o.JSON = command.JSONFlags{Fields: []string{"url", "state"}, JQ: ".url"}
			})},
		{name: "template", args: []string{"--json", "url", "-t", "{{.url}}"}, want: defaults(func(o *ShipOptions) {
			o.JSON = command.JSONFlags{Fields: []string{"url"}, Template: "{{.url}}"}
		})},

		{name: "argument", args: []string{"hotfix/login"}, wantErr: `unexpected argument "hotfix/login": this command takes no arguments`},
		{name: "blank branch", args: []string{"--branch", ""}, wantErr: "the `--branch` value must not be blank"},
		{name: "empty body and body file", args: []string{"--body", "", "--body-file", "b.md"}, wantErr: "specify only one of `--body` or `--body-file`"},
		{name: "merge method", args: []string{"--auto", "--merge-method", "MERGE"}, wantErr: "invalid value \"MERGE\" for `--merge-method`: valid values are \"merge\", \"squash\" or \"rebase\""},
		{name: "merge method without auto", args: []string{"--merge-method", "rebase"}, wantErr: "`--merge-method` requires `--auto`"},
		{name: "jump without auto", args: []string{"--jump"}, wantErr: "`--jump` requires `--auto`: it puts the pull request at the front of the merge queue"},
		{name: "blank pr", args: []string{"--pr", " "}, wantErr: "the `--pr` value must not be blank"},
		{name: "pr with what opens or merges", args: []string{"--pr", "42", "--branch", "hotfix/x", "--auto", "--no-wait"},
			wantErr: "`--pr` ships a pull request already merged: it cannot be used with `--branch`, `--auto`, `--no-wait`"},
		{name: "watch without waiting", args: []string{"--no-wait", "--watch"}, wantErr: "`--watch` cannot be used with `--no-wait`: the release happens after the merge"},
		{name: "field without release", args: []string{"--no-release", "-f", "a=b"}, wantErr: "`--watch`, `--workflow`, `--field` and `--tag` cannot be used with `--no-release`"},
		{name: "tag", args: []string{"--tag", "v1.4.2"}, want: defaults(func(o *ShipOptions) { o.Tag = "v1.4.2" })},
		{name: "tag without release", args: []string{"--no-release", "--tag", "v1.4.2"}, wantErr: "`--watch`, `--workflow`, `--field` and `--tag` cannot be used with `--no-release`"},
		{name: "field format", args: []string{"-f", "a"}, wantErr: "invalid `--field` \"a\": expected key=value"},
		{name: "negative interval", args: []string{"--interval", "-5s"}, wantErr: "invalid `--interval` -5s: must be at least 1s"},
		{name: "zero interval", args: []string{"--interval", "0"}, wantErr: "invalid `--interval` 0s: must be at least 1s"},
		{name: "interval under the floor", args: []string{"--interval", "999ms"}, wantErr: "invalid `--interval` 999ms: must be at least 1s"},
		{name: "interval at the floor", args: []string{"--interval", "1s"}, want: defaults(func(o *ShipOptions) { o.Interval = time.Second })},
		{name: "floor lowered for tests", args: []string{"--interval", "50ms"}, env: map[string]string{"GH_HOTFIX_MIN_INTERVAL": "10ms"},
			want: defaults(func(o *ShipOptions) { o.Interval = 50 * time.Millisecond })},
		{name: "lowered floor still holds", args: []string{"--interval", "5ms"}, env: map[string]string{"GH_HOTFIX_MIN_INTERVAL": "10ms"},
			wantErr: "invalid `--interval` 5ms: must be at least 10ms"},
		{name: "unreadable floor is ignored", args: []string{"--interval", "50ms"}, env: map[string]string{"GH_HOTFIX_MIN_INTERVAL": "fast"},
			wantErr: "invalid `--interval` 50ms: must be at least 1s"},
		{name: "blank title", args: []string{"--title", "  "}, wantErr: "the `--title` value must not be blank"},
		{name: "empty title", args: []string{"--title="}, wantErr: "the `--title` value must not be blank"},
		{name: "template without json", args: []string{"--template", "{{.}}"}, wantErr: "cannot use `--template` without specifying `--json`"},
		{name: "empty json field", args: []string{"--json", "url,,state"}, wantErr: "invalid `--json` value \"url,,state\": empty field name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *ShipOptions
			t.Setenv("GH_HOTFIX_MIN_INTERVAL", tt.env["GH_HOTFIX_MIN_INTERVAL"])
			cmd := NewCmdShip(&command.Factory{IOStreams: ios}, func(_ context.Context, opts *ShipOptions) error {
				got = opts
				return nil
			})
			err := cmd.Execute(context.Background(), tt.args)
			if tt.wantErr != "" {
				var flagErr *cmderr.FlagError
				if !errors.As(err, &flagErr) || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want the flag error %q", err, tt.wantErr)
				}
				if got != nil {
					t.Error("the command ran despite the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options\n%+v\nwant\n%+v", *got, tt.want)
			}
		})
	}
}
