package validation

import (
	"strconv"
	"strings"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// The worded checks: each takes the same rule as its Is… namesake and returns "" for a valid
// value, else one message that says what is wrong in words, then the rule in words, without
// apimachinery's regular expression:
//
//	must be lower case ("M" at byte 0); a DNS-1123 subdomain is at most 253 characters of
//	lower-case letters, digits, '-' and '.', each part between dots starting and ending with a
//	letter or digit
//
// They are for messages a person reads: a field.Invalid of each, or a parser's error. A message
// quotes at most one byte of the value, never the value.
const (
	// SubdomainRule is the form of a Secret's name, in words.
	SubdomainRule = "a DNS-1123 subdomain is at most 253 characters of lower-case letters, digits, '-' and '.', " +
		"each part between dots starting and ending with a letter or digit"
	// LabelRule is the form of a container's or volume's name, in words.
	LabelRule = "a DNS-1123 label is at most 63 characters of lower-case letters, digits and '-', " +
		"starting and ending with a letter or digit"
	// KeyRule is the form of a Secret's (or ConfigMap's) key, in words.
	KeyRule = `a key is at most 253 characters of letters, digits, '-', '_' and '.', not "." or ".." and not starting with ".."`
	// RelaxedEnvVarNameRule is the form of a pod's variable name, in words.
	RelaxedEnvVarNameRule = "a variable name is printable ASCII other than '='"
	// QualifiedNameRule is the form of a label or annotation key, in words.
	QualifiedNameRule = "a qualified name is an optional DNS-1123 subdomain and '/', then at most 63 characters of " +
		"letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
	// EnvVarNameRule is the form of a variable name in an env file (kubectl's rule), in words.
	EnvVarNameRule = `a variable name is letters, digits, '-', '_' and '.', not starting with a digit, ` +
		`not "." or ".." and not starting with ".."`
)

// DNS1123SubdomainProblem says what keeps value from being a DNS-1123 subdomain (IsDNS1123Subdomain),
// or "" if nothing does.
func DNS1123SubdomainProblem(value string) string {
	if isDNS1123Subdomain(value) {
		return ""
	}
	problem := dnsProblem(value, true)
	if problem == "" {
		problem = tooLong(value, k8svalidation.DNS1123SubdomainMaxLength)
	}
	return problem + "; " + SubdomainRule
}

// DNS1123LabelProblem says what keeps value from being a DNS-1123 label (IsDNS1123Label), or ""
// if nothing does.
func DNS1123LabelProblem(value string) string {
	if len(value) <= k8svalidation.DNS1123LabelMaxLength && isDNS1123Label(value) {
		return ""
	}
	problem := dnsProblem(value, false)
	if problem == "" {
		problem = tooLong(value, k8svalidation.DNS1123LabelMaxLength)
	}
	return problem + "; " + LabelRule
}

// ConfigMapKeyProblem says what keeps value from being a Secret's key (IsConfigMapKey), or "" if
// nothing does.
func ConfigMapKeyProblem(value string) string {
	if isConfigMapKey(value) {
		return ""
	}
	problem := charProblem(value, isNameByte)
	if problem == "" {
		problem = chDirProblem(value)
	}
	if problem == "" {
		problem = tooLong(value, k8svalidation.DNS1123SubdomainMaxLength)
	}
	return problem + "; " + KeyRule
}

// RelaxedEnvVarNameProblem says what keeps value from being a pod's variable name
// (IsRelaxedEnvVarName), or "" if nothing does.
func RelaxedEnvVarNameProblem(value string) string {
	if isRelaxedEnvVarName(value) {
		return ""
	}
	return charProblem(value, func(c byte) bool { return c >= ' ' && c <= '~' && c != '=' }) + "; " + RelaxedEnvVarNameRule
}

// EnvVarNameProblem says what keeps value from being a variable name under kubectl's rule for
// env files (IsEnvVarName), or "" if nothing does.
func EnvVarNameProblem(value string) string {
	if isEnvVarName(value) {
		return ""
	}
	problem := charProblem(value, isNameByte)
	switch {
	case value != "" && '0' <= value[0] && value[0] <= '9':
		problem = "must not start with a digit (" + quoteByte(value, 0) + ")"
	case problem == "":
		problem = chDirProblem(value)
	}
	return problem + "; " + EnvVarNameRule
}

// QualifiedNameProblem says what keeps value from being a qualified name, the form of a label or
// annotation key (apimachinery's IsQualifiedName), or "" if nothing does.
func QualifiedNameProblem(value string) string {
	problem := qualifiedNameProblem(value)
	if problem == "" {
		return ""
	}
	return problem + "; " + QualifiedNameRule
}

func qualifiedNameProblem(value string) string {
	name, start := value, 0
	if slash := strings.IndexByte(value, '/'); slash >= 0 {
		if next := strings.IndexByte(value[slash+1:], '/'); next >= 0 {
			return "must hold at most one '/' (another at byte " + strconv.Itoa(slash+1+next) + ")"
		}
		prefix := value[:slash]
		if prefix == "" {
			return "the prefix before '/' must not be empty"
		}
		if !isDNS1123Subdomain(prefix) {
			p := dnsProblem(prefix, true)
			if p == "" {
				p = tooLong(prefix, k8svalidation.DNS1123SubdomainMaxLength)
			}
			return "the prefix before '/' " + p + " (a DNS-1123 subdomain)"
		}
		name, start = value[slash+1:], slash+1
	}
	what := "the name"
	if start > 0 {
		what = "the name after '/'"
	}
	isName := func(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' }
	isEnd := func(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' }
	switch {
	case name == "":
		return what + " must not be empty"
	case len(name) > k8svalidation.LabelValueMaxLength:
		return what + " " + tooLong(name, k8svalidation.LabelValueMaxLength)
	}
	for i := 0; i < len(name); i++ {
		if !isName(name[i]) {
			return what + " must not contain " + quoteByte(value, start+i)
		}
	}
	switch last := len(name) - 1; {
	case !isEnd(name[0]):
		return what + " must start with a letter or digit, not " + quoteByte(value, start)
	case !isEnd(name[last]):
		return what + " must end with a letter or digit, not " + quoteByte(value, start+last)
	}
	return ""
}

// chDirProblem says that s is ".", ".." or starts with "..", or "" if it is none of them.
func chDirProblem(s string) string {
	switch {
	case s == "." || s == "..":
		return "must not be " + strconv.Quote(s)
	case hasChDirPrefix(s):
		return `must not start with ".."`
	}
	return ""
}

// tooLong says that s is longer than max.
func tooLong(s string, max int) string {
	return "must be at most " + strconv.Itoa(max) + " characters, not " + strconv.Itoa(len(s))
}
