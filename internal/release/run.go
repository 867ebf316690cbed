package release

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// Merge is a merged change whose release run is being recognised. A workflow run
// is the release of a merge only if it contains the merge: a run found by listing
// the workflow's runs may be a teammate's release of an older commit, started a
// moment before ours, and taking it would tell the team a fix ships when it does not.
type Merge struct {
	SHA    string // the merge commit
	Branch string // the branch the change was merged into, which the release runs on
	// Decided is when the release was decided, by GitHub's clock: the created_at of
	// the release comment, posted before any dispatch. A run found by listing must
	// be created at or after it. GitHub's timestamps are whole seconds, so a run of
	// the same second passes and its commit settles it. The local clock is never
	// used: it may be minutes off GitHub's. Zero means no bound (a recorded run).
	Decided time.Time
	// Known holds commits already read to contain SHA, such as the base's tip read
	// in the same query that found the merge in its history: a run at one of them
	// needs no compare request.
	Known []string
}

// Ancestry answers whether commit descendant contains commit ancestor (a commit
// contains itself); github.Client.Contains for one repository.
type Ancestry func(ctx context.Context, ancestor, descendant string) (bool, error)

// Verdict says whether a run is a release of the merge, and when not, why.
type Verdict struct {
	Ours bool
	Why  string // for a run that is not ours: what rules it out
}

// Judge decides whether run is a release of m: on m's branch, created no earlier
// than the decision to release, and at the merge commit or a commit containing
// it. Containment costs one compare request unless the run's commit is the merge
// or already known to contain it.
func (m Merge) Judge(ctx context.Context, run github.Run, contains Ancestry) (Verdict, error) {
	switch {
	case run.HeadBranch != "" && m.Branch != "" && run.HeadBranch != m.Branch:
		return Verdict{Why: fmt.Sprintf("run %d is on %s, not %s", run.ID, run.HeadBranch, m.Branch)}, nil
	case !m.Decided.IsZero() && !run.CreatedAt.IsZero() && run.CreatedAt.Before(m.Decided):
		return Verdict{Why: fmt.Sprintf("run %d was created at %s, before the release was decided at %s",
			run.ID, run.CreatedAt.UTC().Format(time.RFC3339), m.Decided.UTC().Format(time.RFC3339))}, nil
	case run.HeadSHA == "":
		return Verdict{Why: fmt.Sprintf("run %d has no commit", run.ID)}, nil
	case run.HeadSHA == m.SHA:
		return Verdict{Ours: true}, nil
	}
	for _, k := range m.Known {
		if run.HeadSHA == k {
			return Verdict{Ours: true}, nil
		}
	}
	ok, err := contains(ctx, m.SHA, run.HeadSHA)
	if err != nil {
		return Verdict{}, fmt.Errorf("checking whether run %d contains merge %s: %w", run.ID, abbrev(m.SHA), err)
	}
	if !ok {
		return Verdict{Why: fmt.Sprintf("run %d is at commit %s, which does not contain the merge %s", run.ID, abbrev(run.HeadSHA), abbrev(m.SHA))}, nil
	}
	return Verdict{Ours: true}, nil
}

// First returns the earliest of runs that is a release of m (nil when none is),
// and why each earlier one is not. Runs at the same commit are compared once.
func (m Merge) First(ctx context.Context, runs []github.Run, contains Ancestry) (*github.Run, []string, error) {
	// Oldest first: the first run after the decision is the one the decision started.
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b github.Run) int { return a.CreatedAt.Compare(b.CreatedAt) })
	seen := map[string]bool{} // commit -> contains the merge, once compared
	cached := func(ctx context.Context, ancestor, descendant string) (bool, error) {
		if v, ok := seen[descendant]; ok {
			return v, nil
		}
		v, err := contains(ctx, ancestor, descendant)
		if err == nil {
			seen[descendant] = v
		}
		return v, err
	}
	var why []string
	for i := range sorted {
		v, err := m.Judge(ctx, sorted[i], cached)
		if err != nil {
			return nil, why, err
		}
		if v.Ours {
			return &sorted[i], why, nil
		}
		why = append(why, v.Why)
	}
	return nil, why, nil
}

// abbrev shortens a commit name as git does in messages.
func abbrev(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
