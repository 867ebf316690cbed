package gql

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// execution is the state of one request's execution.
type execution struct {
	e         *Executor
	ctx       context.Context
	vars      map[string]any
	fragments map[string]*ast.FragmentDefinition
	errs      []ResponseError
	resolved  int  // fields resolved so far, for MaxResolvedFields
	exhausted bool // MaxResolvedFields was hit; every later field is null
}

// fieldGroup is the fields of one response key after CollectFields.
type fieldGroup struct {
	key    string
	fields []*ast.Field
}

// selectionSet executes a selection set on obj, whose concrete type is
// objType. Fields run serially in selection order, which is what mutations
// need and keeps queries deterministic. ok is false when a non-null field
// came back null, which makes this whole object null (spec §6.4.4); the
// remaining fields are then not resolved, as graphql-js does.
func (ex *execution) selectionSet(objType *ast.Definition, obj Object, set ast.SelectionSet, path []any, depth int) (OrderedMap, bool) {
	groups := ex.collectFields(objType, set, map[string]bool{}, nil, map[string]int{})
	out := make(OrderedMap, 0, len(groups))
	for _, g := range groups {
		v, ok := ex.field(objType, obj, g.fields, appendPath(path, g.key), depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, KeyValue{Key: g.key, Value: v})
	}
	return out, true
}

// collectFields implements the spec's CollectFields: it groups the fields
// that apply to objType by response key, in first-seen order, honouring
// @skip/@include and type conditions. visited stops a fragment from being
// expanded twice in one selection set, which bounds the work even when
// fragments are spread many times.
func (ex *execution) collectFields(objType *ast.Definition, set ast.SelectionSet, visited map[string]bool, groups []fieldGroup, index map[string]int) []fieldGroup {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if !ex.included(sel.Directives) {
				continue
			}
			key := sel.Alias
			if key == "" {
				key = sel.Name
			}
			if i, ok := index[key]; ok {
				groups[i].fields = append(groups[i].fields, sel)
				continue
			}
			index[key] = len(groups)
			groups = append(groups, fieldGroup{key: key, fields: []*ast.Field{sel}})
		case *ast.InlineFragment:
			if !ex.included(sel.Directives) || (sel.TypeCondition != "" && !ex.e.applies(objType, sel.TypeCondition)) {
				continue
			}
			groups = ex.collectFields(objType, sel.SelectionSet, visited, groups, index)
		case *ast.FragmentSpread:
			if visited[sel.Name] || !ex.included(sel.Directives) {
				continue
			}
			visited[sel.Name] = true
			f := ex.fragments[sel.Name]
			if f == nil || !ex.e.applies(objType, f.TypeCondition) {
				continue
			}
			groups = ex.collectFields(objType, f.SelectionSet, visited, groups, index)
		}
	}
	return groups
}

// applies reports whether a fragment with type condition cond applies to
// objects of type objType.
func (e *Executor) applies(objType *ast.Definition, cond string) bool {
	return objType.Name == cond || e.possible[cond][objType.Name]
}

// included evaluates @skip and @include.
func (ex *execution) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		arg := d.Arguments.ForName("if")
		if arg == nil {
			continue
		}
		v, _, _ := ex.e.coerceLiteral(arg.Value, ast.NonNullNamedType("Boolean", nil), ex.vars)
		b, _ := v.(bool)
		if d.Name == "skip" && b {
			return false
		}
		if d.Name == "include" && !b {
			return false
		}
	}
	return true
}

// field resolves and completes one response key. ok is false when the value
// is null because of an error and the field is non-null, so the parent must
// become null too.
func (ex *execution) field(objType *ast.Definition, obj Object, fields []*ast.Field, path []any, depth int) (any, bool) {
	f := fields[0]
	name := f.Name
	if name == "__typename" {
		// Counted like any other field so the budget bounds all work.
		if !ex.charge(f, path) {
			return nil, true
		}
		return objType.Name, true
	}
	def := ex.e.fieldDef(objType, name)
	if def == nil {
		// Unreachable after validation; kept so a schema/AST mismatch is an
		// error instead of a panic.
		ex.fail(f, path, fmt.Sprintf("emulator: field '%s.%s' is not defined", objType.Name, name), "")
		return nil, true
	}
	nullable := !def.Type.NonNull
	if !ex.charge(f, path) {
		return nil, nullable
	}
	if depth > MaxDepth {
		ex.fail(f, path, fmt.Sprintf("emulator: query is nested deeper than %d", MaxDepth), "")
		return nil, nullable
	}
	if err := ex.ctx.Err(); err != nil {
		ex.fail(f, path, "emulator: "+err.Error(), "")
		return nil, nullable
	}
	args, err := ex.e.coerceArgs(def.Arguments, f.Arguments, ex.vars)
	if err != nil {
		ex.fail(f, path, err.Error(), "")
		return nil, nullable
	}
	if msg, typ := paginationError(def, args); msg != "" {
		ex.fail(f, path, msg, typ)
		return nil, nullable
	}
	var val any
	if objType == ex.e.schema.Query && (name == "__schema" || name == "__type") {
		val = ex.e.introspect(name, args)
	} else {
		val, err = resolve(ex.ctx, obj, name, args)
		if err != nil {
			ex.resolverError(f, path, objType.Name, name, err)
			return nil, nullable
		}
	}
	return ex.complete(def.Type, fields, val, path, depth, objType.Name+"."+name)
}

