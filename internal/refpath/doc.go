// Package refpath runs secretspec.ValidateRefs for a dialect package and reports each problem
// where the user wrote the ref, in the dialect's own field names.
//
// A dialect builds its refs together with one Origin per ref: the path of the entry that gave
// the ref, how the dialect calls the Ref fields it sets, and (optionally) how an error message
// names the entry. Validate then moves every error from "refs[i].<field>" to the origin of
// refs[i] and rewrites mentions of other refs ("also set by refs[3] ...") into their origins:
//
//	origins := []refpath.Origin{{
//		Path:   field.NewPath("transform", "secrets").Index(2),
//		Fields: map[string]string{"secret": "name", "envVar": "env_var"},
//	}}
//	errs := refpath.Errors(refpath.Validate(refs, origins))
//	// an invalid refs[0].envVar is reported at "transform.secrets[2].env_var"
//
// A dialect that does not report with field paths (Run:ai's -e flags) reads Problem.Origin and
// Problem.Field instead of Problem.Err.Field.
package refpath
