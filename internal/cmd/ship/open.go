package ship

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/cli/go-gh/v2/pkg/api"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// open runs steps 1–6: preflight, size guard, push, pull request, label and
// reviewers, auto-merge. Each is skipped when already done.
func (s *shipper) open(ctx context.Context) error {
	g := s.g
	if clean, err := g.IsClean(ctx); err != nil {
		return err
	} else if !clean {
		return errors.New("tracked files have uncommitted changes: commit the fix (or stash the rest), then run gh hotfix ship again")
	}
	// Fetch the base so "ahead" and the size are measured against what the PR will merge into.
	start := s.remote + "/" + s.base
	if !s.opts.DryRun {
		if err := g.Fetch(ctx, s.remote, "+refs/heads/"+s.base+":refs/remotes/"+start); err != nil {
			return fmt.Errorf("fetching %s from %s: %w", s.base, s.remote, err)
		}
	}
	tip, err := g.RevParse(ctx, "refs/heads/"+s.branch)
	if err != nil {
		return err
	}
	ahead, err := g.RevListCount(ctx, start+".."+tip)
	if err != nil {
		return err
	}
	if ahead == 0 {
		return fmt.Errorf("nothing to ship: %s has no commits ahead of %s; commit the fix first", s.branch, start)
	}
	if c := s.state.BaseChecks; !c.Releasable() {
		if !s.opts.Force {
			return s.unreleasable(c)
		}
		s.warn("%s is not releasable (failing: %s); continuing because of --force", s.base, strings.Join(c.Failing, ", "))
	}
	if err := s.sizeGuard(ctx, start, tip); err != nil {
		return err
	}

	if s.opts.DryRun {
		return s.dryRunOpen(tip)
	}

	// Push unless GitHub already has this exact tip.
	if s.pr == nil || s.pr.HeadRefOid != tip {
		if err := g.Push(ctx, s.remote, s.branch, true); err != nil {
			if strings.Contains(err.Error(), "rejected") || strings.Contains(err.Error(), "non-fast-forward") {
				return fmt.Errorf("pushing %s was rejected: the branch on %s has commits you do not have; integrate them (git pull --rebase %s %s) and run gh hotfix ship again; ship never force-pushes",
					s.branch, s.remote, s.remote, s.branch)
			}
			return fmt.Errorf("pushing %s: %w", s.branch, err)
		}
		s.done("Pushed %s to %s", s.branch, s.remote)
	}

	if s.pr == nil {
		if err := s.createPull(ctx); err != nil {
			return err
		}
	} else {
		s.done("Pull request #%d is open: %s", s.pr.Number, s.pr.URL)
	}
	if err := s.labelAndReviewers(ctx, true); err != nil {
		return err
	}
	if s.opts.Auto {
		return s.autoMerge(ctx, tip)
	}
	return nil
}

// sizeGuard refuses hotfixes bigger than the configured limits: the seed asks for
// small, focused fixes, and a big one deserves a second look before it ships.
func (s *shipper) sizeGuard(ctx context.Context, start, tip string) error {
	mb, err := s.g.MergeBase(ctx, start, tip)
	if err != nil {
		return err
	}
	files, err := s.g.DiffNumstat(ctx, mb, tip)
	if err != nil {
		return err
	}
	lines := 0
	for _, f := range files {
		lines += f.Added + f.Deleted
	}
	lim := s.cfg.Limits
	if len(files) <= lim.Files && lines <= lim.Lines {
		return nil
	}
	msg := fmt.Sprintf("this hotfix changes %s and %s, over the limits of %s and %s",
		plural(len(files), "file"), plural(lines, "line"), plural(lim.Files, "file"), plural(lim.Lines, "line"))
	if !s.opts.Force {
		return fmt.Errorf("%s: keep hotfixes minimal, raise limits in .github/hotfix.yml, or pass --force", msg)
	}
	s.warn("%s; continuing because of --force", msg)
	return nil
}

func (s *shipper) dryRunOpen(tip string) error {
	out := s.ios.Out
	if s.pr == nil || s.pr.HeadRefOid != tip {
		fmt.Fprintf(out, "Would push %s (%s) to %s and set its upstream\n", s.branch, short(tip), s.remote)
	}
	if s.pr == nil {
		fmt.Fprintf(out, "Would open a pull request from %s into %s titled %q\n", s.branch, s.base, s.title())
	} else {
		fmt.Fprintf(out, "Would reuse pull request #%d (%s)\n", s.pr.Number, s.pr.URL)
	}
	if !s.state.LabelExists {
		fmt.Fprintf(out, "Would create the label %q (#%s)\n", s.cfg.Label.Name, s.cfg.Label.Color)
	}
	if s.pr == nil || !s.pr.HasLabel(s.cfg.Label.Name) {
		fmt.Fprintf(out, "Would add the label %q\n", s.cfg.Label.Name)
	}
	if r := s.missingReviewers(); len(r) > 0 {
		fmt.Fprintf(out, "Would request reviews from %s\n", strings.Join(r, ", "))
	}
	if s.opts.Auto {
		fmt.Fprintf(out, "Would enable auto-merge (%s), or merge right away if the pull request can be merged\n", s.mergeMethod())
	}
	if !s.opts.NoWait {
		fmt.Fprintln(out, "Would wait for the pull request to be merged")
	}
	if !s.opts.NoRelease {
		fmt.Fprintln(out, s.releaseStep())
	}
	if s.wantsPostMortem() {
		fmt.Fprintln(out, "Would open a post-mortem issue with the timeline")
	}
	return nil
}