// charge counts one resolved field against MaxResolvedFields. After the
// budget runs out it reports a single error and every further field is null,
// which keeps the response bounded without aborting it.
func (ex *execution) charge(f *ast.Field, path []any) bool {
	if ex.exhausted {
		return false
	}
	ex.resolved++
	if ex.resolved > MaxResolvedFields {
		ex.exhausted = true
		ex.fail(f, path, fmt.Sprintf("emulator: query resolves more than %d fields", MaxResolvedFields), "")
		return false
	}
	return true
}

// fieldDef finds a field definition on an object type. The linear scan is
// fine: types have at most a few hundred fields.
func (e *Executor) fieldDef(objType *ast.Definition, name string) *ast.FieldDefinition {
	if objType == nil {
		return nil
	}
	return objType.Fields.ForName(name)
}

// resolve calls the resolver, turning a panic into an error so one broken
// resolver fails one field instead of the emulator process.
func resolve(ctx context.Context, obj Object, name string, args map[string]any) (val any, err error) {
	if isNil(obj) {
		return nil, ErrNoField
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("emulator: resolver panicked: %v", r)
		}
	}()
	return obj.Field(ctx, name, args)
}

// resolverError records a resolver's error in GitHub's shape.
func (ex *execution) resolverError(f *ast.Field, path []any, typeName, name string, err error) {
	if errors.Is(err, ErrNoField) {
		ex.fail(f, path, fmt.Sprintf("emulator: field '%s.%s' is not implemented", typeName, name), "")
		return
	}
	var gerr *Error
	if errors.As(err, &gerr) {
		ex.fail(f, path, gerr.Message, gerr.Type)
		return
	}
	ex.fail(f, path, err.Error(), "")
}

func (ex *execution) fail(f *ast.Field, path []any, msg, typ string) {
	ex.errs = append(ex.errs, ResponseError{
		Type:      typ,
		Path:      path,
		Locations: positionLocations(f.Position),
		Message:   msg,
	})
}

// complete implements CompleteValue for a resolved value. ok is false when
// the result is null because of an error (reported already) and typ is
// non-null, so the null must propagate to the parent.
func (ex *execution) complete(typ *ast.Type, fields []*ast.Field, val any, path []any, depth int, label string) (any, bool) {
	v, failed := ex.completeNullable(typ, fields, val, path, depth, label)
	if !typ.NonNull {
		return v, true
	}
	if failed {
		return nil, false
	}
	if v == nil {
		ex.fail(fields[0], path, "Cannot return null for non-nullable field "+label, "")
		return nil, false
	}
	return v, true
}

// completeNullable completes val ignoring typ's own non-null flag. failed
// reports that the null result stems from an error that was already recorded.
func (ex *execution) completeNullable(typ *ast.Type, fields []*ast.Field, val any, path []any, depth int, label string) (v any, failed bool) {
	if isNil(val) {
		// A nil slice is Go's empty list; treating it as null would make
		// every resolver special-case empty results for [T!]! fields.
		if rv := reflect.ValueOf(val); typ.Elem != nil && rv.IsValid() && rv.Kind() == reflect.Slice {
			return []any{}, false
		}
		return nil, false
	}
	if typ.Elem != nil {
		rv := reflect.ValueOf(val)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			ex.fail(fields[0], path, fmt.Sprintf("emulator: %s: expected a list, got %T", label, val), "")
			return nil, true
		}
		out := make([]any, 0, rv.Len())
		for i := range rv.Len() {
			item, ok := ex.complete(typ.Elem, fields, rv.Index(i).Interface(), appendPath(path, i), depth, label)
			if !ok {
				return nil, true
			}
			out = append(out, item)
		}
		return out, false
	}
	def := ex.e.schema.Types[typ.NamedType]
	if def == nil {
		ex.fail(fields[0], path, "emulator: unknown type "+typ.NamedType, "")
		return nil, true
	}
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		out, err := serializeLeaf(def, val)
		if err != nil {
			ex.fail(fields[0], path, fmt.Sprintf("emulator: %s: %v", label, err), "")
			return nil, true
		}
		return out, false
	}
	obj, ok := val.(Object)
	if !ok {
		ex.fail(fields[0], path, fmt.Sprintf("emulator: %s: expected an object of type %s, got %T", label, def.Name, val), "")
		return nil, true
	}
	concrete, err := ex.e.concreteType(def, obj)
	if err != nil {
		ex.fail(fields[0], path, fmt.Sprintf("emulator: %s: %v", label, err), "")
		return nil, true
	}
	// Merge the sub-selections of all fields sharing this response key
	// (spec's MergeSelectionSets) so fragments selecting the same field
	// contribute their sub-fields.
	sub := fields[0].SelectionSet
	if len(fields) > 1 {
		sub = nil
		for _, f := range fields {
			sub = append(sub, f.SelectionSet...)
		}
	}
	m, ok := ex.selectionSet(concrete, obj, sub, path, depth)
	if !ok {
		return nil, true
	}
	return m, false
}

