package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// bareRepo runs git inside one bare repository under the emulator's root.
// Every read of branches, commits and files goes through it, so the state the
// API reports is always the state of the repository git clients push to.
type bareRepo struct {
	dir string
	// memo caches read-only git commands for the length of one read-only API
	// request (nil otherwise): a GraphQL query over 100 pull requests asks the
	// same questions of git many times, and the answers cannot change under the
	// state lock (a push through git-http-backend is seen by the next request).
	memo map[string]memoEntry
	// immutable caches, for the emulator's life, read-only commands that name
	// commits only by SHA: their answer can never change (objects are immutable).
	immutable map[string]memoEntry
}

// shaArg matches arguments that pin a command to immutable objects.
var shaArg = regexp.MustCompile(`^(-.*|\^?[0-9a-f]{40}(\^[0-9]*|\^\{[a-z]*\})?)$`)

func pinned(args []string) bool {
	sha := false
	for _, a := range args[1:] {
		if !shaArg.MatchString(a) {
			return false
		}
		sha = sha || !strings.HasPrefix(a, "-")
	}
	return sha
}

type memoEntry struct {
	out string
	err error
}

// readOnly lists the git commands whose answer depends only on the repository's
// content, so they can be memoized within a request.
var readOnly = map[string]bool{"rev-parse": true, "log": true, "merge-base": true, "diff": true,
	"merge-tree": true, "cat-file": true, "ls-tree": true, "for-each-ref": true}

// errConflict reports that two commits cannot be merged without conflicts.
var errConflict = errors.New("merge conflict")

// gitIdentity is the committer GitHub uses for commits it creates.
func gitEnv(author string, when time.Time) []string {
	date := when.UTC().Format(time.RFC3339)
	return []string{
		"GIT_AUTHOR_NAME=" + author,
		"GIT_AUTHOR_EMAIL=" + author + "@users.noreply.github.localhost",
		"GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=GitHub",
		"GIT_COMMITTER_EMAIL=noreply@github.localhost",
		"GIT_COMMITTER_DATE=" + date,
	}
}

func (b *bareRepo) run(env []string, stdin []byte, args ...string) (string, error) {
	if len(args) == 0 || !readOnly[args[0]] || env != nil || stdin != nil {
		return b.exec(env, stdin, args...)
	}
	key := strings.Join(args, "\x00")
	cache := b.memo
	if pinned(args) {
		if b.immutable == nil {
			b.immutable = map[string]memoEntry{}
		}
		cache = b.immutable
	}
	if cache == nil {
		return b.exec(env, stdin, args...)
	}
	if m, ok := cache[key]; ok {
		return m.out, m.err
	}
	out, err := b.exec(env, stdin, args...)
	cache[key] = memoEntry{out, err}
	return out, err
}

