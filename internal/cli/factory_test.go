package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// isolateGH keeps go-gh away from the user's gh configuration, keyring and network.
func isolateGH(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GH_CONFIG_DIR", dir)
	t.Setenv("GH_PATH", filepath.Join(dir, "no-gh")) // no `gh auth token` fallback
	for _, key := range []string{"GH_HOST", "GH_REPO", "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_DEBUG"} {
		t.Setenv(key, "")
	}
}

func TestBaseRepo(t *testing.T) {
	isolateGH(t)
	t.Setenv("GH_HOST", "ghe.example.com") // host for OWNER/REPO without a host
	fromRemotes := repository.Repository{Host: "github.com", Owner: "remote", Name: "repo"}

	tests := []struct {
		name     string
		repoFlag string
		ghRepo   string
		current  error
		want     repository.Repository
		wantErr  string
	}{
		{name: "-R with host", repoFlag: "github.com/acme/shop", ghRepo: "other/repo", want: repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}},
		{name: "-R without host uses the default host", repoFlag: "acme/shop", want: repository.Repository{Host: "ghe.example.com", Owner: "acme", Name: "shop"}},
		{name: "-R as URL", repoFlag: "https://github.com/acme/shop.git", want: repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}},
		{name: "GH_REPO", ghRepo: "github.localhost/acme/shop", want: repository.Repository{Host: "github.localhost", Owner: "acme", Name: "shop"}},
		{name: "remotes", want: fromRemotes},
		{name: "bad -R", repoFlag: "shop", wantErr: `invalid --repo value: expected the "[HOST/]OWNER/REPO" format, got "shop"`},
		{name: "bad GH_REPO", ghRepo: "a/b/c/d", wantErr: `invalid GH_REPO value: expected the "[HOST/]OWNER/REPO" format, got "a/b/c/d"`},
		{name: "no remotes", current: errors.New("unable to determine current repository, no git remotes configured for this repository"),
			wantErr: "unable to determine current repository, no git remotes configured for this repository; run gh hotfix in a clone of the repository or pass --repo [HOST/]OWNER/REPO"},
		{name: "outside a checkout", current: errors.New("failed to run git: fatal: not a git repository (or any of the parent directories): .git\n. error: exit status 128"),
			wantErr: "not inside a git checkout: run gh hotfix in a clone of the repository or pass --repo [HOST/]OWNER/REPO"},
		{name: "git refuses the checkout", current: errors.New("failed to run git: fatal: detected dubious ownership in repository at '/srv/shop'\nTo add an exception for this directory, call:\n. error: exit status 128"),
			wantErr: "reading the checkout's remotes: git: detected dubious ownership in repository at '/srv/shop'; run gh hotfix in a clone of the repository or pass --repo [HOST/]OWNER/REPO"},
		{name: "outside a checkout with -R", repoFlag: "acme/shop", current: errors.New("fatal: not a git repository"),
			want: repository.Repository{Host: "ghe.example.com", Owner: "acme", Name: "shop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(key string) string {
				if key != "GH_REPO" {
					t.Errorf("unexpected Getenv(%q)", key)
				}
				return tt.ghRepo
			}
			current := func() (repository.Repository, error) { return fromRemotes, tt.current }
			got, err := baseRepo(tt.repoFlag, getenv, current)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("baseRepo = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestFactoryClients(t *testing.T) {
	isolateGH(t)
	ios, _, _, _ := iostreams.Test()
	f := newFactory(context.Background(), ios)

	// Without a token, every client is an authentication error naming the host.
	for name, build := range map[string]func() error{
		"HTTP":    func() error { _, err := f.HTTPClient("github.com"); return err },
		"REST":    func() error { _, err := f.RESTClient("github.com"); return err },
		"GraphQL": func() error { _, err := f.GraphQLClient("github.com"); return err },
	} {
		var authErr *cmderr.AuthError
		if err := build(); !errors.As(err, &authErr) || authErr.Host != "github.com" {
			t.Errorf("%s client without a token: %v, want an AuthError", name, err)
		}
	}

	// The token is looked up once per host; clients are built without any request.
	t.Setenv("GH_ENTERPRISE_TOKEN", "secret-token")
	if _, err := f.RESTClient("ghe.example.com"); err != nil {
		t.Fatalf("REST client with GH_ENTERPRISE_TOKEN: %v", err)
	}
	if _, err := f.GraphQLClient("ghe.example.com"); err != nil {
		t.Errorf("GraphQL client: %v", err)
	}
	if _, err := f.HTTPClient("ghe.example.com"); err != nil {
		t.Errorf("HTTP client: %v", err)
	}
	if err := func() error { _, err := f.RESTClient("github.com"); return err }(); err == nil {
		t.Error("the enterprise token was used for github.com")
	} else if strings.Contains(err.Error(), "secret-token") {
		t.Error("a token appears in an error message")
	}
}

func TestFactoryGit(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := newFactory(context.Background(), ios)
	c, err := f.Git()
	if err != nil || c.Path == "" || c.Dir != "" {
		t.Fatalf("Git() = %+v, %v", c, err)
	}
	if again, _ := f.Git(); again != c {
		t.Error("Git() built a second client")
	}

	t.Setenv("PATH", t.TempDir())
	if _, err := newFactory(context.Background(), ios).Git(); err == nil || !strings.HasPrefix(err.Error(), "git is required but was not found") {
		t.Errorf("Git() without git in PATH: %v", err)
	}
}