func (s *shipper) title() string {
	switch {
	case s.opts.Title != "":
		return s.opts.Title
	case s.meta.Description != "":
		return "Hotfix: " + s.meta.Description
	}
	return "Hotfix: " + strings.ReplaceAll(strings.TrimPrefix(s.branch, s.cfg.BranchPrefix), "-", " ")
}

func (s *shipper) mergeMethod() string {
	switch {
	case s.opts.MergeMethod != "":
		return s.opts.MergeMethod
	case s.cfg.MergeMethod != "":
		return s.cfg.MergeMethod
	}
	return "merge"
}

// createPull opens the pull request. Creating is not idempotent: when the answer
// is lost, look for the pull request before ever sending the request again.
func (s *shipper) createPull(ctx context.Context) error {
	root, _ := s.g.RepoRoot(ctx)
	body, err := s.readBody(root)
	if err != nil {
		return err
	}
	req := map[string]any{"title": s.title(), "head": s.branch, "base": s.base, "body": body}
	var created github.RESTPull
	// At most two sends, the second only after reading back proved the first did nothing.
	for attempt := 1; ; attempt++ {
		err = s.gh.REST(ctx, "POST", fmt.Sprintf("repos/%s/%s/pulls", s.repo.Owner, s.repo.Name), req, &created)
		var he *api.HTTPError
		alreadyExists := errors.As(err, &he) && he.StatusCode == http.StatusUnprocessableEntity && strings.Contains(he.Message+fmt.Sprint(he.Errors), "already exists")
		if err == nil || !(github.IsTransient(err) || alreadyExists) {
			break
		}
		// The attempt may have acted, or a concurrent ship won: read back.
		st, qerr := s.gh.ShipState(ctx, s.repo.Owner, s.repo.Name, s.branch, s.base, s.cfg.Label.Name, "")
		if qerr != nil {
			break
		}
		for i := range st.Pulls {
			if p := st.Pulls[i]; (p.State == "OPEN" || p.State == "MERGED") && p.BaseRefName == s.base {
				s.pr = &p
				s.done("Pull request #%d is open: %s", p.Number, p.URL)
				return nil
			}
		}
		if alreadyExists || attempt == 2 {
			break
		}
		s.warn("Opening the pull request failed (%v); GitHub has none, so trying once more", err)
	}
	if err != nil {
		return fmt.Errorf("opening the pull request: %w", err)
	}
	pr, err := s.gh.Pull(ctx, created.NodeID)
	if err != nil {
		pr = github.PullRequest{ID: created.NodeID, Number: created.Number, URL: created.HTMLURL, State: "OPEN", BaseRefName: s.base, HeadRefOid: created.Head.SHA}
	}
	s.pr = &pr
	s.done("Opened pull request #%d: %s", pr.Number, pr.URL)
	return nil
}

func (s *shipper) reviewers() []string {
	seen := map[string]bool{}
	var all []string
	for _, r := range append(append([]string{}, s.cfg.Reviewers...), s.opts.Reviewers...) {
		r = strings.TrimPrefix(strings.TrimSpace(r), "@")
		if r != "" && !seen[strings.ToLower(r)] {
			seen[strings.ToLower(r)] = true
			all = append(all, r)
		}
	}
	return all
}

func (s *shipper) missingReviewers() []string {
	var missing []string
	for _, r := range s.reviewers() {
		found := false
		if s.pr != nil {
			for _, have := range s.pr.Reviewers {
				if strings.EqualFold(have, r) {
					found = true
				}
			}
		}
		if !found {
			missing = append(missing, r)
		}
	}
	return missing
}

