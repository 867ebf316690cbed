package emulator

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func (s *Server) pullJSON(r *repo, is *issue) map[string]any {
	p := is.pr
	base := apiURL + "/repos/" + r.fullName()
	head := r.headSHA(p)
	// A pull request from a fork has the fork as its head: the example of REST docs,
	// "Get a pull request" (https://docs.github.com/rest/pulls/pulls#get-a-pull-request)
	// shows head {"label": "octocat:new-topic", "ref": "new-topic", "user", "repo"}.
	hr := r.headRepo(p)
	baseSHA := r.git.branchSHA(p.Base)
	state := strings.ToLower(is.State)
	var mergeable any
	mergeableState := "unknown"
	if is.State == "open" {
		if st, ok, known := s.st.shownMergeState(r, p); known {
			mergeable, mergeableState = ok, strings.ToLower(st)
		}
	}
	reviewers := []map[string]any{}
	for _, l := range p.RequestedReviewers {
		reviewers = append(reviewers, s.userJSON(l))
	}
	teams := s.requestedTeamsJSON(r, p)
	var auto any
	if p.AutoMerge != nil {
		auto = map[string]any{"enabled_by": s.userJSON(p.AutoMerge.EnabledBy), "merge_method": p.AutoMerge.Method,
			"commit_title": nil, "commit_message": nil}
	}
	var mergedBy any
	if p.MergedBy != "" {
		mergedBy = s.userJSON(p.MergedBy)
	}
	files, _ := r.git.diffFiles(r.git.mergeBase(baseSHA, head), head)
	adds, dels := 0, 0
	for _, f := range files {
		adds += f.Additions
		dels += f.Deletions
	}
	commits, _ := r.git.log(head, baseSHA, 10000)
	if p.Merged {
		commits, _ = r.git.log(head, r.git.mergeBase(p.MergeCommitSHA+"^1", head), 10000)
	}
	return map[string]any{
		"id": is.ID, "node_id": nodeID("PR", is.ID), "number": is.Number, "state": state, "locked": false,
		"title": is.Title, "body": nullIfEmpty(is.Body), "user": s.userJSON(is.User), "labels": s.labelsJSON(r, is.Labels),
		"url": base + "/pulls/" + strconv.Itoa(is.Number), "html_url": webURL + "/" + r.fullName() + "/pull/" + strconv.Itoa(is.Number),
		"diff_url":  webURL + "/" + r.fullName() + "/pull/" + strconv.Itoa(is.Number) + ".diff",
		"patch_url": webURL + "/" + r.fullName() + "/pull/" + strconv.Itoa(is.Number) + ".patch",
		"issue_url": base + "/issues/" + strconv.Itoa(is.Number), "commits_url": base + "/pulls/" + strconv.Itoa(is.Number) + "/commits",
		"review_comments_url": base + "/pulls/" + strconv.Itoa(is.Number) + "/comments", "review_comment_url": base + "/pulls/comments{/number}",
		"comments_url": base + "/issues/" + strconv.Itoa(is.Number) + "/comments", "statuses_url": base + "/statuses/" + head,
		"head":  map[string]any{"ref": p.Head, "sha": head, "label": hr.Owner + ":" + p.Head, "user": s.userJSON(hr.Owner), "repo": s.repoJSON(hr)},
		"base":  map[string]any{"ref": p.Base, "sha": baseSHA, "label": r.Owner + ":" + p.Base, "user": s.userJSON(r.Owner), "repo": s.repoJSON(r)},
		"draft": p.Draft, "merged": p.Merged, "mergeable": mergeable, "mergeable_state": mergeableState, "rebaseable": mergeable,
		"merged_at": tsPtr(p.MergedAt), "closed_at": tsPtr(is.ClosedAt), "merged_by": mergedBy,
		"merge_commit_sha": nullIfEmpty(p.MergeCommitSHA), "created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt),
		"requested_reviewers": reviewers, "requested_teams": teams, "assignees": []any{}, "assignee": nil, "milestone": nil,
		"auto_merge": auto, "author_association": "OWNER", "active_lock_reason": nil,
		"comments": s.commentCount(r, is.Number), "review_comments": 0, "maintainer_can_modify": false,
		"commits": len(commits), "additions": adds, "deletions": dels, "changed_files": len(files),
		"_links": map[string]any{"self": map[string]string{"href": base + "/pulls/" + strconv.Itoa(is.Number)},
			"html": map[string]string{"href": webURL + "/" + r.fullName() + "/pull/" + strconv.Itoa(is.Number)}},
	}
}

