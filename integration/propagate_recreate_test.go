package integration

import (
	"context"
	"fmt"
	"testing"

	"github.com/podsecrets/podsecrets/propagate"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// recreateNamespaces is how many namespaces each recreate case fans out to.
const recreateNamespaces = 4

// testPropagateRecreate is issue 12's bug on a real server: a source deleted and created
// again under its name with another type (Opaque, then kubernetes.io/basic-auth), seen by
// one Sync. The API server refuses to change a Secret's type, and an immutable Secret's
// data, in place; Sync must recreate those copies (delete with preconditions, create) and
// keep to its three reads. The Controller case restarts a Controller after the source was
// re-created, so that its first sync sees both changes at once.
func testPropagateRecreate(t *testing.T, c *cluster) {
	ctx := context.Background()
	srcNS := c.namespace(t)
	names := make([]string, recreateNamespaces)
	for i := range names {
		names[i] = fmt.Sprintf("recreate-a-%d", i)
	}
	c.createNamespaces(t, names, nil)
	targets := propagate.Targets{Pattern: "recreate-a-*"}
	client, counter := c.countingClient(t)
	basicAuth := map[string][]byte{corev1.BasicAuthUsernameKey: []byte("admin"), corev1.BasicAuthPasswordKey: []byte("pw-2")}

	t.Run("TypeChanged", func(t *testing.T) {
		const name = "recreate-type"
		first := c.createSource(t, srcNS, name, corev1.SecretTypeOpaque, false, map[string][]byte{"token": []byte("v1")}, nil)
		mustSync(t, ctx, client, types.NamespacedName{Namespace: srcNS, Name: name}, targets, propagate.Created)
		before := c.copyUIDs(t, name, names)
		second := c.recreateSource(t, first, corev1.SecretTypeBasicAuth, false, basicAuth)

		began := counter.snapshot()
		mustSync(t, ctx, client, types.NamespacedName{Namespace: srcNS, Name: name}, targets, propagate.Updated)
		counts := counter.snapshot().since(began)
		if counts.Reads != 3 || counts.Writes != 2*recreateNamespaces {
			t.Errorf("Sync made %v; want 3 reads and %d writes (a delete and a create per copy)", counts, 2*recreateNamespaces)
		}
		c.expectCopiesOf(t, second, names, before)
		mustSync(t, ctx, client, types.NamespacedName{Namespace: srcNS, Name: name}, targets, propagate.Unchanged)
	})

	t.Run("ImmutableCopy", func(t *testing.T) {
		const name = "recreate-immutable"
		source := types.NamespacedName{Namespace: srcNS, Name: name}
		first := c.createSource(t, srcNS, name, corev1.SecretTypeOpaque, true, map[string][]byte{"token": []byte("v1")}, nil)
		mustSync(t, ctx, client, source, targets, propagate.Created)
		before := c.copyUIDs(t, name, names)
		// Another type and other data, immutable again: refused twice over in place.
		second := c.recreateSource(t, first, corev1.SecretTypeBasicAuth, true, basicAuth)

		report, err := propagate.Sync(ctx, client, source, targets)
		if err == nil || report.Count(propagate.Skipped) != recreateNamespaces {
			t.Errorf("Sync without RecreateImmutable: %s, %v; want every namespace skipped", report.Summary(), err)
		}
		c.expectCopiesOf(t, first, names, nil) // untouched
		mustSync(t, ctx, client, source, targets, propagate.Updated, propagate.RecreateImmutable())
		c.expectCopiesOf(t, second, names, before)
	})

	t.Run("Controller", func(t *testing.T) {
		const name, optIn = "recreate-ctl", "podsecrets-it/recreate"
		ctlNames := []string{"recreate-b-0", "recreate-b-1", "recreate-b-2"}
		c.createNamespaces(t, ctlNames, nil)
		cfg := propagate.ControllerConfig{
			SourceNamespace: srcNS,
			SourceSelector:  labels.SelectorFromSet(labels.Set{optIn: "true"}),
			Targets:         propagate.Targets{Pattern: "recreate-b-*"},
		}
		first := c.createSource(t, srcNS, name, corev1.SecretTypeOpaque, false, map[string][]byte{"token": []byte("v1")}, map[string]string{optIn: "true"})
		stop := c.runController(t, c.client, cfg)
		c.waitForCopies(t, "the first copies", name, ctlNames, first.Data)
		stop()
		before := c.copyUIDs(t, name, ctlNames)
		second := c.recreateSource(t, first, corev1.SecretTypeBasicAuth, false, basicAuth)

		ctlClient, ctlCounter := c.countingClient(t)
		c.runController(t, ctlClient, cfg)
		c.waitForCopies(t, "copies of the re-created source", name, ctlNames, second.Data)
		c.expectCopiesOf(t, second, ctlNames, before)
		// One recreate per copy; a refused update retried with backoff would be many more.
		if n := ctlCounter.snapshot().SecretWrites; n > 2*int64(len(ctlNames))+2 {
			t.Errorf("the Controller made %d Secret writes for %d copies", n, len(ctlNames))
		}
	})
}

// mustSync runs Sync and fails unless every namespace reports want.
func mustSync(t *testing.T, ctx context.Context, client kubernetes.Interface, source types.NamespacedName, targets propagate.Targets, want propagate.Action, opts ...propagate.Option) {
	t.Helper()
	report, err := propagate.Sync(ctx, client, source, targets, opts...)
	if err != nil {
		t.Fatalf("Sync %s: %v", source, err)
	}
	if got := report.Count(want); got != len(report.Results) || got == 0 {
		t.Fatalf("Sync %s: %s; want every namespace %s", source, report.Summary(), want)
	}
}

// createSource creates Secret ns/name and returns it as stored.
func (c *cluster) createSource(t *testing.T, ns, name string, typ corev1.SecretType, immutable bool, data map[string][]byte, lbls map[string]string) *corev1.Secret {
	t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: lbls}, Type: typ, Data: data}
	if immutable {
		s.Immutable = &immutable
	}
	got, err := c.client.CoreV1().Secrets(ns).Create(context.Background(), s, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating Secret %s/%s: %v", ns, name, err)
	}
	return got
}

