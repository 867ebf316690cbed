package emulator

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
)

// org is an organization: its members (owners are "admin"), its base
// permission and its teams. Its login is also a user of Type "Organization".
type org struct {
	Login   string
	ID      int64
	Name    string
	members map[string]string // by lower-case login: "admin" (owner) or "member"
	// BasePermission is what every member may do on every repository of the
	// organization: read, write, admin or none. REST docs, "Update an
	// organization" (https://docs.github.com/rest/orgs/orgs#update-an-organization),
	// default_repository_permission: "Default permission level members have for
	// organization repositories", enum read, write, admin, none, default read.
	BasePermission string
	teams          []*team
}

// team is a team of an organization.
type team struct {
	ID          int64
	Name, Slug  string
	Description string
	Privacy     string
	members     map[string]string // by lower-case login: "member" or "maintainer"
	repos       map[string]string // by lower-case "owner/name": permission
	// assign is the team's code review assignment, nil when off (control API).
	assign *reviewAssignment
}

// reviewAssignment is a team's "code review assignment" setting: when the team
// is asked for a review, GitHub asks Count of its members (round robin here)
// and, with RemoveTeamRequest, withdraws the team's own request. GitHub's
// GraphQL schema names these settings in UpdateTeamReviewAssignmentInput
// (teamMemberCount default 1, removeTeamRequest default true, algorithm
// ROUND_ROBIN or LOAD_BALANCE); the docs page "Managing code review assignment
// for your team" describes them, and orgs/community discussion #24010
// (https://github.com/orgs/community/discussions/24010) shows the effect: "A
// team member from each team should be automatically assigned, replacing both
// teams on the PR". The emulator sets it through its control API.
type reviewAssignment struct {
	Count             int
	RemoveTeamRequest bool
	next              int // round robin: index of the next member to ask
}

// requestEvent is a ReviewRequestedEvent or ReviewRequestRemovedEvent of a
// pull request's timeline.
type requestEvent struct {
	ID       int64
	Actor    string
	Reviewer string // a user's login, or a team's slug when Team
	Team     bool
	Removed  bool
	At       time.Time
}

func (s *store) org(login string) *org { return s.orgs[strings.ToLower(login)] }

// teamByID finds a team by its GraphQL node ID.
func (s *store) teamByID(id string) (*org, *team) {
	for _, o := range s.orgs {
		for _, t := range o.teams {
			if nodeID("T", t.ID) == id {
				return o, t
			}
		}
	}
	return nil, nil
}

// teamOrNil is o.team, nil for a nil org.
func (o *org) teamOrNil(slug string) *team {
	if o == nil {
		return nil
	}
	return o.team(slug)
}

func (o *org) team(slug string) *team {
	for _, t := range o.teams {
		if strings.EqualFold(t.Slug, slug) {
			return t
		}
	}
	return nil
}

