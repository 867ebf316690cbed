package git

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrDetachedHead is returned by [Client.CurrentBranch] when HEAD is not on a branch.
var ErrDetachedHead = errors.New("HEAD is detached: not on any branch")

// RepoRoot returns the top-level directory of the working tree; it fails outside a checkout.
func (c *Client) RepoRoot(ctx context.Context) (string, error) {
	out, err := c.Query(ctx, "rev-parse", "--show-toplevel")
	return strings.TrimSuffix(out, "\n"), err
}

// CurrentBranch returns the short name of the checked-out branch, or [ErrDetachedHead].
func (c *Client) CurrentBranch(ctx context.Context) (string, error) {
	out, err := c.Query(ctx, "symbolic-ref", "--quiet", "--short", "HEAD")
	if exitCode(err) == 1 {
		return "", ErrDetachedHead
	}
	return strings.TrimSuffix(out, "\n"), err
}

// IsClean reports whether tracked files have no changes, neither staged nor in the working
// tree. Untracked files do not count: they cannot be lost by switching branches.
func (c *Client) IsClean(ctx context.Context) (bool, error) {
	out, err := c.Query(ctx, "status", "--porcelain", "--untracked-files=no")
	return out == "", err
}

// Fetch fetches refspecs (e.g. "main") from remote, updating its remote-tracking branches.
// It is a mutation: a dry run prints it and keeps the remote-tracking branches as they are.
func (c *Client) Fetch(ctx context.Context, remote string, refspecs ...string) error {
	for _, v := range append([]string{remote}, refspecs...) {
		if err := notOption("fetch argument", v); err != nil {
			return err
		}
	}
	return ClassifyRemote(c.Mutate(ctx, append([]string{"fetch", remote}, refspecs...)...))
}

// RevParse returns the full name of the commit rev points to, peeling annotated tags.
func (c *Client) RevParse(ctx context.Context, rev string) (string, error) {
	if err := notOption("revision", rev); err != nil {
		return "", err
	}
	out, err := c.Query(ctx, "rev-parse", "--verify", rev+"^{commit}")
	return strings.TrimSuffix(out, "\n"), err
}

// RefExists reports whether the full ref (e.g. "refs/heads/main") exists locally.
func (c *Client) RefExists(ctx context.Context, ref string) (bool, error) {
	if !strings.HasPrefix(ref, "refs/") {
		return false, fmt.Errorf("invalid ref %q: must be a full name starting with refs/", ref)
	}
	_, err := c.Query(ctx, "show-ref", "--verify", "--quiet", ref)
	if exitCode(err) == 1 {
		return false, nil
	}
	return err == nil, err
}

// BranchExists reports whether the local branch exists.
func (c *Client) BranchExists(ctx context.Context, name string) (bool, error) {
	return c.RefExists(ctx, "refs/heads/"+name)
}

// BranchParents are the names a branch name sits under as a path: "a/b/c" → "a", "a/b".
func BranchParents(name string) []string {
	var up []string
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			up = append(up, name[:i])
		}
	}
	return up
}

// BranchBlockers lists the local branches that keep branch name from being
// created, as git stores refs as paths: the branches it would sit under
// ("hotfix" for "hotfix/x") and those that would sit under it ("hotfix/x/y").
func (c *Client) BranchBlockers(ctx context.Context, name string) ([]string, error) {
	if err := notOption("branch", name); err != nil {
		return nil, err
	}
	// for-each-ref patterns match a ref completely or up to a slash: "refs/heads/hotfix"
	// also lists every refs/heads/hotfix/…, so the answer is filtered exactly.
	args := []string{"for-each-ref", "--format=%(refname)", "refs/heads/" + name}
	for _, up := range BranchParents(name) {
		args = append(args, "refs/heads/"+up)
	}
	out, err := c.Query(ctx, args...)
	if err != nil {
		return nil, err
	}
	var blockers []string
	for line := range strings.Lines(out) {
		b := strings.TrimPrefix(strings.TrimSuffix(line, "\n"), "refs/heads/")
		if strings.HasPrefix(b, name+"/") || strings.HasPrefix(name, b+"/") {
			blockers = append(blockers, b)
		}
	}
	return blockers, nil
}

