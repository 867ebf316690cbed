package hotfix

import (
	"strings"
	"testing"
)

func TestParsePullRef(t *testing.T) {
	tests := []struct {
		in      string
		want    PullRef
		wantErr string
	}{
		{in: "42", want: PullRef{Number: 42}},
		{in: "#42", want: PullRef{Number: 42}},
		{in: " 7 ", want: PullRef{Number: 7}},
		{in: "https://github.com/acme/shop/pull/42", want: PullRef{Number: 42, Host: "github.com", Owner: "acme", Repo: "shop"}},
		{in: "https://github.com/acme/shop/pull/42/files", want: PullRef{Number: 42, Host: "github.com", Owner: "acme", Repo: "shop"}},
		{in: "https://GHES.example.com/acme/shop/pull/42#issuecomment-1", want: PullRef{Number: 42, Host: "ghes.example.com", Owner: "acme", Repo: "shop"}},
		{in: "http://github.localhost/monalisa/shop/pull/3?w=1", want: PullRef{Number: 3, Host: "github.localhost", Owner: "monalisa", Repo: "shop"}},
		{in: "0", wantErr: "is not a pull request"},
		{in: "-3", wantErr: "is not a pull request"},
		{in: "4x", wantErr: "is not a pull request"},
		{in: "", wantErr: "is not a pull request"},
		{in: "https://github.com/acme/shop/issues/42", wantErr: "is not a pull request's URL: expected https://github.com/OWNER/REPO/pull/NUMBER"},
		{in: "https://github.com/acme/shop/pull/abc", wantErr: `"abc" is not a number`},
		{in: "ftp://github.com/acme/shop/pull/1", wantErr: "is not a pull request"},
		{in: "https://github.com/acme/shop/pull/99999999999", wantErr: "is not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePullRef(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePullRef(%q) = %+v, %v; want an error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParsePullRef(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

// FuzzParsePullRef: any input is refused with one line, or read as a positive
// number (with a whole repository when it came from a URL).
func FuzzParsePullRef(f *testing.F) {
	for _, s := range []string{"42", "#1", "https://github.com/a/b/pull/3", "https://x/a/b/pull/3/files#c", "http://h/o/r/pull/0", "%%", "https://h//r/pull/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParsePullRef(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error on more than one line: %q", err)
			}
			return
		}
		if ref.Number <= 0 {
			t.Errorf("ParsePullRef(%q) = %+v: not a positive number", s, ref)
		}
		if (ref.Host == "") != (ref.Owner == "") || (ref.Owner == "") != (ref.Repo == "") {
			t.Errorf("ParsePullRef(%q) = %+v: a repository half named", s, ref)
		}
	})
}

func TestPullRefNotOf(t *testing.T) {
	tests := []struct {
		ref  PullRef
		want string
	}{
		{PullRef{Number: 4}, ""},
		{PullRef{Number: 4, Host: "github.com", Owner: "Acme", Repo: "Shop"}, ""},
		{PullRef{Number: 4, Host: "github.com", Owner: "acme", Repo: "other"},
			"https://x is a pull request of acme/other, and ship works on acme/shop here: run it in a clone of acme/other, or pass -R acme/other"},
		{PullRef{Number: 4, Host: "ghes.example.com", Owner: "acme", Repo: "shop"},
			"https://x is a pull request of ghes.example.com/acme/shop, and ship works on github.com/acme/shop here: run it in a clone of ghes.example.com/acme/shop, or pass -R ghes.example.com/acme/shop"},
	}
	for _, tt := range tests {
		err := tt.ref.NotOf("github.com", "acme", "shop", "https://x", "ship")
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v.NotOf() = %v, want %q", tt.ref, err, tt.want)
		}
	}
}
