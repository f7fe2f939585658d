// Package errlist is podsecrets' one format for several problems at once.
//
// A List prints one problem as its own message and several as a count followed by one
// problem per line, so that ten problems stay readable:
//
//	2 problems:
//		- refs[0].key: Required value
//		- refs[2].mountPath: Invalid value: "rel": must be an absolute path
//
// A List is an apimachinery utilerrors.Aggregate (Errors, Is) and unwraps to its members
// (Unwrap() []error), so errors.Is and errors.As reach every problem:
//
//	if errs := secretspec.ValidateRefs(refs, field.NewPath("refs")); len(errs) > 0 {
//		return errlist.From(errs)
//	}
//
// Every error a dialect package (secretspec/runai, flyte, pachyderm, konduktor) returns starts
// with the package's name and a colon, once, at the outermost level: WithPrefix says it before
// the List's message, and the problems inside do not repeat it:
//
//	runai: 2 problems:
//		- 1st -e flag ("A"): byte 10: secret reference has no key: expected SECRET:<secret>,<key>
//		- 2nd -e flag: byte 4: missing '=': expected NAME=VALUE or NAME=SECRET:<secret>,<key>
package errlist
