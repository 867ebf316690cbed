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

// protectionField reads, in the query it joins, the repository's classic
// branch protection rules (PUT /repos/{owner}/{repo}/branches/{branch}/protection,
// or the settings' "Branch protection rules"), so that doctor can say what
// they require of a hotfix as it does for rulesets. GitHub shows them only to
// those who administer the repository: to others the list is empty
// (prodigyeducation/branch-cleaner#27, w3c/validate-repos#30). Schema:
// BranchProtectionRule.
const protectionField = `branchProtectionRules(first: 100) {
      nodes { databaseId pattern
        requiresApprovingReviews requiredApprovingReviewCount requiresCodeOwnerReviews dismissesStaleReviews requireLastPushApproval
        requiresStatusChecks requiredStatusCheckContexts requiresStrictStatusChecks
        requiresLinearHistory isAdminEnforced lockBranch restrictsPushes blocksCreations }
    }`

// Protection is a classic branch protection rule, with what it requires of
// the branches its pattern matches.
type Protection struct {
	ID      int64
	Pattern string // a branch name, or an fnmatch pattern (BranchPatternMatch)

	// Approvals is the number of approving reviews required (Reviews: a pull
	// request is required, and approvals too when Approvals > 0).
	Reviews          bool
	Approvals        int
	CodeOwnerReview  bool
	DismissStale     bool
	LastPushApproval bool

	Checks       bool     // status checks are required: Contexts
	Contexts     []string // the checks' names
	StrictChecks bool     // the branch must be up to date with the base

	LinearHistory bool
	// AdminEnforced: the rule binds administrators too ("Do not allow
	// bypassing the above settings", REST's enforce_admins).
	AdminEnforced bool

	Locked          bool // lock_branch: read-only
	RestrictsPushes bool // only the people, teams and apps it lists may push
	BlocksCreations bool // with RestrictsPushes: only they may create matching branches
}

type protectionNodes struct {
	Nodes []struct {
		DatabaseID                   int64 `json:"databaseId"`
		Pattern                      string
		RequiresApprovingReviews     bool
		RequiredApprovingReviewCount *int
		RequiresCodeOwnerReviews     bool
		DismissesStaleReviews        bool
		RequireLastPushApproval      bool
		RequiresStatusChecks         bool
		RequiredStatusCheckContexts  []string
		RequiresStrictStatusChecks   bool
		RequiresLinearHistory        bool
		IsAdminEnforced              bool
		LockBranch                   bool
		RestrictsPushes              bool
		BlocksCreations              bool
	}
}

func (n protectionNodes) protections() []Protection {
	var out []Protection
	for _, p := range n.Nodes {
		pr := Protection{ID: p.DatabaseID, Pattern: p.Pattern,
			Reviews: p.RequiresApprovingReviews, CodeOwnerReview: p.RequiresCodeOwnerReviews,
			DismissStale: p.DismissesStaleReviews, LastPushApproval: p.RequireLastPushApproval,
			Checks: p.RequiresStatusChecks, StrictChecks: p.RequiresStrictStatusChecks,
			LinearHistory: p.RequiresLinearHistory, AdminEnforced: p.IsAdminEnforced,
			Locked: p.LockBranch, RestrictsPushes: p.RestrictsPushes, BlocksCreations: p.BlocksCreations}
		if p.RequiredApprovingReviewCount != nil && p.RequiresApprovingReviews {
			pr.Approvals = *p.RequiredApprovingReviewCount
		}
		if pr.Checks {
			for _, c := range p.RequiredStatusCheckContexts {
				if c != "" {
					pr.Contexts = append(pr.Contexts, c)
				}
			}
		}
		out = append(out, pr)
	}
	return out
}

// ProtectionFor is the classic branch protection rule that applies to branch,
// or nil: one at most, unlike rulesets, which add up. GitHub docs, "About
// protected branches" (Managing a branch protection rule): "If a repository
// has multiple protected branch rules that affect the same branches, the rules
// that include a specific branch name have the highest priority. If there is
// more than one protected branch rule that references the same specific
// branch name, then the branch rule created first will have higher priority.
// Protected branch rules that mention a special character, such as *, ?, or ],
// are applied in the order they were created, so older rules with these
// characters have a higher priority." The order of creation is read from
// the rules' database IDs.
func ProtectionFor(rules []Protection, branch string) *Protection {
	var best *Protection
	for i := range rules {
		p := &rules[i]
		if !BranchPatternMatch(p.Pattern, branch) {
			continue
		}
		exact, bestExact := p.Pattern == branch, best != nil && best.Pattern == branch
		switch {
		case best == nil, exact && !bestExact, exact == bestExact && p.ID < best.ID:
			best = p
		}
	}
	return best
}

// BranchPatternMatch reports whether a branch name matches a classic branch
// protection rule's pattern: fnmatch with File::FNM_PATHNAME, so "*", "?" and
// "[…]" stay within one path segment and "qa/**/*" matches qa/foo/bar; the
// backslash quotes nothing: "GitHub does not support the use of backslashes
// in branch protection rules" (GitHub docs, "About protected branches"), so a
// pattern with one, like one without wildcards, names one branch.
func BranchPatternMatch(pattern, branch string) bool {
	if pattern == "" || strings.ContainsRune(pattern, '\\') {
		return pattern == branch
	}
	if !strings.ContainsAny(pattern, "*?[") {
		return pattern == branch
	}
	return RefPatternMatch(pattern, branch)
}
