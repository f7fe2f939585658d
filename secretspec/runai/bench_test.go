package runai

import (
	"strconv"
	"testing"
)

func BenchmarkParseEnvs(b *testing.B) {
	var flags []string
	for i := 0; i < 10; i++ {
		flags = append(flags, "SECRET_"+strconv.Itoa(i)+"=SECRET:my-secret,key-"+strconv.Itoa(i), "PLAIN_"+strconv.Itoa(i)+"=value")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseEnvs(flags); err != nil {
			b.Fatal(err)
		}
	}
}
