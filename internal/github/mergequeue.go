package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/cli/go-gh/v2/pkg/api"
)

// The merge queue, as ship uses it (GitHub docs, "Merging a pull request with
// a merge queue"; GraphQL reference: MergeQueueEntry, enqueuePullRequest,
// RemovedFromMergeQueueEvent). A base has a queue when an active ruleset's
// merge_queue rule applies to it; ship reads that rule with the base's other
// rules (RefRules) in its first query, and a pull request's entry with the
// pull request (pullFields), so knowing about the queue costs no request.

// Queue is a base's merge queue as its merge_queue rule configures it.
type Queue struct {
	Ruleset string // the ruleset whose merge_queue rule it is
	// Method is the queue's merge method (merge, squash or rebase): the queue
	// merges with it whatever a merge request asks.
	Method string
}

// QueueEntry is a pull request's place in its base's merge queue.
type QueueEntry struct {
	ID       string // the MergeQueueEntry's node ID
	Position int    // 1 is the front
	// State is MergeQueueEntryState: QUEUED, AWAITING_CHECKS, MERGEABLE,
	// UNMERGEABLE or LOCKED.
	State string
	// ETA is GitHub's estimate of the time left before the merge (0: GitHub
	// does not know, as for a queue without history).
	ETA time.Duration
}

// apiQueueEntry is a MergeQueueEntry as the pull fragments read it.
type apiQueueEntry struct {
	ID                   string
	Position             int
	State                string
	EstimatedTimeToMerge *int // seconds
}

func (a *apiQueueEntry) entry() *QueueEntry {
	if a == nil {
		return nil
	}
	e := &QueueEntry{ID: a.ID, Position: a.Position, State: a.State}
	if a.EstimatedTimeToMerge != nil && *a.EstimatedTimeToMerge > 0 {
		e.ETA = time.Duration(*a.EstimatedTimeToMerge) * time.Second
	}
	return e
}

// queueEntryFields reads a MergeQueueEntry.
const queueEntryFields = `{ id position state estimatedTimeToMerge }`

// Describe says where the entry stands, for the person waiting: "position 2 in
// the merge queue, about 4m left; its merge group's checks are running".
func (e QueueEntry) Describe() string {
	s := fmt.Sprintf("position %d in the merge queue", e.Position)
	if e.Position == 1 {
		s = "first in the merge queue"
	}
	if e.ETA > 0 {
		s += ", " + timeLeft(e.ETA)
	}
	switch e.State {
	case "AWAITING_CHECKS":
		s += "; its merge group's checks are running"
	case "MERGEABLE":
		s += "; its merge group passed: merging"
	case "UNMERGEABLE":
		s += "; its merge group failed: GitHub removes it from the queue"
	case "LOCKED":
		s += "; the queue is locked"
	}
	return s
}

// QueueRemoval is why GitHub removed a pull request from its merge queue
// without merging it: the reason of its latest RemovedFromMergeQueueEvent.
type QueueRemoval struct {
	Reason string // the timeline's word: failed_checks, merge_conflict, manual, branch_invalidated, …
	Actor  string
	At     time.Time
}

// Why says the removal in a sentence's end: "its merge group's required checks failed".
func (r QueueRemoval) Why() string {
	switch strings.ToLower(r.Reason) {
	case "failed_checks":
		return "its merge group's required checks failed"
	case "merge_conflict":
		return "it conflicts with the base or with pull requests ahead of it in the queue"
	case "branch_invalidated":
		return "its branch changed after it was queued"
	case "manual":
		if r.Actor != "" {
			return r.Actor + " removed it"
		}
		return "someone removed it"
	case "":
		return "GitHub gave no reason"
	}
	return strings.ReplaceAll(strings.ToLower(r.Reason), "_", " ")
}

// ErrQueueRefused: GitHub would not add the pull request to the merge queue
// now (its requirements do not pass yet: reviews, checks, mergeability). The
// wrapped error carries GitHub's words ("Pull request …").
var ErrQueueRefused = errors.New("the pull request cannot join the merge queue yet")

// ErrHeadMoved: the pull request's head is no longer the commit the request
// named (expectedHeadOid): someone pushed to it.
var ErrHeadMoved = errors.New("the pull request's head moved")

func init() {
	refusalWords[ErrHeadMoved] = []string{"Head branch was modified", "head branch was modified"}
	refusalWords[ErrQueueRefused] = []string{"Pull request", "pull request", "not mergeable"}
}

