package emulator

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"
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

// workflowFile is what the emulator reads from one copy of a workflow file: a
// run uses the copy at its commit, not the default branch's (see workflowAt).
type workflowFile struct {
	Name     string
	Triggers []string
	Dispatch bool
	Inputs   []workflowInput
	// Push is set when the file has an on.push trigger.
	Push *pushFilter
	// Job names the first job (its name:, else its id): GitHub reports each job
	// as a check run of that name.
	Job string
	// Environment is the environment the first job targets (jobs.<id>.environment,
	// a name or {name, url}); "" when none. "Each job in a workflow can reference
	// a single environment" (GitHub docs, "Using environments for deployment":
	// https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/using-environments-for-deployment).
	Environment string
	// Group and CancelInProgress are the workflow's concurrency (concurrency.go).
	Group            string
	CancelInProgress bool
}

// pushFilter is on.push's branch filter. GitHub docs, "Workflow syntax for
// GitHub Actions", on.push.<branches|tags|branches-ignore|tags-ignore>:
// https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#onpushbranchestagsbranches-ignoretags-ignore
type pushFilter struct {
	Branches, BranchesIgnore []string
	// TagsOnly: only tags/tags-ignore are given, so "the workflow won't run
	// for events affecting the undefined Git ref" (same section): no branch.
	TagsOnly bool
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
	// JobName is the run's one job, from the workflow file at HeadSHA; its check
	// run carries this name.
	JobName string
	// Attempt counts re-runs (1 for the first); AttemptAt is when the latest
	// attempt started, from which emulated runs advance.
	Attempt   int
	AttemptAt time.Time
	// Environment is the environment the run's job targets (workflowFile);
	// pending is its deployment while protection rules hold it (status
	// "waiting"), gateOpenedAt when they last let it go on (environments.go).
	Environment  string
	pending      *pendingDeployment
	gateOpenedAt time.Time
	// Group is the run's concurrency group, evaluated (concurrency.go); "" when none.
	Group            string
	CancelInProgress bool
}

// defaultJobName names the job of a workflow file without jobs (GitHub would
// not run such a file; the emulator keeps the name its runs always had).
const defaultJobName = "release"

// parseWorkflow reads the parts of a workflow file the API exposes. A file that
// is not valid YAML still appears in the list (GitHub shows it with its path as name).
func parseWorkflow(p string, content []byte) (workflowFile, error) {
	wf := workflowFile{Name: p, Job: defaultJobName}
	var doc struct {
		Name        string    `yaml:"name"`
		On          yaml.Node `yaml:"on"`
		Jobs        yaml.Node `yaml:"jobs"`
		Concurrency yaml.Node `yaml:"concurrency"`
	}
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return wf, fmt.Errorf("%s: %w", p, err)
	}
	wf.Group, wf.CancelInProgress = concurrencyOf(doc.Concurrency)
	if doc.Name != "" {
		wf.Name = doc.Name
	}
	if doc.Jobs.Kind == yaml.MappingNode && len(doc.Jobs.Content) >= 2 {
		wf.Job = doc.Jobs.Content[0].Value
		var job struct {
			Name        string    `yaml:"name"`
			Environment yaml.Node `yaml:"environment"`
		}
		if doc.Jobs.Content[1].Decode(&job) == nil {
			if job.Name != "" {
				wf.Job = job.Name
			}
			switch env := job.Environment; env.Kind {
			case yaml.ScalarNode:
				wf.Environment = env.Value
			case yaml.MappingNode:
				var named struct {
					Name string `yaml:"name"`
				}
				if env.Decode(&named) == nil {
					wf.Environment = named.Name
				}
			}
		}
	}
	on := doc.On
	switch on.Kind {
	case yaml.ScalarNode:
		wf.Triggers = []string{on.Value}
	case yaml.SequenceNode:
		for _, n := range on.Content {
			wf.Triggers = append(wf.Triggers, n.Value)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(on.Content); i += 2 {
			key, val := on.Content[i].Value, on.Content[i+1]
			wf.Triggers = append(wf.Triggers, key)
			if key == "push" && val.Kind == yaml.MappingNode {
				var f struct {
					Branches       []string `yaml:"branches"`
					BranchesIgnore []string `yaml:"branches-ignore"`
					Tags           []string `yaml:"tags"`
					TagsIgnore     []string `yaml:"tags-ignore"`
				}
				if err := val.Decode(&f); err != nil {
					return wf, fmt.Errorf("%s: push: %w", p, err)
				}
				wf.Push = &pushFilter{Branches: f.Branches, BranchesIgnore: f.BranchesIgnore,
					TagsOnly: f.Branches == nil && f.BranchesIgnore == nil && (f.Tags != nil || f.TagsIgnore != nil)}
			}
			if key != "workflow_dispatch" || val.Kind != yaml.MappingNode {
				continue
			}
			var wd struct {
				Inputs yaml.Node `yaml:"inputs"`
			}
			if err := val.Decode(&wd); err != nil {
				wf.Dispatch = true
				return wf, fmt.Errorf("%s: workflow_dispatch: %w", p, err)
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
					wf.Dispatch = true
					return wf, fmt.Errorf("%s: input %s: %w", p, in.Name, err)
				}
				in.Description, in.Required, in.Default, in.Options = spec.Description, spec.Required, spec.Default, spec.Options
				if spec.Type != "" {
					in.Type = spec.Type
				}
				wf.Inputs = append(wf.Inputs, in)
			}
		}
	}
	for _, t := range wf.Triggers {
		switch t {
		case "workflow_dispatch":
			wf.Dispatch = true
		case "push":
			if wf.Push == nil {
				wf.Push = &pushFilter{}
			}
		}
	}
	return wf, nil
}

