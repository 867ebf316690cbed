package status

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

const (
	openedHead = "1111111111111111111111111111111111111111"
	pushedHead = "2222222222222222222222222222222222222222"
)

// bpMerge is the merge commit of backport pull request n.
func bpMerge(n int) string { return fmt.Sprintf("%040d", n) }

// bpMarker is the release marker of backport pull request n on line, as ship's
// release protocol posts it ("dispatched" with a run, "dispatching" without).
func bpMarker(n int, line, state, tag string, runID int64) string {
	m := hotfix.ReleaseMarker{State: state, MergeSHA: bpMerge(n), Workflow: "release.yml", Ref: line, Since: created, Tag: tag}
	if runID != 0 {
		m.RunID, m.RunURL = runID, fmt.Sprintf("https://github.com/acme/shop/actions/runs/%d", runID)
	}
	return hotfix.ReleaseComment(m)
}

// bpPull is backport pull request n of #42 to line as GitHub answers
// HotfixBackportPulls: merged ones with their merge commit, whose check suites
// hold the runs suites gives ("id status conclusion"), and comments.
func bpPull(n int, line, state, head string, conflicts bool, suites []string, comments ...string) map[string]any {
	rec := hotfix.Backport{Of: 42, Line: line, Conflicts: conflicts}
	if conflicts {
		rec.Head = openedHead
	}
	p := map[string]any{"number": n, "url": fmt.Sprintf("https://github.com/acme/shop/pull/%d", n), "state": state,
		"isDraft": conflicts && state == "OPEN", "headRefOid": head, "body": "Backport of #42.\n\n" + rec.Encode(),
		"mergeStateStatus": "CLEAN", "mergeCommit": nil}
	if state != "OPEN" {
		p["mergeStateStatus"] = "UNKNOWN"
	}
	if state == "MERGED" {
		var nodes []any
		for _, s := range suites {
			var id int64
			var status, conclusion string
			fmt.Sscan(s, &id, &status, &conclusion)
			nodes = append(nodes, map[string]any{"status": status, "conclusion": conclusion,
				"workflowRun": map[string]any{"databaseId": id, "url": fmt.Sprintf("https://github.com/acme/shop/actions/runs/%d", id)}})
		}
		p["mergeCommit"] = map[string]any{"oid": bpMerge(n), "checkSuites": map[string]any{"nodes": nodes}}
	}
	var nodes []any
	for _, c := range comments {
		nodes = append(nodes, map[string]any{"body": c, "createdAt": created})
	}
	p["comments"] = map[string]any{"nodes": nodes}
	return p
}

// pullsAnswer is the answer to HotfixBackportPulls, the pull requests in the
// order asked (nil: a number the repository does not have).
func pullsAnswer(pulls ...map[string]any) string {
	repo := map[string]any{}
	var errs []any
	for i, p := range pulls {
		alias := fmt.Sprintf("pr%d", i)
		repo[alias] = p
		if p == nil {
			errs = append(errs, map[string]any{"type": "NOT_FOUND", "path": []string{"repository", alias}, "message": "Could not resolve to a PullRequest"})
		}
	}
	answer := map[string]any{"data": map[string]any{"repository": repo}}
	if errs != nil {
		answer["errors"] = errs
	}
	b, _ := json.Marshal(answer)
	return string(b)
}

// sourceAnswer is the answer to HotfixBackportSource for #42 in state, with
// its last comments; earlier says there are more before them.
func sourceAnswer(state, body string, earlier bool, comments ...string) string {
	var nodes []any
	for i, c := range comments {
		nodes = append(nodes, map[string]any{"databaseId": 100 + i, "body": c, "createdAt": created})
	}
	pr := map[string]any{"id": "PR_42", "number": 42, "title": "Hotfix: checkout fails", "url": "https://github.com/acme/shop/pull/42",
		"state": state, "baseRefName": "main", "body": body,
		"comments": map[string]any{"pageInfo": map[string]any{"hasPreviousPage": earlier, "startCursor": "Y3Vyc29yOjE="}, "nodes": nodes}}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{"repository": map[string]any{"pullRequest": pr}}})
	return string(b)
}

func summaryOf(of int, lines ...hotfix.BackportLine) string {
	return hotfix.BackportSummary{Of: of, Lines: lines}.Render()
}

