package hotfix

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// PullRef is a pull request as a user names it: a number (of the repository at
// hand), or a URL that also names its repository.
type PullRef struct {
	Number int
	// Host, Owner and Repo are set when the reference was a URL.
	Host, Owner, Repo string
}

// ParsePullRef reads "42", "#42" or a pull request's URL
// (https://github.com/OWNER/REPO/pull/42, with or without a trailing
// /files, /commits, query or fragment), as gh pr commands take them.
func ParsePullRef(s string) (PullRef, error) {
	s = strings.TrimSpace(s)
	if n, ok := pullNumber(strings.TrimPrefix(s, "#")); ok {
		return PullRef{Number: n}, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return PullRef{}, fmt.Errorf("%q is not a pull request: give its number or its URL (https://github.com/OWNER/REPO/pull/NUMBER)", s)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 4 || parts[2] != "pull" || parts[0] == "" || parts[1] == "" {
		return PullRef{}, fmt.Errorf("%q is not a pull request's URL: expected https://%s/OWNER/REPO/pull/NUMBER", s, u.Host)
	}
	n, ok := pullNumber(parts[3])
	if !ok {
		return PullRef{}, fmt.Errorf("%q is not a pull request's URL: %q is not a number", s, parts[3])
	}
	return PullRef{Number: n, Host: strings.ToLower(u.Hostname()), Owner: parts[0], Repo: strings.TrimSuffix(parts[1], ".git")}, nil
}

// pullNumber is a positive decimal number without sign or leading zeros'
// surprises ("007" is 7, as GitHub reads it).
func pullNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// NotOf is the refusal of a pull request named by the URL arg when it belongs
// to another repository than host/owner/name, which command works on; nil
// when it is that repository's (or was named by number).
func (r PullRef) NotOf(host, owner, name, arg, command string) error {
	if r.Owner == "" || (strings.EqualFold(r.Owner+"/"+r.Repo, owner+"/"+name) && strings.EqualFold(r.Host, host)) {
		return nil
	}
	theirs, ours := r.Owner+"/"+r.Repo, owner+"/"+name
	if !strings.EqualFold(r.Host, host) {
		theirs, ours = r.Host+"/"+theirs, host+"/"+ours
	}
	return fmt.Errorf("%s is a pull request of %s, and %s works on %s here: run it in a clone of %s, or pass -R %s",
		arg, theirs, command, ours, theirs, theirs)
}
