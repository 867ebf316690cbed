package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Forks.
//
// "A fork is a new repository that shares code and visibility settings with the
// upstream repository. [...] A repository network contains the upstream repository,
// the upstream repository's direct forks, and all forks of those forks. All forks in
// the repository network have the same visibility setting."
// (https://docs.github.com/pull-requests/collaborating-with-pull-requests/working-with-forks/about-permissions-and-visibility-of-forks)
// Its branches, issues, labels and settings are its own. A pull request from a fork
// is compared and merged in the upstream repository, so the emulator gives every
// repository of a network one objects directory (a fork's objects/ is a symbolic
// link to its network source's): a commit pushed to a fork can be read, compared
// and merged in the parent at once.

// source is the root of r's fork network: REST docs, "Get a repository": "parent is
// the repository this repository was forked from, source is the ultimate source for
// the network" (https://docs.github.com/rest/repos/repos#get-a-repository).
func (r *repo) source() *repo {
	for r.Parent != nil {
		r = r.Parent
	}
	return r
}

// network lists the repositories of r's fork network, oldest first.
func (s *store) network(r *repo) []*repo {
	src := r.source()
	var list []*repo
	for _, o := range s.repos {
		if o.source() == src {
			list = append(list, o)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// forksOf lists the direct forks of r, oldest first.
func (s *store) forksOf(r *repo) []*repo {
	var list []*repo
	for _, o := range s.repos {
		if o.Parent == r {
			list = append(list, o)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// forkRepo creates owner/name as a fork of parent: the parent's branches (only the
// default branch with defaultBranchOnly) and tags, over the network's shared objects.
func (s *store) forkRepo(parent *repo, owner, name string, defaultBranchOnly bool) (*repo, error) {
	objects, err := filepath.EvalSymlinks(filepath.Join(parent.git.dir, "objects"))
	if err != nil {
		return nil, err
	}
	f, err := s.createRepo(owner, name, parent.DefaultBranch, parent.Private)
	if err != nil {
		return nil, err
	}
	undo := func(err error) (*repo, error) {
		delete(s.repos, strings.ToLower(owner+"/"+name))
		_ = os.RemoveAll(f.git.dir)
		return nil, err
	}
	own := filepath.Join(f.git.dir, "objects")
	if err := os.RemoveAll(own); err != nil {
		return undo(err)
	}
	if err := os.Symlink(objects, own); err != nil {
		return undo(err)
	}
	// Objects reachable only from another repository of the network must never be
	// pruned by one repository's automatic gc.
	for _, r := range []*repo{parent, f} {
		if _, err := r.git.run(nil, nil, "config", "gc.auto", "0"); err != nil {
			return undo(err)
		}
	}
	// The refs as stored (annotated tags keep their tag objects).
	out, err := parent.git.run(nil, nil, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/", "refs/tags/")
	if err != nil {
		return undo(err)
	}
	var cmds strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		ref, sha, ok := strings.Cut(line, " ")
		if !ok || (defaultBranchOnly && ref != "refs/heads/"+parent.DefaultBranch) {
			continue
		}
		fmt.Fprintf(&cmds, "create %s %s\n", ref, sha)
	}
	if cmds.Len() > 0 {
		if _, err := f.git.run(nil, []byte(cmds.String()), "update-ref", "--stdin"); err != nil {
			return undo(err)
		}
	}
	f.Parent = parent
	f.Description = parent.Description
	f.PushedAt = parent.PushedAt
	return f, nil
}

// createFork answers POST /repos/{owner}/{repo}/forks (REST docs, "Create a fork",
// https://docs.github.com/rest/repos/forks#create-a-fork): "Create a fork for the
// authenticated user", or for the organization named by `organization`, named
// `name` when given, with only the default branch when `default_branch_only`.
// GitHub answers 202 Accepted with the new repository: "Forking a Repository
// happens asynchronously. You may have to wait a short period of time before you
// can access the git objects." The emulator's fork is complete when it answers.
//
// Asking again for a fork the account already has answers that fork, unchanged:
// gh relies on it (cli/cli pkg/cmd/repo/fork/fork.go: "the create fork API endpoint
// just returns the fork repo data even if it already exists -- with no change in
// status code or anything. We thus check the created time to see if the repo is
// brand new or not").
func (s *Server) createFork(q *req) (int, any, error) {
	parent := q.repo
	owner := q.login
	if org := q.str("organization"); org != "" {
		owner = org
	}
	name := q.str("name")
	if name == "" {
		name = parent.Name
	}
	if strings.ContainsAny(name, "/ ") {
		return 0, nil, validationFailed("Repository", "name", "custom", "name is invalid")
	}
	for _, f := range s.st.forksOf(parent) {
		if strings.EqualFold(f.Owner, owner) {
			return 202, s.fullRepoJSON(f), nil
		}
	}
	// A name the account already uses gets a numeric suffix: "it does gets forked as
	// webpack-1" (octokit/octokit.js#483); "a name chosen by GitHub (it will add a
	// suffix -1 at the time of writing this)" (sociomantic-tsunami/git-hub#189).
	for base, n := name, 1; s.st.repo(owner, name) != nil; n++ {
		name = fmt.Sprintf("%s-%d", base, n)
	}
	defaultOnly, _ := q.boolean("default_branch_only")
	f, err := s.st.forkRepo(parent, owner, name, defaultOnly)
	if err != nil {
		return 0, nil, validationFailed("Repository", "name", "custom", err.Error())
	}
	return 202, s.fullRepoJSON(f), nil
}

// listForks answers GET /repos/{owner}/{repo}/forks (REST docs, "List forks",
// https://docs.github.com/rest/repos/forks#list-forks): the direct forks, newest
// first by default (sort: "newest", "oldest", ...).
func (s *Server) listForks(q *req) (int, any, error) {
	forks := s.st.forksOf(q.repo)
	if q.query.Get("sort") != "oldest" {
		for i, j := 0, len(forks)-1; i < j; i, j = i+1, j-1 {
			forks[i], forks[j] = forks[j], forks[i]
		}
	}
	list := make([]map[string]any, len(forks))
	for i, f := range forks {
		list[i] = s.repoJSON(f)
	}
	return 200, page(q, list), nil
}

// resolveHead finds the repository and branch a pull request's head names. REST
// docs, "Create a pull request" (https://docs.github.com/rest/pulls/pulls#create-a-pull-request),
// head: "For cross-repository pull requests in the same network, namespace head
// with a user like this: username:branch"; head_repo ("octo-org/octo-repo"): "The
// name of the repository where the changes in the pull request were made". GraphQL's
// createPullRequest says the same of headRefName, and takes headRepositoryId. A
// plain branch name is the base repository's branch. It returns nil when no
// repository of base's network matches.
func (s *store) resolveHead(base *repo, head, headRepo string) (*repo, string) {
	owner := base.Owner
	if o, b, ok := strings.Cut(head, ":"); ok {
		owner, head = o, b
	}
	if headRepo != "" {
		o, n, ok := strings.Cut(headRepo, "/")
		if !ok {
			o, n = owner, headRepo
		}
		if r := s.repo(o, n); r != nil && r.source() == base.source() {
			return r, head
		}
		return nil, head
	}
	if strings.EqualFold(owner, base.Owner) {
		return base, head
	}
	for _, r := range s.network(base) {
		if strings.EqualFold(r.Owner, owner) {
			return r, head
		}
	}
	return nil, head
}

// fullRepoJSON is a repository as "Get a repository" shows it: with `parent` and
// `source` for a fork (REST docs, "Get a repository": "The parent and source objects
// are present when the repository is a fork").
func (s *Server) fullRepoJSON(r *repo) map[string]any {
	out := s.repoJSON(r)
	if r.Parent != nil {
		out["parent"] = s.repoJSON(r.Parent)
		out["source"] = s.repoJSON(r.source())
	}
	return out
}