// everyState is a summary of #42 with a line in each state, as the last
// backport run left it, and the backport pull requests as GitHub shows them now.
var everyState = struct {
	summary string
	pulls   []map[string]any
	want    []string // the tab-separated lines
}{
	summary: summaryOf(42,
		hotfix.BackportLine{Line: "release/v1.9", State: hotfix.LineOpened, PR: 51},
		hotfix.BackportLine{Line: "release/v1.8", State: hotfix.LineConflict, PR: 52},
		hotfix.BackportLine{Line: "release/v1.7", State: hotfix.LineConflict, PR: 53}, // pushed to since
		hotfix.BackportLine{Line: "release/v1.6", State: hotfix.LineOpened, PR: 54},   // merged since
		hotfix.BackportLine{Line: "release/v1.5", State: hotfix.LineMerged, PR: 55},   // released since
		hotfix.BackportLine{Line: "release/v1.4", State: hotfix.LineAlreadyThere},
		hotfix.BackportLine{Line: "release/v1.3", State: hotfix.LineOpened, PR: 57}, // closed since
		hotfix.BackportLine{Line: "release/v1.2", State: hotfix.LineReleased, PR: 58, Tag: "v1.2.9", Run: "https://github.com/acme/shop/actions/runs/958"},
	),
	pulls: []map[string]any{
		bpPull(51, "release/v1.9", "OPEN", openedHead, false, nil),
		bpPull(52, "release/v1.8", "OPEN", openedHead, true, nil),
		bpPull(53, "release/v1.7", "OPEN", pushedHead, true, nil),
		bpPull(54, "release/v1.6", "MERGED", openedHead, false, nil, "LGTM"),
		bpPull(55, "release/v1.5", "MERGED", openedHead, false, []string{"955 COMPLETED SUCCESS"},
			bpMarker(55, "release/v1.5", "dispatched", "v1.5.3", 955)),
		bpPull(57, "release/v1.3", "CLOSED", openedHead, false, nil),
		bpPull(58, "release/v1.2", "MERGED", openedHead, false, []string{"958 IN_PROGRESS "},
			bpMarker(58, "release/v1.2", "dispatched", "v1.2.9", 958)),
	},
	want: []string{
		"release/v1.9\tpull request open\t51\thttps://github.com/acme/shop/pull/51\t",
		"release/v1.8\tconflicts to resolve (draft)\t52\thttps://github.com/acme/shop/pull/52\t",
		"release/v1.7\tconflicts resolved, open\t53\thttps://github.com/acme/shop/pull/53\t",
		"release/v1.6\tmerged, release not started\t54\thttps://github.com/acme/shop/pull/54\t",
		"release/v1.5\treleased v1.5.3, run succeeded\t55\thttps://github.com/acme/shop/pull/55\thttps://github.com/acme/shop/actions/runs/955",
		"release/v1.4\talready there\t\t\t",
		"release/v1.3\tclosed without merging\t57\thttps://github.com/acme/shop/pull/57\t",
		"release/v1.2\treleased v1.2.9, run in progress\t58\thttps://github.com/acme/shop/pull/58\thttps://github.com/acme/shop/actions/runs/958",
	},
}

// fakeBackports stubs the requests of status --backports: the source pull
// request's answer, then, when pulls is not "", the backport pull requests'.
func fakeBackports(t *testing.T, source, pulls string) *httpmock.Registry {
	gh := httpmock.New(t)
	gh.Register(httpmock.GraphQL(`^HotfixBackportSource$`), httpmock.JSON(200, source))
	if pulls != "" {
		gh.Register(httpmock.GraphQL(`^HotfixBackportPulls$`), httpmock.JSON(200, pulls))
	}
	return gh
}

