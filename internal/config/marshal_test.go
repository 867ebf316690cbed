package config

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	full := Default()
	full.Base = "release/v2"
	full.BranchPrefix = "team/fix-"
	full.Label = Label{Name: "P0: fix \"now\"", Color: "00ff00", Description: ""}
	full.Reviewers = []string{"alice", "my-org/on_call"}
	full.MergeMethod = "merge"
	full.Limits = Limits{Files: 1, Lines: 1 << 40, Bytes: 3}
	full.Release = Release{Workflow: "deploy.yaml", Inputs: map[string]string{
		"true":      "yes",     // keys and values YAML would otherwise read as other types
		"null":      "~",       //
		"version":   "1.10",    //
		"notes":     "a\nb\tc", // escapes
		"emoji":     "🚒 #1: 'fire' \\o/",
		"invisible": "\u200b\u00a0\x7f\ufeff",
		"empty":     "",
	}}
	full.PullRequest.Template = ".github/PULL_REQUEST_TEMPLATE/hotfix.md"
	full.PostMortem = PostMortem{Enabled: true, Labels: []string{"incident", "sev: 1"}, Template: "docs/pm.md"}
	full.Exceptional = Exceptional{Workflow: "hotfix.yaml", MaintenanceBranch: "maint/{major}.{minor}.x", TagInput: "version",
		EnvironmentInput: "target", Environment: "true", Inputs: map[string]string{"null": "~", "notify": "#on-call"}}

	noLabels := Default()
	noLabels.PostMortem.Labels = nil

	for name, c := range map[string]Config{"defaults": Default(), "every key": full, "no post-mortem labels": noLabels} {
		t.Run(name, func(t *testing.T) {
			out := Marshal(c)
			got, err := Parse(file, out)
			if err != nil {
				t.Fatalf("Parse(Marshal(c)): %v\n%s", err, out)
			}
			c.Source = file
			if !reflect.DeepEqual(got, c) {
				t.Errorf("Parse(Marshal(c)):\n got %#v\nwant %#v\nfrom:\n%s", got, c, out)
			}
			if again := Marshal(got); !bytes.Equal(again, out) {
				t.Errorf("Marshal is not stable:\n%s\nthen:\n%s", out, again)
			}
		})
	}
}

// TestMarshalExplainsEveryKey checks that the file init writes documents
// every setting, even the ones it leaves unset.
func TestMarshalExplainsEveryKey(t *testing.T) {
	out := string(Marshal(Default()))
	for _, key := range []string{
		"base:", "branch_prefix:", "label:", "reviewers:", "merge_method:", "limits:", "release:",
		"workflow:", "inputs:", "pull_request:", "template:", "post_mortem:", "enabled:", "labels:",
		"exceptional:", "maintenance_branch:", "tag_input:", "environment_input:", "environment:",
	} {
		if !strings.Contains(out, key) {
			t.Errorf("Marshal(Default()) does not mention %q:\n%s", key, out)
		}
	}
	// Unset keys are shown commented out, so that parsing keeps them unset.
	for _, line := range []string{`# base: "main"`, `# merge_method: "squash"`, `  # workflow: "release.yml"`, `  # workflow: "hotfix.yml"`,
		`  maintenance_branch: "release/v{major}.{minor}"`, `  # environment: "production"`} {
		if !strings.Contains(out, "\n"+line+"\n") {
			t.Errorf("Marshal(Default()) lacks the line %q:\n%s", line, out)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain":      `"plain"`,
		`say "hi"\`:  `"say \"hi\"\\"`,
		"tab\tnl\n":  `"tab\tnl\n"`,
		"\x00\x7f":   `"\x00\x7f"`,
		"é ü":        `"é ü"`,
		"\u00a0":     `"\xa0"`,
		"\u2028":     `"\u2028"`,
		"\U000e0001": `"\U000e0001"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s; want %s", in, got, want)
		}
	}
}
