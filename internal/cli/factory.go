package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"
	"github.com/cli/go-gh/v2/pkg/auth"
	"github.com/cli/go-gh/v2/pkg/config"
	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/build"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/git"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
	"github.com/gh-hotfix/gh-hotfix/internal/prompt"
)

// newFactory returns the real dependencies. Nothing is looked up until a command asks for it.
// Prompts end, as Ctrl-C ends them, when ctx is done.
func newFactory(ctx context.Context, ios *iostreams.IOStreams) *Factory {
	f := &Factory{
		IOStreams: ios,
		Prompter:  prompt.New(ctx, ios),
		Now:       time.Now,
		Getenv:    os.Getenv,
		// gh's own cache folder ($XDG_CACHE_HOME/gh or ~/.cache/gh), as go-gh's cache.
		VersionCache: github.FileVersionCache{Dir: filepath.Join(config.CacheDir(), "gh-hotfix")},
	}
	f.Git = sync.OnceValues(func() (*git.Client, error) {
		path, err := exec.LookPath("git")
		if err != nil {
			return nil, fmt.Errorf("git is required but was not found: %w", err)
		}
		return &git.Client{Path: path}, nil
	})
	f.BaseRepo = func(repoFlag string) (repository.Repository, error) {
		return baseRepo(repoFlag, f.Getenv, repository.Current)
	}

	clients := &apiClients{}
	f.GitAuth = func(host string, remoteURLs ...string) []string {
		opts, err := clients.options(host)
		if err != nil {
			return nil
		}
		return gitAuthEnv(host, opts.AuthToken, remoteURLs...)
	}
	f.HTTPClient = func(host string) (*http.Client, error) {
		opts, err := clients.options(host)
		if err != nil {
			return nil, err
		}
		return api.NewHTTPClient(opts)
	}
	f.RESTClient = func(host string) (*api.RESTClient, error) {
		opts, err := clients.options(host)
		if err != nil {
			return nil, err
		}
		return api.NewRESTClient(opts)
	}
	f.GraphQLClient = func(host string) (*api.GraphQLClient, error) {
		opts, err := clients.options(host)
		if err != nil {
			return nil, err
		}
		return api.NewGraphQLClient(opts)
	}
	return f
}

// baseRepo resolves the repository from the -R value, else GH_REPO, else the git remotes of
// the current directory (current).
func baseRepo(repoFlag string, getenv func(string) string, current func() (repository.Repository, error)) (repository.Repository, error) {
	if repoFlag != "" {
		r, err := repository.Parse(repoFlag)
		if err != nil {
			return r, fmt.Errorf("invalid --repo value: %w", err)
		}
		return r, nil
	}
	if env := getenv("GH_REPO"); env != "" {
		r, err := repository.Parse(env)
		if err != nil {
			return r, fmt.Errorf("invalid GH_REPO value: %w", err)
		}
		return r, nil
	}
	r, err := current()
	if err != nil {
		return r, currentRepoError(err)
	}
	return r, nil
}

// currentRepoError says in one line why the current directory names no repository.
// Outside any checkout that is all there is to say: not git's "fatal: not a git
// repository" nor its exit status, which go-gh passes on.
func currentRepoError(err error) error {
	const hint = "run gh hotfix in a clone of the repository or pass --repo [HOST/]OWNER/REPO"
	msg := err.Error()
	if strings.Contains(msg, "not a git repository") {
		return errors.New("not inside a git checkout: " + hint)
	}
	if _, fatal, ok := strings.Cut(msg, "fatal: "); ok {
		// Another failure of git itself (say, a checkout of another owner): its first line.
		fatal, _, _ = strings.Cut(fatal, "\n")
		return fmt.Errorf("reading the checkout's remotes: git: %s; %s", strings.TrimSpace(fatal), hint)
	}
	return fmt.Errorf("%w; %s", err, hint)
}

// apiClients resolves the token of each host once, as gh does (GH_TOKEN, GH_ENTERPRISE_TOKEN,
// gh's hosts.yml or keyring), since asking gh's keyring may run `gh auth token`.
type apiClients struct {
	mu     sync.Mutex
	tokens map[string]string
}

// options returns go-gh client options for host with its token, or a *cmderr.AuthError when
// there is no token for it.
func (c *apiClients) options(host string) (api.ClientOptions, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	token, ok := c.tokens[host]
	if !ok {
		token, _ = auth.TokenForHost(host)
		if c.tokens == nil {
			c.tokens = map[string]string{}
		}
		c.tokens[host] = token
	}
	if token == "" {
		return api.ClientOptions{}, &cmderr.AuthError{Host: host}
	}
	return api.ClientOptions{
		Host:      host,
		AuthToken: token,
		Headers:   map[string]string{"User-Agent": "gh-hotfix/" + build.Version},
	}, nil
}

// gitAuthEnv configures, through GIT_CONFIG_COUNT, an Authorization header for the
// scheme and host of each remote URL (a remote's fetch and push URLs may differ) that
// is on host, and for nothing else: git then authenticates its first request instead
// of waiting for a 401. Nothing for SSH URLs or another host.
func gitAuthEnv(host, token string, remoteURLs ...string) []string {
	if os.Getenv("GIT_CONFIG_COUNT") != "" || token == "" {
		return nil // the user's own GIT_CONFIG_* entries stay as they are
	}
	basic := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + token))
	var env []string
	seen := map[string]bool{}
	for _, remoteURL := range remoteURLs {
		u, err := url.Parse(remoteURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.EqualFold(u.Hostname(), host) {
			continue
		}
		key := "http." + u.Scheme + "://" + u.Host + "/.extraheader"
		if seen[key] {
			continue
		}
		seen[key] = true
		n := strconv.Itoa(len(seen) - 1)
		env = append(env, "GIT_CONFIG_KEY_"+n+"="+key, "GIT_CONFIG_VALUE_"+n+"=Authorization: Basic "+basic)
	}
	if env == nil {
		return nil
	}
	return append([]string{"GIT_CONFIG_COUNT=" + strconv.Itoa(len(seen))}, env...)
}
