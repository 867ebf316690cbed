package create_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// TestFromTagRefusedByRuleset: create --from-tag refuses, before anything
// changes, a maintenance branch (when it does not exist yet) or a hotfix
// branch that an active ruleset forbids creating: the rulesets come with the
// one query, and the bypass is asked only of the ruleset that applies.
func TestFromTagRefusedByRuleset(t *testing.T) {
	const tagSHA = "4c1f0e5b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"
	facts := func(maint, rulesets string) string {
		return `{"data":{"repository":{"config":{"text":"exceptional:\n  workflow: hotfix.yml\n"},"defaultBranchRef":{"name":"main"},` +
			`"tag":{"target":{"__typename":"Commit","oid":"` + tagSHA + `"}},"maint":` + maint + `,"lineA":{"nodes":[]},"lineB":{"nodes":[]},` +
			`"branchRulesets":{"nodes":[` + rulesets + `]}},"useViewer":{"login":"monalisa"}}}`
	}
	ruleset := func(id, name, include string) string {
		return `{"databaseId":` + id + `,"name":"` + name + `","enforcement":"ACTIVE","conditions":{"refName":{"include":["` + include + `"],"exclude":[]}},"creation":{"totalCount":1}}`
	}
	tests := []struct {
		name    string
		answer  string
		bypass  string // the ruleset asked about, "" for none
		wantErr string
	}{
		{name: "maintenance branch restricted",
			answer: facts("null", ruleset("7", "release lines", "refs/heads/release/**")), bypass: "7",
			wantErr: `creating release/v1.4 in acme/shop is restricted by ruleset "release lines" (Cannot create ref due to creations being restricted): ` +
				`ask an admin to add you to its bypass list, or to create release/v1.4 at v1.4.0 (then run gh hotfix create 'login page 500' --from-tag v1.4.0 again), ` +
				`or set exceptional.maintenance_branch in .github/hotfix.yml to a name it allows`},
		{name: "hotfix branch restricted",
			answer: facts("null", ruleset("8", "hotfix branches", "refs/heads/hotfix/**")), bypass: "8",
			wantErr: `creating hotfix/login-page-500 in acme/shop is restricted by ruleset "hotfix branches" (Cannot create ref due to creations being restricted): ` +
				`ask an admin to add you to its bypass list or to exclude hotfix/** from it, or set branch_prefix to a prefix it allows`},
		{name: "maintenance branch exists: its rule does not matter",
			answer: facts(`{"target":{"oid":"`+tagSHA+`"}}`, ruleset("7", "release lines", "refs/heads/release/**")+","+ruleset("8", "hotfix branches", "refs/heads/hotfix/**")),
			bypass: "8", wantErr: `creating hotfix/login-page-500 in acme/shop is restricted by ruleset "hotfix branches"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, env := gitRepo(t)
			before := snapshot(t, dir, env)
			ios, _, stdout, stderr := iostreams.Test()
			reg := httpmock.New(t) // fails on a request without a stub, and on a stub not used
			reg.Register(httpmock.GraphQL(`^HotfixFromTag$`), httpmock.JSON(200, tt.answer))
			reg.Register(httpmock.REST("GET", "repos/acme/shop/rulesets/"+tt.bypass), httpmock.JSON(200, `{"current_user_can_bypass":"never"}`))
			f := &cli.Factory{
				IOStreams: ios,
				Git:       func() (*git.Client, error) { return &git.Client{Dir: dir, Env: env}, nil },
				BaseRepo: func(string) (repository.Repository, error) {
					return repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}, nil
				},
				HTTPClient: func(string) (*http.Client, error) { return &http.Client{Transport: reg}, nil },
				Now:        func() time.Time { return time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) },
				Getenv:     func(string) string { return "" },
			}
			if code := cli.Run(context.Background(), []string{"create", "login page 500", "--from-tag", "v1.4.0"}, f); code != 1 {
				t.Fatalf("exit %d, want 1\nstderr: %s", code, stderr)
			}
			if got := strings.TrimSpace(stderr.String()); !strings.Contains(got, tt.wantErr) || strings.Contains(got, "\n") {
				t.Errorf("stderr:\n%s\nwant one line containing\n%s", got, tt.wantErr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout)
			}
			if after := snapshot(t, dir, env); after != before {
				t.Errorf("a refused create changed the clone:\n%s\n---\n%s", before, after)
			}
			if n := len(reg.Requests()); n != 2 {
				t.Errorf("%d requests, want the query and the bypass", n)
			}
		})
	}
}
