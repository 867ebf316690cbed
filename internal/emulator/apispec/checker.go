package apispec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Checker matches REST requests to GitHub's published operations and
// validates them. It is immutable after NewChecker and safe for concurrent use.
type Checker struct {
	doc    *openapi3.T
	routes []*route
	// visitOpts are passed to every kin-openapi VisitJSON call.
	visitOpts []openapi3.SchemaValidationOption
}

// Violation is why GitHub would refuse a request (Reject=true), or merely a
// deviation from the description that GitHub tolerates (Reject=false, e.g.
// an undocumented body property GitHub silently ignores).
//
// For a rejecting violation, Status and Message are what GitHub answers:
// 404 "Not Found" for an unknown route, 400 "Problems parsing JSON" for a
// body that is not JSON, and 422 "Invalid request.\n\n..." for a body or
// query that breaks the description, e.g.
// "Invalid request.\n\nFor 'properties/draft', \"yes\" is not a boolean.".
// For a non-rejecting one, Status is 0 and Message is empty: GitHub answers
// as usual, and only Detail says what deviated.
type Violation struct {
	Reject  bool
	Status  int
	Message string
	// Detail describes every problem found precisely (operation, rule,
	// field), for the conformance log; problems are separated by "; ".
	Detail string
}

func (v *Violation) Error() string {
	if v.Reject {
		return fmt.Sprintf("%d %s: %s", v.Status, firstLine(v.Message), v.Detail)
	}
	return "deviation: " + v.Detail
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// route is one path template of the description with its operations.
type route struct {
	template string
	segs     []segment
	literals int // number of literal segments: more is more specific
	ops      map[string]*opInfo
}

// segment is one "/"-separated piece of a path template: a literal, or a
// parameter that takes one segment or, when the description marks it
// x-multi-segment (branch names, refs, file paths), one or more.
type segment struct {
	literal string
	param   string
	multi   bool
}

type opInfo struct {
	op         Operation
	pathParams map[string]*openapi3.Parameter
	query      []*openapi3.Parameter
	queryNames map[string]bool
	// emptyTail allows the trailing multi-segment parameter to be empty,
	// with or without its slash: GitHub serves the repository root for
	// GET /repos/{owner}/{repo}/contents and .../contents/.
	emptyTail bool
	body      *bodyInfo // nil when the operation takes no request body
}

type bodyInfo struct {
	required bool
	// schema is the application/json schema; nil when the operation only
	// takes non-JSON bodies (release asset uploads), which are not parsed.
	schema *openapi3.Schema
}

var (
	loadOnce   sync.Once
	loadedSpec *Checker
	loadErr    error
)

// NewChecker returns a Checker for the embedded description. The description
// is loaded once per process; later calls return the same Checker.
func NewChecker() (*Checker, error) {
	loadOnce.Do(func() {
		loadedSpec, loadErr = newChecker(openapiJSON)
	})
	return loadedSpec, loadErr
}

func newChecker(data []byte) (*Checker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("apispec: load openapi.json: %w", err)
	}
	c := &Checker{doc: doc}
	formats := map[string]openapi3.StringFormatValidator{}
	seen := map[*openapi3.Schema]bool{}
	for tmpl, item := range doc.Paths.Map() {
		rt, err := parseTemplate(tmpl)
		if err != nil {
			return nil, err
		}
		for method, op := range item.Operations() {
			info, err := newOpInfo(rt, method, item, op)
			if err != nil {
				return nil, err
			}
			for _, p := range info.pathParams {
				collectFormats(p.Schema, formats, seen)
			}
			for _, p := range info.query {
				collectFormats(p.Schema, formats, seen)
			}
			if info.body != nil && info.body.schema != nil {
				collectFormats(&openapi3.SchemaRef{Value: info.body.schema}, formats, seen)
			}
			rt.ops[method] = info
		}
		c.routes = append(c.routes, rt)
	}
	// Most specific first, so that matching can stop at the first hit:
	// more literal segments win (".../commits/{ref}/status" over
	// ".../commits/{ref}" for ".../commits/a/b/status"), then more segments.
	sort.Slice(c.routes, func(i, j int) bool {
		a, b := c.routes[i], c.routes[j]
		if a.literals != b.literals {
			return a.literals > b.literals
		}
		if len(a.segs) != len(b.segs) {
			return len(a.segs) > len(b.segs)
		}
		return a.template < b.template
	})
	// kin-openapi checks the string formats it knows (date-time, date, byte,
	// email, ipv4, ...) on every VisitJSON. GitHub is laxer than those
	// checks (it takes "2024-01-01" for date-time query filters, ranges like
	// ">=2024-01-01" for "created"), so formats would cause false rejections:
	// override each format used by the description with one that accepts
	// anything. Types, required properties, enums and lengths stay checked.
	c.visitOpts = []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(),
		openapi3.WithStringFormatValidators(formats),
	}
	return c, nil
}

