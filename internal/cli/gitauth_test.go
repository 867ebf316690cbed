package cli

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestGitAuthEnv(t *testing.T) {
	t.Setenv("GIT_CONFIG_COUNT", "")
	basic := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:tok"))
	tests := []struct {
		host, remote, token string
		wantKey             string
	}{
		{"github.com", "https://github.com/acme/shop.git", "tok", "GIT_CONFIG_KEY_0=http.https://github.com/.extraheader"},
		{"github.localhost", "http://github.localhost/o/r.git", "tok", "GIT_CONFIG_KEY_0=http.http://github.localhost/.extraheader"},
		{"GHE.example.com", "https://ghe.example.com/o/r", "tok", "GIT_CONFIG_KEY_0=http.https://ghe.example.com/.extraheader"},
		{"github.com", "git@github.com:acme/shop.git", "tok", ""},       // SSH: nothing
		{"github.com", "https://gitlab.com/acme/shop.git", "tok", ""},   // another host: nothing
		{"github.com", "https://github.com/acme/shop.git", "", ""},      // no token
		{"github.com", "ssh://git@github.com/acme/shop.git", "tok", ""}, // SSH URL
	}
	for _, tt := range tests {
		env := gitAuthEnv(tt.host, tt.token, tt.remote)
		got := strings.Join(env, "\n")
		if tt.wantKey == "" {
			if env != nil {
				t.Errorf("gitAuthEnv(%s, %s) = %q, want nothing", tt.host, tt.remote, got)
			}
			continue
		}
		if !strings.Contains(got, tt.wantKey) || !strings.Contains(got, "GIT_CONFIG_VALUE_0="+basic) || !strings.Contains(got, "GIT_CONFIG_COUNT=1") {
			t.Errorf("gitAuthEnv(%s, %s) = %q", tt.host, tt.remote, got)
		}
	}
	// A remote that fetches over https and pushes elsewhere: one header per distinct
	// scheme and host on the repository's host, none for the others.
	env := gitAuthEnv("github.com", "tok", "https://github.com/a/b", "git@github.com:me/b", "https://github.com/me/b", "http://github.com/a/b")
	want := []string{"GIT_CONFIG_COUNT=2",
		"GIT_CONFIG_KEY_0=http.https://github.com/.extraheader", "GIT_CONFIG_VALUE_0=" + basic,
		"GIT_CONFIG_KEY_1=http.http://github.com/.extraheader", "GIT_CONFIG_VALUE_1=" + basic}
	if strings.Join(env, "\n") != strings.Join(want, "\n") {
		t.Errorf("gitAuthEnv with fetch and push URLs = %q, want %q", env, want)
	}
	t.Setenv("GIT_CONFIG_COUNT", "2")
	if env := gitAuthEnv("github.com", "tok", "https://github.com/a/b"); env != nil {
		t.Errorf("the user's GIT_CONFIG_COUNT was overridden: %q", env)
	}
}
