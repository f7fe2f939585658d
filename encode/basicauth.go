package encode

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// BasicAuth makes a Secret of type kubernetes.io/basic-auth with both the
// username and password keys (either may be empty, not both).
func BasicAuth(name, username, password string) (*corev1.Secret, error) {
	if username == "" && password == "" {
		return nil, fmt.Errorf("encode: basic-auth %q: username or password is required", name)
	}
	b := newBuilder()
	if err := b.add("basic-auth", corev1.BasicAuthUsernameKey, []byte(username)); err != nil {
		return nil, err
	}
	if err := b.add("basic-auth", corev1.BasicAuthPasswordKey, []byte(password)); err != nil {
		return nil, err
	}
	return b.secret(name, corev1.SecretTypeBasicAuth)
}
