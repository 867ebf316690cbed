package emulator

import (
	"encoding/base64"
	"path"
	"strconv"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// gitObject resolves Repository.object. Without a colon the expression (or oid)
// names a commit; "REV:PATH" names the tree or blob at PATH in REV, as git and
// GitHub read it ("HEAD:README.md", "main:.github/workflows"); a missing path is null.
func (g *gqlCtx) gitObject(r *repo, a args) any {
	expr := argStr(a, "expression")
	if argStr(a, "oid") != "" {
		expr = argStr(a, "oid")
	}
	rev, p, hasPath := strings.Cut(expr, ":")
	if !hasPath {
		if sha := r.git.resolve(expr); sha != "" {
			return g.commit(r, sha)
		}
		return nil
	}
	commit := r.git.resolve(rev)
	if commit == "" {
		return nil
	}
	p = strings.Trim(p, "/")
	out, err := r.git.run(nil, nil, "rev-parse", "--verify", "--quiet", commit+":"+p)
	if err != nil {
		return nil
	}
	sha := strings.TrimSpace(out)
	kind, err := r.git.run(nil, nil, "cat-file", "-t", sha)
	if err != nil {
		return nil
	}
	switch strings.TrimSpace(kind) {
	case "tree":
		return g.tree(r, commit, p, sha)
	case "blob":
		return g.blob(r, commit, sha)
	}
	return nil
}

// gitObjectFields are the fields every GitObject has.
func (g *gqlCtx) gitObjectFields(r *repo, commit, sha string, f map[string]any) map[string]any {
	f["oid"], f["abbreviatedOid"] = sha, sha[:7]
	f["commitUrl"] = webURL + "/" + r.fullName() + "/commit/" + commit
	f["commitResourcePath"] = "/" + r.fullName() + "/commit/" + commit
	f["repository"] = func() any { return g.repo(r) }
	return f
}

func (g *gqlCtx) blob(r *repo, commit, sha string) gql.Object {
	content, _ := r.git.run(nil, nil, "cat-file", "blob", sha)
	binary := strings.IndexByte(content, 0) >= 0
	var text any = content
	if binary {
		text = nil // GitHub gives no text for binary blobs
	}
	return gql.Fields{Type: "Blob", F: g.gitObjectFields(r, commit, sha, map[string]any{
		"id": "B_" + sha, "byteSize": len(content), "isBinary": binary, "isTruncated": false, "text": text,
	})}
}

func (g *gqlCtx) tree(r *repo, commit, dir, sha string) gql.Object {
	return gql.Fields{Type: "Tree", F: g.gitObjectFields(r, commit, sha, map[string]any{
		"id": "T_" + sha,
		"entries": func() any {
			out, err := r.git.run(nil, nil, "ls-tree", "-z", "--long", sha)
			if err != nil {
				return nil
			}
			var entries []any
			for _, line := range strings.Split(out, "\x00") {
				meta, name, ok := strings.Cut(line, "\t")
				f := strings.Fields(meta)
				if !ok || len(f) != 4 {
					continue
				}
				entries = append(entries, g.treeEntry(r, commit, path.Join(dir, name), name, f))
			}
			return entries
		},
	})}
}

// treeEntry describes one line of `git ls-tree --long`: mode, type, oid, size.
func (g *gqlCtx) treeEntry(r *repo, commit, full, name string, f []string) gql.Object {
	mode, _ := strconv.ParseInt(f[0], 8, 64)
	size, _ := strconv.Atoi(f[3]) // "-" for trees: 0, as GitHub reports
	kind, sha := f[1], f[2]
	var ext any
	if e := path.Ext(name); e != "" && kind == "blob" {
		ext = e
	}
	return gql.Fields{Type: "TreeEntry", F: map[string]any{
		"name": name, "path": full, "type": kind, "mode": int(mode), "oid": sha, "size": size, "extension": ext,
		"nameRaw": base64.StdEncoding.EncodeToString([]byte(name)), "pathRaw": base64.StdEncoding.EncodeToString([]byte(full)),
		"repository": func() any { return g.repo(r) },
		"object": func() any {
			switch kind {
			case "tree":
				return g.tree(r, commit, full, sha)
			case "blob":
				return g.blob(r, commit, sha)
			}
			return nil // a submodule's commit is not in this repository
		},
	}}
}
