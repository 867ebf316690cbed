package git

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestRemotes sets up remotes with the real git and checks Remotes against explicit
// answers and against git's own: `git remote get-url [--push] --all`.
func TestRemotes(t *testing.T) {
	tests := []struct {
		name   string
		config [][]string // git config --add arguments, after the fixture's origin
		want   map[string]Remote
	}{
		{
			name: "plain",
			want: map[string]Remote{"origin": {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}}},
		},
		{
			name: "push URL differs from the fetch URL",
			config: [][]string{
				{"remote.upstream.url", "https://github.com/acme/app.git"},
				{"remote.upstream.pushurl", "git@github.com:me/app.git"},
			},
			want: map[string]Remote{
				"origin":   {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}},
				"upstream": {FetchURL: "https://github.com/acme/app.git", PushURLs: []string{"git@github.com:me/app.git"}},
			},
		},
		{
			name: "partial clone: promisor settings do not matter",
			config: [][]string{
				{"remote.up.url", "https://github.com/acme/app"},
				{"remote.up.promisor", "true"},
				{"remote.up.partialclonefilter", "blob:none"},
			},
			want: map[string]Remote{
				"origin": {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}},
				"up":     {FetchURL: "https://github.com/acme/app", PushURLs: []string{"https://github.com/acme/app"}},
			},
		},
		{
			name: "insteadOf: the longest prefix wins, pushurl rewritten too",
			config: [][]string{
				{"url.https://github.com/.insteadOf", "gh:"},
				{"url.https://ghe.example.com/acme/.insteadOf", "gh:acme/"},
				{"remote.a.url", "gh:acme/app.git"},
				{"remote.b.url", "gh:other/app.git"},
				{"remote.b.pushurl", "gh:me/app.git"},
			},
			want: map[string]Remote{
				"origin": {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}},
				"a":      {FetchURL: "https://ghe.example.com/acme/app.git", PushURLs: []string{"https://ghe.example.com/acme/app.git"}},
				"b":      {FetchURL: "https://github.com/other/app.git", PushURLs: []string{"https://github.com/me/app.git"}},
			},
		},
		{
			name: "pushInsteadOf: pushes over ssh, fetches over https",
			config: [][]string{
				{"url.git@github.com:.pushInsteadOf", "https://github.com/"},
				{"remote.up.url", "https://github.com/acme/app.git"},
			},
			want: map[string]Remote{
				"origin": {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}},
				"up":     {FetchURL: "https://github.com/acme/app.git", PushURLs: []string{"git@github.com:acme/app.git"}},
			},
		},
		{
			name: "pushInsteadOf does not apply over an explicit pushurl",
			config: [][]string{
				{"url.git@github.com:.pushInsteadOf", "https://github.com/"},
				{"remote.up.url", "https://github.com/acme/app.git"},
				{"remote.up.pushurl", "https://github.com/me/app.git"},
			},
			want: map[string]Remote{
				"origin": {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}},
				"up":     {FetchURL: "https://github.com/acme/app.git", PushURLs: []string{"https://github.com/me/app.git"}},
			},
		},
		{
			name: "several urls: fetch from the first, push to all; dotted remote names",
			config: [][]string{
				{"remote.my.mirror.url", "https://github.com/acme/app.git"},
				{"remote.my.mirror.url", "https://ghe.example.com/acme/app.git"},
			},
			want: map[string]Remote{
				"origin":    {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}},
				"my.mirror": {FetchURL: "https://github.com/acme/app.git", PushURLs: []string{"https://github.com/acme/app.git", "https://ghe.example.com/acme/app.git"}},
			},
		},
		{
			name:   "a pushurl alone is no remote",
			config: [][]string{{"remote.lonely.pushurl", "https://github.com/acme/app.git"}},
			want:   map[string]Remote{"origin": {FetchURL: "ORIGIN", PushURLs: []string{"ORIGIN"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			for _, kv := range tt.config {
				f.git(f.work, append([]string{"config", "--add"}, kv...)...)
			}
			got, err := f.client.Remotes(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]Remote{}
			for name, r := range tt.want {
				if r.FetchURL == "ORIGIN" {
					r = Remote{FetchURL: f.remote, PushURLs: []string{f.remote}}
				}
				want[name] = r
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Remotes =\n%v\nwant\n%v", got, want)
			}
			// git agrees.
			for name, r := range got {
				fetch := strings.Split(f.git(f.work, "remote", "get-url", "--all", name), "\n")
				push := strings.Split(f.git(f.work, "remote", "get-url", "--push", "--all", name), "\n")
				if fetch[0] != r.FetchURL || !slices.Equal(push, r.PushURLs) {
					t.Errorf("%s: git remote get-url says fetch %q, push %q; Remotes says %q, %q", name, fetch, push, r.FetchURL, r.PushURLs)
				}
			}
		})
	}
}