// CheckRefFormatBranch checks that name is a valid branch name, as `git check-ref-format
// --branch` does.
func (c *Client) CheckRefFormatBranch(ctx context.Context, name string) error {
	if _, err := c.Query(ctx, "check-ref-format", "--branch", name); err != nil {
		return fmt.Errorf("invalid branch name %q: %w", name, err)
	}
	return nil
}

// CreateBranch creates the local branch name at startPoint (e.g. "origin/main") without
// checking it out and without tracking startPoint. It fails, changing nothing, when the branch
// exists: there is no force.
func (c *Client) CreateBranch(ctx context.Context, name, startPoint string) error {
	if err := notOption("branch name", name); err != nil {
		return err
	}
	if err := notOption("start point", startPoint); err != nil {
		return err
	}
	return c.Mutate(ctx, "branch", "--no-track", name, startPoint)
}

// Checkout switches the working tree to the existing local branch name. It never creates a
// branch from a remote one of the same name.
func (c *Client) Checkout(ctx context.Context, name string) error {
	if err := notOption("branch name", name); err != nil {
		return err
	}
	return c.Mutate(ctx, "switch", "--no-guess", name)
}

// SetUpstream makes remote's branch of the same name (its remote-tracking branch must exist)
// the upstream of the local branch.
func (c *Client) SetUpstream(ctx context.Context, branch, remote string) error {
	if err := notOption("branch name", branch); err != nil {
		return err
	}
	if err := notOption("remote", remote); err != nil {
		return err
	}
	return c.Mutate(ctx, "branch", "--set-upstream-to="+remote+"/"+branch, branch)
}

// Push pushes the local branch to the branch of the same name on remote, and with setUpstream
// makes it the branch's upstream. It never forces: a remote branch that has diverged is an
// error, and stays as it was.
func (c *Client) Push(ctx context.Context, remote, branch string, setUpstream bool) error {
	if err := notOption("remote", remote); err != nil {
		return err
	}
	if err := notOption("branch name", branch); err != nil {
		return err
	}
	args := []string{"push"}
	if setUpstream {
		args = append(args, "--set-upstream")
	}
	ref := "refs/heads/" + branch
	return c.Mutate(ctx, append(args, remote, ref+":"+ref)...)
}

// Config returns the value of the git configuration key, or "" when it is not set.
func (c *Client) Config(ctx context.Context, key string) (string, error) {
	out, err := c.Query(ctx, "config", "--get", key)
	if isUnsetConfig(err) {
		return "", nil
	}
	return strings.TrimSuffix(out, "\n"), err
}

// SetConfig sets key to value in the repository's own configuration (.git/config).
func (c *Client) SetConfig(ctx context.Context, key, value string) error {
	if err := notOption("config key", key); err != nil {
		return err
	}
	return c.Mutate(ctx, "config", "--local", key, value)
}

// ConfigGetRegexp returns the configuration entries whose keys match the regular expression
// pattern (e.g. `^branch\.hotfix/x\.`), by key; for a key set several times, the last value.
// Keys are as git prints them: section and variable names lower-cased.
func (c *Client) ConfigGetRegexp(ctx context.Context, pattern string) (map[string]string, error) {
	out, err := c.Query(ctx, "config", "--null", "--get-regexp", pattern)
	entries := map[string]string{}
	if isUnsetConfig(err) {
		return entries, nil
	}
	if err != nil {
		return nil, err
	}
	// Each entry is "key\nvalue\x00", or "key\x00" for a key without a value.
	for entry := range strings.SplitSeq(strings.TrimSuffix(out, "\x00"), "\x00") {
		key, value, _ := strings.Cut(entry, "\n")
		entries[key] = value
	}
	return entries, nil
}

