package specgen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

var testPkg = Package{Name: "@octokit/openapi", Version: "1.2.3", File: "generated/api.github.com.json"}

// A miniature of GitHub's description with the features trimming must
// handle: documentation at every level, names that look like keywords,
// nested references, and components nobody references.
const miniDescription = `{
  "openapi": "3.0.3",
  "info": {"title": "GitHub", "version": "1.1.4", "description": "long text"},
  "servers": [{"url": "https://api.github.com", "description": "prod"}],
  "tags": [{"name": "pulls"}],
  "externalDocs": {"url": "https://docs.github.com"},
  "x-webhooks": {"push": {}},
  "paths": {
    "/repos/{owner}/{repo}/pulls/{pull_number}": {
      "summary": "path summary",
      "get": {
        "summary": "Get a pull request", "description": "Lists...", "tags": ["pulls"],
        "operationId": "pulls/get",
        "externalDocs": {"url": "https://docs.github.com/rest/pulls"},
        "x-github": {"githubCloudOnly": false},
        "parameters": [
          {"$ref": "#/components/parameters/owner", "description": "sibling"},
          {"name": "repo", "in": "path", "required": true, "schema": {"type": "string"}, "x-multi-segment": true, "example": "r"},
          {"name": "pull_number", "in": "path", "required": true, "schema": {"type": "integer"}}
        ],
        "responses": {
          "200": {"description": "Response", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/pull"},
            "examples": {"default": {"$ref": "#/components/examples/pull"}}}}},
          "404": {"$ref": "#/components/responses/not_found"}
        }
      },
      "patch": {"operationId": "pulls/update", "responses": {"200": {"description": "x"}}},
      "delete": {"operationId": "pulls/delete", "responses": {"204": {"description": "x"}}}
    },
    "/unused": {"get": {"operationId": "unused", "responses": {"200": {"description": "x"}}}}
  },
  "components": {
    "parameters": {"owner": {"name": "owner", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The owner"}},
    "schemas": {
      "pull": {"title": "Pull", "type": "object", "description": "A pull", "example": {"id": 1},
        "properties": {
          "description": {"type": "string", "description": "the description property"},
          "example": {"type": "integer", "maximum": 1e3},
          "user": {"$ref": "#/components/schemas/user"},
          "labels": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/label"}]}}
        },
        "required": ["description"],
        "additionalProperties": false},
      "user": {"type": "object", "nullable": true, "properties": {"login": {"type": "string"}}, "x-github-breaking-changes": []},
      "label": {"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": {"$ref": "#/components/schemas/user"}},
      "unused": {"type": "string"}
    },
    "responses": {"not_found": {"description": "Resource not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/basic-error"}}}}},
    "examples": {"pull": {"value": {"id": 1}}}
  }
}`

func TestOpenAPIReportsDanglingReferences(t *testing.T) {
	// miniDescription's not_found response refers to a missing schema.
	_, err := OpenAPI([]byte(miniDescription), testPkg, []Op{
		{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}", ID: "pulls/get"},
	})
	if err == nil || !strings.Contains(err.Error(), `dangling reference "#/components/schemas/basic-error"`) {
		t.Fatalf("dangling reference not reported: %v", err)
	}
}

