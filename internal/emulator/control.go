package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// controlPrefix is where the emulator's own API lives. GitHub has no such path,
// so nothing the tool sends can be mistaken for it.
//
// The control API covers only what GitHub does by itself:
//
//	GET    /_emulator/health                       200 when ready
//	GET    /_emulator/requests                     request log and counts per route; each entry has "time"
//	                                               (arrival) and "end" (response written): entries whose
//	                                               intervals overlap were in flight together
//	DELETE /_emulator/requests                     clear the log
//	GET    /_emulator/conformance                  requests that deviate from GitHub's descriptions
//	DELETE /_emulator/conformance                  clear them
//	POST   /_emulator/faults                       {"route","status","count","drop","latency_ms","retry_after","html","body",
//	                                               "rate_limit","reset_in_s","skip"}: the next count requests on route
//	                                               fail, after skip of them pass (a later request of the same name);
//	                                               "rate_limit": "primary" or "secondary" answers as GitHub's rate
//	                                               limits do (see rateLimitFault); "exhausted": true is "primary"
//	GET    /_emulator/faults, DELETE /_emulator/faults
//	POST   /_emulator/latency                      {"ms":50}: every API and git request waits that long before
//	                                               it is served, as over a network (0 turns it off); the
//	                                               control API itself is never delayed
//	GET    /_emulator/latency                      {"ms":N}: the current server-wide latency
//	POST   /_emulator/ratelimit                    {"resource":"core"|"graphql","remaining":N,"reset_in_s":S,"status":403|429}:
//	                                               set a primary rate-limit bucket; at 0 every request on it is
//	                                               refused as GitHub does (REST with status, GraphQL with 200 +
//	                                               RATE_LIMITED) until the reset, except GET /rate_limit
//	GET    /_emulator/ratelimit                    both buckets
//	POST   /_emulator/users                        {"login","token"[,"email"]}: a token authenticating as login
//	                                               (and a verified email address of the account)
//	POST   /_emulator/mergeability                 {"delay_ms":N}: how long a pull request's mergeability stays
//	                                               unknown after it opens or its base or head moves (default
//	                                               1000, as GitHub's background job; 0 only where a test says why)
//	POST   /_emulator/enterprise                   {"version":"3.14.2"}: the GitHub Enterprise Server version
//	                                               ghes.localhost reports and behaves as (site.go, versions.go);
//	                                               400 when the world already has what that version lacks
//	                                               (a ruleset before 3.11, a merge_queue rule before 3.13)
//	POST   /_emulator/clock                        {"skew_s":N}: GitHub's clock runs N seconds ahead of this
//	                                               machine's (negative: behind), as a client with a wrong clock
//	                                               sees it; a test may also set it back to put two events in the
//	                                               same second of GitHub's time, which a slow machine cannot
//	                                               otherwise promise
//	POST   /_emulator/repos/O/R/runs/ID            {"status","conclusion"}: move a workflow run (dispatched or
//	                                               started by a push); its job's check run moves with it
//	POST   /_emulator/repos/O/R/auto-runs          {"after_ms","conclusion"}: runs complete by themselves
//	POST   /_emulator/repos/O/R/reviewer           {"after_ms","label","method","login"}: a teammate approves and
//	                                               merges open PRs with the label once they are after_ms old
//	                                               (on a branch with a merge queue: adds them to the queue)
//	POST   /_emulator/repos/O/R/settings           {"return_run_details": false}: dispatch refuses
//	                                               return_run_details, as GitHub Enterprise Server before 3.21;
//	                                               {"workflow_state": {"release.yml": "disabled_manually"}}
//	                                               sets a workflow's state, as the Actions tab does;
//	                                               {"decline_pushes": "GH013: …"}: pushes are declined
//	                                               with those lines, as a ruleset declines them
//	POST   /_emulator/repos/O/R/merge-queue/B     {"conclusion": "success"|"failure"}: the required checks of the
//	                                               merge group at the front of branch B's merge queue report that
//	                                               conclusion (as commit statuses, one per required context, on the
//	                                               group's gh-readonly-queue/B/pr-N-SHA commit), as CI answering the
//	                                               merge_group event would; success merges the pull request, failure
//	                                               removes it (reason failed_checks). Answers {"ref","sha",
//	                                               "pull_number","contexts"} of that group; 404 when none is built
//	POST   /_emulator/orgs/O/teams/T/settings      {"review_assignment": {"enabled": true, "team_member_count": 1,
//	                                               "remove_team_request": true}}: the team's code review
//	                                               assignment, set in GitHub's team settings page (or GraphQL
//	                                               updateTeamReviewAssignment): a review asked of the team is
//	                                               asked of that many members (round robin) instead
const controlPrefix = "/_emulator/"

