package doctor

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// run checks the repository. Only what stops every check (no repository, no
// working token) is returned as an error; everything else is a line of the report.
func run(ctx context.Context, f *command.Factory, opts *DoctorOptions) error {
	if err := opts.JSON.CheckFields(jsonFields); err != nil {
		return err
	}
	ios := f.IOStreams
	co, err := command.ResolveCheckout(ctx, f, opts.Repo)
	if err != nil {
		return err
	}
	repo := co.Repo
	local, found, loadErr := localConfig(co)
	gh, err := f.GitHubClient(repo.Host)
	if err != nil {
		return err
	}

	cfg := config.Default()
	if found && loadErr == nil {
		cfg = local
	}
	ios.StartProgress(fmt.Sprintf("Checking %s/%s…", repo.Owner, repo.Name))
	defer ios.StopProgress()
	// The default branch's copy comes with the same query: it applies when the
	// checkout has no file, and is compared with the checkout's when it has one.
	q := Query{Base: cfg.Base, Label: cfg.Label.Name, ReadConfig: loadErr == nil, Checks: true}
	facts, err := Inspect(ctx, gh, repo.Owner, repo.Name, q)
	if err != nil {
		return err
	}

	var configCheck Check
	if found && loadErr != nil {
		configCheck = configFailure(loadErr)
	} else {
		var text *string
		if facts.Config != nil {
			s := string(facts.Config)
			text = &s
		}
		res, err := config.Resolve(local, found, facts.DefaultBranch, text)
		configCheck = checkConfig(res, err, facts.DefaultBranch)
		if err == nil {
			cfg = res.Config
		}
		// The file names another base or label than the defaults asked about.
		if res.AskAgain("label.name") || (res.AskAgain("base") && cfg.Base != facts.Base) {
			q = Query{Base: cfg.Base, Label: cfg.Label.Name, Checks: true}
			if facts, err = Inspect(ctx, gh, repo.Owner, repo.Name, q); err != nil {
				return err
			}
		}
	}

	repoArg := repo.Owner + "/" + repo.Name
	if !strings.EqualFold(repo.Host, "github.com") {
		repoArg = repo.Host + "/" + repoArg
	}
	// The command that checks again: -R only when the user gave it (in the
	// clone, doctor finds the repository as it did).
	again := "gh hotfix doctor"
	if opts.Repo != "" {
		again += " -R " + command.ShellQuote(opts.Repo)
	}
	d := &diagnosis{facts: facts, cfg: cfg, repo: repo, repoArg: repoArg, again: again, srv: readServer(ctx, gh, repo.Host)}
	if d.line, err = readLine(ctx, gh, repo, cfg, facts); err != nil {
		return err
	}
	d.bypass = readBypass(ctx, gh, repo.Owner, repo.Name, d.creationRules())
	uses, _ := d.environmentUses()
	d.envs = readEnvironments(ctx, gh, repo.Owner, repo.Name, uses)
	checks := []Check{d.auth()}
	if c, ok := d.server(); ok {
		checks = append(checks, c)
	}
	checks = append(checks,
		configCheck,
		d.label(),
		d.releaseWorkflow(),
		d.autoMerge(),
		d.ci(),
		d.base(),
		d.exceptionalWorkflow(),
		d.maintenanceBranch(),
		d.releaseLine(),
	)
	checks = append(checks, d.environments()...)
	checks = append(checks, d.concurrency())
	checks = append(checks, d.rules()...)
	if opts.TestNotify {
		checks = append(checks, testNotify(ctx, f, cfg, repo.Owner+"/"+repo.Name)...)
	}

	ios.StopProgress()
	if len(opts.JSON.Fields) > 0 {
		if err := opts.JSON.Write(ios, exportData(checks, d.srv)); err != nil {
			return err
		}
	} else {
		render(ios.Out, ios.ColorScheme(), ios.IsStdoutTTY(), checks, again)
	}
	if !ready(checks) {
		return cmderr.ErrSilent
	}
	return nil
}

// localConfig reads .github/hotfix.yml from the current checkout when it is a clone
// of the repository; found is false outside such a checkout or when the file is absent there.
func localConfig(co command.Checkout) (cfg config.Config, found bool, err error) {
	if !co.InClone() {
		return config.Config{}, false, nil // not in a clone, or a clone of another repository
	}
	cfg, found, err = config.Load(co.Root)
	if err != nil {
		found = true // unreadable is not absent
	}
	return cfg, found, err
}

