package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

func (s *Server) assetJSON(r *repo, rel *release, a *asset) map[string]any {
	return map[string]any{"id": a.ID, "node_id": nodeID("RA", a.ID), "name": a.Name, "label": nil, "state": "uploaded",
		"content_type": a.ContentType, "size": len(a.Data), "download_count": 0, "uploader": s.userJSON(rel.Author),
		"created_at": ts(a.CreatedAt), "updated_at": ts(a.CreatedAt),
		"url":                  apiURL + "/repos/" + r.fullName() + "/releases/assets/" + strconv.FormatInt(a.ID, 10),
		"browser_download_url": webURL + "/" + r.fullName() + "/releases/download/" + rel.TagName + "/" + a.Name}
}

func (s *Server) releaseJSON(r *repo, rel *release) map[string]any {
	assets := []map[string]any{}
	for _, a := range rel.Assets {
		assets = append(assets, s.assetJSON(r, rel, a))
	}
	base := apiURL + "/repos/" + r.fullName() + "/releases/" + strconv.FormatInt(rel.ID, 10)
	var published any
	if !rel.Draft {
		published = ts(rel.PublishedAt)
	}
	return map[string]any{"id": rel.ID, "node_id": nodeID("RE", rel.ID), "tag_name": rel.TagName,
		"target_commitish": rel.Target, "name": nullIfEmpty(rel.Name), "body": nullIfEmpty(rel.Body), "draft": rel.Draft,
		"prerelease": rel.Prerelease, "author": s.userJSON(rel.Author), "created_at": ts(rel.CreatedAt),
		"published_at": published, "assets": assets, "url": base, "assets_url": base + "/assets",
		"upload_url":  "http://" + APIHost + "/repos/" + r.fullName() + "/releases/" + strconv.FormatInt(rel.ID, 10) + "/assets{?name,label}",
		"html_url":    webURL + "/" + r.fullName() + "/releases/tag/" + rel.TagName,
		"tarball_url": apiURL + "/repos/" + r.fullName() + "/tarball/" + rel.TagName,
		"zipball_url": apiURL + "/repos/" + r.fullName() + "/zipball/" + rel.TagName}
}

func (s *Server) listReleases(q *req) (int, any, error) {
	list := []map[string]any{}
	for i := len(q.repo.releases) - 1; i >= 0; i-- {
		list = append(list, s.releaseJSON(q.repo, q.repo.releases[i]))
	}
	return 200, page(q, list), nil
}

// createRelease tags the target when the tag does not exist yet, as GitHub does.
func (s *Server) createRelease(q *req) (int, any, error) {
	tag := q.str("tag_name")
	if tag == "" {
		return 0, nil, validationFailed("Release", "tag_name", "missing_field", "")
	}
	for _, rel := range q.repo.releases {
		if rel.TagName == tag {
			return 0, nil, validationFailed("Release", "tag_name", "already_exists", "")
		}
	}
	target := q.str("target_commitish")
	if target == "" {
		target = q.repo.DefaultBranch
	}
	if q.repo.git.resolve(tag) == "" {
		sha := q.repo.git.resolve(target)
		if sha == "" {
			return 0, nil, validationFailed("Release", "target_commitish", "invalid", "")
		}
		if s.st.refCreationRefused(q.repo, "refs/tags/"+tag, q.login) {
			// A creation rule on the tag: GitHub's answer as release tools quote it
			// (googleapis/release-please-action#1194, yuluo-yx/typo#117).
			e := validationFailed("Release", "pre_receive", "custom",
				"pre_receive Repository rule violations found\n\nCannot create ref due to creations being restricted.\n\n")
			e.Errors = append(e.Errors, map[string]any{"resource": "Release", "code": "custom", "message": "Published releases must have a valid tag"})
			return 0, nil, e
		}
		if err := q.repo.git.updateRef("refs/tags/"+tag, sha, ""); err != nil {
			return 0, nil, err
		}
	}
	draft, _ := q.boolean("draft")
	pre, _ := q.boolean("prerelease")
	now := s.st.now()
	rel := &release{ID: s.st.id(), TagName: tag, Target: target, Name: q.str("name"), Body: q.str("body"),
		Draft: draft, Prerelease: pre, Author: q.login, CreatedAt: now, PublishedAt: now}
	prev := q.repo.latest()
	q.repo.releases = append(q.repo.releases, rel)
	// make_latest: "true" (the default), "false" or "legacy" (creation date and
	// version decide, which for a new release is taken as "true" here). Drafts and
	// prereleases never become Latest; otherwise the Latest stays what it was.
	switch {
	case q.str("make_latest") != "false" && !draft && !pre:
		q.repo.latestRelease = rel.ID
	case prev != nil:
		q.repo.latestRelease = prev.ID
	}
	return 201, s.releaseJSON(q.repo, rel), nil
}

