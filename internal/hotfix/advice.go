package hotfix

// SetUpExceptional says how to set up the exceptional process, for messages.
const SetUpExceptional = "run gh hotfix init --workflows, commit .github/workflows/hotfix.yml and exceptional.workflow in .github/hotfix.yml on the default branch"

// FromReleaseAdvice says, in a refusal caused by an unreleasable base, how to hotfix the
// last release instead: with the exceptional process when it is set up, else how to set
// it up. onBranch is true when a hotfix branch from the base already exists (ship), whose
// commits then move to a branch made from the release.
func FromReleaseAdvice(setUp, onBranch bool) string {
	next := "gh hotfix create --from-latest-release (or --from-tag TAG)"
	if onBranch {
		next += " and cherry-pick your fix onto it"
	}
	if setUp {
		return "to hotfix the last release instead, run " + next
	}
	return "to hotfix the last release instead, " + SetUpExceptional + ", then run " + next
}