const enqueueMutation = `mutation HotfixEnqueue($id: ID!, $head: GitObjectID, $jump: Boolean) {
  enqueuePullRequest(input: {pullRequestId: $id, expectedHeadOid: $head, jump: $jump}) { mergeQueueEntry ` + queueEntryFields + ` }
}`

// Enqueue adds the pull request to its base's merge queue, only while its head
// is head ("" for any head), at the front with jump (GitHub refuses a jump to
// whom the queue's rules do not allow it). A pull request already in the
// queue is not an error: its entry is returned. Refusals: [ErrHeadMoved], and
// [ErrQueueRefused] while its requirements do not pass.
func (c *Client) Enqueue(ctx context.Context, prID, head string, jump bool) (QueueEntry, error) {
	vars := map[string]any{"id": prID, "jump": jump}
	if head != "" {
		vars["head"] = head
	}
	var out struct {
		EnqueuePullRequest *struct{ MergeQueueEntry *apiQueueEntry }
	}
	err := c.GraphQL(ctx, enqueueMutation, vars, &out)
	if err != nil {
		if strings.Contains(err.Error(), "already in the merge queue") {
			// A retry after a lost answer, or someone queued it first: what counts
			// is that it is queued. Its entry comes with the next read.
			return QueueEntry{}, nil
		}
		return QueueEntry{}, classify(err, ErrHeadMoved, ErrQueueRefused)
	}
	if out.EnqueuePullRequest == nil || out.EnqueuePullRequest.MergeQueueEntry == nil {
		return QueueEntry{}, nil
	}
	return *out.EnqueuePullRequest.MergeQueueEntry.entry(), nil
}

// queueRule reads the merge_queue rule among a ref's rules, nil when none applies.
func queueRule(nodes []apiRule) *Queue {
	for _, n := range nodes {
		if n.Type != "MERGE_QUEUE" {
			continue
		}
		q := &Queue{Method: "merge"}
		if n.Ruleset != nil {
			q.Ruleset = n.Ruleset.Name
		}
		if n.Parameters != nil && n.Parameters.MergeMethod != "" {
			q.Method = strings.ToLower(n.Parameters.MergeMethod)
		}
		return q
	}
	return nil
}

// Queue is the base's merge queue, nil when it has none.
func (r RuleNodes) Queue() *Queue { return queueRule(r.Nodes) }

// RequiredApprovals is the most approving reviews any pull_request rule asks (0: none).
func (r RuleNodes) RequiredApprovals() int {
	n := 0
	for _, rule := range r.Nodes {
		if rule.Type == "PULL_REQUEST" && rule.Parameters != nil {
			n = max(n, rule.Parameters.RequiredApprovingReviewCount)
		}
	}
	return n
}

// RequiredChecks are the contexts the required_status_checks rules ask for.
func (r RuleNodes) RequiredChecks() []string {
	var out []string
	for _, rule := range r.Nodes {
		if rule.Type != "REQUIRED_STATUS_CHECKS" || rule.Parameters == nil {
			continue
		}
		for _, c := range rule.Parameters.RequiredStatusChecks {
			if c.Context != "" && !containsFold(out, c.Context) {
				out = append(out, c.Context)
			}
		}
	}
	return out
}

// timeLeft says an estimate the way a person reads it: "less than a minute
// left", "about 4m left", "about 1h5m left".
func timeLeft(d time.Duration) string {
	if d < time.Minute {
		return "less than a minute left"
	}
	d = d.Round(time.Minute)
	s := strings.TrimSuffix(d.String(), "0s")
	if d >= time.Hour {
		s = strings.TrimSuffix(s, "0m")
	}
	return "about " + s + " left"
}

// Refusal is GitHub's own words for a refusal, for the person reading it: the
// message of a GraphQL error (without the "Pull request " that the merge
// box's reasons start with in enqueuePullRequest's answers: "Pull request At
// least 1 approving review is required …") or of a REST one.
func Refusal(err error) string {
	var ge *api.GraphQLError
	var he *api.HTTPError
	msg := err.Error()
	switch {
	case errors.As(err, &ge) && len(ge.Errors) > 0:
		msg = ge.Errors[0].Message
	case errors.As(err, &he) && he.Message != "":
		msg = he.Message
	}
	if rest, ok := strings.CutPrefix(msg, "Pull request "); ok && rest != "" && unicode.IsUpper(rune(rest[0])) {
		msg = rest
	}
	return strings.TrimSuffix(strings.TrimSpace(msg), ".")
}