func TestRunBackports(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		source     string
		pulls      string // "" when the backport pull requests are not asked for
		tty        bool
		width      int // of the terminal; 80 when 0
		wantOut    string
		wantErrOut string
		wantErr    string
		wantNums   []int // the numbers asked for, in order
	}{
		{name: "every state, two requests", source: sourceAnswer("MERGED", "", false, "LGTM", everyState.summary, "🚀 released"),
			pulls: pullsAnswer(everyState.pulls...), wantOut: strings.Join(everyState.want, "\n") + "\n", wantNums: []int{51, 52, 53, 54, 55, 57, 58}},
		{name: "by URL", args: []string{"--backports", "https://github.com/acme/shop/pull/42/files"},
			source: sourceAnswer("MERGED", "", false, everyState.summary), pulls: pullsAnswer(everyState.pulls...),
			wantOut: strings.Join(everyState.want, "\n") + "\n", wantNums: []int{51, 52, 53, 54, 55, 57, 58}},
		{name: "only lines that had the fix: one request",
			source:  sourceAnswer("MERGED", "", false, summaryOf(42, hotfix.BackportLine{Line: "release/v1.4", State: hotfix.LineAlreadyThere})),
			wantOut: "release/v1.4\talready there\t\t\t\n"},
		{name: "the earliest summary of this pull request counts",
			source: sourceAnswer("MERGED", "", false, summaryOf(41, hotfix.BackportLine{Line: "release/v1.0", State: hotfix.LineOpened, PR: 9}),
				summaryOf(42, hotfix.BackportLine{Line: "release/v1.9", State: hotfix.LineOpened, PR: 51}),
				summaryOf(42, hotfix.BackportLine{Line: "release/v1.8", State: hotfix.LineOpened, PR: 52})),
			pulls: pullsAnswer(everyState.pulls[0]), wantOut: everyState.want[0] + "\n", wantNums: []int{51}},
		{name: "conflicting with its line now",
			source: sourceAnswer("MERGED", "", false, summaryOf(42, hotfix.BackportLine{Line: "release/v1.9", State: hotfix.LineOpened, PR: 51})),
			pulls: pullsAnswer(func() map[string]any {
				p := bpPull(51, "release/v1.9", "OPEN", openedHead, false, nil)
				p["mergeStateStatus"] = "DIRTY"
				return p
			}()),
			wantOut: "release/v1.9\tpull request open, in conflict with release/v1.9 now\t51\thttps://github.com/acme/shop/pull/51\t\n", wantNums: []int{51}},
		{name: "release dispatching, run on a later commit, marker beyond the comments read",
			source: sourceAnswer("MERGED", "", false, summaryOf(42,
				hotfix.BackportLine{Line: "release/v1.9", State: hotfix.LineMerged, PR: 51},
				hotfix.BackportLine{Line: "release/v1.8", State: hotfix.LineMerged, PR: 52},
				hotfix.BackportLine{Line: "release/v1.7", State: hotfix.LineReleased, PR: 53, Tag: "v1.7.2", Run: "https://github.com/acme/shop/actions/runs/953"})),
			pulls: pullsAnswer(
				bpPull(51, "release/v1.9", "MERGED", openedHead, false, nil, bpMarker(51, "release/v1.9", "dispatching", "", 0)),
				bpPull(52, "release/v1.8", "MERGED", openedHead, false, []string{"7 COMPLETED SUCCESS"}, bpMarker(52, "release/v1.8", "dispatched", "v1.8.1", 952)),
				bpPull(53, "release/v1.7", "MERGED", openedHead, false, nil, "a long discussion")),
			wantOut: "release/v1.9\treleased, run not recorded\t51\thttps://github.com/acme/shop/pull/51\t\n" +
				"release/v1.8\treleased v1.8.1\t52\thttps://github.com/acme/shop/pull/52\thttps://github.com/acme/shop/actions/runs/952\n" +
				"release/v1.7\treleased v1.7.2\t53\thttps://github.com/acme/shop/pull/53\thttps://github.com/acme/shop/actions/runs/953\n",
			wantNums: []int{51, 52, 53}},
		{name: "a pull request GitHub does not have",
			source: sourceAnswer("MERGED", "", false, summaryOf(42,
				hotfix.BackportLine{Line: "release/v1.9", State: hotfix.LineOpened, PR: 51},
				hotfix.BackportLine{Line: "release/v1.8", State: hotfix.LineOpened, PR: 99})),
			pulls: pullsAnswer(everyState.pulls[0], nil),
			wantOut: everyState.want[0] + "\n" +
				"release/v1.8\tpull request open (as recorded: #99 not found)\t99\t\t\n",
			wantErrOut: "! acme/shop has no pull request #99, which the backports' summary on #42 names for release/v1.8: its state is the summary's\n",
			wantNums:   []int{51, 99}},
		{name: "a record of another line: GitHub's state alone",
			source:  sourceAnswer("MERGED", "", false, summaryOf(42, hotfix.BackportLine{Line: "release/v1.9", State: hotfix.LineConflict, PR: 52})),
			pulls:   pullsAnswer(bpPull(52, "release/v1.8", "OPEN", openedHead, true, nil)),
			wantOut: "release/v1.9\tpull request open\t52\thttps://github.com/acme/shop/pull/52\t\n", wantNums: []int{52}},
		{name: "terminal", tty: true, width: 160, source: sourceAnswer("MERGED", "", false, everyState.summary), pulls: pullsAnswer(everyState.pulls...),
			wantOut: "\nBackports of #42 Hotfix: checkout fails (merged into main)\n\n" +
				"LINE          STATUS                            PR   URL                                   RUN\n" +
				"release/v1.9  pull request open                 #51  https://github.com/acme/shop/pull/51  \n",
			wantNums: []int{51, 52, 53, 54, 55, 57, 58}},
		{name: "narrow terminal: the status whole, the URLs cut", tty: true, source: sourceAnswer("MERGED", "", false, everyState.summary), pulls: pullsAnswer(everyState.pulls...),
			wantOut: "\nBackports of #42 Hotfix: checkout fails (merged into main)\n\n" +
				"LINE          STATUS                            PR   URL            RUN\n" +
				"release/v1.9  pull request open                 #51  https://gi...  \n" +
				"release/v1.8  conflicts to resolve (draft)      #52  https://gi...  \n" +
				"release/v1.7  conflicts resolved, open          #53  https://gi...  \n" +
				"release/v1.6  merged, release not started       #54  https://gi...  \n" +
				"release/v1.5  released v1.5.3, run succeeded    #55  https://gi...  https://g...\n" +
				"release/v1.4  already there                                         \n" +
				"release/v1.3  closed without merging            #57  https://gi...  \n" +
				"release/v1.2  released v1.2.9, run in progress  #58  https://gi...  https://g...\n",
			wantNums: []int{51, 52, 53, 54, 55, 57, 58}},
		{name: "json", args: []string{"--backports", "42", "--json", "line,state,number,url,tag,release", "--jq", ".[] | [.line, .state, .number, .tag, .release.runId, .release.status] | @tsv"},
			source: sourceAnswer("MERGED", "", false, everyState.summary), pulls: pullsAnswer(everyState.pulls...),
			wantOut: "release/v1.9\topened\t51\t\t\t\nrelease/v1.8\tconflict\t52\t\t\t\nrelease/v1.7\tresolved\t53\t\t\t\n" +
				"release/v1.6\tmerged\t54\t\t\t\nrelease/v1.5\treleased\t55\tv1.5.3\t955\tcompleted\nrelease/v1.4\talready-there\t\t\t\t\n" +
				"release/v1.3\tclosed\t57\t\t\t\nrelease/v1.2\treleased\t58\tv1.2.9\t958\tin_progress\n",
			wantNums: []int{51, 52, 53, 54, 55, 57, 58}},
		{name: "no summary", source: sourceAnswer("MERGED", "", false, "LGTM"),
			wantErrOut: "#42 has no backports yet: gh hotfix backport 42 --to <branch>\n"},
		{name: "no summary, as JSON", args: []string{"--backports", "42", "--json", "line"}, source: sourceAnswer("MERGED", "", false),
			wantOut: "[]\n", wantErrOut: "#42 has no backports yet: gh hotfix backport 42 --to <branch>\n"},
		{name: "a summary without lines", source: sourceAnswer("MERGED", "", false, summaryOf(42)),
			wantErrOut: "#42 has no backports yet: gh hotfix backport 42 --to <branch>\n"},
		{name: "not merged", source: sourceAnswer("OPEN", "", true, "LGTM"),
			wantErrOut: "#42 has no backports: it is not merged yet (once it is, gh hotfix backport 42 --to <branch>)\n"},
		{name: "closed", source: sourceAnswer("CLOSED", "", false),
			wantErrOut: "#42 has no backports: it was closed without merging\n"},
		{name: "a backport pull request", args: []string{"--backports", "42", "-R", "acme/shop"},
			source:     sourceAnswer("MERGED", hotfix.Backport{Of: 7, Line: "release/v1.4"}.Encode(), false),
			wantErrOut: "#42 is the backport of #7 to release/v1.4: gh hotfix status --backports 7 -R acme/shop shows them all\n"},
		{name: "unknown pull request",
			source:  `{"data":{"repository":{"pullRequest":null}},"errors":[{"type":"NOT_FOUND","path":["repository","pullRequest"],"message":"Could not resolve to a PullRequest with the number of 42."}]}`,
			wantErr: "acme/shop has no pull request #42: --backports takes the pull request whose fix was backported"},
		{name: "unknown repository", source: `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve to a Repository"}]}`,
			wantErr: "repository acme/shop not found (or your token cannot see it): check the name given to --repo or GH_REPO"},
		{name: "backport pull requests unreadable", source: sourceAnswer("MERGED", "", false, everyState.summary),
			pulls:   `{"data":null,"errors":[{"type":"FORBIDDEN","message":"Resource not accessible by integration"}]}`,
			wantErr: "reading the backport pull requests of #42: GraphQL: Resource not accessible by integration", wantNums: []int{51, 52, 53, 54, 55, 57, 58}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := fakeBackports(t, tt.source, tt.pulls)
			f, ios, stdout, stderr := testFactory(t, gh)
			ios.SetStdoutTTY(tt.tty)
			if tt.width != 0 {
				ios.SetTerminalWidth(tt.width)
			}
			args := tt.args
			if args == nil {
				args = []string{"--backports", "42"}
			}
			err := runStatus(t, f, args...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tt.tty {
				if !strings.HasPrefix(stdout.String(), tt.wantOut) {
					t.Errorf("stdout %q, want it to start with %q", stdout, tt.wantOut)
				}
			} else if got := stdout.String(); got != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.wantOut)
			}
			if got := stderr.String(); got != tt.wantErrOut {
				t.Errorf("stderr %q, want %q", got, tt.wantErrOut)
			}
			// The bound: the source, then the backport pull requests only when a
			// line has one, whatever the number of lines.
			want := 1
			if tt.pulls != "" {
				want = 2
			}
			if n := len(gh.Requests()); n != want {
				t.Fatalf("%d requests, want %d", n, want)
			}
			if v := gh.Requests()[0].GraphQL.Variables; v["number"] != float64(42) || v["owner"] != "acme" || v["name"] != "shop" {
				t.Errorf("source variables %v", v)
			}
			if tt.pulls != "" {
				v := gh.Requests()[1].GraphQL.Variables
				var nums []int
				for i := 0; v[fmt.Sprintf("n%d", i)] != nil; i++ {
					nums = append(nums, int(v[fmt.Sprintf("n%d", i)].(float64)))
				}
				if fmt.Sprint(nums) != fmt.Sprint(tt.wantNums) {
					t.Errorf("backport pull requests asked %v, want %v", nums, tt.wantNums)
				}
			}
		})
	}
}

