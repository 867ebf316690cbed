package gql_test

import (
	"context"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// TestValidateGitHubShapes checks the validation errors that are mapped to
// GitHub's messages and extensions, including the static paths GitHub puts
// on them.
func TestValidateGitHubShapes(t *testing.T) {
	tests := []struct {
		name string
		q    string
		vars map[string]any
		want []gql.ResponseError
	}{
		{
			name: "valid document",
			q:    `query Q($n: Int!) { repository(owner: "o", name: "r") { issue(number: $n) { title } } }`,
			vars: map[string]any{"n": 1},
		},
		{
			name: "unknown field in named operation and inline fragment",
			q:    `query Q { node(id: "x") { ... on Issue { bogus } } }`,
			want: []gql.ResponseError{{
				Path:       []any{"query Q", "node", "... on Issue", "bogus"},
				Locations:  []gql.Location{{Line: 1, Column: 42}},
				Message:    "Field 'bogus' doesn't exist on type 'Issue'",
				Extensions: map[string]any{"code": "undefinedField", "typeName": "Issue", "fieldName": "bogus"},
			}},
		},
		{
			name: "unknown field in a fragment spread twice is reported once",
			q:    `{ a: viewer { ...U } b: viewer { ...U } } fragment U on User { nope }`,
			want: []gql.ResponseError{{
				Path:       []any{"fragment U", "nope"},
				Locations:  []gql.Location{{Line: 1, Column: 64}},
				Message:    "Field 'nope' doesn't exist on type 'User'",
				Extensions: map[string]any{"code": "undefinedField", "typeName": "User", "fieldName": "nope"},
			}},
		},
		{
			name: "missing required arguments",
			q:    `{ repository { name } }`,
			want: []gql.ResponseError{{
				Path:      []any{"query", "repository"},
				Locations: []gql.Location{{Line: 1, Column: 3}},
				Message:   "Field 'repository' is missing required arguments: owner, name",
				Extensions: map[string]any{"code": "missingRequiredArguments", "className": "Field",
					"name": "repository", "arguments": "owner, name"},
			}},
		},
		{
			name: "unknown argument",
			q:    `{ viewer { login(format: "x") } }`,
			want: []gql.ResponseError{{
				Path:      []any{"query", "viewer", "login", "format"},
				Locations: []gql.Location{{Line: 1, Column: 18}},
				Message:   "Field 'login' doesn't accept argument 'format'",
				Extensions: map[string]any{"code": "argumentNotAccepted", "name": "login", "typeName": "Field",
					"argumentName": "format"},
			}},
		},
		{
			name: "selections on a scalar and missing selections on an object",
			q:    "{\n  viewer { login { x } }\n  repository(owner: \"o\", name: \"r\")\n}",
			want: []gql.ResponseError{
				{
					Path:       []any{"query", "viewer", "login"},
					Locations:  []gql.Location{{Line: 2, Column: 12}},
					Message:    "Selections can't be made on scalars (field 'login' returns String but has selections [x])",
					Extensions: map[string]any{"code": "selectionMismatch", "nodeName": "field 'login'"},
				},
				{
					Path:       []any{"query", "repository"},
					Locations:  []gql.Location{{Line: 3, Column: 3}},
					Message:    "Field must have selections (field 'repository' returns Repository but has no selections. Did you mean 'repository { ... }'?)",
					Extensions: map[string]any{"code": "selectionMismatch", "nodeName": "field 'repository'"},
				},
			},
		},
		{
			name: "other rules fall back to gqlparser messages with a path",
			q:    `{ repository(owner: "o", name: "r") { issues(states: [MERGED]) { totalCount } } }`,
			want: []gql.ResponseError{{
				Path:      []any{"query", "repository", "issues", "states"},
				Locations: []gql.Location{{Line: 1, Column: 55}},
				Message:   `Value "MERGED" does not exist in "IssueState!" enum.`,
			}},
		},
		{
			name: "nullable variable in non-null position",
			q:    `query Q($n: Int) { repository(owner: "o", name: "r") { issue(number: $n) { id } } }`,
			want: []gql.ResponseError{{
				Path:      []any{"query Q", "repository", "issue", "number"},
				Locations: []gql.Location{{Line: 1, Column: 70}},
				Message:   "Nullability mismatch on variable $n and argument number (Int / Int!)",
				Extensions: map[string]any{"code": "variableMismatch", "variableName": "n", "typeName": "Int",
					"argumentName": "number", "errorMessage": "Nullability mismatch"},
			}},
		},
		{
			name: "variable of the wrong type",
			q:    `query($s: String!) { repository(owner: "o", name: "r") { issue(number: $s) { id } } }`,
			want: []gql.ResponseError{{
				Path:      []any{"query", "repository", "issue", "number"},
				Locations: []gql.Location{{Line: 1, Column: 72}},
				Message:   "Type mismatch on variable $s and argument number (String! / Int!)",
				Extensions: map[string]any{"code": "variableMismatch", "variableName": "s", "typeName": "String!",
					"argumentName": "number", "errorMessage": "Type mismatch"},
			}},
		},
		{
			name: "undeclared and unused variables",
			q:    `query($unused: Int) { viewer @include(if: $flag) { id } }`,
			want: []gql.ResponseError{
				{
					Path:       []any{"query"},
					Locations:  []gql.Location{{Line: 1, Column: 7}},
					Message:    "Variable $unused is declared by anonymous query but not used",
					Extensions: map[string]any{"code": "variableNotUsed", "variableName": "unused"},
				},
				{
					Path:       []any{"query", "viewer", "if"},
					Locations:  []gql.Location{{Line: 1, Column: 43}},
					Message:    "Variable $flag is used by anonymous query but not declared",
					Extensions: map[string]any{"code": "variableNotDefined", "variableName": "flag"},
				},
			},
		},
		{
			name: "empty document",
			q:    "  ",
			want: []gql.ResponseError{{Message: "No query string was present"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := executor(t).Validate(gql.Request{Query: tt.q, Variables: tt.vars})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate:\n got: %#v\nwant: %#v", got, tt.want)
			}
		})
	}
}

func TestOperationInfo(t *testing.T) {
	tests := []struct {
		name     string
		req      gql.Request
		typ, op  string
		fields   []string
		wantErr  bool
		validate bool
	}{
		{
			name:   "anonymous query",
			req:    gql.Request{Query: `{ viewer { login } repository(owner: "o", name: "r") { id } }`},
			typ:    "query",
			fields: []string{"viewer", "repository"},
		},
		{
			name:   "named mutation with alias and fragment at the root",
			req:    gql.Request{Query: `mutation Create { a: createIssue(input: {repositoryId: "R", title: "t"}) { clientMutationId } ...M } fragment M on Mutation { mustSucceed createIssue(input: {repositoryId: "R", title: "u"}) { clientMutationId } }`},
			typ:    "mutation",
			op:     "Create",
			fields: []string{"createIssue", "mustSucceed"},
		},
		{
			name:   "selected by operation name, even when invalid",
			req:    gql.Request{Query: `query A { viewer { id } } query B { nope }`, OperationName: "B"},
			typ:    "query",
			op:     "B",
			fields: []string{"nope"},
		},
		{
			name:    "syntax error",
			req:     gql.Request{Query: `{`},
			wantErr: true,
		},
		{
			name:    "ambiguous",
			req:     gql.Request{Query: `query A { viewer { id } } query B { viewer { id } }`},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, op, fields, err := executor(t).OperationInfo(tt.req)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if typ != tt.typ || op != tt.op || !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("got (%q, %q, %q), want (%q, %q, %q)", typ, op, fields, tt.typ, tt.op, tt.fields)
			}
		})
	}
}

