//go:build !unix

package git

// canHold: a hook cannot get the gate as an inherited file descriptor here (os/exec passes
// extra files on Unix only), so pushes are never held.
func canHold() bool { return false }

func executable(string) bool { return false }