// TestRunBackportsBusyThread: a summary not among the last 100 comments is
// looked for further up, and only then.
func TestRunBackportsBusyThread(t *testing.T) {
	gh := fakeBackports(t, sourceAnswer("MERGED", "", true, "bot noise"), pullsAnswer(everyState.pulls...))
	earlier, _ := json.Marshal(map[string]any{"data": map[string]any{"node": map[string]any{"comments": map[string]any{
		"pageInfo": map[string]any{"hasPreviousPage": false, "startCursor": ""},
		"nodes":    []any{map[string]any{"databaseId": 1, "body": everyState.summary, "createdAt": created}}}}}})
	gh.Register(httpmock.GraphQL(`^HotfixComments$`), httpmock.JSON(200, string(earlier)))
	f, _, stdout, _ := testFactory(t, gh)
	if err := runStatus(t, f, "--backports", "42"); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != strings.Join(everyState.want, "\n")+"\n" {
		t.Errorf("stdout:\n%s", got)
	}
	if v := gh.Requests()[1].GraphQL.Variables; v["id"] != "PR_42" || v["before"] != "Y3Vyc29yOjE=" {
		t.Errorf("earlier comments asked with %v", v)
	}
}

// TestRunBackportsRefusals: what is refused before any request.
func TestRunBackportsRefusals(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"another repository's pull request", []string{"--backports", "https://github.com/acme/other/pull/42"},
			"https://github.com/acme/other/pull/42 is a pull request of acme/other, and status works on acme/shop here: run it in a clone of acme/other, or pass -R acme/other"},
		{"another host's", []string{"--backports", "https://ghe.example.com/acme/shop/pull/42"},
			"https://ghe.example.com/acme/shop/pull/42 is a pull request of ghe.example.com/acme/shop, and status works on github.com/acme/shop here: run it in a clone of ghe.example.com/acme/shop, or pass -R ghe.example.com/acme/shop"},
		{"a field of the hotfix list", []string{"--backports", "42", "--json", "title"}, "unknown JSON field: \"title\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := httpmock.New(t)
			f, _, stdout, _ := testFactory(t, gh)
			err := runStatus(t, f, tt.args...)
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			if len(gh.Requests()) != 0 || stdout.Len() != 0 {
				t.Errorf("requests %v, stdout %q: want none", gh.Requests(), stdout)
			}
		})
	}
}

