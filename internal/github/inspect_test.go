package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestListWorkflows(t *testing.T) {
	const path = "repos/acme/shop/actions/workflows?per_page=100"
	const two = `{"total_count":2,"workflows":[{"id":7,"name":"Release","path":".github/workflows/release.yml","state":"active"},` +
		`{"id":8,"name":"CI","path":".github/workflows/ci.yml","state":"disabled_manually"}]}`
	tests := []struct {
		name       string
		status     int
		header     []string
		body       string
		wantFiles  string
		wantScopes string
		wantErr    error
	}{
		{"classic token", 200, []string{"X-Oauth-Scopes", "repo, workflow"}, two, "release.yml ci.yml", "[repo workflow]", nil},
		{"fine-grained token: no header", 200, nil, two, "release.yml ci.yml", "[]", nil},
		{"classic token without scopes: empty header", 200, []string{"X-Oauth-Scopes", ""}, `{"total_count":0,"workflows":[]}`, "", "[]", nil},
		{"not found", 404, nil, `{"message":"Not Found"}`, "", "[]", errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(tt.header); i += 2 {
				h.Add(tt.header[i], tt.header[i+1])
			}
			c, _ := stubbed(t, httpmock.REST("GET", path), httpmock.JSON(tt.status, tt.body, h))
			got, err := c.ListWorkflows(context.Background(), "acme", "shop")
			checkErr(t, err, tt.wantErr)
			if got == nil {
				return
			}
			var files []string
			for _, w := range got.Workflows {
				files = append(files, w.File())
			}
			if strings.Join(files, " ") != tt.wantFiles {
				t.Errorf("workflows %v, want %s", files, tt.wantFiles)
			}
			if fmt.Sprint(got.Scopes) != tt.wantScopes {
				t.Errorf("scopes %v, want %s", got.Scopes, tt.wantScopes)
			}
		})
	}
}

func TestActionsWorkflowMatches(t *testing.T) {
	w := ActionsWorkflow{ID: 7, Name: "Release", Path: ".github/workflows/release.yml"}
	for name, want := range map[string]bool{".github/workflows/release.yml": true, "release.yml": true, "7": true, "Release": false, "8": false} {
		if got := w.Matches(name); got != want {
			t.Errorf("Matches(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestInspectRepository(t *testing.T) {
	const rules = `"rules":{"nodes":[{"type":"PULL_REQUEST","repositoryRuleset":{"name":"main rules"},"parameters":{"allowedMergeMethods":["SQUASH"]}}]}`
	full := `{"data":{"viewer":{"login":"monalisa"},"repository":{"isPrivate":true,"viewerPermission":"WRITE",
	  "autoMergeAllowed":true,"mergeCommitAllowed":false,"squashMergeAllowed":true,"rebaseMergeAllowed":false,
	  "defaultBranchRef":{"name":"main",` + rules + `},
	  "labels":{"nodes":[{"id":"L1","name":"Hotfix"}]},
	  "workflows":{"entries":[{"path":".github/workflows/release.yml","type":"blob","object":{"text":"on: workflow_dispatch"}},
	    {"path":".github/workflows/sub","type":"tree","object":{}},{"path":".github/workflows/big.yml","type":"blob","object":{"text":null}}]},
	  "config":{"text":"label:\n  name: hotfix\n"},
	  "latestRelease":{"tagName":"v1.4.0"}}}}`
	withBase := `{"data":{"viewer":{"login":"monalisa"},"repository":{"viewerPermission":"ADMIN",
	  "defaultBranchRef":{"name":"main",` + rules + `},"base":{"name":"release/v1","rules":{"nodes":[]}},
	  "labels":{"nodes":[{"id":"L2","name":"hotfixes"}]},"workflows":null,"latestRelease":null}}}`
	tests := []struct {
		name     string
		q        InspectQuery
		data     string
		want     string // a summary of the answer
		wantVars string // workflows, base, hasBase, readConfig
		wantErr  error
	}{
		{"default branch, with the config", InspectQuery{Label: "hotfix", ConfigPath: ".github/hotfix.yml", ReadConfig: true}, full,
			"monalisa WRITE private=true auto=true merge=false squash=true rebase=false default=main rules=1 base=false/0 label=true files=[.github/workflows/release.yml] config=true latest=v1.4.0",
			"HEAD:.github/workflows refs/heads/ false true HEAD:.github/hotfix.yml", nil},
		{"a base, a label in another case missing", InspectQuery{Base: "release/v1", Label: "hotfix", ConfigPath: ".github/hotfix.yml"}, withBase,
			"monalisa ADMIN private=false auto=false merge=false squash=false rebase=false default=main rules=1 base=true/0 label=false files=[] config=false latest=",
			"release/v1:.github/workflows refs/heads/release/v1 true false HEAD:.github/hotfix.yml", nil},
		{"repository not found", InspectQuery{Label: "hotfix"},
			`{"data":{"viewer":{"login":"monalisa"},"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve"}]}`,
			"", "HEAD:.github/workflows refs/heads/ false false HEAD:", ErrRepositoryNotFound},
		{"repository null without an error", InspectQuery{Label: "hotfix"}, `{"data":{"viewer":{"login":"monalisa"},"repository":null}}`,
			"", "HEAD:.github/workflows refs/heads/ false false HEAD:", ErrRepositoryNotFound},
		{"another failure", InspectQuery{Label: "hotfix"}, `{"errors":[{"type":"FORBIDDEN","message":"Resource not accessible by integration"}]}`,
			"", "HEAD:.github/workflows refs/heads/ false false HEAD:", errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, reg := stubbed(t, httpmock.GraphQL(`^HotfixDoctor$`), httpmock.JSON(200, tt.data))
			in, err := c.InspectRepository(context.Background(), "acme", "shop", tt.q)
			checkErr(t, err, tt.wantErr)
			v := reg.Requests()[0].GraphQL.Variables
			if got := fmt.Sprint(v["workflows"], " ", v["base"], " ", v["hasBase"], " ", v["readConfig"], " ", v["config"]); got != tt.wantVars {
				t.Errorf("variables %q, want %q", got, tt.wantVars)
			}
			if v["label"] != tt.q.Label {
				t.Errorf("label %v, want %s", v["label"], tt.q.Label)
			}
			if in == nil {
				return
			}
			var files []string
			for p := range in.WorkflowFiles {
				files = append(files, p)
			}
			got := fmt.Sprintf("%s %s private=%v auto=%v merge=%v squash=%v rebase=%v default=%s rules=%d base=%v/%d label=%v files=%v config=%v latest=%s",
				in.Viewer, in.Permission, in.IsPrivate, in.AutoMergeAllowed, in.MergeCommitAllowed, in.SquashMergeAllowed, in.RebaseMergeAllowed,
				in.DefaultBranch, len(in.DefaultBranchRules), in.BaseFound, len(in.BaseRules), in.LabelExists, files, in.Config != nil, in.LatestTag)
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
