// Package notify tells the team's chat about a hotfix: one message per event
// (opened, merged, released, ...) to each webhook the config's notify list
// names, in the format its kind takes (Slack, Microsoft Teams, or a plain
// JSON object). A webhook that fails is warned about and never fails the
// hotfix; a webhook's URL is a credential and appears in no output.
package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
)

// The events of a hotfix, as the config names them (config.NotifyEvents).
const (
	Created          = "created"           // gh hotfix create made the branch
	Opened           = "opened"            // ship opened the pull request
	Merged           = "merged"            // the pull request is merged
	ReleaseStarted   = "release_started"   // the release run was dispatched or found
	AwaitingApproval = "awaiting_approval" // the release run waits for a deployment's reviewers
	Released         = "released"          // the release run succeeded
	ReleaseFailed    = "release_failed"    // the release run failed
	PostMortem       = "post_mortem"       // the post-mortem issue was opened
	// Test is doctor --test-notify's message; no config names it.
	Test = "test"
)

// Message is what a webhook is told of one event of one hotfix. Empty fields
// are left out of every format.
type Message struct {
	Event      string
	Repository string // OWNER/REPO
	Number     int    // the hotfix's pull request; 0 before it exists
	URL        string // the pull request's web address
	Title      string // the pull request's title, or the description before it exists
	Branch     string
	Base       string
	Tag        string // the release tag, when known (exceptional process)
	RunURL     string // the release run
	PostMortem string // the post-mortem issue's address
	Actor      string // who ran gh hotfix, when known
	Time       time.Time
}

// JSONSchema names the version of the json kind's object; a field is only
// ever added to it.
const JSONSchema = "gh-hotfix.notify/v1"

// jsonPayload is the json kind's object (see README, "Team notifications").
type jsonPayload struct {
	Schema      string     `json:"schema"`
	Event       string     `json:"event"`
	Repository  string     `json:"repository"`
	PullRequest *jsonPull  `json:"pull_request,omitempty"`
	Title       string     `json:"title"`
	Branch      string     `json:"branch,omitempty"`
	Base        string     `json:"base,omitempty"`
	Tag         string     `json:"tag,omitempty"`
	RunURL      string     `json:"run_url,omitempty"`
	PostMortem  string     `json:"post_mortem_url,omitempty"`
	Actor       string     `json:"actor,omitempty"`
	Time        string     `json:"time"`
	Text        string     `json:"text"`
	Links       []jsonLink `json:"links"`
}

type jsonPull struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
	Title  string `json:"title"`
}

type jsonLink struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// headline says what happened, in one line without links.
func (m Message) headline() string {
	subject := "Hotfix"
	if m.Number > 0 {
		subject = fmt.Sprintf("Hotfix #%d", m.Number)
	}
	switch m.Event {
	case Created:
		return fmt.Sprintf("Hotfix started in %s: branch %s from %s", m.Repository, m.Branch, m.Base)
	case Opened:
		return fmt.Sprintf("%s opened in %s, into %s", subject, m.Repository, m.Base)
	case Merged:
		return fmt.Sprintf("%s merged into %s in %s", subject, m.Base, m.Repository)
	case ReleaseStarted:
		return fmt.Sprintf("%s: release started in %s%s", subject, m.Repository, m.tagSuffix())
	case AwaitingApproval:
		return fmt.Sprintf("%s: release awaiting approval in %s%s", subject, m.Repository, m.tagSuffix())
	case Released:
		return fmt.Sprintf("%s released in %s%s", subject, m.Repository, m.tagSuffix())
	case ReleaseFailed:
		return fmt.Sprintf("%s: release FAILED in %s%s", subject, m.Repository, m.tagSuffix())
	case PostMortem:
		return fmt.Sprintf("%s: post-mortem opened in %s", subject, m.Repository)
	case Test:
		return fmt.Sprintf("Test message from gh hotfix doctor for %s: this webhook works", m.Repository)
	}
	return fmt.Sprintf("%s: %s in %s", subject, m.Event, m.Repository)
}

func (m Message) tagSuffix() string {
	if m.Tag == "" {
		return ""
	}
	return " (" + m.Tag + ")"
}

// icon marks the event in chat.
func (m Message) icon() string {
	switch m.Event {
	case Released:
		return "✅"
	case ReleaseFailed:
		return "❌"
	case AwaitingApproval:
		return "⏸️"
	case PostMortem:
		return "📝"
	case Test:
		return "🔔"
	}
	return "🚑"
}

// links are what a responder clicks, in the order they matter.
func (m Message) links() []jsonLink {
	var l []jsonLink
	if m.URL != "" {
		l = append(l, jsonLink{"Pull request", m.URL})
	}
	if m.RunURL != "" {
		l = append(l, jsonLink{"Release run", m.RunURL})
	}
	if m.PostMortem != "" {
		l = append(l, jsonLink{"Post-mortem", m.PostMortem})
	}
	return l
}

