package create

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestNewCmdCreate(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		tty     bool
		want    CreateOptions
		wantErr string
	}{
		{name: "description", args: []string{"login page 500 on empty password"}, want: CreateOptions{Description: "login page 500 on empty password"}},
		{name: "description is trimmed", args: []string{"  login page 500 \n"}, want: CreateOptions{Description: "login page 500"}},
		{name: "issue", args: []string{"-i", "42"}, want: CreateOptions{Issue: 42}},
		{name: "issue and description", args: []string{"short name", "--issue=42"}, want: CreateOptions{Description: "short name", Issue: 42}},
		{name: "all flags", args: []string{"fix", "-b", "release", "-R", "ghe.example.com/acme/shop", "--force", "--push", "--dry-run"},
			want: CreateOptions{Description: "fix", Base: "release", Repo: "ghe.example.com/acme/shop", Force: true, Push: true, DryRun: true}},
		{name: "name", args: []string{"日本語のバグ", "--name", "login-500"}, want: CreateOptions{Description: "日本語のバグ", Name: "login-500"}},
		{name: "name with every other flag", args: []string{"fix", "--name", "strasse", "-i", "3", "-b", "main", "--force", "--push", "--dry-run"},
			want: CreateOptions{Description: "fix", Name: "strasse", Issue: 3, Base: "main", Force: true, Push: true, DryRun: true}},
		{name: "name from a tag", args: []string{"-i", "7", "--name", "ошибка", "--from-tag", "v1.4.0"}, want: CreateOptions{Issue: 7, Name: "ошибка", FromTag: "v1.4.0"}},
		{name: "name in upper case", args: []string{"fix", "--name", "Login"},
			wantErr: "`--name`: invalid branch name \"Login\": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. login"},
		{name: "name with a slash", args: []string{"fix", "--name", "a/b"},
			wantErr: "`--name`: invalid branch name \"a/b\": use lower-case letters, digits and single hyphens, at most 60 characters, e.g. a-b"},
		{name: "blank name", args: []string{"fix", "--name", " "},
			wantErr: "the `--name` value must not be blank"},
		{name: "name of emoji", args: []string{"fix", "--name", "🔥"},
			wantErr: "`--name`: invalid branch name \"🔥\": use lower-case letters, digits and hyphens, e.g. login-500"},
		{name: "flags before the argument", args: []string{"--base", "main", "fix"}, want: CreateOptions{Description: "fix", Base: "main"}},
		{name: "description after --", args: []string{"--", "--not-a-flag"}, want: CreateOptions{Description: "--not-a-flag"}},
		{name: "nothing on a terminal prompts later", tty: true, want: CreateOptions{}},
		{name: "nothing without a terminal", wantErr: "a description argument or `--issue` is required when not running interactively"},
		{name: "two arguments", args: []string{"login", "page"}, wantErr: `too many arguments: quote the description, e.g. gh hotfix create "login page"`},
		{name: "blank description", args: []string{" "}, tty: true, wantErr: "the description must not be blank"},
		{name: "negative issue", args: []string{"-i", "-3"}, wantErr: "invalid issue number -3: must be 1 or more"},
		{name: "blank base", args: []string{"fix", "-b", ""}, wantErr: "the `--base` value must not be blank"},
		{name: "unknown flag", args: []string{"fix", "--title", "x"}, wantErr: "unknown flag: --title"},
		{name: "from a tag", args: []string{"fix", "--from-tag", "v1.4.0"}, want: CreateOptions{Description: "fix", FromTag: "v1.4.0"}},
		{name: "from the latest release", args: []string{"-i", "7", "--from-latest-release"}, want: CreateOptions{Issue: 7, FromLatestRelease: true}},
		{name: "both tag flags", args: []string{"fix", "--from-tag", "v1.4.0", "--from-latest-release"}, wantErr: "specify only one of `--from-tag` or `--from-latest-release`"},
		{name: "blank tag", args: []string{"fix", "--from-tag", " "}, wantErr: "the `--from-tag` value must not be blank"},
		{name: "tag and base", args: []string{"fix", "--from-tag", "v1.4.0", "-b", "main"},
			wantErr: "`--base` cannot be used with `--from-tag` or `--from-latest-release`: the hotfix merges into the release's maintenance branch, and is forward-ported to the configured base"},
		{name: "tag and force", args: []string{"fix", "--from-latest-release", "--force"},
			wantErr: "`--force` cannot be used with `--from-tag` or `--from-latest-release`: the base's checks do not matter when hotfixing a release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetStdinTTY(tt.tty)
			ios.SetStdoutTTY(tt.tty)
			ios.SetStderrTTY(tt.tty)
			var got *CreateOptions
			cmd := NewCmdCreate(&command.Factory{IOStreams: ios}, func(_ context.Context, opts *CreateOptions) error {
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
