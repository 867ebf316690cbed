package emulator

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// GraphQL for the merge queue (mergequeue.go): Repository.mergeQueue,
// PullRequest.mergeQueueEntry, enqueuePullRequest and dequeuePullRequest, as
// GitHub's schema has them.

// mergeQueue is the branch's MergeQueue, nil when the branch has none.
func (g *gqlCtx) mergeQueue(r *repo, branch string) any {
	params := r.queueRule(branch)
	if params == nil {
		return nil
	}
	num := func(k string) any {
		if v, ok := params[k].(float64); ok {
			return int(v)
		}
		return nil
	}
	str := func(k string) any {
		if v, ok := params[k].(string); ok {
			return v
		}
		return nil
	}
	path := "/" + r.fullName() + "/queue/" + branch
	return gql.Fields{Type: "MergeQueue", F: map[string]any{
		"id": nodeID("MQ", r.ID) + ":" + branch, "resourcePath": path, "url": webURL + path,
		"repository":                    func() any { return g.repo(r) },
		"nextEntryEstimatedTimeToMerge": nil,
		// MergeQueueConfiguration: the rule's parameters (REST names on the
		// left of each pair in repository-rule-merge-queue); mergeMethod is a
		// PullRequestMergeMethod and mergingStrategy the grouping_strategy.
		"configuration": gql.Fields{Type: "MergeQueueConfiguration", F: map[string]any{
			"checkResponseTimeout":          num("check_response_timeout_minutes"),
			"maximumEntriesToBuild":         num("max_entries_to_build"),
			"maximumEntriesToMerge":         num("max_entries_to_merge"),
			"minimumEntriesToMerge":         num("min_entries_to_merge"),
			"minimumEntriesToMergeWaitTime": num("min_entries_to_merge_wait_minutes"),
			"mergeMethod":                   str("merge_method"),
			"mergingStrategy":               str("grouping_strategy"),
		}},
		"entries": func(a args) any {
			var items []any
			if r.mq != nil {
				for i, e := range r.mq.entries[branch] {
					items = append(items, g.queueEntry(r, e, i))
				}
			}
			return connection("MergeQueueEntryConnection", items, a)
		},
	}}
}

// pullQueueEntry is the pull request's MergeQueueEntry, nil when not queued.
func (g *gqlCtx) pullQueueEntry(r *repo, is *issue) any {
	e, i := r.queueEntry(is)
	if e == nil {
		return nil
	}
	return g.queueEntry(r, e, i)
}

// queueEntry answers a MergeQueueEntry at index i of its queue: position 1
// is the front (supabitapp/supacode#352: "Position renders 1-based");
// estimatedTimeToMerge is null (GitHub has no history to estimate from in a
// new repository); solo is false (entries are merged one by one, never
// flagged to go alone).
func (g *gqlCtx) queueEntry(r *repo, e *mergeQueueEntry, i int) gql.Object {
	return gql.Fields{Type: "MergeQueueEntry", F: map[string]any{
		"id": nodeID("MQE", e.ID), "position": i + 1, "state": r.entryState(e), "jump": e.Jump, "solo": false,
		"enqueuedAt": e.EnqueuedAt, "estimatedTimeToMerge": nil,
		"enqueuer":    func() any { return g.user(e.Enqueuer) },
		"headCommit":  func() any { return commitOrNil(g, r, e.HeadSHA) },
		"baseCommit":  func() any { return commitOrNil(g, r, e.BaseSHA) },
		"pullRequest": func() any { return g.pull(r, e.is) },
		"mergeQueue":  func() any { return g.mergeQueue(r, e.is.pr.Base) },
	}}
}

