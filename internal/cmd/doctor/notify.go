package doctor

import (
	"context"
	"fmt"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/notify"
)

// testNotify sends a test message to each webhook of the config's notify
// list and makes one "notify" check of each answer. A webhook is named by its
// variable and kind, never by its URL; one that fails, or whose variable is
// not set, fails doctor.
func testNotify(ctx context.Context, f *command.Factory, cfg config.Config, repoName string) []Check {
	if len(cfg.Notify) == 0 {
		return []Check{fail("notify", "--test-notify: no webhook in notify", fmt.Sprintf("add a notify list to %s (see README, Team notifications)", config.Path))}
	}
	n := &notify.Notifier{Hooks: cfg.Notify, Getenv: f.Getenv, Sender: &notify.Sender{}}
	var checks []Check
	for _, r := range n.Test(ctx, notify.Message{Repository: repoName, Time: f.Now()}) {
		if r.Err == nil {
			checks = append(checks, pass("notify", r.Hook.Name()+": the test message was delivered"))
			continue
		}
		fix := "check the webhook and that " + r.Hook.Env + " holds its current URL"
		if f.Getenv(r.Hook.Env) == "" {
			fix = "set " + r.Hook.Env + " to the webhook's URL in this shell (from your secret store; never in the file)"
		}
		checks = append(checks, fail("notify", r.Err.Error(), fix))
	}
	return checks
}
