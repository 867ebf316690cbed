//go:build unix

package git

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeHook installs an executable hook script at dir/name.
func writeHook(t *testing.T, dir, name, script string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestPaths(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.client.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Paths{TopLevel: f.work, CommonDir: filepath.Join(f.work, ".git"), Hooks: filepath.Join(f.work, ".git", "hooks")}
	if p != want {
		t.Errorf("Paths() = %+v, want %+v", p, want)
	}
	// From a subfolder, with core.hooksPath set (relative paths are the checkout's).
	sub := filepath.Join(f.work, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	f.git(f.work, "config", "core.hooksPath", "/opt/hooks")
	p, err = (&Client{Dir: sub, Env: f.env}).Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.TopLevel != f.work || p.CommonDir != filepath.Join(f.work, ".git") || p.Hooks != "/opt/hooks" {
		t.Errorf("Paths() from a subfolder with core.hooksPath = %+v", p)
	}
	if _, err := (&Client{Dir: f.dir, Env: f.env}).Paths(ctx); err == nil {
		t.Error("Paths() outside a checkout did not fail")
	}
}

func TestHeldPush(t *testing.T) {
	type outcome struct {
		pushed   bool // the remote has the branch at the tip, and the upstream is set
		errMatch string
	}
	tests := []struct {
		name string
		// userHooks installs the user's hooks; it returns the folder holding them, if
		// core.hooksPath should name it.
		userHooks func(t *testing.T, f *fixture) string
		// decide releases or aborts the push; it returns release's error.
		decide func(t *testing.T, p *heldPush) error
		want   outcome
	}{
		{
			name:   "released",
			decide: func(t *testing.T, p *heldPush) error { return p.release(context.Background()) },
			want:   outcome{pushed: true},
		},
		{
			name: "aborted",
			decide: func(t *testing.T, p *heldPush) error {
				if !p.abort() {
					t.Error("abort: git never reached the hook")
				}
				return nil
			},
		},
		{
			name: "released, the user's pre-push hook runs after and sees the refs",
			userHooks: func(t *testing.T, f *fixture) string {
				writeHook(t, filepath.Join(f.work, ".git", "hooks"), "pre-push",
					`echo "$1 $2" > "./user-hook-ran"; cat >> "./user-hook-ran"`+"\n")
				return ""
			},
			decide: func(t *testing.T, p *heldPush) error { return p.release(context.Background()) },
			want:   outcome{pushed: true},
		},
		{
			name: "released, the user's pre-push hook refuses",
			userHooks: func(t *testing.T, f *fixture) string {
				writeHook(t, filepath.Join(f.work, ".git", "hooks"), "pre-push", "echo 'lint failed' >&2\nexit 1\n")
				return ""
			},
			decide: func(t *testing.T, p *heldPush) error { return p.release(context.Background()) },
			want:   outcome{errMatch: `.git/hooks/pre-push declined the push: lint failed`},
		},
		{
			name: "aborted, the user's pre-push hook never runs",
			userHooks: func(t *testing.T, f *fixture) string {
				writeHook(t, filepath.Join(f.work, ".git", "hooks"), "pre-push", `touch "./user-hook-ran"`+"\n")
				return ""
			},
			decide: func(t *testing.T, p *heldPush) error { p.abort(); return nil },
		},
		{
			name: "released, the user's hooks in core.hooksPath run (pre-push and reference-transaction)",
			userHooks: func(t *testing.T, f *fixture) string {
				dir := filepath.Join(f.dir, "team-hooks")
				writeHook(t, dir, "pre-push", `echo "$1 $2" > "./user-hook-ran"; cat >> "./user-hook-ran"`+"\n")
				writeHook(t, dir, "reference-transaction", `cat >> "./ref-transaction"`+"\n")
				return dir
			},
			decide: func(t *testing.T, p *heldPush) error { return p.release(context.Background()) },
			want:   outcome{pushed: true},
		},
		{
			name: "gh hotfix dies before deciding: the pipe closes and nothing is pushed",
			decide: func(t *testing.T, p *heldPush) error {
				<-p.held
				p.gate.Close() // as the kernel does when the process ends
				<-p.done
				return nil
			},
		},
		{
			name: "cancelled while held",
			decide: func(t *testing.T, p *heldPush) error {
				<-p.held
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return p.release(ctx)
			},
			// release wrote "push" before it saw the cancellation; either outcome is
			// possible for git then, so only the error is checked.
			want: outcome{pushed: true, errMatch: `context canceled`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			f.git(f.work, "switch", "--quiet", "-c", "hotfix/login")
			tip := f.commit(f.work, "login.go", "fixed\n", "fix login")
			hooksPath := ""
			if tt.userHooks != nil {
				hooksPath = tt.userHooks(t, f)
			}
			if hooksPath != "" {
				f.git(f.work, "config", "core.hooksPath", hooksPath)
			}
			localBefore := f.snapshot(t, f.work)
			configBefore := f.git(f.work, "config", "--local", "--list")
			remoteBefore := f.snapshot(t, f.remote)

			paths, err := f.client.Paths(ctx)
			if err != nil {
				t.Fatal(err)
			}
			p, err := f.client.startHeldPush(ctx, paths, "origin", "hotfix/login", true)
			if err != nil {
				t.Fatal(err)
			}
			select {
			case <-p.held:
			case <-time.After(30 * time.Second):
				t.Fatal("git did not reach the hook in 30s")
			}
			// Held: nothing has reached the remote yet.
			if got := f.snapshot(t, f.remote); !maps.Equal(got, remoteBefore) {
				t.Fatalf("the remote changed while the push was held: %v", got)
			}
			err = tt.decide(t, p)
			if tt.want.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want.errMatch) {
					t.Fatalf("error %v, want one matching %q", err, tt.want.errMatch)
				}
				if tt.name == "cancelled while held" {
					return
				}
				var declined *HookDeclinedError
				if strings.Contains(tt.want.errMatch, "declined") && !errors.As(err, &declined) {
					t.Errorf("error %v (%T) is not a *HookDeclinedError", err, err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			<-p.done
			ranFile := filepath.Join(f.work, "user-hook-ran")
			if tt.want.pushed {
				if got := f.git(f.remote, "rev-parse", "refs/heads/hotfix/login"); got != tip {
					t.Errorf("remote branch at %s, want %s", got, tip)
				}
				if remote, _ := f.client.Config(ctx, "branch.hotfix/login.remote"); remote != "origin" {
					t.Errorf("upstream remote %q, want origin", remote)
				}
				if tt.userHooks != nil {
					b, err := os.ReadFile(ranFile)
					if err != nil {
						t.Fatalf("the user's pre-push hook did not run: %v", err)
					}
					want := "origin " + f.remote + "\nrefs/heads/hotfix/login " + tip + " refs/heads/hotfix/login "
					if !strings.HasPrefix(string(b), want) {
						t.Errorf("the user's hook got %q, want it to start with %q", b, want)
					}
				}
				if hooksPath != "" {
					b, _ := os.ReadFile(filepath.Join(f.work, "ref-transaction"))
					if !strings.Contains(string(b), "refs/remotes/origin/hotfix/login") {
						t.Errorf("the user's reference-transaction hook did not see the remote-tracking branch: %q", b)
					}
				}
				return
			}
			// Not pushed: nothing changed anywhere.
			if got := f.snapshot(t, f.remote); !maps.Equal(got, remoteBefore) {
				t.Errorf("the remote changed: %v, was %v", got, remoteBefore)
			}
			if got := f.snapshot(t, f.work); !maps.Equal(got, localBefore) {
				t.Errorf("local refs changed: %v, were %v", got, localBefore)
			}
			if got := f.git(f.work, "config", "--local", "--list"); got != configBefore {
				t.Errorf("local config changed:\n%s\nwas\n%s", got, configBefore)
			}
			if tt.name == "aborted, the user's pre-push hook never runs" {
				if _, err := os.Stat(ranFile); err == nil {
					t.Error("the user's pre-push hook ran for an aborted push")
				}
			}
		})
	}
}

func TestHeldPushGitFailsBeforeTheHook(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.git(f.work, "switch", "--quiet", "-c", "hotfix/login")
	f.commit(f.work, "login.go", "fixed\n", "fix login")
	f.git(f.work, "remote", "add", "gone", filepath.Join(f.dir, "no-such-remote.git"))
	paths, err := f.client.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.client.startHeldPush(ctx, paths, "gone", "hotfix/login", true)
	if err != nil {
		t.Fatal(err)
	}
	err = p.release(ctx)
	wantGitError(t, err, 128, `^git push --set-upstream gone refs/heads/hotfix/login:refs/heads/hotfix/login: exit 128: fatal: `)
	p2, err := f.client.startHeldPush(ctx, paths, "gone", "hotfix/login", true)
	if err != nil {
		t.Fatal(err)
	}
	if p2.abort() {
		t.Error("abort says git reached the hook, though the remote does not exist")
	}
}

func TestStartHeldPushRefuses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	paths, err := f.client.Paths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ remote, branch string }{{"-origin", "b"}, {"origin", "--all"}, {"", "b"}} {
		if _, err := f.client.startHeldPush(ctx, paths, tc.remote, tc.branch, false); err == nil {
			t.Errorf("startHeldPush(%q, %q) did not fail", tc.remote, tc.branch)
		}
	}
	dry := &Client{Dir: f.work, Env: f.env, DryRun: &strings.Builder{}}
	if _, err := dry.startHeldPush(ctx, paths, "origin", "main", false); err != errCannotHold {
		t.Errorf("a dry run: %v, want errCannotHold", err)
	}
}
