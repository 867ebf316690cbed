package gql_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// FuzzExecute feeds arbitrary documents to Execute. Whatever the input, the
// executor must not panic, and the response must be either invalid with
// errors and no data, or executed with data, and it must marshal.
func FuzzExecute(f *testing.F) {
	seeds := []string{
		`{ viewer { login } }`,
		`query Q($n: Int = 1) { repository(owner: "o", name: "r") { ...R issue(number: $n) { title state createdAt author { login ... on User { name } } } } } fragment R on Repository { id nameWithOwner topics mustName }`,
		`{ search(query: "x") { __typename ... on Node { id } ... on Issue { title } ... on PullRequest { number } } }`,
		`{ nodes(ids: ["I_1", "PR_3", "U_1", "x"]) { id ... on Actor { login } } }`,
		`mutation { a: createIssue(input: {repositoryId: "R", title: "t", labelIds: ["L"]}) { issue { number } } mustSucceed }`,
		`{ __schema { types { name kind fields { name type { name kind ofType { name } } } } } }`,
		`{ __type(name: "Repository") { fields(includeDeprecated: true) { name args { name defaultValue } } } }`,
		`{ viewer @skip(if: true) { id } ghost { id } }`,
		`{ repository(owner: "o", name: "r") { issues(first: 200, states: [OPEN], orderBy: {field: CREATED_AT}) { totalCount nodes { id } } } }`,
		`{ echo(s: "x", i: 1, f: 1.5, b: true, id: 1, state: OPEN, when: "t", big: 99999999999999999999, order: {field: UPDATED_AT, direction: DESC}, states: [CLOSED], ids: "a") }`,
		`query A { viewer { id } } query B { viewer { id } }`,
		`{ a: viewer { ...F } } fragment F on User { ...G } fragment G on User { ...F }`,
		`{`,
		``,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	ex := executor(f)
	f.Fuzz(func(t *testing.T, q string) {
		w := newWorld()
		query, mutation := w.roots()
		resp, invalid := ex.Execute(context.Background(), gql.Request{Query: q}, query, mutation)
		if invalid {
			if len(resp.Errors) == 0 || resp.Data != nil {
				t.Fatalf("invalid response must have errors and no data: %+v", resp)
			}
		} else if resp.Data == nil {
			t.Fatalf("executed response has no data: %+v", resp)
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		// OperationInfo must not panic either, whatever the document.
		_, _, _, _ = ex.OperationInfo(gql.Request{Query: q})
	})
}