// fault is an injected failure for a route, consumed Count times.
type fault struct {
	Route      string        `json:"route"`
	Status     int           `json:"status,omitempty"`
	Count      int           `json:"count"`
	Drop       bool          `json:"drop,omitempty"`
	LatencyMS  int           `json:"latency_ms,omitempty"`
	RetryAfter int           `json:"retry_after,omitempty"`
	HTML       bool          `json:"html,omitempty"`
	Body       string        `json:"body,omitempty"`       // raw answer body (e.g. malformed JSON), status 200 unless set
	RateLimit  string        `json:"rate_limit,omitempty"` // "primary" or "secondary": a rate-limit refusal (rateLimitFault)
	ResetIn    int           `json:"reset_in_s,omitempty"` // with a primary limit: seconds until it resets (default 1200)
	Skip       int           `json:"skip,omitempty"`       // requests on route that pass before the fault applies
	Latency    time.Duration `json:"-"`
}

func (f *fault) describe() string {
	var parts []string
	if f.Status != 0 {
		parts = append(parts, "status "+strconv.Itoa(f.Status))
	}
	if f.RateLimit != "" {
		parts = append(parts, f.RateLimit+" rate limit")
	}
	if f.RetryAfter > 0 {
		parts = append(parts, "retry-after "+strconv.Itoa(f.RetryAfter))
	}
	if f.Body != "" {
		parts = append(parts, "raw body")
	}
	if f.Drop {
		parts = append(parts, "dropped")
	}
	if f.Latency > 0 {
		parts = append(parts, "latency "+f.Latency.String())
	}
	return "fault: " + strings.Join(parts, ", ")
}

// takeFault consumes one matching fault. Routes match exactly or by prefix, so
// "graphql mutation createPullRequest" matches whatever the operation is named.
func (s *Server) takeFault(route string) *fault {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	for i, f := range s.faults {
		if f.Route == "*" || f.Route == route || strings.HasPrefix(route, f.Route) {
			if f.Skip > 0 {
				f.Skip-- // this one passes, and so do the faults queued behind it
				return nil
			}
			f.Count--
			if f.Count <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			cp := *f
			return &cp
		}
	}
	return nil
}

// AddFault injects a fault; tests in this module call it directly.
func (s *Server) AddFault(route string, status, count int, drop bool, latency time.Duration, retryAfter int) {
	if count < 1 {
		count = 1
	}
	s.faultsMu.Lock()
	s.faults = append(s.faults, &fault{Route: route, Status: status, Count: count, Drop: drop,
		Latency: latency, LatencyMS: int(latency / time.Millisecond), RetryAfter: retryAfter})
	s.faultsMu.Unlock()
}

// SetLatency delays every API and git request by d from now on (0: no delay), as a
// network round-trip would. Tests in this module call it directly.
func (s *Server) SetLatency(d time.Duration) {
	s.latency.Store(int64(max(d, 0)))
}

// injectLatency waits the server-wide latency; false when the client gave up meanwhile.
func (s *Server) injectLatency(r *http.Request) bool {
	d := time.Duration(s.latency.Load())
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []LogEntry {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]LogEntry(nil), s.reqLog...)
}

// ConformanceFailures returns the requests that deviated from GitHub's descriptions.
func (s *Server) ConformanceFailures() []ConformanceFailure {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]ConformanceFailure(nil), s.failures...)
}

