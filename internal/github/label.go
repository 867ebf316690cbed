package github

import "strings"

// LabelLookup is the GraphQL field that finds a label by name whatever its case,
// for a query with a $label variable. GitHub keeps label names unique ignoring
// case (creating "hotfix" where "Hotfix" exists answers 422 already_exists), but
// does not document that a lookup by name ignores case, so the labels whose names
// contain the name are read and compared here.
const LabelLookup = `labels(first: 100, query: $label) { nodes { id name } }`

// LabelNodes is what LabelLookup reads.
type LabelNodes struct {
	Nodes []struct {
		ID   string
		Name string
	}
}

// Find returns the label named name, ignoring case: its node ID and its name as
// the repository spells it.
func (l LabelNodes) Find(name string) (id, existing string, ok bool) {
	for _, n := range l.Nodes {
		if strings.EqualFold(n.Name, name) {
			return n.ID, n.Name, true
		}
	}
	return "", "", false
}
