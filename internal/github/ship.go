package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cli/go-gh/v2/pkg/api"

	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// PullRequest is what ship needs to know about a hotfix pull request.
type PullRequest struct {
	ID               string // GraphQL node ID
	Number           int
	URL              string
	Title            string
	State            string // OPEN, CLOSED, MERGED
	CreatedAt        time.Time
	IsDraft          bool
	BaseRefName      string
	HeadRefOid       string
	MergedAt         *time.Time
	MergeCommit      string
	MergeStateStatus string
	ReviewDecision   string
	AutoMerge        string // merge method when auto-merge is enabled
	ChecksState      string // rollup state of the head commit, "" when it has no checks
	Labels           []string
	Reviewers        []string // requested reviewers: logins and org/team
	Reviewed         []string // logins who have reviewed (GitHub drops them from the requests)
	// Requested are the reviewers ever asked (logins and org/team), from the
	// timeline's ReviewRequestedEvents: GitHub withdraws some requests by itself
	// (a team's, when its code review assignment asks members instead), and a
	// person may have withdrawn one; neither is asked again.
	Requested []string
	Author    string // login of the author; "" for a deleted account
	Comments  []Comment
	// CommentsBefore is the cursor before the oldest comment read, when the
	// thread has older ones (only its last 100 come with the pull request).
	CommentsBefore string
	// CrossRepository is true when the head branch lives in another repository
	// (a fork) that happens to have a branch of the same name.
	CrossRepository bool
	Commits         []string // the pull request's own commits (up to 100)
	// Queue is its place in the base's merge queue, nil when not queued.
	Queue *QueueEntry
}

// Comment is an issue comment on a pull request.
type Comment struct {
	ID   int64
	Body string
	// CreatedAt is when GitHub created the comment, by GitHub's clock: editing
	// the comment does not change it.
	CreatedAt time.Time
}

