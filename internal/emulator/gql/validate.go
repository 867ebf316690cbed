package gql

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// parseError maps a gqlparser syntax error to graphql-ruby's wording, which
// is what GitHub answers, e.g. `Parse error on "}" (RCURLY) at [1, 10]`.
func parseError(src *ast.Source, err error) *ResponseError {
	var gerr *gqlerror.Error
	if !errors.As(err, &gerr) {
		return &ResponseError{Message: "Parse error: " + err.Error()}
	}
	locs := gqlLocations(gerr.Locations)
	if len(locs) == 0 || strings.HasPrefix(gerr.Message, "exceeded ") {
		// Resource limits (token count, nesting depth) are ours, not a
		// syntax problem at one token: say what happened.
		return &ResponseError{Message: "Parse error: " + gerr.Message, Locations: locs}
	}
	line, col := locs[0].Line, locs[0].Column
	msg := fmt.Sprintf("Parse error: %s at [%d, %d]", gerr.Message, line, col)
	if tok, ok := tokenAt(src, line, col); ok {
		if tok.Kind == lexer.EOF {
			msg = "Unexpected end of document"
		} else {
			msg = fmt.Sprintf("Parse error on %q (%s) at [%d, %d]", tokenText(tok), rubyTokenName(tok), line, col)
		}
	}
	return &ResponseError{Message: msg, Locations: locs}
}

// tokenAt re-lexes src to find the token starting at line:col. The loop is
// bounded by the input length because every token consumes input.
func tokenAt(src *ast.Source, line, col int) (lexer.Token, bool) {
	lx := lexer.New(src)
	for range len(src.Input) + 1 {
		tok, err := lx.ReadToken()
		if err != nil {
			return lexer.Token{}, false
		}
		if tok.Pos.Line == line && tok.Pos.Column == col {
			return tok, true
		}
		if tok.Kind == lexer.EOF || tok.Pos.Line > line || (tok.Pos.Line == line && tok.Pos.Column > col) {
			return lexer.Token{}, false
		}
	}
	return lexer.Token{}, false
}

func tokenText(tok lexer.Token) string {
	switch tok.Kind {
	case lexer.Name, lexer.Int, lexer.Float, lexer.String, lexer.BlockString:
		return tok.Value
	}
	return tok.Kind.String()
}

// rubyTokenName names a token the way graphql-ruby's lexer does.
func rubyTokenName(tok lexer.Token) string {
	switch tok.Kind {
	case lexer.BraceL:
		return "LCURLY"
	case lexer.BraceR:
		return "RCURLY"
	case lexer.ParenL:
		return "LPAREN"
	case lexer.ParenR:
		return "RPAREN"
	case lexer.BracketL:
		return "LBRACKET"
	case lexer.BracketR:
		return "RBRACKET"
	case lexer.Colon:
		return "COLON"
	case lexer.Equals:
		return "EQUALS"
	case lexer.Bang:
		return "BANG"
	case lexer.Dollar:
		return "VAR_SIGN"
	case lexer.Spread:
		return "ELLIPSIS"
	case lexer.At:
		return "DIR_SIGN"
	case lexer.Pipe:
		return "PIPE"
	case lexer.Amp:
		return "AMP"
	case lexer.Int:
		return "INT"
	case lexer.Float:
		return "FLOAT"
	case lexer.String, lexer.BlockString:
		return "STRING"
	case lexer.Name:
		switch tok.Value {
		case "query", "mutation", "subscription", "fragment", "on", "true", "false", "null":
			return strings.ToUpper(tok.Value)
		}
		return "IDENTIFIER"
	}
	return "UNKNOWN_CHAR"
}

// docPaths records graphql-ruby style static paths for nodes of a parsed
// document, e.g. ["query Foo", "repository", "... on Repository", "name"].
// GitHub reports validation errors with such paths; gqlparser does not track
// them, so they are computed once per document before validation.
type docPaths struct {
	fields map[*ast.Field][]any
	dirs   map[*ast.Directive][]any
	// byPos maps a line:column to the path of the field or argument there,
	// for gqlparser errors reported only by location.
	byPos map[Location][]any
}

