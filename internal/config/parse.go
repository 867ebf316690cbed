package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	// v4 rather than gopkg.in/yaml.v3: its syntax errors carry the real
	// line (v3 often names the line where the enclosing block starts, or
	// none), and a config error must point at the right line.
	"go.yaml.in/yaml/v4"
)

// The keys each mapping accepts, in the order Marshal writes them; unknown
// keys are errors, so these lists are also what typos are matched against.
var (
	topKeys         = []string{"base", "branch_prefix", "label", "reviewers", "merge_method", "limits", "release", "pull_request", "post_mortem", "exceptional", "notify"}
	labelKeys       = []string{"name", "color", "description"}
	limitsKeys      = []string{"files", "lines", "bytes"}
	releaseKeys     = []string{"workflow", "inputs", "wait_checks"}
	pullRequestKeys = []string{"template"}
	postMortemKeys  = []string{"enabled", "labels", "template"}
	exceptionalKeys = []string{"workflow", "maintenance_branch", "tag_input", "environment_input", "environment", "inputs"}
	mergeMethods    = []string{"merge", "squash", "rebase"}
)

// Parse reads YAML content. name is used in error messages (e.g.
// ".github/hotfix.yml") and as the result's Source.
//
// Absent keys keep their defaults; an empty document is the default config.
// A section whose keys are all commented out ("release:" alone) counts as
// empty, since that is how a file reads after a user disables its lines;
// a scalar key with no value is an error, as it has no sensible meaning.
//
// Every error is an *Error with File set to name. Aliases ("*x") are
// refused: they make a settings file harder to read, they invite the YAML
// amplification attack in any tool that expands them, and nothing here
// needs them.
func Parse(name string, content []byte) (cfg Config, err error) {
	p := &parser{file: name}
	if len(content) > maxSize {
		return Config{}, p.fail(0, "", "the file is larger than 64 KiB")
	}
	lines, bad, msg := scanText(content)
	if msg != "" {
		return Config{}, p.fail(bad, "", msg)
	}
	p.lines = lines
	// The YAML library is not ours: should it panic on some input, report a
	// broken file instead of crashing the command that merely read it.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = Config{}, p.fail(0, "", fmt.Sprintf("invalid YAML: %v", r))
		}
	}()
	root, err := p.load(content)
	if err != nil {
		return Config{}, err
	}
	cfg = Default()
	cfg.Source = name
	if root == nil || isNull(root) {
		return cfg, nil
	}
	if root.Kind != yaml.MappingNode {
		return Config{}, p.errorf(root, "", "expected a mapping of settings like \"base: main\", got %s", describe(root))
	}
	if err := p.settings(root, &cfg); err != nil {
		return Config{}, err
	}
	// Marshal escapes and comments what it writes, so absurdly long values
	// could make its output exceed the size limit; refusing them here keeps
	// Parse(Marshal(cfg)) working for every cfg that Parse returns.
	if len(Marshal(cfg)) > maxSize {
		return Config{}, p.fail(0, "", "the settings are too long to be written back within 64 KiB; shorten the longest values")
	}
	return cfg, nil
}

// parser holds what error messages need.
type parser struct {
	file  string
	lines int // lines in the file, to keep an error at the end of the file on its last line
}

func (p *parser) fail(line int, key, msg string) *Error {
	return &Error{File: p.file, Line: line, Key: key, Msg: msg}
}

func (p *parser) errorf(n *yaml.Node, key, format string, args ...any) *Error {
	return p.fail(n.Line, key, fmt.Sprintf(format, args...))
}

// load returns the content of the file's single document; nil when the file
// holds no document at all (empty, or only comments).
func (p *parser) load(content []byte) (*yaml.Node, error) {
	// Duplicate keys are checked by pairs, to name the key path in the error.
	l, err := yaml.NewLoader(bytes.NewReader(content), yaml.WithUniqueKeys(false))
	if err != nil {
		return nil, p.fail(0, "", "invalid YAML: "+err.Error())
	}
	var doc yaml.Node
	if err := l.Load(&doc); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, p.syntax(err)
	}
	// A second document would be silently ignored by a reader that takes
	// the first, and its settings lost without a word.
	var next yaml.Node
	if err := l.Load(&next); err == nil {
		line := next.Line
		if len(next.Content) > 0 {
			line = next.Content[0].Line
		}
		return nil, p.fail(line, "", "a second YAML document starts here; the file must hold one")
	} else if !errors.Is(err, io.EOF) {
		return nil, p.syntax(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, p.fail(doc.Line, "", "expected one YAML document")
	}
	return doc.Content[0], nil
}

