package github

// What status reads of an open pull request to say what blocks it, from the
// fields LabelledPulls reads with it: no request of its own.

// HeadChecks are the checks of the pull request's head commit; a zero Checks
// when it has none (or the commit was not read).
func (p *LabelledPull) HeadChecks() Checks {
	if len(p.Commits.Nodes) == 0 {
		return Checks{}
	}
	return p.Commits.Nodes[0].Commit.toChecks()
}

// ReportedChecks names every check run and commit status on the head commit,
// whatever its state: a required check not among them was never reported.
func (p *LabelledPull) ReportedChecks() []string {
	if len(p.Commits.Nodes) == 0 {
		return nil
	}
	return p.Commits.Nodes[0].Commit.reported()
}

// reported names the commit's check runs and commit statuses.
func (cc *commitChecks) reported() []string {
	if cc.StatusCheckRollup == nil {
		return nil
	}
	var out []string
	for _, n := range cc.StatusCheckRollup.Contexts.Nodes {
		switch n.Typename {
		case "CheckRun":
			out = append(out, n.Name)
		case "StatusContext":
			out = append(out, n.Context)
		}
	}
	return out
}

// ChecksComplete reports whether ReportedChecks names every check of the head
// commit (GitHub's page holds 100).
func (p *LabelledPull) ChecksComplete() bool {
	if len(p.Commits.Nodes) == 0 || p.Commits.Nodes[0].Commit.StatusCheckRollup == nil {
		return true
	}
	ctx := p.Commits.Nodes[0].Commit.StatusCheckRollup.Contexts
	return len(ctx.Nodes) >= ctx.TotalCount
}

// Queue is the pull request's place in its base's merge queue, nil when it is
// not queued.
func (p *LabelledPull) Queue() *QueueEntry { return p.MergeQueueEntry.entry() }

// AutoMerge reports whether auto-merge is enabled on the pull request.
func (p *LabelledPull) AutoMerge() bool { return p.AutoMergeRequest != nil }

// ApprovalCount is the approving reviews that count: the latest review of each
// reviewer with write access, when it approves.
func (p *LabelledPull) ApprovalCount() int {
	n := 0
	for _, r := range p.Approvals.Nodes {
		if r.State == "APPROVED" {
			n++
		}
	}
	return n
}

// BaseRules are the rules that apply to the pull request's base branch (none
// when the branch is gone).
func (p *LabelledPull) BaseRules() RuleNodes {
	if p.BaseRef == nil {
		return RuleNodes{}
	}
	return p.BaseRef.Rules
}
