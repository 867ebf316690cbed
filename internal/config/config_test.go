package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const file = ".github/hotfix.yml"

// validCases are files Parse accepts; want edits Default() into the
// expected result.
var validCases = []struct {
	name string
	in   string
	want func(c *Config)
}{
	{"empty file", "", func(c *Config) {}},
	{"comments only", "# nothing set yet\n\n# base: main\n", func(c *Config) {}},
	{"empty document marker", "---\n", func(c *Config) {}},
	{"explicit null document", "~\n", func(c *Config) {}},
	{"every key", `
base: main
branch_prefix: fix/
label:
  name: urgent
  color: "#FBCA04"
  description: Needs a release now
reviewers: [alice, my-org/on-call]
merge_method: squash
limits:
  files: 5
  lines: 200
  bytes: 50000
release:
  workflow: deploy.yml
  inputs:
    environment: production
pull_request:
  template: .github/hotfix_pull_request.md
post_mortem:
  enabled: true
  labels: [incident, post-mortem]
  template: docs/post-mortem.md
exceptional:
  workflow: hotfix.yml
  maintenance_branch: release/v{major}.{minor}
  tag_input: tag
  environment_input: environment
  environment: production
  inputs:
    notify: on-call
`, func(c *Config) {
		c.Base = "main"
		c.BranchPrefix = "fix/"
		c.Label = Label{Name: "urgent", Color: "fbca04", Description: "Needs a release now"}
		c.Reviewers = []string{"alice", "my-org/on-call"}
		c.MergeMethod = "squash"
		c.Limits = Limits{Files: 5, Lines: 200, Bytes: 50000}
		c.Release = Release{Workflow: "deploy.yml", Inputs: map[string]string{"environment": "production"}}
		c.PullRequest.Template = ".github/hotfix_pull_request.md"
		c.PostMortem = PostMortem{Enabled: true, Labels: []string{"incident", "post-mortem"}, Template: "docs/post-mortem.md"}
		c.Exceptional = Exceptional{Workflow: "hotfix.yml", MaintenanceBranch: "release/v{major}.{minor}", TagInput: "tag",
			EnvironmentInput: "environment", Environment: "production", Inputs: map[string]string{"notify": "on-call"}}
	}},
	{"base with a slash", "base: release/v2\n", func(c *Config) { c.Base = "release/v2" }},
	{"anchor without alias", "base: &b main\n", func(c *Config) { c.Base = "main" }},
	{"windows line ends", "base: main\r\nmerge_method: rebase\r\n", func(c *Config) {
		c.Base = "main"
		c.MergeMethod = "rebase"
	}},
	{"byte order mark", "\ufeffbase: main\n", func(c *Config) { c.Base = "main" }},
	{"prefix ending in a hyphen", "branch_prefix: hotfix-\n", func(c *Config) { c.BranchPrefix = "hotfix-" }},
	{"label name alone keeps colour and description", "label: urgent\n", func(c *Config) { c.Label.Name = "urgent" }},
	{"label colour as unquoted digits", "label:\n  color: 000000\n", func(c *Config) { c.Label.Color = "000000" }},
	{"empty label description", "label: {description: \"\"}\n", func(c *Config) { c.Label.Description = "" }},
	{"empty reviewers list", "reviewers: []\n", func(c *Config) {}},
	{"team slug with underscore", "reviewers:\n  - my-org/on_call\n  - Bob-2\n", func(c *Config) {
		c.Reviewers = []string{"my-org/on_call", "Bob-2"}
	}},
	{"limits in hex and with separators", "limits: {files: 0x10, lines: 1_000}\n", func(c *Config) {
		c.Limits.Files, c.Limits.Lines = 16, 1000
	}},
	{"one limit keeps the other", "limits:\n  lines: 50\n", func(c *Config) { c.Limits.Lines = 50 }},
	{"section with every key commented out", "release:\n  # workflow: release.yml\nlimits:\n", func(c *Config) {}},
	{"workflow given as a path", "release:\n  workflow: .github/workflows/deploy.yaml\n", func(c *Config) {
		c.Release.Workflow = "deploy.yaml"
	}},
	{"inputs of every scalar type", `
release:
  inputs:
    env: prod
    replicas: 3
    dry_run: True
    version: 1.10
    date: 2024-01-01
    quoted: "yes"
    _empty: ""
`, func(c *Config) {
		c.Release.Inputs = map[string]string{
			"env": "prod", "replicas": "3", "dry_run": "true", "version": "1.10",
			"date": "2024-01-01", "quoted": "yes", "_empty": "",
		}
	}},
	{"empty inputs", "release: {inputs: {}}\n", func(c *Config) {}},
	{"no post-mortem labels", "post_mortem:\n  labels: []\n", func(c *Config) { c.PostMortem.Labels = nil }},
	{"post-mortem enabled", "post_mortem: {enabled: true}\n", func(c *Config) { c.PostMortem.Enabled = true }},
	{"quoted keys and tagged string", "\"base\": !!str 2024\n", func(c *Config) { c.Base = "2024" }},
	{"exceptional process", `
exceptional:
  workflow: .github/workflows/hotfix.yml
  maintenance_branch: maint/{major}.{minor}.x
  tag_input: version
  environment_input: env
  environment: prod-eu
  inputs:
    notify: on-call
    dry_run: false
`, func(c *Config) {
		c.Exceptional = Exceptional{Workflow: "hotfix.yml", MaintenanceBranch: "maint/{major}.{minor}.x", TagInput: "version",
			EnvironmentInput: "env", Environment: "prod-eu", Inputs: map[string]string{"notify": "on-call", "dry_run": "false"}}
	}},
	{"exceptional workflow alone keeps the defaults", "exceptional: {workflow: hotfix.yml}\n", func(c *Config) { c.Exceptional.Workflow = "hotfix.yml" }},
	{"exceptional section commented out", "exceptional:\n  # workflow: hotfix.yml\n", func(c *Config) {}},
	{"maintenance branch per minor without v", "exceptional:\n  maintenance_branch: \"{major}.{minor}-stable\"\n", func(c *Config) {
		c.Exceptional.MaintenanceBranch = "{major}.{minor}-stable"
	}},
}