// teamSlug makes a team's slug from its name as GitHub does. REST docs, "Get a
// team by name" (https://docs.github.com/rest/teams/teams#get-a-team-by-name):
// "To create the slug, GitHub replaces special characters in the name string,
// changes all words to lowercase, and replaces spaces with a - separator. For
// example, "My TEam Näme" would become my-team-name."
func teamSlug(name string) string {
	fold := map[rune]string{'ä': "a", 'à': "a", 'á': "a", 'â': "a", 'å': "a", 'ç': "c", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
		'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ö': "o", 'ó': "o", 'ò': "o", 'ô': "o", 'ø': "o", 'ü': "u", 'ú': "u",
		'ù': "u", 'û': "u", 'ß': "ss"}
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		switch {
		case c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) || c == '_':
			b.WriteRune(c)
			dash = false
		case fold[c] != "":
			b.WriteString(fold[c])
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// hasAccess reports whether login may read the repository: what GitHub calls a
// collaborator. REST docs, "Check if a user is a repository collaborator"
// (https://docs.github.com/rest/collaborators/collaborators#check-if-a-user-is-a-repository-collaborator):
// "For organization-owned repositories, the list of collaborators includes
// outside collaborators, organization members that are direct collaborators,
// organization members with access through team memberships, organization
// members with access through default organization permissions, and
// organization owners." A user-owned repository has its owner and the users
// added as collaborators.
func (s *store) hasAccess(r *repo, login string) bool {
	l := strings.ToLower(login)
	if strings.EqualFold(r.Owner, login) {
		return true
	}
	if _, ok := r.collaborators[l]; ok {
		return true
	}
	o := s.org(r.Owner)
	if o == nil {
		return false
	}
	if role, ok := o.members[l]; ok && (role == "admin" || o.BasePermission != "none") {
		return true
	}
	for _, t := range o.teams {
		if _, ok := t.members[l]; ok && t.hasRepo(r) {
			return true
		}
	}
	return false
}

func (t *team) hasRepo(r *repo) bool {
	_, ok := t.repos[strings.ToLower(r.fullName())]
	return ok
}

func (s *Server) orgJSON(o *org) map[string]any {
	base := apiURL + "/orgs/" + o.Login
	return map[string]any{"login": o.Login, "id": o.ID, "node_id": nodeID("O", o.ID), "url": base,
		"repos_url": base + "/repos", "events_url": base + "/events", "hooks_url": base + "/hooks",
		"issues_url": base + "/issues", "members_url": base + "/members{/member}",
		"public_members_url": base + "/public_members{/member}", "avatar_url": webURL + "/avatars/" + o.Login,
		"description": nil, "name": nullIfEmpty(o.Name), "html_url": webURL + "/" + o.Login, "type": "Organization",
		"default_repository_permission": o.BasePermission}
}

func (s *Server) teamJSON(o *org, t *team) map[string]any {
	base := apiURL + "/orgs/" + o.Login + "/teams/" + t.Slug
	return map[string]any{"id": t.ID, "node_id": nodeID("T", t.ID), "name": t.Name, "slug": t.Slug,
		"description": nullIfEmpty(t.Description), "privacy": t.Privacy, "notification_setting": "notifications_enabled",
		"permission": "pull", "url": base, "html_url": webURL + "/orgs/" + o.Login + "/teams/" + t.Slug,
		"members_url": base + "/members{/member}", "repositories_url": base + "/repos", "parent": nil,
		"members_count": len(t.members), "repos_count": len(t.repos), "organization": s.orgJSON(o)}
}

// createOrg is GitHub Enterprise Server's "Create an organization", for site
// admins (https://docs.github.com/enterprise-server@3.19/rest/enterprise-admin/orgs#create-an-organization):
// login and admin, "the login of the user who will manage this organization",
// who becomes its owner. github.com has no API to create an organization; the
// emulator takes this one, and has no site admins: any authenticated user may.
func (s *Server) createOrg(q *req) (int, any, error) {
	login, admin := q.str("login"), q.str("admin")
	if login == "" || strings.ContainsAny(login, "/ ") {
		return 0, nil, validationFailed("Organization", "login", "invalid", "")
	}
	if _, taken := s.st.users[strings.ToLower(login)]; taken {
		return 0, nil, validationFailed("Organization", "login", "already_exists", "")
	}
	if _, ok := s.st.users[strings.ToLower(admin)]; !ok {
		return 0, nil, validationFailed("Organization", "admin", "invalid", "")
	}
	u := s.st.ensureUser(login)
	u.Type = "Organization"
	o := &org{Login: login, ID: u.ID, Name: q.str("profile_name"), BasePermission: "read",
		members: map[string]string{strings.ToLower(admin): "admin"}}
	s.st.orgs[strings.ToLower(login)] = o
	return 201, s.orgJSON(o), nil
}

func (s *Server) orgFor(q *req) (*org, error) {
	o := s.st.org(q.params["org"])
	if o == nil {
		return nil, notFound()
	}
	return o, nil
}

func (s *Server) getOrg(q *req) (int, any, error) {
	o, err := s.orgFor(q)
	if err != nil {
		return 0, nil, err
	}
	return 200, s.orgJSON(o), nil
}

// updateOrg takes the base permission (default_repository_permission) only;
// only an owner may change it (REST docs, "Update an organization": "The
// authenticated user must be an organization owner").
func (s *Server) updateOrg(q *req) (int, any, error) {
	o, err := s.orgFor(q)
	if err != nil {
		return 0, nil, err
	}
	if o.members[strings.ToLower(q.login)] != "admin" {
		return 0, nil, &apiError{Status: 403, Message: "Must have admin rights to the organization."}
	}
	if p := q.str("default_repository_permission"); p != "" {
		o.BasePermission = p // the checker has held it to read, write, admin or none
	}
	if q.has("name") {
		o.Name = q.str("name")
	}
	return 200, s.orgJSON(o), nil
}

// createOrgRepo is "Create an organization repository"
// (https://docs.github.com/rest/repos/repos#create-an-organization-repository):
// "The authenticated user must be a member of the organization."
func (s *Server) createOrgRepo(q *req) (int, any, error) {
	o, err := s.orgFor(q)
	if err != nil {
		return 0, nil, err
	}
	if _, member := o.members[strings.ToLower(q.login)]; !member {
		return 0, nil, &apiError{Status: 403, Message: "You need to be a member of the organization to create a repository in it."}
	}
	return s.newRepo(q, o.Login)
}

// createTeam is "Create a team" (https://docs.github.com/rest/teams/teams#create-a-team):
// "the authenticated user must be a member or owner of {org}"; "When you
// create a new team, you automatically become a team maintainer". Its slug is
// made from the name (teamSlug); repo_names gives it access to repositories.
func (s *Server) createTeam(q *req) (int, any, error) {
	o, err := s.orgFor(q)
	if err != nil {
		return 0, nil, err
	}
	if _, member := o.members[strings.ToLower(q.login)]; !member {
		return 0, nil, &apiError{Status: 403, Message: "You must be a member of the organization to create a team."}
	}
	name := strings.TrimSpace(q.str("name"))
	slug := teamSlug(name)
	if slug == "" {
		return 0, nil, validationFailed("Team", "name", "invalid", "")
	}
	if o.team(slug) != nil {
		return 0, nil, validationFailed("Team", "name", "custom", "Name must be unique for this org")
	}
	privacy := q.str("privacy")
	if privacy == "" {
		privacy = "secret"
	}
	t := &team{ID: s.st.id(), Name: name, Slug: slug, Description: q.str("description"), Privacy: privacy,
		members: map[string]string{strings.ToLower(q.login): "maintainer"}, repos: map[string]string{}}
	for _, m := range asList(q.body["maintainers"]) {
		t.members[strings.ToLower(m)] = "maintainer"
	}
	for _, full := range asList(q.body["repo_names"]) {
		owner, name, _ := strings.Cut(full, "/")
		if r := s.st.repo(owner, name); r != nil && strings.EqualFold(r.Owner, o.Login) {
			t.repos[strings.ToLower(r.fullName())] = "pull"
		}
	}
	o.teams = append(o.teams, t)
	return 201, s.teamJSON(o, t), nil
}

func (s *Server) teamFor(q *req) (*org, *team, error) {
	o, err := s.orgFor(q)
	if err != nil {
		return nil, nil, err
	}
	t := o.team(q.params["team_slug"])
	if t == nil {
		return nil, nil, notFound()
	}
	return o, t, nil
}

// getTeam is "Get a team by name" (https://docs.github.com/rest/teams/teams#get-a-team-by-name):
// 404 for a team the organization does not have.
func (s *Server) getTeam(q *req) (int, any, error) {
	o, t, err := s.teamFor(q)
	if err != nil {
		return 0, nil, err
	}
	return 200, s.teamJSON(o, t), nil
}

// addTeamMember is "Add or update team membership for a user"
// (https://docs.github.com/rest/teams/members#add-or-update-team-membership-for-a-user).
// GitHub invites someone who is not yet a member of the organization by email,
// the membership "pending" until they accept; the emulator has no one to
// accept, so it makes them a member of the organization and the team at once
// (state "active"), as the test world would after they accepted.
func (s *Server) addTeamMember(q *req) (int, any, error) {
	o, t, err := s.teamFor(q)
	if err != nil {
		return 0, nil, err
	}
	u, ok := s.st.users[strings.ToLower(q.params["username"])]
	if !ok {
		return 0, nil, notFound()
	}
	if u.Type == "Organization" {
		// "422 Unprocessable Entity if you attempt to add an organization to a team".
		return 0, nil, validationFailed("TeamMember", "user", "invalid", "")
	}
	role := q.str("role")
	if role == "" {
		role = "member"
	}
	l := strings.ToLower(u.Login)
	if _, member := o.members[l]; !member {
		o.members[l] = "member"
	}
	t.members[l] = role
	return 200, map[string]any{"url": apiURL + "/orgs/" + o.Login + "/teams/" + t.Slug + "/memberships/" + u.Login,
		"role": role, "state": "active"}, nil
}

// addTeamRepo is "Add or update team repository permissions"
// (https://docs.github.com/rest/teams/teams#add-or-update-team-repository-permissions):
// "The repository must be owned by the organization ... You will get a 422
// Unprocessable Entity status if you attempt to add a repository to a team that
// is not owned by the organization."
func (s *Server) addTeamRepo(q *req) (int, any, error) {
	o, t, err := s.teamFor(q)
	if err != nil {
		return 0, nil, err
	}
	if !strings.EqualFold(q.repo.Owner, o.Login) {
		return 0, nil, validationFailed("Team", "repository", "invalid", "Repository must be owned by the organization")
	}
	perm := q.str("permission")
	if perm == "" {
		perm = "pull"
	}
	t.repos[strings.ToLower(q.repo.fullName())] = perm
	return 204, nil, nil
}

// addCollaborator is "Add a repository collaborator"
// (https://docs.github.com/rest/collaborators/collaborators#add-a-repository-collaborator).
// GitHub answers 201 with an invitation the invitee "must accept or decline",
// and 204 when the user already has access (an existing collaborator, an
// organization member, a member of a team with access). The emulator has no
// invitee to accept, so it grants access at once while answering 201 as GitHub
// does: tests then see the collaborator GitHub would have after acceptance.
func (s *Server) addCollaborator(q *req) (int, any, error) {
	u, ok := s.st.users[strings.ToLower(q.params["username"])]
	if !ok || u.Type == "Organization" {
		return 0, nil, notFound()
	}
	perm := q.str("permission")
	if perm == "" {
		perm = "push"
	}
	had := s.st.hasAccess(q.repo, u.Login)
	q.repo.collaborators[strings.ToLower(u.Login)] = perm
	if had {
		return 204, nil, nil
	}
	id := s.st.id()
	return 201, map[string]any{"id": id, "node_id": nodeID("RI", id), "repository": s.repoJSON(q.repo),
		"invitee": s.userJSON(u.Login), "inviter": s.userJSON(q.login), "permissions": perm,
		"created_at": ts(s.st.now()), "expired": false,
		"url":      apiURL + "/user/repository_invitations/" + fmt.Sprint(id),
		"html_url": webURL + "/" + q.repo.fullName() + "/invitations"}, nil
}

// checkCollaborator answers 204 for a user with access to the repository
// (hasAccess), 404 otherwise.
func (s *Server) checkCollaborator(q *req) (int, any, error) {
	if !s.st.hasAccess(q.repo, q.params["username"]) {
		return 0, nil, notFound()
	}
	return 204, nil, nil
}

// assignTeamReview applies a team's code review assignment to a pull request
// it was just asked to review: Count members (round robin, never the author
// nor someone already asked) are asked in its place and, with
// RemoveTeamRequest, the team's request is withdrawn. It returns the logins asked.
func (s *Server) assignTeamReview(is *issue, t *team, actor string) []string {
	a := t.assign
	var members []string
	for l := range t.members {
		members = append(members, l)
	}
	sort.Strings(members)
	var picked []string
	for i := 0; i < len(members) && len(picked) < a.Count; i++ {
		l := members[(a.next+i)%len(members)]
		if strings.EqualFold(l, is.User) || containsFold(is.pr.RequestedReviewers, l) {
			continue
		}
		picked = append(picked, s.st.users[l].Login)
	}
	if len(members) > 0 {
		a.next = (a.next + len(picked)) % len(members)
	}
	now := s.st.now()
	for _, l := range picked {
		is.pr.RequestedReviewers = mergeNames(is.pr.RequestedReviewers, []string{l})
		is.pr.requestEvents = append(is.pr.requestEvents, &requestEvent{ID: s.st.id(), Actor: actor, Reviewer: l, At: now})
	}
	if a.RemoveTeamRequest && len(picked) > 0 {
		is.pr.RequestedTeams = deleteFold(is.pr.RequestedTeams, t.Slug)
		is.pr.requestEvents = append(is.pr.requestEvents, &requestEvent{ID: s.st.id(), Actor: actor, Reviewer: t.Slug, Team: true, Removed: true, At: now})
	}
	return picked
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func deleteFold(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if !strings.EqualFold(x, v) {
			out = append(out, x)
		}
	}
	return out
}
