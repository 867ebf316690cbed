package status

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// searched is a search connection of stubPulls, each in its repository (repo#… given per pull).
func searched(count int, repos []string, pulls ...apiPull) string {
	nodes := make([]github.SearchedPull, len(pulls))
	for i, p := range pulls {
		nodes[i].LabelledPull = p
		owner, name, _ := strings.Cut(repos[i], "/")
		nodes[i].Repository.Name, nodes[i].Repository.Owner.Login = name, owner
	}
	b, _ := json.Marshal(nodes)
	return fmt.Sprintf(`{"issueCount":%d,"pageInfo":{"hasNextPage":false,"endCursor":""},"nodes":%s}`, count, b)
}

func TestRunAcross(t *testing.T) {
	open := stubPull(7, "OPEN", "FAILURE")
	open.MergeStateStatus = "BLOCKED"
	open.ReviewDecision = "REVIEW_REQUIRED"
	merged := stubPull(3, "MERGED", "SUCCESS", marker("dispatched", mergeSHA, 42))
	merged.MergeCommit.CheckSuites.Nodes = append(merged.MergeCommit.CheckSuites.Nodes, github.MergeCommitSuite{Status: "COMPLETED", Conclusion: "SUCCESS", WorkflowRun: &github.SuiteRun{DatabaseID: 42, URL: "https://github.com/acme/api/actions/runs/42"}})
	fork := stubPull(9, "OPEN", "")
	fork.IsCrossRepository = true
	answer := `{"data":{"open":` + searched(2, []string{"acme/shop", "acme/web"}, open, fork) +
		`,"merged":` + searched(1, []string{"acme/api"}, merged) + `}}`

	tests := []struct {
		name      string
		args      []string
		tty       bool
		wantVars  string // per kind asked for: its search
		wantOut   string
		wantEmpty bool
	}{
		{name: "an organization: open and merged lately, tab-separated",
			args: []string{"--org", "acme"},
			wantVars: "open=is:pr org:acme label:hotfix is:open sort:created-desc " +
				"merged=is:pr org:acme label:hotfix is:merged merged:>=2026-11-20T11:00:00Z sort:created-desc",
			wantOut: "acme/shop\t7\tHotfix: bug 7\thotfix/bug-7\tOPEN\tchecks failing, review required, blocked\t2026-11-26T09:00:00Z\n" +
				"acme/api\t3\tHotfix: bug 3\thotfix/bug-3\tMERGED\trelease succeeded\t2026-11-26T09:00:00Z\n"},
		{name: "two repositories, merged in the last 2 days, on a terminal",
			args: []string{"-R", "acme/shop", "-R", "acme/api", "--state", "merged", "--days", "2"}, tty: true,
			wantVars: "merged=is:pr repo:acme/shop repo:acme/api label:hotfix is:merged merged:>=2026-11-25T11:00:00Z sort:created-desc",
			// The open ones, not asked for, are not read from the answer.
			wantOut: "\nShowing 1 of 1 hotfix pull requests merged in the last 2 days in acme/shop, acme/api\n\n" +
				"REPO      ID  TITLE          BRANCH        STATE   STATUS             CREATED\n" +
				"acme/api  #3  Hotfix: bug 3  hotfix/bug-3  MERGED  release succeeded  about 1 day ago\n"},
		{name: "all: closed ones too, as JSON",
			args: []string{"--org", "acme", "--state", "all", "--json", "repository,number,checks,review,release", "--jq", `.[] | [.repository, .number, .checks, .review, .release.conclusion] | @tsv`},
			wantVars: "open=is:pr org:acme label:hotfix is:open sort:created-desc " +
				"merged=is:pr org:acme label:hotfix is:merged merged:>=2026-11-20T11:00:00Z sort:created-desc " +
				"closed=is:pr org:acme label:hotfix is:closed is:unmerged closed:>=2026-11-20T11:00:00Z sort:created-desc",
			wantOut: "acme/shop\t7\tfailing\tREVIEW_REQUIRED\t\nacme/api\t3\tpassing\t\tsuccess\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := httpmock.New(t)
			gh.Register(httpmock.GraphQL(`^HotfixSearch$`), httpmock.JSON(200, answer))
			f, ios, stdout, stderr := testFactory(t, gh)
			ios.SetStdoutTTY(tt.tty)
			ios.SetTerminalWidth(140)
			if err := runStatus(t, f, tt.args...); err != nil {
				t.Fatal(err)
			}
			if len(requests(gh)) != 1 {
				t.Errorf("requests %q, want one query", requests(gh))
			}
			v := vars(gh)[0]
			var got []string
			for _, k := range []string{"open", "merged", "closed"} {
				if v[k+"Asked"] == true {
					got = append(got, fmt.Sprintf("%s=%v", k, v[k+"Query"]))
				}
			}
			if strings.Join(got, " ") != tt.wantVars {
				t.Errorf("searches\n%s\nwant\n%s", strings.Join(got, " "), tt.wantVars)
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout\n%q\nwant\n%q", stdout.String(), tt.wantOut)
			}
			if stderr.String() != "" {
				t.Errorf("stderr %q", stderr.String())
			}
		})
	}
}

