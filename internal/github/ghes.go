package github

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/cli/go-gh/v2/pkg/api"
	"github.com/cli/go-gh/v2/pkg/auth"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

// GitHub Enterprise Server lags github.com: a server older than a feature
// lacks its GraphQL fields (a query naming one fails validation with
// undefinedField, "Field 'x' doesn't exist on type 'Y'") and its REST
// parameters. The client learns the server's version from the
// X-GitHub-Enterprise-Version header of its first answer (GHES sends it on
// every API answer; github.com and GHE.com do not) and fits what it sends to
// it:
//   - every GraphQL query loses the fields (and fragments on the types) of the
//     features the server lacks before it is sent, so callers read their zero
//     values: no merge queue entry, no rulesets, no rules on a ref (see
//     pruneQuery);
//   - a query sent before the version was known that fails only on such
//     fields is pruned and sent again, once, when its answer tells the version;
//   - a dispatch asks for no run details where they do not exist;
//   - the REST rulesets endpoint (RulesetBypass) is asked only about a ruleset
//     a query found, so never of a server without rulesets.
//
// On github.com and GHE.com (and while the version is unknown) every feature
// is there, and nothing a request carries changes.

// Feature is a part of GitHub's API the product uses that older GitHub
// Enterprise Server versions lack.
type Feature int

const (
	// MergeQueue is the merge queue: GraphQL PullRequest.mergeQueueEntry,
	// PullRequest.isInMergeQueue, Repository.mergeQueue and the
	// enqueuePullRequest mutation.
	MergeQueue Feature = iota
	// Rulesets are repository rulesets: GraphQL Repository.rulesets and
	// Ref.rules, REST /repos/{owner}/{repo}/rulesets and /rules/branches/{branch}.
	Rulesets
	// MergeQueueRule is the merge_queue rule type of rulesets: GraphQL
	// MergeQueueParameters.
	MergeQueueRule
	// DispatchRunDetails is return_run_details on a workflow dispatch, which
	// makes the dispatch answer with the run it started.
	DispatchRunDetails
)

// feature is one row of the feature table.
type feature struct {
	name  string   // as doctor says what a server lacks
	since [2]int   // first GHES version (major, minor) that has it
	gated []string // GraphQL fields (lowerCamel) and types (UpperCamel) that exist only from since on
}

