package github

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

type memCache map[string]string

func (m memCache) Load(host string) string    { return m[host] }
func (m memCache) Store(host, version string) { m[host] = version }

func TestFileVersionCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gh-hotfix")
	fc := FileVersionCache{Dir: dir}
	if got := fc.Load("ghes.example.com"); got != "" {
		t.Errorf("empty cache: %q", got)
	}
	fc.Store("GHES.example.com", "3.10.2")
	if got := fc.Load("ghes.example.com"); got != "3.10.2" {
		t.Errorf("after Store: %q", got)
	}
	if got := fc.Load("other.example.com"); got != "" {
		t.Errorf("another host: %q", got)
	}
	// A file that does not hold a version is no version; a host with odd
	// characters stays in Dir.
	os.WriteFile(fc.path("bad.example.com"), []byte("not a version"), 0o644)
	if got := fc.Load("bad.example.com"); got != "" {
		t.Errorf("garbage read as %q", got)
	}
	if p := fc.path("../../etc/x"); filepath.Dir(p) != dir {
		t.Errorf("path escapes the folder: %s", p)
	}
	if (FileVersionCache{}).Load("x") != "" {
		t.Errorf("a cache without a folder remembers something")
	}
}

// TestVersionCache: a command on a server whose version an earlier command
// learnt sends its first query fitted to it (one request, not two); a server
// upgraded since gets the query once more with what it now has, and the cache
// learns the new version; github.com never reads or writes the cache.
func TestVersionCache(t *testing.T) {
	const ok = `{"data":{"repository":{"pullRequest":{"id":"PR_1"}}}}`
	names := func(want bool) func(string, map[string]any) {
		return func(q string, _ map[string]any) {
			if strings.Contains(q, "mergeQueue") != want {
				t.Errorf("query names the merge queue: %v, want %v:\n%s", !want, want, q)
			}
		}
	}
	t.Run("old server remembered", func(t *testing.T) {
		reg := httpmock.New(t)
		reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(ok, enterpriseHeader("3.10.0"), names(false)))
		c := NewClient(&http.Client{Transport: reg}, "ghes.example.com")
		cache := memCache{"ghes.example.com": "3.10.0"}
		c.UseVersionCache(cache)
		if err := c.GraphQL(context.Background(), queueQuery, map[string]any{"o": "octo", "b": "main"}, nil); err != nil {
			t.Fatal(err)
		}
		if c.Requests() != 1 {
			t.Errorf("%d requests, want 1", c.Requests())
		}
	})
	t.Run("upgraded since", func(t *testing.T) {
		reg := httpmock.New(t)
		reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(ok, enterpriseHeader("3.22.1"), names(false)))
		reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(`{"data":{"repository":{"pullRequest":{"id":"PR_1","mergeQueueEntry":{"id":"MQE"}}}}}`,
			enterpriseHeader("3.22.1"), names(true)))
		c := NewClient(&http.Client{Transport: reg}, "ghes.example.com")
		cache := memCache{"ghes.example.com": "3.10.0"}
		c.UseVersionCache(cache)
		var out struct {
			Repository struct {
				PullRequest struct {
					ID              string
					MergeQueueEntry *struct{ ID string }
				}
			}
		}
		if err := c.GraphQL(context.Background(), queueQuery, map[string]any{"o": "octo", "b": "main"}, &out); err != nil {
			t.Fatal(err)
		}
		if c.Requests() != 2 || out.Repository.PullRequest.MergeQueueEntry == nil || cache["ghes.example.com"] != "3.22.1" {
			t.Errorf("requests %d, entry %v, cache %v", c.Requests(), out.Repository.PullRequest.MergeQueueEntry, cache)
		}
	})
	t.Run("first command learns", func(t *testing.T) {
		reg := httpmock.New(t)
		reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(undefinedQueueEntry, enterpriseHeader("3.10.0"), names(true)))
		reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(ok, enterpriseHeader("3.10.0"), names(false)))
		c := NewClient(&http.Client{Transport: reg}, "ghes.example.com")
		cache := memCache{}
		c.UseVersionCache(cache)
		if err := c.GraphQL(context.Background(), queueQuery, map[string]any{"o": "octo", "b": "main"}, nil); err != nil {
			t.Fatal(err)
		}
		if c.Requests() != 2 || cache["ghes.example.com"] != "3.10.0" {
			t.Errorf("requests %d, cache %v", c.Requests(), cache)
		}
	})
	t.Run("github.com", func(t *testing.T) {
		reg := httpmock.New(t)
		reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(ok, nil, names(true)))
		c := NewClient(&http.Client{Transport: reg}, "github.com")
		cache := memCache{"github.com": "3.10.0"}
		c.UseVersionCache(cache)
		if err := c.GraphQL(context.Background(), queueQuery, map[string]any{"o": "octo", "b": "main"}, nil); err != nil {
			t.Fatal(err)
		}
		if c.Requests() != 1 || len(cache) != 1 || cache["github.com"] != "3.10.0" {
			t.Errorf("requests %d, cache %v", c.Requests(), cache)
		}
	})
}
