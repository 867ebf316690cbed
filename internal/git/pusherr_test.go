package git

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestClassifyPushWithRealGit: refusals as real git prints them, against a bare
// remote: a non-fast-forward push, and a server that declines with GitHub's
// words in a pre-receive hook.
func TestClassifyPushWithRealGit(t *testing.T) {
	ctx := context.Background()

	t.Run("non-fast-forward", func(t *testing.T) {
		f := newFixture(t)
		f.otherClone("a colleague's commit")
		f.commit(f.work, "mine.txt", "mine\n", "my commit")
		err := ClassifyPush(f.client.Push(ctx, "origin", "main", false))
		var rej *PushRejectedError
		if !errors.As(err, &rej) || !rej.NonFastForward || rej.Ref != "main" {
			t.Fatalf("err = %#v (%v), want a non-fast-forward refusal of main", err, err)
		}
	})

	t.Run("declined by the server", func(t *testing.T) {
		f := newFixture(t)
		hook := filepath.Join(f.remote, "hooks", "pre-receive")
		script := "#!/bin/sh\n" +
			"echo 'error: GH013: Repository rule violations found for refs/heads/hotfix/x.' >&2\n" +
			"echo '' >&2\n" +
			"echo '- Cannot create ref due to creations being restricted.' >&2\n" +
			"exit 1\n"
		if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		f.git(f.work, "switch", "-q", "-c", "hotfix/x")
		f.commit(f.work, "fix.txt", "fix\n", "fix")
		err := ClassifyPush(f.client.Push(ctx, "origin", "hotfix/x", true))
		var rej *PushRejectedError
		if !errors.As(err, &rej) || rej.NonFastForward || rej.Ref != "hotfix/x" {
			t.Fatalf("err = %#v (%v), want the server's refusal of hotfix/x", err, err)
		}
		msg := err.Error()
		for _, want := range []string{"GH013: Repository rule violations found for refs/heads/hotfix/x.", "- Cannot create ref due to creations being restricted.", "(pre-receive hook declined)"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q does not say %q", msg, want)
			}
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("not one line: %q", msg)
		}
		if rej.Code != "GH013" || !slices.Equal(rej.Rules, []string{"Cannot create ref due to creations being restricted."}) {
			t.Errorf("code %q, rules %q", rej.Code, rej.Rules)
		}
	})
}

