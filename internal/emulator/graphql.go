package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// serveGraphQL validates the document against GitHub's schema (less what the
// site's GitHub Enterprise Server version lacks, versions.go), then executes
// it over the same state the REST API serves. Invalid documents are
// conformance failures.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request, q gql.Request, raw []byte, login string) {
	if r.Method != http.MethodPost {
		writeJSON(w, 404, map[string]any{"message": "Not Found", "documentation_url": docsURL})
		return
	}
	if q.Query == "" {
		if err := json.Unmarshal(raw, &q); err != nil {
			s.recordFailure(r, "POST /graphql", true, "body is not JSON: "+err.Error())
			writeJSON(w, 400, map[string]any{"message": "Problems parsing JSON", "documentation_url": docsURL})
			return
		}
		s.recordFailure(r, "POST /graphql", true, "no query in the request body")
		writeJSON(w, 200, map[string]any{"errors": []map[string]any{{"message": "A query attribute must be specified and must be a string."}}})
		return
	}
	ex, err := s.executor(siteOf(r))
	if err != nil {
		writeJSON(w, 500, map[string]any{"message": "emulator: " + err.Error()})
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	for _, rp := range s.st.repos {
		s.tick(rp)
	}
	if opType, _, _, err := s.exec.OperationInfo(q); err == nil && opType == "query" {
		defer s.st.readOnly()()
	}
	g := &gqlCtx{s: s, login: login, cost: max(s.graphQLCost(q), 1)}
	resp, invalid := ex.Execute(r.Context(), q, g.query(), g.mutation())
	// A document GitHub's published schema takes, refused only because this
	// server's version lacks part of it, is no deviation of the client's: it is
	// how a client learns an older server's version (versions.go).
	if invalid && ex != s.exec && len(s.exec.Validate(q)) == 0 {
		invalid = false
	}
	if invalid {
		msgs := make([]string, 0, len(resp.Errors))
		for _, e := range resp.Errors {
			msgs = append(msgs, e.Message)
		}
		s.recordFailure(r, "POST /graphql", true, strings.Join(msgs, "; "))
	}
	for _, e := range resp.Errors {
		if strings.HasPrefix(e.Message, "emulator:") {
			s.recordFailure(r, "POST /graphql", false, e.Message)
		}
	}
	writeJSON(w, 200, resp)
}

// gqlCtx resolves one GraphQL request for one viewer.
type gqlCtx struct {
	s     *Server
	login string
	cost  int // the request's points
}

type args = map[string]any

func argStr(a args, k string) string { v, _ := a[k].(string); return v }
func argInt(a args, k string, def int) int {
	if v, ok := a[k].(int); ok {
		return v
	}
	return def
}

func notFoundErr(what string) error {
	return &gql.Error{Type: "NOT_FOUND", Message: what}
}

