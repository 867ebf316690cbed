package distribution

import (
	"bufio"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// testVersion is the version the tests build and release.
const testVersion = "v1.2.3"

// workDirs are folders shared by the tests of this process, removed by TestMain.
var workDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range workDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func workDir(prefix string) (string, error) {
	d, err := os.MkdirTemp("", prefix)
	if err == nil {
		workDirs = append(workDirs, d)
	}
	return d, err
}

// moduleRoot is the folder holding go.mod, from this source file.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// artifacts are a release's files: asset name -> local path.
type artifacts map[string]string

func (a artifacts) names() []string {
	var out []string
	for n := range a {
		out = append(out, n)
	}
	return out
}

// checkRelease checks a built release: the names against gh's rule, every binary
// for its platform and build settings, the checksums file against the files, and
// the version the binary of this machine's platform reports.
func checkRelease(t *testing.T, version string, files artifacts) {
	t.Helper()
	checkAssetsAgainstGh(t, version, files.names())
	for _, p := range shipped {
		path, ok := files[assetName(version, p)]
		if !ok {
			continue // reported by checkAssetsAgainstGh
		}
		t.Run(p.String(), func(t *testing.T) { checkBinary(t, path, p) })
	}
	if sums, ok := files[checksumsName(version)]; ok {
		checkChecksums(t, sums, files)
	}
	host := platform{runtime.GOOS, runtime.GOARCH}
	if path, ok := files[assetName(version, host)]; ok {
		out, err := exec.Command(path, "--version").CombinedOutput()
		if err != nil {
			t.Fatalf("%s --version: %v\n%s", filepath.Base(path), err, out)
		}
		// Date is the commit's date; goreleaser has none for a clone without a remote (0001-01-01).
		want := regexp.MustCompile(`^gh-hotfix version ` + regexp.QuoteMeta(version) + `( \(\d{4}-\d{2}-\d{2}\))?\n$`)
		if !want.Match(out) {
			t.Errorf("%s --version printed %q, want %s", filepath.Base(path), out, want)
		}
	}
}

// checkBinary checks that path is an executable for p, built as a release
// should be: without cgo (static on Linux and FreeBSD), with -trimpath, without
// symbols and DWARF (checked on ELF), and for ARMv6 on 32-bit ARM.
func checkBinary(t *testing.T, path string, p platform) {
	t.Helper()
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatalf("reading Go build info: %v", err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	want := map[string]string{"GOOS": p.GOOS, "GOARCH": p.GOARCH, "CGO_ENABLED": "0", "-trimpath": "true"}
	if p.GOARCH == "arm" {
		want["GOARM"] = "6"
	}
	for k, v := range want {
		if settings[k] != v {
			t.Errorf("build setting %s = %q, want %q", k, settings[k], v)
		}
	}

	switch p.GOOS {
	case "linux", "freebsd":
		f, err := elf.Open(path)
		if err != nil {
			t.Fatalf("not an ELF executable: %v", err)
		}
		defer f.Close()
		machine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "386": elf.EM_386, "arm": elf.EM_ARM}[p.GOARCH]
		osabi := map[string]elf.OSABI{"linux": elf.ELFOSABI_NONE, "freebsd": elf.ELFOSABI_FREEBSD}[p.GOOS]
		if f.Machine != machine || f.OSABI != osabi || f.Type != elf.ET_EXEC {
			t.Errorf("ELF %v %v %v, want %v %v %v", f.Type, f.Machine, f.OSABI, elf.ET_EXEC, machine, osabi)
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
				t.Errorf("dynamically linked (%v program header)", prog.Type)
			}
		}
		// -ldflags is not in the build info of a -trimpath build; -s -w show here.
		for _, name := range []string{".symtab", ".debug_info", ".zdebug_info"} {
			if f.Section(name) != nil {
				t.Errorf("not built with -ldflags '-s -w': has a %s section", name)
			}
		}
	case "darwin":
		f, err := macho.Open(path)
		if err != nil {
			t.Fatalf("not a Mach-O executable: %v", err)
		}
		defer f.Close()
		cpu := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[p.GOARCH]
		if f.Cpu != cpu || f.Type != macho.TypeExec {
			t.Errorf("Mach-O %v %v, want %v %v", f.Type, f.Cpu, macho.TypeExec, cpu)
		}
	case "windows":
		f, err := pe.Open(path)
		if err != nil {
			t.Fatalf("not a PE executable: %v", err)
		}
		defer f.Close()
		machine := map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64, "386": pe.IMAGE_FILE_MACHINE_I386}[p.GOARCH]
		if f.Machine != machine || f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 {
			t.Errorf("PE machine %#x characteristics %#x, want machine %#x, executable", f.Machine, f.Characteristics, machine)
		}
	default:
		t.Fatalf("no check for %s", p)
	}
}

// checkChecksums checks that the sha256sum-format file lists every binary of
// the release, and nothing else, with its digest.
func checkChecksums(t *testing.T, path string, files artifacts) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Errorf("%s: malformed line %q", filepath.Base(path), sc.Text())
			continue
		}
		listed[name] = true
		file, ok := files[name]
		if !ok {
			t.Errorf("%s lists %s, which the release does not have", filepath.Base(path), name)
			continue
		}
		if got := fileSHA256(t, file); got != sum {
			t.Errorf("%s: %s has sha256 %s, the file %s", filepath.Base(path), name, sum, got)
		}
	}
	for name := range files {
		if filepath.Ext(name) != ".txt" && !listed[name] {
			t.Errorf("%s does not list %s", filepath.Base(path), name)
		}
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// scriptBuild runs script/build for version (targets: space-separated platforms,
// "" for all) into a new folder and returns its files.
func scriptBuild(version, targets string) (artifacts, error) {
	dist, err := workDir("gh-hotfix-script-build-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("bash", filepath.Join(moduleRoot(), "script", "build"), version)
	cmd.Env = append(os.Environ(), "DIST="+dist, "TARGETS="+targets)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("script/build %s: %v\n%s", version, err, out)
	}
	entries, err := os.ReadDir(dist)
	if err != nil {
		return nil, err
	}
	files := artifacts{}
	for _, e := range entries {
		files[e.Name()] = filepath.Join(dist, e.Name())
	}
	return files, nil
}
