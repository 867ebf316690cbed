package command

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cli/go-gh/v2/pkg/jq"
	"github.com/cli/go-gh/v2/pkg/template"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// CheckFields rejects requested --json fields that the command does not offer,
// listing the ones it does (as gh does).
func (j *JSONFlags) CheckFields(available []string) error {
	for _, f := range j.Fields {
		if !contains(available, f) {
			sorted := append([]string(nil), available...)
			sort.Strings(sorted)
			return cmderr.FlagErrorf("unknown JSON field: %q\nAvailable fields:\n  %s", f, strings.Join(sorted, "\n  "))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Write prints data (one object, or a list of objects, each a map of every
// available field) restricted to the requested fields, through --jq or
// --template when given, else as indented JSON.
func (j *JSONFlags) Write(ios *iostreams.IOStreams, data any) error {
	pick := func(m map[string]any) map[string]any {
		out := make(map[string]any, len(j.Fields))
		for _, f := range j.Fields {
			out[f] = m[f]
		}
		return out
	}
	var v any
	switch d := data.(type) {
	case map[string]any:
		v = pick(d)
	case []map[string]any:
		list := make([]map[string]any, len(d))
		for i, m := range d {
			list[i] = pick(m)
		}
		v = list
	default:
		return fmt.Errorf("cannot export %T as JSON", data)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	switch {
	case j.JQ != "":
		return jq.Evaluate(&buf, ios.Out, j.JQ)
	case j.Template != "":
		t := template.New(ios.Out, ios.TerminalWidth(), ios.ColorEnabled())
		if err := t.Parse(j.Template); err != nil {
			return err
		}
		if err := t.Execute(&buf); err != nil {
			return err
		}
		return t.Flush()
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, buf.Bytes(), "", "  "); err != nil {
		return err
	}
	_, err := ios.Out.Write(pretty.Bytes())
	return err
}
