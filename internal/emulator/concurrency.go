package emulator

import (
	"strings"

	"go.yaml.in/yaml/v4"
)

// Concurrency groups, at the workflow level only: GitHub docs, "Control the
// concurrency of workflows and jobs"
// (https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs):
// "When a concurrent job or workflow is queued, if another job or workflow
// using the same concurrency group in the repository is in progress, the
// queued job or workflow will be pending. Any existing pending job or workflow
// in the same concurrency group, if it exists, will be canceled and the new
// queued job or workflow will take its place." With cancel-in-progress: true,
// "any currently running job or workflow in the same concurrency group will be
// canceled". Group names are case-insensitive there too.

// concurrencyOf reads on.concurrency: a group name, or {group, cancel-in-progress}.
// Only the literal true cancels; an expression there is taken as false.
func concurrencyOf(n yaml.Node) (group string, cancel bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, false
	case yaml.MappingNode:
		var c struct {
			Group  string `yaml:"group"`
			Cancel string `yaml:"cancel-in-progress"`
		}
		if n.Decode(&c) == nil {
			return c.Group, c.Cancel == "true"
		}
	}
	return "", false
}

// runGroup evaluates the few expressions concurrency groups are usually made
// of (github.workflow, github.ref, github.ref_name); any other stays as
// written, so runs that share the text share the group.
func runGroup(group, workflowName, branch string) string {
	r := strings.NewReplacer("${{ github.workflow }}", workflowName, "${{ github.ref }}", "refs/heads/"+branch,
		"${{ github.ref_name }}", branch)
	return strings.ToLower(r.Replace(group))
}

// holdForGroup applies a new run's concurrency group: it cancels the group's
// runs in progress (cancel-in-progress) or waits behind them ("pending"), and
// takes the place of a run already pending in the group, which is cancelled.
func (s *store) holdForGroup(r *repo, run *workflowRun) {
	if run.Group == "" {
		return
	}
	active := false
	for _, other := range r.runs {
		if other == run || other.Group != run.Group || other.Status == "completed" {
			continue
		}
		s.advanceRun(r, other)
		switch {
		case other.Status == "completed":
		case other.Status == "pending" || run.CancelInProgress:
			other.pending = nil
			s.setRunStatus(other, "completed", "cancelled")
		default:
			active = true
		}
	}
	if active {
		run.Status, run.UpdatedAt = "pending", s.now()
	}
}

// releaseFromGroup lets a pending run start once no other run of its group is
// in progress; it then meets its environment's protection rules (gateRun).
func (s *store) releaseFromGroup(r *repo, run *workflowRun) {
	if run.Status != "pending" {
		return
	}
	for _, other := range r.runs {
		if other == run || other.Group != run.Group || other.Status == "completed" || other.Status == "pending" {
			continue
		}
		s.advanceRun(r, other)
		if other.Status != "completed" {
			return
		}
	}
	now := s.now()
	run.Status, run.UpdatedAt, run.gateOpenedAt = "queued", now, now
	s.gateRun(r, run)
}
