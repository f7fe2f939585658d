// Package refpath runs secretspec.ValidateRefs for a dialect package and reports each problem
// where the user wrote the ref, in the dialect's own field names.
//
// A dialect sets each ref's Origin to the place that gave it ("transform.secrets[2]",
// "flyte.secrets/s1"); secretspec.ValidateRefs then names the ref by it. What refpath adds is
// the dialect's names for the Ref fields: ValidateRefs renames "transform.secrets[2].envVar" to
// "transform.secrets[2].env_var" with one Fields map per ref:
//
//	fields := refpath.Fields{"secret": "name", "envVar": "env_var", "mountPath": "mount_path"}
//	errs := refpath.Errors(refpath.ValidateRefs(refs, []refpath.Fields{fields, fields}))
//
// A dialect that does not report with field paths (Run:ai's -e flags) reads Problem.Origin (the
// ref's index) and Problem.Field (the renamed field) instead of Problem.Err.Field.
//
// Validate, with an Origin value per ref, is the older form for dialects that do not set
// Ref.Origin yet: it places each problem at origins[i] and ignores the refs' own Origin.
package refpath