const githubSchemaPath = "/tmp/npmspec/node_modules/@octokit/graphql-schema/schema.graphql"

// TestGitHubSchema loads GitHub's real public schema and validates a
// realistic query against it. It is a dev-machine check: the schema comes
// from an npm package that is not vendored.
func TestGitHubSchema(t *testing.T) {
	sdl, err := os.ReadFile(githubSchemaPath)
	if err != nil {
		t.Skipf("GitHub schema not available: %v", err)
	}
	start := time.Now()
	schema, err := gql.LoadSchema("github.graphql", string(sdl))
	if err != nil {
		t.Fatalf("LoadSchema: %v", err)
	}
	t.Logf("loaded %d bytes of SDL, %d types in %v", len(sdl), len(schema.Types), time.Since(start))
	ex := gql.NewExecutor(schema)

	const valid = `
query PullRequestStatus($owner: String!, $repo: String!, $headRefName: String!, $first: Int = 10) {
  repository(owner: $owner, name: $repo) {
    ...RepoFields
    pullRequests(headRefName: $headRefName, first: $first, states: [OPEN], orderBy: {field: CREATED_AT, direction: DESC}) {
      totalCount
      nodes { number title isDraft author { login } }
    }
  }
  search(query: "is:pr author:@me", type: ISSUE, first: 5) {
    issueCount
    nodes {
      __typename
      ... on PullRequest { number headRefName createdAt mergeable repository { nameWithOwner } }
      ... on Issue { number }
    }
  }
}
fragment RepoFields on Repository {
  id
  nameWithOwner
  defaultBranchRef { name target { oid ... on Commit { committedDate } } }
  viewerPermission
}`
	vars := map[string]any{"owner": "cli", "repo": "cli", "headRefName": "feature"}
	if errs := ex.Validate(gql.Request{Query: valid, Variables: vars}); errs != nil {
		t.Fatalf("valid query rejected: %+v", errs)
	}

	errs := ex.Validate(gql.Request{Query: `query { repository(owner: "cli", name: "cli") { nope } }`})
	want := []gql.ResponseError{{
		Path:       []any{"query", "repository", "nope"},
		Locations:  []gql.Location{{Line: 1, Column: 49}},
		Message:    "Field 'nope' doesn't exist on type 'Repository'",
		Extensions: map[string]any{"code": "undefinedField", "typeName": "Repository", "fieldName": "nope"},
	}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("unknown field:\n got: %#v\nwant: %#v", errs, want)
	}

	// A resolver-less introspection of a big type exercises the executor
	// against the real schema.
	resp, invalid := ex.Execute(context.Background(), gql.Request{Query: `{ __type(name: "PullRequest") { kind fields { name } } }`}, nil, nil)
	if invalid || len(resp.Errors) > 0 {
		t.Fatalf("introspection failed: %+v", resp.Errors)
	}
	typ, _ := resp.Data.(gql.OrderedMap).Get("__type")
	fields, _ := typ.(gql.OrderedMap).Get("fields")
	if n := len(fields.([]any)); n < 50 {
		t.Errorf("PullRequest has %d fields, expected many more", n)
	}
}

