package github

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// branchRulesetsField reads, in the query it joins, the repository's rulesets
// that target branches, each with whether it has a creation rule. GraphQL
// Repository.rulesets (includeParents defaults to true: an organization's
// rulesets count) does not say whether the viewer may bypass one:
// RulesetBypass asks REST when it matters.
const branchRulesetsField = `branchRulesets: rulesets(first: 100, targets: [BRANCH]) {
      nodes { databaseId name enforcement conditions { refName { include exclude } } creation: rules(first: 1, type: CREATION) { totalCount } }
    }`

// BranchRuleset is a ruleset that targets branches, as the product reads it.
type BranchRuleset struct {
	ID          int64
	Name        string
	Enforcement string // ACTIVE, EVALUATE or DISABLED; only ACTIVE blocks
	Include     []string
	Exclude     []string
	// RestrictsCreation: it has a creation rule ("Restrict creations").
	RestrictsCreation bool
}

type branchRulesetNodes struct {
	Nodes []struct {
		DatabaseID  int64 `json:"databaseId"`
		Name        string
		Enforcement string
		Conditions  struct {
			RefName *struct{ Include, Exclude []string }
		}
		Creation struct{ TotalCount int }
	}
}

func (n branchRulesetNodes) rulesets() []BranchRuleset {
	var out []BranchRuleset
	for _, r := range n.Nodes {
		rs := BranchRuleset{ID: r.DatabaseID, Name: r.Name, Enforcement: r.Enforcement, RestrictsCreation: r.Creation.TotalCount > 0}
		if r.Conditions.RefName != nil {
			rs.Include, rs.Exclude = r.Conditions.RefName.Include, r.Conditions.RefName.Exclude
		}
		out = append(out, rs)
	}
	return out
}

// Applies reports whether the ruleset targets branch: its name matches an
// include pattern and no exclude pattern. Patterns are full ref names in
// fnmatch syntax ("refs/heads/hotfix/**"), or ~DEFAULT_BRANCH and ~ALL (REST
// docs, "Create a repository ruleset", conditions.ref_name; GitHub docs,
// "About rulesets": fnmatch syntax, e.g. releases/**/*).
func (r BranchRuleset) Applies(branch, defaultBranch string) bool {
	return r.AppliesToRef("refs/heads/"+branch, defaultBranch)
}

// AppliesToRef is [BranchRuleset.Applies] for a full ref name, a tag's
// (refs/tags/v1.4.1) as well as a branch's; ~DEFAULT_BRANCH names only
// refs/heads/<defaultBranch>.
func (r BranchRuleset) AppliesToRef(ref, defaultBranch string) bool {
	matches := func(patterns []string) bool {
		for _, p := range patterns {
			if p == "~ALL" || (p == "~DEFAULT_BRANCH" && defaultBranch != "" && ref == "refs/heads/"+defaultBranch) || RefPatternMatch(p, ref) {
				return true
			}
		}
		return false
	}
	return matches(r.Include) && !matches(r.Exclude)
}

// CreationRestricted is the first active ruleset that restricts creating
// branch, or nil.
func CreationRestricted(sets []BranchRuleset, branch, defaultBranch string) *BranchRuleset {
	for i := range sets {
		if rs := &sets[i]; rs.Enforcement == "ACTIVE" && rs.RestrictsCreation && rs.Applies(branch, defaultBranch) {
			return rs
		}
	}
	return nil
}

// RefPatternMatch reports whether a ref name matches a ruleset pattern, read as
// fnmatch with FNM_PATHNAME: "*", "?" and "[…]" stay within one path segment,
// and a "**/" segment matches zero or more whole segments (a trailing "**" is a
// "*"). A pattern that does not compile matches nothing.
func RefPatternMatch(pattern, ref string) bool {
	re, err := refPatternRegexp(pattern)
	return err == nil && re.MatchString(ref)
}

func refPatternRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		if seg == "**" && !last {
			b.WriteString("(?:[^/]*/)*") // zero or more whole segments
			continue
		}
		for j := 0; j < len(seg); j++ {
			switch c := seg[j]; c {
			case '*':
				b.WriteString("[^/]*")
			case '?':
				b.WriteString("[^/]")
			case '[':
				end := strings.IndexByte(seg[j+1:], ']')
				if end < 0 {
					return nil, fmt.Errorf("unclosed [ in %q", pattern)
				}
				class := seg[j+1 : j+1+end]
				if strings.HasPrefix(class, "!") {
					class = "^" + class[1:]
				}
				b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
				j += end + 1
			case '\\':
				if j+1 < len(seg) {
					j++
					b.WriteString(regexp.QuoteMeta(seg[j : j+1]))
				}
			default:
				b.WriteString(regexp.QuoteMeta(seg[j : j+1]))
			}
		}
		if !last {
			b.WriteString("/")
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// RulesetBypass says whether the viewer may bypass a repository ruleset:
// "always", "exempt", "pull_requests_only" or "never", GitHub's
// current_user_can_bypass (GET /repos/{owner}/{repo}/rulesets/{ruleset_id}).
// Callers ask it only of a ruleset a query found: a GitHub Enterprise Server
// without rulesets (before 3.11) has none in its answers, so it is never asked.
func (c *Client) RulesetBypass(ctx context.Context, owner, name string, id int64) (string, error) {
	var out struct {
		CurrentUserCanBypass string `json:"current_user_can_bypass"`
	}
	if err := c.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/rulesets/%d", owner, name, id), nil, &out); err != nil {
		return "", err
	}
	if out.CurrentUserCanBypass == "" {
		return "never", nil
	}
	return out.CurrentUserCanBypass, nil
}
