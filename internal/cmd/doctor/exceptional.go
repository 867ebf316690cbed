package doctor

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// HotfixWorkflow finds the hotfix workflow of the exceptional process when it is not
// configured: the single active workflow that can be dispatched, whose file name or
// name mentions "hotfix" and that declares a tag input.
func (f *Facts) HotfixWorkflow() (release.Workflow, bool) {
	all, _, _ := f.Releases()
	var found []release.Workflow
	for _, w := range all {
		mentions := strings.Contains(strings.ToLower(w.File()), "hotfix") || strings.Contains(strings.ToLower(w.Name), "hotfix")
		if mentions && slices.ContainsFunc(w.Inputs, func(in release.Input) bool { return in.Name == "tag" }) {
			found = append(found, w)
		}
	}
	if len(found) != 1 {
		return release.Workflow{}, false
	}
	return found[0], true
}

// exceptionalWorkflow checks the hotfix workflow of the exceptional process: present on
// the base, dispatchable, with the tag input and the configured inputs. Not setting
// the process up is no failure: it is optional.
func (d *diagnosis) exceptionalWorkflow() Check {
	const name = "exceptional-workflow"
	f, e := d.facts, d.cfg.Exceptional
	if e.Workflow == "" {
		if w, ok := f.HotfixWorkflow(); ok {
			return warn(name, fmt.Sprintf("%s looks like a hotfix workflow, but exceptional.workflow is not set, so hotfixing from the last release is off", w.File()),
				fmt.Sprintf("add exceptional: {workflow: %s} to %s", w.File(), config.Path))
		}
		return pass(name, "not set up (optional): to hotfix the last release when the base is not releasable, gh hotfix init --workflows writes a hotfix workflow")
	}
	aw, ok := f.Lookup(e.Workflow)
	if !ok {
		return fail(name, fmt.Sprintf("exceptional.workflow in %s is %s, which is not a workflow of %s on %s", d.configFile(), e.Workflow, d.fullName(), f.DefaultBranch),
			fmt.Sprintf("commit .github/workflows/%s on %s (gh hotfix init --workflows writes one), or name the hotfix workflow in exceptional.workflow", e.Workflow, f.DefaultBranch))
	}
	w, err := f.Workflow(aw)
	if err != nil {
		return fail(name, err.Error(), fmt.Sprintf("give %s on %s a workflow_dispatch trigger with a %s input (gh hotfix init --workflows --dry-run shows one)", aw.Path, f.Base, e.TagInput))
	}
	if aw.State != "active" {
		return fail(name, fmt.Sprintf("%s is %s", aw.File(), strings.ReplaceAll(aw.State, "_", " ")),
			fmt.Sprintf("gh workflow enable %s -R %s", shellQuote(aw.File()), d.repoArg))
	}
	declared := map[string]bool{}
	for _, in := range w.Inputs {
		declared[in.Name] = true
	}
	if !declared[e.TagInput] {
		return fail(name, fmt.Sprintf("%s does not declare the input %q, which receives the hotfix tag", w.File(), e.TagInput),
			fmt.Sprintf("add a %s input under on.workflow_dispatch.inputs of %s, or name its tag input in exceptional.tag_input", e.TagInput, aw.Path))
	}
	given := map[string]string{e.TagInput: "v1.4.1"}
	for k, v := range e.Inputs {
		given[k] = v
	}
	env := ""
	if _, set := given[e.EnvironmentInput]; !set {
		switch {
		case declared[e.EnvironmentInput]:
			env = e.TargetEnvironment()
			given[e.EnvironmentInput] = env
		case e.Environment != "":
			return fail(name, fmt.Sprintf("%s does not declare the input %q for exceptional.environment", w.File(), e.EnvironmentInput),
				fmt.Sprintf("add it to %s, or name the right input in exceptional.environment_input", aw.Path))
		}
	}
	origins := release.Origins{Config: "exceptional.inputs", Of: map[string]string{e.TagInput: "exceptional.tag_input"}}
	if env != "" {
		origins.Of[e.EnvironmentInput] = "exceptional.environment"
	}
	if _, err := release.ValidateInputs(w, given, origins); err != nil {
		key := "exceptional.inputs"
		if ie, ok := errors.AsType[*release.InputError](err); ok && ie.Origin != "" {
			key = ie.Origin
		}
		return fail(name, err.Error(), fmt.Sprintf("correct %s in %s (%s declares: %s)", key, d.configFile(), w.File(), describeInputs(w.Inputs, nil)))
	}
	detail := fmt.Sprintf("%s can be dispatched with the hotfix tag (input %s)", w.File(), e.TagInput)
	if env != "" {
		detail += fmt.Sprintf(" and %s=%s", e.EnvironmentInput, env)
	}
	return pass(name, detail+"; a maintenance branch needs the file too (from the release tag)")
}

// maintenanceBranch shows how maintenance branches are named, and refuses a name that
// would be the base itself.
func (d *diagnosis) maintenanceBranch() Check {
	const name = "maintenance-branch"
	e := d.cfg.Exceptional
	tmpl := e.MaintenanceBranch
	if tmpl == "" {
		tmpl = config.DefaultMaintenanceBranch
	}
	example := e.MaintenanceBranchFor(1, 4)
	if example == d.facts.Base {
		return fail(name, fmt.Sprintf("exceptional.maintenance_branch %s names the base %s itself", tmpl, d.facts.Base),
			fmt.Sprintf("set exceptional.maintenance_branch in %s to a name with {major} and {minor}, like %s", d.configFile(), config.DefaultMaintenanceBranch))
	}
	return pass(name, fmt.Sprintf("%s: a hotfix from v1.4.0 merges into %s, created from the tag when missing", tmpl, example))
}

// baseAdvice is the base check's fix when the base is not releasable.
func (d *diagnosis) baseAdvice() string {
	return hotfix.FromReleaseAdvice(d.cfg.Exceptional.Workflow != "", false)
}
