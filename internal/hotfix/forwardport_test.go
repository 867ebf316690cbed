package hotfix

import "testing"

func TestForwardPortBranch(t *testing.T) {
	for in, want := range map[string]string{
		"hotfix/login-500":    "hotfix/forward-port-login-500",
		"team/fix/login":      "team/fix/forward-port-login",
		"hotfix-login":        "forward-port-hotfix-login",
		"hotfix/a":            "hotfix/forward-port-a",
		"release/hotfix/x-y":  "release/hotfix/forward-port-x-y",
		"hotfix/forward-port": "hotfix/forward-port-forward-port",
	} {
		if got := ForwardPortBranch(in); got != want {
			t.Errorf("ForwardPortBranch(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestForwardPortMarker(t *testing.T) {
	for _, f := range []ForwardPort{{Of: 12}, {Of: 7, Conflicts: true}} {
		got, ok := ParseForwardPort("Forward-port of #12\n\n" + f.Encode() + "\n")
		if !ok || got != f {
			t.Errorf("ParseForwardPort(Encode(%+v)) = %+v, %v", f, got, ok)
		}
	}
	for _, body := range []string{"", "of=12", "<!-- gh-hotfix:forward-port of=0 conflicts=false -->",
		"<!-- gh-hotfix:forward-port of=x conflicts=false -->", "<!-- gh-hotfix:forward-port of=3 conflicts=maybe -->"} {
		if f, ok := ParseForwardPort(body); ok {
			t.Errorf("ParseForwardPort(%q) = %+v", body, f)
		}
	}
}