func newDocPaths(doc *ast.QueryDocument) *docPaths {
	p := &docPaths{
		fields: map[*ast.Field][]any{},
		dirs:   map[*ast.Directive][]any{},
		byPos:  map[Location][]any{},
	}
	for _, op := range doc.Operations {
		label := opPathLabel(op)
		p.directives(op.Directives, []any{label})
		p.selections(op.SelectionSet, []any{label})
	}
	for _, f := range doc.Fragments {
		p.selections(f.SelectionSet, []any{"fragment " + f.Name})
	}
	return p
}

// selections recurses over the document as written (fragment spreads are not
// followed), so it is bounded by the parser's nesting limit and token limit.
func (p *docPaths) selections(set ast.SelectionSet, path []any) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			key := sel.Alias
			if key == "" {
				key = sel.Name
			}
			fp := appendPath(path, key)
			p.fields[sel] = fp
			p.at(sel.Position, fp)
			for _, arg := range sel.Arguments {
				ap := appendPath(fp, arg.Name)
				p.at(arg.Position, ap)
				p.values(arg.Value, ap)
			}
			p.directives(sel.Directives, fp)
			p.selections(sel.SelectionSet, fp)
		case *ast.InlineFragment:
			label := "..."
			if sel.TypeCondition != "" {
				label = "... on " + sel.TypeCondition
			}
			ip := appendPath(path, label)
			p.at(sel.Position, ip)
			p.directives(sel.Directives, ip)
			p.selections(sel.SelectionSet, ip)
		case *ast.FragmentSpread:
			p.directives(sel.Directives, appendPath(path, "... "+sel.Name))
		}
	}
}

// values indexes a value and the values nested in it, because gqlparser
// reports bad list items and input fields at their own positions.
func (p *docPaths) values(v *ast.Value, path []any) {
	if v == nil {
		return
	}
	p.at(v.Position, path)
	for _, c := range v.Children {
		p.values(c.Value, path)
	}
}

func (p *docPaths) directives(dirs ast.DirectiveList, path []any) {
	for _, d := range dirs {
		p.dirs[d] = path
		for _, arg := range d.Arguments {
			p.values(arg.Value, appendPath(path, arg.Name))
		}
	}
}

func (p *docPaths) at(pos *ast.Position, path []any) {
	if pos == nil {
		return
	}
	loc := positionKey(pos)
	if _, ok := p.byPos[loc]; !ok {
		p.byPos[loc] = path
	}
}

// appendPath returns path+elem without sharing path's backing array, because
// paths are stored and siblings must not overwrite each other.
func appendPath(path []any, elem any) []any {
	out := make([]any, len(path)+1)
	copy(out, path)
	out[len(path)] = elem
	return out
}

