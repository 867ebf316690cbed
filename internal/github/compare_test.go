package github

import (
	"context"
	"errors"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestCompare(t *testing.T) {
	// The head is a branch name with a slash: escaped in the path.
	const path = "repos/acme/shop/compare/v1.4.0...release/v1.4"
	const escaped = "/repos/acme/shop/compare/v1.4.0...release%2Fv1.4"
	tests := []struct {
		name         string
		status       int
		body         string
		wantAhead    int
		wantContains bool
		wantErr      error // nil: none; errAny: some other error
	}{
		{"ahead", 200, `{"status":"ahead","ahead_by":3,"behind_by":0}`, 3, true, nil},
		{"identical", 200, `{"status":"identical","ahead_by":0}`, 0, true, nil},
		{"behind", 200, `{"status":"behind","ahead_by":0,"behind_by":2}`, 0, false, nil},
		{"diverged", 200, `{"status":"diverged","ahead_by":1,"behind_by":2}`, 1, false, nil},
		{"no common history", 404, `{"message":"Not Found"}`, 0, false, ErrNotComparable},
		{"forbidden", 403, `{"message":"Resource not accessible"}`, 0, false, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// path+"?": the request has no query string.
			c, reg := stubbed(t, httpmock.REST("GET", path+"?"), httpmock.JSON(tt.status, tt.body))
			got, err := c.Compare(context.Background(), "acme", "shop", "v1.4.0", "release/v1.4")
			if sent := reg.Requests(); len(sent) != 1 || sent[0].URL.EscapedPath() != escaped {
				t.Fatalf("requests %v, want one GET %s", sent, escaped)
			}
			checkErr(t, err, tt.wantErr)
			if got.AheadBy != tt.wantAhead || got.HeadContainsBase() != tt.wantContains {
				t.Errorf("got %+v (contains %v), want ahead by %d, contains %v", got, got.HeadContainsBase(), tt.wantAhead, tt.wantContains)
			}
			if tt.status == 403 && errors.Is(err, ErrNotComparable) {
				t.Errorf("a 403 is not ErrNotComparable")
			}
		})
	}
}

// errAny stands, in a table, for an error of no particular kind.
var errAny = errors.New("any error")

// checkErr fails t unless err is want: nil for none, errAny for any error.
func checkErr(t *testing.T, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("error %v, want none", err)
	case want != nil && err == nil:
		t.Fatalf("no error, want %v", want)
	case want != nil && want != errAny && !errors.Is(err, want):
		t.Fatalf("error %v, want %v", err, want)
	}
}
