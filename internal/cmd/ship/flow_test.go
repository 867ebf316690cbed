package ship

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// TestShipFlows runs ship from the branch's state on GitHub to the end of
// the run, one scenario per row: what it printed, what it asked GitHub, in
// which order, and what it left in git.
func TestShipFlows(t *testing.T) {
	tests := []struct {
		name    string
		fixture fixtureOpts
		opts    ShipOptions
		// setup registers GitHub's answers (and may change the checkout).
		setup func(fx *shipFixture, reg *httpmock.Registry)
		// requests are the requests GitHub receives, in order (see shipResult.names).
		requests []string
		wantErr  string // a part of the exit error; "" for none
		stdout   []string
		stderr   []string
		check    func(t *testing.T, fx *shipFixture, r shipResult)
	}{
		{
			name: "dry run on a new branch",
			opts: ShipOptions{DryRun: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/workflows/release.yml"), httpmock.JSON(200, `{"state": "active"}`))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/workflows/release.yml"},
			stdout: []string{
				"Plan for hotfix/login (standard process; nothing is changed with --dry-run):\n",
				"- Push hotfix/login (",
				`- Open a pull request from hotfix/login into main titled "Hotfix: Login fails"`,
				`- Add the label "hotfix"`,
				"- Wait for the pull request to be merged",
				"- Dispatch release.yml on main with inputs (none), once",
			},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if got := fx.originRef("refs/heads/hotfix/login"); got != "" {
					t.Errorf("the dry run pushed hotfix/login to origin (at %s)", got)
				}
				if got := fx.git("config", "--get-regexp", `^branch\.hotfix/login\.`); strings.Contains(got, "merge") {
					t.Errorf("the dry run set an upstream:\n%s", got)
				}
			},
		},
		{
			name: "open the pull request and stop (--no-wait)",
			opts: ShipOptions{NoWait: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
				opened := pullSpec{number: 7, state: "OPEN", head: fx.tip}.json()
				reg.Register(httpmock.GraphQL(`^HotfixOpen$`), httpmock.GraphQLQuery(map[string]any{"data": map[string]any{
					"createPullRequest": map[string]any{"pullRequest": opened}}}, func(q string, v map[string]any) {
					if v["head"] != "hotfix/login" || v["base"] != "main" || v["title"] != "Hotfix: Login fails" || v["withLabel"] != false {
						t.Errorf("HotfixOpen variables %v", v)
					}
					if body, _ := v["body"].(string); !strings.Contains(body, "**What broke:** Login fails") {
						t.Errorf("the pull request's body is not the checklist:\n%s", body)
					}
				}))
				reg.Register(httpmock.GraphQL(`^HotfixLabel$`), httpmock.GraphQLQuery(`{"data": {}}`, func(q string, v map[string]any) {
					if v["pr"] != "PR_7" || jsonOf(v["labels"]) != `["LA_hotfix"]` || v["withReviews"] != false {
						t.Errorf("HotfixLabel variables %v", v)
					}
				}))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixOpen", "GraphQL HotfixLabel"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n"},
			stderr: []string{"Pushed hotfix/login to origin", "Opened pull request #7: https://github.com/acme/shop/pull/7",
				`Labelled #7 "hotfix"`, "Not waiting for the merge (--no-wait): run gh hotfix ship later to continue."},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if got := fx.originRef("refs/heads/hotfix/login"); got != fx.tip {
					t.Errorf("origin's hotfix/login is %q, want the branch's tip %s", got, fx.tip)
				}
				if got := fx.git("rev-parse", "--abbrev-ref", "hotfix/login@{upstream}"); got != "origin/hotfix/login" {
					t.Errorf("upstream %q, want origin/hotfix/login", got)
				}
			},
		},
		{
			name:    "a pull request closed without merging",
			fixture: fixtureOpts{pushed: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged(pullSpec{number: 7, state: "CLOSED", head: fx.tip, labels: []string{"hotfix"}})
				st.headTip = fx.tip
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			wantErr:  "pull request #7 was closed without being merged: reopen it (gh pr reopen 7) and run gh hotfix ship again",
		},
		{
			name:    "merged and released already",
			fixture: fixtureOpts{merged: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull(fx.releaseMarker(501, 9001))).answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "success")))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/runs/9001"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			stderr:   []string{"Pull request #7 is merged (", "Already released: https://github.com/acme/shop/actions/runs/9001 (the run succeeded)"},
		},
		{
			name:    "--retry with no release recorded",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{Retry: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			wantErr:  "nothing to retry: no release run of #7 is recorded; run gh hotfix ship without --retry to release it",
		},
		{
			name:    "the recorded release run failed",
			fixture: fixtureOpts{merged: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull(fx.releaseMarker(501, 9001))).answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "failure")))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001/jobs?filter=latest&per_page=100"), httpmock.JSON(200, `{"jobs": [
					{"name": "build", "conclusion": "success", "steps": []},
					{"name": "deploy", "conclusion": "failure", "html_url": "https://github.com/acme/shop/actions/runs/9001/job/2",
					 "steps": [{"name": "Checkout", "conclusion": "success"}, {"name": "Push image", "conclusion": "failure"}]}]}`))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/runs/9001", "GET repos/acme/shop/actions/runs/9001/jobs"},
			// The result is printed before ship exits 1.
			stdout: []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			wantErr: `the release run failed (failure, job "deploy" at step "Push image"): https://github.com/acme/shop/actions/runs/9001: ` +
				"read why with gh run view 9001 --log-failed -R github.com/acme/shop, fix what it needs, then re-run its failed jobs with gh hotfix ship --retry",
		},
		{
			name:    "merged, no release yet: dispatch once and record it (--json)",
			fixture: fixtureOpts{merged: true},
			opts: ShipOptions{Inputs: map[string]string{"environment": "staging"},
				JSON: command.JSONFlags{Fields: []string{"number", "state", "mergeCommit", "release"}}},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
				stubDispatchOf(reg, "release.yml", 9001)
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixComment", "POST repos/acme/shop/actions/workflows/release.yml/dispatches",
				"PATCH repos/acme/shop/issues/comments/501"},
			stderr: []string{"Pull request #7 is merged (", "What will ship (2 commits since release v1.0.0):", "Fix the login",
				"Dispatched release.yml on main", "Release run: https://github.com/acme/shop/actions/runs/9001 (commented on #7)"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				checkDispatchRequests(t, fx, r, 9001, `{"environment":"staging"}`)
				var got map[string]any
				if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
					t.Fatalf("stdout is no JSON: %v\n%s", err, r.stdout)
				}
				want := map[string]any{"number": 7.0, "state": "MERGED", "mergeCommit": fx.merge, "release": map[string]any{
					"workflow": "release.yml", "runId": 9001.0, "url": runURL(9001), "status": "queued", "conclusion": "", "attempt": 1.0}}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("--json:\n  got  %v\n  want %v", got, want)
				}
			},
		},
		{
			name:    "merged, no release yet: dispatch and follow the run to success (--watch)",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{Watch: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
				stubDispatchOf(reg, "release.yml", 9001)
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "in_progress", "")))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "success")))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixComment", "POST repos/acme/shop/actions/workflows/release.yml/dispatches",
				"PATCH repos/acme/shop/issues/comments/501", "GET repos/acme/shop/actions/runs/9001", "GET repos/acme/shop/actions/runs/9001"},
			stdout: []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			stderr: []string{"Release run: https://github.com/acme/shop/actions/runs/9001 (commented on #7)",
				"Following the release run https://github.com/acme/shop/actions/runs/9001", "Release run succeeded: https://github.com/acme/shop/actions/runs/9001"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) { checkDispatchRequests(t, fx, r, 9001, `{}`) },
		},
		{
			name:    "released already, with a post-mortem to open",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{PostMortem: ptr(true)},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull(fx.releaseMarker(501, 9001))).answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "success")))
				// An issue updated since the merge, not the post-mortem.
				reg.Register(httpmock.GraphQL(`^HotfixIssuesSince$`), httpmock.GraphQLQuery(`{"data": {"repository": {"issues": {
					"nodes": [{"number": 3, "url": "https://github.com/acme/shop/issues/3", "body": "Login fails"}], "pageInfo": {"hasNextPage": false}}}}}`,
					func(q string, v map[string]any) {
						if v["since"] != "2026-12-06T11:00:00Z" {
							t.Errorf("post-mortems looked for since %v, want the merge", v["since"])
						}
					}))
				reg.Register(httpmock.REST("POST", "repos/acme/shop/labels"), httpmock.JSON(201, `{"node_id": "LA_pm"}`))
				reg.Register(httpmock.REST("POST", "repos/acme/shop/issues"), httpmock.JSON(201, `{"number": 12, "html_url": "https://github.com/acme/shop/issues/12"}`))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/runs/9001", "GraphQL HotfixIssuesSince",
				"POST repos/acme/shop/labels", "POST repos/acme/shop/issues"},
			stdout: []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n", "https://github.com/acme/shop/issues/12\n"},
			stderr: []string{"Already released: ", "Opened post-mortem issue #12: https://github.com/acme/shop/issues/12"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if label := jsonBody(t, r.request(t, "POST repos/acme/shop/labels")); label["name"] != "post-mortem" {
					t.Errorf("label created %v, want post-mortem", label)
				}
				issue := jsonBody(t, r.request(t, "POST repos/acme/shop/issues"))
				body, _ := issue["body"].(string)
				if issue["title"] != "Post-mortem: Login fails" || jsonOf(issue["labels"]) != `["post-mortem"]` ||
					!strings.Contains(body, "<!-- gh-hotfix:post-mortem pr=7 -->") || !strings.Contains(body, runURL(9001)) {
					t.Errorf("post-mortem issue %v", issue)
				}
			},
		},
		{
			name: "--auto on a pull request that can be merged: merge it now",
			opts: ShipOptions{Auto: true, NoRelease: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
				opened := pullSpec{number: 7, state: "OPEN", head: fx.tip, mergeState: "CLEAN"}.json()
				reg.Register(httpmock.GraphQL(`^HotfixOpen$`), httpmock.GraphQLQuery(map[string]any{"data": map[string]any{
					"createPullRequest": map[string]any{"pullRequest": opened}}}, func(q string, v map[string]any) {
					if v["withMergeState"] != true {
						t.Errorf("--auto opened the pull request without its merge state: %v", v)
					}
				}))
				reg.Register(httpmock.GraphQL(`^HotfixLabel$`), httpmock.JSON(200, `{"data": {}}`))
				reg.Register(httpmock.REST("PUT", "repos/acme/shop/pulls/7/merge"), httpmock.JSON(200, `{"sha": "1111111111111111111111111111111111111111", "merged": true}`))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixOpen", "GraphQL HotfixLabel", "PUT repos/acme/shop/pulls/7/merge"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n"},
			stderr:   []string{"Opened pull request #7", `Labelled #7 "hotfix"`, "Merged #7 (merge): it could be merged right away"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				// Merged at the tip ship pushed: GitHub refuses if the head moved.
				merge := jsonBody(t, r.request(t, "PUT repos/acme/shop/pulls/7/merge"))
				if merge["sha"] != fx.tip || merge["merge_method"] != "merge" {
					t.Errorf("merge request %v, want merge at %s", merge, fx.tip)
				}
				if got := fx.originRef("refs/heads/hotfix/login"); got != fx.tip {
					t.Errorf("origin's hotfix/login is %q, want %s", got, fx.tip)
				}
			},
		},
		{
			name:    "--pr: a pull request merged as an ordinary change is labelled and released once",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{PR: "#7"},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				// No branch records the base: the config names it (else the default branch is asked).
				fx.writeConfig(shopConfig + "base: main\n")
				pr := pullSpec{number: 7, state: "MERGED", head: fx.tip, merge: fx.merge, commits: []string{fx.tip}}.json()
				pr["headRefName"], pr["headRepository"] = "fix-login", map[string]any{"nameWithOwner": "acme/shop"}
				st := fx.mergedState()
				st.byNumber = pr
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.GraphQLQuery(st.answer(), func(q string, v map[string]any) {
					if v["number"] != float64(7) || v["byNumber"] != true || v["withHead"] != false {
						t.Errorf("HotfixShip variables %v: want #7 by number, no head", v)
					}
				}))
				reg.Register(httpmock.GraphQL(`^HotfixLabel$`), httpmock.GraphQLQuery(`{"data": {}}`, func(q string, v map[string]any) {
					if v["pr"] != "PR_7" || jsonOf(v["labels"]) != `["LA_hotfix"]` {
						t.Errorf("HotfixLabel variables %v", v)
					}
				}))
				stubDispatchOf(reg, "release.yml", 9001)
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixLabel", "GraphQL HotfixComment",
				"POST repos/acme/shop/actions/workflows/release.yml/dispatches", "PATCH repos/acme/shop/issues/comments/501"},
			stdout: []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			stderr: []string{`Labelled #7 "hotfix"`, "Release run: https://github.com/acme/shop/actions/runs/9001 (commented on #7)"},
			check:  func(t *testing.T, fx *shipFixture, r shipResult) { checkDispatchRequests(t, fx, r, 9001, `{}`) },
		},
		{
			name:    "--pr names a pull request merged into another branch: refused",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{PR: "7"},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				// No branch records the base: the config names it (else the default branch is asked).
				fx.writeConfig(shopConfig + "base: main\n")
				pr := pullSpec{number: 7, state: "MERGED", head: fx.tip, merge: fx.merge, base: "develop"}.json()
				pr["headRefName"] = "feature"
				st := fx.mergedState()
				st.byNumber = pr
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			wantErr:  "pull request #7 was merged into develop, neither the base main nor a maintenance branch (release/v{major}.{minor})",
		},
		{
			name:    "--auto with a merge queue: the pull request joins it at the pushed tip, never merged directly",
			fixture: fixtureOpts{pushed: true},
			opts:    ShipOptions{Auto: true, NoWait: true, Jump: true, MergeMethod: "merge"},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged(pullSpec{number: 7, state: "OPEN", head: fx.tip, mergeState: "CLEAN", labels: []string{"hotfix"}})
				st.headTip, st.rules = fx.tip, queueRules
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
				reg.Register(httpmock.GraphQL(`^HotfixEnqueue$`), httpmock.GraphQLQuery(`{"data": {"enqueuePullRequest": {"mergeQueueEntry":
					{"id": "MQE_1", "position": 1, "state": "QUEUED", "estimatedTimeToMerge": 600}}}}`, func(q string, v map[string]any) {
					if v["id"] != "PR_7" || v["head"] != fx.tip || v["jump"] != true {
						t.Errorf("HotfixEnqueue variables %v, want PR_7 at %s, jumping", v, fx.tip)
					}
				}))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixEnqueue"},
			stderr: []string{"main merges through a merge queue, with squash: --merge-method merge is not used",
				"Added #7 to main's merge queue at the front (first in the merge queue, about 10m left): the queue merges it once its checks pass"},
		},
		{
			name:    "--auto with a merge queue on a blocked pull request: auto-merge with the queue's method",
			fixture: fixtureOpts{pushed: true},
			opts:    ShipOptions{Auto: true, NoWait: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged(pullSpec{number: 7, state: "OPEN", head: fx.tip, mergeState: "BLOCKED", labels: []string{"hotfix"}})
				st.headTip, st.rules = fx.tip, queueRules
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
				reg.Register(httpmock.GraphQL(`^HotfixEnqueue$`), httpmock.JSON(200, `{"data": {"enqueuePullRequest": null}, "errors": [{"type": "UNPROCESSABLE",
					"message": "Pull request At least 1 approving review is required by reviewers with write access."}]}`))
				reg.Register(httpmock.GraphQL(`^HotfixAutoMerge$`), httpmock.GraphQLQuery(`{"data": {"enablePullRequestAutoMerge": {"pullRequest": {"autoMergeRequest": {"mergeMethod": "SQUASH"}}}}}`,
					func(q string, v map[string]any) {
						if v["method"] != "SQUASH" {
							t.Errorf("auto-merge asked with %v, want the queue's method SQUASH", v["method"])
						}
					}))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixEnqueue", "GraphQL HotfixAutoMerge"},
			stderr: []string{"Enabled auto-merge: GitHub adds #7 to main's merge queue once it can join (At least 1 approving review is required by reviewers with write access)",
				"Not waiting for the merge (--no-wait)"},
		},
		{
			name:    "--auto with a merge queue, no auto-merge allowed, --no-wait: what to do",
			fixture: fixtureOpts{pushed: true},
			opts:    ShipOptions{Auto: true, NoWait: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged(pullSpec{number: 7, state: "OPEN", head: fx.tip, mergeState: "BLOCKED", labels: []string{"hotfix"}})
				st.headTip, st.rules, st.noAutoMerge = fx.tip, queueRules, true
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
				reg.Register(httpmock.GraphQL(`^HotfixEnqueue$`), httpmock.JSON(200, `{"data": {"enqueuePullRequest": null}, "errors": [{"type": "UNPROCESSABLE",
					"message": "Pull request Required status check \"ci/test\" is expected."}]}`))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixEnqueue"},
			wantErr: `#7 cannot join main's merge queue yet (Required status check "ci/test" is expected) and auto-merge is not allowed in acme/shop: ` +
				`run gh hotfix ship --auto again once it can, or add it with "Merge when ready" on https://github.com/acme/shop/pull/7`,
		},
		{
			name:    "already in the merge queue: nothing asked again",
			fixture: fixtureOpts{pushed: true},
			opts:    ShipOptions{Auto: true, NoWait: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				pr := pullSpec{number: 7, state: "OPEN", head: fx.tip, mergeState: "CLEAN", labels: []string{"hotfix"},
					queue: map[string]any{"id": "MQE_1", "position": 3, "state": "QUEUED", "estimatedTimeToMerge": nil}}
				st := fx.unmerged(pr)
				st.headTip, st.rules = fx.tip, queueRules
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			stderr:   []string{"#7 is in main's merge queue: position 3 in the merge queue"},
		},
		{
			name:    "--auto where auto-merge is not allowed and the pull request is blocked",
			fixture: fixtureOpts{pushed: true},
			opts:    ShipOptions{Auto: true, NoWait: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged(pullSpec{number: 7, state: "OPEN", head: fx.tip, mergeState: "BLOCKED", labels: []string{"hotfix"}})
				st.headTip, st.noAutoMerge = fx.tip, true
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			stderr:   []string{"Pull request #7 is open: https://github.com/acme/shop/pull/7"},
			wantErr: "auto-merge is not allowed in acme/shop and #7 cannot be merged yet (blocked by required reviews or checks): " +
				"merge it by hand when it is ready (https://github.com/acme/shop/pull/7), or ask an admin to allow auto-merge; then run gh hotfix ship",
		},
		{
			name: "a reviewer GitHub refuses (not a collaborator): labelled anyway",
			opts: ShipOptions{NoWait: true, Reviewers: []string{"monalisa"}},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged()
				st.reviewers = map[string]any{"reviewer0": map[string]any{"id": "U_mona", "login": "monalisa"}}
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.GraphQLQuery(st.answer(), func(q string, v map[string]any) {
					if v["r0"] != "monalisa" {
						t.Errorf("reviewer's ID not asked with the first query: %v", v)
					}
				}))
				opened := pullSpec{number: 7, state: "OPEN", head: fx.tip}.json()
				reg.Register(httpmock.GraphQL(`^HotfixOpen$`), httpmock.JSON(200, map[string]any{"data": map[string]any{
					"createPullRequest": map[string]any{"pullRequest": opened}}}))
				reg.Register(httpmock.GraphQL(`^HotfixLabel$`), httpmock.GraphQLQuery(`{"data": null, "errors": [{"type": "UNPROCESSABLE",
					"message": "Could not resolve to a User: monalisa is not a collaborator"}]}`, func(q string, v map[string]any) {
					if jsonOf(v["users"]) != `["U_mona"]` || jsonOf(v["labels"]) != `["LA_hotfix"]` {
						t.Errorf("first HotfixLabel variables %v", v)
					}
				}))
				reg.Register(httpmock.GraphQL(`^HotfixLabel$`), httpmock.GraphQLQuery(`{"data": {}}`, func(q string, v map[string]any) {
					if jsonOf(v["users"]) != `[]` || jsonOf(v["labels"]) != `["LA_hotfix"]` {
						t.Errorf("second HotfixLabel variables %v: want the label alone", v)
					}
				}))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixOpen", "GraphQL HotfixLabel", "GraphQL HotfixLabel"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n"},
			stderr: []string{"GitHub asks reviews only of people and teams with access to acme/shop, and refused the request for monalisa: ask them on #7",
				`Labelled #7 "hotfix"`},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if strings.Contains(r.stderr, "Requested reviews from") {
					t.Errorf("a refused review reported as requested:\n%s", r.stderr)
				}
			},
		},
		{
			name:    "wait for the merge, then read GitHub again and release",
			fixture: fixtureOpts{pushed: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.unmerged(pullSpec{number: 7, state: "OPEN", head: fx.tip, labels: []string{"hotfix"}, mergeState: "BLOCKED"})
				st.headTip = fx.tip
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/workflows/release.yml"), httpmock.JSON(200, `{"state": "active"}`))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/pulls/7"), httpmock.JSON(200, `{"number": 7, "state": "open", "merged": false, "mergeable_state": "blocked"}`))
				reg.Register(httpmock.GraphQL(`^HotfixWaitState$`), httpmock.JSON(200, `{"data": {"node": {"state": "OPEN", "isDraft": false,
					"mergeStateStatus": "BLOCKED", "reviewDecision": "REVIEW_REQUIRED", "reviewRequests": {"nodes": [{"requestedReviewer": {"__typename": "User", "login": "monalisa"}}]},
					"commits": {"nodes": [{"commit": {"oid": "x", "statusCheckRollup": {"state": "SUCCESS", "contexts": {"totalCount": 0, "nodes": []}}}}]}}}}`))
				// GitHub merges: the merge commit is GitHub's (this clone never sees it).
				fx.merge = "5d41402abc4b2a76b9719d911017c592deadbeef"
				reg.Register(httpmock.REST("GET", "repos/acme/shop/pulls/7"), httpmock.JSON(200, map[string]any{"number": 7, "state": "closed", "merged": true,
					"merge_commit_sha": fx.merge, "merged_at": "2026-12-06T11:00:00Z"}))
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
				stubDispatchOf(reg, "release.yml", 9001)
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/workflows/release.yml",
				"GET repos/acme/shop/pulls/7", "GraphQL HotfixWaitState", "GET repos/acme/shop/pulls/7", "GraphQL HotfixShip",
				"GraphQL HotfixComment", "POST repos/acme/shop/actions/workflows/release.yml/dispatches", "PATCH repos/acme/shop/issues/comments/501"},
			stdout: []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			stderr: []string{"Pull request #7 is open: https://github.com/acme/shop/pull/7",
				"Waiting for #7 to be merged", "#7: review required from monalisa", "Pull request #7 merged (5d41402)",
				"Release run: https://github.com/acme/shop/actions/runs/9001 (commented on #7)"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) { checkDispatchRequests(t, fx, r, 9001, `{}`) },
		},
		{
			name: "the release workflow is disabled: refused before anything changes",
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/workflows/release.yml"), httpmock.JSON(200, `{"state": "disabled_manually"}`))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/workflows/release.yml"},
			wantErr: "release.yml is disabled in the Actions tab in acme/shop: enable it (gh workflow enable release.yml -R github.com/acme/shop), " +
				"then run gh hotfix ship again",
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if got := fx.originRef("refs/heads/hotfix/login"); got != "" {
					t.Errorf("pushed hotfix/login (%s) although the release could not follow", got)
				}
			},
		},
		{
			name:    "failing checks on the merge commit: no release",
			fixture: fixtureOpts{merged: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.mergedState(fx.mergedPull())
				st.failingCheck = "e2e"
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			wantErr:  "has failing checks (e2e): main would not be releasable; fix it with a new hotfix, re-run the checks, or release anyway with gh hotfix ship --force",
		},
		{
			name:    "local commits the merged pull request lacks: no release",
			fixture: fixtureOpts{merged: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				fx.write("app.txt", "login: fixed twice\n")
				fx.git("commit", "-q", "-am", "Fix the login again")
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			stderr:   []string{"1 commit on hotfix/login is not in the merged #7:", "Fix the login again"},
			wantErr:  "1 commit on hotfix/login would not ship with this release (#7 was merged without it): release what was merged with gh hotfix ship --force",
		},
		{
			name:    "--retry re-runs the failed jobs of the recorded run and records the attempt",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{Retry: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull(fx.releaseMarker(501, 9001))).answer()))
				reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "failure")))
				reg.Register(httpmock.REST("POST", "repos/acme/shop/actions/runs/9001/rerun-failed-jobs"), httpmock.JSON(201, `{}`))
				reg.Register(httpmock.REST("PATCH", "repos/acme/shop/issues/comments/501"), httpmock.JSON(200, `{"id": 501}`))
			},
			requests: []string{"GraphQL HotfixShip", "GET repos/acme/shop/actions/runs/9001", "POST repos/acme/shop/actions/runs/9001/rerun-failed-jobs",
				"PATCH repos/acme/shop/issues/comments/501"},
			stdout: []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/9001\n"},
			stderr: []string{"Re-running the failed jobs of the release run (attempt 2): https://github.com/acme/shop/actions/runs/9001"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				body, _ := jsonBody(t, r.request(t, "PATCH repos/acme/shop/issues/comments/501"))["body"].(string)
				if m, ok := hotfix.ParseReleaseMarker(body); !ok || m.Attempt != 2 || m.RunID != 9001 || !strings.Contains(body, "Release re-run") {
					t.Errorf("recorded attempt %+v (parsed %v):\n%s", m, ok, body)
				}
			},
		},
		{
			name:    "a release run already on GitHub covers the merge: recorded, nothing dispatched",
			fixture: fixtureOpts{merged: true},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				st := fx.mergedState(fx.mergedPull())
				st.recentRuns = map[string][]any{fx.merge: {map[string]any{"status": "IN_PROGRESS", "conclusion": nil, "branch": map[string]any{"name": "main"},
					"workflowRun": map[string]any{"databaseId": 8800, "url": runURL(8800), "event": "push", "createdAt": "2026-12-06T11:00:30Z",
						"file": map[string]any{"path": ".github/workflows/release.yml"}}}}}
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, st.answer()))
				reg.Register(httpmock.GraphQL(`^HotfixComment$`), httpmock.GraphQLFunc(func(q string, v map[string]any) any {
					comment := map[string]any{"databaseId": 502, "body": v["body"], "createdAt": "2026-12-06T11:01:00Z"}
					return map[string]any{"data": map[string]any{"addComment": map[string]any{"commentEdge": map[string]any{"node": comment},
						"subject": map[string]any{"comments": map[string]any{"nodes": []any{comment}}}}}}
				}))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixComment"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n", "https://github.com/acme/shop/actions/runs/8800\n"},
			stderr: []string{"Release run already on GitHub: https://github.com/acme/shop/actions/runs/8800 (a push run of release.yml containing the merge): " +
				"recorded on #7, nothing dispatched"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				body, _ := r.request(t, "GraphQL HotfixComment").GraphQL.Variables["body"].(string)
				if m, ok := hotfix.ParseReleaseMarker(body); !ok || m.State != "dispatched" || m.RunID != 8800 || m.Adopted != "push" {
					t.Errorf("release comment %+v (parsed %v)", m, ok)
				}
			},
		},
		{
			name: "on main, not a hotfix branch: the merged hotfix without a release, and how to release it",
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				fx.git("checkout", "-q", "main")
				reg.Register(httpmock.GraphQL(`^HotfixUnreleased$`), httpmock.GraphQLQuery(`{"data": {"repository": {"pullRequests": {"nodes": [
					{"number": 5, "title": "Hotfix: Cart empty", "url": "https://github.com/acme/shop/pull/5", "headRefName": "hotfix/cart",
					 "body": "", "mergeCommit": {"oid": "abc"}, "comments": {"nodes": []}}]}}}}`, func(q string, v map[string]any) {
					if v["base"] != "main" || v["label"] != "hotfix" {
						t.Errorf("HotfixUnreleased variables %v", v)
					}
				}))
			},
			requests: []string{"GraphQL HotfixUnreleased"},
			wantErr: "main is not a hotfix branch, and hotfix #5 (Hotfix: Cart empty) was merged into main without a release: " +
				"release it with gh hotfix ship --branch hotfix/cart",
		},
		{
			name:    "dry run of a merged hotfix: the dispatch it would make",
			fixture: fixtureOpts{merged: true},
			opts:    ShipOptions{DryRun: true, Inputs: map[string]string{"environment": "staging"}},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			stdout:   []string{"✓ Merged into main (", "- Dispatch release.yml on main with inputs environment=staging, once, and record the run on #7\n"},
		},
		{
			name: "--no-wait with -f: the inputs are checked and kept with the branch for the release",
			opts: ShipOptions{NoWait: true, Inputs: map[string]string{"environment": "staging"}},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
				reg.Register(httpmock.GraphQL(`^HotfixOpen$`), httpmock.JSON(200, map[string]any{"data": map[string]any{
					"createPullRequest": map[string]any{"pullRequest": pullSpec{number: 7, state: "OPEN", head: fx.tip}.json()}}}))
				reg.Register(httpmock.GraphQL(`^HotfixLabel$`), httpmock.JSON(200, `{"data": {}}`))
			},
			requests: []string{"GraphQL HotfixShip", "GraphQL HotfixOpen", "GraphQL HotfixLabel"},
			stdout:   []string{"https://github.com/acme/shop/pull/7\n"},
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if got := fx.config("branch.hotfix/login.hotfix-inputs"); got != `{"environment":"staging"}` {
					t.Errorf("kept inputs %q", got)
				}
			},
		},
		{
			name: "-f naming an input the release workflow does not declare: refused before anything changes",
			opts: ShipOptions{NoWait: true, Inputs: map[string]string{"region": "eu"}},
			setup: func(fx *shipFixture, reg *httpmock.Registry) {
				reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.unmerged().answer()))
			},
			requests: []string{"GraphQL HotfixShip"},
			wantErr:  "release.yml does not declare the input region, given by -f (it accepts: environment)",
			check: func(t *testing.T, fx *shipFixture, r shipResult) {
				if got := fx.originRef("refs/heads/hotfix/login"); got != "" {
					t.Errorf("pushed hotfix/login (%s) although the release inputs were wrong", got)
				}
				if got := fx.config("branch.hotfix/login.hotfix-inputs"); got != "" {
					t.Errorf("kept refused inputs %q", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newShipFixture(t, tt.fixture)
			reg := httpmock.New(t)
			tt.setup(fx, reg)
			r := fx.ship(reg, tt.opts)
			switch {
			case tt.wantErr == "" && r.err != nil:
				t.Errorf("error %v\nstderr:\n%s", r.err, r.stderr)
			case tt.wantErr != "" && r.err == nil:
				t.Errorf("no error, want %q\nstderr:\n%s", tt.wantErr, r.stderr)
			case tt.wantErr != "" && !strings.Contains(r.err.Error(), tt.wantErr):
				t.Errorf("error\n  %v\nwant it to hold\n  %s", r.err, tt.wantErr)
			}
			wantSame(t, "requests", r.names(), tt.requests)
			wantLines(t, "stdout", r.stdout, tt.stdout...)
			wantLines(t, "stderr", r.stderr, tt.stderr...)
			if tt.check != nil {
				tt.check(t, fx, r)
			}
		})
	}
}

