package initcmd

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestNewCmdInit(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    InitOptions
		wantErr string
	}{
		{name: "defaults", want: InitOptions{}},
		{name: "all flags", args: []string{"--force", "--dry-run", "--base", "main", "--workflow", "release.yml", "--label", "urgent-fix", "-R", "acme/shop"},
			want: InitOptions{Force: true, DryRun: true, Base: "main", Workflow: "release.yml", Label: "urgent-fix", Repo: "acme/shop"}},
		{name: "workflows", args: []string{"--workflows", "--dry-run"}, want: InitOptions{Workflows: true, DryRun: true}},
		{name: "fields", args: []string{"-f", "environment=production", "--field", "notes=a=b"},
			want: InitOptions{Inputs: map[string]string{"environment": "production", "notes": "a=b"}}},
		{name: "field without value", args: []string{"-f", "environment"}, wantErr: "invalid `--field` \"environment\": expected key=value"},
		{name: "field twice", args: []string{"-f", "a=1", "-f", "a=2"}, wantErr: "invalid `--field` \"a=2\": input \"a\" is given twice"},
		{name: "blank workflow", args: []string{"--workflow="}, wantErr: "the `--workflow` value must not be blank"},
		{name: "argument", args: []string{".github/hotfix.yml"}, wantErr: `unexpected argument ".github/hotfix.yml": this command takes no arguments`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *InitOptions
			cmd := NewCmdInit(&command.Factory{IOStreams: ios}, func(_ context.Context, opts *InitOptions) error {
				got = opts
				return nil
			})
			err := cmd.Execute(context.Background(), tt.args)
			if tt.wantErr != "" {
				var flagErr *cmderr.FlagError
				if !errors.As(err, &flagErr) || err.Error() != tt.wantErr || got != nil {
					t.Fatalf("error %v (ran: %v), want the flag error %q", err, got != nil, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