func TestRunAcrossRefusals(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"two hosts", []string{"-R", "acme/shop", "-R", "ghe.example.com/acme/api"}, "acme/api is on ghe.example.com, not github.com: list the hotfixes of one host at a time"},
		{"an organization with a path", []string{"--org", "github.com/acme/shop"}, `invalid value for ` + "`--org`" + `: "github.com/acme/shop" is not [HOST/]ORGANIZATION`},
		{"a repository that is no repository", []string{"--org", "acme", "-R", "shop"}, "invalid value for `--repo`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := httpmock.New(t)
			f, _, _, _ := testFactory(t, gh)
			err := runStatus(t, f, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			if len(requests(gh)) != 0 {
				t.Errorf("requests %q, want none", requests(gh))
			}
		})
	}
}

// waitingSuite is the merge commit's check suite of run id, waiting on the
// deployment requests given as GraphQL nodes (JSON).
func waitingSuite(t *testing.T, id int64, requests string) github.MergeCommitSuite {
	t.Helper()
	var s github.MergeCommitSuite
	raw := fmt.Sprintf(`{"status":"WAITING","conclusion":null,"workflowRun":{"databaseId":%d,"url":"https://github.com/acme/shop/actions/runs/%d",`+
		`"pendingDeploymentRequests":{"nodes":[%s]}}}`, id, id, requests)
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

const (
	// productionRequest waits for hubot or acme/on-call, with a 5-minute timer
	// started 3 minutes before now; the token's user may not approve.
	productionRequest = `{"environment":{"databaseId":7,"name":"production"},"waitTimer":5,"waitTimerStartedAt":"2026-11-27T10:57:00Z","currentUserCanApprove":false,` +
		`"reviewers":{"nodes":[{"__typename":"User","login":"hubot","url":"https://github.com/hubot"},{"__typename":"Team","slug":"on-call","url":"https://github.com/orgs/acme/teams/on-call"}]}}`
	productionWaitingOn = `[{"canApprove":false,"environment":"production","reviewers":["hubot","acme/on-call"],"waitTimerEndsAt":"2026-11-27T11:02:00Z"}]`
	// stagingRequest has neither timer nor reviewers the token lacks: it may approve.
	stagingRequest = `{"environment":{"databaseId":8,"name":"staging"},"waitTimer":0,"waitTimerStartedAt":null,"currentUserCanApprove":true,` +
		`"reviewers":{"nodes":[{"__typename":"User","login":"monalisa","url":"https://github.com/monalisa"}]}}`
	stagingWaitingOn = `[{"canApprove":true,"environment":"staging","reviewers":["monalisa"],"waitTimerEndsAt":null}]`
)

// TestRunAcrossWaiting: a release run held by an environment says what it
// waits for, in the table and as waitingOn, from the search's one query.
func TestRunAcrossWaiting(t *testing.T) {
	tests := []struct {
		name     string
		requests string // the waiting run's pending deployment requests
		status   string // the run's check suite status, when not WAITING
		args     []string
		wantOut  string
	}{
		{name: "a user and a team, and a wait timer: the table",
			requests: productionRequest, args: []string{"--org", "acme", "--state", "merged"},
			wantOut: "acme/api\t3\tHotfix: bug 3\thotfix/bug-3\tMERGED\trelease waiting for hubot or acme/on-call to approve production (wait timer: about 2m0s left)\t2026-11-26T09:00:00Z\n"},
		{name: "a user and a team, and a wait timer: waitingOn",
			requests: productionRequest, args: []string{"--org", "acme", "--state", "merged", "--json", "waitingOn", "--jq", ".[0].waitingOn"},
			wantOut: productionWaitingOn + "\n"},
		{name: "the token's user may approve, no timer",
			requests: stagingRequest, args: []string{"--org", "acme", "--state", "merged", "--json", "number,waitingOn", "--jq", ".[0].waitingOn"},
			wantOut: stagingWaitingOn + "\n"},
		{name: "a run that does not wait waits on nothing",
			status: "IN_PROGRESS", args: []string{"--org", "acme", "--state", "merged", "--json", "waitingOn", "--jq", ".[0].waitingOn"},
			wantOut: "[]\n"},
		{name: "a waiting run GitHub lists no request for says so",
			args:    []string{"--org", "acme", "--state", "merged"},
			wantOut: "acme/api\t3\tHotfix: bug 3\thotfix/bug-3\tMERGED\trelease waiting (GitHub lists no pending deployment: a protection rule of another kind holds it)\t2026-11-26T09:00:00Z\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			merged := stubPull(3, "MERGED", "SUCCESS", marker("dispatched", mergeSHA, 42))
			suite := waitingSuite(t, 42, tt.requests)
			if tt.status != "" {
				suite.Status, suite.WorkflowRun.PendingDeploymentRequests.Nodes = tt.status, nil
			}
			merged.MergeCommit.CheckSuites.Nodes = append(merged.MergeCommit.CheckSuites.Nodes, suite)
			gh := httpmock.New(t)
			gh.Register(httpmock.GraphQL(`^HotfixSearch$`), httpmock.JSON(200, `{"data":{"merged":`+searched(1, []string{"acme/api"}, merged)+`}}`))
			f, _, stdout, stderr := testFactory(t, gh)
			if err := runStatus(t, f, tt.args...); err != nil {
				t.Fatal(err)
			}
			if len(requests(gh)) != 1 {
				t.Errorf("requests %q, want the one query", requests(gh))
			}
			if stdout.String() != tt.wantOut || stderr.String() != "" {
				t.Errorf("stdout\n%q\nwant\n%q\nstderr %q", stdout.String(), tt.wantOut, stderr.String())
			}
		})
	}
}