// features says, for each Feature, the first GitHub Enterprise Server release
// that has it. The sources are GHES release notes
// (https://docs.github.com/en/enterprise-server@X.Y/admin/release-notes, from
// github/docs data/release-notes/enterprise-server/X-Y/0.yml); every version
// GitHub supports today (3.19 on) has the first two, only 3.21 on the third.
var features = map[Feature]feature{
	// Merge queue: GHES 3.12.0 release notes, "Pull requests": "Users can merge
	// pull requests without needing to wait for status checks to pass by adding
	// a pull request to a merge queue."
	// (https://docs.github.com/en/enterprise-server@3.12/admin/release-notes; the
	// docs' flag data/features/merge-queue.yml says ghes '>=3.12'). GHES 3.10
	// answers "Field 'mergeQueueEntry' doesn't exist on type 'PullRequest'"
	// (https://github.com/facebook/sapling/issues/906).
	MergeQueue: {
		name:  "merge queue",
		since: [2]int{3, 12},
		// The timeline's merge queue events, their types and their item types
		// (an argument's enum values: a field asking for them goes) too.
		gated: []string{"mergeQueue", "mergeQueueEntry", "isInMergeQueue", "enqueuePullRequest",
			"AddedToMergeQueueEvent", "RemovedFromMergeQueueEvent", "ADDED_TO_MERGE_QUEUE_EVENT", "REMOVED_FROM_MERGE_QUEUE_EVENT"},
	},
	// Repository and organization rulesets: GHES 3.11.0 release notes,
	// "Repositories": "Users can govern protections for branches and tags in a
	// repository using repository rules. To govern the protections for all of an
	// organization's repositories, users can also enable rulesets for an
	// organization." (https://docs.github.com/en/enterprise-server@3.11/admin/release-notes;
	// https://github.com/github/roadmap/issues/644 is labelled "GHES 3.11").
	// Repository.rulesets and Ref.rules come with them. The merge_queue rule
	// type follows in 3.13 (data/features/repo-rules-merge-queue.yml): a
	// 3.11 or 3.12 server simply has no such rule, nothing to prune.
	Rulesets: {
		name:  "rulesets",
		since: [2]int{3, 11},
		// The rules' parameters types come with them.
		gated: []string{"rulesets", "rules", "PullRequestParameters", "RequiredStatusChecksParameters"},
	},
	// The merge_queue rule of rulesets ("Require merge queue"): GHES 3.13,
	// from the docs' flag only (github/docs data/features/repo-rules-merge-queue.yml,
	// ghes '>=3.13', "Public Beta of the merge queue repository rule"; no
	// release-notes entry found). Its parameters' GraphQL type,
	// MergeQueueParameters, is read by an inline fragment, which a server
	// without the type refuses ("No such type MergeQueueParameters, so it
	// can't be a fragment condition"): the fragment goes.
	MergeQueueRule: {
		name:  "merge queue rule",
		since: [2]int{3, 13},
		gated: []string{"MergeQueueParameters"},
	},
	// return_run_details on "Create a workflow dispatch event": GHES 3.21.0
	// release notes, "APIs": "The workflow dispatch API endpoint now returns
	// metadata, including the run ID, in the response"
	// (https://docs.github.com/en/enterprise-server@3.21/admin/release-notes).
	// 3.19 answers '"return_run_details" is not a permitted key.'
	// (https://github.com/benc-uk/workflow-dispatch/issues/86).
	DispatchRunDetails: {
		name:  "run details on dispatch",
		since: [2]int{3, 21},
	},
}

// featureOrder is the order doctor lists what a server lacks in.
var featureOrder = []Feature{MergeQueue, Rulesets, MergeQueueRule, DispatchRunDetails}

// String is the feature's name as doctor says it.
func (f Feature) String() string { return features[f].name }

// enterpriseVersionHeader is the header GitHub Enterprise Server puts on its
// API answers: its version, e.g. "3.14.2" (the docs show
// "enterprise-server@3.3.0": https://docs.github.com/en/enterprise-server@3.3/rest/enterprise-admin).
const enterpriseVersionHeader = "X-GitHub-Enterprise-Version"

// noteVersion records the server's version from an answer's headers: the
// first answer that tells it wins.
func (c *Client) noteVersion(h http.Header) {
	if c.version.Load() != nil {
		return
	}
	if v := strings.TrimSpace(h.Get(enterpriseVersionHeader)); v != "" {
		if c.version.CompareAndSwap(nil, &v) && c.versionCache != nil && c.enterprise() && v != c.assumed {
			c.versionCache.Store(c.host, v)
		}
	}
}

// enterprise reports whether the client's host is a GitHub Enterprise Server
// host as go-gh sees it (not github.com, GHE.com or github.localhost).
func (c *Client) enterprise() bool { return c.host != "" && auth.IsEnterprise(c.host) }

// ServerVersion is the GitHub Enterprise Server version the server's answers
// told ("3.14.2"), "" on github.com and GHE.com, and before any answer came.
func (c *Client) ServerVersion() string {
	v := c.version.Load()
	if v == nil || !c.enterprise() {
		return ""
	}
	return *v
}

// Enterprise reports whether the client's host is a GitHub Enterprise Server
// (not github.com, GHE.com or github.localhost), as go-gh sees hosts.
func (c *Client) Enterprise() bool { return c.enterprise() }

