package gql_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// testSDL is a small schema exercising interfaces, unions, enums, input
// objects, non-null and lists, shaped like a corner of GitHub's schema.
const testSDL = `
schema { query: Query mutation: Mutation }

scalar DateTime
scalar URI
scalar BigInt

interface Node { id: ID! }
interface Actor { login: String! url: URI! }

enum IssueState { OPEN CLOSED }
enum PullRequestState { OPEN CLOSED MERGED }
enum OrderDirection { ASC DESC }
enum IssueOrderField { CREATED_AT UPDATED_AT }

input IssueOrder {
  field: IssueOrderField!
  direction: OrderDirection! = ASC
}

type User implements Node & Actor {
  id: ID!
  login: String!
  url: URI!
  name: String
}

type Bot implements Node & Actor {
  id: ID!
  login: String!
  url: URI!
}

type Label implements Node {
  id: ID!
  name: String!
}

type Issue implements Node {
  id: ID!
  number: Int!
  title: String!
  state: IssueState!
  author: Actor
  createdAt: DateTime!
  labels: [Label!]!
}

type PullRequest implements Node {
  id: ID!
  number: Int!
  title: String!
  state: PullRequestState!
  isDraft: Boolean!
  headRefName: String!
  author: Actor
}

union IssueOrPullRequest = Issue | PullRequest
union SearchResultItem = Issue | PullRequest | User

type IssueConnection {
  totalCount: Int!
  nodes: [Issue]
}

type Repository implements Node {
  id: ID!
  name: String!
  nameWithOwner: String!
  stargazerCount: Int!
  score: Float
  diskUsage: BigInt
  owner: Actor!
  parent: Repository
  topics: [String!]!
  mustName: String!
  oldName: String @deprecated(reason: "Use name.")
  issue(number: Int!): Issue
  pullRequest(number: Int!): PullRequest
  issueOrPullRequest(number: Int!): IssueOrPullRequest
  issues(first: Int = 30, states: [IssueState!], orderBy: IssueOrder): IssueConnection!
}

type Query {
  repository(owner: String!, name: String!): Repository
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  search(query: String!, first: Int): [SearchResultItem!]!
  viewer: User!
  ghost: User!
  echo(s: String, i: Int, f: Float, b: Boolean, id: ID, state: IssueState, when: DateTime,
       big: BigInt, order: IssueOrder, states: [IssueState!], ids: [ID!]): String!
}

input CreateIssueInput {
  repositoryId: ID!
  title: String!
  body: String
  labelIds: [ID!]
  clientMutationId: String
}

type CreateIssuePayload {
  issue: Issue
  clientMutationId: String
}

type Mutation {
  createIssue(input: CreateIssueInput!): CreateIssuePayload
  mustSucceed: Boolean!
}
`

var (
	schemaOnce sync.Once
	testExec   *gql.Executor
)

func executor(t testing.TB) *gql.Executor {
	t.Helper()
	schemaOnce.Do(func() {
		s, err := gql.LoadSchema("test.graphql", testSDL)
		if err != nil {
			panic(err)
		}
		testExec = gql.NewExecutor(s)
	})
	return testExec
}

// issue is a hand-written Object, to check that []*issue is accepted as a
// list via reflection and that a typed nil *issue completes to null.
type issue struct {
	number  int
	title   string
	state   string
	created time.Time
	author  gql.Object
}

func (i *issue) TypeName() string { return "Issue" }

func (i *issue) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "id":
		return fmt.Sprintf("I_%d", i.number), nil
	case "number":
		return i.number, nil
	case "title":
		return i.title, nil
	case "state":
		return i.state, nil
	case "createdAt":
		return i.created, nil
	case "author":
		return i.author, nil
	case "labels":
		return []gql.Object{gql.Fields{Type: "Label", F: map[string]any{"id": "L_1", "name": "bug"}}}, nil
	}
	return nil, gql.ErrNoField
}

// world is the resolver state used by the tests. It records the arguments
// resolvers received and the order mutations ran in.
type world struct {
	mu       sync.Mutex
	lastArgs map[string]any
	calls    []string
	issues   []*issue
}

func newWorld() *world {
	alice := gql.Fields{Type: "User", F: map[string]any{
		"id": "U_1", "login": "alice", "url": "https://github.com/alice", "name": nil,
	}}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	return &world{issues: []*issue{
		{number: 1, title: "First", state: "OPEN", created: created, author: alice},
		{number: 2, title: "Second", state: "CLOSED", created: created, author: gql.Fields{Type: "Bot", F: map[string]any{
			"id": "B_1", "login": "dependabot", "url": "https://github.com/apps/dependabot",
		}}},
	}}
}

