package github

import (
	"context"
	"errors"
	"testing"
)

func TestCompare(t *testing.T) {
	const path = "/repos/acme/shop/compare/v1.4.0...release%2Fv1.4"
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
			s := newRouteStub(t).rest("GET", path, tt.status, tt.body)
			got, err := s.client().Compare(context.Background(), "acme", "shop", "v1.4.0", "release/v1.4")
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
