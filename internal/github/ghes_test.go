package github

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/cli/go-gh/v2/pkg/api"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func enterpriseHeader(v string) http.Header {
	return http.Header{"X-Github-Enterprise-Version": {v}}
}

// TestServerVersion: the first answer that tells the version sets it, REST or
// GraphQL, error or not; github.com and GHE.com have none.
func TestServerVersion(t *testing.T) {
	tests := []struct {
		name    string
		host    string
		answers []http.Header
		want    string
	}{
		{"github.com", "github.com", []http.Header{nil, nil}, ""},
		{"ghe.com ignores a header", "octo.ghe.com", []http.Header{enterpriseHeader("3.14.0")}, ""},
		{"first answer tells", "ghe.example.com", []http.Header{enterpriseHeader("3.14.2"), enterpriseHeader("3.15.0")}, "3.14.2"},
		{"second answer tells", "ghe.example.com", []http.Header{nil, enterpriseHeader("3.10.1")}, "3.10.1"},
		{"never told", "ghe.example.com", []http.Header{nil}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := httpmock.New(t)
			for i, h := range tt.answers {
				status := http.StatusOK
				if i == 0 {
					status = http.StatusNotFound // a refusal tells the version too
				}
				reg.Register(httpmock.REST("GET", "meta"), httpmock.JSON(status, `{}`, h))
			}
			c := NewClient(&http.Client{Transport: reg}, tt.host)
			for range tt.answers {
				_ = c.REST(context.Background(), "GET", "meta", nil, nil)
			}
			if got := c.ServerVersion(); got != tt.want {
				t.Errorf("ServerVersion() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestServerVersionConcurrent: answers arriving together record one version.
func TestServerVersionConcurrent(t *testing.T) {
	c := NewClient(&http.Client{}, "ghe.example.com")
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.noteVersion(enterpriseHeader("3." + string(rune('a'+i))))
		}()
	}
	wg.Wait()
	if v := c.ServerVersion(); !strings.HasPrefix(v, "3.") {
		t.Errorf("ServerVersion() = %q", v)
	}
}

// TestLearnServerVersion: known from an answer, no request; unknown on GHES,
// one GET /meta; github.com and GHE.com, nothing.
func TestLearnServerVersion(t *testing.T) {
	tests := []struct {
		name, host, known string
		meta              httpmock.Responder
		want              string
	}{
		{"github.com", "github.com", "", nil, ""},
		{"ghe.com", "octo.ghe.com", "", nil, ""},
		{"known", "ghe.example.com", "3.12.1", nil, "3.12.1"},
		{"meta's installed_version", "ghe.example.com", "", httpmock.JSON(http.StatusOK, `{"installed_version": "3.10.2"}`), "3.10.2"},
		{"meta's header", "ghe.example.com", "", httpmock.JSON(http.StatusOK, `{}`, enterpriseHeader("3.9.0")), "3.9.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := httpmock.New(t)
			if tt.meta != nil {
				reg.Register(httpmock.REST("GET", "meta"), tt.meta)
			}
			c := NewClient(&http.Client{Transport: reg}, tt.host)
			if tt.known != "" {
				c.noteVersion(enterpriseHeader(tt.known))
			}
			got, err := c.LearnServerVersion(context.Background())
			if err != nil || got != tt.want {
				t.Errorf("LearnServerVersion() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestHas(t *testing.T) {
	tests := []struct {
		version string
		want    map[Feature]bool
	}{
		{"", map[Feature]bool{MergeQueue: true, Rulesets: true, DispatchRunDetails: true}},
		{"garbage", map[Feature]bool{MergeQueue: true, Rulesets: true, DispatchRunDetails: true}},
		{"3.10.4", map[Feature]bool{MergeQueue: false, Rulesets: false, DispatchRunDetails: false}},
		{"3.11.0", map[Feature]bool{MergeQueue: false, Rulesets: true, MergeQueueRule: false, DispatchRunDetails: false}},
		{"enterprise-server@3.12.0", map[Feature]bool{MergeQueue: true, Rulesets: true, MergeQueueRule: false, DispatchRunDetails: false}},
		{"3.13.0", map[Feature]bool{MergeQueue: true, Rulesets: true, MergeQueueRule: true, DispatchRunDetails: false}},
		{"3.20.3", map[Feature]bool{MergeQueue: true, Rulesets: true, DispatchRunDetails: false}},
		{"3.21.0", map[Feature]bool{MergeQueue: true, Rulesets: true, DispatchRunDetails: true}},
		{"4.0", map[Feature]bool{MergeQueue: true, Rulesets: true, DispatchRunDetails: true}},
	}
	for _, tt := range tests {
		for f, want := range tt.want {
			c := NewClient(&http.Client{}, "ghe.example.com")
			if tt.version != "" {
				c.noteVersion(enterpriseHeader(tt.version))
			}
			if got := c.Has(f); got != want {
				t.Errorf("version %q: Has(%s) = %v, want %v", tt.version, f, got, want)
			}
		}
	}
	gh := NewClient(&http.Client{}, "github.com")
	gh.noteVersion(enterpriseHeader("3.0.0"))
	if !gh.Has(MergeQueue) || len(gh.Lacks()) != 0 {
		t.Errorf("github.com lacks %v", gh.Lacks())
	}
}

func TestPruneQuery(t *testing.T) {
	tests := []struct {
		name     string
		version  string
		query    string
		vars     map[string]any
		want     string // "" when the query must come back as it is
		wantVars map[string]any
	}{
		{
			name:    "merge queue entry and rulesets on 3.10; variables only they used go",
			version: "3.10.0",
			query: `query Q($o: String!, $n: String!, $withOpen: Boolean!, $first: Int) {
  repository(owner: $o, name: $n) {
    branchRulesets: rulesets(first: $first, targets: [BRANCH]) { nodes { id } }
    pullRequest(number: 1) { id autoMergeRequest @include(if: $withOpen) { mergeMethod } mergeQueueEntry @include(if: $withOpen) { id position } }
    ref(qualifiedName: "main") { rules(first: 100) { nodes { type } } }
  }
}`,
			vars: map[string]any{"o": "a", "n": "b", "withOpen": true, "first": 100},
			want: `query Q ($o: String!, $n: String!, $withOpen: Boolean!) {
  repository(owner: $o, name: $n) {
    pullRequest(number: 1) {
      id
      autoMergeRequest @include(if: $withOpen) {
        mergeMethod
      }
    }
    ref(qualifiedName: "main") {
      __typename
    }
  }
}
`,
			wantVars: map[string]any{"o": "a", "n": "b", "withOpen": true},
		},
		{
			name:    "3.11 keeps rulesets, drops the merge queue",
			version: "3.11.3",
			query:   `query { repository(owner: "o", name: "r") { rulesets(first: 1) { totalCount } mergeQueue(branch: "main") { id } } }`,
			vars:    map[string]any{},
			want: `query {
  repository(owner: "o", name: "r") {
    rulesets(first: 1) {
      totalCount
    }
  }
}
`,
			wantVars: map[string]any{},
		},
		{
			name:    "fragments: the field goes from the fragment, a fragment left unused goes",
			version: "3.10.0",
			query: `query Q($b: String) { repository(owner: "o", name: "r") { ...Queue ...Name } }
fragment Queue on Repository { mergeQueue(branch: $b) { id } }
fragment Name on Repository { name }`,
			vars: map[string]any{"b": "main"},
			want: `query Q {
  repository(owner: "o", name: "r") {
    ... Queue
    ... Name
  }
}
fragment Queue on Repository {
  __typename
}
fragment Name on Repository {
  name
}
`,
			wantVars: map[string]any{},
		},
		{
			name:    "inline fragment emptied goes",
			version: "3.10.0",
			query:   `query { node(id: "x") { id ... on PullRequest { isInMergeQueue } } }`,
			want: `query {
  node(id: "x") {
    id
  }
}
`,
		},
		{
			name:    "3.12: the merge queue rule's parameters go, inline or spread",
			version: "3.12.2",
			query: `query { repository(owner: "o", name: "r") { ref(qualifiedName: "main") { rules(first: 9) { nodes { type parameters {
  ... on PullRequestParameters { requiredApprovingReviewCount }
  ... on MergeQueueParameters { mergeMethod }
  ...queue } } } } } }
fragment queue on MergeQueueParameters { mergeMethod }`,
			want: `query {
  repository(owner: "o", name: "r") {
    ref(qualifiedName: "main") {
      rules(first: 9) {
        nodes {
          type
          parameters {
            ... on PullRequestParameters {
              requiredApprovingReviewCount
            }
          }
        }
      }
    }
  }
}
`,
		},
		{
			name:    "nothing gated in it: byte-identical",
			version: "3.10.0",
			query:   "query  { viewer { login } }",
			vars:    map[string]any{"x": 1},
		},
		{
			name:    "server has everything: byte-identical",
			version: "3.14.0",
			query:   `query { repository(owner: "o", name: "r") { mergeQueue(branch: "main") { id } } }`,
		},
		{
			name:    "github.com: byte-identical",
			query:   `query { repository(owner: "o", name: "r") { mergeQueue(branch: "main") { id } } }`,
			version: "",
		},
		{
			name:    "a mutation is never changed",
			version: "3.10.0",
			query:   `mutation { enqueuePullRequest(input: {pullRequestId: "x"}) { mergeQueueEntry { id } } }`,
		},
		{
			name:    "not GraphQL: as it is",
			version: "3.10.0",
			query:   `query { mergeQueue(`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, gotVars, ok := pruneQuery(tt.query, tt.vars, lackedFields(tt.version))
			if tt.want == "" {
				if ok || got != tt.query || !reflect.DeepEqual(gotVars, tt.vars) {
					t.Errorf("pruneQuery changed the query: %v\n%s", ok, got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("pruneQuery =\n%s\nwant\n%s", got, tt.want)
			}
			if len(gotVars) != len(tt.wantVars) || len(tt.wantVars) > 0 && !reflect.DeepEqual(gotVars, tt.wantVars) {
				t.Errorf("variables = %v, want %v", gotVars, tt.wantVars)
			}
			if len(tt.vars) > 0 && len(gotVars) == len(tt.vars) && len(tt.vars) != len(tt.wantVars) {
				t.Errorf("the caller's variables were changed")
			}
		})
	}
}

// TestPruneQueryLeavesCallerVars: the caller's map is not modified.
func TestPruneQueryLeavesCallerVars(t *testing.T) {
	vars := map[string]any{"b": "main"}
	_, got, ok := pruneQuery(`query($b: String) { repository(owner: "o", name: "r") { mergeQueue(branch: $b) { id } } }`, vars, lackedFields("3.10.0"))
	if !ok || len(got) != 0 || len(vars) != 1 {
		t.Errorf("pruneQuery: ok %v, vars %v, caller's %v", ok, got, vars)
	}
}

// TestProductQueriesPrune: every query of the product that names a gated field
// still parses, and loses that field, for a 3.10 server.
func TestProductQueriesPrune(t *testing.T) {
	queries := map[string]string{
		"ship":             shipQuery,
		"pull":             pullQuery,
		"wait state":       waitStateQuery,
		"labelled pulls":   `query { node(id: "x") { ... on PullRequest {` + labelledPullFields(true, 5) + `} } }`,
		"rulesets field":   `query { repository(owner: "o", name: "r") { ` + rulesetsField + ` } }`,
		"branch rulesets":  `query { repository(owner: "o", name: "r") { ` + branchRulesetsField + ` } }`,
		"ref rules":        `query { repository(owner: "o", name: "r") { ref(qualifiedName: "x") { ` + RefRules + ` } } }`,
		"queue entry pull": `query { node(id: "x") { ... on PullRequest { id mergeQueueEntry ` + queueEntryFields + ` } } }`,
	}
	for name, q := range queries {
		if q == "" {
			continue
		}
		out, _, ok := pruneQuery(q, nil, lackedFields("3.10.0"))
		if !ok {
			t.Errorf("%s: nothing pruned", name)
			continue
		}
		if _, err := parser.ParseQuery(&ast.Source{Input: out}); err != nil {
			t.Errorf("%s: pruned query does not parse: %v\n%s", name, err, out)
		}
		for _, f := range []string{"mergeQueueEntry", "rulesets", "rules(", "MergeQueueParameters"} {
			if strings.Contains(out, f) {
				t.Errorf("%s: %s left in\n%s", name, f, out)
			}
		}
		// 3.12 has it all but the merge queue rule.
		out, _, ok = pruneQuery(q, nil, lackedFields("3.12.0"))
		if strings.Contains(q, "MergeQueueParameters") != ok || strings.Contains(out, "MergeQueueParameters") {
			t.Errorf("%s on 3.12: pruned %v\n%s", name, ok, out)
		}
		if _, err := parser.ParseQuery(&ast.Source{Input: out}); err != nil {
			t.Errorf("%s on 3.12: pruned query does not parse: %v\n%s", name, err, out)
		}
	}
}

// gqlAnswer answers a GraphQL request with body and headers, after check.
func gqlAnswer(body any, h http.Header, check func(query string, vars map[string]any)) httpmock.Responder {
	return func(r *httpmock.Request) (*http.Response, error) {
		if check != nil {
			check(r.GraphQL.Query, r.GraphQL.Variables)
		}
		return httpmock.JSON(http.StatusOK, body, h)(r)
	}
}

const undefinedQueueEntry = `{"errors":[{"path":["query Q","repository","pullRequest","mergeQueueEntry"],
"extensions":{"code":"undefinedField","typeName":"PullRequest","fieldName":"mergeQueueEntry"},
"locations":[{"line":1,"column":9}],"message":"Field 'mergeQueueEntry' doesn't exist on type 'PullRequest'"}]}`

const queueQuery = `query Q($o: String!, $b: String!) { repository(owner: $o, name: "r") { pullRequest(number: 1) { id mergeQueueEntry { id } } mergeQueue(branch: $b) { id } } }`

// TestGraphQLResendOnce: a query sent before the version was known, refused
// only on gated fields by an answer that tells an old version, is pruned and
// sent once more; callers see the fields' zero values.
func TestGraphQLResendOnce(t *testing.T) {
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(undefinedQueueEntry, enterpriseHeader("3.10.0"), nil))
	reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(`{"data":{"repository":{"pullRequest":{"id":"PR_1"}}}}`, enterpriseHeader("3.10.0"),
		func(q string, vars map[string]any) {
			if strings.Contains(q, "mergeQueue") {
				t.Errorf("resent query still names the merge queue:\n%s", q)
			}
			if _, ok := vars["b"]; ok || vars["o"] != "octo" {
				t.Errorf("resent variables = %v, want only o", vars)
			}
		}))
	c := NewClient(&http.Client{Transport: reg}, "ghe.example.com")
	var out struct {
		Repository struct {
			PullRequest struct {
				ID              string
				MergeQueueEntry *struct{ ID string }
			}
			MergeQueue *struct{ ID string }
		}
	}
	err := c.GraphQL(context.Background(), queueQuery, map[string]any{"o": "octo", "b": "main"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.Repository.PullRequest.ID != "PR_1" || out.Repository.PullRequest.MergeQueueEntry != nil || out.Repository.MergeQueue != nil {
		t.Errorf("out = %+v", out)
	}
	if c.Requests() != 2 || c.ServerVersion() != "3.10.0" {
		t.Errorf("requests %d, version %q", c.Requests(), c.ServerVersion())
	}

	// Known now: the next query goes out pruned, in one request.
	reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(`{"data":{}}`, enterpriseHeader("3.10.0"), func(q string, _ map[string]any) {
		if strings.Contains(q, "mergeQueue") {
			t.Errorf("query sent after the version was known names the merge queue:\n%s", q)
		}
	}))
	if err := c.GraphQL(context.Background(), queueQuery, map[string]any{"o": "octo", "b": "main"}, nil); err != nil {
		t.Fatal(err)
	}
	if c.Requests() != 3 {
		t.Errorf("requests %d, want 3", c.Requests())
	}
}

// TestGraphQLResendUndefinedType: a fragment on a type the server lacks is
// refused with undefinedType; the query goes again without it.
func TestGraphQLResendUndefinedType(t *testing.T) {
	const q = `query R { repository(owner: "o", name: "r") { ref(qualifiedName: "main") { rules(first: 9) { nodes { type parameters { ... on MergeQueueParameters { mergeMethod } } } } } } }`
	refused := `{"errors":[{"extensions":{"code":"undefinedType","typeName":"MergeQueueParameters"},"message":"No such type MergeQueueParameters, so it can't be a fragment condition"}]}`
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL(`query R`), gqlAnswer(refused, enterpriseHeader("3.12.4"), nil))
	reg.Register(httpmock.GraphQL(`query R`), gqlAnswer(`{"data":{}}`, enterpriseHeader("3.12.4"), func(q string, _ map[string]any) {
		if strings.Contains(q, "MergeQueueParameters") || !strings.Contains(q, "rules(first: 9)") {
			t.Errorf("resent query:\n%s", q)
		}
	}))
	c := NewClient(&http.Client{Transport: reg}, "ghes.localhost")
	if err := c.GraphQL(context.Background(), q, nil, nil); err != nil {
		t.Fatal(err)
	}
}

// TestGraphQLNoResend: the refusal is returned as it is, after one request,
// on github.com, when the answer tells no version, when another error comes
// with it, when the field is not a gated one, and for a mutation.
func TestGraphQLNoResend(t *testing.T) {
	other := `{"errors":[{"extensions":{"code":"undefinedField","fieldName":"fooBar"},"message":"Field 'fooBar' doesn't exist on type 'PullRequest'"}]}`
	mixed := `{"errors":[{"extensions":{"code":"undefinedField","fieldName":"mergeQueueEntry"},"message":"Field 'mergeQueueEntry' doesn't exist on type 'PullRequest'"},{"type":"NOT_FOUND","message":"no"}]}`
	tests := []struct {
		name, host, answer, query string
		h                         http.Header
	}{
		{"github.com", "github.com", undefinedQueueEntry, queueQuery, enterpriseHeader("3.10.0")},
		{"no version told", "ghe.example.com", undefinedQueueEntry, queueQuery, nil},
		{"server has the feature", "ghe.example.com", undefinedQueueEntry, queueQuery, enterpriseHeader("3.14.0")},
		{"another error too", "ghe.example.com", mixed, queueQuery, enterpriseHeader("3.10.0")},
		{"not a gated field", "ghe.example.com", other, queueQuery, enterpriseHeader("3.10.0")},
		{"mutation", "ghe.example.com", undefinedQueueEntry, `mutation Q { enqueuePullRequest(input: {pullRequestId: "x"}) { mergeQueueEntry { id } } }`, enterpriseHeader("3.10.0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := httpmock.New(t)
			sent := ""
			reg.Register(httpmock.GraphQL(`Q`), gqlAnswer(tt.answer, tt.h, func(q string, _ map[string]any) { sent = q }))
			c := NewClient(&http.Client{Transport: reg}, tt.host)
			err := c.GraphQL(context.Background(), tt.query, map[string]any{"o": "octo", "b": "main"}, nil)
			var ge *api.GraphQLError
			if !asGraphQLError(err, &ge) {
				t.Fatalf("err = %v, want GitHub's refusal", err)
			}
			if c.Requests() != 1 {
				t.Errorf("requests = %d, want 1", c.Requests())
			}
			if sent != tt.query {
				t.Errorf("query sent changed:\n%s", sent)
			}
		})
	}
}

func asGraphQLError(err error, ge **api.GraphQLError) bool {
	g, ok := err.(*api.GraphQLError)
	*ge = g
	return ok
}

// TestGitHubComRequestsUnchanged: on github.com every request goes out as the
// caller wrote it, once: a query naming every gated field, and a dispatch
// asking for its run.
func TestGitHubComRequestsUnchanged(t *testing.T) {
	reg := httpmock.New(t)
	reg.Register(httpmock.GraphQL(`query Q`), gqlAnswer(`{"data":{}}`, nil, func(q string, vars map[string]any) {
		if q != queueQuery || len(vars) != 2 {
			t.Errorf("query changed on github.com:\n%s %v", q, vars)
		}
	}))
	reg.Register(httpmock.REST("POST", "repos/o/r/actions/workflows/release.yml/dispatches"), func(r *httpmock.Request) (*http.Response, error) {
		if !strings.Contains(string(r.Body), `"return_run_details":true`) {
			t.Errorf("dispatch body = %s", r.Body)
		}
		return httpmock.JSON(http.StatusOK, `{"workflow_run_id": 7}`)(r)
	})
	c := NewClient(&http.Client{Transport: reg}, "github.com")
	if err := c.GraphQL(context.Background(), queueQuery, map[string]any{"o": "octo", "b": "main"}, nil); err != nil {
		t.Fatal(err)
	}
	if run, err := c.DispatchWorkflow(context.Background(), "o", "r", "release.yml", "main", nil); err != nil || run == nil || run.ID != 7 {
		t.Fatalf("dispatch = %v, %v", run, err)
	}
	if c.Requests() != 2 {
		t.Errorf("requests = %d, want 2", c.Requests())
	}
}

// FuzzPruneQuery: any input, any version, never panics; what comes out
// changed parses, and names no field the server lacks at selection level.
func FuzzPruneQuery(f *testing.F) {
	f.Add(queueQuery, "3.10.0")
	f.Add(`query Q($b: String) { repository(owner: "o", name: "r") { ...Queue } } fragment Queue on Repository { mergeQueue(branch: $b) { id } }`, "3.11")
	f.Add(`query { node(id: "x") { ... on PullRequest { isInMergeQueue } } }`, "3.10")
	f.Add(`mutation { enqueuePullRequest(input: {}) { mergeQueueEntry { id } } }`, "3.0")
	f.Add(`{ rulesets { rules { x } } }`, "3.9")
	f.Add(`query ($a: [Int] = [1, $b]) @dir(x: $c) { a: rules(x: {y: $d}) { b } }`, "2.22")
	f.Fuzz(func(t *testing.T, query, version string) {
		out, vars, ok := pruneQuery(query, map[string]any{"b": 1, "d": 2}, lackedFields(version))
		if !ok {
			if out != query {
				t.Fatalf("unchanged but different:\n%q\n%q", query, out)
			}
			return
		}
		if _, err := parser.ParseQuery(&ast.Source{Input: out}); err != nil {
			t.Fatalf("pruned query does not parse: %v\nin:  %q\nout: %q", err, query, out)
		}
		_ = vars
	})
}

// TestPruneQueryDropsFieldsAskingForLackedEnumValues: a field whose argument
// names an enum value the server lacks goes, as a field it lacks does.
func TestPruneQueryDropsFieldsAskingForLackedEnumValues(t *testing.T) {
	q := `query { node(id: "x") { ... on PullRequest { id queueEvents: timelineItems(itemTypes: [ADDED_TO_MERGE_QUEUE_EVENT, REMOVED_FROM_MERGE_QUEUE_EVENT], last: 1) { nodes { __typename } } reviews: timelineItems(itemTypes: [REVIEW_REQUESTED_EVENT], last: 1) { nodes { __typename } } } } }`
	got, _, ok := pruneQuery(q, nil, lackedFields("3.11.0"))
	if !ok || strings.Contains(got, "queueEvents") || !strings.Contains(got, "REVIEW_REQUESTED_EVENT") {
		t.Errorf("pruned for 3.11 (ok %v):\n%s", ok, got)
	}
	if _, _, ok := pruneQuery(q, nil, lackedFields("3.12.0")); ok {
		t.Errorf("3.12 has the merge queue: nothing to prune")
	}
}

// TestUndefinedFields reads what a server says it lacks from its validation
// errors, in GitHub's (graphql-ruby's) words; anything else stops a resend.
func TestUndefinedFields(t *testing.T) {
	item := func(code, msg string, ext map[string]any) api.GraphQLErrorItem {
		if ext == nil {
			ext = map[string]any{}
		}
		ext["code"] = code
		return api.GraphQLErrorItem{Message: msg, Extensions: ext}
	}
	for _, tc := range []struct {
		name  string
		items []api.GraphQLErrorItem
		want  []string
	}{
		{"undefined field", []api.GraphQLErrorItem{item("undefinedField", "Field 'mergeQueueEntry' doesn't exist on type 'PullRequest'",
			map[string]any{"typeName": "PullRequest", "fieldName": "mergeQueueEntry"})}, []string{"mergeQueueEntry"}},
		{"field from the message", []api.GraphQLErrorItem{item("undefinedField", "Field 'rules' doesn't exist on type 'Ref'", nil)}, []string{"rules"}},
		{"undefined type", []api.GraphQLErrorItem{item("undefinedType", "No such type MergeQueueParameters, so it can't be a fragment condition", nil)}, []string{"MergeQueueParameters"}},
		{"enum values", []api.GraphQLErrorItem{item("argumentLiteralsIncompatible",
			"Argument 'itemTypes' on Field 'timelineItems' has an invalid value ([ADDED_TO_MERGE_QUEUE_EVENT, REMOVED_FROM_MERGE_QUEUE_EVENT]). Expected type '[PullRequestTimelineItemsItemType!]'.", nil)},
			[]string{"ADDED_TO_MERGE_QUEUE_EVENT", "REMOVED_FROM_MERGE_QUEUE_EVENT"}},
		{"unused variable beside", []api.GraphQLErrorItem{item("variableNotUsed", "Variable $b is declared by Q but not used", nil),
			item("undefinedField", "Field 'mergeQueue' doesn't exist on type 'Repository'", nil)}, []string{"mergeQueue"}},
		{"something else", []api.GraphQLErrorItem{item("undefinedField", "Field 'mergeQueue' doesn't exist on type 'Repository'", nil),
			{Message: "Could not resolve to a Repository", Type: "NOT_FOUND"}}, nil},
		{"bad literal without values", []api.GraphQLErrorItem{item("argumentLiteralsIncompatible", "Argument 'first' on Field 'x' has an invalid value (\"a\"). Expected type 'Int'.", nil)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := undefinedFields(&api.GraphQLError{Errors: tc.items})
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("undefinedFields = %v, want %v", got, tc.want)
			}
		})
	}
}
