package git

import (
	"context"
	"strings"
)

// Remote is a git remote as git itself uses it, read from the configuration rather than
// from `git remote -v`, whose display text varies (a partial clone's fetch line ends in
// "[blob:none]", for one).
//
// A remote may push somewhere else than it fetches from (remote.<name>.pushurl, or
// url.<base>.pushInsteadOf). The repository a remote stands for is the one it fetches
// from, FetchURL: that is where the hotfix's base and tags come from, and what GitHub's
// API is asked about. Pushes are made by remote name, so git sends them to PushURLs
// itself; they are listed so that callers can authenticate them too.
type Remote struct {
	// FetchURL is the first remote.<name>.url, rewritten by url.<base>.insteadOf.
	FetchURL string
	// PushURLs are where `git push <name>` sends: each remote.<name>.pushurl rewritten by
	// insteadOf; without one, the urls that a pushInsteadOf rewrites, rewritten so; when
	// none does, every url rewritten by insteadOf. Never empty.
	PushURLs []string
}

// PushURL is the first URL pushes go to.
func (r Remote) PushURL() string {
	if len(r.PushURLs) == 0 {
		return r.FetchURL
	}
	return r.PushURLs[0]
}

// remoteConfigPattern selects, in one `git config --get-regexp`, every key that decides
// where a remote fetches from and pushes to (keys as git prints them: section and
// variable names lower-cased, the subsection as written).
const remoteConfigPattern = `^(remote\..+\.(url|pushurl)|url\..+\.(insteadof|pushinsteadof))$`

// Remotes returns the remotes that have a url, by name, with the URLs git fetches from
// and pushes to after url.<base>.insteadOf and pushInsteadOf rewriting, from one git
// command. Remotes defined only in the long-deprecated .git/remotes or .git/branches
// files are not seen.
func (c *Client) Remotes(ctx context.Context) (map[string]Remote, error) {
	out, err := c.Query(ctx, "config", "--null", "--get-regexp", remoteConfigPattern)
	if isUnsetConfig(err) {
		return map[string]Remote{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseRemoteConfig(out), nil
}

// rewrite is one url.<base>.insteadOf (or pushInsteadOf) entry: URLs starting with prefix
// start with base instead.
type rewrite struct{ base, prefix string }

// parseRemoteConfig builds the remotes from `git config --null --get-regexp` output
// ("key\nvalue\x00" per entry, "key\x00" for a key without a value), applying the rewriting
// rules of git's remote.c: the longest matching insteadOf prefix wins (the first one on a
// tie), pushurls are rewritten by insteadOf only, and pushInsteadOf applies to urls only
// when the remote has no pushurl.
func parseRemoteConfig(out string) map[string]Remote {
	type raw struct{ urls, pushURLs []string }
	byName := map[string]*raw{}
	var names []string
	var insteadOf, pushInsteadOf []rewrite
	for entry := range strings.SplitSeq(out, "\x00") {
		key, value, hasValue := strings.Cut(entry, "\n")
		if !hasValue {
			continue // "[remote "x"] url" without "=": git ignores it too
		}
		dot := strings.LastIndexByte(key, '.')
		if dot < 0 {
			continue
		}
		variable := key[dot+1:]
		switch {
		case strings.HasPrefix(key, "remote.") && dot > len("remote.") && (variable == "url" || variable == "pushurl"):
			name := key[len("remote."):dot]
			r := byName[name]
			if r == nil {
				r = &raw{}
				byName[name] = r
				names = append(names, name)
			}
			if variable == "url" {
				r.urls = append(r.urls, value)
			} else {
				r.pushURLs = append(r.pushURLs, value)
			}
		case strings.HasPrefix(key, "url.") && dot > len("url.") && variable == "insteadof":
			insteadOf = append(insteadOf, rewrite{base: key[len("url."):dot], prefix: value})
		case strings.HasPrefix(key, "url.") && dot > len("url.") && variable == "pushinsteadof":
			pushInsteadOf = append(pushInsteadOf, rewrite{base: key[len("url."):dot], prefix: value})
		}
	}
	remotes := map[string]Remote{}
	for _, name := range names {
		r := byName[name]
		if len(r.urls) == 0 {
			continue // a pushurl alone: git cannot fetch from it, nor do we
		}
		rem := Remote{FetchURL: rewriteURL(r.urls[0], insteadOf)}
		if len(r.pushURLs) > 0 {
			for _, u := range r.pushURLs {
				rem.PushURLs = append(rem.PushURLs, rewriteURL(u, insteadOf))
			}
		} else {
			// The urls that pushInsteadOf rewrites become push URLs; only when none does
			// are the (insteadOf-rewritten) urls pushed to.
			for _, u := range r.urls {
				if pushed, ok := rewriteWith(u, pushInsteadOf); ok {
					rem.PushURLs = append(rem.PushURLs, pushed)
				}
			}
			if len(rem.PushURLs) == 0 {
				for _, u := range r.urls {
					rem.PushURLs = append(rem.PushURLs, rewriteURL(u, insteadOf))
				}
			}
		}
		remotes[name] = rem
	}
	return remotes
}

// rewriteURL applies the longest matching rule of rules to url, or returns it unchanged.
func rewriteURL(url string, rules []rewrite) string {
	out, _ := rewriteWith(url, rules)
	return out
}

// rewriteWith applies the longest matching rule of rules to url; ok is false when none
// matches. An empty prefix never matches, as in git.
func rewriteWith(url string, rules []rewrite) (string, bool) {
	best := -1
	for i, r := range rules {
		if len(r.prefix) > 0 && strings.HasPrefix(url, r.prefix) && (best < 0 || len(r.prefix) > len(rules[best].prefix)) {
			best = i
		}
	}
	if best < 0 {
		return url, false
	}
	return rules[best].base + url[len(rules[best].prefix):], true
}