func (s *Server) commentCount(r *repo, n int) int {
	c := 0
	for _, cm := range r.comments {
		if cm.Issue == n {
			c++
		}
	}
	return c
}

// listPulls answers GET /repos/{owner}/{repo}/pulls. REST docs, "List pull
// requests" (https://docs.github.com/rest/pulls/pulls#list-pull-requests), head:
// "Filter pulls by head user or head organization and branch name in the format of
// user:ref-name or organization:ref-name": a fork's pull requests are told apart
// from the base repository's by the owner. A plain branch name is taken as the base
// repository owner's.
func (s *Server) listPulls(q *req) (int, any, error) {
	state := q.query.Get("state")
	if state == "" {
		state = "open"
	}
	headOwner, head := q.repo.Owner, q.query.Get("head")
	if o, b, ok := strings.Cut(head, ":"); ok {
		headOwner, head = o, b
	}
	base := q.query.Get("base")
	var list []map[string]any
	for i := len(q.repo.issues) - 1; i >= 0; i-- { // newest first
		is := q.repo.issues[i]
		if is.pr == nil || (state != "all" && is.State != state) {
			continue
		}
		if head != "" && (is.pr.Head != head || !strings.EqualFold(q.repo.headRepo(is.pr).Owner, headOwner)) {
			continue
		}
		if base != "" && is.pr.Base != base {
			continue
		}
		list = append(list, s.pullJSON(q.repo, is))
	}
	if list == nil {
		list = []map[string]any{}
	}
	return 200, page(q, list), nil
}

func (s *Server) createPull(q *req) (int, any, error) {
	r := q.repo
	title := q.str("title")
	if title == "" && q.has("issue") {
		return 0, nil, validationFailed("PullRequest", "issue", "invalid", "converting issues is not supported by the emulator")
	}
	if title == "" {
		return 0, nil, validationFailed("PullRequest", "title", "missing_field", "")
	}
	headRepo, head := s.st.resolveHead(r, q.str("head"), q.str("head_repo"))
	if headRepo == nil || headRepo.git.branchSHA(head) == "" {
		return 0, nil, validationFailed("PullRequest", "head", "invalid", "")
	}
	base := q.str("base")
	if r.git.branchSHA(base) == "" {
		return 0, nil, validationFailed("PullRequest", "base", "invalid", "")
	}
	draft, _ := q.boolean("draft")
	is, err := s.openPull(r, q.login, title, q.str("body"), headRepo, head, base, draft)
	if err != nil {
		return 0, nil, err
	}
	return 201, s.pullJSON(r, is), nil
}

// openPull creates a pull request after GitHub's own checks; REST and GraphQL share
// it. headRepo is r or a fork of its network, whose commits r can read (forks.go).
func (s *Server) openPull(r *repo, login, title, body string, headRepo *repo, head, base string, draft bool) (*issue, error) {
	for _, is := range r.issues {
		if is.pr != nil && is.State == "open" && r.headRepo(is.pr) == headRepo && is.pr.Head == head && is.pr.Base == base {
			return nil, validationFailed("PullRequest", "", "custom", "A pull request already exists for "+headRepo.Owner+":"+head+".")
		}
	}
	headSHA, baseSHA := headRepo.git.branchSHA(head), r.git.branchSHA(base)
	if ahead, _ := r.git.log(headSHA, baseSHA, 1); len(ahead) == 0 {
		return nil, validationFailed("PullRequest", "", "custom", "No commits between "+base+" and "+head)
	}
	pr := &pull{Head: head, Base: base, HeadSHA: headSHA, Draft: draft, Author: login, seenHead: headSHA, lastPusher: login}
	if headRepo != r {
		pr.HeadRepo = headRepo
	}
	now := s.st.now()
	is := &issue{ID: s.st.id(), Number: len(r.issues) + 1, Title: title, Body: body, State: "open", User: login,
		CreatedAt: now, UpdatedAt: now, pr: pr}
	r.issues = append(r.issues, is)
	s.st.noteMergeInputs(r, is.pr) // GitHub starts computing mergeability now
	return is, nil
}

