package emulator

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// store is the emulator's GitHub state. Branches, commits and file contents live
// in the bare repositories; everything GitHub keeps beside git lives here.
// One mutex guards it all: the emulator favours obvious consistency over throughput.
type store struct {
	mu     sync.Mutex
	root   string
	now    func() time.Time
	nextID int64
	users  map[string]*user // by lower-case login
	tokens map[string]string
	repos  map[string]*repo // by lower-case "owner/name"
	orgs   map[string]*org  // by lower-case login; each also has a user of Type "Organization"
	// defaultLogin is who an unknown token authenticates as, unless
	// defaultToken is set: then only it authenticates as defaultLogin.
	defaultLogin string
	defaultToken string
	// mergeDelay is how long GitHub's background job takes to compute a pull
	// request's mergeability after it is opened or its head or base moves
	// (control API /_emulator/mergeability).
	mergeDelay time.Duration
}

type user struct {
	ID    int64
	Login string
	Type  string // "User" or "Organization"
	// Emails are the user's verified email addresses (set with the control API),
	// by which GitHub links commits to the user.
	Emails []string
}

type repo struct {
	st                  *store // the store holding it, for its clock (advanceRun)
	ID                  int64
	Owner, Name         string
	Description         string
	Private             bool
	DefaultBranch       string
	AllowAutoMerge      bool
	AllowMergeCommit    bool
	AllowSquashMerge    bool
	AllowRebaseMerge    bool
	DeleteBranchOnMerge bool
	// IssuesDisabled is has_issues turned off (Settings → Features → Issues):
	// opening an issue is then refused with 410 Gone.
	IssuesDisabled bool
	CreatedAt      time.Time
	PushedAt       time.Time
	git            *bareRepo
	// Parent is the repository this one was forked from; nil when it is not a fork.
	Parent *repo

	issues    []*issue // issues and pull requests share numbers; issues[n-1] is #n
	labels    []*label
	statuses  []*commitStatus
	checkRuns []*checkRun
	comments  []*comment
	workflows map[string]*workflow // by path
	runs      []*workflowRun
	// branchTips are the branches as last seen (noteBranchMoves): a branch
	// created or moved since starts its push runs.
	branchTips map[string]string
	releases   []*release
	// latestRelease is the release marked Latest (0: none marked yet).
	latestRelease int64
	protection    map[string]*protection // by branch
	// rulesets are the repository's rulesets, oldest first (rulesets.go).
	rulesets []*ruleset
	// mq are the merge queues of the branches with a merge_queue rule (mergequeue.go).
	mq *mergeQueues
	// collaborators are the users given access directly, by lower-case login,
	// with their permission (pull, triage, push, maintain, admin).
	collaborators map[string]string
	// environments are the repository's deployment environments, oldest first (environments.go).
	environments []*environment

	// Emulator settings GitHub has no API for (control API).
	autoRuns *autoRunSetting
	reviewer *reviewerSetting
	// noRunDetails makes dispatch refuse return_run_details, as GHES before 3.21 does.
	noRunDetails bool
}

// reviewerSetting makes the emulator act as a teammate: it approves and merges
// open pull requests carrying Label once they are After old.
type reviewerSetting struct {
	After  time.Duration
	Label  string
	Method string
	Login  string
}

func (r *repo) fullName() string { return r.Owner + "/" + r.Name }

type label struct {
	ID          int64
	Name        string
	Color       string
	Description string
	Default     bool
}

type issue struct {
	ID        int64
	Number    int
	Title     string
	Body      string
	State     string // "open" or "closed"
	User      string
	Labels    []string // names as stored in repo.labels
	Assignees []string
	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  *time.Time
	pr        *pull
}

