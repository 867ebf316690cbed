package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// rulesetWith creates an active ruleset on the default branch with rules.
func rulesetWith(t *testing.T, e *harness.Env, repo, name string, rules ...map[string]any) {
	t.Helper()
	status, out := e.API("POST", "/repos/monalisa/"+repo+"/rulesets", map[string]any{
		"name": name, "target": "branch", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      rules})
	if status != 201 {
		t.Fatalf("create ruleset %q: %d %v", name, status, out)
	}
}

// queueRule is a merge_queue rule as the REST API takes it (its description
// requires all seven parameters).
func queueRule(method string) map[string]any {
	return map[string]any{"type": "merge_queue", "parameters": map[string]any{
		"check_response_timeout_minutes": 60, "grouping_strategy": "ALLGREEN", "max_entries_to_build": 5,
		"max_entries_to_merge": 5, "merge_method": method, "min_entries_to_merge": 1, "min_entries_to_merge_wait_minutes": 5}}
}

func approvalsRule(n int) map[string]any {
	return map[string]any{"type": "pull_request", "parameters": map[string]any{"required_approving_review_count": n,
		"dismiss_stale_reviews_on_push": false, "require_code_owner_review": false, "require_last_push_approval": false,
		"required_review_thread_resolution": false}}
}

func checksRule(contexts ...string) map[string]any {
	var checks []any
	for _, c := range contexts {
		checks = append(checks, map[string]any{"context": c})
	}
	return map[string]any{"type": "required_status_checks", "parameters": map[string]any{
		"required_status_checks": checks, "strict_required_status_checks_policy": false}}
}

// pullHead is the head commit of pull request n, once the ship p opened it.
func pullHead(t *testing.T, e *harness.Env, p *harness.Process, repo string, n string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if status, out := e.API("GET", "/repos/monalisa/"+repo+"/pulls/"+n, nil); status == 200 {
			return out.(map[string]any)["head"].(map[string]any)["sha"].(string)
		}
		if p.Exited() {
			r := p.Wait(t, time.Second)
			t.Fatalf("ship ended (exit %d) before pull request %s was open:\n%s", r.Code, n, r.Stderr)
		}
	}
	t.Fatalf("no pull request %s on %s after 30s:\n%s", n, repo, p.Stderr())
	return ""
}

