// Package release owns what a release is: the release workflow found and the
// inputs a dispatch will send checked before anything is sent (GitHub refuses a
// dispatch with an unknown input or a missing required one, and we would rather
// say so up front); the release tags of a line and the next patch; which run is
// the release of a merge (Merge.Judge); and the exactly-once release protocol
// (Protocol) every release kind goes through.
package release

import (
	"context"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// Input is one declared workflow_dispatch input.
type Input struct {
	Name        string
	Description string
	Required    bool
	Default     string
	Type        string // string (default), choice, boolean, number, environment
	Options     []string
}

// Workflow is a workflow that can be dispatched.
type Workflow struct {
	ID       int64
	Name     string
	Path     string // .github/workflows/release.yml
	Dispatch bool   // has a workflow_dispatch trigger
	Inputs   []Input
}

// File is the workflow's file name, which the API accepts in place of its ID.
func (w Workflow) File() string { return path.Base(w.Path) }

// ParseFile reads the workflow_dispatch trigger and its inputs from a workflow file.
func ParseFile(content []byte) (dispatch bool, inputs []Input, err error) {
	var doc struct {
		On yaml.Node `yaml:"on"`
	}
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return false, nil, err
	}
	switch doc.On.Kind {
	case yaml.ScalarNode:
		return doc.On.Value == "workflow_dispatch", nil, nil
	case yaml.SequenceNode:
		for _, n := range doc.On.Content {
			if n.Value == "workflow_dispatch" {
				return true, nil, nil
			}
		}
		return false, nil, nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(doc.On.Content); i += 2 {
			if doc.On.Content[i].Value != "workflow_dispatch" {
				continue
			}
			var trigger struct {
				Inputs yaml.Node `yaml:"inputs"`
			}
			if err := doc.On.Content[i+1].Decode(&trigger); err != nil {
				return true, nil, fmt.Errorf("workflow_dispatch: %w", err)
			}
			for j := 0; j+1 < len(trigger.Inputs.Content); j += 2 {
				var spec struct {
					Description string   `yaml:"description"`
					Required    bool     `yaml:"required"`
					Default     string   `yaml:"default"`
					Type        string   `yaml:"type"`
					Options     []string `yaml:"options"`
				}
				name := trigger.Inputs.Content[j].Value
				if err := trigger.Inputs.Content[j+1].Decode(&spec); err != nil {
					return true, nil, fmt.Errorf("input %s: %w", name, err)
				}
				if spec.Type == "" {
					spec.Type = "string"
				}
				inputs = append(inputs, Input{Name: name, Description: spec.Description, Required: spec.Required,
					Default: spec.Default, Type: spec.Type, Options: spec.Options})
			}
			return true, inputs, nil
		}
	}
	return false, nil, nil
}

// Origins says where the values given to a dispatch came from, so a refusal
// names the place to correct: Config is the configuration key that sets this
// workflow's inputs ("release.inputs", "exceptional.inputs"; "release.inputs"
// when empty) and Of names, per input, any other origin ("-f",
// "exceptional.environment"). Inputs not in Of came from Config.
type Origins struct {
	Config string
	Of     map[string]string
}

func (o Origins) config() string {
	if o.Config == "" {
		return "release.inputs"
	}
	return o.Config
}

// of is where input name's value came from.
func (o Origins) of(name string) string {
	if v := o.Of[name]; v != "" {
		return v
	}
	return o.config()
}

// InputError is a value a dispatch would send that the workflow refuses; Origin
// is where it came from (see Origins), "" for a required input nobody gave.
type InputError struct {
	Message string
	Origin  string
}

func (e *InputError) Error() string { return e.Message }

