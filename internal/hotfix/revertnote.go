package hotfix

import (
	"fmt"
	"strings"
)

// revertNotePrefix starts the invisible marker of the note ship leaves on a
// reverted pull request: with the number of the pull request that reverts it,
// so that a re-run, on any machine, never notes it twice.
const revertNotePrefix = "<!-- gh-hotfix:reverted-by "

// RevertNote is the comment ship posts on a pull request that the hotfix pull
// request by (its number and URL) reverts.
func RevertNote(by int, url string) string {
	return fmt.Sprintf("↩️ **Reverted** by #%d (hotfix): %s\n\n<sub>Posted by gh hotfix ship.</sub>\n%s%d -->\n", by, url, revertNotePrefix, by)
}

// HasRevertNote reports whether body is the note that pull request by reverts it.
func HasRevertNote(body string, by int) bool {
	return strings.Contains(body, fmt.Sprintf("%s%d -->", revertNotePrefix, by))
}