// TestBackportLineSummary: the STATUS column and its tone, state by state.
func TestBackportLineSummary(t *testing.T) {
	tests := []struct {
		line     backportLine
		want     string
		wantTone tone
	}{
		{backportLine{State: hotfix.LineOpened}, "pull request open", waiting},
		{backportLine{State: hotfix.LineConflict}, "conflicts to resolve (draft)", bad},
		{backportLine{State: hotfix.LineResolved}, "conflicts resolved, open", waiting},
		{backportLine{Line: "release/v1.4", State: hotfix.LineResolved, dirty: true}, "conflicts resolved, open, in conflict with release/v1.4 now", bad},
		{backportLine{State: hotfix.LineMerged}, "merged, release not started", waiting},
		{backportLine{State: hotfix.LineReleased}, "released, run not recorded", waiting},
		{backportLine{State: hotfix.LineReleased, Tag: "v1.4.3", Release: &backportRelease{RunID: 9, URL: "u"}}, "released v1.4.3", neutral},
		{backportLine{State: hotfix.LineReleased, Tag: "v1.4.3", Release: &backportRelease{RunID: 9, Status: "queued"}}, "released v1.4.3, run queued", waiting},
		{backportLine{State: hotfix.LineReleased, Tag: "v1.4.3", Release: &backportRelease{RunID: 9, Status: "completed", Conclusion: "success"}}, "released v1.4.3, run succeeded", good},
		{backportLine{State: hotfix.LineReleased, Tag: "v1.4.3", Release: &backportRelease{RunID: 9, Status: "completed", Conclusion: "failure"}}, "released v1.4.3, run failed", bad},
		{backportLine{State: hotfix.LineReleased, Tag: "v1.4.3", Release: &backportRelease{RunID: 9, Status: "completed", Conclusion: "timed_out"}}, "released v1.4.3, run timed out", bad},
		{backportLine{State: hotfix.LineReleased, Release: &backportRelease{RunID: 9, Status: "completed", Conclusion: "skipped"}}, "released, run skipped", neutral},
		{backportLine{State: hotfix.LineAlreadyThere}, "already there", good},
		{backportLine{State: hotfix.LineClosed}, "closed without merging", bad},
		{backportLine{State: "newer-state"}, "newer-state", neutral},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, gotTone := tt.line.summary()
			if got != tt.want || gotTone != tt.wantTone {
				t.Errorf("summary %q (%v), want %q (%v)", got, gotTone, tt.want, tt.wantTone)
			}
		})
	}
}