// TestShipThroughMergeQueue: a main that merges through a merge queue and
// needs an approval. ship --auto never merges directly (GitHub refuses it
// there): it waits saying what is missing, joins the queue once the pull
// request can, follows its place, and releases once after the queue merged.
func TestShipThroughMergeQueue(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})

	t.Run("queue and one approval: enqueued, merged by the queue, released once", func(t *testing.T) {
		work := startHotfix(t, e, "queued", "queue fix")
		e.AddCollaborator("queued", "hubot")
		rulesetWith(t, e, "queued", "protect main", approvalsRule(1), checksRule("ci/test"), queueRule("SQUASH"))
		e.ClearRequests()
		p := e.Start(work, "ship", "--auto", "--interval", "1s", "--merge-method", "rebase")
		head := pullHead(t, e, p, "queued", "1")
		e.API("POST", "/repos/monalisa/queued/statuses/"+head, map[string]any{"state": "success", "context": "ci/test"})
		// The wait names the approval missing before anyone approved.
		e.Eventually("the wait to say an approval is missing", 30*time.Second, func() bool {
			return strings.Contains(p.Stderr(), "1 approving review missing")
		})
		if status, out := e.APIAs("hubot-token", "POST", "/repos/monalisa/queued/pulls/1/reviews", map[string]any{"event": "APPROVE"}); status != 200 {
			t.Fatalf("approve: %d %v", status, out)
		}
		// ship adds it to the queue; the queue builds its merge group, whose
		// required checks CI reports.
		var group map[string]any
		e.Eventually("the merge group", 30*time.Second, func() bool {
			status, out := e.Control("POST", "repos/monalisa/queued/merge-queue/main", map[string]any{"conclusion": "success"})
			group, _ = out.(map[string]any)
			return status == 200
		})
		if !strings.HasPrefix(group["ref"].(string), "refs/heads/gh-readonly-queue/main/pr-1-") {
			t.Errorf("merge group %v", group)
		}
		r := p.Wait(t, 2*time.Minute)
		if r.Code != 0 {
			t.Fatalf("ship --auto: exit %d\n%s", r.Code, r.Stderr)
		}
		for _, want := range []string{
			"main merges through a merge queue, with squash: --merge-method rebase is not used",
			"cannot join main's merge queue yet (At least 1 approving review is required by reviewers with write access)",
			"Added #1 to main's merge queue",
			"Pull request #1 merged",
			"Dispatched",
		} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
			}
		}
		api, _, _ := e.RequestCounts()
		if n := api["PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge"]; n != 0 {
			t.Errorf("ship tried %d direct merges on a branch with a merge queue", n)
		}
		if n := api["graphql mutation enqueuePullRequest (HotfixEnqueue)"]; n < 1 {
			t.Errorf("ship never enqueued: %v", api)
		}
		if n := dispatchCount(e); n != 1 {
			t.Errorf("%d dispatches, want 1", n)
		}
		_, out := e.API("GET", "/repos/monalisa/queued/pulls/1", nil)
		pr := out.(map[string]any)
		if pr["merged"] != true || pr["merged_by"].(map[string]any)["login"] != "github-merge-queue[bot]" {
			t.Errorf("not merged by the queue: merged %v by %v", pr["merged"], pr["merged_by"])
		}
		// The queue squashed, whatever --merge-method said.
		_, c := e.API("GET", "/repos/monalisa/queued/commits/"+pr["merge_commit_sha"].(string), nil)
		if parents := c.(map[string]any)["parents"].([]any); len(parents) != 1 {
			t.Errorf("merge commit has %d parents, want a squash", len(parents))
		}

		// Shipped again: nothing more happens.
		e.ClearRequests()
		if r := e.Hotfix(work, "ship"); r.Code != 0 || !strings.Contains(r.Stderr, "Release already started") {
			t.Fatalf("ship again: exit %d\n%s", r.Code, r.Stderr)
		}
		if n := dispatchCount(e); n != 0 {
			t.Errorf("a second ship dispatched %d times", n)
		}
	})

	t.Run("a merge group failing its checks ends the wait with the reason", func(t *testing.T) {
		work := startHotfix(t, e, "dropped", "dropped fix")
		rulesetWith(t, e, "dropped", "queue", checksRule("ci/test"), queueRule("MERGE"))
		p := e.Start(work, "ship", "--auto", "--interval", "1s", "--jump")
		head := pullHead(t, e, p, "dropped", "1")
		e.API("POST", "/repos/monalisa/dropped/statuses/"+head, map[string]any{"state": "success", "context": "ci/test"})
		e.Eventually("the merge group", 30*time.Second, func() bool {
			status, _ := e.Control("POST", "repos/monalisa/dropped/merge-queue/main", map[string]any{"conclusion": "failure"})
			return status == 200
		})
		r := p.Wait(t, time.Minute)
		assertFailed(t, r, "#1 was removed from main's merge queue: its merge group's required checks failed; fix what it says, then run gh hotfix ship --auto --jump again to queue it again")
		if !strings.Contains(r.Stderr, "Added #1 to main's merge queue at the front") {
			t.Errorf("no sign of the jump:\n%s", r.Stderr)
		}
		if n := dispatchCount(e); n != 0 {
			t.Errorf("%d dispatches for an unmerged hotfix", n)
		}
	})

	t.Run("auto-merge queues it, the queue drops it: the wait ends with the reason", func(t *testing.T) {
		work := startHotfix(t, e, "autoqueue", "auto queue fix")
		e.AddCollaborator("autoqueue", "hubot")
		e.API("PATCH", "/repos/monalisa/autoqueue", map[string]any{"allow_auto_merge": true})
		rulesetWith(t, e, "autoqueue", "protect main", approvalsRule(1), checksRule("ci/test"), queueRule("MERGE"))
		p := e.Start(work, "ship", "--auto", "--interval", "1s")
		head := pullHead(t, e, p, "autoqueue", "1")
		e.Eventually("auto-merge", 30*time.Second, func() bool {
			_, out := e.API("GET", "/repos/monalisa/autoqueue/pulls/1", nil)
			return out.(map[string]any)["auto_merge"] != nil
		})
		e.API("POST", "/repos/monalisa/autoqueue/statuses/"+head, map[string]any{"state": "success", "context": "ci/test"})
		if status, out := e.APIAs("hubot-token", "POST", "/repos/monalisa/autoqueue/pulls/1/reviews", map[string]any{"event": "APPROVE"}); status != 200 {
			t.Fatalf("approve: %d %v", status, out)
		}
		// GitHub queues it at once; its group fails before ship reads again.
		e.Eventually("the merge group", 30*time.Second, func() bool {
			status, _ := e.Control("POST", "repos/monalisa/autoqueue/merge-queue/main", map[string]any{"conclusion": "failure"})
			return status == 200
		})
		r := p.Wait(t, time.Minute)
		assertFailed(t, r, "#1 was removed from main's merge queue: its merge group's required checks failed; fix what it says, then run gh hotfix ship --auto again to queue it again")
		if !strings.Contains(r.Stderr, "Enabled auto-merge: GitHub adds #1 to main's merge queue once it can join") {
			t.Errorf("no auto-merge:\n%s", r.Stderr)
		}
	})

	t.Run("--jump without a queue is refused before anything changes", func(t *testing.T) {
		work := startHotfix(t, e, "nojump", "no jump fix")
		before := e.Snapshot(work, "nojump")
		r := e.Hotfix(work, "ship", "--auto", "--jump")
		assertFailed(t, r, "--jump puts the pull request at the front of the merge queue, and main has none: run ship --auto without --jump")
		if after := e.Snapshot(work, "nojump"); after != before {
			t.Errorf("a refused ship changed something:\n%s\n---\n%s", before, after)
		}
	})
}

// TestShipWaitNamesFailingRequiredCheck: a required check failing on the
// pull request is named while ship waits.
func TestShipWaitNamesFailingRequiredCheck(t *testing.T) {
	t.Parallel()
	e := harness.New(t)
	work := startHotfix(t, e, "redcheck", "red check fix")
	rulesetWith(t, e, "redcheck", "checks", checksRule("ci/test"))
	p := e.Start(work, "ship", "--interval", "1s", "--timeout", "20s", "--no-release")
	head := pullHead(t, e, p, "redcheck", "1")
	e.API("POST", "/repos/monalisa/redcheck/statuses/"+head, map[string]any{"state": "failure", "context": "ci/test"})
	r := p.Wait(t, time.Minute)
	if r.Code == 0 {
		t.Fatalf("ship merged a PR whose required check failed:\n%s", r.Stderr)
	}
	if !strings.Contains(r.Stderr, "1 check failing (ci/test)") || !strings.Contains(r.Stderr, "gave up waiting for #1 to be merged after 20s") {
		t.Errorf("the wait did not name the failing check:\n%s", r.Stderr)
	}
	if _, out := e.API("GET", "/repos/monalisa/redcheck/pulls/1", nil); out.(map[string]any)["merged"] != false {
		t.Errorf("the PR was merged")
	}
}