// validateDocument runs gqlparser's validation rules, with the rules GitHub
// users hit most often replaced by versions that produce GitHub's messages
// and extensions. Errors are de-duplicated (gqlparser visits a fragment once
// per spread and once on its own) and sorted by location, as GitHub lists
// them in document order.
func (e *Executor) validateDocument(doc *ast.QueryDocument) []ResponseError {
	paths := newDocPaths(doc)
	rs := rules.NewDefaultRules()
	rs.ReplaceRule(rules.FieldsOnCorrectTypeRule.Name, paths.fieldsOnCorrectType)
	rs.ReplaceRule(rules.KnownArgumentNamesRule.Name, paths.knownArgumentNames)
	rs.ReplaceRule(rules.ProvidedRequiredArgumentsRule.Name, paths.providedRequiredArguments)
	rs.ReplaceRule(rules.ScalarLeafsRule.Name, paths.scalarLeafs)
	rs.ReplaceRule(rules.VariablesInAllowedPositionRule.Name, paths.variablesInAllowedPosition)
	rs.ReplaceRule(rules.NoUndefinedVariablesRule.Name, paths.noUndefinedVariables)
	rs.ReplaceRule(rules.NoUnusedVariablesRule.Name, paths.noUnusedVariables)
	rs.ReplaceRule(rules.KnownTypeNamesRule.Name, paths.knownTypeNames)
	gerrs := validator.ValidateWithRules(e.schema, doc, rs)
	if len(gerrs) == 0 {
		return nil
	}
	out := make([]ResponseError, 0, len(gerrs))
	seen := map[string]bool{}
	for _, g := range gerrs {
		re := ResponseError{
			Message:    g.Message,
			Locations:  gqlLocations(g.Locations),
			Extensions: g.Extensions,
		}
		for _, el := range g.Path {
			switch el := el.(type) {
			case ast.PathName:
				re.Path = append(re.Path, string(el))
			case ast.PathIndex:
				re.Path = append(re.Path, int(el))
			}
		}
		if re.Path == nil && len(re.Locations) > 0 {
			re.Path = paths.byPos[re.Locations[0]]
		}
		key := fmt.Sprint(re.Message, re.Locations, re.Path)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, re)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Locations, out[j].Locations
		if len(a) == 0 || len(b) == 0 {
			return len(a) > len(b)
		}
		if a[0].Line != b[0].Line {
			return a[0].Line < b[0].Line
		}
		return a[0].Column < b[0].Column
	})
	return out
}

// withPath sets a GitHub-style static path on a validation error.
func withPath(path []any) core.ErrorOption {
	return func(err *gqlerror.Error) {
		for _, el := range path {
			switch el := el.(type) {
			case string:
				err.Path = append(err.Path, ast.PathName(el))
			case int:
				err.Path = append(err.Path, ast.PathIndex(el))
			}
		}
	}
}

// withExtensions sets GitHub's "extensions" (code and details).
func withExtensions(ext map[string]any) core.ErrorOption {
	return func(err *gqlerror.Error) { err.Extensions = ext }
}

// fieldsOnCorrectType reports unknown fields as GitHub does:
// "Field 'nope' doesn't exist on type 'Repository'" (code undefinedField).
func (p *docPaths) fieldsOnCorrectType(observers *core.Events, addError core.AddErrFunc) {
	observers.OnField(func(_ *core.Walker, field *ast.Field) {
		// Fields under a leaf type are reported once, by scalarLeafs, as
		// GitHub does.
		if field.ObjectDefinition == nil || field.Definition != nil || field.ObjectDefinition.IsLeafType() {
			return
		}
		addError(
			core.Message("Field '%s' doesn't exist on type '%s'", field.Name, field.ObjectDefinition.Name),
			core.At(field.Position),
			withPath(p.fields[field]),
			withExtensions(map[string]any{
				"code":      "undefinedField",
				"typeName":  field.ObjectDefinition.Name,
				"fieldName": field.Name,
			}),
		)
	})
}

// knownTypeNames reports a type the schema does not have as GitHub
// (graphql-ruby) does: as a fragment's condition, "No such type X, so it
// can't be a fragment condition" (code undefinedType; microsoft/vscode-pull-
// request-github#5808 quotes it for MergeQueueEntry on an older GitHub
// Enterprise Server); as a variable's type, "X isn't a defined input type
// (on $v)" (code variableRequiresValidType).
func (p *docPaths) knownTypeNames(observers *core.Events, addError core.AddErrFunc) {
	fragment := func(w *core.Walker, cond string, pos *ast.Position, path []any) {
		if cond == "" || w.Schema.Types[cond] != nil {
			return
		}
		addError(
			core.Message("No such type %s, so it can't be a fragment condition", cond),
			core.At(pos),
			withPath(path),
			withExtensions(map[string]any{"code": "undefinedType", "typeName": cond}),
		)
	}
	observers.OnInlineFragment(func(w *core.Walker, f *ast.InlineFragment) {
		fragment(w, f.TypeCondition, ellipsisBefore(f.Position), p.byPos[positionKey(f.Position)])
	})
	observers.OnFragment(func(w *core.Walker, f *ast.FragmentDefinition) {
		fragment(w, f.TypeCondition, f.Position, []any{"fragment " + f.Name})
	})
	observers.OnOperation(func(w *core.Walker, op *ast.OperationDefinition) {
		for _, v := range op.VariableDefinitions {
			name := v.Type.Name()
			if w.Schema.Types[name] != nil {
				continue
			}
			addError(
				core.Message("%s isn't a defined input type (on $%s)", name, v.Variable),
				core.At(v.Position),
				withPath([]any{opPathLabel(op)}),
				withExtensions(map[string]any{"code": "variableRequiresValidType", "typeName": name, "variableName": v.Variable}),
			)
		}
	})
}

