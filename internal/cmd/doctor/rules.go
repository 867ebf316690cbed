package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// The rules check reads the rulesets that came with Inspect's query and says,
// one line each, what the rules that apply to the refs a hotfix meets mean for
// it: the base it merges into, the hotfix branch it creates (a probe name
// under the branch prefix), the maintenance branch of the exceptional process
// and the release tag the release workflow creates.

// ruleRefs are the refs a hotfix meets, each with the name the lines give it.
type ruleRefs struct {
	base, hotfix, maint, tag          string // full ref names; maint is "" without the exceptional process
	hotfixName, maintName, tagPattern string
}

// refsToCheck names the refs whose rules doctor reads.
func (d *diagnosis) refsToCheck() ruleRefs {
	r := ruleRefs{
		base:       "refs/heads/" + d.facts.Base,
		hotfix:     "refs/heads/" + d.cfg.BranchPrefix + "x",
		hotfixName: d.cfg.BranchPrefix + "*",
	}
	if e := d.cfg.Exceptional; e.Workflow != "" {
		r.maint, r.maintName = "refs/heads/"+e.MaintenanceBranchFor(1, 4), maintenancePattern(e)
	}
	// Release tags look like the latest one (v1.4.1 when there is none yet).
	prefix := "v"
	if v, err := release.ParseTag(d.facts.LatestTag); err == nil {
		prefix = v.Prefix
	}
	r.tag, r.tagPattern = "refs/tags/"+prefix+"1.4.1", prefix+"*"
	return r
}

// creationRules are the rulesets whose creation or update rules restrict the
// branches a hotfix creates and pushes: whether the user may bypass them is
// asked of GitHub (one request each), and only for them.
func (d *diagnosis) creationRules() []int64 {
	refs := d.refsToCheck()
	var ids []int64
	for _, ref := range []string{refs.hotfix, refs.maint} {
		if ref == "" {
			continue
		}
		for _, ar := range github.RulesFor(d.facts.Rulesets, ref, d.facts.DefaultBranch) {
			if (ar.Type == "CREATION" || ar.Type == "UPDATE") && !slices.Contains(ids, ar.Ruleset.ID) {
				ids = append(ids, ar.Ruleset.ID)
			}
		}
	}
	return ids
}

// bypassReader is what readBypass needs of GitHub.
type bypassReader interface {
	RulesetBypass(ctx context.Context, owner, name string, id int64) (string, error)
}

// bypass is whether the user may bypass a ruleset: GitHub's
// current_user_can_bypass, or why it could not be read.
type bypass struct {
	mode string
	err  error
}

// may reports whether the user may bypass the ruleset when pushing:
// "pull_requests_only" bypasses only through a pull request, which creating
// or pushing a branch is not.
func (b bypass) may() bool { return b.mode == "always" || b.mode == "exempt" }

// readBypass asks, for each ruleset that restricts creating or pushing the
// hotfix and maintenance branches, whether the user may bypass it. An answer
// that does not come is kept as the check's warning, not doctor's failure.
func readBypass(ctx context.Context, gh bypassReader, owner, name string, ids []int64) map[int64]bypass {
	out := map[int64]bypass{}
	for _, id := range ids {
		mode, err := gh.RulesetBypass(ctx, owner, name, id)
		out[id] = bypass{mode, err}
	}
	return out
}

// rules says what each rule that applies to the refs a hotfix meets means for
// it, one check a rule.
func (d *diagnosis) rules() []Check {
	const name = "rules"
	f, refs := d.facts, d.refsToCheck()
	var checks []Check
	if f.RulesetsErr != nil {
		checks = append(checks, warn(name, "the repository's rulesets could not all be read: "+f.RulesetsErr.Error(),
			fmt.Sprintf("see them in the repository's settings (Rules, Rulesets), or run %s again", d.againCommand())))
	}
	if f.BaseFound {
		for _, ar := range github.RulesFor(f.Rulesets, refs.base, f.DefaultBranch) {
			checks = append(checks, d.baseRule(ar)...)
		}
	}
	for _, ar := range github.RulesFor(f.Rulesets, refs.hotfix, f.DefaultBranch) {
		if c, ok := d.branchRule(ar, refs.hotfixName, false); ok {
			checks = append(checks, c)
		}
	}
	if refs.maint != "" {
		for _, ar := range github.RulesFor(f.Rulesets, refs.maint, f.DefaultBranch) {
			if c, ok := d.branchRule(ar, "maintenance branches "+refs.maintName, true); ok {
				checks = append(checks, c)
			}
		}
	}
	for _, ar := range github.RulesFor(f.Rulesets, refs.tag, f.DefaultBranch) {
		if ar.Type == "CREATION" {
			checks = append(checks, warn(name, fmt.Sprintf("creating release tags %s is restricted by ruleset %q: the release workflow's token must be able to bypass it", refs.tagPattern, ar.Ruleset.Name),
				fmt.Sprintf("make sure the token the release workflow creates the tag with may bypass ruleset %q (ask an admin to add its app or role to the bypass list)", ar.Ruleset.Name)))
		}
	}
	protections := d.protectionRules(refs)
	if len(checks) == 0 && !slices.ContainsFunc(protections, func(c Check) bool { return c.Detail != d.invisibleProtections() }) {
		where := f.Base + ", " + refs.hotfixName
		if refs.maint != "" {
			where += ", " + refs.maintName
		}
		what, visible := "active ruleset", d.protectionsVisible() && f.ProtectionsErr == nil
		if visible {
			what += " or branch protection rule"
		}
		detail := fmt.Sprintf("no %s has a rule that matters to a hotfix on %s or release tags %s", what, where, refs.tagPattern)
		if !d.srv.has(github.Rulesets) {
			// The server has no rulesets: only branch protection rules could apply.
			detail = fmt.Sprintf("no branch protection rule matters to a hotfix on %s (GitHub Enterprise Server %s has no rulesets)", where, d.srv.Version)
			if !visible {
				detail = fmt.Sprintf("GitHub Enterprise Server %s has no rulesets, so none applies to %s or release tags %s", d.srv.Version, where, refs.tagPattern)
			}
		}
		checks = append(checks, pass(name, detail))
	}
	return append(checks, protections...)
}

