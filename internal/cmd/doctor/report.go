package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// Severities of a check that did not pass.
const (
	SeverityError   = "error"   // the repository is not ready: doctor exits 1
	SeverityWarning = "warning" // worth knowing, but no obstacle to a hotfix
)

// Check is the outcome of one check.
type Check struct {
	Name     string // stable identifier, e.g. "label"; see checkTitles
	OK       bool
	Severity string // "" when OK, else SeverityError or SeverityWarning
	Detail   string // what was found, in one line
	Fix      string // what to do about it, in one line; "" when OK
}

// checkTitles name the checks on a terminal, in the order doctor runs them.
var checkTitles = map[string]string{
	"auth":             "Authentication",
	"server":           "Server",
	"config":           "Configuration",
	"label":            "Label",
	"release-workflow": "Release workflow",
	"auto-merge":       "Auto-merge",
	"ci":               "CI",
	"base":             "Base branch",
	// The exceptional process: hotfix from the last release.
	"exceptional-workflow": "Hotfix workflow",
	"maintenance-branch":   "Maintenance branches",
	"release-line":         "Release line",
	// What holds a release run: its environments' protection rules, its concurrency.
	"environments": "Deployment environments",
	"concurrency":  "Concurrency",
	// The rules that apply to the base, hotfix and maintenance branches, release tags.
	"rules": "Rules",
	// doctor --test-notify: one line per webhook.
	"notify": "Notification",
}

func pass(name, detail string) Check { return Check{Name: name, OK: true, Detail: detail} }

func warn(name, detail, fix string) Check {
	return Check{Name: name, Severity: SeverityWarning, Detail: detail, Fix: fix}
}

func fail(name, detail, fix string) Check {
	return Check{Name: name, Severity: SeverityError, Detail: detail, Fix: fix}
}

// ready reports whether no check failed (warnings do not count).
func ready(checks []Check) bool {
	for _, c := range checks {
		if c.Severity == SeverityError {
			return false
		}
	}
	return true
}

// word is the state of a check as the plain output spells it.
func (c Check) word() string {
	switch {
	case c.OK:
		return "ok"
	case c.Severity == SeverityWarning:
		return "warn"
	}
	return "fail"
}

// render prints the report. On a terminal: an icon, the check's title and what was
// found, the fix on the next line, and a verdict. Otherwise one line per check with
// four tab-separated fields (ok|warn|fail, name, detail, fix), as gh prints tables
// when piped, so that grep, cut and awk work on it.
func render(w io.Writer, cs *iostreams.ColorScheme, tty bool, checks []Check, again string) {
	if !tty {
		for _, c := range checks {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", c.word(), c.Name, oneLine(c.Detail), oneLine(c.Fix))
		}
		return
	}
	failures, warnings := 0, 0
	for _, c := range checks {
		icon := cs.SuccessIcon()
		switch c.word() {
		case "warn":
			icon = cs.WarningIcon()
			warnings++
		case "fail":
			icon = cs.FailureIcon()
			failures++
		}
		title := checkTitles[c.Name]
		if title == "" {
			title = c.Name
		}
		fmt.Fprintf(w, "%s %s: %s\n", icon, cs.Bold(title), oneLine(c.Detail))
		if c.Fix != "" {
			fmt.Fprintf(w, "  %s %s\n", cs.Gray("Fix:"), oneLine(c.Fix))
		}
	}
	fmt.Fprintln(w)
	switch {
	case failures > 0:
		fmt.Fprintf(w, "%s Not ready for a hotfix: %s. Fix %s, then run %s again.\n",
			cs.FailureIcon(), plural(failures, "check fails", "checks fail"), pick(failures, "it", "them"), cs.Bold(again))
	case warnings > 0:
		fmt.Fprintf(w, "%s Ready for a hotfix, with %s.\n", cs.SuccessIcon(), plural(warnings, "warning", "warnings"))
	default:
		fmt.Fprintf(w, "%s Ready for a hotfix.\n", cs.SuccessIcon())
	}
}

// oneLine keeps a field on its line and within its column.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func plural(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, pick(n, one, many))
}

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// jsonFields are the fields --json can select.
var jsonFields = []string{"checks", "ready", "server"}

// exportData is the report as --json prints it.
func exportData(checks []Check, srv serverFacts) map[string]any {
	list := make([]map[string]any, len(checks))
	for i, c := range checks {
		list[i] = map[string]any{"name": c.Name, "ok": c.OK, "severity": c.Severity, "detail": c.Detail, "fix": c.Fix}
	}
	return map[string]any{"checks": list, "ready": ready(checks), "server": srv.export()}
}
