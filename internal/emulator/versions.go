package emulator

// feature is something GitHub Enterprise Server has only from some version on;
// github.com and GHE.com have every feature.
type feature int

const (
	// featureRunDetails: POST …/dispatches accepts return_run_details and then
	// answers 200 with the run (github.com since 2026-02-19, "Workflow dispatch
	// API now returns run IDs", github.blog/changelog/2026-02-19-…); GitHub
	// Enterprise Server from 3.21, older servers refuse the key ("retry without
	// the parameter … on GHES versions that don't support the Feb 2026 API",
	// github/gh-aw#19414).
	featureRunDetails feature = iota
)

// since is the first GitHub Enterprise Server version of each feature.
var since = map[feature][2]int{
	featureRunDetails: {3, 21},
}

// has reports whether the site has f.
func (st site) has(f feature) bool {
	v, ok := since[f]
	if !ok {
		return true
	}
	return st.atLeast(v[0], v[1])
}
