package doctor

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// fakeServer is a client whose answers told version (or did not), and whose
// GET /meta answers meta.
type fakeServer struct {
	enterprise bool
	version    string
	meta       string
	metaErr    error
	asked      int
}

func (f *fakeServer) Enterprise() bool { return f.enterprise }

func (f *fakeServer) LearnServerVersion(context.Context) (string, error) {
	if !f.enterprise {
		return "", nil
	}
	if f.version == "" {
		f.asked++
		f.version = f.meta
		return f.meta, f.metaErr
	}
	return f.version, nil
}

func (f *fakeServer) Lacks() []github.Feature { return github.Lacking(f.version) }

func TestServerCheck(t *testing.T) {
	tests := []struct {
		name      string
		gh        *fakeServer
		host      string
		want      string // "" when doctor says nothing of the server
		wantAsked int
	}{
		{name: "github.com: no line, no request", gh: &fakeServer{}, host: "github.com"},
		{name: "old server", gh: &fakeServer{enterprise: true, version: "3.10.4"}, host: "ghes.localhost",
			want: "GitHub Enterprise Server 3.10.4 at ghes.localhost (lacks: merge queue, rulesets, run details on dispatch — ship finds its run by listing)"},
		{name: "3.20: only run details", gh: &fakeServer{enterprise: true, version: "3.20.1"}, host: "ghes.localhost",
			want: "GitHub Enterprise Server 3.20.1 at ghes.localhost (lacks: run details on dispatch — ship finds its run by listing)"},
		{name: "3.11: merge queue, its rule and run details", gh: &fakeServer{enterprise: true, version: "3.11.0"}, host: "ghe.example.com",
			want: "GitHub Enterprise Server 3.11.0 at ghe.example.com (lacks: merge queue, merge queue rule, run details on dispatch — ship finds its run by listing)"},
		{name: "current server", gh: &fakeServer{enterprise: true, version: "3.21.2"}, host: "ghes.localhost",
			want: "GitHub Enterprise Server 3.21.2 at ghes.localhost, with everything gh-hotfix uses"},
		{name: "told by /meta", gh: &fakeServer{enterprise: true, meta: "3.12.0"}, host: "ghes.localhost", wantAsked: 1,
			want: "GitHub Enterprise Server 3.12.0 at ghes.localhost (lacks: merge queue rule, run details on dispatch — ship finds its run by listing)"},
		{name: "never told", gh: &fakeServer{enterprise: true, metaErr: errors.New("HTTP 404")}, host: "ghes.localhost", wantAsked: 1,
			want: "GitHub Enterprise Server at ghes.localhost; its answers did not tell its version (GET /meta: HTTP 404), so gh-hotfix uses every feature and leaves out those the server refuses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &diagnosis{srv: readServer(context.Background(), tt.gh, tt.host)}
			c, ok := d.server()
			if tt.want == "" {
				if ok {
					t.Errorf("server check %+v on %s", c, tt.host)
				}
			} else if !ok || !c.OK || c.Name != "server" || c.Detail != tt.want {
				t.Errorf("server check = %+v, %v\nwant detail %s", c, ok, tt.want)
			}
			if tt.gh.asked != tt.wantAsked {
				t.Errorf("GET /meta asked %d times, want %d", tt.gh.asked, tt.wantAsked)
			}
		})
	}
}

func TestExportServer(t *testing.T) {
	got := exportData(nil, serverFacts{Host: "ghes.localhost", Enterprise: true, Version: "3.10.0", Lacks: []github.Feature{github.MergeQueue, github.Rulesets}})["server"]
	want := map[string]any{"host": "ghes.localhost", "enterprise": true, "version": "3.10.0", "lacks": []string{"merge queue", "rulesets"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("server = %#v, want %#v", got, want)
	}
	got = exportData(nil, serverFacts{Host: "github.com"})["server"]
	want = map[string]any{"host": "github.com", "enterprise": false, "version": "", "lacks": []string{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("server = %#v, want %#v", got, want)
	}
}
