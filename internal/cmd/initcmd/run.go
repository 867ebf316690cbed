package initcmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/doctor"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// Prompts, named so that tests can expect them.
const (
	promptBase     = "Base branch for hotfixes"
	promptWorkflow = "Which workflow releases the base branch?"
	promptLabel    = "Label for hotfix pull requests"
	noWorkflow     = "None: decide later"
	// promptExceptional names the hotfix workflow found and the base.
	promptExceptional = "Set up the exceptional process with %s (hotfix from the last release when %s is not releasable)?"
)

// maxAttempts is how many times init asks a question whose answer it cannot use
// (a base that does not exist, a blank required input, a label GitHub would refuse)
// before it gives up.
const maxAttempts = 3

// run writes the configuration. Whatever it refuses, it refuses before writing, and
// the file appears whole or not at all.
func run(ctx context.Context, f *command.Factory, opts *InitOptions) error {
	ios := f.IOStreams
	cs := ios.ColorScheme()
	co, err := command.RequireCheckout(ctx, f, opts.Repo, "run gh hotfix init in a clone of the repository, whose root gets .github/hotfix.yml")
	if err != nil {
		return err
	}
	root, repo := co.Root, co.Repo
	if !co.InClone() {
		return fmt.Errorf("this checkout has no remote for %s/%s/%s: run gh hotfix init in a clone of it", repo.Host, repo.Owner, repo.Name)
	}
	if !opts.DryRun {
		if err := outsideSparseCheckout(ctx, co.Git.InDir(root), root, opts.Workflows); err != nil {
			return err
		}
	}
	if existing, keep, err := existingWorkflowsOnly(opts, root); err != nil {
		return err
	} else if keep {
		return writeWorkflows(f, opts, root, existing, existing.Release.Workflow)
	}
	target := filepath.Join(root, filepath.FromSlash(config.Path))
	if !opts.Force && !opts.DryRun {
		if _, err := os.Lstat(target); err == nil {
			return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it", config.Path)
		}
		if opts.Workflows {
			if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(release.HotfixWorkflowFile))); err == nil {
				return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it", release.HotfixWorkflowFile)
			}
		}
	}

	gh, err := f.GitHubClient(repo.Host)
	if err != nil {
		return err
	}
	ios.StartProgress(fmt.Sprintf("Reading %s/%s…", repo.Owner, repo.Name))
	defer ios.StopProgress()
	facts, err := doctor.Inspect(ctx, gh, repo.Owner, repo.Name, doctor.Query{Base: opts.Base})
	ios.StopProgress()
	if err != nil {
		return err
	}
	fullName := repo.Owner + "/" + repo.Name
	if !facts.BaseFound {
		if opts.Base != "" {
			return fmt.Errorf("base branch %q does not exist in %s: pass an existing branch with --base", opts.Base, fullName)
		}
		return fmt.Errorf("%s has no default branch yet: push a first commit, then run gh hotfix init", fullName)
	}
	canPrompt := ios.CanPrompt()

	cfg := config.Default()
	cfg.Base = facts.Base
	// A mistyped base is asked again, a few times.
	for attempt := 1; opts.Base == "" && canPrompt; attempt++ {
		base, err := f.Prompter.Input(promptBase, facts.Base)
		if err != nil {
			return err
		}
		if base = strings.TrimSpace(base); base == "" || base == facts.Base {
			break
		}
		// The workflow files that matter are the ones on the chosen base.
		chosen, err := doctor.Inspect(ctx, gh, repo.Owner, repo.Name, doctor.Query{Base: base})
		if err != nil {
			return err
		}
		if chosen.BaseFound {
			facts, cfg.Base = chosen, base
			break
		}
		if attempt == maxAttempts {
			return fmt.Errorf("base branch %q does not exist in %s", base, fullName)
		}
		fmt.Fprintf(ios.ErrOut, "%s base branch %q does not exist in %s: try again\n", cs.WarningIcon(), base, fullName)
	}

	w, found, err := chooseWorkflow(f, facts, opts.Workflow, canPrompt)
	if err != nil {
		return err
	}
	if found {
		cfg.Release.Workflow = w.File()
		if cfg.Release.Inputs, err = releaseInputs(f, w, opts.Inputs, canPrompt); err != nil {
			return err
		}
	} else if len(opts.Inputs) > 0 {
		return errors.New("`--field` sets inputs of the release workflow, and there is none: name it with --workflow")
	}

	switch {
	case opts.Label != "":
		cfg.Label.Name = opts.Label
	case canPrompt:
		for attempt := 1; ; attempt++ {
			label, err := f.Prompter.Input(promptLabel, cfg.Label.Name)
			if err != nil {
				return err
			}
			label = strings.TrimSpace(label)
			problem := ""
			if label != "" {
				problem = config.LabelProblem(label)
			}
			if problem == "" {
				if label != "" {
					cfg.Label.Name = label
				}
				break
			}
			if attempt == maxAttempts {
				return fmt.Errorf("label: %s", problem)
			}
			fmt.Fprintf(ios.ErrOut, "%s label: %s; try again\n", cs.WarningIcon(), problem)
		}
	}

	// The exceptional process: --workflows sets it up; a hotfix workflow the
	// repository already has is used — after asking, on a terminal.
	if opts.Workflows {
		cfg.Exceptional.Workflow = filepath.Base(release.HotfixWorkflowFile)
	} else if hw, ok := facts.HotfixWorkflow(); ok {
		use := true
		if canPrompt {
			if use, err = f.Prompter.Confirm(fmt.Sprintf(promptExceptional, hw.File(), cfg.Base), true); err != nil {
				return err
			}
		}
		if use {
			cfg.Exceptional.Workflow = hw.File()
		}
	}
	content := config.Marshal(cfg)
	if found {
		content = annotateInputs(content, w)
	}
	// What init writes, doctor and ship must read back.
	if _, err := config.Parse(config.Path, content); err != nil {
		return fmt.Errorf("cannot write this configuration: %w", err)
	}
	if !found {
		fmt.Fprintf(ios.ErrOut, "%s No release workflow found to dispatch: set release.workflow in %s before shipping\n", cs.WarningIcon(), config.Path)
	}
	if opts.DryRun {
		_, err := ios.Out.Write(content)
		if err == nil && opts.Workflows {
			// A YAML stream of two documents: the configuration, then the workflow.
			_, err = fmt.Fprintf(ios.Out, "---\n# %s\n%s", release.HotfixWorkflowFile, release.HotfixWorkflow)
			printWorkflowNotes(ios, cfg, cfg.Release.Workflow, false, doctorCommand(opts.Repo))
		}
		return err
	}
	if err := writeFile(target, content, opts.Force); err != nil {
		return err
	}
	rel := relPath(target)
	wfRel := ""
	if opts.Workflows {
		wfTarget := filepath.Join(root, filepath.FromSlash(release.HotfixWorkflowFile))
		if err := writeWorkflowFile(wfTarget, opts.Force); err != nil {
			return fmt.Errorf("%w (%s is written)", err, rel)
		}
		wfRel = relPath(wfTarget)
	}
	if !ios.IsStdoutTTY() {
		fmt.Fprintln(ios.Out, rel)
		if wfRel != "" {
			fmt.Fprintln(ios.Out, wfRel)
		}
	} else {
		fmt.Fprintf(ios.ErrOut, "%s Wrote %s\n", cs.SuccessIcon(), cs.Bold(rel))
		if wfRel != "" {
			fmt.Fprintf(ios.ErrOut, "%s Wrote %s\n", cs.SuccessIcon(), cs.Bold(wfRel))
		}
	}
	if wfRel != "" {
		printWorkflowNotes(ios, cfg, cfg.Release.Workflow, false, doctorCommand(opts.Repo))
		fmt.Fprintf(ios.ErrOut, "Next: fill in the TODO steps of %s, commit both files (git add %s %s && git commit -m \"Configure gh hotfix\") on the default branch, then run %s\n",
			wfRel, rel, wfRel, cs.Bold(doctorCommand(opts.Repo)))
		return nil
	}
	fmt.Fprintf(ios.ErrOut, "Next: commit it (git add %s && git commit -m \"Configure gh hotfix\"), then run %s\n", rel, cs.Bold(doctorCommand(opts.Repo)))
	return nil
}

