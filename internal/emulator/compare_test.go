package emulator

import (
	"strings"
	"testing"
)

// TestCompareUnrelatedHistories: as GitHub, comparing commits without a common
// ancestor answers 404 with a message, not a server error.
func TestCompareUnrelatedHistories(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("unrelated")
	orphan := ts.git(work, "commit-tree", "HEAD^{tree}", "-m", "another history")
	ts.git(work, "push", "-q", "origin", orphan+":refs/heads/other")
	r := ts.do("GET", "/repos/monalisa/unrelated/compare/main...other", nil, nil)
	if r.status != 404 || !strings.Contains(string(r.body), "No common ancestor between main and other.") {
		t.Errorf("compare of unrelated histories: %d %s", r.status, r.body)
	}
	if r := ts.do("GET", "/repos/monalisa/unrelated/compare/main...hotfix/fix", nil, nil); r.status != 200 {
		t.Errorf("compare of related commits: %d %s", r.status, r.body)
	}
	if n := len(ts.srv.ConformanceFailures()); n != 0 {
		t.Errorf("%d conformance failures: %+v", n, ts.srv.ConformanceFailures())
	}
}
