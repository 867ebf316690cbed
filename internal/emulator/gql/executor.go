package gql

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

const (
	// MaxDepth is the deepest field nesting (fragments expanded) a document
	// may have. Deeper documents are rejected before execution, like GitHub's
	// max-depth check.
	MaxDepth = 50
	// MaxResolvedFields bounds the number of fields one request may resolve;
	// the fields of every list element count separately. Fields beyond it
	// become null with an error, which keeps nested lists from multiplying
	// into a response that hangs a test.
	MaxResolvedFields = 10000
	// maxTokens bounds the work the parser and validator may do on one
	// document. GitHub's real queries are a few hundred tokens.
	maxTokens = 100000
)

// Executor validates and executes GraphQL requests against one schema. It is
// safe for concurrent use: all per-request state lives in the request.
type Executor struct {
	schema *ast.Schema
	// possible maps an abstract type name to the set of object type names
	// that implement or belong to it. It is computed once so that type
	// conditions and abstract results are O(1) per check rather than a
	// walk over the schema.
	possible map[string]map[string]bool

	introOnce  sync.Once
	types      []*ast.Definition          // all types sorted by name, for __schema.types
	directives []*ast.DirectiveDefinition // sorted by name, for __schema.directives
}

// LoadSchema parses and validates an SDL document, adding GraphQL's built-in
// scalars, directives and introspection types. name is used in error
// messages. It is meant to be called once per process: loading GitHub's
// schema takes a noticeable fraction of a second.
//
// A field defined twice in the same type keeps its first definition instead
// of failing the load: GitHub's published schema has such duplicates (e.g.
// EnterpriseOwnerInfo.repositoryDeployKeySetting in @octokit/graphql-schema
// 15.x), which GitHub's own server tolerates but gqlparser rejects.
func LoadSchema(name, sdl string) (*ast.Schema, error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: name, Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("gql: load schema %s: %w", name, err)
	}
	for _, defs := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, def := range defs {
			def.Fields = dedupeFields(def.Fields)
		}
	}
	s, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("gql: load schema %s: %w", name, err)
	}
	return s, nil
}

// dedupeFields drops later definitions of an already defined field name.
func dedupeFields(fields ast.FieldList) ast.FieldList {
	seen := make(map[string]bool, len(fields))
	out := fields[:0:0]
	dup := false
	for _, f := range fields {
		if seen[f.Name] {
			dup = true
			continue
		}
		seen[f.Name] = true
		out = append(out, f)
	}
	if !dup {
		return fields
	}
	return out
}

// NewExecutor returns an executor for schema, which must come from
// LoadSchema (or gqlparser.LoadSchema) and must not be modified afterwards.
func NewExecutor(schema *ast.Schema) *Executor {
	e := &Executor{schema: schema, possible: map[string]map[string]bool{}}
	for name, defs := range schema.PossibleTypes {
		set := make(map[string]bool, len(defs))
		for _, d := range defs {
			set[d.Name] = true
		}
		e.possible[name] = set
	}
	return e
}

// Schema returns the schema the executor was built for.
func (e *Executor) Schema() *ast.Schema { return e.schema }

// prepared is a parsed, validated request ready to execute.
type prepared struct {
	doc       *ast.QueryDocument
	op        *ast.OperationDefinition
	vars      map[string]any
	fragments map[string]*ast.FragmentDefinition
}

// Validate parses and validates req: the document against the schema, the
// operation selection, the depth limit and the variables against their
// declared types. It returns nil when the request is valid, otherwise
// GitHub-shaped errors — exactly the errors Execute would answer with.
func (e *Executor) Validate(req Request) []ResponseError {
	_, errs := e.prepare(req)
	return errs
}

func (e *Executor) prepare(req Request) (*prepared, []ResponseError) {
	doc, perr := parse(req.Query)
	if perr != nil {
		return nil, []ResponseError{*perr}
	}
	if errs := e.validateDocument(doc); len(errs) > 0 {
		return nil, errs
	}
	op, oerr := selectOperation(doc, req.OperationName)
	if oerr != nil {
		return nil, []ResponseError{*oerr}
	}
	if op.Operation == ast.Subscription {
		return nil, []ResponseError{{Message: "emulator: subscriptions are not supported"}}
	}
	p := &prepared{doc: doc, op: op, fragments: make(map[string]*ast.FragmentDefinition, len(doc.Fragments))}
	for _, f := range doc.Fragments {
		p.fragments[f.Name] = f
	}
	if d := operationDepth(op, p.fragments); d > MaxDepth {
		return nil, []ResponseError{{
			Message: fmt.Sprintf("Query has depth of %d, which exceeds max depth of %d", d, MaxDepth),
		}}
	}
	vars, verrs := e.coerceVariables(op, req.Variables)
	if len(verrs) > 0 {
		return nil, verrs
	}
	p.vars = vars
	return p, nil
}

