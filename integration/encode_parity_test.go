package integration

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/encode"
)

// testEncodeServerParity proves that encode refuses what the server refuses, where encode
// once let it through: finalizer names (encode.Validate) and an immutable Secret made
// mutable by a merge (encode.Merge).
func testEncodeServerParity(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	secrets := c.client.CoreV1().Secrets(ns)

	t.Run("Finalizers", func(t *testing.T) {
		for i, tc := range []struct {
			finalizer string
			valid     bool
		}{
			{"foo", false},
			{"bad name", false},
			{"kubernetes", true},
			{"orphan", true},
			{"foregroundDeletion", true},
			{"example.com/cleanup", true},
		} {
			s, err := encode.Generic("finalizer-"+string(rune('a'+i)), encode.Literal("k", "v"))
			if err != nil {
				t.Fatal(err)
			}
			s.Finalizers = []string{tc.finalizer}
			ours := len(encode.Validate(s)) == 0
			_, err = secrets.Create(ctx, s, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			if theirs := err == nil; ours != tc.valid || theirs != tc.valid {
				t.Errorf("finalizer %q: encode.Validate accepts: %v, the server accepts: %v (%v), want %v",
					tc.finalizer, ours, theirs, err, tc.valid)
			}
		}
	})

	t.Run("MergeKeepsImmutable", func(t *testing.T) {
		yes, no := true, false
		base, err := encode.Generic("immutable", encode.Literal("k", "v"))
		if err != nil {
			t.Fatal(err)
		}
		base.Immutable = &yes
		live, err := secrets.Create(ctx, base, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		overlay := live.DeepCopy()
		overlay.Immutable = &no
		if _, err := encode.Merge(live, overlay); err == nil {
			t.Error("encode.Merge made an immutable Secret mutable")
		}
		if _, err := secrets.Update(ctx, overlay, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
			t.Errorf("the server took immutable: false on an immutable Secret: %v", err)
		}
		same := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: live.Name}, Data: map[string][]byte{"k": []byte("v")}}
		merged, err := encode.Merge(live, same)
		if err != nil {
			t.Fatalf("encode.Merge of the same data: %v", err)
		}
		if _, err := secrets.Update(ctx, merged, metav1.UpdateOptions{}); err != nil {
			t.Errorf("the server refused the merged Secret: %v", err)
		}
	})
}
