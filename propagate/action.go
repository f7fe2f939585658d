package propagate

// Action is what a run did, or in a dry run would do, in one namespace.
type Action string

// The actions a Result reports.
const (
	// Created means the copy was missing and was created.
	Created Action = "created"
	// Updated means the copy differed from the source and was rewritten: updated in place,
	// or deleted and created again where the API server does not allow the update (a changed
	// type; an immutable copy, with RecreateImmutable).
	Updated Action = "updated"
	// Unchanged means the copy already equals the source.
	Unchanged Action = "unchanged"
	// Deleted means Remove deleted the copy.
	Deleted Action = "deleted"
	// Pruned means the namespace is no longer selected and Sync deleted the copy.
	Pruned Action = "pruned"
	// Conflict means a same-name Secret that is not our copy is there; it was left untouched.
	Conflict Action = "conflict"
	// Skipped means nothing was done on purpose; Err says why.
	Skipped Action = "skipped"
	// Failed means an API error, or ctx ended before the namespace was reached; Err says which.
	Failed Action = "failed"
)

// actionOrder is the order Summary lists the actions in.
func actionOrder() []Action {
	return []Action{Created, Updated, Unchanged, Deleted, Pruned, Conflict, Skipped, Failed}
}
