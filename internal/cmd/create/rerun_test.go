package create

import "testing"

func TestRerunCommand(t *testing.T) {
	tests := []struct {
		name string
		opts CreateOptions
		desc string // as answered at the prompt, or read from the issue
		want string
	}{
		{name: "description given", opts: CreateOptions{Description: "login page 500"}, want: "gh hotfix create 'login page 500'"},
		{name: "description answered at the prompt", desc: "cart total", want: "gh hotfix create 'cart total'"},
		{name: "not answered yet", want: "gh hotfix create"},
		{name: "from an issue", opts: CreateOptions{Issue: 123}, desc: "Title of issue 123", want: "gh hotfix create --issue 123"},
		{name: "issue and description", opts: CreateOptions{Issue: 7, Description: "it's down"}, want: `gh hotfix create 'it'\''s down' --issue 7`},
		{name: "every flag", opts: CreateOptions{Description: "fix", Name: "login-500", Base: "release", Repo: "acme/shop", Push: true, Force: true, DryRun: true},
			want: "gh hotfix create fix --name login-500 --base release -R acme/shop --push --force"},
		{name: "exceptional", opts: CreateOptions{Description: "fix", FromTag: "v1.4.0"}, want: "gh hotfix create fix --from-tag v1.4.0"},
		{name: "latest release", opts: CreateOptions{Issue: 9, FromLatestRelease: true}, want: "gh hotfix create --issue 9 --from-latest-release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rerunCommand(&tt.opts, tt.desc); got != tt.want {
				t.Errorf("rerunCommand =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