// HasLabel reports whether the pull request carries the label (case-insensitive, as GitHub).
func (p *PullRequest) HasLabel(name string) bool {
	for _, l := range p.Labels {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

// ShipState is everything ship needs from GitHub before acting, in one query.
type ShipState struct {
	RepoID           string
	AutoMergeAllowed bool
	// MergeMethods are the merge methods the repository allows (merge, squash,
	// rebase), in that order.
	MergeMethods []string
	// MergeRules are the rules on the base that restrict its merge methods
	// (a ruleset's pull_request rule with allowed_merge_methods), read in the
	// same request; ship may merge only with a method both MergeMethods and
	// every one of them allow (AllowedMergeMethods).
	MergeRules []MergeRule
	// Queue is the base's merge queue (nil: none); RequiredApprovals and
	// RequiredChecks are what its rulesets require of a pull request into it.
	Queue             *Queue
	RequiredApprovals int
	RequiredChecks    []string
	BaseFound         bool
	BaseChecks        Checks
	// HeadTip is the hotfix branch's tip on GitHub, "" when GitHub has no such branch.
	HeadTip     string
	LabelExists bool
	// Pulls holds the pull requests whose head is the hotfix branch, newest first.
	Pulls []PullRequest
	// Config is the text of the file asked for with configPath on the base, nil when absent.
	Config *string
	// Files are the texts of the files asked for with ShipQuery.Files, read at
	// the config's revision, by path; a file that does not exist is left out.
	Files map[string]string
	// IssuesEnabled is false when the repository has issues turned off: no
	// post-mortem issue can be opened then.
	IssuesEnabled bool
	// Workflows holds the text of each workflow file on the base, by path, so the
	// release workflow is chosen without further requests (nil: not read).
	Workflows map[string]string
	// LatestRelease is the latest release's tag and commit ("" when there is none).
	LatestReleaseTag, LatestReleaseSHA string
	// BaseHistory is the base's latest commits, newest first: what a release would ship.
	BaseHistory []HistoryCommit
	// RecentRuns are the GitHub Actions runs on the base's last 10 commits,
	// by commit from the tip (RecentCommits), read with the same query: the
	// runs a release of a recent merge would be among.
	RecentCommits []string
	RecentRuns    map[string][]CommitRun
	// LabelID is the label's node ID ("" when it does not exist), and LabelName
	// its name as the repository spells it (it may differ in case from the config's).
	LabelID, LabelName string
	// ReviewerIDs are the node IDs of the users asked for, by login; UnknownReviewers
	// the logins GitHub does not know.
	ReviewerIDs      map[string]string
	UnknownReviewers []string
	// ByNumber is the pull request ShipQuery.Number asked for, nil when the
	// repository has none of that number (or it is an issue).
	ByNumber *NumberedPull
}

// NumberedPull is a pull request read by its number, with its head.
type NumberedPull struct {
	PullRequest
	HeadRefName string
	HeadRepo    string // owner/name of the head's repository ("": deleted)
	Body        string // its description (records such as hotfix.Backport)
}

// MergeRule is an active rule on a branch that allows only some merge methods:
// the pull_request rule of the ruleset named Ruleset, allowing Methods
// (merge, squash, rebase, in GitHub's order).
type MergeRule struct {
	Ruleset string
	Methods []string
}

// AllowedMergeMethods are the merge methods that both the repository's
// settings (repo, in GitHub's order; empty: not known, every method) and each
// rule allow: GitHub refuses a merge that either forbids.
func AllowedMergeMethods(repo []string, rules []MergeRule) []string {
	allowed := repo
	if len(allowed) == 0 {
		allowed = []string{"merge", "squash", "rebase"}
	}
	var out []string
	for _, m := range allowed {
		ok := true
		for _, r := range rules {
			ok = ok && slices.Contains(r.Methods, m)
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// mergeRules reads the merge-method restrictions among a ref's rules. GitHub
// spells allowedMergeMethods in upper case (the PullRequestAllowedMergeMethods
// enum: MERGE, SQUASH, REBASE); any case is accepted. A pull_request rule
// without the list restricts nothing.
func mergeRules(nodes []apiRule) []MergeRule {
	var out []MergeRule
	for _, n := range nodes {
		if n.Type != "PULL_REQUEST" || n.Parameters == nil || n.Parameters.AllowedMergeMethods == nil {
			continue
		}
		mr := MergeRule{}
		if n.Ruleset != nil {
			mr.Ruleset = n.Ruleset.Name
		}
		for _, m := range []string{"merge", "squash", "rebase"} {
			if containsFold(n.Parameters.AllowedMergeMethods, m) {
				mr.Methods = append(mr.Methods, m)
			}
		}
		out = append(out, mr)
	}
	return out
}

// RuleNodes are a Ref's rules as RefRules reads them.
type RuleNodes struct{ Nodes []apiRule }

// MergeRules are those of the rules that restrict merge methods.
func (r RuleNodes) MergeRules() []MergeRule { return mergeRules(r.Nodes) }

// apiRule is a RepositoryRule as RefRules reads it.
type apiRule struct {
	Type       string
	Ruleset    *struct{ Name string } `json:"repositoryRuleset"`
	Parameters *apiRuleParams
}

// apiRuleParams are the parameters RefRules reads, of whichever rule type.
type apiRuleParams struct {
	AllowedMergeMethods          []string
	RequiredApprovingReviewCount int
	RequiredStatusChecks         []struct{ Context string }
	MergeMethod                  string // a merge_queue rule's
}

// RefRules is the field of a Ref that reads its rules, into RuleNodes: the
// active rules of the rulesets that apply to it, with what ship uses of them
// (merge methods, approvals and checks required, the merge queue).
const RefRules = `rules(first: 100) { nodes { type repositoryRuleset { name }
      parameters { ... on PullRequestParameters { allowedMergeMethods requiredApprovingReviewCount }
        ... on RequiredStatusChecksParameters { requiredStatusChecks { context } }
        ... on MergeQueueParameters { mergeMethod } } } }`

// HistoryCommit is one commit of a branch's history.
type HistoryCommit struct {
	SHA      string
	Headline string
	Parents  []string
}

// ShipsSince walks the graph of history (a branch's latest commits, newest
// first, with their parents) from tip: the commits reachable from tip and not
// from release, in history's order — what a release of tip ships since release,
// whatever the commits' dates (a feature branch's commit dated before the
// release but merged after it is in). complete is false when the walk left the
// commits read before meeting release's ancestry; in is true when tip is
// already in release (release contains it).
func ShipsSince(history []HistoryCommit, tip, release string) (commits []HistoryCommit, in, complete bool) {
	byID := make(map[string]*HistoryCommit, len(history))
	for i := range history {
		byID[history[i].SHA] = &history[i]
	}
	if byID[release] == nil || byID[tip] == nil {
		return nil, false, false
	}
	// release's ancestry, as far as the commits read go.
	released := map[string]bool{}
	for stack := []string{release}; len(stack) > 0; {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if released[c] {
			continue
		}
		released[c] = true
		if hc := byID[c]; hc != nil {
			stack = append(stack, hc.Parents...)
		}
	}
	if released[tip] {
		return nil, true, true
	}
	ships := map[string]bool{}
	for stack := []string{tip}; len(stack) > 0; {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if released[c] || ships[c] {
			continue
		}
		hc := byID[c]
		if hc == nil {
			// Older than what was read, and not known to be released.
			return nil, false, false
		}
		ships[c] = true
		stack = append(stack, hc.Parents...)
	}
	for _, hc := range history {
		if ships[hc.SHA] {
			commits = append(commits, hc)
		}
	}
	return commits, false, true
}

const pullFields = `
  id number url title state createdAt isDraft baseRefName headRefOid mergedAt
  author { login }
  mergeCommit { oid }
  mergeStateStatus reviewDecision
  autoMergeRequest { mergeMethod }
  labels(first: 50) { nodes { name } }
  reviewRequests(first: 50) { nodes { requestedReviewer { __typename ... on User { login } ... on Team { slug organization { login } } } } }
  latestReviews(first: 50) { nodes { author { login } } }
  requestEvents: timelineItems(itemTypes: [REVIEW_REQUESTED_EVENT], first: 100) {
    nodes { ... on ReviewRequestedEvent { requestedReviewer { __typename ... on User { login } ... on Team { slug organization { login } } } } } }
  isCrossRepository
  comments(last: 100) { pageInfo { hasPreviousPage startCursor } nodes { databaseId body createdAt } }
  commits(last: 1) { nodes { commit { statusCheckRollup { state } } } }
  prCommits: commits(first: 100) { nodes { commit { oid } } }
  mergeQueueEntry ` + queueEntryFields

const shipQuery = `query HotfixShip($owner: String!, $name: String!, $head: String!, $base: String!, $label: String!,
  $config: String!, $withConfig: Boolean!, $headRef: String!, $workflows: String!, $withHead: Boolean!, $number: Int!, $byNumber: Boolean!) {
  repository(owner: $owner, name: $name) {
    id hasIssuesEnabled
    ` + configField + `
    autoMergeAllowed mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed
    base: ref(qualifiedName: $base) { ` + RefRules + `
      target { ...checks ... on Commit { history(first: 100) { nodes { oid messageHeadline parents(first: 2) { nodes { oid } } } }
      recent: history(first: 10) { nodes { oid checkSuites(first: 20, filterBy: {appId: 15368}) { nodes { status conclusion branch { name }
        workflowRun { databaseId url event createdAt file { path } } } } } } } } }
    headRef: ref(qualifiedName: $headRef) @include(if: $withHead) { target { oid } }
    workflows: object(expression: $workflows) { ... on Tree { entries { path object { ... on Blob { text } } } } }
    latestRelease { tagName tagCommit { oid } }
    ` + LabelLookup + `
    pullRequests(headRefName: $head, first: 20, orderBy: {field: CREATED_AT, direction: DESC}) @include(if: $withHead) { nodes { ...pull } }
    byNumber: pullRequest(number: $number) @include(if: $byNumber) { ...pull headRefName body headRepository { nameWithOwner } }
  }
}
fragment pull on PullRequest {` + pullFields + `
}
` + checksFragment

// APIPull is a pull request as the pull fragment (PullFragment) reads it.
type APIPull struct {
	ID          string
	Number      int
	URL         string
	Title       string
	State       string
	CreatedAt   time.Time
	IsDraft     bool
	BaseRefName string
	HeadRefOid  string
	MergedAt    *time.Time
	MergeCommit *struct{ Oid string }
	MergeState  string                        `json:"mergeStateStatus"`
	Review      string                        `json:"reviewDecision"`
	AutoMerge   *struct{ MergeMethod string } `json:"autoMergeRequest"`
	Labels      struct{ Nodes []struct{ Name string } }
	Requests    struct {
		Nodes []struct {
			RequestedReviewer *requestedReviewer
		}
	} `json:"reviewRequests"`
	LatestReviews struct {
		Nodes []struct{ Author *struct{ Login string } }
	}
	RequestEvents struct {
		Nodes []struct {
			RequestedReviewer *requestedReviewer
		}
	} `json:"requestEvents"`
	Author            *struct{ Login string }
	IsCrossRepository bool
	Comments          commentPage
	Commits           struct {
		Nodes []struct {
			Commit struct {
				StatusCheckRollup *struct{ State string }
			}
		}
	}
	PRCommits struct {
		Nodes []struct{ Commit struct{ Oid string } }
	} `json:"prCommits"`
	MergeQueueEntry *apiQueueEntry
}

// requestedReviewer is a RequestedReviewer: a User (login) or a Team (slug and
// organization); a Bot or Mannequin reads as a login too.
type requestedReviewer struct {
	Typename     string `json:"__typename"`
	Login        string
	Slug         string
	Organization struct{ Login string }
}

// name is the reviewer as ship names it: login, or org/team; "" for none.
func (rr *requestedReviewer) name() string {
	switch {
	case rr == nil:
		return ""
	case rr.Typename == "Team":
		return rr.Organization.Login + "/" + rr.Slug
	}
	return rr.Login
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// ToPull converts it.
func (a *APIPull) ToPull() PullRequest {
	p := PullRequest{ID: a.ID, Number: a.Number, URL: a.URL, Title: a.Title, State: a.State, CreatedAt: a.CreatedAt, IsDraft: a.IsDraft,
		BaseRefName: a.BaseRefName, HeadRefOid: a.HeadRefOid, MergedAt: a.MergedAt,
		MergeStateStatus: a.MergeState, ReviewDecision: a.Review}
	if a.MergeCommit != nil {
		p.MergeCommit = a.MergeCommit.Oid
	}
	if a.AutoMerge != nil {
		p.AutoMerge = strings.ToLower(a.AutoMerge.MergeMethod)
	}
	for _, l := range a.Labels.Nodes {
		p.Labels = append(p.Labels, l.Name)
	}
	for _, r := range a.Requests.Nodes {
		if name := r.RequestedReviewer.name(); name != "" {
			p.Reviewers = append(p.Reviewers, name)
		}
	}
	for _, r := range a.RequestEvents.Nodes {
		if name := r.RequestedReviewer.name(); name != "" && !containsFold(p.Requested, name) {
			p.Requested = append(p.Requested, name)
		}
	}
	if a.Author != nil {
		p.Author = a.Author.Login
	}
	p.CrossRepository = a.IsCrossRepository
	if a.Comments.PageInfo.HasPreviousPage {
		p.CommentsBefore = a.Comments.PageInfo.StartCursor
	}
	for _, r := range a.LatestReviews.Nodes {
		if r.Author != nil {
			p.Reviewed = append(p.Reviewed, r.Author.Login)
		}
	}
	for _, c := range a.Comments.Nodes {
		p.Comments = append(p.Comments, Comment{ID: c.DatabaseID, Body: c.Body, CreatedAt: c.CreatedAt})
	}
	if n := a.Commits.Nodes; len(n) > 0 && n[0].Commit.StatusCheckRollup != nil {
		p.ChecksState = n[0].Commit.StatusCheckRollup.State
	}
	for _, n := range a.PRCommits.Nodes {
		p.Commits = append(p.Commits, n.Commit.Oid)
	}
	p.Queue = a.MergeQueueEntry.entry()
	return p
}

// ShipState reads the repository, the base's checks, the label, the hotfix's
// pull requests and (with configPath) the team's config on the base, in a single
// GraphQL request.
func (c *Client) ShipState(ctx context.Context, owner, name, head, base, label, configPath string) (*ShipState, error) {
	return c.ShipStateQuery(ctx, ShipQuery{Owner: owner, Name: name, Head: head, Base: base, Label: label, ConfigPath: configPath})
}

// ShipQuery is what ShipStateQuery asks about. ConfigRev is the base unless set:
// a hotfix of the exceptional process merges into a maintenance branch that holds
// the release's old copy, while the team's settings are the main line's.
type ShipQuery struct {
	Owner, Name, Head, Base, Label string
	ConfigRev, ConfigPath          string   // the config file to read, at that revision ("": none)
	Reviewers                      []string // user logins whose node IDs are needed
	// Files are more files to read at ConfigRev with the config (the templates
	// it may name), so that they need no request of their own.
	Files []string
	// Number reads that pull request (ShipState.ByNumber) instead of Head's:
	// a pull request named by the user (ship --pr).
	Number int
}

// onlyUnknowns reports whether every error of the ship query's answer says
// that something asked by name does not exist: a reviewer's login (under a
// reviewerN alias), or the pull request asked by number (GitHub answers
// NOT_FOUND at repository.byNumber, "Could not resolve to a PullRequest with
// the number of 99.").
func onlyUnknowns(err error) bool {
	ge, ok := err.(*api.GraphQLError)
	if !ok {
		return false
	}
	for _, e := range ge.Errors {
		if len(e.Path) == 0 {
			return false
		}
		reviewer := strings.HasPrefix(fmt.Sprint(e.Path[0]), "reviewer")
		number := len(e.Path) >= 2 && fmt.Sprint(e.Path[0]) == "repository" && fmt.Sprint(e.Path[1]) == "byNumber" && e.Type == "NOT_FOUND"
		if !reviewer && !number {
			return false
		}
	}
	return true
}

// ShipStateQuery is ShipState with everything it can ask for in the same request.
func (c *Client) ShipStateQuery(ctx context.Context, q ShipQuery) (*ShipState, error) {
	owner, name := q.Owner, q.Name
	if q.ConfigRev == "" {
		q.ConfigRev = q.Base
	}
	var out struct {
		Repository *struct {
			ID                 string
			HasIssuesEnabled   bool
			AutoMergeAllowed   bool
			MergeCommitAllowed bool
			SquashMergeAllowed bool
			RebaseMergeAllowed bool
			Base               *struct {
				Rules  RuleNodes
				Target struct {
					commitChecks
					History struct {
						Nodes []struct {
							Oid             string
							MessageHeadline string
							Parents         struct{ Nodes []struct{ Oid string } }
						}
					}
					Recent struct {
						Nodes []struct {
							Oid         string
							CheckSuites struct {
								Nodes []struct {
									Status, Conclusion string
									Branch             *struct{ Name string }
									WorkflowRun        *struct {
										DatabaseID int64 `json:"databaseId"`
										URL, Event string
										CreatedAt  time.Time
										File       *struct{ Path string }
									}
								}
							}
						}
					}
				}
			}
			HeadRef *struct {
				Target struct{ Oid string }
			}
			Labels       LabelNodes
			PullRequests struct{ Nodes []APIPull }
			ByNumber     *struct {
				APIPull
				HeadRefName    string
				Body           string
				HeadRepository *struct{ NameWithOwner string }
			}
			Config    *struct{ Text *string }
			Workflows *struct {
				Entries []struct {
					Path   string
					Object *struct{ Text *string }
				}
			}
			LatestRelease *struct {
				TagName   string
				TagCommit *struct{ Oid string }
			}
		}
	}
	vars := map[string]any{"owner": owner, "name": name, "head": q.Head, "headRef": "refs/heads/" + q.Head,
		"base": "refs/heads/" + q.Base, "label": q.Label, "config": q.ConfigRev + ":" + q.ConfigPath, "withConfig": q.ConfigPath != "",
		"workflows": q.Base + ":.github/workflows",
		"withHead":  q.Number == 0, "number": q.Number, "byNumber": q.Number > 0}
	// Reviewers' node IDs come in the same request, under aliases.
	query := shipQuery
	var decls, fields strings.Builder
	for i, login := range q.Reviewers {
		fmt.Fprintf(&decls, ", $r%d: String!", i)
		fmt.Fprintf(&fields, "\n  reviewer%d: user(login: $r%d) { id login }", i, i)
		vars[fmt.Sprintf("r%d", i)] = login
	}
	// Files at the config's revision come under aliases of the repository.
	var files strings.Builder
	for i, path := range q.Files {
		fmt.Fprintf(&decls, ", $file%d: String!", i)
		fmt.Fprintf(&files, "\n    file%d: object(expression: $file%d) { ... on Blob { text } }", i, i)
		vars[fmt.Sprintf("file%d", i)] = q.ConfigRev + ":" + path
	}
	if len(q.Reviewers) > 0 || len(q.Files) > 0 {
		query = strings.Replace(query, "$byNumber: Boolean!)", "$byNumber: Boolean!"+decls.String()+")", 1)
		query = strings.Replace(query, "\n  repository(owner: $owner, name: $name) {", fields.String()+"\n  repository(owner: $owner, name: $name) {"+files.String(), 1)
	}
	reviewers := map[string]*struct{ ID, Login string }{}
	var fileTexts map[string]string
	var raw map[string]json.RawMessage
	err := c.GraphQL(ctx, query, vars, &raw)
	if err != nil && onlyUnknowns(err) {
		err = nil // an unknown login or pull request number: reported below, not a failure to read
	}
	if err == nil {
		if r, ok := raw["repository"]; ok {
			if uerr := json.Unmarshal(r, &out.Repository); uerr != nil {
				return nil, fmt.Errorf("%w: GraphQL data: %v", ErrBadAnswer, uerr)
			}
			if len(q.Files) > 0 {
				var aliased map[string]json.RawMessage
				_ = json.Unmarshal(r, &aliased)
				fileTexts = map[string]string{}
				for i, path := range q.Files {
					var f *struct{ Text *string }
					if json.Unmarshal(aliased[fmt.Sprintf("file%d", i)], &f) == nil && f != nil && f.Text != nil {
						fileTexts[path] = *f.Text
					}
				}
			}
		}
		for i, login := range q.Reviewers {
			var u *struct{ ID, Login string }
			_ = json.Unmarshal(raw[fmt.Sprintf("reviewer%d", i)], &u)
			reviewers[login] = u
		}
		if out.Repository == nil {
			return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", owner, name)
		}
	}
	if err != nil {
		if IsNotFound(err) {
			return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", owner, name)
		}
		return nil, err
	}
	r := out.Repository
	st := &ShipState{RepoID: r.ID, AutoMergeAllowed: r.AutoMergeAllowed, ReviewerIDs: map[string]string{},
		IssuesEnabled: r.HasIssuesEnabled, Files: fileTexts}
	st.LabelID, st.LabelName, st.LabelExists = r.Labels.Find(q.Label)
	for _, m := range []struct {
		name    string
		allowed bool
	}{{"merge", r.MergeCommitAllowed}, {"squash", r.SquashMergeAllowed}, {"rebase", r.RebaseMergeAllowed}} {
		if m.allowed {
			st.MergeMethods = append(st.MergeMethods, m.name)
		}
	}
	for _, login := range q.Reviewers {
		if u := reviewers[login]; u != nil && u.ID != "" {
			st.ReviewerIDs[login] = u.ID
		} else {
			st.UnknownReviewers = append(st.UnknownReviewers, login)
		}
	}
	if r.HeadRef != nil {
		st.HeadTip = r.HeadRef.Target.Oid
	}
	if r.Base != nil {
		st.BaseFound = true
		st.MergeRules = r.Base.Rules.MergeRules()
		st.Queue = r.Base.Rules.Queue()
		st.RequiredApprovals, st.RequiredChecks = r.Base.Rules.RequiredApprovals(), r.Base.Rules.RequiredChecks()
		st.BaseChecks = r.Base.Target.toChecks()
		for _, n := range r.Base.Target.History.Nodes {
			hc := HistoryCommit{SHA: n.Oid, Headline: n.MessageHeadline}
			for _, p := range n.Parents.Nodes {
				hc.Parents = append(hc.Parents, p.Oid)
			}
			st.BaseHistory = append(st.BaseHistory, hc)
		}
	}
	if r.Base != nil {
		st.RecentRuns = map[string][]CommitRun{}
		for _, n := range r.Base.Target.Recent.Nodes {
			st.RecentCommits = append(st.RecentCommits, n.Oid)
			for _, cs := range n.CheckSuites.Nodes {
				wr := cs.WorkflowRun
				if wr == nil || wr.File == nil || cs.Branch == nil {
					continue
				}
				st.RecentRuns[n.Oid] = append(st.RecentRuns[n.Oid], CommitRun{
					Path: wr.File.Path, Branch: cs.Branch.Name,
					Run: Run{ID: wr.DatabaseID, HTMLURL: wr.URL, Event: wr.Event, CreatedAt: wr.CreatedAt, HeadSHA: n.Oid,
						HeadBranch: cs.Branch.Name, Status: strings.ToLower(cs.Status), Conclusion: strings.ToLower(cs.Conclusion)}})
			}
		}
	}
	st.Workflows = map[string]string{}
	if r.Workflows != nil {
		for _, e := range r.Workflows.Entries {
			if e.Object != nil && e.Object.Text != nil {
				st.Workflows[e.Path] = *e.Object.Text
			}
		}
	}
	if lr := r.LatestRelease; lr != nil {
		st.LatestReleaseTag = lr.TagName
		if lr.TagCommit != nil {
			st.LatestReleaseSHA = lr.TagCommit.Oid
		}
	}
	for i := range r.PullRequests.Nodes {
		if r.PullRequests.Nodes[i].IsCrossRepository {
			// A fork's branch of the same name: not the branch ship pushes, never ours.
			continue
		}
		st.Pulls = append(st.Pulls, r.PullRequests.Nodes[i].ToPull())
	}
	if r.Config != nil {
		st.Config = r.Config.Text
	}
	if bn := r.ByNumber; bn != nil {
		p := bn.ToPull()
		st.ByNumber = &NumberedPull{PullRequest: p, HeadRefName: bn.HeadRefName, Body: bn.Body}
		if bn.HeadRepository != nil {
			st.ByNumber.HeadRepo = bn.HeadRepository.NameWithOwner
		}
	}
	return st, nil
}

// PullFragment is the "pull" fragment: what ship reads of a pull request.
const PullFragment = `fragment pull on PullRequest {` + pullFields + `
}`

// NewPullFragment is the "pull" fragment for a pull request just opened: what is
// known of it without asking GitHub to compute more (checks, comments and commits
// come with the next read of the pull request). Its merge state, which GitHub has to
// compute, is read only when the operation's $withMergeState says so (for --auto).
const NewPullFragment = `fragment pull on PullRequest {
  id number url title state createdAt isDraft baseRefName headRefOid
  author { login }
  mergeStateStatus @include(if: $withMergeState)
  autoMergeRequest { mergeMethod }
  labels(first: 50) { nodes { name } }
}`

const pullQuery = `query HotfixPull($id: ID!) { node(id: $id) { ...pull } }
` + PullFragment

// Pull re-reads one pull request by node ID.
func (c *Client) Pull(ctx context.Context, id string) (PullRequest, error) {
	var out struct{ Node *APIPull }
	if err := c.GraphQL(ctx, pullQuery, map[string]any{"id": id}, &out); err != nil {
		return PullRequest{}, err
	}
	if out.Node == nil {
		return PullRequest{}, fmt.Errorf("pull request %s not found", id)
	}
	return out.Node.ToPull(), nil
}

const mergeStateQuery = `query HotfixMergeState($id: ID!) {
  node(id: $id) { ... on PullRequest { state mergeStateStatus mergeCommit { oid } autoMergeRequest { mergeMethod } } }
}`

// MergeState is what GitHub says of a pull request's mergeability right now.
type MergeState struct {
	State     string // OPEN, CLOSED, MERGED
	Status    string // mergeStateStatus: CLEAN, BLOCKED, UNKNOWN, ...
	Merge     string // the merge commit, once merged
	AutoMerge string // merge method when auto-merge is enabled
}

// PullMergeState re-reads a pull request's merge state, in a request of its own
// (for --auto while GitHub computes mergeability in the background).
func (c *Client) PullMergeState(ctx context.Context, id string) (MergeState, error) {
	var out struct {
		Node *struct {
			State            string
			MergeStateStatus string
			MergeCommit      *struct{ Oid string }
			AutoMergeRequest *struct{ MergeMethod string }
		}
	}
	if err := c.GraphQL(ctx, mergeStateQuery, map[string]any{"id": id}, &out); err != nil {
		return MergeState{}, err
	}
	if out.Node == nil {
		return MergeState{}, fmt.Errorf("pull request %s not found", id)
	}
	ms := MergeState{State: out.Node.State, Status: out.Node.MergeStateStatus}
	if out.Node.MergeCommit != nil {
		ms.Merge = out.Node.MergeCommit.Oid
	}
	if out.Node.AutoMergeRequest != nil {
		ms.AutoMerge = strings.ToLower(out.Node.AutoMergeRequest.MergeMethod)
	}
	return ms, nil
}

const waitStateQuery = `query HotfixWaitState($id: ID!) {
  node(id: $id) { ... on PullRequest { state isDraft mergeStateStatus reviewDecision
    reviewRequests(first: 20) { nodes { requestedReviewer { __typename ... on User { login } ... on Team { slug organization { login } } } } }
    commits(last: 1) { nodes { commit { ...checks } } }
    approvals: latestOpinionatedReviews(first: 100, writersOnly: true) { nodes { state } }
    mergeQueueEntry ` + queueEntryFields + `
    queueEvents: timelineItems(itemTypes: [ADDED_TO_MERGE_QUEUE_EVENT, REMOVED_FROM_MERGE_QUEUE_EVENT], last: 1) {
      nodes { __typename ... on AddedToMergeQueueEvent { id }
        ... on RemovedFromMergeQueueEvent { id reason createdAt actor { login } } } } } }
}
` + checksFragment

// WaitState is what a pull request waits for before it can be merged.
type WaitState struct {
	State          string // OPEN, CLOSED, MERGED
	Draft          bool
	MergeState     string   // mergeStateStatus: CLEAN, BLOCKED, UNSTABLE, DIRTY, BEHIND, UNKNOWN, ...
	ReviewDecision string   // REVIEW_REQUIRED, CHANGES_REQUESTED, APPROVED, or "" when no review is required
	Requested      []string // reviewers asked who have not reviewed yet: logins and org/team
	Checks         Checks   // the head commit's checks
	Approvals      int      // approving reviews that count (the latest of each reviewer with write access)
	// Required is the approving reviews the base's rules require, when the
	// caller knows it (ShipState.RequiredApprovals; 0: not known or none).
	Required int
	// Queue is its place in the merge queue (nil: not queued). QueueEvent is
	// the ID of its latest AddedToMergeQueueEvent or RemovedFromMergeQueueEvent
	// ("" for none), and Removed that event when it is a removal without a
	// merge (it has a reason): the pull request left the queue unmerged since
	// it last joined.
	Queue      *QueueEntry
	QueueEvent string
	Removed    *QueueRemoval
}

// PullWaitState reads, in one request, what pull request id waits for: its
// checks, the reviews asked and required, and its mergeability.
func (c *Client) PullWaitState(ctx context.Context, id string) (WaitState, error) {
	var out struct {
		Node *struct {
			State            string
			IsDraft          bool
			MergeStateStatus string
			ReviewDecision   string
			ReviewRequests   struct {
				Nodes []struct{ RequestedReviewer *requestedReviewer }
			}
			Commits struct {
				Nodes []struct{ Commit commitChecks }
			}
			Approvals struct {
				Nodes []struct{ State string }
			}
			MergeQueueEntry *apiQueueEntry
			QueueEvents     struct {
				Nodes []struct {
					Typename  string `json:"__typename"`
					ID        string
					Reason    *string
					CreatedAt time.Time
					Actor     *struct{ Login string }
				}
			}
		}
	}
	if err := c.GraphQL(ctx, waitStateQuery, map[string]any{"id": id}, &out); err != nil {
		return WaitState{}, err
	}
	n := out.Node
	if n == nil {
		return WaitState{}, fmt.Errorf("pull request %s not found", id)
	}
	ws := WaitState{State: n.State, Draft: n.IsDraft, MergeState: n.MergeStateStatus, ReviewDecision: n.ReviewDecision}
	for _, r := range n.ReviewRequests.Nodes {
		if name := r.RequestedReviewer.name(); name != "" {
			ws.Requested = append(ws.Requested, name)
		}
	}
	if len(n.Commits.Nodes) > 0 {
		ws.Checks = n.Commits.Nodes[0].Commit.toChecks()
	}
	for _, r := range n.Approvals.Nodes {
		if r.State == "APPROVED" {
			ws.Approvals++
		}
	}
	ws.Queue = n.MergeQueueEntry.entry()
	if ev := n.QueueEvents.Nodes; len(ev) > 0 {
		last := ev[len(ev)-1]
		ws.QueueEvent = last.ID
		// A removal without a reason is the queue's own, on a merge.
		if last.Typename == "RemovedFromMergeQueueEvent" && last.Reason != nil {
			ws.Removed = &QueueRemoval{Reason: *last.Reason, At: last.CreatedAt}
			if last.Actor != nil {
				ws.Removed.Actor = last.Actor.Login
			}
		}
	}
	return ws, nil
}

const earlierCommentsQuery = `query HotfixComments($id: ID!, $before: String!) {
  node(id: $id) { ... on PullRequest { comments(last: 100, before: $before) {
    pageInfo { hasPreviousPage startCursor } nodes { databaseId body createdAt } } } }
}`

// commentPage is a page of a pull request's comments, newest last, with the
// cursor to the older ones.
type commentPage struct {
	PageInfo struct {
		HasPreviousPage bool
		StartCursor     string
	}
	Nodes []struct {
		DatabaseID int64 `json:"databaseId"`
		Body       string
		CreatedAt  time.Time
	}
}

// maxCommentPages bounds the reading of a long thread: 100 pages of 100 comments.
const maxCommentPages = 100

// EarlierComments reads every comment of pull request id before cursor, oldest
// first, a page of 100 per request: what a busy thread (bots) has beyond the
// last 100 comments read with the pull request.
func (c *Client) EarlierComments(ctx context.Context, id, cursor string) ([]Comment, error) {
	var all []Comment
	for page := 0; cursor != ""; page++ {
		if page == maxCommentPages {
			return nil, fmt.Errorf("pull request %s has more than %d comments", id, maxCommentPages*100)
		}
		var out struct {
			Node *struct{ Comments commentPage }
		}
		if err := c.GraphQL(ctx, earlierCommentsQuery, map[string]any{"id": id, "before": cursor}, &out); err != nil {
			return nil, err
		}
		if out.Node == nil {
			return nil, fmt.Errorf("pull request %s not found", id)
		}
		var chunk []Comment
		for _, n := range out.Node.Comments.Nodes {
			chunk = append(chunk, Comment{ID: n.DatabaseID, Body: n.Body, CreatedAt: n.CreatedAt})
		}
		all = append(chunk, all...)
		cursor = ""
		if out.Node.Comments.PageInfo.HasPreviousPage {
			cursor = out.Node.Comments.PageInfo.StartCursor
		}
	}
	return all, nil
}

// RESTPull is the REST view of a pull request used while polling.
type RESTPull struct {
	Number         int        `json:"number"`
	NodeID         string     `json:"node_id"`
	HTMLURL        string     `json:"html_url"`
	State          string     `json:"state"`
	Merged         bool       `json:"merged"`
	MergedAt       *time.Time `json:"merged_at"`
	MergeCommitSHA string     `json:"merge_commit_sha"`
	MergeableState string     `json:"mergeable_state"`
	Head           struct {
		SHA string `json:"sha"`
	} `json:"head"`
}

// Poller re-reads a REST resource with conditional requests: an unchanged
// resource costs a 304, which GitHub does not count against the rate limit.
type Poller struct {
	c    *Client
	path string
	etag string
}

// NewPoller polls path (a REST path).
func (c *Client) NewPoller(path string) *Poller { return &Poller{c: c, path: path} }

// Poll fetches the resource into out; changed is false (and out untouched) on a 304.
func (p *Poller) Poll(ctx context.Context, out any) (changed bool, err error) {
	hdr := http.Header{}
	if p.etag != "" {
		hdr.Set("If-None-Match", p.etag)
	}
	resp, err := p.c.RESTWithHeaders(ctx, "GET", p.path, hdr, nil, out)
	if err != nil {
		return false, err
	}
	if resp.Status == http.StatusNotModified {
		return false, nil
	}
	p.etag = resp.Header.Get("ETag")
	return true, nil
}

// Run is a workflow run.
type Run struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Number     int       `json:"run_number"` // the run's number in its workflow, as the Actions tab shows it (#N)
	Path       string    `json:"path"`       // the workflow file, .github/workflows/release.yml
	HTMLURL    string    `json:"html_url"`
	Status     string    `json:"status"`
	Conclusion string    `json:"conclusion"`
	HeadBranch string    `json:"head_branch"`
	HeadSHA    string    `json:"head_sha"`
	Event      string    `json:"event"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// RunAttempt counts the run's attempts (1, then 2 after a re-run), and
	// RunStartedAt is when the latest attempt started.
	RunAttempt   int       `json:"run_attempt"`
	RunStartedAt time.Time `json:"run_started_at"`
}

// Succeeded reports whether the run finished and succeeded.
func (r Run) Succeeded() bool { return r.Status == "completed" && r.Conclusion == "success" }

// Failed reports whether the run finished without succeeding: failure,
// cancelled, timed_out, action_required, startup_failure, stale, skipped or neutral.
func (r Run) Failed() bool { return r.Status == "completed" && r.Conclusion != "success" }

// FailedJob is a job of a run that did not succeed, with its first failed step.
type FailedJob struct {
	Name, Conclusion, Step, URL string
}

// FailedJobs lists the jobs of a run's latest attempt that did not succeed
// (GET …/actions/runs/{run_id}/jobs?filter=latest), for saying what failed.
func (c *Client) FailedJobs(ctx context.Context, owner, name string, runID int64) ([]FailedJob, error) {
	var out struct {
		Jobs []struct {
			Name       string `json:"name"`
			Conclusion string `json:"conclusion"`
			HTMLURL    string `json:"html_url"`
			Steps      []struct {
				Name       string `json:"name"`
				Conclusion string `json:"conclusion"`
			} `json:"steps"`
		} `json:"jobs"`
	}
	path := fmt.Sprintf("repos/%s/%s/actions/runs/%d/jobs?filter=latest&per_page=100", owner, name, runID)
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, err
	}
	var failed []FailedJob
	for _, j := range out.Jobs {
		if j.Conclusion == "" || j.Conclusion == "success" || j.Conclusion == "skipped" {
			continue
		}
		f := FailedJob{Name: j.Name, Conclusion: j.Conclusion, URL: j.HTMLURL}
		for _, st := range j.Steps {
			if st.Conclusion == "failure" || st.Conclusion == "cancelled" || st.Conclusion == "timed_out" {
				f.Step = st.Name
				break
			}
		}
		failed = append(failed, f)
	}
	return failed, nil
}

// RerunFailedJobs re-runs the failed jobs of a completed run, and the jobs that
// depend on them, as a new attempt of the same run at the same commit
// (https://docs.github.com/en/rest/actions/workflow-runs#re-run-failed-jobs-from-a-workflow-run).
func (c *Client) RerunFailedJobs(ctx context.Context, owner, name string, runID int64) error {
	return c.REST(ctx, "POST", fmt.Sprintf("repos/%s/%s/actions/runs/%d/rerun-failed-jobs", owner, name, runID), map[string]any{}, nil)
}

// DispatchRuns lists workflow_dispatch runs of a workflow on branch created at or
// after since, by GitHub's clock (since must come from GitHub's own timestamps,
// such as a comment's created_at, never from the local clock), newest first as
// GitHub lists them.
func (c *Client) DispatchRuns(ctx context.Context, owner, name, workflow, branch string, since time.Time) ([]Run, error) {
	return c.listRuns(ctx, owner, name, workflow, branch, "workflow_dispatch", since)
}

// WorkflowRuns lists the runs of a workflow on branch, whatever their event
// (push, workflow_dispatch, …), created at or after since by GitHub's clock,
// newest first: one page of 20.
func (c *Client) WorkflowRuns(ctx context.Context, owner, name, workflow, branch string, since time.Time) ([]Run, error) {
	return c.listRuns(ctx, owner, name, workflow, branch, "", since)
}

// listRuns lists one page of 20 runs of a workflow on branch, of one event
// ("" for any), created at or after since.
func (c *Client) listRuns(ctx context.Context, owner, name, workflow, branch, event string, since time.Time) ([]Run, error) {
	q := url.Values{}
	if event != "" {
		q.Set("event", event)
	}
	q.Set("branch", branch)
	q.Set("per_page", "20")
	if !since.IsZero() {
		q.Set("created", ">="+since.UTC().Format(time.RFC3339))
	}
	var out struct {
		Runs []Run `json:"workflow_runs"`
	}
	path := fmt.Sprintf("repos/%s/%s/actions/workflows/%s/runs?%s", owner, name, url.PathEscape(workflow), q.Encode())
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return nil, err
	}
	return out.Runs, nil
}

// Contains reports whether commit descendant contains commit ancestor (the same
// commit counts), by GitHub's compare of the two: "identical" or "ahead" mean
// ancestor is in descendant's history; "behind" and "diverged" mean it is not.
// One request; the commit list is not needed, so a page of one is asked for.
func (c *Client) Contains(ctx context.Context, owner, name, ancestor, descendant string) (bool, error) {
	if ancestor == descendant {
		return true, nil
	}
	var cmp struct {
		Status string `json:"status"`
	}
	path := fmt.Sprintf("repos/%s/%s/compare/%s...%s?per_page=1", owner, name, url.PathEscape(ancestor), url.PathEscape(descendant))
	if err := c.REST(ctx, "GET", path, nil, &cmp); err != nil {
		var he *api.HTTPError
		if errors.As(err, &he) && he.StatusCode == http.StatusNotFound {
			// No common ancestor, or a commit GitHub no longer has: not contained.
			return false, nil
		}
		return false, err
	}
	switch cmp.Status {
	case "identical", "ahead":
		return true, nil
	case "behind", "diverged":
		return false, nil
	}
	return false, fmt.Errorf("comparing %s with %s: unexpected status %q", ancestor, descendant, cmp.Status)
}

// RunPath is the REST path of a run.
func RunPath(owner, name string, id int64) string {
	return fmt.Sprintf("repos/%s/%s/actions/runs/%s", owner, name, strconv.FormatInt(id, 10))
}

// WorkflowRun reads one workflow run (one request).
func (c *Client) WorkflowRun(ctx context.Context, owner, name string, id int64) (Run, error) {
	var run Run
	err := c.REST(ctx, "GET", RunPath(owner, name, id), nil, &run)
	return run, err
}

// WorkflowState reads the state GitHub keeps for a workflow: "active", or
// "disabled_manually" (the Actions tab's "Disable workflow"), "disabled_inactivity"
// (scheduled workflows of a repository without activity for 60 days),
// "disabled_fork"; a disabled workflow's dispatch answers 422 "Cannot trigger a
// 'workflow_dispatch' on a disabled workflow"
// (https://docs.github.com/en/rest/actions/workflows#get-a-workflow,
// https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/disabling-and-enabling-a-workflow).
// GraphQL's Workflow.state is reachable only from a run or a node ID, so this is
// one REST request. workflow is the file name or the workflow's ID.
func (c *Client) WorkflowState(ctx context.Context, owner, name, workflow string) (string, error) {
	var out struct {
		State string `json:"state"`
	}
	path := fmt.Sprintf("repos/%s/%s/actions/workflows/%s", owner, name, url.PathEscape(workflow))
	if err := c.REST(ctx, "GET", path, nil, &out); err != nil {
		return "", err
	}
	return out.State, nil
}

const unreleasedQuery = `query HotfixUnreleased($owner: String!, $name: String!, $base: String!, $label: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(labels: [$label], states: MERGED, baseRefName: $base, last: 30) {
      nodes { number title url headRefName isCrossRepository body mergeCommit { oid } comments(last: 100) { nodes { body } } }
    }
  }
}`

// Unreleased is a merged hotfix pull request with no release recorded.
type Unreleased struct {
	Number     int
	Title, URL string
	Head       string // the hotfix branch, which may be gone
}

// UnreleasedHotfixes lists the merged hotfix pull requests into base (the last
// 30) whose comments record no release of their merge commit, oldest first: what
// ship on the base branch offers to release. A forward-port (known by the record
// in its body) carries the hotfix label but is no hotfix: the main line's next
// release ships it. One request.
func (c *Client) UnreleasedHotfixes(ctx context.Context, owner, name, base, label string, released func(body, mergeSHA string) bool) ([]Unreleased, error) {
	var out struct {
		Repository *struct {
			PullRequests struct {
				Nodes []struct {
					Number            int
					Title, URL        string
					HeadRefName       string
					IsCrossRepository bool
					Body              string
					MergeCommit       *struct{ Oid string }
					Comments          struct{ Nodes []struct{ Body string } }
				}
			}
		}
	}
	vars := map[string]any{"owner": owner, "name": name, "base": base, "label": label}
	if err := c.GraphQL(ctx, unreleasedQuery, vars, &out); err != nil {
		return nil, err
	}
	if out.Repository == nil {
		return nil, nil
	}
	var list []Unreleased
	for _, p := range out.Repository.PullRequests.Nodes {
		if p.MergeCommit == nil || p.IsCrossRepository {
			continue
		}
		if fp, ok := hotfix.ParseForwardPort(p.Body); ok && !fp.NotNeeded {
			continue
		}
		done := false
		for _, cm := range p.Comments.Nodes {
			if released(cm.Body, p.MergeCommit.Oid) {
				done = true
				break
			}
		}
		if !done {
			list = append(list, Unreleased{Number: p.Number, Title: p.Title, URL: p.URL, Head: p.HeadRefName})
		}
	}
	return list, nil
}

// CommitRun is a workflow run read through a commit's check suites.
type CommitRun struct {
	Path   string // the workflow file, e.g. .github/workflows/release.yml
	Branch string
	Run    Run
}

// RunsCovering returns the runs of the workflow at path on branch that contain
// merge: the runs on the commits from the base's tip down to merge itself,
// oldest commit first. ok is false when merge is not among the commits read.
func (st *ShipState) RunsCovering(path, branch, merge string) (runs []Run, ok bool) {
	at := -1
	for i, c := range st.RecentCommits {
		if c == merge {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, false
	}
	for i := at; i >= 0; i-- {
		for _, cr := range st.RecentRuns[st.RecentCommits[i]] {
			if cr.Path == path && cr.Branch == branch {
				runs = append(runs, cr.Run)
			}
		}
	}
	return runs, true
}