// checkConfig judges the configuration in force and, when the checkout has one,
// how it differs from the default branch's copy (read at rev), which applies where
// the checkout's does not. err is what config.Resolve returned.
func checkConfig(res config.Resolution, err error, rev string) Check {
	switch {
	case err != nil && !res.Local:
		return configFailure(err)
	case err != nil:
		var ce *config.Error
		fix := fmt.Sprintf("correct %s:%s", rev, config.Path)
		if errors.As(err, &ce) && ce.Line > 0 {
			fix = fmt.Sprintf("correct line %d of %s", ce.Line, ce.File)
		}
		return warn("config", fmt.Sprintf("%s is valid, but %s's copy is not, and it applies where this checkout's does not (-R from elsewhere, ship of a hotfix from a release tag): %v",
			config.Path, rev, err), fix)
	case res.Local && len(res.Changed) > 0:
		return warn("config", fmt.Sprintf("%s is valid, but differs from %s's in: %s; %s's applies where this checkout's does not (-R from elsewhere, ship of a hotfix from a release tag)",
			config.Path, rev, strings.Join(res.Changed, ", "), rev), fmt.Sprintf("merge the change into %s, or undo it in this checkout", rev))
	case res.Local:
		return pass("config", fmt.Sprintf("%s is valid", config.Path))
	case res.FromBase():
		return pass("config", fmt.Sprintf("%s is valid (this checkout has none, so it applies)", res.Source()))
	}
	return pass("config", fmt.Sprintf("no %s: the defaults apply (gh hotfix init writes one)", config.Path))
}

func configFailure(err error) Check {
	fix := "correct the file, or write a new one with gh hotfix init --force"
	var ce *config.Error
	if errors.As(err, &ce) && ce.Line > 0 {
		fix = fmt.Sprintf("correct line %d of %s, or write a new one with gh hotfix init --force", ce.Line, ce.File)
	}
	return fail("config", err.Error(), fix)
}

// diagnosis holds what the checks judge.
type diagnosis struct {
	facts   *Facts
	cfg     config.Config
	repo    repository.Repository
	repoArg string // for -R in the fixes: OWNER/REPO, or HOST/OWNER/REPO off github.com
	again   string // the doctor command that checks again, as the user typed it
	line    *lineFacts
	// bypass says whether the user may bypass each ruleset that restricts
	// creating or pushing the branches a hotfix makes (asked only for them).
	bypass map[int64]bypass
	// envs are the environments the release workflows deploy to (nil when
	// they deploy to none: then not read).
	envs *environmentFacts
	// srv is the server: GitHub Enterprise Server's version and what it lacks.
	srv serverFacts
}

// againCommand is the doctor command that checks again.
func (d *diagnosis) againCommand() string {
	if d.again == "" {
		return "gh hotfix doctor"
	}
	return d.again
}

func (d *diagnosis) fullName() string { return d.repo.Owner + "/" + d.repo.Name }

// configFile names where a setting comes from, for messages.
func (d *diagnosis) configFile() string {
	if d.cfg.Source != "" {
		return d.cfg.Source
	}
	return config.Path
}

// auth: the token works (else Inspect failed and doctor stopped), may write to the
// repository, and has the scopes hotfixes need: repo covers pushes, pull requests,
// labels, statuses and workflow dispatches (public_repo on a public repository).
func (d *diagnosis) auth() Check {
	f := d.facts
	var problems, fixes []string
	switch f.Permission {
	case "ADMIN", "MAINTAIN", "WRITE":
	default:
		perm := strings.ToLower(f.Permission)
		if perm == "" {
			perm = "no"
		}
		problems = append(problems, fmt.Sprintf("%s has %s access to %s, and a hotfix needs write access", f.Viewer, perm, d.fullName()))
		fixes = append(fixes, fmt.Sprintf("ask an admin of %s for write access", d.fullName()))
	}
	scopes := "none"
	if len(f.Scopes) > 0 {
		scopes = strings.Join(f.Scopes, ", ")
	}
	if f.ScopesKnown && !slices.Contains(f.Scopes, "repo") && (f.IsPrivate || !slices.Contains(f.Scopes, "public_repo")) {
		problems = append(problems, fmt.Sprintf("the token lacks the repo scope (it has: %s)", scopes))
		fixes = append(fixes, fmt.Sprintf("gh auth refresh -h %s -s repo (or use a token with the repo scope)", d.repo.Host))
	}
	if len(problems) > 0 {
		return fail("auth", strings.Join(problems, "; "), strings.Join(fixes, "; "))
	}
	who := fmt.Sprintf("logged in to %s as %s, with %s access to %s", d.repo.Host, f.Viewer, strings.ToLower(f.Permission), d.fullName())
	if !f.ScopesKnown {
		return warn("auth", who+"; the token reports no scopes (a fine-grained or GitHub App token), so they cannot be checked",
			"make sure the token may write contents, pull requests and issues, and run workflows (actions: write)")
	}
	return pass("auth", who+"; token scopes: "+scopes)
}