var acceptAnyString = openapi3.NewCallbackValidator(func(string) error { return nil })

// collectFormats registers every string format reachable from ref as
// accepting anything.
func collectFormats(ref *openapi3.SchemaRef, formats map[string]openapi3.StringFormatValidator, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	if s.Format != "" {
		formats[s.Format] = acceptAnyString
	}
	for _, p := range s.Properties {
		collectFormats(p, formats, seen)
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range list {
			collectFormats(sub, formats, seen)
		}
	}
	collectFormats(s.Items, formats, seen)
	collectFormats(s.Not, formats, seen)
	collectFormats(s.AdditionalProperties.Schema, formats, seen)
}

func parseTemplate(tmpl string) (*route, error) {
	rt := &route{template: tmpl, ops: map[string]*opInfo{}}
	if !strings.HasPrefix(tmpl, "/") {
		return nil, fmt.Errorf("apispec: path template %q does not start with /", tmpl)
	}
	if tmpl == "/" {
		return rt, nil
	}
	for _, s := range strings.Split(tmpl[1:], "/") {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			rt.segs = append(rt.segs, segment{param: s[1 : len(s)-1]})
			continue
		}
		if strings.ContainsAny(s, "{}") || s == "" {
			return nil, fmt.Errorf("apispec: unsupported path template segment %q in %q", s, tmpl)
		}
		rt.segs = append(rt.segs, segment{literal: s})
		rt.literals++
	}
	return rt, nil
}

func newOpInfo(rt *route, method string, item *openapi3.PathItem, op *openapi3.Operation) (*opInfo, error) {
	info := &opInfo{
		op:         Operation{Method: method, Path: rt.template, ID: op.OperationID},
		pathParams: map[string]*openapi3.Parameter{},
		queryNames: map[string]bool{},
	}
	// Operation-level parameters override path-level ones with the same
	// name and location.
	params := map[string]*openapi3.Parameter{}
	var order []string
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			p := ref.Value
			if p == nil {
				return nil, fmt.Errorf("apispec: unresolved parameter in %s %s", method, rt.template)
			}
			key := p.In + ":" + p.Name
			if _, ok := params[key]; !ok {
				order = append(order, key)
			}
			params[key] = p
		}
	}
	for _, key := range order {
		p := params[key]
		switch p.In {
		case openapi3.ParameterInPath:
			info.pathParams[p.Name] = p
		case openapi3.ParameterInQuery:
			info.query = append(info.query, p)
			info.queryNames[p.Name] = true
		}
	}
	for i, s := range rt.segs {
		if s.param == "" {
			continue
		}
		p := info.pathParams[s.param]
		if p == nil {
			return nil, fmt.Errorf("apispec: %s %s does not declare path parameter %q", method, rt.template, s.param)
		}
		multi, _ := p.Extensions["x-multi-segment"].(bool)
		// All operations of a path item share its template, so they must
		// agree on whether a parameter spans segments.
		if len(rt.ops) > 0 && s.multi != multi {
			return nil, fmt.Errorf("apispec: operations of %s disagree on x-multi-segment for %q", rt.template, s.param)
		}
		rt.segs[i].multi = multi
	}
	if n := len(rt.segs); n > 0 && rt.segs[n-1].multi && rt.segs[n-1].param == "path" && strings.HasSuffix(rt.template, "/contents/{path}") {
		info.emptyTail = true
	}
	if rb := op.RequestBody; rb != nil {
		if rb.Value == nil {
			return nil, fmt.Errorf("apispec: unresolved request body in %s %s", method, rt.template)
		}
		info.body = &bodyInfo{required: rb.Value.Required}
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			info.body.schema = mt.Schema.Value
		}
	}
	return info, nil
}