// TestShipCommandWatch runs the command as typed: --watch --interval 5ms,
// allowed by GH_HOTFIX_MIN_INTERVAL, follows the release run it dispatched
// through a queued, a running and a finished read, and prints its URL.
func TestShipCommandWatch(t *testing.T) {
	t.Setenv("GH_HOTFIX_MIN_INTERVAL", "1ms")
	fx := newShipFixture(t, fixtureOpts{merged: true})
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.JSON(200, fx.mergedState(fx.mergedPull()).answer()))
	stubDispatchOf(reg, "release.yml", 9001)
	for _, status := range []string{"queued", "in_progress"} {
		reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, status, "")))
	}
	reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/runs/9001"), httpmock.JSON(200, runJSON(9001, fx.merge, "completed", "success")))

	r := fx.shipCommand(reg, "--watch", "--interval", "5ms", "-f", "environment=staging")
	if r.err != nil {
		t.Fatalf("error %v\nstderr:\n%s", r.err, r.stderr)
	}
	wantSame(t, "requests", r.names(), []string{"GraphQL HotfixShip", "GraphQL HotfixComment", "POST repos/acme/shop/actions/workflows/release.yml/dispatches",
		"PATCH repos/acme/shop/issues/comments/501", "GET repos/acme/shop/actions/runs/9001", "GET repos/acme/shop/actions/runs/9001", "GET repos/acme/shop/actions/runs/9001"})
	checkDispatchRequests(t, fx, r, 9001, `{"environment":"staging"}`)
	wantLines(t, "stderr", r.stderr, "Release run: queued", "Release run: in progress", "Release run: completed",
		"Release run succeeded: https://github.com/acme/shop/actions/runs/9001")
	wantSame(t, "stdout", strings.Split(strings.TrimSpace(r.stdout), "\n"), []string{"https://github.com/acme/shop/pull/7", runURL(9001)})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// stubDispatchOf answers a release by workflow: the release comment (id 501),
