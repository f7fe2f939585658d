package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"same", "a\nb", "a\nb", ""},
		{"added at the end", "a\nb", "a\nb\nc", "  ...\n  b\n+ c\n"},
		{"added at the start", "a\nb", "x\na\nb", "+ x\n  ...\n"},
		{"added in two places", "a\nb\nc\nd", "a\nx\nb\nc\nd\ny", "  a\n+ x\n  ...\n  d\n+ y\n"},
		{"removed", "a\nb\nc", "a\nc", "  a\n- b\n  ...\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			writeDiff(&out, strings.Split(tc.a, "\n"), strings.Split(tc.b, "\n"))
			if diff := cmp.Diff(tc.want, out.String()); diff != "" {
				t.Errorf("writeDiff (-want +got):\n%s", diff)
			}
		})
	}
}