// baseRule says what a rule on the base means for a hotfix's merge: nothing
// for a rule type that does not matter to it, two lines for a pull_request
// rule that requires reviews and restricts merge methods.
func (d *diagnosis) baseRule(ar github.AppliedRule) []Check {
	const name = "rules"
	base, by, method := d.facts.Base, fmt.Sprintf("ruleset %q", ar.Ruleset.Name), d.cfg.MergeMethod
	switch ar.Type {
	case "PULL_REQUEST":
		var out []Check
		if c, ok := d.reviews(ar); ok {
			out = append(out, c)
		}
		if ar.ParamsRead && len(ar.MergeMethods) > 0 && len(ar.MergeMethods) < 3 {
			out = append(out, d.mergeMethods(ar))
		}
		if len(out) == 0 {
			out = append(out, pass(name, fmt.Sprintf("%s takes changes through pull requests only (%s): ship opens one", base, by)))
		}
		return out
	case "REQUIRED_STATUS_CHECKS":
		return []Check{d.requiredChecks(by, ar.Checks, ar.StrictChecks)}
	case "MERGE_QUEUE":
		how := by
		if ar.QueueMethod != "" {
			how = ar.QueueMethod + ", " + by
		}
		detail := fmt.Sprintf("%s merges through a merge queue (%s): ship --auto enqueues the hotfix", base, how)
		if method != "" && ar.QueueMethod != "" && method != ar.QueueMethod {
			detail += fmt.Sprintf(", which the queue merges with %s whatever merge_method (%s) says", ar.QueueMethod, method)
		}
		return []Check{pass(name, detail)}
	case "REQUIRED_LINEAR_HISTORY":
		return []Check{d.linearHistory(by)}
	}
	return nil
}

// requiredChecks: the checks a rule requires on the base (by names the rule).
func (d *diagnosis) requiredChecks(by string, required []string, strictly bool) Check {
	base := d.facts.Base
	checks := "status checks"
	if len(required) > 0 {
		checks = "the " + pick(len(required), "check ", "checks ") + strings.Join(required, ", ")
	}
	strict := ""
	if strictly {
		strict = fmt.Sprintf(", on a branch up to date with %s", base)
	}
	return pass("rules", fmt.Sprintf("%s requires %s%s (%s): ship waits for %s to pass", base, checks, strict, by, pick(len(required), "it", "them")))
}

// linearHistory: a rule requires linear history on the base, which a merge
// commit breaks (by names the rule).
func (d *diagnosis) linearHistory(by string) Check {
	const name = "rules"
	method := d.cfg.MergeMethod
	detail := fmt.Sprintf("%s requires linear history (%s)", d.facts.Base, by)
	if method == "merge" {
		return fail(name, detail+": merge_method is merge, which makes a merge commit",
			fmt.Sprintf("set merge_method: squash (or rebase) in %s", d.configFile()))
	}
	if method != "" {
		return pass(name, fmt.Sprintf("%s: merge_method %s keeps it linear", detail, method))
	}
	return pass(name, detail+": merge_method must be squash or rebase")
}

// reviews: the approvals a pull_request rule requires; ok is false when it
// requires none (or they could not be read).
func (d *diagnosis) reviews(ar github.AppliedRule) (Check, bool) {
	if !ar.ParamsRead {
		return Check{}, false
	}
	return d.approvals(fmt.Sprintf("ruleset %q", ar.Ruleset.Name), ar.Approvals, ar.CodeOwnerReview, ar.DismissStale, ar.LastPushApproval)
}

