package encode

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestHashKnown pins suffixes printed by kubectl v1.32
// (kubectl create secret generic ... --append-hash).
func TestHashKnown(t *testing.T) {
	empty, err := Generic("e")
	if err != nil {
		t.Fatal(err)
	}
	if got := WithHashSuffix(empty).Name; got != "e-kkck6cfc9g" {
		t.Errorf("empty: got %q, want e-kkck6cfc9g", got)
	}
	s, err := Generic("s", Literal("k", "a=b"), Literal("a.txt", "hello"))
	if err != nil {
		t.Fatal(err)
	}
	if got := WithHashSuffix(s).Name; got != "s-fm6bt697ff" {
		t.Errorf("s: got %q, want s-fm6bt697ff", got)
	}
	if s.Name != "s" {
		t.Error("WithHashSuffix modified its argument")
	}
}

func TestHashRules(t *testing.T) {
	base := newSecret("x", "")
	base.Data["a"] = []byte("1")
	h := Hash(base)
	if len(h) != 10 {
		t.Fatalf("hash %q is not 10 characters", h)
	}
	for _, c := range h {
		switch c {
		case '0', '1', '3', 'a', 'e':
			t.Errorf("hash %q holds %q, which kubectl maps away", h, c)
		}
	}
	withLabel := base.DeepCopy()
	withLabel.Labels = map[string]string{"l": "v"}
	viaString := newSecret("x", "")
	viaString.StringData = map[string]string{"a": "1"}
	nilData := newSecret("e", "")
	nilData.Data = nil
	emptyData := newSecret("e", "")
	if Hash(withLabel) != h || Hash(viaString) != h || Hash(nilData) != Hash(emptyData) {
		t.Error("labels, stringData folding or nil data change the hash")
	}
	immutable := base.DeepCopy()
	yes := true
	immutable.Immutable = &yes
	typed := base.DeepCopy()
	typed.Type = corev1.SecretTypeOpaque
	renamed := base.DeepCopy()
	renamed.Name = "y"
	for name, s := range map[string]*corev1.Secret{"immutable": immutable, "type": typed, "name": renamed} {
		if Hash(s) == h {
			t.Errorf("%s does not change the hash", name)
		}
	}
	if Hash(nil) != "" || WithHashSuffix(nil) != nil {
		t.Error("nil Secret")
	}
}
