package ship

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/config"
	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

func TestWithIssue(t *testing.T) {
	tests := []struct {
		body  string
		issue int
		want  string
	}{
		{"Body", 0, "Body"},
		{"Body", 7, "Body\n\nFixes #7\n"},
		{"Coupon #7 broke", 7, "Coupon #7 broke\n\nFixes #7\n"},
		{"This fixes #7.", 7, "This fixes #7."},
		{"Closes #7", 7, "Closes #7"},
		{"Fixes #70", 7, "Fixes #70\n\nFixes #7\n"},
	}
	for _, tt := range tests {
		if got := withIssue(tt.body, tt.issue); got != tt.want {
			t.Errorf("withIssue(%q, %d) = %q, want %q", tt.body, tt.issue, got, tt.want)
		}
	}
}

func TestDefaultBody(t *testing.T) {
	b := defaultBody("login 500", 12)
	for _, want := range []string{"**What broke:** login 500", "- [ ] Tested despite the urgency", "Post-mortem", "Fixes #12"} {
		if !strings.Contains(b, want) {
			t.Errorf("default body lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(defaultBody("x", 0), "Fixes #") {
		t.Error("body without an issue closes one")
	}
}

func TestDescribe(t *testing.T) {
	for state, want := range map[string]string{"clean": "can be merged", "blocked": "blocked: waiting for required reviews or checks",
		"unstable": "checks failing or pending", "dirty": "merge conflicts: update the branch", "unknown": "mergeability being computed"} {
		if got := describe(github.RESTPull{MergeableState: state}); got != want {
			t.Errorf("describe(%s) = %q, want %q", state, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	if plural(1, "file") != "1 file" || plural(2, "file") != "2 files" || plural(0, "line") != "0 lines" {
		t.Error("plural")
	}
}

// TestReadBodyKeepsTheIssue: whatever the body's source, the hotfix's issue is closed.
func TestReadBodyKeepsTheIssue(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.md"), []byte("From a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "template.md"), []byte("## Template\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opts     ShipOptions
		template string
		stdin    string
		issue    int
		want     string
	}{
		{name: "--body", opts: ShipOptions{Body: "Mine"}, issue: 7, want: "Mine\n\nFixes #7\n"},
		{name: "--body already closing", opts: ShipOptions{Body: "Closes #7 at last"}, issue: 7, want: "Closes #7 at last"},
		{name: "--body without an issue", opts: ShipOptions{Body: "Mine"}, want: "Mine"},
		{name: "--body-file", opts: ShipOptions{BodyFile: filepath.Join(dir, "body.md")}, issue: 3, want: "From a file\n\nFixes #3\n"},
		{name: "--body-file -", opts: ShipOptions{BodyFile: "-"}, stdin: "Piped\n", issue: 3, want: "Piped\n\nFixes #3\n"},
		{name: "template", template: "template.md", issue: 5, want: "## Template\n\nFixes #5\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, stdin, _, _ := iostreams.Test()
			stdin.WriteString(tt.stdin)
			s := &shipper{opts: &tt.opts, ios: ios, meta: hotfix.Meta{Description: "login 500", Issue: tt.issue}}
			s.cfg.PullRequest.Template = tt.template
			s.paths.TopLevel = dir
			got, err := s.readBody(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("body %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSizeGuard: files, lines and the bytes of binary files each have a limit.
func TestSizeGuard(t *testing.T) {
	lim := config.Limits{Files: 10, Lines: 400, Bytes: 1000}
	tests := []struct {
		name                string
		files, lines        int
		bytes               int64
		force               bool
		wantErr, wantStderr string
	}{
		{name: "within", files: 3, lines: 40, bytes: 1000},
		{name: "too many lines", files: 1, lines: 401,
			wantErr: "this hotfix changes 1 file and 401 lines, over the limits of 10 files and 400 lines: keep hotfixes minimal, raise limits in .github/hotfix.yml, or pass --force"},
		{name: "a large binary file", files: 1, lines: 0, bytes: 1001,
			wantErr: "this hotfix changes 1 file, 0 lines and 1001 bytes of binary files, over the limits of 10 files, 400 lines and 1000 bytes: keep hotfixes minimal, raise limits in .github/hotfix.yml, or pass --force"},
		{name: "a large binary file, forced", files: 1, bytes: 5000, force: true,
			wantStderr: "this hotfix changes 1 file, 0 lines and 5000 bytes of binary files, over the limits of 10 files, 400 lines and 1000 bytes; continuing because of --force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, stderr := iostreams.Test()
			s := &shipper{opts: &ShipOptions{Force: tt.force}, ios: ios, cs: ios.ColorScheme()}
			s.cfg.Limits = lim
			err := s.sizeGuard(tt.files, tt.lines, tt.bytes)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q, want %q", stderr, tt.wantStderr)
			}
		})
	}
}
