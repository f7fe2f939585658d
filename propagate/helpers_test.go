package propagate

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

var src = types.NamespacedName{Namespace: "runai", Name: "registry"}

func namespace(name string, lbls map[string]string) *corev1.Namespace {
	ns := &corev1.Namespace{}
	ns.Name = name
	ns.Labels = lbls
	ns.Status.Phase = corev1.NamespaceActive
	return ns
}

func sourceSecret(data map[string]string) *corev1.Secret {
	s := &corev1.Secret{Type: corev1.SecretTypeOpaque, Data: map[string][]byte{}}
	s.Name, s.Namespace, s.UID = src.Name, src.Namespace, "uid-1"
	s.Labels = map[string]string{"runai/cluster-wide": "true", "team": "ml"}
	s.Annotations = map[string]string{"note": "not copied", AnnotationTree: `{"a":"dir/a"}`}
	s.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "x", UID: "o"}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

// world is a fake cluster with the source and namespaces runai-0 .. runai-(n-1).
func world(n int, extra ...runtime.Object) *fake.Clientset {
	objs := []runtime.Object{namespace("runai", nil), sourceSecret(map[string]string{"a": "s3cret"})}
	for i := range n {
		objs = append(objs, namespace(fmt.Sprintf("runai-%d", i), map[string]string{"project": "yes"}))
	}
	objs = append(objs, namespace("default", nil))
	return fake.NewClientset(append(objs, extra...)...)
}

// counts tallies the recorded actions as "verb resource" -> n.
func counts(c *fake.Clientset) map[string]int {
	m := map[string]int{}
	for _, a := range c.Actions() {
		m[a.GetVerb()+" "+a.GetResource().Resource]++
	}
	return m
}

func writes(c *fake.Clientset) int {
	n := 0
	for _, a := range c.Actions() {
		switch a.GetVerb() {
		case "create", "update", "delete", "patch":
			n++
		}
	}
	return n
}

func reads(c *fake.Clientset) int {
	n := 0
	for _, a := range c.Actions() {
		switch a.GetVerb() {
		case "get", "list":
			n++
		}
	}
	return n
}

// actions summarises a report as namespace -> action.
func actions(r *Report) map[string]Action {
	m := map[string]Action{}
	if r == nil {
		return m
	}
	for _, res := range r.Results {
		m[res.Namespace] = res.Action
	}
	return m
}

func want(n int, a Action) map[string]Action {
	m := map[string]Action{}
	for i := range n {
		m[fmt.Sprintf("runai-%d", i)] = a
	}
	return m
}

func getSecret(t *testing.T, c *fake.Clientset, ns, name string) *corev1.Secret {
	t.Helper()
	obj, err := c.Tracker().Get(corev1.SchemeGroupVersion.WithResource("secrets"), ns, name)
	if err != nil {
		t.Fatalf("get secret %s/%s: %v", ns, name, err)
	}
	return obj.(*corev1.Secret)
}

func hasSecret(c *fake.Clientset, ns, name string) bool {
	_, err := c.Tracker().Get(corev1.SchemeGroupVersion.WithResource("secrets"), ns, name)
	return err == nil
}

func updateSource(t *testing.T, c *fake.Clientset, mutate func(*corev1.Secret)) {
	t.Helper()
	s := getSecret(t, c, src.Namespace, src.Name)
	mutate(s)
	if err := c.Tracker().Update(corev1.SchemeGroupVersion.WithResource("secrets"), s, s.Namespace); err != nil {
		t.Fatal(err)
	}
}

// unowned is a same-name Secret someone else made.
func unowned(ns string, lbls map[string]string) *corev1.Secret {
	s := &corev1.Secret{Data: map[string][]byte{"theirs": []byte("x")}}
	s.Name, s.Namespace, s.Labels = src.Name, ns, lbls
	return s
}

// noSecretIn fails if err's text holds a secret value used in the tests.
func noSecretIn(t *testing.T, err error) {
	t.Helper()
	if err != nil && (strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "n3w")) {
		t.Errorf("error text holds a secret value")
	}
}

func diffActions(t *testing.T, want, got map[string]Action) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
}

var _ k8stesting.FakeClient = (*fake.Clientset)(nil)

func types2(ns, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: ns, Name: name}
}

var leaseGVR = coordinationv1.SchemeGroupVersion.WithResource("leases")

func leaseHolder(obj runtime.Object) string {
	l := obj.(*coordinationv1.Lease)
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

// leaderName is the identity that used client c (a = replica-a).
func leaderName(c, a *fake.Clientset) string {
	if c == a {
		return "replica-a"
	}
	return "replica-b"
}

var errFake = errors.New("injected failure")