// label warns, and does not fail, when the label is missing: ship creates it with the
// first hotfix pull request, so creating it beforehand is optional.
func (d *diagnosis) label() Check {
	l := d.cfg.Label
	if d.facts.LabelExists {
		return pass("label", fmt.Sprintf("label %s exists", l.Name))
	}
	cmd := fmt.Sprintf("gh label create %s --color %s", command.ShellQuote(l.Name), command.ShellQuote(l.Color))
	if l.Description != "" {
		cmd += " --description " + command.ShellQuote(l.Description)
	}
	return warn("label", fmt.Sprintf("label %s does not exist in %s: ship creates it with the first hotfix pull request", l.Name, d.fullName()), cmd+" -R "+d.repoArg)
}

// releaseWorkflow finds the workflow ship would dispatch, the way ship finds it, and
// checks the configured inputs against the ones it declares.
func (d *diagnosis) releaseWorkflow() Check {
	f := d.facts
	var w release.Workflow
	if name := d.cfg.Release.Workflow; name != "" {
		aw, ok := f.Lookup(name)
		if !ok {
			return fail("release-workflow", fmt.Sprintf("release.workflow in %s is %s, which is not a workflow of %s on %s", d.configFile(), name, d.fullName(), f.DefaultBranch),
				fmt.Sprintf("set release.workflow to a workflow file in .github/workflows on %s (%s)", f.DefaultBranch, dispatchableList(f)))
		}
		rw, err := f.Workflow(aw)
		if err != nil {
			return fail("release-workflow", err.Error(), fmt.Sprintf("add a workflow_dispatch trigger to %s on %s, or name another workflow in release.workflow", aw.Path, f.Base))
		}
		if aw.State != "active" {
			return fail("release-workflow", fmt.Sprintf("%s is %s", aw.File(), strings.ReplaceAll(aw.State, "_", " ")),
				fmt.Sprintf("gh workflow enable %s -R %s", command.ShellQuote(aw.File()), d.repoArg))
		}
		w = rw
	} else {
		all, candidates, notDispatchable := f.Releases()
		switch len(candidates) {
		case 1:
			w = candidates[0]
		case 0:
			detail := fmt.Sprintf("no workflow with a workflow_dispatch trigger mentions \"release\" on %s", f.Base)
			if len(notDispatchable) > 0 {
				detail += " (" + strings.Join(notDispatchable, "; ") + ")"
			}
			fix := fmt.Sprintf("add a workflow that releases %s with an `on: workflow_dispatch` trigger, e.g. .github/workflows/release.yml", f.Base)
			if len(all) > 0 {
				fix = fmt.Sprintf("name the workflow that releases in release.workflow in %s (%s), or %s", config.Path, dispatchableList(f), fix)
			}
			return fail("release-workflow", detail, fix)
		default:
			var files []string
			for _, c := range candidates {
				files = append(files, c.File())
			}
			return fail("release-workflow", "several release workflows: "+strings.Join(files, ", "),
				fmt.Sprintf("choose one with release.workflow in %s (gh hotfix init asks which)", config.Path))
		}
	}
	if _, err := release.ValidateInputs(w, d.cfg.Release.Inputs, release.Origins{}); err != nil {
		return fail("release-workflow", err.Error(), fmt.Sprintf("correct release.inputs in %s (%s declares: %s)", d.configFile(), w.File(), describeInputs(w.Inputs, nil)))
	}
	name := w.File()
	if w.Name != "" && w.Name != name {
		name += " (" + w.Name + ")"
	}
	detail := fmt.Sprintf("%s can be dispatched on %s; inputs: %s", name, f.Base, describeInputs(w.Inputs, d.cfg.Release.Inputs))
	if release.RunsOnPush(f.Files[w.Path], f.Base) {
		// The common case of a release made by someone else: the merge's push run.
		detail += fmt.Sprintf("; it also runs on pushes to %s, so merging a hotfix starts its release: ship records that run and dispatches nothing", f.Base)
	}
	return pass("release-workflow", detail)
}

// dispatchableList names the workflows that can be dispatched on the base, for fixes.
func dispatchableList(f *Facts) string {
	all, _, _ := f.Releases()
	if len(all) == 0 {
		return "none can be dispatched now"
	}
	var files []string
	for _, w := range all {
		files = append(files, w.File())
	}
	return "can be dispatched: " + strings.Join(files, ", ")
}

