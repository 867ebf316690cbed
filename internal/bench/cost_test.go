package bench

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// at builds a log entry from millisecond offsets.
func at(start, end int, method, path, route string, status int) Entry {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return Entry{Time: t0.Add(time.Duration(start) * time.Millisecond), End: t0.Add(time.Duration(end) * time.Millisecond),
		Method: method, Path: path, Route: route, Status: status}
}

const (
	refsUpload  = "/o/r.git/info/refs?service=git-upload-pack"
	refsReceive = "/o/r.git/info/refs?service=git-receive-pack"
)

// fetch is a git fetch over smart HTTP: challenge, discovery, ls-refs, fetch.
func fetch(t int) []Entry {
	return []Entry{
		at(t, t+1, "GET", refsUpload, "git", 401),
		at(t+2, t+3, "GET", refsUpload, "git", 200),
		at(t+4, t+5, "POST", "/o/r.git/git-upload-pack", "git", 200),
		at(t+6, t+7, "POST", "/o/r.git/git-upload-pack", "git", 200),
	}
}

func push(t int) []Entry {
	return []Entry{
		at(t, t+1, "GET", refsReceive, "git", 401),
		at(t+2, t+3, "GET", refsReceive, "git", 200),
		at(t+4, t+5, "POST", "/o/r.git/git-receive-pack", "git", 200),
	}
}