type pull struct {
	Head, Base string
	// Author is who opened it (the issue's User).
	Author string
	// HeadRepo is the fork the head branch lives in, for a cross-repository pull
	// request; nil when the head branch is in the base repository.
	HeadRepo           *repo
	HeadSHA            string // tip when the PR closed or merged; live tip otherwise
	Draft              bool
	Merged             bool
	MergedAt           *time.Time
	MergedBy           string
	MergeCommitSHA     string
	RequestedReviewers []string
	RequestedTeams     []string // slugs of teams of the repository's organization
	Reviews            []*review
	// requestEvents are the pull request's ReviewRequestedEvent and
	// ReviewRequestRemovedEvent timeline items, oldest first.
	requestEvents []*requestEvent
	AutoMerge     *autoMerge
	// mergeKey is the base and head the shown mergeability was computed for;
	// mergeReadyAt is when GitHub's background job has it (see shownMergeState).
	mergeKey     string
	mergeReadyAt time.Time
	// seenHead is the head last seen by notePullPushes, lastPusher who moved
	// it there (the author when it was opened).
	seenHead, lastPusher string
}

type review struct {
	ID          int64
	User        string
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	Body        string
	CommitID    string
	SubmittedAt time.Time
}

type autoMerge struct {
	Method    string // merge, squash, rebase
	EnabledBy string
	EnabledAt time.Time
}

