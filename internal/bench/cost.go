// Package bench measures what gh hotfix costs against the same work done by hand
// with gh and git porcelain: API requests, git connections, sequential round-trips
// on the critical path and wall time, against the GitHub emulator with an injected
// per-request latency. script/bench runs it (cmd/bench); this package holds the
// pure part, the reading of the emulator's request log, which is unit-tested.
package bench

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Entry is one request of the emulator's request log (GET /_emulator/requests).
type Entry struct {
	Time   time.Time `json:"time"` // arrival
	End    time.Time `json:"end"`  // response written; zero in logs that do not record it
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Route  string    `json:"route"` // "git" for smart HTTP, "web" for other pages, else the API route
	Status int       `json:"status"`
}

// ParseLog reads the control API's answer to GET /_emulator/requests.
func ParseLog(data []byte) ([]Entry, error) {
	var out struct {
		Requests []Entry `json:"requests"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("reading the request log: %w", err)
	}
	return out.Requests, nil
}

// Step is one unit of work on the wire: an API request, or a whole git command's
// connection (its info/refs discovery, the 401 challenge and the pack requests).
type Step struct {
	Start, End time.Time
	Label      string // the API route, or "git fetch OWNER/REPO" / "git push OWNER/REPO"
	Git        bool
	Requests   int // HTTP requests in the step
}

// Cost is what one command (or chain of commands) cost, read from the request log.
type Cost struct {
	API     int            // API requests (REST and GraphQL), git excluded
	Routes  map[string]int // API requests by route
	Fetches int            // git connections reading (fetch, clone, ls-remote)
	Pushes  int            // git connections writing (push)
	GitHTTP int            // HTTP requests of those connections
	// RoundTrips is the longest chain of steps each starting after the previous one
	// ended: the sequential round-trips on the critical path, counting an API request
	// or a git command as one. Steps that overlap in time ran concurrently.
	RoundTrips int
	// HTTPRoundTrips is the same chain counted in HTTP requests (a git fetch over
	// smart HTTP is three or four).
	HTTPRoundTrips int
	// Path is one critical path, in order.
	Path  []Step
	Steps []Step
}

// GitConns is the number of git connections, reading or writing.
func (c Cost) GitConns() int { return c.Fetches + c.Pushes }

// gitRequest splits a smart-HTTP path into the repository and the service
// (git-upload-pack or git-receive-pack), and says whether it is the discovery
// request (GET info/refs) that opens every git command's connection.
func gitRequest(method, path string) (repo, service string, discovery bool) {
	p, query, _ := strings.Cut(path, "?")
	switch {
	case strings.HasSuffix(p, "/info/refs"):
		repo = strings.TrimSuffix(p, "/info/refs")
		service = strings.TrimPrefix(query, "service=")
		if i := strings.IndexByte(service, '&'); i >= 0 {
			service = service[:i]
		}
		discovery = method == "GET"
	case strings.HasSuffix(p, "/git-upload-pack"):
		repo, service = strings.TrimSuffix(p, "/git-upload-pack"), "git-upload-pack"
	case strings.HasSuffix(p, "/git-receive-pack"):
		repo, service = strings.TrimSuffix(p, "/git-receive-pack"), "git-receive-pack"
	}
	return strings.TrimSuffix(strings.TrimPrefix(repo, "/"), ".git"), service, discovery
}

// conn is a git connection being assembled.
type conn struct {
	step    Step
	key     string
	authed  bool // a discovery request was answered other than 401
	pending bool // only 401 challenges so far: the next discovery continues it
}

// Analyze reads the cost of whatever the log holds.
func Analyze(entries []Entry) Cost {
	sorted := append([]Entry(nil), entries...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.Before(sorted[j].Time) })
	c := Cost{Routes: map[string]int{}}
	var raw []Step
	var conns []*conn
	latest := map[string]*conn{}
	for _, e := range sorted {
		end := e.End
		if end.IsZero() || end.Before(e.Time) {
			end = e.Time
		}
		switch e.Route {
		case "web":
			continue
		case "git":
			raw = append(raw, Step{Start: e.Time, End: end, Label: "git " + e.Method + " " + e.Path, Git: true, Requests: 1})
			repo, service, discovery := gitRequest(e.Method, e.Path)
			key := repo + " " + service
			cn := latest[key]
			if cn == nil || (discovery && !cn.pending) {
				verb := "fetch"
				if service == "git-receive-pack" {
					verb = "push"
				}
				cn = &conn{key: key, step: Step{Start: e.Time, End: end, Label: "git " + verb + " " + repo, Git: true}}
				conns = append(conns, cn)
				latest[key] = cn
			}
			cn.step.Requests++
			if end.After(cn.step.End) {
				cn.step.End = end
			}
			if discovery {
				cn.pending = e.Status == 401
				if e.Status != 401 {
					cn.authed = true
				}
			} else {
				cn.pending = false
			}
			c.GitHTTP++
		default:
			c.API++
			c.Routes[e.Route]++
			s := Step{Start: e.Time, End: end, Label: e.Route, Requests: 1}
			raw = append(raw, s)
			c.Steps = append(c.Steps, s)
		}
	}
	for _, cn := range conns {
		if !cn.authed {
			// Refused before it started (wrong credentials, missing repository): a
			// connection attempt all the same, and its round-trips count.
			cn.step.Label += " (refused)"
		}
		if strings.HasPrefix(cn.step.Label, "git push") {
			c.Pushes++
		} else {
			c.Fetches++
		}
		c.Steps = append(c.Steps, cn.step)
	}
	sort.SliceStable(c.Steps, func(i, j int) bool { return c.Steps[i].Start.Before(c.Steps[j].Start) })
	c.Path = CriticalPath(c.Steps)
	c.RoundTrips = len(c.Path)
	c.HTTPRoundTrips = len(CriticalPath(raw))
	return c
}

// CriticalPath returns the longest chain of steps in which each step starts no
// earlier than the previous one ended. Steps whose intervals overlap were in flight
// together, so they never both appear: the chain's length is the number of
// sequential round-trips however many requests ran beside them.
func CriticalPath(steps []Step) []Step {
	s := append([]Step(nil), steps...)
	sort.SliceStable(s, func(i, j int) bool {
		if !s[i].Start.Equal(s[j].Start) {
			return s[i].Start.Before(s[j].Start)
		}
		return s[i].End.Before(s[j].End)
	})
	best := make([]int, len(s))
	prev := make([]int, len(s))
	top := -1
	for i := range s {
		best[i], prev[i] = 1, -1
		for j := 0; j < i; j++ {
			if !s[j].End.After(s[i].Start) && best[j]+1 > best[i] {
				best[i], prev[i] = best[j]+1, j
			}
		}
		if top < 0 || best[i] > best[top] {
			top = i
		}
	}
	var path []Step
	for i := top; i >= 0; i = prev[i] {
		path = append(path, s[i])
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// Median of a set of values; 0 for none.
func Median[T int | float64 | time.Duration](v []T) T {
	if len(v) == 0 {
		return 0
	}
	s := append([]T(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
