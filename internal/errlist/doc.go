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
package errlist
