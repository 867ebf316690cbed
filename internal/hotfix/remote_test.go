package hotfix

import (
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
)

func TestRepoFromURL(t *testing.T) {
	tests := []struct {
		url               string
		host, owner, name string
		ok                bool
	}{
		{"https://github.com/acme/shop.git", "github.com", "acme", "shop", true},
		{"https://github.com/acme/shop", "github.com", "acme", "shop", true},
		{"http://github.localhost/monalisa/widgets.git", "github.localhost", "monalisa", "widgets", true},
		{"git@github.com:acme/shop.git", "github.com", "acme", "shop", true},
		{"ssh://git@ssh.github.com:443/acme/shop.git", "github.com", "acme", "shop", true},
		{"https://user:pw@ghe.example.com/acme/shop.git", "ghe.example.com", "acme", "shop", true},
		{"/srv/git/shop.git", "", "", "", false},
		{"https://github.com/acme", "", "", "", false},
		{"https://github.com/acme/shop/extra", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tt := range tests {
		h, o, n, ok := RepoFromURL(tt.url)
		if h != tt.host || o != tt.owner || n != tt.name || ok != tt.ok {
			t.Errorf("RepoFromURL(%q) = %q %q %q %v, want %q %q %q %v", tt.url, h, o, n, ok, tt.host, tt.owner, tt.name, tt.ok)
		}
	}
}

func TestRemoteFor(t *testing.T) {
	remotes := map[string]git.Remote{
		"fork":     {FetchURL: "git@github.com:me/shop.git"},
		"upstream": {FetchURL: "https://github.com/acme/shop.git"},
		"backup":   {FetchURL: "https://github.com/acme/shop.git"},
		// Fetches from a mirror elsewhere, pushes to acme/shop: not a remote of acme/shop.
		"mirror": {FetchURL: "https://mirror.example.com/acme/shop.git", PushURLs: []string{"https://github.com/acme/shop.git"}},
	}
	tests := []struct {
		owner, name string
		want        string
		ok          bool
	}{
		{"acme", "shop", "upstream", true},
		{"ACME", "Shop", "upstream", true},
		{"me", "shop", "fork", true},
		{"acme", "other", "", false},
	}
	for _, tt := range tests {
		got, ok := RemoteFor(remotes, "github.com", tt.owner, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RemoteFor(%s/%s) = %q %v, want %q %v", tt.owner, tt.name, got, ok, tt.want, tt.ok)
		}
	}
	remotes["origin"] = git.Remote{FetchURL: "https://github.com/acme/shop", PushURLs: []string{"git@github.com:me/shop.git"}}
	if got, _ := RemoteFor(remotes, "github.com", "acme", "shop"); got != "origin" {
		t.Errorf("origin not preferred: %q", got)
	}
}

func FuzzRepoFromURL(f *testing.F) {
	for _, u := range []string{"https://github.com/acme/shop.git", "git@github.com:acme/shop.git", "ssh://git@host:22/a/b", "::", "a:b/c"} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		host, owner, name, ok := RepoFromURL(raw)
		if ok && (host == "" || owner == "" || name == "" || strings.Contains(owner, "/") || strings.Contains(name, "/")) {
			t.Fatalf("RepoFromURL(%q) = %q %q %q", raw, host, owner, name)
		}
	})
}
