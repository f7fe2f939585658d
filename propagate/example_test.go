package propagate_test

import (
	"context"
	"fmt"

	"github.com/podsecrets/podsecrets/propagate"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

func ns(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

func ExampleSync() {
	source := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: "registry", Namespace: "runai", UID: "1",
			Labels: map[string]string{"runai/cluster-wide": "true"},
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{"password": []byte("s3cret")},
	}
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "registry", Namespace: "runai-c"}}
	client := fake.NewClientset(ns("runai"), ns("runai-a"), ns("runai-b"), ns("runai-c"), ns("default"), source, theirs)
	ctx := context.Background()

	report, err := propagate.Sync(ctx, client, types.NamespacedName{Namespace: "runai", Name: "registry"},
		propagate.Targets{Pattern: "runai-*"})
	for _, r := range report.Results {
		fmt.Println(r.Namespace, r.Action)
	}
	fmt.Println(report.Summary())
	fmt.Println(err)

	copied, _ := client.CoreV1().Secrets("runai-a").Get(ctx, "registry", metav1.GetOptions{})
	fmt.Println(copied.Labels)

	report, _ = propagate.Sync(ctx, client, types.NamespacedName{Namespace: "runai", Name: "registry"},
		propagate.Targets{Pattern: "runai-*"})
	fmt.Println(report.Summary())
	// Output:
	// runai-a created
	// runai-b created
	// runai-c conflict
	// 2 created, 1 conflict
	// namespace "runai-c": conflict: secret "registry" in namespace "runai-c" is not a copy of "runai/registry": it is not a copy made by podsecrets; left untouched
	// map[podsecrets.io/managed-by:podsecrets podsecrets.io/source-namespace:runai]
	// 2 unchanged, 1 conflict
}

func ExampleRemove() {
	source := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "registry", Namespace: "runai", UID: "1"},
		Data:       map[string][]byte{"password": []byte("s3cret")},
	}
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "registry", Namespace: "default"}}
	client := fake.NewClientset(ns("runai"), ns("runai-a"), ns("runai-b"), ns("default"), source, theirs)
	ctx := context.Background()
	key := types.NamespacedName{Namespace: "runai", Name: "registry"}
	if _, err := propagate.Sync(ctx, client, key, propagate.Targets{Pattern: "runai-*"}); err != nil {
		fmt.Println(err)
	}

	// The source goes away; Remove still finds its copies, and only those.
	_ = client.CoreV1().Secrets("runai").Delete(ctx, "registry", metav1.DeleteOptions{})
	report, err := propagate.Remove(ctx, client, key)
	for _, r := range report.Results {
		fmt.Println(r.Namespace, r.Action)
	}
	fmt.Println(report.Summary(), err)
	_, err = client.CoreV1().Secrets("default").Get(ctx, "registry", metav1.GetOptions{})
	fmt.Println("default kept:", err == nil)
	// Output:
	// runai-a deleted
	// runai-b deleted
	// 2 deleted <nil>
	// default kept: true
}

func ExampleRunAIConfig() {
	cfg := propagate.RunAIConfig()
	cfg.LeaseName, cfg.LeaseNamespace, cfg.Identity = "podsecrets", "runai", "replica-0"
	client := fake.NewClientset()
	if _, err := propagate.NewController(client, cfg); err != nil {
		fmt.Println(err)
	}
	fmt.Println(cfg.SourceNamespace, cfg.SourceSelector, cfg.Targets.Pattern)
	// Output:
	// runai runai/cluster-wide=true runai-*
}
