package emulator

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// workflow is an Actions workflow file found on the default branch.
type workflow struct {
	ID        int64
	Path      string // .github/workflows/release.yml
	Name      string
	State     string // active
	CreatedAt time.Time
	// Read from the file each time the default branch is read.
	Triggers []string
	Inputs   []workflowInput
	Dispatch bool
}

// workflowInput is one declared workflow_dispatch input.
type workflowInput struct {
	Name        string
	Description string
	Required    bool
	Default     string
	Type        string // string, choice, boolean, number, environment
	Options     []string
}

type workflowRun struct {
	ID          int64
	Number      int
	WorkflowID  int64
	Name        string
	Event       string
	HeadBranch  string
	HeadSHA     string
	Actor       string
	Status      string // queued, in_progress, completed
	Conclusion  string
	Inputs      map[string]any
	CreatedAt   time.Time
	UpdatedAt   time.Time
	StartedAt   time.Time
	CompletedAt *time.Time
	JobID       int64
	// Attempt counts re-runs (1 for the first); AttemptAt is when the latest
	// attempt started, from which emulated runs advance.
	Attempt   int
	AttemptAt time.Time
}

// parseWorkflow reads the parts of a workflow file the API exposes. A file that
// is not valid YAML still appears in the list (GitHub shows it with its path as name).
func parseWorkflow(p string, content []byte) (name string, triggers []string, dispatch bool, inputs []workflowInput, err error) {
	name = p
	var doc struct {
		Name string    `yaml:"name"`
		On   yaml.Node `yaml:"on"`
	}
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return name, nil, false, nil, fmt.Errorf("%s: %w", p, err)
	}
	if doc.Name != "" {
		name = doc.Name
	}
	on := doc.On
	switch on.Kind {
	case yaml.ScalarNode:
		triggers = []string{on.Value}
	case yaml.SequenceNode:
		for _, n := range on.Content {
			triggers = append(triggers, n.Value)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(on.Content); i += 2 {
			key, val := on.Content[i].Value, on.Content[i+1]
			triggers = append(triggers, key)
			if key != "workflow_dispatch" || val.Kind != yaml.MappingNode {
				continue
			}
			var wd struct {
				Inputs yaml.Node `yaml:"inputs"`
			}
			if err := val.Decode(&wd); err != nil {
				return name, triggers, true, nil, fmt.Errorf("%s: workflow_dispatch: %w", p, err)
			}
			for j := 0; j+1 < len(wd.Inputs.Content); j += 2 {
				in := workflowInput{Name: wd.Inputs.Content[j].Value, Type: "string"}
				var spec struct {
					Description string   `yaml:"description"`
					Required    bool     `yaml:"required"`
					Default     string   `yaml:"default"`
					Type        string   `yaml:"type"`
					Options     []string `yaml:"options"`
				}
				if err := wd.Inputs.Content[j+1].Decode(&spec); err != nil {
					return name, triggers, true, nil, fmt.Errorf("%s: input %s: %w", p, in.Name, err)
				}
				in.Description, in.Required, in.Default, in.Options = spec.Description, spec.Required, spec.Default, spec.Options
				if spec.Type != "" {
					in.Type = spec.Type
				}
				inputs = append(inputs, in)
			}
		}
	}
	for _, t := range triggers {
		if t == "workflow_dispatch" {
			dispatch = true
		}
	}
	return name, triggers, dispatch, inputs, nil
}

