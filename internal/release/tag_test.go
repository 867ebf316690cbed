package release

import (
	"errors"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

func TestParseTag(t *testing.T) {
	tests := []struct {
		tag  string
		want Version
		err  bool
	}{
		{tag: "v1.4.0", want: Version{Prefix: "v", Major: 1, Minor: 4}},
		{tag: "1.4.0", want: Version{Major: 1, Minor: 4}},
		{tag: "v0.0.1", want: Version{Prefix: "v", Patch: 1}},
		{tag: "v10.20.30", want: Version{Prefix: "v", Major: 10, Minor: 20, Patch: 30}},
		{tag: "v999999999.0.0", want: Version{Prefix: "v", Major: 999999999}},
		{tag: "v1.4", err: true},
		{tag: "v1.4.0.1", err: true},
		{tag: "v1.4.0-rc.1", err: true},
		{tag: "v1.4.0+build", err: true},
		{tag: "v01.4.0", err: true},
		{tag: "v1.04.0", err: true},
		{tag: "v1.4.-1", err: true},
		{tag: "v1.4.+1", err: true},
		{tag: "V1.4.0", err: true},
		{tag: "release-1.4.0", err: true},
		{tag: "vv1.4.0", err: true},
		{tag: "v1000000000.0.0", err: true},
		{tag: "", err: true},
		{tag: "v..", err: true},
		{tag: "v1.4.0 ", err: true},
		{tag: "v１.4.0", err: true}, // a full-width digit
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			got, err := ParseTag(tt.tag)
			if tt.err {
				if err == nil || !errors.Is(err, ErrNotVersion) {
					t.Fatalf("ParseTag(%q) = %+v, %v; want an ErrNotVersion", tt.tag, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseTag(%q) = %+v, %v; want %+v", tt.tag, got, err, tt.want)
			}
			if got.String() != tt.tag {
				t.Errorf("String() = %q, want %q", got.String(), tt.tag)
			}
		})
	}
}

func TestNextPatch(t *testing.T) {
	v := func(s string) Version {
		t.Helper()
		x, err := ParseTag(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	tests := []struct {
		name     string
		from     string
		existing []string
		want     string
	}{
		{"first hotfix of the line", "v1.4.0", []string{"v1.4.0", "v1.3.9", "v1.5.0"}, "v1.4.1"},
		{"no tags listed", "v1.4.0", nil, "v1.4.1"},
		{"skips tags that exist", "v1.4.0", []string{"v1.4.0", "v1.4.1", "v1.4.2"}, "v1.4.3"},
		{"from an older patch of the line", "v1.4.1", []string{"v1.4.0", "v1.4.1", "v1.4.5"}, "v1.4.6"},
		{"gaps are not filled", "v1.4.0", []string{"v1.4.3"}, "v1.4.4"},
		{"other lines and majors ignored", "v1.4.0", []string{"v1.40.7", "v11.4.9", "v2.4.3"}, "v1.4.1"},
		{"pre-releases and other names ignored", "v1.4.0", []string{"v1.4.7-rc.1", "v1.4.x", "nightly"}, "v1.4.1"},
		{"prefix kept, versions compared without it", "1.4.0", []string{"v1.4.8", "1.4.2"}, "1.4.9"},
		{"a line tagged 2.0.0 then v2.0.1", "2.0.0", []string{"2.0.0", "v2.0.1"}, "2.0.2"},
		{"from v2.0.1 of that line", "v2.0.1", []string{"2.0.0", "v2.0.1", "2.0.2"}, "v2.0.3"},
		{"patch above nine", "v1.4.9", []string{"v1.4.9"}, "v1.4.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NextPatch(v(tt.from), tt.existing)
			if err != nil || got.String() != tt.want {
				t.Errorf("NextPatch(%s, %v) = %s, %v; want %s", tt.from, tt.existing, got, err, tt.want)
			}
		})
	}
	if _, err := NextPatch(Version{Major: 1, Patch: maxComponent}, nil); err == nil {
		t.Error("NextPatch at the largest patch succeeded")
	}
}

func TestCheckHotfixTag(t *testing.T) {
	from := Version{Prefix: "v", Major: 1, Minor: 4}
	existing := []string{"v1.4.0", "v1.4.1"}
	tests := []struct {
		tag, wantErr string
	}{
		{"v1.4.2", ""},
		{"v1.4.9", ""},
		{"v1.4.1", "tag v1.4.1 already exists"},
		{"v1.5.0", "is not on the release line of v1.4.0: use a tag starting with v1.4."},
		{"1.4.2", ""},
		{"1.4.1", "version 1.4.1 is already tagged as v1.4.1"},
		{"1.5.2", "is not on the release line"},
		{"v1.4.0", "does not come after v1.4.0"},
		{"v1.4.2-hotfix", "not of the form"},
	}
	for _, tt := range tests {
		got, err := CheckHotfixTag(tt.tag, from, existing)
		switch {
		case tt.wantErr == "" && (err != nil || got.String() != tt.tag):
			t.Errorf("CheckHotfixTag(%s) = %s, %v", tt.tag, got, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckHotfixTag(%s) error %v, want %q", tt.tag, err, tt.wantErr)
		}
	}
}

// FuzzParseTag: ParseTag never panics; what it accepts prints back as the same tag
// and bumps to a tag it accepts, on the same line.
func FuzzParseTag(f *testing.F) {
	for _, s := range []string{"v1.4.0", "1.4.0", "v0.0.0", "v1.4", "v01.2.3", "v1.2.3-rc.1", "v999999999.999999999.999999998", "", "v..", "vv1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		v, err := ParseTag(tag)
		if err != nil {
			if !errors.Is(err, ErrNotVersion) {
				t.Fatalf("ParseTag(%q): error %v does not wrap ErrNotVersion", tag, err)
			}
			return
		}
		if v.String() != tag {
			t.Fatalf("ParseTag(%q).String() = %q", tag, v.String())
		}
		next, err := NextPatch(v, []string{tag})
		if err != nil {
			if v.Patch < maxComponent {
				t.Fatalf("NextPatch(%q): %v", tag, err)
			}
			return
		}
		again, err := ParseTag(next.String())
		if err != nil || again != next || !v.SameLine(next) || next.Patch != v.Patch+1 {
			t.Fatalf("NextPatch(%q) = %q (%v): not the next patch of the line", tag, next, err)
		}
		if !strings.HasPrefix(next.String(), v.LinePrefix()) {
			t.Fatalf("%q does not start with the line prefix %q", next, v.LinePrefix())
		}
	})
}

func TestVersionAfter(t *testing.T) {
	tests := []struct {
		v, w string
		want bool
	}{
		{"v1.5.0", "v1.4.1", true},
		{"v1.4.1", "v1.5.0", false},
		{"v1.10.0", "v1.9.3", true},
		{"v2.0.0", "v1.99.99", true},
		{"v1.4.2", "v1.4.1", true},
		{"v1.4.1", "v1.4.1", false},
		{"1.5.0", "v1.4.1", true},
	}
	for _, tt := range tests {
		v, _ := ParseTag(tt.v)
		w, _ := ParseTag(tt.w)
		if got := v.After(w); got != tt.want {
			t.Errorf("%s.After(%s) = %v, want %v", tt.v, tt.w, got, tt.want)
		}
	}
}

func TestTagAt(t *testing.T) {
	const head, other = "aaaa", "bbbb"
	from, err := ParseTag("v1.4.0")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tags []github.TagRef
		want string
	}{
		{"none", nil, ""},
		{"the run's tag, not the next patch", []github.TagRef{{Name: "v1.4.0", Commit: other}, {Name: "v1.4.3", Commit: head}}, "v1.4.3"},
		{"not created yet", []github.TagRef{{Name: "v1.4.0", Commit: other}, {Name: "v1.4.1", Commit: other}}, ""},
		{"annotated: commit unknown", []github.TagRef{{Name: "v1.4.1", Commit: ""}}, ""},
		{"the highest of two at the commit", []github.TagRef{{Name: "v1.4.2", Commit: head}, {Name: "v1.4.10", Commit: head}, {Name: "v1.4.3", Commit: head}}, "v1.4.10"},
		{"not after the tag the hotfix started from", []github.TagRef{{Name: "v1.4.0", Commit: head}}, ""},
		{"other lines and names ignored", []github.TagRef{{Name: "v1.5.1", Commit: head}, {Name: "v1.4.1-rc.1", Commit: head}, {Name: "nightly", Commit: head}}, ""},
		{"the line under the other prefix", []github.TagRef{{Name: "1.4.1", Commit: head}}, "1.4.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TagAt(tt.tags, from, head); got != tt.want {
				t.Errorf("TagAt(%v) = %q, want %q", tt.tags, got, tt.want)
			}
		})
	}
}

func TestLinePrefixes(t *testing.T) {
	for tag, want := range map[string]string{"v1.4.0": "v1.4. 1.4.", "2.0.0": "2.0. v2.0."} {
		v, err := ParseTag(tag)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(v.LinePrefixes(), " "); got != want {
			t.Errorf("%s: LinePrefixes = %q, want %q", tag, got, want)
		}
	}
}
