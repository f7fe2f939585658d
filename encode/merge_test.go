package encode

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// mkSecret makes a named Secret of type typ with string data.
func mkSecret(name string, typ corev1.SecretType, data map[string]string) *corev1.Secret {
	s := newSecret(name, typ)
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestMerge(t *testing.T) {
	base := mkSecret("app", "", map[string]string{"a": "1", "b": "2", "t_.x": "x"})
	base.ResourceVersion = "42"
	base.Labels = map[string]string{"keep": "1", "over": "base"}
	base.Annotations = map[string]string{TreeAnnotation: `{"t_.x":"t/x"}`, "note": "base"}
	overlay := mkSecret("app", corev1.SecretTypeOpaque, map[string]string{"b": "20", "c": "3", "t_.y": "y"})
	overlay.StringData = map[string]string{"d": "4"}
	overlay.Labels = map[string]string{"over": "overlay", "new": "1"}
	overlay.Annotations = map[string]string{TreeAnnotation: `{"t_.y":"t/y"}`}
	baseCopy, overlayCopy := base.DeepCopy(), overlay.DeepCopy()

	got, err := Merge(base, overlay)
	if err != nil {
		t.Fatal(err)
	}
	want := mkSecret("app", corev1.SecretTypeOpaque, map[string]string{"a": "1", "b": "20", "c": "3", "d": "4", "t_.x": "x", "t_.y": "y"})
	want.ResourceVersion = "42"
	want.Labels = map[string]string{"keep": "1", "over": "overlay", "new": "1"}
	want.Annotations = map[string]string{TreeAnnotation: `{"t_.x":"t/x","t_.y":"t/y"}`, "note": "base"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Merge (-want +got):\n%s", diff)
	}
	if !cmp.Equal(base, baseCopy) || !cmp.Equal(overlay, overlayCopy) {
		t.Error("Merge modified an input")
	}
	got.Data["a"][0] = 'X'
	got.Labels["keep"] = "X"
	if string(base.Data["a"]) != "1" || base.Labels["keep"] != "1" {
		t.Error("Merge result shares memory with base")
	}
	items, err := TreeItems(got)
	if err != nil || len(items) != 2 {
		t.Errorf("TreeItems of the merge: %v %v", items, err)
	}
}

// mutable returns s with immutable explicitly false.
func mutable(s *corev1.Secret) *corev1.Secret {
	no := false
	s.Immutable = &no
	return s
}

func TestMergeErrors(t *testing.T) {
	yes := true
	immutable := mkSecret("app", "", map[string]string{"a": secretValue})
	immutable.Immutable = &yes
	withTree := func(name, ann string, keys ...string) *corev1.Secret {
		s := newSecret(name, "")
		for _, k := range keys {
			s.Data[k] = []byte(secretValue)
		}
		s.Annotations = map[string]string{TreeAnnotation: ann}
		return s
	}
	for _, tc := range []struct {
		name          string
		base, overlay *corev1.Secret
		want          string
	}{
		{"type mismatch", mkSecret("app", "", nil), mkSecret("app", corev1.SecretTypeTLS, nil), `type mismatch: base is "Opaque", overlay is "kubernetes.io/tls"`},
		{"name mismatch", mkSecret("a", "", nil), mkSecret("b", "", nil), "name mismatch"},
		{"immutable data change", immutable, mkSecret("app", "", map[string]string{"a": "other"}), "immutable"},
		{"immutable made mutable", immutable, mutable(mkSecret("app", "", map[string]string{"a": secretValue})),
			`encode: merge: base "app" is immutable and overlay sets immutable: false; the API server refuses that update (field is immutable when ` + "`immutable`" + ` is set)`},
		{"key at two paths", withTree("app", `{"k":"t/a"}`, "k"), withTree("app", `{"k":"t/b"}`, "k"), `tree key "k" maps to "t/a" in base and to "t/b" in overlay`},
		{"two keys at one path", withTree("app", `{"k":"t/a"}`, "k"), withTree("app", `{"j":"t/a"}`, "j"), "Duplicate value"},
		{"file and directory", withTree("app", `{"k":"t/a"}`, "k"), withTree("app", `{"j":"t/a/b"}`, "j"), "path lies inside t/a"},
		{"bad base mapping", withTree("app", `nope`, "k"), mkSecret("app", "", nil), "base.metadata.annotations"},
		{"too large", mkSecret("app", "", map[string]string{"a": strings.Repeat("x", MaxSize)}), mkSecret("app", "", map[string]string{"b": "y"}), "more than the limit"},
		{"nil", nil, mkSecret("app", "", nil), "nil Secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.base, tc.overlay)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			noLeak(t, err, secretValue)
		})
	}
	// An immutable base merged with what it already holds is fine, and stays immutable.
	for _, overlay := range []*corev1.Secret{mkSecret("app", "", map[string]string{"a": secretValue}), immutable} {
		got, err := Merge(immutable, overlay)
		if err != nil {
			t.Errorf("identical overlay on an immutable base: %v", err)
			continue
		}
		if got.Immutable == nil || !*got.Immutable {
			t.Errorf("Merge of an immutable base: immutable = %v, want true", got.Immutable)
		}
	}
}
