package validation

import k8svalidation "k8s.io/apimachinery/pkg/util/validation"

// IsDNS1123Subdomain tests for a string that conforms to the definition of a
// subdomain in DNS (RFC 1123): at most 253 characters, dot-separated labels of
// lower-case alphanumerics and '-' that start and end with an alphanumeric.
// It returns apimachinery's IsDNS1123Subdomain messages, or nil if valid.
func IsDNS1123Subdomain(value string) []string {
	if isDNS1123Subdomain(value) {
		return nil
	}
	return k8svalidation.IsDNS1123Subdomain(value)
}

// IsDNS1123Label tests for a string that conforms to the definition of a label
// in DNS (RFC 1123): at most 63 lower-case alphanumerics or '-', starting and
// ending with an alphanumeric. It returns apimachinery's IsDNS1123Label
// messages, or nil if valid.
func IsDNS1123Label(value string) []string {
	if len(value) <= k8svalidation.DNS1123LabelMaxLength && isDNS1123Label(value) {
		return nil
	}
	return k8svalidation.IsDNS1123Label(value)
}

// IsConfigMapKey tests for a string that is a valid key for a ConfigMap or
// Secret: 1 to 253 of [-._a-zA-Z0-9], not "." or "..", not starting with "..".
// It returns apimachinery's IsConfigMapKey messages, or nil if valid.
func IsConfigMapKey(value string) []string {
	if isConfigMapKey(value) {
		return nil
	}
	return k8svalidation.IsConfigMapKey(value)
}

// IsEnvVarName tests for a string that is a valid environment variable name
// under the strict rule kubectl applies to env files: [-._a-zA-Z][-._a-zA-Z0-9]*,
// not "." or "..", not starting with "..". It returns apimachinery's
// IsEnvVarName messages, or nil if valid.
func IsEnvVarName(value string) []string {
	if isEnvVarName(value) {
		return nil
	}
	return k8svalidation.IsEnvVarName(value)
}

// IsRelaxedEnvVarName tests for a string that is a valid environment variable
// name for a pod on the supported API servers: non-empty, printable ASCII
// (space included) other than '='. It returns apimachinery's
// IsRelaxedEnvVarName messages, or nil if valid.
func IsRelaxedEnvVarName(value string) []string {
	if isRelaxedEnvVarName(value) {
		return nil
	}
	return k8svalidation.IsRelaxedEnvVarName(value)
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
