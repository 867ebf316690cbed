package hotfix

// JudgeBackportPull says where a backport pull request stands now, from
// GitHub's state of it (OPEN, MERGED, CLOSED), its head now and its record
// (rec; the zero Backport when its body has none). The record says how
// backport left it; the state and the head say what happened since, and win:
// a pull request opened with conflicts whose head moved was pushed to, so its
// conflicts are resolved. A merged one is LineMerged: whether its release was
// dispatched is for its release marker to say.
func JudgeBackportPull(state, head string, rec Backport) LineState {
	switch state {
	case "MERGED":
		return LineMerged
	case "CLOSED":
		return LineClosed
	}
	if rec.Conflicts {
		if rec.Head != "" && head != "" && head != rec.Head {
			return LineResolved
		}
		return LineConflict
	}
	return LineOpened
}
