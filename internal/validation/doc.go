// Package validation holds fast versions of the name checks in
// k8s.io/apimachinery/pkg/util/validation that podsecrets calls on hot paths.
//
// Each function has exactly the signature and the messages of its apimachinery
// namesake (k8s.io/apimachinery v0.35.10), so switching between the two is only
// a change of import path:
//
//	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 { ... }
//
// On success the functions scan the string once, byte by byte, and allocate
// nothing; on failure they hand the string to apimachinery, which builds the
// messages. Differential fuzz tests (FuzzIsDNS1123Subdomain and friends) check
// that every input gets the same answer from both.
package validation
