package ship

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// readBody is the pull request's body (bodyText), which for a revert (gh hotfix
// revert) also links the pull request it reverts.
func (s *shipper) readBody(ctx context.Context) (string, error) {
	body, err := s.bodyText(ctx)
	if err != nil {
		return "", err
	}
	return withReverts(body, s.meta.Reverts), nil
}

// withReverts appends "Reverts #N" unless the body already says so.
func withReverts(body string, n int) string {
	says := regexp.MustCompile(fmt.Sprintf(`(?i)\breverts\s+#%d\b`, n))
	if n > 0 && !says.MatchString(body) {
		body = strings.TrimRight(body, "\n") + fmt.Sprintf("\n\nReverts #%d\n", n)
	}
	return body
}

// noteReverted says once, on the pull request a revert reverts, which hotfix
// pull request reverts it. The note carries a marker: a re-run that finds it
// (the note was posted, but not recorded with the branch) posts nothing.
type noteReverted struct{ always }

func (noteReverted) describe(s *shipper) string {
	if s.meta.RevertNoted {
		return fmt.Sprintf("Noted on #%d that this pull request reverts it", s.meta.Reverts)
	}
	return fmt.Sprintf("Note on #%d that this pull request reverts it", s.meta.Reverts)
}

func (noteReverted) applies(s *shipper) bool {
	return s.meta.Reverts > 0 && s.meta.RevertsID != "" && !s.remoteOnly
}

func (noteReverted) done(s *shipper) bool { return s.meta.RevertNoted }

func (noteReverted) run(ctx context.Context, s *shipper) error {
	if s.pr == nil {
		return nil
	}
	reverted, err := s.gh.Pull(ctx, s.meta.RevertsID)
	if err != nil {
		return fmt.Errorf("reading #%d, which this hotfix reverts: %w", s.meta.Reverts, err)
	}
	comments := reverted.Comments
	if reverted.CommentsBefore != "" {
		earlier, err := s.gh.EarlierComments(ctx, s.meta.RevertsID, reverted.CommentsBefore)
		if err != nil {
			return err
		}
		comments = append(earlier, comments...)
	}
	noted := false
	for _, c := range comments {
		if hotfix.HasRevertNote(c.Body, s.pr.Number) {
			noted = true
			break
		}
	}
	if !noted {
		if _, err := s.gh.AddComment(ctx, s.meta.RevertsID, hotfix.RevertNote(s.pr.Number, s.pr.URL)); err != nil {
			return fmt.Errorf("noting the revert on #%d: %w; run %s again", s.meta.Reverts, err, s.again())
		}
		s.done("Noted on #%d that #%d reverts it", s.meta.Reverts, s.pr.Number)
	}
	s.meta.RevertNoted = true
	if err := hotfix.SaveMeta(ctx, s.g, s.branch, s.meta); err != nil {
		return fmt.Errorf("recording the note with %s: %w", s.branch, err)
	}
	return nil
}
