package doctor

import (
	"context"
	"errors"
	"fmt"
	"github.com/cli/go-gh/v2/pkg/repository"
	"path"
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
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
			fmt.Sprintf("gh workflow enable %s -R %s", command.ShellQuote(aw.File()), d.repoArg))
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

// lineFacts are the hotfix workflow files of the latest release's line: on its
// maintenance branch and at its tag, by revision ("" when absent).
type lineFacts struct {
	tag, maint     string
	onMaint, atTag string
}

// textReader is what readLine needs of GitHub.
type textReader interface {
	TextFiles(ctx context.Context, owner, name string, expressions ...string) (map[string]string, error)
}

// readLine reads, in one request, the hotfix workflow of the latest release's
// line, when the exceptional process is set up and there is a release.
func readLine(ctx context.Context, gh textReader, repo repository.Repository, cfg config.Config, f *Facts) (*lineFacts, error) {
	e := cfg.Exceptional
	if e.Workflow == "" || f.LatestTag == "" {
		return nil, nil
	}
	v, err := release.ParseTag(f.LatestTag)
	if err != nil {
		return nil, nil // not a version tag: not a line the exceptional process hotfixes
	}
	l := &lineFacts{tag: f.LatestTag, maint: e.MaintenanceBranchFor(v.Major, v.Minor)}
	p := ".github/workflows/" + path.Base(e.Workflow)
	texts, err := gh.TextFiles(ctx, repo.Owner, repo.Name, l.maint+":"+p, l.tag+":"+p)
	if err != nil {
		return nil, fmt.Errorf("reading the hotfix workflow of %s's line: %w", l.tag, err)
	}
	l.onMaint, l.atTag = texts[l.maint+":"+p], texts[l.tag+":"+p]
	return l, nil
}

// releaseLine checks that the latest release's line can release a hotfix:
// GitHub runs a dispatched workflow from the branch it runs on, so the line's
// maintenance branch (or the tag it would be made from) needs a hotfix workflow
// that takes the tag. create --from-tag adds main's copy when it does not: a
// warning, not a failure.
func (d *diagnosis) releaseLine() Check {
	const name = "release-line"
	l, e := d.line, d.cfg.Exceptional
	switch {
	case e.Workflow == "":
		return pass(name, "no exceptional process: nothing to check")
	case l == nil:
		return pass(name, "no release yet: nothing to check")
	}
	file := path.Base(e.Workflow)
	if l.onMaint != "" {
		if why := release.HotfixWorkflowProblem(l.onMaint, e.TagInput); why != "" {
			return warn(name, fmt.Sprintf("%s on %s %s: a hotfix of %s could not be released", file, l.maint, why, l.tag),
				fmt.Sprintf("gh hotfix create --from-tag %s gives %s main's copy (or opens a pull request for it)", l.tag, l.maint))
		}
		return pass(name, fmt.Sprintf("%s, the line of the latest release %s, has %s", l.maint, l.tag, file))
	}
	if l.atTag != "" && release.HotfixWorkflowProblem(l.atTag, e.TagInput) == "" {
		return pass(name, fmt.Sprintf("%s has %s: a maintenance branch made from it can release a hotfix", l.tag, file))
	}
	return warn(name, fmt.Sprintf("the latest release %s is older than %s: a maintenance branch made from it could not release a hotfix", l.tag, file),
		fmt.Sprintf("nothing to do now: gh hotfix create --from-tag %s gives %s main's copy (or opens a pull request for it)", l.tag, l.maint))
}
