package secretspec

import corev1 "k8s.io/api/core/v1"

// SecretGetter reads one namespace's Secrets by name. client-go's SecretNamespaceLister
// satisfies it, and preflight.FromClient adapts a clientset. A Secret that does not exist is
// an error for which k8s.io/apimachinery/pkg/api/errors.IsNotFound is true.
type SecretGetter interface {
	Get(name string) (*corev1.Secret, error)
}
