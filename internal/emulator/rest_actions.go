package emulator

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

func (s *Server) workflowJSON(r *repo, wf *workflow) map[string]any {
	return map[string]any{"id": wf.ID, "node_id": nodeID("W", wf.ID), "name": wf.Name, "path": wf.Path, "state": wf.State,
		"created_at": ts(wf.CreatedAt), "updated_at": ts(wf.CreatedAt),
		"url":       apiURL + "/repos/" + r.fullName() + "/actions/workflows/" + strconv.FormatInt(wf.ID, 10),
		"html_url":  webURL + "/" + r.fullName() + "/blob/" + r.DefaultBranch + "/" + wf.Path,
		"badge_url": webURL + "/" + r.fullName() + "/workflows/" + wf.Name + "/badge.svg"}
}

func (s *Server) listWorkflows(q *req) (int, any, error) {
	wfs := s.st.syncWorkflows(q.repo)
	list := []map[string]any{}
	for _, wf := range wfs {
		list = append(list, s.workflowJSON(q.repo, wf))
	}
	return 200, map[string]any{"total_count": len(list), "workflows": page(q, list)}, nil
}

func (s *Server) getWorkflow(q *req) (int, any, error) {
	wf := s.st.findWorkflow(q.repo, q.params["workflow_id"])
	if wf == nil {
		return 0, nil, notFound()
	}
	return 200, s.workflowJSON(q.repo, wf), nil
}

// cancelRun cancels a run that has not completed: 202 (REST docs, "Cancel a
// workflow run"); a completed one answers 409 "Cannot cancel a workflow run that
// is completed.".
func (s *Server) cancelRun(q *req) (int, any, error) {
	run := q.repo.run(int64(q.intParam("run_id")))
	if run == nil {
		return 0, nil, notFound()
	}
	s.st.advanceRun(q.repo, run)
	if run.Status == "completed" {
		return 0, nil, &apiError{Status: 409, Message: "Cannot cancel a workflow run that is completed."}
	}
	s.st.setRunStatus(run, "completed", "cancelled")
	return 202, map[string]any{}, nil
}

// rerunRun starts a new attempt of a completed run, at the same commit: 201
// (REST docs, "Re-run a workflow", "Re-run failed jobs from a workflow run"; the
// Actions docs: a re-run uses "the same GITHUB_SHA ... of the original event").
// The run keeps its ID; run_attempt counts the attempts. A run still running is
// refused with 403 "This workflow is already running", as GitHub answers it
// (quoted in metabase/metabase#70916).
func (s *Server) rerunRun(q *req) (int, any, error) {
	run := q.repo.run(int64(q.intParam("run_id")))
	if run == nil {
		return 0, nil, notFound()
	}
	s.st.advanceRun(q.repo, run)
	if run.Status != "completed" {
		return 0, nil, &apiError{Status: 403, Message: "This workflow is already running"}
	}
	now := s.st.now()
	run.Attempt = max(run.Attempt, 1) + 1
	run.AttemptAt, run.Status, run.Conclusion, run.CompletedAt, run.UpdatedAt = now, "queued", "", nil, now
	// A new attempt's job meets its environment's protection rules again.
	s.st.gateRun(q.repo, run)
	return 201, map[string]any{}, nil
}

// setWorkflowState enables or disables a workflow, as the Actions tab does:
// 204 (REST docs, "Enable a workflow", "Disable a workflow"). A disabled workflow
// is not dispatched (see dispatchWorkflow).
func (s *Server) setWorkflowState(state string) func(q *req) (int, any, error) {
	return func(q *req) (int, any, error) {
		s.st.syncWorkflows(q.repo)
		wf := s.st.findWorkflow(q.repo, q.params["workflow_id"])
		if wf == nil {
			return 0, nil, notFound()
		}
		wf.State = state
		return 204, nil, nil
	}
}

