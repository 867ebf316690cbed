package doctor

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// stubInspector answers Inspect's three requests from fixed answers.
type stubInspector struct {
	list     *github.WorkflowList
	listErr  error
	in       *github.Inspection
	inErr    error
	checks   github.Checks
	asked    github.InspectQuery
	checksTo atomic.Int32
}

func (s *stubInspector) ListWorkflows(context.Context, string, string) (*github.WorkflowList, error) {
	return s.list, s.listErr
}

func (s *stubInspector) InspectRepository(_ context.Context, _, _ string, q github.InspectQuery) (*github.Inspection, error) {
	s.asked = q
	return s.in, s.inErr
}

func (s *stubInspector) CreateFacts(context.Context, string, string, string, string, int, string) (*github.CreateFacts, error) {
	s.checksTo.Add(1)
	return &github.CreateFacts{BaseChecks: s.checks}, nil
}

func TestInspect(t *testing.T) {
	rules := []github.MergeRule{{Ruleset: "r", Methods: []string{"squash"}}}
	text := "label:\n  name: urgent\n"
	inspection := func() *github.Inspection {
		return &github.Inspection{Viewer: "monalisa", Permission: "WRITE", DefaultBranch: "main", DefaultBranchRules: rules,
			MergeCommitAllowed: true, LabelExists: true, LatestTag: "v1.4.0", Config: &text,
			WorkflowFiles: map[string]string{".github/workflows/release.yml": "on: workflow_dispatch", ".github/workflows/README.md": "x"}}
	}
	list := &github.WorkflowList{Workflows: []github.ActionsWorkflow{{ID: 7, Path: ".github/workflows/release.yml", State: "active"}}, Scopes: []string{"repo"}}
	tests := []struct {
		name    string
		q       Query
		stub    *stubInspector
		want    string
		wantErr string
	}{
		{"the default branch", Query{ReadConfig: true, Checks: true}, &stubInspector{list: list, in: inspection(), checks: github.Checks{State: "SUCCESS"}},
			"base=main found=true rules=1 merge=true files=1 config=true scopes=[repo]/true label=true latest=v1.4.0 checks=SUCCESS asked=hotfix/true/.github/hotfix.yml", ""},
		{"a base that does not exist", Query{Base: "release/v9", Label: "urgent"}, &stubInspector{list: &github.WorkflowList{}, in: &github.Inspection{DefaultBranch: "main", DefaultBranchRules: rules}},
			"base=release/v9 found=false rules=0 merge=false files=0 config=false scopes=[]/false label=false latest= checks= asked=urgent/false/.github/hotfix.yml", ""},
		{"repository not found", Query{}, &stubInspector{list: list, inErr: fmt.Errorf("%w: acme/shop", github.ErrRepositoryNotFound)},
			"", "repository acme/shop not found (or your token cannot see it)"},
		{"the listing fails", Query{}, &stubInspector{listErr: errors.New("HTTP 502"), in: inspection()},
			"", "listing the workflows of acme/shop: HTTP 502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.stub
			f, err := Inspect(context.Background(), s, "acme", "shop", tt.q)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("base=%s found=%v rules=%d merge=%v files=%d config=%v scopes=%v/%v label=%v latest=%s checks=%s asked=%s/%v/%s",
				f.Base, f.BaseFound, len(f.MergeRules), f.MergeMethods["merge"], len(f.Files), f.Config != nil, f.Scopes, f.ScopesKnown,
				f.LabelExists, f.LatestTag, f.BaseChecks.State, s.asked.Label, s.asked.ReadConfig, s.asked.ConfigPath)
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if want := map[bool]int32{true: 1}[tt.q.Checks]; s.checksTo.Load() != want {
				t.Errorf("%d checks requests, want %d", s.checksTo.Load(), want)
			}
		})
	}
}

// TestInspectRulesets: the rulesets, and why they could not all be read,
// come through with the facts.
func TestInspectRulesets(t *testing.T) {
	in := &github.Inspection{DefaultBranch: "main", Rulesets: []github.Ruleset{ruleset(1, "main", "~DEFAULT_BRANCH")}, RulesetsErr: errors.New("GraphQL: cannot")}
	f, err := Inspect(context.Background(), &stubInspector{list: &github.WorkflowList{}, in: in}, "acme", "shop", Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rulesets) != 1 || f.Rulesets[0].Name != "main" || f.RulesetsErr == nil {
		t.Errorf("rulesets %+v, error %v", f.Rulesets, f.RulesetsErr)
	}
}
