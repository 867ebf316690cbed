package ship

import (
	"context"
	"fmt"
	"path"
	"slices"
	"sync"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// lineTags are the tags of a release line that are taken: those that exist,
// and those other hotfixes of the line claimed in their release records — a
// tag is decided before the dispatch and created by the run, so a hotfix
// released a minute ago may not have its tag yet.
type lineTags struct {
	existing []github.TagRef
	claimed  map[string]int // tag → the pull request whose record claims it
	// recorded are the runs the line's release records name (any pull request's).
	recorded map[int64]bool
}

// readLineTags lists the line's tags and the release records of the other
// pull requests into the maintenance branch, in two requests sent together.
func (s *shipper) readLineTags(ctx context.Context) (lineTags, error) {
	var lt lineTags
	var pulls []github.PullRecords
	var terr, perr error
	var wg sync.WaitGroup
	wg.Go(func() { lt.existing, terr = s.lineTagRefs(ctx) })
	wg.Go(func() { pulls, perr = s.gh.PullsInto(ctx, s.repo.Owner, s.repo.Name, s.base) })
	wg.Wait()
	if terr != nil {
		return lt, terr
	}
	if perr != nil {
		return lt, fmt.Errorf("reading the release records of %s: %w", s.base, perr)
	}
	lt.claimed = claimedTags(pulls, s.base, s.pullNumber())
	lt.recorded = map[int64]bool{}
	for _, p := range pulls {
		for _, body := range p.Comments {
			if m, ok := hotfix.ParseReleaseMarker(body); ok && m.RunID != 0 {
				lt.recorded[m.RunID] = true
			}
		}
	}
	return lt, nil
}

// unrecordedRuns are the runs of the hotfix workflow on the maintenance branch,
// among its last commits as the first query read them, still going and named
// by no release record: started by hand, with a tag ship cannot know (a run's
// inputs are not in GitHub's run API).
func (s *shipper) unrecordedRuns(lt lineTags) []github.Run {
	if s.state == nil {
		return nil
	}
	p := ".github/workflows/" + path.Base(s.cfg.Exceptional.Workflow)
	var runs []github.Run
	for _, c := range s.state.RecentCommits {
		for _, cr := range s.state.RecentRuns[c] {
			if cr.Path == p && cr.Branch == s.base && cr.Run.Status != "completed" && !lt.recorded[cr.Run.ID] {
				runs = append(runs, cr.Run)
			}
		}
	}
	return runs
}

// lineTagRefs lists the tags of the hotfix's release line under either prefix
// (v1.4.* and 1.4.*: a line tagged 2.0.0, then v2.0.1, is one line), in two
// requests sent together.
func (s *shipper) lineTagRefs(ctx context.Context) ([]github.TagRef, error) {
	prefixes := s.exc.from.LinePrefixes()
	refs := make([][]github.TagRef, len(prefixes))
	errs := make([]error, len(prefixes))
	var wg sync.WaitGroup
	for i, p := range prefixes {
		wg.Go(func() { refs[i], errs[i] = s.gh.TagRefs(ctx, s.repo.Owner, s.repo.Name, p) })
	}
	wg.Wait()
	var all []github.TagRef
	for i, p := range prefixes {
		if errs[i] != nil {
			return nil, fmt.Errorf("listing the tags of %s*: %w", p, errs[i])
		}
		all = append(all, refs[i]...)
	}
	return all, nil
}

// claimedTags are the hotfix tags the release records of pulls (into base)
// name, but those of the pull request self.
func claimedTags(pulls []github.PullRecords, base string, self int) map[string]int {
	claimed := map[string]int{}
	for _, p := range pulls {
		if p.Number == self {
			continue
		}
		for _, body := range p.Comments {
			if m, ok := hotfix.ParseReleaseMarker(body); ok && m.Tag != "" && m.Ref == base {
				claimed[m.Tag] = p.Number
			}
		}
	}
	return claimed
}

// names are the taken tags: existing or claimed.
func (lt lineTags) names() []string {
	var names []string
	for _, t := range lt.existing {
		names = append(names, t.Name)
	}
	for t := range lt.claimed {
		if !slices.Contains(names, t) {
			names = append(names, t)
		}
	}
	return names
}

// check refuses a tag chosen with --tag that is not on the line, or taken —
// under either prefix. A tag that exists is said to exist, even when a
// release record claims it too (the hotfix that claimed it released it).
func (lt lineTags) check(tag string, from release.Version) (release.Version, error) {
	existing := make([]string, len(lt.existing))
	for i, t := range lt.existing {
		existing[i] = t.Name
	}
	v, err := release.CheckHotfixTag(tag, from, existing)
	if err != nil {
		return release.Version{}, err
	}
	for claimed, pr := range lt.claimed {
		if w, err := release.ParseTag(claimed); claimed == tag || (err == nil && w.SameVersion(v)) {
			next, _ := release.NextPatch(from, lt.names())
			return release.Version{}, fmt.Errorf("tag %s is the one hotfix #%d of this line releases with: choose another --tag, or leave it out to take the next free one (%s)", claimed, pr, next)
		}
	}
	return v, nil
}

// pullNumber is the hotfix's pull request number, 0 before it is opened.
func (s *shipper) pullNumber() int {
	if s.pr == nil {
		return 0
	}
	return s.pr.Number
}
