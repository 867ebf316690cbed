package status

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// runAcross lists the hotfix pull requests of every repository of --org, or of
// each --repo, in flight and released lately, through GitHub's search: one
// GraphQL query brings them with everything the table shows (checks, review,
// what blocks the merge, the queue, the release marker and the release run's
// progress from the merge commit's check suites, with what a waiting run waits
// for: its pending deployment requests), so the cost does not grow
// with the number of repositories: one request per 100 pull requests of a kind.
// What the one-repository view reads with more requests is left out: a release
// marker further up than the last comments, a run not among the merge commit's
// check suites (then "release started"), and the forward-ports.
// stateGiven is whether --state was given: without it, the open ones and those
// merged in the last opts.Days days are shown.
func runAcross(ctx context.Context, f *command.Factory, opts *StatusOptions, stateGiven bool) error {
	if err := opts.JSON.CheckFields(jsonFields); err != nil {
		return err
	}
	ios := f.IOStreams
	host, q, err := acrossScope(opts)
	if err != nil {
		return err
	}
	q.Label, err = localLabel(ctx, f)
	if err != nil {
		return err
	}
	q.Limit, q.CommentsLimit = opts.Limit, markerComments
	since := f.Now().Add(-time.Duration(opts.Days) * 24 * time.Hour)
	state := opts.State
	if !stateGiven {
		state = "recent"
	}
	q.Open = state != "merged"
	if state != "open" {
		q.MergedSince = since
	}
	if state == "all" {
		q.ClosedSince = since
	}
	gh, err := f.GitHubClient(host)
	if err != nil {
		return err
	}
	res, err := gh.SearchLabelledPulls(ctx, q)
	if err != nil {
		return fmt.Errorf("searching the hotfix pull requests of %s: %w", scopeWords(q), err)
	}

	total := res.Total
	var pulls []hotfixPull
	for i := range res.Pulls {
		n := &res.Pulls[i]
		a := n.LabelledPull
		// As in one repository: a fork's pull request is not a hotfix, and a
		// forward-port is its hotfix's, not a row of its own.
		if _, fps := forwardPortRows([]apiPull{a}); a.IsCrossRepository || len(fps) > 0 {
			total--
			continue
		}
		p := newHotfixPull(&a)
		p.Repo = n.FullName()
		// What a waiting release run waits for came with it (its check suite's run).
		p.describeGate(f.Now())
		pulls = append(pulls, p)
	}
	if len(pulls) > opts.Limit {
		pulls = pulls[:opts.Limit]
	}
	if len(opts.JSON.Fields) > 0 {
		data := make([]map[string]any, len(pulls))
		for i := range pulls {
			data[i] = pulls[i].export()
		}
		return opts.JSON.Write(ios, data)
	}
	what := map[string]string{"recent": fmt.Sprintf("open hotfix pull requests, and merged in the last %d days,", opts.Days),
		"open":   "open hotfix pull requests",
		"merged": fmt.Sprintf("hotfix pull requests merged in the last %d days", opts.Days),
		"all":    fmt.Sprintf("hotfix pull requests open, or merged or closed in the last %d days,", opts.Days)}[state]
	if len(pulls) == 0 {
		if ios.IsStdoutTTY() {
			fmt.Fprintf(ios.ErrOut, "No %s in %s\n", strings.TrimSuffix(what, ","), scopeWords(q))
		}
		return nil
	}
	if ios.IsStdoutTTY() {
		fmt.Fprintf(ios.Out, "\nShowing %d of %d %s in %s\n\n", len(pulls), max(total, len(pulls)), what, scopeWords(q))
	}
	return printTable(ios, pulls, f.Now(), true)
}

// acrossScope reads --org and --repo: the host they are on (one for all) and
// the search's scope.
func acrossScope(opts *StatusOptions) (string, github.PullSearch, error) {
	var q github.PullSearch
	host := ""
	sameHost := func(h, what string) error {
		if host != "" && !strings.EqualFold(h, host) {
			return cmderr.FlagErrorf("%s is on %s, not %s: list the hotfixes of one host at a time", what, h, host)
		}
		host = h
		return nil
	}
	for _, o := range opts.Orgs {
		// [HOST/]ORG: without a host, the one OWNER/REPO would be on (GH_HOST, else gh's default).
		h, login, ok := strings.Cut(o, "/")
		if !ok {
			r, err := repository.Parse(o + "/x")
			if err != nil {
				return "", q, cmderr.FlagErrorf("invalid value for `--org`: %v", err)
			}
			h, login = r.Host, o
		}
		if login == "" || strings.Contains(login, "/") {
			return "", q, cmderr.FlagErrorf("invalid value for `--org`: %q is not [HOST/]ORGANIZATION", o)
		}
		if err := sameHost(h, "organization "+login); err != nil {
			return "", q, err
		}
		q.Orgs = append(q.Orgs, login)
	}
	for _, s := range opts.Repos {
		r, err := repository.Parse(s)
		if err != nil {
			return "", q, cmderr.FlagErrorf("invalid value for `--repo`: %v", err)
		}
		if err := sameHost(r.Host, r.Owner+"/"+r.Name); err != nil {
			return "", q, err
		}
		q.Repos = append(q.Repos, r.Owner+"/"+r.Name)
	}
	return host, q, nil
}

// localLabel is the hotfix label of the clone status runs in, from its
// .github/hotfix.yml, else the default: across repositories it is the one
// label searched for (a repository whose own configuration names another
// label is not read, which would cost a request per repository).
func localLabel(ctx context.Context, f *command.Factory) (string, error) {
	cfg := config.Default()
	if g, err := f.Git(); err == nil {
		if root, err := g.RepoRoot(ctx); err == nil {
			if cfg, _, err = config.Load(root); err != nil {
				return "", err
			}
		}
	}
	return cfg.Label.Name, nil
}

// scopeWords names the organizations and repositories searched.
func scopeWords(q github.PullSearch) string {
	return strings.Join(append(append([]string{}, q.Orgs...), q.Repos...), ", ")
}
