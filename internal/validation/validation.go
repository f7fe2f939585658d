package validation

import (
	"strconv"
	"strings"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// The messages are apimachinery's, which users search for; each one that only
// states the rule (quoting its regular expression) is led by what is wrong
// with this value, in words: `must be lower case ("M" at byte 0): a lowercase
// RFC 1123 subdomain must consist of ...`.

// lead puts problem, when known, before every message of msgs that states a
// rule rather than a problem: the regex messages and the relaxed env var rule.
func lead(msgs []string, problem string) []string {
	if problem == "" {
		return msgs
	}
	for i, m := range msgs {
		if strings.Contains(m, "regex used for validation") || strings.HasPrefix(m, "a valid environment variable name must consist only") {
			msgs[i] = problem + ": " + m
		}
	}
	return msgs
}

// quoteByte quotes s[i] for a message, escaping a byte outside printable ASCII.
func quoteByte(s string, i int) string {
	return strconv.QuoteToASCII(s[i:i+1]) + " at byte " + strconv.Itoa(i)
}

// charProblem names the first byte of s that ok refuses, or says s is empty; "" if neither.
func charProblem(s string, ok func(byte) bool) string {
	if s == "" {
		return "must not be empty"
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return "must not contain " + quoteByte(s, i)
		}
	}
	return ""
}

// dnsProblem names what is wrong with s as a DNS-1123 subdomain (dots true) or
// label: emptiness, an upper-case letter, a byte outside the alphabet, an empty
// part between dots, or a part that starts or ends with '-' (a '.' in a label
// is a byte outside the alphabet).
func dnsProblem(s string, dots bool) string {
	if s == "" {
		return "must not be empty"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return "must be lower case (" + quoteByte(s, i) + ")"
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' && (c != '.' || !dots) {
			return "must not contain " + quoteByte(s, i)
		}
	}
	switch last := len(s) - 1; {
	case !isLowerAlnum(s[0]):
		return "must start with a letter or digit, not " + quoteByte(s, 0)
	case !isLowerAlnum(s[last]):
		return "must end with a letter or digit, not " + quoteByte(s, last)
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (s[i] != '.' || !dots) {
			continue
		}
		part := s[start:i]
		switch {
		case part == "":
			return "must not have two dots in a row (" + quoteByte(s, i) + ")"
		case !isLowerAlnum(part[0]):
			return "each part between dots must start with a letter or digit, not " + quoteByte(s, start)
		case !isLowerAlnum(part[len(part)-1]):
			return "each part between dots must end with a letter or digit, not " + quoteByte(s, i-1)
		}
		start = i + 1
	}
	return ""
}

// IsDNS1123Subdomain tests for a string that conforms to the definition of a
// subdomain in DNS (RFC 1123): at most 253 characters, dot-separated labels of
// lower-case alphanumerics and '-' that start and end with an alphanumeric.
// It returns apimachinery's IsDNS1123Subdomain messages, or nil if valid.
func IsDNS1123Subdomain(value string) []string {
	if isDNS1123Subdomain(value) {
		return nil
	}
	return lead(k8svalidation.IsDNS1123Subdomain(value), dnsProblem(value, true))
}

// IsDNS1123Label tests for a string that conforms to the definition of a label
// in DNS (RFC 1123): at most 63 lower-case alphanumerics or '-', starting and
// ending with an alphanumeric. It returns apimachinery's IsDNS1123Label
// messages, or nil if valid.
func IsDNS1123Label(value string) []string {
	if len(value) <= k8svalidation.DNS1123LabelMaxLength && isDNS1123Label(value) {
		return nil
	}
	return lead(k8svalidation.IsDNS1123Label(value), dnsProblem(value, false))
}

// IsConfigMapKey tests for a string that is a valid key for a ConfigMap or
// Secret: 1 to 253 of [-._a-zA-Z0-9], not "." or "..", not starting with "..".
// It returns apimachinery's IsConfigMapKey messages, or nil if valid.
func IsConfigMapKey(value string) []string {
	if isConfigMapKey(value) {
		return nil
	}
	return lead(k8svalidation.IsConfigMapKey(value), charProblem(value, isNameByte))
}

// IsEnvVarName tests for a string that is a valid environment variable name
// under the strict rule kubectl applies to env files: [-._a-zA-Z][-._a-zA-Z0-9]*,
// not "." or "..", not starting with "..". It returns apimachinery's
// IsEnvVarName messages, or nil if valid.
func IsEnvVarName(value string) []string {
	if isEnvVarName(value) {
		return nil
	}
	problem := charProblem(value, isNameByte)
	if value != "" && '0' <= value[0] && value[0] <= '9' {
		problem = "must not start with a digit (" + quoteByte(value, 0) + ")"
	}
	return lead(k8svalidation.IsEnvVarName(value), problem)
}

// IsRelaxedEnvVarName tests for a string that is a valid environment variable
// name for a pod on the supported API servers: non-empty, printable ASCII
// (space included) other than '='. It returns apimachinery's
// IsRelaxedEnvVarName messages, or nil if valid.
func IsRelaxedEnvVarName(value string) []string {
	if isRelaxedEnvVarName(value) {
		return nil
	}
	return lead(k8svalidation.IsRelaxedEnvVarName(value), charProblem(value, func(c byte) bool { return c >= ' ' && c <= '~' && c != '=' }))
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isDNS1123Label reports whether s matches [a-z0-9]([-a-z0-9]*[a-z0-9])?
// (no length limit: labels inside a subdomain have none in apimachinery).
func isDNS1123Label(s string) bool {
	if s == "" || !isLowerAlnum(s[0]) || !isLowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

func isDNS1123Subdomain(s string) bool {
	if len(s) > k8svalidation.DNS1123SubdomainMaxLength {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if !isDNS1123Label(s[start:i]) {
				return false
			}
			start = i + 1
		}
	}
	return true
}

// isNameByte reports whether c is in [-._a-zA-Z0-9].
func isNameByte(c byte) bool {
	return isAlpha(c) || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_'
}

// hasChDirPrefix reports whether s is ".", ".." or starts with "..".
func hasChDirPrefix(s string) bool {
	return s == "." || len(s) >= 2 && s[0] == '.' && s[1] == '.'
}

func isConfigMapKey(s string) bool {
	if s == "" || len(s) > k8svalidation.DNS1123SubdomainMaxLength || hasChDirPrefix(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

func isEnvVarName(s string) bool {
	if s == "" || hasChDirPrefix(s) {
		return false
	}
	if c := s[0]; '0' <= c && c <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

func isRelaxedEnvVarName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '=' {
			return false
		}
	}
	return true
}