func (s *Server) getLatestRelease(q *req) (int, any, error) {
	if rel := q.repo.latest(); rel != nil {
		return 200, s.releaseJSON(q.repo, rel), nil
	}
	return 0, nil, notFound()
}

func (s *Server) getReleaseByTag(q *req) (int, any, error) {
	for _, rel := range q.repo.releases {
		if rel.TagName == q.params["tag"] {
			return 200, s.releaseJSON(q.repo, rel), nil
		}
	}
	return 0, nil, notFound()
}

func (s *Server) releaseByID(q *req) *release {
	id, _ := strconv.ParseInt(q.params["release_id"], 10, 64)
	for _, rel := range q.repo.releases {
		if rel.ID == id {
			return rel
		}
	}
	return nil
}

func (s *Server) getRelease(q *req) (int, any, error) {
	rel := s.releaseByID(q)
	if rel == nil {
		return 0, nil, notFound()
	}
	return 200, s.releaseJSON(q.repo, rel), nil
}

// redirect marks a handler answer that sends the client to Location, without a body.
type redirect struct {
	Location string
}

func downloadURL(r *repo, rel *release, a *asset) string {
	return webURL + "/" + r.fullName() + "/releases/download/" + rel.TagName + "/" + a.Name
}

// getReleaseAsset answers the asset's metadata, or, asked for
// application/octet-stream (as gh extension install asks), 302 Found: the
// description's only other success answer. GitHub sends the client to a
// short-lived URL of its object store; the emulator sends it to the asset's
// browser_download_url, which serveReleaseDownload answers.
func (s *Server) getReleaseAsset(q *req) (int, any, error) {
	id, _ := strconv.ParseInt(q.params["asset_id"], 10, 64)
	for _, rel := range q.repo.releases {
		for _, a := range rel.Assets {
			if a.ID != id {
				continue
			}
			if strings.Contains(q.r.Header.Get("Accept"), "application/octet-stream") {
				return http.StatusFound, redirect{Location: downloadURL(q.repo, rel, a)}, nil
			}
			return 200, s.assetJSON(q.repo, rel, a), nil
		}
	}
	return 0, nil, notFound()
}

// serveReleaseDownload answers GET http://github.localhost/OWNER/REPO/releases/download/TAG/NAME
// with the asset's bytes (GitHub redirects once more, to its object store). It
// reports false for any other path. A private repository's assets need a credential.
func (s *Server) serveReleaseDownload(w http.ResponseWriter, r *http.Request, entry LogEntry) bool {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 5)
	if len(parts) != 5 || parts[2] != "releases" || parts[3] != "download" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	slash := strings.LastIndexByte(parts[4], '/')
	if slash <= 0 {
		return false
	}
	tag, name := parts[4][:slash], parts[4][slash+1:]
	entry.Route = "web"
	var data []byte
	s.st.mu.Lock()
	if rp := s.st.repo(parts[0], parts[1]); rp != nil && (!rp.Private || token(r) != "") {
		for _, rel := range rp.releases {
			if rel.TagName != tag || rel.Draft {
				continue
			}
			for _, a := range rel.Assets {
				if a.Name == name {
					data = a.Data
				}
			}
		}
	}
	s.st.mu.Unlock()
	if data == nil {
		http.Error(w, "Not Found", http.StatusNotFound)
		entry.Status = http.StatusNotFound
		s.logRequest(entry)
		return true
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", "attachment; filename="+name)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(data)
	}
	entry.Status = http.StatusOK
	s.logRequest(entry)
	return true
}

