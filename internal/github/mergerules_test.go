package github

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestAllowedMergeMethods(t *testing.T) {
	all := []string{"merge", "squash", "rebase"}
	tests := []struct {
		name  string
		repo  []string
		rules []MergeRule
		want  []string
	}{
		{"no rules", all, nil, all},
		{"settings unknown, no rules", nil, nil, all},
		{"a rule", all, []MergeRule{{"main", []string{"squash"}}}, []string{"squash"}},
		{"settings and a rule", []string{"merge", "squash"}, []MergeRule{{"main", []string{"squash", "rebase"}}}, []string{"squash"}},
		{"two rules: the most restrictive", all, []MergeRule{{"a", []string{"merge", "rebase"}}, {"b", []string{"rebase", "squash"}}}, []string{"rebase"}},
		{"nothing in common", []string{"merge"}, []MergeRule{{"main", []string{"squash"}}}, nil},
		{"GitHub's order", all, []MergeRule{{"main", []string{"rebase", "merge"}}}, []string{"merge", "rebase"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AllowedMergeMethods(tt.repo, tt.rules); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("AllowedMergeMethods = %v, want %v", got, tt.want)
			}
		})
	}
}

// mergeRules reads the pull_request rules with allowed merge methods out of
// Ref.rules, whatever the case GitHub spells the methods in.
func TestMergeRules(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []MergeRule
	}{
		{"none", `[]`, nil},
		{"upper case", `[{"type": "PULL_REQUEST", "repositoryRuleset": {"name": "main"}, "parameters": {"allowedMergeMethods": ["SQUASH", "MERGE"]}}]`,
			[]MergeRule{{"main", []string{"merge", "squash"}}}},
		{"lower case", `[{"type": "PULL_REQUEST", "repositoryRuleset": {"name": "r"}, "parameters": {"allowedMergeMethods": ["rebase"]}}]`,
			[]MergeRule{{"r", []string{"rebase"}}}},
		{"without the list: no restriction", `[{"type": "PULL_REQUEST", "repositoryRuleset": {"name": "r"}, "parameters": {}}]`, nil},
		{"other rule types", `[{"type": "DELETION", "repositoryRuleset": {"name": "r"}, "parameters": null},
			{"type": "REQUIRED_STATUS_CHECKS", "repositoryRuleset": {"name": "r"}, "parameters": {}}]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var nodes []apiRule
			if err := json.Unmarshal([]byte(tt.json), &nodes); err != nil {
				t.Fatal(err)
			}
			if got := mergeRules(nodes); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mergeRules = %v, want %v", got, tt.want)
			}
		})
	}
}
