package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// versionSites are the servers the version tests run against: GitHub
// Enterprise Server releases around each feature's first version, and
// github.localhost ("") with every feature.
var versionSites = []string{"3.10.0", "3.11.0", "3.12.0", "3.13.0", "3.22.0", ""}

// siteCaller sends API requests to ghes.localhost at the server's version, or
// to github.localhost when version is "".
type siteCaller struct {
	ts      *testServer
	version string
	client  *http.Client
}

func (ts *testServer) siteCaller(version string) *siteCaller {
	c := &siteCaller{ts: ts, version: version}
	if version != "" {
		c.client = ts.httpsClient(ts.t)
	}
	return c
}

// rest calls a REST path ("/repos/…") on the site.
func (c *siteCaller) rest(method, path string, body any) response {
	c.ts.t.Helper()
	if c.version == "" {
		return c.ts.do(method, path, body, nil)
	}
	return c.send(method, "https://"+EnterpriseHost+"/api/v3"+path, body)
}

// graphql posts a document to the site's GraphQL endpoint.
func (c *siteCaller) graphql(query string, vars map[string]any) response {
	c.ts.t.Helper()
	body := map[string]any{"query": query, "variables": vars}
	if c.version == "" {
		return c.ts.do("POST", "/graphql", body, nil)
	}
	return c.send("POST", "https://"+EnterpriseHost+"/api/graphql", body)
}

