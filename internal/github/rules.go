package github

import "strings"

// rulesetsField reads, in the query it joins, the repository's rulesets (an
// organization's too: Repository.rulesets' includeParents defaults to true)
// with the rules a hotfix meets and their parameters, so that doctor can say
// which rules apply to the base, to hotfix branches, to maintenance branches
// and to release tags without a request per ref: the refs a hotfix will
// create do not exist yet, so Ref.rules cannot be asked, and the ruleset's
// ref_name conditions are matched here (BranchRuleset.AppliesToRef). Whether
// the viewer may bypass a ruleset is not in it: RulesetBypass asks REST when
// it matters. Schema: RepositoryRuleset, RepositoryRule, union RuleParameters.
const rulesetsField = `rulesets(first: 100) {
      nodes { databaseId name enforcement target conditions { refName { include exclude } }
        rules(first: 50) { nodes { type parameters {
          ... on PullRequestParameters { requiredApprovingReviewCount requireCodeOwnerReview dismissStaleReviewsOnPush requireLastPushApproval allowedMergeMethods }
          ... on RequiredStatusChecksParameters { strictRequiredStatusChecksPolicy requiredStatusChecks { context } }
          ... on MergeQueueParameters { mergeMethod } } } } }
    }`

// Ruleset is a repository ruleset with the rules doctor explains.
type Ruleset struct {
	// BranchRuleset holds the ID, name, enforcement and ref_name conditions;
	// RestrictsCreation is set when a CREATION rule is among Rules.
	BranchRuleset
	Target string // BRANCH, TAG or PUSH
	Rules  []Rule
}

// Rule is one rule of a ruleset: its type (GraphQL's RepositoryRuleType:
// PULL_REQUEST, REQUIRED_STATUS_CHECKS, MERGE_QUEUE, REQUIRED_LINEAR_HISTORY,
// CREATION, UPDATE, …) and the parameters of the types that have some.
type Rule struct {
	Type string
	// ParamsRead is false when the rule type has parameters GitHub did not
	// answer (null): the fields below are then unknown.
	ParamsRead bool

	// PULL_REQUEST
	Approvals        int
	CodeOwnerReview  bool
	DismissStale     bool
	LastPushApproval bool
	// MergeMethods are the merge methods allowed (merge, squash, rebase);
	// nil when the rule does not say, which allows all.
	MergeMethods []string

	// REQUIRED_STATUS_CHECKS
	Checks       []string // contexts
	StrictChecks bool     // the branch must be up to date with the base

	// MERGE_QUEUE
	QueueMethod string // merge, squash or rebase
}

type rulesetNodes struct {
	Nodes []struct {
		DatabaseID  int64 `json:"databaseId"`
		Name        string
		Enforcement string
		Target      string
		Conditions  struct {
			RefName *struct{ Include, Exclude []string }
		}
		Rules *struct {
			Nodes []struct {
				Type       string
				Parameters *struct {
					RequiredApprovingReviewCount int
					RequireCodeOwnerReview       bool
					DismissStaleReviewsOnPush    bool
					RequireLastPushApproval      bool
					AllowedMergeMethods          []string

					StrictRequiredStatusChecksPolicy bool
					RequiredStatusChecks             []struct{ Context string }

					MergeMethod string
				}
			}
		}
	}
}

// withParameters are the rule types whose parameters rulesetsField reads.
var withParameters = map[string]bool{"PULL_REQUEST": true, "REQUIRED_STATUS_CHECKS": true, "MERGE_QUEUE": true}

func (n rulesetNodes) rulesets() []Ruleset {
	var out []Ruleset
	for _, node := range n.Nodes {
		rs := Ruleset{BranchRuleset: BranchRuleset{ID: node.DatabaseID, Name: node.Name, Enforcement: node.Enforcement}, Target: node.Target}
		if node.Conditions.RefName != nil {
			rs.Include, rs.Exclude = node.Conditions.RefName.Include, node.Conditions.RefName.Exclude
		}
		if node.Rules != nil {
			for _, rn := range node.Rules.Nodes {
				r := Rule{Type: rn.Type, ParamsRead: !withParameters[rn.Type] || rn.Parameters != nil}
				if p := rn.Parameters; p != nil {
					switch rn.Type {
					case "PULL_REQUEST":
						r.Approvals, r.CodeOwnerReview, r.DismissStale, r.LastPushApproval =
							p.RequiredApprovingReviewCount, p.RequireCodeOwnerReview, p.DismissStaleReviewsOnPush, p.RequireLastPushApproval
						for _, m := range p.AllowedMergeMethods {
							r.MergeMethods = append(r.MergeMethods, strings.ToLower(m))
						}
					case "REQUIRED_STATUS_CHECKS":
						r.StrictChecks = p.StrictRequiredStatusChecksPolicy
						for _, c := range p.RequiredStatusChecks {
							r.Checks = append(r.Checks, c.Context)
						}
					case "MERGE_QUEUE":
						r.QueueMethod = strings.ToLower(p.MergeMethod)
					}
				}
				if r.Type == "CREATION" {
					rs.RestrictsCreation = true
				}
				rs.Rules = append(rs.Rules, r)
			}
		}
		out = append(out, rs)
	}
	return out
}

// AppliedRule is a rule of an active ruleset that applies to a ref.
type AppliedRule struct {
	Rule
	Ruleset *Ruleset
}

// RulesFor are the rules of the active rulesets that apply to ref (a full
// name: refs/heads/main, refs/tags/v1.4.1), in the rulesets' order. A
// ruleset targeting branches applies only to refs/heads/, one targeting tags
// only to refs/tags/; push rulesets apply to no ref. Evaluate and disabled
// rulesets enforce nothing (REST docs, "Get rules for a branch": their rules
// "are not returned").
func RulesFor(sets []Ruleset, ref, defaultBranch string) []AppliedRule {
	var out []AppliedRule
	for i := range sets {
		rs := &sets[i]
		target := map[string]string{"BRANCH": "refs/heads/", "TAG": "refs/tags/"}[rs.Target]
		if rs.Enforcement != "ACTIVE" || target == "" || !strings.HasPrefix(ref, target) || !rs.AppliesToRef(ref, defaultBranch) {
			continue
		}
		for _, r := range rs.Rules {
			out = append(out, AppliedRule{Rule: r, Ruleset: rs})
		}
	}
	return out
}
