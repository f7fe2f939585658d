package fakewatch_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/internal/fakewatch"
)

// TestCountThenEvent: once Count sees a watch, the next write reaches it.
func TestCountThenEvent(t *testing.T) {
	c := fake.NewClientset()
	w := fakewatch.Record(c)
	if got := w.Count("secrets", "team"); got != 0 {
		t.Fatalf("Count before any watch = %d, want 0", got)
	}
	ctx := context.Background()
	wi, err := c.CoreV1().Secrets("team").Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=db"})
	if err != nil {
		t.Fatal(err)
	}
	defer wi.Stop()
	if got, other := w.Count("secrets", "team"), w.Count("secrets", ""); got != 1 || other != 0 {
		t.Fatalf("Count(secrets, team) = %d, Count(secrets, \"\") = %d; want 1, 0", got, other)
	}
	if _, err := c.CoreV1().Secrets("team").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-wi.ResultChan():
		if s, ok := ev.Object.(*corev1.Secret); ev.Type != watch.Added || !ok || s.Name != "db" {
			t.Errorf("event %v %T, want Added Secret db", ev.Type, ev.Object)
		}
	case <-time.After(10 * time.Second):
		t.Error("the write after Count saw the watch did not reach it")
	}
}
