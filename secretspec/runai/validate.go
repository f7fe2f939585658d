package runai

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/secretspec"
)

// flagFields names the Ref fields an Env ref from a flag sets, as the flag's user knows them.
var flagFields = map[string]string{
	"secret": "secret name",
	"key":    "key",
	"envVar": "variable name",
}

// flagOrigin is where a ref from the -e flag at index came from (-1: the flag given to ParseEnv).
func flagOrigin(index int) refpath.Origin {
	o := refpath.Origin{Path: field.NewPath("flags").Index(index), Fields: flagFields, Mention: "the flag"}
	if index >= 0 {
		o.Mention = "the " + flagName(index)
	}
	return o
}

// flagErrors runs secretspec.ValidateRefs on refs and reports each problem against the flag
// that gave the ref: owner[i] is the flag index of refs[i]. Values are never quoted.
func flagErrors(refs []secretspec.Ref, owner []int) []error {
	origins := make([]refpath.Origin, len(owner))
	for i, index := range owner {
		origins[i] = flagOrigin(index)
	}
	problems := refpath.Validate(refs, origins)
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