func TestLoadSchemaToleratesDuplicateFields(t *testing.T) {
	s, err := gql.LoadSchema("dup.graphql", `type Query { a: String b: Int a: Int }`)
	if err != nil {
		t.Fatalf("LoadSchema: %v", err)
	}
	q := s.Query
	if len(q.Fields.ForName("a").Type.NamedType) == 0 || q.Fields.ForName("a").Type.NamedType != "String" {
		t.Errorf("Query.a = %v, want the first definition (String)", q.Fields.ForName("a").Type)
	}
	if _, err := gql.LoadSchema("bad.graphql", `type Query { a: Missing }`); err == nil {
		t.Error("LoadSchema accepted an unknown type")
	}
}

// BenchmarkGitHubValidate measures per-request validation cost against
// GitHub's schema (dev machines only, like TestGitHubSchema).
func BenchmarkGitHubValidate(b *testing.B) {
	sdl, err := os.ReadFile(githubSchemaPath)
	if err != nil {
		b.Skipf("GitHub schema not available: %v", err)
	}
	schema, err := gql.LoadSchema("github.graphql", string(sdl))
	if err != nil {
		b.Fatal(err)
	}
	ex := gql.NewExecutor(schema)
	req := gql.Request{
		Query: `query($owner: String!, $repo: String!) { repository(owner: $owner, name: $repo) {
  ...R pullRequests(first: 30, states: [OPEN]) { nodes { number title author { login } labels(first: 10) { nodes { name } } } } } }
fragment R on Repository { id nameWithOwner defaultBranchRef { name } }`,
		Variables: map[string]any{"owner": "cli", "repo": "cli"},
	}
	for b.Loop() {
		if errs := ex.Validate(req); errs != nil {
			b.Fatal(errs)
		}
	}
}
