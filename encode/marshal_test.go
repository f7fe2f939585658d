package encode

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestMarshalInvalidKeys: Marshal refuses a data or stringData key the API
// server would refuse (the check Validate makes) in both formats, naming
// every such key and no value, instead of writing a manifest no server takes
// or failing with a YAML library's message.
func TestMarshalInvalidKeys(t *testing.T) {
	v := secretValue
	for _, tc := range []struct {
		name       string
		data       map[string][]byte
		stringData map[string]string
		want       []KeyError
	}{
		{"DEL (the fuzz find)", map[string][]byte{"\x7f": nil, "ok": []byte(v)}, nil,
			[]KeyError{{Source: "marshal", Key: "\x7f", Reason: keyReason("\x7f")}}},
		{"space", map[string][]byte{"a b": []byte(v)}, nil,
			[]KeyError{{Source: "marshal", Key: "a b", Reason: keyReason("a b")}}},
		{"not UTF-8", map[string][]byte{"\xff": []byte(v)}, nil,
			[]KeyError{{Source: "marshal", Key: "\xff", Reason: keyReason("\xff")}}},
		{"dot dot and empty, all reported", map[string][]byte{"..": []byte(v), "": []byte(v), "k": nil}, nil,
			[]KeyError{{Source: "marshal", Key: "", Reason: keyReason("")}, {Source: "marshal", Key: "..", Reason: keyReason("..")}}},
		{"stringData key", nil, map[string]string{"a/b": v},
			[]KeyError{{Source: "marshal", Key: "a/b", Reason: keyReason("a/b")}}},
	} {
		for _, format := range []string{"json", "yaml"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				s := newSecret("s", "")
				s.Data, s.StringData = tc.data, tc.stringData
				b, err := Marshal(s, format)
				if b != nil {
					t.Error("Marshal wrote a manifest with an invalid key")
				}
				var got []KeyError
				for _, e := range unjoin(err) {
					var ke *KeyError
					if !errors.As(e, &ke) {
						t.Fatalf("want *KeyError values, got %T", e)
					}
					got = append(got, *ke)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				noLeak(t, err, v)
			})
		}
	}
}

// keyReason is the KeyError reason for the invalid key k.
func keyReason(k string) string { return strings.Join(isConfigMapKey(k), "; ") }

// unjoin returns the errors joined in err, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// TestMarshalUnprintable: a valid Secret whose strings hold characters YAML
// may not carry raw (DEL, C1 controls, NEL, BOM, U+FFFE/U+FFFF) is written
// with escapes and decodes back unchanged, in both formats.
func TestMarshalUnprintable(t *testing.T) {
	const odd = "a\x7fb\u0080\u0085\u009f\ufeff\ufffe\uffff\U0001F600\u2028\u2029\t\r\n\x00 é<&>\"\\"
	s := newSecret("s", corev1.SecretTypeOpaque)
	s.Annotations = map[string]string{"note": odd, "plain": "x"}
	s.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "n" + odd, UID: "u"}}
	s.GenerateName = "g"
	s.Data["k"] = []byte(odd)
	if errs := Validate(s); len(errs) != 0 {
		t.Fatalf("test Secret invalid: %v", errs)
	}
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			b, err := Marshal(s, format)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode(Marshal(s)): %v", err)
			}
			if diff := cmp.Diff(s.ObjectMeta, got.ObjectMeta); diff != "" {
				t.Errorf("metadata round trip (-want +got):\n%s", diff)
			}
			if !cmpEqual(s, got) {
				t.Error("Decode(Marshal(s)) differs from s")
			}
		})
	}
}
