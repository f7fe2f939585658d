package validation

import (
	"testing"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// BenchmarkValid compares the success path, the common case, with apimachinery.
func BenchmarkValid(b *testing.B) {
	inputs := map[string]string{
		"IsDNS1123Subdomain":  "my-app-credentials.team-a.example.com",
		"IsDNS1123Label":      "my-sidecar-container",
		"IsConfigMapKey":      ".dockerconfigjson",
		"IsEnvVarName":        "DATABASE_PASSWORD",
		"IsRelaxedEnvVarName": "DATABASE_PASSWORD",
	}
	for _, c := range checks() {
		s := inputs[c.name]
		b.Run(c.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = c.fast(s)
			}
		})
		b.Run(c.name+"/apimachinery", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = c.ref(s)
			}
		})
	}
}

// BenchmarkInvalid measures the failure path against apimachinery's: it delegates to
// apimachinery for the messages, then says what is wrong in front of them (about twice
// apimachinery's allocations; only an invalid name pays it).
func BenchmarkInvalid(b *testing.B) {
	const s = "My_Secret"
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = IsDNS1123Subdomain(s)
		}
	})
	b.Run("apimachinery", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = k8svalidation.IsDNS1123Subdomain(s)
		}
	})
}
