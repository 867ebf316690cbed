package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// heldPush is a git push started before the decision to push is made. git starts,
// contacts the remote and reads its refs, then waits in its pre-push hook: [heldPush.release]
// lets it send the commits, [heldPush.abort] makes the hook refuse, and git ends having sent
// nothing and changed nothing, locally or on the remote. Started while GitHub is asked
// whether to push at all, a push costs one round trip after the answer instead of two,
// and none of git's start-up.
//
// The hook is gh hotfix's own, in the repository's git folder, run through core.hooksPath for
// this push only; it runs the user's pre-push hook (wherever core.hooksPath or the git folder
// puts it) after the release, with the same arguments and input, so the user's checks still
// decide. git gets the gate as its file descriptor 3, the read end of a pipe: if gh hotfix dies,
// the pipe closes and the hook refuses.
type heldPush struct {
	args   []string
	cmd    *exec.Cmd
	gate   *os.File // write end: one line, "push" or anything else
	held   chan struct{}
	done   chan struct{}
	err    error // git's outcome, once done is closed
	stderr bytes.Buffer
	once   sync.Once
	// userHooks is the folder of the user's hooks.
	userHooks string
}

// errCannotHold is returned by [Client.startHeldPush] where a push cannot be held (Windows,
// or a git folder whose hooks cannot run): push the usual way instead.
var errCannotHold = errors.New("a push cannot be held here")

// prePushHook waits for gh hotfix's verdict on fd 3, then hands over to the user's hook.
// It tells gh hotfix it is waiting on fd 4.
const prePushHook = `#!/bin/sh
# Written by gh hotfix: holds "gh hotfix ship"'s push until it has GitHub's answer,
# then runs your own pre-push hook. Only used for that push (git -c core.hooksPath).
echo held 2>/dev/null >&4
exec 4>&-
IFS= read -r verdict <&3 || verdict=
exec 3<&-
[ "$verdict" = push ] || exit 1
hook="$GH_HOTFIX_USER_HOOKS/pre-push"
if [ -n "$GH_HOTFIX_USER_HOOKS" ] && [ -f "$hook" ] && [ -x "$hook" ]; then
	"$hook" "$@"
	status=$?
	[ "$status" -eq 0 ] || echo "` + declinedMarker + `" >&2
	exit "$status"
fi
exit 0
`

// declinedMarker is the line the hook prints when the user's pre-push hook refused.
const declinedMarker = "gh-hotfix: your pre-push hook declined the push"

// HookDeclinedError is a held push refused by the user's own pre-push hook.
type HookDeclinedError struct {
	Hook string // the hook's path
	// Said is the last line the hook printed, if any: usually why.
	Said string
	Err  error // git's failure
}

func (e *HookDeclinedError) Error() string {
	msg := "the pre-push hook " + e.Hook + " declined the push"
	if e.Said != "" {
		msg += ": " + e.Said
	}
	return msg
}

func (e *HookDeclinedError) Unwrap() error { return e.Err }

// declined turns a push failure into a [HookDeclinedError] when the user's hook refused.
func (p *heldPush) declined(err error) error {
	out := p.stderr.String()
	before, _, found := strings.Cut(out, declinedMarker)
	if err == nil || !found {
		return err
	}
	said := ""
	for line := range strings.Lines(before) {
		if line = strings.TrimSpace(line); line != "" {
			said = line
		}
	}
	return &HookDeclinedError{Hook: filepath.Join(p.userHooks, "pre-push"), Said: said, Err: err}
}

// passHook runs the user's hook of the same name, so that overriding core.hooksPath for the
// push loses none of them (git runs reference-transaction when it updates the
// remote-tracking branch).
const passHook = `#!/bin/sh
# Written by gh hotfix: runs your own hook of this name during "gh hotfix ship"'s push.
hook="$GH_HOTFIX_USER_HOOKS/${0##*/}"
if [ -n "$GH_HOTFIX_USER_HOOKS" ] && [ -f "$hook" ] && [ -x "$hook" ]; then
	exec "$hook" "$@"
fi
cat >/dev/null
exit 0
`

