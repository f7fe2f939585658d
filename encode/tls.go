package encode

import (
	"bytes"
	"crypto/tls"

	corev1 "k8s.io/api/core/v1"
)

// TLS is kubectl create secret tls: a Secret of type kubernetes.io/tls with
// tls.crt and tls.key holding copies of the PEM bytes given. The pair must
// load with crypto/tls.X509KeyPair (the key matches the certificate), as
// kubectl requires.
func TLS(name string, certPEM, keyPEM []byte) (*corev1.Secret, error) {
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		// crypto/tls errors describe the problem, never the PEM content.
		return nil, &KeyError{Source: "tls", Key: corev1.TLSPrivateKeyKey, Reason: "certificate and key are not a valid pair: " + err.Error()}
	}
	b := newBuilder()
	if err := b.add("tls", corev1.TLSCertKey, bytes.Clone(certPEM)); err != nil {
		return nil, err
	}
	if err := b.add("tls", corev1.TLSPrivateKeyKey, bytes.Clone(keyPEM)); err != nil {
		return nil, err
	}
	return b.secret(name, corev1.SecretTypeTLS)
}
