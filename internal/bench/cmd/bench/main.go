// Command bench measures gh hotfix against the same work done by hand with gh and
// git porcelain, through the GitHub emulator with an injected per-request latency:
// API requests, git connections, sequential round-trips on the critical path and
// wall time, alternating the two sides round by round; and the start-up time of
// gh hotfix against gh's own. script/bench builds the extension and runs it:
//
//	bench --ext DIR [--rounds 5] [--latency 0,50] [--startup 20] [--only create,...] [--work DIR] [-v]
//
// DIR is a folder named gh-hotfix holding the built gh-hotfix executable.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/bench"
)

type side int

const (
	ours side = iota
	chain
)

func (s side) String() string { return [...]string{"ours", "gh"}[s] }

// sample is one measured run of one side.
type sample struct {
	cost bench.Cost
	wall time.Duration
	// short counts requests that took less than the injected latency (should be none).
	short int
	// onPath is the time spent in requests along the critical path: the injected
	// latency plus the emulator's work. The rest of wall is process start-up, git and
	// other local work.
	onPath time.Duration
	// cpu is the user and system time of the side's processes.
	cpu time.Duration
}

type key struct {
	scenario string
	latency  int
	side     side
}

func main() {
	ext := flag.String("ext", "", "folder named gh-hotfix holding the built extension")
	work := flag.String("work", "", "scratch folder (default: a new temp folder, removed afterwards)")
	rounds := flag.Int("rounds", 5, "rounds per scenario and latency; each round runs both sides")
	latencies := flag.String("latency", "0,50", "comma-separated per-request latencies in milliseconds")
	startupRuns := flag.Int("startup", 20, "runs of each --version for the start-up times")
	verbose := flag.Bool("v", false, "print every measurement")
	only := flag.String("only", "", "comma-separated scenarios to run (create, ship-open, ship-release, status, org-status); default all")
	flag.BoolVar(&traceRuns, "trace", false, "print each run's timeline: requests and git processes, in ms from its start")
	flag.Parse()
	if *only != "" {
		var keep []*scenario
		for _, name := range strings.Split(*only, ",") {
			found := false
			for _, sc := range scenarios {
				if sc.key == strings.TrimSpace(name) {
					keep, found = append(keep, sc), true
				}
			}
			if !found {
				fatalf("--only: no scenario %q", name)
			}
		}
		scenarios = keep
	}
	if *ext == "" || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "usage: bench --ext DIR [--rounds N] [--latency 0,50] [--startup N] [--only create,...] [--work DIR] [-v]")
		os.Exit(2)
	}
	var lats []int
	for _, f := range strings.Split(*latencies, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			fatalf("--latency: %q is not a number of milliseconds", f)
		}
		lats = append(lats, n)
	}
	if err := run(*ext, *work, *rounds, lats, *startupRuns, *verbose); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func run(ext, work string, rounds int, lats []int, startupRuns int, verbose bool) error {
	began := time.Now()
	ext, err := filepath.Abs(ext)
	if err != nil {
		return err
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "gh-hotfix-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	w, err := newWorld(work, ext)
	if err != nil {
		return err
	}
	defer w.close()

	startup, err := measureStartup(w, ext, startupRuns)
	if err != nil {
		return err
	}

	shared := map[string]*fixture{}
	results := map[key][]sample{}
	for _, lat := range lats {
		for _, sc := range scenarios {
			t0 := time.Now()
			for r := 0; r < rounds; r++ {
				order := []side{ours, chain}
				if r%2 == 1 {
					order = []side{chain, ours}
				}
				for _, sd := range order {
					var fx *fixture
					if sc.shared {
						if fx = shared[sc.key]; fx == nil {
							if fx, err = sc.setup(w, sc.key); err != nil {
								return fmt.Errorf("%s: fixture: %w", sc.key, err)
							}
							shared[sc.key] = fx
						}
					} else if fx, err = sc.setup(w, fmt.Sprintf("%s-%dms-%s-%d", sc.key, lat, sd, r+1)); err != nil {
						return fmt.Errorf("%s: fixture: %w", sc.key, err)
					}
					s, err := measure(w, lat, func() error {
						if sd == ours {
							return sc.runOurs(w, fx)
						}
						return sc.runChain(w, fx)
					})
					if err != nil {
						return fmt.Errorf("%s, %s side, %d ms, round %d: %w", sc.key, sd, lat, r+1, err)
					}
					k := key{sc.key, lat, sd}
					results[k] = append(results[k], s)
					if verbose {
						progress("  %-13s %3d ms %-4s round %d: %2d API, %d git, %2d round-trips, %4d ms",
							sc.key, lat, sd, r+1, s.cost.API, s.cost.GitConns(), s.cost.RoundTrips, s.wall.Milliseconds())
					}
				}
			}
			progress("bench: %-13s at %3d ms latency: %d rounds in %.1fs", sc.key, lat, rounds, time.Since(t0).Seconds())
		}
	}
	report(os.Stdout, results, startup, rounds, lats)
	fmt.Fprintf(os.Stdout, "\nBench run: %.1fs (emulator, fixtures and measurements; script/bench adds the build)\n", time.Since(began).Seconds())
	return nil
}

// measure runs one side at the given latency and reads its cost from the request log.
// Fixtures are made before, at no latency, and are not in the log.
func measure(w *world, lat int, do func() error) (sample, error) {
	if err := w.setLatency(lat); err != nil {
		return sample{}, err
	}
	if err := w.clearLog(); err != nil {
		return sample{}, err
	}
	w.cpu = 0
	if traceRuns {
		w.startTrace()
	}
	t0 := time.Now()
	err := do()
	wall := time.Since(t0)
	cpu := w.cpu
	if lerr := w.setLatency(0); err == nil {
		err = lerr
	}
	if err != nil {
		return sample{}, err
	}
	entries, err := w.log()
	if err != nil {
		return sample{}, err
	}
	s := sample{cost: bench.Analyze(entries), wall: wall, cpu: cpu}
	if traceRuns {
		w.printTrace(t0, wall, entries)
	}
	for _, step := range s.cost.Path {
		s.onPath += step.End.Sub(step.Start)
	}
	for _, e := range entries {
		if e.End.Sub(e.Time) < time.Duration(lat)*time.Millisecond {
			s.short++
		}
	}
	return s, nil
}

// startupTimes are the medians of the --version runs.
type startupTimes struct {
	gh, hotfix, binary    time.Duration
	runs                  int
	ghVersion, gitVersion string
	load                  string // load average when the bench started
}

// measureStartup times gh --version, gh hotfix --version and the extension binary
// alone, alternating them.
func measureStartup(w *world, ext string, n int) (startupTimes, error) {
	load := loadAverage()
	cmds := [][]string{{"gh", "--version"}, {"gh", "hotfix", "--version"}, {filepath.Join(ext, "gh-hotfix"), "--version"}}
	times := make([][]time.Duration, len(cmds))
	for i := 0; i < n+1; i++ {
		for j, c := range cmds {
			t0 := time.Now()
			if _, err := w.run(w.dir, c[0], c[1:]...); err != nil {
				return startupTimes{}, err
			}
			if i > 0 { // the first round warms the page cache
				times[j] = append(times[j], time.Since(t0))
			}
		}
	}
	st := startupTimes{gh: bench.Median(times[0]), hotfix: bench.Median(times[1]), binary: bench.Median(times[2]), runs: n, load: load}
	out, err := w.run(w.dir, "gh", "--version")
	if err != nil {
		return st, err
	}
	st.ghVersion, _, _ = strings.Cut(strings.TrimSpace(out), "\n")
	st.gitVersion, err = w.git(w.dir, "--version")
	return st, err
}

// stats are the medians of one side of one scenario at one latency.
type stats struct {
	api, git, rt, httpRT int
	apiMin, apiMax       int
	wall, onPath, cpu    time.Duration
	wallMin, wallMax     time.Duration
	short                int
	routes               map[string]int // of the median-wall round
	path                 []bench.Step   // of the median-wall round
	fetches, pushes      int
}

func summarize(ss []sample) stats {
	var api, git, rt, httpRT []int
	var walls, onPath, cpu []time.Duration
	st := stats{apiMin: 1 << 30, wallMin: 1 << 62}
	for _, s := range ss {
		api = append(api, s.cost.API)
		git = append(git, s.cost.GitConns())
		rt = append(rt, s.cost.RoundTrips)
		httpRT = append(httpRT, s.cost.HTTPRoundTrips)
		walls = append(walls, s.wall)
		onPath = append(onPath, s.onPath)
		cpu = append(cpu, s.cpu)
		st.apiMin, st.apiMax = min(st.apiMin, s.cost.API), max(st.apiMax, s.cost.API)
		st.wallMin, st.wallMax = min(st.wallMin, s.wall), max(st.wallMax, s.wall)
		st.short += s.short
	}
	st.api, st.git, st.rt, st.httpRT, st.wall = bench.Median(api), bench.Median(git), bench.Median(rt), bench.Median(httpRT), bench.Median(walls)
	st.onPath, st.cpu = bench.Median(onPath), bench.Median(cpu)
	// The round closest to the median wall time stands for the details.
	idx := make([]int, len(ss))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return ss[idx[a]].wall < ss[idx[b]].wall })
	mid := ss[idx[len(idx)/2]]
	st.routes, st.path = mid.cost.Routes, mid.cost.Path
	st.fetches, st.pushes = mid.cost.Fetches, mid.cost.Pushes
	return st
}