func TestParseValid(t *testing.T) {
	for _, tc := range validCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(file, []byte(tc.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := Default()
			tc.want(&want)
			want.Source = file
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse:\n got %#v\nwant %#v", got, want)
			}
		})
	}
}

// errorCases are files Parse refuses, with the exact message.
var errorCases = []struct {
	name string
	in   string
	want string
}{
	// The file as a whole.
	{"top level is a list", "- base: main\n", `.github/hotfix.yml:1: expected a mapping of settings like "base: main", got a list`},
	{"top level is a string", "main\n", `.github/hotfix.yml:1: expected a mapping of settings like "base: main", got "main"`},
	{"syntax error", "base: main\n  label: x\n", `.github/hotfix.yml:2: invalid YAML: mapping values are not allowed in this context`},
	{"tab indentation", "label:\n\tname: x\n", `.github/hotfix.yml:2: invalid YAML: found character that cannot start any token`},
	{"unclosed list", "base: main\nreviewers: [alice,\nlimits: {}\n", `.github/hotfix.yml:3: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence from line 2)`},
	{"second document", "base: main\n---\nbase: dev\n", `.github/hotfix.yml:3: a second YAML document starts here; the file must hold one`},
	{"unclosed quote", "base: main\nlabel: 'urgent\n", `.github/hotfix.yml:2: invalid YAML: found unexpected end of stream`},
	{"unknown key with suggestion", "base: main\nbranch_prefix: hotfix/\nlabels: urgent\n", `.github/hotfix.yml:3: unknown key "labels" (did you mean "label"?)`},
	{"unknown key in camel case", "branchPrefix: x/\n", `.github/hotfix.yml:1: unknown key "branchPrefix" (did you mean "branch_prefix"?)`},
	{"unknown key without suggestion", "owner: me\n", `.github/hotfix.yml:1: unknown key "owner" (known keys: base, branch_prefix, label, reviewers, merge_method, limits, release, pull_request, post_mortem, exceptional, notify)`},
	{"unknown nested key", "limits:\n  file: 3\n", `.github/hotfix.yml:2: limits: unknown key "file" (did you mean "files"?)`},
	{"merge key", "<<: {base: main}\n", `.github/hotfix.yml:1: unknown key "<<" (known keys: base, branch_prefix, label, reviewers, merge_method, limits, release, pull_request, post_mortem, exceptional, notify)`},
	{"duplicate key", "base: main\nmerge_method: squash\nbase: dev\n", `.github/hotfix.yml:3: duplicate key "base" (first on line 1)`},
	{"duplicate nested key", "limits:\n  files: 1\n  files: 2\n", `.github/hotfix.yml:3: limits: duplicate key "files" (first on line 2)`},
	{"key that is a list", "? [base]\n: main\n", `.github/hotfix.yml:1: expected a key name, got a list`},
	{"alias", "base: &b main\nrelease:\n  workflow: *b\n", `.github/hotfix.yml:3: release.workflow: aliases (*b) are not supported; write the value out`},
	{"alias in a list", "label: &l urgent\nreviewers: [*l]\n", `.github/hotfix.yml:2: reviewers[0]: aliases (*l) are not supported; write the value out`},

	// base
	{"base empty", "base: \"\"\n", `.github/hotfix.yml:1: base: must not be empty (leave the key out to use the repository's default branch)`},
	{"base without value", "base:\nlabel: x\n", `.github/hotfix.yml:1: base: expected a string, got nothing`},
	{"base is a number", "base: 2024\n", `.github/hotfix.yml:1: base: expected a string, got 2024 (quote it: "2024")`},
	{"base with a space", "base: main branch\n", `.github/hotfix.yml:1: base: "main branch" is not a valid branch name: it contains a space`},
	{"base with two dots", "base: main..dev\n", `.github/hotfix.yml:1: base: "main..dev" is not a valid branch name: it contains ".."`},
	{"base with a leading hyphen", "base: -main\n", `.github/hotfix.yml:1: base: "-main" is not a valid branch name: it starts with "-"`},
	{"base ending with a slash", "base: release/\n", `.github/hotfix.yml:1: base: "release/" is not a valid branch name: it ends with "/"`},
	{"base ending with .lock", "base: main.lock\n", `.github/hotfix.yml:1: base: "main.lock" is not a valid branch name: its part "main.lock" ends with ".lock"`},
	{"base with a colon", "base: \"a:b\"\n", `.github/hotfix.yml:1: base: "a:b" is not a valid branch name: it contains ":"`},
	{"base with a binary tag", "base: !!binary bWFpbg==\n", `.github/hotfix.yml:1: base: expected a string, got !!binary "bWFpbg=="`},

	// branch_prefix
	{"prefix empty", "branch_prefix: ''\n", `.github/hotfix.yml:1: branch_prefix: must not be empty`},
	{"prefix without separator", "branch_prefix: hotfix\n", `.github/hotfix.yml:1: branch_prefix: "hotfix" is not a valid branch prefix: it must end with "/" or "-", like "hotfix/"`},
	{"prefix with a space", "branch_prefix: hot fix/\n", `.github/hotfix.yml:1: branch_prefix: "hot fix/" is not a valid branch prefix: it contains a space; use letters, digits, ".", "_", "-" and "/"`},
	{"prefix with punctuation", "branch_prefix: hot!fix/\n", `.github/hotfix.yml:1: branch_prefix: "hot!fix/" is not a valid branch prefix: it contains "!"; use letters, digits, ".", "_", "-" and "/"`},
	{"prefix with two dots", "branch_prefix: a..b/\n", `.github/hotfix.yml:1: branch_prefix: "a..b/" is not a valid branch prefix: it contains ".."`},
	{"prefix with a leading slash", "branch_prefix: /hotfix/\n", `.github/hotfix.yml:1: branch_prefix: "/hotfix/" is not a valid branch prefix: it starts with "/"`},
	{"prefix with a leading hyphen", "branch_prefix: -hotfix/\n", `.github/hotfix.yml:1: branch_prefix: "-hotfix/" is not a valid branch prefix: it starts with "-"`},
	{"prefix with a hidden part", "branch_prefix: team/.hotfix/\n", `.github/hotfix.yml:1: branch_prefix: "team/.hotfix/" is not a valid branch prefix: its part ".hotfix" starts with "."`},

	// label
	{"label list", "label: [hotfix]\n", `.github/hotfix.yml:1: label: expected a label name or a mapping with name, color and description, got a list`},
	{"label empty", "label: \"\"\n", `.github/hotfix.yml:1: label: must not be empty`},
	{"label name too long", "label:\n  name: " + strings.Repeat("x", 51) + "\n", `.github/hotfix.yml:2: label.name: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..." is longer than 50 characters (GitHub's limit for label names)`},
	{"label name with spaces around", "label: {name: \" hotfix\"}\n", `.github/hotfix.yml:1: label.name: " hotfix" starts or ends with a space`},
	{"label colour name", "label:\n  name: hotfix\n  color: red\n", `.github/hotfix.yml:3: label.color: expected 6 hex digits like "d73a4a", got "red"`},
	{"label colour unquoted hash", "label:\n  color: #d73a4a\n", `.github/hotfix.yml:2: label.color: expected 6 hex digits like "d73a4a", got nothing ("#" starts a comment in YAML: quote the colour or leave out the "#")`},
	{"label colour too short", "label: {color: \"#fff\"}\n", `.github/hotfix.yml:1: label.color: expected 6 hex digits like "d73a4a", got "#fff"`},
	{"label key misspelt", "label:\n  colour: d73a4a\n", `.github/hotfix.yml:2: label: unknown key "colour" (did you mean "color"?)`},
	{"label description too long", "label: {description: " + strings.Repeat("d", 101) + "}\n", `.github/hotfix.yml:1: label.description: is longer than 100 characters (GitHub's limit for label descriptions)`},

	// reviewers
	{"reviewers as a string", "reviewers: alice\n", `.github/hotfix.yml:1: reviewers: expected a list, got "alice" (write ["alice"])`},
	{"reviewer with @", "reviewers:\n  - alice\n  - \"@bob\"\n", `.github/hotfix.yml:3: reviewers[1]: "@bob" is not a GitHub login or "org/team-slug" (leave out the "@")`},
	{"reviewer with trailing hyphen", "reviewers: [bob-]\n", `.github/hotfix.yml:1: reviewers[0]: "bob-" is not a GitHub login or "org/team-slug"`},
	{"reviewer with double hyphen", "reviewers: [bo--b]\n", `.github/hotfix.yml:1: reviewers[0]: "bo--b" is not a GitHub login or "org/team-slug"`},
	{"reviewer too long", "reviewers: [" + strings.Repeat("a", 40) + "]\n", `.github/hotfix.yml:1: reviewers[0]: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" is not a GitHub login or "org/team-slug"`},
	{"reviewer team without slug", "reviewers: [my-org/]\n", `.github/hotfix.yml:1: reviewers[0]: "my-org/" is not a GitHub login or "org/team-slug"`},
	{"reviewer listed twice", "reviewers: [alice, Alice]\n", `.github/hotfix.yml:1: reviewers[1]: "Alice" is already in the list (reviewers[0])`},
	{"reviewer that is a list", "reviewers:\n  - [alice]\n", `.github/hotfix.yml:2: reviewers[0]: expected a string, got a list`},

	// merge_method
	{"merge method unknown", "merge_method: fast-forward\n", `.github/hotfix.yml:1: merge_method: expected merge, squash or rebase, got "fast-forward"`},
	{"merge method upper case", "merge_method: Squash\n", `.github/hotfix.yml:1: merge_method: expected merge, squash or rebase, got "Squash"`},

	// limits
	{"limit as a word", "base: main\nlabel: hotfix\nmerge_method: squash\n\n# Size guard.\nlimits:\n  files: ten\n", `.github/hotfix.yml:7: limits.files: expected a positive integer, got "ten"`},
	{"limit quoted", "limits: {files: \"10\"}\n", `.github/hotfix.yml:1: limits.files: expected a positive integer, got "10"`},
	{"limit zero", "limits: {files: 0}\n", `.github/hotfix.yml:1: limits.files: expected a positive integer, got 0`},
	{"limit negative", "limits:\n  lines: -5\n", `.github/hotfix.yml:2: limits.lines: expected a positive integer, got -5`},
	{"limit float", "limits:\n  lines: 1.5\n", `.github/hotfix.yml:2: limits.lines: expected a positive integer, got 1.5`},
	{"limit too big", "limits:\n  lines: 99999999999999999999\n", `.github/hotfix.yml:2: limits.lines: expected a positive integer, got 99999999999999999999`},
	{"limits not a mapping", "limits: 5\n", `.github/hotfix.yml:1: limits: expected a mapping with files, lines and bytes, got 5`},

	// release
	{"workflow by display name", "release:\n  workflow: Release\n", `.github/hotfix.yml:2: release.workflow: expected a workflow file name like "release.yml" or ".github/workflows/release.yml", got "Release"`},
	{"workflow in another directory", "release:\n  workflow: ci/release.yml\n", `.github/hotfix.yml:2: release.workflow: expected a workflow file name like "release.yml" or ".github/workflows/release.yml", got "ci/release.yml"`},
	{"inputs as a list", "release:\n  inputs: [env=prod]\n", `.github/hotfix.yml:2: release.inputs: expected a mapping of input names to values, got a list`},
	{"input value is a list", "release:\n  inputs:\n    env: [prod]\n", `.github/hotfix.yml:3: release.inputs.env: expected a string, number or boolean, got a list`},
	{"input value missing", "release:\n  inputs:\n    env:\n", `.github/hotfix.yml:3: release.inputs.env: expected a string, number or boolean, got nothing (write "" for an empty value)`},
	{"input name with a space", "release:\n  inputs:\n    my input: x\n", `.github/hotfix.yml:3: release.inputs: "my input" is not a valid input name: use letters, digits, "_" and "-", starting with a letter or "_"`},
	{"input listed twice", "release:\n  inputs:\n    env: a\n    env: b\n", `.github/hotfix.yml:4: release.inputs: duplicate key "env" (first on line 3)`},
	{"release key misspelt", "release:\n  workflows: release.yml\n", `.github/hotfix.yml:2: release: unknown key "workflows" (did you mean "workflow"?)`},

	// pull_request
	{"template absolute", "pull_request:\n  template: /etc/passwd\n", `.github/hotfix.yml:2: pull_request.template: expected a path from the repository root like ".github/hotfix_pull_request.md", got "/etc/passwd"`},
	{"template outside the repository", "pull_request: {template: ../x.md}\n", `.github/hotfix.yml:1: pull_request.template: expected a path from the repository root like ".github/hotfix_pull_request.md", got "../x.md"`},
	{"template not clean", "pull_request: {template: ./x.md}\n", `.github/hotfix.yml:1: pull_request.template: expected a path from the repository root like ".github/hotfix_pull_request.md", got "./x.md"`},
	{"template empty", "pull_request: {template: \"\"}\n", `.github/hotfix.yml:1: pull_request.template: must not be empty (leave the key out to use the built-in text)`},
	{"pull_request as a string", "pull_request: .github/x.md\n", `.github/hotfix.yml:1: pull_request: expected a mapping with template, got ".github/x.md"`},

	// post_mortem
	{"enabled as yes", "post_mortem:\n  enabled: yes\n", `.github/hotfix.yml:2: post_mortem.enabled: expected true or false, got "yes"`},
	{"enabled as a number", "post_mortem:\n  enabled: 1\n", `.github/hotfix.yml:2: post_mortem.enabled: expected true or false, got 1`},
	{"post-mortem labels as a string", "post_mortem:\n  labels: incident\n", `.github/hotfix.yml:2: post_mortem.labels: expected a list, got "incident" (write ["incident"])`},
	{"post-mortem label empty", "post_mortem:\n  labels: [incident, \"\"]\n", `.github/hotfix.yml:2: post_mortem.labels[1]: must not be empty`},
	{"post-mortem template absolute", "post_mortem: {template: /x.md}\n", `.github/hotfix.yml:1: post_mortem.template: expected a path from the repository root like ".github/post_mortem.md", got "/x.md"`},

	// exceptional
	{"exceptional not a mapping", "exceptional: hotfix.yml\n", `.github/hotfix.yml:1: exceptional: expected a mapping with workflow, maintenance_branch, tag_input, environment_input, environment and inputs, got "hotfix.yml"`},
	{"exceptional key misspelt", "exceptional:\n  workfow: hotfix.yml\n", `.github/hotfix.yml:2: exceptional: unknown key "workfow" (did you mean "workflow"?)`},
	{"exceptional workflow by name", "exceptional:\n  workflow: Hotfix\n", `.github/hotfix.yml:2: exceptional.workflow: expected a workflow file name like "release.yml" or ".github/workflows/release.yml", got "Hotfix"`},
	{"maintenance branch without placeholder", "exceptional:\n  maintenance_branch: release\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: "release" does not contain {major}: each release line needs its own branch, like "release/v{major}.{minor}"`},
	{"maintenance branch per major", "exceptional:\n  maintenance_branch: maint/v{major}\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: "maint/v{major}" does not contain {minor}: lines v1.4 and v1.5 would share maint/v1, and a hotfix of v1.4 would ship v1.5's code under a v1.4.x tag; use {major} and {minor}, like "release/v{major}.{minor}"`},
	{"maintenance branch with numbers run together", "exceptional:\n  maintenance_branch: release/{major}{minor}\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: "release/{major}{minor}" puts {major} and {minor} side by side: lines v1.14 and v11.4 would share release/114; separate them, like "release/v{major}.{minor}"`},
	{"maintenance branch with unknown placeholder", "exceptional:\n  maintenance_branch: release/{version}\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: "release/{version}" has an unknown placeholder: use {major} and {minor}, like "release/v{major}.{minor}"`},
	{"maintenance branch with patch", "exceptional:\n  maintenance_branch: release/{major}.{minor}.{patch}\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: "release/{major}.{minor}.{patch}" has an unknown placeholder: use {major} and {minor}, like "release/v{major}.{minor}"`},
	{"maintenance branch invalid", "exceptional:\n  maintenance_branch: release v{major}.{minor}\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: "release v{major}.{minor}" makes "release v1.4" is not a valid branch name: it contains a space`},
	{"maintenance branch ending in a slash", "exceptional:\n  maintenance_branch: release/{major}.{minor}/\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: "release/{major}.{minor}/" makes "release/1.4/" is not a valid branch name: it ends with "/"`},
	{"maintenance branch empty", "exceptional:\n  maintenance_branch: \"\"\n", `.github/hotfix.yml:2: exceptional.maintenance_branch: must not be empty (leave the key out for "release/v{major}.{minor}")`},
	{"tag input invalid", "exceptional:\n  tag_input: 1tag\n", `.github/hotfix.yml:2: exceptional.tag_input: "1tag" is not a valid input name: use letters, digits, "_" and "-", starting with a letter or "_"`},
	{"tag input is a number", "exceptional:\n  tag_input: 12\n", `.github/hotfix.yml:2: exceptional.tag_input: expected a string, got 12 (quote it: "12")`},
	{"same input twice", "exceptional:\n  tag_input: env\n  environment_input: env\n", `.github/hotfix.yml:2: exceptional: tag_input and environment_input are both "env": they must name two different inputs`},
	{"environment empty", "exceptional:\n  environment: \"\"\n", `.github/hotfix.yml:2: exceptional.environment: must not be empty (leave the key out for production)`},
	{"environment is a list", "exceptional:\n  environment: [prod]\n", `.github/hotfix.yml:2: exceptional.environment: expected a string, number or boolean, got a list`},
	{"exceptional inputs as a list", "exceptional:\n  inputs: [a]\n", `.github/hotfix.yml:2: exceptional.inputs: expected a mapping of input names to values, got a list`},

	// Text that is not YAML to begin with.
	{"too large", "# " + strings.Repeat("x", maxSize) + "\n", `.github/hotfix.yml: the file is larger than 64 KiB`},
	{"invalid UTF-8", "base: main\nlabel: \xff\n", `.github/hotfix.yml:2: the file is not valid UTF-8 text`},
	{"NUL byte", "base: main\n\nlabel: a\x00\n", `.github/hotfix.yml:3: control character U+0000 is not allowed`},
	{"too long to write back", "release:\n  inputs:\n    x: '" + strings.Repeat(`"`, 40000) + "'\n", `.github/hotfix.yml: the settings are too long to be written back within 64 KiB; shorten the longest values`},
	{"line separator", "base: main\u2028\n", `.github/hotfix.yml:1: control character U+2028 is not allowed`},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(file, []byte(tc.in))
			if err == nil {
				t.Fatalf("Parse succeeded with %#v; want error %q", got, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse error:\n got %s\nwant %s", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != file {
				t.Errorf("Parse error %#v is not an *Error for %s", err, file)
			}
			if !reflect.DeepEqual(got, Config{}) {
				t.Errorf("Parse returned %#v with its error; want the zero Config", got)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		err  Error
		want string
	}{
		{Error{File: "f.yml", Line: 7, Key: "limits.files", Msg: "bad"}, "f.yml:7: limits.files: bad"},
		{Error{File: "f.yml", Line: 3, Msg: "bad"}, "f.yml:3: bad"},
		{Error{File: "f.yml", Key: "base", Msg: "bad"}, "f.yml: base: bad"},
		{Error{File: "main:.github/hotfix.yml", Msg: "bad"}, "main:.github/hotfix.yml: bad"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%#v.Error() = %q; want %q", tc.err, got, tc.want)
		}
	}
}

// TestParseKeepsDefaultsIntact guards against Parse handing out the slices of
// one Config to another: a caller appending to its reviewers must not change
// what the next Parse or Default returns.
func TestParseKeepsDefaultsIntact(t *testing.T) {
	c, err := Parse(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.PostMortem.Labels[0] = "changed"
	if got := Default().PostMortem.Labels[0]; got != "post-mortem" {
		t.Errorf("Default().PostMortem.Labels[0] = %q after changing a parsed copy", got)
	}
}

func TestLoad(t *testing.T) {
	write := func(t *testing.T, root, name, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("missing file", func(t *testing.T) {
		cfg, found, err := Load(t.TempDir())
		if err != nil || found {
			t.Fatalf("Load = found %v, err %v; want not found, no error", found, err)
		}
		if !reflect.DeepEqual(cfg, Default()) {
			t.Errorf("Load = %#v; want Default()", cfg)
		}
	})

	t.Run(".github is a file", func(t *testing.T) {
		root := t.TempDir()
		write(t, root, ".github", "not a directory")
		cfg, found, err := Load(root)
		if err != nil || found || !reflect.DeepEqual(cfg, Default()) {
			t.Fatalf("Load = %#v, found %v, err %v; want the defaults, not found", cfg, found, err)
		}
	})

	t.Run("file", func(t *testing.T) {
		root := t.TempDir()
		write(t, root, Path, "base: develop\nlimits:\n  files: 3\n")
		cfg, found, err := Load(root)
		if err != nil || !found {
			t.Fatalf("Load = found %v, err %v; want found, no error", found, err)
		}
		want := Default()
		want.Base, want.Limits.Files, want.Source = "develop", 3, Path
		if !reflect.DeepEqual(cfg, want) {
			t.Errorf("Load = %#v; want %#v", cfg, want)
		}
	})

	t.Run("invalid file", func(t *testing.T) {
		root := t.TempDir()
		write(t, root, Path, "base: main\nlables: x\n")
		_, found, err := Load(root)
		want := `.github/hotfix.yml:2: unknown key "lables" (did you mean "label"?)`
		if !found || err == nil || err.Error() != want {
			t.Fatalf("Load = found %v, err %v; want found, error %q", found, err, want)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Load error %T is not an *Error", err)
		}
	})

	t.Run("too large", func(t *testing.T) {
		root := t.TempDir()
		write(t, root, Path, strings.Repeat("# padding\n", maxSize))
		_, found, err := Load(root)
		want := `.github/hotfix.yml: the file is larger than 64 KiB`
		if !found || err == nil || err.Error() != want {
			t.Fatalf("Load = found %v, err %v; want found, error %q", found, err, want)
		}
	})

	t.Run("directory in its place", func(t *testing.T) {
		root := t.TempDir()
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(Path)), 0o755); err != nil {
			t.Fatal(err)
		}
		_, found, err := Load(root)
		if err == nil || !found || !strings.HasPrefix(err.Error(), "reading .github/hotfix.yml: ") {
			t.Fatalf("Load = found %v, err %v; want found and a read error", found, err)
		}
	})
}

func TestMaintenanceBranchFor(t *testing.T) {
	for _, tt := range []struct {
		template     string
		major, minor int
		want         string
	}{
		{"", 1, 4, "release/v1.4"},
		{DefaultMaintenanceBranch, 1, 4, "release/v1.4"},
		{DefaultMaintenanceBranch, 10, 0, "release/v10.0"},
		{"maint/{major}.{minor}.x", 2, 7, "maint/2.7.x"},
		{"{major}.{minor}-stable", 0, 12, "0.12-stable"},
		{"release/{major}.{minor}/{major}", 3, 1, "release/3.1/3"},
	} {
		got := Exceptional{MaintenanceBranch: tt.template}.MaintenanceBranchFor(tt.major, tt.minor)
		if got != tt.want {
			t.Errorf("MaintenanceBranchFor(%q, %d, %d) = %q, want %q", tt.template, tt.major, tt.minor, got, tt.want)
		}
		if tt.template != "" {
			if msg := maintenanceProblem(tt.template); msg != "" {
				t.Errorf("maintenanceProblem(%q) = %q, want none", tt.template, msg)
			}
		}
	}
	if got := (Exceptional{}).TargetEnvironment(); got != "production" {
		t.Errorf("TargetEnvironment() = %q, want production", got)
	}
}

func TestLineOf(t *testing.T) {
	tests := []struct {
		tmpl, branch string
		major, minor int
		ok           bool
	}{
		{"", "release/v1.4", 1, 4, true},
		{"", "release/v10.0", 10, 0, true},
		{"", "release/1.4", 0, 0, false},
		{"", "release/v1.4.1", 0, 0, false},
		{"", "release/v01.4", 0, 0, false},
		{"", "main", 0, 0, false},
		{"maint-{minor}-of-{major}", "maint-3-of-2", 2, 3, true},
		{"{major}.{minor}.x", "1.4.x", 1, 4, true},
		{"{major}.{minor}.x", "1a4.x", 0, 0, false},
		{"release/{major}", "release/1", 0, 0, false},
		{"rel/{odd}/{major}.{minor}", "rel/{odd}/1.2", 1, 2, true},
	}
	for _, tt := range tests {
		e := Exceptional{MaintenanceBranch: tt.tmpl}
		major, minor, ok := e.LineOf(tt.branch)
		if major != tt.major || minor != tt.minor || ok != tt.ok {
			t.Errorf("LineOf(%q) with %q = %d, %d, %v; want %d, %d, %v", tt.branch, tt.tmpl, major, minor, ok, tt.major, tt.minor, tt.ok)
		}
		if ok {
			if back := e.MaintenanceBranchFor(major, minor); back != tt.branch {
				t.Errorf("MaintenanceBranchFor(%d, %d) = %q, want %q", major, minor, back, tt.branch)
			}
		}
	}
}
