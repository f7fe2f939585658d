package preflight

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/podsecrets/podsecrets/secretspec"
)

// FromClient reads namespace's Secrets through c, one GET per Get, each bounded by ctx. A
// Secret that does not exist gives an error for which apierrors.IsNotFound is true, a read the
// client may not make one for which apierrors.IsForbidden is. A webhook or controller that
// already runs informers should pass their lister instead (client-go's SecretNamespaceLister
// satisfies secretspec.SecretGetter): it reads from memory.
func FromClient(ctx context.Context, c kubernetes.Interface, namespace string) secretspec.SecretGetter {
	return clientGetter{ctx: ctx, c: c, namespace: namespace}
}

type clientGetter struct {
	ctx       context.Context
	c         kubernetes.Interface
	namespace string
}

func (g clientGetter) Get(name string) (*corev1.Secret, error) {
	if g.c == nil {
		return nil, errors.New("preflight: FromClient was given a nil client")
	}
	return g.c.CoreV1().Secrets(g.namespace).Get(g.ctx, name, metav1.GetOptions{})
}