// ellipsisBefore is the position of the "..." that opens an inline fragment
// whose position gqlparser gives as its "on" (graphql-ruby locates the
// fragment at its "..."); pos itself when the source does not show one.
func ellipsisBefore(pos *ast.Position) *ast.Position {
	if pos == nil || pos.Src == nil {
		return pos
	}
	src := []rune(pos.Src.Input)
	if pos.Start > len(src) {
		return pos
	}
	i := pos.Start
	for i > 0 && strings.ContainsRune(" \t\r\n,", src[i-1]) {
		i--
	}
	if i < 3 || string(src[i-3:i]) != "..." {
		return pos
	}
	start := i - 3
	line, col := 1, 1
	for _, r := range src[:start] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &ast.Position{Start: start, End: i, Line: line, Column: col, Src: pos.Src}
}

// knownArgumentNames reports unknown arguments as GitHub does:
// "Field 'x' doesn't accept argument 'y'" (code argumentNotAccepted).
func (p *docPaths) knownArgumentNames(observers *core.Events, addError core.AddErrFunc) {
	observers.OnField(func(_ *core.Walker, field *ast.Field) {
		if field.Definition == nil || field.ObjectDefinition == nil {
			return
		}
		for _, arg := range field.Arguments {
			if field.Definition.Arguments.ForName(arg.Name) != nil {
				continue
			}
			addError(
				core.Message("Field '%s' doesn't accept argument '%s'", field.Name, arg.Name),
				core.At(arg.Position),
				withPath(appendPath(p.fields[field], arg.Name)),
				withExtensions(map[string]any{
					"code":         "argumentNotAccepted",
					"name":         field.Name,
					"typeName":     "Field",
					"argumentName": arg.Name,
				}),
			)
		}
	})
	observers.OnDirective(func(_ *core.Walker, dir *ast.Directive) {
		if dir.Definition == nil {
			return
		}
		for _, arg := range dir.Arguments {
			if dir.Definition.Arguments.ForName(arg.Name) != nil {
				continue
			}
			addError(
				core.Message("Directive '%s' doesn't accept argument '%s'", dir.Name, arg.Name),
				core.At(arg.Position),
				withPath(p.dirs[dir]),
				withExtensions(map[string]any{
					"code":         "argumentNotAccepted",
					"name":         dir.Name,
					"typeName":     "Directive",
					"argumentName": arg.Name,
				}),
			)
		}
	})
}

// providedRequiredArguments reports missing required arguments as GitHub
// does: "Field 'x' is missing required arguments: a, b" (code
// missingRequiredArguments), one error per field rather than per argument.
func (p *docPaths) providedRequiredArguments(observers *core.Events, addError core.AddErrFunc) {
	missing := func(defs ast.ArgumentDefinitionList, args ast.ArgumentList) []string {
		var names []string
		for _, def := range defs {
			if def.Type.NonNull && def.DefaultValue == nil && args.ForName(def.Name) == nil {
				names = append(names, def.Name)
			}
		}
		return names
	}
	observers.OnField(func(_ *core.Walker, field *ast.Field) {
		if field.Definition == nil {
			return
		}
		names := missing(field.Definition.Arguments, field.Arguments)
		if len(names) == 0 {
			return
		}
		list := strings.Join(names, ", ")
		addError(
			core.Message("Field '%s' is missing required arguments: %s", field.Name, list),
			core.At(field.Position),
			withPath(p.fields[field]),
			withExtensions(map[string]any{
				"code":      "missingRequiredArguments",
				"className": "Field",
				"name":      field.Name,
				"arguments": list,
			}),
		)
	})
	observers.OnDirective(func(_ *core.Walker, dir *ast.Directive) {
		if dir.Definition == nil {
			return
		}
		names := missing(dir.Definition.Arguments, dir.Arguments)
		if len(names) == 0 {
			return
		}
		list := strings.Join(names, ", ")
		addError(
			core.Message("Directive '%s' is missing required arguments: %s", dir.Name, list),
			core.At(dir.Position),
			withPath(p.dirs[dir]),
			withExtensions(map[string]any{
				"code":      "missingRequiredArguments",
				"className": "Directive",
				"name":      dir.Name,
				"arguments": list,
			}),
		)
	})
}

