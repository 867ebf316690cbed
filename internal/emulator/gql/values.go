package gql

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// problem is one entry of the "problems" extension GitHub attaches to an
// invalid variable value.
type problem struct {
	path        []any
	explanation string
}

// coerceVariables coerces the request's variables against the operation's
// declarations (GraphQL's CoerceVariableValues). The result uses the same Go
// types resolvers receive for arguments, so variables can be substituted
// into arguments without further conversion. Undeclared variables are
// ignored, as GitHub does.
func (e *Executor) coerceVariables(op *ast.OperationDefinition, raw map[string]any) (map[string]any, []ResponseError) {
	out := make(map[string]any, len(op.VariableDefinitions))
	var errs []ResponseError
	for _, def := range op.VariableDefinitions {
		val, present := raw[def.Variable]
		var probs []problem
		switch {
		case present:
			out[def.Variable] = e.coerceInput(val, def.Type, nil, &probs)
		case def.DefaultValue != nil:
			v, _, err := e.coerceLiteral(def.DefaultValue, def.Type, nil)
			if err != nil {
				probs = append(probs, problem{path: []any{}, explanation: err.Error()})
			} else {
				out[def.Variable] = v
			}
		case def.Type.NonNull:
			probs = append(probs, problem{path: []any{}, explanation: "Expected value to not be null"})
		}
		if len(probs) == 0 {
			continue
		}
		list := make([]any, len(probs))
		for i, p := range probs {
			list[i] = map[string]any{"path": p.path, "explanation": p.explanation}
		}
		errs = append(errs, ResponseError{
			Message:    fmt.Sprintf("Variable $%s of type %s was provided invalid value", def.Variable, def.Type.String()),
			Locations:  positionLocations(def.Position),
			Extensions: map[string]any{"value": val, "problems": list},
		})
	}
	return out, errs
}

// coerceInput coerces a JSON-decoded (or Go-native) variable value to typ,
// recording problems instead of stopping at the first one so the error lists
// them all like GitHub does. Recursion follows typ, which is finite.
func (e *Executor) coerceInput(v any, typ *ast.Type, path []any, probs *[]problem) any {
	v = deref(v)
	if v == nil {
		if typ.NonNull {
			*probs = append(*probs, problem{path: pathOrEmpty(path), explanation: "Expected value to not be null"})
		}
		return nil
	}
	if typ.Elem != nil {
		rv := reflect.ValueOf(v)
		if (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && rv.Type().Elem().Kind() != reflect.Uint8 {
			out := make([]any, rv.Len())
			for i := range out {
				out[i] = e.coerceInput(rv.Index(i).Interface(), typ.Elem, appendPath(path, i), probs)
			}
			return out
		}
		// Input coercion wraps a single value into a one-element list.
		return []any{e.coerceInput(v, typ.Elem, path, probs)}
	}
	def := e.schema.Types[typ.NamedType]
	if def == nil {
		*probs = append(*probs, problem{path: pathOrEmpty(path), explanation: "Unknown type " + typ.NamedType})
		return nil
	}
	bad := func() any {
		*probs = append(*probs, problem{
			path:        pathOrEmpty(path),
			explanation: fmt.Sprintf("Could not coerce value %s to %s", jsonText(v), def.Name),
		})
		return nil
	}
	switch def.Kind {
	case ast.Scalar:
		out, ok := coerceScalarInput(def.Name, v)
		if !ok {
			return bad()
		}
		return out
	case ast.Enum:
		s, ok := stringValue(v)
		if !ok || def.EnumValues.ForName(s) == nil {
			names := make([]string, len(def.EnumValues))
			for i, ev := range def.EnumValues {
				names[i] = ev.Name
			}
			*probs = append(*probs, problem{
				path:        pathOrEmpty(path),
				explanation: fmt.Sprintf("Expected %s to be one of: %s", jsonText(v), strings.Join(names, ", ")),
			})
			return nil
		}
		return s
	case ast.InputObject:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
			return bad()
		}
		out := make(map[string]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			if def.Fields.ForName(iter.Key().String()) == nil {
				*probs = append(*probs, problem{
					path:        appendPath(path, iter.Key().String()),
					explanation: "Field is not defined on " + def.Name,
				})
			}
		}
		for _, f := range def.Fields {
			fv := rv.MapIndex(reflect.ValueOf(f.Name).Convert(rv.Type().Key()))
			switch {
			case fv.IsValid():
				out[f.Name] = e.coerceInput(fv.Interface(), f.Type, appendPath(path, f.Name), probs)
			case f.DefaultValue != nil:
				dv, _, err := e.coerceLiteral(f.DefaultValue, f.Type, nil)
				if err != nil {
					*probs = append(*probs, problem{path: appendPath(path, f.Name), explanation: err.Error()})
				} else {
					out[f.Name] = dv
				}
			case f.Type.NonNull:
				*probs = append(*probs, problem{path: appendPath(path, f.Name), explanation: "Expected value to not be null"})
			}
		}
		return out
	}
	return bad()
}

func pathOrEmpty(path []any) []any {
	if path == nil {
		return []any{}
	}
	return path
}