func routeCounts(entries []LogEntry) map[string]int {
	counts := map[string]int{}
	for _, e := range entries {
		counts[e.Route]++
	}
	return counts
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, controlPrefix)
	var in map[string]any
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, 400, map[string]string{"message": "control API: body must be a JSON object: " + err.Error()})
			return
		}
	}
	str := func(k string) string { v, _ := in[k].(string); return v }
	num := func(k string) int { v, _ := in[k].(float64); return int(v) }
	switch {
	case p == "health":
		writeJSON(w, 200, map[string]string{"status": "ok"})
	case p == "requests" && r.Method == http.MethodGet:
		reqs := s.Requests()
		writeJSON(w, 200, map[string]any{"requests": reqs, "counts": routeCounts(reqs), "total": len(reqs)})
	case p == "requests" && r.Method == http.MethodDelete:
		s.logMu.Lock()
		s.reqLog = nil
		s.logMu.Unlock()
		w.WriteHeader(204)
	case p == "conformance" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]any{"failures": s.ConformanceFailures()})
	case p == "conformance" && r.Method == http.MethodDelete:
		s.logMu.Lock()
		s.failures = nil
		s.logMu.Unlock()
		w.WriteHeader(204)
	case p == "mergeability" && r.Method == http.MethodPost:
		s.st.mu.Lock()
		s.st.mergeDelay = time.Duration(num("delay_ms")) * time.Millisecond
		s.st.mu.Unlock()
		writeJSON(w, 200, map[string]any{"delay_ms": num("delay_ms")})
	case p == "enterprise" && r.Method == http.MethodPost:
		v := str("version")
		if _, _, ok := parseVersion(v); !ok {
			writeJSON(w, 400, map[string]string{"message": `control API: version is "MAJOR.MINOR[.PATCH]"`})
			return
		}
		s.st.mu.Lock()
		conflict := s.st.versionConflict(site{kind: siteEnterprise, version: v})
		if conflict == "" {
			s.ghesVersion.Store(v)
		}
		s.st.mu.Unlock()
		if conflict != "" {
			writeJSON(w, 400, map[string]string{"message": "control API: " + conflict})
			return
		}
		writeJSON(w, 200, map[string]any{"version": v})
	case p == "clock" && r.Method == http.MethodPost:
		skew, _ := in["skew_s"].(float64)
		s.skew.Store(int64(skew * float64(time.Second)))
		writeJSON(w, 200, map[string]any{"skew_s": skew})
	case p == "faults" && r.Method == http.MethodPost:
		if str("route") == "" {
			writeJSON(w, 400, map[string]string{"message": "control API: a fault needs a route"})
			return
		}
		if rl := str("rate_limit"); rl != "" && rl != "primary" && rl != "secondary" {
			writeJSON(w, 400, map[string]string{"message": `control API: rate_limit is "primary" or "secondary"`})
			return
		}
		s.AddFault(str("route"), num("status"), num("count"), in["drop"] == true,
			time.Duration(num("latency_ms"))*time.Millisecond, num("retry_after"))
		s.faultsMu.Lock()
		f := s.faults[len(s.faults)-1]
		f.HTML, f.Body, f.RateLimit = in["html"] == true, str("body"), str("rate_limit")
		if in["exhausted"] == true {
			f.RateLimit = "primary"
		}
		f.ResetIn, f.Skip = num("reset_in_s"), num("skip")
		s.faultsMu.Unlock()
		w.WriteHeader(201)
	case p == "faults" && r.Method == http.MethodGet:
		s.faultsMu.Lock()
		list := append([]*fault(nil), s.faults...)
		s.faultsMu.Unlock()
		writeJSON(w, 200, map[string]any{"faults": list})
	case p == "faults" && r.Method == http.MethodDelete:
		s.faultsMu.Lock()
		s.faults = nil
		s.faultsMu.Unlock()
		w.WriteHeader(204)
	case p == "ratelimit" && r.Method == http.MethodPost:
		if err := s.setRateLimit(in); err != nil {
			writeJSON(w, 400, map[string]string{"message": "control API: " + err.Error()})
			return
		}
		w.WriteHeader(204)
	case p == "ratelimit" && r.Method == http.MethodGet:
		now := s.st.now()
		writeJSON(w, 200, map[string]any{"core": s.core.snapshot(now), "graphql": s.graphql.snapshot(now)})
	case p == "latency" && r.Method == http.MethodPost:
		ms, ok := in["ms"].(float64)
		if !ok || ms < 0 {
			writeJSON(w, 400, map[string]string{"message": "control API: latency needs \"ms\", a number of milliseconds >= 0"})
			return
		}
		s.SetLatency(time.Duration(ms * float64(time.Millisecond)))
		writeJSON(w, 200, map[string]any{"ms": ms})
	case p == "latency" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]any{"ms": float64(s.latency.Load()) / float64(time.Millisecond)})
	case p == "users" && r.Method == http.MethodPost:
		if str("login") == "" || str("token") == "" {
			writeJSON(w, 400, map[string]string{"message": "control API: login and token are required"})
			return
		}
		s.st.mu.Lock()
		u := s.st.ensureUser(str("login"))
		if e := str("email"); e != "" && !slices.Contains(u.Emails, e) {
			u.Emails = append(u.Emails, e)
		}
		s.st.tokens[str("token")] = str("login")
		s.st.mu.Unlock()
		w.WriteHeader(201)
	case strings.HasPrefix(p, "orgs/") && r.Method == http.MethodPost:
		s.controlOrg(w, strings.Split(strings.TrimPrefix(p, "orgs/"), "/"), in)
	case strings.HasPrefix(p, "repos/") && r.Method == http.MethodPost:
		s.controlRepo(w, strings.Split(strings.TrimPrefix(p, "repos/"), "/"), in, str, num)
	default:
		writeJSON(w, 404, map[string]string{"message": "control API: no such endpoint " + r.Method + " " + r.URL.Path})
	}
}