// startHeldPush starts `git push [--set-upstream] remote refs/heads/branch:refs/heads/branch`
// and holds it before it sends anything (see [heldPush]). paths locates the git folder, for
// the hook, and the user's hooks. It returns [errCannotHold] where holding is not possible.
func (c *Client) startHeldPush(ctx context.Context, paths Paths, remote, branch string, setUpstream bool) (*heldPush, error) {
	if c.DryRun != nil {
		return nil, errCannotHold
	}
	if err := notOption("remote", remote); err != nil {
		return nil, err
	}
	if err := notOption("branch name", branch); err != nil {
		return nil, err
	}
	hooks, err := installHoldHooks(paths.CommonDir, paths.Hooks)
	if err != nil {
		return nil, err
	}
	args := []string{"-c", "core.hooksPath=" + hooks, "push"}
	if setUpstream {
		args = append(args, "--set-upstream")
	}
	ref := "refs/heads/" + branch
	args = append(args, remote, ref+":"+ref)

	gateR, gateW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	heldR, heldW, err := os.Pipe()
	if err != nil {
		gateR.Close()
		gateW.Close()
		return nil, err
	}
	path := c.Path
	if path == "" {
		path = "git"
	}
	p := &heldPush{args: args[2:], gate: gateW, userHooks: paths.Hooks, held: make(chan struct{}), done: make(chan struct{})}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = c.Dir
	cmd.Env = append(append(os.Environ(), c.Env...), "GH_HOTFIX_USER_HOOKS="+paths.Hooks)
	cmd.Stderr = &p.stderr
	cmd.ExtraFiles = []*os.File{gateR, heldW} // fd 3 and 4
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = cancelGrace
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{gateR, gateW, heldR, heldW} {
			f.Close()
		}
		return nil, err
	}
	// The child has its copies; ours of the ends it uses would keep the pipes open.
	gateR.Close()
	heldW.Close()
	p.cmd = cmd
	go func() {
		defer heldR.Close()
		line, _ := bufio.NewReader(heldR).ReadString('\n')
		if line == "held\n" {
			close(p.held)
		}
	}()
	go func() {
		err := cmd.Wait()
		if err != nil {
			gitErr := &Error{Args: p.args, ExitCode: -1, Stderr: p.stderr.String(), err: err}
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				gitErr.ExitCode = exitErr.ExitCode()
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				gitErr.err = ctxErr
			}
			p.err = gitErr
		}
		close(p.done)
	}()
	return p, nil
}

// release lets the held push send the commits and returns git's outcome. A push that ended
// before reaching the hook (the remote could not be read) returns that failure.
func (p *heldPush) release(ctx context.Context) error {
	p.verdict("push\n")
	select {
	case <-p.done:
		return p.declined(p.err)
	case <-ctx.Done():
		<-p.done // the command's context is the caller's: git is being stopped
		return ctx.Err()
	}
}

// abort makes the held push end without sending anything and waits for git to end. A git
// still reading the remote's refs is interrupted: it has sent nothing, and the verdict is
// already "abort" should it reach the hook. abort reports whether git had reached the hook;
// false means it stopped before, on its own or interrupted, having sent nothing either.
func (p *heldPush) abort() bool {
	p.verdict("abort\n")
	select {
	case <-p.held:
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(cancelGrace):
			_ = p.cmd.Process.Kill()
		}
	}
	<-p.done
	select {
	case <-p.held:
		return true
	default:
		return false
	}
}

func (p *heldPush) verdict(v string) {
	p.once.Do(func() {
		_, _ = p.gate.WriteString(v)
		p.gate.Close()
	})
}

// installHoldHooks writes the hooks folder of held pushes into the git folder (where the
// user's hooks live, so that it can run programs), and checks that they can run. Besides
// pre-push, it passes on the user's reference-transaction hook (git runs it when the push
// updates the remote-tracking branch) when there is one; without, git is spared running it.
func installHoldHooks(commonDir, userHooks string) (string, error) {
	if !canHold() {
		return "", errCannotHold
	}
	hooks := map[string]string{"pre-push": prePushHook}
	dir := filepath.Join(commonDir, "gh-hotfix", "hold-hooks")
	if executable(filepath.Join(userHooks, "reference-transaction")) {
		hooks["reference-transaction"] = passHook
		dir += "-with-reference-transaction"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%w: %v", errCannotHold, err)
	}
	for name, text := range hooks {
		path := filepath.Join(dir, name)
		if b, err := os.ReadFile(path); err == nil && string(b) == text && executable(path) {
			continue
		}
		// Written aside and renamed: a concurrent ship never runs half a hook.
		tmp, err := os.CreateTemp(dir, "."+name+"-*")
		if err != nil {
			return "", fmt.Errorf("%w: %v", errCannotHold, err)
		}
		_, werr := tmp.WriteString(text)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o755), os.Rename(tmp.Name(), path)); err != nil {
			os.Remove(tmp.Name())
			return "", fmt.Errorf("%w: %v", errCannotHold, err)
		}
		if !executable(path) {
			return "", errCannotHold // e.g. a file system mounted noexec: git would skip the hook
		}
	}
	return dir, nil
}

// Paths are the places of a checkout git reports: its top folder, the git folder shared by
// its worktrees, and the folder of the hooks git runs (core.hooksPath, else the git folder's).
type Paths struct {
	TopLevel, CommonDir, Hooks string
}

// Paths reads the checkout's places in one git command; it fails outside a checkout.
func (c *Client) Paths(ctx context.Context) (Paths, error) {
	out, err := c.Query(ctx, "rev-parse", "--show-toplevel", "--git-common-dir", "--git-path", "hooks")
	if err != nil {
		return Paths{}, err
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		return Paths{}, fmt.Errorf("git rev-parse: unexpected answer %q", out)
	}
	p := Paths{TopLevel: lines[0], CommonDir: lines[1], Hooks: lines[2]}
	// --git-common-dir and --git-path answer relative to the current folder.
	base := c.Dir
	if base == "" {
		if base, err = os.Getwd(); err != nil {
			return Paths{}, err
		}
	}
	for _, d := range []*string{&p.CommonDir, &p.Hooks} {
		if !filepath.IsAbs(*d) {
			*d = filepath.Join(base, *d)
		}
	}
	return p, nil
}