func (s *Server) pullFor(q *req) (*issue, error) {
	is := q.repo.issue(q.intParam("pull_number"))
	if is == nil || is.pr == nil {
		return nil, notFound()
	}
	return is, nil
}

func (s *Server) getPull(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	return 200, s.pullJSON(q.repo, is), nil
}

func (s *Server) updatePull(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	if q.has("title") {
		is.Title = q.str("title")
	}
	if q.has("body") {
		is.Body = q.str("body")
	}
	if b := q.str("base"); b != "" {
		if q.repo.git.branchSHA(b) == "" {
			return 0, nil, validationFailed("PullRequest", "base", "invalid", "Proposed base branch '"+b+"' was not found")
		}
		is.pr.Base = b
	}
	switch q.str("state") {
	case "closed":
		if is.State == "open" {
			s.closeIssue(q.repo, is)
		}
	case "open":
		if is.pr.Merged {
			return 0, nil, validationFailed("PullRequest", "state", "custom", "Cannot reopen a merged pull request")
		}
		is.State, is.ClosedAt = "open", nil
	}
	is.UpdatedAt = s.st.now()
	return 200, s.pullJSON(q.repo, is), nil
}

func (s *Server) closeIssue(r *repo, is *issue) {
	now := s.st.now()
	if is.pr != nil {
		is.pr.HeadSHA = r.headSHA(is.pr)
		is.pr.AutoMerge = nil
	}
	is.State, is.ClosedAt, is.UpdatedAt = "closed", &now, now
}

func (s *Server) checkMerged(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	if !is.pr.Merged {
		return 0, nil, notFound()
	}
	return 204, nil, nil
}

func (s *Server) mergePull(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	method := q.str("merge_method")
	if method == "" {
		method = "merge"
	}
	sha, err := s.doMerge(q.repo, is, method, q.str("commit_title"), q.str("commit_message"), q.login, q.str("sha"))
	if err != nil {
		return 0, nil, err
	}
	return 200, map[string]any{"sha": sha, "merged": true, "message": "Pull Request successfully merged"}, nil
}

var methodAllowed = map[string]func(r *repo) bool{
	"merge":  func(r *repo) bool { return r.AllowMergeCommit },
	"squash": func(r *repo) bool { return r.AllowSquashMerge },
	"rebase": func(r *repo) bool { return r.AllowRebaseMerge },
}

// doMerge merges a pull request in the bare repository after GitHub's checks.
func (s *Server) doMerge(r *repo, is *issue, method, title, message, login, expectSHA string) (string, error) {
	p := is.pr
	if is.State != "open" || p.Merged {
		return "", &apiError{Status: 405, Message: "Pull Request is not mergeable"}
	}
	// A branch with a merge queue takes pull requests only through it: GitHub
	// refuses the merge with 405 "Changes must be made through the merge
	// queue." (cncf/prow-github-actions#166; pascalgn/automerge-action#235
	// quotes the same words).
	// A bypass actor of the queue's ruleset may merge around it (gh pr merge:
	// "To bypass a merge queue and merge directly, pass the --admin flag").
	if r.queueRule(p.Base) != nil && !r.queueBypassed(p.Base, login) {
		return "", &apiError{Status: 405, Message: "Changes must be made through the merge queue."}
	}
	allowed, ok := methodAllowed[method]
	if !ok {
		return "", validationFailed("PullRequest", "merge_method", "invalid", "")
	}
	// A method the active rules on the base forbid (a ruleset's pull_request
	// rule, allowed_merge_methods) is refused in the same words as one the
	// repository's settings forbid: GitHub answered a merge commit refused by a
	// squash-only ruleset with "405 Merge commits are not allowed on this
	// repository." (apstndb/spanner-mycli#307), and through GraphQL a squash
	// refused by a merge-only ruleset with "Squash merges are not allowed on
	// this repository." (dimileeh/agent-workspace-fabric#353).
	if !allowed(r) || !r.rulesAllowMethod(p.Base, method) {
		return "", &apiError{Status: 405, Message: map[string]string{"merge": "Merge commits are not allowed on this repository.",
			"squash": "Squash merges are not allowed on this repository.", "rebase": "Rebase merges are not allowed on this repository."}[method]}
	}
	head := r.headSHA(p)
	if expectSHA != "" && expectSHA != head {
		return "", &apiError{Status: 409, Message: "Head branch was modified. Review and try the merge again."}
	}
	if p.Draft {
		return "", &apiError{Status: 405, Message: "Pull Request is still a draft"}
	}
	state, _ := r.mergeState(p)
	switch state {
	case "DIRTY", "UNKNOWN":
		return "", &apiError{Status: 405, Message: "Pull Request is not mergeable"}
	}
	// The requirements of the base's protection and rulesets that login does
	// not bypass (requirements.go): a merge while one is unmet is refused with
	// 405 and GitHub's words for it.
	if msg := refusal(r.unmet(p, login)); msg != "" {
		return "", &apiError{Status: 405, Message: msg}
	}
	if title == "" {
		title = map[string]string{"merge": fmt.Sprintf("Merge pull request #%d from %s/%s", is.Number, r.headRepo(p).Owner, p.Head),
			"squash": fmt.Sprintf("%s (#%d)", is.Title, is.Number)}[method]
	}
	if message == "" && method == "merge" {
		message = is.Title
	}
	now := s.st.now()
	sha, err := r.git.merge(method, p.Base, r.git.branchSHA(p.Base), head, title, message, login, now)
	if err == errConflict {
		return "", &apiError{Status: 405, Message: "Pull Request is not mergeable"}
	}
	if err != nil {
		return "", err
	}
	s.finishMerge(r, is, head, sha, login)
	return sha, nil
}