// syntax turns the YAML library's error into an *Error on the right line.
func (p *parser) syntax(err error) error {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		return p.fail(0, "", "invalid YAML: "+strings.TrimPrefix(err.Error(), "yaml: "))
	}
	// An unexpected end of file is reported on the line after the last one.
	line := min(le.Mark.Line, p.lines)
	msg := le.Message
	// "did not find expected ',' or ']'" is found at the end of the file; the
	// list that was never closed is what the user has to look for.
	if le.ContextMsg != "" && le.ContextMark.Line > 0 && le.ContextMark.Line != line {
		msg += fmt.Sprintf(" (%s from line %d)", le.ContextMsg, le.ContextMark.Line)
	}
	return p.fail(max(line, 0), "", "invalid YAML: "+msg)
}

func (p *parser) settings(m *yaml.Node, c *Config) error {
	return p.fields(m, "", topKeys, func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "base":
			c.Base, err = p.base(v, key)
		case "branch_prefix":
			c.BranchPrefix, err = p.checked(v, key, prefixProblem)
		case "label":
			err = p.label(v, key, &c.Label)
		case "reviewers":
			c.Reviewers, err = p.list(v, key, reviewerProblem)
		case "merge_method":
			c.MergeMethod, err = p.mergeMethod(v, key)
		case "limits":
			err = p.section(v, key, limitsKeys, func(k string, v *yaml.Node) error {
				var err error
				switch k {
				case "files":
					c.Limits.Files, err = p.positive(v, key+"."+k)
				case "lines":
					c.Limits.Lines, err = p.positive(v, key+"."+k)
				case "bytes":
					c.Limits.Bytes, err = p.positive(v, key+"."+k)
				}
				return err
			})
		case "release":
			err = p.section(v, key, releaseKeys, func(k string, v *yaml.Node) error {
				var err error
				switch k {
				case "workflow":
					c.Release.Workflow, err = p.workflow(v, key+"."+k)
				case "inputs":
					c.Release.Inputs, err = p.inputs(v, key+"."+k)
				case "wait_checks":
					c.Release.WaitChecks, err = p.boolean(v, key+"."+k)
				}
				return err
			})
		case "pull_request":
			err = p.section(v, key, pullRequestKeys, func(k string, v *yaml.Node) error {
				var err error
				c.PullRequest.Template, err = p.path(v, key+"."+k, ".github/hotfix_pull_request.md")
				return err
			})
		case "post_mortem":
			err = p.section(v, key, postMortemKeys, func(k string, v *yaml.Node) error {
				var err error
				switch k {
				case "enabled":
					c.PostMortem.Enabled, err = p.boolean(v, key+"."+k)
				case "labels":
					c.PostMortem.Labels, err = p.list(v, key+"."+k, labelProblem)
				case "template":
					c.PostMortem.Template, err = p.path(v, key+"."+k, ".github/post_mortem.md")
				}
				return err
			})
		case "exceptional":
			err = p.section(v, key, exceptionalKeys, func(k string, v *yaml.Node) error {
				var err error
				e := &c.Exceptional
				switch k {
				case "workflow":
					e.Workflow, err = p.workflow(v, key+"."+k)
				case "maintenance_branch":
					e.MaintenanceBranch, err = p.checked(v, key+"."+k, maintenanceProblem)
				case "tag_input":
					e.TagInput, err = p.checked(v, key+"."+k, inputNameProblem)
				case "environment_input":
					e.EnvironmentInput, err = p.checked(v, key+"."+k, inputNameProblem)
				case "environment":
					e.Environment, err = p.inputValue(v, key+"."+k)
					if err == nil && e.Environment == "" {
						err = p.fail(v.Line, key+"."+k, "must not be empty (leave the key out for "+DefaultEnvironment+")")
					}
				case "inputs":
					e.Inputs, err = p.inputs(v, key+"."+k)
				}
				return err
			})
			if err == nil && c.Exceptional.TagInput == c.Exceptional.EnvironmentInput {
				err = p.errorf(v, key, "tag_input and environment_input are both %q: they must name two different inputs", shorten(c.Exceptional.TagInput))
			}
		case "notify":
			c.Notify, err = p.notify(v, key)
		}
		return err
	})
}

