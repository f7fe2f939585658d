package encode

import (
	"fmt"
	"strings"
	"testing"
)

// benchSecret is a Secret with 100 keys of 100 bytes.
func benchSecret(b *testing.B) []Source {
	b.Helper()
	var srcs []Source
	for i := 0; i < 100; i++ {
		srcs = append(srcs, Literal(fmt.Sprintf("key-%03d", i), strings.Repeat("v", 100)))
	}
	return srcs
}

func BenchmarkGeneric100Literals(b *testing.B) {
	srcs := benchSecret(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generic("bench", srcs...); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	s, err := Generic("bench", benchSecret(b)...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := Validate(s); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	s, err := Generic("bench", benchSecret(b)...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Hash(s)
	}
}

func BenchmarkDecode(b *testing.B) {
	s, err := Generic("bench", benchSecret(b)...)
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"json", "yaml"} {
		manifest, err := Marshal(s, format)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(manifest)))
			for b.Loop() {
				if _, err := Decode(manifest); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseEnvFile1000Lines(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "# comment %d\nVAR_%04d=value-%d\n", i, i, i)
	}
	in := sb.String()
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if err := parseEnvFile(strings.NewReader(in), "bench.env", MaxSize, func(int, string, string) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTreeKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = TreeKey("secrets/nested/dir/some file_name.txt")
	}
}