// isUnsetConfig reports whether git config failed only because no entry matched: exit 1
// without a message (an invalid key also exits 1, but says so).
func isUnsetConfig(err error) bool {
	var gitErr *Error
	return errors.As(err, &gitErr) && gitErr.ExitCode == 1 && strings.TrimSpace(gitErr.Stderr) == ""
}

// MergeBase returns the best common ancestor of commits a and b.
func (c *Client) MergeBase(ctx context.Context, a, b string) (string, error) {
	if err := notOption("revision", a); err != nil {
		return "", err
	}
	if err := notOption("revision", b); err != nil {
		return "", err
	}
	out, err := c.Query(ctx, "merge-base", a, b)
	if exitCode(err) == 1 {
		return "", fmt.Errorf("%s and %s have no common ancestor: %w", a, b, err)
	}
	return strings.TrimSuffix(out, "\n"), err
}

// RevListCount counts the commits in a revision range, e.g. "origin/main..hotfix/x" for the
// commits on hotfix/x that main does not have.
func (c *Client) RevListCount(ctx context.Context, revRange string) (int, error) {
	if err := notOption("revision range", revRange); err != nil {
		return 0, err
	}
	out, err := c.Query(ctx, "rev-list", "--count", revRange)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return 0, fmt.Errorf("parsing git rev-list --count output %q: %w", out, err)
	}
	return n, nil
}

// FileStat is the size of the change to one file.
type FileStat struct {
	Path    string // path after the change
	OldPath string // path before the change when the file was renamed or copied, else ""
	Added   int    // lines added; 0 for a binary file
	Deleted int    // lines deleted; 0 for a binary file
	Binary  bool   // git counts no lines for binary files
	Bytes   int64  // for a binary file, its size before plus its size after the change (0 when absent); 0 for text
}

// DiffNumstat returns the files changed between commits a and b with their added and deleted
// lines, detecting renames, and for binary files (where git counts no lines) their sizes.
// To measure a branch against its base, pass their merge base as a.
func (c *Client) DiffNumstat(ctx context.Context, a, b string) ([]FileStat, error) {
	if err := notOption("revision", a); err != nil {
		return nil, err
	}
	if err := notOption("revision", b); err != nil {
		return nil, err
	}
	// diff-tree is plumbing: its output does not depend on the user's diff configuration.
	out, err := c.Query(ctx, "diff-tree", "-r", "-M", "--numstat", "-z", a, b)
	if err != nil {
		return nil, err
	}
	stats, err := parseNumstat(out)
	if err != nil || !slices.ContainsFunc(stats, func(f FileStat) bool { return f.Binary }) {
		return stats, err
	}
	// Binary files are measured in bytes: the same diff in --raw form names the blobs,
	// in the same order, and cat-file gives their sizes (one process per binary blob,
	// which a hotfix rarely has).
	raw, err := c.Query(ctx, "diff-tree", "-r", "-M", "--raw", "--no-abbrev", "-z", a, b)
	if err != nil {
		return nil, err
	}
	blobs, err := parseRawBlobs(raw)
	if err != nil {
		return nil, err
	}
	if len(blobs) != len(stats) {
		return nil, fmt.Errorf("parsing git diff-tree output: %d entries in --raw, %d in --numstat", len(blobs), len(stats))
	}
	for i := range stats {
		if !stats[i].Binary {
			continue
		}
		for _, sha := range blobs[i] {
			if strings.Trim(sha, "0") == "" { // absent on this side: added or deleted
				continue
			}
			size, err := c.Query(ctx, "cat-file", "-s", sha)
			if err != nil {
				return nil, err
			}
			n, err := strconv.ParseInt(strings.TrimSpace(size), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("parsing the size of %s: %w", stats[i].Path, err)
			}
			stats[i].Bytes += n
		}
	}
	return stats, nil
}

