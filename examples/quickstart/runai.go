package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/propagate"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// runaiFlags are the -e flags of a `runai submit`.
var runaiFlags = []string{"DB_USER=SECRET:db,username", "LOG_LEVEL=debug"}

// showRunai reads Run:ai's -e flags, and copies a cluster-wide Secret into every project.
func showRunai(ctx context.Context, w io.Writer) error {
	heading(w, "Run:ai: runai submit -e", "secretspec/runai")
	fmt.Fprintf(w, "input  runai submit -i python:3.12 -e %s\n", strings.Join(runaiFlags, " -e "))
	refs, extras, err := runai.ParseEnvs(runaiFlags)
	if err != nil {
		return err
	}
	if err := showRefs(w, refs, extras); err != nil {
		return err
	}
	return fanOut(ctx, w)
}

// fanOut copies Secret runai/db, labelled as a Run:ai cluster-wide Secret, into every project
// namespace of an in-memory cluster (propagate.Sync).
func fanOut(ctx context.Context, w io.Writer) error {
	db, err := encode.Generic("db", encode.Literal("username", "ci-bot"), encode.Literal("password", "correct-horse"))
	if err != nil {
		return err
	}
	db.Namespace = runai.ClusterWideNamespace
	db.Labels = map[string]string{runai.ClusterWideLabel: runai.ClusterWideLabelValue}
	objs := []runtime.Object{db}
	for _, ns := range []string{"default", runai.ClusterWideNamespace, "runai-alpha", "runai-beta"} {
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}
	client := fake.NewClientset(objs...)
	src := types.NamespacedName{Namespace: db.Namespace, Name: db.Name}
	report, err := propagate.Sync(ctx, client, src, propagate.Targets{Pattern: runai.ProjectNamespacePattern})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "cluster-wide: Secret runai/db labelled %s=%s, copied by propagate.Sync\n",
		runai.ClusterWideLabel, runai.ClusterWideLabelValue)
	for _, r := range report.Results {
		fmt.Fprintf(w, "  %s: %s\n", r.Namespace, r.Action)
	}
	return nil
}
