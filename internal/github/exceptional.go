package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cli/go-gh/v2/pkg/api"

	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
)

// FromTagQuery says what FromTagFacts asks about; every field but Tag is optional.
type FromTagQuery struct {
	Tag         string // the release tag the hotfix starts from, e.g. v1.4.0
	Maintenance string // the maintenance branch of its line, e.g. release/v1.4
	Mainline    string // the branch the fix is forward-ported to; "" means the default branch
	Branch      string // the hotfix branch, when its name is known
	Issue       int
	ConfigPath  string // read the team's config from the default branch too
	// LinePrefixes are the starts of the names of the tags of the tag's release
	// line to list (e.g. "v1.4." and "1.4."), at most two; none: not listed.
	LinePrefixes []string
}

// FromTagFacts is everything `gh hotfix create --from-tag` needs from GitHub, in one query.
type FromTagFacts struct {
	DefaultBranch string
	// TagCommit is the commit the tag points to (annotated tags peeled); "" when
	// the tag does not exist.
	TagCommit string
	// MaintenanceTip is the maintenance branch's latest commit; "" when it does not exist.
	MaintenanceTip string
	MainlineFound  bool
	// Branch is what GitHub says of the hotfix branch's name, when it is known.
	Branch     BranchUse
	IssueTitle string
	IssueFound bool
	Config     *string
	// LineTags are the tags whose names contain one of LinePrefixes (a superset
	// of the line's), with their commits (annotated tags peeled), the first
	// hundred of each.
	LineTags []TagRef
	// Rulesets are the repository's rulesets that target branches: whether
	// one forbids creating the maintenance branch or the hotfix branch.
	Rulesets []BranchRuleset
}

const fromTagQuery = `query HotfixFromTag($owner: String!, $name: String!, $tag: String!, $maint: String!, $hasMaint: Boolean!,
  $mainline: String!, $hasMainline: Boolean!, $issue: Int!, $hasIssue: Boolean!,
  $config: String!, $withConfig: Boolean!, $lineA: String!, $lineB: String!, $hasLine: Boolean! #useDecls
) {
  repository(owner: $owner, name: $name) {
    ` + configField + `
    defaultBranchRef { name }
    tag: ref(qualifiedName: $tag) { target { __typename oid ... on Tag { target { oid } } } }
    maint: ref(qualifiedName: $maint) @include(if: $hasMaint) { target { oid } }
    mainline: ref(qualifiedName: $mainline) @include(if: $hasMainline) { name }
    lineA: refs(refPrefix: "refs/tags/", query: $lineA, first: 100) @include(if: $hasLine) { nodes { name target { oid ... on Tag { target { oid } } } } }
    lineB: refs(refPrefix: "refs/tags/", query: $lineB, first: 100) @include(if: $hasLine) { nodes { name target { oid ... on Tag { target { oid } } } } }
    ` + branchRulesetsField + `
    issueOrPullRequest(number: $issue) @include(if: $hasIssue) {
      __typename
      ... on Issue { title }
      ... on PullRequest { title }
    }
  }
  #useFields
}`