func (b *bareRepo) exec(env []string, stdin []byte, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = b.dir
	cmd.Env = append(append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0"), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

func (b *bareRepo) init(defaultBranch string) error {
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	if _, err := b.run(nil, nil, "init", "--bare", "--quiet", "--initial-branch="+defaultBranch); err != nil {
		return err
	}
	// Pushes over smart HTTP are allowed for authenticated users.
	_, err := b.run(nil, nil, "config", "http.receivepack", "true")
	return err
}

// resolve returns the commit SHA for a ref, branch, tag or SHA, or "" when unknown.
func (b *bareRepo) resolve(ref string) string {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return ""
	}
	for _, cand := range []string{"refs/heads/" + ref, "refs/tags/" + ref, ref} {
		out, err := b.run(nil, nil, "rev-parse", "--verify", "--quiet", cand+"^{commit}")
		if err == nil {
			return strings.TrimSpace(out)
		}
	}
	return ""
}

// tagSHA returns the commit a tag points to, or "" when the tag does not exist.
func (b *bareRepo) tagSHA(name string) string {
	if name == "" || strings.HasPrefix(name, "-") {
		return ""
	}
	out, err := b.run(nil, nil, "rev-parse", "--verify", "--quiet", "refs/tags/"+name+"^{commit}")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// branchSHA returns the tip of a branch, or "" when the branch does not exist.
func (b *bareRepo) branchSHA(name string) string {
	if b.memo != nil {
		// Within a read-only request, one listing of all refs answers every branch.
		refs, err := b.refs("refs/")
		if err == nil {
			for _, r := range refs {
				if r.Name == "refs/heads/"+name {
					return r.SHA
				}
			}
			return ""
		}
	}
	out, err := b.run(nil, nil, "rev-parse", "--verify", "--quiet", "refs/heads/"+name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

type refEntry struct {
	Name string // full ref name
	SHA  string
}

func (b *bareRepo) refs(prefix string) ([]refEntry, error) {
	out, err := b.run(nil, nil, "for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", prefix)
	if err != nil {
		return nil, err
	}
	var refs []refEntry
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		sha := f[1]
		if len(f) == 3 { // annotated tag: report the commit
			sha = f[2]
		}
		refs = append(refs, refEntry{Name: f[0], SHA: sha})
	}
	return refs, nil
}

// commitInfo is what the API reports about one commit.
type commitInfo struct {
	SHA            string
	Tree           string
	Parents        []string
	AuthorName     string
	AuthorEmail    string
	AuthorDate     time.Time
	CommitterName  string
	CommitterEmail string
	CommitterDate  time.Time
	Message        string
}

const commitFormat = "%H%x00%T%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x1e"

func parseCommits(out string) []commitInfo {
	var list []commitInfo
	for _, rec := range strings.Split(out, "\x1e") {
		rec = strings.TrimLeft(rec, "\n")
		if rec == "" {
			continue
		}
		f := strings.SplitN(rec, "\x00", 10)
		if len(f) < 10 {
			continue
		}
		at, _ := strconv.ParseInt(f[5], 10, 64)
		ct, _ := strconv.ParseInt(f[8], 10, 64)
		c := commitInfo{SHA: f[0], Tree: f[1], AuthorName: f[3], AuthorEmail: f[4],
			AuthorDate: time.Unix(at, 0).UTC(), CommitterName: f[6], CommitterEmail: f[7],
			CommitterDate: time.Unix(ct, 0).UTC(), Message: strings.TrimRight(f[9], "\n")}
		if f[2] != "" {
			c.Parents = strings.Fields(f[2])
		}
		list = append(list, c)
	}
	return list
}

func (b *bareRepo) commit(sha string) (commitInfo, error) {
	out, err := b.run(nil, nil, "log", "-1", "--format="+commitFormat, sha, "--")
	if err != nil {
		return commitInfo{}, err
	}
	cs := parseCommits(out)
	if len(cs) != 1 {
		return commitInfo{}, fmt.Errorf("commit %s not found", sha)
	}
	return cs[0], nil
}

// log lists commits reachable from tip and not from exclude (newest first), at most max.
func (b *bareRepo) log(tip, exclude string, max int) ([]commitInfo, error) {
	args := []string{"log", "--format=" + commitFormat, "--max-count=" + strconv.Itoa(max), tip}
	if exclude != "" {
		args = append(args, "^"+exclude)
	}
	out, err := b.run(nil, nil, append(args, "--")...)
	if err != nil {
		return nil, err
	}
	return parseCommits(out), nil
}

func (b *bareRepo) mergeBase(a, c string) string {
	out, err := b.run(nil, nil, "merge-base", a, c)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

func (b *bareRepo) isAncestor(a, c string) bool {
	_, err := b.run(nil, nil, "merge-base", "--is-ancestor", a, c)
	return err == nil
}

// fileChange is one file of a diff, as compare and pulls/files report it.
type fileChange struct {
	Filename  string
	Status    string
	Additions int
	Deletions int
}

func (b *bareRepo) diffFiles(from, to string) ([]fileChange, error) {
	out, err := b.run(nil, nil, "diff", "--numstat", "--no-renames", from, to, "--")
	if err != nil {
		return nil, err
	}
	st, err := b.run(nil, nil, "diff", "--name-status", "--no-renames", from, to, "--")
	if err != nil {
		return nil, err
	}
	status := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(st), "\n") {
		if f := strings.SplitN(line, "\t", 2); len(f) == 2 {
			status[f[1]] = map[string]string{"A": "added", "D": "removed", "M": "modified"}[f[0][:1]]
		}
	}
	var files []fileChange
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			continue
		}
		add, _ := strconv.Atoi(f[0]) // "-" for binary files counts as 0, as GitHub does
		del, _ := strconv.Atoi(f[1])
		s := status[f[2]]
		if s == "" {
			s = "modified"
		}
		files = append(files, fileChange{Filename: f[2], Status: s, Additions: add, Deletions: del})
	}
	return files, nil
}

// readFile returns a file's content at a commit-ish, or os.ErrNotExist.
func (b *bareRepo) readFile(rev, path string) ([]byte, error) {
	out, err := b.run(nil, nil, "cat-file", "-t", rev+":"+path)
	if err != nil || strings.TrimSpace(out) != "blob" {
		return nil, os.ErrNotExist
	}
	content, err := b.run(nil, nil, "cat-file", "blob", rev+":"+path)
	return []byte(content), err
}

// listDir returns the file names directly under dir at rev.
func (b *bareRepo) listDir(rev, dir string) []string {
	out, err := b.run(nil, nil, "ls-tree", "--name-only", rev, strings.TrimSuffix(dir, "/")+"/")
	if err != nil {
		return nil
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" {
			names = append(names, filepath.Base(l))
		}
	}
	return names
}

// mergeTree merges two commits without a work tree and returns the result tree.
func (b *bareRepo) mergeTree(ours, theirs string) (string, error) {
	out, err := b.run(nil, nil, "merge-tree", "--write-tree", "--no-messages", ours, theirs)
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 1 {
			return "", errConflict
		}
		return "", err
	}
	return strings.TrimSpace(strings.SplitN(out, "\n", 2)[0]), nil
}

