package hotfix

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ReleaseMarker is the record of a release, kept in a comment on the hotfix's pull
// request. The comment is how the team learns about the release, and it is also
// how gh hotfix knows, on any machine and after any interruption, that a merged
// hotfix has already been released:
//
//   - before dispatching, ship posts the comment with State "dispatching" and the
//     time; a re-run that finds such a comment without a run looks for runs of the
//     workflow created since then before it would ever dispatch again;
//   - after dispatching, the same comment is edited to State "dispatched" with the
//     run's ID and URL;
//   - a comment in either state means: never dispatch again for this merge commit.
type ReleaseMarker struct {
	State    string    `json:"state"` // "dispatching" or "dispatched"
	MergeSHA string    `json:"merge_sha"`
	Workflow string    `json:"workflow"` // file name, e.g. release.yml
	Ref      string    `json:"ref"`      // branch the workflow was dispatched on
	Since    time.Time `json:"since"`    // when the dispatch was decided (runs created after it are candidates)
	RunID    int64     `json:"run_id,omitempty"`
	RunURL   string    `json:"run_url,omitempty"`
	// Tag is the hotfix tag the release creates (exceptional process), decided
	// once, before the dispatch: a re-run releases with the same tag, never the next.
	Tag string `json:"tag,omitempty"`
	// TagByRun: the release is a run of the hotfix workflow ship adopted, whose
	// tag input GitHub's run API does not show. Tag is then the line's tag at
	// the run's commit once the run created it, and "" until then: never one
	// ship decided.
	TagByRun bool `json:"tag_by_run,omitempty"`
	// Attempt is the run's attempt ship started last: 2 and more after
	// ship --retry re-ran its failed jobs; 0 or 1 for the dispatched run.
	Attempt int `json:"attempt,omitempty"`
	// Forced names the failing checks of the merge commit that ship --force
	// released despite.
	Forced []string `json:"forced,omitempty"`
	// Adopted is the event of a release run ship found on GitHub and recorded
	// instead of dispatching ("push", "workflow_dispatch"); "" when ship
	// dispatched the run itself.
	Adopted   string `json:"adopted,omitempty"`
	CommentID int64  `json:"-"` // the comment holding the marker, when read from GitHub
}

const markerPrefix = "<!-- gh-hotfix:release "

var markerRE = regexp.MustCompile(`<!-- gh-hotfix:release (\{[^\n]*?\}) -->`)

// Encode renders the marker as an HTML comment, invisible on GitHub.
func (m ReleaseMarker) Encode() string {
	b, _ := json.Marshal(m)
	return markerPrefix + string(b) + " -->"
}

// ParseReleaseMarker finds a marker in a comment body.
func ParseReleaseMarker(body string) (ReleaseMarker, bool) {
	if !strings.Contains(body, markerPrefix) {
		return ReleaseMarker{}, false
	}
	m := markerRE.FindStringSubmatch(body)
	if m == nil {
		return ReleaseMarker{}, false
	}
	var rm ReleaseMarker
	if err := json.Unmarshal([]byte(m[1]), &rm); err != nil || rm.MergeSHA == "" {
		return ReleaseMarker{}, false
	}
	return rm, true
}

// ReleaseComment is the comment body ship posts on the pull request.
func ReleaseComment(m ReleaseMarker) string {
	var b strings.Builder
	switch m.State {
	case "dispatched":
		if m.Adopted != "" && m.Attempt <= 1 {
			fmt.Fprintf(&b, "🚀 **Release found** for this hotfix: %s (a %s run that contains the merge; ship dispatched nothing)\n\n", m.RunURL, strings.ReplaceAll(m.Adopted, "_", " "))
		} else if m.Attempt > 1 {
			fmt.Fprintf(&b, "🔁 **Release re-run** (attempt %d, its failed jobs again) for this hotfix: %s\n\n", m.Attempt, m.RunURL)
		} else {
			fmt.Fprintf(&b, "🚀 **Release started** for this hotfix: %s\n\n", m.RunURL)
		}
	default:
		fmt.Fprintf(&b, "🚀 **Releasing** this hotfix: dispatching `%s` on `%s`…\n\n", m.Workflow, m.Ref)
	}
	fmt.Fprintf(&b, "Workflow `%s` on `%s` at merge commit %s.\n\n", m.Workflow, m.Ref, m.MergeSHA)
	if len(m.Forced) > 0 {
		fmt.Fprintf(&b, "⚠️ Released with `--force` although checks failed on the merge commit: %s.\n\n", strings.Join(m.Forced, ", "))
	}
	switch {
	case m.TagByRun && m.Tag == "":
		b.WriteString("Hotfix tag: the one that run was dispatched with (GitHub's API does not show a run's inputs; `gh release list` shows it once the run created it). A forward-port pull request brings the fix to the main line.\n\n")
	case m.TagByRun:
		fmt.Fprintf(&b, "Hotfix tag: `%s` (created by that run). A forward-port pull request brings the fix to the main line.\n\n", m.Tag)
	case m.Tag != "":
		fmt.Fprintf(&b, "Hotfix tag: `%s` (the workflow creates it). A forward-port pull request brings the fix to the main line.\n\n", m.Tag)
	}
	b.WriteString("<sub>Posted by gh hotfix ship. This comment records the release: re-running ship never dispatches it again.</sub>\n")
	b.WriteString(m.Encode() + "\n")
	return b.String()
}