func (g *gqlCtx) query() gql.Object {
	return gql.Fields{Type: "Query", F: map[string]any{
		"viewer": func() any { return g.user(g.login) },
		"user": func(a args) (any, error) {
			if _, ok := g.s.st.users[strings.ToLower(argStr(a, "login"))]; !ok {
				return nil, notFoundErr("Could not resolve to a User with the login of '" + argStr(a, "login") + "'.")
			}
			return g.user(argStr(a, "login")), nil
		},
		"repository": func(a args) (any, error) {
			r := g.s.st.repo(argStr(a, "owner"), argStr(a, "name"))
			if r == nil {
				return nil, notFoundErr(fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", argStr(a, "owner"), argStr(a, "name")))
			}
			return g.repo(r), nil
		},
		"organization": g.organizationQuery,
		"search":       g.searchConnection,
		"node":         func(a args) (any, error) { return g.node(argStr(a, "id")) },
		"nodes": func(a args) (any, error) {
			var out []any
			for _, id := range a["ids"].([]any) {
				n, _ := g.node(fmt.Sprint(id))
				out = append(out, n)
			}
			return out, nil
		},
		"rateLimit": func() any {
			// The graphql bucket before this query is charged (it is charged as the
			// answer is written), and what this query costs.
			b := g.s.graphql.snapshot(g.s.st.now())
			return gql.Fields{Type: "RateLimit", F: map[string]any{"limit": b["limit"], "remaining": b["remaining"],
				"used": b["used"], "cost": g.cost, "resetAt": time.Unix(b["reset"].(int64), 0).UTC(), "nodeCount": 0}}
		},
	}}
}

// node resolves a global ID the emulator handed out.
func (g *gqlCtx) node(id string) (any, error) {
	for _, r := range g.s.st.repos {
		if nodeID("R", r.ID) == id {
			return g.repo(r), nil
		}
		for _, is := range r.issues {
			if nodeID("PR", is.ID) == id && is.pr != nil {
				return g.pull(r, is), nil
			}
			if nodeID("I", is.ID) == id && is.pr == nil {
				return g.issue(r, is), nil
			}
		}
		for _, l := range r.labels {
			if nodeID("LA", l.ID) == id {
				return g.label(r, l), nil
			}
		}
	}
	for _, u := range g.s.st.users {
		if nodeID("U", u.ID) == id {
			return g.user(u.Login), nil
		}
	}
	return nil, notFoundErr("Could not resolve to a node with the global id of '" + id + "'")
}

func (g *gqlCtx) user(login string) gql.Object {
	u := g.s.st.ensureUser(login)
	return gql.Fields{Type: u.Type, F: map[string]any{
		"id": nodeID("U", u.ID), "databaseId": int(u.ID), "login": u.Login, "name": u.Login,
		"url": webURL + "/" + u.Login, "avatarUrl": webURL + "/avatars/" + u.Login, "resourcePath": "/" + u.Login,
		"email": "", "company": nil, "isSiteAdmin": false,
	}}
}

// connection builds a GitHub-style connection over a slice with first/last/after paging.
func connection(typeName string, items []any, a args) gql.Object {
	total := len(items)
	start := 0
	if after := argStr(a, "after"); after != "" {
		if b, err := base64.StdEncoding.DecodeString(after); err == nil {
			if n, err := strconv.Atoi(strings.TrimPrefix(string(b), "cursor:")); err == nil {
				start = n + 1
			}
		}
	}
	start = min(start, total)
	end := total
	if before := argStr(a, "before"); before != "" {
		if b, err := base64.StdEncoding.DecodeString(before); err == nil {
			if n, err := strconv.Atoi(strings.TrimPrefix(string(b), "cursor:")); err == nil {
				end = max(min(n, total), start)
			}
		}
	}
	if f := argInt(a, "first", -1); f >= 0 {
		end = min(start+f, end)
	}
	if l := argInt(a, "last", -1); l >= 0 && end-start > l {
		start = end - l
	}
	cursor := func(i int) string { return base64.StdEncoding.EncodeToString([]byte("cursor:" + strconv.Itoa(i))) }
	var nodes, edges []any
	for i := start; i < end; i++ {
		nodes = append(nodes, items[i])
		edges = append(edges, gql.Fields{Type: strings.TrimSuffix(typeName, "Connection") + "Edge",
			F: map[string]any{"node": items[i], "cursor": cursor(i)}})
	}
	var endCursor, startCursor any
	if end > start {
		endCursor, startCursor = cursor(end-1), cursor(start)
	}
	return gql.Fields{Type: typeName, F: map[string]any{
		"nodes": nodes, "edges": edges, "totalCount": total,
		"pageInfo": gql.Fields{Type: "PageInfo", F: map[string]any{"hasNextPage": end < total, "hasPreviousPage": start > 0,
			"endCursor": endCursor, "startCursor": startCursor}},
	}}
}

func (g *gqlCtx) repo(r *repo) gql.Object {
	vis := "PUBLIC"
	if r.Private {
		vis = "PRIVATE"
	}
	return gql.Fields{Type: "Repository", F: map[string]any{
		"id": nodeID("R", r.ID), "databaseId": int(r.ID), "name": r.Name, "nameWithOwner": r.fullName(),
		"owner": func() any {
			u := g.s.st.ensureUser(r.Owner)
			return gql.Fields{Type: u.Type, F: map[string]any{"id": nodeID("U", u.ID), "login": u.Login, "url": webURL + "/" + u.Login}}
		},
		"url": webURL + "/" + r.fullName(), "sshUrl": "git@" + Host + ":" + r.fullName() + ".git",
		"description": nullIfEmpty(r.Description), "isPrivate": r.Private, "visibility": vis, "isFork": r.Parent != nil,
		"isArchived": false, "isDisabled": false, "isEmpty": r.git.branchSHA(r.DefaultBranch) == "", "isTemplate": false,
		"isInOrganization": g.s.st.org(r.Owner) != nil, "hasIssuesEnabled": !r.IssuesDisabled, "hasWikiEnabled": true,
		// Schema: parent "The repository parent, if this is a fork".
		"parent": func() any {
			if r.Parent == nil {
				return nil
			}
			return g.repo(r.Parent)
		},
		"hasProjectsEnabled": true, "hasDiscussionsEnabled": false,
		"autoMergeAllowed": r.AllowAutoMerge, "mergeCommitAllowed": r.AllowMergeCommit,
		"squashMergeAllowed": r.AllowSquashMerge, "rebaseMergeAllowed": r.AllowRebaseMerge,
		"deleteBranchOnMerge": r.DeleteBranchOnMerge, "viewerPermission": "ADMIN", "viewerCanAdminister": true,
		"createdAt": r.CreatedAt, "pushedAt": r.PushedAt, "updatedAt": r.PushedAt,
		"defaultBranchRef": func() any { return g.ref(r, "refs/heads/"+r.DefaultBranch) },
		"ref": func(a args) any {
			name := argStr(a, "qualifiedName")
			if !strings.HasPrefix(name, "refs/") {
				name = "refs/heads/" + name
			}
			return g.ref(r, name)
		},
		"object":   func(a args) any { return g.gitObject(r, a) },
		"rulesets": func(a args) any { return g.gqlRulesets(r, a) },
		// branchProtectionRules: the classic protections (protection.go).
		"branchProtectionRules": func(a args) any { return g.gqlBranchProtectionRules(r, a) },
		// mergeQueue(branch): the branch's queue, nil without one; without a
		// branch, the default branch's (an assumption: the argument is optional).
		"mergeQueue": func(a args) any {
			branch := argStr(a, "branch")
			if branch == "" {
				branch = r.DefaultBranch
			}
			return g.mergeQueue(r, branch)
		},
		// Schema: refs(refPrefix: String!, query, orderBy, first…) "Fetch a list of
		// refs from the repository"; each Ref's name is given without the prefix
		// asked for and its prefix is that prefix (docs.github.com/graphql/reference/objects#ref).
		"refs": func(a args) any { return g.refs(r, a) },
		"pullRequest": func(a args) (any, error) {
			is := r.issue(argInt(a, "number", 0))
			if is == nil || is.pr == nil {
				return nil, notFoundErr(fmt.Sprintf("Could not resolve to a PullRequest with the number of %d.", argInt(a, "number", 0)))
			}
			return g.pull(r, is), nil
		},
		"issue": func(a args) (any, error) {
			is := r.issue(argInt(a, "number", 0))
			if is == nil || is.pr != nil {
				return nil, notFoundErr(fmt.Sprintf("Could not resolve to an Issue with the number of %d.", argInt(a, "number", 0)))
			}
			return g.issue(r, is), nil
		},
		"issueOrPullRequest": func(a args) (any, error) {
			is := r.issue(argInt(a, "number", 0))
			if is == nil {
				return nil, notFoundErr(fmt.Sprintf("Could not resolve to an issue or pull request with the number of %d.", argInt(a, "number", 0)))
			}
			if is.pr != nil {
				return g.pull(r, is), nil
			}
			return g.issue(r, is), nil
		},
		"pullRequests": func(a args) any { return g.pullConnection(r, a) },
		// Schema: issues(states, labels, filterBy: IssueFilters, orderBy: IssueOrder);
		// IssueFilters.since "List issues that have been updated at or after the
		// given date". Without orderBy, oldest first, as the other connections.
		"issues": func(a args) any {
			filter, _ := a["filterBy"].(map[string]any)
			states, labels := enumSet(a["states"]), listArg(a["labels"])
			if filter != nil && filter["states"] != nil {
				states = enumSet(filter["states"])
			}
			if filter != nil && filter["labels"] != nil {
				labels = listArg(filter["labels"])
			}
			var since time.Time
			if filter != nil {
				if v, ok := filter["since"].(string); ok {
					since, _ = time.Parse(time.RFC3339, v)
				}
			}
			var list []*issue
			for _, is := range r.issues {
				if is.pr != nil || (states != nil && !states[strings.ToUpper(is.State)]) || !hasAllLabels(is, labels) ||
					is.UpdatedAt.Before(since) {
					continue
				}
				list = append(list, is)
			}
			if ob, ok := a["orderBy"].(map[string]any); ok {
				if ob["field"] == "UPDATED_AT" {
					slices.SortStableFunc(list, func(x, y *issue) int { return x.UpdatedAt.Compare(y.UpdatedAt) })
				}
				if ob["direction"] == "DESC" {
					slices.Reverse(list)
				}
			}
			items := make([]any, len(list))
			for i, is := range list {
				items[i] = g.issue(r, is)
			}
			return connection("IssueConnection", items, a)
		},
		"label": func(a args) any {
			// Exact name only: GitHub's schema says "Returns a single label by
			// name" and promises nothing about case, so a client must not rely on
			// this lookup ignoring it (labels(query:) finds any case).
			for _, l := range r.labels {
				if l.Name == argStr(a, "name") {
					return g.label(r, l)
				}
			}
			return nil
		},
		"latestRelease": func() any {
			if rel := r.latest(); rel != nil {
				return g.release(r, rel)
			}
			return nil
		},
		"labels": func(a args) any {
			var items []any
			for _, l := range r.labels {
				if qs := argStr(a, "query"); qs == "" || strings.Contains(strings.ToLower(l.Name), strings.ToLower(qs)) {
					items = append(items, g.label(r, l))
				}
			}
			return connection("LabelConnection", items, a)
		},
		"assignableUsers": func(a args) any {
			var items []any
			for _, u := range g.s.st.users {
				items = append(items, g.user(u.Login))
			}
			return connection("UserConnection", items, a)
		},
	}}
}

func enumSet(v any) map[string]bool {
	l, ok := v.([]any)
	if !ok {
		return nil
	}
	set := map[string]bool{}
	for _, x := range l {
		set[fmt.Sprint(x)] = true
	}
	return set
}

func listArg(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

func (g *gqlCtx) pullConnection(r *repo, a args) gql.Object {
	return g.pullsWhere(r, a, func(*issue) bool { return true })
}

// pullsWhere is the connection of the repository's pull requests that keep
// holds for, filtered by the usual arguments (states, headRefName, baseRefName, labels).
func (g *gqlCtx) pullsWhere(r *repo, a args, keep func(*issue) bool) gql.Object {
	states := enumSet(a["states"])
	head, base := argStr(a, "headRefName"), argStr(a, "baseRefName")
	labels := listArg(a["labels"])
	var list []*issue
	for _, is := range r.issues {
		if is.pr == nil || (states != nil && !states[pullState(is)]) || !keep(is) {
			continue
		}
		if (head != "" && is.pr.Head != head) || (base != "" && is.pr.Base != base) || !hasAllLabels(is, labels) {
			continue
		}
		list = append(list, is)
	}
	// Default order is by creation ascending; orderBy {field, direction:DESC} reverses.
	if ob, ok := a["orderBy"].(map[string]any); ok && ob["direction"] == "DESC" {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	items := make([]any, len(list))
	for i, is := range list {
		items[i] = g.pull(r, is)
	}
	return connection("PullRequestConnection", items, a)
}

func pullState(is *issue) string {
	switch {
	case is.pr.Merged:
		return "MERGED"
	case is.State == "closed":
		return "CLOSED"
	}
	return "OPEN"
}

func (g *gqlCtx) ref(r *repo, full string) any {
	sha := ""
	if refs, err := r.git.refs(full); err == nil {
		for _, ref := range refs {
			if ref.Name == full {
				sha = ref.SHA
			}
		}
	}
	if sha == "" {
		return nil
	}
	prefix := "refs/heads/"
	if strings.HasPrefix(full, "refs/tags/") {
		prefix = "refs/tags/"
	}
	return g.refObject(r, full, prefix, sha)
}

func (g *gqlCtx) refObject(r *repo, full, prefix, sha string) gql.Object {
	return gql.Fields{Type: "Ref", F: map[string]any{
		"id": "REF_" + base64.RawURLEncoding.EncodeToString([]byte(r.fullName()+":"+full)), "name": strings.TrimPrefix(full, prefix),
		"prefix": prefix, "target": func() any { return g.commit(r, sha) },
		"repository": func() any { return g.repo(r) },
		// Schema: associatedPullRequests "A list of pull requests with this ref as
		// the head ref": pull requests from this repository's branch, not from forks.
		"associatedPullRequests": func(a args) any {
			if !strings.HasPrefix(full, "refs/heads/") {
				return connection("PullRequestConnection", nil, a)
			}
			return g.pullsWhere(r, a, func(is *issue) bool {
				return is.pr.HeadRepo == nil && is.pr.Head == strings.TrimPrefix(full, "refs/heads/")
			})
		},
		"rules": func(a args) any {
			if prefix != "refs/heads/" {
				return connection("RepositoryRuleConnection", nil, a) // tag rulesets: not yet
			}
			return g.gqlRefRules(r, strings.TrimPrefix(full, prefix), a)
		},
	}}
}

// refs lists the refs under refPrefix in alphabetical order (RefOrderField
// ALPHABETICAL, the order GitHub lists them in without orderBy), those whose
// name contains query when one is given.
func (g *gqlCtx) refs(r *repo, a args) any {
	prefix, query := argStr(a, "refPrefix"), argStr(a, "query")
	list, err := r.git.refs(prefix)
	if err != nil {
		list = nil
	}
	var items []any
	for _, ref := range list {
		name := strings.TrimPrefix(ref.Name, prefix)
		if !strings.HasPrefix(ref.Name, prefix) || name == "" || (query != "" && !strings.Contains(name, query)) {
			continue
		}
		items = append(items, g.refObject(r, ref.Name, prefix, ref.SHA))
	}
	if ob, ok := a["orderBy"].(map[string]any); ok && ob["direction"] == "DESC" {
		slices.Reverse(items)
	}
	return connection("RefConnection", items, a)
}

// commit is a Commit whose details are read from git only when a field needs
// them: connections list many commits of which a query often reads one.
func (g *gqlCtx) commit(r *repo, sha string) gql.Object {
	var c *commitInfo
	info := func() commitInfo {
		if c == nil {
			ci, _ := r.git.commit(sha)
			c = &ci
		}
		return *c
	}
	headline := func() string { return strings.SplitN(info().Message, "\n", 2)[0] }
	return gql.Fields{Type: "Commit", F: map[string]any{
		"id": "C_" + sha, "oid": sha, "abbreviatedOid": sha[:7],
		"message":         func() any { return info().Message },
		"messageHeadline": func() any { return headline() },
		"messageBody":     func() any { return strings.TrimSpace(strings.TrimPrefix(info().Message, headline())) },
		"committedDate":   func() any { return info().CommitterDate },
		"authoredDate":    func() any { return info().AuthorDate },
		"url":             webURL + "/" + r.fullName() + "/commit/" + sha, "commitUrl": webURL + "/" + r.fullName() + "/commit/" + sha,
		"author": func() any {
			ci := info()
			return gql.Fields{Type: "GitActor", F: map[string]any{"name": ci.AuthorName, "email": ci.AuthorEmail, "date": ci.AuthorDate,
				"user": func() any {
					if u := g.s.st.commitUser(ci.AuthorEmail); u != nil {
						return g.user(u.Login)
					}
					return nil
				}}}
		},
		"committer": func() any {
			ci := info()
			return gql.Fields{Type: "GitActor", F: map[string]any{"name": ci.CommitterName, "email": ci.CommitterEmail, "date": ci.CommitterDate}}
		},
		"statusCheckRollup": func() any { return g.rollup(r, sha) },
		"status": func() any {
			sts := r.latestStatuses(sha)
			if len(sts) == 0 {
				return nil
			}
			var ctxs []any
			for _, st := range sts {
				ctxs = append(ctxs, g.statusContext(st))
			}
			return gql.Fields{Type: "Status", F: map[string]any{"state": strings.ToUpper(combinedState(sts)), "contexts": ctxs}}
		},
		"parents": func(a args) any {
			var items []any
			for _, p := range info().Parents {
				items = append(items, g.commit(r, p))
			}
			return connection("CommitConnection", items, a)
		},
		"history": func(a args) any {
			cs, _ := r.git.log(sha, "", 1000)
			items := make([]any, len(cs))
			for i, ci := range cs {
				items[i] = g.commit(r, ci.SHA)
			}
			return connection("CommitHistoryConnection", items, a)
		},
		"checkSuites": func(a args) any { return g.checkSuites(r, sha, a) },
	}}
}

// checkSuites are the commit's check suites; each workflow run has one (see
// runCheck and checkSuiteJSON).
func (g *gqlCtx) checkSuites(r *repo, sha string, a args) gql.Object {
	var items []any
	for _, run := range r.runsOn(sha) {
		items = append(items, g.checkSuite(r, run))
	}
	return connection("CheckSuiteConnection", items, a)
}

// checkSuite is a workflow run's check suite, of the GitHub Actions app.
func (g *gqlCtx) checkSuite(r *repo, run *workflowRun) gql.Object {
	var concl any
	if run.Conclusion != "" {
		concl = strings.ToUpper(run.Conclusion)
	}
	return gql.Fields{Type: "CheckSuite", F: map[string]any{
		"id": nodeID("CS", run.ID), "databaseId": int(run.ID), "status": strings.ToUpper(run.Status), "conclusion": concl,
		"createdAt": run.CreatedAt, "updatedAt": run.UpdatedAt, "branch": func() any { return g.ref(r, "refs/heads/"+run.HeadBranch) },
		"url": webURL + "/" + r.fullName() + "/commit/" + run.HeadSHA + "/checks?check_suite_id=" + strconv.FormatInt(run.ID, 10),
		"app": gql.Fields{Type: "App", F: map[string]any{"id": "MDM6QXBwMTUzNjg=", "databaseId": actionsAppID, "slug": actionsAppSlug,
			"name": actionsAppName, "url": webURL + "/apps/" + actionsAppSlug}},
		"checkRuns": func(a args) any {
			return connection("CheckRunConnection", []any{g.checkRun(r, runCheck(r, run))}, a)
		},
		"workflowRun": gql.Fields{Type: "WorkflowRun", F: map[string]any{
			"id": nodeID("WFR", run.ID), "databaseId": int(run.ID), "runNumber": run.Number, "event": run.Event,
			"createdAt": run.CreatedAt, "updatedAt": run.UpdatedAt,
			"url":      webURL + "/" + r.fullName() + "/actions/runs/" + strconv.FormatInt(run.ID, 10),
			"workflow": gql.Fields{Type: "Workflow", F: map[string]any{"id": nodeID("W", run.WorkflowID), "databaseId": int(run.WorkflowID), "name": run.Name}},
			// WorkflowRun.file: the workflow file the run ran, by path
			// (https://docs.github.com/en/graphql/reference/objects#workflowrunfile).
			"file": func() any {
				p := r.workflowPath(run.WorkflowID)
				if p == "" {
					return nil
				}
				return gql.Fields{Type: "WorkflowRunFile", F: map[string]any{"id": nodeID("WFRF", run.ID), "path": p,
					"url": webURL + "/" + r.fullName() + "/blob/" + run.HeadSHA + "/" + p, "resourcePath": "/" + r.fullName() + "/blob/" + run.HeadSHA + "/" + p}}
			},
			"pendingDeploymentRequests": func(a args) any { return g.pendingDeploymentRequests(r, run, a) },
		}},
	}}
}

func (g *gqlCtx) statusContext(st *commitStatus) gql.Object {
	return gql.Fields{Type: "StatusContext", F: map[string]any{
		"id": nodeID("SC", st.ID), "context": st.Context, "state": strings.ToUpper(st.State), "description": nullIfEmpty(st.Description),
		"targetUrl": nullIfEmpty(st.TargetURL), "createdAt": st.CreatedAt, "isRequired": false,
	}}
}

func (g *gqlCtx) checkRun(r *repo, c *checkRun) gql.Object {
	var concl any
	if c.Conclusion != "" {
		concl = strings.ToUpper(c.Conclusion)
	}
	return gql.Fields{Type: "CheckRun", F: map[string]any{
		"id": nodeID("CR", c.ID), "databaseId": int(c.ID), "name": c.Name, "status": strings.ToUpper(c.Status),
		"conclusion": concl, "startedAt": c.StartedAt, "completedAt": c.CompletedAt, "detailsUrl": nullIfEmpty(c.DetailsURL),
		"url": webURL + "/" + r.fullName() + "/runs/" + strconv.FormatInt(c.ID, 10), "isRequired": false,
		"checkSuite": func() any {
			if c.run == nil {
				return g.apiCheckSuite(r, c)
			}
			return g.checkSuite(r, c.run)
		},
	}}
}

func (g *gqlCtx) rollup(r *repo, sha string) any {
	state := r.rollupState(sha)
	if state == "" {
		return nil
	}
	return gql.Fields{Type: "StatusCheckRollup", F: map[string]any{
		"id": "SCR_" + sha, "state": state,
		"contexts": func(a args) any {
			var items []any
			for _, c := range r.checkRunsFor(sha) {
				items = append(items, g.checkRun(r, c))
			}
			for _, st := range r.latestStatuses(sha) {
				items = append(items, g.statusContext(st))
			}
			return connection("StatusCheckRollupContextConnection", items, a)
		},
	}}
}

func (g *gqlCtx) label(r *repo, l *label) gql.Object {
	return gql.Fields{Type: "Label", F: map[string]any{
		"id": nodeID("LA", l.ID), "name": l.Name, "color": l.Color, "description": nullIfEmpty(l.Description),
		"isDefault": l.Default, "url": webURL + "/" + r.fullName() + "/labels/" + l.Name,
	}}
}

func (g *gqlCtx) labelConn(r *repo, is *issue, a args) gql.Object {
	var items []any
	for _, n := range is.Labels {
		if l := r.label(n); l != nil {
			items = append(items, g.label(r, l))
		}
	}
	return connection("LabelConnection", items, a)
}

func (g *gqlCtx) comments(r *repo, is *issue, a args) gql.Object {
	var items []any
	for _, c := range r.comments {
		if c.Issue == is.Number {
			cm := c
			items = append(items, gql.Fields{Type: "IssueComment", F: map[string]any{
				"id": nodeID("IC", cm.ID), "databaseId": int(cm.ID), "body": cm.Body, "createdAt": cm.CreatedAt,
				"author": g.user(cm.User), "url": fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", webURL, r.fullName(), is.Number, cm.ID),
				"authorAssociation": "OWNER", "includesCreatedEdit": false, "isMinimized": false, "minimizedReason": nil,
				"reactionGroups": []any{},
				// Schema: IssueComment.viewerDidAuthor "Did the viewer author this comment."
				"viewerDidAuthor": strings.EqualFold(cm.User, g.login),
			}})
		}
	}
	return connection("IssueCommentConnection", items, a)
}

func (g *gqlCtx) issue(r *repo, is *issue) gql.Object {
	return gql.Fields{Type: "Issue", F: map[string]any{
		"id": nodeID("I", is.ID), "databaseId": int(is.ID), "number": is.Number, "title": is.Title, "body": is.Body,
		"state": strings.ToUpper(is.State), "closed": is.State == "closed", "closedAt": is.ClosedAt,
		"createdAt": is.CreatedAt, "updatedAt": is.UpdatedAt, "url": webURL + "/" + r.fullName() + "/issues/" + strconv.Itoa(is.Number),
		"author":     func() any { return g.user(is.User) },
		"labels":     func(a args) any { return g.labelConn(r, is, a) },
		"comments":   func(a args) any { return g.comments(r, is, a) },
		"repository": func() any { return g.repo(r) },
		"assignees":  func(a args) any { return connection("UserConnection", nil, a) },
	}}
}

func (g *gqlCtx) pull(r *repo, is *issue) gql.Object {
	p := is.pr
	head := r.headSHA(p)
	hr := r.headRepo(p)
	num := strconv.Itoa(is.Number)
	return gql.Fields{Type: "PullRequest", F: map[string]any{
		"id": nodeID("PR", is.ID), "databaseId": int(is.ID), "number": is.Number, "title": is.Title, "body": is.Body,
		"state": pullState(is), "closed": is.State == "closed", "merged": p.Merged, "mergedAt": p.MergedAt,
		"closedAt": is.ClosedAt, "createdAt": is.CreatedAt, "updatedAt": is.UpdatedAt, "isDraft": p.Draft,
		"url":         webURL + "/" + r.fullName() + "/pull/" + num,
		"permalink":   webURL + "/" + r.fullName() + "/pull/" + num,
		"headRefName": p.Head, "headRefOid": head, "baseRefName": p.Base,
		"baseRefOid": func() any { return r.git.branchSHA(p.Base) },
		// Schema: isCrossRepository "The head and base repositories are different";
		// headRepository "The repository associated with this pull request's head Ref".
		"isCrossRepository": hr != r, "maintainerCanModify": false, "locked": false,
		// isMergeQueueEnabled: the base has a merge queue (a merge_queue rule);
		// isInMergeQueue, mergeQueueEntry and mergeQueue follow the queue
		// (mergequeue.go, mergequeue_graphql.go).
		"isInMergeQueue":      func() any { e, _ := r.queueEntry(is); return e != nil },
		"isMergeQueueEnabled": func() any { return r.queueRule(p.Base) != nil },
		"mergeQueueEntry":     func() any { return g.pullQueueEntry(r, is) },
		"mergeQueue":          func() any { return g.mergeQueue(r, p.Base) },
		"headRepository":      func() any { return g.repo(hr) },
		"headRepositoryOwner": func() any { return g.user(hr.Owner) },
		"baseRepository":      func() any { return g.repo(r) },
		"repository":          func() any { return g.repo(r) },
		"headRef": func() any {
			if p.Merged && hr.git.branchSHA(p.Head) == "" {
				return nil
			}
			return g.ref(hr, "refs/heads/"+p.Head)
		},
		"baseRef":     func() any { return g.ref(r, "refs/heads/"+p.Base) },
		"author":      func() any { return g.user(is.User) },
		"mergedBy":    func() any { return userOrNil(g, p.MergedBy) },
		"mergeCommit": func() any { return commitOrNil(g, r, p.MergeCommitSHA) },
		"mergeable": func() any {
			if is.State != "open" {
				return "UNKNOWN"
			}
			switch _, ok, known := g.s.st.shownMergeState(r, p); {
			case !known:
				return "UNKNOWN"
			case ok:
				return "MERGEABLE"
			}
			return "CONFLICTING"
		},
		"mergeStateStatus": func() any {
			if is.State != "open" {
				return "UNKNOWN"
			}
			st, _, _ := g.s.st.shownMergeState(r, p)
			return st
		},
		"reviewDecision": func() any {
			if d := r.reviewDecision(p); d != "" {
				return d
			}
			return nil
		},
		"autoMergeRequest": func() any {
			if p.AutoMerge == nil {
				return nil
			}
			return gql.Fields{Type: "AutoMergeRequest", F: map[string]any{"enabledAt": p.AutoMerge.EnabledAt,
				"mergeMethod": strings.ToUpper(p.AutoMerge.Method), "enabledBy": g.user(p.AutoMerge.EnabledBy),
				"commitHeadline": nil, "commitBody": nil, "authorEmail": nil}}
		},
		"viewerCanEnableAutoMerge":  r.AllowAutoMerge,
		"viewerCanDisableAutoMerge": p.AutoMerge != nil,
		// Schema: viewerCanMergeAsAdmin "Indicates whether the viewer can
		// bypass branch protections and merge the pull request immediately":
		// the viewer steps around every requirement still unmet (bypassesLayer),
		// and is an administrator or a bypass actor of some layer.
		"viewerCanMergeAsAdmin": func() any { return r.canMergeAsAdmin(p, g.login) },
		"labels":                func(a args) any { return g.labelConn(r, is, a) },
		"comments":              func(a args) any { return g.comments(r, is, a) },
		"assignees":             func(a args) any { return connection("UserConnection", nil, a) },
		"milestone":             nil,
		"projectCards":          func(a args) any { return connection("ProjectCardConnection", nil, a) },
		"projectItems":          func(a args) any { return connection("ProjectV2ItemConnection", nil, a) },
		"reactionGroups":        []any{},
		"commits": func(a args) any {
			exclude := r.git.branchSHA(p.Base)
			if p.Merged {
				exclude = r.git.mergeBase(p.MergeCommitSHA+"^1", head)
			}
			cs, _ := r.git.log(head, exclude, 250)
			items := make([]any, 0, len(cs))
			for i := len(cs) - 1; i >= 0; i-- {
				sha := cs[i].SHA
				items = append(items, gql.Fields{Type: "PullRequestCommit", F: map[string]any{
					"id": "PRC_" + sha, "commit": g.commit(r, sha), "url": webURL + "/" + r.fullName() + "/pull/" + num + "/commits/" + sha}})
			}
			return connection("PullRequestCommitConnection", items, a)
		},
		"files": func(a args) any {
			files, _ := r.git.diffFiles(r.git.mergeBase(r.git.branchSHA(p.Base), head), head)
			var items []any
			for _, f := range files {
				items = append(items, gql.Fields{Type: "PullRequestChangedFile", F: map[string]any{"path": f.Filename,
					"additions": f.Additions, "deletions": f.Deletions, "changeType": strings.ToUpper(f.Status)}})
			}
			return connection("PullRequestChangedFileConnection", items, a)
		},
		"additions":    func() any { a, _, _ := g.diffStat(r, p, head); return a },
		"deletions":    func() any { _, d, _ := g.diffStat(r, p, head); return d },
		"changedFiles": func() any { _, _, n := g.diffStat(r, p, head); return n },
		"reviewRequests": func(a args) any {
			var items []any
			for _, u := range p.RequestedReviewers {
				items = append(items, gql.Fields{Type: "ReviewRequest", F: map[string]any{"requestedReviewer": g.user(u), "asCodeOwner": false}})
			}
			for _, t := range p.RequestedTeams {
				items = append(items, gql.Fields{Type: "ReviewRequest", F: map[string]any{"asCodeOwner": false,
					"requestedReviewer": g.teamBySlug(r.Owner, t)}})
			}
			return connection("ReviewRequestConnection", items, a)
		},
		"timelineItems": func(a args) any { return g.timelineItems(r, is, a) },
		"reviews":       func(a args) any { return g.reviews(r, is, p.Reviews, a) },
		"latestReviews": func(a args) any { return g.reviews(r, is, latestPerUser(p.Reviews), a) },
		"latestOpinionatedReviews": func(a args) any {
			var op []*review
			for _, rv := range latestPerUser(p.Reviews) {
				if rv.State == "APPROVED" || rv.State == "CHANGES_REQUESTED" {
					op = append(op, rv)
				}
			}
			return g.reviews(r, is, op, a)
		},
	}}
}

func (g *gqlCtx) diffStat(r *repo, p *pull, head string) (adds, dels, files int) {
	fs, _ := r.git.diffFiles(r.git.mergeBase(r.git.branchSHA(p.Base), head), head)
	for _, f := range fs {
		adds += f.Additions
		dels += f.Deletions
	}
	return adds, dels, len(fs)
}

func latestPerUser(rvs []*review) []*review {
	idx := map[string]int{}
	var out []*review
	for _, rv := range rvs {
		if i, ok := idx[rv.User]; ok {
			out[i] = rv
			continue
		}
		idx[rv.User] = len(out)
		out = append(out, rv)
	}
	return out
}

func (g *gqlCtx) reviews(r *repo, is *issue, rvs []*review, a args) gql.Object {
	var items []any
	for _, rv := range rvs {
		items = append(items, g.review(r, is, rv))
	}
	return connection("PullRequestReviewConnection", items, a)
}

func (g *gqlCtx) review(r *repo, is *issue, rv *review) gql.Object {
	var submitted any = rv.SubmittedAt
	if rv.State == "PENDING" {
		submitted = nil
	}
	return gql.Fields{Type: "PullRequestReview", F: map[string]any{
		"id": nodeID("PRR", rv.ID), "databaseId": int(rv.ID), "author": g.user(rv.User), "state": rv.State, "body": rv.Body,
		"submittedAt": submitted, "createdAt": rv.SubmittedAt, "authorAssociation": "COLLABORATOR",
		"includesCreatedEdit": false, "reactionGroups": []any{},
		"url":             fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", webURL, r.fullName(), is.Number, rv.ID),
		"commit":          func() any { return commitOrNil(g, r, rv.CommitID) },
		"pullRequest":     func() any { return g.pull(r, is) },
		"viewerDidAuthor": strings.EqualFold(rv.User, g.login),
	}}
}

func userOrNil(g *gqlCtx, login string) any {
	if login == "" {
		return nil
	}
	return g.user(login)
}

func commitOrNil(g *gqlCtx, r *repo, sha string) any {
	if sha == "" {
		return nil
	}
	return g.commit(r, sha)
}

// pullByID finds a pull request by its global ID.
func (g *gqlCtx) pullByID(id string) (*repo, *issue, error) {
	for _, r := range g.s.st.repos {
		for _, is := range r.issues {
			if is.pr != nil && nodeID("PR", is.ID) == id {
				return r, is, nil
			}
		}
	}
	return nil, nil, notFoundErr("Could not resolve to a node with the global id of '" + id + "'")
}

// committableBranch resolves a CommittableBranch: the repository by
// repositoryNameWithOwner and the branch by branchName, or both by a Ref's id.
func (g *gqlCtx) committableBranch(b map[string]any) (*repo, string, error) {
	if id := argStr(b, "id"); id != "" {
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(id, "REF_"))
		full, ref, ok := strings.Cut(string(raw), ":")
		owner, name, _ := strings.Cut(full, "/")
		if r := g.s.st.repo(owner, name); err == nil && ok && r != nil && strings.HasPrefix(ref, "refs/heads/") {
			return r, strings.TrimPrefix(ref, "refs/heads/"), nil
		}
		return nil, "", notFoundErr(fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id))
	}
	owner, name, _ := strings.Cut(argStr(b, "repositoryNameWithOwner"), "/")
	r := g.s.st.repo(owner, name)
	if r == nil {
		return nil, "", notFoundErr(fmt.Sprintf("Could not resolve to a Repository with the name '%s'.", argStr(b, "repositoryNameWithOwner")))
	}
	return r, argStr(b, "branchName"), nil
}

func (g *gqlCtx) repoByID(id string) (*repo, error) {
	for _, r := range g.s.st.repos {
		if nodeID("R", r.ID) == id {
			return r, nil
		}
	}
	return nil, notFoundErr("Could not resolve to a node with the global id of '" + id + "'")
}

// restErr turns a REST-style error into the GraphQL error GitHub gives for a mutation.
func restErr(err error) error {
	if ae, ok := err.(*apiError); ok {
		msg := ae.Message
		for _, e := range ae.Errors {
			if m, ok := e["message"].(string); ok && m != "" {
				msg = m
			}
		}
		return &gql.Error{Type: "UNPROCESSABLE", Message: msg}
	}
	return err
}

func (g *gqlCtx) mutation() gql.Object {
	payload := func(typ string, f map[string]any) gql.Object {
		f["clientMutationId"] = nil
		return gql.Fields{Type: typ, F: f}
	}
	input := func(a args) map[string]any { in, _ := a["input"].(map[string]any); return in }
	return gql.Fields{Type: "Mutation", F: map[string]any{
		// Schema: createCommitOnBranch "Appends a commit to the given branch as
		// the authenticated user"; expectedHeadOid "The git commit oid expected
		// at the head of the branch prior to the commit". A head that moved is
		// refused (gliptak.github.io, "Github Add/Update/Delete File(s) on Branch
		// with GraphQL": "expectedHeadOid must match with last commit on branch
		// referenced and operation will fails on mismatch"), as are the rules a
		// direct change breaks (Repository.needsPullRequest).
		"createCommitOnBranch": func(a args) (any, error) {
			in := input(a)
			br, _ := in["branch"].(map[string]any)
			r, branch, err := g.committableBranch(br)
			if err != nil {
				return nil, err
			}
			head := r.git.branchSHA(branch)
			if head == "" {
				return nil, &gql.Error{Type: "NOT_FOUND", Message: fmt.Sprintf("A ref named \"refs/heads/%s\" does not exist.", branch)}
			}
			if expected := argStr(in, "expectedHeadOid"); expected != head {
				return nil, &gql.Error{Type: "STALE_DATA", Message: fmt.Sprintf("Expected branch to point to \"%s\" but it did not. Pull and try again.", expected)}
			}
			if msg := r.needsPullRequest(branch); msg != "" {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: msg}
			}
			changes, _ := in["fileChanges"].(map[string]any)
			add := map[string][]byte{}
			additions, _ := changes["additions"].([]any)
			for _, x := range additions {
				f, _ := x.(map[string]any)
				content, err := base64.StdEncoding.DecodeString(argStr(f, "contents"))
				if err != nil {
					return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "contents of " + argStr(f, "path") + " is not valid Base64"}
				}
				add[strings.Trim(argStr(f, "path"), "/")] = content
			}
			var del []string
			deletions, _ := changes["deletions"].([]any)
			for _, x := range deletions {
				f, _ := x.(map[string]any)
				del = append(del, strings.Trim(argStr(f, "path"), "/"))
			}
			msg, _ := in["message"].(map[string]any)
			message := argStr(msg, "headline")
			if body := argStr(msg, "body"); body != "" {
				message += "\n\n" + body
			}
			sha, _, err := r.git.commitFiles(gitEnv(g.login, g.s.st.now()), head, add, del, message)
			if err != nil {
				return nil, err
			}
			if err := r.git.updateRef("refs/heads/"+branch, sha, head); err != nil {
				return nil, &gql.Error{Type: "STALE_DATA", Message: fmt.Sprintf("Expected branch to point to \"%s\" but it did not. Pull and try again.", head)}
			}
			g.s.afterPush(r, g.login)
			return payload("CreateCommitOnBranchPayload", map[string]any{
				"commit": g.commit(r, sha), "ref": g.ref(r, "refs/heads/"+branch)}), nil
		},
		"createPullRequest": func(a args) (any, error) {
			in := input(a)
			r, err := g.repoByID(argStr(in, "repositoryId"))
			if err != nil {
				return nil, err
			}
			// headRefName may be "owner:branch" for a fork, or headRepositoryId name it
			// (schema, CreatePullRequestInput).
			headRepo, head := g.s.st.resolveHead(r, argStr(in, "headRefName"), "")
			if id := argStr(in, "headRepositoryId"); id != "" {
				hr, err := g.repoByID(id)
				if err != nil {
					return nil, err
				}
				headRepo = nil
				if hr.source() == r.source() {
					headRepo = hr
				}
			}
			if headRepo == nil || headRepo.git.branchSHA(head) == "" {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Head sha can't be blank, Base sha can't be blank, No commits between " + argStr(in, "baseRefName") + " and " + head + ", Head ref must be a branch"}
			}
			if r.git.branchSHA(argStr(in, "baseRefName")) == "" {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Base ref must be a branch"}
			}
			draft, _ := in["draft"].(bool)
			is, err := g.s.openPull(r, g.login, argStr(in, "title"), argStr(in, "body"), headRepo, head, argStr(in, "baseRefName"), draft)
			if err != nil {
				return nil, restErr(err)
			}
			return payload("CreatePullRequestPayload", map[string]any{"pullRequest": g.pull(r, is)}), nil
		},
		"updatePullRequest": func(a args) (any, error) {
			in := input(a)
			r, is, err := g.pullByID(argStr(in, "pullRequestId"))
			if err != nil {
				return nil, err
			}
			if v, ok := in["title"].(string); ok {
				is.Title = v
			}
			if v, ok := in["body"].(string); ok {
				is.Body = v
			}
			if v, ok := in["baseRefName"].(string); ok && v != "" {
				is.pr.Base = v
			}
			if ids, ok := in["labelIds"].([]any); ok {
				is.Labels = nil
				g.addLabelIDs(r, is, ids)
			}
			is.UpdatedAt = g.s.st.now()
			return payload("UpdatePullRequestPayload", map[string]any{"pullRequest": g.pull(r, is), "actor": g.user(g.login)}), nil
		},
		"closePullRequest": func(a args) (any, error) {
			r, is, err := g.pullByID(argStr(input(a), "pullRequestId"))
			if err != nil {
				return nil, err
			}
			if is.State == "open" {
				g.s.closeIssue(r, is)
			}
			return payload("ClosePullRequestPayload", map[string]any{"pullRequest": g.pull(r, is)}), nil
		},
		// markPullRequestReadyForReview: a draft becomes ready for review
		// (https://docs.github.com/en/graphql/reference/mutations#markpullrequestreadyforreview).
		"markPullRequestReadyForReview": func(a args) (any, error) {
			r, is, err := g.pullByID(argStr(input(a), "pullRequestId"))
			if err != nil {
				return nil, err
			}
			if is.State == "open" && is.pr.Draft {
				is.pr.Draft = false
				is.UpdatedAt = g.s.st.now()
			}
			return payload("MarkPullRequestReadyForReviewPayload", map[string]any{"pullRequest": g.pull(r, is)}), nil
		},
		"mergePullRequest": func(a args) (any, error) {
			in := input(a)
			r, is, err := g.pullByID(argStr(in, "pullRequestId"))
			if err != nil {
				return nil, err
			}
			method := strings.ToLower(argStr(in, "mergeMethod"))
			if method == "" {
				method = "merge"
			}
			if _, err := g.s.doMerge(r, is, method, argStr(in, "commitHeadline"), argStr(in, "commitBody"), g.login, argStr(in, "expectedHeadOid")); err != nil {
				return nil, restErr(err)
			}
			return payload("MergePullRequestPayload", map[string]any{"pullRequest": g.pull(r, is), "actor": g.user(g.login)}), nil
		},
		"enablePullRequestAutoMerge": func(a args) (any, error) {
			in := input(a)
			r, is, err := g.pullByID(argStr(in, "pullRequestId"))
			if err != nil {
				return nil, err
			}
			if !r.AllowAutoMerge {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Auto merge is not allowed for this repository"}
			}
			if is.State != "open" {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Pull request is closed"}
			}
			// With a merge queue on the base, auto-merge queues the pull request
			// when its requirements pass, with the queue's method
			// (mergequeue.go; tryAutoMerge).
			if params := r.queueRule(is.pr.Base); params != nil {
				is.pr.AutoMerge = &autoMerge{Method: queueMethod(params), EnabledBy: g.login, EnabledAt: g.s.st.now()}
				g.s.tryAutoMerge(r)
				return payload("EnablePullRequestAutoMergePayload", map[string]any{"pullRequest": g.pull(r, is), "actor": g.user(g.login)}), nil
			}
			switch st, _ := r.mergeState(is.pr); st {
			case "CLEAN":
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Pull request is in clean status"}
			case "UNSTABLE":
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Pull request is in unstable status"}
			case "DIRTY":
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Pull request is in dirty status"}
			}
			method := strings.ToLower(argStr(in, "mergeMethod"))
			if method == "" {
				method = "merge"
			}
			// The base's active rules count as the repository's settings do
			// (doMerge); GitHub's words for this mutation under a ruleset are not
			// documented, so they are the settings' ones.
			if allowed, ok := methodAllowed[method]; !ok || !allowed(r) || !r.rulesAllowMethod(is.pr.Base, method) {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Merge method " + method + " is not allowed on this repository"}
			}
			is.pr.AutoMerge = &autoMerge{Method: method, EnabledBy: g.login, EnabledAt: g.s.st.now()}
			res := payload("EnablePullRequestAutoMergePayload", map[string]any{"pullRequest": g.pull(r, is), "actor": g.user(g.login)})
			return res, nil
		},
		"addPullRequestReview":    g.addPullRequestReview,
		"submitPullRequestReview": g.submitPullRequestReview,
		"enqueuePullRequest":      g.enqueuePullRequest,
		"dequeuePullRequest":      g.dequeuePullRequest,
		"disablePullRequestAutoMerge": func(a args) (any, error) {
			r, is, err := g.pullByID(argStr(input(a), "pullRequestId"))
			if err != nil {
				return nil, err
			}
			is.pr.AutoMerge = nil
			return payload("DisablePullRequestAutoMergePayload", map[string]any{"pullRequest": g.pull(r, is), "actor": g.user(g.login)}), nil
		},
		"addLabelsToLabelable": func(a args) (any, error) {
			in := input(a)
			r, is, err := g.labelable(argStr(in, "labelableId"))
			if err != nil {
				return nil, err
			}
			g.addLabelIDs(r, is, in["labelIds"].([]any))
			var labelable any = g.issue(r, is)
			if is.pr != nil {
				labelable = g.pull(r, is)
			}
			return payload("AddLabelsToLabelablePayload", map[string]any{"labelable": labelable}), nil
		},
		// updateTeamReviewAssignment sets a team's code review assignment
		// (reviewAssignment), as the team settings page does: the emulator keeps
		// enabled, teamMemberCount and removeTeamRequest and assigns round robin.
		// Only the team's maintainers and the organization's owners may.
		"updateTeamReviewAssignment": func(a args) (any, error) {
			in := input(a)
			o, t := g.s.st.teamByID(argStr(in, "id"))
			if t == nil {
				return nil, notFoundErr("Could not resolve to a node with the global id of '" + argStr(in, "id") + "'")
			}
			l := strings.ToLower(g.login)
			if o.members[l] != "admin" && t.members[l] != "maintainer" {
				return nil, &gql.Error{Type: "FORBIDDEN", Message: g.login + " does not have permission to update team review assignment settings."}
			}
			t.assign = nil
			if in["enabled"] == true {
				t.assign = &reviewAssignment{Count: argInt(in, "teamMemberCount", 1), RemoveTeamRequest: in["removeTeamRequest"] != false}
			}
			return payload("UpdateTeamReviewAssignmentPayload", map[string]any{"team": g.team(o, t)}), nil
		},
		"requestReviews": func(a args) (any, error) {
			in := input(a)
			r, is, err := g.pullByID(argStr(in, "pullRequestId"))
			if err != nil {
				return nil, err
			}
			var users []string
			for _, id := range listArg(in["userIds"]) {
				for _, u := range g.s.st.users {
					if nodeID("U", u.ID) == id {
						users = append(users, u.Login)
					}
				}
			}
			var teams []string
			if o := g.s.st.org(r.Owner); o != nil {
				for _, id := range listArg(in["teamIds"]) {
					for _, t := range o.teams {
						if nodeID("T", t.ID) == id {
							teams = append(teams, t.Slug)
						}
					}
				}
			}
			if err := g.s.addReviewers(r, is, g.login, users, teams); err != nil {
				return nil, restErr(err)
			}
			return payload("RequestReviewsPayload", map[string]any{"pullRequest": g.pull(r, is), "actor": g.user(g.login)}), nil
		},
		"addComment": func(a args) (any, error) {
			in := input(a)
			r, is, err := g.labelable(argStr(in, "subjectId"))
			if err != nil {
				return nil, err
			}
			c := g.s.addComment(r, is, g.login, argStr(in, "body"))
			edge := gql.Fields{Type: "IssueCommentEdge", F: map[string]any{"cursor": "", "node": gql.Fields{Type: "IssueComment", F: map[string]any{
				"id": nodeID("IC", c.ID), "databaseId": int(c.ID), "body": c.Body, "createdAt": c.CreatedAt,
				"url": fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", webURL, r.fullName(), is.Number, c.ID)}}}}
			var subject any = g.issue(r, is)
			if is.pr != nil {
				subject = g.pull(r, is)
			}
			return payload("AddCommentPayload", map[string]any{"commentEdge": edge, "subject": subject, "timelineEdge": nil}), nil
		},
		"createLabel": func(a args) (any, error) {
			in := input(a)
			r, err := g.repoByID(argStr(in, "repositoryId"))
			if err != nil {
				return nil, err
			}
			name := strings.TrimSpace(argStr(in, "name"))
			if name == "" || r.label(name) != nil {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Name has already been taken"}
			}
			color := strings.ToLower(strings.TrimPrefix(argStr(in, "color"), "#"))
			if !hexColor.MatchString(color) {
				return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Color is invalid"}
			}
			l := g.s.addLabel(r, name, color, argStr(in, "description"))
			return payload("CreateLabelPayload", map[string]any{"label": g.label(r, l)}), nil
		},
	}}
}

func (g *gqlCtx) labelable(id string) (*repo, *issue, error) {
	for _, r := range g.s.st.repos {
		for _, is := range r.issues {
			if nodeID("PR", is.ID) == id || nodeID("I", is.ID) == id {
				return r, is, nil
			}
		}
	}
	return nil, nil, notFoundErr("Could not resolve to a node with the global id of '" + id + "'")
}

func (g *gqlCtx) addLabelIDs(r *repo, is *issue, ids []any) {
	for _, id := range ids {
		for _, l := range r.labels {
			if nodeID("LA", l.ID) == fmt.Sprint(id) {
				is.Labels = mergeNames(is.Labels, []string{l.Name})
			}
		}
	}
	is.UpdatedAt = g.s.st.now()
}

func (g *gqlCtx) release(r *repo, rel *release) gql.Object {
	return gql.Fields{Type: "Release", F: map[string]any{
		"id": nodeID("RE", rel.ID), "databaseId": int(rel.ID), "name": nullIfEmpty(rel.Name), "tagName": rel.TagName,
		"isDraft": rel.Draft, "isPrerelease": rel.Prerelease, "isLatest": true, "createdAt": rel.CreatedAt, "publishedAt": rel.PublishedAt,
		"url":       webURL + "/" + r.fullName() + "/releases/tag/" + rel.TagName,
		"tagCommit": func() any { return commitOrNil(g, r, r.git.resolve(rel.TagName)) },
	}}
}

// apiCheckSuite is the check suite of a check run made through the Checks API
// (POST /repos/{owner}/{repo}/check-runs): GitHub puts every check run in a
// suite of the app that made it (CheckRun.checkSuite is non-null), one per app
// and commit, and such a suite has no workflow run
// (https://docs.github.com/en/rest/guides/using-the-rest-api-to-interact-with-checks).
// Only GitHub Apps may create check runs there; the emulator lets any token do
// it, so it knows no app to name, and answers app as null (a nullable field).
func (g *gqlCtx) apiCheckSuite(r *repo, c *checkRun) gql.Object {
	var concl any
	if c.Conclusion != "" {
		concl = strings.ToUpper(c.Conclusion)
	}
	return gql.Fields{Type: "CheckSuite", F: map[string]any{
		"id": nodeID("CS", c.ID), "databaseId": int(c.ID), "status": strings.ToUpper(c.Status), "conclusion": concl,
		"url":         webURL + "/" + r.fullName() + "/commit/" + c.HeadSHA + "/checks",
		"app":         nil,
		"branch":      nil,
		"workflowRun": nil,
	}}
}
