package runai

import (
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// flagFields names the Ref fields an Env ref from a flag sets, as the flag's user knows them.
var flagFields = map[string]string{
	"secret": "secret name",
	"key":    "key",
	"envVar": "variable name",
}

// sharedErrors runs secretspec.ValidateRefs on refs and reports each problem against the flag
// that gave the ref: owner[i] is the flag index of refs[i]. Values are never quoted.
func sharedErrors(refs []secretspec.Ref, owner []int) []error {
	list := secretspec.ValidateRefs(refs, field.NewPath("refs"))
	errs := make([]error, 0, len(list))
	for _, fe := range list {
		i, rest := refIndex(fe.Field)
		pe := &ParseError{Index: -1, Offset: -1}
		if i >= 0 && i < len(refs) {
			pe.Index, pe.Name = owner[i], refs[i].EnvVar
		}
		what := rest
		if name, ok := flagFields[rest]; ok {
			what = name
		}
		pe.Msg = fe.Type.String()
		if what != "" {
			pe.Msg = what + ": " + pe.Msg
		}
		if fe.Detail != "" {
			pe.Msg += ": " + refMention.ReplaceAllStringFunc(fe.Detail, func(m string) string {
				if j, _ := refIndex(m); j >= 0 && j < len(refs) {
					return "flag " + strconv.Itoa(owner[j])
				}
				return m
			})
		}
		errs = append(errs, pe)
	}
	return errs
}

// refMention finds "refs[N]" in the detail of a shared validation error.
var refMention = regexp.MustCompile(`refs\[[0-9]+\]`)

// refIndex splits "refs[3].secret" into 3 and "secret"; -1 if the path names no ref.
func refIndex(path string) (int, string) {
	rest, ok := strings.CutPrefix(path, "refs[")
	if !ok {
		return -1, path
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return -1, path
	}
	i, err := strconv.Atoi(rest[:end])
	if err != nil {
		return -1, path
	}
	return i, strings.TrimPrefix(rest[end+1:], ".")
}
