package hostile_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// selfSigned returns a fresh self-signed certificate and its private key, PEM encoded.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "leak.test"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(1<<33, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
}

// sshKeys returns a fresh OpenSSH private key, plain and passphrase-protected.
func sshKeys(t *testing.T) (plain, encrypted []byte) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	e, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(sentinel))
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(b), pem.EncodeToMemory(e)
}

// pemBlock is a PEM block of the given type whose body is content.
func pemBlock(typ, content string) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: []byte(content)})
}

// flyteBase32 encodes text as Flyte's secret annotations do: base32 with the
// alphabet a–z, 1–6 and no padding.
func flyteBase32(text string) string {
	return base32.NewEncoding("abcdefghijklmnopqrstuvwxyz123456").WithPadding(base32.NoPadding).EncodeToString([]byte(text))
}
