package emulator

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// What a pull request needs before it merges: the requirements of the base's
// classic branch protection (protection.go) and of each active ruleset whose
// conditions select the base (its pull_request and required_status_checks
// rules). GitHub docs, "About rulesets": "Rulesets work alongside any branch
// protection rules and tag protection rules in a repository", and where rules
// are layered the most restrictive applies; each layer is bypassed on its own
// (an administrator steps around classic protection unless enforce_admins is
// set, a ruleset's bypass actors around that ruleset only: "a bypass in one
// layer does not cover the other", apache/seatunnel#12289). This one place
// answers mergeStateStatus and mergeable_state (mergeState), reviewDecision,
// the merge queue's refusals (enqueueRefusal) and a merge's (doMerge).

// mergeLayer is what one layer requires of a pull request into its branch.
type mergeLayer struct {
	prot *protection // the classic protection, or nil
	set  *ruleset    // the ruleset, or nil
	// pullRequest: changes go through a pull request (a pull_request rule,
	// or required reviews under classic protection).
	pullRequest  bool
	approvals    int
	codeOwners   bool
	lastPush     bool
	dismissStale bool
	contexts     []string
	strict       bool
}

// mergeLayers are the layers that apply to a pull request into base: its
// classic protection first, then the active rulesets in creation order.
func (r *repo) mergeLayers(base string) []*mergeLayer {
	var out []*mergeLayer
	if p := r.protection[base]; p != nil {
		out = append(out, &mergeLayer{prot: p, pullRequest: p.Reviews, approvals: p.RequiredApprovals, codeOwners: p.CodeOwners && p.Reviews,
			lastPush: p.LastPush && p.Reviews, dismissStale: p.DismissStale && p.Reviews, contexts: p.RequiredContexts, strict: p.Strict && p.ChecksRequired})
	}
	var cur *mergeLayer
	for _, ar := range r.branchRules(base) {
		if cur == nil || cur.set != ar.set {
			cur = &mergeLayer{set: ar.set}
			out = append(out, cur)
		}
		flag := func(k string) bool { v, _ := ar.Parameters[k].(bool); return v }
		switch ar.Type {
		case "pull_request":
			// REST docs, repository-rule-pull-request: dismiss_stale_reviews_on_push
			// "New, reviewable commits pushed will dismiss previous pull request
			// review approvals"; require_code_owner_review "Require an approving
			// review in pull requests that modify files that have a designated
			// code owner"; require_last_push_approval "Whether the most recent
			// reviewable push must be approved by someone other than the person
			// who pushed it".
			cur.pullRequest = true
			if n, ok := ar.Parameters["required_approving_review_count"].(float64); ok {
				cur.approvals = max(cur.approvals, int(n))
			}
			cur.codeOwners = cur.codeOwners || flag("require_code_owner_review")
			cur.lastPush = cur.lastPush || flag("require_last_push_approval")
			cur.dismissStale = cur.dismissStale || flag("dismiss_stale_reviews_on_push")
		case "required_status_checks":
			// strict_required_status_checks_policy: "Whether pull requests
			// targeting a matching branch must be tested with the latest code."
			cur.strict = cur.strict || flag("strict_required_status_checks_policy")
			checks, _ := ar.Parameters["required_status_checks"].([]any)
			for _, c := range checks {
				if m, ok := c.(map[string]any); ok {
					if ctx, ok := m["context"].(string); ok && !slices.Contains(cur.contexts, ctx) {
						cur.contexts = append(cur.contexts, ctx)
					}
				}
			}
		}
	}
	return out
}

// bypasses reports whether login steps around the layer when merging: an
// administrator around classic protection without enforce_admins
// (adminBypassesProtection), a bypass actor of the ruleset, whether its
// bypass_mode is "always" or "pull_request" (REST docs, bypass_actors.bypass_mode:
// "pull_request means that an actor can only bypass rules on pull requests"):
// gh's `pr merge --admin`, "Use administrator privileges to merge a pull
// request that does not meet requirements". With bypass_actors empty nobody
// bypasses a ruleset, the repository's owner included (librefang/librefang#6340:
// "--admin cannot bypass the main ruleset … its bypass_actors list is empty";
// thomhurst/Dekaf#1059: an owner's token with bypass "always" merges).
func (s *store) bypassesLayer(r *repo, l *mergeLayer, login string) bool {
	if login == "" {
		return false
	}
	if l.prot != nil {
		return s.adminBypassesProtection(r, l.prot, login)
	}
	return s.bypasses(l.set, r, login) || s.canBypass(l.set, r, login) == "pull_requests_only"
}