// TestBackportLineExport: --json, with null for what is not known.
func TestBackportLineExport(t *testing.T) {
	tests := []struct {
		line backportLine
		want string
	}{
		{backportLine{Line: "release/v1.4", State: hotfix.LineAlreadyThere},
			`{"line":"release/v1.4","number":null,"release":null,"state":"already-there","tag":null,"url":null}`},
		{backportLine{Line: "release/v1.4", State: hotfix.LineOpened, Number: 51, URL: "https://github.com/acme/shop/pull/51"},
			`{"line":"release/v1.4","number":51,"release":null,"state":"opened","tag":null,"url":"https://github.com/acme/shop/pull/51"}`},
		{backportLine{Line: "release/v1.4", State: hotfix.LineReleased, Number: 51, URL: "p", Tag: "v1.4.3", Release: &backportRelease{}},
			`{"line":"release/v1.4","number":51,"release":{"conclusion":null,"runId":null,"status":null,"url":null},"state":"released","tag":"v1.4.3","url":"p"}`},
		{backportLine{Line: "release/v1.4", State: hotfix.LineReleased, Number: 51, URL: "p", Tag: "v1.4.3", Release: &backportRelease{RunID: 9, URL: "r", Status: "completed", Conclusion: "success"}},
			`{"line":"release/v1.4","number":51,"release":{"conclusion":"success","runId":9,"status":"completed","url":"r"},"state":"released","tag":"v1.4.3","url":"p"}`},
	}
	for _, tt := range tests {
		if got := jsonOf(tt.line.export()); got != tt.want {
			t.Errorf("export %s\nwant   %s", got, tt.want)
		}
	}
}

