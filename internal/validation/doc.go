// Package validation holds fast versions of the name checks in
// k8s.io/apimachinery/pkg/util/validation that podsecrets calls on hot paths.
//
// Each function has the signature and the messages of its apimachinery namesake
// (k8s.io/apimachinery v0.35.10), which users search for; a message that only
// states the rule, quoting its whole regular expression, is led by what is wrong
// with the value in words:
//
//	if msgs := validation.IsDNS1123Subdomain("My-Secret"); len(msgs) > 0 {
//		// msgs[0]: must be lower case ("M" at byte 0): a lowercase RFC 1123
//		// subdomain must consist of lower case alphanumeric characters, ...
//	}
//
// On success the functions scan the string once, byte by byte, and allocate
// nothing; on failure they hand the string to apimachinery, which builds the
// messages, then says what is wrong. Differential fuzz tests
// (FuzzIsDNS1123Subdomain and friends) check that every input gets the same
// answer and apimachinery's messages from both.
//
// The worded checks (DNS1123SubdomainProblem, ConfigMapKeyProblem, RelaxedEnvVarNameProblem and
// friends) are for what a person reads: one message per value, what is wrong in words and then
// the rule in words, never apimachinery's regular-expression paragraph:
//
//	validation.DNS1123SubdomainProblem("My-Secret")
//	// must be lower case ("M" at byte 0); a DNS-1123 subdomain is at most 253 characters of
//	// lower-case letters, digits, '-' and '.', each part between dots starting and ending with a
//	// letter or digit
//
// They agree with apimachinery on which values are valid (TestWorded and the Fuzz…Problem
// targets) and allocate nothing for a valid one.
package validation