func ratio(a, b float64) string {
	if b == 0 {
		if a == 0 {
			return "-"
		}
		return "inf"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func report(out io.Writer, results map[key][]sample, st startupTimes, rounds int, lats []int) {
	p := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	p("gh-hotfix bench: ours (gh hotfix) vs gh = the same work by hand with gh and git porcelain")
	p("%s, %s, %s, %d CPUs; %d rounds per side, medians; a fresh repository per round and side",
		st.ghVersion, st.gitVersion, runtime.Version(), runtime.NumCPU(), rounds)
	p("load average before: %s, after: %s (other work on the machine makes wall times noisy)", st.load, loadAverage())
	p("")
	p("%-22s %-5s | %-18s | %-9s | %-22s | %-22s | %-17s", "scenario", "lat", "API requests", "git conns", "round-trips", "wall time (ms)", "client CPU (ms)")
	p("%-22s %-5s | %4s %4s %8s | %4s %4s | %4s %4s %7s %4s | %6s %6s %7s | %4s %4s %7s", "", "", "ours", "gh", "ours/gh", "ours", "gh", "ours", "gh", "ours/gh", "min", "ours", "gh", "ours/gh", "ours", "gh", "ours/gh")
	p("%s", strings.Repeat("-", 132))
	for _, sc := range scenarios {
		for _, lat := range lats {
			o, g := summarize(results[key{sc.key, lat, ours}]), summarize(results[key{sc.key, lat, chain}])
			apiOurs := strconv.Itoa(o.api)
			if o.apiMin != o.apiMax {
				apiOurs = fmt.Sprintf("%d-%d", o.apiMin, o.apiMax)
			}
			p("%-22s %3dms | %4s %4d %8s | %4d %4d | %4d %4d %7s %4d | %6.0f %6.0f %7s | %4.0f %4.0f %7s",
				sc.title, lat, apiOurs, g.api, ratio(float64(o.api), float64(g.api)),
				o.git, g.git,
				o.rt, g.rt, ratio(float64(o.rt), float64(g.rt)), sc.min,
				ms(o.wall), ms(g.wall), ratio(ms(o.wall), ms(g.wall)),
				ms(o.cpu), ms(g.cpu), ratio(ms(o.cpu), ms(g.cpu)))
		}
	}
	p("%s", strings.Repeat("-", 132))
	p("API requests: REST and GraphQL (git excluded). git conns: git commands' smart-HTTP connections.")
	p("client CPU: user+sys time of the side's gh, extension and git processes (the emulator excluded);")
	p("  unlike wall time, other load on the machine barely moves it.")
	p("round-trips: the longest chain of requests each starting after the previous one ended (an API")
	p("  request or a whole git command counts one; overlapping requests ran concurrently). Read them at")
	p("  the highest latency: at 0 ms concurrent requests may happen not to overlap. In HTTP requests")
	p("  (a git fetch is 3-4: 401 challenge, discovery, ls-refs, fetch), see the details.")
	p("min: the theoretical minimum of sequential round-trips:")
	for _, sc := range scenarios {
		p("  %-20s %d: %s", sc.title, sc.min, sc.why)
	}
	p("")
	p("Start-up, median of %d runs: gh --version %.1f ms, gh hotfix --version %.1f ms (ratio %s), the extension binary alone %.1f ms",
		st.runs, ms(st.gh), ms(st.hotfix), ratio(ms(st.hotfix), ms(st.gh)), ms(st.binary))

	top := lats[len(lats)-1]
	p("")
	p("Details at %d ms (the round with the median wall time): requests by route and the critical path", top)
	for _, sc := range scenarios {
		p("")
		p("%s", sc.title)
		for _, sd := range []side{ours, chain} {
			s := summarize(results[key{sc.key, top, sd}])
			cmds := sc.ours
			if sd == chain {
				cmds = sc.chain
			}
			p("  %s: %s", sd, strings.Join(cmds, " && "))
			p("    %d API requests, %d git fetch(es), %d push(es); %d round-trips (%d in HTTP requests); %.0f ms (%.0f-%.0f):",
				s.api, s.fetches, s.pushes, s.rt, s.httpRT, ms(s.wall), ms(s.wallMin), ms(s.wallMax))
			p("    %.0f ms in requests along the critical path (latency and the emulator's work), %.0f ms elsewhere (start-up, git, local work);",
				ms(s.onPath), ms(s.wall-s.onPath))
			p("    client CPU (user+sys of gh, the extension and git): %.0f ms", ms(s.cpu))
			routes := make([]string, 0, len(s.routes))
			for r := range s.routes {
				routes = append(routes, r)
			}
			sort.Strings(routes)
			for _, r := range routes {
				p("      %2d× %s", s.routes[r], r)
			}
			var path []string
			for _, step := range s.path {
				path = append(path, fmt.Sprintf("%s [%.0f]", step.Label, ms(step.End.Sub(step.Start))))
			}
			p("    critical path [ms per step]: %s", strings.Join(path, " > "))
			if s.short > 0 {
				p("    warning: %d requests took less than the injected %d ms", s.short, top)
			}
		}
	}
}

// loadAverage is the 1, 5 and 15 minute load averages, where the system tells them.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