func TestClassifyPush(t *testing.T) {
	gitErr := func(stderr string) error { return &Error{Args: []string{"push"}, ExitCode: 1, Stderr: stderr} }
	tests := []struct {
		name   string
		err    error
		kind   string // "rejected", "nff", "auth" or "" (unchanged)
		expect string
	}{
		{"GitHub ruleset", gitErr("remote: error: GH013: Repository rule violations found for refs/heads/main.\nremote: Review all repository rules at https://github.com/o/r/rules?ref=refs%2Fheads%2Fmain\nremote: \nremote: - Changes must be made through a pull request.\nremote: \nTo https://github.com/o/r.git\n ! [remote rejected] main -> main (push declined due to repository rule violations)\nerror: failed to push some refs to 'https://github.com/o/r.git'\n"),
			"rejected", "the push of main was refused (push declined due to repository rule violations): GH013: Repository rule violations found for refs/heads/main.; Review all repository rules at https://github.com/o/r/rules?ref=refs%2Fheads%2Fmain; - Changes must be made through a pull request."},
		{"protected branch", gitErr("remote: error: GH006: Protected branch update failed for refs/heads/main.\nremote: error: Changes must be made through a pull request.\nTo https://github.com/o/r.git\n ! [remote rejected] main -> main (protected branch hook declined)\n"),
			"rejected", "the push of main was refused (protected branch hook declined): GH006: Protected branch update failed for refs/heads/main.; Changes must be made through a pull request."},
		{"fetch first", gitErr("To https://github.com/o/r.git\n ! [rejected]        hotfix/x -> hotfix/x (fetch first)\nerror: failed to push some refs\nhint: Updates were rejected because the remote contains work that you do\n"),
			"nff", "the push of hotfix/x was refused (fetch first)"},
		{"https auth", gitErr("remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/r.git/'\n"), "auth", "git could not authenticate: Authentication failed for 'https://github.com/o/r.git/'"},
		{"ssh auth", gitErr("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n"), "auth", "git could not authenticate: git@github.com: Permission denied (publickey)."},
		{"no such host", gitErr("fatal: unable to access 'https://github.com/o/r.git/': Could not resolve host: github.com\n"), "connect",
			"git could not reach the server: unable to access 'https://github.com/o/r.git/': Could not resolve host: github.com"},
		{"repository not found", gitErr("remote: Repository not found.\nfatal: repository 'https://github.com/o/gone.git/' not found\n"), "missing",
			"the remote repository was not found: Repository not found."},
		{"prompt disabled", gitErr("fatal: could not read Username for 'https://github.com': terminal prompts disabled\n"), "auth",
			"git could not authenticate: could not read Username for 'https://github.com': terminal prompts disabled"},
		{"token in the URL", gitErr("fatal: unable to access 'https://x-access-token:ghs_secret@github.com/o/r.git/': Failed to connect to github.com port 443\n"), "connect",
			"git could not reach the server: unable to access 'https://github.com/o/r.git/': Failed to connect to github.com port 443"},
		{"other failure", gitErr("fatal: couldn't find remote ref refs/heads/nope\n"), "", ""},
		{"not a git error", errors.New("boom"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ClassifyPush(tt.err)
			var rej *PushRejectedError
			var auth *AuthError
			var missing *RemoteMissingError
			var conn *ConnectError
			switch {
			case tt.kind == "":
				if got != tt.err {
					t.Errorf("changed: %v", got)
				}
				return
			case tt.kind == "auth" && !errors.As(got, &auth):
				t.Fatalf("%v: not an auth error", got)
			case tt.kind == "missing" && !errors.As(got, &missing):
				t.Fatalf("%v: not a missing remote", got)
			case tt.kind == "connect" && !errors.As(got, &conn):
				t.Fatalf("%v: not a connection failure", got)
			case (tt.kind == "rejected" || tt.kind == "nff") && !errors.As(got, &rej):
				t.Fatalf("%v: not a refusal", got)
			case rej != nil && rej.NonFastForward != (tt.kind == "nff"):
				t.Errorf("NonFastForward = %v", rej.NonFastForward)
			}
			if got.Error() != tt.expect {
				t.Errorf("message\n%q\nwant\n%q", got.Error(), tt.expect)
			}
		})
	}
}

// TestPushRuleViolations: GitHub's refusals by its rules, as users captured
// git's output, carry the rule lines and the page to review them.
func TestPushRuleViolations(t *testing.T) {
	tests := []struct {
		name     string
		stderr   string // git's output
		code     string
		rules    []string
		rulesURL string
	}{
		{"creation restricted (dmf-mxl/mxl#356)",
			"remote: error: GH013: Repository rule violations found for refs/heads/backport/86/-/release/v2.0.0.        \n" +
				"remote: Review all repository rules at https://github.com/o/r/rules?ref=refs%2Fheads%2Fbackport%2F86%2F-%2Frelease%2Fv2.0.0        \n" +
				"remote: \nremote: - Cannot create ref due to creations being restricted.        \nremote: \nTo https://github.com/o/r\n" +
				" ! [remote rejected] backport/86/-/release/v2.0.0 -> backport/86/-/release/v2.0.0 (push declined due to repository rule violations)\n" +
				"error: failed to push some refs to 'https://github.com/o/r'\n",
			"GH013", []string{"Cannot create ref due to creations being restricted."},
			"https://github.com/o/r/rules?ref=refs%2Fheads%2Fbackport%2F86%2F-%2Frelease%2Fv2.0.0"},
		{"several rules, a merge commit listed",
			"remote: Resolving deltas: 100% (9/9), completed with 3 local objects.\n" +
				"remote: error: GH013: Repository rule violations found for refs/heads/my-feature-branch.\n" +
				"remote: Review all repository rules at https://github.com/o/r/rules?ref=refs%2Fheads%2Fmy-feature-branch\n" +
				"remote: \nremote: - Required status check \"Enforce License Acceptance\" is expected.\nremote: \n" +
				"remote: - Cannot create ref due to creations being restricted.\nremote: \n" +
				"remote: - This branch must not contain merge commits.\nremote:   Found 1 violation:\nremote: \n" +
				"remote:   f65c22f60eb9707709631e73e91ebb22dcaf1b43\nremote: \nTo https://github.com/o/r\n" +
				" ! [remote rejected] my-feature-branch -> my-feature-branch (push declined due to repository rule violations)\n",
			"GH013", []string{"Required status check \"Enforce License Acceptance\" is expected.",
				"Cannot create ref due to creations being restricted.",
				"This branch must not contain merge commits. Found 1 violation: f65c22f60eb9707709631e73e91ebb22dcaf1b43"},
			"https://github.com/o/r/rules?ref=refs%2Fheads%2Fmy-feature-branch"},
		{"force-push, no review line",
			"remote: error: GH013: Repository rule violations found for refs/heads/main.\nremote: - Cannot force-push to this branch\n" +
				" ! [remote rejected] main -> main (push declined due to repository rule violations)\n",
			"GH013", []string{"Cannot force-push to this branch"}, ""},
		{"classic protection",
			"remote: error: GH006: Protected branch update failed for refs/heads/main.\nremote: error: Cannot force-push to this branch\n" +
				"To github.com:o/r.git\n ! [remote rejected] main -> main (protected branch hook declined)\n",
			"GH006", []string{"Cannot force-push to this branch"}, ""},
		{"a hook's own refusal", "remote: no tabs allowed\n ! [remote rejected] main -> main (pre-receive hook declined)\n", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ClassifyPush(&Error{Args: []string{"push"}, ExitCode: 1, Stderr: tt.stderr})
			var rej *PushRejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("%v: not a refusal", err)
			}
			if rej.Code != tt.code || !slices.Equal(rej.Rules, tt.rules) || rej.RulesURL != tt.rulesURL {
				t.Errorf("got %q %q %q, want %q %q %q", rej.Code, rej.Rules, rej.RulesURL, tt.code, tt.rules, tt.rulesURL)
			}
		})
	}
}

