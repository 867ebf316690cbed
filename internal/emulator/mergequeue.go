package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// The merge queue: GitHub docs, "Managing a merge queue" and "Merging a pull
// request with a merge queue"; GraphQL reference, MergeQueue, MergeQueueEntry,
// enqueuePullRequest and dequeuePullRequest. A branch has a queue when an
// active ruleset's merge_queue rule applies to it (REST docs, "Create a
// repository ruleset", repository-rule-merge-queue); a new github.com
// repository has none.
//
// What is modelled: one merge group at a time (the front entry's), built on
// the base's tip as the queue's merge method would merge it, pushed to a
// gh-readonly-queue/<base>/pr-<number>-<base sha> branch ("Managing a merge
// queue": the queue creates temporary branches with the prefix
// gh-readonly-queue/<base> to run the required checks on); the group passes
// when every required check on the base (branch protection's contexts and the
// required_status_checks rules' contexts) has succeeded on its commit, and
// then the base moves to that commit and the pull request is merged; a failing
// required check removes the entry. Grouping several entries
// (max_entries_to_build/merge, min_entries_to_merge and its wait), the check
// response timeout and estimated times are stored and answered but not acted
// on: estimatedTimeToMerge is null, as GitHub answers before it has history.

// mergeQueueBot is who merges and removes entries: the actor of a pull
// request's removed_from_merge_queue event is github-merge-queue[bot], on a
// merge as on a failure (objectstack-ai/objectstack#19343, whose table lists
// both; Systemorph/MeshWeaver#4272: "merged + removed_from_merge_queue
// github-merge-queue[bot]").
const mergeQueueBot = "github-merge-queue[bot]"

// mergeQueueEntry is one pull request in a branch's queue.
type mergeQueueEntry struct {
	ID         int64
	is         *issue
	Enqueuer   string
	EnqueuedAt time.Time
	Jump       bool
	HeadSHA    string // the head the entry was enqueued with
	// BaseSHA, GroupRef and GroupSHA are set once the entry's merge group is
	// built: the base tip it was built on, its branch and its commit.
	BaseSHA, GroupRef, GroupSHA string
}

// mergeQueueEvent is an AddedToMergeQueueEvent or a RemovedFromMergeQueueEvent.
type mergeQueueEvent struct {
	ID      int64
	Number  int // the pull request's
	Removed bool
	Actor   string
	// Enqueuer and BeforeSHA are the entry's enqueuer and head.
	Enqueuer, BeforeSHA string
	Reason              string // removed: "" (merged), "manual", "failed_checks", …
	At                  time.Time
	Branch              string
}

// mergeQueues are a repository's queues by base branch and its pull requests'
// queue events.
type mergeQueues struct {
	entries map[string][]*mergeQueueEntry
	events  []*mergeQueueEvent
}

func (r *repo) queues() *mergeQueues {
	if r.mq == nil {
		r.mq = &mergeQueues{entries: map[string][]*mergeQueueEntry{}}
	}
	return r.mq
}

// queueRule is the parameters of the first active merge_queue rule on the
// branch, nil when the branch has no merge queue.
func (r *repo) queueRule(branch string) map[string]any {
	for _, ar := range r.branchRules(branch) {
		if ar.Type == "merge_queue" {
			if ar.Parameters == nil {
				return map[string]any{}
			}
			return ar.Parameters
		}
	}
	return nil
}

// queueMethod is the queue's merge_method as doMerge names methods (merge,
// squash, rebase); the REST description requires it, MERGE when absent.
func queueMethod(params map[string]any) string {
	if m, ok := params["merge_method"].(string); ok && m != "" {
		return strings.ToLower(m)
	}
	return "merge"
}

// queueEntry finds the pull request's entry and its position (0-based).
func (r *repo) queueEntry(is *issue) (*mergeQueueEntry, int) {
	if r.mq == nil || is.pr == nil {
		return nil, -1
	}
	for i, e := range r.mq.entries[is.pr.Base] {
		if e.is == is {
			return e, i
		}
	}
	return nil, -1
}