// LearnServerVersion returns the server's version: the one its answers told,
// else on GitHub Enterprise Server what GET /meta says (installed_version;
// https://github.com/github/gh-gei/issues/743), which its header then tells
// too. On github.com and GHE.com it is "" and asks nothing.
func (c *Client) LearnServerVersion(ctx context.Context) (string, error) {
	if !c.enterprise() {
		return "", nil
	}
	if v := c.ServerVersion(); v != "" {
		return v, nil
	}
	var meta struct {
		InstalledVersion string `json:"installed_version"`
	}
	if err := c.REST(ctx, "GET", "meta", nil, &meta); err != nil {
		return "", err
	}
	if v := strings.TrimSpace(meta.InstalledVersion); v != "" {
		c.version.CompareAndSwap(nil, &v)
	}
	return c.ServerVersion(), nil
}

// Has reports whether the server has f: true on github.com and GHE.com, and
// while the version is unknown or not one this client can read.
func (c *Client) Has(f Feature) bool {
	return versionHas(c.ServerVersion(), f)
}

// Lacks lists, in doctor's order, the features the server is known to lack.
func (c *Client) Lacks() []Feature { return Lacking(c.ServerVersion()) }

// Lacking lists, in doctor's order, the features a GitHub Enterprise Server
// of version v lacks: none for "" (github.com) or a version it cannot read.
func Lacking(v string) []Feature {
	var out []Feature
	for _, f := range featureOrder {
		if !versionHas(v, f) {
			out = append(out, f)
		}
	}
	return out
}

// versionHas reports whether a server of version v ("" for github.com) has f.
func versionHas(v string, f Feature) bool {
	mm, ok := parseVersion(v)
	if !ok {
		return true
	}
	since := features[f].since
	return mm[0] > since[0] || mm[0] == since[0] && mm[1] >= since[1]
}

// parseVersion reads the major and minor numbers of a GHES version: "3.14.2",
// "3.14", "enterprise-server@3.14".
func parseVersion(v string) ([2]int, bool) {
	if i := strings.LastIndexByte(v, '@'); i >= 0 {
		v = v[i+1:]
	}
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(v), "v"), ".", 3)
	if len(parts) < 2 {
		return [2]int{}, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || major < 0 || minor < 0 {
		return [2]int{}, false
	}
	return [2]int{major, minor}, true
}

// lackedFields returns whether a GraphQL field belongs to a feature a server
// of version v lacks, or nil when it lacks none (then queries go out as written).
func lackedFields(v string) func(name string) bool {
	drop := map[string]bool{}
	for _, f := range featureOrder {
		if !versionHas(v, f) {
			for _, name := range features[f].gated {
				drop[name] = true
			}
		}
	}
	if len(drop) == 0 {
		return nil
	}
	return func(name string) bool { return drop[name] }
}

// undefinedFields returns the fields and fragment types a GraphQL answer's
// errors say do not exist, or nil when any of its errors is something else
// (besides a variable left unused by them). GitHub's form:
// {"message": "Field 'mergeQueueEntry' doesn't exist on type 'PullRequest'",
// "extensions": {"code": "undefinedField", "typeName": "PullRequest",
// "fieldName": "mergeQueueEntry"}}.
func undefinedFields(err error) []string {
	ge, ok := err.(*api.GraphQLError)
	if !ok || len(ge.Errors) == 0 {
		return nil
	}
	var out []string
	for _, e := range ge.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "variableNotUsed" {
			// A variable only the missing field used: pruning drops it too
			// (https://github.com/microsoft/vscode-pull-request-github/issues/5808).
			continue
		}
		var name string
		switch code {
		case "undefinedField":
			name, _ = e.Extensions["fieldName"].(string)
			if name == "" {
				// "Field 'x' doesn't exist on type 'Y'"
				if rest, ok := strings.CutPrefix(e.Message, "Field '"); ok {
					name, _, _ = strings.Cut(rest, "'")
				}
			}
		case "undefinedType":
			// "No such type MergeQueueParameters, so it can't be a fragment condition"
			name, _ = e.Extensions["typeName"].(string)
			if name == "" {
				if rest, ok := strings.CutPrefix(e.Message, "No such type "); ok {
					name, _, _ = strings.Cut(rest, ",")
				}
			}
		case "argumentLiteralsIncompatible":
			// An enum value the server lacks, in graphql-ruby's words (GitHub's
			// GraphQL runs on graphql-ruby): "Argument 'itemTypes' on Field
			// 'timelineItems' has an invalid value ([ADDED_TO_MERGE_QUEUE_EVENT]).
			// Expected type '[PullRequestTimelineItemsItemType!]'." Its
			// upper-case words are the values.
			values := enumWords(e.Message)
			if len(values) == 0 {
				return nil
			}
			out = append(out, values...)
			continue
		default:
			return nil
		}
		if name == "" {
			return nil
		}
		out = append(out, name)
	}
	return out
}

