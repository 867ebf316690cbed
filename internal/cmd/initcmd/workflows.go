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
)

// HotfixWorkflowFile is where `init --workflows` writes the hotfix workflow.
const HotfixWorkflowFile = ".github/workflows/hotfix.yml"

// HotfixWorkflow is the hotfix workflow of the exceptional process that `init
// --workflows` scaffolds: dispatched by `gh hotfix ship` on a maintenance branch with
// the hotfix tag and the target environment, it builds, deploys to the hotfix-staging
// environment, then to production, and creates the tag and its release. Inputs reach
// the scripts through env, never spliced into them, so a tag cannot inject commands.
const HotfixWorkflow = `# Hotfix release: the exceptional process of gh hotfix (https://github.com/gh-hotfix/gh-hotfix).
# When main is not releasable, a hotfix starts from the last release tag
# (gh hotfix create --from-tag v1.4.0) and is merged into its maintenance branch
# (release/v1.4). gh hotfix ship then dispatches this workflow on that branch, once,
# with the next patch tag (v1.4.1) and the target environment, and opens the
# forward-port pull request to main.
#
# Replace the TODO steps with your build, tests and deployment. The environments
# hotfix-staging and production can require reviewers (Settings > Environments),
# so that a person approves each step of the hotfix.
name: Hotfix

on:
  workflow_dispatch:
    inputs:
      tag:
        description: Hotfix tag to create, e.g. v1.4.1 (gh hotfix ship decides it)
        required: true
        type: string
      environment:
        description: Environment the hotfix finally goes to
        required: true
        type: environment
        default: production

permissions:
  contents: write

# One hotfix release of a line at a time; a second one waits instead of racing.
concurrency:
  group: hotfix-${{ github.ref_name }}
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: Check the tag and the branch
        env:
          TAG: ${{ inputs.tag }}
          DEFAULT_BRANCH: ${{ github.event.repository.default_branch }}
        run: |
          if [[ ! "$TAG" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
            echo "::error::$TAG is not a release tag like v1.4.1"; exit 1
          fi
          if [[ "$GITHUB_REF_NAME" == "$DEFAULT_BRANCH" ]]; then
            echo "::error::hotfix releases run on a maintenance branch, not on $DEFAULT_BRANCH"; exit 1
          fi
          if git rev-parse -q --verify "refs/tags/$TAG" >/dev/null; then
            echo "::error::$TAG already exists"; exit 1
          fi
      - name: Build and test
        run: |
          echo "TODO: build and run the tests, as CI does on pull requests"

  hotfix-staging:
    needs: build
    runs-on: ubuntu-latest
    environment: hotfix-staging
    steps:
      - uses: actions/checkout@v4
      - name: Deploy to the hotfix staging environment
        env:
          TAG: ${{ inputs.tag }}
        run: |
          echo "TODO: deploy $TAG ($GITHUB_SHA) to hotfix-staging"
      - name: Smoke test
        run: |
          echo "TODO: check the fix on hotfix-staging"

  production:
    needs: hotfix-staging
    runs-on: ubuntu-latest
    environment: ${{ inputs.environment }}
    steps:
      - uses: actions/checkout@v4
      - name: Deploy
        env:
          TAG: ${{ inputs.tag }}
          TARGET: ${{ inputs.environment }}
        run: |
          echo "TODO: deploy $TAG ($GITHUB_SHA) to $TARGET"
      - name: Tag and release
        env:
          GH_TOKEN: ${{ github.token }}
          TAG: ${{ inputs.tag }}
        # Through the API, not gh release create: a new release becomes Latest unless
        # make_latest is "false", and --latest=false has been reported ignored. An
        # older line's hotfix (v1.4.1 while v1.5.0 exists) must not become Latest.
        run: |
          latest=$(gh api "repos/$GITHUB_REPOSITORY/releases/latest" --jq .tag_name 2>/dev/null || true)
          make_latest=true
          if [ -n "$latest" ] && [ "$(printf '%s\n%s\n' "$latest" "$TAG" | sed 's/^v//' | sort -V | tail -n 1)" != "${TAG#v}" ]; then
            make_latest=false
          fi
          gh api "repos/$GITHUB_REPOSITORY/releases" -f tag_name="$TAG" -f target_commitish="$GITHUB_SHA" \
            -f name="$TAG (hotfix)" -f body="Hotfix released from $GITHUB_REF_NAME by gh hotfix ship." \
            -f make_latest="$make_latest" --silent
`

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
		_, err := io.WriteString(ios.Out, HotfixWorkflow)
		printWorkflowNotes(ios, cfg, releaseWorkflow, false, doctorCommand(opts.Repo))
		return err
	}
	target := filepath.Join(root, filepath.FromSlash(HotfixWorkflowFile))
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
		fmt.Fprintf(w, "Add to %s:\n  exceptional:\n    workflow: %q\n", config.Path, filepath.Base(HotfixWorkflowFile))
	} else if cfg.Exceptional.Workflow != filepath.Base(HotfixWorkflowFile) {
		fmt.Fprintf(w, "%s names %s in exceptional.workflow: set it to %q to use this one\n", config.Path, cfg.Exceptional.Workflow, filepath.Base(HotfixWorkflowFile))
	}
	fmt.Fprintln(w, releaseWorkflowChange(releaseWorkflow))
	if written {
		fmt.Fprintf(w, "Next: fill in the TODO steps, commit %s on the default branch, then run %s\n", HotfixWorkflowFile, doctor)
	}
}

// writeWorkflowFile writes the hotfix workflow whole or not at all; without
// overwrite, an existing file is kept.
func writeWorkflowFile(target string, overwrite bool) error {
	if !overwrite {
		if _, err := os.Lstat(target); err == nil {
			return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it", HotfixWorkflowFile)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(HotfixWorkflowFile), err)
	}
	tmp, err := os.CreateTemp(dir, ".hotfix.yml.*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", HotfixWorkflowFile, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(HotfixWorkflow); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", HotfixWorkflowFile, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", HotfixWorkflowFile, err)
	}
	if overwrite {
		return os.Rename(tmp.Name(), target)
	}
	if err := os.Link(tmp.Name(), target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it", HotfixWorkflowFile)
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
