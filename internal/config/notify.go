package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Notify is one webhook the team hears about hotfixes through.
type Notify struct {
	// WebhookEnv names the environment variable that holds the webhook's URL.
	// The URL itself is never in the file: a webhook URL is a credential
	// (anyone holding it may post to the channel), and the file is committed.
	WebhookEnv string
	// Kind is the message format the webhook takes: NotifySlack, NotifyTeams
	// or NotifyJSON.
	Kind string
	// Events are the events sent to it; nil means all of NotifyEvents.
	Events []string
}

// The kinds of webhook a notify entry may name.
const (
	NotifySlack = "slack" // a Slack incoming webhook
	NotifyTeams = "teams" // a Microsoft Teams incoming webhook or workflow
	NotifyJSON  = "json"  // any endpoint taking gh hotfix's own JSON object
)

// NotifyKinds are the accepted kinds, in the order messages name them.
var NotifyKinds = []string{NotifySlack, NotifyTeams, NotifyJSON}

// NotifyEvents are the events of a hotfix a webhook may be told of, in the
// order they happen.
var NotifyEvents = []string{"created", "opened", "merged", "release_started", "awaiting_approval", "released", "release_failed", "post_mortem"}

// Wants reports whether the entry sends event.
func (n Notify) Wants(event string) bool {
	return n.Events == nil || slices.Contains(n.Events, event)
}

var (
	notifyKeys = []string{"webhook_env", "kind", "events"}
	envNameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// looksLikeURL is true for a value that is a URL rather than a variable's
// name. The value is never repeated in the message: it may be the secret.
func looksLikeURL(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.Contains(l, "://") || strings.HasPrefix(l, "hooks.") || strings.Contains(l, ".com/") || strings.Contains(l, "webhook.office")
}

// notify reads the notify list: a list of mappings, each with webhook_env
// and kind, events optional (all when left out).
func (p *parser) notify(v *yaml.Node, key string) ([]Notify, error) {
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, p.errorf(v, key, "expected a list of webhooks like [{webhook_env: HOTFIX_SLACK_WEBHOOK, kind: slack}], got %s", describe(v))
	}
	var out []Notify
	seen := map[string]int{}
	for i, e := range v.Content {
		k := fmt.Sprintf("%s[%d]", key, i)
		if e.Kind == yaml.AliasNode {
			return nil, p.alias(e, k)
		}
		if e.Kind != yaml.MappingNode {
			return nil, p.errorf(e, k, "expected a mapping with webhook_env, kind and events, got %s", describe(e))
		}
		var n Notify
		err := p.fields(e, k, notifyKeys, func(f string, v *yaml.Node) error {
			var err error
			switch f {
			case "webhook_env":
				n.WebhookEnv, err = p.webhookEnv(v, k+"."+f)
			case "kind":
				n.Kind, err = p.notifyKind(v, k+"."+f)
			case "events":
				n.Events, err = p.list(v, k+"."+f, eventProblem)
				if err == nil && len(n.Events) == 0 {
					err = p.fail(v.Line, k+"."+f, "must name at least one event (leave the key out for all of them)")
				}
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		switch {
		case n.WebhookEnv == "":
			return nil, p.errorf(e, k, "webhook_env is missing: name the environment variable that holds the webhook URL")
		case n.Kind == "":
			return nil, p.errorf(e, k, "kind is missing: %s", orList(NotifyKinds, "or"))
		}
		if j, ok := seen[n.WebhookEnv]; ok {
			return nil, p.errorf(e, k, "webhook_env %s is already in the list (%s[%d])", n.WebhookEnv, key, j)
		}
		seen[n.WebhookEnv] = i
		out = append(out, n)
	}
	return out, nil
}

// webhookEnv reads the name of the variable holding a webhook URL, and
// refuses the URL itself without repeating it.
func (p *parser) webhookEnv(v *yaml.Node, key string) (string, error) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && looksLikeURL(v.Value) {
		return "", p.fail(v.Line, key, "this is a URL: name the environment variable that holds the webhook URL instead (e.g. HOTFIX_SLACK_WEBHOOK), and never commit the URL")
	}
	s, err := p.str(v, key)
	if err != nil {
		return "", err
	}
	if !envNameRE.MatchString(s) {
		return "", p.errorf(v, key, "%q is not an environment variable name (letters, digits and _, not starting with a digit)", shorten(s))
	}
	return s, nil
}

func (p *parser) notifyKind(v *yaml.Node, key string) (string, error) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && slices.Contains(NotifyKinds, v.Value) {
		return v.Value, nil
	}
	return "", p.errorf(v, key, "unknown kind %s: expected %s", describe(v), orList(NotifyKinds, "or"))
}

func eventProblem(s string) string {
	if slices.Contains(NotifyEvents, s) {
		return ""
	}
	return fmt.Sprintf("unknown event %q%s: expected one of %s", shorten(s), suggest(s, NotifyEvents), strings.Join(NotifyEvents, ", "))
}
