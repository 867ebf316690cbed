package ship

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/hotfix"
	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// mainlineConfig is the team's config on main: the exceptional section that
// brought the team to create --from-tag (the release's copy predates it).
const mainlineConfig = "release:\n  workflow: release.yml\nexceptional:\n  workflow: hotfix.yml\n"

const hotfixWorkflow = "name: Hotfix\non:\n  workflow_dispatch:\n    inputs:\n      tag:\n        required: true\n      environment:\n        required: true\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $TAG\n"

// TestShipExceptionalRelease: a hotfix made with create --from-tag, merged
// into its maintenance branch. ship decides the tag (the next patch of the
// line), dispatches the hotfix workflow on the maintenance branch with it,
// once, records it, then forward-ports the merge to main: cherry-picked in a
// temporary worktree, pushed, opened and labelled.
func TestShipExceptionalRelease(t *testing.T) {
	fx := newShipFixture(t, fixtureOpts{fromTag: true, merged: true})
	reg := httpmock.New(t)
	pull := fx.mergedPull()
	pull.base = "release/v1.4"
	st := fx.mergedState(pull)
	st.latestRelease = ""
	reg.Register(httpmock.GraphQL(`^HotfixShip$`), httpmock.GraphQLFunc(func(q string, v map[string]any) any {
		// The settings are main's: asked at main, beside the maintenance branch's state.
		if v["config"] != "main:.github/hotfix.yml" || v["base"] != "refs/heads/release/v1.4" {
			t.Errorf("HotfixShip variables %v", v)
		}
		a := st.answer()
		a["data"].(map[string]any)["repository"].(map[string]any)["config"] = map[string]any{"text": mainlineConfig}
		return a
	}))
	reg.Register(httpmock.GraphQL(`^HotfixPull$`), httpmock.JSON(200, map[string]any{"data": map[string]any{"node": pull.json()}}))
	reg.Register(httpmock.REST("GET", "repos/acme/shop/actions/workflows"), httpmock.JSON(200, `{"workflows": [
		{"id": 1, "name": "Release", "path": ".github/workflows/release.yml", "state": "active"},
		{"id": 2, "name": "Hotfix", "path": ".github/workflows/hotfix.yml", "state": "active"}]}`))
	reg.Register(httpmock.REST("GET", "repos/acme/shop/contents/.github/workflows/hotfix.yml?ref=release/v1.4"), httpmock.JSON(200, map[string]any{
		"content": base64.StdEncoding.EncodeToString([]byte(hotfixWorkflow)), "encoding": "base64"}))
	reg.Register(httpmock.REST("GET", "repos/acme/shop/git/matching-refs/tags/v1.4."), httpmock.JSON(200, []any{
		map[string]any{"ref": "refs/tags/v1.4.0", "object": map[string]any{"sha": fx.base0, "type": "commit"}}}))
	reg.Register(httpmock.REST("GET", "repos/acme/shop/git/matching-refs/tags/1.4."), httpmock.JSON(200, `[]`))
	reg.Register(httpmock.GraphQL(`^HotfixPullsInto$`), httpmock.JSON(200, `{"data": {"repository": {"pullRequests": {"nodes": [{"number": 7, "comments": {"nodes": []}}]}}}}`))
	reg.Register(httpmock.REST("GET", "repos/acme/shop/compare/v1.4.0..."+fx.merge), httpmock.JSON(200, map[string]any{"status": "ahead", "ahead_by": 2,
		"commits": []any{map[string]any{"sha": fx.tip, "commit": map[string]any{"message": "Fix the login"}},
			map[string]any{"sha": fx.merge, "commit": map[string]any{"message": "Merge pull request #7 from acme/hotfix/login"}}}}))
	reg.Register(httpmock.REST("GET", "repos/acme/shop/pulls/7/commits"), httpmock.JSON(200, []any{map[string]any{"sha": fx.tip, "commit": map[string]any{"message": "Fix the login"}}}))
	stubDispatchOf(reg, "hotfix.yml", 9100)
	reg.Register(httpmock.GraphQL(`^HotfixForwardPort$`), httpmock.GraphQLQuery(`{"data": {"repository": {"labels": {"nodes": []}}}}`, func(q string, v map[string]any) {
		if v["h0"] != "hotfix/forward-port-login" || v["label"] != "forward-port" {
			t.Errorf("HotfixForwardPort variables %v", v)
		}
	}))
	reg.Register(httpmock.REST("POST", "repos/acme/shop/pulls"), httpmock.JSON(201, `{"number": 8, "html_url": "https://github.com/acme/shop/pull/8", "state": "open"}`))
	reg.Register(httpmock.REST("POST", "repos/acme/shop/labels"), httpmock.JSON(201, `{"node_id": "LA_fp"}`))
	reg.Register(httpmock.REST("POST", "repos/acme/shop/issues/8/labels"), httpmock.JSON(200, `[]`))

	r := fx.ship(reg, ShipOptions{JSON: command.JSONFlags{Fields: []string{"number", "base", "tag", "release", "forwardPort"}}})
	if r.err != nil {
		t.Fatalf("error %v\nstderr:\n%s", r.err, r.stderr)
	}

	// Reads go side by side (the line's tags and the line's pull requests);
	// the release and the forward-port go in order.
	want := []string{"GraphQL HotfixShip", "GraphQL HotfixPull", "GET repos/acme/shop/actions/workflows",
		"GET repos/acme/shop/contents/.github/workflows/hotfix.yml", "GET repos/acme/shop/git/matching-refs/tags/v1.4.",
		"GET repos/acme/shop/git/matching-refs/tags/1.4.", "GraphQL HotfixPullsInto", "GET repos/acme/shop/compare/v1.4.0..." + fx.merge,
		"GET repos/acme/shop/pulls/7/commits", "GraphQL HotfixComment", "POST repos/acme/shop/actions/workflows/hotfix.yml/dispatches",
		"PATCH repos/acme/shop/issues/comments/501", "GraphQL HotfixForwardPort", "POST repos/acme/shop/pulls", "POST repos/acme/shop/labels",
		"POST repos/acme/shop/issues/8/labels"}
	wantSame(t, "requests (any order)", sorted(r.names()), sorted(want))
	wantOrder(t, r.names(), "GraphQL HotfixShip", "GraphQL HotfixPull", "GET repos/acme/shop/compare/v1.4.0..."+fx.merge, "GraphQL HotfixComment",
		"POST repos/acme/shop/actions/workflows/hotfix.yml/dispatches", "PATCH repos/acme/shop/issues/comments/501", "GraphQL HotfixForwardPort",
		"POST repos/acme/shop/pulls", "POST repos/acme/shop/issues/8/labels")

	// The release: the hotfix workflow on the maintenance branch, with the tag.
	claim, _ := r.request(t, "GraphQL HotfixComment").GraphQL.Variables["body"].(string)
	if m, ok := hotfix.ParseReleaseMarker(claim); !ok || m.State != "dispatching" || m.Tag != "v1.4.1" || m.Workflow != "hotfix.yml" || m.Ref != "release/v1.4" {
		t.Errorf("release comment %+v (parsed %v)", m, ok)
	}
	d := jsonBody(t, r.request(t, "POST repos/acme/shop/actions/workflows/hotfix.yml/dispatches"))
	if d["ref"] != "release/v1.4" || jsonOf(d["inputs"]) != `{"environment":"production","tag":"v1.4.1"}` {
		t.Errorf("dispatch %v", d)
	}
	edit, _ := jsonBody(t, r.request(t, "PATCH repos/acme/shop/issues/comments/501"))["body"].(string)
	if m, ok := hotfix.ParseReleaseMarker(edit); !ok || m.State != "dispatched" || m.RunID != 9100 || m.Tag != "v1.4.1" || !strings.Contains(edit, "Hotfix tag: `v1.4.1`") {
		t.Errorf("recorded release %+v (parsed %v):\n%s", m, ok, edit)
	}

	// The forward-port: the fix on main, on its own branch on origin.
	fp := jsonBody(t, r.request(t, "POST repos/acme/shop/pulls"))
	if fp["head"] != "hotfix/forward-port-login" || fp["base"] != "main" || fp["title"] != "Forward-port #7 to main: Login fails" {
		t.Errorf("forward-port pull request %v", fp)
	}
	if body, _ := fp["body"].(string); !strings.Contains(body, "#7") {
		t.Errorf("forward-port body does not name the hotfix:\n%s", body)
	}
	if labels := jsonBody(t, r.request(t, "POST repos/acme/shop/issues/8/labels")); jsonOf(labels["labels"]) != `["hotfix","forward-port"]` {
		t.Errorf("forward-port labels %v", labels)
	}
	fpTip := fx.originRef("refs/heads/hotfix/forward-port-login")
	if fpTip == "" {
		t.Fatal("origin has no hotfix/forward-port-login")
	}
	if got := fx.gitIn(fx.bare, "show", fpTip+":app.txt"); got != "login: fixed" {
		t.Errorf("the forward-port's app.txt is %q, want the fix", got)
	}
	if got := fx.gitIn(fx.bare, "show", fpTip+":cart.txt"); got != "cart: new" {
		t.Errorf("the forward-port is not on main (cart.txt %q)", got)
	}
	if parent := fx.gitIn(fx.bare, "rev-parse", fpTip+"^"); parent != fx.originRef("refs/heads/main") {
		t.Errorf("the forward-port's parent is %s, want main's tip", parent)
	}
	if wt := fx.git("worktree", "list"); strings.Count(wt, "\n") != 0 {
		t.Errorf("a temporary worktree was left behind:\n%s", wt)
	}

	wantLines(t, "stderr", r.stderr, "Hotfix tag: v1.4.1 (release line v1.4.*)", "Dispatched hotfix.yml on release/v1.4",
		"Release run: https://github.com/acme/shop/actions/runs/9100 (commented on #7)", "Pushed hotfix/forward-port-login (1 commit onto main)")
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is no JSON: %v\n%s", err, r.stdout)
	}
	if got["tag"] != "v1.4.1" || got["base"] != "release/v1.4" || got["number"] != 7.0 {
		t.Errorf("--json %v", got)
	}
	fw, _ := got["forwardPort"].(map[string]any)
	if fw["number"] != 8.0 || fw["url"] != "https://github.com/acme/shop/pull/8" || fw["state"] != "OPEN" {
		t.Errorf("--json forwardPort %v", fw)
	}
	if rel, _ := got["release"].(map[string]any); rel["runId"] != 9100.0 || rel["workflow"] != "hotfix.yml" {
		t.Errorf("--json release %v", rel)
	}
}

func sorted(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}

// wantOrder fails unless names holds each of want, in that order.
func wantOrder(t *testing.T, names []string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := slices.Index(names[at:], w)
		if i < 0 {
			t.Errorf("requests %q: %s missing, or before %q", names, w, want)
			return
		}
		at += i + 1
	}
}