// ValidateInputs checks given against the declared inputs as GitHub would, and
// returns the inputs to send. A refusal is an *InputError naming where the
// value came from (o).
func ValidateInputs(w Workflow, given map[string]string, o Origins) (map[string]string, error) {
	declared := map[string]Input{}
	var names []string
	for _, in := range w.Inputs {
		declared[in.Name] = in
		names = append(names, in.Name)
	}
	var unknown []string
	for k := range given {
		if _, ok := declared[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		accepted := "none"
		if len(names) > 0 {
			accepted = strings.Join(names, ", ")
		}
		return nil, &InputError{Origin: o.of(unknown[0]), Message: fmt.Sprintf("%s does not declare the input %s, given by %s (it accepts: %s)",
			w.File(), strings.Join(unknown, ", "), o.of(unknown[0]), accepted)}
	}
	out := map[string]string{}
	for _, in := range w.Inputs {
		v, ok := given[in.Name]
		if !ok {
			if in.Required && in.Default == "" {
				return nil, &InputError{Message: fmt.Sprintf("%s requires the input %q: pass it with -f %s=VALUE or set %s in .github/hotfix.yml",
					w.File(), in.Name, in.Name, o.config())}
			}
			continue
		}
		problem := ""
		switch in.Type {
		case "choice":
			if !contains(in.Options, v) {
				problem = "must be one of " + strings.Join(in.Options, ", ")
			}
		case "boolean":
			if v != "true" && v != "false" {
				problem = "must be true or false"
			}
		case "number":
			// GitHub's form takes a number; the API passes the text on, and the
			// workflow's expressions then read "x" as NaN.
			if !IsNumber(v) {
				problem = "must be a number"
			}
		}
		if problem != "" {
			return nil, &InputError{Origin: o.of(in.Name), Message: fmt.Sprintf("input %q of %s %s, not %q (given by %s)",
				in.Name, w.File(), problem, v, o.of(in.Name))}
		}
		out[in.Name] = v
	}
	return out, nil
}

// HotfixWorkflowProblem says what keeps text, a hotfix workflow file, from
// being dispatched with the hotfix tag in its input tagInput; "" when nothing does.
func HotfixWorkflowProblem(text, tagInput string) string {
	dispatch, inputs, err := ParseFile([]byte(text))
	switch {
	case err != nil:
		return "is not valid YAML"
	case !dispatch:
		return "has no workflow_dispatch trigger"
	case !slices.ContainsFunc(inputs, func(in Input) bool { return in.Name == tagInput }):
		return fmt.Sprintf("has no %q input for the hotfix tag", tagInput)
	}
	return ""
}

// IsNumber reports whether s is a number as a workflow_dispatch number input takes it.
func IsNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// WorkflowSource is what Find reads on GitHub (github.Client implements it).
type WorkflowSource interface {
	ListWorkflows(ctx context.Context, owner, name string) (*github.WorkflowList, error)
	FileContent(ctx context.Context, owner, name, path, ref string) ([]byte, error)
}

// Find resolves the release workflow: the named one when name is set — by its file
// name, path or ID, else by its name: key (in any case, as gh workflow run takes it) —
// else the single workflow with a workflow_dispatch trigger whose file name or name
// mentions "release". ref is where the file is read (the base branch).
func Find(ctx context.Context, gh WorkflowSource, owner, repo, ref, name string) (Workflow, error) {
	list, err := gh.ListWorkflows(ctx, owner, repo)
	if err != nil {
		return Workflow{}, fmt.Errorf("listing workflows: %w", err)
	}
	var candidates, named []github.ActionsWorkflow
	for _, w := range list.Workflows {
		switch {
		case name != "":
			if w.Path == name || path.Base(w.Path) == name || fmt.Sprint(w.ID) == name {
				candidates = append(candidates, w)
			} else if strings.EqualFold(w.Name, name) {
				named = append(named, w)
			}
		case w.State == "active" && (strings.Contains(strings.ToLower(path.Base(w.Path)), "release") || strings.Contains(strings.ToLower(w.Name), "release")):
			candidates = append(candidates, w)
		}
	}
	if len(candidates) == 0 {
		candidates = named // a file name wins over a workflow's name: key
	}
	// Read the candidates' files concurrently: only the file says whether they can be dispatched.
	found := make([]Workflow, len(candidates))
	errs := make([]error, len(candidates))
	var wg sync.WaitGroup
	for i, c := range candidates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			found[i], errs[i] = readWorkflow(ctx, gh, owner, repo, ref, c)
		}()
	}
	wg.Wait()
	for i := range found {
		if errs[i] != nil {
			return Workflow{}, errs[i]
		}
	}
	return choose(found, owner, repo, name)
}

// choose applies the selection rule to candidate workflows (already matched by
// name, or mentioning "release"): exactly one must be dispatchable.
func choose(found []Workflow, owner, repo, name string) (Workflow, error) {
	var dispatchable []Workflow
	for _, w := range found {
		if w.Dispatch {
			dispatchable = append(dispatchable, w)
		}
	}
	switch {
	case name != "" && len(found) == 0:
		return Workflow{}, fmt.Errorf("workflow %q not found in %s/%s: check --workflow or release.workflow in .github/hotfix.yml", name, owner, repo)
	case name != "" && len(dispatchable) == 0:
		return Workflow{}, fmt.Errorf("workflow %s has no workflow_dispatch trigger: add one so it can be run by hand", name)
	case len(dispatchable) == 1:
		return dispatchable[0], nil
	case len(dispatchable) == 0:
		return Workflow{}, fmt.Errorf("no release workflow found in %s/%s: none with a workflow_dispatch trigger mentions \"release\"; name yours with --workflow or release.workflow in .github/hotfix.yml", owner, repo)
	}
	var files []string
	for _, w := range dispatchable {
		files = append(files, w.File())
	}
	if name != "" {
		return Workflow{}, fmt.Errorf("several workflows are named %q (%s): give --workflow or release.workflow the file name", name, strings.Join(files, ", "))
	}
	return Workflow{}, fmt.Errorf("several release workflows found (%s): choose one with --workflow or release.workflow in .github/hotfix.yml", strings.Join(files, ", "))
}

