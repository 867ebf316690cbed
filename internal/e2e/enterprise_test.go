package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator"
	"github.com/gh-hotfix/gh-hotfix/internal/harness"
)

// TestExactlyOnceUnderFaultsOnEverySite: on github.localhost and on GitHub
// Enterprise Server at an old and the current version, faults on the requests
// that act (opening the pull request, dispatching, the release comment) and on
// following the run end, at once or after the one re-run the message asks for,
// in the fault-free state: one branch, one pull request, one label, one
// release run, one release comment (finalStateProblem). The whole matrix runs
// on github.localhost (TestFaultMatrix, TestCrashMatrix); this is its core on
// every site, where the old server refuses return_run_details and has no merge
// queue nor rulesets.
func TestExactlyOnceUnderFaultsOnEverySite(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("end-to-end, skipped under -short")
	}
	routes := []string{
		"graphql mutation createPullRequest,createLabel (HotfixOpen)",
		"POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
		"graphql mutation addComment (HotfixComment)",
		"GET /repos/{owner}/{repo}/actions/runs/{run_id}",
	}
	kinds := map[string]faultKind{}
	for _, fk := range faultKinds {
		kinds[fk.name] = fk
	}
	harness.ForEachSite(t, func(t *testing.T, e *harness.Env) {
		e.Control("POST", "users", map[string]any{"login": "hubot", "token": "hubot-token"})
		var report strings.Builder
		n := 0
		for _, route := range routes {
			for _, kind := range []string{"dropped", "502", "rate-limits"} {
				c := flowCase{route: route, args: shipArgs, teammate: true}
				o := runFaultCase(t, e, fmt.Sprintf("eo%d", n), c, kinds[kind])
				fmt.Fprintf(&report, "\n%-75s × %-11s → %s", route, kind, o)
				n++
			}
		}
		t.Logf("%s:%s", e.Site.Name(), report.String())
	})
}

