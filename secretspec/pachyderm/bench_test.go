package pachyderm

import (
	"os"
	"testing"
)

func BenchmarkParseTransformMnist(b *testing.B) {
	spec, err := os.ReadFile("testdata/mnist.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTransform(spec); err != nil {
			b.Fatal(err)
		}
	}
}