// problem is one finding of Check.
type problem struct {
	reject bool
	status int
	// line is GitHub's wording for the problem, as a line of the 422
	// "Invalid request." message; empty for 404/400 and deviations.
	line   string
	detail string
}

// Check matches r (r.URL.Path is the API path like "/repos/o/r/pulls"; r.Method;
// r.URL.RawQuery) and validates path parameters, query parameters and the
// body against the description.
//
// op is nil when no documented operation matches; v is then a 404 Reject
// violation with Message "Not Found". A HEAD request matches the GET
// operation (op.Method is then "GET"). params holds the decoded path
// parameters by name (a branch "hotfix/foo" may arrive as one %2F-escaped
// segment or as two segments). v is nil when the request is fine.
//
// Segments are split on the escaped path (r.URL.EscapedPath), so that a
// label named "bug/x" sent as "bug%2Fx" stays one segment. A handler that
// strips a mount prefix must strip it from r.URL.RawPath too, as
// http.StripPrefix does.
//
// The body is treated as JSON whatever the Content-Type, as GitHub does;
// operations whose body is not JSON (release asset uploads) are not parsed.
// An undocumented body property, where the schema lists properties, or an
// undocumented query parameter yields a non-rejecting violation. Missing
// required body fields, wrong types, enum violations and bad query
// parameters yield a 422 Reject, unparsable JSON a 400 Reject.
func (c *Checker) Check(r *http.Request, body []byte) (op *Operation, params map[string]string, v *Violation) {
	if r == nil || r.URL == nil {
		return nil, nil, notFound("request has no URL")
	}
	info, params, miss := c.match(r.Method, r.URL)
	if info == nil {
		return nil, nil, notFound(miss)
	}
	opCopy := info.op
	op = &opCopy

	var probs []problem
	probs = append(probs, c.checkQuery(info, r.URL.RawQuery)...)
	probs = append(probs, c.checkBody(info, body)...)
	return op, params, summarize(info.op, probs)
}

func notFound(detail string) *Violation {
	return &Violation{Reject: true, Status: http.StatusNotFound, Message: "Not Found", Detail: detail}
}

// summarize folds the problems into one Violation. The status of a reject
// follows GitHub's order of checks: a body it cannot parse (400) is refused
// before anything is validated (422).
func summarize(op Operation, probs []problem) *Violation {
	if len(probs) == 0 {
		return nil
	}
	v := &Violation{}
	var details, lines []string
	for _, p := range probs {
		details = append(details, p.detail)
		if !p.reject {
			continue
		}
		v.Reject = true
		if v.Status == 0 || p.status == http.StatusBadRequest {
			v.Status = p.status
		}
		if p.line != "" {
			lines = append(lines, p.line)
		}
	}
	switch v.Status {
	case http.StatusBadRequest:
		v.Message = "Problems parsing JSON"
	case http.StatusUnprocessableEntity:
		v.Message = "Invalid request.\n\n" + strings.Join(lines, "\n")
	}
	v.Detail = op.Method + " " + op.Path + " (" + op.ID + "): " + strings.Join(details, "; ")
	return v
}

// match finds the operation for method and URL. On failure it returns a nil
// opInfo and a description of why nothing matched.
func (c *Checker) match(method string, u *url.URL) (*opInfo, map[string]string, string) {
	escaped := u.EscapedPath()
	if !strings.HasPrefix(escaped, "/") {
		return nil, nil, fmt.Sprintf("path %q does not start with /", escaped)
	}
	var segs []string
	if escaped != "/" {
		segs = strings.Split(escaped[1:], "/")
	}
	methods := []string{method}
	if method == http.MethodHead {
		// GitHub answers HEAD wherever it answers GET.
		methods = append(methods, http.MethodGet)
	}

	var pathMatched []string
	var firstBad string
	for _, rt := range c.routes {
		var info *opInfo
		for _, m := range methods {
			if info = rt.ops[m]; info != nil {
				break
			}
		}
		raw := map[string]string{}
		if !matchSegments(rt.segs, segs, raw, info != nil && info.emptyTail) {
			continue
		}
		if info == nil {
			pathMatched = append(pathMatched, rt.template)
			continue
		}
		params, bad := c.pathParams(info, raw)
		if bad != "" {
			// GitHub's router does not match a non-numeric id either, so a
			// bad path parameter is a 404; a less specific template may
			// still match.
			if firstBad == "" {
				firstBad = bad
			}
			continue
		}
		return info, params, ""
	}
	switch {
	case firstBad != "":
		return nil, nil, firstBad
	case len(pathMatched) > 0:
		return nil, nil, fmt.Sprintf("%s %s: path matches %s, which the description documents only for other methods", method, escaped, strings.Join(pathMatched, ", "))
	}
	return nil, nil, fmt.Sprintf("%s %s: no documented operation matches (of the emulator's subset of GitHub's description)", method, escaped)
}

