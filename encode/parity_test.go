package encode

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// kubectlSecret runs kubectl create secret ... --dry-run=client -o json in
// dir and decodes what it prints. It skips the test when kubectl is missing.
func kubectlSecret(t *testing.T, dir string, args ...string) *corev1.Secret {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not found in PATH: the kubectl parity test needs it (kubectl v1.32+), skipping")
	}
	full := append([]string{"create", "secret"}, args...)
	full = append(full, "--dry-run=client", "-o", "json")
	cmd := exec.Command(bin, full...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+filepath.Join(t.TempDir(), "none"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl %v: %v: %s", full, err, stderr.String())
	}
	var s corev1.Secret
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("kubectl output is not a Secret: %v", err)
	}
	return &s
}

// sameSecretData compares type and data byte for byte, printing keys only.
func sameSecretData(t *testing.T, want, got *corev1.Secret) {
	t.Helper()
	if want.Type != got.Type {
		t.Errorf("type: kubectl %q, ours %q", want.Type, got.Type)
	}
	if diff := cmp.Diff(sortedKeys(want.Data), sortedKeys(got.Data)); diff != "" {
		t.Errorf("data keys (-kubectl +ours):\n%s", diff)
	}
	for k, v := range want.Data {
		if g, ok := got.Data[k]; ok && !bytes.Equal(v, g) {
			t.Errorf("data[%s]: value differs from kubectl's (%d bytes vs %d)", k, len(v), len(g))
		}
	}
}

