package propagate

// Action is what a run did, or in a dry run would do, in one namespace.
type Action string

// The actions a Result reports.
const (
	Created   Action = "created"   // the copy was missing and was created
	Updated   Action = "updated"   // the copy differed from the source and was rewritten
	Unchanged Action = "unchanged" // the copy already equals the source
	Deleted   Action = "deleted"   // Remove deleted the copy
	Pruned    Action = "pruned"    // the namespace is no longer selected; Sync deleted the copy
	Conflict  Action = "conflict"  // a same-name Secret that is not our copy; left untouched
	Skipped   Action = "skipped"   // nothing done on purpose; Err says why
	Failed    Action = "failed"    // an API error, or ctx ended first; Err is the error
)

// actionOrder is the order Summary lists the actions in.
func actionOrder() []Action {
	return []Action{Created, Updated, Unchanged, Deleted, Pruned, Conflict, Skipped, Failed}
}