type commitStatus struct {
	ID          int64
	SHA         string
	State       string // error, failure, pending, success
	Context     string
	Description string
	TargetURL   string
	Creator     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

type checkRun struct {
	ID          int64
	HeadSHA     string
	Name        string
	Status      string // queued, in_progress, completed
	Conclusion  string
	DetailsURL  string
	StartedAt   time.Time
	CompletedAt *time.Time
	// run is set on the check run of a workflow run's job (runCheck).
	run *workflowRun
}

type comment struct {
	ID        int64
	Issue     int
	User      string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// latest is the repository's Latest release: the one marked so, while it is
// published and not a prerelease, else the newest published one. REST docs,
// "Create a release", make_latest: "Specifies whether this release should be
// set as the latest release for the repository. Drafts and prereleases cannot be
// set as latest. Defaults to true for newly published releases."
func (r *repo) latest() *release {
	for _, rel := range r.releases {
		if rel.ID == r.latestRelease && !rel.Draft && !rel.Prerelease {
			return rel
		}
	}
	for i := len(r.releases) - 1; i >= 0; i-- {
		if rel := r.releases[i]; !rel.Draft && !rel.Prerelease {
			return rel
		}
	}
	return nil
}

type release struct {
	ID          int64
	TagName     string
	Target      string
	Name        string
	Body        string
	Draft       bool
	Prerelease  bool
	Author      string
	CreatedAt   time.Time
	PublishedAt time.Time
	Assets      []*asset
}

type asset struct {
	ID          int64
	Name        string
	ContentType string
	Data        []byte
	CreatedAt   time.Time
}

// protection is a branch's classic branch protection (protection.go), as
// "Update branch protection" takes it.
type protection struct {
	// ChecksRequired is required_status_checks given (not null); its
	// contexts, the app each check must come from (nil: any), and strict.
	ChecksRequired   bool
	RequiredContexts []string
	CheckApps        []any
	Strict           bool
	// Reviews is required_pull_request_reviews given (not null): changes go
	// through pull requests, with RequiredApprovals approving reviews.
	Reviews                            bool
	RequiredApprovals                  int
	DismissStale, CodeOwners, LastPush bool
	EnforceAdmins                      bool
	Restrictions                       map[string]any // users, teams, apps as given; nil: none
	LinearHistory, ForcePushes         bool
	Deletions, BlockCreations          bool
	ConversationResolution, LockBranch bool
	ForkSyncing                        bool
	CreatedAt                          time.Time
}

type autoRunSetting struct {
	After      time.Duration // queued → completed after this long
	Conclusion string
}

func newStore(root string, now func() time.Time, defaultLogin, defaultToken string) *store {
	s := &store{root: root, now: now, nextID: 1000, users: map[string]*user{}, defaultToken: defaultToken,
		tokens: map[string]string{}, repos: map[string]*repo{}, orgs: map[string]*org{}, defaultLogin: defaultLogin, mergeDelay: defaultMergeDelay}
	s.ensureUser(defaultLogin)
	return s
}

func (s *store) id() int64 { s.nextID++; return s.nextID }

// readOnly memoizes git reads in every repository until the returned func is
// called; the caller holds the lock and must not change refs meanwhile.
func (s *store) readOnly() (done func()) {
	for _, r := range s.repos {
		r.git.memo = map[string]memoEntry{}
	}
	return func() {
		for _, r := range s.repos {
			r.git.memo = nil
		}
	}
}

func (s *store) ensureUser(login string) *user {
	if u, ok := s.users[strings.ToLower(login)]; ok {
		return u
	}
	u := &user{ID: s.id(), Login: login, Type: "User"}
	s.users[strings.ToLower(login)] = u
	return u
}

// commitUser is the user a commit's author email belongs to, as GitHub links
// them: a verified email address of the account, or its no-reply address
// (login@users.noreply.HOST or ID+login@users.noreply.HOST); nil for an address
// no account has ("Why are my commits linked to the wrong user?",
// docs.github.com/en/pull-requests/committing-changes-to-your-project/troubleshooting-commits/why-are-my-commits-linked-to-the-wrong-user).
func (s *store) commitUser(email string) *user {
	email = strings.ToLower(email)
	if local, ok := strings.CutSuffix(email, "@users.noreply."+Host); ok {
		if _, login, ok := strings.Cut(local, "+"); ok {
			local = login
		}
		return s.users[local]
	}
	for _, u := range s.users {
		for _, e := range u.Emails {
			if strings.EqualFold(e, email) {
				return u
			}
		}
	}
	return nil
}

// loginForToken is who a token authenticates as; ok is false for a token
// GitHub would not know (only when the emulator was given its Token).
func (s *store) loginForToken(token string) (login string, ok bool) {
	if l, ok := s.tokens[token]; ok {
		return l, true
	}
	if s.defaultToken != "" && token != s.defaultToken {
		return "", false
	}
	return s.defaultLogin, true
}

func (s *store) repo(owner, name string) *repo {
	return s.repos[strings.ToLower(owner+"/"+name)]
}

func (s *store) createRepo(owner, name, defaultBranch string, private bool) (*repo, error) {
	key := strings.ToLower(owner + "/" + name)
	if _, ok := s.repos[key]; ok {
		return nil, fmt.Errorf("name already exists on this account")
	}
	if defaultBranch == "" {
		defaultBranch = "main"
	}
	now := s.now()
	r := &repo{st: s, ID: s.id(), Owner: owner, Name: name, Private: private, DefaultBranch: defaultBranch,
		AllowMergeCommit: true, AllowSquashMerge: true, AllowRebaseMerge: true,
		CreatedAt: now, PushedAt: now,
		git:       &bareRepo{dir: filepath.Join(s.root, owner, name+".git")},
		workflows: map[string]*workflow{}, protection: map[string]*protection{}, branchTips: map[string]string{}, collaborators: map[string]string{}}
	if err := r.git.init(defaultBranch); err != nil {
		return nil, err
	}
	s.ensureUser(owner)
	s.repos[key] = r
	return r, nil
}

func (r *repo) issue(n int) *issue {
	if n < 1 || n > len(r.issues) {
		return nil
	}
	return r.issues[n-1]
}

// label finds a label ignoring case, as GitHub does for uniqueness: creating
// "hotfix" where "Hotfix" exists answers 422 with code already_exists (REST docs,
// "Create a label"; labels are unique by name without regard to case), and adding
// labels by name to an issue reuses the existing one.
func (r *repo) label(name string) *label {
	for _, l := range r.labels {
		if strings.EqualFold(l.Name, name) {
			return l
		}
	}
	return nil
}

func (r *repo) run(id int64) *workflowRun {
	for _, run := range r.runs {
		if run.ID == id {
			return run
		}
	}
	return nil
}

// headRepo is the repository holding the pull request's head branch: r itself,
// or the fork it comes from.
func (r *repo) headRepo(p *pull) *repo {
	if p.HeadRepo != nil {
		return p.HeadRepo
	}
	return r
}

// headSHA is the PR's head commit: the live branch tip while open, frozen afterwards.
func (r *repo) headSHA(p *pull) string {
	if p.Merged || p.HeadSHA == "" {
		return p.HeadSHA
	}
	if sha := r.headRepo(p).git.branchSHA(p.Head); sha != "" {
		return sha
	}
	return p.HeadSHA
}

// latestStatuses returns the newest status per context for a commit, sorted by context.
func (r *repo) latestStatuses(sha string) []*commitStatus {
	latest := map[string]*commitStatus{}
	for _, st := range r.statuses {
		if st.SHA == sha {
			latest[st.Context] = st
		}
	}
	list := make([]*commitStatus, 0, len(latest))
	for _, st := range latest {
		list = append(list, st)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Context < list[j].Context })
	return list
}

// checkRunsFor lists the check runs on sha: those created through the Checks
// API, then one per workflow run on that commit (runCheck).
func (r *repo) checkRunsFor(sha string) []*checkRun {
	var list []*checkRun
	for _, c := range r.checkRuns {
		if c.HeadSHA == sha {
			list = append(list, c)
		}
	}
	for _, run := range r.runsOn(sha) {
		list = append(list, runCheck(r, run))
	}
	return list
}

// runsOn lists the workflow runs whose head_sha is sha, moved along by time
// first (advanceRun) so their checks read as the runs do.
func (r *repo) runsOn(sha string) []*workflowRun {
	var list []*workflowRun
	for _, run := range r.runs {
		if run.HeadSHA == sha {
			r.st.advanceRun(r, run)
			list = append(list, run)
		}
	}
	return list
}

// runCheck is the check run GitHub Actions reports for a run's job. Each job of
// a workflow run is a check run (REST docs, "Workflow jobs": a job's
// check_run_url, https://docs.github.com/en/rest/actions/workflow-jobs; "each
// job of a workflow already creates a Check Run", LouisBrunner/checks-action),
// in the check suite of its run (REST docs, "Workflow runs": a run's
// check_suite_id, https://docs.github.com/en/rest/actions/workflow-runs), named
// after the job; GitHub creates it with the run, queued, and moves it with the run.
func runCheck(r *repo, run *workflowRun) *checkRun {
	started := run.StartedAt
	if started.IsZero() {
		started = run.CreatedAt
	}
	return &checkRun{ID: run.JobID, HeadSHA: run.HeadSHA, Name: run.JobName, Status: run.Status,
		Conclusion: run.Conclusion, StartedAt: started, CompletedAt: run.CompletedAt, run: run,
		DetailsURL: fmt.Sprintf("%s/%s/actions/runs/%d/job/%d", webURL, r.fullName(), run.ID, run.JobID)}
}

// combinedState is GitHub's combined status: failure/error win, then pending,
// and "pending" also when there are no statuses at all.
func combinedState(sts []*commitStatus) string {
	if len(sts) == 0 {
		return "pending"
	}
	state := "success"
	for _, st := range sts {
		switch st.State {
		case "error", "failure":
			return "failure"
		case "pending":
			state = "pending"
		}
	}
	return state
}

// rollupState is GraphQL's StatusCheckRollup.state over statuses and check runs;
// "" means the commit has no checks at all (statusCheckRollup is null).
func (r *repo) rollupState(sha string) string {
	sts := r.latestStatuses(sha)
	runs := r.checkRunsFor(sha)
	if len(sts) == 0 && len(runs) == 0 {
		return ""
	}
	state := "SUCCESS"
	worse := func(s string) {
		rank := map[string]int{"SUCCESS": 0, "PENDING": 1, "FAILURE": 2, "ERROR": 3}
		if rank[s] > rank[state] {
			state = s
		}
	}
	for _, st := range sts {
		worse(strings.ToUpper(st.State))
	}
	for _, c := range runs {
		switch {
		case c.Status != "completed":
			worse("PENDING")
		case c.Conclusion == "failure" || c.Conclusion == "timed_out" || c.Conclusion == "cancelled" ||
			c.Conclusion == "action_required" || c.Conclusion == "startup_failure":
			worse("FAILURE")
		}
	}
	return state
}

// contextState reports the state of one required check by status context or check name.
func (r *repo) contextState(sha, name string) string {
	for _, st := range r.latestStatuses(sha) {
		if st.Context == name {
			return st.State
		}
	}
	for _, c := range r.checkRunsFor(sha) {
		if c.Name == name {
			if c.Status != "completed" {
				return "pending"
			}
			if c.Conclusion == "success" || c.Conclusion == "neutral" || c.Conclusion == "skipped" {
				return "success"
			}
			return "failure"
		}
	}
	return "pending"
}

// reviewDecision is GraphQL's PullRequest.reviewDecision: CHANGES_REQUESTED
// when a reviewer's latest review asks for changes; with reviews required by
// some layer of the base (requirements.go: approvals, code owners, the most
// recent push's approval) APPROVED once they are all given, else
// REVIEW_REQUIRED; without any, APPROVED after an approval and "" (null)
// before (schema: reviewDecision "The current status of this pull request
// with respect to code review"; REVIEW_REQUIRED "A review is required before
// the pull request can be merged").
func (r *repo) reviewDecision(p *pull) string {
	if changesRequested(p) {
		return "CHANGES_REQUESTED"
	}
	required := false
	for _, l := range r.mergeLayers(p.Base) {
		required = required || l.approvals > 0 || (l.codeOwners && len(r.waitingOnCodeOwners(p, nil)) > 0) || l.lastPush
	}
	for _, u := range r.unmet(p, "") {
		if u.review {
			return "REVIEW_REQUIRED"
		}
	}
	if required || len(approvers(p)) > 0 {
		return "APPROVED"
	}
	return ""
}

// defaultMergeDelay is how long mergeability stays unknown after a change, by
// default: on github.com the background job takes about a second or more.
const defaultMergeDelay = time.Second

// shownMergeState is the mergeability GitHub shows for an open pull request.
// GitHub computes it in a background job started when the pull request is opened
// and whenever its head or base branch moves; until the job is done the REST API
// answers mergeable null and mergeable_state "unknown", and GraphQL mergeable
// UNKNOWN and mergeStateStatus UNKNOWN. REST docs, "Get a pull request": "The
// value of the mergeable attribute can be true, false, or null. If the value is
// null, then GitHub has started a background job to compute the mergeability.
// After giving the job time to complete, resubmit the request." A draft reads
// DRAFT / "draft" (GraphQL MergeStateStatus: "The merge is blocked due to the
// pull request being a draft"). known is false while the job runs. A merge
// attempt does not wait for the job: it tries the merge (doMerge uses mergeState).
func (s *store) shownMergeState(r *repo, p *pull) (state string, mergeable, known bool) {
	s.noteMergeInputs(r, p)
	if s.now().Before(p.mergeReadyAt) {
		return "UNKNOWN", false, false
	}
	st, ok := r.mergeState(p)
	if p.Draft {
		return "DRAFT", ok, true
	}
	return st, ok, true
}

// noteMergeInputs starts the background job when the pull request's base or head
// moved since its mergeability was last computed.
func (s *store) noteMergeInputs(r *repo, p *pull) {
	key := r.git.branchSHA(p.Base) + ".." + r.headSHA(p)
	if key != p.mergeKey {
		p.mergeKey, p.mergeReadyAt = key, s.now().Add(s.mergeDelay)
	}
}

// noteMergeInputsAll runs noteMergeInputs for every open pull request of r: after
// a push or a merge, as GitHub starts its jobs when branches move, not when asked.
func (s *store) noteMergeInputsAll(r *repo) {
	for _, is := range r.issues {
		if is.pr != nil && is.State == "open" {
			s.noteMergeInputs(r, is.pr)
		}
	}
}

// mergeState is GraphQL's mergeStateStatus for an open PR, plus whether it is mergeable at all.
func (r *repo) mergeState(p *pull) (state string, mergeable bool) {
	baseSHA := r.git.branchSHA(p.Base)
	head := r.headSHA(p)
	if baseSHA == "" || head == "" {
		return "UNKNOWN", false
	}
	if _, err := r.git.mergeTree(baseSHA, head); err != nil {
		return "DIRTY", false
	}
	// Unmet requirements block the merge (BLOCKED: "The merge is blocked"),
	// a head behind the base under strict status checks only makes it BEHIND
	// ("The head ref is out of date"): schema, MergeStateStatus.
	behind := false
	for _, u := range r.unmet(p, "") {
		if !u.behind {
			return "BLOCKED", true
		}
		behind = true
	}
	if behind {
		return "BEHIND", true
	}
	switch r.rollupState(head) {
	case "", "SUCCESS":
		return "CLEAN", true
	default:
		return "UNSTABLE", true
	}
}
