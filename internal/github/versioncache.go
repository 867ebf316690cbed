package github

import (
	"os"
	"path/filepath"
	"strings"
)

// VersionCache remembers, between commands, the version a GitHub Enterprise
// Server last told, so that a command's first query already fits an older
// server instead of being refused once and sent again. It is only ever a
// guess: every answer's X-GitHub-Enterprise-Version is checked against it,
// and a query fitted to a version the server no longer runs (it was upgraded,
// or went back) is sent once more, fitted to the one it told (graphQL).
type VersionCache interface {
	Load(host string) string
	Store(host, version string)
}

// FileVersionCache keeps one small file per host in Dir (gh's cache folder,
// go-gh's config.CacheDir, then gh-hotfix). Failing to read or write it only
// costs the request the cache saves.
type FileVersionCache struct{ Dir string }

func (fc FileVersionCache) path(host string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(host))
	return filepath.Join(fc.Dir, "server-version-"+name)
}

// Load returns the version stored for host, or "".
func (fc FileVersionCache) Load(host string) string {
	if fc.Dir == "" {
		return ""
	}
	b, err := os.ReadFile(fc.path(host))
	if err != nil {
		return ""
	}
	v := strings.TrimSpace(string(b))
	if _, ok := parseVersion(v); !ok {
		return ""
	}
	return v
}

// Store writes version for host (atomically: a temporary file renamed).
func (fc FileVersionCache) Store(host, version string) {
	if fc.Dir == "" {
		return
	}
	if err := os.MkdirAll(fc.Dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(fc.Dir, ".server-version-*")
	if err != nil {
		return
	}
	_, werr := tmp.WriteString(version + "\n")
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), fc.path(host)) != nil {
		os.Remove(tmp.Name())
	}
}

// UseVersionCache makes the client start from the version vc remembers for
// its host (on GitHub Enterprise Server only) and remember what the server
// tells.
func (c *Client) UseVersionCache(vc VersionCache) {
	c.versionCache = vc
	if vc != nil && c.enterprise() {
		if v := vc.Load(c.host); v != "" {
			c.assumed = v
		}
	}
}
