package emulator

import (
	"fmt"
	"slices"
	"sync"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/apispec"
	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// feature is something GitHub Enterprise Server has only from some version on;
// github.com and GHE.com have every feature.
type feature int

const (
	// featureRunDetails: POST …/dispatches accepts return_run_details and then
	// answers 200 with the run (github.com since 2026-02-19, "Workflow dispatch
	// API now returns run IDs", github.blog/changelog/2026-02-19-…); GitHub
	// Enterprise Server from 3.21, older servers refuse the key ("retry without
	// the parameter … on GHES versions that don't support the Feb 2026 API",
	// github/gh-aw#19414).
	featureRunDetails feature = iota
	// featureRulesets: repository rulesets (REST …/rulesets and
	// …/rules/branches/{branch}, GraphQL Repository.rulesets, Ref.rules and the
	// ruleset mutations) and organization rulesets, GitHub Enterprise Server
	// from 3.11 (3.11.0 release notes, "Repositories": "Users can govern
	// protections for branches and tags in a repository using repository
	// rules. To govern the protections for all of an organization's
	// repositories, users can also enable rulesets for an organization",
	// docs.github.com/enterprise-server@3.11/admin/release-notes; roadmap item
	// "Repository Rules" labelled "GHES 3.11", github/roadmap#644). The docs'
	// feature flag says ">3.9" (github/docs data/features/repo-rules.yml,
	// "Public beta"), but no 3.10 release note mentions rulesets, so 3.10 has
	// none here.
	featureRulesets
	// featureMergeQueue: the pull request merge queue (GraphQL MergeQueue,
	// Repository.mergeQueue, PullRequest.mergeQueueEntry/isInMergeQueue,
	// enqueuePullRequest, dequeuePullRequest), GitHub Enterprise Server from
	// 3.12 (3.12.0 release notes, "Pull requests": "Users can merge pull
	// requests without needing to wait for status checks to pass by adding a
	// pull request to a merge queue",
	// docs.github.com/enterprise-server@3.12/admin/release-notes; github/docs#31946:
	// "the MQ feature is currently gated to GHES 3.12 and later"). GHES 3.10
	// answers a query for PullRequest.mergeQueueEntry with undefinedField
	// (facebook/sapling#906: "my enterprise GH version (3.10) doesn't support
	// this field, as it looks to be introduced in 3.12").
	featureMergeQueue
	// featureMergeQueueRule: the merge_queue rule of a ruleset ("Require merge
	// queue"), GitHub Enterprise Server from 3.13 by the docs' feature flag
	// (github/docs data/features/repo-rules-merge-queue.yml: "Docs for the
	// Public Beta of the merge queue repository rule", ghes: '>=3.13'); no
	// release note was found to confirm it. Before it, a 3.12 server has a
	// merge queue only through branch protection, which the emulator does not
	// model, so a 3.12 repository here has no queue.
	featureMergeQueueRule
)

// since is the first GitHub Enterprise Server version of each feature.
var since = map[feature][2]int{
	featureRunDetails:     {3, 21},
	featureRulesets:       {3, 11},
	featureMergeQueue:     {3, 12},
	featureMergeQueueRule: {3, 13},
}

// has reports whether the site has f.
func (st site) has(f feature) bool {
	v, ok := since[f]
	if !ok {
		return true
	}
	return st.atLeast(v[0], v[1])
}

// operationFeatures are the REST operations a feature brings: a server
// without the feature answers them 404 Not Found, as it answers any path it
// does not route. (Organization rulesets are not served by the emulator.)
var operationFeatures = map[string]feature{
	"repos/get-repo-rulesets":   featureRulesets,
	"repos/create-repo-ruleset": featureRulesets,
	"repos/get-repo-ruleset":    featureRulesets,
	"repos/update-repo-ruleset": featureRulesets,
	"repos/delete-repo-ruleset": featureRulesets,
	"repos/get-branch-rules":    featureRulesets,
}

// hasOperation reports whether the site serves the REST operation.
func (st site) hasOperation(id string) bool {
	f, ok := operationFeatures[id]
	return !ok || st.has(f)
}

// schemaOmits is what GitHub's GraphQL schema has of each feature: a server
// without the feature lacks all of it, and answers a query that asks for it
// as GitHub answers any unknown field ("Field 'mergeQueueEntry' doesn't
// exist on type 'PullRequest'", code undefinedField, facebook/sapling#906).
// The types named go with every field, argument and union membership that
// reaches them (gql.Omit): Repository.mergeQueue, PullRequest.mergeQueue and
// mergeQueueEntry, enqueuePullRequest, Repository/Organization/Enterprise
// .ruleset(s), Ref.rules, the ruleset mutations, the rule parameter types.
var schemaOmits = map[feature]gql.Omit{
	featureRulesets: {
		Types: []string{"RepositoryRule*", "RuleParameters", "RuleParametersInput", "RuleSource",
			"CreateRepositoryRuleset*", "UpdateRepositoryRuleset*", "DeleteRepositoryRuleset*"},
	},
	featureMergeQueue: {
		Types: []string{"MergeQueue*", "AddedToMergeQueueEvent", "RemovedFromMergeQueueEvent",
			"EnqueuePullRequest*", "DequeuePullRequest*"},
		Fields: []string{"PullRequest.isInMergeQueue", "PullRequest.isMergeQueueEnabled"},
		EnumValues: []string{"PullRequestTimelineItemsItemType.ADDED_TO_MERGE_QUEUE_EVENT",
			"PullRequestTimelineItemsItemType.REMOVED_FROM_MERGE_QUEUE_EVENT"},
	},
	featureMergeQueueRule: {
		Types:      []string{"MergeQueueParameters", "MergeQueueParametersInput"},
		Fields:     []string{"RuleParametersInput.mergeQueue"},
		EnumValues: []string{"RepositoryRuleType.MERGE_QUEUE", "RepositoryRuleType.MERGE_QUEUE_LOCKED_REF"},
	},
}

// lacking is the set of features the site lacks, as a bit mask.
func (st site) lacking() uint {
	var m uint
	for f := range since {
		if !st.has(f) {
			m |= 1 << uint(f)
		}
	}
	return m
}

// versionExecutors caches one executor per set of lacking features: a
// version's schema is built once per process.
var versionExecutors struct {
	sync.Mutex
	m map[uint]*gql.Executor
}

// executor is the GraphQL executor for the request's site: GitHub's schema
// less what the site's version lacks.
func (s *Server) executor(st site) (*gql.Executor, error) {
	mask := st.lacking() &^ (1 << uint(featureRunDetails)) // not in the GraphQL schema
	if mask == 0 {
		return s.exec, nil
	}
	versionExecutors.Lock()
	defer versionExecutors.Unlock()
	if e := versionExecutors.m[mask]; e != nil {
		return e, nil
	}
	schema, _, err := gql.LoadSchemaWithout("github.graphql", apispec.GraphQLSchema(), omitFor(mask))
	if err != nil {
		return nil, err
	}
	if versionExecutors.m == nil {
		versionExecutors.m = map[uint]*gql.Executor{}
	}
	e := gql.NewExecutor(schema)
	versionExecutors.m[mask] = e
	return e, nil
}

// omitFor joins the omissions of the features in mask.
func omitFor(mask uint) gql.Omit {
	var o gql.Omit
	for f, fo := range schemaOmits {
		if mask&(1<<uint(f)) != 0 {
			o.Types = append(o.Types, fo.Types...)
			o.Fields = append(o.Fields, fo.Fields...)
			o.EnumValues = append(o.EnumValues, fo.EnumValues...)
		}
	}
	return o
}

// versionConflict says what in the store a server of the site's version
// could not have ("" when nothing): rulesets before featureRulesets, a
// merge_queue rule before featureMergeQueueRule (the only way the emulator
// configures a merge queue). The world is configured through one host, and
// a version is refused rather than letting a queue or ruleset exist that the
// server could not hold. The caller holds st.mu.
func (st *store) versionConflict(s site) string {
	names := make([]string, 0, len(st.repos))
	for n := range st.repos {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		r := st.repos[n]
		for _, rs := range r.rulesets {
			if !s.has(featureRulesets) {
				return fmt.Sprintf("%s has ruleset %q, and GitHub Enterprise Server %s has no rulesets (they came in 3.11); delete it first",
					r.fullName(), rs.Name, s.version)
			}
			for _, ru := range rs.Rules {
				if ru.Type == "merge_queue" && !s.has(featureMergeQueueRule) {
					return fmt.Sprintf("%s's ruleset %q has a merge_queue rule, and GitHub Enterprise Server %s has no merge_queue rule (it came in 3.13); delete the rule first",
						r.fullName(), rs.Name, s.version)
				}
			}
		}
	}
	return ""
}
