package revert

import (
	"context"
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/create"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// draft is a revert that conflicts: its branch, committed with the conflict
// markers, and what its draft pull request says.
type draft struct {
	owner, name          string
	remote, base, branch string
	title                string
	pr                   *github.RevertedPull
	res                  revertResult
}

// openDraft pushes the branch of a revert that conflicts and opens a draft
// pull request from it, which lists the files and the exact commands that
// finish it. A draft is never merged: ship waits for it to be marked ready.
// Exit 3: done, but a person must finish it.
func openDraft(ctx context.Context, f *command.Factory, g *git.Client, gh *github.Client, d draft) error {
	ios, cs := f.IOStreams, f.IOStreams.ColorScheme()
	if err := g.Push(ctx, d.remote, d.branch, true); err != nil {
		return create.PushError(ios.ErrOut, d.branch, err)
	}
	created, err := gh.CreateDraftPull(ctx, d.owner, d.name, d.branch, d.base, d.title, d.body())
	if err != nil {
		return fmt.Errorf("opening the draft pull request of %s: %w (the branch is pushed, with the conflicts of the revert of #%d committed: resolve them, then run gh hotfix ship)", d.branch, err, d.pr.Number)
	}
	fmt.Fprintln(ios.Out, created.HTMLURL)
	fmt.Fprintf(ios.ErrOut, "%s Created %s from %s/%s with the revert of #%d, which conflicts, and switched to it\n",
		cs.WarningIcon(), cs.Bold(d.branch), d.remote, d.base, d.pr.Number)
	return &cmderr.AttentionError{Err: fmt.Errorf("the revert of #%d conflicts with changes made to %s since it was merged, in %s: opened draft pull request #%d with the conflict markers committed; resolve them on %s, commit, push, mark it ready (gh pr ready) and run gh hotfix ship (%s says how)",
		d.pr.Number, d.base, strings.Join(d.res.files, ", "), created.Number, d.branch, created.HTMLURL)}
}

// body is the draft pull request's description: what conflicts, and the
// commands that finish the revert.
func (d draft) body() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Revert of #%d: conflicts to resolve\n\n", d.pr.Number)
	fmt.Fprintf(&b, "This reverts #%d (%s), whose changes were modified on `%s` since it was merged: its revert conflicts in\n\n", d.pr.Number, d.pr.Title, d.base)
	for _, file := range d.res.files {
		fmt.Fprintf(&b, "- `%s`\n", file)
	}
	b.WriteString("\nThe conflict markers are committed on this branch, so this pull request is a **draft**. To finish it:\n\n```sh\n")
	fmt.Fprintf(&b, "git fetch %s %s && git switch %s\n", d.remote, d.branch, d.branch)
	fmt.Fprintf(&b, "# resolve the conflicts in %s, then:\n", strings.Join(d.res.files, ", "))
	fmt.Fprintf(&b, "git commit -am \"Resolve the conflicts of the revert of #%d\"\n", d.pr.Number)
	if len(d.res.left) > 0 {
		fmt.Fprintf(&b, "git revert --no-edit %s   # the commits of #%d left to revert\n", strings.Join(d.res.left, " "), d.pr.Number)
	}
	b.WriteString("git push\ngh pr ready\ngh hotfix ship\n```\n\n")
	fmt.Fprintf(&b, "Reverts #%d\n\n<sub>Opened with gh hotfix revert.</sub>\n", d.pr.Number)
	return b.String()
}