// finishMerge records the pull request merged by login at head into sha, the
// base's new tip, and does what follows a merge.
func (s *Server) finishMerge(r *repo, is *issue, head, sha, login string) {
	p := is.pr
	now := s.st.now()
	p.HeadSHA = head
	p.Merged, p.MergedAt, p.MergedBy, p.MergeCommitSHA = true, &now, login, sha
	p.AutoMerge = nil
	s.closeIssue(r, is)
	if p.Base == r.DefaultBranch {
		s.closeReferencedIssues(r, is.Body)
	}
	// "You can have head branches automatically deleted after pull requests are merged
	// in your repository" (https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/configuring-pull-request-merges/managing-the-automatic-deletion-of-branches):
	// the repository's own branches, not a fork's.
	if r.DeleteBranchOnMerge && p.HeadRepo == nil {
		_ = r.git.deleteRef("refs/heads/" + p.Head)
	}
	// The base moved: a push to it (GitHub docs, "Events that trigger workflows",
	// push; see noteBranchMoves), and another PR's mergeability depends on it.
	s.st.noteBranchMoves(r, login)
	s.st.noteMergeInputsAll(r)
	defer s.tryAutoMerge(r)
}

var closingKeyword = regexp.MustCompile(`(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)`)

// closeReferencedIssues closes "Fixes #N" issues when a PR merges into the default branch.
func (s *Server) closeReferencedIssues(r *repo, body string) {
	for _, m := range closingKeyword.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[1])
		if is := r.issue(n); is != nil && is.pr == nil && is.State == "open" {
			s.closeIssue(r, is)
		}
	}
}

// tryAutoMerge merges every PR with auto-merge enabled whose requirements now
// hold, and moves the merge queues.
func (s *Server) tryAutoMerge(r *repo) {
	defer s.advanceQueues(r)
	for _, is := range r.issues {
		if is.pr == nil || is.pr.AutoMerge == nil || is.State != "open" {
			continue
		}
		// On a branch with a merge queue, auto-merge ("Merge when ready") adds
		// the pull request to the queue once its requirements pass (GitHub
		// docs, "Merging a pull request with a merge queue"; orgs/community
		// discussion #209348: "an author turns on auto-merge ("Merge when
		// ready") … added to the merge queue once requirements are met").
		if r.queueRule(is.pr.Base) != nil {
			if r.enqueueRefusal(is) == "" {
				_, _ = s.enqueue(r, is, is.pr.AutoMerge.EnabledBy, "", false)
			}
			continue
		}
		state, _ := r.mergeState(is.pr)
		if state == "CLEAN" || state == "UNSTABLE" || state == "HAS_HOOKS" {
			am := is.pr.AutoMerge
			_, _ = s.doMerge(r, is, am.Method, "", "", am.EnabledBy, "")
		}
	}
}

