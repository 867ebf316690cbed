package gql_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// run executes q against a fresh world and returns the marshalled response.
func run(t *testing.T, q string, vars map[string]any) (string, bool, *world) {
	t.Helper()
	w := newWorld()
	query, mutation := w.roots()
	resp, invalid := executor(t).Execute(context.Background(), gql.Request{Query: q, Variables: vars}, query, mutation)
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatalf("marshal response: %v", err)
	}
	return string(b), invalid, w
}

// TestExecuteJSON compares whole responses, which checks values, error
// shapes and that object members follow selection order.
func TestExecuteJSON(t *testing.T) {
	tests := []struct {
		name string
		q    string
		vars map[string]any
		want string
	}{
		{
			name: "aliases and selection order",
			q:    `{ b: repository(owner: "o", name: "r") { stars: stargazerCount nameWithOwner } a: repository(owner: "o", name: "s") { name } }`,
			want: `{"data":{"b":{"stars":42,"nameWithOwner":"o/r"},"a":{"name":"s"}}}`,
		},
		{
			name: "named fragment with nested fragment and typename",
			q: `query { repository(owner: "o", name: "r") { ...Repo } }
fragment Repo on Repository { __typename name owner { ...ActorFields } }
fragment ActorFields on Actor { login ... on User { name } }`,
			want: `{"data":{"repository":{"__typename":"Repository","name":"r","owner":{"login":"alice","name":"Alice"}}}}`,
		},
		{
			name: "inline fragments on interface",
			q:    `{ a: node(id: "I_1") { __typename id ... on Issue { title } ... on PullRequest { isDraft } } b: node(id: "PR_3") { __typename ... on Issue { title } ... on PullRequest { isDraft } } c: node(id: "nope") { id } }`,
			want: `{"data":{"a":{"__typename":"Issue","id":"I_1","title":"First"},"b":{"__typename":"PullRequest","isDraft":false},"c":null}}`,
		},
		{
			name: "union with inline fragments and interface fragment inside union",
			q:    `{ search(query: "x") { __typename ... on Node { id } ... on Issue { title state } ... on PullRequest { prState: state headRefName } } }`,
			want: `{"data":{"search":[{"__typename":"Issue","id":"I_1","title":"First","state":"OPEN"},{"__typename":"PullRequest","id":"PR_3","prState":"MERGED","headRefName":"fix-branch"},{"__typename":"User","id":"U_1"}]}}`,
		},
		{
			name: "union field resolving to either member",
			q:    `{ repository(owner: "o", name: "r") { i: issueOrPullRequest(number: 2) { ... on Issue { title author { __typename login } } } p: issueOrPullRequest(number: 3) { ... on PullRequest { title } } } }`,
			want: `{"data":{"repository":{"i":{"title":"Second","author":{"__typename":"Bot","login":"dependabot"}},"p":{"title":"Fix"}}}}`,
		},
		{
			name: "merged selections of same response key",
			q:    `{ viewer { login } viewer { id } ... on Query { viewer { login name } } }`,
			want: `{"data":{"viewer":{"login":"alice","id":"U_1","name":"Alice"}}}`,
		},
		{
			name: "typename on root and time, enum, custom scalar, list serialization",
			q:    `{ __typename repository(owner: "o", name: "r") { topics diskUsage issue(number: 1) { state createdAt labels { name } } } }`,
			want: `{"data":{"__typename":"Query","repository":{"topics":["go","cli"],"diskUsage":"9007199254740993","issue":{"state":"OPEN","createdAt":"2026-01-02T02:04:05Z","labels":[{"name":"bug"}]}}}}`,
		},
		{
			name: "typed nil object and list with nulls",
			q:    `{ repository(owner: "o", name: "r") { issue(number: 9) { title } } nodes(ids: ["I_1", "zzz", "U_1"]) { id } }`,
			want: `{"data":{"repository":{"issue":null},"nodes":[{"id":"I_1"},null,{"id":"U_1"}]}}`,
		},
		{
			name: "variables with defaults",
			q:    `query Q($owner: String = "octo", $n: Int = 2) { repository(owner: $owner, name: "r") { nameWithOwner issue(number: $n) { title } } }`,
			want: `{"data":{"repository":{"nameWithOwner":"octo/r","issue":{"title":"Second"}}}}`,
		},
		{
			name: "provided variable overrides default",
			q:    `query Q($owner: String = "octo", $n: Int = 2) { repository(owner: $owner, name: "r") { nameWithOwner issue(number: $n) { title } } }`,
			vars: map[string]any{"owner": "cli", "n": float64(1)},
			want: `{"data":{"repository":{"nameWithOwner":"cli/r","issue":{"title":"First"}}}}`,
		},
		{
			name: "skip and include on fields, spreads and inline fragments",
			q: `query($yes: Boolean!, $no: Boolean = false) {
  viewer {
    a: login @include(if: $yes)
    b: login @include(if: $no)
    c: login @skip(if: $yes)
    d: login @skip(if: false)
    ...F @skip(if: true)
    ... on User @include(if: $yes) { name }
    ... @include(if: $no) { id }
  }
}
fragment F on User { url }`,
			vars: map[string]any{"yes": true},
			want: `{"data":{"viewer":{"a":"alice","d":"alice","name":"Alice"}}}`,
		},
		{
			name: "non-null field null propagates to nullable parent",
			q:    `{ repository(owner: "o", name: "r") { name mustName } viewer { login } }`,
			want: `{"data":{"repository":null,"viewer":{"login":"alice"}},"errors":[{"path":["repository","mustName"],"locations":[{"line":1,"column":44}],"message":"Cannot return null for non-nullable field Repository.mustName"}]}`,
		},
		{
			name: "non-null root field null makes data null",
			q:    `{ viewer { login } ghost { login } }`,
			want: `{"data":null,"errors":[{"path":["ghost"],"locations":[{"line":1,"column":20}],"message":"Cannot return null for non-nullable field Query.ghost"}]}`,
		},
		{
			name: "not implemented field",
			q:    `{ repository(owner: "o", name: "r") { score name } }`,
			want: `{"data":{"repository":{"score":null,"name":"r"}},"errors":[{"path":["repository","score"],"locations":[{"line":1,"column":39}],"message":"emulator: field 'Repository.score' is not implemented"}]}`,
		},
		{
			name: "not implemented non-null field nulls parent without extra error",
			q:    `{ node(id: "PR_3") { ... on PullRequest { number } } }`,
			want: `{"data":{"node":null},"errors":[{"path":["node","number"],"locations":[{"line":1,"column":43}],"message":"emulator: field 'PullRequest.number' is not implemented"}]}`,
		},
		{
			name: "typed resolver error",
			q:    `{ repository(owner: "cli", name: "missing") { name } }`,
			want: `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"locations":[{"line":1,"column":3}],"message":"Could not resolve to a Repository with the name 'cli/missing'."}]}`,
		},
		{
			name: "plain resolver error",
			q:    "{\n  repository(owner: \"cli\", name: \"boom\") { name }\n}",
			want: `{"data":{"repository":null},"errors":[{"path":["repository"],"locations":[{"line":2,"column":3}],"message":"loading repository: disk on fire"}]}`,
		},
		{
			name: "item error in list of nullable items nulls only the item",
			q:    `{ nodes(ids: ["PR_3", "I_1"]) { ... on PullRequest { number } ... on Issue { number } } }`,
			want: `{"data":{"nodes":[null,{"number":1}]},"errors":[{"path":["nodes",0,"number"],"locations":[{"line":1,"column":54}],"message":"emulator: field 'PullRequest.number' is not implemented"}]}`,
		},
		{
			name: "item error in non-null list propagates through non-null root to data",
			q:    `{ repository(owner: "o", name: "r") { issues { nodes { title } } } search(query: "x") { ... on Issue { author { login } } ... on PullRequest { number } } }`,
			want: `{"data":null,"errors":[{"path":["search",1,"number"],"locations":[{"line":1,"column":144}],"message":"emulator: field 'PullRequest.number' is not implemented"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, invalid, _ := run(t, tt.q, tt.vars)
			if invalid {
				t.Fatalf("unexpectedly invalid: %s", got)
			}
			if got != tt.want {
				t.Errorf("response mismatch\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// TestArgumentCoercion checks the Go types resolvers receive.
func TestArgumentCoercion(t *testing.T) {
	tests := []struct {
		name string
		q    string
		vars map[string]any
		want map[string]any
	}{
		{
			name: "literals",
			q:    `{ echo(s: "x", i: 3, f: 4, b: true, id: 12, state: CLOSED, when: "2026-01-02T03:04:05Z", big: 12345678901, order: {field: CREATED_AT}, states: OPEN, ids: ["a", "b"]) }`,
			want: map[string]any{
				"s": "x", "i": 3, "f": float64(4), "b": true, "id": "12", "state": "CLOSED",
				"when": "2026-01-02T03:04:05Z", "big": 12345678901,
				"order":  map[string]any{"field": "CREATED_AT", "direction": "ASC"},
				"states": []any{"OPEN"}, "ids": []any{"a", "b"},
			},
		},
		{
			name: "variables from JSON",
			q: `query($s: String, $i: Int, $f: Float, $b: Boolean, $id: ID, $state: IssueState, $big: BigInt, $order: IssueOrder, $ids: [ID!]) {
  echo(s: $s, i: $i, f: $f, b: $b, id: $id, state: $state, big: $big, order: $order, ids: $ids)
}`,
			vars: map[string]any{
				"s": "x", "i": float64(3), "f": json.Number("1.5"), "b": false, "id": float64(7),
				"state": "OPEN", "big": "123", "order": map[string]any{"field": "UPDATED_AT", "direction": "DESC"},
				"ids": "only",
			},
			want: map[string]any{
				"s": "x", "i": 3, "f": 1.5, "b": false, "id": "7", "state": "OPEN", "big": "123",
				"order": map[string]any{"field": "UPDATED_AT", "direction": "DESC"}, "ids": []any{"only"},
			},
		},
		{
			name: "explicit null and absent variables",
			q:    `query($s: String, $i: Int) { echo(s: $s, i: $i, b: null) }`,
			vars: map[string]any{"s": nil},
			want: map[string]any{"s": nil, "b": nil},
		},
		{
			name: "nested variable in input object literal and default applied",
			q:    `query($f: IssueOrderField!) { echo(order: {field: $f}) }`,
			vars: map[string]any{"f": "CREATED_AT"},
			want: map[string]any{"order": map[string]any{"field": "CREATED_AT", "direction": "ASC"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, invalid, w := run(t, tt.q, tt.vars)
			if invalid || got != `{"data":{"echo":"ok"}}` {
				t.Fatalf("invalid=%v response %s", invalid, got)
			}
			if !reflect.DeepEqual(w.lastArgs, tt.want) {
				t.Errorf("args\n got: %#v\nwant: %#v", w.lastArgs, tt.want)
			}
		})
	}
}

func TestFieldArgumentDefault(t *testing.T) {
	got, invalid, w := run(t, `{ repository(owner: "o", name: "r") { issues(states: [OPEN]) { totalCount } } }`, nil)
	if invalid || got != `{"data":{"repository":{"issues":{"totalCount":2}}}}` {
		t.Fatalf("invalid=%v response %s", invalid, got)
	}
	want := map[string]any{"first": 30, "states": []any{"OPEN"}}
	if !reflect.DeepEqual(w.lastArgs, want) {
		t.Errorf("args = %#v, want %#v", w.lastArgs, want)
	}
}

func TestMutationsRunSeriallyInOrder(t *testing.T) {
	q := `mutation($a: CreateIssueInput!) {
  second: createIssue(input: {repositoryId: "R_1", title: "B", clientMutationId: "m2"}) { issue { number title } clientMutationId }
  first: createIssue(input: $a) { issue { number title } }
  third: createIssue(input: {repositoryId: "R_1", title: "C", labelIds: "L_1"}) { clientMutationId }
}`
	got, invalid, w := run(t, q, map[string]any{"a": map[string]any{"repositoryId": "R_1", "title": "A"}})
	if invalid {
		t.Fatalf("invalid: %s", got)
	}
	want := `{"data":{"second":{"issue":{"number":3,"title":"B"},"clientMutationId":"m2"},"first":{"issue":{"number":4,"title":"A"}},"third":{"clientMutationId":null}}}`
	if got != want {
		t.Errorf("response\n got: %s\nwant: %s", got, want)
	}
	if want := []string{"createIssue:B", "createIssue:A", "createIssue:C"}; !reflect.DeepEqual(w.calls, want) {
		t.Errorf("calls = %v, want %v", w.calls, want)
	}
	wantArgs := map[string]any{"input": map[string]any{"repositoryId": "R_1", "title": "C", "labelIds": []any{"L_1"}}}
	if !reflect.DeepEqual(w.lastArgs, wantArgs) {
		t.Errorf("last args = %#v, want %#v", w.lastArgs, wantArgs)
	}
}

func TestMutationNonNullRootError(t *testing.T) {
	got, invalid, _ := run(t, `mutation { mustSucceed }`, nil)
	want := `{"data":null,"errors":[{"type":"FORBIDDEN","path":["mustSucceed"],"locations":[{"line":1,"column":12}],"message":"Resource not accessible by integration"}]}`
	if invalid || got != want {
		t.Errorf("invalid=%v\n got: %s\nwant: %s", invalid, got, want)
	}
}

func TestResolvedFieldLimit(t *testing.T) {
	// 6000 issues × 2 fields exceeds MaxResolvedFields.
	got, invalid, _ := run(t, `{ repository(owner: "o", name: "r") { issues(first: 6000) { nodes { number title } } } }`, nil)
	if invalid {
		t.Fatalf("invalid: %.300s", got)
	}
	var resp struct {
		Data struct {
			Repository struct {
				Issues struct{ Nodes []*struct{ Number int } }
			}
		}
		Errors []gql.ResponseError
	}
	if err := json.Unmarshal([]byte(got), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "more than 10000 fields") {
		t.Fatalf("errors = %+v", resp.Errors)
	}
	nodes := resp.Data.Repository.Issues.Nodes
	if len(nodes) != 6000 || nodes[0] == nil || nodes[0].Number != 1 || nodes[5999] != nil {
		t.Errorf("expected a partial list ending in nulls; got len %d", len(nodes))
	}
}

func TestInvalidRequests(t *testing.T) {
	deep := `{ repository(owner: "o", name: "r") {` + strings.Repeat(" parent {", 50) + " name" + strings.Repeat(" }", 50) + " } }"
	tests := []struct {
		name    string
		req     gql.Request
		message string
		ext     map[string]any
		path    []any
		loc     []gql.Location
	}{
		{
			name:    "missing required variable",
			req:     gql.Request{Query: `query($owner: String!) { repository(owner: $owner, name: "r") { name } }`},
			message: "Variable $owner of type String! was provided invalid value",
			ext: map[string]any{"value": nil, "problems": []any{
				map[string]any{"path": []any{}, "explanation": "Expected value to not be null"},
			}},
			loc: []gql.Location{{Line: 1, Column: 7}},
		},
		{
			name:    "wrong scalar type",
			req:     gql.Request{Query: `query($n: Int!) { repository(owner: "o", name: "r") { issue(number: $n) { id } } }`, Variables: map[string]any{"n": "one"}},
			message: "Variable $n of type Int! was provided invalid value",
			ext: map[string]any{"value": "one", "problems": []any{
				map[string]any{"path": []any{}, "explanation": `Could not coerce value "one" to Int`},
			}},
			loc: []gql.Location{{Line: 1, Column: 7}},
		},
		{
			name:    "invalid enum and input field problems",
			req:     gql.Request{Query: `query($o: IssueOrder) { echo(order: $o) }`, Variables: map[string]any{"o": map[string]any{"field": "NAME", "extra": 1.0}}},
			message: "Variable $o of type IssueOrder was provided invalid value",
			ext: map[string]any{"value": map[string]any{"field": "NAME", "extra": 1.0}, "problems": []any{
				map[string]any{"path": []any{"extra"}, "explanation": "Field is not defined on IssueOrder"},
				map[string]any{"path": []any{"field"}, "explanation": `Expected "NAME" to be one of: CREATED_AT, UPDATED_AT`},
			}},
			loc: []gql.Location{{Line: 1, Column: 7}},
		},
		{
			name:    "depth limit",
			req:     gql.Request{Query: deep},
			message: "Query has depth of 52, which exceeds max depth of 50",
		},
		{
			name:    "unknown field",
			req:     gql.Request{Query: `query { repository(owner: "o", name: "r") { nope } }`},
			message: "Field 'nope' doesn't exist on type 'Repository'",
			ext:     map[string]any{"code": "undefinedField", "typeName": "Repository", "fieldName": "nope"},
			path:    []any{"query", "repository", "nope"},
			loc:     []gql.Location{{Line: 1, Column: 45}},
		},
		{
			name:    "syntax error",
			req:     gql.Request{Query: `{ viewer { login }} }`},
			message: `Parse error on "}" (RCURLY) at [1, 21]`,
			loc:     []gql.Location{{Line: 1, Column: 21}},
		},
		{
			name:    "unexpected end",
			req:     gql.Request{Query: `{ viewer { login }`},
			message: "Unexpected end of document",
			loc:     []gql.Location{{Line: 1, Column: 19}},
		},
		{
			name:    "ambiguous operation",
			req:     gql.Request{Query: `query A { viewer { id } } query B { viewer { id } }`},
			message: "An operation name is required",
		},
		{
			name:    "unknown operation name",
			req:     gql.Request{Query: `query A { viewer { id } }`, OperationName: "B"},
			message: `No operation named "B"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			q, m := w.roots()
			resp, invalid := executor(t).Execute(context.Background(), tt.req, q, m)
			if !invalid || resp.Data != nil {
				t.Fatalf("invalid=%v data=%v, want invalid without data", invalid, resp.Data)
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("errors = %+v, want exactly one", resp.Errors)
			}
			e := resp.Errors[0]
			if e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if !reflect.DeepEqual(normalize(t, e.Extensions), normalize(t, tt.ext)) {
				t.Errorf("extensions = %#v, want %#v", e.Extensions, tt.ext)
			}
			if !reflect.DeepEqual(e.Path, tt.path) {
				t.Errorf("path = %#v, want %#v", e.Path, tt.path)
			}
			if !reflect.DeepEqual(e.Locations, tt.loc) {
				t.Errorf("locations = %v, want %v", e.Locations, tt.loc)
			}
			if v := executor(t).Validate(tt.req); !reflect.DeepEqual(v, resp.Errors) {
				t.Errorf("Validate = %+v, want the same errors as Execute", v)
			}
		})
	}
}

// normalize round-trips through JSON so expectations need not spell out
// the exact Go types of problem lists.
func normalize(t *testing.T, v map[string]any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestIntrospection(t *testing.T) {
	q := `{
  repo: __type(name: "Repository") { kind name interfaces { name } fields { name args { name defaultValue type { kind name ofType { kind name } } } type { kind name ofType { kind name } } } }
  dep: __type(name: "Repository") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
  actor: __type(name: "Actor") { kind possibleTypes { name } }
  item: __type(name: "SearchResultItem") { kind possibleTypes { name } }
  state: __type(name: "IssueState") { kind enumValues { name } }
  input: __type(name: "IssueOrder") { kind inputFields { name defaultValue type { kind ofType { name } } } }
  missing: __type(name: "Nope") { name }
  __schema { queryType { name } mutationType { name } subscriptionType { name } types { name } directives { name locations } }
}`
	got, invalid, _ := run(t, q, nil)
	if invalid {
		t.Fatalf("invalid: %s", got)
	}
	type typeRef struct {
		Kind   string
		Name   *string
		OfType *typeRef
	}
	var resp struct {
		Data struct {
			Repo struct {
				Kind, Name string
				Interfaces []struct{ Name string }
				Fields     []struct {
					Name string
					Args []struct {
						Name         string
						DefaultValue *string
						Type         typeRef
					}
					Type typeRef
				}
			}
			Dep struct {
				Fields []struct {
					Name              string
					IsDeprecated      bool
					DeprecationReason *string
				}
			}
			Actor, Item struct {
				Kind          string
				PossibleTypes []struct{ Name string }
			}
			State struct {
				Kind       string
				EnumValues []struct{ Name string }
			}
			Input struct {
				Kind        string
				InputFields []struct {
					Name         string
					DefaultValue *string
					Type         typeRef
				}
			}
			Missing *struct{ Name string }
			Schema  struct {
				QueryType, MutationType struct{ Name string }
				SubscriptionType        *struct{ Name string }
				Types                   []struct{ Name string }
				Directives              []struct {
					Name      string
					Locations []string
				}
			} `json:"__schema"`
		}
		Errors []gql.ResponseError
	}
	if err := json.Unmarshal([]byte(got), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	d := resp.Data
	if d.Repo.Kind != "OBJECT" || d.Repo.Name != "Repository" || len(d.Repo.Interfaces) != 1 || d.Repo.Interfaces[0].Name != "Node" {
		t.Errorf("Repository kind/name/interfaces = %s %s %v", d.Repo.Kind, d.Repo.Name, d.Repo.Interfaces)
	}
	fields := map[string]int{}
	for i, f := range d.Repo.Fields {
		fields[f.Name] = i
	}
	if _, ok := fields["oldName"]; ok {
		t.Error("deprecated field listed without includeDeprecated")
	}
	id := d.Repo.Fields[fields["id"]].Type
	if id.Kind != "NON_NULL" || id.Name != nil || id.OfType == nil || id.OfType.Kind != "SCALAR" || *id.OfType.Name != "ID" {
		t.Errorf("Repository.id type = %+v", id)
	}
	issues := d.Repo.Fields[fields["issues"]]
	if len(issues.Args) != 3 || issues.Args[0].Name != "first" || issues.Args[0].DefaultValue == nil || *issues.Args[0].DefaultValue != "30" {
		t.Errorf("Repository.issues args = %+v", issues.Args)
	}
	if st := issues.Args[1].Type; st.Kind != "LIST" || st.OfType.Kind != "NON_NULL" {
		t.Errorf("states arg type = %+v", st)
	}
	var sawDeprecated bool
	for _, f := range d.Dep.Fields {
		if f.Name == "oldName" {
			sawDeprecated = f.IsDeprecated && f.DeprecationReason != nil && *f.DeprecationReason == "Use name."
		}
	}
	if !sawDeprecated {
		t.Error("includeDeprecated did not list oldName with its reason")
	}
	if d.Actor.Kind != "INTERFACE" || !sameNames(d.Actor.PossibleTypes, "Bot", "User") {
		t.Errorf("Actor = %+v", d.Actor)
	}
	if d.Item.Kind != "UNION" || !sameNames(d.Item.PossibleTypes, "Issue", "PullRequest", "User") {
		t.Errorf("SearchResultItem = %+v", d.Item)
	}
	if d.State.Kind != "ENUM" || len(d.State.EnumValues) != 2 || d.State.EnumValues[1].Name != "CLOSED" {
		t.Errorf("IssueState = %+v", d.State)
	}
	if d.Input.Kind != "INPUT_OBJECT" || len(d.Input.InputFields) != 2 || *d.Input.InputFields[1].DefaultValue != "ASC" ||
		*d.Input.InputFields[0].Type.OfType.Name != "IssueOrderField" {
		t.Errorf("IssueOrder = %+v", d.Input)
	}
	if d.Missing != nil {
		t.Errorf("__type of unknown name = %+v, want null", d.Missing)
	}
	s := d.Schema
	if s.QueryType.Name != "Query" || s.MutationType.Name != "Mutation" || s.SubscriptionType != nil {
		t.Errorf("root types = %+v", s)
	}
	for i := 1; i < len(s.Types); i++ {
		if s.Types[i-1].Name >= s.Types[i].Name {
			t.Fatalf("types not sorted at %q", s.Types[i].Name)
		}
	}
	var sawSkip bool
	for _, dir := range s.Directives {
		sawSkip = sawSkip || (dir.Name == "skip" && strings.Join(dir.Locations, ",") == "FIELD,FRAGMENT_SPREAD,INLINE_FRAGMENT")
	}
	if !sawSkip {
		t.Errorf("directives = %+v, want @skip with its locations", s.Directives)
	}
	if _, ok := fields["__schema"]; ok {
		t.Error("introspection meta-fields listed as fields")
	}
}

func sameNames(list []struct{ Name string }, names ...string) bool {
	got := map[string]bool{}
	for _, n := range list {
		got[n.Name] = true
	}
	if len(got) != len(names) {
		return false
	}
	for _, n := range names {
		if !got[n] {
			return false
		}
	}
	return true
}

func TestOrderedMapJSON(t *testing.T) {
	m := gql.OrderedMap{{Key: "z", Value: int64(1)}, {Key: "a", Value: []any{gql.OrderedMap{{Key: "y", Value: nil}, {Key: "b", Value: "<&>"}}}}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"z":1,"a":[{"y":null,"b":"\u003c\u0026\u003e"}]}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	if v, ok := m.Get("z"); !ok || v != int64(1) {
		t.Errorf("Get(z) = %v, %v", v, ok)
	}
}

func TestFieldsConvenience(t *testing.T) {
	f := gql.Fields{Type: "User", F: map[string]any{
		"plain": "v",
		"lazy":  func() any { return 2 },
		"args":  func(a map[string]any) (any, error) { return a["x"], nil },
		"err":   func() (any, error) { return 3, nil },
		"ctx":   func(ctx context.Context, a map[string]any) (any, error) { return ctx.Value(ctxKey{}), nil },
	}}
	ctx := context.WithValue(context.Background(), ctxKey{}, "from-ctx")
	for _, tc := range []struct {
		name string
		want any
	}{{"plain", "v"}, {"lazy", 2}, {"args", "y"}, {"err", 3}, {"ctx", "from-ctx"}} {
		got, err := f.Field(ctx, tc.name, map[string]any{"x": "y"})
		if err != nil || got != tc.want {
			t.Errorf("Field(%s) = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if _, err := f.Field(ctx, "missing", nil); !errors.Is(err, gql.ErrNoField) {
		t.Errorf("missing field error = %v, want ErrNoField", err)
	}
}

type ctxKey struct{}

// TestConcurrentExecute runs requests in parallel on one Executor; run with
// -race to check the executor keeps no shared per-request state.
func TestConcurrentExecute(t *testing.T) {
	ex := executor(t)
	queries := []string{
		`{ __schema { types { name } } }`,
		`{ search(query: "x") { ... on Issue { title } } }`,
		`query($n: Int = 1) { repository(owner: "o", name: "r") { issue(number: $n) { title } } }`,
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorld()
			q, m := w.roots()
			for j := range 20 {
				resp, invalid := ex.Execute(context.Background(), gql.Request{Query: queries[(i+j)%len(queries)]}, q, m)
				if invalid || len(resp.Errors) > 0 {
					t.Errorf("query %d: invalid=%v errors=%+v", (i+j)%len(queries), invalid, resp.Errors)
					return
				}
			}
		}()
	}
	wg.Wait()
}
