package git

import (
	"context"
	"sync"
)

// Pusher is the one push of a branch that a caller prepares before it knows whether to
// push: [Client.PushAhead] starts it right away, held before it sends anything (see
// heldPush), so that [Pusher.Push] costs one round trip once the caller has decided, instead
// of git's start-up, its reading of the remote's refs and the pack. [Pusher.Close] drops it
// unused: git ends having sent nothing and changed nothing, locally or on the remote.
//
// Where a push cannot be held (Windows, a dry run, a git folder whose hooks cannot run, git
// failing to start), Push pushes the usual way. Either way the user's pre-push hook runs when,
// and only when, Push is called.
//
// A Pusher is for one goroutine: call Push, then Close however the caller ends (Close after
// Push does nothing); a Push after Close or after Push pushes the usual way.
type Pusher struct {
	c              *Client
	remote, branch string
	setUpstream    bool
	started        chan struct{} // closed once held is set
	mu             sync.Mutex
	held           *heldPush // nil when the push could not be held, or once taken
}

// PushAhead starts `git push [--set-upstream] remote refs/heads/branch:refs/heads/branch`
// held before it sends anything, in the background, and returns the [Pusher] that releases
// it (Push) or drops it (Close). paths locates the git folder, where the hook that holds the
// push is written, and the user's hooks. ctx bounds the held push; the caller must Close the
// Pusher however it ends.
func (c *Client) PushAhead(ctx context.Context, paths Paths, remote, branch string, setUpstream bool) *Pusher {
	p := &Pusher{c: c, remote: remote, branch: branch, setUpstream: setUpstream, started: make(chan struct{})}
	go func() {
		defer close(p.started)
		held, err := c.startHeldPush(ctx, paths, remote, branch, setUpstream)
		if err == nil {
			p.held = held
		}
	}()
	return p
}

// take returns the held push, once: nil when there is none.
func (p *Pusher) take() *heldPush {
	<-p.started
	p.mu.Lock()
	defer p.mu.Unlock()
	held := p.held
	p.held = nil
	return held
}

// Push pushes the branch: it releases the held push, else pushes the usual way, and returns
// git's outcome. A refusal of the user's pre-push hook is a [*HookDeclinedError].
func (p *Pusher) Push(ctx context.Context) error {
	if held := p.take(); held != nil {
		return held.release(ctx)
	}
	return p.c.Push(ctx, p.remote, p.branch, p.setUpstream)
}

// Close drops the held push if Push did not use it, and waits for git to end: nothing is
// sent. It does nothing on a nil Pusher, or after Push.
func (p *Pusher) Close() {
	if p == nil {
		return
	}
	if held := p.take(); held != nil {
		held.abort()
	}
}