// requiredContexts are the checks a merge group into branch must pass: the
// branch protection's contexts and the active required_status_checks rules'
// contexts ("Managing a merge queue": "Merge queue and pull requests checks
// are coupled and configured under branch protection rules or rulesets").
func (r *repo) requiredContexts(branch string) []string {
	var out []string
	for _, l := range r.mergeLayers(branch) {
		for _, ctx := range l.contexts {
			if !slices.Contains(out, ctx) {
				out = append(out, ctx)
			}
		}
	}
	return out
}

// enqueueRefusal is why the pull request cannot join its base's queue, "" when
// it can. GitHub refuses enqueuePullRequest with "Pull request " followed by
// the merge box's reason: "Pull request Waiting on code owner review from …"
// (github/app#93), "Pull request Required workflow '…' is not satisfied"
// (devantler-tech/platform#3138). The reasons below follow that shape; their
// own words are the first unmet requirement's (requirements.go) where GitHub's
// exact words for the queue were not found (approvals, checks), doMerge's
// otherwise.
func (r *repo) enqueueRefusal(is *issue) string {
	p := is.pr
	switch {
	case is.State != "open":
		return "Pull request is closed"
	case p.Draft:
		return "Pull request is still a draft"
	}
	state, _ := r.mergeState(p)
	switch state {
	case "DIRTY", "UNKNOWN":
		return "Pull request is not mergeable"
	}
	// A head behind the base does not keep a pull request out of the queue:
	// its merge group is built on the base's tip ("Managing a merge queue").
	for _, u := range r.unmet(p, "") {
		if !u.behind {
			return "Pull request " + u.msg
		}
	}
	return ""
}

// enqueue adds the pull request to its base's queue (GraphQL
// enqueuePullRequest, EnqueuePullRequestInput's jump and expectedHeadOid: the
// schema here carries no descriptions, so these are read from the names and
// from what users report: cncf/prow-github-actions#166 passes expectedHeadOid
// as "the queue's head check"). A head that moved is refused in
// mergePullRequest's words for the same input, GitHub's own for enqueue not
// having been found.
func (s *Server) enqueue(r *repo, is *issue, login, expectedHead string, jump bool) (*mergeQueueEntry, error) {
	p := is.pr
	if r.queueRule(p.Base) == nil {
		return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Pull request base branch " + p.Base + " does not have a merge queue"}
	}
	if e, _ := r.queueEntry(is); e != nil {
		return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Pull request is already in the merge queue"}
	}
	head := r.headSHA(p)
	if expectedHead != "" && expectedHead != head {
		return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Head branch was modified. Review and try the merge again."}
	}
	if msg := r.enqueueRefusal(is); msg != "" {
		return nil, &gql.Error{Type: "UNPROCESSABLE", Message: msg}
	}
	now := s.st.now()
	e := &mergeQueueEntry{ID: s.st.id(), is: is, Enqueuer: login, EnqueuedAt: now, Jump: jump, HeadSHA: head}
	q := r.queues()
	list := q.entries[p.Base]
	if jump {
		// Jumping puts the entry first; a group already built for the old front
		// is built again after it, on the base the jumping entry leaves (the
		// emulator's reading: a group is tested on top of what merges before it).
		if len(list) > 0 {
			s.dropGroup(r, list[0])
		}
		list = append([]*mergeQueueEntry{e}, list...)
	} else {
		list = append(list, e)
	}
	q.entries[p.Base] = list
	// Auto-merge hands the pull request over to the queue: once queued it has
	// no auto-merge request (Systemorph/MeshWeaver#4272 reads auto_merge false
	// on a pull request the queue took from auto-merge).
	p.AutoMerge = nil
	q.events = append(q.events, &mergeQueueEvent{ID: s.st.id(), Number: is.Number, Actor: login, Enqueuer: login, At: now, Branch: p.Base})
	s.advanceQueue(r, p.Base)
	return e, nil
}

