package propagate

import (
	"bytes"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// immutableMsg is the API server's detail for a field that an immutable Secret keeps.
const immutableMsg = "field is immutable when `immutable` is set"

// updateRefusal returns what the API server would refuse if live were updated in place to
// a copy of src, as ValidateSecretUpdate (k8s.io/kubernetes/pkg/apis/core/validation) rules
// on a Secret update, or nil when it would accept the update:
//
//   - type never changes (a Secret's type is fixed when it is created);
//   - an immutable Secret stays immutable and keeps its data.
//
// Those are the only rules of ValidateSecretUpdate that an update can break but a create
// cannot: the rest (ValidateObjectMetaUpdate on name, namespace, uid and the like, which an
// update of ours never changes, and ValidateSecret, which a create checks too) would refuse
// a recreate as well. A non-empty result is therefore exactly the case where deleting the
// copy and creating it again succeeds while an update cannot. The errors carry the server's
// own paths and details, and only the type as a value, never data.
func updateRefusal(live, src *corev1.Secret) field.ErrorList {
	var errs field.ErrorList
	if serverType(live.Type) != serverType(src.Type) {
		errs = append(errs, field.Invalid(field.NewPath("type"), string(serverType(src.Type)), "field is immutable"))
	}
	if isImmutable(live) {
		if !isImmutable(src) {
			errs = append(errs, field.Forbidden(field.NewPath("immutable"), immutableMsg))
		}
		if !sameData(live.Data, src.Data) {
			errs = append(errs, field.Forbidden(field.NewPath("data"), immutableMsg))
		}
	}
	return errs
}

// serverType is t as the API server stores it: an empty type defaults to Opaque.
func serverType(t corev1.SecretType) corev1.SecretType {
	if t == "" {
		return corev1.SecretTypeOpaque
	}
	return t
}

// isImmutable reports whether s has immutable: true.
func isImmutable(s *corev1.Secret) bool {
	return s.Immutable != nil && *s.Immutable
}

// sameData reports whether a and b hold the same keys and values, as the API server sees
// them after decoding: nil and empty are the same, for the map and for a value.
func sameData(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !bytes.Equal(va, vb) {
			return false
		}
	}
	return true
}