func (s *Server) controlRepo(w http.ResponseWriter, parts []string, in map[string]any, str func(string) string, num func(string) int) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if len(parts) < 3 {
		writeJSON(w, 404, map[string]string{"message": "control API: expected repos/OWNER/REPO/..."})
		return
	}
	rp := s.st.repo(parts[0], parts[1])
	if rp == nil {
		writeJSON(w, 404, map[string]string{"message": "control API: no repository " + parts[0] + "/" + parts[1]})
		return
	}
	switch {
	case parts[2] == "runs" && len(parts) == 4:
		id, _ := strconv.ParseInt(parts[3], 10, 64)
		run := rp.run(id)
		if run == nil {
			writeJSON(w, 404, map[string]string{"message": fmt.Sprintf("control API: no run %s", parts[3])})
			return
		}
		status := str("status")
		if status != "queued" && status != "in_progress" && status != "completed" {
			writeJSON(w, 422, map[string]string{"message": "control API: status must be queued, in_progress or completed"})
			return
		}
		s.st.setRunStatus(run, status, str("conclusion"))
		writeJSON(w, 200, s.runJSON(rp, run))
	case parts[2] == "auto-runs":
		c := str("conclusion")
		if c == "" {
			c = "success"
		}
		rp.autoRuns = &autoRunSetting{After: time.Duration(num("after_ms")) * time.Millisecond, Conclusion: c}
		w.WriteHeader(204)
	case parts[2] == "reviewer":
		login := str("login")
		if login == "" {
			login = "hubot"
		}
		method := str("method")
		if method == "" {
			method = "squash"
		}
		s.st.ensureUser(login)
		rp.reviewer = &reviewerSetting{After: time.Duration(num("after_ms")) * time.Millisecond, Label: str("label"), Method: method, Login: login}
		w.WriteHeader(204)
	case parts[2] == "merge-queue" && len(parts) > 3:
		s.controlMergeQueue(w, rp, strings.Join(parts[3:], "/"), str("conclusion"))
	case parts[2] == "settings":
		if v, ok := in["return_run_details"].(bool); ok {
			rp.noRunDetails = !v
		}
		// {"decline_pushes": "GH013: …\n- rule"}: every push is declined with
		// these lines, as GitHub declines a push that breaks a ruleset, a branch
		// protection or secret push protection: git prints them on "remote:" lines
		// and "! [remote rejected] … (…)". "" accepts pushes again.
		if lines, ok := in["decline_pushes"].(string); ok {
			hook := filepath.Join(rp.git.dir, "hooks", "pre-receive")
			if lines == "" {
				_ = os.Remove(hook)
			} else {
				var script strings.Builder
				script.WriteString("#!/bin/sh\ncat >/dev/null\n")
				for _, l := range strings.Split(lines, "\n") {
					script.WriteString("printf '%s\\n' " + shellQuote("error: "+l) + " >&2\n")
				}
				script.WriteString("exit 1\n")
				_ = os.MkdirAll(filepath.Dir(hook), 0o755)
				if err := os.WriteFile(hook, []byte(script.String()), 0o755); err != nil {
					writeJSON(w, 500, map[string]string{"message": "control API: " + err.Error()})
					return
				}
			}
		}
		// {"workflow_state": {"release.yml": "disabled_manually"}}: a workflow
		// disabled in the Actions tab (states as the REST API reports them:
		// active, disabled_manually, disabled_inactivity).
		if states, ok := in["workflow_state"].(map[string]any); ok {
			s.st.syncWorkflows(rp)
			for file, st := range states {
				if wf := s.st.findWorkflow(rp, file); wf != nil {
					wf.State, _ = st.(string)
				}
			}
		}
		w.WriteHeader(204)
	default:
		writeJSON(w, 404, map[string]string{"message": "control API: unknown repository action " + strings.Join(parts[2:], "/")})
	}
}

