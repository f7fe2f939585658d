package konduktor

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The basenames are what users type after `konduktor secret create`; Konduktor takes lower-case
// letters, digits and '-' (no dots).
func TestSecretName(t *testing.T) {
	tests := []struct {
		basename, owner, want, wantErr string
	}{
		{basename: "my-env-name", owner: "f3a9c2d1", want: "my-env-name-f3a9c2d1"},
		{basename: "my-ssh-name", owner: "alice", want: "my-ssh-name-alice"},
		{basename: "0", owner: "x", want: "0-x"},
		{basename: strings.Repeat("b", 63), owner: strings.Repeat("o", 63), want: strings.Repeat("b", 63) + "-" + strings.Repeat("o", 63)},
		{basename: "a.b", owner: "x", wantErr: `konduktor: secret name "a.b" is invalid: must not contain dots`},
		{basename: "My_Secret", owner: "x", wantErr: `konduktor: secret name "My_Secret" is invalid: must be lower case ("M" at byte 0): a lowercase RFC 1123 label`},
		{basename: "my_secret", owner: "x", wantErr: `konduktor: secret name "my_secret" is invalid: must not contain "_" at byte 2`},
		{basename: "-x", owner: "x", wantErr: `konduktor: secret name "-x" is invalid: must start with a letter or digit, not "-" at byte 0`},
		{basename: "x-", owner: "x", wantErr: `konduktor: secret name "x-" is invalid: must end with a letter or digit, not "-" at byte 1`},
		{basename: "", owner: "x", wantErr: `konduktor: secret name "" is invalid: must not be empty`},
		{basename: strings.Repeat("b", 64), owner: "x", wantErr: `konduktor: secret name "` + strings.Repeat("b", 64) + `" is invalid: must be no more than 63 characters`},
		{basename: "my-env-name", owner: "", wantErr: `konduktor: owner id "" is invalid: must not be empty`},
		{basename: "n", owner: "Alice", wantErr: `konduktor: owner id "Alice" is invalid: must be lower case ("A" at byte 0)`},
		{basename: "n", owner: "a.b", wantErr: `konduktor: owner id "a.b" is invalid: must not contain dots`},
		{basename: "n", owner: strings.Repeat("a", 64), wantErr: `konduktor: owner id "` + strings.Repeat("a", 64) + `" is invalid: must be no more than 63 characters`},
	}
	for _, tt := range tests {
		got, err := SecretName(tt.basename, tt.owner)
		if tt.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("SecretName(%q, %q) error = %v, want one starting %q", tt.basename, tt.owner, err, tt.wantErr)
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
		{"b", "o", "secret", `konduktor: unknown secret kind "secret": expected default, env or git-ssh`},
		{"b", "o", "", `konduktor: unknown secret kind "": expected default, env or git-ssh`},
		{"b", "O", KindEnv, `konduktor: owner id "O" is invalid`},
		{"b.c", "o", KindEnv, `konduktor: secret name "b.c" is invalid`},
	} {
		if _, err := Labels(tt.basename, tt.owner, tt.kind); err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
			t.Errorf("Labels(%q, %q, %q) error = %v, want one starting %q", tt.basename, tt.owner, tt.kind, err, tt.wantErr)
		}
	}
}
