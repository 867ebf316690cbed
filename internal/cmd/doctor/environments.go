package doctor

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// gatedWorkflow is a release workflow whose jobs' environments doctor checks,
// with the inputs a hotfix dispatches it with and the branches it runs on.
type gatedWorkflow struct {
	w        release.Workflow
	inputs   map[string]string
	branches []string // the base, or an example maintenance branch
}

// gatedWorkflows are the release workflow (on the base) and, with the
// exceptional process, the hotfix workflow (on the maintenance branches), as
// the release-workflow and exceptional-workflow checks find them.
func (d *diagnosis) gatedWorkflows() []gatedWorkflow {
	f := d.facts
	var list []gatedWorkflow
	withDefaults := func(w release.Workflow, given map[string]string) map[string]string {
		in := map[string]string{}
		for _, i := range w.Inputs {
			in[i.Name] = i.Default
		}
		for k, v := range given {
			in[k] = v
		}
		return in
	}
	var rw release.Workflow
	if name := d.cfg.Release.Workflow; name != "" {
		if aw, ok := f.Lookup(name); ok {
			rw, _ = f.Workflow(aw)
		}
	} else if _, candidates, _ := f.Releases(); len(candidates) == 1 {
		rw = candidates[0]
	}
	if rw.Path != "" {
		list = append(list, gatedWorkflow{w: rw, inputs: withDefaults(rw, d.cfg.Release.Inputs), branches: []string{f.Base}})
	}
	e := d.cfg.Exceptional
	var hw release.Workflow
	if e.Workflow != "" {
		if aw, ok := f.Lookup(e.Workflow); ok {
			hw, _ = f.Workflow(aw)
		}
	} else if w, ok := f.HotfixWorkflow(); ok {
		hw = w
	}
	if hw.Path != "" && hw.Path != rw.Path {
		given := map[string]string{e.EnvironmentInput: e.TargetEnvironment()}
		for k, v := range e.Inputs {
			given[k] = v
		}
		list = append(list, gatedWorkflow{w: hw, inputs: withDefaults(hw, given), branches: []string{e.MaintenanceBranchFor(1, 4)}})
	}
	return list
}

// envUse is an environment the release workflows deploy to: by which jobs,
// from which branches.
type envUse struct {
	name     string
	jobs     []string // "release.yml's job deploy"
	branches []string
}

// environmentUses reads the release workflows' files for the environments
// their jobs target (an input's environment resolved with the inputs a
// hotfix dispatches), and says which could not be known before a run.
func (d *diagnosis) environmentUses() (uses []*envUse, unknown []string) {
	byName := map[string]*envUse{}
	for _, g := range d.gatedWorkflows() {
		envs, _, err := release.Gates(d.facts.Files[g.w.Path])
		if err != nil {
			continue // release-workflow says the file is not valid YAML
		}
		for _, je := range envs {
			name, ok := release.ResolveEnvironment(je.Name, g.inputs)
			job := fmt.Sprintf("%s's job %s", g.w.File(), je.Job)
			if !ok {
				unknown = append(unknown, fmt.Sprintf("%s (%s)", job, je.Name))
				continue
			}
			u := byName[strings.ToLower(name)]
			if u == nil {
				u = &envUse{name: name}
				byName[strings.ToLower(name)] = u
				uses = append(uses, u)
			}
			u.jobs = append(u.jobs, job)
			for _, b := range g.branches {
				if !slices.Contains(u.branches, b) {
					u.branches = append(u.branches, b)
				}
			}
		}
	}
	return uses, unknown
}

// environmentFacts are the repository's environments (one request), and the
// name patterns of those the release workflows use that restrict deployments
// to selected branches (one request each, only for those).
type environmentFacts struct {
	list     []github.Environment
	patterns map[string][]github.BranchPolicy // by environment name
	err      error
}

// environmentReader is what readEnvironments needs of GitHub.
type environmentReader interface {
	Environments(ctx context.Context, owner, name string) ([]github.Environment, error)
	BranchPolicies(ctx context.Context, owner, name, env string) ([]github.BranchPolicy, error)
}

