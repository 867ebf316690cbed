package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/backport"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/create"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/doctor"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/initcmd"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/revert"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/ship"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/status"
)

// The README's command reference and `gh hotfix <command> --help` must describe the same
// commands, flags and JSON fields, and every invocation either of them shows must be valid.

// readReadme returns README.md from the module root, found by walking up from this file to
// go.mod.
func readReadme(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			b, err := os.ReadFile(filepath.Join(dir, "README.md"))
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above " + file)
		}
	}
}

// readmeCommands splits the README's "## Commands" section into its introduction (which
// documents the flags every command shares) and the text of each "### `gh hotfix NAME ...`"
// subsection, by NAME. Other subsections (the exceptional process) are left out.
func readmeCommands(t *testing.T, readme string) (intro string, sections map[string]string) {
	t.Helper()
	start := strings.Index(readme, "\n## Commands\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Commands" section`)
	}
	body := readme[start+len("\n## Commands\n"):]
	if end := strings.Index(body, "\n## "); end >= 0 {
		body = body[:end]
	}
	parts := strings.Split(body, "\n### ")
	intro, sections = parts[0], map[string]string{}
	heading := regexp.MustCompile("^`gh hotfix ([a-z]+)[^`]*`")
	for _, p := range parts[1:] {
		if m := heading.FindStringSubmatch(p); m != nil {
			sections[m[1]] = p
		}
	}
	return intro, sections
}

// helpSignatures returns each flag as the FLAGS section of --help shows it, without the usage:
// "-b, --base branch", "--push". It reads flagUsages, so the README is held to --help's text.
func helpSignatures(fs *pflag.FlagSet) []string {
	var sigs []string
	for _, line := range strings.Split(strings.TrimRight(flagUsages(fs), "\n"), "\n") {
		sig := regexp.MustCompile(`\s{3,}`).Split(strings.TrimSpace(line), 2)[0]
		if !strings.Contains(sig, "--") {
			panic("cannot read a flag from the help line " + line)
		}
		sigs = append(sigs, sig)
	}
	return sigs
}

// jsonModes are, by command, the flag (with a value) that gives the command another set of
// JSON fields: status --backports shows maintenance lines, not pull requests.
var jsonModes = map[string][]string{"status": {"--backports", "1"}}

// jsonFieldsOf returns the fields `gh hotfix name [mode...] --json` accepts, as the command
// lists them when given an unknown one (before it needs git, a repository or the network).
func jsonFieldsOf(t *testing.T, name string, mode ...string) []string {
	t.Helper()
	f, _, _, stderr := testFactory(t)
	Run(context.Background(), append(append([]string{name}, mode...), "--json", "no-such-field"), f)
	_, list, ok := strings.Cut(stderr.String(), "Available fields:\n")
	if !ok {
		t.Fatalf("%s --json no-such-field did not list the available fields: %q", name, stderr)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	return strings.Fields(list)
}

// stubCommand returns a new command called name whose work is replaced by nothing: executing
// it parses the flags and checks their combinations only.
func stubCommand(f *Factory, name string) *command.Command {
	switch name {
	case "create":
		return create.NewCmdCreate(f, func(context.Context, *create.CreateOptions) error { return nil })
	case "ship":
		return ship.NewCmdShip(f, func(context.Context, *ship.ShipOptions) error { return nil })
	case "status":
		return status.NewCmdStatus(f, func(context.Context, *status.StatusOptions) error { return nil })
	case "doctor":
		return doctor.NewCmdDoctor(f, func(context.Context, *doctor.DoctorOptions) error { return nil })
	case "revert":
		return revert.NewCmdRevert(f, func(context.Context, *revert.RevertOptions) error { return nil })
	case "backport":
		return backport.NewCmdBackport(f, func(context.Context, *backport.BackportOptions) error { return nil })
	case "init":
		return initcmd.NewCmdInit(f, func(context.Context, *initcmd.InitOptions) error { return nil })
	}
	return nil
}

// splitWords splits a shell command line into words, with single and double quotes, up to
// a "#" starting a word (a comment).
func splitWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '#' && !inWord:
			return words
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// readmeInvocations returns the `gh hotfix ...` command lines of the README: in indented
// code blocks, and in inline code spans of the prose (headings are not invocations).
func readmeInvocations(readme string) []string {
	var lines []string
	span := regexp.MustCompile("`([^`]*)`")
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "    ") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "gh hotfix ") {
				lines = append(lines, l)
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, m := range span.FindAllStringSubmatch(line, -1) {
			if i := strings.Index(m[1], "gh hotfix "); i >= 0 {
				lines = append(lines, m[1][i:])
			}
		}
	}
	return lines
}

func TestREADMEDocumentsEveryFlag(t *testing.T) {
	readme := readReadme(t)
	intro, sections := readmeCommands(t, readme)
	f, _, _, _ := testFactory(t)
	cmds := commands(f)
	var names []string
	for _, cmd := range cmds {
		names = append(names, cmd.Name)
	}
	for name := range sections {
		if !slices.Contains(names, name) {
			t.Errorf("README.md documents `gh hotfix %s`, which is not a command", name)
		}
	}
	// A flag mentioned in the prose: --long, or -x as a word of its own.
	mention := regexp.MustCompile("(?:^|[\\s`(/])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?:$|[^a-zA-Z0-9-])")
	for _, cmd := range cmds {
		t.Run(cmd.Name, func(t *testing.T) {
			section, ok := sections[cmd.Name]
			if !ok {
				t.Fatalf("README.md has no \"### `gh hotfix %s`\" section under \"## Commands\"", cmd.Name)
			}
			// Every flag, with its short form and argument as --help shows them; the flags
			// all commands share may be documented once, in the introduction.
			for _, sig := range helpSignatures(cmd.Flags) {
				documented := regexp.MustCompile("`" + regexp.QuoteMeta(sig) + "(?:$|[^a-zA-Z0-9-])")
				if !documented.MatchString(section) && !documented.MatchString(intro) {
					t.Errorf("README.md's %s section does not document `%s` (as --help shows it)", cmd.Name, sig)
				}
			}
			// Every flag the section mentions exists on the command.
			for _, m := range mention.FindAllStringSubmatch(section, -1) {
				flag := m[1]
				var found bool
				if long, ok := strings.CutPrefix(flag, "--"); ok {
					found = cmd.Flags.Lookup(long) != nil
				} else {
					found = cmd.Flags.ShorthandLookup(flag[1:]) != nil
				}
				if !found {
					t.Errorf("README.md's %s section mentions %s, which `gh hotfix %s` does not have", cmd.Name, flag, cmd.Name)
				}
			}
			// Every JSON field, in the README's section and in --help.
			if cmd.Flags.Lookup("json") != nil {
				fields := jsonFieldsOf(t, cmd.Name)
				if mode, ok := jsonModes[cmd.Name]; ok {
					fields = append(fields, jsonFieldsOf(t, cmd.Name, mode...)...)
				}
				for _, field := range fields {
					if !strings.Contains(section, "`"+field+"`") {
						t.Errorf("README.md's %s section does not list the JSON field `%s`", cmd.Name, field)
					}
					if !regexp.MustCompile(`\b` + field + `\b`).MatchString(cmd.Long) {
						t.Errorf("gh hotfix %s --help does not list the JSON field %s", cmd.Name, field)
					}
				}
			}
		})
	}
}

// TestExamplesAreValid runs every example of --help (root and commands) and every
// `gh hotfix ...` command line of README.md through the command's flag parsing and checks,
// with the work itself stubbed out: flags that do not exist, bad values, forbidden
// combinations and unknown JSON fields fail.
func TestExamplesAreValid(t *testing.T) {
	f, ios, _, _ := testFactory(t)
	// As on a terminal, where a missing description is asked for.
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	ios.SetStderrTTY(true)
	jsonFields := map[string][]string{}
	check := func(t *testing.T, where, line string) {
		t.Helper()
		words := splitWords(line)
		if len(words) < 3 || words[0] != "gh" || words[1] != "hotfix" {
			t.Errorf("%s: %q is not a gh hotfix command line", where, line)
			return
		}
		name, args := words[2], words[3:]
		cmd := stubCommand(f, name)
		if cmd == nil {
			if !strings.HasPrefix(name, "<") && !strings.HasPrefix(name, "-") {
				t.Errorf("%s: %q: no command %s", where, line, name)
			}
			return
		}
		if err := cmd.Execute(context.Background(), args); err != nil {
			t.Errorf("%s: %q: %v", where, line, err)
			return
		}
		if cmd.Flags.Changed("json") {
			key, mode := name, []string(nil)
			if m, ok := jsonModes[name]; ok && cmd.Flags.Changed(strings.TrimPrefix(m[0], "--")) {
				key, mode = name+" "+m[0], m
			}
			if _, ok := jsonFields[key]; !ok {
				jsonFields[key] = jsonFieldsOf(t, name, mode...)
			}
			fields, _ := cmd.Flags.GetStringSlice("json")
			for _, field := range fields {
				if !slices.Contains(jsonFields[key], field) {
					t.Errorf("%s: %q: %s has no JSON field %q", where, line, name, field)
				}
			}
		}
	}
	examples := func(t *testing.T, where, text string) {
		t.Helper()
		lines := strings.Split(strings.TrimSpace(text), "\n")
		if len(lines) < 2 {
			t.Errorf("%s has fewer than two examples", where)
		}
		for _, l := range lines {
			cmdLine, ok := strings.CutPrefix(l, "$ ")
			if !ok {
				t.Errorf("%s: example %q does not start with \"$ \"", where, l)
				continue
			}
			check(t, where, cmdLine)
		}
	}
	examples(t, "gh hotfix --help", rootExample)
	for _, cmd := range commands(f) {
		examples(t, "gh hotfix "+cmd.Name+" --help", cmd.Example)
		for _, l := range strings.Split(cmd.Example, "\n") {
			if w := splitWords(strings.TrimPrefix(l, "$ ")); len(w) < 3 || w[2] != cmd.Name {
				t.Errorf("gh hotfix %s --help: example %q is not of this command", cmd.Name, l)
			}
		}
	}
	invocations := readmeInvocations(readReadme(t))
	if len(invocations) < 20 {
		t.Fatalf("found only %d gh hotfix command lines in README.md: %q", len(invocations), invocations)
	}
	for _, l := range invocations {
		check(t, "README.md", l)
	}
}
