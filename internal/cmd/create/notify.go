package create

import (
	"context"
	"slices"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/notify"
)

// tellCreated tells the webhooks that want it that the hotfix branch was
// made. No pull request exists yet to hold the record, so it is kept with the
// branch's git config (hotfix.Meta.Notified), written before the message is
// sent: at most once, as on the pull request (see notify.Claim). Nothing
// here fails create: a webhook that fails is a warning.
func tellCreated(ctx context.Context, f *command.Factory, g *git.Client, cfg config.Config, repo repository.Repository, branch string, meta hotfix.Meta) {
	cs := f.IOStreams.ColorScheme()
	warn := func(line string) { f.IOStreams.ErrOut.Write([]byte(cs.WarningIcon() + " " + line + "\n")) }
	n := &notify.Notifier{Hooks: cfg.Notify, Getenv: f.Getenv, Sender: &notify.Sender{}, Warn: warn}
	if !n.Wants(notify.Created) || slices.Contains(meta.Notified, notify.Created) {
		return
	}
	hooks := n.For(notify.Created)
	if len(hooks) == 0 {
		return
	}
	meta.Notified = append(meta.Notified, notify.Created)
	if err := hotfix.SaveMeta(ctx, g, branch, meta); err != nil {
		warn("Could not record the created notification in git config (" + err.Error() + "): not sent, so that it is never sent twice")
		return
	}
	n.Deliver(ctx, hooks, notify.Message{Event: notify.Created, Repository: repo.Owner + "/" + repo.Name, Title: meta.Description,
		Branch: branch, Base: meta.Base, Time: f.Now()})
}
