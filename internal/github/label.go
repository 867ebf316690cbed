package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cli/go-gh/v2/pkg/api"
)

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

// CreateLabel creates a label (POST /repos/{owner}/{repo}/labels), returning its
// node ID. A name the repository has already, in any case, is [ErrLabelExists].
// Creating twice cannot make two labels, so the request is retried like a read.
func (c *Client) CreateLabel(ctx context.Context, owner, name string, l Label) (string, error) {
	var created struct {
		NodeID string `json:"node_id"`
	}
	err := c.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/labels", owner, name),
		map[string]any{"name": l.Name, "color": l.Color, "description": l.Description}, &created)
	var he *api.HTTPError
	if errors.As(err, &he) && he.StatusCode == http.StatusUnprocessableEntity {
		return "", fmt.Errorf("%w: %w", ErrLabelExists, err)
	}
	return created.NodeID, err
}

// EnsureLabel creates the label unless the repository has it.
func (c *Client) EnsureLabel(ctx context.Context, owner, name string, l Label) error {
	_, err := c.CreateLabel(ctx, owner, name, l)
	if errors.Is(err, ErrLabelExists) {
		return nil
	}
	return err
}

// AddLabels adds labels by name to an issue or pull request
// (POST /repos/{owner}/{repo}/issues/{issue_number}/labels), idempotent.
func (c *Client) AddLabels(ctx context.Context, owner, name string, number int, labels ...string) error {
	return c.RESTIdempotent(ctx, "POST", fmt.Sprintf("repos/%s/%s/issues/%d/labels", owner, name, number), map[string]any{"labels": labels}, nil)
}
