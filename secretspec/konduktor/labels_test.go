package konduktor

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSecretName(t *testing.T) {
	tests := []struct {
		basename, owner, want, wantErr string
	}{
		{basename: "my-env-name", owner: "f3a9c2d1", want: "my-env-name-f3a9c2d1"},
		{basename: "a.b", owner: "x", want: "a.b-x"},
		{basename: "my-env-name", owner: "", wantErr: "owner id is empty"},
		{basename: "n", owner: "Alice", wantErr: `owner id "Alice" is not a DNS-1123 label`},
		{basename: "n", owner: "a.b", wantErr: `owner id "a.b" is not a DNS-1123 label`},
		{basename: "n", owner: strings.Repeat("a", 64), wantErr: "is not a DNS-1123 label"},
		{basename: "", owner: "x", wantErr: "secret basename is empty"},
		{basename: "My_Secret", owner: "x", wantErr: `basename "My_Secret" with owner "x" gives "My_Secret-x", which is not a valid Secret name`},
		{basename: strings.Repeat("b", 252), owner: "x", wantErr: "which is not a valid Secret name"},
	}
	for _, tt := range tests {
		got, err := SecretName(tt.basename, tt.owner)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("SecretName(%q, %q) error = %v, want %q", tt.basename, tt.owner, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("SecretName(%q, %q) = %q, %v; want %q", tt.basename, tt.owner, got, err, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	got, err := Labels("b", "o", KindEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"parent": "konduktor", "trainy.ai/secret-owner": "o", "trainy.ai/secret-basename": "b", "trainy.ai/secret-kind": "env"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, tt := range []struct{ basename, owner, kind, wantErr string }{
		{"b", "o", "secret", `unknown secret kind "secret"`},
		{"b", "o", "", `unknown secret kind ""`},
		{"b", "O", KindEnv, "not a DNS-1123 label"},
		{strings.Repeat("b", 64), "o", KindEnv, "is not a valid label value"},
		{"", "o", KindEnv, "basename is empty"},
	} {
		if _, err := Labels(tt.basename, tt.owner, tt.kind); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Labels(%q, %q, %q) error = %v, want %q", tt.basename, tt.owner, tt.kind, err, tt.wantErr)
		}
	}
}
