package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/spf13/pflag"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

const (
	rootUseLine = "gh hotfix <command> [flags]"

	rootLong = `Create, ship and follow hotfixes: branch from the latest base branch, open a labelled
pull request, wait for the merge and dispatch the release workflow.`

	rootExample = `$ gh hotfix create "login page 500 on empty password"
$ gh hotfix ship --auto
$ gh hotfix status`

	// inheritedFlags lists the flags every command accepts, handled by the dispatcher.
	inheritedFlags = "--help   Show help for command"

	learnMore = "Use `gh hotfix <command> --help` for more information about a command.\n" +
		"Read the documentation at https://github.com/gh-hotfix/gh-hotfix#readme"
)

// helpSection is a titled block of help text; the body is indented under the title.
type helpSection struct {
	title string
	body  string
}

// printHelp writes sections to stdout as gh does: an untitled first block, then bold titles
// with their bodies indented by two spaces, each followed by a blank line.
func printHelp(ios *iostreams.IOStreams, sections []helpSection) {
	cs := ios.ColorScheme()
	for _, s := range sections {
		if s.body == "" {
			continue
		}
		if s.title == "" {
			fmt.Fprintln(ios.Out, s.body)
		} else {
			fmt.Fprintln(ios.Out, cs.Bold(s.title))
			fmt.Fprintln(ios.Out, indent(strings.Trim(s.body, "\n"), "  "))
		}
		fmt.Fprintln(ios.Out)
	}
}

func printRootHelp(ios *iostreams.IOStreams, cmds []*command.Command, rootFlags *pflag.FlagSet) {
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.Name)+1)
	}
	var list strings.Builder
	for _, c := range cmds {
		fmt.Fprintf(&list, "%-*s  %s\n", width, c.Name+":", c.Short)
	}
	printHelp(ios, []helpSection{
		{"", rootLong},
		{"USAGE", rootUseLine},
		{"COMMANDS", list.String()},
		{"FLAGS", dedent(flagUsages(rootFlags))},
		{"EXAMPLES", rootExample},
		{"LEARN MORE", learnMore},
	})
}

func printCommandHelp(ios *iostreams.IOStreams, cmd *command.Command) {
	long := cmd.Long
	if long == "" {
		long = cmd.Short
	}
	printHelp(ios, []helpSection{
		{"", long},
		{"USAGE", cmd.UseLine()},
		{"FLAGS", dedent(flagUsages(cmd.Flags))},
		{"INHERITED FLAGS", inheritedFlags},
		{"EXAMPLES", cmd.Example},
		{"LEARN MORE", learnMore},
	})
}

// printRootUsage writes the short usage shown after a wrong command line, as gh does.
func printRootUsage(w io.Writer, cmds []*command.Command) {
	fmt.Fprintf(w, "Usage:  %s\n\nAvailable commands:\n", rootUseLine)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %s\n", c.Name)
	}
}

// printCommandUsage writes the usage line and flags of cmd, shown after a flag error.
func printCommandUsage(w io.Writer, cmd *command.Command) {
	fmt.Fprintf(w, "Usage:  %s\n", cmd.UseLine())
	if usages := flagUsages(cmd.Flags); usages != "" {
		fmt.Fprintf(w, "\nFlags:\n%s\n", indent(dedent(usages), "  "))
	}
}

// printError writes err as the first line(s) of an error report followed by a blank line.
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "%s\n\n", strings.TrimRight(err.Error(), "\n"))
}

// printUnknownCommand reports a command name that does not exist, suggesting close names.
func printUnknownCommand(w io.Writer, cmds []*command.Command, name string) {
	fmt.Fprintf(w, "unknown command %q for \"gh hotfix\"\n\n", name)
	var suggestions []string
	for _, c := range cmds {
		if levenshtein.ComputeDistance(name, c.Name) <= 2 || (name != "" && strings.HasPrefix(c.Name, name)) {
			suggestions = append(suggestions, c.Name)
		}
	}
	if len(suggestions) > 0 {
		fmt.Fprintf(w, "Did you mean this?\n\t%s\n\n", strings.Join(suggestions, "\n\t"))
	}
	printRootUsage(w, cmds)
}

// flagUsages lists the flags of fs as gh's help does, one aligned line per flag:
// "-b, --base branch   usage (default x)". Unlike pflag's own listing, boolean flags show no
// value placeholder. Long-only flags are indented to line up with those with a shorthand.
func flagUsages(fs *pflag.FlagSet) string {
	var names, usages []string
	width := 0
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden {
			return
		}
		name := "    --" + fl.Name
		if fl.Shorthand != "" {
			name = "-" + fl.Shorthand + ", --" + fl.Name
		}
		varname, usage := pflag.UnquoteUsage(fl)
		if varname != "" {
			name += " " + varname
		}
		switch {
		case fl.Value.Type() == "string" && fl.DefValue != "":
			usage += fmt.Sprintf(" (default %q)", fl.DefValue)
		case !slices.Contains([]string{"", "false", "0", "0s", "[]"}, fl.DefValue):
			usage += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		names = append(names, name)
		usages = append(usages, usage)
		width = max(width, len(name))
	})
	var b strings.Builder
	for i := range names {
		fmt.Fprintf(&b, "%-*s   %s\n", width, names[i], usages[i])
	}
	return b.String()
}

// dedent removes the indentation common to all non-empty lines of s, and its final newline.
func dedent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			lines[i] = l[common:]
		}
	}
	return strings.Join(lines, "\n")
}

// indent prefixes every non-empty line of s with prefix.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
