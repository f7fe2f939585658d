package encode

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Generic is kubectl create secret generic: a Secret named name holding the
// data of every source, in order. The type is left empty exactly as kubectl
// leaves it (the API server reads it as Opaque). An invalid or duplicate key
// is a *KeyError (or *EnvFileError), data over MaxSize a *SizeError, and the
// result must pass Validate. Tree sources also set TreeAnnotation.
//
// As in kubectl, env files combine only with each other: EnvFile next to a
// Literal, File, FileAs, Dir or Tree source is an error, found before any
// file is read (kubectl: "from-env-file cannot be combined with from-file or
// from-literal").
func Generic(name string, sources ...Source) (*corev1.Secret, error) {
	envFile, other := -1, -1
	for i, src := range sources {
		if src == nil {
			return nil, fmt.Errorf("encode: source %d is nil", i)
		}
		if _, ok := src.(envFileSource); !ok {
			other = firstOf(other, i)
		} else {
			envFile = firstOf(envFile, i)
		}
	}
	if envFile >= 0 && other >= 0 {
		return nil, fmt.Errorf("encode: source %d is an EnvFile, source %d is not: an env file cannot be combined "+
			"with Literal, File, FileAs, Dir or Tree sources, as kubectl refuses it "+
			"(from-env-file cannot be combined with from-file or from-literal); build two Secrets, or merge them with Merge",
			envFile, other)
	}
	b := newBuilder()
	for _, src := range sources {
		if err := src.addTo(b); err != nil {
			return nil, err
		}
	}
	return b.secret(name, "")
}

// firstOf returns first, or i if first is -1.
func firstOf(first, i int) int {
	if first < 0 {
		return i
	}
	return first
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
		return nil, fmt.Errorf("encode: invalid Secret: %w", errlist.From(errs))
	}
	return s, nil
}
