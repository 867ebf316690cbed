package ship

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
)

// Templates come from where the config came from: the checkout's config names
// files of the checkout; a config read on GitHub (the base's copy, or the main
// line's for a hotfix from a release tag, whose checkout is the old release)
// names files at the same revision, read through the API. Both are read before
// anything changes, so a missing template never surfaces after a push or a
// release.

// conventionalTemplates are the template paths the documentation suggests:
// read with a config on GitHub, in the same request, in case it names them.
var conventionalTemplates = []string{".github/hotfix_pull_request.md", ".github/post_mortem.md"}

// postMortemPlaceholders are the names a post-mortem template may use as {{name}}.
var postMortemPlaceholders = []string{"title", "pr", "merge_commit", "release_run", "timeline",
	"tag", "from_tag", "release_line", "maintenance_branch", "forward_port"}

// placeholderRE matches {{name}}; `${{ expression }}` (with spaces), as in
// GitHub Actions snippets, is not a placeholder.
var placeholderRE = regexp.MustCompile(`\{\{([A-Za-z0-9_.-]+)\}\}`)

// unknownPlaceholders lists, once each and in order, the {{name}}s of text that
// are not known.
func unknownPlaceholders(text string, known []string) []string {
	var unknown []string
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(known, m[1]) && !slices.Contains(unknown, "{{"+m[1]+"}}") {
			unknown = append(unknown, "{{"+m[1]+"}}")
		}
	}
	return unknown
}

// fillTemplate replaces each {{name}} of values in text; others stay as written.
func fillTemplate(text string, values map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		if v, ok := values[m[2:len(m)-2]]; ok {
			return v
		}
		return m
	})
}

// templateGuesses are the files to read with a config on GitHub: the paths the
// checkout's config names (a release's copy names the same files as a rule)
// and the conventional ones.
func templateGuesses(local config.Config) []string {
	paths := []string{}
	for _, p := range append([]string{local.PullRequest.Template, local.PostMortem.Template}, conventionalTemplates...) {
		if p != "" && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	return paths
}

// templateSource is where the templates are read: the checkout (rev "") or a
// revision on GitHub, with the files already read there (fetched, of the paths
// asked).
type templateSource struct {
	rev     string
	fetched map[string]string
	asked   []string
}

// where names the source for messages: "this checkout", or "main".
func (t templateSource) where() string {
	if t.rev == "" {
		return "this checkout"
	}
	return t.rev
}

// readTemplates reads the templates this run needs, from where the config came
// from, before anything changes: the pull request's when ship may open it with
// the template, the post-mortem's when one is wanted. A post-mortem template's
// unknown placeholders are named in a warning.
func (s *shipper) readTemplates(ctx context.Context) error {
	type need struct {
		key, path, what string
		dst             **string
		known           []string // its placeholders; nil: used as written
	}
	var needs []need
	if p := s.cfg.PullRequest.Template; p != "" && s.pr == nil && !s.remoteOnly && s.opts.Body == "" && s.opts.BodyFile == "" {
		needs = append(needs, need{"pull_request.template", p, "pull request template", &s.prTemplate, nil})
	}
	if p := s.cfg.PostMortem.Template; p != "" && s.wantsPostMortem() {
		needs = append(needs, need{"post_mortem.template", p, "post-mortem template", &s.postMortemTemplate, postMortemPlaceholders})
	}
	if len(needs) == 0 {
		return nil
	}
	src := s.templates
	texts := map[string]string{}
	var missing []string
	for _, n := range needs {
		if src.rev != "" && !slices.Contains(src.asked, n.path) && !slices.Contains(missing, n.path) {
			missing = append(missing, n.path)
		}
	}
	if len(missing) > 0 {
		// The config names files not read with it: one more request, at its revision.
		exprs := make([]string, len(missing))
		for i, p := range missing {
			exprs[i] = src.rev + ":" + p
		}
		got, err := s.gh.TextFiles(ctx, s.repo.Owner, s.repo.Name, exprs...)
		if err != nil {
			return fmt.Errorf("reading the templates named in %s: %w", s.configSource(), err)
		}
		for i, p := range missing {
			if t, ok := got[exprs[i]]; ok {
				texts[p] = t
			}
		}
	}
	for _, n := range needs {
		var text string
		if src.rev == "" {
			b, err := os.ReadFile(filepath.Join(s.paths.TopLevel, n.path))
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("the %s %s named in %s is not in this checkout: add it, or change %s; nothing was changed", n.what, n.path, s.configSource(), n.key)
			}
			if err != nil {
				return fmt.Errorf("reading the %s %s named in %s: %w", n.what, n.path, s.configSource(), err)
			}
			text = string(b)
		} else {
			t, ok := src.fetched[n.path]
			if !ok {
				t, ok = texts[n.path]
			}
			if !ok {
				return fmt.Errorf("the %s %s named in %s is not on %s: add it there, or change %s; nothing was changed", n.what, n.path, s.configSource(), src.rev, n.key)
			}
			text = t
		}
		*n.dst = &text
		if n.known == nil {
			continue
		}
		if unknown := unknownPlaceholders(text, n.known); len(unknown) > 0 {
			s.warn("The %s %s (%s) uses %s, which ship does not know: left as written (known: %s)",
				n.what, n.path, src.where(), strings.Join(unknown, ", "), "{{"+strings.Join(n.known, "}}, {{")+"}}")
		}
	}
	return nil
}

// beforeChanges reads every file the run needs and checks that the post-mortem
// can be opened, once, as soon as the config and GitHub's state are known and
// before anything changes.
func (s *shipper) beforeChanges(ctx context.Context) error {
	if s.checked {
		return nil
	}
	if err := s.readTemplates(ctx); err != nil {
		return err
	}
	if err := s.checkIssues(); err != nil {
		return err
	}
	s.checked = true
	return nil
}

// configSource names the config for messages: ".github/hotfix.yml", or
// "main:.github/hotfix.yml" when it was read on GitHub.
func (s *shipper) configSource() string {
	if s.cfg.Source != "" {
		return s.cfg.Source
	}
	return config.Path
}
