package apispec

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// GitHub validates request bodies with a JSON Schema validator and words its
// 422 answers like this (one problem per line after "Invalid request."):
//
//	"head" wasn't supplied.
//	For 'properties/draft', "yes" is not a boolean.
//	For 'properties/state', "x" is not a member of ["open", "closed"].
//	For 'properties/labels/items', 1 is not a string.
//	"foo" is not a permitted key.
//
// The pointer names the place in the schema (not in the body), and values
// are written the way Ruby's inspect writes them (nil, {"a"=>1}). The
// functions below translate kin-openapi's schema errors into that wording.

// schemaErrorLines turns a kin-openapi VisitJSON error for root into
// GitHub-worded lines, deduplicated, in the order found. Missing required
// properties of one object are reported on one line, as GitHub does.
func schemaErrorLines(err error, root any) []string {
	var lines []string
	seen := map[string]bool{}
	add := func(line string) {
		if !seen[line] {
			seen[line] = true
			lines = append(lines, line)
		}
	}
	missing := map[string][]string{} // schema path of object -> names
	var missingOrder []string

	var walk func(error)
	walk = func(err error) {
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if !errors.As(err, &se) {
			add(err.Error())
			return
		}
		ptr := se.JSONPointer()
		if se.SchemaField == "required" && len(ptr) > 0 {
			at := schemaPath(ptr[:len(ptr)-1], root)
			if _, ok := missing[at]; !ok {
				missingOrder = append(missingOrder, at)
			}
			missing[at] = append(missing[at], ptr[len(ptr)-1])
			return
		}
		add(schemaErrorLine(se, schemaPath(ptr, root)))
	}
	walk(err)

	for _, at := range missingOrder {
		names := missing[at]
		sort.Strings(names)
		add(forPath(at) + `"` + strings.Join(names, `", "`) + `" wasn't supplied.`)
	}
	return lines
}

func schemaErrorLine(se *openapi3.SchemaError, at string) string {
	prefix := forPath(at)
	switch se.SchemaField {
	case "type", "nullable":
		return prefix + rubyInspect(se.Value) + " is not " + typeList(se.Schema) + "."
	case "enum":
		return prefix + rubyInspect(se.Value) + " is not a member of " + rubyInspect(se.Schema.Enum) + "."
	case "oneOf":
		if errors.Is(se.Origin, openapi3.ErrOneOfConflict) {
			return prefix + `More than one subschema in "oneOf" matched.`
		}
		return prefix + `No subschema in "oneOf" matched.`
	case "anyOf":
		return prefix + `No subschema in "anyOf" matched.`
	case "allOf":
		return prefix + `Not all subschemas of "allOf" matched.`
	case "properties":
		// kin-openapi's reason is `property "name" is unsupported`.
		if _, rest, ok := strings.Cut(se.Reason, "property "); ok {
			if name, err := strconv.QuotedPrefix(rest); err == nil {
				return prefix + name + " is not a permitted key."
			}
		}
	case "maxLength":
		if s, ok := se.Value.(string); ok && se.Schema.MaxLength != nil {
			return fmt.Sprintf("%sExpected string to have a maximum length of %d, was %d characters long.", prefix, *se.Schema.MaxLength, len([]rune(s)))
		}
	case "minLength":
		if s, ok := se.Value.(string); ok {
			return fmt.Sprintf("%sExpected string to have a minimum length of %d, was %d characters long.", prefix, se.Schema.MinLength, len([]rune(s)))
		}
	case "maxItems":
		if se.Schema.MaxItems != nil {
			return fmt.Sprintf("%sExpected array to have at most %d items.", prefix, *se.Schema.MaxItems)
		}
	case "minItems":
		return fmt.Sprintf("%sExpected array to have at least %d items.", prefix, se.Schema.MinItems)
	case "maxProperties":
		if se.Schema.MaxProps != nil {
			return fmt.Sprintf("%sExpected object to have at most %d properties.", prefix, *se.Schema.MaxProps)
		}
	}
	// Rarer rules (minimum, pattern, ...): kin-openapi's reason, which never
	// includes the value.
	reason := se.Reason
	if reason == "" {
		reason = fmt.Sprintf("%s does not match %q", rubyInspect(se.Value), se.SchemaField)
	}
	return prefix + reason + "."
}