// workingDir is where the user runs init, to print a path they can use from there.
func workingDir() string {
	wd, _ := os.Getwd()
	return wd
}

// chooseWorkflow picks the release workflow: --workflow, else on a terminal the
// user's choice among the workflows that can be dispatched, else the one that
// ship would detect. found is false when there is none to write.
func chooseWorkflow(f *command.Factory, facts *doctor.Facts, name string, canPrompt bool) (w release.Workflow, found bool, err error) {
	if name != "" {
		aw, ok := facts.Lookup(name)
		if !ok {
			return w, false, fmt.Errorf("workflow %q not found in the repository: pass a file name from .github/workflows to --workflow", name)
		}
		if w, err = facts.Workflow(aw); err != nil {
			return w, false, fmt.Errorf("cannot release with %s: %w", name, err)
		}
		return w, true, nil
	}
	all, candidates, _ := facts.Releases()
	if !canPrompt {
		switch len(candidates) {
		case 0:
			return w, false, nil
		case 1:
			return candidates[0], true, nil
		}
		return w, false, fmt.Errorf("several release workflows found (%s): choose one with --workflow", strings.Join(files(candidates), ", "))
	}
	if len(all) == 0 {
		return w, false, nil
	}
	if len(candidates) == 1 {
		ok, err := f.Prompter.Confirm(fmt.Sprintf("Release with %s?", describe(candidates[0])), true)
		if err != nil || ok {
			return candidates[0], err == nil, err
		}
	}
	// Release candidates first, then every other workflow that can be dispatched.
	options := append([]release.Workflow(nil), candidates...)
	for _, w := range all {
		if !slices.ContainsFunc(options, func(o release.Workflow) bool { return o.Path == w.Path }) {
			options = append(options, w)
		}
	}
	labels := make([]string, 0, len(options)+1)
	for _, o := range options {
		labels = append(labels, describe(o))
	}
	labels = append(labels, noWorkflow)
	i, err := f.Prompter.Select(promptWorkflow, labels[0], labels)
	if err != nil || i >= len(options) {
		return w, false, err
	}
	return options[i], true, nil
}