// approvers are the users whose latest review of the pull request approves
// it, in the order they first reviewed; the author's own never counts ("Can
// not approve your own pull request"), and a dismissed approval no longer does.
func approvers(p *pull) []string {
	latest := map[string]string{}
	var order []string
	for _, rv := range p.Reviews {
		if strings.EqualFold(rv.User, p.Author) {
			continue
		}
		switch rv.State {
		case "APPROVED", "CHANGES_REQUESTED", "DISMISSED":
			if _, seen := latest[rv.User]; !seen {
				order = append(order, rv.User)
			}
			latest[rv.User] = rv.State
		}
	}
	var out []string
	for _, u := range order {
		if latest[u] == "APPROVED" {
			out = append(out, u)
		}
	}
	return out
}

// changesRequested reports whether some reviewer's latest opinion asks for changes.
func changesRequested(p *pull) bool {
	latest := map[string]string{}
	for _, rv := range p.Reviews {
		switch rv.State {
		case "APPROVED", "CHANGES_REQUESTED", "DISMISSED":
			latest[rv.User] = rv.State
		}
	}
	for _, st := range latest {
		if st == "CHANGES_REQUESTED" {
			return true
		}
	}
	return false
}

// unmetRequirement is one thing a pull request lacks, in GitHub's words.
type unmetRequirement struct {
	layer  *mergeLayer
	msg    string
	behind bool // only the head's being behind the base (strict status checks)
	review bool // a review requirement (approvals, code owners, last push)
}

// unmet lists what the pull request lacks under the layers login does not
// bypass (login "": every layer, as mergeStateStatus shows it). Within a
// layer: reviews, then code owners, then the most recent push's approval, then
// required checks on the head, then a head behind the base under strict checks.
func (r *repo) unmet(p *pull, login string) []unmetRequirement {
	head := r.headSHA(p)
	ok := approvers(p)
	var out []unmetRequirement
	for _, l := range r.mergeLayers(p.Base) {
		if r.st.bypassesLayer(r, l, login) {
			continue
		}
		if l.approvals > 0 && (len(ok) < l.approvals || changesRequested(p)) {
			// 405 "At least 1 approving review is required by reviewers with
			// write access." (Reviewable/Reviewable#561); the plural follows it.
			msg := "At least 1 approving review is required by reviewers with write access."
			if l.approvals > 1 {
				msg = fmt.Sprintf("At least %d approving reviews are required by reviewers with write access.", l.approvals)
			}
			out = append(out, unmetRequirement{layer: l, msg: msg, review: true})
		}
		if l.codeOwners {
			if waiting := r.waitingOnCodeOwners(p, ok); len(waiting) > 0 {
				// The merge box's reason, as GitHub also gives it to
				// enqueuePullRequest: "Waiting on code owner review from …"
				// (github/app#93).
				out = append(out, unmetRequirement{layer: l, msg: "Waiting on code owner review from " + strings.Join(waiting, ", ") + ".", review: true})
			}
		}
		if l.lastPush && !r.lastPushApproved(p, head) {
			// The emulator's words: GitHub's answer to this refusal was not found.
			out = append(out, unmetRequirement{layer: l, msg: "The most recent push must be approved by someone other than the person who pushed it.", review: true})
		}
		if msg := r.missingChecks(head, l.contexts); msg != "" {
			out = append(out, unmetRequirement{layer: l, msg: msg})
		}
		if l.strict && !r.git.isAncestor(r.git.branchSHA(p.Base), head) {
			// "the head branch is not up to date with the base branch", as a
			// refused merge reads to users (brig-sh/brig#157).
			out = append(out, unmetRequirement{layer: l, msg: "Head branch is not up to date with the base branch.", behind: true})
		}
	}
	return out
}

