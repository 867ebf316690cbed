package emulator

import (
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
	return map[string]any{"id": c.ID, "node_id": nodeID("CR", c.ID), "head_sha": c.HeadSHA, "name": c.Name,
		"status": c.Status, "conclusion": nullIfEmpty(c.Conclusion), "details_url": nullIfEmpty(c.DetailsURL),
		"started_at": ts(c.StartedAt), "completed_at": tsPtr(c.CompletedAt), "external_id": "",
		"url":         apiURL + "/repos/" + r.fullName() + "/check-runs/" + strconv.FormatInt(c.ID, 10),
		"html_url":    webURL + "/" + r.fullName() + "/runs/" + strconv.FormatInt(c.ID, 10),
		"output":      map[string]any{"title": nil, "summary": nil, "text": nil, "annotations_count": 0, "annotations_url": ""},
		"check_suite": map[string]any{"id": c.ID}, "app": nil, "pull_requests": []any{}}
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
		return 0, nil, notFound()
	}
	return 200, s.checkRunJSON(q.repo, c), nil
}
