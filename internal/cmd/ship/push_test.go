package ship

import "testing"

func TestPushedLine(t *testing.T) {
	const tip = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct{ name, onGitHub, want string }{
		{"new branch", "", "Pushed hotfix/a to origin"},
		{"GitHub behind", "fedcba9876543210fedcba9876543210fedcba98", "Pushed hotfix/a to origin"},
		{"GitHub had the tip", tip, "hotfix/a is already on origin at 0123456: nothing to push"},
	}
	for _, tt := range tests {
		if got := pushedLine("hotfix/a", "origin", tip, tt.onGitHub); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
