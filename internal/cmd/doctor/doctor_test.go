package doctor

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestNewCmdDoctor(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    DoctorOptions
		wantErr string
	}{
		{name: "defaults", want: DoctorOptions{}},
		{name: "json", args: []string{"--json", "name,ok", "-t", "{{range .}}{{.name}}{{end}}", "-R", "acme/shop"},
			want: DoctorOptions{Repo: "acme/shop", JSON: command.JSONFlags{Fields: []string{"name", "ok"}, Template: "{{range .}}{{.name}}{{end}}"}}},
		{name: "argument", args: []string{"all"}, wantErr: `unexpected argument "all": this command takes no arguments`},
		{name: "template without json", args: []string{"-t", "x"}, wantErr: "cannot use `--template` without specifying `--json`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *DoctorOptions
			cmd := NewCmdDoctor(&command.Factory{IOStreams: ios}, func(_ context.Context, opts *DoctorOptions) error {
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