// dispatchWorkflow validates like GitHub (ref, trigger, inputs) and queues a run.
//
// The workflow is found on the default branch (its ID, its state): "This event
// will only trigger a workflow run if the workflow file is on the default
// branch" (GitHub docs, "Events that trigger workflows", workflow_dispatch:
// https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#workflow_dispatch;
// cli/cli#9781: 404 for a file only on the dispatched branch). Everything else
// comes from the file as it is at the dispatched ref: each run "will use the
// version of the workflow that is present in the associated commit SHA or Git
// ref of the event" (GitHub docs, "Triggering a workflow":
// https://docs.github.com/en/actions/using-workflows/triggering-a-workflow), as
// benc-uk/workflow-dispatch#60 observed ("uses the file in the provided ref").
// So the trigger and the inputs are checked against that copy: 422 "Workflow
// does not have 'workflow_dispatch' trigger" when it lacks the trigger (REST
// docs, "Create a workflow dispatch event"), 404 when the ref has no such file.
func (s *Server) dispatchWorkflow(q *req) (int, any, error) {
	wf := s.st.findWorkflow(q.repo, q.params["workflow_id"])
	if wf == nil {
		return 0, nil, notFound()
	}
	if _, asked := q.body["return_run_details"]; asked && (q.repo.noRunDetails || !siteOf(q.r).has(featureRunDetails)) {
		// GitHub Enterprise Server 3.19: `"return_run_details" is not a
		// permitted key.` (benc-uk/workflow-dispatch#86); this endpoint answers
		// an unknown key 422 "Invalid request.\n\n\"target\", \"version\" are
		// not permitted keys." (erlang/otp#8807), as the checker words it.
		return 0, nil, &apiError{Status: 422, Message: "Invalid request.\n\n\"return_run_details\" is not a permitted key."}
	}
	ref := strings.TrimPrefix(strings.TrimPrefix(q.str("ref"), "refs/heads/"), "refs/tags/")
	sha := q.repo.git.resolve(ref)
	if sha == "" {
		return 0, nil, &apiError{Status: 422, Message: "No ref found for: " + q.str("ref")}
	}
	copyAtRef := q.repo.workflowAt(sha, wf.Path)
	if copyAtRef == nil {
		return 0, nil, notFound()
	}
	if !copyAtRef.Dispatch {
		return 0, nil, &apiError{Status: 422, Message: "Workflow does not have 'workflow_dispatch' trigger"}
	}
	if wf.State != "active" {
		// A workflow disabled in the Actions tab (or by GitHub, for inactivity) is
		// not run; GitHub answers 422 "Cannot trigger a 'workflow_dispatch' on a
		// disabled workflow" (quoted in benc-uk/workflow-dispatch#72).
		return 0, nil, &apiError{Status: 422, Message: "Cannot trigger a 'workflow_dispatch' on a disabled workflow"}
	}
	given, _ := q.body["inputs"].(map[string]any)
	inputs, verr := validateDispatchInputs(copyAtRef, given)
	if verr != nil {
		return 0, nil, verr
	}
	run := s.st.startRun(q.repo, wf, copyAtRef, "workflow_dispatch", ref, sha, q.login)
	run.Inputs = inputs
	if strings.Contains(run.Environment, "${{") && run.Status != "pending" {
		s.st.gateRun(q.repo, run) // its environment is named by an input
	}
	if v, _ := q.boolean("return_run_details"); v {
		return 200, map[string]any{"workflow_run_id": run.ID,
			"run_url":  apiURL + "/repos/" + q.repo.fullName() + "/actions/runs/" + strconv.FormatInt(run.ID, 10),
			"html_url": webURL + "/" + q.repo.fullName() + "/actions/runs/" + strconv.FormatInt(run.ID, 10)}, nil
	}
	return 204, nil, nil
}