// describeInputs lists a workflow's inputs with the values given to them.
func describeInputs(inputs []release.Input, given map[string]string) string {
	if len(inputs) == 0 {
		return "none"
	}
	var parts []string
	for _, in := range inputs {
		var about []string
		if v, ok := given[in.Name]; ok {
			parts = append(parts, fmt.Sprintf("%s=%s (config)", in.Name, v))
			continue
		}
		switch {
		case in.Required && in.Default == "":
			about = append(about, "required")
		case in.Default != "":
			about = append(about, "default "+in.Default)
		default:
			about = append(about, "optional")
		}
		if len(in.Options) > 0 {
			about = append(about, "one of "+strings.Join(in.Options, "|"))
		}
		parts = append(parts, in.Name+" ("+strings.Join(about, ", ")+")")
	}
	return strings.Join(parts, ", ")
}

// autoMerge matters when merge_method is set, which is what ship --auto uses.
func (d *diagnosis) autoMerge() Check {
	f, method := d.facts, d.cfg.MergeMethod
	state := "off"
	if f.AutoMergeAllowed {
		state = "allowed"
	}
	if method == "" {
		return pass("auto-merge", fmt.Sprintf("not configured (no merge_method); auto-merge is %s in %s", state, d.fullName()))
	}
	flag := map[string]string{"merge": "--enable-merge-commit", "squash": "--enable-squash-merge", "rebase": "--enable-rebase-merge"}[method]
	switch {
	case !f.AutoMergeAllowed && !f.MergeMethods[method]:
		return fail("auto-merge", fmt.Sprintf("merge_method is %s, but %s allows neither auto-merge nor %s merges", method, d.fullName(), method),
			fmt.Sprintf("gh repo edit %s --enable-auto-merge %s", d.repoArg, flag))
	case !f.AutoMergeAllowed:
		return fail("auto-merge", fmt.Sprintf("merge_method is %s, but auto-merge is off in %s", method, d.fullName()),
			fmt.Sprintf("gh repo edit %s --enable-auto-merge", d.repoArg))
	case !f.MergeMethods[method]:
		return fail("auto-merge", fmt.Sprintf("merge_method is %s, but %s does not allow %s merges", method, d.fullName(), method),
			fmt.Sprintf("gh repo edit %s %s, or change merge_method in %s", d.repoArg, flag, d.configFile()))
	}
	for _, r := range f.MergeRules {
		if !slices.Contains(r.Methods, method) && d.rulesSayMethods(r.Ruleset) {
			// The rules check fails on it, with the fix: said once.
			return pass("auto-merge", fmt.Sprintf("allowed in %s, and %s merges too; ruleset %q forbids them into %s (see rules)", d.fullName(), method, r.Ruleset, f.Base))
		}
		if !slices.Contains(r.Methods, method) {
			return fail("auto-merge", fmt.Sprintf("merge_method is %s, but ruleset %q does not allow %s merges into %s (its pull_request rule allows %s)",
				method, r.Ruleset, method, f.Base, strings.Join(r.Methods, ", ")),
				fmt.Sprintf("change merge_method in %s to one the ruleset allows, or ask an admin to allow %s merges in it", d.configFile(), method))
		}
	}
	return pass("auto-merge", fmt.Sprintf("allowed, with %s merges as configured", method))
}

