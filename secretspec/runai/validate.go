package runai

import (
	"strings"

	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/secretspec"
)

// flagFields names the Ref fields an Env ref from a flag sets, as the flag's user knows them.
var flagFields = refpath.Fields{
	"secret": "secret name",
	"key":    "key",
	"envVar": "variable name",
}

// flagErrors runs secretspec.ValidateRefs on refs, each named by its flag (its Origin), and
// reports each problem against the flag that gave the ref: owner[i] is the flag index of
// refs[i] (-1: the flag given to ParseEnv). Values are never quoted.
func flagErrors(refs []secretspec.Ref, owner []int) []error {
	fields := make([]refpath.Fields, len(refs))
	for i := range fields {
		fields[i] = flagFields
	}
	problems := refpath.ValidateRefs(refs, fields)
	errs := make([]error, 0, len(problems))
	for _, p := range problems {
		pe := &ParseError{Index: -1, Offset: -1, Msg: p.Err.Type.String()}
		if p.Origin >= 0 {
			pe.Index, pe.Name = owner[p.Origin], refs[p.Origin].EnvVar
		}
		what := strings.TrimPrefix(p.Field, ".")
		if p.Origin < 0 {
			what = p.Err.Field // a path naming no ref: say it as it is
		}
		if what != "" {
			pe.Msg = what + ": " + pe.Msg
		}
		if p.Err.Detail != "" {
			pe.Msg += ": " + p.Err.Detail
		}
		errs = append(errs, pe)
	}
	return errs
}
