package flyte

import (
	"strconv"
	"testing"
)

// benchRequests is a pod's worth of requests: ten keys of five groups, half as files.
func benchRequests() []Secret {
	var in []Secret
	for i := 0; i < 10; i++ {
		in = append(in, Secret{Group: "group-" + strconv.Itoa(i%5), Key: "key_" + strconv.Itoa(i), MountRequirement: MountType(1 + i%2), EnvVar: "VAR_" + strconv.Itoa(i)})
	}
	return in
}

func BenchmarkEncodeAnnotations(b *testing.B) {
	in := benchRequests()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeAnnotations(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebhookPath is what a webhook does per pod: decode the annotations, build the refs.
func BenchmarkWebhookPath(b *testing.B) {
	ann, err := EncodeAnnotations(benchRequests())
	if err != nil {
		b.Fatal(err)
	}
	ann["app.kubernetes.io/name"] = "task"
	b.ReportAllocs()
	for b.Loop() {
		secrets, err := DecodeAnnotations(ann)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Refs(secrets); err != nil {
			b.Fatal(err)
		}
	}
}
