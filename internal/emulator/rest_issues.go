package emulator

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

func (s *Server) labelJSON(r *repo, l *label) map[string]any {
	return map[string]any{"id": l.ID, "node_id": nodeID("LA", l.ID), "name": l.Name, "color": l.Color,
		"description": nullIfEmpty(l.Description), "default": l.Default,
		"url": apiURL + "/repos/" + r.fullName() + "/labels/" + url.PathEscape(l.Name)}
}

func (s *Server) labelsJSON(r *repo, names []string) []map[string]any {
	list := []map[string]any{}
	for _, n := range names {
		if l := r.label(n); l != nil {
			list = append(list, s.labelJSON(r, l))
		}
	}
	return list
}

var hexColor = regexp.MustCompile(`^[0-9a-fA-F]{6}$`)

func (s *Server) listLabels(q *req) (int, any, error) {
	list := []map[string]any{}
	for _, l := range q.repo.labels {
		list = append(list, s.labelJSON(q.repo, l))
	}
	return 200, page(q, list), nil
}

func (s *Server) createLabel(q *req) (int, any, error) {
	name := strings.TrimSpace(q.str("name"))
	if name == "" {
		return 0, nil, validationFailed("Label", "name", "missing_field", "")
	}
	if q.repo.label(name) != nil {
		return 0, nil, validationFailed("Label", "name", "already_exists", "")
	}
	color := strings.TrimPrefix(q.str("color"), "#")
	if color == "" {
		color = "ededed"
	}
	if !hexColor.MatchString(color) {
		return 0, nil, validationFailed("Label", "color", "invalid", "")
	}
	l := s.addLabel(q.repo, name, strings.ToLower(color), q.str("description"))
	return 201, s.labelJSON(q.repo, l), nil
}

func (s *Server) addLabel(r *repo, name, color, desc string) *label {
	l := &label{ID: s.st.id(), Name: name, Color: color, Description: desc}
	r.labels = append(r.labels, l)
	return l
}

func (s *Server) getLabel(q *req) (int, any, error) {
	l := q.repo.label(q.params["name"])
	if l == nil {
		return 0, nil, notFound()
	}
	return 200, s.labelJSON(q.repo, l), nil
}

func (s *Server) updateLabel(q *req) (int, any, error) {
	l := q.repo.label(q.params["name"])
	if l == nil {
		return 0, nil, notFound()
	}
	if n := q.str("new_name"); n != "" {
		l.Name = n
	}
	if c := strings.TrimPrefix(q.str("color"), "#"); c != "" {
		if !hexColor.MatchString(c) {
			return 0, nil, validationFailed("Label", "color", "invalid", "")
		}
		l.Color = strings.ToLower(c)
	}
	if q.has("description") {
		l.Description = q.str("description")
	}
	return 200, s.labelJSON(q.repo, l), nil
}

func (s *Server) issueJSON(r *repo, is *issue) map[string]any {
	base := apiURL + "/repos/" + r.fullName() + "/issues/" + strconv.Itoa(is.Number)
	out := map[string]any{
		"id": is.ID, "node_id": nodeID("I", is.ID), "number": is.Number, "title": is.Title, "body": nullIfEmpty(is.Body),
		"state": is.State, "user": s.userJSON(is.User), "labels": s.labelsJSON(r, is.Labels), "locked": false,
		"assignees": []any{}, "assignee": nil, "milestone": nil, "comments": s.commentCount(r, is.Number),
		"created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt), "closed_at": tsPtr(is.ClosedAt),
		"url": base, "html_url": webURL + "/" + r.fullName() + "/issues/" + strconv.Itoa(is.Number),
		"repository_url": apiURL + "/repos/" + r.fullName(), "labels_url": base + "/labels{/name}",
		"comments_url": base + "/comments", "events_url": base + "/events", "author_association": "OWNER",
		"state_reason": nil, "active_lock_reason": nil,
	}
	if is.pr != nil {
		out["html_url"] = webURL + "/" + r.fullName() + "/pull/" + strconv.Itoa(is.Number)
		out["pull_request"] = map[string]any{"url": apiURL + "/repos/" + r.fullName() + "/pulls/" + strconv.Itoa(is.Number),
			"html_url": out["html_url"], "merged_at": tsPtr(is.pr.MergedAt), "diff_url": nil, "patch_url": nil}
	}
	return out
}

func (s *Server) listIssues(q *req) (int, any, error) {
	state := q.query.Get("state")
	if state == "" {
		state = "open"
	}
	var want []string
	if l := q.query.Get("labels"); l != "" {
		want = strings.Split(l, ",")
	}
	list := []map[string]any{}
	for i := len(q.repo.issues) - 1; i >= 0; i-- {
		is := q.repo.issues[i]
		if state != "all" && is.State != state {
			continue
		}
		if !hasAllLabels(is, want) {
			continue
		}
		list = append(list, s.issueJSON(q.repo, is))
	}
	return 200, page(q, list), nil
}

