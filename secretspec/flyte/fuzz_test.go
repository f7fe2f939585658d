package flyte

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeAnnotations decodes an annotation value (raw base32, or the base32 of the given
// text) and checks that what decodes encodes back to the same requests, and that Refs never
// panics on them.
func FuzzDecodeAnnotations(f *testing.F) {
	f.Add("nnsxsoraejwxsx2lmv3secq", false)
	f.Add("group: \"g\"\nkey: \"k\"\nmount_requirement: FILE\nenv_var: \"E\"\n", true)
	f.Add("group:'g';key:\"\\x41\\101\" # c\nmount_requirement: 1", true)
	f.Add("key: \"a\" 'b' \"\\u00e9\"", true)
	f.Fuzz(func(t *testing.T, value string, isText bool) {
		if isText {
			value = encoding().EncodeToString([]byte(value))
		}
		secrets, err := DecodeAnnotations(map[string]string{"flyte.secrets/s0": value, "flyte.secrets/s1": value, "other": value})
		if err != nil {
			if secrets != nil {
				t.Fatal("secrets returned with an error")
			}
			return
		}
		if len(secrets) != 2 || !cmp.Equal(secrets[0], secrets[1]) {
			t.Fatalf("two equal annotations gave %d requests", len(secrets))
		}
		ann, err := EncodeAnnotations(secrets)
		if err != nil {
			t.Fatalf("decoded requests do not encode: %v", err)
		}
		again, err := DecodeAnnotations(ann)
		if err != nil {
			t.Fatalf("encoded requests do not decode: %v", err)
		}
		if !cmp.Equal(secrets, again) {
			t.Fatal("encode then decode changed the requests")
		}
		ann2, err := EncodeAnnotations(again)
		if err != nil || !cmp.Equal(ann, ann2) {
			t.Fatal("encoding is not stable")
		}
		_, _, _ = Refs(secrets)
	})
}