func (s *Server) runJSON(r *repo, run *workflowRun) map[string]any {
	base := apiURL + "/repos/" + r.fullName() + "/actions/runs/" + strconv.FormatInt(run.ID, 10)
	path := r.workflowPath(run.WorkflowID)
	headCommit := map[string]any{"id": run.HeadSHA, "tree_id": "", "message": "", "timestamp": ts(run.CreatedAt),
		"author": map[string]any{"name": run.Actor, "email": ""}, "committer": map[string]any{"name": run.Actor, "email": ""}}
	if c, err := r.git.commit(run.HeadSHA); err == nil {
		headCommit["message"], headCommit["tree_id"] = c.Message, c.Tree
	}
	started := run.StartedAt
	if started.IsZero() {
		started = run.CreatedAt
	}
	return map[string]any{
		"id": run.ID, "node_id": nodeID("WFR", run.ID), "name": run.Name, "display_title": run.Name, "path": path,
		"head_branch": run.HeadBranch, "head_sha": run.HeadSHA, "run_number": run.Number, "run_attempt": max(run.Attempt, 1),
		"event": run.Event, "status": run.Status, "conclusion": nullIfEmpty(run.Conclusion), "workflow_id": run.WorkflowID,
		"check_suite_id": run.ID, "url": base, "html_url": webURL + "/" + r.fullName() + "/actions/runs/" + strconv.FormatInt(run.ID, 10),
		"created_at": ts(run.CreatedAt), "updated_at": ts(run.UpdatedAt), "run_started_at": ts(started),
		"jobs_url": base + "/jobs", "logs_url": base + "/logs", "check_suite_url": base, "artifacts_url": base + "/artifacts",
		"cancel_url": base + "/cancel", "rerun_url": base + "/rerun", "workflow_url": apiURL + "/repos/" + r.fullName() + "/actions/workflows/" + strconv.FormatInt(run.WorkflowID, 10),
		"actor": s.userJSON(run.Actor), "triggering_actor": s.userJSON(run.Actor), "pull_requests": []any{},
		"head_commit": headCommit, "repository": s.repoJSON(r), "head_repository": s.repoJSON(r), "inputs": run.Inputs,
	}
}

// matchCreated applies the runs API's "created" filter (>=, >, <=, <, a..b, or a date).
func matchCreated(filter string, t time.Time) bool {
	parse := func(v string) (time.Time, bool) {
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
			if p, err := time.Parse(layout, v); err == nil {
				return p, true
			}
		}
		return time.Time{}, false
	}
	switch {
	case filter == "":
		return true
	case strings.Contains(filter, ".."):
		parts := strings.SplitN(filter, "..", 2)
		a, ok1 := parse(parts[0])
		b, ok2 := parse(parts[1])
		return (!ok1 || !t.Before(a)) && (!ok2 || !t.After(b))
	case strings.HasPrefix(filter, ">="):
		a, ok := parse(filter[2:])
		return !ok || !t.Before(a)
	case strings.HasPrefix(filter, "<="):
		a, ok := parse(filter[2:])
		return !ok || !t.After(a)
	case strings.HasPrefix(filter, ">"):
		a, ok := parse(filter[1:])
		return !ok || t.After(a)
	case strings.HasPrefix(filter, "<"):
		a, ok := parse(filter[1:])
		return !ok || t.Before(a)
	default:
		a, ok := parse(filter)
		return !ok || t.Format("2006-01-02") == a.Format("2006-01-02")
	}
}

func (s *Server) runsJSON(q *req, wfID int64) map[string]any {
	list := []map[string]any{}
	for i := len(q.repo.runs) - 1; i >= 0; i-- { // newest first
		run := q.repo.runs[i]
		s.st.advanceRun(q.repo, run)
		v := q.query
		if (wfID != 0 && run.WorkflowID != wfID) ||
			(v.Get("branch") != "" && run.HeadBranch != v.Get("branch")) ||
			(v.Get("event") != "" && run.Event != v.Get("event")) ||
			(v.Get("head_sha") != "" && run.HeadSHA != v.Get("head_sha")) ||
			(v.Get("actor") != "" && run.Actor != v.Get("actor")) ||
			(v.Get("status") != "" && run.Status != v.Get("status") && run.Conclusion != v.Get("status")) ||
			!matchCreated(v.Get("created"), run.CreatedAt) {
			continue
		}
		list = append(list, s.runJSON(q.repo, run))
	}
	return map[string]any{"total_count": len(list), "workflow_runs": page(q, list)}
}