func TestRemotesNone(t *testing.T) {
	f := newFixture(t)
	f.git(f.work, "remote", "remove", "origin")
	got, err := f.client.Remotes(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("Remotes = %v, %v; want none", got, err)
	}
	outside := &Client{Dir: f.dir, Env: f.env}
	if _, err := outside.Remotes(context.Background()); err != nil {
		t.Errorf("Remotes outside a repository: %v (git config reads no repository config there: no remotes)", err)
	}
}

func TestRemotesPartialClone(t *testing.T) {
	f := newFixture(t)
	f.git(f.remote, "config", "uploadpack.allowFilter", "true")
	partial := f.dir + "/partial"
	f.git(f.dir, "clone", "--quiet", "--filter=blob:none", "file://"+f.remote, partial)
	if got := f.git(partial, "remote", "-v"); !strings.Contains(got, "(fetch) [blob:none]") {
		t.Fatalf("git remote -v in a blobless clone:\n%s\n(the display this test guards against)", got)
	}
	got, err := f.client.InDir(partial).Remotes(context.Background())
	want := map[string]Remote{"origin": {FetchURL: "file://" + f.remote, PushURLs: []string{"file://" + f.remote}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Remotes in a blobless clone = %v, %v; want %v", got, err, want)
	}
}

func FuzzParseRemoteConfig(f *testing.F) {
	f.Add("remote.origin.url\nhttps://github.com/a/b.git\x00")
	f.Add("remote.origin.url\ngh:a/b\x00url.https://github.com/.insteadof\ngh:\x00remote.origin.pushurl\ngh:me/b\x00")
	f.Add("url.git@github.com:.pushinsteadof\nhttps://github.com/\x00remote.x.y.url\nhttps://github.com/a/b\x00remote.x.y.url\nz\x00")
	f.Add("remote..url\n\x00url..insteadof\n\x00remote.url\x00")
	f.Fuzz(func(t *testing.T, out string) {
		remotes := parseRemoteConfig(out)
		for name, r := range remotes {
			if len(r.PushURLs) == 0 {
				t.Errorf("remote %q has no push URL", name)
			}
			if !strings.Contains(out, "remote."+name+".url\n") {
				t.Errorf("remote %q does not come from a url entry", name)
			}
			if r.PushURL() != r.PushURLs[0] {
				t.Errorf("PushURL() = %q, want the first of %q", r.PushURL(), r.PushURLs)
			}
		}
		// Without rewriting rules, URLs are taken as they are.
		if !strings.Contains(out, "insteadof\n") {
			for name, r := range remotes {
				if !strings.Contains(out, "remote."+name+".url\n"+r.FetchURL+"\x00") && !strings.HasSuffix(out, "remote."+name+".url\n"+r.FetchURL) {
					t.Errorf("remote %q: fetch URL %q is not one of its urls", name, r.FetchURL)
				}
			}
		}
	})
}
