package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/github"
)

// serverReader is what doctor asks of the client about the server.
type serverReader interface {
	Enterprise() bool
	LearnServerVersion(ctx context.Context) (string, error)
	Lacks() []github.Feature
}

// serverFacts are what doctor says of the server: on GitHub Enterprise Server
// its version (from doctor's own answers, else GET /meta) and the features
// gh-hotfix uses that it lacks.
type serverFacts struct {
	Host       string
	Enterprise bool
	Version    string // "" on github.com and GHE.com, or when the server did not tell
	Lacks      []github.Feature
	Err        error // why GET /meta failed
}

// readServer asks nothing on github.com and GHE.com, nor on a GitHub
// Enterprise Server whose answers to doctor's queries told its version.
func readServer(ctx context.Context, gh serverReader, host string) serverFacts {
	s := serverFacts{Host: host, Enterprise: gh.Enterprise()}
	if !s.Enterprise {
		return s
	}
	s.Version, s.Err = gh.LearnServerVersion(ctx)
	s.Lacks = gh.Lacks()
	return s
}

// has reports whether the server has f (true unless known to lack it).
func (s serverFacts) has(f github.Feature) bool {
	for _, l := range s.Lacks {
		if l == f {
			return false
		}
	}
	return true
}

// lacks says what the server lacks, and what that means for a hotfix.
func (s serverFacts) lacks() string {
	var names []string
	for _, f := range s.Lacks {
		if f == github.MergeQueueRule && !s.has(github.Rulesets) {
			continue // no rulesets, no rule of theirs
		}
		names = append(names, f.String())
	}
	text := strings.Join(names, ", ")
	if len(s.Lacks) > 0 && s.Lacks[len(s.Lacks)-1] == github.DispatchRunDetails {
		text += " — ship finds its run by listing"
	}
	return text
}

// server names a GitHub Enterprise Server and what it lacks; on github.com
// and GHE.com there is no such check (the auth line names the host).
func (d *diagnosis) server() (Check, bool) {
	s := d.srv
	if !s.Enterprise {
		return Check{}, false
	}
	if s.Version == "" {
		why := "its answers did not tell its version"
		if s.Err != nil {
			why += " (GET /meta: " + s.Err.Error() + ")"
		}
		return pass("server", fmt.Sprintf("GitHub Enterprise Server at %s; %s, so gh-hotfix uses every feature and leaves out those the server refuses", s.Host, why)), true
	}
	detail := fmt.Sprintf("GitHub Enterprise Server %s at %s", s.Version, s.Host)
	if len(s.Lacks) > 0 {
		detail += " (lacks: " + s.lacks() + ")"
	} else {
		detail += ", with everything gh-hotfix uses"
	}
	return pass("server", detail), true
}

// export is the server as --json prints it.
func (s serverFacts) export() map[string]any {
	lacks := []string{}
	for _, f := range s.Lacks {
		lacks = append(lacks, f.String())
	}
	return map[string]any{"host": s.Host, "enterprise": s.Enterprise, "version": s.Version, "lacks": lacks}
}