// matches reports whether a push to branch runs the workflow. GitHub docs,
// "Workflow syntax for GitHub Actions", "Filter pattern cheat sheet": * matches
// any characters but /, ** any characters, ? zero or one of the preceding
// character, + one or more of it, [] a character class, a leading ! negates, and
// "the last matching pattern" decides; with branches-ignore, a match excludes.
// https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#filter-pattern-cheat-sheet
func (f *pushFilter) matches(branch string) bool {
	switch {
	case f.TagsOnly:
		return false
	case f.Branches != nil:
		run := false
		for _, p := range f.Branches {
			if neg := strings.HasPrefix(p, "!"); neg {
				if globMatch(p[1:], branch) {
					run = false
				}
			} else if globMatch(p, branch) {
				run = true
			}
		}
		return run
	case f.BranchesIgnore != nil:
		for _, p := range f.BranchesIgnore {
			if globMatch(p, branch) {
				return false
			}
		}
	}
	return true
}

// globMatch applies one filter pattern of GitHub's cheat sheet (see matches).
func globMatch(pattern, name string) bool {
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '*' && i+1 < len(pattern) && pattern[i+1] == '*':
			re.WriteString(".*")
			i++
		case c == '*':
			re.WriteString("[^/]*")
		case c == '\\' && i+1 < len(pattern):
			re.WriteString(regexp.QuoteMeta(pattern[i+1 : i+2]))
			i++
		case c == '?' || c == '+' || c == '[' || c == ']':
			re.WriteByte(c)
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("$")
	ok, err := regexp.MatchString(re.String(), name)
	return err == nil && ok
}