// text is the plain text of the message: the headline, the title, the links.
func (m Message) text() string {
	var b strings.Builder
	b.WriteString(m.icon() + " " + m.headline())
	if m.Title != "" && m.Event != Test {
		b.WriteString("\n" + m.Title)
	}
	for _, l := range m.links() {
		b.WriteString("\n" + l.Name + ": " + l.URL)
	}
	return b.String()
}

func (m Message) when() string {
	t := m.Time
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(time.RFC3339)
}

// Payload is the request body for a webhook of kind.
func Payload(kind string, m Message) ([]byte, error) {
	switch kind {
	case config.NotifySlack:
		return json.Marshal(slackPayload(m))
	case config.NotifyTeams:
		return json.Marshal(teamsPayload(m))
	case config.NotifyJSON:
		p := jsonPayload{Schema: JSONSchema, Event: m.Event, Repository: m.Repository, Title: m.Title, Branch: m.Branch,
			Base: m.Base, Tag: m.Tag, RunURL: m.RunURL, PostMortem: m.PostMortem, Actor: m.Actor, Time: m.when(),
			Text: m.text(), Links: m.links()}
		if p.Links == nil {
			p.Links = []jsonLink{}
		}
		if m.Number > 0 {
			p.PullRequest = &jsonPull{Number: m.Number, URL: m.URL, Title: m.Title}
		}
		return json.Marshal(p)
	}
	return nil, fmt.Errorf("unknown webhook kind %q", kind)
}

// slackPayload follows Slack's incoming webhooks
// (https://api.slack.com/messaging/webhooks): "text" is the notification's
// fallback, "blocks" the message (Block Kit: a section in mrkdwn with the
// links as <url|name>, a context with the details).
func slackPayload(m Message) map[string]any {
	var b strings.Builder
	b.WriteString(m.icon() + " *" + slackEscape(m.headline()) + "*")
	if m.Title != "" && m.Event != Test {
		if m.URL != "" {
			fmt.Fprintf(&b, "\n<%s|%s>", m.URL, slackEscape(m.Title))
		} else {
			b.WriteString("\n" + slackEscape(m.Title))
		}
	}
	blocks := []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": b.String()}}}
	if links := m.links(); len(links) > 0 {
		var parts []string
		for _, l := range links {
			parts = append(parts, fmt.Sprintf("<%s|%s>", l.URL, l.Name))
		}
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": strings.Join(parts, " · ")}})
	}
	var details []string
	for _, d := range m.details() {
		details = append(details, "*"+d[0]+":* "+slackEscape(d[1]))
	}
	if len(details) > 0 {
		blocks = append(blocks, map[string]any{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": strings.Join(details, "  ")}}})
	}
	return map[string]any{"text": m.text(), "blocks": blocks}
}

// slackEscape escapes the three characters Slack's mrkdwn gives a meaning
// (https://api.slack.com/reference/surfaces/formatting#escaping).
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// details are the facts under the headline.
func (m Message) details() [][2]string {
	var d [][2]string
	add := func(k, v string) {
		if v != "" {
			d = append(d, [2]string{k, v})
		}
	}
	add("Branch", m.Branch)
	add("Base", m.Base)
	add("Tag", m.Tag)
	add("By", m.Actor)
	add("At", m.when())
	return d
}

// teamsPayload follows Microsoft's "Create incoming webhooks with Workflows
// for Microsoft Teams" and "Send Adaptive Cards using an Incoming Webhook": a
// message whose attachment is an Adaptive Card (a TextBlock headline, the
// title, a FactSet, and an Action.OpenUrl per link), which both the
// Workflows webhook and the older incoming webhook connectors accept.
func teamsPayload(m Message) map[string]any {
	body := []any{map[string]any{"type": "TextBlock", "text": m.icon() + " " + m.headline(), "weight": "Bolder", "size": "Medium", "wrap": true}}
	if m.Title != "" && m.Event != Test {
		body = append(body, map[string]any{"type": "TextBlock", "text": m.Title, "wrap": true})
	}
	var facts []any
	for _, d := range m.details() {
		facts = append(facts, map[string]any{"title": d[0], "value": d[1]})
	}
	if len(facts) > 0 {
		body = append(body, map[string]any{"type": "FactSet", "facts": facts})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body":    body,
	}
	var actions []any
	for _, l := range m.links() {
		actions = append(actions, map[string]any{"type": "Action.OpenUrl", "title": l.Name, "url": l.URL})
	}
	if len(actions) > 0 {
		card["actions"] = actions
	}
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"contentUrl":  nil,
			"content":     card,
		}},
	}
}
