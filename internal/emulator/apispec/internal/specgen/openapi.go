// Package specgen trims GitHub's published API descriptions into the small,
// committed files that package apispec embeds. It is used by the
// apispec/gen command (run through script/gen-apispec) and by apispec's tests,
// which re-run it to prove the committed files are regenerable.
package specgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Op names one operation to keep: method and path template as in the source
// description, and the operationId expected there (empty: not checked).
// Source, when set, names another description file of the same package that
// holds the operation (an operation only GitHub Enterprise Server has, such as
// its site admin's "Create an organization"); the operation is taken from
// there, and what it references must resolve in the main description.
type Op struct {
	Method string
	Path   string
	ID     string
	Source string
}

// Package identifies the npm package a source file came from; it is recorded
// in the generated files so a reader knows what they were cut from.
type Package struct {
	Name    string
	Version string
	File    string // path of the source file inside the package
}

func (p Package) String() string {
	return fmt.Sprintf("%s@%s %s", p.Name, p.Version, p.File)
}

// OpenAPI trims the OpenAPI 3.0 description src down to ops and every
// #/components object they transitively reference, with documentation-only
// keys stripped. It fails if an operation is missing, if its operationId
// differs from the expected one, or if a reference cannot be resolved.
//
// The output is minified JSON with sorted object keys, so the same input
// always produces byte-identical output.
func OpenAPI(src []byte, pkg Package, ops []Op) ([]byte, error) {
	return OpenAPIWith(src, pkg, ops, nil)
}

// OpenAPIWith is OpenAPI where ops with a Source are taken from extra[Source],
// another description of the same package (its file contents).
func OpenAPIWith(src []byte, pkg Package, ops []Op, extra map[string][]byte) ([]byte, error) {
	doc, err := decodeDescription(src, pkg.String())
	if err != nil {
		return nil, err
	}
	extraPaths := map[string]map[string]any{}
	for name, data := range extra {
		d, err := decodeDescription(data, name)
		if err != nil {
			return nil, err
		}
		extraPaths[name], _ = d["paths"].(map[string]any)
	}
	version, _ := doc["openapi"].(string)
	if !strings.HasPrefix(version, "3.0.") {
		return nil, fmt.Errorf("%s: openapi version %q, want 3.0.x", pkg, version)
	}
	srcPaths, _ := doc["paths"].(map[string]any)
	srcComponents, _ := doc["components"].(map[string]any)
	if srcPaths == nil || srcComponents == nil {
		return nil, fmt.Errorf("%s: no paths or components", pkg)
	}

	c := &cleaner{refs: map[string]bool{}}
	paths := map[string]any{}
	var missing []string
	for _, op := range ops {
		from := srcPaths
		if op.Source != "" {
			from = extraPaths[op.Source]
		}
		item, _ := from[op.Path].(map[string]any)
		method := strings.ToLower(op.Method)
		operation, _ := item[method].(map[string]any)
		if operation == nil {
			missing = append(missing, fmt.Sprintf("%s %s: not in the source description %s", op.Method, op.Path, op.Source))
			continue
		}
		if id, _ := operation["operationId"].(string); op.ID != "" && id != op.ID {
			missing = append(missing, fmt.Sprintf("%s %s: operationId is %q, want %q", op.Method, op.Path, id, op.ID))
			continue
		}
		out, _ := paths[op.Path].(map[string]any)
		if out == nil {
			out = c.pathItem(item)
			paths[op.Path] = out
		}
		if _, dup := out[method]; dup {
			return nil, fmt.Errorf("operation %s %s listed twice", op.Method, op.Path)
		}
		out[method] = c.operation(operation)
		if op.Source != "" {
			// Say where it came from: only that product serves it.
			out[method].(map[string]any)["x-source"] = op.Source
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s lacks listed operations:\n  %s", pkg, strings.Join(missing, "\n  "))
	}

	// Resolve the transitive closure of component references. Cleaning a
	// component records the references it contains, so iterate until no new
	// reference turns up.
	components := map[string]any{}
	done := map[string]bool{}
	for {
		var pending []string
		for ref := range c.refs {
			if !done[ref] {
				pending = append(pending, ref)
			}
		}
		if len(pending) == 0 {
			break
		}
		sort.Strings(pending)
		for _, ref := range pending {
			done[ref] = true
			kind, name, ok := splitComponentRef(ref)
			if !ok {
				return nil, fmt.Errorf("unsupported reference %q (only #/components/<kind>/<name>)", ref)
			}
			kindMap, _ := srcComponents[kind].(map[string]any)
			obj, _ := kindMap[name].(map[string]any)
			if obj == nil {
				return nil, fmt.Errorf("dangling reference %q", ref)
			}
			clean, err := c.component(kind, obj)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ref, err)
			}
			out, _ := components[kind].(map[string]any)
			if out == nil {
				out = map[string]any{}
				components[kind] = out
			}
			out[name] = clean
		}
	}

	info, _ := doc["info"].(map[string]any)
	title, _ := info["title"].(string)
	result := map[string]any{
		"openapi": version,
		"info": map[string]any{
			"title":   title,
			"version": pkg.Version,
			// Where this trimmed copy came from; kin-openapi keeps x- keys as
			// extensions, so the document stays valid.
			"x-source": pkg.String() + ", trimmed by internal/emulator/apispec/gen (script/gen-apispec)",
		},
		"paths":      paths,
		"components": components,
	}
	if servers, ok := doc["servers"].([]any); ok {
		result["servers"] = c.servers(servers)
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// encoding/json sorts map keys, which is what makes the output
	// deterministic; HTML escaping would only make patterns harder to read.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(result); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeDescription parses an OpenAPI document, keeping numbers as written (no
// float64 round trip), which keeps the output faithful and deterministic.
func decodeDescription(src []byte, name string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return doc, nil
}

func splitComponentRef(ref string) (kind, name string, ok bool) {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return "", "", false
	}
	kind, name, ok = strings.Cut(rest, "/")
	if !ok || name == "" || strings.Contains(name, "/") || strings.Contains(name, "~") {
		return "", "", false
	}
	return kind, name, true
}

