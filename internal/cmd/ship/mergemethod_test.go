package ship

import (
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// pickMergeMethod: the method asked for when GitHub allows it, else one error
// line naming who forbids it and the hint that fits where it was asked for;
// with nothing asked for, merge or the first method allowed.
func TestPickMergeMethod(t *testing.T) {
	all := []string{"merge", "squash", "rebase"}
	mergeOnly := []github.MergeRule{{Ruleset: "protect main", Methods: []string{"merge"}}}
	tests := []struct {
		name         string
		flag, config string
		repo         []string
		rules        []github.MergeRule
		want         string
		wantErr      string
	}{
		{name: "default", repo: all, want: "merge"},
		{name: "flag", flag: "squash", repo: all, want: "squash"},
		{name: "config", config: "rebase", repo: all, want: "rebase"},
		{name: "flag over config", flag: "merge", config: "squash", repo: all, want: "merge"},
		{name: "default forbidden by the settings", repo: []string{"squash", "rebase"}, want: "squash"},
		{name: "default forbidden by a rule", repo: all, rules: []github.MergeRule{{Ruleset: "r", Methods: []string{"rebase", "squash"}}}, want: "squash"},
		{name: "settings and rule together", repo: []string{"merge", "rebase"}, rules: []github.MergeRule{{Ruleset: "r", Methods: []string{"squash", "rebase"}}}, want: "rebase"},
		{name: "flag forbidden by a rule", flag: "squash", repo: all, rules: mergeOnly,
			wantErr: `ruleset "protect main" does not allow squash merges into main (its pull_request rule allows merge): pass --merge-method merge`},
		{name: "config forbidden by a rule", config: "squash", repo: all, rules: mergeOnly,
			wantErr: `ruleset "protect main" does not allow squash merges into main (its pull_request rule allows merge): set merge_method in .github/hotfix.yml to merge, or pass --merge-method`},
		{name: "flag forbidden by the settings", flag: "rebase", repo: []string{"squash"},
			wantErr: "monalisa/shop does not allow rebase merges (it allows squash): pass --merge-method squash"},
		{name: "config forbidden by the settings, rule narrows", config: "rebase", repo: []string{"merge", "squash"},
			rules:   []github.MergeRule{{Ruleset: "r", Methods: []string{"squash", "rebase"}}},
			wantErr: "monalisa/shop does not allow rebase merges (it allows merge, squash): set merge_method in .github/hotfix.yml to squash, or pass --merge-method"},
		{name: "the second rule forbids", flag: "squash", repo: all,
			rules:   []github.MergeRule{{Ruleset: "a", Methods: []string{"squash", "merge"}}, {Ruleset: "b", Methods: []string{"merge"}}},
			wantErr: `ruleset "b" does not allow squash merges into main (its pull_request rule allows merge): pass --merge-method merge`},
		{name: "nothing allowed", repo: []string{"squash"}, rules: mergeOnly,
			wantErr: `no merge method is allowed into main (monalisa/shop allows squash; ruleset "protect main" allows merge): ask an admin to allow a method in all of them, then run gh hotfix ship again`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pickMergeMethod(mergeMethodChoice{Repo: "monalisa/shop", Base: "main",
				Flag: tt.flag, Config: tt.config, RepoAllows: tt.repo, Rules: tt.rules})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("pickMergeMethod = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