// recreateSource deletes old and creates a Secret of the same name, labels and namespace
// with typ, immutable and data, as kubectl delete and kubectl create do.
func (c *cluster) recreateSource(t *testing.T, old *corev1.Secret, typ corev1.SecretType, immutable bool, data map[string][]byte) *corev1.Secret {
	t.Helper()
	uid := old.UID
	if err := c.client.CoreV1().Secrets(old.Namespace).Delete(context.Background(), old.Name, metav1.DeleteOptions{
		Preconditions: &metav1.Preconditions{UID: &uid},
	}); err != nil {
		t.Fatalf("deleting the source: %v", err)
	}
	return c.createSource(t, old.Namespace, old.Name, typ, immutable, data, old.Labels)
}

// copyUIDs returns the UID of the copy of name in each namespace.
func (c *cluster) copyUIDs(t *testing.T, name string, namespaces []string) map[string]types.UID {
	t.Helper()
	out := map[string]types.UID{}
	for _, ns := range namespaces {
		s, err := c.client.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("copy in %s: %v", ns, err)
		}
		out[ns] = s.UID
	}
	return out
}

// expectCopiesOf checks that every namespace holds a copy of source with its type, data,
// immutable flag and UID annotation; with replaced, that each copy is a new object.
func (c *cluster) expectCopiesOf(t *testing.T, source *corev1.Secret, namespaces []string, replaced map[string]types.UID) {
	t.Helper()
	immutable := func(s *corev1.Secret) bool { return s.Immutable != nil && *s.Immutable }
	for _, ns := range namespaces {
		s, err := c.client.CoreV1().Secrets(ns).Get(context.Background(), source.Name, metav1.GetOptions{})
		if err != nil {
			t.Errorf("copy in %s: %v", ns, err)
			continue
		}
		if s.Type != source.Type || immutable(s) != immutable(source) || !secretDataEqual(s.Data, source.Data) ||
			s.Annotations[propagate.AnnotationSourceUID] != string(source.UID) {
			t.Errorf("copy in %s: type %q, immutable %v, source UID %q, same data %v; want type %q, immutable %v, source UID %q",
				ns, s.Type, immutable(s), s.Annotations[propagate.AnnotationSourceUID], secretDataEqual(s.Data, source.Data),
				source.Type, immutable(source), source.UID)
		}
		if uid, ok := replaced[ns]; ok && s.UID == uid {
			t.Errorf("copy in %s is the old object, want a new one", ns)
		}
	}
}
