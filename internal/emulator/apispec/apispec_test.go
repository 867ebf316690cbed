package apispec

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openapiJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI30() {
		t.Errorf("openapi = %q, want 3.0.x", doc.OpenAPI)
	}
	// Default options: the trimmed document must be fully valid, with
	// nothing dangling after trimming.
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if src, _ := doc.Info.Extensions["x-source"].(string); !strings.HasPrefix(src, "@octokit/openapi@"+doc.Info.Version+" ") {
		t.Errorf("info.x-source = %q, want it to name @octokit/openapi@%s", src, doc.Info.Version)
	}
}

func TestOpenAPIDocumentHasExactlyTheListedOperations(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openapiJSON)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, op := range Operations {
		key := op.Method + " " + op.Path
		if _, dup := want[key]; dup {
			t.Errorf("Operations lists %s twice", key)
		}
		want[key] = op.ID
	}
	got := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			got[method+" "+path] = op.OperationID
		}
	}
	for key, id := range want {
		if got[key] != id {
			t.Errorf("%s: operationId %q in openapi.json, want %q", key, got[key], id)
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("openapi.json has %s, which Operations does not list", key)
		}
	}
}

// The trimmed document must not carry documentation: that is what keeps it
// small. Property names like "description" must survive, though.
func TestOpenAPIDocumentIsStripped(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any, path string, inNames bool)
	walk = func(v any, path string, inNames bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				// Keys of these maps are names chosen by GitHub, not
				// OpenAPI keywords.
				names := k == "properties" || k == "paths" || k == "schemas" || k == "parameters" && path == "/components" ||
					k == "responses" || k == "headers" || k == "content"
				if !inNames {
					switch {
					case k == "title" && path == "/info": // required by OpenAPI
					case k == "summary", k == "example", k == "examples", k == "externalDocs", k == "title":
						t.Errorf("%s/%s: documentation key left in", path, k)
					case k == "description" && x != "":
						t.Errorf("%s/description: %q left in", path, x)
					case strings.HasPrefix(k, "x-") && k != "x-multi-segment" && k != "x-source":
						t.Errorf("%s/%s: extension left in", path, k)
					}
				}
				walk(x, path+"/"+k, names)
			}
		case []any:
			for _, x := range v {
				walk(x, path+"/[]", false)
			}
		}
	}
	walk(doc, "", false)
	if len(openapiJSON) > 400_000 {
		t.Errorf("openapi.json is %d bytes; trimming stopped working?", len(openapiJSON))
	}
}

func TestNewCheckerIsFast(t *testing.T) {
	start := time.Now()
	if _, err := newChecker(openapiJSON); err != nil {
		t.Fatal(err)
	}
	// The brief is < ~300ms; allow for a loaded CI machine.
	if d := time.Since(start); d > time.Second {
		t.Errorf("loading the description took %v", d)
	}
}

func TestGraphQLSchema(t *testing.T) {
	sdl := GraphQLSchema()
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdl})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sdl, `"""`) {
		t.Error("schema.graphql still has block descriptions")
	}
	fields := []struct{ typ, field, want string }{
		{"Repository", "pullRequests", "PullRequestConnection!"},
		{"Repository", "ref", "Ref"},
		{"Mutation", "enablePullRequestAutoMerge", "EnablePullRequestAutoMergePayload"},
		{"Mutation", "mergePullRequest", "MergePullRequestPayload"},
		{"PullRequest", "statusCheckRollup", "StatusCheckRollup"},
		{"PullRequest", "mergeStateStatus", "MergeStateStatus!"},
		{"Query", "repository", "Repository"},
	}
	for _, f := range fields {
		def := schema.Types[f.typ]
		if def == nil {
			t.Errorf("type %s missing", f.typ)
			continue
		}
		fd := def.Fields.ForName(f.field)
		if fd == nil {
			t.Errorf("%s.%s missing", f.typ, f.field)
			continue
		}
		if got := fd.Type.String(); got != f.want {
			t.Errorf("%s.%s: type %s, want %s", f.typ, f.field, got, f.want)
		}
	}
	if schema.Query == nil || schema.Query.Name != "Query" || schema.Mutation == nil || schema.Mutation.Name != "Mutation" {
		t.Error("root operation types are not Query and Mutation")
	}
	if len(schema.Types) < 1500 {
		t.Errorf("only %d types: not the whole schema?", len(schema.Types))
	}
	enum := schema.Types["MergeStateStatus"]
	if enum == nil || enum.EnumValues.ForName("CLEAN") == nil || enum.EnumValues.ForName("BLOCKED") == nil {
		t.Error("enum MergeStateStatus lacks CLEAN or BLOCKED")
	}
	// Applied directives such as @deprecated are schema, not documentation.
	if !strings.Contains(sdl, "@deprecated(") {
		t.Error("no @deprecated directive kept")
	}
}
