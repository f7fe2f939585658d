package validation

import (
	"strings"
	"testing"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// worded is each worded check, next to its apimachinery namesake.
func worded() []struct {
	name   string
	worded func(string) string
	ref    func(string) []string
	rule   string
} {
	return []struct {
		name   string
		worded func(string) string
		ref    func(string) []string
		rule   string
	}{
		{"DNS1123SubdomainProblem", DNS1123SubdomainProblem, k8svalidation.IsDNS1123Subdomain, SubdomainRule},
		{"DNS1123LabelProblem", DNS1123LabelProblem, k8svalidation.IsDNS1123Label, LabelRule},
		{"ConfigMapKeyProblem", ConfigMapKeyProblem, k8svalidation.IsConfigMapKey, KeyRule},
		{"RelaxedEnvVarNameProblem", RelaxedEnvVarNameProblem, k8svalidation.IsRelaxedEnvVarName, RelaxedEnvVarNameRule},
		{"EnvVarNameProblem", EnvVarNameProblem, k8svalidation.IsEnvVarName, EnvVarNameRule},
		{"QualifiedNameProblem", QualifiedNameProblem, k8svalidation.IsQualifiedName, QualifiedNameRule},
	}
}

// wordedAgrees reports how a worded message for s differs from what apimachinery decides, or "":
// a message exactly when apimachinery has one, a problem in words then the rule, no regular
// expression, no more of the value than one quoted byte.
func wordedAgrees(s, got string, ref []string, rule string) string {
	switch {
	case (got == "") != (len(ref) == 0):
		return "worded says " + strings.TrimSpace(got+" (valid)") + ", apimachinery " + strings.Join(ref, "; ")
	case got == "":
		return ""
	}
	problem, ok := strings.CutSuffix(got, "; "+rule)
	switch {
	case !ok || problem == "" || !strings.HasPrefix(problem, "must") && !strings.HasPrefix(problem, "each part") && !strings.HasPrefix(problem, "the "):
		return "want a problem in words, then \"; \" and the rule: " + got
	case strings.Contains(got, "regex"):
		return "quotes a regular expression: " + got
	case len(s) > 2 && strings.Contains(problem, s):
		return "quotes the value"
	}
	return ""
}

func TestWorded(t *testing.T) {
	tests := []struct {
		fn   func(string) string
		in   string
		want string
	}{
		{DNS1123SubdomainProblem, "my-secret.example", ""},
		{DNS1123SubdomainProblem, "My-secret", `must be lower case ("M" at byte 0); ` + SubdomainRule},
		{DNS1123SubdomainProblem, "arn:aws:x", `must not contain ":" at byte 3; ` + SubdomainRule},
		{DNS1123SubdomainProblem, "", "must not be empty; " + SubdomainRule},
		{DNS1123SubdomainProblem, strings.Repeat("a", 254), "must be at most 253 characters, not 254; " + SubdomainRule},
		{DNS1123SubdomainProblem, strings.Repeat("A", 254), `must be lower case ("A" at byte 0); ` + SubdomainRule},
		{DNS1123LabelProblem, "main", ""},
		{DNS1123LabelProblem, "a.b", `must not contain "." at byte 1; ` + LabelRule},
		{DNS1123LabelProblem, strings.Repeat("a", 64), "must be at most 63 characters, not 64; " + LabelRule},
		{ConfigMapKeyProblem, ".dockerconfigjson", ""},
		{ConfigMapKeyProblem, "a/b", `must not contain "/" at byte 1; ` + KeyRule},
		{ConfigMapKeyProblem, "..", `must not be ".."; ` + KeyRule},
		{ConfigMapKeyProblem, "..a", `must not start with ".."; ` + KeyRule},
		{ConfigMapKeyProblem, strings.Repeat("k", 254), "must be at most 253 characters, not 254; " + KeyRule},
		{RelaxedEnvVarNameProblem, "1 weird-name!", ""},
		{RelaxedEnvVarNameProblem, "A=B", `must not contain "=" at byte 1; ` + RelaxedEnvVarNameRule},
		{RelaxedEnvVarNameProblem, "", "must not be empty; " + RelaxedEnvVarNameRule},
		{EnvVarNameProblem, "MY_ENV.NAME", ""},
		{EnvVarNameProblem, "1A", `must not start with a digit ("1" at byte 0); ` + EnvVarNameRule},
		{EnvVarNameProblem, "..A", `must not start with ".."; ` + EnvVarNameRule},
		{QualifiedNameProblem, "vault.hashicorp.com/agent-inject", ""},
		{QualifiedNameProblem, "My.Name_1", ""},
		{QualifiedNameProblem, "a b", `the name must not contain " " at byte 1; ` + QualifiedNameRule},
		{QualifiedNameProblem, "a/b/c", "must hold at most one '/' (another at byte 3); " + QualifiedNameRule},
		{QualifiedNameProblem, "/b", "the prefix before '/' must not be empty; " + QualifiedNameRule},
		{QualifiedNameProblem, "Ex.com/b", `the prefix before '/' must be lower case ("E" at byte 0) (a DNS-1123 subdomain); ` + QualifiedNameRule},
		{QualifiedNameProblem, "ex.com/", "the name after '/' must not be empty; " + QualifiedNameRule},
		{QualifiedNameProblem, "ex.com/-b", `the name after '/' must start with a letter or digit, not "-" at byte 7; ` + QualifiedNameRule},
		{QualifiedNameProblem, strings.Repeat("n", 64), "the name must be at most 63 characters, not 64; " + QualifiedNameRule},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("(%.40q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, c := range worded() {
		for _, s := range append(seeds(), hostileWorded()...) {
			if problem := wordedAgrees(s, c.worded(s), c.ref(s), c.rule); problem != "" {
				t.Errorf("%s(%.40q): %s", c.name, s, problem)
			}
		}
	}
}

func hostileWorded() []string {
	return []string{"...", ".", "a..", "..", strings.Repeat("a.", 127), strings.Repeat("-", 300), "a\x00b", "A.b.-c",
		"a/b", "/", "a/", "/a", "a//b", strings.Repeat("a", 254) + "/b", "a.b/" + strings.Repeat("c", 63), "a.b/_c"}
}

func TestWordedNoAllocationOnSuccess(t *testing.T) {
	for _, c := range worded() {
		if n := testing.AllocsPerRun(100, func() { _ = c.worded("abc") }); n != 0 {
			t.Errorf("%s allocates %v times on a valid value, want 0", c.name, n)
		}
	}
}

func fuzzWorded(f *testing.F, worded func(string) string, ref func(string) []string, rule string) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if problem := wordedAgrees(s, worded(s), ref(s), rule); problem != "" {
			t.Errorf("%q: %s", s, problem)
		}
	})
}

func FuzzDNS1123SubdomainProblem(f *testing.F) {
	fuzzWorded(f, DNS1123SubdomainProblem, k8svalidation.IsDNS1123Subdomain, SubdomainRule)
}

func FuzzDNS1123LabelProblem(f *testing.F) {
	fuzzWorded(f, DNS1123LabelProblem, k8svalidation.IsDNS1123Label, LabelRule)
}

func FuzzConfigMapKeyProblem(f *testing.F) {
	fuzzWorded(f, ConfigMapKeyProblem, k8svalidation.IsConfigMapKey, KeyRule)
}

func FuzzRelaxedEnvVarNameProblem(f *testing.F) {
	fuzzWorded(f, RelaxedEnvVarNameProblem, k8svalidation.IsRelaxedEnvVarName, RelaxedEnvVarNameRule)
}

func FuzzQualifiedNameProblem(f *testing.F) {
	f.Add("example.com/MyName")
	f.Add("a/b/c")
	fuzzWorded(f, QualifiedNameProblem, k8svalidation.IsQualifiedName, QualifiedNameRule)
}

func FuzzEnvVarNameProblem(f *testing.F) {
	fuzzWorded(f, EnvVarNameProblem, k8svalidation.IsEnvVarName, EnvVarNameRule)
}
