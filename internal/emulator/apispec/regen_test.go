package apispec

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/apispec/internal/specgen"
)

// npmSpecDir is where script/gen-apispec's npm packages are looked for:
// $NPM_SPEC_DIR (the node_modules directory the script reuses), else the
// developer-machine default.
func npmSpecDir() string {
	if dir := os.Getenv("NPM_SPEC_DIR"); dir != "" {
		return dir
	}
	return "/tmp/npmspec/node_modules"
}

// TestCommittedFilesAreRegenerable runs the generator on the npm packages
// and checks that it reproduces the committed files byte for byte: they are
// what the script makes from the pinned sources, nobody edited them, and the
// generator is deterministic (map order differs between runs).
func TestCommittedFilesAreRegenerable(t *testing.T) {
	if testing.Short() {
		t.Skip("parses the 13 MB source description")
	}
	dir := npmSpecDir()
	oaPkg := filepath.Join(dir, "@octokit", "openapi")
	gqlPkg := filepath.Join(dir, "@octokit", "graphql-schema")
	for _, d := range []string{oaPkg, gqlPkg} {
		if _, err := os.Stat(filepath.Join(d, "package.json")); err != nil {
			t.Skipf("npm package not installed (%v); run script/gen-apispec or set NPM_SPEC_DIR", err)
		}
	}
	ops := make([]specgen.Op, len(Operations))
	for i, op := range Operations {
		ops[i] = specgen.Op{Method: op.Method, Path: op.Path, ID: op.ID, Source: op.Source}
	}
	files, err := specgen.Generate(oaPkg, gqlPkg, ops)
	if err != nil {
		t.Fatal(err)
	}
	committed := map[string][]byte{
		specgen.OpenAPIFile: openapiJSON,
		specgen.GraphQLFile: []byte(schemaGraphQL),
	}
	for name, want := range committed {
		got, ok := files[name]
		if !ok {
			t.Errorf("generator made no %s", name)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output (%d vs %d bytes); run script/gen-apispec", name, len(want), len(got))
		}
	}
}
