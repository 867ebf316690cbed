// Package git runs the real git binary for gh hotfix, without a shell: every argument is its
// own exec argument, never part of an interpolated command line.
//
// All commands go through one runner, by two doors: [Client.Query] for commands that only read
// and [Client.Mutate] for commands that change a repository (local or remote). With
// [Client.DryRun] set, Mutate prints the commands it would run and runs nothing, so a dry run
// can still query the repository. The domain verbs (Fetch, CreateBranch, Push, …) are small
// methods on top of the two.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// Client runs git in one working directory.
type Client struct {
	// Dir is the directory git runs in; empty means the current directory.
	Dir string
	// Env holds "KEY=value" entries added to the inherited environment of every run,
	// overriding inherited values of the same keys.
	Env []string
	// Path is the git executable; empty means "git" found in PATH.
	Path string
	// DryRun, when set, receives each state-changing command as a "git …" line instead of
	// running it. Queries still run.
	DryRun io.Writer
}

// cancelGrace is how long git may take to stop after an interrupt before it is killed.
const cancelGrace = 5 * time.Second

// Error is a git command that failed.
type Error struct {
	Args     []string // arguments after "git"
	ExitCode int      // exit status; -1 when git did not run to completion
	Stderr   string   // what git wrote to stderr
	err      error    // the cause: exec's error, or the context's when it was cancelled
}

// Error describes the failure in one line: the command, the exit status and the first
// error line git printed, e.g. "git fetch origin main: exit 128: fatal: couldn't find remote
// ref main".
func (e *Error) Error() string {
	msg := "git " + quoteArgs(e.Args)
	if e.ExitCode < 0 {
		return msg + ": " + e.err.Error()
	}
	msg += fmt.Sprintf(": exit %d", e.ExitCode)
	if line := firstErrorLine(e.Stderr); line != "" {
		msg += ": " + line
	}
	return msg
}

// Unwrap returns the cause, so that errors.Is(err, context.Canceled) holds for a cancelled run.
func (e *Error) Unwrap() error { return e.err }

// firstErrorLine picks what says what went wrong in git's stderr, as one line:
// the first "fatal:" or "error:" line (git often prints hints before it), else
// the first non-empty line, followed by the indented lines git lists under it
// (the untracked files in the way, the conflicting paths), up to maxDetail.
func firstErrorLine(stderr string) string {
	first, found := "", false
	var detail []string
	for line := range strings.Lines(stderr) {
		raw := strings.TrimRight(line, "\r\n")
		line = strings.TrimSpace(raw)
		if found {
			if line != "" && (strings.HasPrefix(raw, "\t") || strings.HasPrefix(raw, "  ")) {
				if len(detail) < maxDetail {
					detail = append(detail, line)
				}
				continue
			}
			break
		}
		if strings.HasPrefix(line, "fatal: ") || strings.HasPrefix(line, "error: ") {
			first, found = line, true
			continue
		}
		if first == "" {
			first = line
		}
	}
	if len(detail) > 0 {
		return first + " " + strings.Join(detail, ", ")
	}
	return first
}

// maxDetail bounds the listed lines an error keeps.
const maxDetail = 5

// Query runs a git command that only reads and returns its standard output.
func (c *Client) Query(ctx context.Context, args ...string) (string, error) {
	return c.run(ctx, args)
}

// Mutate runs a git command that changes a repository. With DryRun set, it prints the command
// instead and returns nil.
func (c *Client) Mutate(ctx context.Context, args ...string) error {
	if c.DryRun != nil {
		_, err := fmt.Fprintf(c.DryRun, "git %s\n", quoteArgs(args))
		return err
	}
	_, err := c.run(ctx, args)
	return err
}

func (c *Client) run(ctx context.Context, args []string) (string, error) {
	path := c.Path
	if path == "" {
		path = "git"
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// On cancellation, let git stop cleanly (removing its lock files) before killing it.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = cancelGrace

	err := cmd.Run()
	if err == nil {
		return stdout.String(), nil
	}
	gitErr := &Error{Args: args, ExitCode: -1, Stderr: stderr.String(), err: err}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		gitErr.ExitCode = exitErr.ExitCode()
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		gitErr.err = ctxErr
	}
	return stdout.String(), gitErr
}

// exitCode returns the exit status of a failed git command, or -1 for any other error.
func exitCode(err error) int {
	var gitErr *Error
	if errors.As(err, &gitErr) {
		return gitErr.ExitCode
	}
	return -1
}

// safeArg matches arguments that need no quoting to be pasted into a POSIX shell.
var safeArg = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// quoteArgs joins args for display, single-quoting those a shell would otherwise split or
// interpret, so that a printed command can be copied and run.
func quoteArgs(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if safeArg.MatchString(a) {
			quoted[i] = a
		} else {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}

// notOption rejects a value that git would parse as an option, since names and revisions are
// passed where git also accepts options.
func notOption(what, value string) error {
	if value == "" {
		return fmt.Errorf("empty %s", what)
	}
	if strings.HasPrefix(value, "-") {
		return fmt.Errorf("invalid %s %q: must not start with '-'", what, value)
	}
	return nil
}
