package hotfix

import (
	"net/url"
	"sort"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
)

// RepoFromURL parses a git remote URL (https, http, ssh, scp-like) into host,
// owner and repository name; ok is false for anything else.
func RepoFromURL(raw string) (host, owner, name string, ok bool) {
	var path string
	switch {
	case strings.Contains(raw, "://"):
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", "", false
		}
		host, path = u.Hostname(), u.Path
	case strings.Contains(raw, ":") && !strings.HasPrefix(raw, "/"):
		// scp-like: [user@]host:owner/repo.git
		h, p, _ := strings.Cut(raw, ":")
		if i := strings.LastIndex(h, "@"); i >= 0 {
			h = h[i+1:]
		}
		host, path = h, p
	default:
		return "", "", "", false
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", "", false
	}
	host = strings.ToLower(strings.TrimPrefix(host, "www."))
	if host == "ssh.github.com" {
		host = "github.com"
	}
	name = strings.TrimSuffix(parts[1], ".git")
	if host == "" || name == "" {
		return "", "", "", false
	}
	return host, parts[0], name, true
}

// RemoteFor returns the name of the remote pointing at host/owner/name, preferring
// "origin", then "upstream", then the first by name; ok is false when none does. A
// remote points at the repository it fetches from (its push URL may name a fork or a
// mirror: pushes still go where git sends them). Owner and name compare ignoring case,
// as GitHub's do, and a URL with or without ".git" names the same repository.
func RemoteFor(remotes map[string]git.Remote, host, owner, name string) (string, bool) {
	var matches []string
	for rname, r := range remotes {
		h, o, n, ok := RepoFromURL(r.FetchURL)
		if ok && strings.EqualFold(h, host) && strings.EqualFold(o, owner) && strings.EqualFold(n, name) {
			matches = append(matches, rname)
		}
	}
	if len(matches) == 0 {
		return "", false
	}
	sort.Slice(matches, func(i, j int) bool {
		rank := func(s string) int {
			switch s {
			case "origin":
				return 0
			case "upstream":
				return 1
			}
			return 2
		}
		if rank(matches[i]) != rank(matches[j]) {
			return rank(matches[i]) < rank(matches[j])
		}
		return matches[i] < matches[j]
	})
	return matches[0], true
}
