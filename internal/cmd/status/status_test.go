package status

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestNewCmdStatus(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    StatusOptions
		wantErr string
	}{
		{name: "defaults", want: StatusOptions{State: "open", Limit: 30, Days: 7}},
		{name: "merged", args: []string{"--state", "merged", "-L", "5"}, want: StatusOptions{State: "merged", Limit: 5, Days: 7}},
		{name: "all as JSON", args: []string{"--state=all", "--json", "number,title", "--jq", ".[].number", "-R", "acme/shop"},
			want: StatusOptions{State: "all", Limit: 30, Repo: "acme/shop", Repos: []string{"acme/shop"}, Days: 7, JSON: command.JSONFlags{Fields: []string{"number", "title"}, JQ: ".[].number"}}},
		{name: "state", args: []string{"--state", "closed"}, wantErr: "invalid value \"closed\" for `--state`: valid values are \"open\", \"merged\" or \"all\""},
		{name: "limit", args: []string{"--limit", "-1"}, wantErr: "invalid limit: -1"},
		{name: "jq without json", args: []string{"-q", "."}, wantErr: "cannot use `--jq` without specifying `--json`"},
		{name: "argument", args: []string{"open"}, wantErr: `unexpected argument "open": this command takes no arguments`},
		{name: "backports by number", args: []string{"--backports", "#42"},
			want: StatusOptions{State: "open", Limit: 30, Days: 7, Backports: "#42", BackportsOf: hotfix.PullRef{Number: 42}}},
		{name: "backports by URL, as JSON", args: []string{"--backports=https://github.com/acme/shop/pull/42", "--json", "line,state", "-R", "acme/shop"},
			want: StatusOptions{State: "open", Limit: 30, Repo: "acme/shop", Repos: []string{"acme/shop"}, Days: 7, JSON: command.JSONFlags{Fields: []string{"line", "state"}},
				Backports: "https://github.com/acme/shop/pull/42", BackportsOf: hotfix.PullRef{Number: 42, Host: "github.com", Owner: "acme", Repo: "shop"}}},
		{name: "backports with state", args: []string{"--backports", "42", "--state", "merged"},
			wantErr: "`--backports` cannot be used with `--state`: it shows one pull request's backports, line by line"},
		{name: "backports with the default state, given", args: []string{"--state", "open", "--backports", "42"},
			wantErr: "`--backports` cannot be used with `--state`: it shows one pull request's backports, line by line"},
		{name: "backports with limit", args: []string{"--backports", "42", "-L", "5"},
			wantErr: "`--backports` cannot be used with `--limit`: it shows one pull request's backports, line by line"},
		{name: "backports of nothing", args: []string{"--backports", ""},
			wantErr: "invalid value for `--backports`: \"\" is not a pull request: give its number or its URL (https://github.com/OWNER/REPO/pull/NUMBER)"},
		{name: "backports of a branch", args: []string{"--backports", "release/v1.4"},
			wantErr: "invalid value for `--backports`: \"release/v1.4\" is not a pull request: give its number or its URL (https://github.com/OWNER/REPO/pull/NUMBER)"},
		{name: "backports of an issue's URL", args: []string{"--backports", "https://github.com/acme/shop/issues/42"},
			wantErr: "invalid value for `--backports`: \"https://github.com/acme/shop/issues/42\" is not a pull request's URL: expected https://github.com/OWNER/REPO/pull/NUMBER"},
		{name: "backports, jq without json", args: []string{"--backports", "42", "-q", "."}, wantErr: "cannot use `--jq` without specifying `--json`"},
		{name: "an organization", args: []string{"--org", "acme"}, want: StatusOptions{State: "open", Limit: 30, Days: 7, Orgs: []string{"acme"}}},
		{name: "two repositories, merged in the last 3 days", args: []string{"-R", "acme/shop", "--repo", "acme/api", "--state", "merged", "--days", "3"},
			want: StatusOptions{State: "merged", Limit: 30, Days: 3, Repos: []string{"acme/shop", "acme/api"}}},
		{name: "an organization and a repository, as JSON", args: []string{"--org", "acme", "-R", "octo/tools", "--json", "repository,number"},
			want: StatusOptions{State: "open", Limit: 30, Days: 7, Orgs: []string{"acme"}, Repos: []string{"octo/tools"}, Repo: "octo/tools",
				JSON: command.JSONFlags{Fields: []string{"repository", "number"}}}},
		{name: "days in one repository", args: []string{"-R", "acme/shop", "--days", "3"},
			wantErr: "`--days` goes with `--org` or several `--repo`: in one repository, `--state` and `--limit` choose what is shown"},
		{name: "no days", args: []string{"--org", "acme", "--days", "0"}, wantErr: "invalid number of days: 0"},
		{name: "backports across an organization", args: []string{"--org", "acme", "--backports", "42"},
			wantErr: "`--backports` shows one pull request of one repository: not with `--org` or several `--repo`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *StatusOptions
			cmd := NewCmdStatus(&command.Factory{IOStreams: ios}, func(_ context.Context, opts *StatusOptions) error {
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
