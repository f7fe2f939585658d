package rollout

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// workload names one opted-in object.
type workload struct {
	Kind      string // "Deployment", "StatefulSet", "DaemonSet"
	Namespace string
	Name      string
}

func (w workload) String() string { return w.Kind + " " + w.Namespace + "/" + w.Name }

// kind is what the controller needs of one workload kind.
type kind struct {
	name     string
	informer func(informers.SharedInformerFactory) cache.SharedIndexInformer
	patch    func(ctx context.Context, c kubernetes.Interface, namespace, name string, data []byte) error
}

func kinds() []kind {
	opts := metav1.PatchOptions{FieldManager: fieldManager}
	return []kind{
		{"Deployment", func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().Deployments().Informer()
		},
			func(ctx context.Context, c kubernetes.Interface, ns, name string, data []byte) error {
				_, err := c.AppsV1().Deployments(ns).Patch(ctx, name, types.MergePatchType, data, opts)
				return err
			}},
		{"StatefulSet", func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().StatefulSets().Informer()
		},
			func(ctx context.Context, c kubernetes.Interface, ns, name string, data []byte) error {
				_, err := c.AppsV1().StatefulSets(ns).Patch(ctx, name, types.MergePatchType, data, opts)
				return err
			}},
		{"DaemonSet", func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().DaemonSets().Informer()
		},
			func(ctx context.Context, c kubernetes.Interface, ns, name string, data []byte) error {
				_, err := c.AppsV1().DaemonSets(ns).Patch(ctx, name, types.MergePatchType, data, opts)
				return err
			}},
	}
}

// fieldManager is the name the controller's patches carry.
const fieldManager = "podsecrets-rollout"

// templateOf returns an informer object's workload, labels and pod template.
func templateOf(obj any) (workload, map[string]string, *corev1.PodTemplateSpec, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return workload{"Deployment", o.Namespace, o.Name}, o.Labels, &o.Spec.Template, true
	case *appsv1.StatefulSet:
		return workload{"StatefulSet", o.Namespace, o.Name}, o.Labels, &o.Spec.Template, true
	case *appsv1.DaemonSet:
		return workload{"DaemonSet", o.Namespace, o.Name}, o.Labels, &o.Spec.Template, true
	}
	return workload{}, nil, nil, false
}