func join(parts ...[]Entry) []Entry {
	var out []Entry
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestAnalyze(t *testing.T) {
	gql := "graphql query repository (HotfixCreate)"
	tests := []struct {
		name                  string
		log                   []Entry
		api, fetches, pushes  int
		gitHTTP               int
		roundTrips, httpTrips int
		path                  string
	}{
		{name: "empty log"},
		{
			name:       "create: one query then one fetch",
			log:        join([]Entry{at(0, 50, "POST", "/graphql", gql, 200)}, fetch(60)),
			api:        1,
			fetches:    1,
			gitHTTP:    4,
			roundTrips: 2, httpTrips: 5,
			path: gql + " > git fetch o/r",
		},
		{
			name: "concurrent requests count once",
			log: []Entry{
				at(0, 50, "POST", "/graphql", "q", 200),
				at(60, 110, "POST", "/repos/o/r/labels", "POST /repos/{owner}/{repo}/labels", 201),
				at(61, 111, "POST", "/repos/o/r/pulls/1/requested_reviewers", "POST reviewers", 201),
				at(62, 112, "POST", "/repos/o/r/issues/1/labels", "POST issue labels", 200),
				at(120, 170, "GET", "/repos/o/r/actions/runs/1", "GET run", 200),
			},
			api:        5,
			roundTrips: 3, httpTrips: 3,
			path: "q > POST /repos/{owner}/{repo}/labels > GET run",
		},
		{
			name: "back to back requests are sequential",
			log: []Entry{
				at(0, 10, "GET", "/a", "GET a", 200),
				at(10, 20, "GET", "/b", "GET b", 200),
			},
			api:        2,
			roundTrips: 2, httpTrips: 2,
			path: "GET a > GET b",
		},
		{
			name: "a slow request beside several fast ones",
			log: []Entry{
				at(0, 100, "GET", "/slow", "GET slow", 200),
				at(1, 20, "GET", "/a", "GET a", 200),
				at(21, 40, "GET", "/b", "GET b", 200),
				at(41, 60, "GET", "/c", "GET c", 200),
				at(101, 120, "GET", "/d", "GET d", 200),
			},
			api:        5,
			roundTrips: 4, httpTrips: 4,
			path: "GET a > GET b > GET c > GET d",
		},
		{
			name:       "fetch then push: two git connections",
			log:        join([]Entry{at(0, 5, "POST", "/graphql", "q", 200)}, fetch(10), push(20)),
			api:        1,
			fetches:    1,
			pushes:     1,
			gitHTTP:    7,
			roundTrips: 3, httpTrips: 8,
			path: "q > git fetch o/r > git push o/r",
		},
		{
			name:       "two fetches in a row are two connections",
			log:        join(fetch(0), fetch(10)),
			fetches:    2,
			gitHTTP:    8,
			roundTrips: 2, httpTrips: 8,
			path: "git fetch o/r > git fetch o/r",
		},
		{
			name: "a fetch with credentials up front (no challenge)",
			log: []Entry{
				at(0, 1, "GET", refsUpload, "git", 200),
				at(2, 3, "POST", "/o/r.git/git-upload-pack", "git", 200),
			},
			fetches:    1,
			gitHTTP:    2,
			roundTrips: 1, httpTrips: 2,
			path: "git fetch o/r",
		},
		{
			name: "a refused fetch still counts",
			log: []Entry{
				at(0, 1, "GET", refsUpload, "git", 401),
				at(2, 3, "GET", refsUpload, "git", 401),
			},
			fetches:    1,
			gitHTTP:    2,
			roundTrips: 1, httpTrips: 2,
			path: "git fetch o/r (refused)",
		},
		{
			name: "web pages are neither API nor git",
			log: []Entry{
				at(0, 1, "GET", "/o/r/pull/1", "web", 200),
				at(2, 3, "GET", "/", "GET /", 200),
			},
			api:        1,
			roundTrips: 1, httpTrips: 1,
			path: "GET /",
		},
		{
			name: "a log without end times is read as instants",
			log: []Entry{
				{Time: time.Unix(1, 0), Method: "GET", Path: "/a", Route: "GET a"},
				{Time: time.Unix(2, 0), Method: "GET", Path: "/b", Route: "GET b"},
			},
			api:        2,
			roundTrips: 2, httpTrips: 2,
			path: "GET a > GET b",
		},
		{
			name: "entries out of order are sorted by start",
			log: []Entry{
				at(20, 30, "GET", "/b", "GET b", 200),
				at(0, 10, "GET", "/a", "GET a", 200),
			},
			api:        2,
			roundTrips: 2, httpTrips: 2,
			path: "GET a > GET b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Analyze(tt.log)
			got := fmt.Sprintf("api=%d fetches=%d pushes=%d git=%d rt=%d http=%d", c.API, c.Fetches, c.Pushes, c.GitHTTP, c.RoundTrips, c.HTTPRoundTrips)
			want := fmt.Sprintf("api=%d fetches=%d pushes=%d git=%d rt=%d http=%d", tt.api, tt.fetches, tt.pushes, tt.gitHTTP, tt.roundTrips, tt.httpTrips)
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			var labels []string
			for _, s := range c.Path {
				labels = append(labels, s.Label)
			}
			if p := strings.Join(labels, " > "); p != tt.path {
				t.Errorf("path %q, want %q", p, tt.path)
			}
		})
	}
}

func TestParseLog(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "empty", in: `{"requests":[],"counts":{},"total":0}`, want: ""},
		{name: "with end", in: `{"requests":[{"time":"2026-01-02T03:04:05.000Z","end":"2026-01-02T03:04:05.050Z","method":"POST","host":"api.github.localhost","path":"/graphql","route":"graphql query viewer","status":200}]}`,
			want: "POST /graphql graphql query viewer 200 50ms;"},
		{name: "without end", in: `{"requests":[{"time":"2026-01-02T03:04:05Z","method":"GET","path":"/","route":"GET /","status":200}]}`,
			want: "GET / GET / 200 0s;"},
		{name: "not JSON", in: `<html>`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := ParseLog([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tt.wantErr)
			}
			var b strings.Builder
			for _, e := range entries {
				d := time.Duration(0)
				if !e.End.IsZero() {
					d = e.End.Sub(e.Time)
				}
				fmt.Fprintf(&b, "%s %s %s %d %s;", e.Method, e.Path, e.Route, e.Status, d)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
