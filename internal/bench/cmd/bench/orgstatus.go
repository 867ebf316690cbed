package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

const (
	// org is the organization of the org-status scenario: orgRepos repositories,
	// orgOpen open hotfix pull requests (in the first ones, each its own
	// repository) and orgMerged merged and released (in the next ones).
	org       = "acme"
	orgRepos  = 30
	orgOpen   = 6
	orgMerged = 4
)

// orgStatus is the org-status scenario: every hotfix in flight across an
// organization, with gh hotfix status --org against what a person runs with
// gh: the two searches, then each pull request's checks, review and release
// comment, and each release run.
var orgStatus = &scenario{
	key:   "org-status",
	title: "(5) status --org, 30 repos",
	ours:  []string{"gh hotfix status --org " + org},
	chain: []string{"gh search prs --owner " + org + " --label hotfix --state open --json repository,number",
		"gh search prs --owner " + org + " --label hotfix --merged --merged-at '>=DATE' --json repository,number",
		"gh pr view N -R REPO --json title,state,statusCheckRollup,reviewDecision,mergeStateStatus,mergeCommit,comments   # each PR",
		"gh run view RUN -R REPO --json status,conclusion   # each release run named in a release comment"},
	min: 1,
	why: "1 GraphQL query: GitHub's search of the organization's labelled PRs, open and merged lately as two aliases, " +
		"each PR with its checks, review, what blocks it, its queue entry, its release comment and its merge commit's " +
		"check suites (the release run), whatever the number of repositories",
	shared: true,
	setup: func(w *world, _ string) (*fixture, error) {
		if err := w.orgWorld(); err != nil {
			return nil, err
		}
		return &fixture{dir: w.dir}, nil
	},
	runOurs: func(w *world, fx *fixture) error {
		out, err := w.run(fx.dir, "gh", "hotfix", "status", "--org", org)
		if n := strings.Count(out, "\n"); err == nil && n != orgOpen+orgMerged {
			err = fmt.Errorf("gh hotfix status --org listed %d pull requests, want %d:\n%s", n, orgOpen+orgMerged, out)
		}
		return err
	},
	runChain: func(w *world, fx *fixture) error {
		type found struct {
			Repository struct{ NameWithOwner string }
			Number     int
		}
		var pulls []found
		since := time.Now().UTC().AddDate(0, 0, -7).Format("2006-01-02")
		for _, args := range [][]string{{"--state", "open"}, {"--merged", "--merged-at", ">=" + since}} {
			out, err := w.run(fx.dir, "gh", append(append([]string{"search", "prs", "--owner", org, "--label", "hotfix"}, args...),
				"--json", "repository,number")...)
			if err != nil {
				return err
			}
			var some []found
			if err := json.Unmarshal([]byte(out), &some); err != nil {
				return fmt.Errorf("gh search prs: %q: %w", out, err)
			}
			pulls = append(pulls, some...)
		}
		if len(pulls) != orgOpen+orgMerged {
			return fmt.Errorf("gh search prs found %d pull requests, want %d", len(pulls), orgOpen+orgMerged)
		}
		for _, p := range pulls {
			out, err := w.run(fx.dir, "gh", "pr", "view", strconv.Itoa(p.Number), "-R", p.Repository.NameWithOwner,
				"--json", "title,state,statusCheckRollup,reviewDecision,mergeStateStatus,mergeCommit,comments")
			if err != nil {
				return err
			}
			var pr struct {
				State    string
				Comments []struct{ Body string }
			}
			if err := json.Unmarshal([]byte(out), &pr); err != nil {
				return fmt.Errorf("gh pr view: %q: %w", out, err)
			}
			if pr.State != "MERGED" {
				continue
			}
			var run int64
			for _, c := range pr.Comments {
				if m, ok := hotfix.ParseReleaseMarker(c.Body); ok {
					run = m.RunID
				}
			}
			if run == 0 {
				return fmt.Errorf("%s#%d: no release comment", p.Repository.NameWithOwner, p.Number)
			}
			if _, err := w.run(fx.dir, "gh", "run", "view", strconv.FormatInt(run, 10), "-R", p.Repository.NameWithOwner,
				"--json", "status,conclusion"); err != nil {
				return err
			}
		}
		return nil
	},
}

