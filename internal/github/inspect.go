package github

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/cli/go-gh/v2/pkg/api"
)

// ActionsWorkflow is a workflow as GET /repos/{owner}/{repo}/actions/workflows lists it.
type ActionsWorkflow struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Path  string `json:"path"`
	State string `json:"state"` // active, disabled_manually, disabled_inactivity, ...
}

// File is the workflow's file name, which the API and release.workflow accept.
func (w ActionsWorkflow) File() string { return path.Base(w.Path) }

// Matches reports whether name designates the workflow: its path, file name or ID,
// as `ship --workflow` and release.workflow accept.
func (w ActionsWorkflow) Matches(name string) bool {
	return w.Path == name || w.File() == name || fmt.Sprint(w.ID) == name
}

// WorkflowList is what [Client.ListWorkflows] answers.
type WorkflowList struct {
	// Workflows are the repository's workflows, as listed from its default
	// branch (where a workflow must be to be dispatched).
	Workflows []ActionsWorkflow
	// Scopes are the token's OAuth scopes, which GitHub sends with the answer:
	// none for fine-grained and GitHub App tokens (they have permissions, not
	// scopes), nor for a classic token without scopes.
	Scopes []string
}

// ListWorkflows lists the repository's workflows (up to 100, in one request:
// GET /repos/{owner}/{repo}/actions/workflows), and the token's scopes that
// come with the answer.
func (c *Client) ListWorkflows(ctx context.Context, owner, name string) (*WorkflowList, error) {
	var list struct {
		Workflows []ActionsWorkflow `json:"workflows"`
	}
	resp, err := c.RESTWithHeaders(ctx, "GET", fmt.Sprintf("repos/%s/%s/actions/workflows?per_page=100", owner, name), nil, nil, &list)
	if err != nil {
		return nil, err
	}
	wl := &WorkflowList{Workflows: list.Workflows}
	for _, s := range strings.Split(strings.Join(resp.Header.Values("X-Oauth-Scopes"), ","), ",") {
		if s = strings.TrimSpace(s); s != "" {
			wl.Scopes = append(wl.Scopes, s)
		}
	}
	return wl, nil
}

// InspectQuery says what [Client.InspectRepository] reads.
type InspectQuery struct {
	Base  string // base branch; "" means the default branch
	Label string // the label to look up (whatever its case)
	// ConfigPath is the config file's path, read from the default branch when
	// ReadConfig is set.
	ConfigPath string
	ReadConfig bool
}

// Inspection is what [Client.InspectRepository] learns of a repository, and of
// the viewer.
type Inspection struct {
	Viewer     string
	Permission string // viewer's permission: ADMIN, MAINTAIN, WRITE, TRIAGE or READ
	IsPrivate  bool

	AutoMergeAllowed   bool
	MergeCommitAllowed bool
	SquashMergeAllowed bool
	RebaseMergeAllowed bool

	// DefaultBranch is "" when the repository has none (it is empty).
	DefaultBranch string
	// DefaultBranchRules and BaseRules restrict merge methods on the default
	// branch and on InspectQuery.Base.
	DefaultBranchRules []MergeRule
	// BaseFound says whether InspectQuery.Base exists (always false without one).
	BaseFound bool
	BaseRules []MergeRule

	LabelExists bool

	// WorkflowFiles holds the text of the files in .github/workflows on the
	// base (the default branch without one), by path; subfolders are not read.
	WorkflowFiles map[string]string
	// Config is the config file on the default branch (with
	// InspectQuery.ReadConfig); nil when absent.
	Config *string
	// LatestTag is the tag of the release GitHub marks as latest; "" with no release.
	LatestTag string

	// Rulesets are the repository's rulesets, those of its organization
	// included, with their rules. RulesetsErr says why they could not all be
	// read (GitHub answered the rest of the query): Rulesets then holds what
	// was answered, rules whose parameters are missing included.
	Rulesets    []Ruleset
	RulesetsErr error
	// Protections are the repository's classic branch protection rules, as
	// GitHub shows them to the viewer: to an administrator only, the list
	// being empty for others. ProtectionsErr says why they could not be read.
	Protections    []Protection
	ProtectionsErr error
}

const inspectQuery = `query HotfixDoctor($owner: String!, $name: String!, $label: String!, $base: String!, $hasBase: Boolean!,
  $workflows: String!, $config: String!, $readConfig: Boolean!) {
  viewer { login }
  repository(owner: $owner, name: $name) {
    isPrivate
    viewerPermission
    autoMergeAllowed mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed
    defaultBranchRef { name ` + RefRules + ` }
    base: ref(qualifiedName: $base) @include(if: $hasBase) { name ` + RefRules + ` }
    ` + LabelLookup + `
    workflows: object(expression: $workflows) { ... on Tree { entries { path type object { ... on Blob { text } } } } }
    config: object(expression: $config) @include(if: $readConfig) { ... on Blob { text } }
    latestRelease { tagName }
    ` + rulesetsField + `
    ` + protectionField + `
  }
}`

