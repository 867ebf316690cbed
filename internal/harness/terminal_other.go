//go:build !linux

package harness

// RunInTerminal needs Linux's pseudo-terminals: elsewhere it skips the test.
func (e *Env) RunInTerminal(dir string, cols int, name string, args ...string) Result {
	e.T.Helper()
	e.T.Skip("pseudo-terminals are set up for Linux only")
	return Result{}
}

// HotfixInTerminal runs gh hotfix with args in dir on a terminal of cols columns.
func (e *Env) HotfixInTerminal(dir string, cols int, args ...string) Result {
	e.T.Helper()
	return e.RunInTerminal(dir, cols, "gh", append([]string{"hotfix"}, args...)...)
}
