// Package command is the contract between the gh hotfix dispatcher (package cli) and each
// command (packages under internal/cmd): the [Factory] of dependencies a command receives, the
// [Command] it is described by, and the flag helpers the commands share.
package command

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
	"github.com/cli/go-gh/v2/pkg/repository"
	"github.com/spf13/pflag"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/prompt"
)

// Factory holds what commands depend on. Commands never reach for os.Stdout, exec.Command or
// go-gh's default clients themselves; tests replace any field. The functions build their
// dependency when called, so that --help and flag errors need no git, network or config.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Prompter  prompt.Prompter

	// Git returns the git client for the current directory.
	Git func() (*git.Client, error)
	// BaseRepo resolves the repository to work on: repoFlag (the -R value) when not empty,
	// else GH_REPO, else the remotes of the current checkout.
	BaseRepo func(repoFlag string) (repository.Repository, error)
	// HTTPClient returns an HTTP client that authenticates requests to host (e.g. for
	// conditional requests); a missing token is a *cmderr.AuthError.
	HTTPClient func(host string) (*http.Client, error)
	// GitAuth returns environment entries that make git send host's token with its
	// first request to each of remoteURLs that is an http(s) URL on host (a remote's
	// fetch and push URLs), sparing the round trip of git's 401 challenge; nil when
	// none is. The token travels in git's environment, never in its arguments.
	GitAuth func(host string, remoteURLs ...string) []string
	// RESTClient returns go-gh's REST client for host, authenticated as gh is.
	RESTClient func(host string) (*api.RESTClient, error)
	// GraphQLClient returns go-gh's GraphQL client for host, authenticated as gh is.
	GraphQLClient func(host string) (*api.GraphQLClient, error)

	// VersionCache, when set, remembers GitHub Enterprise Server versions
	// between commands (gh's cache folder), so a command's first query already
	// fits an older server.
	VersionCache github.VersionCache

	// Now returns the current time.
	Now func() time.Time
	// Getenv returns the value of an environment variable.
	Getenv func(key string) string
}

// Command describes one subcommand of gh hotfix: what help shows, its flags, and what it runs.
type Command struct {
	Name    string // e.g. "create"
	Args    string // positional arguments in the usage line, e.g. "[<description>]"
	Short   string // one line for the list of commands
	Long    string // first part of the command's help
	Example string // lines of examples, each starting with "$ "

	// Flags is the command's own flag set, made with [NewFlagSet].
	Flags *pflag.FlagSet
	// Run checks the positional arguments and flag combinations, then does the work.
	Run func(ctx context.Context, args []string) error
}

// UseLine returns the usage line, e.g. "gh hotfix create [<description>] [flags]".
func (c *Command) UseLine() string {
	line := "gh hotfix " + c.Name
	if c.Args != "" {
		line += " " + c.Args
	}
	return line + " [flags]"
}

// Execute parses args with the command's flags and runs the command with the remaining
// positional arguments. Flag errors become a *cmderr.FlagError; -h or --help returns
// [pflag.ErrHelp] without running anything.
func (c *Command) Execute(ctx context.Context, args []string) error {
	if err := c.Flags.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		var missing *pflag.ValueRequiredError
		if errors.As(err, &missing) && missing.GetFlag() != nil {
			if fields := missing.GetFlag().Annotations[jsonFieldsKey]; len(fields) > 0 {
				sorted := slices.Sorted(slices.Values(fields))
				return cmderr.FlagErrorf("specify one or more comma-separated fields for `--json`:\n  %s", strings.Join(sorted, "\n  "))
			}
		}
		return &cmderr.FlagError{Err: err}
	}
	return c.Run(ctx, c.Flags.Args())
}

// NewFlagSet returns an empty flag set for the command name that reports errors instead of
// printing them or exiting. -h and --help are left undefined: parsing them returns
// [pflag.ErrHelp].
func NewFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// GitHubClient returns gh-hotfix's GitHub client for host, over [Factory.HTTPClient]. When
// it waits out a rate limit it says so on stderr, in one line saying until when.
func (f *Factory) GitHubClient(host string) (*github.Client, error) {
	hc, err := f.HTTPClient(host)
	if err != nil {
		return nil, err
	}
	c := github.NewClient(hc, host)
	if f.VersionCache != nil {
		c.UseVersionCache(f.VersionCache)
	}
	if ios := f.IOStreams; ios != nil {
		c.Notice = func(line string) { ios.Notice(ios.ColorScheme().WarningIcon() + " " + line) }
	}
	return c, nil
}
