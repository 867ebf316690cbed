package gql

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Omit names what an older server's schema lacks, relative to a newer one:
// a GitHub Enterprise Server release before a feature has neither the
// feature's types nor the fields and enum values that reach them.
type Omit struct {
	// Types are type names; a name ending in "*" is a prefix ("MergeQueue*").
	// Every field, input field and argument of such a type goes with it, and
	// so does the union membership and interface of each.
	Types []string
	// Fields are "Type.field": fields of objects and interfaces, input
	// fields of input objects.
	Fields []string
	// EnumValues are "Enum.VALUE".
	EnumValues []string
}

// LoadSchemaWithout loads sdl as LoadSchema does, less what omit names and
// what the removal leaves behind: a field whose type is gone (a required
// argument's type too), an object, interface or input object left with no
// field, a union left with no member, and a type that only removed parts of
// the schema referred to. Removed names returns every type removed, sorted,
// so a caller can check what a version lacks.
func LoadSchemaWithout(name, sdl string, omit Omit) (s *ast.Schema, removed []string, err error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: name, Input: sdl})
	if err != nil {
		return nil, nil, fmt.Errorf("gql: load schema %s: %w", name, err)
	}
	for _, defs := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, def := range defs {
			def.Fields = dedupeFields(def.Fields)
		}
	}
	gone := omit.apply(doc)
	s, err = validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("gql: load schema %s without %v: %w", name, omit, err)
	}
	for n := range gone {
		removed = append(removed, n)
	}
	sort.Strings(removed)
	return s, removed, nil
}

// apply removes what o names from doc and returns the removed types' names.
func (o Omit) apply(doc *ast.SchemaDocument) map[string]bool {
	defs := append(append(ast.DefinitionList{}, doc.Definitions...), doc.Extensions...)
	gone := map[string]bool{}
	for _, d := range defs {
		for _, t := range o.Types {
			if p, ok := strings.CutSuffix(t, "*"); ok && strings.HasPrefix(d.Name, p) || t == d.Name {
				gone[d.Name] = true
			}
		}
	}
	fields := setOf(o.Fields)
	values := setOf(o.EnumValues)
	roots := map[string]bool{"Query": true, "Mutation": true, "Subscription": true}
	before := references(defs, map[string]bool{})
	for changed := true; changed; {
		changed = false
		for _, d := range defs {
			if gone[d.Name] || d.BuiltIn {
				continue
			}
			hadFields, hadTypes := len(d.Fields) > 0, len(d.Types) > 0
			kept := d.Fields[:0:0]
			for _, f := range d.Fields {
				if fields[d.Name+"."+f.Name] || gone[f.Type.Name()] {
					continue
				}
				args := f.Arguments[:0:0]
				drop := false
				for _, a := range f.Arguments {
					if !gone[a.Type.Name()] {
						args = append(args, a)
					} else if a.Type.NonNull && a.DefaultValue == nil {
						drop = true
					}
				}
				if drop {
					continue
				}
				f.Arguments = args
				kept = append(kept, f)
			}
			if len(kept) != len(d.Fields) {
				d.Fields, changed = kept, true
			}
			if len(d.Types) > 0 {
				var members []string
				var pos []*ast.Position
				for i, t := range d.Types {
					if gone[t] {
						continue
					}
					members = append(members, t)
					if i < len(d.TypePositions) {
						pos = append(pos, d.TypePositions[i])
					}
				}
				if len(members) != len(d.Types) {
					d.Types, changed = members, true
					if len(d.TypePositions) > 0 {
						d.TypePositions = pos
					}
				}
			}
			ifaces := d.Interfaces[:0:0]
			for _, i := range d.Interfaces {
				if !gone[i] {
					ifaces = append(ifaces, i)
				}
			}
			d.Interfaces = ifaces
			vals := d.EnumValues[:0:0]
			for _, v := range d.EnumValues {
				if !values[d.Name+"."+v.Name] {
					vals = append(vals, v)
				}
			}
			d.EnumValues = vals
			if (hadFields && len(d.Fields) == 0) || (hadTypes && len(d.Types) == 0) {
				gone[d.Name], changed = true, true
			}
		}
		// A type only removed parts referred to goes too (the parameters of
		// removed rule types, a removed input's enums).
		after := references(defs, gone)
		for n := range before {
			if !after[n] && !gone[n] && !roots[n] {
				gone[n], changed = true, true
			}
		}
	}
	keep := func(list ast.DefinitionList) ast.DefinitionList {
		out := list[:0:0]
		for _, d := range list {
			if !gone[d.Name] {
				out = append(out, d)
			}
		}
		return out
	}
	doc.Definitions, doc.Extensions = keep(doc.Definitions), keep(doc.Extensions)
	return gone
}

// references are the type names that the kept definitions' fields,
// arguments, union members and interfaces name, other than their own.
func references(defs ast.DefinitionList, gone map[string]bool) map[string]bool {
	refs := map[string]bool{}
	for _, d := range defs {
		if gone[d.Name] || d.BuiltIn {
			continue
		}
		add := func(n string) {
			if n != d.Name {
				refs[n] = true
			}
		}
		for _, f := range d.Fields {
			add(f.Type.Name())
			for _, a := range f.Arguments {
				add(a.Type.Name())
			}
		}
		for _, t := range d.Types {
			add(t)
		}
		for _, i := range d.Interfaces {
			add(i)
		}
	}
	return refs
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