// concreteType determines the object type of a resolver's object for a
// field of type def (an object, interface or union type).
func (e *Executor) concreteType(def *ast.Definition, obj Object) (*ast.Definition, error) {
	name := obj.TypeName()
	if name == "" && def.Kind == ast.Object {
		return def, nil
	}
	concrete := e.schema.Types[name]
	if concrete == nil || concrete.Kind != ast.Object {
		return nil, fmt.Errorf("resolver returned an object of unknown object type %q", name)
	}
	if def.Kind == ast.Object {
		if concrete != def {
			return nil, fmt.Errorf("resolver returned a %s where a %s was expected", name, def.Name)
		}
		return def, nil
	}
	if !e.possible[def.Name][name] {
		return nil, fmt.Errorf("resolver returned a %s, which is not a possible type of %s", name, def.Name)
	}
	return concrete, nil
}

// isNil reports whether v is nil or a typed nil (pointer, map, slice, …),
// so resolvers may return a nil *T for a missing object.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// serializeLeaf implements result coercion for scalars and enums.
func serializeLeaf(def *ast.Definition, val any) (any, error) {
	val = deref(val)
	if t, ok := val.(time.Time); ok {
		switch def.Name {
		case "Int", "Float", "Boolean", "ID":
		default:
			if def.Kind == ast.Scalar {
				return t.UTC().Format(time.RFC3339), nil
			}
		}
		return nil, fmt.Errorf("%s cannot represent a time", def.Name)
	}
	if def.Kind == ast.Enum {
		s, ok := stringValue(val)
		if !ok {
			if st, isStringer := val.(fmt.Stringer); isStringer {
				s, ok = st.String(), true
			}
		}
		if !ok || def.EnumValues.ForName(s) == nil {
			return nil, fmt.Errorf("enum %s cannot represent value: %#v", def.Name, val)
		}
		return s, nil
	}
	switch def.Name {
	case "Int":
		if _, i, isInt, ok := number(val); ok && isInt {
			return i, nil
		}
	case "Float":
		if f, _, _, ok := number(val); ok {
			return f, nil
		}
	case "String":
		if s, ok := stringValue(val); ok {
			return s, nil
		}
	case "Boolean":
		if rv := reflect.ValueOf(val); rv.Kind() == reflect.Bool {
			return rv.Bool(), nil
		}
	case "ID":
		if s, ok := stringValue(val); ok {
			return s, nil
		}
		if _, i, isInt, ok := number(val); ok && isInt {
			return strconv.FormatInt(i, 10), nil
		}
	default:
		// Custom scalars (DateTime, URI, GitObjectID, BigInt, …) pass
		// through; Stringers such as *url.URL serialize as text.
		if st, ok := val.(fmt.Stringer); ok {
			return st.String(), nil
		}
		return jsonSafe(val), nil
	}
	return nil, fmt.Errorf("%s cannot represent value: %#v", def.Name, val)
}

// jsonSafe normalizes a custom scalar value for the response encoder:
// numbers become int64/float64, containers []any/map[string]any.
func jsonSafe(v any) any {
	switch v := plainValue(v).(type) {
	case int:
		return int64(v)
	default:
		return v
	}
}

// maxPageSize is the most records one connection may return (GitHub's docs,
// "Rate limits and query limits for the GraphQL API": "Clients must supply a
// first or last argument on any connection. Values of first and last must be
// within 1-100").
const maxPageSize = 100

// paginationError is GitHub's refusal of a connection asked for without first
// or last, or for more than 100 records, with GitHub's words and error types.
func paginationError(def *ast.FieldDefinition, args map[string]any) (msg, typ string) {
	if def.Type.Elem != nil || !strings.HasSuffix(def.Type.NamedType, "Connection") ||
		def.Arguments.ForName("first") == nil || def.Arguments.ForName("last") == nil {
		return "", ""
	}
	first, hasFirst := args["first"].(int)
	last, hasLast := args["last"].(int)
	switch {
	case !hasFirst && !hasLast:
		return fmt.Sprintf("You must provide a `first` or `last` value to properly paginate the `%s` connection.", def.Name), "MISSING_PAGINATION_BOUNDARIES"
	case hasFirst && (first > maxPageSize || first < 0):
		return fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `first` limit of %d records.", first, def.Name, maxPageSize), "EXCESSIVE_PAGINATION"
	case hasLast && (last > maxPageSize || last < 0):
		return fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `last` limit of %d records.", last, def.Name, maxPageSize), "EXCESSIVE_PAGINATION"
	}
	return "", ""
}
