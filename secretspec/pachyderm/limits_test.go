package pachyderm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podsecrets/podsecrets/secretspec"
)

// padTo pads doc with trailing blanks (insignificant in JSON and YAML) to exactly n bytes.
func padTo(doc string, n int) []byte {
	return []byte(doc + strings.Repeat(" ", n-len(doc)))
}

func TestParseTransformSizeLimit(t *testing.T) {
	const limit = 3 << 20
	jsonSpec := `{"transform":{"secrets":[{"name":"s","mount_path":"/m"}]}}`
	yamlSpec := "transform:\n  secrets:\n  - name: s\n    mount_path: /m\n"
	mount := []secretspec.Ref{{Secret: "s", As: secretspec.Mount, MountPath: "/m"}}
	tests := []struct {
		name    string
		in      []byte
		want    []secretspec.Ref
		wantErr string
	}{
		{name: "JSON at the limit", in: padTo(jsonSpec, limit), want: mount},
		{name: "YAML at the limit", in: padTo(yamlSpec, limit), want: mount},
		{name: "JSON one byte over", in: padTo(jsonSpec, limit+1),
			wantErr: "pachyderm: input is 3145729 bytes, more than the 3145728-byte (3 MiB) limit on a pipeline spec"},
		{name: "YAML one byte over", in: padTo(yamlSpec, limit+1),
			wantErr: "pachyderm: input is 3145729 bytes, more than the 3145728-byte (3 MiB) limit on a pipeline spec"},
		{name: "a huge env value", in: []byte(`{"transform":{"env":{"A":"` + strings.Repeat("x", 8<<20) + `"}}}`),
			wantErr: "pachyderm: input is 8388638 bytes, more than the 3145728-byte (3 MiB) limit on a pipeline spec"},
		{name: "over the limit and malformed", in: padTo(`{"secrets": [`, limit+10),
			wantErr: "pachyderm: input is 3145738 bytes, more than the 3145728-byte (3 MiB) limit on a pipeline spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTransform(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
		})
	}
}
