package hotfix

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
)

// Meta is what `create` remembers with a hotfix branch so that `ship`, run later
// from a fresh shell, knows what the branch is for. It lives in the branch's git
// configuration (branch.<name>.hotfix-*), which git keeps with the branch and
// which survives across shells without any file of ours.
type Meta struct {
	Description string
	Issue       int       // 0 when no issue is linked
	Base        string    // the branch the hotfix targets
	Remote      string    // the git remote of the repository
	Repo        string    // [HOST/]OWNER/REPO the branch belongs to
	Created     time.Time // when create made the branch (post-mortem timeline)
	// The exceptional process (create --from-tag): the hotfix starts at FromTag,
	// Base is the maintenance branch made from it, and Mainline is the branch the
	// fix is forward-ported to once released. Both empty on the standard path.
	FromTag  string
	Mainline string
	// Inputs are release workflow inputs given with ship -f before the merge
	// (ship --no-wait -f k=v): kept for the release after it, which may be run
	// later, elsewhere in time; -f given then overrides them.
	Inputs map[string]string
	// Reverts is the pull request the hotfix reverts (gh hotfix revert), 0
	// otherwise; RevertsID is its node ID, and RevertNoted is set once ship
	// said on it which pull request reverts it.
	Reverts     int
	RevertsID   string
	RevertNoted bool
	// Notified are the team notifications sent before the pull request
	// exists ("created", by gh hotfix create): recorded here, with the
	// branch, before they are sent, so none is sent twice (those after it
	// are recorded on the pull request, see notify.Claim).
	Notified []string
}

// Exceptional reports whether the hotfix follows the exceptional process.
func (m Meta) Exceptional() bool { return m.FromTag != "" }

// metaKeys maps each field to its git config variable name.
var metaKeys = []string{"hotfix-description", "hotfix-issue", "hotfix-base", "hotfix-remote", "hotfix-repo", "hotfix-created",
	"hotfix-from-tag", "hotfix-mainline", "hotfix-inputs", "hotfix-reverts", "hotfix-reverts-id", "hotfix-reverts-noted", "hotfix-notified"}

func (m Meta) values() []string {
	issue := ""
	if m.Issue > 0 {
		issue = strconv.Itoa(m.Issue)
	}
	created := ""
	if !m.Created.IsZero() {
		created = m.Created.UTC().Format(time.RFC3339)
	}
	inputs := ""
	if len(m.Inputs) > 0 {
		b, _ := json.Marshal(m.Inputs) // keys sorted: a stable value
		inputs = string(b)
	}
	reverts, noted := "", ""
	if m.Reverts > 0 {
		reverts = strconv.Itoa(m.Reverts)
	}
	if m.RevertNoted {
		noted = "true"
	}
	return []string{m.Description, issue, m.Base, m.Remote, m.Repo, created, m.FromTag, m.Mainline, inputs, reverts, m.RevertsID, noted,
		strings.Join(m.Notified, ",")}
}

// SaveMeta records m for branch. Empty fields are not written.
func SaveMeta(ctx context.Context, g *git.Client, branch string, m Meta) error {
	for i, v := range m.values() {
		if v == "" {
			continue
		}
		if err := g.SetConfig(ctx, "branch."+branch+"."+metaKeys[i], v); err != nil {
			return err
		}
	}
	return nil
}

// LoadMeta reads what create recorded for branch; ok is false when the branch
// was not made by gh hotfix create (no description recorded).
func LoadMeta(ctx context.Context, g *git.Client, branch string) (m Meta, ok bool, err error) {
	entries, err := g.ConfigGetRegexp(ctx, `^branch\.`+regexp.QuoteMeta(branch)+`\.hotfix-`)
	if err != nil {
		return Meta{}, false, err
	}
	get := func(k string) string { return entries["branch."+branch+"."+k] }
	m.Description = get("hotfix-description")
	m.Issue, _ = strconv.Atoi(get("hotfix-issue"))
	m.Base = get("hotfix-base")
	m.Remote = get("hotfix-remote")
	m.Repo = get("hotfix-repo")
	m.Created, _ = time.Parse(time.RFC3339, get("hotfix-created"))
	m.FromTag = get("hotfix-from-tag")
	m.Mainline = get("hotfix-mainline")
	if v := get("hotfix-inputs"); v != "" {
		_ = json.Unmarshal([]byte(v), &m.Inputs) // an unreadable value is as none
	}
	m.Reverts, _ = strconv.Atoi(get("hotfix-reverts"))
	m.RevertsID = get("hotfix-reverts-id")
	m.RevertNoted = get("hotfix-reverts-noted") == "true"
	if v := get("hotfix-notified"); v != "" {
		m.Notified = strings.Split(v, ",")
	}
	return m, m.Description != "", nil
}
