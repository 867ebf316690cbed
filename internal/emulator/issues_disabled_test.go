package emulator

import (
	"strings"
	"testing"
)

// TestIssuesDisabled: has_issues turned off shows in REST and GraphQL, and
// opening an issue is then refused as GitHub does: 410 Gone
// (https://docs.github.com/en/rest/issues/issues#create-an-issue).
func TestIssuesDisabled(t *testing.T) {
	ts := newTestServer(t)
	ts.seedRepo("quiet")
	if r := ts.do("PATCH", "/repos/monalisa/quiet", map[string]any{"has_issues": false}, nil); r.status != 200 || r.json(t)["has_issues"] != false {
		t.Fatalf("PATCH has_issues=false: %d %s", r.status, r.body)
	}
	q := map[string]any{"query": `query { repository(owner: "monalisa", name: "quiet") { hasIssuesEnabled } }`}
	if r := ts.do("POST", "/graphql", q, nil); !strings.Contains(string(r.body), `"hasIssuesEnabled":false`) {
		t.Errorf("GraphQL: %s", r.body)
	}
	r := ts.do("POST", "/repos/monalisa/quiet/issues", map[string]any{"title": "Post-mortem"}, nil)
	if r.status != 410 || r.json(t)["message"] != "Issues are disabled for this repo" {
		t.Errorf("opening an issue: %d %s", r.status, r.body)
	}
	ts.do("PATCH", "/repos/monalisa/quiet", map[string]any{"has_issues": true}, nil)
	if r := ts.do("POST", "/repos/monalisa/quiet/issues", map[string]any{"title": "Post-mortem"}, nil); r.status != 201 {
		t.Errorf("with issues on again: %d %s", r.status, r.body)
	}
	for _, f := range ts.srv.ConformanceFailures() {
		t.Errorf("conformance failure: %s %s: %s", f.Method, f.Path, f.Detail)
	}
}