func hasAllLabels(is *issue, want []string) bool {
	for _, w := range want {
		found := false
		for _, l := range is.Labels {
			if strings.EqualFold(l, strings.TrimSpace(w)) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (s *Server) createIssue(q *req) (int, any, error) {
	if q.repo.IssuesDisabled {
		// GitHub's answer when issues are turned off: 410 Gone, declared for
		// this operation (https://docs.github.com/en/rest/issues/issues#create-an-issue),
		// with these words (e.g. github.com/ossf/allstar/issues/64).
		return 0, nil, &apiError{Status: 410, Message: "Issues are disabled for this repo"}
	}
	title := q.str("title")
	if title == "" {
		return 0, nil, validationFailed("Issue", "title", "missing_field", "")
	}
	now := s.st.now()
	is := &issue{ID: s.st.id(), Number: len(q.repo.issues) + 1, Title: title, Body: q.str("body"), State: "open",
		User: q.login, CreatedAt: now, UpdatedAt: now}
	q.repo.issues = append(q.repo.issues, is)
	s.applyLabels(q.repo, is, asList(q.body["labels"]))
	return 201, s.issueJSON(q.repo, is), nil
}

// applyLabels adds labels to an issue; like GitHub, a missing label is created in grey.
func (s *Server) applyLabels(r *repo, is *issue, names []string) {
	for _, n := range names {
		l := r.label(n)
		if l == nil {
			l = s.addLabel(r, n, "ededed", "")
		}
		is.Labels = mergeNames(is.Labels, []string{l.Name})
	}
}

func (s *Server) issueFor(q *req) (*issue, error) {
	is := q.repo.issue(q.intParam("issue_number"))
	if is == nil {
		return nil, notFound()
	}
	return is, nil
}

func (s *Server) getIssue(q *req) (int, any, error) {
	is, err := s.issueFor(q)
	if err != nil {
		return 0, nil, err
	}
	return 200, s.issueJSON(q.repo, is), nil
}

func (s *Server) updateIssue(q *req) (int, any, error) {
	is, err := s.issueFor(q)
	if err != nil {
		return 0, nil, err
	}
	if q.has("title") {
		is.Title = q.str("title")
	}
	if q.has("body") {
		is.Body = q.str("body")
	}
	if q.has("labels") {
		is.Labels = nil
		s.applyLabels(q.repo, is, asList(q.body["labels"]))
	}
	switch q.str("state") {
	case "closed":
		if is.State == "open" {
			s.closeIssue(q.repo, is)
		}
	case "open":
		if is.pr != nil && is.pr.Merged {
			return 0, nil, validationFailed("Issue", "state", "custom", "Cannot reopen a merged pull request")
		}
		is.State, is.ClosedAt = "open", nil
	}
	is.UpdatedAt = s.st.now()
	return 200, s.issueJSON(q.repo, is), nil
}

func (s *Server) listIssueLabels(q *req) (int, any, error) {
	is, err := s.issueFor(q)
	if err != nil {
		return 0, nil, err
	}
	return 200, s.labelsJSON(q.repo, is.Labels), nil
}

func (s *Server) addIssueLabels(q *req) (int, any, error) {
	is, err := s.issueFor(q)
	if err != nil {
		return 0, nil, err
	}
	names := asList(q.body["labels"])
	if names == nil {
		// The description also allows a bare array body or {"labels":[{"name":…}]}.
		if l, ok := q.body["labels"].([]any); ok {
			for _, x := range l {
				if m, ok := x.(map[string]any); ok {
					names = append(names, m["name"].(string))
				}
			}
		}
	}
	if len(names) == 0 {
		return 0, nil, validationFailed("Label", "labels", "missing_field", "")
	}
	s.applyLabels(q.repo, is, names)
	is.UpdatedAt = s.st.now()
	return 200, s.labelsJSON(q.repo, is.Labels), nil
}

func (s *Server) commentJSON(r *repo, c *comment) map[string]any {
	return map[string]any{"id": c.ID, "node_id": nodeID("IC", c.ID), "body": c.Body, "user": s.userJSON(c.User),
		"created_at": ts(c.CreatedAt), "updated_at": ts(c.UpdatedAt), "author_association": "OWNER",
		"url":       apiURL + "/repos/" + r.fullName() + "/issues/comments/" + strconv.FormatInt(c.ID, 10),
		"html_url":  webURL + "/" + r.fullName() + "/issues/" + strconv.Itoa(c.Issue) + "#issuecomment-" + strconv.FormatInt(c.ID, 10),
		"issue_url": apiURL + "/repos/" + r.fullName() + "/issues/" + strconv.Itoa(c.Issue)}
}

func (s *Server) listComments(q *req) (int, any, error) {
	is, err := s.issueFor(q)
	if err != nil {
		return 0, nil, err
	}
	list := []map[string]any{}
	for _, c := range q.repo.comments {
		if c.Issue == is.Number {
			list = append(list, s.commentJSON(q.repo, c))
		}
	}
	return 200, page(q, list), nil
}

func (s *Server) createComment(q *req) (int, any, error) {
	is, err := s.issueFor(q)
	if err != nil {
		return 0, nil, err
	}
	if strings.TrimSpace(q.str("body")) == "" {
		return 0, nil, validationFailed("IssueComment", "body", "missing_field", "")
	}
	c := s.addComment(q.repo, is, q.login, q.str("body"))
	return 201, s.commentJSON(q.repo, c), nil
}

func (s *Server) addComment(r *repo, is *issue, login, body string) *comment {
	now := s.st.now()
	c := &comment{ID: s.st.id(), Issue: is.Number, User: login, Body: body, CreatedAt: now, UpdatedAt: now}
	r.comments = append(r.comments, c)
	is.UpdatedAt = now
	return c
}

func (s *Server) updateComment(q *req) (int, any, error) {
	id, _ := strconv.ParseInt(q.params["comment_id"], 10, 64)
	for _, c := range q.repo.comments {
		if c.ID == id {
			c.Body, c.UpdatedAt = q.str("body"), s.st.now()
			return 200, s.commentJSON(q.repo, c), nil
		}
	}
	return 0, nil, notFound()
}

func (s *Server) deleteComment(q *req) (int, any, error) {
	id, _ := strconv.ParseInt(q.params["comment_id"], 10, 64)
	for i, c := range q.repo.comments {
		if c.ID == id {
			q.repo.comments = append(q.repo.comments[:i], q.repo.comments[i+1:]...)
			return 204, nil, nil
		}
	}
	return 0, nil, notFound()
}
