package github

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cli/go-gh/v2/pkg/config"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

// TestEndpoints: the client's URLs are go-gh's for every kind of host.
func TestEndpoints(t *testing.T) {
	withGHConfig(t, "") // no api_host from the developer's hosts.yml
	tests := []struct {
		host, rest, graphql string
	}{
		{"github.com", "https://api.github.com/", "https://api.github.com/graphql"},
		{"GitHub.COM", "https://api.github.com/", "https://api.github.com/graphql"},
		{"github.localhost", "http://api.github.localhost/", "http://api.github.localhost/graphql"},
		{"ghes.localhost", "https://ghes.localhost/api/v3/", "https://ghes.localhost/api/graphql"},
		{"ghe.example.com", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"},
		{"octo.ghe.com", "https://api.octo.ghe.com/", "https://api.octo.ghe.com/graphql"},
		{"garage.github.com", "https://garage.github.com/api/v3/", "https://garage.github.com/api/graphql"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			rest, gql, err := endpoints(tt.host)
			if err != nil {
				t.Fatal(err)
			}
			if rest != tt.rest || gql != tt.graphql {
				t.Errorf("endpoints(%s) = %s, %s; want %s, %s", tt.host, rest, gql, tt.rest, tt.graphql)
			}
			c := NewClient(&http.Client{}, tt.host)
			if c.restBase != tt.rest || c.graphqlURL != tt.graphql {
				t.Errorf("NewClient(%s) URLs = %s, %s", tt.host, c.restBase, c.graphqlURL)
			}
		})
	}
}

// TestEndpointsAPIHost: an api_host in gh's hosts.yml moves the API, as in gh;
// an invalid one fails every request with go-gh's reason.
func TestEndpointsAPIHost(t *testing.T) {
	withGHConfig(t, "hosts:\n  ghe.example.com:\n    api_host: api.example.net\n")
	rest, gql, err := endpoints("ghe.example.com")
	if err != nil || rest != "https://api.example.net/api/v3/" || gql != "https://api.example.net/api/graphql" {
		t.Errorf("endpoints with api_host = %s, %s, %v", rest, gql, err)
	}
	withGHConfig(t, "hosts:\n  ghe.example.com:\n    api_host: https://bad/\n")
	c := NewClient(&http.Client{Transport: httpmock.New(t)}, "ghe.example.com")
	if err := c.REST(context.Background(), "GET", "meta", nil, nil); err == nil || !strings.Contains(err.Error(), "api_host") {
		t.Errorf("request with an invalid api_host: %v", err)
	}
}

// withGHConfig makes go-gh read yml as gh's configuration (go-gh reads the
// files once per process, so GH_CONFIG_DIR cannot do it) until t ends.
func withGHConfig(t *testing.T, yml string) {
	t.Helper()
	saved := config.Read
	config.Read = func(*config.Config) (*config.Config, error) { return config.ReadFromString(yml), nil }
	t.Cleanup(func() { config.Read = saved })
}