// jsonText renders a variable value the way it appeared in the request.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// deref follows pointers so Go callers may pass *string and the like.
func deref(v any) any {
	for {
		rv := reflect.ValueOf(v)
		if !rv.IsValid() {
			return nil
		}
		if rv.Kind() != reflect.Pointer {
			return v
		}
		if rv.IsNil() {
			return nil
		}
		v = rv.Elem().Interface()
	}
}

func stringValue(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// number converts any numeric Go value (including json.Number) to float64,
// and also reports its exact integer value when it has one.
func number(v any) (f float64, i int64, isInt, ok bool) {
	if n, isNum := v.(json.Number); isNum {
		if i, err := n.Int64(); err == nil {
			return float64(i), i, true, true
		}
		f, err := n.Float64()
		if err != nil {
			return 0, 0, false, false
		}
		return numberFromFloat(f)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), rv.Int(), true, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return float64(u), 0, false, true
		}
		return float64(u), int64(u), true, true
	case reflect.Float32, reflect.Float64:
		return numberFromFloat(rv.Float())
	}
	return 0, 0, false, false
}

func numberFromFloat(f float64) (float64, int64, bool, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, 0, false, false
	}
	// 2^63 itself is not representable as int64; stay below it.
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return f, int64(f), true, true
	}
	return f, 0, false, true
}

// coerceScalarInput coerces a variable value for a scalar type. Built-in
// scalars are strict, like GitHub; custom scalars (DateTime, URI, BigInt, …)
// pass through, with whole JSON numbers turned into int because BigInt is
// sent either as a number or as a string.
func coerceScalarInput(scalar string, v any) (any, bool) {
	switch scalar {
	case "Int":
		_, i, isInt, ok := number(v)
		if !ok || !isInt || i < math.MinInt32 || i > math.MaxInt32 {
			return nil, false
		}
		return int(i), true
	case "Float":
		f, _, _, ok := number(v)
		return f, ok
	case "String":
		return stringValue(v)
	case "Boolean":
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Bool {
			return rv.Bool(), true
		}
		return nil, false
	case "ID":
		if s, ok := stringValue(v); ok {
			return s, true
		}
		if _, i, isInt, ok := number(v); ok && isInt {
			return strconv.FormatInt(i, 10), true
		}
		return nil, false
	}
	return plainValue(v), true
}

// plainValue normalizes a custom-scalar value: whole numbers become int,
// other numbers float64, containers are copied recursively.
func plainValue(v any) any {
	v = deref(v)
	if v == nil {
		return nil
	}
	if s, ok := stringValue(v); ok {
		return s
	}
	if f, i, isInt, ok := number(v); ok {
		if isInt {
			return int(i)
		}
		return f
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool()
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plainValue(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return v
		}
		out := make(map[string]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			out[iter.Key().String()] = plainValue(iter.Value().Interface())
		}
		return out
	}
	return v
}

// coerceArgs builds the args map passed to a resolver from a field's or
// directive's argument definitions and the arguments written in the query.
// Absent arguments without defaults are left out of the map so resolvers can
// tell "not given" from null.
func (e *Executor) coerceArgs(defs ast.ArgumentDefinitionList, args ast.ArgumentList, vars map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(defs))
	for _, def := range defs {
		var (
			v       any
			present bool
			err     error
		)
		if arg := args.ForName(def.Name); arg != nil {
			v, present, err = e.coerceLiteral(arg.Value, def.Type, vars)
			if err != nil {
				return nil, fmt.Errorf("argument '%s' has an invalid value: %v", def.Name, err)
			}
		}
		if !present && def.DefaultValue != nil {
			v, present, err = e.coerceLiteral(def.DefaultValue, def.Type, nil)
			if err != nil {
				return nil, fmt.Errorf("argument '%s' has an invalid default value: %v", def.Name, err)
			}
		}
		if !present {
			if def.Type.NonNull {
				return nil, fmt.Errorf("argument '%s' of required type '%s' was not provided", def.Name, def.Type.String())
			}
			continue
		}
		if v == nil && def.Type.NonNull {
			return nil, fmt.Errorf("argument '%s' of non-null type '%s' must not be null", def.Name, def.Type.String())
		}
		out[def.Name] = v
	}
	return out, nil
}

