package distribution

import (
	"slices"
	"strings"
	"testing"
)

// How gh chooses a release asset, written as gh does it. Source: cli/cli
// pkg/cmd/extension/manager.go, the same in v2.23.0 (Debian's gh, which the
// end-to-end tests run) and v2.60.0:
//
//   - Manager.Install asks isBinExtension whether the latest release
//     (GET /repos/{owner}/{repo}/releases/latest) has an asset whose name ends
//     with one of possibleDists(), plus ".exe" for the windows-* ones; if so it is
//     a binary extension, else gh clones the repository and wants a script.
//   - installBin takes, from the same release, the first asset whose name ends
//     with runtime.GOOS + "-" + runtime.GOARCH of the running gh (+ ".exe" on
//     Windows). GOARCH is Go's name: 32-bit ARM is plain "arm" whatever GOARM,
//     so a release can carry one ARM build per OS.
//   - Only on darwin-arm64, when no such asset exists, it falls back to a
//     darwin-amd64 asset if Rosetta 2 is installed (gh 2.23 says the platform is
//     unsupported otherwise; v2.60 tells the user to install Rosetta). No other
//     platform has a fallback (windows-arm64 does not take windows-amd64).
//   - downloadAsset then GETs the asset's API "url" with
//     Accept: application/octet-stream, following GitHub's redirect.

// ghPossibleDists is gh's possibleDists().
var ghPossibleDists = []string{
	"aix-ppc64",
	"android-386", "android-amd64", "android-arm", "android-arm64",
	"darwin-amd64", "darwin-arm64",
	"dragonfly-amd64",
	"freebsd-386", "freebsd-amd64", "freebsd-arm", "freebsd-arm64",
	"illumos-amd64",
	"ios-amd64", "ios-arm64",
	"js-wasm",
	"linux-386", "linux-amd64", "linux-arm", "linux-arm64", "linux-mips", "linux-mips64",
	"linux-mips64le", "linux-mipsle", "linux-ppc64", "linux-ppc64le", "linux-riscv64", "linux-s390x",
	"netbsd-386", "netbsd-amd64", "netbsd-arm", "netbsd-arm64",
	"openbsd-386", "openbsd-amd64", "openbsd-arm", "openbsd-arm64", "openbsd-mips64",
	"plan9-386", "plan9-amd64", "plan9-arm",
	"solaris-amd64",
	"windows-386", "windows-amd64", "windows-arm", "windows-arm64",
}

// ghIsBinExtension is gh's isBinExtension over the latest release's asset names.
func ghIsBinExtension(assets []string) bool {
	for _, a := range assets {
		for _, d := range ghPossibleDists {
			suffix := d
			if strings.HasPrefix(d, "windows") {
				suffix += ".exe"
			}
			if strings.HasSuffix(a, suffix) {
				return true
			}
		}
	}
	return false
}

// ghPickAsset is installBin's choice of asset for a gh running on goos/goarch.
func ghPickAsset(assets []string, goos, goarch string, rosetta bool) (string, bool) {
	platform, ext := goos+"-"+goarch, ""
	if goos == "windows" {
		ext = ".exe"
	}
	for _, a := range assets {
		if strings.HasSuffix(a, platform+ext) {
			return a, true
		}
	}
	if platform == "darwin-arm64" && rosetta {
		for _, a := range assets {
			if strings.HasSuffix(a, "darwin-amd64") {
				return a, true
			}
		}
	}
	return "", false
}

// platform is one GOOS/GOARCH that a release ships a binary for.
type platform struct{ GOOS, GOARCH string }

func (p platform) String() string { return p.GOOS + "-" + p.GOARCH }