// TestJudgeLine: the pull request read now wins over the summary.
func TestJudgeLine(t *testing.T) {
	pull := func(raw map[string]any) *github.BackportPull {
		var p github.BackportPull
		comments := raw["comments"]
		delete(raw, "comments")
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		// As github.BackportPulls answers: the comments' bodies.
		for _, c := range comments.(map[string]any)["nodes"].([]any) {
			p.Comments = append(p.Comments, github.Comment{Body: c.(map[string]any)["body"].(string)})
		}
		return &p
	}
	summaryReleased := hotfix.BackportLine{Line: "release/v1.4", State: hotfix.LineReleased, PR: 51, Tag: "v1.4.3", Run: "https://github.com/acme/shop/actions/runs/9"}
	tests := []struct {
		name string
		sum  hotfix.BackportLine
		pull *github.BackportPull
		want string // state tag release
	}{
		{"already there", hotfix.BackportLine{Line: "release/v1.4", State: hotfix.LineAlreadyThere}, nil, "already-there  <nil>"},
		{"released, then reopened? GitHub says open", summaryReleased,
			pull(bpPull(51, "release/v1.4", "OPEN", openedHead, false, nil)), "opened  <nil>"},
		{"released per summary, closed on GitHub", summaryReleased,
			pull(bpPull(51, "release/v1.4", "CLOSED", openedHead, false, nil)), "closed  <nil>"},
		{"released per summary, marker not among the comments", summaryReleased,
			pull(bpPull(51, "release/v1.4", "MERGED", openedHead, false, nil)), "released v1.4.3 &{0 https://github.com/acme/shop/actions/runs/9  }"},
		{"merged per summary, marker of another merge", hotfix.BackportLine{Line: "release/v1.4", State: hotfix.LineMerged, PR: 51},
			pull(bpPull(51, "release/v1.4", "MERGED", openedHead, false, nil, bpMarker(50, "release/v1.4", "dispatched", "v1.4.9", 9))), "merged  <nil>"},
		{"the marker's tag wins", hotfix.BackportLine{Line: "release/v1.4", State: hotfix.LineReleased, PR: 51, Tag: "v1.4.2"},
			pull(bpPull(51, "release/v1.4", "MERGED", openedHead, false, []string{"9 COMPLETED FAILURE"}, bpMarker(51, "release/v1.4", "dispatched", "v1.4.3", 9))),
			"released v1.4.3 &{9 https://github.com/acme/shop/actions/runs/9 completed failure}"},
		{"missing", hotfix.BackportLine{Line: "release/v1.4", State: hotfix.LineOpened, PR: 51}, nil, "opened  <nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := judgeLine(42, tt.sum, tt.pull)
			if got := fmt.Sprintf("%s %s %v", b.State, b.Tag, b.Release); got != tt.want {
				t.Errorf("judged %q, want %q", got, tt.want)
			}
			if b.missing != (tt.pull == nil && tt.sum.PR != 0) {
				t.Errorf("missing %v", b.missing)
			}
		})
	}
}
