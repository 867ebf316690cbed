package emulator

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// GitHub's issue and pull request search, served by GraphQL's search(type: ISSUE)
// and REST's GET /search/issues over every repository the emulator holds.
//
// The qualifiers follow "Searching issues and pull requests"
// (https://docs.github.com/en/search-github/searching-on-github/searching-issues-and-pull-requests):
//   - is:pr, is:pull-request, type:pr, is:issue, type:issue ("Search only issues or pull requests");
//   - is:open, is:closed, state:open, state:closed ("Search by open or closed state");
//   - is:merged, is:unmerged ("Search by whether a pull request is merged or unmerged");
//   - is:draft, draft:true, draft:false ("Search for draft pull requests");
//   - org:, user:, repo: ("Search within a user's or organization's repositories");
//     several of one kind widen the search ("repo:a/b repo:c/d" searches both);
//   - label: ("Search by label"): several label: qualifiers must all match, and
//     label:"a","b" (comma-separated) matches either; -label: excludes;
//   - author:, head:, base: ("Search by author", "Search by branch name");
//   - created:, updated:, closed:, merged: with a date or date-time and >, >=,
//     <, <= or a range a..b ("Search by when an issue or pull request was
//     created or last updated", "… closed", "… merged"; the syntax of
//     "Understanding the search syntax", "Query for dates",
//     https://docs.github.com/en/search-github/getting-started-with-search/understanding-the-search-syntax#query-for-dates);
//   - sort:created-desc, sort:created-asc, sort:updated-desc, sort:updated-asc
//     ("Sorting search results",
//     https://docs.github.com/en/search-github/getting-started-with-search/sorting-search-results).
//
// Words that are not qualifiers are looked for in the title and body, case
// folded (GitHub's default "in:title,body"). Without sort:, GitHub orders by
// best match; every hit matches as well as another here, so the emulator
// orders newest created first, which is what a best-match order of equal
// scores comes to for this kind of query. A qualifier the emulator does not
// know is refused as not implemented (a conformance gap to fill, not a
// search that silently returns too much). The emulator does not model
// private repositories' visibility here: every repository is searched.

// searchQuery is a parsed issue search.
type searchQuery struct {
	kind              string // "pr", "issue" or "" for both
	state             string // "open", "closed" or ""
	merged            *bool
	draft             *bool
	owners, repos     []string // lower-case logins and "owner/name"
	labels            [][]string
	notLabels         []string
	authors           []string
	heads, bases      []string
	created, updated  []dateBound
	closed, mergedAt  []dateBound
	words             []string
	sortField, sortBy string // "created"/"updated", "desc"/"asc"
}

// dateBound is one comparison of a date qualifier.
type dateBound struct {
	op string // ">", ">=", "<", "<="
	at time.Time
}

// parseSearchQuery reads q; an error names what the emulator does not serve.
func parseSearchQuery(q string) (*searchQuery, error) {
	sq := &searchQuery{}
	for _, tok := range searchTokens(q) {
		neg := strings.HasPrefix(tok, "-")
		key, val, isQual := strings.Cut(strings.TrimPrefix(tok, "-"), ":")
		if !isQual || val == "" {
			sq.words = append(sq.words, strings.ToLower(strings.Trim(tok, `"`)))
			continue
		}
		key = strings.ToLower(key)
		if neg && key != "label" {
			return nil, fmt.Errorf("emulator: the search qualifier -%s: is not implemented", key)
		}
		lval := strings.ToLower(strings.Trim(val, `"`))
		var err error
		switch key {
		case "is", "type", "state", "draft":
			err = sq.setIs(key, lval)
		case "org", "user":
			sq.owners = append(sq.owners, lval)
		case "repo":
			sq.repos = append(sq.repos, lval)
		case "label":
			var names []string
			for _, n := range strings.Split(val, ",") {
				names = append(names, strings.ToLower(strings.Trim(n, `"`)))
			}
			if neg {
				sq.notLabels = append(sq.notLabels, names...)
			} else {
				sq.labels = append(sq.labels, names)
			}
		case "author":
			sq.authors = append(sq.authors, lval)
		case "head":
			sq.heads = append(sq.heads, strings.Trim(val, `"`))
		case "base":
			sq.bases = append(sq.bases, strings.Trim(val, `"`))
		case "created", "updated", "closed", "merged":
			var b []dateBound
			if b, err = parseDateBounds(lval); err == nil {
				dst := map[string]*[]dateBound{"created": &sq.created, "updated": &sq.updated, "closed": &sq.closed, "merged": &sq.mergedAt}[key]
				*dst = append(*dst, b...)
			}
		case "sort":
			field, dir, _ := strings.Cut(lval, "-")
			if dir == "" {
				dir = "desc"
			}
			if (field != "created" && field != "updated") || (dir != "desc" && dir != "asc") {
				return nil, fmt.Errorf("emulator: the search sort %q is not implemented", lval)
			}
			sq.sortField, sq.sortBy = field, dir
		default:
			return nil, fmt.Errorf("emulator: the search qualifier %s: is not implemented", key)
		}
		if err != nil {
			return nil, err
		}
	}
	return sq, nil
}

