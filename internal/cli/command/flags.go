package command

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/cmderr"
)

// AddRepoFlag defines -R/--repo, the repository to work on instead of the current one.
func AddRepoFlag(fs *pflag.FlagSet, repo *string) {
	fs.StringVarP(repo, "repo", "R", "", "Select another repository using the `[HOST/]OWNER/REPO` format")
}

// AddReposFlag defines -R/--repo for a command that can also work on several
// repositories: given once it is AddRepoFlag's repository, repeated it names each
// of them (a comma is no separator: it stays a repository's one value, as -R has
// always taken it).
func AddReposFlag(fs *pflag.FlagSet, repos *[]string, usage string) {
	fs.StringArrayVarP(repos, "repo", "R", nil, usage)
}

// JSONFlags holds the values of --json, --jq and --template, for commands that can print
// their result as JSON.
type JSONFlags struct {
	Fields   []string // fields to output as JSON; none means plain output
	JQ       string   // jq expression to filter the JSON with
	Template string   // Go template to format the JSON with
}

// jsonFieldsKey annotates --json with the fields the command offers, so that a bare
// --json can list them (see [Command.Execute]).
const jsonFieldsKey = "gh-hotfix/json-fields"

// AddJSONFlags defines --json, -q/--jq and -t/--template, as gh does; fields are those
// the command offers, listed when --json is given none.
func AddJSONFlags(fs *pflag.FlagSet, j *JSONFlags, fields []string) {
	fs.StringSliceVar(&j.Fields, "json", nil, "Output JSON with the specified `fields`")
	_ = fs.SetAnnotation("json", jsonFieldsKey, fields)
	fs.StringVarP(&j.JQ, "jq", "q", "", "Filter JSON output using a jq `expression`")
	fs.StringVarP(&j.Template, "template", "t", "", "Format JSON output using a Go template; see \"gh help formatting\"")
}

// Validate rejects --jq or --template without --json, and both together.
func (j *JSONFlags) Validate() error {
	if err := MutuallyExclusive("specify only one of `--jq` or `--template`", j.JQ != "", j.Template != ""); err != nil {
		return err
	}
	if len(j.Fields) == 0 {
		if j.JQ != "" {
			return cmderr.FlagErrorf("cannot use `--jq` without specifying `--json`")
		}
		if j.Template != "" {
			return cmderr.FlagErrorf("cannot use `--template` without specifying `--json`")
		}
	}
	for _, f := range j.Fields {
		if strings.TrimSpace(f) == "" {
			return cmderr.FlagErrorf("invalid `--json` value %q: empty field name", strings.Join(j.Fields, ","))
		}
	}
	return nil
}

// MutuallyExclusive returns a *cmderr.FlagError with message when more than one of the
// conditions holds, e.g. MutuallyExclusive("specify only one of `--body` or `--body-file`",
// body != "", bodyFile != "").
func MutuallyExclusive(message string, conditions ...bool) error {
	n := 0
	for _, c := range conditions {
		if c {
			n++
		}
	}
	if n > 1 {
		return cmderr.FlagErrorf("%s", message)
	}
	return nil
}

// NoArgs returns a *cmderr.FlagError when a command that takes no positional argument got some.
func NoArgs(args []string) error {
	if len(args) > 0 {
		return cmderr.FlagErrorf("unexpected argument %q: this command takes no arguments", args[0])
	}
	return nil
}

// OneOf returns a *cmderr.FlagError when value is not one of allowed.
func OneOf(flag, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return cmderr.FlagErrorf("invalid value %q for `--%s`: valid values are %s", value, flag, quoteList(allowed))
}

// quoteList formats values as `"a", "b" or "c"`.
func quoteList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	if len(quoted) < 2 {
		return strings.Join(quoted, "")
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// NotBlank returns a *cmderr.FlagError when one of the named string flags was given an empty
// or blank value (e.g. --base ""), which would otherwise silently mean "not given".
func NotBlank(fs *pflag.FlagSet, names ...string) error {
	for _, name := range names {
		if fs.Changed(name) && strings.TrimSpace(fs.Lookup(name).Value.String()) == "" {
			return cmderr.FlagErrorf("the `--%s` value must not be blank", name)
		}
	}
	return nil
}

// ParseFields turns repeated -f/--field key=value flags into workflow inputs;
// nil without flags. A missing "=" or a key given twice is a flag error.
func ParseFields(fields []string) (map[string]string, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	inputs := make(map[string]string, len(fields))
	for _, field := range fields {
		key, value, ok := strings.Cut(field, "=")
		if !ok || strings.TrimSpace(key) == "" {
			return nil, cmderr.FlagErrorf("invalid `--field` %q: expected key=value", field)
		}
		if _, dup := inputs[key]; dup {
			return nil, cmderr.FlagErrorf("invalid `--field` %q: input %q is given twice", field, key)
		}
		inputs[key] = value
	}
	return inputs, nil
}