// pairs calls each for every key and value of the mapping m found at path,
// in file order, after refusing keys that are not scalars, aliases and
// duplicates (which YAML parsers disagree on: first or last wins).
func (p *parser) pairs(m *yaml.Node, path string, each func(k, v *yaml.Node) error) error {
	seen := make(map[string]int)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch k.Kind {
		case yaml.ScalarNode:
		case yaml.AliasNode:
			return p.alias(k, path)
		default:
			return p.errorf(k, path, "expected a key name, got %s", describe(k))
		}
		if first, ok := seen[k.Value]; ok {
			return p.errorf(k, path, "duplicate key %q (first on line %d)", shorten(k.Value), first)
		}
		seen[k.Value] = k.Line
		if err := each(k, v); err != nil {
			return err
		}
	}
	return nil
}

// fields is pairs for a mapping of settings: only the known keys are
// accepted, and set receives values that are not aliases.
func (p *parser) fields(m *yaml.Node, path string, known []string, set func(key string, v *yaml.Node) error) error {
	return p.pairs(m, path, func(k, v *yaml.Node) error {
		if !slices.Contains(known, k.Value) {
			return p.errorf(k, path, "unknown key %q%s", shorten(k.Value), suggest(k.Value, known))
		}
		if v.Kind == yaml.AliasNode {
			return p.alias(v, join(path, k.Value))
		}
		return set(k.Value, v)
	})
}

// section reads a mapping of settings; null (every key commented out)
// leaves the defaults.
func (p *parser) section(v *yaml.Node, path string, known []string, set func(key string, v *yaml.Node) error) error {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, path, "expected a mapping with %s, got %s", orList(known, "and"), describe(v))
	}
	return p.fields(v, path, known, set)
}

func (p *parser) alias(n *yaml.Node, key string) error {
	return p.errorf(n, key, "aliases (*%s) are not supported; write the value out", shorten(n.Value))
}

// str returns a string value. A number or boolean where a string is
// expected is refused rather than converted: YAML reads "base: 2024" as a
// number and "color: 0e1234" as a float, and a silent conversion would hide
// whatever else was mistyped; the message says how to quote it.
func (p *parser) str(v *yaml.Node, key string) (string, error) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		return v.Value, nil
	}
	msg := "expected a string, got " + describe(v)
	if v.Kind == yaml.ScalarNode && v.Style == 0 && v.Value != "" {
		msg += fmt.Sprintf(" (quote it: %q)", shorten(v.Value))
	}
	return "", p.fail(v.Line, key, msg)
}

// checked returns a string value that problem finds nothing wrong with.
func (p *parser) checked(v *yaml.Node, key string, problem func(string) string) (string, error) {
	s, err := p.str(v, key)
	if err != nil {
		return "", err
	}
	if msg := problem(s); msg != "" {
		return "", p.fail(v.Line, key, msg)
	}
	return s, nil
}

func (p *parser) base(v *yaml.Node, key string) (string, error) {
	s, err := p.str(v, key)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", p.fail(v.Line, key, "must not be empty (leave the key out to use the repository's default branch)")
	}
	if msg := branchProblem(s); msg != "" {
		return "", p.fail(v.Line, key, msg)
	}
	return s, nil
}

