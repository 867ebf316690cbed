package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseNotify(t *testing.T) {
	in := `notify:
  - webhook_env: HOTFIX_SLACK_WEBHOOK
    kind: slack
  - webhook_env: TEAMS_HOOK
    kind: teams
    events: [released, release_failed]
  - {webhook_env: _PAGER, kind: json, events: [post_mortem]}
`
	got, err := Parse(file, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Notify{
		{WebhookEnv: "HOTFIX_SLACK_WEBHOOK", Kind: "slack"},
		{WebhookEnv: "TEAMS_HOOK", Kind: "teams", Events: []string{"released", "release_failed"}},
		{WebhookEnv: "_PAGER", Kind: "json", Events: []string{"post_mortem"}},
	}
	if !reflect.DeepEqual(got.Notify, want) {
		t.Errorf("Notify = %#v\nwant %#v", got.Notify, want)
	}
	if !got.Notify[0].Wants("awaiting_approval") || got.Notify[1].Wants("opened") || !got.Notify[1].Wants("released") {
		t.Errorf("Wants: events left out must mean all, a list only those")
	}
}

func TestParseNotifyErrors(t *testing.T) {
	const secret = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"
	for _, tc := range []struct{ name, in, want string }{
		{"url instead of a name", "notify:\n  - webhook_env: " + secret + "\n    kind: slack\n",
			file + ":2: notify[0].webhook_env: this is a URL: name the environment variable that holds the webhook URL instead (e.g. HOTFIX_SLACK_WEBHOOK), and never commit the URL"},
		{"quoted url", "notify:\n  - {kind: slack, webhook_env: \"" + secret + "\"}\n",
			file + ":2: notify[0].webhook_env: this is a URL: name the environment variable that holds the webhook URL instead (e.g. HOTFIX_SLACK_WEBHOOK), and never commit the URL"},
		{"unknown kind", "notify:\n  - webhook_env: HOOK\n    kind: discord\n",
			file + `:3: notify[0].kind: unknown kind "discord": expected slack, teams or json`},
		{"unknown event", "notify:\n  - webhook_env: HOOK\n    kind: slack\n    events: [merged, relased]\n",
			file + `:4: notify[0].events[1]: unknown event "relased" (did you mean "released"?): expected one of created, opened, merged, release_started, awaiting_approval, released, release_failed, post_mortem`},
		{"no events", "notify:\n  - webhook_env: HOOK\n    kind: slack\n    events: []\n",
			file + ":4: notify[0].events: must name at least one event (leave the key out for all of them)"},
		{"missing env", "notify:\n  - kind: slack\n",
			file + ":2: notify[0]: webhook_env is missing: name the environment variable that holds the webhook URL"},
		{"missing kind", "notify:\n  - webhook_env: HOOK\n",
			file + ":2: notify[0]: kind is missing: slack, teams or json"},
		{"bad name", "notify:\n  - webhook_env: 1HOOK-X\n    kind: slack\n",
			file + `:2: notify[0].webhook_env: "1HOOK-X" is not an environment variable name (letters, digits and _, not starting with a digit)`},
		{"twice", "notify:\n  - {webhook_env: HOOK, kind: slack}\n  - {webhook_env: HOOK, kind: json}\n",
			file + ":3: notify[1]: webhook_env HOOK is already in the list (notify[0])"},
		{"unknown key", "notify:\n  - webhook_url: " + secret + "\n    kind: slack\n",
			file + `:2: notify[0]: unknown key "webhook_url" (known keys: webhook_env, kind, events)`},
		{"not a list", "notify: HOOK\n",
			file + `:1: notify: expected a list of webhooks like [{webhook_env: HOTFIX_SLACK_WEBHOOK, kind: slack}], got "HOOK"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(file, []byte(tc.in))
			if err == nil {
				t.Fatalf("Parse succeeded; want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse error:\n got %s\nwant %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "XXXXSECRET") || strings.Contains(err.Error(), "hooks.slack.com") {
				t.Errorf("the error repeats the URL: %s", err)
			}
			if strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("the error is not one line: %q", err)
			}
		})
	}
}

func TestMarshalNotifyRoundTrip(t *testing.T) {
	c := Default()
	c.Notify = []Notify{{WebhookEnv: "A", Kind: "slack"}, {WebhookEnv: "B_2", Kind: "json", Events: []string{"merged", "released"}}}
	out := Marshal(c)
	got, err := Parse(file, out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	c.Source = file
	if !reflect.DeepEqual(got, c) {
		t.Errorf("got %#v\nwant %#v\n%s", got.Notify, c.Notify, out)
	}
	if d := Diff(got, Default()); !reflect.DeepEqual(d, []string{"notify"}) {
		t.Errorf("Diff = %q, want [notify]", d)
	}
	if def := string(Marshal(Default())); !strings.Contains(def, "# notify:\n#   - webhook_env: \"HOTFIX_SLACK_WEBHOOK\"") {
		t.Errorf("the default file does not show notify commented out:\n%s", def)
	}
}