func TestKubectlParity(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"d/a.txt":       "alpha\n",
		"d/.hidden":     "h",
		"d/empty":       "",
		"d/sub/deep":    "not taken",
		"f/config.json": `{"x": 1}`,
		"outside":       "o",
		"envs/app.env": "\xEF\xBB\xBFFIRST=1\n# comment\n\n   # indented comment\n  LEAD=kept \n" +
			"QUOTED=\"with quotes\"\nSINGLE='x'\nEQ=a=b==\nEMPTY=\nCRLF=v\r\n\t TAB=t\n.DOT-1_x=ok\nLAST=no newline",
	})
	for _, l := range [][2]string{{"a.txt", "d/link"}, {"../outside", "d/out-link"}, {"sub", "d/dir-link"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	certPEM, keyPEM := testPair(t)
	writeFiles(t, dir, map[string]string{"tls/tls.crt": string(certPEM), "tls/tls.key": string(keyPEM)})

	cases := []struct {
		name string
		args []string
		ours func() (*corev1.Secret, error)
	}{
		{"empty generic", []string{"generic", "empty"}, func() (*corev1.Secret, error) { return Generic("empty") }},
		{"literals", []string{"generic", "lit", "--from-literal=a=b=c", "--from-literal=empty=", "--from-literal=sp= x y ", "--from-literal=u=ünï\x01"},
			func() (*corev1.Secret, error) {
				return Generic("lit", Literal("a", "b=c"), Literal("empty", ""), Literal("sp", " x y "), Literal("u", "ünï\x01"))
			}},
		{"directory", []string{"generic", "dir", "--from-file=d"}, func() (*corev1.Secret, error) { return Generic("dir", Dir(filepath.Join(dir, "d"))) }},
		{"files", []string{"generic", "files", "--from-file=f/config.json", "--from-file=renamed=d/a.txt", "--from-file=d/link"},
			func() (*corev1.Secret, error) {
				return Generic("files", File(filepath.Join(dir, "f/config.json")), FileAs("renamed", filepath.Join(dir, "d/a.txt")), File(filepath.Join(dir, "d/link")))
			}},
		{"env file", []string{"generic", "env", "--from-env-file=envs/app.env"}, func() (*corev1.Secret, error) { return Generic("env", EnvFile(filepath.Join(dir, "envs/app.env"))) }},
		{"mixed", []string{"generic", "mixed", "--from-literal=z=1", "--from-file=d", "--from-file=f/config.json"},
			func() (*corev1.Secret, error) {
				return Generic("mixed", Literal("z", "1"), Dir(filepath.Join(dir, "d")), File(filepath.Join(dir, "f/config.json")))
			}},
		{"docker login", []string{"docker-registry", "reg", "--docker-server=registry.example.com:5000", "--docker-username=robot$ci", "--docker-password=p<a>&s\"w'ö", "--docker-email=ci@example.com"},
			func() (*corev1.Secret, error) {
				return DockerRegistry("reg", "registry.example.com:5000", "robot$ci", "p<a>&s\"w'ö", "ci@example.com")
			}},
		{"docker default server", []string{"docker-registry", "hub", "--docker-username=u", "--docker-password=p"},
			func() (*corev1.Secret, error) { return DockerRegistry("hub", "", "u", "p", "") }},
		{"tls", []string{"tls", "web", "--cert=tls/tls.crt", "--key=tls/tls.key"}, func() (*corev1.Secret, error) { return TLS("web", certPEM, keyPEM) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := kubectlSecret(t, dir, tc.args...)
			got, err := tc.ours()
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			sameSecretData(t, want, got)
			if want.APIVersion != got.APIVersion || want.Kind != got.Kind {
				t.Errorf("TypeMeta: kubectl %s/%s, ours %s/%s", want.APIVersion, want.Kind, got.APIVersion, got.Kind)
			}
			hashed := kubectlSecret(t, dir, append(tc.args, "--append-hash")...)
			if g := WithHashSuffix(got).Name; g != hashed.Name {
				t.Errorf("--append-hash name: kubectl %q, ours %q", hashed.Name, g)
			}
		})
	}
}

// testPair makes a self-signed ECDSA certificate and its key, PEM-encoded.
func testPair(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "podsecrets.test"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(0, 0).Add(100 * 365 * 24 * time.Hour),
		DNSNames:     []string{"podsecrets.test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// kubectlFails reports whether kubectl create secret ... --dry-run=client
// exits with an error. It skips the test when kubectl is missing.
func kubectlFails(t *testing.T, dir string, args ...string) bool {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not found in PATH: the kubectl parity test needs it (kubectl v1.32+), skipping")
	}
	full := append(append([]string{"create", "secret"}, args...), "--dry-run=client", "-o", "json")
	cmd := exec.Command(bin, full...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+filepath.Join(t.TempDir(), "none"))
	return cmd.Run() != nil
}

// TestKubectlParityErrors checks that what kubectl refuses, we refuse too.
func TestKubectlParityErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"dup.env":     "A=1\nA=2\n",
		"space.env":   " A =1\n",
		"digit.env":   "1A=1\n",
		"ok.env":      "B=1\n",
		"badutf8.env": "A=\xff\n",
		"d/bad key":   "x",
		"a":           "file a",
	})
	cases := []struct {
		name string
		args []string
		ours func() (*corev1.Secret, error)
	}{
		{"duplicate literal", []string{"generic", "x", "--from-literal=a=1", "--from-literal=a=2"},
			func() (*corev1.Secret, error) { return Generic("x", Literal("a", "1"), Literal("a", "2")) }},
		{"literal and file clash", []string{"generic", "x", "--from-literal=a=1", "--from-file=a"},
			func() (*corev1.Secret, error) { return Generic("x", Literal("a", "1"), File(filepath.Join(dir, "a"))) }},
		{"invalid literal key", []string{"generic", "x", "--from-literal=a b=1"},
			func() (*corev1.Secret, error) { return Generic("x", Literal("a b", "1")) }},
		{"dot key", []string{"generic", "x", "--from-literal=..=1"},
			func() (*corev1.Secret, error) { return Generic("x", Literal("..", "1")) }},
		{"invalid file name in dir", []string{"generic", "x", "--from-file=d"},
			func() (*corev1.Secret, error) { return Generic("x", Dir(filepath.Join(dir, "d"))) }},
		{"env duplicate", []string{"generic", "x", "--from-env-file=dup.env"},
			func() (*corev1.Secret, error) { return Generic("x", EnvFile(filepath.Join(dir, "dup.env"))) }},
		{"env name with space", []string{"generic", "x", "--from-env-file=space.env"},
			func() (*corev1.Secret, error) { return Generic("x", EnvFile(filepath.Join(dir, "space.env"))) }},
		{"env name with leading digit", []string{"generic", "x", "--from-env-file=digit.env"},
			func() (*corev1.Secret, error) { return Generic("x", EnvFile(filepath.Join(dir, "digit.env"))) }},
		{"env invalid UTF-8", []string{"generic", "x", "--from-env-file=badutf8.env"},
			func() (*corev1.Secret, error) { return Generic("x", EnvFile(filepath.Join(dir, "badutf8.env"))) }},
		{"env file and literal", []string{"generic", "x", "--from-env-file=ok.env", "--from-literal=a=1"},
			func() (*corev1.Secret, error) {
				return Generic("x", EnvFile(filepath.Join(dir, "ok.env")), Literal("a", "1"))
			}},
		{"env file and file", []string{"generic", "x", "--from-file=a", "--from-env-file=ok.env"},
			func() (*corev1.Secret, error) {
				return Generic("x", File(filepath.Join(dir, "a")), EnvFile(filepath.Join(dir, "ok.env")))
			}},
		{"tls mismatch", []string{"tls", "x", "--cert=a", "--key=a"},
			func() (*corev1.Secret, error) { return TLS("x", []byte("file a"), []byte("file a")) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !kubectlFails(t, dir, tc.args...) {
				t.Fatalf("kubectl accepted %v; the case is wrong", tc.args)
			}
			if _, err := tc.ours(); err == nil {
				t.Errorf("kubectl refuses %v, we accepted it", tc.args)
			}
		})
	}
}
