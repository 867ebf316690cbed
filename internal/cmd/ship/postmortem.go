package ship

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// postMortemMarker ties a post-mortem issue to its pull request, so a re-run
// finds it instead of opening a second one.
func postMortemMarker(pr int) string { return fmt.Sprintf("<!-- gh-hotfix:post-mortem pr=%d -->", pr) }

// wantsPostMortem: --post-mortem decides, else the config.
func (s *shipper) wantsPostMortem() bool {
	if s.opts.PostMortem != nil {
		return *s.opts.PostMortem
	}
	return s.cfg.PostMortem.Enabled
}

// checkIssues refuses, before anything changes, a post-mortem on a repository
// with issues turned off: GitHub would refuse the issue after the release.
func (s *shipper) checkIssues() error {
	if s.state == nil || s.state.IssuesEnabled || !s.wantsPostMortem() {
		return nil
	}
	return s.issuesDisabled()
}

// issuesDisabled is the one line saying that the post-mortem cannot be opened
// because the repository has issues turned off, and the two ways on.
func (s *shipper) issuesDisabled() error {
	why, without := "--post-mortem", s.again(func(o *ShipOptions) { o.PostMortem = nil })
	if s.opts.PostMortem == nil || (s.cfg.PostMortem.Enabled && !*s.opts.PostMortem) {
		why = "post_mortem.enabled in " + s.configSource()
	}
	if s.cfg.PostMortem.Enabled {
		off := false
		without = s.again(func(o *ShipOptions) { o.PostMortem = &off })
	}
	return fmt.Errorf("%s/%s has issues turned off, so the post-mortem issue (%s) cannot be opened: turn them on (gh repo edit %s/%s --enable-issues) or run %s",
		s.repo.Owner, s.repo.Name, why, s.repo.Owner, s.repo.Name, without)
}

// postMortem opens the post-mortem issue the seed asks for after a deploy: the
// links, the timeline and the questions, once per hotfix.
func (s *shipper) postMortem(ctx context.Context) error {
	labels := s.cfg.PostMortem.Labels
	found, err := s.findPostMortem(ctx)
	if err != nil {
		return err
	}
	if found != nil {
		s.done("Post-mortem issue #%d exists: %s", found.Number, found.URL)
		s.postMortemURL = found.URL
		return nil
	}
	s.readRun(ctx)
	body, err := s.postMortemBody(ctx)
	if err != nil {
		return err
	}
	for _, l := range labels {
		if err := s.gh.EnsureLabel(ctx, s.repo.Owner, s.repo.Name, github.Label{Name: l, Color: "5319e7", Description: "Analysis after a hotfix"}); err != nil {
			return fmt.Errorf("creating the label %q: %w", l, err)
		}
	}
	title := "Post-mortem: " + strings.TrimPrefix(s.pr.Title, "Hotfix: ")
	var created github.Issue
	// At most two sends, the second only after looking proved the first did nothing.
	for attempt := 1; attempt <= 2; attempt++ {
		created, err = s.gh.CreateIssue(ctx, s.repo.Owner, s.repo.Name, title, body, labels)
		if err == nil || !github.IsTransient(err) {
			break
		}
		again, ferr := s.findPostMortem(ctx)
		if ferr != nil {
			break
		}
		if again != nil {
			created, err = *again, nil
			break
		}
	}
	if errors.Is(err, github.ErrIssuesDisabled) {
		// Issues were turned off since ship checked (410 "Issues are disabled for this repo").
		return s.issuesDisabled()
	}
	if err != nil {
		return fmt.Errorf("opening the post-mortem issue: %w", err)
	}
	s.postMortemURL = created.URL
	s.done("Opened post-mortem issue #%d: %s", created.Number, created.URL)
	return nil
}

// findPostMortem finds the hotfix's post-mortem issue by its record (the marker
// in its body), whatever its labels are now, among the issues updated since
// the merge (a post-mortem is opened after it).
func (s *shipper) findPostMortem(ctx context.Context) (*github.Issue, error) {
	var since time.Time
	if s.pr.MergedAt != nil {
		since = *s.pr.MergedAt
	}
	is, err := s.gh.IssueWithMarker(ctx, s.repo.Owner, s.repo.Name, since, postMortemMarker(s.pr.Number))
	if err != nil {
		return nil, fmt.Errorf("looking for the post-mortem issue: %w", err)
	}
	return is, nil
}

// postMortemBody fills the repository's template (post_mortem.template, read
// with the config by readTemplates) or ours; see postMortemValues for the
// placeholders.
func (s *shipper) postMortemBody(ctx context.Context) (string, error) {
	tmpl := defaultPostMortem
	if s.isExceptional() {
		tmpl = defaultExceptionalPostMortem
	}
	if s.cfg.PostMortem.Template != "" {
		if s.postMortemTemplate == nil {
			if err := s.readTemplates(ctx); err != nil {
				return "", err
			}
		}
		if s.postMortemTemplate != nil {
			tmpl = *s.postMortemTemplate
		}
	}
	return fillTemplate(tmpl, s.postMortemValues()) + "\n" + postMortemMarker(s.pr.Number) + "\n", nil
}

