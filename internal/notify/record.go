package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// Exactly once per hotfix, across re-runs and machines: each event sent is
// recorded on the hotfix's pull request, beside the release record
// (hotfix.ReleaseMarker), by a comment that claims it before it is sent:
//
//  1. Read: a claim comment for the event means it was sent (or is being
//     sent): nothing is sent again.
//  2. Claim: post a comment holding the event and a nonce. GitHub orders
//     comments by creation, and the post reads the comments right after it
//     (github.Client.AddComment): when another machine's claim for the same
//     event came first, it wins, and this one deletes its own and sends
//     nothing. The post is sent at most twice, the second time only after
//     reading the comments back proved the first did nothing
//     (release.PostOnce), as the release protocol's claim is.
//  3. Send, only after the claim stands.
//
// One comment per event, rather than one record edited in place: GitHub's
// comment edit has no compare-and-swap, so two machines editing the same
// record could each read it without the event, each add it and each send;
// the order of creation is the one thing GitHub arbitrates.
//
// The trade-off is at-most-once: a ship killed between the claim and the
// send (or whose send fails every attempt) leaves the claim, and no re-run
// sends that event. A duplicate message in the team's channel in the middle
// of an incident (two "released", one of them stale) costs more attention
// than a missing one, which the pull request, the release comment and the
// run still show; and "claimed, then sent" is the order that lets two
// machines never both send.
const claimPrefix = "<!-- gh-hotfix:notify "

var claimRE = regexp.MustCompile(`<!-- gh-hotfix:notify (\{[^\n]*?\}) -->`)

// claim is the hidden record of one event in its comment.
type claim struct {
	Event string `json:"event"`
	Nonce string `json:"nonce"`
}

func parseClaim(body string) (claim, bool) {
	if !strings.Contains(body, claimPrefix) {
		return claim{}, false
	}
	m := claimRE.FindStringSubmatch(body)
	if m == nil {
		return claim{}, false
	}
	var c claim
	if err := json.Unmarshal([]byte(m[1]), &c); err != nil || c.Event == "" {
		return claim{}, false
	}
	return c, true
}

// first is the earliest claim of event among comments, oldest first.
func first(comments []github.Comment, event string) (claim, int64, bool) {
	for _, c := range comments {
		if cl, ok := parseClaim(c.Body); ok && cl.Event == event {
			return cl, c.ID, true
		}
	}
	return claim{}, 0, false
}

// Sent reports whether comments hold a claim for event: it was sent, or a
// ship claimed it and stopped before sending (see the trade-off above).
func Sent(comments []github.Comment, event string) bool {
	_, _, ok := first(comments, event)
	return ok
}

// SentEvents lists the events comments hold claims for, in the config's order.
func SentEvents(comments []github.Comment, events []string) []string {
	var out []string
	for _, e := range events {
		if Sent(comments, e) {
			out = append(out, e)
		}
	}
	return out
}

// ClaimComment is the body of the comment that records event.
func ClaimComment(event, nonce string) string {
	b, _ := json.Marshal(claim{Event: event, Nonce: nonce})
	return fmt.Sprintf("🔔 Team notified: **%s**.\n\n<sub>Posted by gh hotfix. This comment records the notification: it is never sent again for this hotfix.</sub>\n%s%s -->\n",
		strings.ReplaceAll(event, "_", " "), claimPrefix, b)
}

// Claim records event on t before it is sent and reports whether this caller
// won the claim and must send it. comments are the thread as last read: a
// claim there already means no. A caller that did not win sends nothing.
func Claim(ctx context.Context, t release.Thread, comments []github.Comment, event string) (won bool, err error) {
	if Sent(comments, event) {
		return false, nil
	}
	nonce := fmt.Sprintf("%016x", rand.Uint64())
	posted, after, err := release.PostOnce(ctx, t, ClaimComment(event, nonce), func(cs []github.Comment) bool { return Sent(cs, event) })
	if err != nil {
		return false, err
	}
	winner, _, ok := first(after, event)
	if ok && winner.Nonce == nonce {
		return true, nil
	}
	if posted != nil && ok {
		// Another claim came first: ours is a duplicate record. A failure to
		// delete it leaves two claims, which still mean "sent once".
		_ = t.Delete(ctx, posted.ID)
		return false, nil
	}
	// The post's answer did not list the comments (nothing read back), yet
	// the post went out: ours is the record.
	return posted != nil && !ok, nil
}
