package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/cli/go-gh/v2/pkg/api"
	"github.com/cli/go-gh/v2/pkg/auth"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// Exit codes, as gh's, plus 3 (which gh does not use) for work done that needs a person.
const (
	exitOK        = 0
	exitError     = 1
	exitCancel    = 2
	exitAttention = 3
	exitAuth      = 4
)

// handleError reports the error a command returned on stderr and returns the exit code.
func handleError(ctx context.Context, ios *iostreams.IOStreams, cmd *command.Command, err error) int {
	var flagErr *cmderr.FlagError
	var authErr *cmderr.AuthError
	var attnErr *cmderr.AttentionError
	var httpErr *api.HTTPError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, cmderr.ErrCancel) || errors.Is(err, context.Canceled) || ctx.Err() != nil:
		// Ctrl-C, at a prompt or during a wait. Only a message the command added is worth
		// printing; otherwise just end the line that shows "^C".
		if msg := cancelMessage(err); msg != "" {
			fmt.Fprintln(ios.ErrOut, msg)
		} else if ios.IsStderrTTY() {
			fmt.Fprintln(ios.ErrOut)
		}
		return exitCancel
	case errors.Is(err, cmderr.ErrSilent):
		return exitError
	case errors.As(err, &attnErr):
		fmt.Fprintln(ios.ErrOut, userMessage(err))
		return exitAttention
	case errors.As(err, &authErr):
		fmt.Fprintln(ios.ErrOut, err)
		return exitAuth
	case errors.As(err, &httpErr) && httpErr.StatusCode == 401:
		fmt.Fprintln(ios.ErrOut, &cmderr.AuthError{Host: hostOf(httpErr.RequestURL), Err: err})
		return exitAuth
	case errors.As(err, &flagErr):
		printError(ios.ErrOut, err)
		printCommandUsage(ios.ErrOut, cmd)
		return exitError
	default:
		fmt.Fprintln(ios.ErrOut, userMessage(err))
		return exitError
	}
}

// userMessage is the one line printed for a failure: the error flattened to a
// single line, plus what to do when the cause is GitHub's answer.
func userMessage(err error) string {
	msg := oneLine(err.Error())
	var httpErr *api.HTTPError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &httpErr):
		switch code := httpErr.StatusCode; {
		case code == 403:
			return msg + "; check that you have write access to the repository and that your token has the repo scope (gh auth refresh -s repo)"
		case code == 404:
			return msg + "; check the repository (-R OWNER/REPO) and that your token can see it"
		case code >= 500:
			return msg + "; GitHub is having trouble: run the command again in a moment (it continues where it stopped)"
		}
	case errors.As(err, &syntaxErr):
		return msg + "; GitHub answered with something that is not JSON (an error page?): run the command again in a moment"
	case errors.Is(err, github.ErrBadAnswer):
		return msg + " (an error page or a cut-off answer?): run the command again in a moment"
	}
	return msg
}

// hostOf returns the GitHub host an API URL belongs to, e.g. github.com for api.github.com.
func hostOf(u *url.URL) string {
	if u == nil {
		return "github.com"
	}
	return auth.NormalizeHostname(u.Hostname())
}

// oneLine flattens a message to a single line: its lines joined with "; ", blanks squeezed.
func oneLine(text string) string {
	var parts []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.ReplaceAll(strings.Join(parts, "; "), ":; ", ": ")
}

// cancelMessage is the line printed when the user cancelled: what the command said
// around [cmderr.ErrCancel] (how to continue), without the causes' own words at its
// end (": cancelled", ": context canceled"), which only repeat what the user did.
// It is "" when the command added nothing.
func cancelMessage(err error) string {
	if !errors.Is(err, cmderr.ErrCancel) {
		return ""
	}
	tails := []string{cmderr.ErrCancel.Error(), context.Canceled.Error()}
	msg := oneLine(err.Error())
	for {
		before := msg
		for _, tail := range tails {
			if msg == tail {
				return ""
			}
			msg = strings.TrimSuffix(msg, ": "+tail)
		}
		if msg == before {
			return msg
		}
	}
}