func TestOpenAPITrims(t *testing.T) {
	src := strings.Replace(miniDescription, `"unused": {"type": "string"}`, `"unused": {"type": "string"}, "basic-error": {"type": "object", "properties": {"message": {"type": "string"}}}`, 1)
	out, err := OpenAPI([]byte(src), testPkg, []Op{
		{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}", ID: "pulls/get"},
		{Method: "PATCH", Path: "/repos/{owner}/{repo}/pulls/{pull_number}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	get := func(path ...string) any {
		var cur any = doc
		for _, p := range path {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[p]
		}
		return cur
	}
	has := func(path ...string) bool { return get(path...) != nil }

	// Top level: only what validation needs, plus provenance.
	for _, k := range []string{"tags", "externalDocs", "x-webhooks"} {
		if has(k) {
			t.Errorf("top-level %s kept", k)
		}
	}
	if got := get("info", "version"); got != "1.2.3" {
		t.Errorf("info.version = %v, want the package version", got)
	}
	if got, _ := get("info", "x-source").(string); !strings.HasPrefix(got, "@octokit/openapi@1.2.3 generated/api.github.com.json") {
		t.Errorf("info.x-source = %q", got)
	}
	if has("info", "description") || has("servers", "0", "description") {
		t.Error("info/server description kept")
	}

	// Only the listed operations.
	item := get("paths", "/repos/{owner}/{repo}/pulls/{pull_number}").(map[string]any)
	if _, ok := item["delete"]; ok {
		t.Error("unlisted DELETE kept")
	}
	if has("paths", "/unused") {
		t.Error("unlisted path kept")
	}
	if _, ok := item["summary"]; ok {
		t.Error("path item summary kept")
	}
	op := item["get"].(map[string]any)
	for _, k := range []string{"summary", "description", "tags", "externalDocs", "x-github"} {
		if _, ok := op[k]; ok {
			t.Errorf("operation %s kept", k)
		}
	}
	params := op["parameters"].([]any)
	if ref := params[0].(map[string]any); len(ref) != 1 || ref["$ref"] != "#/components/parameters/owner" {
		t.Errorf("reference siblings kept: %v", ref)
	}
	repo := params[1].(map[string]any)
	if repo["x-multi-segment"] != true || repo["example"] != nil {
		t.Errorf("repo parameter = %v: want x-multi-segment kept, example dropped", repo)
	}
	resp := get("paths", "/repos/{owner}/{repo}/pulls/{pull_number}", "get", "responses", "200").(map[string]any)
	if resp["description"] != "" {
		t.Errorf("response description = %v, want empty (kept as OpenAPI requires it)", resp["description"])
	}
	if has("paths", "/repos/{owner}/{repo}/pulls/{pull_number}", "get", "responses", "200", "content", "application/json", "examples") {
		t.Error("media type examples kept")
	}

	// Components: exactly the transitive closure.
	schemas := get("components", "schemas").(map[string]any)
	for _, name := range []string{"pull", "user", "label", "basic-error"} {
		if _, ok := schemas[name]; !ok {
			t.Errorf("referenced schema %s dropped", name)
		}
	}
	if _, ok := schemas["unused"]; ok {
		t.Error("unreferenced schema kept")
	}
	if has("components", "examples") {
		t.Error("examples kept")
	}
	if got := get("components", "parameters", "owner", "description"); got != nil {
		t.Errorf("parameter description kept: %v", got)
	}
	pull := schemas["pull"].(map[string]any)
	for _, k := range []string{"title", "description", "example"} {
		if _, ok := pull[k]; ok {
			t.Errorf("schema %s kept", k)
		}
	}
	props := pull["properties"].(map[string]any)
	if _, ok := props["description"]; !ok {
		t.Error(`property named "description" dropped`)
	}
	if _, ok := props["example"]; !ok {
		t.Error(`property named "example" dropped`)
	}
	if got := get("components", "schemas", "pull", "properties", "description", "description"); got != nil {
		t.Errorf("a property's own description kept: %v", got)
	}
	if got := get("components", "schemas", "pull", "properties", "example", "maximum"); got != json.Number("1e3") && got != 1000.0 {
		t.Errorf("maximum = %v", got)
	}
	if !bytes.Contains(out, []byte(`"maximum":1e3`)) {
		t.Error("number not kept as written")
	}
	if pull["additionalProperties"] != false {
		t.Error("additionalProperties false lost")
	}
	if has("components", "schemas", "user", "x-github-breaking-changes") {
		t.Error("schema extension kept")
	}

	// Deterministic.
	again, err := OpenAPI([]byte(src), testPkg, []Op{
		{Method: "GET", Path: "/repos/{owner}/{repo}/pulls/{pull_number}", ID: "pulls/get"},
		{Method: "PATCH", Path: "/repos/{owner}/{repo}/pulls/{pull_number}"},
	})
	if err != nil || !bytes.Equal(out, again) {
		t.Errorf("second run differs (err %v)", err)
	}
}

func TestOpenAPIFailsLoudly(t *testing.T) {
	tests := []struct {
		name string
		ops  []Op
		want string
	}{
		{"missing path", []Op{{Method: "GET", Path: "/nope"}}, "GET /nope: not in the source description"},
		{"missing method", []Op{{Method: "PUT", Path: "/unused"}}, "PUT /unused: not in the source description"},
		{"renamed operation", []Op{{Method: "GET", Path: "/unused", ID: "meta/unused"}}, `operationId is "unused", want "meta/unused"`},
		{"listed twice", []Op{{Method: "GET", Path: "/unused"}, {Method: "GET", Path: "/unused"}}, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenAPI([]byte(miniDescription), testPkg, tt.ops)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := OpenAPI([]byte(`{"openapi":"3.1.0","paths":{},"components":{}}`), testPkg, nil); err == nil {
		t.Error("OpenAPI 3.1 source accepted")
	}
}

const miniSchema = `
"""
Marks an element of a GraphQL schema as only available via a preview header
"""
directive @preview(
  "The identifier of the API preview that toggles this field."
  toggledBy: String!
) on ARGUMENT_DEFINITION | FIELD_DEFINITION | INPUT_FIELD_DEFINITION

"""
Represents an object which can take actions on GitHub.
"""
interface Actor {
  "The username of the actor."
  login: String!
}

"A user"
type User implements Actor {
  login: String!
  """
  The user's public profile name.
  """
  name(
    "Whether to \"format\" the name"
    formatted: Boolean = false
  ): String @deprecated(reason: "Use ` + "`login`" + `.")
  "Same as above, duplicated upstream"
  name(
    formatted: Boolean = false
  ): String @deprecated(reason: "Use ` + "`login`" + `.")
}

enum State {
  "open"
  OPEN
  CLOSED @deprecated(reason: "gone")
}

type Query {
  viewer: User!
  state: State
}
`

func TestGraphQL(t *testing.T) {
	pkg := Package{Name: "@octokit/graphql-schema", Version: "9.9.9", File: "schema.graphql"}
	out, err := GraphQL([]byte(miniSchema), pkg)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if strings.Contains(s, "Represents an object") || strings.Contains(s, `"""`) || strings.Contains(s, "The username") {
		t.Errorf("descriptions kept:\n%s", s)
	}
	for _, want := range []string{
		"@octokit/graphql-schema@9.9.9",
		"Dropped a duplicate, identical definition of User.name",
		"directive @preview(toggledBy: String!)",
		"name(formatted: Boolean = false): String @deprecated(reason: \"Use `login`.\")",
		"CLOSED @deprecated(reason: \"gone\")",
		"type User implements Actor",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "name("); n != 1 {
		t.Errorf("User.name defined %d times", n)
	}
	again, err := GraphQL([]byte(miniSchema), pkg)
	if err != nil || !bytes.Equal(out, again) {
		t.Errorf("second run differs (err %v)", err)
	}

	conflicting := strings.Replace(miniSchema, "  name(\n    formatted: Boolean = false\n  ): String", "  name(\n    formatted: Boolean = true\n  ): String", 1)
	if conflicting == miniSchema {
		t.Fatal("test setup: replacement did not apply")
	}
	if _, err := GraphQL([]byte(conflicting), pkg); err == nil || !strings.Contains(err.Error(), "User.name is defined twice, differently") {
		t.Errorf("conflicting duplicate: err = %v", err)
	}
}

func TestSchemaDiff(t *testing.T) {
	parse := func(sdl string) *ast.SchemaDocument {
		doc, err := parser.ParseSchema(&ast.Source{Input: sdl})
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	base := parse(`"d" type Query { a(x: Int = 1): String } enum E { A B } directive @d(y: Int) on FIELD`)
	if diff := SchemaDiff(base, parse(`type Query { a(x: Int = 1): String } enum E { B A } directive @d(y: Int) on FIELD`)); len(diff) > 0 {
		t.Errorf("descriptions/order reported as differences: %v", diff)
	}
	for _, changed := range []string{
		`type Query { a(x: Int = 2): String } enum E { A B } directive @d(y: Int) on FIELD`,
		`type Query { a(x: Int = 1): String! } enum E { A B } directive @d(y: Int) on FIELD`,
		`type Query { a(x: Int = 1): String } enum E { A } directive @d(y: Int) on FIELD`,
		`type Query { a(x: Int = 1): String } enum E { A B } directive @d(y: Int) on FIELD | QUERY`,
		`type Query { a(x: Int = 1): String @deprecated } enum E { A B } directive @d(y: Int) on FIELD`,
		`type Query { a: String } enum E { A B } directive @d(y: Int) on FIELD`,
	} {
		if diff := SchemaDiff(base, parse(changed)); len(diff) == 0 {
			t.Errorf("no difference found for %s", changed)
		}
	}
}

// An operation only another description holds (GitHub Enterprise Server's site
// admin operations) is taken from it, marked with its source, and its
// references resolve in the main description.
func TestOpenAPITakesAnOperationFromAnotherDescription(t *testing.T) {
	ghes := `{"openapi": "3.0.3", "paths": {"/admin/organizations": {"post": {"operationId": "enterprise-admin/create-org",
	  "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["login", "admin"],
	    "properties": {"login": {"type": "string"}, "admin": {"type": "string"}}}}}},
	  "responses": {"201": {"description": "Response", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/user"}}}}}}}},
	  "components": {}}`
	op := Op{Method: "POST", Path: "/admin/organizations", ID: "enterprise-admin/create-org", Source: "generated/ghes.json"}
	out, err := OpenAPIWith([]byte(miniDescription), testPkg, []Op{op}, map[string][]byte{"generated/ghes.json": []byte(ghes)})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]map[string]any
		Components map[string]map[string]any
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	post := doc.Paths["/admin/organizations"]["post"]
	if post == nil || post["x-source"] != "generated/ghes.json" {
		t.Fatalf("operation not taken or not marked: %v", post)
	}
	if doc.Components["schemas"]["user"] == nil {
		t.Error("its reference was not resolved in the main description")
	}
	if _, err := OpenAPI([]byte(miniDescription), testPkg, []Op{op}); err == nil || !strings.Contains(err.Error(), "not in the source description generated/ghes.json") {
		t.Errorf("missing extra description: err = %v", err)
	}
}
