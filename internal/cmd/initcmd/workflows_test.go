package initcmd

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/gh-hotfix/gh-hotfix/internal/release"
)

// TestHotfixWorkflow: the scaffolded workflow is valid YAML,
// can be dispatched with the tag and environment inputs ship sends, and has the jobs
// the exceptional process asks for, in order.
func TestHotfixWorkflow(t *testing.T) {
	var doc struct {
		Name string `yaml:"name"`
		Jobs map[string]struct {
			Needs       any    `yaml:"needs"`
			Environment string `yaml:"environment"`
			Steps       []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(release.HotfixWorkflow), &doc); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	dispatch, inputs, err := release.ParseFile([]byte(release.HotfixWorkflow))
	if err != nil || !dispatch {
		t.Fatalf("ParseFile: dispatch %v, %v", dispatch, err)
	}
	w := release.Workflow{Path: release.HotfixWorkflowFile, Dispatch: true, Inputs: inputs}
	if got, err := release.ValidateInputs(w, map[string]string{"tag": "v1.4.1", "environment": "production"}, release.Origins{}); err != nil || len(got) != 2 {
		t.Errorf("ValidateInputs: %v %v", got, err)
	}
	if _, err := release.ValidateInputs(w, map[string]string{"environment": "production"}, release.Origins{}); err == nil {
		t.Error("the tag input is not required")
	}
	if strings.Contains(strings.ToLower(doc.Name), "release") {
		t.Errorf("name %q mentions release: ship would take it for the release workflow", doc.Name)
	}
	for job, want := range map[string]struct{ needs, env string }{
		"build": {"", ""}, "hotfix-staging": {"build", "hotfix-staging"}, "production": {"hotfix-staging", "${{ inputs.environment }}"},
	} {
		j, ok := doc.Jobs[job]
		if !ok {
			t.Errorf("no job %s", job)
			continue
		}
		if (want.needs == "" && j.Needs != nil) || (want.needs != "" && j.Needs != want.needs) || j.Environment != want.env {
			t.Errorf("job %s: needs %v, environment %q; want %q, %q", job, j.Needs, j.Environment, want.needs, want.env)
		}
		for _, s := range j.Steps {
			// Inputs reach scripts through env only: an expression in a script could inject commands.
			if strings.Contains(s.Run, "${{") {
				t.Errorf("job %s runs a script with an expression in it: %q", job, s.Run)
			}
		}
	}
	// The release goes through the API with make_latest decided by version, and
	// notes generated since the line's previous tag; the script itself runs
	// against the emulator in e2e TestHotfixWorkflowRelease and TestHotfixWorkflowReleaseNotes.
	if !strings.Contains(release.HotfixWorkflow, `gh api "repos/$GITHUB_REPOSITORY/releases" -f tag_name="$TAG"`) ||
		!strings.Contains(release.HotfixWorkflow, `-f make_latest="$make_latest"`) {
		t.Error("the workflow does not create the tag and its release through the API with make_latest")
	}
	if !strings.Contains(release.HotfixWorkflow, `releases/generate-notes`) ||
		!strings.Contains(release.HotfixWorkflow, `-f previous_tag_name="$previous"`) {
		t.Error("the workflow does not generate the release notes from the line's previous tag")
	}
}

func TestDoctorCommand(t *testing.T) {
	for repo, want := range map[string]string{"": "gh hotfix doctor", "acme/shop": "gh hotfix doctor -R acme/shop",
		"ghe.example.com/acme/shop": "gh hotfix doctor -R ghe.example.com/acme/shop"} {
		if got := doctorCommand(repo); got != want {
			t.Errorf("doctorCommand(%q) = %q, want %q", repo, got, want)
		}
	}
}
