package apispec

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTestChecker(t testing.TB) *Checker {
	t.Helper()
	c, err := NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// request builds a request the way the emulator's handler sees it: target is
// the API path with its query, as a client sent it (escapes kept).
func request(method, target, contentType string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func TestCheckMatchesOperations(t *testing.T) {
	c := newTestChecker(t)
	tests := []struct {
		method, target string
		wantID         string
		wantParams     map[string]string
	}{
		{"GET", "/", "meta/root", map[string]string{}},
		{"GET", "/user", "users/get-authenticated", map[string]string{}},
		{"GET", "/repos/o/r/pulls/12", "pulls/get", map[string]string{"owner": "o", "repo": "r", "pull_number": "12"}},
		{"HEAD", "/repos/o/r", "repos/get", map[string]string{"owner": "o", "repo": "r"}},
		{"PATCH", "/repos/o/r", "repos/update", map[string]string{"owner": "o", "repo": "r"}},
		// Branch names with slashes, sent raw or escaped.
		{"GET", "/repos/o/r/branches/hotfix/foo", "repos/get-branch", map[string]string{"owner": "o", "repo": "r", "branch": "hotfix/foo"}},
		{"GET", "/repos/o/r/branches/hotfix%2Ffoo", "repos/get-branch", map[string]string{"owner": "o", "repo": "r", "branch": "hotfix/foo"}},
		{"GET", "/repos/o/r/branches/hotfix/foo/protection", "repos/get-branch-protection", map[string]string{"owner": "o", "repo": "r", "branch": "hotfix/foo"}},
		{"PUT", "/repos/o/r/branches/release/1.x/protection", "repos/update-branch-protection", map[string]string{"owner": "o", "repo": "r", "branch": "release/1.x"}},
		// A branch literally named "protection" below a directory.
		{"GET", "/repos/o/r/branches/a/protection/b", "repos/get-branch", map[string]string{"owner": "o", "repo": "r", "branch": "a/protection/b"}},
		{"GET", "/repos/o/r/git/ref/heads/hotfix/foo", "git/get-ref", map[string]string{"owner": "o", "repo": "r", "ref": "heads/hotfix/foo"}},
		{"GET", "/repos/o/r/git/matching-refs/heads/hotfix/", "git/list-matching-refs", map[string]string{"owner": "o", "repo": "r", "ref": "heads/hotfix/"}},
		{"GET", "/repos/o/r/git/matching-refs/tags", "git/list-matching-refs", map[string]string{"owner": "o", "repo": "r", "ref": "tags"}},
		{"POST", "/repos/o/r/git/refs", "git/create-ref", map[string]string{"owner": "o", "repo": "r"}},
		{"GET", "/repos/o/r/commits/hotfix/foo", "repos/get-commit", map[string]string{"owner": "o", "repo": "r", "ref": "hotfix/foo"}},
		{"GET", "/repos/o/r/commits/hotfix/foo/status", "repos/get-combined-status-for-ref", map[string]string{"owner": "o", "repo": "r", "ref": "hotfix/foo"}},
		{"GET", "/repos/o/r/commits/hotfix%2Ffoo/statuses", "repos/list-commit-statuses-for-ref", map[string]string{"owner": "o", "repo": "r", "ref": "hotfix/foo"}},
		{"GET", "/repos/o/r/commits/abc123/check-runs", "checks/list-for-ref", map[string]string{"owner": "o", "repo": "r", "ref": "abc123"}},
		{"POST", "/repos/o/r/statuses/abc123", "repos/create-commit-status", map[string]string{"owner": "o", "repo": "r", "sha": "abc123"}},
		{"GET", "/repos/o/r/compare/main...hotfix/foo", "repos/compare-commits-with-basehead", map[string]string{"owner": "o", "repo": "r", "basehead": "main...hotfix/foo"}},
		{"GET", "/repos/o/r/contents/docs/CHANGELOG.md", "repos/get-content", map[string]string{"owner": "o", "repo": "r", "path": "docs/CHANGELOG.md"}},
		{"GET", "/repos/o/r/contents/dir/with%20space.txt", "repos/get-content", map[string]string{"owner": "o", "repo": "r", "path": "dir/with space.txt"}},
		{"GET", "/repos/o/r/contents/", "repos/get-content", map[string]string{"owner": "o", "repo": "r", "path": ""}},
		{"GET", "/repos/o/r/contents", "repos/get-content", map[string]string{"owner": "o", "repo": "r", "path": ""}},
		{"PUT", "/repos/o/r/contents/VERSION", "repos/create-or-update-file-contents", map[string]string{"owner": "o", "repo": "r", "path": "VERSION"}},
		// Label names must be escaped; "bug/x" then arrives as one segment.
		{"GET", "/repos/o/r/labels/bug%2Fx", "issues/get-label", map[string]string{"owner": "o", "repo": "r", "name": "bug/x"}},
		{"PATCH", "/repos/o/r/labels/needs%20review", "issues/update-label", map[string]string{"owner": "o", "repo": "r", "name": "needs review"}},
		{"GET", "/repos/o/r/releases/latest", "repos/get-latest-release", map[string]string{"owner": "o", "repo": "r"}},
		{"GET", "/repos/o/r/releases/7", "repos/get-release", map[string]string{"owner": "o", "repo": "r", "release_id": "7"}},
		{"GET", "/repos/o/r/releases/tags/v1.2.3", "repos/get-release-by-tag", map[string]string{"owner": "o", "repo": "r", "tag": "v1.2.3"}},
		{"GET", "/repos/o/r/releases/assets/9", "repos/get-release-asset", map[string]string{"owner": "o", "repo": "r", "asset_id": "9"}},
		{"POST", "/repos/o/r/releases/7/assets?name=app.zip", "repos/upload-release-asset", map[string]string{"owner": "o", "repo": "r", "release_id": "7"}},
		{"GET", "/repos/o/r/actions/workflows/release.yml", "actions/get-workflow", map[string]string{"owner": "o", "repo": "r", "workflow_id": "release.yml"}},
		{"GET", "/repos/o/r/actions/workflows/161335", "actions/get-workflow", map[string]string{"owner": "o", "repo": "r", "workflow_id": "161335"}},
		{"GET", "/repos/o/r/actions/runs/5/attempts/2/jobs", "actions/list-jobs-for-workflow-run-attempt", map[string]string{"owner": "o", "repo": "r", "run_id": "5", "attempt_number": "2"}},
		{"PATCH", "/repos/o/r/issues/comments/99", "issues/update-comment", map[string]string{"owner": "o", "repo": "r", "comment_id": "99"}},
		{"GET", "/orgs/acme/teams/release-managers", "teams/get-by-name", map[string]string{"org": "acme", "team_slug": "release-managers"}},
		{"GET", "/repos/o/r/collaborators/octocat", "repos/check-collaborator", map[string]string{"owner": "o", "repo": "r", "username": "octocat"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			op, params, v := c.Check(request(tt.method, tt.target, ""), nil)
			// Operations that require body fields answer 422 to the empty
			// body; only routing matters here.
			if v != nil && v.Status != http.StatusUnprocessableEntity {
				t.Fatalf("violation: %v", v)
			}
			if op == nil || op.ID != tt.wantID {
				t.Fatalf("op = %+v, want %s", op, tt.wantID)
			}
			if !maps.Equal(params, tt.wantParams) {
				t.Errorf("params = %v, want %v", params, tt.wantParams)
			}
		})
	}
}

func TestCheckNotFound(t *testing.T) {
	c := newTestChecker(t)
	tests := []struct {
		method, target string
		detail         string // substring of Detail
	}{
		{"GET", "/nope", "no documented operation"},
		{"GET", "/repos/o", "no documented operation"},
		{"GET", "/repos/o/r/pulls/12/nope", "no documented operation"},
		{"DELETE", "/repos/o/r/pulls/12", "only for other methods"},
		{"POST", "/repos/o/r/pulls/12", "only for other methods"},
		{"GET", "/repos/o/r/pulls/abc", `"abc" is not an integer`},
		{"GET", "/repos/o/r/releases/abc", `"abc" is not an integer`},
		{"GET", "/repos//pulls", "no documented operation"},
		{"GET", "/repos/o/r/pulls/", "no documented operation"},
		{"GET", "/repos/o/r/git/ref/", "no documented operation"},
		// An unescaped slash in a label name splits it: no such route.
		{"GET", "/repos/o/r/labels/bug/x", "no documented operation"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			op, params, v := c.Check(request(tt.method, tt.target, ""), nil)
			if op != nil || params != nil {
				t.Errorf("op, params = %+v, %v; want nil", op, params)
			}
			if v == nil || !v.Reject || v.Status != http.StatusNotFound || v.Message != "Not Found" {
				t.Fatalf("violation = %+v, want 404 Not Found reject", v)
			}
			if !strings.Contains(v.Detail, tt.detail) {
				t.Errorf("detail %q lacks %q", v.Detail, tt.detail)
			}
		})
	}
}

func TestCheckValidation(t *testing.T) {
	c := newTestChecker(t)
	const (
		reject  = true
		deviate = false
	)
	tests := []struct {
		name           string
		method, target string
		contentType    string
		body           string
		wantOK         bool   // v == nil
		reject         bool   // otherwise: Reject
		status         int    // and Status
		message        string // and Message (exact, for rejects)
		detail         string // and a substring of Detail
	}{
		{
			name: "valid pull request", method: "POST", target: "/repos/o/r/pulls", contentType: "application/json",
			body: `{"title":"Hotfix","head":"hotfix/foo","base":"main","body":"x","draft":true}`, wantOK: true,
		},
		{
			name: "title not a string", method: "POST", target: "/repos/o/r/pulls", contentType: "application/json",
			body:   `{"title":1,"head":"h","base":"main"}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/title', 1 is not a string.",
			detail: "pulls/create",
		},
		{
			name: "missing head", method: "POST", target: "/repos/o/r/pulls", contentType: "application/json",
			body:   `{"title":"t","base":"main"}`,
			reject: reject, status: 422, message: "Invalid request.\n\n\"head\" wasn't supplied.",
		},
		{
			name: "missing head and base", method: "POST", target: "/repos/o/r/pulls",
			body:   `{}`,
			reject: reject, status: 422, message: "Invalid request.\n\n\"base\", \"head\" wasn't supplied.",
		},
		{
			name: "empty body where fields are required", method: "POST", target: "/repos/o/r/pulls",
			reject: reject, status: 422, message: "Invalid request.\n\n\"base\", \"head\" wasn't supplied.",
		},
		{
			name: "draft not a boolean", method: "POST", target: "/repos/o/r/pulls", contentType: "application/json",
			body:   `{"head":"h","base":"main","draft":"yes"}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/draft', \"yes\" is not a boolean.",
		},
		{
			name: "two problems", method: "POST", target: "/repos/o/r/pulls", contentType: "application/json",
			body:   `{"base":"main","draft":"yes"}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/draft', \"yes\" is not a boolean.\n\"head\" wasn't supplied.",
		},
		{
			name: "undocumented property", method: "POST", target: "/repos/o/r/pulls", contentType: "application/json",
			body:   `{"head":"h","base":"main","foo":1}`,
			reject: deviate, detail: `request body property "foo" is not in the description`,
		},
		{
			name: "undocumented nested property", method: "PUT", target: "/repos/o/r/contents/a.txt",
			body:   `{"message":"m","content":"eA==","committer":{"name":"n","email":"e@x","foo":true}}`,
			reject: deviate, detail: `"committer/foo"`,
		},
		{
			name: "nested missing property", method: "PUT", target: "/repos/o/r/contents/a.txt",
			body:   `{"message":"m","content":"eA==","committer":{"name":"n"}}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/committer', \"email\" wasn't supplied.",
		},
		{
			name: "enum violation", method: "PATCH", target: "/repos/o/r/pulls/3",
			body:   `{"state":"merged"}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/state', \"merged\" is not a member of [\"open\", \"closed\"].",
		},
		{
			name: "array item type", method: "POST", target: "/repos/o/r/pulls/3/requested_reviewers",
			body:   `{"reviewers":["a",2]}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/reviewers/items', 2 is not a string.",
		},
		{
			name: "oneOf title accepts integer", method: "POST", target: "/repos/o/r/issues",
			body: `{"title":5,"labels":["bug",{"name":"x"}]}`, wantOK: true,
		},
		{
			name: "oneOf title rejects boolean", method: "POST", target: "/repos/o/r/issues",
			body:   `{"title":true}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/title', No subschema in \"oneOf\" matched.",
		},
		{
			name: "additionalProperties false is enforced", method: "POST", target: "/repos/o/r/issues",
			body:   `{"title":"t","issue_field_values":[{"field_id":1,"value":"v","extra":1}]}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/issue_field_values/items', \"extra\" is not a permitted key.",
		},
		{
			name: "null for nullable", method: "PATCH", target: "/repos/o/r/issues/4",
			body: `{"milestone":null,"assignee":null}`, wantOK: true,
		},
		{
			name: "null for non-nullable", method: "PATCH", target: "/repos/o/r/issues/comments/4",
			body:   `{"body":null}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/body', nil is not a string.",
		},
		{
			name: "dispatch with return_run_details", method: "POST", target: "/repos/o/r/actions/workflows/release.yml/dispatches", contentType: "application/json",
			body: `{"ref":"main","inputs":{"version":"1.2.3","dry_run":"false"},"return_run_details":true}`, wantOK: true,
		},
		{
			name: "dispatch without ref", method: "POST", target: "/repos/o/r/actions/workflows/42/dispatches",
			body:   `{"inputs":{}}`,
			reject: reject, status: 422, message: "Invalid request.\n\n\"ref\" wasn't supplied.",
		},
		{
			name: "malformed JSON", method: "POST", target: "/repos/o/r/pulls", contentType: "application/json",
			body:   `{"head":`,
			reject: reject, status: 400, message: "Problems parsing JSON",
		},
		{
			name: "trailing garbage", method: "POST", target: "/repos/o/r/labels",
			body:   `{"name":"bug"} x`,
			reject: reject, status: 400, message: "Problems parsing JSON",
		},
		{
			name: "JSON sent as form content type", method: "POST", target: "/repos/o/r/issues/1/comments", contentType: "application/x-www-form-urlencoded",
			body: `{"body":"hi"}`, wantOK: true,
		},
		{
			name: "JSON without content type", method: "POST", target: "/repos/o/r/git/refs",
			body: `{"ref":"refs/heads/hotfix/foo","sha":"abc"}`, wantOK: true,
		},
		{
			name: "body not an object", method: "POST", target: "/repos/o/r/labels",
			body:   `["bug"]`,
			reject: reject, status: 422, message: "Invalid request.\n\n[\"bug\"] is not an object.",
		},
		{
			name: "empty body, required request body without required fields", method: "POST", target: "/repos/o/r/pulls/3/reviews",
			wantOK: true,
		},
		{
			name: "empty body, optional request body", method: "PUT", target: "/repos/o/r/pulls/3/merge",
			wantOK: true,
		},
		{
			name: "merge body may be null", method: "PUT", target: "/repos/o/r/pulls/3/merge",
			body: `null`, wantOK: true,
		},
		{
			name: "dates are not format-checked", method: "POST", target: "/repos/o/r/check-runs",
			body: `{"name":"ci","head_sha":"abc","status":"completed","conclusion":"success","completed_at":"2024-01-01"}`, wantOK: true,
		},
		{
			name: "maxLength is checked", method: "POST", target: "/repos/o/r/check-runs",
			body:   `{"name":"ci","head_sha":"abc","actions":[{"label":"this label is far too long","description":"d","identifier":"i"}]}`,
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'properties/actions/items/properties/label', Expected string to have a maximum length of 20, was 26 characters long.",
		},
		{
			name: "raw upload body is not parsed", method: "POST", target: "/repos/o/r/releases/7/assets?name=app.zip", contentType: "application/zip",
			body: "PK\x03\x04 not json", wantOK: true,
		},
		{
			name: "upload without name", method: "POST", target: "/repos/o/r/releases/7/assets", contentType: "application/zip",
			body:   "PK",
			reject: reject, status: 422, message: "Invalid request.\n\n\"name\" wasn't supplied.",
		},
		{
			name: "good query", method: "GET", target: "/repos/o/r/pulls?state=open&head=o:hotfix/foo&per_page=100&page=2",
			wantOK: true,
		},
		{
			name: "bad per_page", method: "GET", target: "/repos/o/r/pulls?per_page=abc",
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'per_page', \"abc\" is not an integer.",
			detail: "query parameter",
		},
		{
			name: "bad enum in query", method: "GET", target: "/repos/o/r/pulls?state=merged",
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'state', \"merged\" is not a member of [\"open\", \"closed\", \"all\"].",
		},
		{
			name: "bad boolean in query", method: "GET", target: "/repos/o/r/branches?protected=yes",
			reject: reject, status: 422, message: "Invalid request.\n\nFor 'protected', \"yes\" is not a boolean.",
		},
		{
			name: "date query not format-checked", method: "GET", target: "/repos/o/r/actions/runs?created=%3E%3D2024-01-01&status=completed",
			wantOK: true,
		},
		{
			name: "undocumented query parameter", method: "GET", target: "/repos/o/r/pulls/3?foo=bar",
			reject: deviate, detail: `query parameter "foo" is not in the description`,
		},
		{
			name: "body on GET", method: "GET", target: "/repos/o/r", body: `{"x":1}`,
			reject: deviate, detail: "takes none",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			op, _, v := c.Check(request(tt.method, tt.target, tt.contentType), body)
			if op == nil {
				t.Fatalf("no operation matched: %v", v)
			}
			if tt.wantOK {
				if v != nil {
					t.Fatalf("violation: %+v", v)
				}
				return
			}
			if v == nil {
				t.Fatal("no violation")
			}
			if v.Reject != tt.reject {
				t.Fatalf("Reject = %v, want %v (%+v)", v.Reject, tt.reject, v)
			}
			if v.Status != tt.status {
				t.Errorf("Status = %d, want %d", v.Status, tt.status)
			}
			if tt.reject && v.Message != tt.message {
				t.Errorf("Message = %q\nwant      %q", v.Message, tt.message)
			}
			if !tt.reject && v.Message != "" {
				t.Errorf("Message = %q for a deviation, want empty", v.Message)
			}
			if !strings.Contains(v.Detail, tt.detail) {
				t.Errorf("Detail %q lacks %q", v.Detail, tt.detail)
			}
		})
	}
}

// A request can both deviate and be refused: the reject wins, and Detail
// keeps both findings.
func TestCheckRejectKeepsDeviations(t *testing.T) {
	c := newTestChecker(t)
	_, _, v := c.Check(request("POST", "/repos/o/r/labels?x=1", ""), []byte(`{"color":"fff","foo":1}`))
	if v == nil || !v.Reject || v.Status != 422 {
		t.Fatalf("violation = %+v, want 422 reject", v)
	}
	for _, want := range []string{`"name" wasn't supplied.`, `property "foo"`, `query parameter "x"`} {
		if !strings.Contains(v.Detail, want) {
			t.Errorf("Detail %q lacks %q", v.Detail, want)
		}
	}
	if want := "Invalid request.\n\n\"name\" wasn't supplied."; v.Message != want {
		t.Errorf("Message = %q, want %q", v.Message, want)
	}
}

// 400 wins over 422: GitHub cannot validate what it cannot parse.
func TestCheckParseErrorWins(t *testing.T) {
	c := newTestChecker(t)
	_, _, v := c.Check(request("POST", "/repos/o/r/pulls?per_page=abc", ""), []byte(`{`))
	if v == nil || v.Status != 400 || v.Message != "Problems parsing JSON" {
		t.Fatalf("violation = %+v, want 400", v)
	}
}

func TestCheckReturnsCopies(t *testing.T) {
	c := newTestChecker(t)
	op, _, _ := c.Check(request("HEAD", "/repos/o/r/pulls/1", ""), nil)
	if want := (Operation{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}", ID: "pulls/get"}); *op != want {
		t.Fatalf("op = %+v, want %+v", *op, want)
	}
	op.ID = "changed"
	op2, _, _ := c.Check(request("GET", "/repos/o/r/pulls/1", ""), nil)
	if op2.ID != "pulls/get" {
		t.Fatalf("mutating a returned Operation changed the Checker: %q", op2.ID)
	}
}

func TestCheckNilRequest(t *testing.T) {
	c := newTestChecker(t)
	if op, _, v := c.Check(nil, nil); op != nil || v == nil || v.Status != 404 {
		t.Fatalf("Check(nil) = %v, %v", op, v)
	}
}

func BenchmarkCheck(b *testing.B) {
	c := newTestChecker(b)
	r := request("POST", "/repos/o/r/pulls", "application/json")
	body := []byte(`{"title":"Hotfix","head":"hotfix/foo","base":"main","body":"x","draft":true}`)
	b.ReportAllocs()
	for b.Loop() {
		c.Check(r, body)
	}
}

// The emulator calls Check from concurrent handlers; run with -race.
func TestCheckConcurrently(t *testing.T) {
	c := newTestChecker(t)
	bodies := []string{
		`{"title":"t","head":"h","base":"b"}`,
		`{"title":1,"head":"h"}`,
		`{"head":"h","base":"b","foo":[1]}`,
		`{`,
	}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				body := bodies[(g+i)%len(bodies)]
				if op, _, _ := c.Check(request("POST", "/repos/o/r/pulls?per_page=1", ""), []byte(body)); op == nil || op.ID != "pulls/create" {
					t.Errorf("op = %v", op)
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
