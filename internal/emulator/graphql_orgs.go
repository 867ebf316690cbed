package emulator

import (
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// organization is an Organization object; teams resolve by slug.
func (g *gqlCtx) organization(o *org) gql.Object {
	return gql.Fields{Type: "Organization", F: map[string]any{
		"id": nodeID("O", o.ID), "databaseId": int(o.ID), "login": o.Login, "name": nullIfEmpty(o.Name),
		"url": webURL + "/" + o.Login, "avatarUrl": webURL + "/avatars/" + o.Login, "resourcePath": "/" + o.Login,
		"team": func(a args) any {
			if t := o.team(argStr(a, "slug")); t != nil {
				return g.team(o, t)
			}
			return nil
		},
	}}
}

func (g *gqlCtx) team(o *org, t *team) gql.Object {
	return gql.Fields{Type: "Team", F: map[string]any{
		"id": nodeID("T", t.ID), "databaseId": int(t.ID), "name": t.Name, "slug": t.Slug,
		"combinedSlug": o.Login + "/" + t.Slug, "description": nullIfEmpty(t.Description),
		"privacy": map[string]string{"secret": "SECRET", "closed": "VISIBLE"}[t.Privacy],
		"url":     webURL + "/orgs/" + o.Login + "/teams/" + t.Slug, "resourcePath": "/orgs/" + o.Login + "/teams/" + t.Slug,
		"organization": func() any { return g.organization(o) },
	}}
}

// teamBySlug is the Team of a repository's organization; a slug the
// organization no longer has still resolves to a Team carrying it.
func (g *gqlCtx) teamBySlug(orgLogin, slug string) gql.Object {
	if o := g.s.st.org(orgLogin); o != nil {
		if t := o.team(slug); t != nil {
			return g.team(o, t)
		}
	}
	return gql.Fields{Type: "Team", F: map[string]any{"name": slug, "slug": slug, "combinedSlug": orgLogin + "/" + slug,
		"organization": gql.Fields{Type: "Organization", F: map[string]any{"login": orgLogin}}}}
}

// timelineItems is a pull request's timeline. The emulator records only review
// requests: ReviewRequestedEvent and ReviewRequestRemovedEvent (GraphQL schema,
// PullRequestTimelineItemsItemType REVIEW_REQUESTED_EVENT and
// REVIEW_REQUEST_REMOVED_EVENT); itemTypes filters them as GitHub does, and a
// connection needs first or last, as every GitHub connection.
func (g *gqlCtx) timelineItems(r *repo, is *issue, a args) any {
	want := map[string]bool{}
	for _, t := range listArg(a["itemTypes"]) {
		want[t] = true
	}
	var items []any
	var at []time.Time
	for _, ev := range is.pr.requestEvents {
		typ, kind := "ReviewRequestedEvent", "REVIEW_REQUESTED_EVENT"
		if ev.Removed {
			typ, kind = "ReviewRequestRemovedEvent", "REVIEW_REQUEST_REMOVED_EVENT"
		}
		if len(want) > 0 && !want[kind] {
			continue
		}
		var reviewer any = g.user(ev.Reviewer)
		if ev.Team {
			reviewer = g.teamBySlug(r.Owner, ev.Reviewer)
		}
		items = append(items, gql.Fields{Type: typ, F: map[string]any{
			"id": nodeID(map[bool]string{false: "RRE", true: "RRRE"}[ev.Removed], ev.ID), "createdAt": ev.At,
			"actor": func() any { return g.user(ev.Actor) }, "requestedReviewer": reviewer,
			"pullRequest": func() any { return g.pull(r, is) },
		}})
		at = append(at, ev.At)
	}
	mq, mqAt := g.queueTimeline(r, is, want)
	items = sortTimeline(append(items, mq...), append(at, mqAt...))
	return connection("PullRequestTimelineItemsConnection", items, a)
}

// organizationQuery answers Query.organization(login).
func (g *gqlCtx) organizationQuery(a args) (any, error) {
	o := g.s.st.org(argStr(a, "login"))
	if o == nil {
		return nil, notFoundErr("Could not resolve to an Organization with the login of '" + argStr(a, "login") + "'.")
	}
	return g.organization(o), nil
}