// dequeue removes the entry (dequeuePullRequest); the timeline's reason for a person's removal is "manual"
// (djinnos/djinn#768: the RemovedFromMergeQueueEvent reason "manual" when an
// operator removes a pull request).
func (s *Server) dequeue(r *repo, e *mergeQueueEntry, actor string) {
	s.removeEntry(r, e, actor, "manual")
	s.advanceQueue(r, e.is.pr.Base)
}

func (s *Server) removeEntry(r *repo, e *mergeQueueEntry, actor, reason string) {
	q := r.queues()
	base := e.is.pr.Base
	q.entries[base] = slices.DeleteFunc(q.entries[base], func(x *mergeQueueEntry) bool { return x == e })
	s.dropGroup(r, e)
	q.events = append(q.events, &mergeQueueEvent{ID: s.st.id(), Number: e.is.Number, Removed: true, Actor: actor,
		Enqueuer: e.Enqueuer, BeforeSHA: e.HeadSHA, Reason: reason, At: s.st.now(), Branch: base})
}

// dropGroup deletes the entry's merge group branch, if it has one.
func (s *Server) dropGroup(r *repo, e *mergeQueueEntry) {
	if e.GroupRef != "" {
		_ = r.git.deleteRef(e.GroupRef)
	}
	e.BaseSHA, e.GroupRef, e.GroupSHA = "", "", ""
}

// entryState is MergeQueueEntryState: QUEUED while waiting, AWAITING_CHECKS
// while its group's required checks run, MERGEABLE once they passed.
func (r *repo) entryState(e *mergeQueueEntry) string {
	if e.GroupSHA == "" {
		return "QUEUED"
	}
	switch r.groupChecks(e) {
	case "success":
		return "MERGEABLE"
	case "failure":
		return "UNMERGEABLE"
	}
	return "AWAITING_CHECKS"
}

// groupChecks is "success" when every required check passed on the group's
// commit, "failure" when one failed, "pending" otherwise.
func (r *repo) groupChecks(e *mergeQueueEntry) string {
	all := "success"
	for _, ctx := range r.requiredContexts(e.is.pr.Base) {
		switch r.contextState(e.GroupSHA, ctx) {
		case "success":
		case "failure", "error":
			return "failure"
		default:
			all = "pending"
		}
	}
	return all
}

// advanceQueues moves every queue of the repository (after a push, a check, a
// review or a merge: where tryAutoMerge runs).
func (s *Server) advanceQueues(r *repo) {
	if r.mq == nil {
		return
	}
	for _, branch := range sortedKeys(r.mq.entries) {
		s.advanceQueue(r, branch)
	}
}