// shipped is what .goreleaser.yaml and script/build build, which the tests check
// both against: every platform of gh's list that Go 1.26 can build among linux,
// darwin, windows and freebsd on amd64, arm64, 386 and arm (there is no darwin/386,
// darwin/arm or, since Go 1.26, windows/arm).
var shipped = []platform{
	{"linux", "amd64"}, {"linux", "arm64"}, {"linux", "386"}, {"linux", "arm"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"}, {"windows", "386"},
	{"freebsd", "amd64"}, {"freebsd", "arm64"}, {"freebsd", "386"}, {"freebsd", "arm"},
}

// assetName is the name a release gives the binary for p.
func assetName(version string, p platform) string {
	name := "gh-hotfix_" + version + "_" + p.String()
	if p.GOOS == "windows" {
		name += ".exe"
	}
	return name
}

func checksumsName(version string) string { return "gh-hotfix_" + version + "_checksums.txt" }

// checkAssetsAgainstGh checks a release's asset names the way gh reads them:
// the release is a binary extension, every shipped platform gets its own binary
// (with and without Rosetta on Apple silicon), the checksums file is never taken
// for a binary, and platforms not shipped get nothing rather than a wrong binary.
func checkAssetsAgainstGh(t *testing.T, version string, assets []string) {
	t.Helper()
	if !ghIsBinExtension(assets) {
		t.Errorf("gh would not see a binary extension in %v", assets)
	}
	want := []string{checksumsName(version)}
	for _, p := range shipped {
		want = append(want, assetName(version, p))
	}
	if got, w := slices.Sorted(slices.Values(assets)), slices.Sorted(slices.Values(want)); !slices.Equal(got, w) {
		t.Errorf("release assets:\n got %v\nwant %v", got, w)
	}
	for _, d := range ghPossibleDists {
		goos, goarch, _ := strings.Cut(d, "-")
		p := platform{goos, goarch}
		for _, rosetta := range []bool{false, true} {
			got, ok := ghPickAsset(assets, goos, goarch, rosetta)
			switch {
			case slices.Contains(shipped, p):
				if want := assetName(version, p); got != want {
					t.Errorf("gh on %s (rosetta %v) installs %q, want %q", d, rosetta, got, want)
				}
			case ok:
				t.Errorf("gh on %s (rosetta %v) installs %q, a binary built for another platform", d, rosetta, got)
			}
		}
	}
	if ghIsBinExtension([]string{checksumsName(version)}) {
		t.Errorf("gh takes the checksums file %s for a binary", checksumsName(version))
	}
}

func TestShippedPlatformsAreGhPlatforms(t *testing.T) {
	for _, p := range shipped {
		if !slices.Contains(ghPossibleDists, p.String()) {
			t.Errorf("%s is not a platform gh installs binaries for", p)
		}
	}
}

func TestGhAssetRule(t *testing.T) {
	release := []string{checksumsName("v1.2.3")}
	for _, p := range shipped {
		release = append(release, assetName("v1.2.3", p))
	}
	checkAssetsAgainstGh(t, "v1.2.3", release)

	tests := []struct {
		name         string
		assets       []string
		goos, goarch string
		rosetta      bool
		want         string
		wantIsBinary bool
	}{
		{"arm is not arm64", []string{"x_linux-arm64", "x_linux-arm"}, "linux", "arm", false, "x_linux-arm", true},
		{"windows needs .exe", []string{"x_windows-amd64"}, "windows", "amd64", false, "", false},
		{"apple silicon takes amd64 under rosetta", []string{"x_darwin-amd64"}, "darwin", "arm64", true, "x_darwin-amd64", true},
		{"apple silicon without rosetta", []string{"x_darwin-amd64"}, "darwin", "arm64", false, "", true},
		{"no fallback on windows arm64", []string{"x_windows-amd64.exe"}, "windows", "arm64", true, "", true},
		{"goreleaser's default names are not gh's", []string{"x_1.2.3_linux_amd64.tar.gz"}, "linux", "amd64", false, "", false},
		{"an archive is not a binary", []string{"x_linux-amd64.tar.gz"}, "linux", "amd64", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := ghPickAsset(tt.assets, tt.goos, tt.goarch, tt.rosetta)
			if got != tt.want {
				t.Errorf("ghPickAsset(%v, %s-%s) = %q, want %q", tt.assets, tt.goos, tt.goarch, got, tt.want)
			}
			if isBin := ghIsBinExtension(tt.assets); isBin != tt.wantIsBinary {
				t.Errorf("ghIsBinExtension(%v) = %v", tt.assets, isBin)
			}
		})
	}
}
