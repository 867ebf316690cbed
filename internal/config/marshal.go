package config

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marshal renders c as a commented YAML file that explains each key, for
// `gh hotfix init`. Settings left at "not set" ("" base, workflow, ...) are
// written commented out, with an example, so the file documents them too.
//
// Every string is double-quoted, so that no value can be read back as a
// number, a boolean or YAML syntax. For any c that Parse returns,
// Parse(Marshal(c)) returns c again (Source aside); a c that breaks the
// rules (an empty label name, say) is written as is and Parse reports it.
func Marshal(c Config) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# Settings for gh hotfix (https://github.com/gh-hotfix/gh-hotfix).\n")
	w("# Every key is optional: a key that is left out or commented out keeps its\n")
	w("# default. `gh hotfix doctor` checks this file.\n")

	w("\n# Branch that hotfixes start from and are merged into.\n")
	w("# Left out: the repository's default branch.\n")
	if c.Base != "" {
		w("base: %s\n", quote(c.Base))
	} else {
		w("# base: \"main\"\n")
	}

	w("\n# Hotfix branches are named <branch_prefix><description as a slug>,\n")
	w("# e.g. hotfix/login-page-500-on-empty-password. Ends with \"/\" or \"-\".\n")
	w("branch_prefix: %s\n", quote(c.BranchPrefix))

	w("\n# Label put on hotfix pull requests, created with this colour (6 hex digits)\n")
	w("# and description when the repository does not have it yet.\n")
	w("label:\n")
	w("  name: %s\n", quote(c.Label.Name))
	w("  color: %s\n", quote(c.Label.Color))
	w("  description: %s\n", quote(c.Label.Description))

	w("\n# Reviewers requested on every hotfix pull request: logins or \"org/team-slug\".\n")
	w("# `gh hotfix ship -r` adds more.\n")
	if len(c.Reviewers) > 0 {
		w("reviewers:\n")
		for _, r := range c.Reviewers {
			w("  - %s\n", quote(r))
		}
	} else {
		w("# reviewers: [\"octocat\", \"my-org/on-call\"]\n")
	}

	w("\n# How `gh hotfix ship --auto` merges: merge, squash or rebase.\n")
	w("# Left out: --merge-method decides.\n")
	if c.MergeMethod != "" {
		w("merge_method: %s\n", quote(c.MergeMethod))
	} else {
		w("# merge_method: \"squash\"\n")
	}

	w("\n# Size guard: `gh hotfix ship` refuses a bigger change unless --force is given,\n")
	w("# because a hotfix should be the smallest change that fixes production.\n")
	w("limits:\n")
	w("  files: %d # changed files\n", c.Limits.Files)
	w("  lines: %d # changed lines, added plus removed\n", c.Limits.Lines)
	w("  bytes: %d # changed binary files, size before plus after\n", c.Limits.Bytes)

	w("\n# The release workflow, dispatched on the base branch once the fix is merged.\n")
	w("release:\n")
	w("  # A workflow file in .github/workflows with a workflow_dispatch trigger.\n")
	w("  # Left out: the one whose file name or name mentions \"release\".\n")
	if c.Release.Workflow != "" {
		w("  workflow: %s\n", quote(c.Release.Workflow))
	} else {
		w("  # workflow: \"release.yml\"\n")
	}
	w("  # Inputs of the workflow; `gh hotfix ship -f key=value` adds or overrides one.\n")
	if len(c.Release.Inputs) > 0 {
		w("  inputs:\n")
		for _, k := range slices.Sorted(maps.Keys(c.Release.Inputs)) {
			w("    %s: %s\n", quote(k), quote(c.Release.Inputs[k]))
		}
	} else {
		w("  # inputs:\n")
		w("  #   environment: \"production\"\n")
	}
	w("  # Wait for the checks still running on the merge commit before dispatching.\n")
	if c.Release.WaitChecks {
		w("  wait_checks: true\n")
	} else {
		w("  # wait_checks: true\n")
	}

	w("\n# The hotfix pull request.\n")
	w("pull_request:\n")
	w("  # Body template, a file in the repository. `gh hotfix ship --body` overrides it.\n")
	w("  # Left out: a checklist (what broke, the fix, how it was tested, ...).\n")
	if c.PullRequest.Template != "" {
		w("  template: %s\n", quote(c.PullRequest.Template))
	} else {
		w("  # template: \".github/hotfix_pull_request.md\"\n")
	}

	w("\n# The post-mortem issue, opened after the release with the timeline of the fix.\n")
	w("post_mortem:\n")
	w("  # Open it after every release, not only with `gh hotfix ship --post-mortem`.\n")
	w("  enabled: %t\n", c.PostMortem.Enabled)
	w("  # Labels put on the issue.\n")
	if len(c.PostMortem.Labels) > 0 {
		w("  labels:\n")
		for _, l := range c.PostMortem.Labels {
			w("    - %s\n", quote(l))
		}
	} else {
		// Written out: leaving the key out would bring the default back.
		w("  labels: []\n")
	}
	w("  # Body template, a file in the repository. Left out: a built-in one.\n")
	if c.PostMortem.Template != "" {
		w("  template: %s\n", quote(c.PostMortem.Template))
	} else {
		w("  # template: \".github/post_mortem.md\"\n")
	}

	e := c.Exceptional
	w("\n# The exceptional process, for when the base is not releasable:\n")
	w("# `gh hotfix create --from-tag v1.4.0` branches from the release tag, `gh hotfix ship`\n")
	w("# merges the fix into the maintenance branch, dispatches the hotfix workflow with the\n")
	w("# next patch tag (v1.4.1), then opens the forward-port pull request to the base.\n")
	w("# `gh hotfix init --workflows` writes a hotfix workflow to start from.\n")
	w("exceptional:\n")
	w("  # The hotfix workflow in .github/workflows, with a workflow_dispatch trigger\n")
	w("  # and a tag input. Left out: the exceptional process is not set up.\n")
	if e.Workflow != "" {
		w("  workflow: %s\n", quote(e.Workflow))
	} else {
		w("  # workflow: \"hotfix.yml\"\n")
	}
	w("  # Maintenance branch of a release line, made from the release tag when missing;\n")
	w("  # {major} and {minor} are the numbers of the tag.\n")
	w("  maintenance_branch: %s\n", quote(e.MaintenanceBranch))
	w("  # Input of the workflow that receives the hotfix tag, e.g. v1.4.1.\n")
	w("  tag_input: %s\n", quote(e.TagInput))
	w("  # Input that receives the target environment, when the workflow declares it.\n")
	w("  environment_input: %s\n", quote(e.EnvironmentInput))
	w("  # The target environment. Left out: %s.\n", DefaultEnvironment)
	if e.Environment != "" {
		w("  environment: %s\n", quote(e.Environment))
	} else {
		w("  # environment: \"%s\"\n", DefaultEnvironment)
	}
	w("  # Further inputs of the workflow; `gh hotfix ship -f key=value` adds or overrides one.\n")
	if len(e.Inputs) > 0 {
		w("  inputs:\n")
		for _, k := range slices.Sorted(maps.Keys(e.Inputs)) {
			w("    %s: %s\n", quote(k), quote(e.Inputs[k]))
		}
	} else {
		w("  # inputs:\n")
		w("  #   notify: \"on-call\"\n")
	}

	w("\n# Team notifications: webhooks told of each hotfix's events, once per hotfix.\n")
	w("# webhook_env names the environment variable holding the webhook URL: never\n")
	w("# write the URL here. kind: slack, teams or json. events (left out: all):\n")
	w("# %s.\n", strings.Join(NotifyEvents, ", "))
	w("# `gh hotfix doctor --test-notify` sends a test message to each.\n")
	if len(c.Notify) > 0 {
		w("notify:\n")
		for _, n := range c.Notify {
			w("  - webhook_env: %s\n", quote(n.WebhookEnv))
			w("    kind: %s\n", quote(n.Kind))
			if n.Events != nil {
				w("    events: [")
				for i, e := range n.Events {
					if i > 0 {
						w(", ")
					}
					w("%s", quote(e))
				}
				w("]\n")
			}
		}
	} else {
		w("# notify:\n")
		w("#   - webhook_env: \"HOTFIX_SLACK_WEBHOOK\"\n")
		w("#     kind: \"slack\"\n")
		w("#     events: [\"opened\", \"merged\", \"released\", \"release_failed\"]\n")
	}
	return b.Bytes()
}

// quote writes s as a YAML double-quoted scalar. Go's strconv.Quote is not
// used because YAML reads some of its escapes differently (\x is a code
// point in YAML, a byte in Go); invisible characters are escaped so that a
// reader sees them.
func quote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == ' ' || unicode.IsPrint(r):
			b = utf8.AppendRune(b, r)
		case r <= 0xff:
			b = append(b, `\x`...)
			b = append(b, hex(uint64(r), 2)...)
		case r <= 0xffff:
			b = append(b, `\u`...)
			b = append(b, hex(uint64(r), 4)...)
		default:
			b = append(b, `\U`...)
			b = append(b, hex(uint64(r), 8)...)
		}
	}
	return string(append(b, '"'))
}

func hex(v uint64, width int) string {
	s := strconv.FormatUint(v, 16)
	for len(s) < width {
		s = "0" + s
	}
	return s
}
