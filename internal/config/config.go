// Package config reads and writes .github/hotfix.yml, the settings a team
// keeps in its repository for `gh hotfix`.
//
// Every key is optional. Parse is strict about what is there: an unknown key,
// a value of the wrong type or shape is an *Error naming the file, the line
// and the key, because a typo silently ignored in a hotfix setting (a
// misspelt reviewer, a size limit read as zero) surfaces only when production
// is already on fire.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// Path is where the file lives in a repository.
const Path = ".github/hotfix.yml"

// maxSize bounds what Parse reads: a settings file is a few hundred bytes,
// and the bound keeps a hostile or corrupt file from costing much.
const maxSize = 64 << 10

// Config is the team's hotfix settings. The zero value of a field means
// "not set" only where its comment says so; Default gives the values used
// when the file does not set them.
type Config struct {
	// Base is the branch hotfixes start from and merge into; "" means the
	// repository's default branch.
	Base string
	// BranchPrefix starts every hotfix branch name, e.g. "hotfix/"; it ends
	// with "/" or "-".
	BranchPrefix string
	// Label marks hotfix pull requests; it is created when missing.
	Label Label
	// Reviewers are requested on each hotfix pull request: user logins or
	// "org/team-slug".
	Reviewers []string
	// MergeMethod is used by `ship --auto`: "merge", "squash", "rebase", or
	// "" when not configured.
	MergeMethod string
	// Limits is the size guard of `ship`.
	Limits Limits
	// Release says how to dispatch the release workflow.
	Release Release
	// PullRequest configures the hotfix pull request.
	PullRequest PullRequest
	// PostMortem configures the post-mortem issue opened after a release.
	PostMortem PostMortem
	// Exceptional configures the exceptional process: a hotfix from the last
	// release, when the base is not releasable.
	Exceptional Exceptional
	// Notify are the webhooks told of each hotfix's events (see Notify); nil
	// when none.
	Notify []Notify
	// Source says where the settings were read from, e.g.
	// ".github/hotfix.yml" or "main:.github/hotfix.yml", for messages; ""
	// for the defaults. It is not part of the file.
	Source string
}

// Label is the label put on hotfix pull requests.
type Label struct {
	// Name is the label's name, at most 50 characters (GitHub's limit).
	Name string
	// Color is 6 lower-case hex digits without "#", as the API takes it.
	Color string
	// Description is used when the label is created; it may be empty.
	Description string
}

// Limits bound the size of a hotfix, which must stay small and focused.
type Limits struct {
	// Files is the most changed files `ship` accepts without --force.
	Files int
	// Lines is the most changed lines (added plus removed) `ship` accepts
	// without --force.
	Lines int
	// Bytes is the most bytes of changed binary files (their sizes before plus
	// after the change) `ship` accepts without --force: git counts no lines for
	// them, so a large binary would pass the line limit unseen.
	Bytes int
}

// Release says which workflow deploys a merged hotfix.
type Release struct {
	// Workflow is the workflow's file name in .github/workflows, e.g.
	// "release.yml" (a ".github/workflows/" prefix in the file is removed,
	// since the API takes the bare name); "" means auto-detect.
	Workflow string
	// Inputs are passed to the workflow_dispatch event. Numbers and booleans
	// in the file arrive as their text, as the API takes them; nil when none.
	Inputs map[string]string
	// WaitChecks makes ship wait for the checks still running on the merge
	// commit before it dispatches (ship --wait-checks).
	WaitChecks bool
}

// PullRequest configures the hotfix pull request.
type PullRequest struct {
	// Template is the path of a body template in the repository; "" means
	// the built-in checklist.
	Template string
}

// PostMortem configures the post-mortem issue.
type PostMortem struct {
	// Enabled opens the issue after every release, as --post-mortem does.
	Enabled bool
	// Labels are put on the issue; nil when the file sets an empty list.
	Labels []string
	// Template is the path of an issue body template in the repository; ""
	// means the built-in one.
	Template string
}

// Exceptional configures the exceptional process (`gh hotfix create
// --from-tag`): the hotfix is merged into a maintenance branch made from the
// release tag, released by a dedicated workflow with a new patch tag, and
// forward-ported to the base.
type Exceptional struct {
	// Workflow is the hotfix workflow's file name in .github/workflows, with a
	// workflow_dispatch trigger and a tag input; "" means the exceptional
	// process is not set up.
	Workflow string
	// MaintenanceBranch names the maintenance branch of a release line:
	// {major} and {minor} are replaced by the numbers of the release tag,
	// e.g. "release/v{major}.{minor}" → release/v1.4 for v1.4.0.
	MaintenanceBranch string
	// TagInput is the workflow input that receives the hotfix tag.
	TagInput string
	// EnvironmentInput is the workflow input that receives Environment; it is
	// only sent when the workflow declares it.
	EnvironmentInput string
	// Environment is the target environment; "" means "production".
	Environment string
	// Inputs are further inputs of the workflow; nil when none.
	Inputs map[string]string
}

