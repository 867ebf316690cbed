package emulator

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestObjectExpression: Repository.object reads trees and blobs at "REV:PATH", as
// GitHub does, and still resolves plain revisions to commits.
func TestObjectExpression(t *testing.T) {
	ts := newTestServer(t)
	work := ts.seedRepo("objects")
	head := ts.git(work, "rev-parse", "main")
	q := map[string]any{"query": `query($dir: String!, $file: String!, $missing: String!, $rev: String!) {
  repository(owner: "monalisa", name: "objects") {
    dir: object(expression: $dir) { __typename ... on Tree { entries { name path type mode size extension object { __typename ... on Blob { text isBinary byteSize } } } } }
    file: object(expression: $file) { __typename ... on Blob { text oid abbreviatedOid } }
    missing: object(expression: $missing) { __typename }
    commit: object(expression: $rev) { __typename ... on Commit { oid } }
  }
}`, "variables": map[string]any{"dir": "HEAD:.github/workflows", "file": "hotfix/fix:new.txt", "missing": "main:new.txt", "rev": "main"}}
	r := ts.do("POST", "/graphql", q, nil)
	if r.status != 200 || strings.Contains(string(r.body), `"errors"`) {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var out struct {
		Data struct {
			Repository struct {
				Dir struct {
					Typename string `json:"__typename"`
					Entries  []struct {
						Name, Path, Type, Extension string
						Mode, Size                  int
						Object                      struct {
							Typename string `json:"__typename"`
							Text     string
							IsBinary bool
							ByteSize int
						}
					}
				}
				File struct {
					Typename                  string `json:"__typename"`
					Text, Oid, AbbreviatedOid string
				}
				Missing *struct{}
				Commit  struct{ Oid string }
			}
		}
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	repo := out.Data.Repository
	if repo.Dir.Typename != "Tree" || len(repo.Dir.Entries) != 1 {
		t.Fatalf("tree: %s", r.body)
	}
	e := repo.Dir.Entries[0]
	if e.Name != "release.yml" || e.Path != ".github/workflows/release.yml" || e.Type != "blob" || e.Mode != 0o100644 ||
		e.Extension != ".yml" || e.Object.Typename != "Blob" || !strings.HasPrefix(e.Object.Text, "name: Release\n") ||
		e.Size != len(e.Object.Text) || e.Object.ByteSize != e.Size || e.Object.IsBinary {
		t.Errorf("entry: %+v", e)
	}
	if repo.File.Typename != "Blob" || repo.File.Text != "new\n" || len(repo.File.Oid) != 40 || repo.File.AbbreviatedOid != repo.File.Oid[:7] {
		t.Errorf("blob: %+v", repo.File)
	}
	if repo.Missing != nil {
		t.Errorf("a path missing at the revision resolved to %s", r.body)
	}
	if repo.Commit.Oid != head {
		t.Errorf("commit %q, want %s", repo.Commit.Oid, head)
	}
}