// label reads either a name alone or a mapping; keys it does not set keep
// the defaults, so "label: urgent" still gets a colour and a description.
func (p *parser) label(v *yaml.Node, key string, l *Label) error {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		if msg := labelProblem(v.Value); msg != "" {
			return p.fail(v.Line, key, msg)
		}
		l.Name = v.Value
		return nil
	}
	if v.Kind != yaml.MappingNode && !isNull(v) {
		return p.errorf(v, key, "expected a label name or a mapping with name, color and description, got %s", describe(v))
	}
	return p.section(v, key, labelKeys, func(k string, v *yaml.Node) error {
		var err error
		switch k {
		case "name":
			l.Name, err = p.checked(v, key+"."+k, labelProblem)
		case "color":
			l.Color, err = p.color(v, key+"."+k)
		case "description":
			l.Description, err = p.checked(v, key+"."+k, descriptionProblem)
		}
		return err
	})
}

// color accepts 6 hex digits with or without "#", stored as the API wants
// them. Unquoted digits such as 000000 are read as a number by YAML; they
// are accepted as written, since no other reading makes sense.
func (p *parser) color(v *yaml.Node, key string) (string, error) {
	if v.Kind == yaml.ScalarNode {
		tag := v.ShortTag()
		if tag == "!!str" || v.Style == 0 && (tag == "!!int" || tag == "!!float") {
			if c, ok := hexColor(v.Value); ok {
				return c, nil
			}
		}
	}
	msg := `expected 6 hex digits like "d73a4a", got ` + describe(v)
	if isNull(v) && v.Value == "" {
		// `color: #d73a4a` is the likeliest way to get here.
		msg += ` ("#" starts a comment in YAML: quote the colour or leave out the "#")`
	}
	return "", p.fail(v.Line, key, msg)
}

func (p *parser) mergeMethod(v *yaml.Node, key string) (string, error) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && slices.Contains(mergeMethods, v.Value) {
		return v.Value, nil
	}
	return "", p.errorf(v, key, "expected %s, got %s", orList(mergeMethods, "or"), describe(v))
}

// positive reads a YAML integer above zero. A quoted "10" is refused like
// any other string: the file is strict about types everywhere, so that
// what a key holds never depends on how lenient its reader happened to be.
func (p *parser) positive(v *yaml.Node, key string) (int, error) {
	var n int
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int" && v.Decode(&n) == nil && n > 0 {
		return n, nil
	}
	return 0, p.errorf(v, key, "expected a positive integer, got %s", describe(v))
}

// boolean accepts YAML 1.2 booleans only: "yes" and "on" are strings there,
// and guessing would make the same file mean different things to
// different tools.
func (p *parser) boolean(v *yaml.Node, key string) (bool, error) {
	var b bool
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!bool" && v.Decode(&b) == nil {
		return b, nil
	}
	return false, p.errorf(v, key, "expected true or false, got %s", describe(v))
}

// list reads a list of strings, each checked by problem, none twice
// (GitHub compares logins and label names without regard to case). A
// single string is refused: a reader cannot tell whether "a, b" was meant
// as one value or two.
func (p *parser) list(v *yaml.Node, key string, problem func(string) string) ([]string, error) {
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		msg := "expected a list, got " + describe(v)
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
			msg += fmt.Sprintf(" (write [%q])", shorten(v.Value))
		}
		return nil, p.fail(v.Line, key, msg)
	}
	var out []string
	seen := make(map[string]int)
	for i, e := range v.Content {
		k := fmt.Sprintf("%s[%d]", key, i)
		if e.Kind == yaml.AliasNode {
			return nil, p.alias(e, k)
		}
		s, err := p.checked(e, k, problem)
		if err != nil {
			return nil, err
		}
		folded := strings.ToLower(s)
		if j, ok := seen[folded]; ok {
			return nil, p.errorf(e, k, "%q is already in the list (%s[%d])", shorten(s), key, j)
		}
		seen[folded] = i
		out = append(out, s)
	}
	return out, nil
}

// workflow reads a workflow file and keeps its bare name, which is what
// the dispatch API takes.
func (p *parser) workflow(v *yaml.Node, key string) (string, error) {
	s, err := p.str(v, key)
	if err != nil {
		return "", err
	}
	name, ok := workflowFile(s)
	if !ok {
		return "", p.errorf(v, key, `expected a workflow file name like "release.yml" or ".github/workflows/release.yml", got %q`, shorten(s))
	}
	return name, nil
}

