package initcmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// releaseWorkflowChange is what a release workflow needs to accept hotfix tags, printed
// by `init --workflows`: it names the workflow when there is one.
func releaseWorkflowChange(w string) string {
	if w == "" {
		w = "your release workflow"
	}
	return strings.TrimSpace(`
Hotfix tags (v1.4.1 on release/v1.4) are made off main. Change ` + w + ` so they do no harm:
  1. Versions: compute main's next version from the tags main contains, not from the newest
     tag, or a hotfix tag on an old line becomes the base of main's next version. With
     actions/checkout and fetch-depth: 0:
         last=$(git describe --tags --abbrev=0 --match 'v[0-9]*' "origin/${{ github.event.repository.default_branch }}")
  2. Tag triggers: if it runs "on: push: tags", it must build and deploy the tagged commit
     ($GITHUB_SHA), never the tip of main. Tags that hotfix.yml creates with GITHUB_TOKEN
     start no other workflow, so hotfix.yml deploys its own tag.
  3. Release notes: compare with the previous tag of the same line
     (git describe --tags --abbrev=0 "$TAG^"), so the notes of v1.5.0 do not list v1.4.1's fix
     twice.`)
}

// writeWorkflows writes the hotfix workflow when the configuration is kept as it is
// (it exists and --force was not given): only the workflow is written, and what to
// add to the configuration is printed.
func writeWorkflows(f *command.Factory, opts *InitOptions, root string, cfg config.Config, releaseWorkflow string) error {
	ios := f.IOStreams
	cs := ios.ColorScheme()
	if opts.DryRun {
		_, err := io.WriteString(ios.Out, release.HotfixWorkflow)
		printWorkflowNotes(ios, cfg, releaseWorkflow, false, doctorCommand(opts.Repo))
		return err
	}
	target := filepath.Join(root, filepath.FromSlash(release.HotfixWorkflowFile))
	if err := writeWorkflowFile(target, opts.Force); err != nil {
		return err
	}
	rel := relPath(target)
	if !ios.IsStdoutTTY() {
		fmt.Fprintln(ios.Out, rel)
	} else {
		fmt.Fprintf(ios.ErrOut, "%s Wrote %s\n", cs.SuccessIcon(), cs.Bold(rel))
	}
	printWorkflowNotes(ios, cfg, releaseWorkflow, true, doctorCommand(opts.Repo))
	return nil
}

// printWorkflowNotes says what else the exceptional process needs: the configuration
// key when it is missing, the release workflow's change, and the next step.
func printWorkflowNotes(ios *iostreams.IOStreams, cfg config.Config, releaseWorkflow string, written bool, doctor string) {
	w := ios.ErrOut
	if cfg.Exceptional.Workflow == "" {
		fmt.Fprintf(w, "Add to %s:\n  exceptional:\n    workflow: %q\n", config.Path, filepath.Base(release.HotfixWorkflowFile))
	} else if cfg.Exceptional.Workflow != filepath.Base(release.HotfixWorkflowFile) {
		fmt.Fprintf(w, "%s names %s in exceptional.workflow: set it to %q to use this one\n", config.Path, cfg.Exceptional.Workflow, filepath.Base(release.HotfixWorkflowFile))
	}
	fmt.Fprintln(w, releaseWorkflowChange(releaseWorkflow))
	if written {
		fmt.Fprintf(w, "Next: fill in the TODO steps, commit %s on the default branch, then run %s\n", release.HotfixWorkflowFile, doctor)
	}
}

// writeWorkflowFile writes the hotfix workflow whole or not at all; without
// overwrite, an existing file is kept.
func writeWorkflowFile(target string, overwrite bool) error {
	if !overwrite {
		if _, err := os.Lstat(target); err == nil {
			return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it", release.HotfixWorkflowFile)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(release.HotfixWorkflowFile), err)
	}
	tmp, err := os.CreateTemp(dir, ".hotfix.yml.*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", release.HotfixWorkflowFile, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(release.HotfixWorkflow); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", release.HotfixWorkflowFile, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", release.HotfixWorkflowFile, err)
	}
	if overwrite {
		return os.Rename(tmp.Name(), target)
	}
	if err := os.Link(tmp.Name(), target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it", release.HotfixWorkflowFile)
		}
		return os.Rename(tmp.Name(), target)
	}
	return nil
}

// relPath is target relative to where the user runs init, when that is shorter.
func relPath(target string) string {
	rel, err := filepath.Rel(workingDir(), target)
	if err != nil || strings.HasPrefix(rel, "..") {
		return target
	}
	return rel
}

// existingWorkflowsOnly reports whether init --workflows keeps the configuration as
// it is: it exists and --force was not given. cfg is what it holds.
func existingWorkflowsOnly(opts *InitOptions, root string) (cfg config.Config, keep bool, err error) {
	if !opts.Workflows || opts.Force {
		return config.Config{}, false, nil
	}
	cfg, found, err := config.Load(root)
	if !found {
		return config.Config{}, false, nil
	}
	if err != nil {
		return config.Config{}, false, fmt.Errorf("%w (gh hotfix init --workflows --force rewrites it)", err)
	}
	return cfg, true, nil
}

// doctorCommand is the doctor command the next step names: with -R only when init
// was given --repo (in the clone, doctor finds the repository as init did).
func doctorCommand(repoFlag string) string {
	if repoFlag == "" {
		return "gh hotfix doctor"
	}
	return "gh hotfix doctor -R " + repoFlag
}
