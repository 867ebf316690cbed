package release

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseFile(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		dispatch bool
		inputs   []Input
		wantErr  bool
	}{
		{"scalar trigger", "on: workflow_dispatch\n", true, nil, false},
		{"list trigger", "on: [push, workflow_dispatch]\n", true, nil, false},
		{"push only", "on:\n  push:\n    branches: [main]\n", false, nil, false},
		{"inputs", `on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [production, staging]
        required: true
      dry:
        type: boolean
        default: "false"
      notes:
        description: Notes
`, true, []Input{
			{Name: "environment", Required: true, Type: "choice", Options: []string{"production", "staging"}},
			{Name: "dry", Type: "boolean", Default: "false"},
			{Name: "notes", Description: "Notes", Type: "string"},
		}, false},
		{"not yaml", "on: [", false, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dispatch, inputs, err := ParseFile([]byte(tt.yaml))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v", err)
			}
			if dispatch != tt.dispatch || !reflect.DeepEqual(inputs, tt.inputs) {
				t.Errorf("got %v %+v, want %v %+v", dispatch, inputs, tt.dispatch, tt.inputs)
			}
		})
	}
}

func TestValidateInputs(t *testing.T) {
	w := Workflow{Path: ".github/workflows/release.yml", Inputs: []Input{
		{Name: "environment", Required: true, Type: "choice", Options: []string{"production", "staging"}},
		{Name: "dry", Type: "boolean", Default: "false"},
		{Name: "notes", Type: "string"},
		{Name: "replicas", Type: "number"},
	}}
	flags := Origins{Config: "exceptional.inputs", Of: map[string]string{"dry": "-f", "environment": "exceptional.environment"}}
	tests := []struct {
		name       string
		given      map[string]string
		origins    Origins
		want       map[string]string
		wantErr    string
		wantOrigin string
	}{
		{"valid", map[string]string{"environment": "staging", "dry": "true", "replicas": "3"}, Origins{},
			map[string]string{"environment": "staging", "dry": "true", "replicas": "3"}, "", ""},
		{"a decimal number", map[string]string{"environment": "staging", "replicas": "2.5"}, Origins{},
			map[string]string{"environment": "staging", "replicas": "2.5"}, "", ""},
		{"unknown input", map[string]string{"environment": "staging", "bogus": "1"}, Origins{}, nil,
			"release.yml does not declare the input bogus, given by release.inputs (it accepts: environment, dry, notes, replicas)", "release.inputs"},
		{"unknown input from a flag", map[string]string{"environment": "staging", "bogus": "1"}, Origins{Of: map[string]string{"bogus": "-f"}}, nil,
			"release.yml does not declare the input bogus, given by -f", "-f"},
		{"missing required", map[string]string{"dry": "true"}, Origins{}, nil,
			`release.yml requires the input "environment": pass it with -f environment=VALUE or set release.inputs in .github/hotfix.yml`, ""},
		{"missing required of the hotfix workflow", map[string]string{"dry": "true"}, flags, nil,
			`or set exceptional.inputs in .github/hotfix.yml`, ""},
		{"outside options", map[string]string{"environment": "moon"}, Origins{}, nil,
			`input "environment" of release.yml must be one of production, staging, not "moon" (given by release.inputs)`, "release.inputs"},
		{"outside options, from exceptional.environment", map[string]string{"environment": "moon"}, flags, nil,
			`not "moon" (given by exceptional.environment)`, "exceptional.environment"},
		{"bad boolean", map[string]string{"environment": "staging", "dry": "yes"}, flags, nil, `must be true or false, not "yes" (given by -f)`, "-f"},
		{"not a number", map[string]string{"environment": "staging", "replicas": "x"}, Origins{}, nil, `input "replicas" of release.yml must be a number, not "x"`, "release.inputs"},
		{"an empty number", map[string]string{"environment": "staging", "replicas": " "}, Origins{}, nil, `must be a number`, "release.inputs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateInputs(w, tt.given, tt.origins)
			if tt.wantErr != "" {
				var ie *InputError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if ie.Origin != tt.wantOrigin {
					t.Errorf("origin %q, want %q", ie.Origin, tt.wantOrigin)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add("on: workflow_dispatch\n")
	f.Add("on:\n  workflow_dispatch:\n    inputs:\n      x: {type: choice, options: [a]}\n")
	f.Fuzz(func(t *testing.T, content string) {
		dispatch, inputs, err := ParseFile([]byte(content))
		if err == nil && !dispatch && len(inputs) > 0 {
			t.Fatalf("inputs without a dispatch trigger: %q", content)
		}
	})
}

func TestFindIn(t *testing.T) {
	release := "name: Release\non:\n  workflow_dispatch:\n    inputs:\n      environment:\n        required: true\n"
	deploy := "name: Deploy prod\non: workflow_dispatch\n"
	ci := "name: CI\non: [push, pull_request]\n"
	pushRelease := "name: Release notes\non: push\n"
	tests := []struct {
		name    string
		files   map[string]string
		ask     string
		want    string
		wantErr string
	}{
		{"the one release workflow", map[string]string{".github/workflows/release.yml": release, ".github/workflows/ci.yml": ci}, "", ".github/workflows/release.yml", ""},
		{"by name in the file", map[string]string{".github/workflows/ship.yml": "name: Release it\non: workflow_dispatch\n"}, "", ".github/workflows/ship.yml", ""},
		{"not dispatchable is not a candidate", map[string]string{".github/workflows/notes.yml": pushRelease, ".github/workflows/release.yml": release}, "", ".github/workflows/release.yml", ""},
		{"named by file", map[string]string{".github/workflows/deploy.yml": deploy, ".github/workflows/release.yml": release}, "deploy.yml", ".github/workflows/deploy.yml", ""},
		{"none", map[string]string{".github/workflows/ci.yml": ci}, "", "", "no release workflow found in o/r"},
		{"several", map[string]string{".github/workflows/release.yml": release, ".github/workflows/release-hotfix.yml": release}, "", "", "several release workflows found (release-hotfix.yml, release.yml)"},
		{"named but missing", map[string]string{".github/workflows/release.yml": release}, "deploy.yml", "", `workflow "deploy.yml" not found in o/r`},
		{"named without dispatch", map[string]string{".github/workflows/ci.yml": ci}, "ci.yml", "", "workflow ci.yml has no workflow_dispatch trigger"},
		{"named by its name: key", map[string]string{".github/workflows/deploy.yml": deploy, ".github/workflows/release.yml": release}, "Deploy prod", ".github/workflows/deploy.yml", ""},
		{"name in another case", map[string]string{".github/workflows/deploy.yml": deploy, ".github/workflows/release.yml": release}, "deploy PROD", ".github/workflows/deploy.yml", ""},
		{"file name wins over a name", map[string]string{".github/workflows/a.yml": "name: release.yml\non: workflow_dispatch\n", ".github/workflows/release.yml": release}, "release.yml", ".github/workflows/release.yml", ""},
		{"name shared by two", map[string]string{".github/workflows/a.yml": deploy, ".github/workflows/b.yml": deploy}, "Deploy prod", "", `several workflows are named "Deploy prod" (a.yml, b.yml): give --workflow or release.workflow the file name`},
		{"name of a workflow without dispatch", map[string]string{".github/workflows/ci.yml": ci}, "CI", "", "workflow CI has no workflow_dispatch trigger"},
		{"named but broken", map[string]string{".github/workflows/release.yml": "on: ["}, "release.yml", "", "is not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := FindIn(tt.files, "o", "r", tt.ask)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || w.Path != tt.want {
				t.Fatalf("FindIn = %q, %v; want %q", w.Path, err, tt.want)
			}
		})
	}
}

func TestRunsOnPush(t *testing.T) {
	tests := []struct {
		name, on string
		want     bool
	}{
		{"dispatch only", "on: workflow_dispatch", false},
		{"push, scalar", "on: push", true},
		{"push in a list", "on: [push, workflow_dispatch]", true},
		{"push to main", "on:\n  push:\n    branches: [main]\n  workflow_dispatch:", true},
		{"push to a pattern", "on:\n  push:\n    branches: ['ma*']", true},
		{"push to other branches", "on:\n  push:\n    branches: [release/*]", false},
		{"main ignored", "on:\n  push:\n    branches-ignore: [main]", false},
		{"tags only", "on:\n  push:\n    tags: ['v*']", false},
		{"no filter", "on:\n  push:\n  workflow_dispatch:", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RunsOnPush([]byte(tt.on+"\njobs: {}\n"), "main"); got != tt.want {
				t.Errorf("RunsOnPush(%q) = %v, want %v", tt.on, got, tt.want)
			}
		})
	}
}
