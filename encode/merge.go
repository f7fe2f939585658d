package encode

import (
	"bytes"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Merge returns base with overlay merged in, as Konduktor does when a secret
// is created under an existing name: every key of overlay is set (overlay
// wins), keys only in base stay, labels and annotations are merged the same
// way, and the TreeAnnotation mappings of both are united. base's other
// metadata (name, namespace, resourceVersion, ...) is kept, ready for an
// update; overlay's immutable flag, when set, wins, and so does its type
// when base has none. An immutable base stays immutable, as the API server
// keeps it.
//
// It is an error when the types differ (an empty type counts as Opaque),
// when both have a name or a namespace and they differ, when base is
// immutable and the merge would change its data or overlay sets immutable to
// false (the API server refuses both updates), when one key is mapped to
// two paths or two keys to one path, and when the result fails Validate.
// Neither input is modified, and the result shares no memory with them.
func Merge(base, overlay *corev1.Secret) (*corev1.Secret, error) {
	if base == nil || overlay == nil {
		return nil, errNilSecret
	}
	if bt, ot := opaque(base.Type), opaque(overlay.Type); bt != ot {
		return nil, fmt.Errorf("encode: merge: type mismatch: base is %q, overlay is %q", bt, ot)
	}
	if base.Name != "" && overlay.Name != "" && base.Name != overlay.Name {
		return nil, fmt.Errorf("encode: merge: name mismatch: base is %q, overlay is %q", base.Name, overlay.Name)
	}
	if base.Namespace != "" && overlay.Namespace != "" && base.Namespace != overlay.Namespace {
		return nil, fmt.Errorf("encode: merge: namespace mismatch: base is %q, overlay is %q", base.Namespace, overlay.Namespace)
	}
	baseImmutable := base.Immutable != nil && *base.Immutable
	if baseImmutable && overlay.Immutable != nil && !*overlay.Immutable {
		return nil, fmt.Errorf("encode: merge: base %q is immutable and overlay sets immutable: false; "+
			"the API server refuses that update (field is immutable when `immutable` is set)", base.Name)
	}
	out := base.DeepCopy()
	out.TypeMeta.APIVersion, out.TypeMeta.Kind = "v1", "Secret"
	if out.Name == "" {
		out.Name = overlay.Name
	}
	if out.Namespace == "" {
		out.Namespace = overlay.Namespace
	}
	if out.Type == "" {
		out.Type = overlay.Type
	}
	if overlay.Immutable != nil {
		v := *overlay.Immutable
		out.Immutable = &v
	}
	baseData := folded(base)
	out.StringData = nil
	out.Data = make(map[string][]byte, len(baseData)+len(overlay.Data)+len(overlay.StringData))
	for k, v := range baseData {
		out.Data[k] = bytes.Clone(v)
	}
	changed := false
	for k, v := range folded(overlay) {
		if old, ok := out.Data[k]; !ok || !bytes.Equal(old, v) {
			changed = true
		}
		out.Data[k] = bytes.Clone(v)
	}
	if changed && baseImmutable {
		return nil, fmt.Errorf("encode: merge: base %q is immutable and the merge would change its data", base.Name)
	}
	out.Labels = mergeStrings(base.Labels, overlay.Labels)
	out.Annotations = mergeStrings(base.Annotations, overlay.Annotations)
	tree, err := mergeTrees(base, overlay)
	if err != nil {
		return nil, err
	}
	if tree != "" {
		out.Annotations[TreeAnnotation] = tree
	}
	if errs := Validate(out); len(errs) != 0 {
		return nil, fmt.Errorf("encode: merge: invalid result: %w", errlist.From(errs))
	}
	return out, nil
}

// opaque returns t, with the empty type read as Opaque.
func opaque(t corev1.SecretType) corev1.SecretType {
	if t == "" {
		return corev1.SecretTypeOpaque
	}
	return t
}

// mergeStrings copies a and then b into a new map; nil when both are empty.
func mergeStrings(a, b map[string]string) map[string]string {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	m := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// mergeTrees unites the tree mappings of a and b, encoded, or "" if neither
// has one.
func mergeTrees(a, b *corev1.Secret) (string, error) {
	av, aok := a.Annotations[TreeAnnotation]
	bv, bok := b.Annotations[TreeAnnotation]
	if !aok && !bok {
		return "", nil
	}
	union := map[string]string{}
	if aok {
		m, errs := parseTreeAnnotation(av, field.NewPath("base").Child("metadata", "annotations").Key(TreeAnnotation))
		if len(errs) != 0 {
			return "", fmt.Errorf("encode: merge: %w", errlist.From(errs))
		}
		union = m
	}
	if bok {
		m, errs := parseTreeAnnotation(bv, field.NewPath("overlay").Child("metadata", "annotations").Key(TreeAnnotation))
		if len(errs) != 0 {
			return "", fmt.Errorf("encode: merge: %w", errlist.From(errs))
		}
		for _, k := range sortedKeys(m) {
			if p, ok := union[k]; ok && p != m[k] {
				return "", fmt.Errorf("encode: merge: tree key %q maps to %q in base and to %q in overlay", k, p, m[k])
			}
			union[k] = m[k]
		}
	}
	if errs := validateTreeMapping(union, treePath()); len(errs) != 0 {
		return "", fmt.Errorf("encode: merge: united tree mapping: %w", errlist.From(errs))
	}
	return encodeTreeAnnotation(union), nil
}
