package inject

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject/internal/benchfixture"
	"github.com/podsecrets/podsecrets/secretspec"
)

// BenchmarkUses reads back what Apply's result for the shared pod consumes; BenchmarkDeepCopy
// (a copy of that same spec) is its baseline.
func BenchmarkUses(b *testing.B) {
	pod, refs := benchfixture.Pod(), benchfixture.Refs()
	out, err := Apply(&pod.Spec, refs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Uses(out)
	}
}

// BenchmarkSecretsHash hashes what Apply's result for the shared pod consumes, its Secrets
// holding 4 to 6 keys of 1 KiB each, read from memory.
func BenchmarkSecretsHash(b *testing.B) {
	pod, refs := benchfixture.Pod(), benchfixture.Refs()
	out, err := Apply(&pod.Spec, refs)
	if err != nil {
		b.Fatal(err)
	}
	used := Uses(out)
	g := hashGetter{}
	value := make([]byte, 1024)
	for _, r := range used {
		s := g[r.Secret]
		if s == nil {
			s = &corev1.Secret{Data: map[string][]byte{}}
			s.Name, s.UID = r.Secret, "uid"
			g[r.Secret] = s
		}
		for _, k := range []string{"password", "user", "token", "ca.crt", r.Key, secretspec.DefaultGitSSHKey} {
			if k != "" {
				s.Data[k] = value
			}
		}
		for _, it := range r.Items {
			s.Data[it.Key] = value
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SecretsHash(g, used); err != nil {
			b.Fatal(err)
		}
	}
}
