package config

import (
	"maps"
	"slices"
)

// Resolution is the configuration a command uses and where it came from,
// decided by one rule (see Resolve) for every command.
type Resolution struct {
	// Config is the configuration in force; Config.Source says where it was
	// read ("" for the defaults).
	Config Config
	// Local reports whether the checkout has the file; it is then in force.
	Local bool
	// Rev is the revision the base branch's copy was read at, e.g. "main";
	// "" when that copy was not read or does not exist.
	Rev string
	// BaseCopy is the base branch's copy, nil when it was not read or does
	// not exist. It is Config unless the checkout's file is in force; a
	// command whose rule puts that copy first (ship of a hotfix from a
	// release tag, whose checkout holds the release's file) uses it instead.
	BaseCopy *Config
	// Changed are the settings whose values differ between the checkout's
	// file (the defaults when there is none) and the base branch's copy, by
	// their keys in the file ("base", "label.name", "release.workflow"), in
	// the order the file lists them; nil when no copy was read.
	Changed []string
}

// Resolve applies the rule every command follows: the checkout's
// .github/hotfix.yml when it has one (local, found: what Load returned),
// else the base branch's copy, else the defaults. text is that copy as read
// at rev, nil when it was not read or the branch has none; commands read it
// only without a checkout file, in the same request as the rest of what
// they ask GitHub, unless they compare the two (doctor).
//
// A copy that does not parse is an *Error naming rev:.github/hotfix.yml. The
// Resolution returned with it still holds the checkout's file when found,
// which stays in force (only Changed is unknown); without one it is the
// zero Resolution.
func Resolve(local Config, found bool, rev string, text *string) (Resolution, error) {
	r := Resolution{Config: local, Local: found}
	if !found {
		r.Config = Default()
	}
	if text == nil {
		return r, nil
	}
	base, err := Parse(rev+":"+Path, []byte(*text))
	if err != nil {
		if !found {
			return Resolution{}, err
		}
		return r, err
	}
	r.Rev, r.BaseCopy, r.Changed = rev, &base, Diff(r.Config, base)
	if !found {
		r.Config = base
	}
	return r, nil
}

// Source names where the configuration in force comes from, for messages:
// "main:.github/hotfix.yml", or .github/hotfix.yml for the checkout's file
// and the defaults.
func (r Resolution) Source() string {
	if r.Config.Source != "" {
		return r.Config.Source
	}
	return Path
}

// FromBase reports whether the base branch's copy is in force.
func (r Resolution) FromBase() bool { return !r.Local && r.BaseCopy != nil }

// AskAgain reports whether the base branch's copy is in force and changes
// any of keys from the configuration a query was asked with (the checkout's
// file or, without one, the defaults): what the query learnt about them
// (the label, the base branch, a branch name) must then be asked again.
func (r Resolution) AskAgain(keys ...string) bool {
	return r.FromBase() && r.Differs(keys...)
}

// Differs reports whether any of keys is in Changed: the base branch's copy
// was read and gives it another value than the checkout's file (or, without
// one, the defaults), whichever of the two is in force.
func (r Resolution) Differs(keys ...string) bool {
	for _, k := range keys {
		if slices.Contains(r.Changed, k) {
			return true
		}
	}
	return false
}

// setting is one key of the file and how to compare its values.
type setting struct {
	key   string
	equal func(a, b *Config) bool
}

// settings are the file's keys, in the order Parse and Marshal list them;
// TestSettingsCoverEveryKey keeps them in step with the parser's keys.
var settings = []setting{
	{"base", func(a, b *Config) bool { return a.Base == b.Base }},
	{"branch_prefix", func(a, b *Config) bool { return a.BranchPrefix == b.BranchPrefix }},
	{"label.name", func(a, b *Config) bool { return a.Label.Name == b.Label.Name }},
	{"label.color", func(a, b *Config) bool { return a.Label.Color == b.Label.Color }},
	{"label.description", func(a, b *Config) bool { return a.Label.Description == b.Label.Description }},
	{"reviewers", func(a, b *Config) bool { return slices.Equal(a.Reviewers, b.Reviewers) }},
	{"merge_method", func(a, b *Config) bool { return a.MergeMethod == b.MergeMethod }},
	{"limits.files", func(a, b *Config) bool { return a.Limits.Files == b.Limits.Files }},
	{"limits.lines", func(a, b *Config) bool { return a.Limits.Lines == b.Limits.Lines }},
	{"limits.bytes", func(a, b *Config) bool { return a.Limits.Bytes == b.Limits.Bytes }},
	{"release.workflow", func(a, b *Config) bool { return a.Release.Workflow == b.Release.Workflow }},
	{"release.inputs", func(a, b *Config) bool { return maps.Equal(a.Release.Inputs, b.Release.Inputs) }},
	{"release.wait_checks", func(a, b *Config) bool { return a.Release.WaitChecks == b.Release.WaitChecks }},
	{"pull_request.template", func(a, b *Config) bool { return a.PullRequest.Template == b.PullRequest.Template }},
	{"post_mortem.enabled", func(a, b *Config) bool { return a.PostMortem.Enabled == b.PostMortem.Enabled }},
	{"post_mortem.labels", func(a, b *Config) bool { return slices.Equal(a.PostMortem.Labels, b.PostMortem.Labels) }},
	{"post_mortem.template", func(a, b *Config) bool { return a.PostMortem.Template == b.PostMortem.Template }},
	{"exceptional.workflow", func(a, b *Config) bool { return a.Exceptional.Workflow == b.Exceptional.Workflow }},
	{"exceptional.maintenance_branch", func(a, b *Config) bool {
		return a.Exceptional.MaintenanceBranch == b.Exceptional.MaintenanceBranch
	}},
	{"exceptional.tag_input", func(a, b *Config) bool { return a.Exceptional.TagInput == b.Exceptional.TagInput }},
	{"exceptional.environment_input", func(a, b *Config) bool {
		return a.Exceptional.EnvironmentInput == b.Exceptional.EnvironmentInput
	}},
	{"exceptional.environment", func(a, b *Config) bool { return a.Exceptional.Environment == b.Exceptional.Environment }},
	{"exceptional.inputs", func(a, b *Config) bool { return maps.Equal(a.Exceptional.Inputs, b.Exceptional.Inputs) }},
	{"notify", func(a, b *Config) bool {
		return slices.EqualFunc(a.Notify, b.Notify, func(x, y Notify) bool {
			return x.WebhookEnv == y.WebhookEnv && x.Kind == y.Kind && slices.Equal(x.Events, y.Events) && (x.Events == nil) == (y.Events == nil)
		})
	}},
}

// Diff lists the keys whose values differ between a and b, in the order the
// file lists them; nil when none does. Source is not a setting and is not
// compared; an empty list or map equals a missing one, as in the file.
func Diff(a, b Config) []string {
	var keys []string
	for _, s := range settings {
		if !s.equal(&a, &b) {
			keys = append(keys, s.key)
		}
	}
	return keys
}
