package apispec

// Operations lists every REST operation the emulator serves, as GitHub's
// published description names them (method, path template, operationId).
//
// It is the single source of truth for two things: script/gen-apispec keeps
// exactly these operations (and what they reference) when it trims GitHub's
// description into openapi.json, failing if one of them is missing or its
// operationId changed; and the tests check that the embedded openapi.json
// holds each of them. Add an operation here, then re-run script/gen-apispec.
//
// POST /repos/{owner}/{repo}/releases/{release_id}/assets is served by GitHub
// at uploads.github.com; the description lists it under paths with an
// operation-level servers entry, so it is included like any other operation
// (its request body is raw bytes, which Check does not parse).
var Operations = []Operation{
	{Method: "GET", Path: "/", ID: "meta/root"},
	{Method: "GET", Path: "/user", ID: "users/get-authenticated"},
	{Method: "GET", Path: "/users/{username}", ID: "users/get-by-username"},
	{Method: "GET", Path: "/rate_limit", ID: "rate-limit/get"},
	{Method: "POST", Path: "/user/repos", ID: "repos/create-for-authenticated-user"},
	{Method: "GET", Path: "/repos/{owner}/{repo}", ID: "repos/get"},
	{Method: "PATCH", Path: "/repos/{owner}/{repo}", ID: "repos/update"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/branches", ID: "repos/list-branches"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/branches/{branch}", ID: "repos/get-branch"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/branches/{branch}/protection", ID: "repos/get-branch-protection"},
	{Method: "PUT", Path: "/repos/{owner}/{repo}/branches/{branch}/protection", ID: "repos/update-branch-protection"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/git/ref/{ref}", ID: "git/get-ref"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/git/matching-refs/{ref}", ID: "git/list-matching-refs"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/git/refs", ID: "git/create-ref"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/tags", ID: "repos/list-tags"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/commits", ID: "repos/list-commits"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/commits/{ref}", ID: "repos/get-commit"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/commits/{ref}/status", ID: "repos/get-combined-status-for-ref"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/commits/{ref}/statuses", ID: "repos/list-commit-statuses-for-ref"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/statuses/{sha}", ID: "repos/create-commit-status"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/commits/{ref}/check-runs", ID: "checks/list-for-ref"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/check-runs", ID: "checks/create"},
	{Method: "PATCH", Path: "/repos/{owner}/{repo}/check-runs/{check_run_id}", ID: "checks/update"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/check-runs/{check_run_id}", ID: "checks/get"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/compare/{basehead}", ID: "repos/compare-commits-with-basehead"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/contents/{path}", ID: "repos/get-content"},
	{Method: "PUT", Path: "/repos/{owner}/{repo}/contents/{path}", ID: "repos/create-or-update-file-contents"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/pulls", ID: "pulls/list"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/pulls", ID: "pulls/create"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}", ID: "pulls/get"},
	{Method: "PATCH", Path: "/repos/{owner}/{repo}/pulls/{pull_number}", ID: "pulls/update"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/merge", ID: "pulls/check-if-merged"},
	{Method: "PUT", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/merge", ID: "pulls/merge"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/commits", ID: "pulls/list-commits"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/files", ID: "pulls/list-files"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", ID: "pulls/list-requested-reviewers"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", ID: "pulls/request-reviewers"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", ID: "pulls/list-reviews"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", ID: "pulls/create-review"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/labels", ID: "issues/list-labels-for-repo"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/labels", ID: "issues/create-label"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/labels/{name}", ID: "issues/get-label"},
	{Method: "PATCH", Path: "/repos/{owner}/{repo}/labels/{name}", ID: "issues/update-label"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/issues", ID: "issues/list-for-repo"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/issues", ID: "issues/create"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/issues/{issue_number}", ID: "issues/get"},
	{Method: "PATCH", Path: "/repos/{owner}/{repo}/issues/{issue_number}", ID: "issues/update"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/issues/{issue_number}/labels", ID: "issues/list-labels-on-issue"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/issues/{issue_number}/labels", ID: "issues/add-labels"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/issues/{issue_number}/comments", ID: "issues/list-comments"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/issues/{issue_number}/comments", ID: "issues/create-comment"},
	{Method: "PATCH", Path: "/repos/{owner}/{repo}/issues/comments/{comment_id}", ID: "issues/update-comment"},
	{Method: "DELETE", Path: "/repos/{owner}/{repo}/issues/comments/{comment_id}", ID: "issues/delete-comment"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/collaborators/{username}", ID: "repos/check-collaborator"},
	{Method: "GET", Path: "/orgs/{org}/teams/{team_slug}", ID: "teams/get-by-name"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/releases", ID: "repos/list-releases"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/releases", ID: "repos/create-release"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/releases/latest", ID: "repos/get-latest-release"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/releases/tags/{tag}", ID: "repos/get-release-by-tag"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/releases/{release_id}", ID: "repos/get-release"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/releases/assets/{asset_id}", ID: "repos/get-release-asset"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/releases/{release_id}/assets", ID: "repos/upload-release-asset"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/workflows", ID: "actions/list-repo-workflows"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}", ID: "actions/get-workflow"},
	{Method: "POST", Path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", ID: "actions/create-workflow-dispatch"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", ID: "actions/list-workflow-runs"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/runs", ID: "actions/list-workflow-runs-for-repo"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/runs/{run_id}", ID: "actions/get-workflow-run"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs", ID: "actions/list-jobs-for-workflow-run"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/jobs/{job_id}", ID: "actions/get-job-for-workflow-run"},
	{Method: "GET", Path: "/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs", ID: "actions/list-jobs-for-workflow-run-attempt"},
}
