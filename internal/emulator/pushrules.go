package emulator

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Rules enforced on git pushes and on refs created through the API (issue #16).
//
// GitHub evaluates the active rulesets that target a pushed ref (branch or
// tag, by ref_name) before any ref moves, and refuses the whole push when one
// rule is broken. git then prints, from the server's side band:
//
//	remote: error: GH013: Repository rule violations found for refs/heads/main.
//	remote: Review all repository rules at https://github.com/OWNER/REPO/rules?ref=refs%2Fheads%2Fmain
//	remote:
//	remote: - Changes must be made through a pull request.
//	remote:
//	 ! [remote rejected] main -> main (push declined due to repository rule violations)
//
// as users quote it (yshavit/mdq#255, henne49/dbus-opendtu#235,
// TokTok/c-toxcore#2907, dmf-mxl/mxl#356 for "Cannot create ref due to
// creations being restricted."). The rule lines are GitHub's own, as quoted in
// those threads and in users' notes found by searching for them:
//
//   - creation: "Cannot create ref due to creations being restricted." (dmf-mxl/mxl#356,
//     dial9-rs/dial9#633, kernelkit/infix#1610 for a tag)
//   - update: "Cannot update this protected ref."
//   - deletion: "Cannot delete this branch" (no period), "Cannot delete this tag" for a tag
//   - non_fast_forward: "Cannot force-push to this branch" (no period), "Cannot force-push to this tag"
//   - pull_request: "Changes must be made through a pull request." — only for a
//     branch that exists: creating one is not refused by it
//     (artifact-keeper/artifact-keeper#3798: required_status_checks "was the only
//     rule that blocked creation; pull_request never did")
//   - required_linear_history: "This branch must not contain merge commits.",
//     then "  Found 1 violation:", an empty line and each merge commit, indented
//     by two spaces (the layout of "Commits must have verified signatures.").
//
// What the emulator leaves out: required_status_checks and the other rule
// types on push; the "Bypassed rule violations for …" notice GitHub prints to
// an actor who bypasses (kernelkit/infix#1610) — the push is accepted silently.

// zeroSHA is git's name for "no object": the old side of a created ref, the
// new side of a deleted one.
const zeroSHA = "0000000000000000000000000000000000000000"

// pushDeclined is the reason GitHub gives git for each refused ref.
const pushDeclined = "push declined due to repository rule violations"

// refUpdate is one command of a push: the ref moves from Old to New.
type refUpdate struct {
	Old, New, Ref string
}

func (u refUpdate) created() bool { return u.Old == zeroSHA }
func (u refUpdate) deleted() bool { return u.New == zeroSHA }

// receivePackRequest is what a client sends to git-receive-pack: the ref
// updates (pkt-lines up to a flush; the first carries the capabilities after a
// NUL), push options when negotiated, then the pack (none for deletions only).
// gitprotocol-pack(5), "Reference Update Request and Packfile Transfer".
type receivePackRequest struct {
	Updates []refUpdate
	Caps    []string
	Pack    []byte
}

// errPktLine is a request that is not made of pkt-lines.
var errPktLine = errors.New("malformed pkt-line")

// readPktLine returns the payload of the pkt-line at the start of b, and the rest;
// flush is true for the flush-pkt "0000".
func readPktLine(b []byte) (payload, rest []byte, flush bool, err error) {
	if len(b) < 4 {
		return nil, nil, false, errPktLine
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	if err != nil {
		return nil, nil, false, errPktLine
	}
	if n == 0 {
		return nil, b[4:], true, nil
	}
	if n < 4 || int(n) > len(b) {
		return nil, nil, false, errPktLine
	}
	return b[4:n], b[n:], false, nil
}

// parseReceivePack reads a receive-pack request body.
func parseReceivePack(body []byte) (*receivePackRequest, error) {
	req := &receivePackRequest{}
	rest := body
	for {
		line, next, flush, err := readPktLine(rest)
		if err != nil {
			return nil, err
		}
		rest = next
		if flush {
			break
		}
		s := strings.TrimSuffix(string(line), "\n")
		if strings.HasPrefix(s, "shallow ") || strings.HasPrefix(s, "push-cert") {
			continue // a shallow client's roots; a signed push (not modelled)
		}
		if cmd, caps, ok := strings.Cut(s, "\x00"); ok {
			s = cmd
			req.Caps = strings.Fields(caps)
		}
		f := strings.Fields(s)
		if len(f) != 3 || len(f[0]) != 40 || len(f[1]) != 40 {
			return nil, errPktLine
		}
		req.Updates = append(req.Updates, refUpdate{Old: f[0], New: f[1], Ref: f[2]})
	}
	if slices.Contains(req.Caps, "push-options") {
		for {
			_, next, flush, err := readPktLine(rest)
			if err != nil {
				return nil, err
			}
			rest = next
			if flush {
				break
			}
		}
	}
	req.Pack = rest
	return req, nil
}

// pktLine frames payload as one pkt-line.
func pktLine(payload string) string { return fmt.Sprintf("%04x%s", len(payload)+4, payload) }

// receivePackRefusal is receive-pack's answer refusing every ref of the push:
// report-status ("unpack ok", then "ng <ref> <reason>" for each ref), and the
// messages on side band 2, which git prints after "remote: ", when the client
// asked for a side band (gitprotocol-pack(5), "Report Status"). reasons are
// the refused refs' own reasons; the other refs of the push get the first
// refused ref's.
func receivePackRefusal(req *receivePackRequest, messages []string, reasons map[string]string) []byte {
	first := pushDeclined
	for _, u := range req.Updates {
		if reason, ok := reasons[u.Ref]; ok {
			first = reason
			break
		}
	}
	var status strings.Builder
	status.WriteString(pktLine("unpack ok\n"))
	for _, u := range req.Updates {
		reason, ok := reasons[u.Ref]
		if !ok {
			reason = first
		}
		status.WriteString(pktLine("ng " + u.Ref + " " + reason + "\n"))
	}
	status.WriteString("0000")
	if !slices.Contains(req.Caps, "side-band-64k") && !slices.Contains(req.Caps, "side-band") {
		return []byte(status.String())
	}
	var out strings.Builder
	for _, m := range messages {
		out.WriteString(pktLine("\x02" + m + "\n"))
	}
	// Band 1 carries the report; 1000 bytes stays within the smaller side-band's limit.
	report := status.String()
	for len(report) > 0 {
		n := min(len(report), 990)
		out.WriteString(pktLine("\x01" + report[:n]))
		report = report[n:]
	}
	out.WriteString("0000")
	return []byte(out.String())
}

// repoRole is login's role on the repository, as rulesets' bypass lists name
// roles: "admin" for its owner and an owner of its organization, else the
// permission it was given as a collaborator ("maintain", "write" for push, …),
// "" for none.
func (s *store) repoRole(r *repo, login string) string {
	if strings.EqualFold(r.Owner, login) {
		return "admin"
	}
	if o := s.org(r.Owner); o != nil && o.members[strings.ToLower(login)] == "admin" {
		return "admin"
	}
	switch p := r.collaborators[strings.ToLower(login)]; p {
	case "push":
		return "write"
	case "pull":
		return "read"
	default:
		return p
	}
}

// repositoryRoleIDs are the actor_id of the built-in repository roles in a
// ruleset's bypass_actors (actor_type "RepositoryRole"): 5 is the admin role,
// 2 maintain and 4 write, as rulesets exported from github.com carry them (the
// REST docs name the field only as "The ID of the actor that can bypass a
// ruleset"). The role must be the pusher's own: the emulator does not widen
// "maintain" to admins.
var repositoryRoleIDs = map[float64]string{5: "admin", 2: "maintain", 4: "write"}

// bypasses reports whether login bypasses the ruleset on a push: a bypass
// actor with bypass_mode "always" (the default) or "exempt" names its
// repository role, or (actor_type "OrganizationAdmin", actor_id 1) it owns the
// repository's organization. bypass_mode "pull_request" lets the actor bypass
// only through a pull request, never on a push (REST docs, "Create a repository
// ruleset", bypass_actors.bypass_mode: "When the specified actor can bypass the
// ruleset. pull_request means that an actor can only bypass rules on pull
// requests.").
func (s *store) bypasses(rs *ruleset, r *repo, login string) bool {
	role := s.repoRole(r, login)
	for _, a := range rs.BypassActors {
		m, _ := a.(map[string]any)
		if mode, _ := m["bypass_mode"].(string); mode == "pull_request" {
			continue
		}
		id, _ := m["actor_id"].(float64)
		switch m["actor_type"] {
		case "RepositoryRole":
			if want := repositoryRoleIDs[id]; want != "" && want == role {
				return true
			}
		case "OrganizationAdmin":
			if o := s.org(r.Owner); o != nil && o.members[strings.ToLower(login)] == "admin" {
				return true
			}
		}
	}
	return false
}

// canBypass is a ruleset's current_user_can_bypass for login: "always" when
// bypasses says so, "pull_requests_only" when a bypass actor of login's role
// has bypass_mode "pull_request", else "never" (GitHub's published REST
// description of a repository ruleset: current_user_can_bypass, an enum of
// always, pull_requests_only, never and exempt, for the user asking).
func (s *store) canBypass(rs *ruleset, r *repo, login string) string {
	if s.bypasses(rs, r, login) {
		return "always"
	}
	role := s.repoRole(r, login)
	for _, a := range rs.BypassActors {
		m, _ := a.(map[string]any)
		id, _ := m["actor_id"].(float64)
		if mode, _ := m["bypass_mode"].(string); mode == "pull_request" && m["actor_type"] == "RepositoryRole" && repositoryRoleIDs[id] == role {
			return "pull_requests_only"
		}
	}
	return "never"
}

// refApplies reports whether the ruleset targets the full ref name: branch
// rulesets select refs/heads/… by appliesTo, tag rulesets select refs/tags/…
// by the same fnmatch patterns, where ~ALL is every tag (REST docs,
// conditions.ref_name: "~ALL to include all branches"; for a tag ruleset the
// web UI's "All tags").
func (rs *ruleset) refApplies(r *repo, ref string) bool {
	if branch, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
		return rs.appliesTo(r, branch)
	}
	if !strings.HasPrefix(ref, "refs/tags/") || rs.Target != "tag" {
		return false
	}
	matches := func(patterns []string) bool {
		return slices.ContainsFunc(patterns, func(p string) bool { return p == "~ALL" || refPatternMatch(p, ref) })
	}
	return matches(rs.Include) && !matches(rs.Exclude)
}

// refRuleTypes are the rule types of the active rulesets that apply to ref and
// that login does not bypass, in the rulesets' order, each once.
func (s *store) refRuleTypes(r *repo, ref, login string) []string {
	var out []string
	for _, rs := range r.rulesets {
		if rs.Enforcement != "active" || !rs.refApplies(r, ref) || s.bypasses(rs, r, login) {
			continue
		}
		for _, ru := range rs.Rules {
			if !slices.Contains(out, ru.Type) {
				out = append(out, ru.Type)
			}
		}
	}
	return out
}

// objectsEnv lets git read a pushed pack's objects before they enter the
// repository: the pack is indexed into quarantine, with the repository's
// objects as an alternate (as receive-pack's own quarantine does).
type objectsEnv []string

// refViolations are GitHub's lines for the rules that u breaks, given the
// rule types that apply to its ref; env reads the pushed objects.
func (r *repo) refViolations(u refUpdate, types []string, env objectsEnv) []string {
	tag := strings.HasPrefix(u.Ref, "refs/tags/")
	kind := "branch"
	if tag {
		kind = "tag"
	}
	var out []string
	for _, t := range types {
		switch {
		case t == "creation" && u.created():
			out = append(out, "Cannot create ref due to creations being restricted.")
		case t == "update" && !u.created() && !u.deleted():
			out = append(out, "Cannot update this protected ref.")
		case t == "deletion" && u.deleted():
			out = append(out, "Cannot delete this "+kind)
		case t == "non_fast_forward" && !u.created() && !u.deleted():
			if _, err := r.git.exec(env, nil, "merge-base", "--is-ancestor", u.Old, u.New); err != nil {
				out = append(out, "Cannot force-push to this "+kind)
			}
		case t == "pull_request" && !tag && !u.created() && !u.deleted():
			out = append(out, "Changes must be made through a pull request.")
		case t == "required_linear_history" && !u.deleted():
			merges, _ := r.git.exec(env, nil, "rev-list", "--merges", u.New, "--not", "--all")
			if shas := strings.Fields(merges); len(shas) > 0 {
				noun := "violation"
				if len(shas) > 1 {
					noun += "s"
				}
				lines := []string{"This branch must not contain merge commits.", fmt.Sprintf("  Found %d %s:", len(shas), noun), ""}
				for _, sha := range shas {
					lines = append(lines, "  "+sha)
				}
				out = append(out, strings.Join(lines, "\n"))
			}
		}
	}
	return out
}

// protectedDeclined is the reason GitHub gives git for a ref its branch
// protection refuses (foundry-rs/block-explorers#110, OSGeo/grass#1286).
const protectedDeclined = "protected branch hook declined"

// pushRefusal evaluates a push by login against the repository's branch
// protections and rulesets and returns git's side-band lines refusing it and
// each refused ref's reason, or nil lines when every ref may move. Called with
// the store locked.
func (s *Server) pushRefusal(r *repo, login string, req *receivePackRequest) ([]string, map[string]string, error) {
	types := make([][]string, len(req.Updates))
	needObjects := false
	for i, u := range req.Updates {
		types[i] = s.st.refRuleTypes(r, u.Ref, login)
		needObjects = needObjects || (!u.deleted() && (slices.Contains(types[i], "non_fast_forward") || slices.Contains(types[i], "required_linear_history")))
		if b, ok := strings.CutPrefix(u.Ref, "refs/heads/"); ok && r.protection[b] != nil && !u.deleted() {
			needObjects = true
		}
	}
	var env objectsEnv
	if needObjects && len(req.Pack) > 0 {
		objects := filepath.Join(r.git.dir, "objects")
		dir, err := os.MkdirTemp(objects, "incoming-rules-")
		if err != nil {
			return nil, nil, err
		}
		defer os.RemoveAll(dir)
		if err := os.Mkdir(filepath.Join(dir, "pack"), 0o755); err != nil {
			return nil, nil, err
		}
		env = objectsEnv{"GIT_OBJECT_DIRECTORY=" + dir, "GIT_ALTERNATE_OBJECT_DIRECTORIES=" + objects}
		if _, err := r.git.exec(env, req.Pack, "index-pack", "--stdin", "--fix-thin"); err != nil {
			return nil, nil, err
		}
	}
	var lines []string
	reasons := map[string]string{}
	for _, u := range req.Updates {
		broken := s.st.protectionViolations(r, u, login, env)
		if len(broken) == 0 {
			continue
		}
		reasons[u.Ref] = protectedDeclined
		lines = append(lines, "error: GH006: Protected branch update failed for "+u.Ref+".", "")
		for _, b := range broken {
			lines = append(lines, "- "+b, "")
		}
	}
	for i, u := range req.Updates {
		broken := r.refViolations(u, types[i], env)
		if len(broken) == 0 {
			continue
		}
		if _, ok := reasons[u.Ref]; !ok {
			reasons[u.Ref] = pushDeclined
		}
		lines = append(lines, "error: GH013: Repository rule violations found for "+u.Ref+".",
			"Review all repository rules at "+webURL+"/"+r.fullName()+"/rules?ref="+url.QueryEscape(u.Ref), "")
		for _, b := range broken {
			lines = append(lines, strings.Split("- "+b, "\n")...)
			lines = append(lines, "")
		}
	}
	return lines, reasons, nil
}

// checkPushRules reads a receive-pack request and, when the repository's
// rules refuse it, answers for git-http-backend as GitHub does (true). The
// request's body is put back for git-http-backend otherwise.
func (s *Server) checkPushRules(w http.ResponseWriter, r *http.Request, rp *repo, login string) (refused bool, err error) {
	s.st.mu.Lock()
	anyActive := len(rp.protection) > 0 || slices.ContainsFunc(rp.rulesets, func(rs *ruleset) bool { return rs.Enforcement == "active" })
	s.st.mu.Unlock()
	if !anyActive {
		return false, nil
	}
	raw, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return false, err
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.ContentLength = int64(len(raw))
	r.TransferEncoding = nil
	body := raw
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return false, err
		}
		if body, err = io.ReadAll(zr); err != nil {
			return false, err
		}
	}
	req, err := parseReceivePack(body)
	if err != nil {
		return false, nil // git-http-backend answers a malformed request itself
	}
	s.st.mu.Lock()
	lines, reasons, err := s.pushRefusal(rp, login, req)
	s.st.mu.Unlock()
	if err != nil || lines == nil {
		return false, err
	}
	w.Header().Set("Content-Type", "application/x-git-receive-pack-result")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write(receivePackRefusal(req, lines, reasons))
	return true, nil
}

// refCreationRefused reports whether the rules refuse login creating ref
// (refs/heads/… or refs/tags/…) through the API: a creation rule applies.
func (s *store) refCreationRefused(r *repo, ref, login string) bool {
	return slices.Contains(s.refRuleTypes(r, ref, login), "creation")
}