// scalarLeafs reports selection mismatches as GitHub does (code
// selectionMismatch): leaves must not have selections and composite fields
// must have them.
func (p *docPaths) scalarLeafs(observers *core.Events, addError core.AddErrFunc) {
	observers.OnField(func(w *core.Walker, field *ast.Field) {
		if field.Definition == nil {
			return
		}
		def := w.Schema.Types[field.Definition.Type.Name()]
		if def == nil {
			return
		}
		nodeName := fmt.Sprintf("field '%s'", field.Name)
		ext := map[string]any{"code": "selectionMismatch", "nodeName": nodeName}
		switch {
		case def.IsLeafType() && len(field.SelectionSet) > 0:
			kind := "scalars"
			if def.Kind == ast.Enum {
				kind = "enums"
			}
			var names []string
			for _, sel := range field.SelectionSet {
				if f, ok := sel.(*ast.Field); ok {
					names = append(names, f.Name)
				}
			}
			addError(
				core.Message("Selections can't be made on %s (%s returns %s but has selections [%s])",
					kind, nodeName, def.Name, strings.Join(names, ", ")),
				core.At(field.Position),
				withPath(p.fields[field]),
				withExtensions(ext),
			)
		case !def.IsLeafType() && len(field.SelectionSet) == 0:
			addError(
				core.Message("Field must have selections (%s returns %s but has no selections. Did you mean '%s { ... }'?)",
					nodeName, def.Name, field.Name),
				core.At(field.Position),
				withPath(p.fields[field]),
				withExtensions(ext),
			)
		}
	})
}

// variablesInAllowedPosition reports a variable used where its type does not
// fit as GitHub does: "Nullability mismatch on variable $n and argument
// number (Int / Int!)" (code variableMismatch). gqlparser's rule also checks
// OneOf input objects; that part is kept by running it with its
// position-mismatch errors filtered out.
func (p *docPaths) variablesInAllowedPosition(observers *core.Events, addError core.AddErrFunc) {
	rules.VariablesInAllowedPositionRule.RuleFunc(observers, func(opts ...core.ErrorOption) {
		var scratch gqlerror.Error
		for _, o := range opts {
			o(&scratch)
		}
		if strings.Contains(scratch.Message, "used in position expecting type") {
			return
		}
		addError(opts...)
	})
	observers.OnValue(func(w *core.Walker, value *ast.Value) {
		if value.Kind != ast.Variable || value.ExpectedType == nil || value.VariableDefinition == nil || w.CurrentOperation == nil {
			return
		}
		// A default on the variable or on the argument lets a nullable
		// variable fill a non-null position (spec IsVariableUsageAllowed).
		expected := *value.ExpectedType
		if (value.VariableDefinition.DefaultValue != nil && value.VariableDefinition.DefaultValue.Kind != ast.NullValue) ||
			value.ExpectedTypeHasDefault {
			expected.NonNull = false
		}
		varType := value.VariableDefinition.Type
		if varType.IsCompatible(&expected) {
			return
		}
		argPath := p.byPos[positionKey(value.Position)]
		argName := "?"
		if len(argPath) > 0 {
			if s, ok := argPath[len(argPath)-1].(string); ok {
				argName = s
			}
		}
		kind := "Type mismatch"
		if strings.ReplaceAll(varType.String(), "!", "") == strings.ReplaceAll(value.ExpectedType.String(), "!", "") {
			kind = "Nullability mismatch"
		}
		addError(
			core.Message("%s on variable $%s and argument %s (%s / %s)", kind, value.Raw, argName, varType.String(), value.ExpectedType.String()),
			core.At(value.Position),
			withPath(argPath),
			withExtensions(map[string]any{
				"code":         "variableMismatch",
				"variableName": value.Raw,
				"typeName":     varType.String(),
				"argumentName": argName,
				"errorMessage": kind,
			}),
		)
	})
}