// the dispatch naming run runID, and the comment's edit recording it.
func stubDispatchOf(reg *httpmock.Registry, workflow string, runID int64) {
	reg.Register(httpmock.GraphQL(`^HotfixComment$`), httpmock.GraphQLFunc(func(q string, v map[string]any) any {
		comment := map[string]any{"databaseId": 501, "body": v["body"], "createdAt": "2026-12-06T11:01:00Z"}
		return map[string]any{"data": map[string]any{"addComment": map[string]any{
			"commentEdge": map[string]any{"node": comment},
			"subject":     map[string]any{"comments": map[string]any{"nodes": []any{comment}}}}}}
	}))
	reg.Register(httpmock.REST("POST", "repos/acme/shop/actions/workflows/"+workflow+"/dispatches"),
		httpmock.JSON(200, map[string]any{"workflow_run_id": runID, "html_url": runURL(runID)}))
	reg.Register(httpmock.REST("PATCH", "repos/acme/shop/issues/comments/501"), httpmock.JSON(200, `{"id": 501}`))
}

// checkDispatchRequests checks the release's requests: the comment claims the
// release before the dispatch, the dispatch asks for its run, and the edit
// records that run.
func checkDispatchRequests(t *testing.T, fx *shipFixture, r shipResult, runID int64, inputs string) {
	t.Helper()
	claim := r.request(t, "GraphQL HotfixComment").GraphQL
	m, ok := hotfix.ParseReleaseMarker(claim.Variables["body"].(string))
	if !ok || m.State != "dispatching" || m.MergeSHA != fx.merge || m.Workflow != "release.yml" || m.Ref != "main" || claim.Variables["subject"] != "PR_7" {
		t.Errorf("release comment %+v (parsed %v) on %v", m, ok, claim.Variables["subject"])
	}
	d := jsonBody(t, r.request(t, "POST repos/acme/shop/actions/workflows/release.yml/dispatches"))
	if d["ref"] != "main" || d["return_run_details"] != true || jsonOf(d["inputs"]) != inputs {
		t.Errorf("dispatch %v", d)
	}
	edit := jsonBody(t, r.request(t, "PATCH repos/acme/shop/issues/comments/501"))
	body, _ := edit["body"].(string)
	rec, ok := hotfix.ParseReleaseMarker(body)
	if !ok || rec.State != "dispatched" || rec.RunID != runID || rec.RunURL != runURL(runID) || rec.MergeSHA != fx.merge {
		t.Errorf("recorded marker %+v (parsed %v)", rec, ok)
	}
	if !strings.Contains(body, "Release started") {
		t.Errorf("recorded comment:\n%s", body)
	}
}