func (s *Server) listPullCommits(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	head := q.repo.headSHA(is.pr)
	exclude := q.repo.git.branchSHA(is.pr.Base)
	if is.pr.Merged {
		exclude = q.repo.git.mergeBase(is.pr.MergeCommitSHA+"^1", head)
	}
	cs, err := q.repo.git.log(head, exclude, 250)
	if err != nil {
		return 0, nil, err
	}
	list := []map[string]any{}
	for i := len(cs) - 1; i >= 0; i-- {
		list = append(list, s.commitJSON(q.repo, cs[i], false))
	}
	return 200, page(q, list), nil
}

func (s *Server) listPullFiles(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	head := q.repo.headSHA(is.pr)
	files, err := q.repo.git.diffFiles(q.repo.git.mergeBase(q.repo.git.branchSHA(is.pr.Base), head), head)
	if err != nil {
		return 0, nil, err
	}
	return 200, page(q, filesJSON(files)), nil
}

// requestedTeamsJSON are the teams asked to review p, as "team" objects.
func (s *Server) requestedTeamsJSON(r *repo, p *pull) []map[string]any {
	teams := []map[string]any{}
	o := s.st.org(r.Owner)
	for _, slug := range p.RequestedTeams {
		if t := o.teamOrNil(slug); t != nil {
			teams = append(teams, s.teamJSON(o, t))
		}
	}
	return teams
}

func (s *Server) requestedJSON(r *repo, is *issue) map[string]any {
	users := []map[string]any{}
	for _, l := range is.pr.RequestedReviewers {
		users = append(users, s.userJSON(l))
	}
	return map[string]any{"users": users, "teams": s.requestedTeamsJSON(r, is.pr)}
}

func (s *Server) listRequestedReviewers(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	return 200, s.requestedJSON(q.repo, is), nil
}

func (s *Server) requestReviewers(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	if err := s.addReviewers(q.repo, is, q.login, asList(q.body["reviewers"]), asList(q.body["team_reviewers"])); err != nil {
		return 0, nil, err
	}
	return 201, s.pullJSON(q.repo, is), nil
}

// addReviewers requests reviews from users and teams (slugs) after GitHub's
// checks, all before anything changes: a refusal refuses the whole request.
//   - Never the author: 422 "Review cannot be requested from pull request
//     author." (peter-evans/create-pull-request#1835).
//   - Users must be collaborators, that is have access to the repository
//     (hasAccess), not merely exist; teams must be teams of the organization
//     owning the repository with access to it, so a user-owned repository takes
//     no team at all. Docs, "Requesting a pull request review"
//     (https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/proposing-changes-to-your-work-with-pull-requests/requesting-a-pull-request-review):
//     "you can assign anyone who has read access to the repository as a
//     reviewer"; "Organization members with write access can also assign a pull
//     request review to any person or team with read access to a repository."
//     GitHub's 422 names users or teams (peter-evans/create-pull-request#4138),
//     or only teams when a team is refused (api3dao/airnode#1907,
//     freifunkMUC/wg-access-server#335, where giving the team access fixed it).
//
// Each new request is a ReviewRequestedEvent on the timeline; a team with code
// review assignment is then replaced by some of its members (assignTeamReview).
func (s *Server) addReviewers(r *repo, is *issue, actor string, users, teams []string) error {
	notCollaborator := func(who string) error {
		return validationFailed("PullRequest", "", "custom", "Reviews may only be requested from collaborators. One or more of the "+who+
			" you specified is not a collaborator of the "+r.fullName()+" repository.")
	}
	for _, u := range users {
		if strings.EqualFold(u, is.User) {
			return validationFailed("PullRequest", "", "custom", "Review cannot be requested from pull request author.")
		}
		if !s.st.hasAccess(r, u) {
			return notCollaborator("users or teams")
		}
	}
	o := s.st.org(r.Owner)
	var asked []*team
	for _, slug := range teams {
		var t *team
		if o != nil {
			t = o.team(slug)
		}
		if t == nil || !t.hasRepo(r) {
			return notCollaborator("teams")
		}
		asked = append(asked, t)
	}
	now := s.st.now()
	for _, u := range users {
		if !containsFold(is.pr.RequestedReviewers, u) {
			is.pr.RequestedReviewers = mergeNames(is.pr.RequestedReviewers, []string{s.st.ensureUser(u).Login})
			is.pr.requestEvents = append(is.pr.requestEvents, &requestEvent{ID: s.st.id(), Actor: actor, Reviewer: s.st.ensureUser(u).Login, At: now})
		}
	}
	for _, t := range asked {
		if containsFold(is.pr.RequestedTeams, t.Slug) {
			continue
		}
		is.pr.RequestedTeams = mergeNames(is.pr.RequestedTeams, []string{t.Slug})
		is.pr.requestEvents = append(is.pr.requestEvents, &requestEvent{ID: s.st.id(), Actor: actor, Reviewer: t.Slug, Team: true, At: now})
		if t.assign != nil {
			s.assignTeamReview(is, t, actor)
		}
	}
	is.UpdatedAt = now
	return nil
}

