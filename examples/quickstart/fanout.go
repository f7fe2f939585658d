package main

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/propagate"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// fanOut copies registry, as a Run:ai cluster-wide Secret, into every project namespace
// of an in-memory cluster, then syncs again to show that nothing is rewritten.
func fanOut(ctx context.Context, w io.Writer, registry *corev1.Secret) error {
	heading(w, "4. Fan-out across namespaces (package propagate)",
		"An in-memory cluster: Secret runai/regcred is labelled "+runai.ClusterWideLabel+"=true (Run:ai's\n"+
			"cluster-wide secret) and copied into every namespace matching "+runai.ProjectNamespacePattern+".\n"+
			"runai-gamma already has a Secret named regcred that podsecrets did not make: it is left alone.")

	source := registry.DeepCopy()
	source.Namespace = runai.ClusterWideNamespace
	source.Labels = map[string]string{runai.ClusterWideLabel: runai.ClusterWideLabelValue}
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: registry.Name, Namespace: "runai-gamma"}}
	objs := []runtime.Object{source, theirs}
	for _, ns := range []string{"default", "kube-system", "runai", "runai-alpha", "runai-beta", "runai-gamma", "runai-delta"} {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}
	client := fake.NewClientset(objs...)

	src := types.NamespacedName{Namespace: source.Namespace, Name: source.Name}
	targets := propagate.Targets{Pattern: runai.ProjectNamespacePattern}
	first, err := propagate.Sync(ctx, client, src, targets)
	if first == nil {
		return err
	}
	fmt.Fprintf(w, "first Sync: %s\n", first.Summary())
	if err := cli.PrintReport(w, first); err != nil {
		return err
	}
	second, err := propagate.Sync(ctx, client, src, targets)
	if second == nil {
		return err
	}
	fmt.Fprintf(w, "\nsecond Sync, nothing left to write: %s\n", second.Summary())
	return nil
}