func FuzzParseRuleViolations(f *testing.F) {
	f.Add("error: GH013: Repository rule violations found for refs/heads/main.\nReview all repository rules at https://x/rules?ref=r\n\n- A rule.\n  Found 1 violation:\n\n  abc\n")
	f.Add("error: GH006: Protected branch update failed for refs/heads/main.\nerror: Changes must be made through a pull request.\n")
	f.Fuzz(func(t *testing.T, text string) {
		code, url, rules := parseRuleViolations(strings.Split(text, "\n"))
		if code != "" && code != "GH013" && code != "GH006" {
			t.Fatalf("code %q", code)
		}
		if code == "" && (url != "" || rules != nil) {
			t.Fatalf("rules without a code: %q %q", url, rules)
		}
		if len(rules) > maxRules || len(url) > maxRuleLine+len("…") {
			t.Fatalf("unbounded: %d rules, URL of %d bytes", len(rules), len(url))
		}
		for _, r := range rules {
			if len(r) > maxRuleLine+len("…") {
				t.Fatalf("a rule of %d bytes", len(r))
			}
		}
	})
}

func FuzzClassifyPush(f *testing.F) {
	f.Add(" ! [remote rejected] main -> main (push declined due to repository rule violations)\nremote: error: GH013: x\n")
	f.Add(" ! [rejected]        a -> a (non-fast-forward)\n")
	f.Add("fatal: Authentication failed for 'x'\n")
	f.Fuzz(func(t *testing.T, stderr string) {
		err := ClassifyPush(&Error{Args: []string{"push"}, ExitCode: 1, Stderr: stderr})
		if err == nil || err.Error() == "" {
			t.Fatal("no error")
		}
		var rej *PushRejectedError
		if errors.As(err, &rej) && len(rej.Remote) > maxRemoteLines {
			t.Fatalf("%d remote lines kept", len(rej.Remote))
		}
	})
}

func TestFirstErrorLine(t *testing.T) {
	tests := []struct{ name, stderr, want string }{
		{"untracked files in the way",
			"error: The following untracked working tree files would be overwritten by checkout:\n\tfix.txt\n\tnotes/todo.md\nPlease move or remove them before you switch branches.\nAborting\n",
			"error: The following untracked working tree files would be overwritten by checkout: fix.txt, notes/todo.md"},
		{"hint before the error", "hint: something\nfatal: couldn't find remote ref main\n", "fatal: couldn't find remote ref main"},
		{"ssh", "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\n",
			"fatal: Could not read from remote repository."},
		{"no error line", "something odd\n", "something odd"},
		{"many files, bounded", "error: paths:\n\ta\n\tb\n\tc\n\td\n\te\n\tf\n\tg\n", "error: paths: a, b, c, d, e"},
	}
	for _, tt := range tests {
		if got := firstErrorLine(tt.stderr); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