// refusal is GitHub's answer to merging or queueing with requirements unmet,
// "" when none is: classic protection answers with its first requirement's
// sentence (405 `Required status check "X" is expected.`, bors-ng/bors-ng#1493;
// "At least 1 approving review is required …", Reviewable/Reviewable#561),
// a ruleset with "Repository rule violations found" and one line per unmet
// rule (GraphQL `Repository rule violations found\nRequired status check
// "CI Gate" is expected.\n`, librefang/librefang#6340; REST 405 the same,
// akuity/kargo#6397).
func refusal(unmet []unmetRequirement) string {
	if len(unmet) == 0 {
		return ""
	}
	if unmet[0].layer.prot != nil {
		return unmet[0].msg
	}
	var b strings.Builder
	b.WriteString("Repository rule violations found\n")
	for _, u := range unmet {
		if u.layer.prot == nil {
			b.WriteString(u.msg + "\n")
		}
	}
	return b.String()
}

// lastPushApproved reports whether someone other than the head's last pusher
// approved the pull request at its current head.
func (r *repo) lastPushApproved(p *pull, head string) bool {
	ok := approvers(p)
	for _, rv := range p.Reviews {
		if rv.State == "APPROVED" && rv.CommitID == head && slices.Contains(ok, rv.User) && !strings.EqualFold(rv.User, p.lastPusher) {
			return true
		}
	}
	return false
}

// notePullPushes records, for every open pull request whose head moved since
// last seen, who pushed it, and dismisses its approvals where a layer of its
// base dismisses stale reviews (REST docs: dismiss_stale_reviews_on_push "New,
// reviewable commits pushed will dismiss previous pull request review
// approvals"; "Update branch protection", dismiss_stale_reviews "Set to true if
// you want to automatically dismiss approving reviews when someone pushes a
// new commit"). A dismissed review reads DISMISSED (PullRequestReviewState
// DISMISSED: "A review that has been dismissed"). Reviews asking for changes
// stay: only approvals are dismissed.
func (s *store) notePullPushes(r *repo, actor string) {
	for _, is := range r.issues {
		p := is.pr
		if p == nil || is.State != "open" {
			continue
		}
		head := r.headSHA(p)
		if head == p.seenHead {
			continue
		}
		p.seenHead, p.lastPusher = head, actor
		dismiss := false
		for _, l := range r.mergeLayers(p.Base) {
			dismiss = dismiss || l.dismissStale
		}
		if !dismiss {
			continue
		}
		for _, rv := range p.Reviews {
			if rv.State == "APPROVED" && rv.CommitID != head {
				rv.State = "DISMISSED"
			}
		}
	}
}

// codeOwnersFile is the base branch's CODEOWNERS: GitHub docs, "About code
// owners": "To use a CODEOWNERS file, create a new file called CODEOWNERS in
// the .github/, root, or docs/ directory of the repository, in the branch
// where you'd like to add the code owners. If CODEOWNERS files exist in more
// than one of those locations, GitHub will search for them in that order and
// use the first one it finds."
func (r *repo) codeOwnersFile(sha string) []byte {
	for _, p := range []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"} {
		if b, err := r.git.readFile(sha, p); err == nil {
			return b
		} else if err != os.ErrNotExist {
			return nil
		}
	}
	return nil
}

// codeOwnerRule is one line of a CODEOWNERS file.
type codeOwnerRule struct {
	pattern string
	owners  []string // @login, @org/team-slug or an email address
}

func parseCodeOwners(b []byte) []codeOwnerRule {
	var out []codeOwnerRule
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		out = append(out, codeOwnerRule{pattern: f[0], owners: f[1:]})
	}
	return out
}