// readEnvironments reads the environments, only when the release workflows use some.
func readEnvironments(ctx context.Context, gh environmentReader, owner, name string, uses []*envUse) *environmentFacts {
	if len(uses) == 0 {
		return nil
	}
	ef := &environmentFacts{patterns: map[string][]github.BranchPolicy{}}
	if ef.list, ef.err = gh.Environments(ctx, owner, name); ef.err != nil {
		return ef
	}
	for _, u := range uses {
		if e := ef.find(u.name); e != nil && e.BranchPolicy != nil && e.BranchPolicy.CustomBranchPolicies {
			if ef.patterns[e.Name], ef.err = gh.BranchPolicies(ctx, owner, name, e.Name); ef.err != nil {
				return ef
			}
		}
	}
	return ef
}

func (ef *environmentFacts) find(name string) *github.Environment {
	for i := range ef.list {
		if strings.EqualFold(ef.list[i].Name, name) {
			return &ef.list[i]
		}
	}
	return nil
}

// environments checks each environment the release workflows deploy to, one
// line each: it exists, its deployment branch policy admits the branches the
// release runs on, and who may approve a release (GitHub docs, "Managing
// environments for deployment").
func (d *diagnosis) environments() []Check {
	const name = "environments"
	uses, unknown := d.environmentUses()
	var checks []Check
	if len(unknown) > 0 {
		checks = append(checks, warn(name, "the environment of "+strings.Join(unknown, ", ")+" is an expression doctor cannot evaluate",
			"check its protection rules in the repository's settings (Environments)"))
	}
	if len(uses) == 0 {
		return append(checks, pass(name, "the release workflows' jobs target no environment: nothing holds a release for approval"))
	}
	ef := d.envs
	if ef == nil || ef.err != nil {
		err := "not read"
		if ef != nil {
			err = ef.err.Error()
		}
		return append(checks, warn(name, "the environments could not be read: "+err, fmt.Sprintf("see them in the repository's settings (Environments), or run %s again", d.againCommand())))
	}
	for _, u := range uses {
		checks = append(checks, d.environment(u, ef))
	}
	return checks
}

func (d *diagnosis) environment(u *envUse, ef *environmentFacts) Check {
	const name = "environments"
	settings := fmt.Sprintf("the repository's settings (Environments, %s)", u.name)
	e := ef.find(u.name)
	if e == nil {
		// "Running a workflow that references an environment that does not exist
		// will create an environment with the referenced name", without rules.
		return warn(name, fmt.Sprintf("%s, used by %s, does not exist: the first release creates it, with no protection rules", u.name, strings.Join(u.jobs, ", ")),
			fmt.Sprintf("create it with required reviewers in %s", settings))
	}
	for _, b := range u.branches {
		if ok, why := d.admits(e, ef.patterns[e.Name], b); !ok {
			return fail(name, fmt.Sprintf("%s does not admit %s (%s): %s would fail", u.name, b, why, strings.Join(u.jobs, ", ")),
				fmt.Sprintf("add %s to the deployment branches of %s", d.branchRuleFor(b), settings))
		}
	}
	reviewers, noSelf := e.Reviewers()
	var who []string
	viewerReviews := false
	for _, r := range reviewers {
		who = append(who, r.Handle())
		if r.Type == "User" && strings.EqualFold(r.Reviewer.Login, d.facts.Viewer) {
			viewerReviews = true
		}
	}
	timer := ""
	if m := e.WaitTimer(); m > 0 {
		timer = fmt.Sprintf(", after a %d-minute wait timer", m)
	}
	branches := "admits " + strings.Join(u.branches, " and ")
	switch {
	case len(who) == 0 && timer == "":
		return pass(name, fmt.Sprintf("%s %s; no required reviewers: releases deploy without approval", u.name, branches))
	case len(who) == 0:
		return pass(name, fmt.Sprintf("%s %s; no required reviewers%s", u.name, branches, timer))
	case noSelf && viewerReviews && len(who) == 1:
		return fail(name, fmt.Sprintf("%s's only reviewer is you (%s), and prevent_self_review forbids approving a run you start: your hotfix's release would wait until someone else is made a reviewer",
			u.name, d.facts.Viewer), fmt.Sprintf("add another reviewer (a person or a team) to %s", settings))
	case noSelf && viewerReviews:
		return pass(name, fmt.Sprintf("%s %s; reviewed by %s%s; prevent_self_review: you cannot approve a release you start, another reviewer must",
			u.name, branches, strings.Join(who, ", "), timer))
	case viewerReviews:
		return pass(name, fmt.Sprintf("%s %s; reviewed by %s%s; you may approve your own release (gh hotfix ship --watch --approve)",
			u.name, branches, strings.Join(who, ", "), timer))
	}
	return pass(name, fmt.Sprintf("%s %s; reviewed by %s%s", u.name, branches, strings.Join(who, ", "), timer))
}