// parseRawBlobs returns the old and new blob of each entry of `diff-tree --raw -z`
// output: ":oldmode newmode oldsha newsha status\x00path\x00" per file, with a
// second path for a rename or copy.
func parseRawBlobs(out string) ([][2]string, error) {
	if out == "" {
		return nil, nil
	}
	var blobs [][2]string
	fields := strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
	for i := 0; i < len(fields); i++ {
		meta := strings.Fields(strings.TrimPrefix(fields[i], ":"))
		if len(meta) != 5 || i+1 >= len(fields) {
			return nil, fmt.Errorf("parsing git diff-tree output: unexpected entry %q", fields[i])
		}
		blobs = append(blobs, [2]string{meta[2], meta[3]})
		i++ // the path
		if s := meta[4]; s[0] == 'R' || s[0] == 'C' {
			i++ // the new path
		}
	}
	return blobs, nil
}

// parseNumstat parses `--numstat -z` output: "added\tdeleted\tpath\x00" per file, or
// "added\tdeleted\t\x00old\x00new\x00" for a rename; binary files count "-" lines.
func parseNumstat(out string) ([]FileStat, error) {
	if out == "" {
		return nil, nil
	}
	var stats []FileStat
	fields := strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
	for i := 0; i < len(fields); i++ {
		parts := strings.SplitN(fields[i], "\t", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("parsing git numstat output: unexpected entry %q", fields[i])
		}
		fs := FileStat{Path: parts[2]}
		if parts[0] == "-" && parts[1] == "-" {
			fs.Binary = true
		} else {
			var errAdded, errDeleted error
			fs.Added, errAdded = strconv.Atoi(parts[0])
			fs.Deleted, errDeleted = strconv.Atoi(parts[1])
			if err := errors.Join(errAdded, errDeleted); err != nil {
				return nil, fmt.Errorf("parsing git numstat output %q: %w", fields[i], err)
			}
		}
		if fs.Path == "" { // rename or copy: the two paths follow
			if i+2 >= len(fields) {
				return nil, fmt.Errorf("parsing git numstat output: truncated rename of %q", fields[i])
			}
			fs.OldPath, fs.Path = fields[i+1], fields[i+2]
			i += 2
		}
		stats = append(stats, fs)
	}
	return stats, nil
}

// Log returns one line per commit in revRange (e.g. "v1.2.0..origin/main"), newest first,
// formatted with a `git log --format` string such as "%h %s".
func (c *Client) Log(ctx context.Context, revRange, format string) ([]string, error) {
	if err := notOption("revision range", revRange); err != nil {
		return nil, err
	}
	out, err := c.Query(ctx, "log", "--no-show-signature", "--format="+format, revRange, "--")
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n"), nil
}

// ForEachRef returns the object each ref points to, by full ref name, for the refs matching
// patterns (e.g. "refs/heads", "refs/remotes/origin"), or all refs without patterns. Comparing
// two snapshots shows whether a command changed any ref.
func (c *Client) ForEachRef(ctx context.Context, patterns ...string) (map[string]string, error) {
	for _, p := range patterns {
		if err := notOption("ref pattern", p); err != nil {
			return nil, err
		}
	}
	out, err := c.Query(ctx, append([]string{"for-each-ref", "--format=%(objectname) %(refname)"}, patterns...)...)
	if err != nil {
		return nil, err
	}
	refs := map[string]string{}
	for line := range strings.Lines(out) {
		if oid, ref, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " "); ok {
			refs[ref] = oid
		}
	}
	return refs, nil
}

// SwitchNew creates the local branch name at startPoint, without tracking it, and checks it
// out, in one step: when the checkout cannot happen (e.g. it would overwrite untracked files),
// the branch is not created either.
func (c *Client) SwitchNew(ctx context.Context, name, startPoint string) error {
	if err := notOption("branch name", name); err != nil {
		return err
	}
	if err := notOption("start point", startPoint); err != nil {
		return err
	}
	return c.Mutate(ctx, "switch", "--no-track", "-c", name, startPoint)
}