// DefaultMaintenanceBranch is the maintenance branch of a release line unless configured.
const DefaultMaintenanceBranch = "release/v{major}.{minor}"

// DefaultEnvironment is where a hotfix goes unless configured.
const DefaultEnvironment = "production"

// MaintenanceBranchFor is the maintenance branch of release line major.minor.
func (e Exceptional) MaintenanceBranchFor(major, minor int) string {
	tmpl := e.MaintenanceBranch
	if tmpl == "" {
		tmpl = DefaultMaintenanceBranch
	}
	return strings.NewReplacer("{major}", strconv.Itoa(major), "{minor}", strconv.Itoa(minor)).Replace(tmpl)
}

// Template is MaintenanceBranch, or DefaultMaintenanceBranch when it is not set.
func (e Exceptional) Template() string {
	if e.MaintenanceBranch == "" {
		return DefaultMaintenanceBranch
	}
	return e.MaintenanceBranch
}

// LineOf reads a maintenance branch's release line back from its name: the
// numbers MaintenanceBranchFor put in the template (release/v1.4 → 1, 4). ok
// is false for a branch the template does not name, or a template without both
// {major} and {minor}.
func (e Exceptional) LineOf(branch string) (major, minor int, ok bool) {
	tmpl := e.Template()
	if strings.Count(tmpl, "{major}") != 1 || strings.Count(tmpl, "{minor}") != 1 {
		return 0, 0, false
	}
	var pattern strings.Builder
	pattern.WriteString("^")
	order := []string{}
	for rest := tmpl; rest != ""; {
		i := strings.Index(rest, "{")
		if i < 0 {
			pattern.WriteString(regexp.QuoteMeta(rest))
			break
		}
		pattern.WriteString(regexp.QuoteMeta(rest[:i]))
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "{major}"):
			order, rest = append(order, "major"), rest[len("{major}"):]
			pattern.WriteString(`(0|[1-9][0-9]{0,8})`)
		case strings.HasPrefix(rest, "{minor}"):
			order, rest = append(order, "minor"), rest[len("{minor}"):]
			pattern.WriteString(`(0|[1-9][0-9]{0,8})`)
		default:
			pattern.WriteString(regexp.QuoteMeta("{"))
			rest = rest[1:]
		}
	}
	pattern.WriteString("$")
	re, err := regexp.Compile(pattern.String())
	if err != nil {
		return 0, 0, false
	}
	m := re.FindStringSubmatch(branch)
	if m == nil {
		return 0, 0, false
	}
	for i, name := range order {
		n, _ := strconv.Atoi(m[i+1])
		if name == "major" {
			major = n
		} else {
			minor = n
		}
	}
	return major, minor, true
}

// TargetEnvironment is Environment, or DefaultEnvironment when it is not set.
func (e Exceptional) TargetEnvironment() string {
	if e.Environment == "" {
		return DefaultEnvironment
	}
	return e.Environment
}

// Default returns the configuration used when there is no file.
func Default() Config {
	return Config{
		BranchPrefix: "hotfix/",
		Label:        Label{Name: "hotfix", Color: "d73a4a", Description: "Urgent fix for production"},
		Limits:       Limits{Files: 10, Lines: 400, Bytes: 1 << 20},
		PostMortem:   PostMortem{Labels: []string{"post-mortem"}},
		Exceptional:  Exceptional{MaintenanceBranch: DefaultMaintenanceBranch, TagInput: "tag", EnvironmentInput: "environment"},
	}
}

// Load reads Path from the checkout at root.
//
// A missing file is not an error: it returns Default() with found false, so
// the caller can fall back to the base branch's copy (see Resolve). found is true
// whenever the file exists, even if it cannot be read or parsed, so that
// `doctor` can tell "no file" from "broken file". Parse errors are *Error.
func Load(root string) (cfg Config, found bool, err error) {
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(Path)))
	if err != nil {
		// ENOTDIR: .github is a file, so there is no settings file either.
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return Default(), false, nil
		}
		return Config{}, false, fmt.Errorf("reading %s: %w", Path, unwrapPath(err))
	}
	defer f.Close()
	// Read one byte past the limit so that Parse sees the file is too large
	// without the whole of it being read.
	content, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return Config{}, true, fmt.Errorf("reading %s: %w", Path, unwrapPath(err))
	}
	cfg, err = Parse(Path, content)
	return cfg, true, err
}

// unwrapPath drops the absolute path os puts in its errors: the message
// already names the file relative to the repository.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