// cleaner copies parts of the description, dropping documentation-only keys
// and recording every $ref it passes. It walks the document by OpenAPI object
// type rather than by key name alone, so that, for instance, a schema property
// called "description" or "example" is kept while a schema's own description
// is dropped.
type cleaner struct {
	refs map[string]bool
}

// docKeys are dropped from every object type below (except where noted):
// they never affect what a request may contain.
var docKeys = map[string]bool{
	"description":  true,
	"summary":      true,
	"example":      true,
	"examples":     true,
	"externalDocs": true,
}

// keepExtensions are the x- keys that carry meaning for the emulator.
// x-multi-segment marks path parameters whose value may contain slashes
// (branch names, refs, file paths), which the request matcher relies on.
var keepExtensions = map[string]bool{
	"x-multi-segment": true,
}

func dropKey(k string) bool {
	if docKeys[k] {
		return true
	}
	return strings.HasPrefix(k, "x-") && !keepExtensions[k]
}

type childFunc func(any) any

// object copies m without its documentation keys, transforming the values of
// the keys listed in children. Keys not listed are copied verbatim.
func (c *cleaner) object(m map[string]any, children map[string]childFunc) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if dropKey(k) {
			continue
		}
		if f, ok := children[k]; ok {
			out[k] = f(v)
			continue
		}
		out[k] = v
	}
	return out
}

// refOr returns a bare {"$ref": ...} for a Reference Object (siblings of $ref
// are ignored in OpenAPI 3.0, and here they are only descriptions) and
// otherwise cleans v with f.
func (c *cleaner) refOr(f func(map[string]any) map[string]any) childFunc {
	return func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		if ref, ok := m["$ref"].(string); ok {
			c.refs[ref] = true
			return map[string]any{"$ref": ref}
		}
		return f(m)
	}
}