func (sq *searchQuery) setIs(key, val string) error {
	yes, no := true, false
	switch {
	case (key == "is" || key == "type") && (val == "pr" || val == "pull-request"):
		sq.kind = "pr"
	case (key == "is" || key == "type") && val == "issue":
		sq.kind = "issue"
	case (key == "is" || key == "state") && (val == "open" || val == "closed"):
		sq.state = val
	case key == "is" && val == "merged":
		sq.merged = &yes
	case key == "is" && val == "unmerged":
		sq.merged = &no
	case key == "is" && val == "draft", key == "draft" && val == "true":
		sq.draft = &yes
	case key == "draft" && val == "false":
		sq.draft = &no
	default:
		return fmt.Errorf("emulator: the search qualifier %s:%s is not implemented", key, val)
	}
	return nil
}

// searchTokens splits a query at spaces outside double quotes.
func searchTokens(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case unicode.IsSpace(r) && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// parseDateBounds reads ">=2026-01-02", "<2026-01-02T10:00:00Z", "2026-01-01..2026-01-31"
// or a bare date (that whole day).
func parseDateBounds(v string) ([]dateBound, error) {
	if from, to, ok := strings.Cut(v, ".."); ok {
		var out []dateBound
		if from != "*" {
			f, _, err := parseSearchDate(from)
			if err != nil {
				return nil, err
			}
			out = append(out, dateBound{">=", f})
		}
		if to != "*" {
			t, day, err := parseSearchDate(to)
			if err != nil {
				return nil, err
			}
			if day {
				out = append(out, dateBound{"<", t.AddDate(0, 0, 1)})
			} else {
				out = append(out, dateBound{"<=", t})
			}
		}
		return out, nil
	}
	for _, op := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(v, op); ok {
			t, day, err := parseSearchDate(rest)
			if err != nil {
				return nil, err
			}
			// A day compares as its whole: ">2026-01-02" starts on the 3rd, "<=2026-01-02" ends with the 2nd.
			if day && (op == ">" || op == "<=") {
				t, op = t.AddDate(0, 0, 1), map[string]string{">": ">=", "<=": "<"}[op]
			}
			return []dateBound{{op, t}}, nil
		}
	}
	t, day, err := parseSearchDate(v)
	if err != nil {
		return nil, err
	}
	if !day {
		return []dateBound{{">=", t}, {"<=", t}}, nil
	}
	return []dateBound{{">=", t}, {"<", t.AddDate(0, 0, 1)}}, nil
}

// parseSearchDate reads YYYY-MM-DD (day true) or an ISO 8601 date-time.
func parseSearchDate(v string) (time.Time, bool, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, true, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, strings.ToUpper(v)); err == nil {
			return t, false, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("emulator: the search date %q is not implemented (YYYY-MM-DD or an ISO 8601 date-time)", v)
}

func (b dateBound) holds(t time.Time) bool {
	switch b.op {
	case ">":
		return t.After(b.at)
	case ">=":
		return !t.Before(b.at)
	case "<":
		return t.Before(b.at)
	}
	return !t.After(b.at)
}

func allHold(bounds []dateBound, t *time.Time) bool {
	if len(bounds) == 0 {
		return true
	}
	if t == nil {
		return false
	}
	for _, b := range bounds {
		if !b.holds(*t) {
			return false
		}
	}
	return true
}

// searchHit is one issue or pull request a search found.
type searchHit struct {
	r  *repo
	is *issue
}

// search runs sq over every repository.
func (st *store) search(sq *searchQuery) []searchHit {
	var hits []searchHit
	for _, r := range st.repos {
		if len(sq.owners) > 0 && !slices.Contains(sq.owners, strings.ToLower(r.Owner)) {
			continue
		}
		if len(sq.repos) > 0 && !slices.Contains(sq.repos, strings.ToLower(r.fullName())) {
			continue
		}
		for _, is := range r.issues {
			if sq.matches(is) {
				hits = append(hits, searchHit{r, is})
			}
		}
	}
	field := func(h searchHit) time.Time { return h.is.CreatedAt }
	if sq.sortField == "updated" {
		field = func(h searchHit) time.Time { return h.is.UpdatedAt }
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := field(hits[i]), field(hits[j])
		if !a.Equal(b) {
			if sq.sortBy == "asc" {
				return a.Before(b)
			}
			return a.After(b)
		}
		// Equal times (one clock tick): the later-created one (higher ID) first, as GitHub's ids grow.
		if sq.sortBy == "asc" {
			return hits[i].is.ID < hits[j].is.ID
		}
		return hits[i].is.ID > hits[j].is.ID
	})
	return hits
}

