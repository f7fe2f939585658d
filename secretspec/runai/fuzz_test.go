package runai

import (
	"strings"
	"testing"

	"github.com/podsecrets/podsecrets/secretspec"
)

// FuzzParseEnv checks that ParseEnv never panics, returns exactly one result or an error,
// and that a ref it returns prints back to an equivalent flag.
func FuzzParseEnv(f *testing.F) {
	for _, s := range []string{"MYUSERNAME=SECRET:my-secret,username", "FOO=bar", "=", "A=SECRET:", "A=SECRET:s,k,", "A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, plain, err := ParseEnv(s)
		if err != nil {
			if ref != nil || plain != nil {
				t.Fatal("result returned with an error")
			}
			return
		}
		if (ref == nil) == (plain == nil) {
			t.Fatal("want exactly one of ref and plain")
		}
		if plain != nil {
			if plain.Name+"="+plain.Value != s {
				t.Fatal("plain variable does not rebuild the flag")
			}
			if strings.HasPrefix(plain.Value, SecretPrefix) {
				t.Fatal("a SECRET: value became a plain variable")
			}
			return
		}
		if ref.As != secretspec.Env {
			t.Fatalf("ref.As = %q", ref.As)
		}
		if got := ref.EnvVar + "=" + SecretPrefix + ref.Secret + "," + ref.Key; got != s {
			t.Fatalf("ref rebuilds to %q, want %q", got, s)
		}
		if _, _, err := ParseEnvs([]string{s, s}); err == nil {
			t.Fatal("a name given twice was accepted")
		}
	})
}
