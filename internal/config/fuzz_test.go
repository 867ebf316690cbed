package config

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that every failure is an
// *Error that names the file, and that whatever Parse accepts survives a
// trip through Marshal unchanged.
func FuzzParse(f *testing.F) {
	for _, tc := range validCases {
		f.Add([]byte(tc.in))
	}
	for _, tc := range errorCases {
		if len(tc.in) <= 4<<10 { // the fuzzer mutates large seeds slowly
			f.Add([]byte(tc.in))
		}
	}
	f.Add(Marshal(Default()))
	f.Add([]byte("label: &a {name: x}\nrelease: {inputs: {a: *a}}\n"))
	f.Add([]byte("release:\n  inputs:\n    x: !!float 1\n    y: !!bool TRUE\n    z: |\n      multi\n      line\n"))
	f.Add([]byte("exceptional:\n  workflow: hotfix.yml\n  maintenance_branch: \"r/{major}.{minor}\"\n  environment: 3\n  inputs: {a: b}\n"))

	f.Fuzz(func(t *testing.T, content []byte) {
		cfg, err := Parse(file, content)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error %T (%v) is not an *Error", err, err)
			}
			if e.File != file || e.Line < 0 || e.Msg == "" {
				t.Fatalf("Parse error %#v lacks its file, line or message", e)
			}
			return
		}
		out := Marshal(cfg)
		again, err := Parse(file, out)
		if err != nil {
			t.Fatalf("Parse(Marshal(cfg)): %v\ncfg: %#v\nmarshalled:\n%s", err, cfg, out)
		}
		if !reflect.DeepEqual(again, cfg) {
			t.Fatalf("Parse(Marshal(cfg)) changed the config:\n got %#v\nwant %#v\nmarshalled:\n%s", again, cfg, out)
		}
	})
}
