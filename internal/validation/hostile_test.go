package validation_test

import (
	"strings"
	"testing"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// hostileStrings are inputs built to confuse a hand-written checker: path
// syntax, NUL and control bytes, non-UTF-8, look-alikes of '.', '/', '-' and
// ASCII letters, and lengths at and around every limit.
func hostileStrings() []string {
	s := []string{
		"", ".", "..", "...", "..a", "a..", "-", "a-", "-a", "_a", "a_", "a.b", "a..b", ".a", "a.",
		"../a", "a/b", "/a", "a//b", `a\b`, "a\x00", "\x00a", "a\x00b", "a\nb", "a\tb", "a b", " a", "a ",
		"a=b", "=a", "a=", "a\x7f", "\x7f", "a\xff", "\xff", "\xc0\xaf", "\xed\xa0\x80", "a\u2215b",
		"\uff0e\uff0e", "a\uff0eb", "a\u2010b", "a\u2024b", "\u0430", "A\u0301", "\ufeffa", "a\u200bb",
		"ａ", "İ", "ß", "K", // fullwidth a, dotted I, sharp s, Kelvin sign
		"0", "0a", "a0", "A", "aB", "Ab", "a1-b2.c3", "1.2.3.4", "a.-b", "a-.b", "a.b-", "-a.b",
	}
	for _, n := range []int{62, 63, 64, 252, 253, 254, 1 << 16} {
		s = append(s, strings.Repeat("a", n), strings.Repeat("a", n-1)+".", strings.Repeat("a", n-1)+"-",
			strings.Repeat("a.", n/2)+"a", strings.Repeat("A", n))
	}
	return s
}

// TestHostileAgreesWithApimachinery: on every hostile input each fast check
// gives exactly apimachinery's messages.
func TestHostileAgreesWithApimachinery(t *testing.T) {
	checks := []struct {
		name      string
		fast, ref func(string) []string
	}{
		{"IsDNS1123Subdomain", validation.IsDNS1123Subdomain, k8svalidation.IsDNS1123Subdomain},
		{"IsDNS1123Label", validation.IsDNS1123Label, k8svalidation.IsDNS1123Label},
		{"IsConfigMapKey", validation.IsConfigMapKey, k8svalidation.IsConfigMapKey},
		{"IsEnvVarName", validation.IsEnvVarName, k8svalidation.IsEnvVarName},
		{"IsRelaxedEnvVarName", validation.IsRelaxedEnvVarName, k8svalidation.IsRelaxedEnvVarName},
	}
	for _, c := range checks {
		for _, in := range hostileStrings() {
			if problem := validation.MatchApimachinery(c.ref(in), c.fast(in)); problem != "" {
				t.Errorf("%s(%.80q): %.400s", c.name, in, problem)
			}
		}
	}
}