func mergeNames(have, add []string) []string {
	for _, a := range add {
		found := false
		for _, h := range have {
			if strings.EqualFold(h, a) {
				found = true
			}
		}
		if !found {
			have = append(have, a)
		}
	}
	sort.Strings(have)
	return have
}

func asList(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

func (s *Server) reviewJSON(r *repo, is *issue, rv *review) map[string]any {
	return map[string]any{"id": rv.ID, "node_id": nodeID("PRR", rv.ID), "user": s.userJSON(rv.User), "body": rv.Body,
		"state": rv.State, "commit_id": rv.CommitID, "submitted_at": ts(rv.SubmittedAt), "author_association": "COLLABORATOR",
		"html_url":         fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", webURL, r.fullName(), is.Number, rv.ID),
		"pull_request_url": fmt.Sprintf("%s/repos/%s/pulls/%d", apiURL, r.fullName(), is.Number),
		"_links":           map[string]any{"html": map[string]string{"href": ""}, "pull_request": map[string]string{"href": ""}}}
}

func (s *Server) listReviews(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	list := []map[string]any{}
	for _, rv := range is.pr.Reviews {
		list = append(list, s.reviewJSON(q.repo, is, rv))
	}
	return 200, page(q, list), nil
}

func (s *Server) createReview(q *req) (int, any, error) {
	is, err := s.pullFor(q)
	if err != nil {
		return 0, nil, err
	}
	state := map[string]string{"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}[q.str("event")]
	if state == "" {
		state = "PENDING"
	}
	rv, msg := s.addReview(q.repo, is, q.login, state, q.str("body"))
	if msg != "" {
		return 0, nil, validationFailed("PullRequestReview", "", "custom", msg)
	}
	return 200, s.reviewJSON(q.repo, is, rv), nil
}

// ownReviewRefusal is GitHub's refusal of a review by the pull request's
// author that approves or asks for changes ("" when none): REST answers 422
// with "Can not approve your own pull request"
// (juliangruber/approve-pull-request-action#79), GraphQL the same prefixed
// "Review " ("Review Can not request changes on your own pull request" through
// gh, Dawn-Technology/aicelerate#24).
func ownReviewRefusal(is *issue, login, state string) string {
	if !strings.EqualFold(login, is.User) || state == "COMMENTED" || state == "PENDING" {
		return ""
	}
	verb := map[string]string{"APPROVED": "approve", "CHANGES_REQUESTED": "request changes on"}[state]
	return "Can not " + verb + " your own pull request"
}

// addReview records login's review of the pull request in state (PENDING: a
// draft, not yet submitted), or says why GitHub refuses it.
func (s *Server) addReview(r *repo, is *issue, login, state, body string) (*review, string) {
	if msg := ownReviewRefusal(is, login, state); msg != "" {
		return nil, msg
	}
	rv := &review{ID: s.st.id(), User: login, State: state, Body: body, CommitID: r.headSHA(is.pr), SubmittedAt: s.st.now()}
	is.pr.Reviews = append(is.pr.Reviews, rv)
	if state != "PENDING" {
		s.reviewSubmitted(r, is, login)
	}
	return rv, ""
}

// reviewSubmitted answers login's review request and lets auto-merge and the
// queues move.
func (s *Server) reviewSubmitted(r *repo, is *issue, login string) {
	var kept []string
	for _, u := range is.pr.RequestedReviewers {
		if !strings.EqualFold(u, login) {
			kept = append(kept, u)
		}
	}
	is.pr.RequestedReviewers = kept
	s.tryAutoMerge(r)
}