func sortedKeys(m map[string][]*mergeQueueEntry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// advanceQueue builds the front entry's merge group, merges it when its checks
// passed and removes it when they failed, until the front entry waits.
func (s *Server) advanceQueue(r *repo, branch string) {
	for {
		list := r.queues().entries[branch]
		if len(list) == 0 {
			return
		}
		e := list[0]
		p := e.is.pr
		// A pull request closed, or whose head moved, leaves the queue
		// (cncf/prow-github-actions#166: "GitHub also auto-dequeues on a later
		// push").
		if e.is.State != "open" {
			s.removeEntry(r, e, mergeQueueBot, "")
			continue
		}
		if r.headSHA(p) != e.HeadSHA {
			s.removeEntry(r, e, mergeQueueBot, "branch_invalidated")
			continue
		}
		params := r.queueRule(branch)
		if params == nil {
			return // the rule is gone: the entries wait
		}
		base := r.git.branchSHA(branch)
		if e.GroupSHA != "" && e.BaseSHA != base {
			s.dropGroup(r, e) // the base moved under the group: rebuild it
		}
		if e.GroupSHA == "" {
			if err := s.buildGroup(r, e, queueMethod(params), base); err != nil {
				s.removeEntry(r, e, mergeQueueBot, "merge_conflict")
				continue
			}
		}
		switch r.groupChecks(e) {
		case "pending":
			return
		case "failure":
			// detent#2474 (digitaldrywood/detent): "removed PR #2433 … from the
			// merge queue with reason failed_checks (its merge-group run failed)".
			s.removeEntry(r, e, mergeQueueBot, "failed_checks")
			continue
		}
		if err := r.git.updateRef("refs/heads/"+branch, e.GroupSHA, e.BaseSHA); err != nil {
			s.dropGroup(r, e)
			continue
		}
		sha := e.GroupSHA
		s.removeEntry(r, e, mergeQueueBot, "")
		bot := s.st.ensureUser(mergeQueueBot)
		bot.Type = "Bot"
		s.finishMerge(r, e.is, e.HeadSHA, sha, mergeQueueBot)
	}
}

// buildGroup creates the entry's merge group: the pull request merged onto
// base with the queue's method, on gh-readonly-queue/<branch>/pr-<n>-<base>.
func (s *Server) buildGroup(r *repo, e *mergeQueueEntry, method, base string) error {
	p, is := e.is.pr, e.is
	env := gitEnv(e.Enqueuer, s.st.now())
	var sha string
	var err error
	switch method {
	case "rebase":
		if _, err = r.git.mergeTree(base, e.HeadSHA); err == nil {
			sha, err = r.git.rebase(env, base, e.HeadSHA)
		}
	default:
		var tree string
		if tree, err = r.git.mergeTree(base, e.HeadSHA); err != nil {
			return err
		}
		if method == "squash" {
			sha, err = r.git.commitTree(env, tree, fmt.Sprintf("%s (#%d)\n\n", is.Title, is.Number), base)
		} else {
			sha, err = r.git.commitTree(env, tree, fmt.Sprintf("Merge pull request #%d from %s/%s\n\n%s", is.Number, r.headRepo(p).Owner, p.Head, is.Title), base, e.HeadSHA)
		}
	}
	if err != nil {
		return err
	}
	ref := fmt.Sprintf("refs/heads/gh-readonly-queue/%s/pr-%d-%s", p.Base, is.Number, base)
	if err := r.git.updateRef(ref, sha, ""); err != nil {
		return err
	}
	e.BaseSHA, e.GroupRef, e.GroupSHA = base, ref, sha
	return nil
}

// controlMergeQueue reports the conclusion of the front merge group's required
// checks on branch (control API, merge-queue).
func (s *Server) controlMergeQueue(w http.ResponseWriter, r *repo, branch, conclusion string) {
	if conclusion != "success" && conclusion != "failure" {
		writeJSON(w, 422, map[string]string{"message": "control API: conclusion must be success or failure"})
		return
	}
	s.advanceQueue(r, branch)
	var e *mergeQueueEntry
	if r.mq != nil && len(r.mq.entries[branch]) > 0 {
		e = r.mq.entries[branch][0]
	}
	if e == nil || e.GroupSHA == "" {
		writeJSON(w, 404, map[string]string{"message": "control API: no merge group is being checked on " + branch})
		return
	}
	contexts := r.requiredContexts(branch)
	now := s.st.now()
	for _, ctx := range contexts {
		r.statuses = append(r.statuses, &commitStatus{ID: s.st.id(), SHA: e.GroupSHA, State: conclusion, Context: ctx,
			Creator: mergeQueueBot, CreatedAt: now, UpdatedAt: now})
	}
	out := map[string]any{"ref": e.GroupRef, "sha": e.GroupSHA, "pull_number": e.is.Number, "contexts": contexts}
	s.advanceQueue(r, branch)
	writeJSON(w, 200, out)
}