// enumWords are the words of a message's "invalid value (…)" that look like
// enum values (upper case, digits and underscores, at least one letter).
func enumWords(msg string) []string {
	_, value, ok := strings.Cut(msg, "invalid value (")
	if !ok {
		return nil
	}
	value, _, _ = strings.Cut(value, ").")
	var out []string
	for _, w := range strings.FieldsFunc(value, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}) {
		if strings.ContainsAny(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && w == strings.ToUpper(w) && len(w) > 1 {
			out = append(out, w)
		}
	}
	return out
}

// pruneQuery removes from a GraphQL query document every field drop names
// (wherever it is selected, under any alias, in fragments too) and every
// fragment on a type it names (inline, or defined and spread), then the
// variables and fragments nothing uses any more, and returns the document
// re-printed and vars without the dropped variables (a copy; vars is not
// modified). A selection left empty selects __typename, so the object it
// reads stays there, with its pruned fields at their zero values.
//
// When nothing is removed, when the document does not parse, or when it holds
// a mutation or subscription (whose effect must never change), it returns
// query and vars as they are and false.
func pruneQuery(query string, vars map[string]any, drop func(name string) bool) (string, map[string]any, bool) {
	if drop == nil {
		return query, vars, false
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil || len(doc.Operations) == 0 {
		return query, vars, false
	}
	for _, op := range doc.Operations {
		if op.Operation != ast.Query {
			return query, vars, false
		}
	}
	// A fragment on a type the server lacks goes, with its spreads.
	goneFrags := map[string]bool{}
	for _, fr := range doc.Fragments {
		if drop(fr.TypeCondition) {
			goneFrags[fr.Name] = true
		}
	}
	changed := false
	for _, op := range doc.Operations {
		var ch bool
		op.SelectionSet, ch = pruneSelections(op.SelectionSet, drop, goneFrags)
		op.SelectionSet = orTypename(op.SelectionSet)
		changed = changed || ch
	}
	for _, fr := range doc.Fragments {
		var ch bool
		fr.SelectionSet, ch = pruneSelections(fr.SelectionSet, drop, goneFrags)
		fr.SelectionSet = orTypename(fr.SelectionSet)
		changed = changed || ch
	}
	if !changed {
		return query, vars, false
	}

	// Fragments no operation reaches any more would fail validation.
	byName := map[string]*ast.FragmentDefinition{}
	for _, fr := range doc.Fragments {
		byName[fr.Name] = fr
	}
	reached := map[string]bool{}
	var used map[string]bool
	var reach func(ast.SelectionSet)
	reach = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				argVars(s.Arguments, used)
				dirVars(s.Directives, used)
				reach(s.SelectionSet)
			case *ast.InlineFragment:
				dirVars(s.Directives, used)
				reach(s.SelectionSet)
			case *ast.FragmentSpread:
				dirVars(s.Directives, used)
				if fr := byName[s.Name]; fr != nil {
					first := !reached[s.Name]
					reached[s.Name] = true
					if first {
						dirVars(fr.Directives, used)
						reach(fr.SelectionSet)
					}
				}
			}
		}
	}
	out := vars
	copied := false
	for _, op := range doc.Operations {
		used = map[string]bool{}
		clear(reached)
		dirVars(op.Directives, used)
		reach(op.SelectionSet)
		kept := op.VariableDefinitions[:0:0]
		for _, vd := range op.VariableDefinitions {
			if used[vd.Variable] {
				kept = append(kept, vd)
				continue
			}
			if _, ok := out[vd.Variable]; ok {
				if !copied {
					out = make(map[string]any, len(vars))
					for k, v := range vars {
						out[k] = v
					}
					copied = true
				}
				delete(out, vd.Variable)
			}
		}
		op.VariableDefinitions = kept
	}
	// Fragments reached from any operation stay.
	used = map[string]bool{}
	clear(reached)
	for _, op := range doc.Operations {
		reach(op.SelectionSet)
	}
	frs := doc.Fragments[:0:0]
	for _, fr := range doc.Fragments {
		if reached[fr.Name] {
			frs = append(frs, fr)
		}
	}
	doc.Fragments = frs

	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatQueryDocument(doc)
	return b.String(), out, true
}