// TestEnterpriseHostsTokensAndGit: on GitHub Enterprise Server the host comes
// from GH_HOST, from the clone's remote or from -R HOST/OWNER/REPO, the token
// from GH_ENTERPRISE_TOKEN (GH_TOKEN is github.com's, as gh reads it), git
// authenticates through gh's own credential helper, and every link is on the
// enterprise host.
func TestEnterpriseHostsTokensAndGit(t *testing.T) {
	t.Parallel()
	e := harness.NewOn(t, harness.Site{Host: emulator.EnterpriseHost})
	work := e.CreateRepo("shop", nil)

	// git: gh's credential helper, as gh auth setup-git configured it, answers
	// for the enterprise host; a plain git push by the user goes through it.
	if got := e.Git(work, "config", "--get-urlmatch", "credential.helper", "https://"+emulator.EnterpriseHost); !strings.Contains(got, "auth git-credential") {
		t.Errorf("credential helper for %s: %q, want gh's", emulator.EnterpriseHost, got)
	}
	if got := e.Git(work, "remote", "get-url", "origin"); got != "https://"+emulator.EnterpriseHost+"/monalisa/shop.git" {
		t.Errorf("the clone's remote is %q", got)
	}

	r := e.Hotfix(work, "create", "login page 500", "--push")
	if r.Code != 0 {
		t.Fatalf("create --push: exit %d: %s", r.Code, r.Stderr)
	}
	if status, _ := e.API("GET", "/repos/monalisa/shop/branches/hotfix/login-page-500", nil); status != 200 {
		t.Fatalf("the pushed branch is not on the enterprise host: %d", status)
	}
	harnessWrite(t, work+"/fix.txt", "fix\n")
	e.Git(work, "add", "-A")
	e.Git(work, "commit", "-q", "-m", "fix")
	e.Git(work, "push", "-q") // the user's own push, through gh's credential helper
	r = e.Hotfix(work, "ship", "--no-wait")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != "https://"+emulator.EnterpriseHost+"/monalisa/shop/pull/1" {
		t.Fatalf("ship --no-wait: exit %d, stdout %q (want the PR's enterprise URL)\n%s", r.Code, r.Stdout, r.Stderr)
	}

	t.Run("the extension's git through gh's credential helper", func(t *testing.T) {
		// With the user's own GIT_CONFIG_* entries the extension adds no
		// Authorization header of its own: its push is challenged, and git asks
		// gh's credential helper, as for any push of the user's.
		e.Git(work, "switch", "-q", "main")
		own := []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.quotePath", "GIT_CONFIG_VALUE_0=false"}
		e.ClearRequests()
		r := e.RunInEnv(work, own, "gh", "hotfix", "create", "cart rounding", "--push")
		if r.Code != 0 {
			t.Fatalf("create --push: exit %d: %s", r.Code, r.Stderr)
		}
		if status, _ := e.API("GET", "/repos/monalisa/shop/branches/hotfix/cart-rounding", nil); status != 200 {
			t.Errorf("the branch pushed through gh's credential helper is not on the server: %d", status)
		}
		challenged := 0
		for _, req := range e.Server.Requests() {
			if req.Route == "git" && req.Status == 401 {
				challenged++
			}
		}
		if challenged == 0 {
			t.Errorf("git was never challenged: the push did not go through the credential helper")
		}
		e.Git(work, "switch", "-q", "hotfix/login-page-500")
	})

	outside := t.TempDir()
	t.Run("-R HOST/OWNER/REPO without GH_HOST", func(t *testing.T) {
		r := e.RunInEnv(outside, []string{"GH_HOST="}, "gh", "hotfix", "status", "-R", emulator.EnterpriseHost+"/monalisa/shop", "--json", "number,url")
		if r.Code != 0 || !strings.Contains(r.Stdout, `"https://`+emulator.EnterpriseHost+`/monalisa/shop/pull/1"`) {
			t.Errorf("status -R %s/monalisa/shop: exit %d\n%s%s", emulator.EnterpriseHost, r.Code, r.Stdout, r.Stderr)
		}
	})

	for _, tc := range []struct {
		name string
		env  []string
	}{
		{"no token", []string{"GH_ENTERPRISE_TOKEN="}},
		{"only github.com's GH_TOKEN", []string{"GH_ENTERPRISE_TOKEN=", "GH_TOKEN=" + harness.Token}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.Snapshot(work, "shop")
			r := e.RunInEnv(work, tc.env, "gh", "hotfix", "status")
			if r.Code != 4 {
				t.Errorf("exit %d, want 4 (authentication)\n%s%s", r.Code, r.Stdout, r.Stderr)
			}
			msg := strings.TrimSpace(r.Stderr)
			if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "not logged in to "+emulator.EnterpriseHost) ||
				!strings.Contains(msg, "GH_ENTERPRISE_TOKEN") || !strings.Contains(msg, "gh auth login --hostname "+emulator.EnterpriseHost) {
				t.Errorf("want one line naming the host, GH_ENTERPRISE_TOKEN and gh auth login; got:\n%s", r.Stderr)
			}
			if strings.Contains(r.Stdout+r.Stderr, harness.Token) {
				t.Errorf("a token was printed")
			}
			if after := e.Snapshot(work, "shop"); after != before {
				t.Errorf("a refused command changed something")
			}
		})
	}

	t.Run("the emulator's authority is what makes HTTPS work", func(t *testing.T) {
		// Without SSL_CERT_FILE the enterprise host's certificate is unknown: the
		// command fails with one line, and the token is not sent anywhere else.
		env := []string{"SSL_CERT_FILE=" + os.DevNull}
		r := e.RunInEnv(work, env, "gh", "hotfix", "status")
		if r.Code == 0 || !strings.Contains(r.Stderr, "certificate") {
			t.Errorf("status without trusting the authority: exit %d\n%s", r.Code, r.Stderr)
		}
		if strings.Contains(r.Stdout+r.Stderr, harness.Token) {
			t.Errorf("a token was printed")
		}
	})
}