// codeOwnerMatch reports whether a CODEOWNERS pattern matches the file, with
// "most of the same rules used in gitignore files" ("About code owners",
// "CODEOWNERS syntax"): a pattern with a slash at its start or in its middle
// is anchored at the repository's root, others match at any depth; a
// trailing slash matches a directory's contents; a pattern matching a
// directory owns everything beneath it; "*" stays within a path segment and
// "**" spans segments (refPatternMatch's segment matching); "docs/*" owns
// docs/getting-started.md but not docs/build-app/troubleshooting.md.
func codeOwnerMatch(pattern, file string) bool {
	dirOnly := strings.HasSuffix(pattern, "/")
	p := strings.TrimSuffix(pattern, "/")
	anchored := strings.HasPrefix(p, "/") || strings.Contains(strings.TrimPrefix(p, "/"), "/")
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return false
	}
	segs := strings.Split(p, "/")
	if !anchored {
		segs = append([]string{"**"}, segs...)
	}
	name := strings.Split(file, "/")
	if !dirOnly && matchSegments(segs, name) {
		return true
	}
	// A directory the pattern matches owns what is beneath it; a last
	// segment "*" matches files only, one level down (docs/* above).
	if segs[len(segs)-1] == "*" {
		return false
	}
	for n := 1; n < len(name); n++ {
		if matchSegments(segs, name[:n]) {
			return true
		}
	}
	return false
}

// codeOwnersOf are the owners of a file: those of the last matching rule
// ("the last matching pattern takes the most precedence"), none when that
// rule names none.
func codeOwnersOf(rules []codeOwnerRule, file string) []string {
	for i := len(rules) - 1; i >= 0; i-- {
		if codeOwnerMatch(rules[i].pattern, file) {
			return rules[i].owners
		}
	}
	return nil
}

// ownerApproved reports whether one of the users in ok is the owner: the user
// @login, a member of the team @org/slug, or the user of an email address.
func (r *repo) ownerApproved(owner string, ok []string) bool {
	for _, u := range ok {
		switch {
		case strings.HasPrefix(owner, "@") && strings.Contains(owner, "/"):
			orgName, slug, _ := strings.Cut(owner[1:], "/")
			if o := r.st.org(orgName); o != nil {
				if t := o.teamOrNil(slug); t != nil {
					if _, member := t.members[strings.ToLower(u)]; member {
						return true
					}
				}
			}
		case strings.HasPrefix(owner, "@"):
			if strings.EqualFold(owner[1:], u) {
				return true
			}
		default:
			if cu := r.st.commitUser(owner); cu != nil && strings.EqualFold(cu.Login, u) {
				return true
			}
		}
	}
	return false
}

// waitingOnCodeOwners are the owners (as CODEOWNERS names them) of changed
// files none of whose owners has approved, each once: "If a file has a code
// owner, … the pull request needs an approving review from a code owner"
// ("About code owners", with "Require review from Code Owners").
func (r *repo) waitingOnCodeOwners(p *pull, ok []string) []string {
	base := r.git.branchSHA(p.Base)
	rules := parseCodeOwners(r.codeOwnersFile(base))
	if len(rules) == 0 {
		return nil
	}
	head := r.headSHA(p)
	files, _ := r.git.diffFiles(r.git.mergeBase(base, head), head)
	var waiting []string
	for _, f := range files {
		owners := codeOwnersOf(rules, f.Filename)
		if len(owners) == 0 || slices.ContainsFunc(owners, func(o string) bool { return r.ownerApproved(o, ok) }) {
			continue
		}
		for _, o := range owners {
			if !slices.Contains(waiting, o) {
				waiting = append(waiting, o)
			}
		}
	}
	return waiting
}

// queueBypassed reports whether login bypasses every active ruleset on the
// branch that holds a merge_queue rule.
func (r *repo) queueBypassed(branch, login string) bool {
	found := false
	for _, ar := range r.branchRules(branch) {
		if ar.Type != "merge_queue" {
			continue
		}
		found = true
		if !r.st.bypassesLayer(r, &mergeLayer{set: ar.set}, login) {
			return false
		}
	}
	return found
}

// canMergeAsAdmin reports whether login may merge the pull request now by
// stepping around its requirements: none is left that login does not bypass,
// and login is the repository's administrator or bypasses some layer.
func (r *repo) canMergeAsAdmin(p *pull, login string) bool {
	if len(r.unmet(p, login)) > 0 {
		return false
	}
	if r.st.repoRole(r, login) == "admin" {
		return true
	}
	for _, l := range r.mergeLayers(p.Base) {
		if r.st.bypassesLayer(r, l, login) {
			return true
		}
	}
	return false
}
