// Command gen regenerates the files that package apispec embeds from GitHub's
// published API descriptions, as shipped in the npm packages
// @octokit/openapi and @octokit/graphql-schema. Run it through
// script/gen-apispec, which installs the pinned package versions:
//
//	go run ./internal/emulator/apispec/gen \
//	    -openapi-pkg node_modules/@octokit/openapi \
//	    -graphql-pkg node_modules/@octokit/graphql-schema \
//	    -out internal/emulator/apispec
//
// It writes openapi.json (only apispec.Operations and what they reference,
// documentation stripped) and schema.graphql (the whole schema without
// descriptions). It writes nothing unless both succeed, and it fails if a
// listed operation is missing from the description.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/apispec"
	"github.com/gh-hotfix/gh-hotfix/internal/emulator/apispec/internal/specgen"
)

func main() {
	openapiPkg := flag.String("openapi-pkg", "", "directory of the @octokit/openapi npm package")
	graphqlPkg := flag.String("graphql-pkg", "", "directory of the @octokit/graphql-schema npm package")
	openapiVersion := flag.String("openapi-version", "", "fail unless the @octokit/openapi package has this version")
	graphqlVersion := flag.String("graphql-version", "", "fail unless the @octokit/graphql-schema package has this version")
	out := flag.String("out", "internal/emulator/apispec", "directory to write "+specgen.OpenAPIFile+" and "+specgen.GraphQLFile+" to")
	flag.Parse()
	if *openapiPkg == "" || *graphqlPkg == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	err := checkVersion(*openapiPkg, *openapiVersion)
	if err == nil {
		err = checkVersion(*graphqlPkg, *graphqlVersion)
	}
	if err == nil {
		err = run(*openapiPkg, *graphqlPkg, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen-apispec:", err)
		os.Exit(1)
	}
}

// checkVersion fails unless dir/package.json has version want (if set), so
// that a reused node_modules directory cannot silently change the output.
func checkVersion(dir, want string) error {
	if want == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return err
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return fmt.Errorf("%s/package.json: %w", dir, err)
	}
	if meta.Version != want {
		return fmt.Errorf("%s is %s@%s, want version %s", dir, meta.Name, meta.Version, want)
	}
	return nil
}

func run(openapiPkg, graphqlPkg, out string) error {
	ops := make([]specgen.Op, len(apispec.Operations))
	for i, op := range apispec.Operations {
		ops[i] = specgen.Op{Method: op.Method, Path: op.Path, ID: op.ID, Source: op.Source}
	}
	files, err := specgen.Generate(openapiPkg, graphqlPkg, ops)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(out, name)
		if err := writeFile(path, files[name]); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d bytes)\n", path, len(files[name]))
	}
	return nil
}

// writeFile replaces path through a temporary file so that an interrupted
// run never leaves a truncated file behind.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gen-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
