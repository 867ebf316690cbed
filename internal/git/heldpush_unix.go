//go:build unix

package git

import "golang.org/x/sys/unix"

// canHold: git passes inherited file descriptors on to its hooks here.
func canHold() bool { return true }

// executable reports whether path can be run: it asks the kernel, which also knows about
// file systems mounted noexec, where git would skip the hook.
func executable(path string) bool { return unix.Access(path, unix.X_OK) == nil }