// enqueuePullRequest adds a pull request to its base's merge queue.
func (g *gqlCtx) enqueuePullRequest(a args) (any, error) {
	in, _ := a["input"].(map[string]any)
	r, is, err := g.pullByID(argStr(in, "pullRequestId"))
	if err != nil {
		return nil, err
	}
	jump, _ := in["jump"].(bool)
	e, err := g.s.enqueue(r, is, g.login, argStr(in, "expectedHeadOid"), jump)
	if err != nil {
		return nil, err
	}
	var entry any
	if cur, i := r.queueEntry(is); cur == e {
		entry = g.queueEntry(r, e, i)
	} else {
		// Already merged or removed by the queue (no required checks):
		// the entry as it was when it left.
		entry = g.queueEntry(r, e, 0)
	}
	return gql.Fields{Type: "EnqueuePullRequestPayload", F: map[string]any{"clientMutationId": nil, "mergeQueueEntry": entry}}, nil
}

// dequeuePullRequest removes an entry from its queue; id is the
// MergeQueueEntry's (DequeuePullRequestInput.id).
func (g *gqlCtx) dequeuePullRequest(a args) (any, error) {
	in, _ := a["input"].(map[string]any)
	id := argStr(in, "id")
	for _, r := range g.s.st.repos {
		if r.mq == nil {
			continue
		}
		for _, list := range r.mq.entries {
			for i, e := range list {
				if nodeID("MQE", e.ID) == id {
					entry := g.queueEntry(r, e, i)
					g.s.dequeue(r, e, g.login)
					return gql.Fields{Type: "DequeuePullRequestPayload", F: map[string]any{"clientMutationId": nil, "mergeQueueEntry": entry}}, nil
				}
			}
		}
	}
	return nil, notFoundErr(fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id))
}

// queueTimeline are the pull request's AddedToMergeQueueEvent and
// RemovedFromMergeQueueEvent items the itemTypes ask for (all when none),
// with their times. RemovedFromMergeQueueEvent.reason is the lowercase word
// the timeline carries ("manual", "failed_checks": djinnos/djinn#768,
// digitaldrywood/detent#2474), null on a merge; beforeCommit is the entry's
// head (detent#2474 reads it as the removed head, and notes it may differ).
func (g *gqlCtx) queueTimeline(r *repo, is *issue, want map[string]bool) (items []any, at []time.Time) {
	if r.mq == nil {
		return nil, nil
	}
	for _, ev := range r.mq.events {
		if ev.Number != is.Number {
			continue
		}
		typ, kind, prefix := "AddedToMergeQueueEvent", "ADDED_TO_MERGE_QUEUE_EVENT", "AMQE"
		if ev.Removed {
			typ, kind, prefix = "RemovedFromMergeQueueEvent", "REMOVED_FROM_MERGE_QUEUE_EVENT", "RMQE"
		}
		if len(want) > 0 && !want[kind] {
			continue
		}
		f := map[string]any{
			"id": nodeID(prefix, ev.ID), "createdAt": ev.At,
			"actor":       func() any { return g.actor(ev.Actor) },
			"enqueuer":    func() any { return g.user(ev.Enqueuer) },
			"pullRequest": func() any { return g.pull(r, is) },
			"mergeQueue":  func() any { return g.mergeQueue(r, ev.Branch) },
		}
		if ev.Removed {
			f["reason"] = nullIfEmpty(ev.Reason)
			f["beforeCommit"] = func() any { return commitOrNil(g, r, ev.BeforeSHA) }
		}
		items = append(items, gql.Fields{Type: typ, F: f})
		at = append(at, ev.At)
	}
	return items, at
}

// actor is a User, or the Bot github-merge-queue[bot].
func (g *gqlCtx) actor(login string) any {
	u := g.s.st.ensureUser(login)
	if u.Type != "Bot" {
		return g.user(login)
	}
	return gql.Fields{Type: "Bot", F: map[string]any{"id": nodeID("BOT", u.ID), "login": u.Login,
		"url": webURL + "/apps/" + strings.TrimSuffix(u.Login, "[bot]"), "avatarUrl": webURL + "/avatars/" + u.Login,
		"resourcePath": "/apps/" + strings.TrimSuffix(u.Login, "[bot]")}}
}

// sortTimeline orders items by their times, oldest first, keeping the order
// of items at the same time.
func sortTimeline(items []any, at []time.Time) []any {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return at[a].Compare(at[b]) })
	out := make([]any, len(items))
	for i, j := range idx {
		out[i] = items[j]
	}
	return out
}