func (s *Server) uploadReleaseAsset(q *req) (int, any, error) {
	rel := s.releaseByID(q)
	if rel == nil {
		return 0, nil, notFound()
	}
	name := q.query.Get("name")
	if name == "" {
		return 0, nil, validationFailed("ReleaseAsset", "name", "missing_field", "")
	}
	for _, a := range rel.Assets {
		if a.Name == name {
			return 0, nil, validationFailed("ReleaseAsset", "name", "already_exists", "")
		}
	}
	ct := q.r.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
	}
	a := &asset{ID: s.st.id(), Name: name, ContentType: ct, Data: append([]byte(nil), q.raw...), CreatedAt: s.st.now()}
	rel.Assets = append(rel.Assets, a)
	return 201, s.assetJSON(q.repo, rel, a), nil
}

// generateReleaseNotes answers POST /repos/{owner}/{repo}/releases/generate-notes
// (https://docs.github.com/en/rest/releases/releases#generate-release-notes-content-for-a-release):
// a name and a Markdown body, saved nowhere. The body is GitHub's default
// format (https://docs.github.com/en/repositories/releasing-projects-on-github/automatically-generated-release-notes):
// "## What's Changed", one "* TITLE by @AUTHOR in URL" line per pull request
// merged since the previous tag, then a "**Full Changelog**" link comparing the
// two tags. The changes are the commits reachable from the tag (from
// target_commitish while the tag does not exist: "Ignored if the tag_name
// already exists") and not from previous_tag_name. Without previous_tag_name
// GitHub starts from the previous release; the emulator takes the newest
// published release whose tag is an ancestor of the target, else all history
// (the link then lists the tag's commits). An unknown previous tag or target
// answers 404, the description's only error answer; a missing tag_name is
// refused by the checker with 422, as the description requires it.
// Not modelled: the "New Contributors" section, .github/release.yml categories
// and exclusions, configuration_file_path.
func (s *Server) generateReleaseNotes(q *req) (int, any, error) {
	tag := q.str("tag_name")
	if tag == "" { // the checker already refuses it, as GitHub does: "tag_name" is required
		return 0, nil, validationFailed("Release", "tag_name", "missing_field", "")
	}
	g := q.repo.git
	target := g.tagSHA(tag)
	if target == "" {
		commitish := q.str("target_commitish")
		if commitish == "" {
			commitish = q.repo.DefaultBranch
		}
		if target = g.resolve(commitish); target == "" {
			return 0, nil, notFound()
		}
	}
	prev := q.str("previous_tag_name")
	var from string
	if prev != "" {
		if from = g.tagSHA(prev); from == "" {
			return 0, nil, notFound()
		}
	} else {
		for i := len(q.repo.releases) - 1; i >= 0; i-- {
			rel := q.repo.releases[i]
			if rel.Draft || rel.TagName == tag {
				continue
			}
			if sha := g.tagSHA(rel.TagName); sha != "" && g.isAncestor(sha, target) {
				prev, from = rel.TagName, sha
				break
			}
		}
	}
	args := []string{"rev-list", target}
	if from != "" {
		args = append(args, "^"+from)
	}
	out, err := g.run(nil, nil, append(args, "--")...)
	if err != nil {
		return 0, nil, err
	}
	changed := map[string]bool{}
	for _, sha := range strings.Fields(out) {
		changed[sha] = true
	}
	var merged []*issue
	for _, is := range q.repo.issues {
		if p := is.pr; p != nil && p.Merged && changed[p.MergeCommitSHA] {
			merged = append(merged, is)
		}
	}
	mergedAt := func(is *issue) time.Time {
		if is.pr.MergedAt == nil {
			return time.Time{}
		}
		return *is.pr.MergedAt
	}
	sort.SliceStable(merged, func(i, j int) bool { return mergedAt(merged[i]).Before(mergedAt(merged[j])) })
	var b strings.Builder
	if len(merged) > 0 {
		b.WriteString("## What's Changed\n")
		for _, is := range merged {
			fmt.Fprintf(&b, "* %s by @%s in %s/%s/pull/%d\n", is.Title, is.User, webURL, q.repo.fullName(), is.Number)
		}
		b.WriteString("\n")
	}
	if prev != "" {
		fmt.Fprintf(&b, "**Full Changelog**: %s/%s/compare/%s...%s", webURL, q.repo.fullName(), prev, tag)
	} else {
		fmt.Fprintf(&b, "**Full Changelog**: %s/%s/commits/%s", webURL, q.repo.fullName(), tag)
	}
	return 200, map[string]any{"name": tag, "body": b.String()}, nil
}
