package validation

import (
	"fmt"
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

// matchApimachinery reports how got differs from apimachinery's messages want,
// or "" if it does not: the same messages, each rule message (one quoting the
// regular expression, and the relaxed env var rule) led by what was wrong.
func matchApimachinery(want, got []string) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d messages, apimachinery has %d:\n%q\n%q", len(got), len(want), got, want)
	}
	for i, w := range want {
		rule := strings.Contains(w, "regex used for validation") || strings.HasPrefix(w, "a valid environment variable name must consist only")
		lead, ok := strings.CutSuffix(got[i], ": "+w)
		switch {
		case !rule && got[i] != w:
			return fmt.Sprintf("message %d is %q, apimachinery's is %q", i, got[i], w)
		case rule && (!ok || lead == "" || !strings.HasPrefix(lead, "must") && !strings.HasPrefix(lead, "each part")):
			return fmt.Sprintf("message %d is %q, want what was wrong, then \": \", then apimachinery's %q", i, got[i], w)
		}
	}
	return ""
}

func TestMatchesApimachinery(t *testing.T) {
	for _, c := range checks() {
		for _, s := range seeds() {
			if problem := matchApimachinery(c.ref(s), c.fast(s)); problem != "" {
				t.Errorf("%s(%q): %s", c.name, s, problem)
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
		{IsDNS1123Subdomain, "subdomain upper", "My-secret", []string{`must be lower case ("M" at byte 0): ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain empty", "", []string{"must not be empty: " + subRegex}},
		{IsDNS1123Subdomain, "subdomain empty label", "a..b", []string{`must not have two dots in a row ("." at byte 2): ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain leading dash", "-a", []string{`must start with a letter or digit, not "-" at byte 0: ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain trailing dot", "a.", []string{`must end with a letter or digit, not "." at byte 1: ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain part starts with dash", "a.-b", []string{`each part between dots must start with a letter or digit, not "-" at byte 2: ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain part ends with dash", "a-.b", []string{`each part between dots must end with a letter or digit, not "-" at byte 1: ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain underscore", "a_b", []string{`must not contain "_" at byte 1: ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain non-ASCII", "a\xffb", []string{`must not contain "\xff" at byte 1: ` + subRegex}},
		{IsDNS1123Subdomain, "subdomain long label ok", strings.Repeat("a", 100) + ".b", nil},
		{IsDNS1123Label, "label ok", "main", nil},
		{IsDNS1123Label, "label 63", strings.Repeat("a", 63), nil},
		{IsDNS1123Label, "label too long", strings.Repeat("a", 64), []string{"must be no more than 63 characters"}},
		{IsDNS1123Label, "label dots", "a.b", []string{"must not contain dots"}},
		{IsDNS1123Label, "label trailing dash", "a-", []string{`must end with a letter or digit, not "-" at byte 1: ` + labelRegex}},
		{IsDNS1123Label, "label too long and bad", strings.Repeat("A", 64), []string{"must be no more than 63 characters", `must be lower case ("A" at byte 0): ` + labelRegex}},
		{IsConfigMapKey, "key ok", ".dockerconfigjson", nil},
		{IsConfigMapKey, "key dot", ".", []string{"must not be '.'"}},
		{IsConfigMapKey, "key dotdot", "..", []string{"must not be '..'"}},
		{IsConfigMapKey, "key dotdot prefix", "..a", []string{"must not start with '..'"}},
		{IsConfigMapKey, "key slash", "a/b", []string{`must not contain "/" at byte 1: ` + keyRegex}},
		{IsConfigMapKey, "key empty", "", []string{"must not be empty: " + keyRegex}},
		{IsConfigMapKey, "key too long", strings.Repeat("k", 254), []string{"must be no more than 253 characters"}},
		{IsEnvVarName, "env ok", "MY_ENV.NAME", nil},
		{IsEnvVarName, "env digit first", "1A", []string{`must not start with a digit ("1" at byte 0): ` + envRegex}},
		{IsEnvVarName, "env space", "A B", []string{`must not contain " " at byte 1: ` + envRegex}},
		{IsEnvVarName, "env dotdot", "..A", []string{"must not start with '..'"}},
		{IsEnvVarName, "env empty", "", []string{"must not be empty: " + envRegex}},
		{IsRelaxedEnvVarName, "relaxed ok", "1 weird-name!", nil},
		{IsRelaxedEnvVarName, "relaxed empty", "", []string{"environment variable name must be non-empty"}},
		{IsRelaxedEnvVarName, "relaxed equals", "A=B", []string{`must not contain "=" at byte 1: ` + relaxed}},
		{IsRelaxedEnvVarName, "relaxed tab", "A\tB", []string{`must not contain "\t" at byte 1: ` + relaxed}},
		{IsRelaxedEnvVarName, "relaxed del", "A\x7f", []string{`must not contain "\x7f" at byte 1: ` + relaxed}},
		{IsRelaxedEnvVarName, "relaxed non-ASCII", "Ä", []string{`must not contain "\xc3" at byte 0: ` + relaxed}},
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
		if problem := matchApimachinery(ref(s), fast(s)); problem != "" {
			t.Errorf("%q: %s", s, problem)
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
