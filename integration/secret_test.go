package integration

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// testSecretRoundTrip creates a plain Secret and reads it back unchanged: the
// harness itself works before any library package is involved.
func testSecretRoundTrip(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	want := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "plain", Namespace: ns},
		Type:       corev1.SecretTypeOpaque,
		Data: map[string][]byte{
			"empty":      {},
			"binary.bin": {0, 1, 2, 0xfe, 0xff},
			"text.txt":   []byte("not a real secret\n"),
		},
	}
	if _, err := c.client.CoreV1().Secrets(ns).Create(ctx, want, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := c.client.CoreV1().Secrets(ns).Get(ctx, want.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.Type != want.Type {
		t.Errorf("type: got %q, want %q", got.Type, want.Type)
	}
	if !secretDataEqual(want.Data, got.Data) {
		t.Errorf("data differs after the round trip; keys (-want +got):\n%s", cmp.Diff(keys(want.Data), keys(got.Data)))
	}
}
