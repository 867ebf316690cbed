package gql

import (
	"errors"
	"math"

	"github.com/vektah/gqlparser/v2/ast"
)

// Cost is the primary rate-limit cost of a valid request, in points, computed as
// GitHub documents it ("Rate limits and query limits for the GraphQL API",
// Predicting the point value of a query): add up the requests needed to fulfil
// each connection (a field with a first or last argument), assuming every
// connection returns its first/last count of nodes — a connection nested in
// another is fetched once per parent node — then divide by 100 and round to the
// nearest whole number; the minimum is 1. GitHub's own cost may differ (the docs
// call the formula rough); the emulator only needs a budget that large queries
// use faster than small ones.
func (e *Executor) Cost(req Request) (int, error) {
	p, errs := e.prepare(req)
	if errs != nil {
		return 0, errors.New(errs[0].Message)
	}
	requests := 0.0
	var walk func(set ast.SelectionSet, parents float64)
	walk = func(set ast.SelectionSet, parents float64) {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				n := pageSize(sel, p.vars)
				if n > 0 {
					requests += parents
					walk(sel.SelectionSet, parents*float64(n))
				} else {
					walk(sel.SelectionSet, parents)
				}
			case *ast.InlineFragment:
				walk(sel.SelectionSet, parents)
			case *ast.FragmentSpread:
				// Validation rejected cyclic fragments, so this ends.
				if f := p.fragments[sel.Name]; f != nil {
					walk(f.SelectionSet, parents)
				}
			}
		}
	}
	walk(p.op.SelectionSet, 1)
	return max(1, int(math.Round(requests/100))), nil
}

// pageSize is a field's first or last argument, 0 when it has neither.
func pageSize(f *ast.Field, vars map[string]any) int {
	n := 0
	for _, name := range []string{"first", "last"} {
		a := f.Arguments.ForName(name)
		if a == nil || a.Value == nil {
			continue
		}
		v, err := a.Value.Value(vars)
		if err != nil {
			continue
		}
		switch v := v.(type) {
		case int:
			n = max(n, v)
		case int64:
			n = max(n, int(v))
		case float64:
			n = max(n, int(v))
		}
	}
	return n
}
