package ship

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

func TestUnknownPlaceholders(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"{{title}} at {{pr}}", nil},
		{"{{title}} {{severity}} {{owner}} {{severity}}", []string{"{{severity}}", "{{owner}}"}},
		{"run: echo ${{ github.ref }} and {{ title }}", nil}, // spaced: an Actions expression, no placeholder
		{"{{}} {title} {{forward_port}}", nil},
	}
	for _, tt := range tests {
		if got := unknownPlaceholders(tt.text, postMortemPlaceholders); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("unknownPlaceholders(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestFillTemplate(t *testing.T) {
	values := map[string]string{"title": "login 500", "tag": "v1.4.1", "pr": "{{tag}}"}
	tests := []struct{ text, want string }{
		{"# {{title}} ({{tag}})", "# login 500 (v1.4.1)"},
		{"{{severity}} stays", "{{severity}} stays"},
		{"{{pr}}", "{{tag}}"}, // a value is not filled again
		{"${{ title }}", "${{ title }}"},
	}
	for _, tt := range tests {
		if got := fillTemplate(tt.text, values); got != tt.want {
			t.Errorf("fillTemplate(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestTemplateGuesses(t *testing.T) {
	var local config.Config
	local.PullRequest.Template = "docs/hotfix.md"
	local.PostMortem.Template = ".github/post_mortem.md"
	want := []string{"docs/hotfix.md", ".github/post_mortem.md", ".github/hotfix_pull_request.md"}
	if got := templateGuesses(local); !reflect.DeepEqual(got, want) {
		t.Errorf("templateGuesses = %q, want %q", got, want)
	}
}

// textFiles answers a HotfixTextFiles query from files (REVISION:PATH → text).
func textFiles(files map[string]string) httpmock.Responder {
	return httpmock.GraphQLFunc(func(_ string, vars map[string]any) any {
		repo := map[string]any{}
		for k, v := range vars {
			if !strings.HasPrefix(k, "e") {
				continue
			}
			if text, ok := files[v.(string)]; ok {
				repo["f"+k[1:]] = map[string]any{"text": text}
			} else {
				repo["f"+k[1:]] = nil
			}
		}
		return map[string]any{"data": map[string]any{"repository": repo}}
	})
}

// TestReadTemplates: templates come from where the config came from — the
// checkout, or the revision on GitHub it was read at (with it, or in one more
// request) — before anything changes, and a missing one is named.
func TestReadTemplates(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github/pr.md"), []byte("local PR\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	on := true
	tests := []struct {
		name       string
		pr, pm     string // the config's templates
		source     templateSource
		remote     map[string]string // files on GitHub, for a request of their own
		postMortem bool
		opts       ShipOptions
		wantPR     string
		wantPM     string
		wantErr    string
		wantWarn   string
		requests   int
	}{
		{name: "local template", pr: ".github/pr.md", wantPR: "local PR\n"},
		{name: "local template missing", pr: ".github/gone.md",
			wantErr: "the pull request template .github/gone.md named in .github/hotfix.yml is not in this checkout: add it, or change pull_request.template; nothing was changed"},
		{name: "--body: the template is not needed", pr: ".github/gone.md", opts: ShipOptions{Body: "mine"}},
		{name: "no post-mortem: its template is not needed", pm: ".github/gone.md"},
		{name: "read with the config", pr: ".github/pr.md", pm: ".github/pm.md", postMortem: true,
			source: templateSource{rev: "main", asked: []string{".github/pr.md", ".github/pm.md"},
				fetched: map[string]string{".github/pr.md": "main PR\n", ".github/pm.md": "# {{title}} {{tag}}\n"}},
			wantPR: "main PR\n", wantPM: "# {{title}} {{tag}}\n"},
		{name: "asked with the config, absent on main", pm: ".github/pm.md", opts: ShipOptions{PostMortem: &on},
			source:  templateSource{rev: "main", asked: []string{".github/pm.md"}, fetched: map[string]string{}},
			wantErr: "the post-mortem template .github/pm.md named in main:.github/hotfix.yml is not on main: add it there, or change post_mortem.template; nothing was changed"},
		{name: "not guessed: one more request", pr: "docs/pr.md", pm: "docs/pm.md", postMortem: true,
			source: templateSource{rev: "main", asked: []string{".github/post_mortem.md"}, fetched: map[string]string{}},
			remote: map[string]string{"main:docs/pr.md": "docs PR\n", "main:docs/pm.md": "{{title}} {{severity}} {{owner}}\n"},
			wantPR: "docs PR\n", wantPM: "{{title}} {{severity}} {{owner}}\n", requests: 1,
			wantWarn: "The post-mortem template docs/pm.md (main) uses {{severity}}, {{owner}}, which ship does not know: left as written"},
		{name: "not guessed, absent on main", pr: "docs/pr.md", source: templateSource{rev: "main"}, requests: 1,
			wantErr: "the pull request template docs/pr.md named in main:.github/hotfix.yml is not on main"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, stderr := iostreams.Test()
			reg := httpmock.New(t)
			if tt.requests > 0 {
				reg.Register(httpmock.GraphQL(`^HotfixTextFiles$`), textFiles(tt.remote)).Times(tt.requests)
			}
			s := &shipper{opts: &tt.opts, ios: ios, cs: ios.ColorScheme(), templates: tt.source,
				gh: github.NewClient(&http.Client{Transport: reg}, "github.com")}
			s.paths.TopLevel = dir
			s.repo.Owner, s.repo.Name = "acme", "shop"
			s.cfg.PullRequest.Template, s.cfg.PostMortem.Template, s.cfg.PostMortem.Enabled = tt.pr, tt.pm, tt.postMortem
			if tt.source.rev != "" {
				s.cfg.Source = tt.source.rev + ":" + config.Path
			}
			err := s.readTemplates(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := deref(s.prTemplate); err == nil && got != tt.wantPR {
				t.Errorf("pull request template %q, want %q", got, tt.wantPR)
			}
			if got := deref(s.postMortemTemplate); err == nil && got != tt.wantPM {
				t.Errorf("post-mortem template %q, want %q", got, tt.wantPM)
			}
			if n := len(reg.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if !strings.Contains(stderr.String(), tt.wantWarn) || (tt.wantWarn == "" && stderr.Len() > 0) {
				t.Errorf("stderr %q, want %q", stderr, tt.wantWarn)
			}
		})
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestPostMortemValues: a hotfix from a release tag names its tag, its line and
// its forward-port; one from main says n/a.
func TestPostMortemValues(t *testing.T) {
	from, _ := release.ParseTag("v1.4.0")
	pr := &github.PullRequest{Title: "Hotfix: login 500", URL: "https://github.com/acme/shop/pull/7", MergeCommit: "abc"}
	tests := []struct {
		name string
		exc  *exceptionalState
		want map[string]string
	}{
		{name: "from main", want: map[string]string{"title": "login 500", "tag": "n/a", "release_line": "n/a", "forward_port": "n/a"}},
		{name: "from a tag", exc: &exceptionalState{mainline: "main", from: from, tag: "v1.4.1",
			forward: &forwardResult{URL: "https://github.com/acme/shop/pull/8"}},
			want: map[string]string{"tag": "v1.4.1", "from_tag": "v1.4.0", "release_line": "v1.4.*", "maintenance_branch": "release/v1.4",
				"forward_port": "https://github.com/acme/shop/pull/8 (into main)"}},
		{name: "forward-port not needed", exc: &exceptionalState{mainline: "main", from: from, forward: &forwardResult{NotNeeded: true}},
			want: map[string]string{"tag": "not decided (no release yet)", "forward_port": "not needed: main had the changes already"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &shipper{opts: &ShipOptions{}, pr: pr, exc: tt.exc, base: "release/v1.4"}
			s.meta.FromTag = "v1.4.0"
			got := s.postMortemValues()
			for _, name := range postMortemPlaceholders {
				if _, ok := got[name]; !ok {
					t.Errorf("no value for {{%s}}", name)
				}
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("{{%s}} = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestCheckIssues: a post-mortem on a repository with issues turned off is
// refused in one line naming what asked for it and the two ways on.
func TestCheckIssues(t *testing.T) {
	on, off := true, false
	tests := []struct {
		name       string
		flag       *bool
		configured bool
		issues     bool
		want       string
	}{
		{name: "issues on", flag: &on, issues: true},
		{name: "no post-mortem", configured: false},
		{name: "post-mortem turned off", flag: &off, configured: true},
		{name: "--post-mortem", flag: &on,
			want: "acme/shop has issues turned off, so the post-mortem issue (--post-mortem) cannot be opened: turn them on (gh repo edit acme/shop --enable-issues) or run gh hotfix ship"},
		{name: "post_mortem.enabled", configured: true,
			want: "acme/shop has issues turned off, so the post-mortem issue (post_mortem.enabled in .github/hotfix.yml) cannot be opened: turn them on (gh repo edit acme/shop --enable-issues) or run gh hotfix ship --post-mortem=false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &shipper{opts: &ShipOptions{PostMortem: tt.flag}, state: &github.ShipState{IssuesEnabled: tt.issues}}
			s.repo.Owner, s.repo.Name = "acme", "shop"
			s.cfg.PostMortem.Enabled = tt.configured
			err := s.checkIssues()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}
