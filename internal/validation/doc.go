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
package validation
