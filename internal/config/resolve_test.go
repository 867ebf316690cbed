package config

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func ptr(s string) *string { return &s }

func TestResolve(t *testing.T) {
	local, err := Parse(Path, []byte("label: urgent\nrelease:\n  workflow: deploy.yml\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		local      Config
		found      bool
		rev        string
		text       *string
		wantSource string
		wantLabel  string
		wantLocal  bool
		wantBase   bool // the base branch's copy is in force
		wantRev    string
		changed    []string
		wantErr    string
	}{
		{name: "no file anywhere", local: Default(), rev: "main",
			wantSource: Path, wantLabel: "hotfix"},
		{name: "checkout's file, base copy not read", local: local, found: true, rev: "main",
			wantSource: Path, wantLabel: "urgent", wantLocal: true},
		{name: "base copy applies without a checkout file", local: Default(), rev: "main", text: ptr("base: trunk\nlabel: hotfix-now\n"),
			wantSource: "main:" + Path, wantLabel: "hotfix-now", wantBase: true, wantRev: "main", changed: []string{"base", "label.name"}},
		{name: "base copy that sets nothing", local: Default(), rev: "main", text: ptr("# all defaults\n"),
			wantSource: "main:" + Path, wantLabel: "hotfix", wantBase: true, wantRev: "main"},
		{name: "checkout's file wins over the base copy", local: local, found: true, rev: "main", text: ptr("label: urgent\nmerge_method: squash\n"),
			wantSource: Path, wantLabel: "urgent", wantLocal: true, wantRev: "main", changed: []string{"merge_method", "release.workflow"}},
		{name: "same settings written otherwise", local: local, found: true, rev: "main",
			text:       ptr("label:\n  name: urgent\n  color: \"#D73A4A\"\nrelease: {workflow: .github/workflows/deploy.yml}\n"),
			wantSource: Path, wantLabel: "urgent", wantLocal: true, wantRev: "main"},
		{name: "broken base copy without a checkout file", local: Default(), rev: "release", text: ptr("limits:\n  files: many\n"),
			wantErr: "release:.github/hotfix.yml:2: limits.files"},
		{name: "broken base copy under a checkout file", local: local, found: true, rev: "main", text: ptr("bogus: 1\n"),
			wantSource: Path, wantLabel: "urgent", wantLocal: true, wantErr: "main:.github/hotfix.yml:1: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Resolve(tt.local, tt.found, tt.rev, tt.text)
			if tt.wantErr != "" {
				var ce *Error
				if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want an *Error starting %q", err, tt.wantErr)
				}
				if tt.wantLabel == "" {
					if !reflect.DeepEqual(r, Resolution{}) {
						t.Errorf("Resolution = %#v, want the zero one", r)
					}
					return
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := r.Source(); got != tt.wantSource {
				t.Errorf("Source() = %q, want %q", got, tt.wantSource)
			}
			if r.Config.Label.Name != tt.wantLabel || r.Local != tt.wantLocal || r.FromBase() != tt.wantBase || r.Rev != tt.wantRev {
				t.Errorf("label %q, Local %v, FromBase %v, Rev %q; want %q, %v, %v, %q",
					r.Config.Label.Name, r.Local, r.FromBase(), r.Rev, tt.wantLabel, tt.wantLocal, tt.wantBase, tt.wantRev)
			}
			if !slices.Equal(r.Changed, tt.changed) {
				t.Errorf("Changed = %q, want %q", r.Changed, tt.changed)
			}
			switch {
			case (r.BaseCopy != nil) != (tt.wantRev != ""):
				t.Errorf("BaseCopy = %v, want one only when the copy was read (Rev %q)", r.BaseCopy, tt.wantRev)
			case r.BaseCopy != nil && r.BaseCopy.Source != tt.wantRev+":"+Path:
				t.Errorf("BaseCopy.Source = %q", r.BaseCopy.Source)
			case tt.wantBase && !reflect.DeepEqual(*r.BaseCopy, r.Config):
				t.Errorf("the copy in force is not BaseCopy: %#v", r)
			}
		})
	}
}

func TestAskAgain(t *testing.T) {
	fromBase, err := Resolve(Default(), false, "main", ptr("base: trunk\nbranch_prefix: fix/\n"))
	if err != nil {
		t.Fatal(err)
	}
	local, err := Resolve(Default(), true, "main", ptr("base: trunk\nbranch_prefix: fix/\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		r             Resolution
		keys          []string
		want, differs bool
	}{
		{"a key the base copy changes", fromBase, []string{"base"}, true, true},
		{"one of several", fromBase, []string{"label.name", "branch_prefix"}, true, true},
		{"a key it keeps", fromBase, []string{"label.name"}, false, false},
		{"no keys", fromBase, nil, false, false},
		{"the checkout's file is in force", local, []string{"base", "branch_prefix"}, false, true},
		{"the checkout's file keeps it", local, []string{"label.name"}, false, false},
		{"no base copy", Resolution{Config: Default()}, []string{"base"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.AskAgain(tt.keys...); got != tt.want {
				t.Errorf("AskAgain(%q) = %v, want %v", tt.keys, got, tt.want)
			}
			if got := tt.r.Differs(tt.keys...); got != tt.differs {
				t.Errorf("Differs(%q) = %v, want %v", tt.keys, got, tt.differs)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
		want []string
	}{
		{"nothing", func(c *Config) {}, nil},
		{"source is not a setting", func(c *Config) { c.Source = "main:" + Path }, nil},
		{"base", func(c *Config) { c.Base = "trunk" }, []string{"base"}},
		{"label colour and description", func(c *Config) { c.Label.Color, c.Label.Description = "000000", "" },
			[]string{"label.color", "label.description"}},
		{"reviewers", func(c *Config) { c.Reviewers = []string{"alice"} }, []string{"reviewers"}},
		{"an input's value", func(c *Config) { c.Release.Inputs = map[string]string{"env": "staging"} }, []string{"release.inputs"}},
		{"no post-mortem labels", func(c *Config) { c.PostMortem.Labels = []string{} }, []string{"post_mortem.labels"}},
		{"keys in the file's order", func(c *Config) {
			c.Exceptional.Environment, c.Limits.Lines, c.BranchPrefix = "staging", 1, "fix/"
		}, []string{"branch_prefix", "limits.lines", "exceptional.environment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Default()
			tt.edit(&b)
			if got := Diff(Default(), b); !slices.Equal(got, tt.want) {
				t.Errorf("Diff = %q, want %q", got, tt.want)
			}
			if got := Diff(b, Default()); !slices.Equal(got, tt.want) {
				t.Errorf("Diff reversed = %q, want %q", got, tt.want)
			}
		})
	}
	a, b := Default(), Default()
	a.Release.Inputs, b.Release.Inputs = nil, map[string]string{}
	if got := Diff(a, b); got != nil {
		t.Errorf("Diff of no inputs and an empty map = %q, want none", got)
	}
}

// TestSettingsCoverEveryKey: every key Parse accepts is compared by Diff, under
// the same name, in the same order; and every field of Config but Source is.
func TestSettingsCoverEveryKey(t *testing.T) {
	sections := map[string][]string{"label": labelKeys, "limits": limitsKeys, "release": releaseKeys,
		"pull_request": pullRequestKeys, "post_mortem": postMortemKeys, "exceptional": exceptionalKeys}
	var want []string
	for _, k := range topKeys {
		if sub, ok := sections[k]; ok {
			for _, s := range sub {
				want = append(want, k+"."+s)
			}
			continue
		}
		want = append(want, k)
	}
	var got []string
	for _, s := range settings {
		got = append(got, s.key)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff compares %q\nParse accepts %q", got, want)
	}
	leaves := 0
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		switch {
		case f.Name == "Source":
		case f.Type.Kind() == reflect.Struct:
			leaves += f.Type.NumField()
		default:
			leaves++
		}
	}
	if leaves != len(settings) {
		t.Errorf("Config has %d settings, Diff compares %d", leaves, len(settings))
	}
}

// FuzzResolve: for any two files Parse accepts, Resolve never panics, keeps the
// checkout's file in force, and Changed lists exactly the settings that make
// the two written differently (Marshal writes every setting, so two configs
// with no changed key are written alike, and the other way round).
func FuzzResolve(f *testing.F) {
	f.Add([]byte(""), []byte("label: urgent\n"))
	f.Add([]byte("base: main\nrelease:\n  inputs: {a: b}\n"), []byte("base: trunk\nrelease:\n  inputs: {a: c}\n"))
	f.Add([]byte("post_mortem:\n  labels: []\n"), []byte("post_mortem:\n  enabled: true\n"))
	f.Add(Marshal(Default()), []byte("exceptional:\n  workflow: hotfix.yml\n"))
	f.Fuzz(func(t *testing.T, localText, baseText []byte) {
		local, err := Parse(Path, localText)
		if err != nil {
			return
		}
		base, err := Parse("main:"+Path, baseText)
		text := string(baseText)
		r, rerr := Resolve(local, true, "main", &text)
		if (err == nil) != (rerr == nil) {
			t.Fatalf("Parse error %v, Resolve error %v", err, rerr)
		}
		if !reflect.DeepEqual(r.Config, local) || !r.Local || r.FromBase() || (err == nil && !reflect.DeepEqual(*r.BaseCopy, base)) {
			t.Fatalf("the checkout's file is not in force: %#v", r)
		}
		if err != nil {
			return
		}
		for _, k := range r.Changed {
			if !slices.ContainsFunc(settings, func(s setting) bool { return s.key == k }) {
				t.Fatalf("Changed names %q, not a key of the file", k)
			}
		}
		if alike := string(Marshal(local)) == string(Marshal(base)); alike != (len(r.Changed) == 0) {
			t.Fatalf("written alike: %v; Changed = %q", alike, r.Changed)
		}
		if got := Diff(base, local); !slices.Equal(got, r.Changed) {
			t.Fatalf("Diff is not symmetric: %q and %q", r.Changed, got)
		}
		fromBase, err := Resolve(Default(), false, "main", &text)
		if err != nil || !fromBase.FromBase() || !reflect.DeepEqual(fromBase.Config, base) {
			t.Fatalf("without a checkout file, the base copy is not in force: %#v, %v", fromBase, err)
		}
	})
}
