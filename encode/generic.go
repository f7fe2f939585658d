package encode

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Generic is kubectl create secret generic: a Secret named name holding the
// data of every source, in order. The type is left empty exactly as kubectl
// leaves it (the API server reads it as Opaque). An invalid or duplicate key
// is a *KeyError (or *EnvFileError), data over MaxSize a *SizeError, and the
// result must pass Validate. Tree sources also set TreeAnnotation.
func Generic(name string, sources ...Source) (*corev1.Secret, error) {
	b := newBuilder()
	for i, src := range sources {
		if src == nil {
			return nil, fmt.Errorf("encode: source %d is nil", i)
		}
		if err := src.addTo(b); err != nil {
			return nil, err
		}
	}
	return b.secret(name, "")
}

// newSecret returns an empty Secret with TypeMeta set, as kubectl makes it.
func newSecret(name string, typ corev1.SecretType) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Type:       typ,
		Data:       map[string][]byte{},
	}
}

// secret makes the Secret of everything added and validates it.
func (b *builder) secret(name string, typ corev1.SecretType) (*corev1.Secret, error) {
	s := newSecret(name, typ)
	s.Data = b.data
	if len(b.tree) != 0 {
		s.Annotations = map[string]string{TreeAnnotation: encodeTreeAnnotation(b.tree)}
	}
	if errs := Validate(s); len(errs) != 0 {
		return nil, fmt.Errorf("encode: invalid Secret: %w", errs.ToAggregate())
	}
	return s, nil
}
