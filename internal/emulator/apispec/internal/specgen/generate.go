package specgen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Output file names, relative to the apispec package directory.
const (
	OpenAPIFile = "openapi.json"
	GraphQLFile = "schema.graphql"
)

// Generate returns the contents of OpenAPIFile and GraphQLFile, keyed by file
// name, generated from the directories of the @octokit/openapi and
// @octokit/graphql-schema npm packages. It keeps exactly ops.
func Generate(openapiPkg, graphqlPkg string, ops []Op) (map[string][]byte, error) {
	oaPkg, err := readPackage(openapiPkg, "@octokit/openapi", "generated/api.github.com.json")
	if err != nil {
		return nil, err
	}
	gqlPkg, err := readPackage(graphqlPkg, "@octokit/graphql-schema", "schema.graphql")
	if err != nil {
		return nil, err
	}
	oaSrc, err := os.ReadFile(filepath.Join(openapiPkg, oaPkg.File))
	if err != nil {
		return nil, err
	}
	gqlSrc, err := os.ReadFile(filepath.Join(graphqlPkg, gqlPkg.File))
	if err != nil {
		return nil, err
	}
	extra := map[string][]byte{}
	for _, op := range ops {
		if op.Source == "" || extra[op.Source] != nil {
			continue
		}
		if extra[op.Source], err = os.ReadFile(filepath.Join(openapiPkg, op.Source)); err != nil {
			return nil, err
		}
	}
	oa, err := OpenAPIWith(oaSrc, oaPkg, ops, extra)
	if err != nil {
		return nil, err
	}
	gql, err := GraphQL(gqlSrc, gqlPkg)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{OpenAPIFile: oa, GraphQLFile: gql}, nil
}

// readPackage reads name and version from dir/package.json and checks that
// dir holds the expected package.
func readPackage(dir, wantName, file string) (Package, error) {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return Package{}, err
	}
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return Package{}, fmt.Errorf("%s/package.json: %w", dir, err)
	}
	if meta.Name != wantName || meta.Version == "" {
		return Package{}, fmt.Errorf("%s holds package %q@%q, want %s", dir, meta.Name, meta.Version, wantName)
	}
	return Package{Name: meta.Name, Version: meta.Version, File: file}, nil
}
