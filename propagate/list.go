package propagate

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
)

// pageSize is the Limit of each LIST page.
const pageSize = 500

// listNamespaces reads every namespace: one LIST, following Continue tokens.
func listNamespaces(ctx context.Context, c kubernetes.Interface) ([]corev1.Namespace, error) {
	var out []corev1.Namespace
	opts := metav1.ListOptions{Limit: pageSize}
	for {
		page, err := c.CoreV1().Namespaces().List(ctx, opts)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = page.Items
		} else {
			out = append(out, page.Items...)
		}
		if page.Continue == "" {
			return out, nil
		}
		opts.Continue = page.Continue
	}
}

// listNamed reads every Secret called name in every namespace: one LIST with a field selector,
// following Continue tokens. Names are filtered here too, since not every client (the fake
// clientset) honours field selectors.
func listNamed(ctx context.Context, c kubernetes.Interface, name string) ([]*corev1.Secret, error) {
	var out []*corev1.Secret
	opts := metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String(),
		Limit:         pageSize,
	}
	for {
		page, err := c.CoreV1().Secrets(metav1.NamespaceAll).List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range page.Items {
			if page.Items[i].Name == name {
				out = append(out, &page.Items[i])
			}
		}
		if page.Continue == "" {
			return out, nil
		}
		opts.Continue = page.Continue
	}
}