// commitFiles makes a commit on parent ("" for none) that adds or replaces the
// files of add and removes those of del, and returns it and the blob of each
// added file. No ref moves.
func (b *bareRepo) commitFiles(env []string, parent string, add map[string][]byte, del []string, message string) (sha string, blobs map[string]string, err error) {
	idx := b.dir + "/emulator-index"
	defer os.Remove(idx)
	ienv := append(slices.Clone(env), "GIT_INDEX_FILE="+idx)
	if parent != "" {
		_, err = b.run(ienv, nil, "read-tree", parent)
	} else {
		_, err = b.run(ienv, nil, "read-tree", "--empty")
	}
	if err != nil {
		return "", nil, err
	}
	blobs = map[string]string{}
	for p, content := range add {
		blob, err := b.run(nil, content, "hash-object", "-w", "--stdin")
		if err != nil {
			return "", nil, err
		}
		blobs[p] = strings.TrimSpace(blob)
		if _, err := b.run(ienv, nil, "update-index", "--add", "--cacheinfo", "100644,"+blobs[p]+","+p); err != nil {
			return "", nil, err
		}
	}
	for _, p := range del {
		if _, err := b.run(ienv, nil, "update-index", "--force-remove", p); err != nil {
			return "", nil, err
		}
	}
	tree, err := b.run(ienv, nil, "write-tree")
	if err != nil {
		return "", nil, err
	}
	var parents []string
	if parent != "" {
		parents = []string{parent}
	}
	sha, err = b.commitTree(env, strings.TrimSpace(tree), message, parents...)
	return sha, blobs, err
}

func (b *bareRepo) commitTree(env []string, tree, message string, parents ...string) (string, error) {
	args := []string{"commit-tree", tree}
	for _, p := range parents {
		args = append(args, "-p", p)
	}
	out, err := b.run(env, []byte(message), append(args, "-F", "-")...)
	return strings.TrimSpace(out), err
}

// updateRef moves ref from old to new atomically; old "" means the ref must not exist.
func (b *bareRepo) updateRef(ref, newSHA, oldSHA string) error {
	if oldSHA == "" {
		oldSHA = strings.Repeat("0", 40)
	}
	_, err := b.run(nil, nil, "update-ref", ref, newSHA, oldSHA)
	return err
}

func (b *bareRepo) deleteRef(ref string) error {
	_, err := b.run(nil, nil, "update-ref", "-d", ref)
	return err
}

// merge integrates head into base with GitHub's three methods and returns the new base tip.
// The base ref is updated with compare-and-swap so concurrent pushes are never lost.
func (b *bareRepo) merge(method, baseBranch, baseSHA, headSHA, title, message, author string, when time.Time) (string, error) {
	env := gitEnv(author, when)
	tree, err := b.mergeTree(baseSHA, headSHA)
	if err != nil {
		return "", err
	}
	var newSHA string
	switch method {
	case "merge":
		newSHA, err = b.commitTree(env, tree, title+"\n\n"+message, baseSHA, headSHA)
	case "squash":
		newSHA, err = b.commitTree(env, tree, title+"\n\n"+message, baseSHA)
	case "rebase":
		newSHA, err = b.rebase(env, baseSHA, headSHA)
	default:
		return "", fmt.Errorf("unknown merge method %q", method)
	}
	if err != nil {
		return "", err
	}
	if err := b.updateRef("refs/heads/"+baseBranch, newSHA, baseSHA); err != nil {
		return "", err
	}
	return newSHA, nil
}

// rebase replays each commit of head (oldest first) onto base, keeping authors and
// messages, as GitHub's "rebase and merge" does.
func (b *bareRepo) rebase(env []string, baseSHA, headSHA string) (string, error) {
	commits, err := b.log(headSHA, baseSHA, 10000)
	if err != nil {
		return "", err
	}
	tip := baseSHA
	for i := len(commits) - 1; i >= 0; i-- {
		c := commits[i]
		parent := tip
		if len(c.Parents) > 0 {
			parent = c.Parents[0]
		}
		// Three-way merge of the commit's own change onto the new tip: merge the
		// commit with the tip using a synthetic history in which the commit's parent is the base.
		synthTip, err := b.commitTree(env, b.treeOf(tip), "synthetic", parent)
		if err != nil {
			return "", err
		}
		tree, err := b.mergeTree(synthTip, c.SHA)
		if err != nil {
			return "", err
		}
		cenv := append(append([]string{}, env...),
			"GIT_AUTHOR_NAME="+c.AuthorName, "GIT_AUTHOR_EMAIL="+c.AuthorEmail,
			"GIT_AUTHOR_DATE="+c.AuthorDate.Format(time.RFC3339))
		tip, err = b.commitTree(cenv, tree, c.Message, tip)
		if err != nil {
			return "", err
		}
	}
	return tip, nil
}

func (b *bareRepo) treeOf(sha string) string {
	out, _ := b.run(nil, nil, "rev-parse", sha+"^{tree}")
	return strings.TrimSpace(out)
}
