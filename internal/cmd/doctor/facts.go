package doctor

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// Query says what [Inspect] asks GitHub for.
type Query struct {
	Base       string // base branch; "" means the default branch
	Label      string // label to look up; "" means the default one
	ReadConfig bool   // also read .github/hotfix.yml from the default branch
	Checks     bool   // also read the checks of the base's latest commit (one more request)
}

// Facts is what doctor and init know about a repository on GitHub.
type Facts struct {
	Viewer     string
	Permission string // viewer's permission: ADMIN, MAINTAIN, WRITE, TRIAGE or READ
	IsPrivate  bool
	// Scopes are the token's OAuth scopes; ScopesKnown is false when GitHub reported
	// none (fine-grained and GitHub App tokens have permissions, not scopes).
	Scopes      []string
	ScopesKnown bool

	AutoMergeAllowed bool
	MergeMethods     map[string]bool // merge, squash, rebase → allowed
	// MergeRules are the base's rules that restrict merge methods (a ruleset's
	// pull_request rule), read in the same query.
	MergeRules []github.MergeRule

	DefaultBranch string
	Base          string // the base asked for, else the default branch
	BaseFound     bool
	BaseChecks    github.Checks // only with Query.Checks

	LabelExists bool

	// Workflows are the repository's workflows as the Actions API lists them
	// (from the default branch, where a workflow must be to be dispatched).
	Workflows []APIWorkflow
	// Files holds the workflow files (.github/workflows/*.yml, *.yaml) on the base, by path.
	Files map[string][]byte
	// Config is .github/hotfix.yml on the default branch (with Query.ReadConfig); nil when absent.
	Config []byte
	// LatestTag is the tag of the release GitHub marks as latest; "" with no release.
	LatestTag string
}

// APIWorkflow is a workflow as GET /repos/{owner}/{repo}/actions/workflows lists it.
type APIWorkflow struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Path  string `json:"path"`
	State string `json:"state"` // active, disabled_manually, disabled_inactivity, ...
}

// File is the workflow's file name, which the API and release.workflow accept.
func (w APIWorkflow) File() string { return path.Base(w.Path) }

// Matches reports whether name designates the workflow: its path, file name or ID,
// as `ship --workflow` and release.workflow accept.
func (w APIWorkflow) Matches(name string) bool {
	return w.Path == name || w.File() == name || fmt.Sprint(w.ID) == name
}

const inspectQuery = `query HotfixDoctor($owner: String!, $name: String!, $label: String!, $base: String!, $hasBase: Boolean!,
  $workflows: String!, $config: String!, $readConfig: Boolean!) {
  viewer { login }
  repository(owner: $owner, name: $name) {
    isPrivate
    viewerPermission
    autoMergeAllowed mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed
    defaultBranchRef { name ` + github.RefRules + ` }
    base: ref(qualifiedName: $base) @include(if: $hasBase) { name ` + github.RefRules + ` }
    ` + github.LabelLookup + `
    workflows: object(expression: $workflows) { ... on Tree { entries { path type object { ... on Blob { text } } } } }
    config: object(expression: $config) @include(if: $readConfig) { ... on Blob { text } }
    latestRelease { tagName }
  }
}`