// parse parses a query document, mapping syntax errors to GitHub's shape.
func parse(query string) (*ast.QueryDocument, *ResponseError) {
	if strings.TrimSpace(query) == "" {
		return nil, &ResponseError{Message: "No query string was present"}
	}
	// An unnamed source keeps gqlparser from adding a "file" extension to
	// every error, which GitHub's errors do not have.
	src := &ast.Source{Input: query}
	doc, err := parser.ParseQueryWithTokenLimit(src, maxTokens)
	if err != nil {
		return nil, parseError(src, err)
	}
	return doc, nil
}

// selectOperation picks the operation to run per GraphQL's GetOperation.
func selectOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *ResponseError) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, nil
		}
		return nil, &ResponseError{Message: fmt.Sprintf("No operation named %q", name)}
	}
	switch len(doc.Operations) {
	case 0:
		return nil, &ResponseError{Message: "No operations in query document"}
	case 1:
		return doc.Operations[0], nil
	}
	return nil, &ResponseError{Message: "An operation name is required"}
}

// OperationInfo reports the selected operation's type ("query" or
// "mutation") and name, plus its top-level field names (e.g.
// ["createPullRequest"]), with fragments at the top level expanded. It only
// parses the document, so it works for requests that fail validation too —
// the emulator's request log and fault injection need it for those as well.
func (e *Executor) OperationInfo(req Request) (opType, opName string, rootFields []string, err error) {
	doc, perr := parse(req.Query)
	if perr != nil {
		return "", "", nil, errors.New(perr.Message)
	}
	op, oerr := selectOperation(doc, req.OperationName)
	if oerr != nil {
		return "", "", nil, errors.New(oerr.Message)
	}
	opType = string(op.Operation)
	if opType == "" {
		opType = string(ast.Query)
	}
	seen := map[string]bool{}
	visited := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if !seen[sel.Name] {
					seen[sel.Name] = true
					rootFields = append(rootFields, sel.Name)
				}
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			case *ast.FragmentSpread:
				// visited bounds the walk even for cyclic (invalid) fragments.
				if visited[sel.Name] {
					continue
				}
				visited[sel.Name] = true
				if f := doc.Fragments.ForName(sel.Name); f != nil {
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	return opType, op.Name, rootFields, nil
}

// Execute validates req and, when it is valid, executes it with query as the
// Query root object and mutation as the Mutation root object (either may be
// nil when the corresponding operations are not supported). invalid is true
// when the document or the variables failed validation; Data is then nil and
// Errors say why. Otherwise Data holds the result, with field errors in
// Errors.
func (e *Executor) Execute(ctx context.Context, req Request, query, mutation Object) (resp Response, invalid bool) {
	p, errs := e.prepare(req)
	if errs != nil {
		return Response{Errors: errs}, true
	}
	rootType, root := e.schema.Query, query
	if p.op.Operation == ast.Mutation {
		rootType, root = e.schema.Mutation, mutation
	}
	ex := &execution{
		e:         e,
		ctx:       ctx,
		vars:      p.vars,
		fragments: p.fragments,
	}
	data, ok := ex.selectionSet(rootType, root, p.op.SelectionSet, nil, 0)
	if ok {
		resp.Data = data
	} else {
		resp.Data = nullData
	}
	resp.Errors = ex.errs
	return resp, false
}

// prepareIntrospection sorts types and directives on first use, so the cost
// is paid only by processes that actually introspect.
func (e *Executor) prepareIntrospection() {
	e.introOnce.Do(func() {
		e.types = make([]*ast.Definition, 0, len(e.schema.Types))
		for _, d := range e.schema.Types {
			e.types = append(e.types, d)
		}
		sort.Slice(e.types, func(i, j int) bool { return e.types[i].Name < e.types[j].Name })
		e.directives = make([]*ast.DirectiveDefinition, 0, len(e.schema.Directives))
		for _, d := range e.schema.Directives {
			e.directives = append(e.directives, d)
		}
		sort.Slice(e.directives, func(i, j int) bool { return e.directives[i].Name < e.directives[j].Name })
	})
}

// gqlLocations converts gqlparser locations.
func gqlLocations(locs []gqlerror.Location) []Location {
	if len(locs) == 0 {
		return nil
	}
	out := make([]Location, len(locs))
	for i, l := range locs {
		out[i] = Location{Line: l.Line, Column: l.Column}
	}
	return out
}

// positionLocations returns the location list for an AST position.
func positionLocations(pos *ast.Position) []Location {
	if pos == nil {
		return nil
	}
	return []Location{{Line: pos.Line, Column: pos.Column}}
}