func forPath(at string) string {
	if at == "" {
		return ""
	}
	return "For '" + at + "', "
}

// schemaPath converts a JSON pointer into the body (["labels", "0"]) into
// the schema path GitHub names ("properties/labels/items"), using root to
// tell array indexes from property names.
func schemaPath(ptr []string, root any) string {
	parts := make([]string, 0, len(ptr))
	cur := root
	for _, tok := range ptr {
		switch v := cur.(type) {
		case []any:
			parts = append(parts, "items")
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				cur = nil
				continue
			}
			cur = v[i]
		case map[string]any:
			parts = append(parts, "properties/"+tok)
			cur = v[tok]
		default:
			parts = append(parts, tok)
			cur = nil
		}
	}
	return strings.Join(parts, "/")
}

// typeList words the types a schema allows: "a string", "an integer or null".
func typeList(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(*s.Type) == 0 {
		return "of the documented type"
	}
	var words []string
	for _, t := range *s.Type {
		switch t {
		case openapi3.TypeInteger, openapi3.TypeObject, openapi3.TypeArray:
			words = append(words, "an "+t)
		case openapi3.TypeNull:
			words = append(words, "null")
		default:
			words = append(words, "a "+t)
		}
	}
	if s.Nullable {
		words = append(words, "null")
	}
	return strings.Join(words, " or ")
}

// rubyInspect writes a decoded JSON value the way Ruby's inspect does, which
// is how GitHub quotes values in its validation messages.
func rubyInspect(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return strconv.Quote(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = rubyInspect(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + "=>" + rubyInspect(v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// unknownProperties lists, as JSON pointers into the body, the object
// properties that the schema does not document although it lists the
// properties of that object (and does not allow additional ones). GitHub
// silently ignores most of them, so they are deviations, not rejections.
//
// Alternatives (allOf/anyOf/oneOf) are merged: a property documented by any
// of them counts as documented, so a value is never blamed for a property
// that one of the alternatives allows.
func unknownProperties(s *openapi3.Schema, v any) []string {
	var out []string
	var walk func(schemas []*openapi3.Schema, v any, ptr string, depth int)
	walk = func(schemas []*openapi3.Schema, v any, ptr string, depth int) {
		if depth > 64 || len(schemas) == 0 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			props := map[string][]*openapi3.Schema{}
			var listed, open bool
			for _, s := range schemas {
				collectShape(s, props, &listed, &open, 0)
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				child := ptr + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
				if subs, ok := props[k]; ok {
					walk(subs, v[k], child, depth+1)
				} else if listed && !open {
					out = append(out, strconv.Quote(strings.TrimPrefix(child, "/")))
				}
			}
		case []any:
			var items []*openapi3.Schema
			for _, s := range schemas {
				collectItems(s, &items, 0)
			}
			for i, x := range v {
				walk(items, x, ptr+"/"+strconv.Itoa(i), depth+1)
			}
		}
	}
	walk([]*openapi3.Schema{s}, v, "", 0)
	return out
}

// collectShape gathers the documented properties of s and its alternatives,
// and whether any of them lists properties or allows additional ones.
func collectShape(s *openapi3.Schema, props map[string][]*openapi3.Schema, listed, open *bool, depth int) {
	if s == nil || depth > 16 {
		return
	}
	for name, ref := range s.Properties {
		*listed = true
		if ref != nil && ref.Value != nil {
			props[name] = append(props[name], ref.Value)
		} else {
			props[name] = append(props[name], nil)
		}
	}
	if ap := s.AdditionalProperties; ap.Schema != nil || (ap.Has != nil && *ap.Has) {
		*open = true
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range list {
			if sub != nil {
				collectShape(sub.Value, props, listed, open, depth+1)
			}
		}
	}
}

// collectItems gathers the item schemas of s and its alternatives.
func collectItems(s *openapi3.Schema, items *[]*openapi3.Schema, depth int) {
	if s == nil || depth > 16 {
		return
	}
	if s.Items != nil && s.Items.Value != nil {
		*items = append(*items, s.Items.Value)
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range list {
			if sub != nil {
				collectItems(sub.Value, items, depth+1)
			}
		}
	}
}