func (c *siteCaller) send(method, u string, body any) response {
	c.ts.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Authorization", "token t0k3n")
	resp, err := c.client.Do(req)
	if err != nil {
		c.ts.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// siteName names a test's site: github.localhost, or the GHES version.
func siteName(version string) string {
	if version == "" {
		return "github.localhost"
	}
	return version
}

// lacks reports whether a site of the version lacks the feature.
func lacks(version string, f feature) bool {
	return !site{kind: siteEnterprise, version: version}.has(f) && version != ""
}

// versionWorld is a server at the version with monalisa/app and pull request
// #1 (hotfix/fix into main).
func versionWorld(t *testing.T, version string) (*testServer, *siteCaller) {
	t.Helper()
	ts := newTestServerWith(t, Options{EnterpriseVersion: version})
	ts.seedRepo("app")
	ts.must(201, ts.do("POST", "/repos/monalisa/app/pulls", map[string]any{"title": "fix", "head": "hotfix/fix", "base": "main"}, nil))
	return ts, ts.siteCaller(version)
}

// undefinedFields returns "Type.field" of each undefinedField error of a
// GraphQL answer that has no data, failing the test on any other error.
func undefinedFields(t *testing.T, m map[string]any) []string {
	t.Helper()
	if _, ok := m["data"]; ok {
		t.Fatalf("an invalid document's answer has data: %v", m)
	}
	var out []string
	for _, e := range m["errors"].([]any) {
		ext, _ := e.(map[string]any)["extensions"].(map[string]any)
		if ext["code"] != "undefinedField" {
			t.Fatalf("error is not undefinedField: %v", e)
		}
		out = append(out, ext["typeName"].(string)+"."+ext["fieldName"].(string))
	}
	return out
}

// TestGraphQLFieldsByVersion: a field the server's version lacks fails the
// whole document as GitHub fails it (200, errors only, undefinedField), and
// a field it has answers data — merge queue from 3.12, rulesets from 3.11.
func TestGraphQLFieldsByVersion(t *testing.T) {
	docs := []struct {
		name    string
		query   string
		feature feature
		missing []string // Type.field undefined where the feature is lacking
		check   func(t *testing.T, data map[string]any)
	}{
		{"Repository.mergeQueue", `query Q { repository(owner: "monalisa", name: "app") { mergeQueue(branch: "main") { id } } }`,
			featureMergeQueue, []string{"Repository.mergeQueue"},
			func(t *testing.T, data map[string]any) {
				if q := data["repository"].(map[string]any)["mergeQueue"]; q != nil {
					t.Errorf("mergeQueue without a queue: %v", q)
				}
			}},
		{"PullRequest.mergeQueueEntry", `query Q { repository(owner: "monalisa", name: "app") { pullRequest(number: 1) {
			number mergeQueueEntry { position } isInMergeQueue isMergeQueueEnabled } } }`,
			featureMergeQueue, []string{"PullRequest.mergeQueueEntry", "PullRequest.isInMergeQueue", "PullRequest.isMergeQueueEnabled"},
			func(t *testing.T, data map[string]any) {
				pr := data["repository"].(map[string]any)["pullRequest"].(map[string]any)
				if pr["mergeQueueEntry"] != nil || pr["isInMergeQueue"] != false || pr["isMergeQueueEnabled"] != false {
					t.Errorf("pull request: %v", pr)
				}
			}},
		{"enqueuePullRequest", `mutation { enqueuePullRequest(input: {pullRequestId: "x"}) { mergeQueueEntry { id } } }`,
			featureMergeQueue, []string{"Mutation.enqueuePullRequest"}, nil},
		{"Repository.rulesets", `query Q { repository(owner: "monalisa", name: "app") { rulesets(first: 5) { totalCount } } }`,
			featureRulesets, []string{"Repository.rulesets"},
			func(t *testing.T, data map[string]any) {
				if n := data["repository"].(map[string]any)["rulesets"].(map[string]any)["totalCount"]; n != float64(0) {
					t.Errorf("rulesets totalCount %v", n)
				}
			}},
		{"Organization.rulesets", `query Q { organization(login: "acme") { rulesets(first: 5) { totalCount } } }`,
			featureRulesets, []string{"Organization.rulesets"}, nil},
		{"Ref.rules", `query Q { repository(owner: "monalisa", name: "app") { ref(qualifiedName: "refs/heads/main") { rules(first: 5) { totalCount } } } }`,
			featureRulesets, []string{"Ref.rules"}, nil},
	}
	for _, version := range versionSites {
		t.Run(siteName(version), func(t *testing.T) {
			ts, c := versionWorld(t, version)
			for _, d := range docs {
				r := c.graphql(d.query, nil)
				if r.status != 200 {
					t.Fatalf("%s: status %d %s", d.name, r.status, r.body)
				}
				m := r.json(t)
				if lacks(version, d.feature) {
					if got := undefinedFields(t, m); !reflect.DeepEqual(got, d.missing) {
						t.Errorf("%s on %s: undefined %v, want %v", d.name, siteName(version), got, d.missing)
					}
					continue
				}
				if d.check == nil {
					continue
				}
				if errs, ok := m["errors"]; ok {
					t.Fatalf("%s on %s: errors %v", d.name, siteName(version), errs)
				}
				d.check(t, m["data"].(map[string]any))
			}
			// Introspection shows the version's schema.
			m := ts.must(200, c.graphql(`{ __type(name: "MergeQueueEntry") { name } }`, nil)).json(t)
			if got, want := m["data"].(map[string]any)["__type"] == nil, lacks(version, featureMergeQueue); got != want {
				t.Errorf("__type(MergeQueueEntry) absent %v, want %v: %v", got, want, m)
			}
		})
	}
}

// TestVersionSchemasBuiltOnce: versions that lack the same features share one
// executor, built once; a version with every feature uses GitHub's schema.
func TestVersionSchemasBuiltOnce(t *testing.T) {
	s := newTestServer(t).srv
	at := func(v string) *gql.Executor {
		e, err := s.executor(site{kind: siteEnterprise, version: v})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if at("3.10.0") != at("3.10.7") || at("3.12.0") != at("3.12.3") || at("3.10.0") == at("3.12.0") {
		t.Errorf("executors not shared by versions lacking the same features")
	}
	if at("3.13.0") != s.exec || at("3.22.0") != s.exec {
		t.Errorf("a version with every feature does not use the loaded schema")
	}
}

// TestGraphQLUndefinedFieldShape: the answer GitHub Enterprise Server 3.10
// gave for PullRequest.mergeQueueEntry (facebook/sapling#906), to the key:
// path from the operation through the fragment, extensions, locations,
// message, and no data, with the members in GitHub's order (extensions'
// keys sorted, as Go writes a map; GitHub writes code, typeName, fieldName). github.localhost answers an unknown field alike.
func TestGraphQLUndefinedFieldShape(t *testing.T) {
	const doc = "query YourPullRequestsQuery {\n  search(query: \"is:pr\", type: ISSUE, first: 5) {\n    nodes {\n      ... on PullRequest {\n        number\n        mergeQueueEntry { id }\n      }\n    }\n  }\n}"
	want := `{"errors":[{"path":["query YourPullRequestsQuery","search","nodes","... on PullRequest","mergeQueueEntry"],` +
		`"extensions":{"code":"undefinedField","fieldName":"mergeQueueEntry","typeName":"PullRequest"},` +
		`"locations":[{"line":6,"column":9}],"message":"Field 'mergeQueueEntry' doesn't exist on type 'PullRequest'"}]}`
	_, c := versionWorld(t, "3.10.0")
	r := c.graphql(doc, nil)
	if got := strings.TrimSpace(string(r.body)); r.status != 200 || got != want {
		t.Errorf("3.10: %d %s\nwant %s", r.status, got, want)
	}
	// github.com's answer to a field no version has has the same shape.
	dotcom := strings.Replace(doc, "mergeQueueEntry", "mergeQueueEntrie", 1)
	r = c.ts.do("POST", "/graphql", map[string]any{"query": dotcom}, nil)
	if w := strings.ReplaceAll(want, "mergeQueueEntry", "mergeQueueEntrie"); r.status != 200 || strings.TrimSpace(string(r.body)) != w {
		t.Errorf("github.localhost: %d %s\nwant %s", r.status, r.body, w)
	}
}

// normJSON re-encodes a JSON body with sorted keys.
func normJSON(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// TestRulesetsByVersion: before 3.11 the rulesets and rules routes answer 404
// Not Found as a server without them does; a merge_queue rule is refused
// (422 "Invalid rule 'merge_queue': ") before 3.13, so no queue can be
// configured and enqueuing has nothing to enqueue into.
func TestRulesetsByVersion(t *testing.T) {
	noDeletion := map[string]any{"name": "keep main", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      []any{map[string]any{"type": "deletion"}}}
	queue := map[string]any{"name": "queue", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      []any{mergeQueueRule("SQUASH")}}
	for _, version := range versionSites {
		t.Run(siteName(version), func(t *testing.T) {
			ts, c := versionWorld(t, version)
			defer ts.conforming()
			noRulesets := lacks(version, featureRulesets)
			for _, path := range []string{"/repos/monalisa/app/rulesets", "/repos/monalisa/app/rules/branches/main"} {
				r := c.rest("GET", path, nil)
				switch {
				case noRulesets && (r.status != 404 || r.json(t)["message"] != "Not Found"):
					t.Errorf("GET %s: %d %s, want 404 Not Found", path, r.status, r.body)
				case !noRulesets && r.status != 200:
					t.Errorf("GET %s: %d %s, want 200", path, r.status, r.body)
				}
			}
			r := c.rest("POST", "/repos/monalisa/app/rulesets", noDeletion)
			if want := map[bool]int{true: 404, false: 201}[noRulesets]; r.status != want {
				t.Errorf("create a ruleset: %d %s, want %d", r.status, r.body, want)
			}
			if !noRulesets {
				// Adding the rule to a ruleset is refused alike.
				id := jsonNum(int64(r.json(t)["id"].(float64)))
				r = c.rest("PUT", "/repos/monalisa/app/rulesets/"+id, map[string]any{"rules": []any{mergeQueueRule("MERGE")}})
				if want := map[bool]int{true: 422, false: 200}[lacks(version, featureMergeQueueRule)]; r.status != want {
					t.Errorf("add a merge_queue rule: %d %s, want %d", r.status, r.body, want)
				}
				ts.must(204, c.rest("DELETE", "/repos/monalisa/app/rulesets/"+id, nil))
			}
			r = c.rest("POST", "/repos/monalisa/app/rulesets", queue)
			switch {
			case noRulesets:
				if r.status != 404 {
					t.Errorf("create a merge queue ruleset: %d %s, want 404", r.status, r.body)
				}
			case lacks(version, featureMergeQueueRule):
				if r.status != 422 || normJSON(t, r.body) != `{"documentation_url":"https://docs.github.com/rest","errors":["Invalid rule 'merge_queue': "],"message":"Validation Failed","status":"422"}` {
					t.Errorf("create a merge queue ruleset: %d %s, want 422 Invalid rule", r.status, r.body)
				}
			default:
				if r.status != 201 {
					t.Errorf("create a merge queue ruleset: %d %s, want 201", r.status, r.body)
				}
			}
			// Where the queue could not be configured, the pull request is
			// merged directly; where it could, a direct merge is refused.
			hasQueue := !lacks(version, featureMergeQueueRule)
			r = c.rest("PUT", "/repos/monalisa/app/pulls/1/merge", map[string]any{"merge_method": "merge"})
			if (r.status == 200) == hasQueue {
				t.Errorf("merge with the queue configured %v: %d %s", hasQueue, r.status, r.body)
			}
		})
	}
}

// TestEnterpriseVersionRefusedWhenWorldHasIt: the control API will not set a
// version that lacks what the world already holds (a merge_queue rule before
// 3.13, a ruleset before 3.11), so a queue never runs on a server that could
// not have one.
func TestEnterpriseVersionRefusedWhenWorldHasIt(t *testing.T) {
	ts, c := versionWorld(t, "3.22.0")
	ruleset := ts.must(201, c.rest("POST", "/repos/monalisa/app/rulesets", map[string]any{"name": "queue", "enforcement": "active",
		"conditions": map[string]any{"ref_name": map[string]any{"include": []string{"~DEFAULT_BRANCH"}, "exclude": []string{}}},
		"rules":      []any{mergeQueueRule("SQUASH")}})).json(t)
	set := func(v string) response {
		return ts.do("POST", "http://"+ts.addr+"/_emulator/enterprise", map[string]any{"version": v}, nil)
	}
	if r := set("3.12.0"); r.status != 400 || !strings.Contains(string(r.body), "merge_queue rule") {
		t.Errorf("3.12 with a merge_queue rule: %d %s", r.status, r.body)
	}
	if r := set("3.13.0"); r.status != 200 {
		t.Errorf("3.13 with a merge_queue rule: %d %s", r.status, r.body)
	}
	ts.must(200, c.rest("PUT", "/repos/monalisa/app/rulesets/"+jsonNum(int64(ruleset["id"].(float64))), map[string]any{"rules": []any{requiredChecksRule("ci")}}))
	if r := set("3.12.0"); r.status != 200 {
		t.Errorf("3.12 without a merge_queue rule: %d %s", r.status, r.body)
	}
	if r := set("3.10.0"); r.status != 400 || !strings.Contains(string(r.body), "has no rulesets") {
		t.Errorf("3.10 with a ruleset: %d %s", r.status, r.body)
	}
	ts.must(204, c.rest("DELETE", "/repos/monalisa/app/rulesets/"+jsonNum(int64(ruleset["id"].(float64))), nil))
	if r := set("3.10.0"); r.status != 200 {
		t.Errorf("3.10 without rulesets: %d %s", r.status, r.body)
	}
}

// TestLackedFieldsAreNoConformanceFailure: a query GitHub's published schema
// takes, refused by an older server only for what its version lacks, is how a
// client learns that version: no deviation is recorded. A field no GitHub
// has is one.
func TestLackedFieldsAreNoConformanceFailure(t *testing.T) {
	ts, c := versionWorld(t, "3.10.0")
	if r := c.graphql(`query { repository(owner: "monalisa", name: "app") { pullRequest(number: 1) { mergeQueueEntry { id } } } }`, nil); r.status != 200 {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
	if f := ts.srv.ConformanceFailures(); len(f) != 0 {
		t.Errorf("a field 3.10 lacks was recorded as a deviation: %v", f)
	}
	c.graphql(`query { repository(owner: "monalisa", name: "app") { noSuchField } }`, nil)
	if f := ts.srv.ConformanceFailures(); len(f) != 1 || !f[0].Rejected {
		t.Errorf("a field no GitHub has: failures %v", f)
	}
}
