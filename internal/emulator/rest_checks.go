package emulator

import (
	"fmt"
	"strconv"
)

func (s *Server) statusJSON(r *repo, st *commitStatus) map[string]any {
	return map[string]any{"id": st.ID, "node_id": nodeID("SC", st.ID), "state": st.State, "context": st.Context,
		"description": nullIfEmpty(st.Description), "target_url": nullIfEmpty(st.TargetURL), "creator": s.userJSON(st.Creator),
		"created_at": ts(st.CreatedAt), "updated_at": ts(st.UpdatedAt), "avatar_url": nil,
		"url": apiURL + "/repos/" + r.fullName() + "/statuses/" + st.SHA}
}

func (s *Server) getCombinedStatus(q *req) (int, any, error) {
	sha := q.repo.git.resolve(q.params["ref"])
	if sha == "" {
		return 0, nil, &apiError{Status: 422, Message: "No commit found for SHA: " + q.params["ref"]}
	}
	sts := q.repo.latestStatuses(sha)
	list := []map[string]any{}
	for _, st := range sts {
		list = append(list, s.statusJSON(q.repo, st))
	}
	return 200, map[string]any{"state": combinedState(sts), "sha": sha, "total_count": len(sts), "statuses": list,
		"repository": s.repoJSON(q.repo), "commit_url": apiURL + "/repos/" + q.repo.fullName() + "/commits/" + sha,
		"url": apiURL + "/repos/" + q.repo.fullName() + "/commits/" + sha + "/status"}, nil
}

func (s *Server) listStatuses(q *req) (int, any, error) {
	sha := q.repo.git.resolve(q.params["ref"])
	list := []map[string]any{}
	for i := len(q.repo.statuses) - 1; i >= 0; i-- {
		if st := q.repo.statuses[i]; st.SHA == sha {
			list = append(list, s.statusJSON(q.repo, st))
		}
	}
	return 200, page(q, list), nil
}

func (s *Server) createStatus(q *req) (int, any, error) {
	sha := q.params["sha"]
	if _, err := q.repo.git.commit(sha); err != nil || len(sha) != 40 {
		return 0, nil, &apiError{Status: 422, Message: "No commit found for SHA: " + sha}
	}
	ctx := q.str("context")
	if ctx == "" {
		ctx = "default"
	}
	now := s.st.now()
	st := &commitStatus{ID: s.st.id(), SHA: sha, State: q.str("state"), Context: ctx, Description: q.str("description"),
		TargetURL: q.str("target_url"), Creator: q.login, CreatedAt: now, UpdatedAt: now}
	q.repo.statuses = append(q.repo.statuses, st)
	s.tryAutoMerge(q.repo)
	return 201, s.statusJSON(q.repo, st), nil
}

func (s *Server) checkRunJSON(r *repo, c *checkRun) map[string]any {
	out := map[string]any{"id": c.ID, "node_id": nodeID("CR", c.ID), "head_sha": c.HeadSHA, "name": c.Name,
		"status": c.Status, "conclusion": nullIfEmpty(c.Conclusion), "details_url": nullIfEmpty(c.DetailsURL),
		"started_at": ts(c.StartedAt), "completed_at": tsPtr(c.CompletedAt), "external_id": "",
		"url":         apiURL + "/repos/" + r.fullName() + "/check-runs/" + strconv.FormatInt(c.ID, 10),
		"html_url":    webURL + "/" + r.fullName() + "/runs/" + strconv.FormatInt(c.ID, 10),
		"output":      map[string]any{"title": nil, "summary": nil, "text": nil, "annotations_count": 0, "annotations_url": ""},
		"check_suite": map[string]any{"id": c.ID}, "app": nil, "pull_requests": []any{}}
	if run := c.run; run != nil {
		jobURL := fmt.Sprintf("%s/%s/actions/runs/%d/job/%d", webURL, r.fullName(), run.ID, run.JobID)
		out["check_suite"], out["app"] = map[string]any{"id": run.ID}, actionsAppJSON()
		out["details_url"], out["html_url"], out["external_id"] = jobURL, jobURL, strconv.FormatInt(run.JobID, 10)
	}
	return out
}

// GitHub Actions reports its checks as the GitHub App "GitHub Actions", slug
// github-actions (https://github.com/apps/github-actions), id 15368: the app_id
// that branch protections name for Actions checks ("checks": [{"context": …,
// "app_id": 15368}], REST docs, "Update branch protection"), and the app_id and
// app_name "GitHub Actions" of Actions check runs in Mergify's test fixtures.
const (
	actionsAppID   = 15368
	actionsAppSlug = "github-actions"
	actionsAppName = "GitHub Actions"
)

func actionsAppJSON() map[string]any {
	return map[string]any{"id": actionsAppID, "slug": actionsAppSlug, "node_id": "MDM6QXBwMTUzNjg=", "name": actionsAppName,
		"description":  "Automate your workflow from idea to production",
		"owner":        map[string]any{"login": "github", "id": 9919, "type": "Organization"},
		"external_url": "https://help.github.com/en/actions", "html_url": webURL + "/apps/" + actionsAppSlug,
		"created_at": "2018-07-30T09:30:17Z", "updated_at": "2024-04-10T20:33:16Z",
		"permissions": map[string]any{}, "events": []string{}}
}

