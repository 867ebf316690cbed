// Package distribution holds the tests that prove gh-hotfix's release artifacts
// install with `gh extension install`: the goreleaser configuration
// (.goreleaser.yaml) and the build script without goreleaser (script/build) each
// produce static binaries for the shipped platforms, named as gh's extension
// installer expects, stamped with the version; and the real gh installs a release
// of them served by the GitHub emulator.
//
// The tests are slow (cross-builds of every platform; goreleaser is installed from
// the Go module proxy on first use) and skipped under -short, except the
// end-to-end install, which then serves script/build's artifacts.
package distribution
