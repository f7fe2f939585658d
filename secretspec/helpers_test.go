package secretspec

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// errStrings renders errors as their messages: field path, type, value and
// detail, which is exactly what a caller sees. Refs hold no secret values, so
// the messages may be printed on failure.
func errStrings(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func mode(m int32) *int32 { return &m }
