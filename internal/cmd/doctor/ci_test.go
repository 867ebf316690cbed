package doctor

import "testing"

func TestCITriggers(t *testing.T) {
	tests := []struct {
		name    string
		on      string
		base    string // default "main"
		want    ciRun
		wantErr bool
	}{
		{name: "scalar pull_request", on: "on: pull_request", want: ciRun{OnPull: true}},
		{name: "scalar push", on: "on: push", want: ciRun{OnPush: true}},
		{name: "list", on: "on: [push, pull_request]", want: ciRun{OnPull: true, OnPush: true}},
		{name: "dispatch only", on: "on: workflow_dispatch"},
		{name: "schedule and dispatch", on: "on:\n  schedule:\n    - cron: '0 0 * * *'\n  workflow_dispatch:"},
		{name: "pull_request with nothing under it", on: "on:\n  pull_request:", want: ciRun{OnPull: true}},
		{name: "pull_request to main", on: "on:\n  pull_request:\n    branches: [main]", want: ciRun{OnPull: true}},
		{name: "pull_request to another base", on: "on:\n  pull_request:\n    branches: [develop]"},
		{name: "pull_request to a release base", on: "on:\n  pull_request:\n    branches: ['release/**']", base: "release/2.x", want: ciRun{OnPull: true}},
		{name: "pull_request branches as a string", on: "on:\n  pull_request:\n    branches: main", want: ciRun{OnPull: true}},
		{name: "pull_request ignoring main", on: "on:\n  pull_request:\n    branches-ignore: [main]"},
		{name: "pull_request ignoring others", on: "on:\n  pull_request:\n    branches-ignore: ['dependabot/**']", want: ciRun{OnPull: true}},
		{name: "pull_request excluded by a later !", on: "on:\n  pull_request:\n    branches: ['**', '!main']"},
		{name: "pull_request included again after !", on: "on:\n  pull_request:\n    branches: ['!main', 'ma*']", want: ciRun{OnPull: true}},
		{name: "pull_request closed only", on: "on:\n  pull_request:\n    types: [closed]"},
		{name: "pull_request synchronize", on: "on:\n  pull_request:\n    types: [labeled, synchronize]", want: ciRun{OnPull: true}},
		{name: "pull_request paths", on: "on:\n  pull_request:\n    paths: ['src/**']", want: ciRun{OnPull: true, Paths: true}},
		{name: "pull_request_target does not test the fix", on: "on: pull_request_target"},
		{name: "push to hotfix/**", on: "on:\n  push:\n    branches: ['hotfix/**']", want: ciRun{OnPush: true}},
		{name: "push to hotfix/*", on: "on:\n  push:\n    branches: ['hotfix/*']", want: ciRun{OnPush: true}},
		{name: "push to main only", on: "on:\n  push:\n    branches: [main]"},
		{name: "push of tags only", on: "on:\n  push:\n    tags: ['v*']"},
		{name: "push of tags and branches", on: "on:\n  push:\n    tags: ['v*']\n    branches: ['**']", want: ciRun{OnPush: true}},
		{name: "push ignoring hotfixes", on: "on:\n  push:\n    branches-ignore: ['hotfix/**']"},
		{name: "push with paths-ignore", on: "on:\n  push:\n    paths-ignore: ['docs/**']", want: ciRun{OnPush: true, Paths: true}},
		{name: "both, pull filtered out", on: "on:\n  pull_request:\n    branches: [develop]\n  push:", want: ciRun{OnPush: true}},
		{name: "no on at all", on: "name: x"},
		{name: "not YAML", on: "on: [push", wantErr: true},
		{name: "branches as a mapping", on: "on:\n  push:\n    branches:\n      a: b", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == "" {
				base = "main"
			}
			got, err := ciTriggers([]byte(tt.on+"\njobs: {}\n"), base, "hotfix/fix-example")
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ciTriggers(%q) = %+v, want %+v", tt.on, got, tt.want)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"main", "main", true},
		{"main", "maint", false},
		{"*", "main", true},
		{"*", "hotfix/x", false},
		{"**", "hotfix/x", true},
		{"hotfix/*", "hotfix/x", true},
		{"hotfix/*", "hotfix/x/y", false},
		{"hotfix/**", "hotfix/x/y", true},
		{"hotfix-*", "hotfix-login", true},
		{"releases/v?", "releases/v", true},     // ? makes the preceding character optional
		{"releases/10+", "releases/1000", true}, // + repeats it
		{"releases/10+", "releases/1", false},
		{"v[12].x", "v2.x", true},
		{"v[12].x", "v3.x", false},
		{"a.b", "axb", false}, // . is literal
		{`feature\*`, "feature*", true},
		{"hotfix/ü*", "hotfix/über", true},
		{"[broken", "[broken", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}