// Inspect reads what doctor and init need in two requests sent together (the
// workflow list, which also tells the token's scopes, and one GraphQL query that
// brings the workflow files themselves), plus one for the base's checks when asked.
func Inspect(ctx context.Context, gh *github.Client, owner, name string, q Query) (*Facts, error) {
	if q.Label == "" {
		q.Label = config.Default().Label.Name
	}
	// "HEAD:" is the default branch, so nothing needs to be known before asking.
	rev := q.Base
	if rev == "" {
		rev = "HEAD"
	}
	vars := map[string]any{
		"owner": owner, "name": name, "label": q.Label,
		"base": "refs/heads/" + q.Base, "hasBase": q.Base != "",
		"workflows": rev + ":.github/workflows", "config": "HEAD:" + config.Path, "readConfig": q.ReadConfig,
	}
	type blob struct{ Text *string }
	var gql struct {
		Viewer     struct{ Login string }
		Repository *struct {
			IsPrivate          bool
			ViewerPermission   string
			AutoMergeAllowed   bool
			MergeCommitAllowed bool
			SquashMergeAllowed bool
			RebaseMergeAllowed bool
			DefaultBranchRef   *struct {
				Name  string
				Rules github.RuleNodes
			}
			Base *struct {
				Name  string
				Rules github.RuleNodes
			}
			Labels    github.LabelNodes
			Workflows *struct {
				Entries []struct {
					Path   string
					Type   string
					Object *blob
				}
			}
			Config        *blob
			LatestRelease *struct{ TagName string }
		}
	}
	var list struct {
		Workflows []APIWorkflow `json:"workflows"`
	}
	var (
		wg                     sync.WaitGroup
		resp                   github.Response
		listErr, gqlErr, cfErr error
		facts                  *github.CreateFacts
	)
	wg.Go(func() {
		resp, listErr = gh.RESTWithHeaders(ctx, "GET", fmt.Sprintf("repos/%s/%s/actions/workflows?per_page=100", owner, name), nil, nil, &list)
	})
	wg.Go(func() { gqlErr = gh.GraphQL(ctx, inspectQuery, vars, &gql) })
	if q.Checks {
		wg.Go(func() { facts, cfErr = gh.CreateFacts(ctx, owner, name, q.Base, "", 0, "") })
	}
	wg.Wait()
	if gqlErr != nil || gql.Repository == nil {
		if gqlErr == nil || github.IsNotFound(gqlErr) {
			return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", owner, name)
		}
		return nil, gqlErr
	}
	if listErr != nil {
		return nil, fmt.Errorf("listing the workflows of %s/%s: %w", owner, name, listErr)
	}
	if cfErr != nil {
		return nil, cfErr
	}

	r := gql.Repository
	f := &Facts{
		Viewer: gql.Viewer.Login, Permission: r.ViewerPermission, IsPrivate: r.IsPrivate,
		AutoMergeAllowed: r.AutoMergeAllowed,
		MergeMethods:     map[string]bool{"merge": r.MergeCommitAllowed, "squash": r.SquashMergeAllowed, "rebase": r.RebaseMergeAllowed},
		Base:             q.Base,
		Workflows:        list.Workflows, Files: map[string][]byte{},
	}
	_, _, f.LabelExists = r.Labels.Find(q.Label)
	// Classic and OAuth app tokens list their scopes; other tokens send no header, or
	// an empty one, which a classic token without scopes would send too: unknown then.
	for _, s := range strings.Split(strings.Join(resp.Header.Values("X-Oauth-Scopes"), ","), ",") {
		if s = strings.TrimSpace(s); s != "" {
			f.Scopes = append(f.Scopes, s)
		}
	}
	f.ScopesKnown = len(f.Scopes) > 0
	if r.DefaultBranchRef != nil {
		f.DefaultBranch = r.DefaultBranchRef.Name
	}
	if q.Base == "" {
		f.Base, f.BaseFound = f.DefaultBranch, r.DefaultBranchRef != nil
		if r.DefaultBranchRef != nil {
			f.MergeRules = r.DefaultBranchRef.Rules.MergeRules()
		}
	} else {
		f.BaseFound = r.Base != nil
		if r.Base != nil {
			f.MergeRules = r.Base.Rules.MergeRules()
		}
	}
	if facts != nil {
		f.BaseChecks = facts.BaseChecks
	}
	if r.LatestRelease != nil {
		f.LatestTag = r.LatestRelease.TagName
	}
	if r.Workflows != nil {
		for _, e := range r.Workflows.Entries {
			if e.Type == "blob" && e.Object != nil && e.Object.Text != nil && isWorkflowFile(e.Path) {
				f.Files[e.Path] = []byte(*e.Object.Text)
			}
		}
	}
	if r.Config != nil && r.Config.Text != nil {
		f.Config = []byte(*r.Config.Text)
	}
	return f, nil
}

func isWorkflowFile(p string) bool {
	return strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")
}

// Releases sorts the workflows that can be dispatched on the base: all of them,
// and the candidates among them by the rule release.Find applies when no workflow
// is named (active, and the file name or the name mentions "release"). notDispatchable
// names the release-like workflows that lack a workflow_dispatch trigger on the base
// or cannot be read, with why.
func (f *Facts) Releases() (all, candidates []release.Workflow, notDispatchable []string) {
	for _, w := range f.Workflows {
		mentions := strings.Contains(strings.ToLower(w.File()), "release") || strings.Contains(strings.ToLower(w.Name), "release")
		rw, err := f.Workflow(w)
		if err == nil && w.State != "active" {
			err = fmt.Errorf("%s is %s", w.File(), strings.ReplaceAll(w.State, "_", " "))
		}
		switch {
		case err != nil:
			if mentions {
				notDispatchable = append(notDispatchable, err.Error())
			}
		default:
			all = append(all, rw)
			if mentions {
				candidates = append(candidates, rw)
			}
		}
	}
	return all, candidates, notDispatchable
}

// Workflow reads w's file on the base: an error says why it cannot be dispatched there.
func (f *Facts) Workflow(w APIWorkflow) (release.Workflow, error) {
	content, ok := f.Files[w.Path]
	if !ok {
		return release.Workflow{}, fmt.Errorf("%s is not on %s", w.Path, f.Base)
	}
	dispatch, inputs, err := release.ParseFile(content)
	if err != nil {
		return release.Workflow{}, fmt.Errorf("%s is not valid YAML: %v", w.Path, err)
	}
	if !dispatch {
		return release.Workflow{}, fmt.Errorf("%s has no workflow_dispatch trigger", w.File())
	}
	return release.Workflow{ID: w.ID, Name: w.Name, Path: w.Path, Dispatch: true, Inputs: inputs}, nil
}

// Lookup returns the workflow that name designates (see [APIWorkflow.Matches]).
func (f *Facts) Lookup(name string) (APIWorkflow, bool) {
	i := slices.IndexFunc(f.Workflows, func(w APIWorkflow) bool { return w.Matches(name) })
	if i < 0 {
		return APIWorkflow{}, false
	}
	return f.Workflows[i], true
}
