package release

import _ "embed" // the hotfix workflow's text

// HotfixWorkflowFile is where `gh hotfix init --workflows` writes the hotfix workflow.
const HotfixWorkflowFile = ".github/workflows/hotfix.yml"

// HotfixWorkflow is the hotfix workflow of the exceptional process that `init
// --workflows` scaffolds: dispatched by `gh hotfix ship` on a maintenance branch with
// the hotfix tag and the target environment, it builds, deploys to the hotfix-staging
// environment, then to production, and creates the tag and its release. Inputs reach
// the scripts through env, never spliced into them, so a tag cannot inject commands.
//
// It lives in hotfix.yml beside this file: a workflow, read and reviewed as one.
//
//go:embed hotfix.yml
var HotfixWorkflow string
