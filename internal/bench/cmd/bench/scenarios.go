package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

const (
	description = "login page 500 on empty password"
	branch      = "hotfix/login-page-500-on-empty-password"
	title       = "Hotfix: " + description
	// statusPulls is how many hotfix pull requests the status scenario lists; of
	// every five, two are open and three merged and released.
	statusPulls = 100
)

// prBody is the body a careful person writes by hand (ship's default checklist).
const prBody = `## Hotfix

**What broke:** ` + description + `

**The fix:** deny empty passwords instead of crashing.

**How it was tested:** unit test for the empty password; login checked on staging.

### Checklist
- [x] The change is minimal and focused on the incident
- [x] Tested despite the urgency
- [ ] Post-mortem: link to come after the deploy
`

// fixture is what a scenario's round starts from.
type fixture struct {
	repo string // repository name under OWNER
	dir  string // a clone, the working directory of both sides
	pr   int
}

// scenario is one thing a user does, two ways.
type scenario struct {
	key, title string
	// ours and chain are the commands as a user types them (for the legend).
	ours, chain []string
	// min is the theoretical minimum of sequential round-trips (an API request or a
	// git command counts one), and why.
	min int
	why string
	// shared: one fixture serves every round (the scenario changes nothing).
	shared   bool
	setup    func(w *world, repo string) (*fixture, error)
	runOurs  func(w *world, fx *fixture) error
	runChain func(w *world, fx *fixture) error
}