// postMortemValues are the values of the post-mortem template's placeholders
// (postMortemPlaceholders). A hotfix released from main has no tag, release
// line or forward-port of its own: those read "n/a".
func (s *shipper) postMortemValues() map[string]string {
	run := "not released by gh hotfix"
	if s.release != nil && s.release.RunURL != "" {
		run = s.release.RunURL
	}
	v := map[string]string{"title": strings.TrimPrefix(s.pr.Title, "Hotfix: "), "pr": s.pr.URL,
		"merge_commit": s.pr.MergeCommit, "release_run": run, "timeline": s.timeline(),
		"tag": "n/a", "from_tag": "n/a", "release_line": "n/a", "maintenance_branch": "n/a", "forward_port": "n/a"}
	if e := s.exc; e != nil {
		v["tag"] = "not decided (no release yet)"
		if e.tag != "" {
			v["tag"] = e.tag
		}
		v["from_tag"], v["release_line"], v["maintenance_branch"] = s.meta.FromTag, e.from.LinePrefix()+"*", s.base
		if s.meta.FromTag == "" { // ship --pr of a pull request merged into the line
			v["from_tag"] = "n/a"
		}
		switch fw := e.forward; {
		case fw == nil:
			v["forward_port"] = "not opened yet"
		case fw.NotNeeded:
			v["forward_port"] = "not needed: " + e.mainline + " had the changes already"
		case fw.Now == hotfix.ForwardPortConflicts:
			v["forward_port"] = fw.URL + " (into " + e.mainline + "; conflicts to resolve)"
		default:
			v["forward_port"] = fw.URL + " (into " + e.mainline + ")"
		}
	}
	return v
}

// readRun completes the release run's record with its creation time when only
// its record is known (a run just dispatched, without --watch), for the
// timeline's "Release run started". One request; where the run stands is left
// as ship judged it (the outcome and the summary agree with it). Without an
// answer the timeline says less.
func (s *shipper) readRun(ctx context.Context) {
	if s.release == nil || s.release.RunID == 0 || (s.runInfo != nil && !s.runInfo.CreatedAt.IsZero()) {
		return
	}
	run, err := s.gh.WorkflowRun(ctx, s.repo.Owner, s.repo.Name, s.release.RunID)
	if err != nil || run.ID == 0 {
		return
	}
	if s.runInfo == nil {
		s.runInfo = &run
		return
	}
	s.runInfo.CreatedAt = run.CreatedAt
}

// timeline lists what is known of the hotfix's times, with the time to restore.
func (s *shipper) timeline() string {
	type event struct {
		what string
		at   time.Time
	}
	var events []event
	add := func(what string, at time.Time) {
		if !at.IsZero() {
			events = append(events, event{what, at})
		}
	}
	add("Hotfix branch created", s.meta.Created)
	add("Pull request opened", s.pr.CreatedAt)
	if s.pr.MergedAt != nil {
		add("Merged", *s.pr.MergedAt)
	}
	var restored time.Time
	notRestored := "no release run is recorded"
	if run := s.runInfo; run != nil {
		add("Release run started", run.CreatedAt)
		if run.RunAttempt > 1 {
			add(fmt.Sprintf("Release run re-run (attempt %d)", run.RunAttempt), run.RunStartedAt)
		}
		switch {
		case run.Succeeded():
			add("Release run finished (success)", run.UpdatedAt)
			restored = run.UpdatedAt
		case run.Failed():
			add("Release run finished ("+run.Conclusion+")", run.UpdatedAt)
			notRestored = "not yet: the release run finished with " + run.Conclusion + " (gh hotfix ship --retry re-runs its failed jobs)"
		default:
			notRestored = "the release run is still " + strings.ReplaceAll(run.Status, "_", " ")
		}
	}
	var b strings.Builder
	b.WriteString("| When (UTC) | What |\n|---|---|\n")
	for _, e := range events {
		fmt.Fprintf(&b, "| %s | %s |\n", e.at.UTC().Format("2006-01-02 15:04:05"), e.what)
	}
	if len(events) > 0 && !restored.IsZero() {
		fmt.Fprintf(&b, "\n**Time to restore** (branch created → release finished): %s\n", restored.Sub(events[0].at).Round(time.Second))
	} else {
		fmt.Fprintf(&b, "\n**Time to restore:** %s; add it when production is fixed.\n", notRestored)
	}
	return b.String()
}

const defaultPostMortem = `## Post-mortem: {{title}}

- Pull request: {{pr}}
- Merge commit: {{merge_commit}}
- Release run: {{release_run}}
` + postMortemRest

// defaultExceptionalPostMortem is defaultPostMortem for a hotfix from a release
// tag: the tag it released, its line and the forward-port to main too.
const defaultExceptionalPostMortem = `## Post-mortem: {{title}}

- Pull request: {{pr}} (into {{maintenance_branch}})
- Merge commit: {{merge_commit}}
- Hotfix tag: {{tag}}, on the release line {{release_line}} (from {{from_tag}})
- Release run: {{release_run}}
- Forward-port: {{forward_port}}
` + postMortemRest

const postMortemRest = `
### Timeline
{{timeline}}
### Questions
- What happened, and what was the impact on users?
- How was it detected, and how long until someone acted?
- What was the root cause? Why did tests and review not catch it?
- Was main releasable when the hotfix was needed? If not, what stood in the way?
- What went well in the hotfix process, and what slowed it down?
- Which follow-ups prevent it from happening again? (link issues)
`
