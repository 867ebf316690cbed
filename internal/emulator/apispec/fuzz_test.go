package apispec

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzCheck feeds arbitrary methods, paths, queries and bodies to Check: it
// must never panic, and its results must be consistent.
func FuzzCheck(f *testing.F) {
	c := newTestChecker(f)
	seeds := []struct{ method, path, query, body string }{
		{"GET", "/repos/o/r/pulls/12", "", ""},
		{"POST", "/repos/o/r/pulls", "", `{"title":1,"head":"h","base":"b","draft":"yes","foo":{"a":[1,2]}}`},
		{"GET", "/repos/o/r/branches/hotfix/foo/protection", "per_page=abc", ""},
		{"GET", "/repos/o/r/contents/", "ref=main", ""},
		{"PATCH", "/repos/o/r/issues/1", "", `{"labels":[{"name":"x","foo":1},"y",3],"milestone":null}`},
		{"POST", "/repos/o/r/actions/workflows/ci.yml/dispatches", "", `{"ref":"main","inputs":{"a":"b"},"return_run_details":true}`},
		{"GET", "/repos/o/r/commits/%2F%2F/status", "%zz", "{"},
		{"HEAD", "/", "", "null"},
		{"PUT", "/repos/o/r/branches/b/protection", "", `{"required_status_checks":{"strict":true,"contexts":[]},"enforce_admins":null,"required_pull_request_reviews":null,"restrictions":null}`},
		{"POST", "/repos/o/r/check-runs", "", `{"name":"n","head_sha":"s","output":{"title":"t","summary":"s","annotations":[{}]}}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, method, path, query string, body []byte) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}}
		if p, err := url.PathUnescape(path); err == nil && strings.Contains(path, "%") {
			// Also exercise escaped paths as net/http presents them.
			r.URL = &url.URL{Path: p, RawPath: path, RawQuery: query}
		}
		op, params, v := c.Check(r, body)
		if op == nil {
			if v == nil || !v.Reject || v.Status != http.StatusNotFound || params != nil {
				t.Fatalf("no operation but violation %+v, params %v", v, params)
			}
			return
		}
		if v != nil {
			switch {
			case v.Reject && v.Status != http.StatusBadRequest && v.Status != http.StatusUnprocessableEntity:
				t.Fatalf("matched %s but rejected with %d", op.ID, v.Status)
			case !v.Reject && (v.Status != 0 || v.Message != ""):
				t.Fatalf("deviation with status %d message %q", v.Status, v.Message)
			case v.Detail == "":
				t.Fatal("violation without detail")
			}
		}
		if len(params) == 0 && strings.Contains(op.Path, "{") {
			t.Fatalf("%s matched without parameters", op.Path)
		}
	})
}
