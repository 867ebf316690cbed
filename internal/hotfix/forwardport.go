package hotfix

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ForwardPortLabel marks forward-port pull requests, beside the hotfix label.
const ForwardPortLabel = "forward-port"

// ForwardPortBranch names the branch that carries a hotfix of the exceptional
// process to the main line: "forward-port-" before the last part of the hotfix
// branch's name (hotfix/login-500 → hotfix/forward-port-login-500). It depends
// only on the hotfix branch, so every run of ship, on any machine, finds the
// same branch and its pull request instead of making a second one.
func ForwardPortBranch(branch string) string {
	i := strings.LastIndex(branch, "/")
	return branch[:i+1] + "forward-port-" + branch[i+1:]
}

// ForwardPort is what the marker in a forward-port pull request's body records.
type ForwardPort struct {
	Of        int  // the hotfix pull request whose fix it carries
	Conflicts bool // some commits did not apply: a person must finish the forward-port
}

var forwardPortRE = regexp.MustCompile(`<!-- gh-hotfix:forward-port of=(\d{1,9}) conflicts=(true|false) -->`)

// Encode renders the marker as an HTML comment, invisible on GitHub.
func (f ForwardPort) Encode() string {
	return fmt.Sprintf("<!-- gh-hotfix:forward-port of=%d conflicts=%t -->", f.Of, f.Conflicts)
}

// ParseForwardPort finds the marker in a pull request body.
func ParseForwardPort(body string) (ForwardPort, bool) {
	m := forwardPortRE.FindStringSubmatch(body)
	if m == nil {
		return ForwardPort{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return ForwardPort{}, false
	}
	return ForwardPort{Of: n, Conflicts: m[2] == "true"}, true
}
