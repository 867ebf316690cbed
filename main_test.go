package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain runs the real main instead of the tests when re-executed by runMain.
func TestMain(m *testing.M) {
	if os.Getenv("GH_HOTFIX_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// runMain runs this test binary as gh-hotfix with args, on pipes (no terminal).
func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GH_HOTFIX_TEST_MAIN=1", "GH_CONFIG_DIR="+t.TempDir(), "GH_TOKEN=", "GH_REPO=", "NO_COLOR=")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func TestMainExitCodes(t *testing.T) {
	tests := []struct {
		args       []string
		wantCode   int
		wantStdout string // prefix
		wantStderr string // prefix
	}{
		{[]string{"--version"}, 0, "gh-hotfix version ", ""},
		{[]string{"create", "--help"}, 0, "Create a hotfix branch from the latest commit of the base branch.\n", ""},
		{[]string{"bogus"}, 1, "", `unknown command "bogus" for "gh hotfix"`},
		{[]string{"ship", "--bogus"}, 1, "", "unknown flag: --bogus\n\nUsage:  gh hotfix ship [flags]"},
		{[]string{"create"}, 1, "", "a description argument or `--issue` is required when not running interactively"},
		{[]string{"status", "--limit", "0"}, 1, "", "invalid limit: 0"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := runMain(t, tt.args...)
			if code != tt.wantCode || !strings.HasPrefix(stdout, tt.wantStdout) || !strings.HasPrefix(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q…, %q…", code, stdout, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
			if tt.wantStdout == "" && stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if tt.wantStderr == "" && stderr != "" {
				t.Errorf("stderr %q, want nothing", stderr)
			}
		})
	}
}