// approvals: the approving reviews a rule (named by by) requires on the base,
// with what it requires of them; ok is false when it requires none.
func (d *diagnosis) approvals(by string, approvals int, codeOwner, dismissStale, lastPush bool) (Check, bool) {
	const name = "rules"
	base := d.facts.Base
	var extra []string
	if codeOwner {
		extra = append(extra, "a code owner's among them")
	}
	if dismissStale {
		extra = append(extra, "a push dismisses earlier approvals")
	}
	if lastPush {
		extra = append(extra, "the last push approved by someone else")
	}
	more := ""
	if len(extra) > 0 {
		more = "; " + strings.Join(extra, "; ")
	}
	if approvals == 0 && more == "" {
		return Check{}, false
	}
	then := fmt.Sprintf("ship waits for it; set reviewers in %s so ship asks for it", d.configFile())
	if len(d.cfg.Reviewers) > 0 {
		then = "ship waits for it, and asks " + strings.Join(d.cfg.Reviewers, ", ") + " for it"
	}
	return pass(name, fmt.Sprintf("%s needs %s from someone other than the author (%s%s): %s",
		base, plural(approvals, "approving review", "approving reviews"), by, more, then)), true
}

// rulesSayMethods reports whether the rules check says which merge methods
// the ruleset named name allows into the base (mergeMethods), failing when
// merge_method is not among them: the auto-merge check then leaves it to it.
func (d *diagnosis) rulesSayMethods(name string) bool {
	if !d.facts.BaseFound {
		return false
	}
	for _, ar := range github.RulesFor(d.facts.Rulesets, "refs/heads/"+d.facts.Base, d.facts.DefaultBranch) {
		if ar.Type == "PULL_REQUEST" && ar.Ruleset.Name == name && ar.ParamsRead && len(ar.MergeMethods) > 0 && len(ar.MergeMethods) < 3 {
			return true
		}
	}
	return false
}

// mergeMethods: the merge methods a pull_request rule allows, against
// merge_method (what ship --auto merges with).
func (d *diagnosis) mergeMethods(ar github.AppliedRule) Check {
	const name = "rules"
	base, by, method, allowed := d.facts.Base, fmt.Sprintf("ruleset %q", ar.Ruleset.Name), d.cfg.MergeMethod, ar.MergeMethods
	detail := fmt.Sprintf("%s is the only merge method allowed into %s (%s)", allowed[0], base, by)
	if len(allowed) > 1 {
		detail = fmt.Sprintf("only %s merges are allowed into %s (%s)", strings.Join(allowed, " and "), base, by)
	}
	switch {
	case method == "":
		return pass(name, fmt.Sprintf("%s: set merge_method: %s in %s for ship --auto", detail, allowed[0], d.configFile()))
	case slices.Contains(allowed, method):
		return pass(name, fmt.Sprintf("%s: merge_method is %s, which it allows", detail, method))
	}
	return fail(name, fmt.Sprintf("%s, and merge_method is %s", detail, method),
		fmt.Sprintf("set merge_method: %s in %s", allowed[0], d.configFile()))
}

// branchRule says what a rule on a branch the hotfix creates and pushes
// means for it; maint is true for the exceptional process's maintenance
// branches, which create --from-tag creates when missing.
func (d *diagnosis) branchRule(ar github.AppliedRule, what string, maint bool) (Check, bool) {
	const name = "rules"
	var act, refused string
	switch ar.Type {
	case "CREATION":
		act, refused = "creating", "create will refuse to make it"
		if maint {
			refused = "create --from-tag will be refused when the maintenance branch does not exist yet"
		}
	case "UPDATE":
		act, refused = "pushing to", "ship cannot push the fix"
		if maint {
			refused = "a hotfix from a release tag cannot be merged into it"
		}
	default:
		return Check{}, false
	}
	detail := fmt.Sprintf("%s %s is restricted by ruleset %q", act, what, ar.Ruleset.Name)
	b := d.bypass[ar.Ruleset.ID]
	switch {
	case b.may():
		return pass(name, detail+", which you may bypass"), true
	case b.err != nil:
		return warn(name, fmt.Sprintf("%s, and whether you may bypass it could not be read: %v", detail, b.err),
			fmt.Sprintf("ask an admin of %s whether you are on its bypass list", d.fullName())), true
	}
	fix := fmt.Sprintf("ask an admin of %s to add you to its bypass list", d.fullName())
	if !maint {
		fix += fmt.Sprintf(", or to exclude refs/heads/%s** from it; or set branch_prefix in %s to a prefix it allows", d.cfg.BranchPrefix, d.configFile())
		return fail(name, detail+": "+refused, fix), true
	}
	// The exceptional process is the exception: warn, as most hotfixes never need it.
	return warn(name, detail+": "+refused, fix+", or have one who may create the maintenance branch from the release tag"), true
}