// ci looks for a workflow on the base that tests a hotfix: one that runs on pull
// requests into the base or on pushes to hotfix branches.
func (d *diagnosis) ci() Check {
	f := d.facts
	disabled := map[string]bool{}
	for _, w := range f.Workflows {
		disabled[w.Path] = w.State != "active"
	}
	// A name the prefix can start: what matters is whether branch filters let it through.
	branch := d.cfg.BranchPrefix + "fix-example"
	// With the exceptional process, hotfixes also merge into maintenance branches.
	maint := ""
	if d.cfg.Exceptional.Workflow != "" {
		maint = d.cfg.Exceptional.MaintenanceBranchFor(1, 4)
	}
	var onPull, onPush, broken, onMaint []string
	for _, p := range slices.Sorted(maps.Keys(f.Files)) {
		if disabled[p] {
			continue
		}
		run, err := ciTriggers(f.Files[p], f.Base, branch)
		if err != nil {
			broken = append(broken, path.Base(p)+": "+err.Error())
			continue
		}
		if maint != "" {
			if m, _ := ciTriggers(f.Files[p], maint, branch); m.OnPull || m.OnPush {
				onMaint = append(onMaint, path.Base(p))
			}
		}
		name := path.Base(p)
		if run.Paths {
			name += " (for some paths)"
		}
		switch {
		case run.OnPull:
			onPull = append(onPull, name)
		case run.OnPush:
			onPush = append(onPush, name)
		}
	}
	var found []string
	if len(onPull) > 0 {
		found = append(found, fmt.Sprintf("on pull requests to %s: %s", f.Base, strings.Join(onPull, ", ")))
	}
	if len(onPush) > 0 {
		found = append(found, fmt.Sprintf("on pushes to %s branches: %s", d.cfg.BranchPrefix, strings.Join(onPush, ", ")))
	}
	unreadable := ""
	if len(broken) > 0 {
		unreadable = "; GitHub cannot run " + strings.Join(broken, "; ")
	}
	if len(found) > 0 && maint != "" && len(onMaint) == 0 {
		return warn("ci", fmt.Sprintf("workflows run %s%s, but none on pull requests to maintenance branches like %s, where hotfixes from a release tag merge",
			strings.Join(found, "; "), unreadable, maint),
			fmt.Sprintf("add %q to on.pull_request.branches in %s, so hotfixes from a release tag are tested too",
				maintenancePattern(d.cfg.Exceptional), strings.TrimSuffix(firstName(onPull, onPush), " (for some paths)")))
	}
	if len(found) > 0 {
		return pass("ci", "workflows run "+strings.Join(found, "; ")+unreadable)
	}
	detail := fmt.Sprintf("no workflow runs on pull requests to %s or on pushes to %s branches%s", f.Base, d.cfg.BranchPrefix, unreadable)
	fix := fmt.Sprintf("add a workflow that runs your tests `on: pull_request` (for %s), e.g. .github/workflows/ci.yml", f.Base)
	if f.BaseChecks.Total > 0 {
		// The base has checks, perhaps from CI outside GitHub Actions that doctor cannot read.
		return warn("ci", detail+fmt.Sprintf(" (%s has checks from elsewhere, which may cover hotfixes)", f.Base),
			"make sure your CI runs on hotfix pull requests, or "+fix)
	}
	return fail("ci", detail, fix)
}

// maintenancePattern is the branch filter that matches every maintenance
// branch, e.g. release/v*.* for release/v{major}.{minor}.
func maintenancePattern(e config.Exceptional) string {
	tmpl := e.MaintenanceBranch
	if tmpl == "" {
		tmpl = config.DefaultMaintenanceBranch
	}
	return strings.NewReplacer("{major}", "*", "{minor}", "*").Replace(tmpl)
}

// firstName is the first of the workflows found, the one to extend.
func firstName(lists ...[]string) string {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return "your CI workflow"
}

// base: the hotfix starts from the base's latest commit, so it must be releasable.
func (d *diagnosis) base() Check {
	f := d.facts
	if !f.BaseFound {
		if d.cfg.Base != "" {
			return fail("base", fmt.Sprintf("base branch %s (base in %s) does not exist in %s", d.cfg.Base, d.configFile(), d.fullName()),
				fmt.Sprintf("set base in %s to an existing branch", d.configFile()))
		}
		return fail("base", d.fullName()+" has no default branch: it is empty", "push a first commit")
	}
	// A release run reports a check on the commit it releases: its failure is
	// the release's, not the code's (release.OwnRuns).
	c, _ := f.BaseChecks.Without(release.OwnRuns(d.cfg.Release.Workflow, d.cfg.Exceptional.Workflow))
	tip := short(c.SHA)
	switch {
	case !c.Releasable():
		failing := strings.Join(c.Failing, ", ")
		if failing == "" {
			failing = strings.ToLower(c.State)
		}
		return fail("base", fmt.Sprintf("%s is not releasable: its latest commit %s has failing checks (%s)", f.Base, tip, failing),
			fmt.Sprintf("make %s green first (gh run list --branch %s -R %s), or %s",
				f.Base, command.ShellQuote(f.Base), d.repoArg, d.baseAdvice()))
	case len(c.Pending) > 0 || c.State == "PENDING":
		pending := strings.Join(c.Pending, ", ")
		if pending == "" {
			pending = "expected statuses"
		}
		return warn("base", fmt.Sprintf("checks on %s's latest commit %s are still running (%s)", f.Base, tip, pending),
			"wait for them to finish, then run "+d.againCommand()+" again")
	case c.State == "":
		return warn("base", fmt.Sprintf("%s's latest commit %s has no checks, so nothing shows it is releasable", f.Base, tip),
			fmt.Sprintf("run your CI on pushes to %s", f.Base))
	}
	return pass("base", fmt.Sprintf("%s's latest commit %s passes its %s", f.Base, tip, plural(c.Total, "check", "checks")))
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