// labelAndReviewers creates the label when missing, applies it and (withReviewers)
// requests reviews; labelling and reviewers are independent, so they run concurrently.
func (s *shipper) labelAndReviewers(ctx context.Context, withReviewers bool) error {
	var wg sync.WaitGroup
	var labelErr, reviewErr error
	label := s.cfg.Label
	if !s.pr.HasLabel(label.Name) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !s.state.LabelExists {
				err := s.gh.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/labels", s.repo.Owner, s.repo.Name),
					map[string]any{"name": label.Name, "color": label.Color, "description": label.Description}, nil)
				var he *api.HTTPError
				if err != nil && !(errors.As(err, &he) && he.StatusCode == http.StatusUnprocessableEntity) {
					labelErr = fmt.Errorf("creating the label %q: %w", label.Name, err)
					return
				}
			}
			// Adding a label is idempotent: safe to send again.
			labelErr = s.gh.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/issues/%d/labels", s.repo.Owner, s.repo.Name, s.pr.Number),
				map[string]any{"labels": []string{label.Name}}, nil)
			if labelErr != nil {
				labelErr = fmt.Errorf("labelling #%d: %w", s.pr.Number, labelErr)
			}
		}()
	}
	var missing []string
	if withReviewers {
		missing = s.missingReviewers()
	}
	if len(missing) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var users, teams []string
			for _, r := range missing {
				if _, team, ok := strings.Cut(r, "/"); ok {
					teams = append(teams, team)
				} else {
					users = append(users, r)
				}
			}
			body := map[string]any{}
			if len(users) > 0 {
				body["reviewers"] = users
			}
			if len(teams) > 0 {
				body["team_reviewers"] = teams
			}
			reviewErr = s.gh.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/pulls/%d/requested_reviewers", s.repo.Owner, s.repo.Name, s.pr.Number), body, nil)
			if reviewErr != nil {
				reviewErr = fmt.Errorf("requesting reviews from %s: %w", strings.Join(missing, ", "), reviewErr)
			}
		}()
	}
	wg.Wait()
	if labelErr != nil {
		return labelErr
	}
	if !s.pr.HasLabel(label.Name) {
		s.pr.Labels = append(s.pr.Labels, label.Name)
		s.done("Labelled #%d %q", s.pr.Number, label.Name)
	}
	if reviewErr != nil {
		return reviewErr
	}
	if len(missing) > 0 {
		s.pr.Reviewers = append(s.pr.Reviewers, missing...)
		s.done("Requested reviews from %s", strings.Join(missing, ", "))
	}
	return nil
}

const enableAutoMerge = `mutation HotfixAutoMerge($id: ID!, $method: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method}) { pullRequest { autoMergeRequest { mergeMethod } } }
}`

// autoMerge enables auto-merge. A pull request that can already be merged
// (clean, unstable or has-hooks) is merged directly instead, as gh pr merge --auto
// does: GitHub refuses auto-merge for those.
func (s *shipper) autoMerge(ctx context.Context, tip string) error {
	if s.pr.AutoMerge != "" {
		s.done("Auto-merge is enabled (%s)", s.pr.AutoMerge)
		return nil
	}
	method := s.mergeMethod()
	switch s.pr.MergeStateStatus {
	case "CLEAN", "UNSTABLE", "HAS_HOOKS":
		return s.mergeNow(ctx, method, tip)
	}
	err := s.gh.GraphQL(ctx, enableAutoMerge, map[string]any{"id": s.pr.ID, "method": strings.ToUpper(method)}, nil)
	if err == nil {
		s.pr.AutoMerge = method
		s.done("Enabled auto-merge (%s): GitHub merges #%d once its requirements pass", method, s.pr.Number)
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "clean status") || strings.Contains(msg, "unstable status") || strings.Contains(msg, "has_hooks status"):
		return s.mergeNow(ctx, method, tip)
	case strings.Contains(msg, "not allowed"):
		return fmt.Errorf("auto-merge is not allowed in %s/%s: merge #%d by hand when it is ready (%s), or ask an admin to allow auto-merge; then run gh hotfix ship again",
			s.repo.Owner, s.repo.Name, s.pr.Number, s.pr.URL)
	}
	return fmt.Errorf("enabling auto-merge on #%d: %w", s.pr.Number, err)
}

// mergeNow merges the pull request at the tip ship pushed (GitHub refuses if the
// head moved meanwhile, so nothing unreviewed is merged).
func (s *shipper) mergeNow(ctx context.Context, method, tip string) error {
	var merged struct {
		SHA string `json:"sha"`
	}
	err := s.gh.REST(ctx, "PUT", fmt.Sprintf("repos/%s/%s/pulls/%d/merge", s.repo.Owner, s.repo.Name, s.pr.Number),
		map[string]any{"merge_method": method, "sha": tip}, &merged)
	if err != nil {
		return fmt.Errorf("merging #%d: %w", s.pr.Number, err)
	}
	s.pr.State, s.pr.MergeCommit = "MERGED", merged.SHA
	s.done("Merged #%d (%s): it could be merged right away", s.pr.Number, method)
	return nil
}