// workflowAt reads the workflow file p as it is at commit sha; nil when the
// file is absent there. GitHub runs "the version of the workflow that is present
// in the associated commit SHA or Git ref of the event" (GitHub docs,
// "Triggering a workflow", About workflow triggers:
// https://docs.github.com/en/actions/using-workflows/triggering-a-workflow).
func (r *repo) workflowAt(sha, p string) *workflowFile {
	content, err := r.git.readFile(sha, p)
	if err != nil {
		return nil
	}
	wf, _ := parseWorkflow(p, content)
	return &wf
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
			f, _ := parseWorkflow(p, content)
			wf.Name, wf.Triggers, wf.Dispatch, wf.Inputs = f.Name, f.Triggers, f.Dispatch, f.Inputs
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
func validateDispatchInputs(wf *workflowFile, given map[string]any) (map[string]any, *apiError) {
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

// advanceRun lets a waiting run go on once its environment's protection rules
// pass (openGate), and moves a run along by time when the repository has
// automatic runs enabled, counting from when it last started or was let go on.
func (s *store) advanceRun(r *repo, run *workflowRun) {
	s.releaseFromGroup(r, run)
	s.openGate(run)
	if r.autoRuns == nil || run.Status == "completed" || run.Status == "waiting" || run.Status == "pending" {
		return
	}
	now, start := s.now(), run.CreatedAt
	if run.AttemptAt.After(start) {
		start = run.AttemptAt
	}
	if run.gateOpenedAt.After(start) {
		start = run.gateOpenedAt
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

// startRun queues a run of wf as its copy f (the file at sha) describes it: the
// run's name and its job come from that copy.
func (s *store) startRun(r *repo, wf *workflow, f *workflowFile, event, branch, sha, actor string) *workflowRun {
	now := s.now()
	number := 1
	for _, run := range r.runs {
		if run.WorkflowID == wf.ID {
			number++
		}
	}
	run := &workflowRun{ID: s.id(), Number: number, WorkflowID: wf.ID, Name: f.Name, Event: event,
		HeadBranch: branch, HeadSHA: sha, Actor: actor, Status: "queued",
		CreatedAt: now, UpdatedAt: now, JobID: s.id(), JobName: f.Job, Environment: f.Environment,
		CancelInProgress: f.CancelInProgress}
	if f.Group != "" {
		run.Group = runGroup(f.Group, f.Name, branch)
	}
	r.runs = append(r.runs, run)
	s.holdForGroup(r, run)
	if run.Status != "pending" {
		s.gateRun(r, run)
	}
	return run
}

// noteBranchMoves compares the branches with those seen last and starts the
// push runs of each branch created or moved: a push event is "when you push a
// commit or tag, or when you create a repository from a template" (GitHub docs,
// "Events that trigger workflows", push:
// https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#push),
// whether git pushed it or GitHub moved the branch itself (a merged pull
// request, a file committed through the API). GITHUB_SHA is the "tip commit
// pushed to the ref" (same section), so the run's head_sha is the new tip, and
// the workflow files are read from it. Deleted branches start nothing; tags are
// not followed (the emulator runs no tag workflows).
func (s *store) noteBranchMoves(r *repo, actor string) {
	refs, err := r.git.refs("refs/heads/")
	if err != nil {
		return
	}
	tips := map[string]string{}
	var moved []string
	for _, ref := range refs {
		b := strings.TrimPrefix(ref.Name, "refs/heads/")
		tips[b] = ref.SHA
		if r.branchTips[b] != ref.SHA {
			moved = append(moved, b)
		}
	}
	r.branchTips = tips
	for _, b := range moved {
		s.startPushRuns(r, b, tips[b], actor)
	}
}

// startPushRuns starts a run of every workflow file at sha whose on.push
// matches branch (pushFilter.matches). A file need not be on the default branch
// for push to run it ("You can use push to trigger a workflow that has not been
// merged to the default branch", a note for "Events that trigger workflows",
// push, proposed in github/docs#44323); a workflow disabled in the Actions tab does not run.
func (s *store) startPushRuns(r *repo, branch, sha, actor string) {
	if c, err := r.git.commit(sha); err == nil && skipsPushRuns(c.Message) {
		return
	}
	for _, name := range r.git.listDir(sha, ".github/workflows") {
		if ext := path.Ext(name); ext != ".yml" && ext != ".yaml" {
			continue
		}
		p := ".github/workflows/" + name
		f := r.workflowAt(sha, p)
		if f == nil || f.Push == nil || !f.Push.matches(branch) {
			continue
		}
		wf := r.workflows[p]
		if wf == nil {
			wf = &workflow{ID: s.id(), Path: p, Name: f.Name, State: "active", CreatedAt: s.now(),
				Triggers: f.Triggers, Inputs: f.Inputs, Dispatch: f.Dispatch}
			r.workflows[p] = wf
		}
		if wf.State != "active" {
			continue
		}
		s.startRun(r, wf, f, "push", branch, sha, actor)
	}
}

// skipsPushRuns reports whether a pushed tip's message skips push workflows:
// "Workflows that would otherwise be triggered using on: push or on:
// pull_request won't be triggered if you add any of the following strings to
// the commit message in a push": [skip ci], [ci skip], [no ci], [skip actions],
// [actions skip]; or a last trailer skip-checks:true / skip-checks: true (GitHub
// docs, "Skipping workflow runs":
// https://docs.github.com/en/actions/managing-workflow-runs/skipping-workflow-runs).
func skipsPushRuns(message string) bool {
	for _, cmd := range []string{"[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]"} {
		if strings.Contains(message, cmd) {
			return true
		}
	}
	lines := strings.Split(strings.TrimSpace(message), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	return len(lines) > 1 && (last == "skip-checks:true" || last == "skip-checks: true")
}