// pruneSelections drops from set, recursively, the fields drop names, the
// inline fragments on a type it names, and the spreads of goneFrags; the set
// it returns may be empty (an inline fragment left empty is dropped, the
// caller fills any other with __typename).
func pruneSelections(set ast.SelectionSet, drop func(string) bool, goneFrags map[string]bool) (ast.SelectionSet, bool) {
	changed := false
	out := set[:0:0]
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if drop(s.Name) || argumentsName(s.Arguments, drop) {
				changed = true
				continue
			}
			if len(s.SelectionSet) > 0 {
				sub, ch := pruneSelections(s.SelectionSet, drop, goneFrags)
				if ch {
					changed = true
					s.SelectionSet = orTypename(sub)
				}
			}
		case *ast.InlineFragment:
			if s.TypeCondition != "" && drop(s.TypeCondition) {
				changed = true
				continue
			}
			sub, ch := pruneSelections(s.SelectionSet, drop, goneFrags)
			if ch {
				changed = true
				if len(sub) == 0 {
					continue
				}
				s.SelectionSet = sub
			}
		case *ast.FragmentSpread:
			if goneFrags[s.Name] {
				changed = true
				continue
			}
		}
		out = append(out, sel)
	}
	if !changed {
		return set, false
	}
	return out, true
}

// argumentsName reports whether an argument's value holds an enum value drop
// names (timelineItems(itemTypes: [ADDED_TO_MERGE_QUEUE_EVENT])): the field
// asks for something the server lacks, and goes.
func argumentsName(args ast.ArgumentList, drop func(string) bool) bool {
	var holds func(v *ast.Value) bool
	holds = func(v *ast.Value) bool {
		if v == nil {
			return false
		}
		if v.Kind == ast.EnumValue && drop(v.Raw) {
			return true
		}
		for _, c := range v.Children {
			if holds(c.Value) {
				return true
			}
		}
		return false
	}
	for _, a := range args {
		if holds(a.Value) {
			return true
		}
	}
	return false
}

// orTypename is set, or __typename when set is empty (GraphQL has no empty selection).
func orTypename(set ast.SelectionSet) ast.SelectionSet {
	if len(set) > 0 {
		return set
	}
	return ast.SelectionSet{&ast.Field{Name: "__typename"}}
}

func argVars(args ast.ArgumentList, used map[string]bool) {
	for _, a := range args {
		valueVars(a.Value, used)
	}
}

func dirVars(dirs ast.DirectiveList, used map[string]bool) {
	for _, d := range dirs {
		argVars(d.Arguments, used)
	}
}

func valueVars(v *ast.Value, used map[string]bool) {
	if v == nil {
		return
	}
	if v.Kind == ast.Variable {
		used[v.Raw] = true
	}
	for _, c := range v.Children {
		valueVars(c.Value, used)
	}
}
