package doctor

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"
)

// ciRun says when one workflow file runs for a hotfix.
type ciRun struct {
	OnPull bool // on pull requests to the base (opened or updated)
	OnPush bool // on pushes to a hotfix branch
	Paths  bool // a paths or paths-ignore filter may skip it for some changes
}

// ciTriggers reads the `on:` of a workflow file and says whether it runs for a pull
// request into base or for a push of branch, following GitHub's filter rules: a
// branches filter must match (the last matching pattern wins, "!" excludes), a
// branches-ignore filter must not, and a push filtered by tags alone never runs for a
// branch. pull_request_target does not count: it runs the base's code, not the fix.
func ciTriggers(content []byte, base, branch string) (ciRun, error) {
	var doc struct {
		On yaml.Node `yaml:"on"`
	}
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return ciRun{}, err
	}
	events := map[string]*yaml.Node{}
	switch doc.On.Kind {
	case yaml.ScalarNode:
		events[doc.On.Value] = nil
	case yaml.SequenceNode:
		for _, n := range doc.On.Content {
			events[n.Value] = nil
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(doc.On.Content); i += 2 {
			events[doc.On.Content[i].Value] = doc.On.Content[i+1]
		}
	}
	var run ciRun
	if node, ok := events["pull_request"]; ok {
		f, err := readFilter(node)
		if err != nil {
			return ciRun{}, fmt.Errorf("on.pull_request: %w", err)
		}
		if f.refMatches(base) && f.typesRunOnUpdates() {
			run.OnPull = true
			run.Paths = run.Paths || f.hasPaths()
		}
	}
	if node, ok := events["push"]; ok {
		f, err := readFilter(node)
		if err != nil {
			return ciRun{}, fmt.Errorf("on.push: %w", err)
		}
		onlyTags := f.branches == nil && f.branchesIgnore == nil && (f.tags != nil || f.tagsIgnore != nil)
		if !onlyTags && f.refMatches(branch) {
			run.OnPush = true
			run.Paths = run.Paths || f.hasPaths()
		}
	}
	return run, nil
}

// filter is the activity filter of one event; a nil list is a filter that is not set.
type filter struct {
	branches, branchesIgnore, tags, tagsIgnore, paths, pathsIgnore, types []string
}

func readFilter(node *yaml.Node) (filter, error) {
	var f filter
	if node == nil || node.Kind != yaml.MappingNode {
		return f, nil // `push:` with nothing under it: every branch
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		var dst *[]string
		switch node.Content[i].Value {
		case "branches":
			dst = &f.branches
		case "branches-ignore":
			dst = &f.branchesIgnore
		case "tags":
			dst = &f.tags
		case "tags-ignore":
			dst = &f.tagsIgnore
		case "paths":
			dst = &f.paths
		case "paths-ignore":
			dst = &f.pathsIgnore
		case "types":
			dst = &f.types
		default:
			continue
		}
		v := node.Content[i+1]
		list := []string{}
		switch v.Kind {
		case yaml.ScalarNode:
			list = append(list, v.Value)
		case yaml.SequenceNode:
			for _, n := range v.Content {
				list = append(list, n.Value)
			}
		default:
			return f, fmt.Errorf("line %d: %s must be a list", v.Line, node.Content[i].Value)
		}
		*dst = list
	}
	return f, nil
}

// refMatches applies the branches and branches-ignore filters to a branch name.
func (f filter) refMatches(branch string) bool {
	if f.branches != nil && !matchList(f.branches, branch) {
		return false
	}
	if f.branchesIgnore != nil && matchList(f.branchesIgnore, branch) {
		return false
	}
	return true
}

// typesRunOnUpdates reports whether the pull_request activity types include one that
// happens when a hotfix pull request is opened or pushed to (the default types do).
func (f filter) typesRunOnUpdates() bool {
	if f.types == nil {
		return true
	}
	for _, t := range f.types {
		if t == "opened" || t == "synchronize" || t == "reopened" {
			return true
		}
	}
	return false
}

func (f filter) hasPaths() bool { return f.paths != nil || f.pathsIgnore != nil }

// matchList reports whether name matches a list of patterns where the last matching
// pattern wins and a pattern starting with "!" excludes.
func matchList(patterns []string, name string) bool {
	matched := false
	for _, p := range patterns {
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			if globMatch(neg, name) {
				matched = false
			}
		} else if globMatch(p, name) {
			matched = true
		}
	}
	return matched
}

// globMatch matches a branch name against a GitHub Actions filter pattern: "*" is any
// run of characters except "/", "**" any run at all, "?" and "+" make the preceding
// character optional or repeatable, "[...]" is a character class and "\" escapes.
func globMatch(pattern, name string) bool {
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '*' && i+1 < len(pattern) && pattern[i+1] == '*':
			re.WriteString(".*")
			i++
		case c == '*':
			re.WriteString("[^/]*")
		case (c == '?' || c == '+') && i > 0:
			re.WriteByte(c)
		case c == '[':
			end := strings.IndexByte(pattern[i:], ']')
			if end < 0 {
				re.WriteString(`\[`)
				continue
			}
			re.WriteString(pattern[i : i+end+1])
			i += end
		case c == '\\' && i+1 < len(pattern):
			re.WriteString(regexp.QuoteMeta(pattern[i+1 : i+2]))
			i++
		default:
			re.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		}
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	return err == nil && rx.MatchString(name)
}