// FromTagFacts asks, in a single GraphQL request, for the default branch, the
// tag's commit, the maintenance branch's tip, whether the main line and the
// hotfix branch exist, the issue's title, the branch rulesets, (with
// ConfigPath) the team's config on the default branch and (with LinePrefixes)
// the tags of the tag's line.
func (c *Client) FromTagFacts(ctx context.Context, owner, name string, q FromTagQuery) (*FromTagFacts, error) {
	vars := map[string]any{
		"owner": owner, "name": name,
		"tag":   "refs/tags/" + q.Tag,
		"maint": "refs/heads/" + q.Maintenance, "hasMaint": q.Maintenance != "",
		"mainline": "refs/heads/" + q.Mainline, "hasMainline": q.Mainline != "",
		"issue": q.Issue, "hasIssue": q.Issue > 0,
		"config": "HEAD:" + q.ConfigPath, "withConfig": q.ConfigPath != "",
		"lineA": "", "lineB": "", "hasLine": len(q.LinePrefixes) > 0,
	}
	// refPrefix takes whole path segments (refs/tags/): the line's tags are
	// asked for by name, and those that only contain the prefix are left to
	// the caller (v11.4.0 contains 1.4.).
	for i, p := range q.LinePrefixes[:min(2, len(q.LinePrefixes))] {
		vars[[]string{"lineA", "lineB"}[i]] = p
	}
	if len(q.LinePrefixes) == 1 {
		vars["lineB"] = vars["lineA"]
	}
	type target struct {
		Oid    string
		Target *struct{ Oid string } // an annotated tag's commit
	}
	type refs struct {
		Nodes []struct {
			Name   string // without refs/tags/
			Target target
		}
	}
	var out struct {
		Repository struct {
			DefaultBranchRef   *struct{ Name string }
			Tag                *struct{ Target target }
			Maint              *struct{ Target target }
			Mainline           *struct{ Name string }
			LineA, LineB       *refs
			IssueOrPullRequest *struct{ Title string }
			Config             *struct{ Text *string }
			BranchRulesets     branchRulesetNodes
		}
		branchUseAnswer
	}
	err := c.GraphQL(ctx, withBranchUse(fromTagQuery, q.Branch, vars), vars, &out)
	// A missing issue is an answer, not a failure: the caller says which number
	// was wrong. Rulesets the token may not read leave the branches to GitHub's
	// own refusal, as CreateFacts does.
	if err != nil && !onlyUnder(err, []string{"repository", "issueOrPullRequest"}, []string{"repository", "branchRulesets"}) {
		if IsNotFound(err) {
			return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", owner, name)
		}
		return nil, err
	}
	r := out.Repository
	f := &FromTagFacts{MainlineFound: r.Mainline != nil}
	if q.Branch != "" {
		f.Branch = out.use(q.Branch)
	}
	if r.DefaultBranchRef != nil {
		f.DefaultBranch = r.DefaultBranchRef.Name
		if q.Mainline == "" {
			f.MainlineFound = true
		}
	}
	if r.Tag != nil {
		f.TagCommit = r.Tag.Target.Oid
		if r.Tag.Target.Target != nil {
			f.TagCommit = r.Tag.Target.Target.Oid
		}
	}
	if r.Maint != nil {
		f.MaintenanceTip = r.Maint.Target.Oid
	}
	seen := map[string]bool{}
	for i, line := range []*refs{r.LineA, r.LineB} {
		if line == nil || i >= len(q.LinePrefixes) {
			continue
		}
		for _, n := range line.Nodes {
			t := TagRef{Name: n.Name, Commit: n.Target.Oid}
			if n.Target.Target != nil {
				t.Commit = n.Target.Target.Oid
			}
			if !seen[t.Name] {
				seen[t.Name] = true
				f.LineTags = append(f.LineTags, t)
			}
		}
	}
	if r.IssueOrPullRequest != nil {
		f.IssueFound = true
		f.IssueTitle = strings.TrimSpace(r.IssueOrPullRequest.Title)
	}
	if r.Config != nil {
		f.Config = r.Config.Text
	}
	f.Rulesets = r.BranchRulesets.rulesets()
	return f, nil
}

// LatestReleaseTag is the tag of the release GitHub marks as latest; "" when
// the repository has no release.
func (c *Client) LatestReleaseTag(ctx context.Context, owner, name string) (string, error) {
	var rel struct {
		TagName string `json:"tag_name"`
	}
	err := c.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/releases/latest", owner, name), nil, &rel)
	if IsNotFound(err) {
		return "", nil
	}
	return rel.TagName, err
}

type apiRef struct {
	Ref    string `json:"ref"`
	Object struct {
		SHA  string `json:"sha"`
		Type string `json:"type"`
	} `json:"object"`
}

// TagRef is a tag and, for a lightweight tag, the commit it points at.
type TagRef struct {
	Name string
	// Commit is "" for an annotated tag: its ref points at a tag object, and
	// the commit behind it would cost one more request.
	Commit string
}

