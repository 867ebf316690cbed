package gql

import (
	"context"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Introspection is computed on demand from the ast.Schema through Object
// implementations, so it runs through the same executor (and limits) as any
// other query and costs nothing for requests that do not introspect.

// introspect resolves the Query root's __schema and __type fields.
func (e *Executor) introspect(name string, args map[string]any) any {
	if name == "__schema" {
		return &introSchema{e: e}
	}
	typeName, _ := args["name"].(string)
	if def := e.schema.Types[typeName]; def != nil {
		return &introType{e: e, def: def}
	}
	return nil
}

type introSchema struct{ e *Executor }

func (s *introSchema) TypeName() string { return "__Schema" }

func (s *introSchema) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	sch := s.e.schema
	switch name {
	case "description":
		return nonEmpty(sch.Description), nil
	case "types":
		s.e.prepareIntrospection()
		out := make([]Object, len(s.e.types))
		for i, d := range s.e.types {
			out[i] = &introType{e: s.e, def: d}
		}
		return out, nil
	case "queryType":
		return s.e.namedType(sch.Query), nil
	case "mutationType":
		return s.e.namedType(sch.Mutation), nil
	case "subscriptionType":
		return s.e.namedType(sch.Subscription), nil
	case "directives":
		s.e.prepareIntrospection()
		out := make([]Object, len(s.e.directives))
		for i, d := range s.e.directives {
			out[i] = &introDirective{e: s.e, d: d}
		}
		return out, nil
	}
	return nil, ErrNoField
}

// namedType returns the __Type for def, or an untyped nil for a missing
// root type.
func (e *Executor) namedType(def *ast.Definition) any {
	if def == nil {
		return nil
	}
	return &introType{e: e, def: def}
}

// introType is a __Type: either a named type (def) or a LIST/NON_NULL
// wrapper (wrap).
type introType struct {
	e    *Executor
	wrap *ast.Type
	def  *ast.Definition
}

// typeRef returns the __Type for a type reference such as [String!]!.
func (e *Executor) typeRef(t *ast.Type) Object {
	if t.NonNull || t.Elem != nil {
		return &introType{e: e, wrap: t}
	}
	def := e.schema.Types[t.NamedType]
	if def == nil {
		// Unreachable for a validated schema; a named placeholder is
		// better than a panic.
		def = &ast.Definition{Kind: ast.Scalar, Name: t.NamedType}
	}
	return &introType{e: e, def: def}
}

func (t *introType) TypeName() string { return "__Type" }

func (t *introType) Field(_ context.Context, name string, args map[string]any) (any, error) {
	includeDeprecated, _ := args["includeDeprecated"].(bool)
	if t.wrap != nil {
		switch name {
		case "kind":
			if t.wrap.NonNull {
				return "NON_NULL", nil
			}
			return "LIST", nil
		case "ofType":
			if t.wrap.NonNull {
				inner := *t.wrap
				inner.NonNull = false
				return t.e.typeRef(&inner), nil
			}
			return t.e.typeRef(t.wrap.Elem), nil
		case "name", "description", "specifiedByURL", "fields", "interfaces",
			"possibleTypes", "enumValues", "inputFields", "isOneOf":
			return nil, nil
		}
		return nil, ErrNoField
	}
	def := t.def
	switch name {
	case "kind":
		return typeKind(def.Kind), nil
	case "name":
		return def.Name, nil
	case "description":
		return nonEmpty(def.Description), nil
	case "specifiedByURL":
		if d := def.Directives.ForName("specifiedBy"); d != nil {
			if a := d.Arguments.ForName("url"); a != nil && a.Value != nil {
				return a.Value.Raw, nil
			}
		}
		return nil, nil
	case "fields":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		out := make([]Object, 0, len(def.Fields))
		for _, f := range def.Fields {
			// __schema and __type live on the query type for validation's
			// sake but are not part of its introspected fields.
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if dep, _ := deprecation(f.Directives); dep && !includeDeprecated {
				continue
			}
			out = append(out, &introField{e: t.e, f: f})
		}
		return out, nil
	case "interfaces":
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			return nil, nil
		}
		out := make([]Object, 0, len(def.Interfaces))
		for _, name := range def.Interfaces {
			if d := t.e.schema.Types[name]; d != nil {
				out = append(out, &introType{e: t.e, def: d})
			}
		}
		return out, nil
	case "possibleTypes":
		if def.Kind != ast.Interface && def.Kind != ast.Union {
			return nil, nil
		}
		defs := t.e.schema.GetPossibleTypes(def)
		out := make([]Object, 0, len(defs))
		for _, d := range defs {
			out = append(out, &introType{e: t.e, def: d})
		}
		return out, nil
	case "enumValues":
		if def.Kind != ast.Enum {
			return nil, nil
		}
		out := make([]Object, 0, len(def.EnumValues))
		for _, ev := range def.EnumValues {
			if dep, _ := deprecation(ev.Directives); dep && !includeDeprecated {
				continue
			}
			out = append(out, &introEnumValue{ev: ev})
		}
		return out, nil
	case "inputFields":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		out := make([]Object, 0, len(def.Fields))
		for _, f := range def.Fields {
			if dep, _ := deprecation(f.Directives); dep && !includeDeprecated {
				continue
			}
			out = append(out, &introInputValue{e: t.e, name: f.Name, description: f.Description,
				typ: f.Type, defaultValue: f.DefaultValue, directives: f.Directives})
		}
		return out, nil
	case "ofType":
		return nil, nil
	case "isOneOf":
		if def.Kind != ast.InputObject {
			return nil, nil
		}
		return def.Directives.ForName("oneOf") != nil, nil
	}
	return nil, ErrNoField
}