// matchSegments matches raw (still escaped) path segments against a
// template, filling out with the raw text of each parameter. A
// multi-segment parameter is greedy: it takes as many segments as the rest
// of the template leaves, backing off one at a time.
func matchSegments(tmpl []segment, segs []string, out map[string]string, emptyTail bool) bool {
	if len(tmpl) == 0 {
		return len(segs) == 0
	}
	t := tmpl[0]
	switch {
	case t.param == "":
		if len(segs) == 0 || !segmentEquals(segs[0], t.literal) {
			return false
		}
		return matchSegments(tmpl[1:], segs[1:], out, emptyTail)
	case !t.multi:
		if len(segs) == 0 || segs[0] == "" {
			return false
		}
		out[t.param] = segs[0]
		return matchSegments(tmpl[1:], segs[1:], out, emptyTail)
	}
	if emptyTail && len(tmpl) == 1 && len(segs) == 0 {
		out[t.param] = ""
		return true
	}
	// Every later template segment needs at least one path segment.
	for n := len(segs) - (len(tmpl) - 1); n >= 1; n-- {
		value := strings.Join(segs[:n], "/")
		if value == "" && !(emptyTail && len(tmpl) == 1) {
			continue
		}
		out[t.param] = value
		if matchSegments(tmpl[1:], segs[n:], out, emptyTail) {
			return true
		}
	}
	delete(out, t.param)
	return false
}

func segmentEquals(raw, literal string) bool {
	if raw == literal {
		return true
	}
	s, err := url.PathUnescape(raw)
	return err == nil && s == literal
}

// pathParams unescapes and validates the path parameters of a matched
// route. It returns a description of the first bad parameter, if any.
func (c *Checker) pathParams(info *opInfo, raw map[string]string) (map[string]string, string) {
	params := make(map[string]string, len(raw))
	for name, r := range raw {
		value, err := url.PathUnescape(r)
		if err != nil {
			return nil, fmt.Sprintf("%s %s: path parameter %q: bad escape in %q", info.op.Method, info.op.Path, name, r)
		}
		if p := info.pathParams[name]; p != nil && p.Schema != nil && p.Schema.Value != nil {
			if line, ok := c.checkParamValue(name, p.Schema.Value, []string{value}); !ok {
				return nil, fmt.Sprintf("%s %s: path parameter: %s", info.op.Method, info.op.Path, line)
			}
		}
		params[name] = value
	}
	return params, ""
}

