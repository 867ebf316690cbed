package ship

import (
	"slices"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

func TestBesidesHotfix(t *testing.T) {
	commit := func(sha, email, date, msg string) github.PullCommit {
		var c github.PullCommit
		c.SHA, c.Commit.Author.Email, c.Commit.Author.Date, c.Commit.Message = sha, email, date, msg
		return c
	}
	const d1, d2, d3 = "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z"
	fix1 := commit("aaaaaaa1", "dev@example.com", d1, "Fix the login page")
	fix2 := commit("aaaaaaa2", "dev@example.com", d2, "Cover it with a test\n\nBody.")
	pr := []github.PullCommit{fix1, fix2}
	other := commit("ccccccc1", "ops@example.com", d3, "Add the hotfix workflow from main")
	tests := []struct {
		name           string
		shipped        []github.PullCommit
		merge, head    string
		wantOthersSHAs []string
	}{
		{name: "merge commit", shipped: []github.PullCommit{fix1, fix2, commit("mmmmmmm1", "web@example.com", d3, "Merge pull request #7")},
			merge: "mmmmmmm1", head: "aaaaaaa2"},
		{name: "squash", shipped: []github.PullCommit{commit("sssssss1", "dev@example.com", d3, "Fix the login page (#7)")},
			merge: "sssssss1", head: "aaaaaaa2"},
		{name: "rebase: new SHAs, same authors, dates and messages", shipped: []github.PullCommit{
			commit("bbbbbbb1", "dev@example.com", d1, "Fix the login page"),
			commit("bbbbbbb2", "dev@example.com", d2, "Cover it with a test\n\nBody.\n"),
		}, merge: "bbbbbbb2", head: "aaaaaaa2"},
		{name: "rebase with another commit of the line", shipped: []github.PullCommit{
			other,
			commit("bbbbbbb1", "dev@example.com", d1, "Fix the login page"),
			commit("bbbbbbb2", "dev@example.com", d2, "Cover it with a test\n\nBody."),
		}, merge: "bbbbbbb2", head: "aaaaaaa2", wantOthersSHAs: []string{"ccccccc"}},
		{name: "same message, another author date: not the hotfix's", shipped: []github.PullCommit{
			commit("ddddddd1", "dev@example.com", d3, "Fix the login page"),
			commit("bbbbbbb2", "dev@example.com", d2, "Cover it with a test\n\nBody."),
		}, merge: "bbbbbbb2", head: "aaaaaaa2", wantOthersSHAs: []string{"ddddddd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := besidesHotfix(tt.shipped, pr, tt.merge, tt.head)
			if !slices.Equal(got, tt.wantOthersSHAs) {
				t.Errorf("besidesHotfix = %v, want %v", got, tt.wantOthersSHAs)
			}
		})
	}
}