func (sq *searchQuery) matches(is *issue) bool {
	p := is.pr
	switch {
	case sq.kind == "pr" && p == nil, sq.kind == "issue" && p != nil:
		return false
	case sq.state != "" && is.State != sq.state:
		return false
	case sq.merged != nil && (p == nil || p.Merged != *sq.merged):
		return false
	case sq.draft != nil && (p == nil || p.Draft != *sq.draft):
		return false
	case len(sq.authors) > 0 && !slices.Contains(sq.authors, strings.ToLower(is.User)):
		return false
	case len(sq.heads) > 0 && (p == nil || !slices.Contains(sq.heads, p.Head)):
		return false
	case len(sq.bases) > 0 && (p == nil || !slices.Contains(sq.bases, p.Base)):
		return false
	}
	has := func(name string) bool {
		return slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, name) })
	}
	for _, anyOf := range sq.labels {
		if !slices.ContainsFunc(anyOf, has) {
			return false
		}
	}
	if slices.ContainsFunc(sq.notLabels, has) {
		return false
	}
	created, updated := is.CreatedAt, is.UpdatedAt
	var mergedAt *time.Time
	if p != nil {
		mergedAt = p.MergedAt
	}
	if !allHold(sq.created, &created) || !allHold(sq.updated, &updated) || !allHold(sq.closed, is.ClosedAt) || !allHold(sq.mergedAt, mergedAt) {
		return false
	}
	text := strings.ToLower(is.Title + "\n" + is.Body)
	for _, w := range sq.words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// searchConnection answers GraphQL's search: a SearchResultItemConnection
// (GraphQL reference, "Queries", search:
// https://docs.github.com/en/graphql/reference/queries#search) whose nodes are
// Issue and PullRequest objects and whose issueCount counts every match, with
// the other counts 0. Only type ISSUE is served. GitHub keeps at most 1,000
// results available ("Regardless of the number of matches, a maximum of 1,000
// results will be available"): the connection ends there, issueCount does not.
func (g *gqlCtx) searchConnection(a args) (any, error) {
	if t := argStr(a, "type"); t != "ISSUE" {
		return nil, fmt.Errorf("emulator: search of type %s is not implemented (only ISSUE)", t)
	}
	sq, err := parseSearchQuery(argStr(a, "query"))
	if err != nil {
		return nil, err
	}
	hits := g.s.st.search(sq)
	items := make([]any, 0, min(len(hits), maxSearchResults))
	for _, h := range hits[:min(len(hits), maxSearchResults)] {
		if h.is.pr != nil {
			items = append(items, g.pull(h.r, h.is))
		} else {
			items = append(items, g.issue(h.r, h.is))
		}
	}
	conn := connection("SearchResultItemConnection", items, a).(gql.Fields)
	f := make(map[string]any, len(conn.F)+6)
	for k, v := range conn.F {
		f[k] = v
	}
	delete(f, "totalCount") // SearchResultItemConnection has none: issueCount and its kin instead
	f["issueCount"], f["codeCount"], f["discussionCount"], f["repositoryCount"], f["userCount"], f["wikiCount"] = len(hits), 0, 0, 0, 0, 0
	return gql.Fields{Type: "SearchResultItemConnection", F: f}, nil
}

// maxSearchResults is how many results GitHub's search makes available, across pages.
const maxSearchResults = 1000

// searchIssues answers GET /search/issues (REST, "Search issues and pull
// requests", https://docs.github.com/en/rest/search/search#search-issues-and-pull-requests):
// {total_count, incomplete_results, items}, each item an issue as the issues
// API shows it (a pull request with its pull_request object) plus a score.
// sort=created|updated with order=desc|asc orders as sort: does in the query
// ("sort … Default: best match", "order … Default: desc"); the first 1,000
// results are available, per_page (at most 100) and page paging them.
func (s *Server) searchIssues(q *req) (int, any, error) {
	text := q.query.Get("q")
	if strings.TrimSpace(text) == "" {
		return 0, nil, &apiError{Status: 422, Message: "Validation Failed",
			Errors: []map[string]any{{"resource": "Search", "field": "q", "code": "missing"}}}
	}
	sq, err := parseSearchQuery(text)
	if err != nil {
		// A gap of the emulator, not of the caller: recorded as one.
		s.recordFailure(q.r, "GET /search/issues", false, err.Error())
		return 0, nil, &apiError{Status: 422, Message: err.Error()}
	}
	switch srt := q.query.Get("sort"); srt {
	case "":
	case "created", "updated":
		sq.sortField, sq.sortBy = srt, "desc"
		if q.query.Get("order") == "asc" {
			sq.sortBy = "asc"
		}
	default:
		msg := "emulator: the search sort " + srt + " is not implemented"
		s.recordFailure(q.r, "GET /search/issues", false, msg)
		return 0, nil, &apiError{Status: 422, Message: msg}
	}
	hits := s.st.search(sq)
	items := make([]map[string]any, 0, len(hits))
	for _, h := range hits[:min(len(hits), maxSearchResults)] {
		it := s.issueJSON(h.r, h.is)
		it["score"] = 1.0
		if h.is.pr != nil {
			it["draft"] = h.is.pr.Draft
		}
		items = append(items, it)
	}
	return 200, map[string]any{"total_count": len(hits), "incomplete_results": false, "items": page(q, items)}, nil
}