// tick lets time pass for a repository: the emulated teammate merges what is due.
// It runs lazily at the start of each request, so the emulator needs no timers.
func (s *Server) tick(r *repo) {
	rv := r.reviewer
	if rv == nil {
		return
	}
	now := s.st.now()
	for _, is := range r.issues {
		if is.pr == nil || is.State != "open" || now.Sub(is.CreatedAt) < rv.After {
			continue
		}
		if rv.Label != "" && !hasAllLabels(is, []string{rv.Label}) {
			continue
		}
		approved := false
		for _, r := range is.pr.Reviews {
			if r.User == rv.Login && r.State == "APPROVED" {
				approved = true
			}
		}
		if !approved {
			is.pr.Reviews = append(is.pr.Reviews, &review{ID: s.st.id(), User: rv.Login, State: "APPROVED",
				Body: "Looks good: ship it.", CommitID: r.headSHA(is.pr), SubmittedAt: now})
			// A review answers the request: "Once a requested reviewer submits a
			// review, they are no longer considered a requested reviewer" (REST docs,
			// "Get all requested reviewers for a pull request").
			is.pr.RequestedReviewers = slices.DeleteFunc(is.pr.RequestedReviewers, func(u string) bool { return strings.EqualFold(u, rv.Login) })
		}
		// On a branch with a merge queue the teammate adds the pull request to
		// the queue instead ("Merge when ready"), and the queue merges it.
		if r.queueRule(is.pr.Base) != nil {
			if e, _ := r.queueEntry(is); e == nil {
				_, _ = s.enqueue(r, is, rv.Login, "", false)
			}
			continue
		}
		_, _ = s.doMerge(r, is, rv.Method, "", "", rv.Login, "")
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// controlOrg sets what an organization's web settings hold: a team's code
// review assignment (reviewAssignment).
func (s *Server) controlOrg(w http.ResponseWriter, parts []string, in map[string]any) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if len(parts) != 4 || parts[1] != "teams" || parts[3] != "settings" {
		writeJSON(w, 404, map[string]string{"message": "control API: expected orgs/ORG/teams/SLUG/settings"})
		return
	}
	o := s.st.org(parts[0])
	t := o.teamOrNil(parts[2])
	if t == nil {
		writeJSON(w, 404, map[string]string{"message": "control API: no team " + parts[0] + "/" + parts[2]})
		return
	}
	if ra, ok := in["review_assignment"].(map[string]any); ok {
		if ra["enabled"] != true {
			t.assign = nil
		} else {
			// Defaults as UpdateTeamReviewAssignmentInput's: teamMemberCount 1, removeTeamRequest true.
			a := &reviewAssignment{Count: 1, RemoveTeamRequest: true}
			if n, ok := ra["team_member_count"].(float64); ok && n >= 1 {
				a.Count = int(n)
			}
			if v, ok := ra["remove_team_request"].(bool); ok {
				a.RemoveTeamRequest = v
			}
			t.assign = a
		}
	}
	w.WriteHeader(204)
}