// coerceLiteral coerces a value written in the document (or a schema
// default) to typ, substituting already-coerced variables. present is false
// when the value is a variable that was not provided, which callers treat as
// an absent argument or input field. Recursion follows the literal, whose
// nesting the parser bounds.
func (e *Executor) coerceLiteral(v *ast.Value, typ *ast.Type, vars map[string]any) (val any, present bool, err error) {
	if v == nil {
		return nil, false, nil
	}
	if v.Kind == ast.Variable {
		val, ok := vars[v.Raw]
		if !ok {
			return nil, false, nil
		}
		return wrapList(val, typ), true, nil
	}
	if v.Kind == ast.NullValue {
		if typ.NonNull {
			return nil, true, fmt.Errorf("expected a non-null %s", typ.String())
		}
		return nil, true, nil
	}
	if typ.Elem != nil {
		if v.Kind != ast.ListValue {
			item, _, err := e.coerceLiteral(v, typ.Elem, vars)
			return []any{item}, true, err
		}
		out := make([]any, len(v.Children))
		for i, c := range v.Children {
			item, itemPresent, err := e.coerceLiteral(c.Value, typ.Elem, vars)
			if err != nil {
				return nil, true, err
			}
			if !itemPresent && typ.Elem.NonNull {
				return nil, true, fmt.Errorf("expected a non-null %s", typ.Elem.String())
			}
			out[i] = item
		}
		return out, true, nil
	}
	def := e.schema.Types[typ.NamedType]
	if def == nil {
		return nil, true, fmt.Errorf("unknown type %s", typ.NamedType)
	}
	bad := func() (any, bool, error) {
		return nil, true, fmt.Errorf("expected type '%s', found %s", typ.String(), v.String())
	}
	switch def.Kind {
	case ast.Scalar:
		switch def.Name {
		case "Int":
			if v.Kind != ast.IntValue {
				return bad()
			}
			i, err := strconv.ParseInt(v.Raw, 10, 32)
			if err != nil {
				return bad()
			}
			return int(i), true, nil
		case "Float":
			if v.Kind != ast.IntValue && v.Kind != ast.FloatValue {
				return bad()
			}
			f, err := strconv.ParseFloat(v.Raw, 64)
			if err != nil {
				return bad()
			}
			return f, true, nil
		case "String":
			if v.Kind != ast.StringValue && v.Kind != ast.BlockValue {
				return bad()
			}
			return v.Raw, true, nil
		case "ID":
			if v.Kind != ast.StringValue && v.Kind != ast.BlockValue && v.Kind != ast.IntValue {
				return bad()
			}
			return v.Raw, true, nil
		case "Boolean":
			if v.Kind != ast.BooleanValue {
				return bad()
			}
			return v.Raw == "true", true, nil
		}
		return e.plainLiteral(v, vars), true, nil
	case ast.Enum:
		if v.Kind != ast.EnumValue || def.EnumValues.ForName(v.Raw) == nil {
			return bad()
		}
		return v.Raw, true, nil
	case ast.InputObject:
		if v.Kind != ast.ObjectValue {
			return bad()
		}
		out := make(map[string]any, len(def.Fields))
		for _, f := range def.Fields {
			var (
				fv        any
				fvPresent bool
				err       error
			)
			for _, c := range v.Children {
				if c.Name == f.Name {
					fv, fvPresent, err = e.coerceLiteral(c.Value, f.Type, vars)
					if err != nil {
						return nil, true, fmt.Errorf("%s: %w", f.Name, err)
					}
					break
				}
			}
			if !fvPresent && f.DefaultValue != nil {
				fv, fvPresent, err = e.coerceLiteral(f.DefaultValue, f.Type, nil)
				if err != nil {
					return nil, true, fmt.Errorf("%s: %w", f.Name, err)
				}
			}
			if !fvPresent {
				if f.Type.NonNull {
					return nil, true, fmt.Errorf("%s: expected a non-null %s", f.Name, f.Type.String())
				}
				continue
			}
			if fv == nil && f.Type.NonNull {
				return nil, true, fmt.Errorf("%s: expected a non-null %s", f.Name, f.Type.String())
			}
			out[f.Name] = fv
		}
		return out, true, nil
	}
	return bad()
}

// plainLiteral converts a custom-scalar literal to a plain Go value.
func (e *Executor) plainLiteral(v *ast.Value, vars map[string]any) any {
	switch v.Kind {
	case ast.Variable:
		return vars[v.Raw]
	case ast.IntValue:
		if i, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
			return int(i)
		}
		// Too large for int: BigInt values travel as strings anyway.
		return v.Raw
	case ast.FloatValue:
		f, _ := strconv.ParseFloat(v.Raw, 64)
		return f
	case ast.BooleanValue:
		return v.Raw == "true"
	case ast.NullValue:
		return nil
	case ast.ListValue:
		out := make([]any, len(v.Children))
		for i, c := range v.Children {
			out[i] = e.plainLiteral(c.Value, vars)
		}
		return out
	case ast.ObjectValue:
		out := make(map[string]any, len(v.Children))
		for _, c := range v.Children {
			out[c.Name] = e.plainLiteral(c.Value, vars)
		}
		return out
	}
	return v.Raw // strings, block strings, enum names
}

// wrapList applies input list coercion to a variable used where a list is
// expected: a single value becomes a one-element list. Validation normally
// rejects such uses, so this is a safety net that keeps resolvers from ever
// seeing a scalar where the schema promises a list.
func wrapList(v any, typ *ast.Type) any {
	if typ.Elem == nil || v == nil {
		return v
	}
	list, ok := v.([]any)
	if !ok {
		return []any{wrapList(v, typ.Elem)}
	}
	if typ.Elem.Elem == nil {
		return list
	}
	out := make([]any, len(list))
	for i, item := range list {
		out[i] = wrapList(item, typ.Elem)
	}
	return out
}
