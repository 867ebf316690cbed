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

// pusherFixture is a fixture on branch hotfix/login, one commit ahead of the remote, with a
// pre-push hook of the user's that records each run in ./user-hook-ran (exit status given).
func pusherFixture(t *testing.T, hookExit int) (f *fixture, tip string, paths Paths) {
	t.Helper()
	f = newFixture(t)
	f.git(f.work, "switch", "--quiet", "-c", "hotfix/login")
	tip = f.commit(f.work, "login.go", "fixed\n", "fix login")
	script := `echo "$1 $2" >> "./user-hook-ran"` + "\n"
	if hookExit != 0 {
		script += "echo 'lint failed' >&2\nexit 1\n"
	}
	writeHook(t, filepath.Join(f.work, ".git", "hooks"), "pre-push", script)
	paths, err := f.client.Paths(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f, tip, paths
}

// waitHeld waits until the Pusher's git holds in its hook, and returns the held push.
func waitHeld(t *testing.T, p *Pusher) *heldPush {
	t.Helper()
	<-p.started
	p.mu.Lock()
	held := p.held
	p.mu.Unlock()
	if held == nil {
		t.Fatal("PushAhead did not hold the push")
	}
	select {
	case <-held.held:
	case <-time.After(30 * time.Second):
		t.Fatal("git did not reach the hook in 30s")
	}
	return held
}

func hookRuns(t *testing.T, f *fixture) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.work, "user-hook-ran"))
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

func TestPusherPushSendsTheHeldPush(t *testing.T) {
	f, tip, paths := pusherFixture(t, 0)
	ctx := context.Background()
	remoteBefore := f.snapshot(t, f.remote)
	p := f.client.PushAhead(ctx, paths, "origin", "hotfix/login", true)
	defer p.Close()
	held := waitHeld(t, p)
	// Held: nothing sent, and the user's hook has not run yet.
	if got := f.snapshot(t, f.remote); !maps.Equal(got, remoteBefore) {
		t.Fatalf("the remote changed before Push: %v", got)
	}
	if n := hookRuns(t, f); n != 0 {
		t.Fatalf("the user's pre-push hook ran %d times before Push", n)
	}
	if err := p.Push(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held.done:
	default:
		t.Error("Push returned before the held git ended")
	}
	if got := f.git(f.remote, "rev-parse", "refs/heads/hotfix/login"); got != tip {
		t.Errorf("remote branch at %s, want %s", got, tip)
	}
	if remote, _ := f.client.Config(ctx, "branch.hotfix/login.remote"); remote != "origin" {
		t.Errorf("upstream remote %q, want origin", remote)
	}
	if n := hookRuns(t, f); n != 1 {
		t.Errorf("the user's pre-push hook ran %d times, want once", n)
	}
	// Close after Push sends nothing more and runs nothing.
	p.Close()
	if n := hookRuns(t, f); n != 1 {
		t.Errorf("after Close, the user's pre-push hook ran %d times, want once", n)
	}
}

func TestPusherPushReportsTheUsersHookDeclining(t *testing.T) {
	f, _, paths := pusherFixture(t, 1)
	ctx := context.Background()
	remoteBefore := f.snapshot(t, f.remote)
	p := f.client.PushAhead(ctx, paths, "origin", "hotfix/login", true)
	defer p.Close()
	waitHeld(t, p)
	err := p.Push(ctx)
	var declined *HookDeclinedError
	if !errors.As(err, &declined) {
		t.Fatalf("Push: %v (%T), want a *HookDeclinedError", err, err)
	}
	if !strings.HasSuffix(err.Error(), ".git/hooks/pre-push declined the push: lint failed") {
		t.Errorf("Push: %v", err)
	}
	if got := f.snapshot(t, f.remote); !maps.Equal(got, remoteBefore) {
		t.Errorf("the remote changed: %v, was %v", got, remoteBefore)
	}
}

func TestPusherCloseSendsNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		// end ends the caller's use of p; cancel cancels PushAhead's context.
		end func(t *testing.T, p *Pusher, cancel context.CancelFunc)
	}{
		{"closed while held", func(t *testing.T, p *Pusher, _ context.CancelFunc) {
			waitHeld(t, p)
			p.Close()
		}},
		{"closed right away, git perhaps still reading the remote", func(t *testing.T, p *Pusher, _ context.CancelFunc) {
			p.Close()
		}},
		{"cancelled while held, then closed", func(t *testing.T, p *Pusher, cancel context.CancelFunc) {
			held := waitHeld(t, p)
			cancel()
			<-held.done
			p.Close()
		}},
		{"closed twice", func(t *testing.T, p *Pusher, _ context.CancelFunc) {
			waitHeld(t, p)
			p.Close()
			p.Close()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, paths := pusherFixture(t, 0)
			localBefore := f.snapshot(t, f.work)
			configBefore := f.git(f.work, "config", "--local", "--list")
			remoteBefore := f.snapshot(t, f.remote)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			p := f.client.PushAhead(ctx, paths, "origin", "hotfix/login", true)
			<-p.started
			p.mu.Lock()
			held := p.held
			p.mu.Unlock()
			tc.end(t, p, cancel)
			if held != nil {
				select {
				case <-held.done:
				default:
					t.Error("Close returned before the held git ended")
				}
			}
			if got := f.snapshot(t, f.remote); !maps.Equal(got, remoteBefore) {
				t.Errorf("the remote changed: %v, was %v", got, remoteBefore)
			}
			if got := f.snapshot(t, f.work); !maps.Equal(got, localBefore) {
				t.Errorf("local refs changed: %v, were %v", got, localBefore)
			}
			if got := f.git(f.work, "config", "--local", "--list"); got != configBefore {
				t.Errorf("local config changed:\n%s\nwas\n%s", got, configBefore)
			}
			if n := hookRuns(t, f); n != 0 {
				t.Errorf("the user's pre-push hook ran %d times for a push never made", n)
			}
		})
	}
}

func TestPusherPushesTheUsualWay(t *testing.T) {
	t.Run("after Close", func(t *testing.T) {
		f, tip, paths := pusherFixture(t, 0)
		ctx := context.Background()
		p := f.client.PushAhead(ctx, paths, "origin", "hotfix/login", true)
		p.Close()
		if err := p.Push(ctx); err != nil {
			t.Fatal(err)
		}
		if got := f.git(f.remote, "rev-parse", "refs/heads/hotfix/login"); got != tip {
			t.Errorf("remote branch at %s, want %s", got, tip)
		}
		if n := hookRuns(t, f); n != 1 {
			t.Errorf("the user's pre-push hook ran %d times, want once", n)
		}
	})
	t.Run("a dry run holds nothing and prints the push", func(t *testing.T) {
		f, _, paths := pusherFixture(t, 0)
		ctx := context.Background()
		var out strings.Builder
		dry := &Client{Dir: f.work, Env: f.env, DryRun: &out}
		p := dry.PushAhead(ctx, paths, "origin", "hotfix/login", true)
		defer p.Close()
		<-p.started
		if p.held != nil {
			t.Fatal("a dry run held a push")
		}
		if err := p.Push(ctx); err != nil {
			t.Fatal(err)
		}
		if want := "git push --set-upstream origin refs/heads/hotfix/login:refs/heads/hotfix/login\n"; out.String() != want {
			t.Errorf("dry run printed %q, want %q", out.String(), want)
		}
	})
	t.Run("an option for a remote fails, sending nothing", func(t *testing.T) {
		f, _, paths := pusherFixture(t, 0)
		ctx := context.Background()
		p := f.client.PushAhead(ctx, paths, "--all", "hotfix/login", false)
		defer p.Close()
		if err := p.Push(ctx); err == nil {
			t.Error("Push to remote --all did not fail")
		}
	})
}

func TestPusherCloseOnNil(t *testing.T) {
	var p *Pusher
	p.Close() // a caller that started no push closes it all the same
}
