package github

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"
)

// Checks summarises the check runs and commit statuses of one commit.
type Checks struct {
	SHA     string
	State   string   // SUCCESS, PENDING, FAILURE, ERROR, or "" when the commit has no checks at all
	Failing []string // names of failing or errored checks
	Pending []string // names of checks still running
	Total   int
	// Workflows holds, by check name, the workflow file whose run reported a
	// check run (GitHub Actions); see Without.
	Workflows map[string]string
}

// Without leaves out the check runs reported by runs of the workflows own
// matches (by file path, e.g. ".github/workflows/release.yml"), and returns them
// apart. A release run reports a check on the commit it releases: its failure
// says the release failed, not that the commit is broken, so it must not make
// the base unreleasable (and block the hotfix that repairs the release).
func (c Checks) Without(own func(path string) bool) (kept, left Checks) {
	kept, left = Checks{SHA: c.SHA, State: c.State, Total: c.Total}, Checks{SHA: c.SHA}
	split := func(names []string, keep, drop *[]string) {
		for _, n := range names {
			if p, ok := c.Workflows[n]; ok && own(p) {
				*drop = append(*drop, n)
			} else {
				*keep = append(*keep, n)
			}
		}
	}
	split(c.Failing, &kept.Failing, &left.Failing)
	split(c.Pending, &kept.Pending, &left.Pending)
	if n := len(left.Failing) + len(left.Pending); n > 0 {
		kept.Total -= n
		// The rollup's state counted the runs left out: say it again without them.
		switch {
		case len(kept.Failing) > 0:
			kept.State = "FAILURE"
		case len(kept.Pending) > 0:
			kept.State = "PENDING"
		case kept.Total > 0:
			kept.State = "SUCCESS"
		default:
			kept.State = ""
		}
	}
	return kept, left
}

// Releasable reports whether nothing on the commit failed: pending checks and a
// commit without any checks are releasable (callers warn or note).
func (c Checks) Releasable() bool {
	return len(c.Failing) == 0 && c.State != "FAILURE" && c.State != "ERROR"
}

// checksFragment selects what Checks needs from a Commit.
const checksFragment = `fragment checks on Commit {
  oid
  statusCheckRollup {
    state
    contexts(first: 100) {
      totalCount
      nodes {
        __typename
        ... on CheckRun { name status conclusion checkSuite { workflowRun { file { path } } } }
        ... on StatusContext { context state }
      }
    }
  }
}`

type commitChecks struct {
	Oid               string
	StatusCheckRollup *struct {
		State    string
		Contexts struct {
			TotalCount int
			Nodes      []struct {
				Typename   string `json:"__typename"`
				Name       string
				Status     string
				Conclusion string
				Context    string
				State      string
				CheckSuite *struct {
					WorkflowRun *struct {
						File *struct{ Path string }
					}
				}
			}
		}
	}
}

func (cc *commitChecks) toChecks() Checks {
	c := Checks{SHA: cc.Oid}
	if cc.StatusCheckRollup == nil {
		return c
	}
	c.State = cc.StatusCheckRollup.State
	c.Total = cc.StatusCheckRollup.Contexts.TotalCount
	for _, n := range cc.StatusCheckRollup.Contexts.Nodes {
		switch n.Typename {
		case "CheckRun":
			if cs := n.CheckSuite; cs != nil && cs.WorkflowRun != nil && cs.WorkflowRun.File != nil {
				if c.Workflows == nil {
					c.Workflows = map[string]string{}
				}
				c.Workflows[n.Name] = cs.WorkflowRun.File.Path
			}
			switch {
			case n.Status != "COMPLETED":
				c.Pending = append(c.Pending, n.Name)
			case n.Conclusion == "FAILURE" || n.Conclusion == "TIMED_OUT" || n.Conclusion == "CANCELLED" ||
				n.Conclusion == "ACTION_REQUIRED" || n.Conclusion == "STARTUP_FAILURE":
				c.Failing = append(c.Failing, n.Name)
			}
		case "StatusContext":
			switch n.State {
			case "FAILURE", "ERROR":
				c.Failing = append(c.Failing, n.Context)
			case "PENDING", "EXPECTED":
				c.Pending = append(c.Pending, n.Context)
			}
		}
	}
	sort.Strings(c.Failing)
	sort.Strings(c.Pending)
	return c
}

// CreateFacts is everything `gh hotfix create` needs from GitHub, fetched in one query.
type CreateFacts struct {
	DefaultBranch string
	// Base is the branch asked for (or the default branch); BaseFound is false when it does not exist.
	Base       string
	BaseFound  bool
	BaseChecks Checks
	// Branch is what GitHub says of the hotfix branch's name (only asked when
	// the name is known up front; Name is "" otherwise).
	Branch BranchUse
	// Issue: IssueFound is false when the number is neither an issue nor a pull request.
	IssueTitle string
	IssueFound bool
	// Config is the text of the file asked for with configPath, nil when it does not exist.
	Config *string
	// Rulesets are the repository's rulesets that target branches.
	Rulesets []BranchRuleset
}