// InspectRepository reads, in one GraphQL query, what doctor and init check of
// a repository: the viewer and their permission, the merge settings and the
// rules restricting merge methods, the base, the label, the workflow files
// themselves, the config file, the latest release, the rulesets and the
// classic branch protection rules. A repository GitHub does
// not show returns an error that is [ErrRepositoryNotFound].
func (c *Client) InspectRepository(ctx context.Context, owner, name string, q InspectQuery) (*Inspection, error) {
	// "HEAD:" is the default branch, so nothing needs to be known before asking.
	rev := q.Base
	if rev == "" {
		rev = "HEAD"
	}
	vars := map[string]any{
		"owner": owner, "name": name, "label": q.Label,
		"base": "refs/heads/" + q.Base, "hasBase": q.Base != "",
		"workflows": rev + ":.github/workflows", "config": "HEAD:" + q.ConfigPath, "readConfig": q.ReadConfig,
	}
	type blob struct{ Text *string }
	type ref struct {
		Name  string
		Rules RuleNodes
	}
	var out struct {
		Viewer     struct{ Login string }
		Repository *struct {
			IsPrivate          bool
			ViewerPermission   string
			AutoMergeAllowed   bool
			MergeCommitAllowed bool
			SquashMergeAllowed bool
			RebaseMergeAllowed bool
			DefaultBranchRef   *ref
			Base               *ref
			Labels             LabelNodes
			Workflows          *struct {
				Entries []struct {
					Path   string
					Type   string
					Object *blob
				}
			}
			Config        *blob
			LatestRelease *struct{ TagName string }
			Rulesets      *rulesetNodes
			Protections   *protectionNodes `json:"branchProtectionRules"`
		}
	}
	err := c.GraphQL(ctx, inspectQuery, vars, &out)
	// Rules that cannot be read leave the rest of the answer as useful as it is.
	var rulesetsErr, protectionsErr error
	if err != nil && out.Repository != nil {
		err, rulesetsErr, protectionsErr = splitErrors(err, []string{"repository", "rulesets"}, []string{"repository", "branchProtectionRules"})
	}
	if err != nil && !IsNotFound(err) {
		return nil, err
	}
	if err != nil || out.Repository == nil {
		return nil, fmt.Errorf("%w: %s/%s", ErrRepositoryNotFound, owner, name)
	}
	r := out.Repository
	in := &Inspection{
		Viewer: out.Viewer.Login, Permission: r.ViewerPermission, IsPrivate: r.IsPrivate,
		AutoMergeAllowed: r.AutoMergeAllowed, MergeCommitAllowed: r.MergeCommitAllowed,
		SquashMergeAllowed: r.SquashMergeAllowed, RebaseMergeAllowed: r.RebaseMergeAllowed,
		BaseFound:      r.Base != nil,
		WorkflowFiles:  map[string]string{},
		RulesetsErr:    rulesetsErr,
		ProtectionsErr: protectionsErr,
	}
	if r.Rulesets != nil {
		in.Rulesets = r.Rulesets.rulesets()
	}
	if r.Protections != nil {
		in.Protections = r.Protections.protections()
	}
	_, _, in.LabelExists = r.Labels.Find(q.Label)
	if r.DefaultBranchRef != nil {
		in.DefaultBranch = r.DefaultBranchRef.Name
		in.DefaultBranchRules = r.DefaultBranchRef.Rules.MergeRules()
	}
	if r.Base != nil {
		in.BaseRules = r.Base.Rules.MergeRules()
	}
	if r.Workflows != nil {
		for _, e := range r.Workflows.Entries {
			if e.Type == "blob" && e.Object != nil && e.Object.Text != nil {
				in.WorkflowFiles[e.Path] = *e.Object.Text
			}
		}
	}
	if r.Config != nil && r.Config.Text != nil {
		in.Config = r.Config.Text
	}
	if r.LatestRelease != nil {
		in.LatestTag = r.LatestRelease.TagName
	}
	return in, nil
}

// splitErrors sets apart, when every error of a GraphQL answer is under one
// of two fields (the rulesets, the branch protection rules), the errors of
// each, so that what could not be read of one does not hide the other nor
// the rest of the answer; rest is err itself when some error is elsewhere.
func splitErrors(err error, a, b []string) (rest, atA, atB error) {
	if !onlyUnder(err, a, b) {
		return err, nil, nil
	}
	var inA, inB []api.GraphQLErrorItem
	for _, e := range err.(*api.GraphQLError).Errors {
		if onlyAt(&api.GraphQLError{Errors: []api.GraphQLErrorItem{e}}, a...) {
			inA = append(inA, e)
		} else {
			inB = append(inB, e)
		}
	}
	if len(inA) > 0 {
		atA = &api.GraphQLError{Errors: inA}
	}
	if len(inB) > 0 {
		atB = &api.GraphQLError{Errors: inB}
	}
	return nil, atA, atB
}