// TagRefs lists the tags whose names start with prefix (e.g. "v1.4."), with the
// commits of the lightweight ones, in one request.
func (c *Client) TagRefs(ctx context.Context, owner, name, prefix string) ([]TagRef, error) {
	var refs []apiRef
	path := fmt.Sprintf("repos/%s/%s/git/matching-refs/tags/%s", owner, name, escapeRef(prefix))
	if err := c.REST(ctx, "GET", path, nil, &refs); err != nil {
		return nil, err
	}
	tags := make([]TagRef, 0, len(refs))
	for _, r := range refs {
		if t, ok := strings.CutPrefix(r.Ref, "refs/tags/"); ok {
			tag := TagRef{Name: t}
			if r.Object.Type == "commit" {
				tag.Commit = r.Object.SHA
			}
			tags = append(tags, tag)
		}
	}
	return tags, nil
}

// Tags lists the names of the tags starting with prefix, in one request.
func (c *Client) Tags(ctx context.Context, owner, name, prefix string) ([]string, error) {
	refs, err := c.TagRefs(ctx, owner, name, prefix)
	if err != nil {
		return nil, err
	}
	tags := make([]string, len(refs))
	for i, r := range refs {
		tags[i] = r.Name
	}
	return tags, nil
}

// escapeRef escapes each part of a ref name for a URL path, keeping the slashes.
func escapeRef(ref string) string {
	parts := strings.Split(ref, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// EnsureBranch creates branch at sha on GitHub when it does not exist, and never
// moves it when it does (POST git/refs only creates). tip is where the branch
// is afterwards. Creating a ref twice cannot have two effects (the second is
// refused), so a lost answer is retried; a refusal is checked by reading the ref.
func (c *Client) EnsureBranch(ctx context.Context, owner, name, branch, sha string) (tip string, created bool, err error) {
	err = c.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/git/refs", owner, name),
		map[string]any{"ref": "refs/heads/" + branch, "sha": sha}, nil)
	if err == nil {
		return sha, true, nil
	}
	var he *api.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnprocessableEntity {
		return "", false, err
	}
	// "Reference already exists" (perhaps from our own lost attempt): read it back.
	var ref apiRef
	if rerr := c.REST(ctx, "GET", fmt.Sprintf("repos/%s/%s/git/ref/heads/%s", owner, name, escapeRef(branch)), nil, &ref); rerr != nil {
		return "", false, err
	}
	return ref.Object.SHA, false, nil
}

// ForwardPull is a pull request from a forward-port branch name.
type ForwardPull struct {
	ID               string
	Number           int
	URL              string
	State            string // OPEN, CLOSED, MERGED
	BaseRefName      string
	Body             string
	HeadRefOid       string
	MergeStateStatus string
	Labels           struct{ Nodes []struct{ Name string } }
	// IsCrossRepository is true for a pull request from a fork's branch of the same
	// name: never the forward-port ship pushed.
	IsCrossRepository bool
}

// HasLabel reports whether the pull request carries the label (case-insensitive, as GitHub).
func (p ForwardPull) HasLabel(name string) bool {
	for _, l := range p.Labels.Nodes {
		if strings.EqualFold(l.Name, name) {
			return true
		}
	}
	return false
}

// Forward is the pull request as the shared forward-port rules read it.
func (p ForwardPull) Forward() hotfix.ForwardPull {
	return hotfix.ForwardPull{Number: p.Number, URL: p.URL, State: p.State, Base: p.BaseRefName, Body: p.Body,
		HeadOid: p.HeadRefOid, MergeState: p.MergeStateStatus, CrossRepository: p.IsCrossRepository}
}

// ForwardBranch is one of the names a forward-port's branch may have, as GitHub has it.
type ForwardBranch struct {
	Name       string
	Tip        string // "" when the branch does not exist
	TipMessage string // the tip commit's message
	Pulls      []ForwardPull
}

// ForwardPortState is what ship needs to know before forward-porting, in one query.
type ForwardPortState struct {
	LabelExists bool // the forward-port label
	Branches    []ForwardBranch
}

// Pulls lists the pull requests of every branch name.
func (st *ForwardPortState) Pulls() []ForwardPull {
	var all []ForwardPull
	for _, b := range st.Branches {
		all = append(all, b.Pulls...)
	}
	return all
}

// forwardPortQuery asks, for each branch name, the branch and its pull requests.
func forwardPortQuery(names int) string {
	var q strings.Builder
	q.WriteString("query HotfixForwardPort($owner: String!, $name: String!, $label: String!")
	for i := 0; i < names; i++ {
		fmt.Fprintf(&q, ", $h%d: String!, $r%d: String!", i, i)
	}
	q.WriteString(") {\n  repository(owner: $owner, name: $name) {\n    " + LabelLookup + "\n")
	for i := 0; i < names; i++ {
		fmt.Fprintf(&q, "    ref%d: ref(qualifiedName: $r%d) { target { oid ... on Commit { message } } }\n", i, i)
		fmt.Fprintf(&q, "    pulls%d: pullRequests(headRefName: $h%d, first: 20, orderBy: {field: CREATED_AT, direction: DESC}) {\n", i, i)
		q.WriteString("      nodes { id number url state baseRefName body headRefOid mergeStateStatus labels(first: 20) { nodes { name } } isCrossRepository }\n    }\n")
	}
	q.WriteString("  }\n}")
	return q.String()
}

// ForwardPortState reads the branches of the given names, their pull requests
// (newest first) and whether label exists, in a single GraphQL request. A pull
// request counts only when its head is the repository's own branch: GitHub's
// headRefName filter also matches a fork's branch of the same name.
func (c *Client) ForwardPortState(ctx context.Context, owner, name string, heads []string, label string) (*ForwardPortState, error) {
	var out struct {
		Repository map[string]json.RawMessage
	}
	vars := map[string]any{"owner": owner, "name": name, "label": label}
	for i, h := range heads {
		vars[fmt.Sprintf("h%d", i)], vars[fmt.Sprintf("r%d", i)] = h, "refs/heads/"+h
	}
	if err := c.GraphQL(ctx, forwardPortQuery(len(heads)), vars, &out); err != nil {
		return nil, err
	}
	if out.Repository == nil {
		return nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", owner, name)
	}
	st := &ForwardPortState{}
	var labels LabelNodes
	if raw, ok := out.Repository["labels"]; ok {
		if err := json.Unmarshal(raw, &labels); err != nil {
			return nil, err
		}
	}
	_, _, st.LabelExists = labels.Find(label)
	for i, h := range heads {
		b := ForwardBranch{Name: h}
		var ref *struct {
			Target struct{ Oid, Message string }
		}
		var pulls struct{ Nodes []ForwardPull }
		if raw, ok := out.Repository[fmt.Sprintf("ref%d", i)]; ok {
			if err := json.Unmarshal(raw, &ref); err != nil {
				return nil, err
			}
		}
		if raw, ok := out.Repository[fmt.Sprintf("pulls%d", i)]; ok {
			if err := json.Unmarshal(raw, &pulls); err != nil {
				return nil, err
			}
		}
		if ref != nil {
			b.Tip, b.TipMessage = ref.Target.Oid, ref.Target.Message
		}
		for _, p := range pulls.Nodes {
			if !p.IsCrossRepository {
				b.Pulls = append(b.Pulls, p)
			}
		}
		st.Branches = append(st.Branches, b)
	}
	return st, nil
}

// PullRecords is a pull request into a branch with the bodies of its last comments.
type PullRecords struct {
	Number   int
	Comments []string
}

const pullsIntoQuery = `query HotfixPullsInto($owner: String!, $name: String!, $base: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(baseRefName: $base, states: [OPEN, MERGED], first: 50, orderBy: {field: UPDATED_AT, direction: DESC}) {
      nodes { number comments(last: 30) { nodes { body } } }
    }
  }
}`

// PullsInto lists, in one request, the open and merged pull requests into base
// most recently updated (at most 50) with their last 30 comments: where the
// hotfixes of a release line keep their release records.
func (c *Client) PullsInto(ctx context.Context, owner, name, base string) ([]PullRecords, error) {
	var out struct {
		Repository struct {
			PullRequests struct {
				Nodes []struct {
					Number   int
					Comments struct{ Nodes []struct{ Body string } }
				}
			}
		}
	}
	if err := c.GraphQL(ctx, pullsIntoQuery, map[string]any{"owner": owner, "name": name, "base": base}, &out); err != nil {
		return nil, err
	}
	var pulls []PullRecords
	for _, n := range out.Repository.PullRequests.Nodes {
		p := PullRecords{Number: n.Number}
		for _, c := range n.Comments.Nodes {
			p.Comments = append(p.Comments, c.Body)
		}
		pulls = append(pulls, p)
	}
	return pulls, nil
}