func eachInList(f childFunc) childFunc {
	return func(v any) any {
		list, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(list))
		for i, x := range list {
			out[i] = f(x)
		}
		return out
	}
}

func eachInMap(f childFunc) childFunc {
	return func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = f(x)
		}
		return out
	}
}

func (c *cleaner) pathItem(item map[string]any) map[string]any {
	out := map[string]any{}
	// Path-level parameters and servers apply to every operation.
	if params, ok := item["parameters"]; ok {
		out["parameters"] = eachInList(c.refOr(c.parameter))(params)
	}
	if servers, ok := item["servers"].([]any); ok {
		out["servers"] = c.servers(servers)
	}
	return out
}

func (c *cleaner) operation(op map[string]any) map[string]any {
	out := c.object(op, map[string]childFunc{
		"parameters":  eachInList(c.refOr(c.parameter)),
		"requestBody": c.refOr(c.requestBody),
		"responses":   eachInMap(c.refOr(c.response)),
		"servers": func(v any) any {
			list, _ := v.([]any)
			return c.servers(list)
		},
	})
	delete(out, "tags") // grouping for the docs only
	return out
}

func (c *cleaner) servers(list []any) []any {
	out := make([]any, 0, len(list))
	for _, s := range list {
		if m, ok := s.(map[string]any); ok {
			out = append(out, c.object(m, map[string]childFunc{
				"variables": eachInMap(func(v any) any {
					m, ok := v.(map[string]any)
					if !ok {
						return v
					}
					return c.object(m, nil)
				}),
			}))
		}
	}
	return out
}

func (c *cleaner) parameter(p map[string]any) map[string]any {
	return c.object(p, map[string]childFunc{
		"schema":  c.refOr(c.schema),
		"content": c.content,
	})
}

func (c *cleaner) requestBody(b map[string]any) map[string]any {
	return c.object(b, map[string]childFunc{"content": c.content})
}

func (c *cleaner) response(r map[string]any) map[string]any {
	out := c.object(r, map[string]childFunc{
		"headers": eachInMap(c.refOr(c.parameter)),
		"content": c.content,
	})
	// OpenAPI 3.0 requires a response description; keep the key, not the text.
	out["description"] = ""
	delete(out, "links") // navigation hints for readers, never validated
	return out
}

func (c *cleaner) content(v any) any {
	return eachInMap(func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		return c.object(m, map[string]childFunc{
			"schema": c.refOr(c.schema),
			"encoding": eachInMap(func(v any) any {
				m, ok := v.(map[string]any)
				if !ok {
					return v
				}
				return c.object(m, map[string]childFunc{
					"headers": eachInMap(c.refOr(c.parameter)),
				})
			}),
		})
	})(v)
}

func (c *cleaner) schema(s map[string]any) map[string]any {
	sub := c.refOr(c.schema)
	out := c.object(s, map[string]childFunc{
		"properties": eachInMap(sub),
		"items":      sub,
		"not":        sub,
		"allOf":      eachInList(sub),
		"anyOf":      eachInList(sub),
		"oneOf":      eachInList(sub),
		"additionalProperties": func(v any) any {
			if _, ok := v.(bool); ok {
				return v
			}
			return sub(v)
		},
	})
	delete(out, "title") // a label for docs; never affects validation
	return out
}

// component cleans one object found under #/components/<kind>.
func (c *cleaner) component(kind string, obj map[string]any) (map[string]any, error) {
	var f func(map[string]any) map[string]any
	switch kind {
	case "schemas":
		f = c.schema
	case "parameters", "headers":
		f = c.parameter
	case "responses":
		f = c.response
	case "requestBodies":
		f = c.requestBody
	default:
		// examples, links, callbacks, securitySchemes: none of these should be
		// reachable once documentation keys are gone.
		return nil, fmt.Errorf("unexpected component kind %q", kind)
	}
	return c.refOr(f)(obj).(map[string]any), nil
}