// inputs reads the workflow inputs. Values are sent as text by the
// dispatch API anyway, so numbers and booleans are taken as written
// (booleans spelt "true"/"false", which is what workflows compare with).
func (p *parser) inputs(v *yaml.Node, key string) (map[string]string, error) {
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != yaml.MappingNode {
		return nil, p.errorf(v, key, "expected a mapping of input names to values, got %s", describe(v))
	}
	inputs := make(map[string]string)
	err := p.pairs(v, key, func(k, v *yaml.Node) error {
		if msg := inputNameProblem(k.Value); msg != "" {
			return p.fail(k.Line, key, msg)
		}
		s, err := p.inputValue(v, key+"."+k.Value)
		inputs[k.Value] = s
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, nil
	}
	return inputs, nil
}

func (p *parser) inputValue(v *yaml.Node, key string) (string, error) {
	if v.Kind == yaml.AliasNode {
		return "", p.alias(v, key)
	}
	if v.Kind == yaml.ScalarNode {
		switch tag := v.ShortTag(); {
		case tag == "!!str":
			return v.Value, nil
		case tag == "!!bool":
			var b bool
			if v.Decode(&b) == nil {
				return strconv.FormatBool(b), nil
			}
		case v.Style == 0 && (tag == "!!int" || tag == "!!float" || tag == "!!timestamp"):
			return v.Value, nil
		case tag == "!!null":
			return "", p.errorf(v, key, `expected a string, number or boolean, got %s (write "" for an empty value)`, describe(v))
		}
	}
	return "", p.errorf(v, key, "expected a string, number or boolean, got %s", describe(v))
}

// path reads the path of a file in the repository.
func (p *parser) path(v *yaml.Node, key, example string) (string, error) {
	s, err := p.str(v, key)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", p.fail(v.Line, key, "must not be empty (leave the key out to use the built-in text)")
	}
	if !repoPath(s) {
		return "", p.errorf(v, key, "expected a path from the repository root like %q, got %q", example, shorten(s))
	}
	return s, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe says what a value is, for "expected X, got Y": strings quoted,
// other scalars as written, collections by kind.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
	default:
		return "nothing"
	}
	switch tag := n.ShortTag(); {
	case tag == "!!str":
		return strconv.Quote(shorten(n.Value))
	case tag == "!!null" && n.Value == "":
		return "nothing"
	case n.Style == 0 && slices.Contains([]string{"!!null", "!!bool", "!!int", "!!float", "!!timestamp"}, tag):
		return shorten(n.Value)
	default:
		// Explicitly tagged ("!!binary ...", "!custom x"): show the tag,
		// which is what makes it the wrong type.
		return tag + " " + strconv.Quote(shorten(n.Value))
	}
}

// shorten keeps messages on one readable line whatever the file holds.
func shorten(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit-3]) + "..."
}

// orList renders ["a", "b", "c"] as "a, b and c" (or "or").
func orList(items []string, conj string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// scanText checks that content is text YAML and people read the same way,
// before the YAML library sees it: valid UTF-8 without control characters
// (the library would report them without a line), and no line breaks that
// YAML counts but editors do not show (NEL, U+2028, U+2029), so that line
// numbers agree with the user's editor. It returns the number of lines, or
// the line of the first problem and what it is.
func scanText(b []byte) (lines, line int, msg string) {
	line = 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return 0, line, "the file is not valid UTF-8 text"
		case r == '\n':
			line++
		case r == '\r':
			if i+1 == len(b) || b[i+1] != '\n' {
				line++
			}
		case r == '\t':
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0xfffe, r == 0xffff, r == 0x2028, r == 0x2029:
			return 0, line, fmt.Sprintf("control character %U is not allowed", r)
		}
		i += size
	}
	lines = line
	if len(b) == 0 || b[len(b)-1] == '\n' || b[len(b)-1] == '\r' {
		lines-- // the last line break ends the last line; no line follows it
	}
	return lines, 0, ""
}
