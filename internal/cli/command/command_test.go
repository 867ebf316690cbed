package command

import (
	"context"
	"errors"
	"testing"

	"github.com/spf13/pflag"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
)

func TestExecute(t *testing.T) {
	var gotArgs []string
	var force bool
	cmd := &Command{Name: "demo", Args: "[<thing>]", Flags: NewFlagSet("demo")}
	cmd.Flags.BoolVar(&force, "force", false, "")
	cmd.Run = func(_ context.Context, args []string) error {
		gotArgs = args
		return nil
	}

	if got := cmd.UseLine(); got != "gh hotfix demo [<thing>] [flags]" {
		t.Errorf("UseLine() = %q", got)
	}
	if err := cmd.Execute(context.Background(), []string{"a", "--force", "b"}); err != nil || !force || len(gotArgs) != 2 {
		t.Errorf("Execute: err %v, force %v, args %q", err, force, gotArgs)
	}
	for _, help := range []string{"--help", "-h"} {
		gotArgs = nil
		if err := cmd.Execute(context.Background(), []string{"a", help}); !errors.Is(err, pflag.ErrHelp) || gotArgs != nil {
			t.Errorf("Execute(%s) = %v, ran %v", help, err, gotArgs != nil)
		}
	}
	var flagErr *cmderr.FlagError
	if err := cmd.Execute(context.Background(), []string{"--nope"}); !errors.As(err, &flagErr) || err.Error() != "unknown flag: --nope" {
		t.Errorf("unknown flag: %v", err)
	}
}

func TestFlagChecks(t *testing.T) {
	fs := NewFlagSet("demo")
	fs.String("base", "", "")
	fs.String("label", "", "")
	if err := fs.Parse([]string{"--base", " "}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		err     error
		wantErr string
	}{
		{"exclusive, one set", MutuallyExclusive("only one", true, false), ""},
		{"exclusive, two set", MutuallyExclusive("only one", true, false, true), "only one"},
		{"no args", NoArgs(nil), ""},
		{"args", NoArgs([]string{"x", "y"}), `unexpected argument "x": this command takes no arguments`},
		{"one of", OneOf("state", "open", "open", "all"), ""},
		{"not one of", OneOf("state", "x", "open", "merged", "all"), "invalid value \"x\" for `--state`: valid values are \"open\", \"merged\" or \"all\""},
		{"not the only one", OneOf("mode", "x", "fast"), "invalid value \"x\" for `--mode`: valid values are \"fast\""},
		{"blank flag given", NotBlank(fs, "label", "base"), "the `--base` value must not be blank"},
		{"flag not given", NotBlank(fs, "label"), ""},
		{"json alone", (&JSONFlags{Fields: []string{"url"}}).Validate(), ""},
		{"json with jq", (&JSONFlags{Fields: []string{"url"}, JQ: ".url"}).Validate(), ""},
		{"nothing", (&JSONFlags{}).Validate(), ""},
		{"jq alone", (&JSONFlags{JQ: "."}).Validate(), "cannot use `--jq` without specifying `--json`"},
		{"template alone", (&JSONFlags{Template: "x"}).Validate(), "cannot use `--template` without specifying `--json`"},
		{"jq and template", (&JSONFlags{Fields: []string{"url"}, JQ: ".", Template: "x"}).Validate(), "specify only one of `--jq` or `--template`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantErr == "" {
				if tt.err != nil {
					t.Errorf("unexpected error %v", tt.err)
				}
				return
			}
			var flagErr *cmderr.FlagError
			if !errors.As(tt.err, &flagErr) || tt.err.Error() != tt.wantErr {
				t.Errorf("error %v, want the flag error %q", tt.err, tt.wantErr)
			}
		})
	}
}

// TestJSONWithoutFields: a bare --json lists the fields, as gh does; other flags missing
// their value keep pflag's message.
func TestJSONWithoutFields(t *testing.T) {
	var j JSONFlags
	var base string
	cmd := &Command{Name: "demo", Flags: NewFlagSet("demo"), Run: func(context.Context, []string) error { return nil }}
	AddJSONFlags(cmd.Flags, &j, []string{"url", "number", "base"})
	cmd.Flags.StringVar(&base, "base", "", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--json"}, "specify one or more comma-separated fields for `--json`:\n  base\n  number\n  url"},
		{[]string{"--base", "main", "--json"}, "specify one or more comma-separated fields for `--json`:\n  base\n  number\n  url"},
		{[]string{"--base"}, "flag needs an argument: --base"},
		{[]string{"--jq"}, "flag needs an argument: --jq"},
	}
	for _, tt := range tests {
		var flagErr *cmderr.FlagError
		if err := cmd.Execute(context.Background(), tt.args); !errors.As(err, &flagErr) || err.Error() != tt.want {
			t.Errorf("Execute(%q) = %v, want the flag error %q", tt.args, err, tt.want)
		}
	}
}