func (s *Server) listWorkflowRuns(q *req) (int, any, error) {
	wf := s.st.findWorkflow(q.repo, q.params["workflow_id"])
	if wf == nil {
		return 0, nil, notFound()
	}
	return 200, s.runsJSON(q, wf.ID), nil
}

func (s *Server) listRepoRuns(q *req) (int, any, error) {
	s.st.syncWorkflows(q.repo)
	return 200, s.runsJSON(q, 0), nil
}

func (s *Server) runFor(q *req) *workflowRun {
	id, _ := strconv.ParseInt(q.params["run_id"], 10, 64)
	run := q.repo.run(id)
	if run != nil {
		s.st.advanceRun(q.repo, run)
	}
	return run
}

func (s *Server) getRun(q *req) (int, any, error) {
	run := s.runFor(q)
	if run == nil {
		return 0, nil, notFound()
	}
	return 200, s.runJSON(q.repo, run), nil
}

// jobJSON reports the single job each emulated run has; it mirrors the run's state.
func (s *Server) jobJSON(r *repo, run *workflowRun) map[string]any {
	started := run.StartedAt
	if started.IsZero() {
		started = run.CreatedAt
	}
	steps := []map[string]any{}
	for i, name := range []string{"Set up job", "Release", "Complete job"} {
		status, concl := run.Status, run.Conclusion
		steps = append(steps, map[string]any{"name": name, "number": i + 1, "status": status, "conclusion": nullIfEmpty(concl),
			"started_at": ts(started), "completed_at": tsPtr(run.CompletedAt)})
	}
	return map[string]any{"id": run.JobID, "node_id": nodeID("J", run.JobID), "run_id": run.ID, "run_attempt": max(run.Attempt, 1),
		"name": run.JobName, "workflow_name": run.Name, "head_branch": run.HeadBranch, "head_sha": run.HeadSHA,
		"status": run.Status, "conclusion": nullIfEmpty(run.Conclusion), "started_at": ts(started),
		"completed_at": tsPtr(run.CompletedAt), "created_at": ts(run.CreatedAt), "steps": steps, "labels": []string{"ubuntu-latest"},
		"url":           apiURL + "/repos/" + r.fullName() + "/actions/jobs/" + strconv.FormatInt(run.JobID, 10),
		"html_url":      fmt.Sprintf("%s/%s/actions/runs/%d/job/%d", webURL, r.fullName(), run.ID, run.JobID),
		"run_url":       apiURL + "/repos/" + r.fullName() + "/actions/runs/" + strconv.FormatInt(run.ID, 10),
		"check_run_url": apiURL + "/repos/" + r.fullName() + "/check-runs/" + strconv.FormatInt(run.JobID, 10), "runner_id": nil, "runner_name": nil, "runner_group_id": nil, "runner_group_name": nil}
}

func (s *Server) listJobs(q *req) (int, any, error) {
	run := s.runFor(q)
	if run == nil {
		return 0, nil, notFound()
	}
	return 200, map[string]any{"total_count": 1, "jobs": []any{s.jobJSON(q.repo, run)}}, nil
}

func (s *Server) getJob(q *req) (int, any, error) {
	id, _ := strconv.ParseInt(q.params["job_id"], 10, 64)
	for _, run := range q.repo.runs {
		if run.JobID == id {
			s.st.advanceRun(q.repo, run)
			return 200, s.jobJSON(q.repo, run), nil
		}
	}
	return 0, nil, notFound()
}

// workflowPath is the file path of the workflow with the given ID, "" if unknown.
func (r *repo) workflowPath(id int64) string {
	for _, wf := range r.workflows {
		if wf.ID == id {
			return wf.Path
		}
	}
	return ""
}
