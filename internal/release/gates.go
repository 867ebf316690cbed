package release

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// Approvers names who may approve a pending deployment: its required
// reviewers, users by login and teams as ORG/slug. Any one of them suffices
// ("Only one of the required reviewers needs to approve the job for it to
// proceed", GitHub docs, "Managing environments for deployment").
func Approvers(p github.PendingDeployment) []string {
	var list []string
	for _, r := range p.Reviewers {
		if h := r.Handle(); h != "" {
			list = append(list, h)
		}
	}
	return list
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// TimerLeft is how long p's wait timer still holds the run at now (0 when it
// has none or it is over). GitHub's clock started it; a local clock that is off
// makes it off by as much, so it is rounded to whole seconds and said as "about".
func TimerLeft(p github.PendingDeployment, now time.Time) time.Duration {
	if p.WaitTimer <= 0 || p.WaitTimerStartedAt == nil {
		return 0
	}
	left := p.WaitTimerStartedAt.Add(time.Duration(p.WaitTimer) * time.Minute).Sub(now)
	return max(left, 0).Round(time.Second)
}

// DescribeWait says what a waiting run waits for, one clause per environment:
// "waiting for hubot or acme/on-call to approve production", with "(wait
// timer: about 4m30s left)" when a timer also runs, or "waiting for
// production's wait timer (about 4m30s left)" when only a timer holds it.
func DescribeWait(list []github.PendingDeployment, now time.Time) string {
	if len(list) == 0 {
		return "waiting (GitHub lists no pending deployment: a protection rule of another kind holds it)"
	}
	var parts []string
	for _, p := range list {
		who := Approvers(p)
		left := TimerLeft(p, now)
		var part string
		switch {
		case len(who) > 0:
			part = fmt.Sprintf("waiting for %s to approve %s", orList(who), p.Environment.Name)
			if left > 0 {
				part += fmt.Sprintf(" (wait timer: about %s left)", left)
			}
		case left > 0:
			part = fmt.Sprintf("waiting for %s's wait timer (about %s left)", p.Environment.Name, left)
		default:
			part = fmt.Sprintf("waiting for %s's protection rules", p.Environment.Name)
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// Approvable splits pending deployments into the environments the token's user
// may approve (their IDs, for ApproveDeployments) and the others.
func Approvable(list []github.PendingDeployment) (ids []int64, names []string, others []github.PendingDeployment) {
	for _, p := range list {
		if p.CurrentUserCanApprove {
			ids = append(ids, p.Environment.ID)
			names = append(names, p.Environment.Name)
		} else {
			others = append(others, p)
		}
	}
	return ids, names, others
}

// CannotApprove says why the user may not approve p, naming who can: "you may
// not approve production: hubot or acme/on-call can".
func CannotApprove(p github.PendingDeployment) string {
	who := Approvers(p)
	if len(who) == 0 {
		return fmt.Sprintf("%s needs no approval: its wait timer holds the run", p.Environment.Name)
	}
	return fmt.Sprintf("you may not approve %s: %s can", p.Environment.Name, orList(who))
}

// JobEnvironment is an environment a workflow's job deploys to
// (jobs.<job_id>.environment: a name, or {name, url}); Name may be an
// expression such as ${{ inputs.environment }}.
type JobEnvironment struct {
	Job, Name string
}

// Concurrency is a concurrency group of a workflow or of one of its jobs
// (Job ""), with its cancel-in-progress as written (true, false, or an expression).
type Concurrency struct {
	Job, Group, CancelInProgress string
}

// Gates reads the deployment gates a workflow file declares: the environments
// its jobs target and its concurrency groups ("Using environments for
// deployment", "Control the concurrency of workflows and jobs": concurrency is
// a group name, or {group, cancel-in-progress}).
func Gates(content []byte) (envs []JobEnvironment, groups []Concurrency, err error) {
	var doc struct {
		Concurrency yaml.Node `yaml:"concurrency"`
		Jobs        yaml.Node `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return nil, nil, err
	}
	if c, ok := concurrencyOf("", doc.Concurrency); ok {
		groups = append(groups, c)
	}
	if doc.Jobs.Kind != yaml.MappingNode {
		return envs, groups, nil
	}
	for i := 0; i+1 < len(doc.Jobs.Content); i += 2 {
		id := doc.Jobs.Content[i].Value
		var job struct {
			Environment yaml.Node `yaml:"environment"`
			Concurrency yaml.Node `yaml:"concurrency"`
		}
		if doc.Jobs.Content[i+1].Decode(&job) != nil {
			continue
		}
		switch env := job.Environment; env.Kind {
		case yaml.ScalarNode:
			envs = append(envs, JobEnvironment{Job: id, Name: env.Value})
		case yaml.MappingNode:
			var named struct {
				Name string `yaml:"name"`
			}
			if env.Decode(&named) == nil && named.Name != "" {
				envs = append(envs, JobEnvironment{Job: id, Name: named.Name})
			}
		}
		if c, ok := concurrencyOf(id, job.Concurrency); ok {
			groups = append(groups, c)
		}
	}
	return envs, groups, nil
}

func concurrencyOf(job string, n yaml.Node) (Concurrency, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return Concurrency{Job: job, Group: n.Value, CancelInProgress: "false"}, true
	case yaml.MappingNode:
		var c struct {
			Group  string `yaml:"group"`
			Cancel string `yaml:"cancel-in-progress"`
		}
		if n.Decode(&c) == nil {
			if c.Cancel == "" {
				c.Cancel = "false"
			}
			return Concurrency{Job: job, Group: c.Group, CancelInProgress: c.Cancel}, true
		}
	}
	return Concurrency{}, false
}

// inputExpression matches an environment named by a workflow input.
var inputExpression = regexp.MustCompile(`^\$\{\{\s*(?:github\.event\.)?inputs\.([A-Za-z0-9_-]+)\s*\}\}$`)

// ResolveEnvironment names the environment a job's environment expression
// takes with the given inputs (the dispatch's, the declared defaults filled
// in): a plain name is itself; ${{ inputs.X }} is input X; any other
// expression cannot be known before the run (ok false).
func ResolveEnvironment(name string, inputs map[string]string) (string, bool) {
	if !strings.Contains(name, "${{") {
		return name, true
	}
	if m := inputExpression.FindStringSubmatch(name); m != nil && inputs[m[1]] != "" {
		return inputs[m[1]], true
	}
	return "", false
}
