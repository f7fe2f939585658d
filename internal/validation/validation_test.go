package validation

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// check is one of the functions under test, next to its apimachinery namesake.
type check struct {
	name string
	fast func(string) []string
	ref  func(string) []string
}

func checks() []check {
	return []check{
		{"IsDNS1123Subdomain", IsDNS1123Subdomain, k8svalidation.IsDNS1123Subdomain},
		{"IsDNS1123Label", IsDNS1123Label, k8svalidation.IsDNS1123Label},
		{"IsConfigMapKey", IsConfigMapKey, k8svalidation.IsConfigMapKey},
		{"IsEnvVarName", IsEnvVarName, k8svalidation.IsEnvVarName},
		{"IsRelaxedEnvVarName", IsRelaxedEnvVarName, k8svalidation.IsRelaxedEnvVarName},
	}
}

// seeds are inputs near every edge of the five rules; the table test runs
// each through every check and the fuzz targets start from them.
func seeds() []string {
	return []string{
		"", "a", "A", "0", "-", ".", "..", "...", "..a", ".a", "a.", "_", "=",
		"my-name", "123-abc", "-a", "a-", "a--b", "a.b", "a..b", ".a.b", "a.b.",
		"example.com", "Example.com", "a_b", "my.env-name", "MY_ENV.NAME", "MyEnvName1",
		"1abc", "key.name", "KEY_NAME", "key-name", "tls.crt", ".dockerconfigjson",
		"a b", " ", "~", "\x7f", "\x1f", "\t", "a=b", "é", "\xff", "a\n", "\na",
		strings.Repeat("a", 63), strings.Repeat("a", 64),
		strings.Repeat("a", 253), strings.Repeat("a", 254),
		strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 126) + "ab",
		strings.Repeat("a", 64) + ".com", strings.Repeat("A", 254),
	}
}

func TestMatchesApimachinery(t *testing.T) {
	for _, c := range checks() {
		for _, s := range seeds() {
			if diff := cmp.Diff(c.ref(s), c.fast(s)); diff != "" {
				t.Errorf("%s(%q) differs from apimachinery (-want +got):\n%s", c.name, s, diff)
			}
		}
	}
}

func TestRules(t *testing.T) {
	const (
		labelRegex = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
		subRegex   = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
		keyRegex   = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
		envRegex   = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
		relaxed    = "a valid environment variable name must consist only of printable ASCII characters other than '='"
	)
	tests := []struct {
		fn   func(string) []string
		name string
		in   string
		want []string
	}{
		{IsDNS1123Subdomain, "subdomain ok", "my-secret.example", nil},
		{IsDNS1123Subdomain, "subdomain 253", strings.Repeat("a", 253), nil},
		{IsDNS1123Subdomain, "subdomain too long", strings.Repeat("a", 254), []string{"must be no more than 253 characters"}},
		{IsDNS1123Subdomain, "subdomain upper", "My-secret", []string{subRegex}},
		{IsDNS1123Subdomain, "subdomain empty", "", []string{subRegex}},
		{IsDNS1123Subdomain, "subdomain empty label", "a..b", []string{subRegex}},
		{IsDNS1123Subdomain, "subdomain leading dash", "-a", []string{subRegex}},
		{IsDNS1123Subdomain, "subdomain long label ok", strings.Repeat("a", 100) + ".b", nil},
		{IsDNS1123Label, "label ok", "main", nil},
		{IsDNS1123Label, "label 63", strings.Repeat("a", 63), nil},
		{IsDNS1123Label, "label too long", strings.Repeat("a", 64), []string{"must be no more than 63 characters"}},
		{IsDNS1123Label, "label dots", "a.b", []string{"must not contain dots"}},
		{IsDNS1123Label, "label trailing dash", "a-", []string{labelRegex}},
		{IsDNS1123Label, "label too long and bad", strings.Repeat("A", 64), []string{"must be no more than 63 characters", labelRegex}},
		{IsConfigMapKey, "key ok", ".dockerconfigjson", nil},
		{IsConfigMapKey, "key dot", ".", []string{"must not be '.'"}},
		{IsConfigMapKey, "key dotdot", "..", []string{"must not be '..'"}},
		{IsConfigMapKey, "key dotdot prefix", "..a", []string{"must not start with '..'"}},
		{IsConfigMapKey, "key slash", "a/b", []string{keyRegex}},
		{IsConfigMapKey, "key empty", "", []string{keyRegex}},
		{IsConfigMapKey, "key too long", strings.Repeat("k", 254), []string{"must be no more than 253 characters"}},
		{IsEnvVarName, "env ok", "MY_ENV.NAME", nil},
		{IsEnvVarName, "env digit first", "1A", []string{envRegex}},
		{IsEnvVarName, "env space", "A B", []string{envRegex}},
		{IsEnvVarName, "env dotdot", "..A", []string{"must not start with '..'"}},
		{IsEnvVarName, "env empty", "", []string{envRegex}},
		{IsRelaxedEnvVarName, "relaxed ok", "1 weird-name!", nil},
		{IsRelaxedEnvVarName, "relaxed empty", "", []string{"environment variable name must be non-empty"}},
		{IsRelaxedEnvVarName, "relaxed equals", "A=B", []string{relaxed}},
		{IsRelaxedEnvVarName, "relaxed tab", "A\tB", []string{relaxed}},
		{IsRelaxedEnvVarName, "relaxed del", "A\x7f", []string{relaxed}},
		{IsRelaxedEnvVarName, "relaxed non-ASCII", "Ä", []string{relaxed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.fn(tt.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoAllocationOnSuccess(t *testing.T) {
	valid := map[string]string{
		"IsDNS1123Subdomain":  "my-secret.example.com",
		"IsDNS1123Label":      "my-container",
		"IsConfigMapKey":      "tls.crt",
		"IsEnvVarName":        "MY_ENV.NAME",
		"IsRelaxedEnvVarName": "MY ENV!",
	}
	for _, c := range checks() {
		s := valid[c.name]
		if n := testing.AllocsPerRun(100, func() { _ = c.fast(s) }); n != 0 {
			t.Errorf("%s(%q) allocates %v times, want 0", c.name, s, n)
		}
	}
}

func fuzzAgainst(f *testing.F, fast, ref func(string) []string) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if diff := cmp.Diff(ref(s), fast(s)); diff != "" {
			t.Errorf("differs from apimachinery for %q (-want +got):\n%s", s, diff)
		}
	})
}

func FuzzIsDNS1123Subdomain(f *testing.F) {
	fuzzAgainst(f, IsDNS1123Subdomain, k8svalidation.IsDNS1123Subdomain)
}

func FuzzIsDNS1123Label(f *testing.F) {
	fuzzAgainst(f, IsDNS1123Label, k8svalidation.IsDNS1123Label)
}

func FuzzIsConfigMapKey(f *testing.F) {
	fuzzAgainst(f, IsConfigMapKey, k8svalidation.IsConfigMapKey)
}

func FuzzIsEnvVarName(f *testing.F) {
	fuzzAgainst(f, IsEnvVarName, k8svalidation.IsEnvVarName)
}

func FuzzIsRelaxedEnvVarName(f *testing.F) {
	fuzzAgainst(f, IsRelaxedEnvVarName, k8svalidation.IsRelaxedEnvVarName)
}