// FindIn is Find over workflow files already read (path → content, e.g. from a
// GraphQL tree of .github/workflows), without a request. A file that is not
// valid YAML is an error only when it is the one asked for.
func FindIn(files map[string]string, owner, repo, name string) (Workflow, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	// A file name wins over a workflow's name: key.
	byFile := false
	for _, p := range paths {
		byFile = byFile || name != "" && (p == name || path.Base(p) == name)
	}
	var found []Workflow
	for _, p := range paths {
		if ext := path.Ext(p); ext != ".yml" && ext != ".yaml" {
			continue
		}
		wfName := workflowName(files[p], p)
		matches := name != "" && (p == name || path.Base(p) == name || !byFile && strings.EqualFold(wfName, name))
		mentions := name == "" && (strings.Contains(strings.ToLower(path.Base(p)), "release") || strings.Contains(strings.ToLower(wfName), "release"))
		if !matches && !mentions {
			continue
		}
		dispatch, inputs, err := ParseFile([]byte(files[p]))
		if err != nil {
			if matches {
				return Workflow{}, fmt.Errorf("%s is not valid YAML: %w", p, err)
			}
			continue
		}
		found = append(found, Workflow{Name: wfName, Path: p, Dispatch: dispatch, Inputs: inputs})
	}
	return choose(found, owner, repo, name)
}

// workflowName is the workflow's name: key, else its path, as GitHub shows it.
func workflowName(content, p string) string {
	var doc struct {
		Name string `yaml:"name"`
	}
	if yaml.Unmarshal([]byte(content), &doc) == nil && doc.Name != "" {
		return doc.Name
	}
	return p
}

func readWorkflow(ctx context.Context, gh WorkflowSource, owner, repo, ref string, w github.ActionsWorkflow) (Workflow, error) {
	raw, err := gh.FileContent(ctx, owner, repo, w.Path, ref)
	if err != nil {
		return Workflow{}, fmt.Errorf("reading %s: %w", w.Path, err)
	}
	dispatch, inputs, err := ParseFile(raw)
	if err != nil {
		return Workflow{}, fmt.Errorf("%s is not valid YAML: %w", w.Path, err)
	}
	return Workflow{ID: w.ID, Name: w.Name, Path: w.Path, Dispatch: dispatch, Inputs: inputs}, nil
}

// OwnRuns matches the workflow files whose runs are releases rather than checks
// of the code: the release workflow (configured, or else any whose file name
// mentions "release", as detection does) and the exceptional hotfix workflow.
// Their check runs say whether a release went out, not whether the commit is
// releasable (see github.Checks.Without).
func OwnRuns(releaseWorkflow, hotfixWorkflow string) func(path string) bool {
	return func(p string) bool {
		base := path.Base(p)
		switch {
		case releaseWorkflow != "" && (base == path.Base(releaseWorkflow) || p == releaseWorkflow):
			return true
		case hotfixWorkflow != "" && (base == path.Base(hotfixWorkflow) || p == hotfixWorkflow):
			return true
		case releaseWorkflow == "":
			return strings.Contains(strings.ToLower(base), "release")
		}
		return false
	}
}

// RunsOnPush reports whether a workflow file starts a run when branch is pushed
// to (on: push, with its branches / branches-ignore filters; patterns as
// path.Match reads them, a close subset of GitHub's). Such a release workflow
// releases every merge by itself: its push run is the release, which ship adopts
// instead of dispatching.
func RunsOnPush(content []byte, branch string) bool {
	var doc struct {
		On yaml.Node `yaml:"on"`
	}
	if yaml.Unmarshal(content, &doc) != nil {
		return false
	}
	switch doc.On.Kind {
	case yaml.ScalarNode:
		return doc.On.Value == "push"
	case yaml.SequenceNode:
		for _, n := range doc.On.Content {
			if n.Value == "push" {
				return true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(doc.On.Content); i += 2 {
			if doc.On.Content[i].Value != "push" {
				continue
			}
			var filter struct {
				Branches       []string `yaml:"branches"`
				BranchesIgnore []string `yaml:"branches-ignore"`
				Tags           []string `yaml:"tags"`
			}
			_ = doc.On.Content[i+1].Decode(&filter)
			matches := func(patterns []string) bool {
				for _, p := range patterns {
					if ok, _ := path.Match(p, branch); ok || p == "**" {
						return true
					}
				}
				return false
			}
			switch {
			case len(filter.Branches) > 0:
				return matches(filter.Branches)
			case len(filter.BranchesIgnore) > 0:
				return !matches(filter.BranchesIgnore)
			case len(filter.Tags) > 0:
				return false // tags only
			}
			return true
		}
	}
	return false
}