// noUndefinedVariables: "Variable $x is used by Q but not declared" (code
// variableNotDefined).
func (p *docPaths) noUndefinedVariables(observers *core.Events, addError core.AddErrFunc) {
	observers.OnValue(func(w *core.Walker, value *ast.Value) {
		if w.CurrentOperation == nil || value.Kind != ast.Variable || value.VariableDefinition != nil {
			return
		}
		addError(
			core.Message("Variable $%s is used by %s but not declared", value.Raw, operationLabel(w.CurrentOperation)),
			core.At(value.Position),
			withPath(p.byPos[positionKey(value.Position)]),
			withExtensions(map[string]any{"code": "variableNotDefined", "variableName": value.Raw}),
		)
	})
}

// noUnusedVariables: "Variable $x is declared by Q but not used" (code
// variableNotUsed).
func (p *docPaths) noUnusedVariables(observers *core.Events, addError core.AddErrFunc) {
	observers.OnOperation(func(_ *core.Walker, op *ast.OperationDefinition) {
		for _, v := range op.VariableDefinitions {
			if v.Used {
				continue
			}
			addError(
				core.Message("Variable $%s is declared by %s but not used", v.Variable, operationLabel(op)),
				core.At(v.Position),
				withPath([]any{opPathLabel(op)}),
				withExtensions(map[string]any{"code": "variableNotUsed", "variableName": v.Variable}),
			)
		}
	})
}

// operationLabel names an operation in messages the way graphql-ruby does.
func operationLabel(op *ast.OperationDefinition) string {
	if op.Name != "" {
		return op.Name
	}
	kind := string(op.Operation)
	if kind == "" {
		kind = string(ast.Query)
	}
	return "anonymous " + kind
}

// opPathLabel is the first element of a static path: "query" or "query Name".
func opPathLabel(op *ast.OperationDefinition) string {
	label := string(op.Operation)
	if label == "" {
		label = string(ast.Query)
	}
	if op.Name != "" {
		label += " " + op.Name
	}
	return label
}

func positionKey(pos *ast.Position) Location {
	if pos == nil {
		return Location{}
	}
	return Location{Line: pos.Line, Column: pos.Column}
}

// operationDepth returns the deepest field nesting of op with fragments
// expanded. Fragment depths are memoized, so the cost is linear in the
// document even when fragments are spread many times. Validation has already
// rejected fragment cycles; the in-progress marker guards regardless.
func operationDepth(op *ast.OperationDefinition, fragments map[string]*ast.FragmentDefinition) int {
	const inProgress = -1
	memo := map[string]int{}
	var depth func(ast.SelectionSet) int
	depth = func(set ast.SelectionSet) int {
		best := 0
		for _, sel := range set {
			d := 0
			switch sel := sel.(type) {
			case *ast.Field:
				d = 1 + depth(sel.SelectionSet)
			case *ast.InlineFragment:
				d = depth(sel.SelectionSet)
			case *ast.FragmentSpread:
				m, ok := memo[sel.Name]
				switch {
				case ok && m != inProgress:
					d = m
				case !ok:
					if f := fragments[sel.Name]; f != nil {
						memo[sel.Name] = inProgress
						d = depth(f.SelectionSet)
						memo[sel.Name] = d
					}
				}
			}
			best = max(best, d)
		}
		return best
	}
	return depth(op.SelectionSet)
}