func describe(w release.Workflow) string {
	if w.Name != "" && w.Name != w.File() {
		return w.File() + " (" + w.Name + ")"
	}
	return w.File()
}

func files(ws []release.Workflow) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.File()
	}
	return out
}

// releaseInputs returns the inputs to write: those given with --field, and a value
// for every required input, as GitHub's "Run workflow" form would fill it (the
// default, else a choice's first option, else false for a boolean), else asked for
// on a terminal. Optional inputs are left to their defaults.
func releaseInputs(f *command.Factory, w release.Workflow, given map[string]string, canPrompt bool) (map[string]string, error) {
	inputs := map[string]string{}
	for k, v := range given {
		inputs[k] = v
	}
	var missing []string // required inputs without a value, all named at once
	for _, in := range w.Inputs {
		if _, ok := inputs[in.Name]; ok || !in.Required {
			continue
		}
		switch {
		case in.Default != "":
			inputs[in.Name] = in.Default
		case len(in.Options) > 0:
			inputs[in.Name] = in.Options[0]
		case in.Type == "boolean":
			inputs[in.Name] = "false"
		case canPrompt:
			v, err := askInput(f, w, in)
			if err != nil {
				return nil, err
			}
			inputs[in.Name] = v
		default:
			missing = append(missing, in.Name)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return nil, fmt.Errorf("%s requires the input %q, which has no default: pass it with -f %s=VALUE", w.File(), missing[0], missing[0])
	default:
		quoted := make([]string, len(missing))
		flags := make([]string, len(missing))
		for i, m := range missing {
			quoted[i] = fmt.Sprintf("%q", m)
			flags[i] = "-f " + m + "=VALUE"
		}
		return nil, fmt.Errorf("%s requires the inputs %s and %s, which have no default: pass them with %s",
			w.File(), strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1], strings.Join(flags, " "))
	}
	flags := map[string]string{}
	for k := range given {
		flags[k] = "-f"
	}
	if _, err := release.ValidateInputs(w, inputs, release.Origins{Of: flags}); err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, nil
	}
	return inputs, nil
}