// syncWorkflows refreshes the repository's workflows from the default branch,
// keeping IDs stable per path, as GitHub does.
func (s *store) syncWorkflows(r *repo) []*workflow {
	tip := r.git.branchSHA(r.DefaultBranch)
	seen := map[string]bool{}
	if tip != "" {
		for _, f := range r.git.listDir(tip, ".github/workflows") {
			if ext := path.Ext(f); ext != ".yml" && ext != ".yaml" {
				continue
			}
			p := ".github/workflows/" + f
			content, err := r.git.readFile(tip, p)
			if err != nil {
				continue
			}
			seen[p] = true
			wf := r.workflows[p]
			if wf == nil {
				wf = &workflow{ID: s.id(), Path: p, State: "active", CreatedAt: s.now()}
				r.workflows[p] = wf
			}
			wf.Name, wf.Triggers, wf.Dispatch, wf.Inputs, _ = parseWorkflow(p, content)
		}
	}
	var list []*workflow
	for p, wf := range r.workflows {
		if seen[p] {
			list = append(list, wf)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// findWorkflow resolves a workflow by numeric ID or file name, as the API's {workflow_id} does.
func (s *store) findWorkflow(r *repo, idOrFile string) *workflow {
	for _, wf := range s.syncWorkflows(r) {
		if fmt.Sprint(wf.ID) == idOrFile || path.Base(wf.Path) == idOrFile || wf.Path == idOrFile {
			return wf
		}
	}
	return nil
}

// validateDispatchInputs applies GitHub's checks on workflow_dispatch inputs and
// returns the inputs with defaults filled in.
func validateDispatchInputs(wf *workflow, given map[string]any) (map[string]any, *apiError) {
	declared := map[string]workflowInput{}
	for _, in := range wf.Inputs {
		declared[in.Name] = in
	}
	var unexpected []string
	for k := range given {
		if _, ok := declared[k]; !ok {
			unexpected = append(unexpected, fmt.Sprintf("%q", k))
		}
	}
	if len(unexpected) > 0 {
		sort.Strings(unexpected)
		return nil, &apiError{Status: 422, Message: fmt.Sprintf("Unexpected inputs provided: [%s]", strings.Join(unexpected, ", "))}
	}
	out := map[string]any{}
	for _, in := range wf.Inputs {
		v, ok := given[in.Name]
		if !ok || v == nil || v == "" {
			if in.Required && in.Default == "" {
				return nil, &apiError{Status: 422, Message: fmt.Sprintf("Required input '%s' not provided", in.Name)}
			}
			if in.Default != "" {
				out[in.Name] = in.Default
			}
			continue
		}
		sv := fmt.Sprint(v)
		switch in.Type {
		case "choice":
			found := false
			for _, o := range in.Options {
				if o == sv {
					found = true
				}
			}
			if !found {
				return nil, &apiError{Status: 422, Message: fmt.Sprintf("Provided value '%s' for input '%s' not in the list of allowed values", sv, in.Name)}
			}
		case "boolean":
			if sv != "true" && sv != "false" {
				return nil, &apiError{Status: 422, Message: fmt.Sprintf("Provided value '%s' for input '%s' is not a valid boolean", sv, in.Name)}
			}
		}
		out[in.Name] = sv
	}
	return out, nil
}

// advanceRun moves a run along by time when the repository has automatic runs enabled.
func (s *store) advanceRun(r *repo, run *workflowRun) {
	if r.autoRuns == nil || run.Status == "completed" {
		return
	}
	now, start := s.now(), run.CreatedAt
	if !run.AttemptAt.IsZero() {
		start = run.AttemptAt
	}
	switch {
	case now.Sub(start) >= r.autoRuns.After:
		s.setRunStatus(run, "completed", r.autoRuns.Conclusion)
	case now.Sub(start) >= r.autoRuns.After/2 && run.Status == "queued":
		s.setRunStatus(run, "in_progress", "")
	}
}

func (s *store) setRunStatus(run *workflowRun, status, conclusion string) {
	now := s.now()
	if status != "queued" && run.StartedAt.IsZero() {
		run.StartedAt = now
	}
	run.Status = status
	run.UpdatedAt = now
	if status == "completed" {
		if conclusion == "" {
			conclusion = "success"
		}
		run.Conclusion = conclusion
		run.CompletedAt = &now
	}
}
