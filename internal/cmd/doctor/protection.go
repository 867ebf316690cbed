package doctor

import (
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// The rules check reads, besides the rulesets, the classic branch protection
// rules that came with Inspect's query, and says what the one that applies
// to each branch a hotfix meets requires of it, in the rulesets' sentences,
// naming its source: (branch protection on main), or on the pattern that
// matched (release/*). GitHub applies one such rule to a branch (the one
// naming it, else the oldest pattern: github.ProtectionFor), and shows them
// only to the repository's administrators.

// protectionSource names a classic rule in the lines.
func protectionSource(p *github.Protection) string { return "branch protection on " + p.Pattern }

// protectionsVisible reports whether GitHub shows the viewer the branch
// protection rules: to administrators only, the list being empty for others.
func (d *diagnosis) protectionsVisible() bool { return d.facts.Permission == "ADMIN" }

// protectionRules are the lines of the classic branch protection rules that
// apply to the base, to hotfix branches and to maintenance branches.
func (d *diagnosis) protectionRules(refs ruleRefs) []Check {
	const name = "rules"
	f := d.facts
	var checks []Check
	if f.ProtectionsErr != nil {
		checks = append(checks, warn(name, "the repository's branch protection rules could not be read: "+f.ProtectionsErr.Error(),
			fmt.Sprintf("see them in the repository's settings (Branches), or run %s again", d.againCommand())))
	}
	if f.BaseFound {
		if p := github.ProtectionFor(f.Protections, f.Base); p != nil {
			checks = append(checks, d.baseProtection(p)...)
		}
	}
	if p := github.ProtectionFor(f.Protections, strings.TrimPrefix(refs.hotfix, "refs/heads/")); p != nil {
		checks = append(checks, d.branchProtection(p, refs.hotfixName, false)...)
	}
	if refs.maint != "" {
		if p := github.ProtectionFor(f.Protections, strings.TrimPrefix(refs.maint, "refs/heads/")); p != nil {
			checks = append(checks, d.branchProtection(p, "maintenance branches "+refs.maintName, true)...)
		}
	}
	if !d.protectionsVisible() && len(f.Protections) == 0 && f.ProtectionsErr == nil {
		checks = append(checks, pass(name, d.invisibleProtections()))
	}
	return checks
}

// invisibleProtections says that the branch protection rules are not shown
// to the viewer.
func (d *diagnosis) invisibleProtections() string {
	return fmt.Sprintf("GitHub shows branch protection rules only to admins of %s, so doctor cannot say what they require of %s: ship waits for what they require",
		d.fullName(), d.facts.Base)
}

// baseProtection says what a classic rule on the base requires of a
// hotfix's merge, one line each: approvals (or a pull request), checks,
// linear history, a lock.
func (d *diagnosis) baseProtection(p *github.Protection) []Check {
	const name = "rules"
	base, by := d.facts.Base, protectionSource(p)
	var out []Check
	if p.Locked {
		detail := fmt.Sprintf("%s is locked (%s): nothing can merge into it", base, by)
		if !p.AdminEnforced {
			detail += ", except an admin's merge"
		}
		out = append(out, fail(name, detail, fmt.Sprintf("ask an admin of %s to unlock %s (Settings, Branches: Lock branch)", d.fullName(), base)))
	}
	if p.Reviews {
		if c, ok := d.approvals(by, p.Approvals, p.CodeOwnerReview, p.DismissStale, p.LastPushApproval); ok {
			out = append(out, c)
		} else {
			out = append(out, pass(name, fmt.Sprintf("%s takes changes through pull requests only (%s): ship opens one", base, by)))
		}
	}
	if p.Checks && (len(p.Contexts) > 0 || p.StrictChecks) {
		out = append(out, d.requiredChecks(by, p.Contexts, p.StrictChecks))
	}
	if p.LinearHistory {
		out = append(out, d.linearHistory(by))
	}
	return out
}

// branchProtection says what a classic rule on the branches a hotfix
// creates and pushes means for it. A rule that requires a pull request or
// checks, or locks or restricts pushes, refuses ship's push of the fix
// (GH006: "Changes must be made through a pull request.", `Required status
// check "ci" is expected.`); one that blocks creations refuses create's
// branch to those it does not let push. Administrators step around it unless
// it binds them too (isAdminEnforced); only they see it (protectionsVisible),
// so the line says what it means for the others. maint is true for the
// exceptional process's maintenance branches, into which hotfixes merge
// through a pull request: only creating them matters there.
func (d *diagnosis) branchProtection(p *github.Protection, what string, maint bool) []Check {
	by := protectionSource(p)
	var out []Check
	if p.BlocksCreations && p.RestrictsPushes {
		refused := "create will refuse to make it"
		if maint {
			refused = "create --from-tag will be refused when the maintenance branch does not exist yet"
		}
		out = append(out, d.protectionLine(p, what, fmt.Sprintf("creating %s is restricted by %s (only those it lets push may)", what, by), refused, maint))
	}
	if maint {
		return out
	}
	var why []string
	if p.Locked {
		why = append(why, "the branch locked")
	}
	if p.Reviews {
		why = append(why, "changes through a pull request only")
	}
	if p.Checks && len(p.Contexts) > 0 {
		why = append(why, pick(len(p.Contexts), "the check ", "the checks ")+strings.Join(p.Contexts, ", ")+" passed before a push")
	}
	if p.RestrictsPushes && !p.Locked {
		why = append(why, "only those it lets push")
	}
	if len(why) > 0 {
		out = append(out, d.protectionLine(p, what, fmt.Sprintf("pushing to %s is restricted by %s (%s)", what, by, strings.Join(why, "; ")), "ship cannot push the fix", false))
	}
	return out
}

// protectionLine: a classic rule restricts a branch a hotfix makes (what
// names it); the viewer, an admin, may step around it unless it binds
// admins, and whoever else ships a hotfix may not.
func (d *diagnosis) protectionLine(p *github.Protection, what, detail, refused string, maint bool) Check {
	const name = "rules"
	fix := fmt.Sprintf("ask an admin of %s to narrow the branch protection rule %s so it does not match %s, or set branch_prefix in %s to a prefix it does not match",
		d.fullName(), p.Pattern, what, d.configFile())
	if maint {
		fix = fmt.Sprintf("ask an admin of %s to let you push to the branches the branch protection rule %s matches, or have one it lets push create the maintenance branch from the release tag",
			d.fullName(), p.Pattern)
	}
	switch {
	case !p.AdminEnforced && d.protectionsVisible():
		return warn(name, detail+": you may step around it as an admin, but for anyone else "+refused, fix)
	case maint:
		return warn(name, detail+": "+refused, fix)
	}
	return fail(name, detail+": "+refused, fix)
}