// askInput asks for the value of a required input, again when the answer is blank or
// not a number for a number input.
func askInput(f *command.Factory, w release.Workflow, in release.Input) (string, error) {
	question := fmt.Sprintf("Value of the required input %q of %s", in.Name, w.File())
	if in.Description != "" {
		question += " (" + in.Description + ")"
	}
	for attempt := 1; ; attempt++ {
		v, err := f.Prompter.Input(question, "")
		if err != nil {
			return "", err
		}
		v = strings.TrimSpace(v)
		var problem string
		switch {
		case v == "":
			problem = fmt.Sprintf("the input %q of %s is required: give it a value", in.Name, w.File())
		case in.Type == "number" && !release.IsNumber(v):
			problem = fmt.Sprintf("the input %q of %s is a number, not %q", in.Name, w.File(), v)
		default:
			return v, nil
		}
		if attempt == maxAttempts {
			return "", errors.New(problem)
		}
		ios := f.IOStreams
		fmt.Fprintf(ios.ErrOut, "%s %s; try again\n", ios.ColorScheme().WarningIcon(), problem)
	}
}

// writeFile writes the file whole or not at all: a temporary file in the same folder,
// then moved into place; without overwrite, a file that appeared meanwhile is kept.
func writeFile(target string, content []byte, overwrite bool) error {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Base(dir), err)
	}
	tmp, err := os.CreateTemp(dir, ".hotfix.yml.*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", config.Path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", config.Path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", config.Path, err)
	}
	if overwrite {
		return os.Rename(tmp.Name(), target)
	}
	// A hard link fails when the target exists, so nothing is overwritten.
	err = os.Link(tmp.Name(), target)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links on this file system: create the file only if it does not exist.
		err = writeExclusive(target, content)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it", config.Path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", config.Path, err)
	}
	return nil
}

func writeExclusive(target string, content []byte) error {
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := out.Write(content); err != nil {
		out.Close()
		os.Remove(target)
		return err
	}
	return out.Close()
}

// inputsAnchor is the comment config.Marshal writes above the release inputs.
const inputsAnchor = "  # Inputs of the workflow;"

// annotateInputs adds, under the comment on release inputs, what the chosen workflow
// declares, so that the file documents the inputs that can be set. Only comments are
// added; should the anchor ever change, the file is left as Marshal wrote it.
func annotateInputs(content []byte, w release.Workflow) []byte {
	s := string(content)
	i := strings.Index(s, inputsAnchor)
	if i < 0 {
		return content
	}
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		return content
	}
	end += i + 1
	var parts []string
	for _, in := range w.Inputs {
		var about []string
		switch {
		case in.Required:
			about = append(about, "required")
		default:
			about = append(about, "optional")
		}
		if len(in.Options) > 0 {
			about = append(about, "one of "+strings.Join(in.Options, ", "))
		} else if in.Type != "" && in.Type != "string" {
			about = append(about, in.Type)
		}
		if in.Default != "" {
			about = append(about, "default "+in.Default)
		}
		if d := strings.TrimSpace(in.Description); d != "" {
			about = append(about, strings.Join(strings.Fields(d), " "))
		}
		parts = append(parts, in.Name+" ("+strings.Join(about, "; ")+")")
	}
	text := w.File() + " declares no inputs."
	if len(parts) > 0 {
		text = w.File() + " declares: " + strings.Join(parts, ", ") + "."
	}
	return []byte(s[:end] + wrapComment(text, "  # ", 80) + s[end:])
}

// wrapComment breaks text into comment lines of at most width columns where it can.
func wrapComment(text, prefix string, width int) string {
	// A control character could end the comment; descriptions come from workflow files.
	text = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, text)
	var b strings.Builder
	line := prefix
	for _, word := range strings.Fields(text) {
		if line != prefix && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = prefix
		}
		if line != prefix {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// outsideSparseCheckout refuses to write a file that the repository has but this sparse
// checkout leaves out of the working tree: init would take it for missing and write a
// file that git then ignores (it is marked skip-worktree), hiding the team's own.
func outsideSparseCheckout(ctx context.Context, g *git.Client, root string, workflows bool) error {
	paths := []string{config.Path}
	if workflows {
		paths = append(paths, release.HotfixWorkflowFile)
	}
	for _, p := range paths {
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p))); err == nil {
			continue
		}
		outside, err := g.OutsideSparseCheckout(ctx, p)
		if err != nil {
			return err
		}
		if outside {
			dir := path.Dir(p)
			return fmt.Errorf("%s is in the repository but outside this sparse checkout: run git sparse-checkout add %s first, then gh hotfix init again", p, dir)
		}
	}
	return nil
}