// checkSuiteJSON is a workflow run's check suite: one per run, with the run's
// status and conclusion (REST docs, "Check suites": "A check suite is a
// collection of the check runs created by a single GitHub App for a specific
// commit"; a workflow run names its own check_suite_id).
func (s *Server) checkSuiteJSON(r *repo, run *workflowRun) map[string]any {
	base := apiURL + "/repos/" + r.fullName()
	return map[string]any{"id": run.ID, "node_id": nodeID("CS", run.ID), "head_branch": run.HeadBranch, "head_sha": run.HeadSHA,
		"status": run.Status, "conclusion": nullIfEmpty(run.Conclusion), "url": base + "/check-suites/" + strconv.FormatInt(run.ID, 10),
		"before": nil, "after": run.HeadSHA, "pull_requests": []any{}, "app": actionsAppJSON(), "repository": s.repoJSON(r),
		"created_at": ts(run.CreatedAt), "updated_at": ts(run.UpdatedAt), "latest_check_runs_count": 1,
		"check_runs_url": base + "/check-suites/" + strconv.FormatInt(run.ID, 10) + "/check-runs",
		"rerequestable":  true, "runs_rerequestable": true}
}

// listCheckSuites answers "List check suites for a Git reference" (REST docs,
// https://docs.github.com/en/rest/checks/suites#list-check-suites-for-a-git-reference):
// the suites of the workflow runs on the commit, newest first, filtered by
// app_id and check_name. Check runs created through the Checks API carry no
// app here (a token is no GitHub App), so they form no suite.
func (s *Server) listCheckSuites(q *req) (int, any, error) {
	sha := q.repo.git.resolve(q.params["ref"])
	if sha == "" {
		return 0, nil, &apiError{Status: 422, Message: "No commit found for SHA: " + q.params["ref"]}
	}
	runs := q.repo.runsOn(sha)
	list := []map[string]any{}
	for i := len(runs) - 1; i >= 0; i-- {
		run := runs[i]
		if app := q.query.Get("app_id"); app != "" && app != strconv.Itoa(actionsAppID) {
			continue
		}
		if name := q.query.Get("check_name"); name != "" && name != run.JobName {
			continue
		}
		list = append(list, s.checkSuiteJSON(q.repo, run))
	}
	return 200, map[string]any{"total_count": len(list), "check_suites": page(q, list)}, nil
}

func (s *Server) listCheckRuns(q *req) (int, any, error) {
	sha := q.repo.git.resolve(q.params["ref"])
	if sha == "" {
		return 0, nil, &apiError{Status: 422, Message: "No commit found for SHA: " + q.params["ref"]}
	}
	runs := q.repo.checkRunsFor(sha)
	list := []map[string]any{}
	for _, c := range runs {
		if name := q.query.Get("check_name"); name != "" && c.Name != name {
			continue
		}
		if status := q.query.Get("status"); status != "" && c.Status != status {
			continue
		}
		list = append(list, s.checkRunJSON(q.repo, c))
	}
	total := len(list)
	return 200, map[string]any{"total_count": total, "check_runs": page(q, list)}, nil
}

func (s *Server) createCheckRun(q *req) (int, any, error) {
	sha := q.str("head_sha")
	if _, err := q.repo.git.commit(sha); err != nil {
		return 0, nil, validationFailed("CheckRun", "head_sha", "invalid", "No commit found for SHA: "+sha)
	}
	c := &checkRun{ID: s.st.id(), HeadSHA: sha, Name: q.str("name"), Status: "queued", DetailsURL: q.str("details_url"), StartedAt: s.st.now()}
	if err := s.applyCheckRun(q, c); err != nil {
		return 0, nil, err
	}
	q.repo.checkRuns = append(q.repo.checkRuns, c)
	s.tryAutoMerge(q.repo)
	return 201, s.checkRunJSON(q.repo, c), nil
}

func (s *Server) applyCheckRun(q *req, c *checkRun) error {
	if st := q.str("status"); st != "" {
		c.Status = st
	}
	if concl := q.str("conclusion"); concl != "" {
		c.Conclusion, c.Status = concl, "completed"
	}
	if c.Status == "completed" {
		if c.Conclusion == "" {
			return validationFailed("CheckRun", "conclusion", "missing_field", "conclusion is required when status is completed")
		}
		now := s.st.now()
		c.CompletedAt = &now
	}
	return nil
}

func (s *Server) checkRunFor(q *req) *checkRun {
	id, _ := strconv.ParseInt(q.params["check_run_id"], 10, 64)
	for _, c := range q.repo.checkRuns {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// actionsCheckRunFor finds the check run of a workflow run's job (runCheck).
func (s *Server) actionsCheckRunFor(q *req) *checkRun {
	id, _ := strconv.ParseInt(q.params["check_run_id"], 10, 64)
	for _, run := range q.repo.runs {
		if run.JobID == id {
			s.st.advanceRun(q.repo, run)
			return runCheck(q.repo, run)
		}
	}
	return nil
}

func (s *Server) updateCheckRun(q *req) (int, any, error) {
	c := s.checkRunFor(q)
	if c == nil {
		return 0, nil, notFound()
	}
	if n := q.str("name"); n != "" {
		c.Name = n
	}
	if err := s.applyCheckRun(q, c); err != nil {
		return 0, nil, err
	}
	s.tryAutoMerge(q.repo)
	return 200, s.checkRunJSON(q.repo, c), nil
}

func (s *Server) getCheckRun(q *req) (int, any, error) {
	c := s.checkRunFor(q)
	if c == nil {
		c = s.actionsCheckRunFor(q)
	}
	if c == nil {
		return 0, nil, notFound()
	}
	return 200, s.checkRunJSON(q.repo, c), nil
}
