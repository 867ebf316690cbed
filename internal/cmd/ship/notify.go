package ship

import (
	"context"
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/notify"
)

// notifier tells the config's webhooks (notify:) of the hotfix's events;
// nil when the config names none.
func (s *shipper) notifier() *notify.Notifier {
	if len(s.cfg.Notify) == 0 {
		return nil
	}
	return &notify.Notifier{Hooks: s.cfg.Notify, Getenv: s.f.Getenv, Sender: &notify.Sender{},
		Warn: func(line string) { s.warn("%s", line) }}
}

// tellTeam sends event to the webhooks that want it, once per hotfix across
// re-runs and machines: the event is claimed by a comment on the pull request
// before it is sent (notify.Claim, which says why at most once). Nothing here
// fails or blocks ship: a claim that cannot be posted or a webhook that
// fails is a warning.
func (s *shipper) tellTeam(ctx context.Context, event string) {
	n := s.notifier()
	if !n.Wants(event) || s.pr == nil || s.opts.DryRun || notify.Sent(s.pr.Comments, event) {
		return
	}
	hooks := n.For(event)
	if len(hooks) == 0 {
		return // no URL on this machine: another ship, where it is set, may still send it
	}
	won, err := notify.Claim(ctx, prThread{s}, s.pr.Comments, event)
	if err != nil {
		s.warn("Could not record the %s notification on #%d (%v): not sent, so that it is never sent twice", strings.ReplaceAll(event, "_", " "), s.pr.Number, err)
		return
	}
	if !won {
		return
	}
	if failed := n.Deliver(ctx, hooks, s.message(event)); failed < len(hooks) {
		s.done("Told the team: %s", strings.ReplaceAll(event, "_", " "))
	}
}

// AwaitingApproval is the hook for a release run that waits for a
// deployment's reviewers (run status "waiting"): it tells the team once.
// ship --watch calls it when it sees the status; a reader of the run's
// pending deployments may call it as well.
func (s *shipper) AwaitingApproval(ctx context.Context) {
	s.tellTeam(ctx, notify.AwaitingApproval)
}

// tellOutcome tells the team how the release run ended, once it has.
func (s *shipper) tellOutcome(ctx context.Context) {
	switch {
	case s.runInfo == nil || s.release == nil:
	case s.runInfo.Succeeded():
		s.tellTeam(ctx, notify.Released)
	case s.runInfo.Conclusion == "cancelled":
		// Cancelled by a newer run that contains the merge: that run releases
		// the hotfix, which has not failed, so release_failed is not sent (nor
		// released: this ship does not follow that run; gh run watch does).
		if newer, ours, err := s.superseded(ctx); err == nil && newer != nil && ours {
			return
		}
		s.tellTeam(ctx, notify.ReleaseFailed)
	case s.runInfo.Failed():
		s.tellTeam(ctx, notify.ReleaseFailed)
	}
}

// message is what the webhooks are told of event, with the links a
// responder clicks: the pull request, the release run, the post-mortem.
func (s *shipper) message(event string) notify.Message {
	m := notify.Message{Event: event, Repository: s.repo.Owner + "/" + s.repo.Name, Branch: s.branch, Base: s.base,
		PostMortem: s.postMortemURL, Time: s.f.Now()}
	if s.pr != nil {
		m.Number, m.URL, m.Title, m.Actor = s.pr.Number, s.pr.URL, s.pr.Title, s.pr.Author
	}
	if s.release != nil {
		m.RunURL, m.Tag = s.release.RunURL, s.release.Tag
	}
	if s.exc != nil && m.Tag == "" {
		m.Tag = s.exc.tag
	}
	return m
}

// tell is the step that tells the team of event, once per hotfix.
type tell struct{ event string }

func (t tell) describe(s *shipper) string {
	if s.pr != nil && notify.Sent(s.pr.Comments, t.event) {
		return fmt.Sprintf("Team told: %s (recorded on #%d)", strings.ReplaceAll(t.event, "_", " "), s.pr.Number)
	}
	return fmt.Sprintf("Tell the team's webhooks: %s (once, recorded on the pull request)", strings.ReplaceAll(t.event, "_", " "))
}

// applies: a webhook wants the event, and it has happened.
func (t tell) applies(s *shipper) bool {
	if !s.notifier().Wants(t.event) {
		return false
	}
	switch t.event {
	case notify.Opened:
		return s.pr != nil && s.prRef == nil // --pr ships a pull request merged as an ordinary change
	case notify.Merged:
		return merged(s)
	case notify.ReleaseStarted:
		return s.release != nil && s.release.RunURL != ""
	case notify.PostMortem:
		return s.postMortemURL != ""
	}
	return true
}

func (t tell) done(s *shipper) bool {
	return s.pr != nil && notify.Sent(s.pr.Comments, t.event)
}

func (tell) check(context.Context, *shipper) error { return nil }

func (t tell) run(ctx context.Context, s *shipper) error {
	s.tellTeam(ctx, t.event)
	return nil
}

// tellOutcomeStep tells released or release_failed once the run has ended.
type tellOutcomeStep struct{}

func (tellOutcomeStep) describe(*shipper) string {
	return "Tell the team's webhooks how the release run ended (once, recorded on the pull request)"
}

func (tellOutcomeStep) applies(s *shipper) bool {
	n := s.notifier()
	return (n.Wants(notify.Released) || n.Wants(notify.ReleaseFailed)) && s.runInfo != nil && s.runInfo.Status == "completed"
}

// done: the run's outcome was told. Each outcome is told once: a failed run
// re-run with --retry that then succeeds is told released after release failed.
func (tellOutcomeStep) done(s *shipper) bool {
	event := notify.ReleaseFailed
	if s.runInfo != nil && s.runInfo.Succeeded() {
		event = notify.Released
	}
	return s.pr != nil && notify.Sent(s.pr.Comments, event)
}

func (tellOutcomeStep) check(context.Context, *shipper) error { return nil }

func (tellOutcomeStep) run(ctx context.Context, s *shipper) error {
	s.tellOutcome(ctx)
	return nil
}
