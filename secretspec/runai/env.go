package runai

import (
	"fmt"
	"strings"

	"github.com/podsecrets/podsecrets/internal/validation"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// SecretPrefix starts a value that references a Secret: "SECRET:<secret>,<key>". It is
// case-sensitive, as in Run:ai.
const SecretPrefix = "SECRET:"

// ParseEnv reads the argument of one -e flag, "NAME=VALUE". Exactly one of ref and plain is
// non-nil unless err is set: a value starting with SecretPrefix gives an Env ref (Origin
// "-e flag"), any other value (empty included) a plain variable. The name is split off at the
// first '='.
//
// An error starts with "runai: ", lists one or more *ParseError (with Index -1) and is an
// apimachinery utilerrors.Aggregate (errors.As finds each); none quotes the value.
func ParseEnv(s string) (ref *secretspec.Ref, plain *corev1.EnvVar, err error) {
	p := parseEnv(s, -1)
	if len(p.errs) > 0 {
		return nil, nil, join(p.errs)
	}
	if p.ref != nil {
		if errs := flagErrors([]secretspec.Ref{*p.ref}, []int{-1}); len(errs) > 0 {
			return nil, nil, join(errs)
		}
	}
	return p.ref, p.plain, nil
}

// ParseEnvs reads the arguments of every -e flag: the refs, in flag order, each with its flag
// as Origin as a person counts it ("3rd -e flag"), and the plain variables in Extras.Env, in
// flag order, for inject.WithExtras. It reports every bad flag, not only the first, including a
// variable name given by more than one flag: the error starts with "runai: " and lists one
// *ParseError per problem, each naming its flag by position, one per line when there are
// several ("runai: 3 problems:"); it is an apimachinery utilerrors.Aggregate (errors.As finds
// each).
func ParseEnvs(flags []string) ([]secretspec.Ref, secretspec.Extras, error) {
	var (
		refs   []secretspec.Ref
		plains []corev1.EnvVar
		owner  []int // owner[i] is the flag that gave refs[i]
		errs   []error
	)
	seen := make(map[string]int, len(flags))
	for i, f := range flags {
		p := parseEnv(f, i)
		errs = append(errs, p.errs...)
		if p.name != "" {
			if j, ok := seen[p.name]; ok {
				errs = append(errs, &ParseError{Index: i, Name: p.name, Offset: 0,
					Msg: "variable is already set by the " + flagName(j)})
			} else {
				seen[p.name] = i
			}
		}
		if len(p.errs) > 0 {
			continue
		}
		if p.ref != nil {
			refs = append(refs, *p.ref)
			owner = append(owner, i)
		} else {
			plains = append(plains, *p.plain)
		}
	}
	if len(errs) == 0 {
		errs = flagErrors(refs, owner)
	}
	if len(errs) > 0 {
		return nil, secretspec.Extras{}, join(errs)
	}
	return refs, secretspec.Extras{Env: plains}, nil
}

// parsed is one flag's meaning: a ref or a plain variable, or errors. name is set whenever
// the flag has a non-empty name, even a bad one.
type parsed struct {
	name  string
	ref   *secretspec.Ref
	plain *corev1.EnvVar
	errs  []error
}

// pastedFlag explains a variable name that Kubernetes would take but no one means: one that
// begins with '-' or holds a space, as when a whole flag ("-e A=SECRET:x,y") or several are
// given as one flag's value. It returns "" for any other name.
func pastedFlag(name string) string {
	switch {
	case strings.HasPrefix(name, "-"):
		return `begins with "-": is a whole flag pasted as the value? Give only NAME=VALUE ` +
			`(for -e A=SECRET:x,y the value is A=SECRET:x,y)`
	case strings.Contains(name, " "):
		return "holds a space: are several flags, or a whole flag, pasted as one value? " +
			"Give one NAME=VALUE per -e flag"
	}
	return ""
}

func parseEnv(s string, index int) parsed {
	var p parsed
	fail := func(offset int, format string, args ...any) {
		p.errs = append(p.errs, &ParseError{Index: index, Name: p.name, Offset: offset, Msg: fmt.Sprintf(format, args...)})
	}
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		// Without '=' the whole flag may be a value: never quote it.
		fail(len(s), "missing '=': expected NAME=VALUE or NAME=%s<secret>,<key>", SecretPrefix)
		return p
	}
	name, value := s[:eq], s[eq+1:]
	if name == "" {
		fail(0, "empty variable name: expected NAME=VALUE or NAME=%s<secret>,<key>", SecretPrefix)
	} else {
		p.name = name
		if msg := validation.RelaxedEnvVarNameProblem(name); msg != "" {
			fail(0, "invalid variable name: %s", msg)
		} else if hint := pastedFlag(name); hint != "" {
			fail(0, "invalid variable name: %s", hint)
		}
	}
	if !strings.HasPrefix(value, SecretPrefix) {
		if len(p.errs) == 0 {
			p.plain = &corev1.EnvVar{Name: name, Value: value}
		}
		return p
	}
	rest := value[len(SecretPrefix):]
	base := eq + 1 + len(SecretPrefix)
	comma := strings.IndexByte(rest, ',')
	switch {
	case rest == "":
		fail(base, "empty secret reference: expected %s<secret>,<key>", SecretPrefix)
		return p
	case comma < 0:
		fail(base+len(rest), "secret reference has no key: expected %s<secret>,<key>", SecretPrefix)
		return p
	}
	secret, key := rest[:comma], rest[comma+1:]
	if extra := strings.IndexByte(key, ','); extra >= 0 {
		fail(base+comma+1+extra, "extra ',' in secret reference: expected exactly %s<secret>,<key>", SecretPrefix)
		return p
	}
	if secret == "" {
		fail(base, "empty secret name: expected %s<secret>,<key>", SecretPrefix)
	} else if msg := validation.DNS1123SubdomainProblem(secret); msg != "" {
		fail(base, "invalid secret name %q: %s", secret, msg)
	}
	if key == "" {
		fail(base+comma+1, "empty key: expected %s<secret>,<key>", SecretPrefix)
	} else if msg := validation.ConfigMapKeyProblem(key); msg != "" {
		fail(base+comma+1, "invalid key %q: %s", key, msg)
	}
	if len(p.errs) == 0 {
		p.ref = &secretspec.Ref{Secret: secret, Key: key, As: secretspec.Env, EnvVar: name, Origin: flagOrigin(index)}
	}
	return p
}