func (c *Checker) checkQuery(info *opInfo, rawQuery string) []problem {
	values, err := url.ParseQuery(rawQuery)
	var probs []problem
	if err != nil {
		probs = append(probs, problem{detail: fmt.Sprintf("query string %q is not well-formed: %v", rawQuery, err)})
	}
	for _, p := range info.query {
		vals, present := values[p.Name]
		if !present {
			if p.Required {
				probs = append(probs, problem{
					reject: true, status: http.StatusUnprocessableEntity,
					line:   fmt.Sprintf("%q wasn't supplied.", p.Name),
					detail: fmt.Sprintf("required query parameter %q missing", p.Name),
				})
			}
			continue
		}
		if p.Schema == nil || p.Schema.Value == nil {
			continue
		}
		if line, ok := c.checkParamValue(p.Name, p.Schema.Value, vals); !ok {
			probs = append(probs, problem{
				reject: true, status: http.StatusUnprocessableEntity,
				line:   line,
				detail: "query parameter: " + line,
			})
		}
	}
	var unknown []string
	for name := range values {
		if !info.queryNames[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		probs = append(probs, problem{detail: fmt.Sprintf("query parameter %q is not in the description (GitHub ignores it)", name)})
	}
	return probs
}

// checkParamValue validates the string values of a path or query parameter
// against its schema. It returns GitHub's wording of the first problem.
func (c *Checker) checkParamValue(name string, s *openapi3.Schema, vals []string) (string, bool) {
	if len(vals) == 0 {
		return "", true
	}
	// Query strings carry only strings; a parameter documented as oneOf /
	// anyOf (workflow_id: integer or file name) is fine if any alternative
	// takes the text.
	if alts := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...); len(alts) > 0 {
		var first string
		for _, alt := range alts {
			if alt.Value == nil {
				continue
			}
			line, ok := c.checkParamValue(name, alt.Value, vals)
			if ok {
				return "", true
			}
			if first == "" {
				first = line
			}
		}
		return first, false
	}
	// Rails takes the last of repeated scalar parameters.
	raw := vals[len(vals)-1]
	var value any = raw
	switch {
	case s.Type.Is(openapi3.TypeArray):
		parts := vals
		if len(vals) == 1 {
			parts = strings.Split(raw, ",")
		}
		list := make([]any, len(parts))
		for i, part := range parts {
			list[i] = part
			if s.Items != nil && s.Items.Value != nil {
				item, ok := decodeScalar(s.Items.Value, part)
				if !ok {
					return fmt.Sprintf("For '%s', %s is not %s.", name, rubyInspect(part), typeList(s.Items.Value)), false
				}
				list[i] = item
			}
		}
		value = list
	default:
		v, ok := decodeScalar(s, raw)
		if !ok {
			return fmt.Sprintf("For '%s', %s is not %s.", name, rubyInspect(raw), typeList(s)), false
		}
		value = v
	}
	if err := s.VisitJSON(value, c.visitOpts...); err != nil {
		lines := schemaErrorLines(err, value)
		if len(lines) == 0 {
			return fmt.Sprintf("For '%s', %s is invalid.", name, rubyInspect(raw)), false
		}
		// The value is the whole parameter: name it where the path is empty.
		line := lines[0]
		if !strings.HasPrefix(line, "For '") {
			line = fmt.Sprintf("For '%s', %s", name, line)
		}
		return line, false
	}
	return "", true
}

// decodeScalar converts query text to the JSON value the schema's type
// expects. Strings pass as they are.
func decodeScalar(s *openapi3.Schema, raw string) (any, bool) {
	switch {
	case s.Type.Is(openapi3.TypeInteger):
		n := json.Number(raw)
		if _, err := n.Int64(); err != nil {
			return nil, false
		}
		return n, true
	case s.Type.Is(openapi3.TypeNumber):
		n := json.Number(raw)
		if _, err := n.Float64(); err != nil || !json.Valid([]byte(raw)) {
			return nil, false
		}
		return n, true
	case s.Type.Is(openapi3.TypeBoolean):
		switch raw {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		return nil, false
	}
	return raw, true
}

func (c *Checker) checkBody(info *opInfo, body []byte) []problem {
	trimmed := bytes.TrimSpace(body)
	if info.body == nil {
		if len(trimmed) > 0 {
			return []problem{{detail: fmt.Sprintf("request body of %d bytes sent to an operation that takes none (GitHub ignores it)", len(body))}}
		}
		return nil
	}
	if info.body.schema == nil {
		// Raw upload: the bytes are the content, nothing to validate.
		return nil
	}
	var value any
	if len(trimmed) == 0 {
		if !info.body.required {
			return nil
		}
		// GitHub validates a missing body like an empty object, so this
		// passes unless the schema has required properties.
		value = map[string]any{}
	} else {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber() // keep integers exact for "integer" checks
		if err := dec.Decode(&value); err != nil {
			return []problem{{reject: true, status: http.StatusBadRequest, detail: "request body is not JSON: " + err.Error()}}
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return []problem{{reject: true, status: http.StatusBadRequest, detail: "request body has data after its JSON value"}}
		}
	}

	var probs []problem
	if err := info.body.schema.VisitJSON(value, c.visitOpts...); err != nil {
		lines := schemaErrorLines(err, value)
		if len(lines) == 0 {
			lines = []string{"The request body is invalid."}
		}
		for _, line := range lines {
			probs = append(probs, problem{
				reject: true, status: http.StatusUnprocessableEntity,
				line:   line,
				detail: "request body: " + line,
			})
		}
	}
	for _, path := range unknownProperties(info.body.schema, value) {
		probs = append(probs, problem{detail: fmt.Sprintf("request body property %s is not in the description (GitHub ignores it)", path)})
	}
	return probs
}
