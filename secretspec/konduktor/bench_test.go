package konduktor

import (
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// BenchmarkRefs picks one owner's secrets out of a namespace holding 20 owners' secrets.
func BenchmarkRefs(b *testing.B) {
	var all []corev1.Secret
	for o := 0; o < 20; o++ {
		own := "u" + strconv.Itoa(o)
		all = append(all,
			createdBy(own, "files", KindDefault, "a", "b"),
			createdBy(own, "env", KindEnv, "FOO", "BAR", "BAZ"),
			createdBy(own, "ssh", KindGitSSH, "gitkey"),
		)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Refs(all, "u7", ""); err != nil {
			b.Fatal(err)
		}
	}
}
