package gql_test

import (
	"reflect"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

const omitSDL = `
schema { query: Query mutation: Mutation }
interface Node { id: ID! }
type Query { node(id: ID!): Node repo: Repo }
type Mutation { enqueue(input: EnqueueInput!): EnqueuePayload ping: Boolean }
type Repo implements Node { id: ID! name: String! queue(branch: String): Queue rules(kind: RuleKind): [Rule] inQueue: Boolean! }
type Queue implements Node { id: ID! entries: [Entry] }
type Entry implements Node { id: ID! state: EntryState! }
enum EntryState { QUEUED MERGEABLE }
type Rule { kind: RuleKind! params: Params }
enum RuleKind { UPDATE MERGE_QUEUE }
union Params = UpdateParams | QueueParams
type UpdateParams { x: Int }
type QueueParams { method: QueueMethod! }
enum QueueMethod { MERGE SQUASH }
input EnqueueInput { id: ID! }
type EnqueuePayload { entry: Entry }
union Event = Repo | Entry
`

// TestLoadSchemaWithout: omitted types take the fields, arguments, union
// members and mutations that reach them, and the types only they used;
// named fields and enum values go; everything else stays.
func TestLoadSchemaWithout(t *testing.T) {
	s, removed, err := gql.LoadSchemaWithout("t", omitSDL, gql.Omit{
		Types:      []string{"Queue*", "Entry"},
		Fields:     []string{"Repo.inQueue"},
		EnumValues: []string{"RuleKind.MERGE_QUEUE"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"EnqueueInput", "EnqueuePayload", "Entry", "EntryState", "Queue", "QueueMethod", "QueueParams"}
	if !reflect.DeepEqual(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	repo := s.Types["Repo"]
	if repo.Fields.ForName("queue") != nil || repo.Fields.ForName("inQueue") != nil || repo.Fields.ForName("rules") == nil {
		t.Errorf("Repo fields: %v", repo.Fields)
	}
	if s.Mutation.Fields.ForName("enqueue") != nil || s.Mutation.Fields.ForName("ping") == nil {
		t.Errorf("Mutation fields: %v", s.Mutation.Fields)
	}
	if got := s.Types["Params"].Types; !reflect.DeepEqual(got, []string{"UpdateParams"}) {
		t.Errorf("Params members %v", got)
	}
	if got := s.Types["Event"].Types; !reflect.DeepEqual(got, []string{"Repo"}) {
		t.Errorf("Event members %v", got)
	}
	if v := s.Types["RuleKind"].EnumValues; len(v) != 1 || v[0].Name != "UPDATE" {
		t.Errorf("RuleKind values %v", v)
	}

	// A document using what was removed fails as GitHub fails it.
	e := gql.NewExecutor(s)
	errs := e.Validate(gql.Request{Query: "query Q($s: EntryState) {\n  repo { queue { id } }\n  node(id: \"x\") { ... on Entry { id } }\n}"})
	var got [][2]any
	for _, re := range errs {
		got = append(got, [2]any{re.Extensions["code"], re.Message})
	}
	wantErrs := [][2]any{
		{"variableRequiresValidType", "EntryState isn't a defined input type (on $s)"},
		{"variableNotUsed", "Variable $s is declared by Q but not used"},
		{"undefinedField", "Field 'queue' doesn't exist on type 'Repo'"},
		{"undefinedType", "No such type Entry, so it can't be a fragment condition"},
	}
	if !reflect.DeepEqual(got, wantErrs) {
		t.Errorf("errors %v\nwant %v", got, wantErrs)
	}
	if loc := errs[3].Locations; len(loc) != 1 || loc[0] != (gql.Location{Line: 3, Column: 19}) {
		t.Errorf("fragment error at %v, want the ... at 3:19", loc)
	}
}