// orgWorld makes the organization org with orgRepos repositories, through the
// API alone, the first orgOpen with an open hotfix pull request each, with a
// green or red check, and the next orgMerged with a merged one, released the
// way ship does it (dispatch, then the marker comment), its run completed.
func (w *world) orgWorld() error {
	if err := w.api("POST", "/admin/organizations", map[string]any{"login": org, "admin": owner}, nil); err != nil {
		return err
	}
	for i := range orgRepos {
		full := fmt.Sprintf("%s/svc-%02d", org, i)
		if err := w.api("POST", "/orgs/"+org+"/repos", map[string]any{"name": full[len(org)+1:]}, nil); err != nil {
			return err
		}
		base, err := w.putFileIn(full, "main", ".github/workflows/release.yml", releaseWorkflow, "Add the release workflow")
		if err != nil {
			return err
		}
		if i >= orgOpen+orgMerged {
			continue
		}
		b := fmt.Sprintf("hotfix/incident-%02d", i)
		if err := w.api("POST", "/repos/"+full+"/git/refs", map[string]any{"ref": "refs/heads/" + b, "sha": base}, nil); err != nil {
			return err
		}
		head, err := w.putFileIn(full, b, "fix.txt", "fix\n", fmt.Sprintf("Fix incident %d", i))
		if err != nil {
			return err
		}
		var pr struct{ Number int }
		if err := w.api("POST", "/repos/"+full+"/pulls", map[string]any{"title": fmt.Sprintf("Hotfix: incident %d", i),
			"head": b, "base": "main", "body": prBody}, &pr); err != nil {
			return err
		}
		if err := w.api("POST", fmt.Sprintf("/repos/%s/issues/%d/labels", full, pr.Number), map[string]any{"labels": []string{"hotfix"}}, nil); err != nil {
			return err
		}
		if i < orgOpen {
			conclusion := map[bool]string{true: "success", false: "failure"}[i%2 == 0]
			if err := w.api("POST", "/repos/"+full+"/check-runs", map[string]any{"name": "CI", "head_sha": head,
				"status": "completed", "conclusion": conclusion}, nil); err != nil {
				return err
			}
			continue
		}
		var merged struct{ SHA string }
		if err := w.api("PUT", fmt.Sprintf("/repos/%s/pulls/%d/merge", full, pr.Number), map[string]any{"merge_method": "squash"}, &merged); err != nil {
			return err
		}
		since := time.Now().UTC()
		var run struct {
			ID      int64  `json:"workflow_run_id"`
			HTMLURL string `json:"html_url"`
		}
		if err := w.api("POST", "/repos/"+full+"/actions/workflows/release.yml/dispatches", map[string]any{"ref": "main",
			"inputs": map[string]any{"environment": "production"}, "return_run_details": true}, &run); err != nil {
			return err
		}
		marker := hotfix.ReleaseMarker{State: "dispatched", MergeSHA: merged.SHA, Workflow: "release.yml", Ref: "main",
			Since: since, RunID: run.ID, RunURL: run.HTMLURL}
		if err := w.api("POST", fmt.Sprintf("/repos/%s/issues/%d/comments", full, pr.Number),
			map[string]any{"body": hotfix.ReleaseComment(marker)}, nil); err != nil {
			return err
		}
		if _, err := w.control("POST", fmt.Sprintf("repos/%s/runs/%d", full, run.ID),
			map[string]any{"status": "completed", "conclusion": "success"}); err != nil {
			return err
		}
	}
	return nil
}