// admits applies e's deployment branch policy to branch ("Managing environments
// for deployment", Deployment branches and tags): every branch without a
// policy; with "Protected branches only", a branch a protection rule covers,
// or any when the repository has none; with selected branches, one that
// matches a branch pattern (fnmatch, as branch protection patterns are).
func (d *diagnosis) admits(e *github.Environment, patterns []github.BranchPolicy, branch string) (bool, string) {
	p := e.BranchPolicy
	switch {
	case p == nil:
		return true, ""
	case p.ProtectedBranches:
		f := d.facts
		if f.ProtectionsErr != nil {
			return true, "" // unknown: the rules line says the protection rules could not be read
		}
		if len(f.Protections) == 0 || slices.ContainsFunc(f.Protections, func(pr github.Protection) bool { return github.BranchPatternMatch(pr.Pattern, branch) }) {
			return true, ""
		}
		return false, "only protected branches may deploy, and no branch protection rule covers it"
	}
	var names []string
	for _, pat := range patterns {
		if pat.Type != "tag" && github.BranchPatternMatch(pat.Name, branch) {
			return true, ""
		}
		names = append(names, pat.Name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return false, "its selected branches are none"
	}
	return false, "its selected branches are " + strings.Join(names, ", ")
}

// branchRuleFor is the deployment branch rule that admits b: the base itself,
// or for an example maintenance branch the maintenance branches' pattern
// ({major} and {minor} as *).
func (d *diagnosis) branchRuleFor(b string) string {
	m := d.cfg.Exceptional.MaintenanceBranch
	if b == d.facts.Base || m == "" {
		return b
	}
	return strings.NewReplacer("{major}", "*", "{minor}", "*").Replace(m)
}

// concurrency warns when a release workflow cancels a run in progress when
// another starts in its group (cancel-in-progress: true; GitHub docs,
// "Control the concurrency of workflows and jobs"): a second release would
// cancel a hotfix's release mid-deploy.
func (d *diagnosis) concurrency() Check {
	const name = "concurrency"
	var cancelling []string
	gated := d.gatedWorkflows()
	for _, g := range gated {
		_, groups, err := release.Gates(d.facts.Files[g.w.Path])
		if err != nil {
			continue
		}
		for _, c := range groups {
			if c.CancelInProgress == "true" {
				where := g.w.File()
				if c.Job != "" {
					where += "'s job " + c.Job
				}
				cancelling = append(cancelling, fmt.Sprintf("%s (group %s)", where, c.Group))
			}
		}
	}
	if len(cancelling) > 0 {
		return warn(name, "cancel-in-progress: true in "+strings.Join(cancelling, ", ")+": a release started while another runs cancels it, perhaps mid-deploy",
			"set cancel-in-progress: false, so that a second release waits for the first")
	}
	if len(gated) == 0 {
		return pass(name, "no release workflow to check")
	}
	return pass(name, "no release workflow cancels a release in progress")
}