func (w *world) user() gql.Object {
	return gql.Fields{Type: "User", F: map[string]any{
		"id": "U_1", "login": "alice", "url": "https://github.com/alice", "name": "Alice",
	}}
}

// pr deliberately lacks "number" to exercise ErrNoField on a non-null field.
func (w *world) pr() gql.Object {
	return gql.Fields{Type: "PullRequest", F: map[string]any{
		"id": "PR_3", "title": "Fix", "state": "MERGED", "isDraft": false,
		"headRefName": "fix-branch", "author": w.user(),
	}}
}

func (w *world) issue(n int) *issue {
	for _, i := range w.issues {
		if i.number == n {
			return i
		}
	}
	return nil
}

func (w *world) repo(owner, name string) gql.Object {
	var self gql.Object
	self = gql.Fields{Type: "Repository", F: map[string]any{
		"id":             "R_1",
		"name":           name,
		"nameWithOwner":  owner + "/" + name,
		"stargazerCount": int64(42),
		"diskUsage":      "9007199254740993",
		"owner":          w.user(),
		"parent":         func() any { return self },
		"topics":         []string{"go", "cli"},
		"mustName":       nil,
		"oldName":        "old",
		"issue": func(args map[string]any) (any, error) {
			return w.issue(args["number"].(int)), nil
		},
		"pullRequest": func(args map[string]any) (any, error) {
			if args["number"].(int) == 3 {
				return w.pr(), nil
			}
			return nil, nil
		},
		"issueOrPullRequest": func(args map[string]any) (any, error) {
			if args["number"].(int) == 3 {
				return w.pr(), nil
			}
			return w.issue(args["number"].(int)), nil
		},
		"issues": func(args map[string]any) (any, error) {
			w.record("issues", args)
			nodes := w.issues
			if n, ok := args["first"].(int); ok && n > 100 {
				// Large page sizes are used to exercise MaxResolvedFields;
				// the cap keeps fuzzed page sizes from exhausting memory.
				nodes = make([]*issue, min(n, 20000))
				for i := range nodes {
					nodes[i] = &issue{number: i + 1, title: "t", state: "OPEN"}
				}
			}
			return gql.Fields{Type: "IssueConnection", F: map[string]any{
				"totalCount": len(nodes),
				"nodes":      nodes,
			}}, nil
		},
	}}
	return self
}

func (w *world) record(call string, args map[string]any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lastArgs = args
	w.calls = append(w.calls, call)
}

func (w *world) roots() (query, mutation gql.Object) {
	query = gql.Fields{Type: "Query", F: map[string]any{
		"repository": func(args map[string]any) (any, error) {
			owner, name := args["owner"].(string), args["name"].(string)
			switch name {
			case "missing":
				return nil, &gql.Error{Type: "NOT_FOUND", Message: fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", owner, name)}
			case "boom":
				return nil, fmt.Errorf("loading repository: %w", errors.New("disk on fire"))
			}
			return w.repo(owner, name), nil
		},
		"node": func(args map[string]any) (any, error) {
			switch args["id"] {
			case "I_1":
				return w.issue(1), nil
			case "PR_3":
				return w.pr(), nil
			case "U_1":
				return w.user(), nil
			}
			return nil, nil
		},
		"nodes": func(args map[string]any) (any, error) {
			var out []any
			for _, id := range args["ids"].([]any) {
				switch id {
				case "I_1":
					out = append(out, w.issue(1))
				case "U_1":
					out = append(out, w.user())
				case "PR_3":
					out = append(out, w.pr())
				default:
					out = append(out, nil)
				}
			}
			return out, nil
		},
		"search": func(args map[string]any) (any, error) {
			return []gql.Object{w.issue(1), w.pr(), w.user()}, nil
		},
		"viewer": w.user(),
		"ghost":  func() any { return nil },
		"echo": func(args map[string]any) (any, error) {
			w.record("echo", args)
			return "ok", nil
		},
	}}
	mutation = gql.Fields{Type: "Mutation", F: map[string]any{
		"createIssue": func(args map[string]any) (any, error) {
			input := args["input"].(map[string]any)
			w.record("createIssue:"+input["title"].(string), args)
			w.mu.Lock()
			n := &issue{number: len(w.issues) + 1, title: input["title"].(string), state: "OPEN"}
			w.issues = append(w.issues, n)
			w.mu.Unlock()
			return gql.Fields{Type: "CreateIssuePayload", F: map[string]any{
				"issue":            n,
				"clientMutationId": input["clientMutationId"],
			}}, nil
		},
		"mustSucceed": func(map[string]any) (any, error) {
			return nil, &gql.Error{Type: "FORBIDDEN", Message: "Resource not accessible by integration"}
		},
	}}
	return query, mutation
}
