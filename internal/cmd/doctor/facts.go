package doctor

import (
	"context"
	"errors"
	"fmt"
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
	// Rulesets are the repository's rulesets with their rules (read in the
	// same query); RulesetsErr says why not all could be read.
	Rulesets    []github.Ruleset
	RulesetsErr error
	// Protections are the classic branch protection rules (read in the same
	// query), which GitHub shows only to administrators; ProtectionsErr says
	// why they could not be read.
	Protections    []github.Protection
	ProtectionsErr error
}

// APIWorkflow is a workflow as the Actions API lists it.
type APIWorkflow = github.ActionsWorkflow

// inspector is what Inspect needs of GitHub.
type inspector interface {
	ListWorkflows(ctx context.Context, owner, name string) (*github.WorkflowList, error)
	InspectRepository(ctx context.Context, owner, name string, q github.InspectQuery) (*github.Inspection, error)
	CreateFacts(ctx context.Context, owner, name, base, branch string, issue int, configPath string) (*github.CreateFacts, error)
}

// Inspect reads what doctor and init need in two requests sent together (the
// workflow list, which also tells the token's scopes, and one GraphQL query that
// brings the workflow files themselves), plus one for the base's checks when asked.
func Inspect(ctx context.Context, gh inspector, owner, name string, q Query) (*Facts, error) {
	if q.Label == "" {
		q.Label = config.Default().Label.Name
	}
	var (
		wg                     sync.WaitGroup
		list                   *github.WorkflowList
		in                     *github.Inspection
		listErr, gqlErr, cfErr error
		facts                  *github.CreateFacts
	)
	wg.Go(func() { list, listErr = gh.ListWorkflows(ctx, owner, name) })
	wg.Go(func() {
		in, gqlErr = gh.InspectRepository(ctx, owner, name, github.InspectQuery{Base: q.Base, Label: q.Label, ConfigPath: config.Path, ReadConfig: q.ReadConfig})
	})
	if q.Checks {
		wg.Go(func() { facts, cfErr = gh.CreateFacts(ctx, owner, name, q.Base, "", 0, "") })
	}
	wg.Wait()
	if errors.Is(gqlErr, github.ErrRepositoryNotFound) {
		return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", owner, name)
	}
	if gqlErr != nil {
		return nil, gqlErr
	}
	if listErr != nil {
		return nil, fmt.Errorf("listing the workflows of %s/%s: %w", owner, name, listErr)
	}
	if cfErr != nil {
		return nil, cfErr
	}

	f := &Facts{
		Viewer: in.Viewer, Permission: in.Permission, IsPrivate: in.IsPrivate,
		AutoMergeAllowed: in.AutoMergeAllowed,
		MergeMethods:     map[string]bool{"merge": in.MergeCommitAllowed, "squash": in.SquashMergeAllowed, "rebase": in.RebaseMergeAllowed},
		Base:             q.Base,
		Workflows:        list.Workflows, Files: map[string][]byte{},
		LabelExists:   in.LabelExists,
		DefaultBranch: in.DefaultBranch,
		LatestTag:     in.LatestTag,
		Rulesets:      in.Rulesets, RulesetsErr: in.RulesetsErr,
		Protections: in.Protections, ProtectionsErr: in.ProtectionsErr,
	}
	// Classic and OAuth app tokens list their scopes; other tokens send no header, or
	// an empty one, which a classic token without scopes would send too: unknown then.
	f.Scopes = list.Scopes
	f.ScopesKnown = len(f.Scopes) > 0
	if q.Base == "" {
		f.Base, f.BaseFound, f.MergeRules = f.DefaultBranch, f.DefaultBranch != "", in.DefaultBranchRules
	} else {
		f.BaseFound, f.MergeRules = in.BaseFound, in.BaseRules
	}
	if facts != nil {
		f.BaseChecks = facts.BaseChecks
	}
	for p, text := range in.WorkflowFiles {
		if isWorkflowFile(p) {
			f.Files[p] = []byte(text)
		}
	}
	if in.Config != nil {
		f.Config = []byte(*in.Config)
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