// configQuery reads a text file of the repository at a revision, in the same request.
const configField = `config: object(expression: $config) @include(if: $withConfig) { ... on Blob { text } }`

const createQuery = `query HotfixCreate($owner: String!, $name: String!, $base: String!, $hasBase: Boolean!,
  $issue: Int!, $hasIssue: Boolean!, $config: String!, $withConfig: Boolean! #useDecls
) {
  repository(owner: $owner, name: $name) {
    ` + configField + `
    defaultBranchRef { name target { ...checks } }
    base: ref(qualifiedName: $base) @include(if: $hasBase) { name target { ...checks } }
    ` + branchRulesetsField + `
    issueOrPullRequest(number: $issue) @include(if: $hasIssue) {
      __typename
      ... on Issue { title }
      ... on PullRequest { title }
    }
  }
  #useFields
}
` + checksFragment

// CreateFacts asks for the default branch, the base's tip and its checks, whether
// branch already exists, the issue's title and (with configPath) the team's
// config on the base, in a single GraphQL request. base, branch, issue and
// configPath are optional ("" / 0).
func (c *Client) CreateFacts(ctx context.Context, owner, name, base, branch string, issue int, configPath string) (*CreateFacts, error) {
	f, _, err := c.createFacts(ctx, createQuery, owner, name, base, branch, issue, configPath, nil)
	return f, err
}

// createFacts runs query, createQuery or one that asks more of the repository
// (extra: its variables; the answer's field "pull" comes back as it is).
func (c *Client) createFacts(ctx context.Context, query, owner, name, base, branch string, issue int, configPath string, extra map[string]any) (*CreateFacts, json.RawMessage, error) {
	rev := base
	if rev == "" {
		rev = "HEAD" // the default branch
	}
	vars := map[string]any{
		"config": rev + ":" + configPath, "withConfig": configPath != "",
		"owner": owner, "name": name,
		"base": "refs/heads/" + base, "hasBase": base != "",
		"issue": issue, "hasIssue": issue > 0,
	}
	maps.Copy(vars, extra)
	type ref struct {
		Name   string
		Target commitChecks
	}
	var out struct {
		Repository struct {
			DefaultBranchRef   *ref
			Base               *ref
			IssueOrPullRequest *struct{ Title string }
			Config             *struct{ Text *string }
			BranchRulesets     branchRulesetNodes
			Pull               json.RawMessage
		}
		branchUseAnswer
	}
	err := c.GraphQL(ctx, withBranchUse(query, branch, vars), vars, &out)
	// A missing issue or pull request is an answer, not a failure: the caller
	// says which number was wrong. Rulesets the token may not read leave the
	// branch to GitHub's own refusal, as before this check existed.
	if err != nil && !onlyUnder(err, []string{"repository", "issueOrPullRequest"}, []string{"repository", "pull"}, []string{"repository", "branchRulesets"}) {
		if IsNotFound(err) {
			return nil, nil, fmt.Errorf("repository %s/%s not found (or your token cannot see it)", owner, name)
		}
		return nil, nil, err
	}
	r := out.Repository
	f := &CreateFacts{}
	if branch != "" {
		f.Branch = out.use(branch)
	}
	if r.DefaultBranchRef != nil {
		f.DefaultBranch = r.DefaultBranchRef.Name
	}
	chosen := r.DefaultBranchRef
	f.Base = f.DefaultBranch
	if base != "" {
		chosen, f.Base = r.Base, base
	}
	if chosen != nil {
		f.BaseFound = true
		f.BaseChecks = chosen.Target.toChecks()
	}
	if r.IssueOrPullRequest != nil {
		f.IssueFound = true
		f.IssueTitle = strings.TrimSpace(r.IssueOrPullRequest.Title)
	}
	if r.Config != nil {
		f.Config = r.Config.Text
	}
	f.Rulesets = r.BranchRulesets.rulesets()
	return f, r.Pull, nil
}

const commitChecksQuery = `query HotfixCommitChecks($owner: String!, $name: String!, $oid: GitObjectID!) {
  repository(owner: $owner, name: $name) { object(oid: $oid) { ...checks } }
}
` + checksFragment

// CommitChecks reads the checks of one commit.
func (c *Client) CommitChecks(ctx context.Context, owner, name, sha string) (Checks, error) {
	var out struct {
		Repository struct{ Object *commitChecks }
	}
	if err := c.GraphQL(ctx, commitChecksQuery, map[string]any{"owner": owner, "name": name, "oid": sha}, &out); err != nil {
		return Checks{}, err
	}
	if out.Repository.Object == nil {
		return Checks{}, fmt.Errorf("commit %s not found in %s/%s", sha, owner, name)
	}
	return out.Repository.Object.toChecks(), nil
}