func typeKind(k ast.DefinitionKind) string {
	switch k {
	case ast.Scalar:
		return "SCALAR"
	case ast.Object:
		return "OBJECT"
	case ast.Interface:
		return "INTERFACE"
	case ast.Union:
		return "UNION"
	case ast.Enum:
		return "ENUM"
	case ast.InputObject:
		return "INPUT_OBJECT"
	}
	return string(k)
}

type introField struct {
	e *Executor
	f *ast.FieldDefinition
}

func (f *introField) TypeName() string { return "__Field" }

func (f *introField) Field(_ context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "name":
		return f.f.Name, nil
	case "description":
		return nonEmpty(f.f.Description), nil
	case "args":
		includeDeprecated, _ := args["includeDeprecated"].(bool)
		return f.e.inputValues(f.f.Arguments, includeDeprecated), nil
	case "type":
		return f.e.typeRef(f.f.Type), nil
	case "isDeprecated":
		dep, _ := deprecation(f.f.Directives)
		return dep, nil
	case "deprecationReason":
		_, reason := deprecation(f.f.Directives)
		return reason, nil
	}
	return nil, ErrNoField
}

func (e *Executor) inputValues(defs ast.ArgumentDefinitionList, includeDeprecated bool) []Object {
	out := make([]Object, 0, len(defs))
	for _, a := range defs {
		if dep, _ := deprecation(a.Directives); dep && !includeDeprecated {
			continue
		}
		out = append(out, &introInputValue{e: e, name: a.Name, description: a.Description,
			typ: a.Type, defaultValue: a.DefaultValue, directives: a.Directives})
	}
	return out
}

type introInputValue struct {
	e            *Executor
	name         string
	description  string
	typ          *ast.Type
	defaultValue *ast.Value
	directives   ast.DirectiveList
}

func (v *introInputValue) TypeName() string { return "__InputValue" }

func (v *introInputValue) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "name":
		return v.name, nil
	case "description":
		return nonEmpty(v.description), nil
	case "type":
		return v.e.typeRef(v.typ), nil
	case "defaultValue":
		if v.defaultValue == nil {
			return nil, nil
		}
		return v.defaultValue.String(), nil
	case "isDeprecated":
		dep, _ := deprecation(v.directives)
		return dep, nil
	case "deprecationReason":
		_, reason := deprecation(v.directives)
		return reason, nil
	}
	return nil, ErrNoField
}

type introEnumValue struct{ ev *ast.EnumValueDefinition }

func (v *introEnumValue) TypeName() string { return "__EnumValue" }

func (v *introEnumValue) Field(_ context.Context, name string, _ map[string]any) (any, error) {
	switch name {
	case "name":
		return v.ev.Name, nil
	case "description":
		return nonEmpty(v.ev.Description), nil
	case "isDeprecated":
		dep, _ := deprecation(v.ev.Directives)
		return dep, nil
	case "deprecationReason":
		_, reason := deprecation(v.ev.Directives)
		return reason, nil
	}
	return nil, ErrNoField
}

type introDirective struct {
	e *Executor
	d *ast.DirectiveDefinition
}

func (d *introDirective) TypeName() string { return "__Directive" }

func (d *introDirective) Field(_ context.Context, name string, args map[string]any) (any, error) {
	switch name {
	case "name":
		return d.d.Name, nil
	case "description":
		return nonEmpty(d.d.Description), nil
	case "isRepeatable":
		return d.d.IsRepeatable, nil
	case "locations":
		out := make([]string, len(d.d.Locations))
		for i, l := range d.d.Locations {
			out[i] = string(l)
		}
		return out, nil
	case "args":
		includeDeprecated, _ := args["includeDeprecated"].(bool)
		return d.e.inputValues(d.d.Arguments, includeDeprecated), nil
	}
	return nil, ErrNoField
}

// deprecation reports whether directives mark an element deprecated, and
// the reason (nil when it is not deprecated).
func deprecation(dirs ast.DirectiveList) (bool, any) {
	d := dirs.ForName("deprecated")
	if d == nil {
		return false, nil
	}
	if a := d.Arguments.ForName("reason"); a != nil && a.Value != nil && a.Value.Kind != ast.NullValue {
		return true, a.Value.Raw
	}
	return true, "No longer supported"
}

// nonEmpty maps gqlparser's "" (no description) to null, as graphql-js does.
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
