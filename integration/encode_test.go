package integration

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/podsecrets/podsecrets/encode"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	certutil "k8s.io/client-go/util/cert"
)

// testEncodeBuilders creates the Secret of every encode builder for real and
// reads it back: the data and type the server stores are exactly what encode made.
func testEncodeBuilders(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	secrets := c.client.CoreV1().Secrets(ns)

	for _, tc := range encodeCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.build()
			if err != nil {
				t.Fatalf("building: %v", err)
			}
			if errs := encode.Validate(s); len(errs) != 0 {
				t.Fatalf("encode.Validate: %v", errs.ToAggregate())
			}
			if _, err := secrets.Create(ctx, s, metav1.CreateOptions{}); err != nil {
				t.Fatalf("create: %v", err)
			}
			got, err := secrets.Get(ctx, s.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			// kubectl (and so encode.Generic) leaves the type empty; the server stores Opaque.
			wantType := s.Type
			if wantType == "" {
				wantType = corev1.SecretTypeOpaque
			}
			if got.Type != wantType {
				t.Errorf("type: got %q, want %q", got.Type, wantType)
			}
			if !secretDataEqual(s.Data, got.Data) {
				t.Errorf("data differs after the round trip; keys (-want +got):\n%s", cmp.Diff(keys(s.Data), keys(got.Data)))
			}
			if diff := cmp.Diff(s.Annotations[encode.TreeAnnotation], got.Annotations[encode.TreeAnnotation]); diff != "" {
				t.Errorf("tree annotation (-want +got):\n%s", diff)
			}
			if s.Annotations[encode.TreeAnnotation] != "" {
				want, err := encode.TreeItems(s)
				if err != nil {
					t.Fatalf("TreeItems of the built Secret: %v", err)
				}
				items, err := encode.TreeItems(got)
				if err != nil {
					t.Fatalf("TreeItems of the stored Secret: %v", err)
				}
				if diff := cmp.Diff(want, items); diff != "" {
					t.Errorf("TreeItems (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// encodeCase is one builder call.
type encodeCase struct {
	name  string
	build func() (*corev1.Secret, error)
}

// encodeCases returns a call of every builder and every Source, on files
// written to a temporary directory.
func encodeCases(t *testing.T) []encodeCase {
	t.Helper()
	dir := t.TempDir()
	write := func(rel string, data []byte) string {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	config := write("files/config.json", []byte(`{"endpoint":"https://db.example"}`+"\n"))
	binary := write("files/blob.bin", []byte{0, 1, 2, 3, 0x80, 0xfe, 0xff})
	write("flat/a.txt", []byte("a\n"))
	write("flat/b.txt", []byte("b\n"))
	write("tree/secrets/top.txt", []byte("top\n"))
	write("tree/secrets/sub/deeper/leaf.txt", []byte("leaf\n"))
	write("tree/secrets/with space.txt", []byte("space\n"))
	envFile := write("app.env", []byte("\ufeff# comment\n\nDB_USER=alice\nDB_PASS=\"quoted stays\"\n"))

	certPEM, keyPEM, err := certutil.GenerateSelfSignedCertKey("podsecrets.example", nil, nil)
	if err != nil {
		t.Fatalf("generating a TLS pair: %v", err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generating an ed25519 key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "integration")
	if err != nil {
		t.Fatalf("marshalling the ssh key: %v", err)
	}
	sshKey := pem.EncodeToMemory(block)
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	knownHosts := []byte(knownhosts.Line([]string{"git.example"}, sshPub) + "\n")

	return []encodeCase{
		{"GenericLiterals", func() (*corev1.Secret, error) {
			return encode.Generic("literals",
				encode.Literal("username", "alice"),
				encode.Literal("password", "s3cr=t with spaces"),
				encode.Literal("empty", ""),
				encode.Literal("unicode", "héllo ✓"))
		}},
		{"GenericFiles", func() (*corev1.Secret, error) {
			return encode.Generic("files",
				encode.File(config),
				encode.FileAs("blob", binary),
				encode.Dir(filepath.Join(dir, "flat")))
		}},
		{"GenericEnvFile", func() (*corev1.Secret, error) { // as in kubectl, an env file goes alone
			return encode.Generic("env-file", encode.EnvFile(envFile))
		}},
		{"GenericTree", func() (*corev1.Secret, error) {
			return encode.Generic("tree", encode.Tree(filepath.Join(dir, "tree", "secrets")))
		}},
		{"DockerRegistry", func() (*corev1.Secret, error) {
			return encode.DockerRegistry("registry", "registry.example:5000", "robot", "hunter2", "robot@example.com")
		}},
		{"DockerRegistryDefaultServer", func() (*corev1.Secret, error) {
			return encode.DockerRegistry("registry-default", "", "robot", "hunter2", "")
		}},
		{"TLS", func() (*corev1.Secret, error) { return encode.TLS("tls", certPEM, keyPEM) }},
		{"SSHAuth", func() (*corev1.Secret, error) { return encode.SSHAuth("ssh", sshKey, nil) }},
		{"SSHAuthKnownHosts", func() (*corev1.Secret, error) { return encode.SSHAuth("ssh-known-hosts", sshKey, knownHosts) }},
		{"BasicAuth", func() (*corev1.Secret, error) { return encode.BasicAuth("basic", "alice", "hunter2") }},
		{"BasicAuthPasswordOnly", func() (*corev1.Secret, error) { return encode.BasicAuth("basic-password-only", "", "hunter2") }},
		{"WithHashSuffix", func() (*corev1.Secret, error) {
			s, err := encode.Generic("hashed", encode.Literal("k", "v"))
			if err != nil {
				return nil, err
			}
			return encode.WithHashSuffix(s), nil
		}},
	}
}

// testEncodeSizeLimit proves that encode and the server agree on the 1 MiB
// limit: exactly encode.MaxSize bytes of data are accepted by both, one byte
// more is refused by encode first, with its own message, and by the server.
func testEncodeSizeLimit(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	secrets := c.client.CoreV1().Secrets(ns)
	if encode.MaxSize != 1<<20 {
		t.Fatalf("encode.MaxSize = %d, want 1 MiB", encode.MaxSize)
	}

	t.Run("AtLimitAccepted", func(t *testing.T) {
		// Two keys, so the limit is seen to be on the total, not per key.
		s, err := encode.Generic("at-limit",
			encode.Literal("first", strings.Repeat("a", encode.MaxSize/2)),
			encode.Literal("second", strings.Repeat("b", encode.MaxSize/2)))
		if err != nil {
			t.Fatalf("encode.Generic at the limit: %v", err)
		}
		if errs := encode.Validate(s); len(errs) != 0 {
			t.Fatalf("encode.Validate at the limit: %v", errs.ToAggregate())
		}
		if _, err := secrets.Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create at the limit: %v", err)
		}
		got, err := secrets.Get(ctx, s.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if !secretDataEqual(s.Data, got.Data) {
			t.Errorf("data differs after the round trip")
		}
	})

	t.Run("OverLimitRejected", func(t *testing.T) {
		over := strings.Repeat("b", encode.MaxSize/2+1)
		_, err := encode.Generic("over-limit",
			encode.Literal("first", strings.Repeat("a", encode.MaxSize/2)),
			encode.Literal("second", over))
		var sizeErr *encode.SizeError
		if !errors.As(err, &sizeErr) {
			t.Fatalf("encode.Generic one byte over: got %v, want a *encode.SizeError", err)
		}
		if sizeErr.Limit != encode.MaxSize {
			t.Errorf("SizeError.Limit = %d, want %d", sizeErr.Limit, encode.MaxSize)
		}

		// The same data built by hand: Validate names the field and the sizes,
		// and the server refuses it too.
		s := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "over-limit"},
			Data: map[string][]byte{
				"first":  bytes.Repeat([]byte("a"), encode.MaxSize/2),
				"second": []byte(over),
			},
		}
		errs := encode.Validate(s)
		if len(errs) != 1 || errs[0].Field != "data" {
			t.Fatalf("encode.Validate one byte over: got %v, want one error on data", errs.ToAggregate())
		}
		const wantDetail = "the data is 1048577 bytes in total, more than the limit of 1048576 bytes (1 MiB)"
		if errs[0].Detail != wantDetail {
			t.Errorf("encode.Validate detail: got %q, want %q", errs[0].Detail, wantDetail)
		}
		_, err = secrets.Create(ctx, s, metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) {
			t.Fatalf("server create one byte over: got %v, want an Invalid error", err)
		}
		if !hasCause(err, "data") {
			t.Errorf("server create one byte over: %v does not name data", err)
		}
	})
}