var scenarios = []*scenario{
	{
		key:   "create",
		title: "(1) create",
		ours:  []string{`gh hotfix create "` + description + `"`},
		// The same work as create: which branch is the base, is its tip green (check runs
		// and commit statuses: gh has no porcelain for either on a branch), is the branch
		// name free on GitHub, then fetch and branch.
		chain: []string{"gh repo view --json defaultBranchRef   # which branch is the base?",
			"gh api repos/O/R/commits/main/check-runs   # is main's tip green? (no porcelain)",
			"gh api repos/O/R/commits/main/status       # ...and its commit statuses (no porcelain)",
			"git ls-remote --heads origin " + branch + "   # is the name free on GitHub?",
			"git fetch origin main", "git checkout -b " + branch + " origin/main"},
		min: 2,
		why: "1 GraphQL query (default branch, tip's checks and statuses, branch exists?, issue) + 1 git fetch, " +
			"which must wait for the verdict since a refused create changes nothing",
		setup: func(w *world, repo string) (*fixture, error) {
			if _, err := w.newRepo(repo); err != nil {
				return nil, err
			}
			dir, err := w.clone(repo)
			if err != nil {
				return nil, err
			}
			// main moved since the clone, as it does: the fetch has objects to bring.
			if _, err := w.commitGreen(repo, "CHANGELOG.md", "- feature work\n", "Feature work"); err != nil {
				return nil, err
			}
			return &fixture{repo: repo, dir: dir}, nil
		},
		runOurs: func(w *world, fx *fixture) error {
			out, err := w.run(fx.dir, "gh", "hotfix", "create", description)
			if err == nil && strings.TrimSpace(out) != branch {
				err = fmt.Errorf("gh hotfix create printed %q, want %s", out, branch)
			}
			return err
		},
		runChain: func(w *world, fx *fixture) error {
			for _, args := range [][]string{
				{"gh", "repo", "view", "--json", "defaultBranchRef"},
				{"gh", "api", "repos/" + owner + "/" + fx.repo + "/commits/main/check-runs"},
				{"gh", "api", "repos/" + owner + "/" + fx.repo + "/commits/main/status"},
				{"git", "ls-remote", "--heads", "origin", branch},
				{"git", "fetch", "origin", "main"},
				{"git", "checkout", "-q", "-b", branch, "origin/main"},
			} {
				if _, err := w.run(fx.dir, args[0], args[1:]...); err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		key:   "ship-open",
		title: "(2) ship --no-wait",
		ours:  []string{"gh hotfix ship --no-wait -r " + reviewer},
		chain: []string{"git push -u origin " + branch,
			`gh label create hotfix --color d73a4a --description "..."   # missing in a fresh repository`,
			`gh pr create --base main --title "..." --body "..." --label hotfix --reviewer ` + reviewer},
		min: 3,
		why: "1 git push, started beside the 1 GraphQL read (open PR for the head, label, base checks, remote head) " +
			"and held in its pre-push hook until the read says push, so only its pack follows the read > " +
			"create the PR (label creation beside it) > label + reviewers (one GraphQL document); " +
			"4 in HTTP requests (read > pack > create > label): a refused ship must push nothing, and the PR needs the pushed branch",
		setup: func(w *world, repo string) (*fixture, error) {
			if _, err := w.newRepo(repo); err != nil {
				return nil, err
			}
			dir, err := w.clone(repo)
			if err != nil {
				return nil, err
			}
			if err := w.hotfixBranch(repo, dir); err != nil {
				return nil, err
			}
			return &fixture{repo: repo, dir: dir}, nil
		},
		runOurs: func(w *world, fx *fixture) error {
			_, err := w.run(fx.dir, "gh", "hotfix", "ship", "--no-wait", "-r", reviewer)
			return err
		},
		runChain: func(w *world, fx *fixture) error {
			if _, err := w.run(fx.dir, "git", "push", "--quiet", "-u", "origin", branch); err != nil {
				return err
			}
			if _, err := w.run(fx.dir, "gh", "label", "create", "hotfix", "--color", "d73a4a", "--description", "Urgent fix for production"); err != nil {
				return err
			}
			_, err := w.run(fx.dir, "gh", "pr", "create", "--base", "main", "--title", title, "--body", prBody,
				"--label", "hotfix", "--reviewer", reviewer)
			return err
		},
	},
	{
		key:   "ship-release",
		title: "(3) ship after merge",
		ours:  []string{"gh hotfix ship"},
		// The same work as ship: is it merged, what will ship since the last release
		// (gh has no porcelain for a comparison), dispatch, find the run, tell the PR.
		chain: []string{"gh pr view N --json state,mergeCommit",
			"gh release view --json tagName   # the last release",
			"gh api repos/O/R/compare/TAG...MERGE --jq '.commits[].commit.message'   # what will ship (no porcelain)",
			"gh workflow run release.yml --ref main -f environment=production",
			"gh run list --workflow release.yml -L 1 --json databaseId,url",
			`gh pr comment N --body "Release started: <run URL>"`},
		min: 4,
		why: "1 GraphQL read (PR merged + merge commit, release markers in comments, workflow files, latest release, " +
			"the base's history) > post the 'dispatching' marker (reading the comments back in the same mutation) > " +
			"dispatch with return_run_details > edit the comment with the run; exactly-once needs the marker before the dispatch",
		setup: func(w *world, repo string) (*fixture, error) {
			if _, err := w.newRepo(repo); err != nil {
				return nil, err
			}
			if err := w.api("POST", "/repos/"+owner+"/"+repo+"/releases", map[string]any{"tag_name": "v1.0.0", "target_commitish": "main"}, nil); err != nil {
				return nil, err
			}
			dir, err := w.clone(repo)
			if err != nil {
				return nil, err
			}
			if err := w.hotfixBranch(repo, dir); err != nil {
				return nil, err
			}
			if _, err := w.git(dir, "push", "--quiet", "-u", "origin", branch); err != nil {
				return nil, err
			}
			var pr struct{ Number int }
			if err := w.api("POST", "/repos/"+owner+"/"+repo+"/pulls", map[string]any{"title": title, "head": branch, "base": "main", "body": prBody}, &pr); err != nil {
				return nil, err
			}
			if err := w.labelPull(repo, pr.Number, true); err != nil {
				return nil, err
			}
			if err := w.api("PUT", fmt.Sprintf("/repos/%s/%s/pulls/%d/merge", owner, repo, pr.Number), map[string]any{"merge_method": "squash"}, nil); err != nil {
				return nil, err
			}
			return &fixture{repo: repo, dir: dir, pr: pr.Number}, nil
		},
		runOurs: func(w *world, fx *fixture) error {
			out, err := w.run(fx.dir, "gh", "hotfix", "ship")
			if err == nil && !strings.Contains(out, "/actions/runs/") {
				err = fmt.Errorf("gh hotfix ship printed no release run: %q", out)
			}
			return err
		},
		runChain: func(w *world, fx *fixture) error {
			n := strconv.Itoa(fx.pr)
			out, err := w.run(fx.dir, "gh", "pr", "view", n, "--json", "state,mergeCommit")
			if err != nil {
				return err
			}
			var pr struct {
				State       string
				MergeCommit struct{ Oid string }
			}
			if err := json.Unmarshal([]byte(out), &pr); err != nil || pr.State != "MERGED" {
				return fmt.Errorf("gh pr view: %q (%v), want a merged pull request", out, err)
			}
			tag, err := w.run(fx.dir, "gh", "release", "view", "--json", "tagName", "--jq", ".tagName")
			if err != nil {
				return err
			}
			if _, err := w.run(fx.dir, "gh", "api", fmt.Sprintf("repos/%s/%s/compare/%s...%s", owner, fx.repo, strings.TrimSpace(tag), pr.MergeCommit.Oid),
				"--jq", ".commits[].commit.message"); err != nil {
				return err
			}
			if _, err := w.run(fx.dir, "gh", "workflow", "run", "release.yml", "--ref", "main", "-f", "environment=production"); err != nil {
				return err
			}
			out, err = w.run(fx.dir, "gh", "run", "list", "--workflow", "release.yml", "-L", "1", "--json", "databaseId,url")
			if err != nil {
				return err
			}
			var runs []struct{ URL string }
			if err := json.Unmarshal([]byte(out), &runs); err != nil || len(runs) != 1 {
				return fmt.Errorf("gh run list: %q (%v), want one run", out, err)
			}
			_, err = w.run(fx.dir, "gh", "pr", "comment", n, "--body",
				fmt.Sprintf("🚀 Release started for this hotfix: %s\n\nMerge commit %s.", runs[0].URL, pr.MergeCommit.Oid))
			return err
		},
	},
	{
		key:   "status",
		title: "(4) status, 100 PRs",
		ours:  []string{"gh hotfix status --state all -L 100"},
		chain: []string{"gh pr list --label hotfix --state all -L 100 --json number,title,state,labels,headRefName,url,mergeCommit,reviewDecision,statusCheckRollup,mergeable",
			"gh run list --workflow release.yml -L 100 --json databaseId,headSha,status,conclusion,url   # match headSha to the merge commits"},
		min: 1,
		why: "1 GraphQL query: the 100 labelled PRs with checks, review, mergeability and their merge commits' " +
			"check suites (workflowRun), or the runs list sent beside it",
		shared: true,
		setup: func(w *world, repo string) (*fixture, error) {
			if err := w.statusRepo(repo); err != nil {
				return nil, err
			}
			dir, err := w.clone(repo)
			if err != nil {
				return nil, err
			}
			return &fixture{repo: repo, dir: dir}, nil
		},
		runOurs: func(w *world, fx *fixture) error {
			out, err := w.run(fx.dir, "gh", "hotfix", "status", "--state", "all", "-L", strconv.Itoa(statusPulls))
			if n := strings.Count(out, "\n"); err == nil && n != statusPulls {
				err = fmt.Errorf("gh hotfix status listed %d pull requests, want %d", n, statusPulls)
			}
			return err
		},
		runChain: func(w *world, fx *fixture) error {
			// gh sends --label through GraphQL's search, as a person's command would.
			out, err := w.run(fx.dir, "gh", "pr", "list", "--label", "hotfix", "--state", "all", "-L", strconv.Itoa(statusPulls), "--json",
				"number,title,state,labels,headRefName,url,mergeCommit,reviewDecision,statusCheckRollup,mergeable",
				"--jq", "length")
			if err != nil {
				return err
			}
			if strings.TrimSpace(out) != strconv.Itoa(statusPulls) {
				return fmt.Errorf("gh pr list found %s hotfix pull requests, want %d", strings.TrimSpace(out), statusPulls)
			}
			_, err = w.run(fx.dir, "gh", "run", "list", "--workflow", "release.yml", "-L", strconv.Itoa(statusPulls),
				"--json", "databaseId,headSha,status,conclusion,url")
			return err
		},
	},
	orgStatus,
}

// hotfixBranch leaves the clone as gh hotfix create would, with the fix committed:
// the branch from origin/main, its metadata in git config, one commit.
func (w *world) hotfixBranch(repo, dir string) error {
	if _, err := w.git(dir, "switch", "--quiet", "--no-track", "-c", branch, "origin/main"); err != nil {
		return err
	}
	g := &git.Client{Dir: dir, Env: w.environ}
	meta := hotfix.Meta{Description: description, Base: "main", Remote: "origin",
		Repo: emulator.Host + "/" + owner + "/" + repo, Created: time.Now()}
	if err := hotfix.SaveMeta(context.Background(), g, branch, meta); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "login.py"), []byte("def login(user, password):\n    if not password:\n        return deny(user)\n    return check(user, password)\n"), 0o644); err != nil {
		return err
	}
	if _, err := w.git(dir, "add", "login.py"); err != nil {
		return err
	}
	_, err := w.git(dir, "commit", "--quiet", "-m", "Deny empty passwords instead of crashing")
	return err
}

