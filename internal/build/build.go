// Package build holds the version and date the gh-hotfix binary was built with.
package build

import "runtime/debug"

// Version is the version of gh-hotfix, set at build time with
//
//	-ldflags "-X github.com/gh-hotfix/gh-hotfix/internal/build.Version=v1.2.3"
//
// It stays "dev" for a plain `go build`, and becomes the module version for
// `go install github.com/gh-hotfix/gh-hotfix@v1.2.3`.
var Version = "dev"

// Date is the build date (YYYY-MM-DD), set at build time like [Version]; empty when unknown.
var Date = ""

func init() {
	if Version == "dev" {
		Version = moduleVersion(debug.ReadBuildInfo())
	}
}

// moduleVersion returns the main module's version recorded by `go install`, or "dev" when the
// binary was built from a checkout (the toolchain then records "(devel)") or has no build info.
func moduleVersion(info *debug.BuildInfo, ok bool) string {
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "dev"
	}
	return info.Main.Version
}
