package ship

import "github.com/gh-hotfix/gh-hotfix/internal/notify"

// standardProcess is the seed's normal process, as ship runs it: the fix goes
// into the base by a pull request, and the base's release workflow releases
// it. Read top to bottom; every step is skipped when GitHub and git show it
// done, so a ship that stopped anywhere continues where it stopped.
func standardProcess() []step {
	return []step{
		pushBranch{},                // clean, ahead of the base, releasable base, size limits; push (never force)
		openPull{},                  // the pull request into the base, or the open one
		tell{notify.Opened},         // notify: the webhooks that want the event, once per hotfix
		labelPull{},                 // the hotfix label; reviews from --reviewer and the config
		noteReverted{},              // a revert (gh hotfix revert): say so once on the reverted pull request
		autoMergePull{},             // --auto: auto-merge, or merge now when it can be merged
		waitForMerge{},              // until merged; --no-wait stops here
		tell{notify.Merged},         // notify
		releaseMerge{},              // the release workflow on the base, exactly once (release.Protocol)
		tell{notify.ReleaseStarted}, // notify
		followRelease{},             // --watch: the run to its end
		tellOutcomeStep{},           // released or release_failed, once the run ended
		openPostMortem{},            // --post-mortem or the config: the issue with the timeline
		tell{notify.PostMortem},     // notify
	}
}