// labelPull puts the hotfix label on pull request n, creating the label first when asked.
func (w *world) labelPull(repo string, n int, create bool) error {
	if create {
		if err := w.api("POST", "/repos/"+owner+"/"+repo+"/labels", map[string]any{"name": "hotfix", "color": "d73a4a",
			"description": "Urgent fix for production"}, nil); err != nil {
			return err
		}
	}
	return w.api("POST", fmt.Sprintf("/repos/%s/%s/issues/%d/labels", owner, repo, n), map[string]any{"labels": []string{"hotfix"}}, nil)
}

// statusRepo makes a repository with statusPulls hotfix pull requests: of every
// five, two open and three merged, each merged one released the way ship does it
// (dispatch, then the marker comment), its run completed.
func (w *world) statusRepo(repo string) error {
	base, err := w.newRepo(repo)
	if err != nil {
		return err
	}
	for i := 1; i <= statusPulls; i++ {
		b := fmt.Sprintf("hotfix/incident-%03d", i)
		if err := w.api("POST", "/repos/"+owner+"/"+repo+"/git/refs", map[string]any{"ref": "refs/heads/" + b, "sha": base}, nil); err != nil {
			return err
		}
		if _, err := w.putFile(repo, b, fmt.Sprintf("fixes/%03d.txt", i), "fix\n", fmt.Sprintf("Fix incident %d", i)); err != nil {
			return err
		}
		var pr struct{ Number int }
		if err := w.api("POST", "/repos/"+owner+"/"+repo+"/pulls", map[string]any{"title": fmt.Sprintf("Hotfix: incident %d", i),
			"head": b, "base": "main", "body": prBody}, &pr); err != nil {
			return err
		}
		if err := w.labelPull(repo, pr.Number, i == 1); err != nil {
			return err
		}
		if i%5 < 2 {
			continue // open
		}
		var merged struct{ SHA string }
		if err := w.api("PUT", fmt.Sprintf("/repos/%s/%s/pulls/%d/merge", owner, repo, pr.Number), map[string]any{"merge_method": "squash"}, &merged); err != nil {
			return err
		}
		since := time.Now().UTC()
		var run struct {
			ID      int64  `json:"workflow_run_id"`
			HTMLURL string `json:"html_url"`
		}
		if err := w.api("POST", "/repos/"+owner+"/"+repo+"/actions/workflows/release.yml/dispatches", map[string]any{"ref": "main",
			"inputs": map[string]any{"environment": "production"}, "return_run_details": true}, &run); err != nil {
			return err
		}
		marker := hotfix.ReleaseMarker{State: "dispatched", MergeSHA: merged.SHA, Workflow: "release.yml", Ref: "main",
			Since: since, RunID: run.ID, RunURL: run.HTMLURL}
		if err := w.api("POST", fmt.Sprintf("/repos/%s/%s/issues/%d/comments", owner, repo, pr.Number),
			map[string]any{"body": hotfix.ReleaseComment(marker)}, nil); err != nil {
			return err
		}
		if _, err := w.control("POST", fmt.Sprintf("repos/%s/%s/runs/%d", owner, repo, run.ID),
			map[string]any{"status": "completed", "conclusion": "success"}); err != nil {
			return err
		}
	}
	return nil
}
