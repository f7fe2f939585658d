package inject

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/podsecrets/podsecrets/inject/internal/benchfixture"
)

// benchWorkloads are the shared benchmark pod as the template of a typed Deployment, and of
// the Master and the Worker of an unstructured PyTorchJob.
func benchWorkloads(b *testing.B) (*appsv1.Deployment, *unstructured.Unstructured) {
	pod := benchfixture.Pod()
	tpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: pod.Labels, Annotations: pod.Annotations}, Spec: pod.Spec}
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "trainer", Namespace: "team-a", Labels: pod.Labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr[int32](3),
			Selector: &metav1.LabelSelector{MatchLabels: pod.Labels},
			Template: tpl,
		},
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&tpl)
	if err != nil {
		b.Fatal(err)
	}
	role := func(n int64) map[string]any {
		return map[string]any{"replicas": n, "restartPolicy": "OnFailure", "template": runtime.DeepCopyJSON(m)}
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kubeflow.org/v1", "kind": "PyTorchJob",
		"metadata": map[string]any{"name": "trainer", "namespace": "team-a"},
		"spec": map[string]any{
			"runPolicy":           map[string]any{"cleanPodPolicy": "None"},
			"pytorchReplicaSpecs": map[string]any{"Master": role(1), "Worker": role(4)},
		},
	}}
	return d, u
}

// BenchmarkApplyObject applies the shared 10 refs to a typed Deployment and to an unstructured
// PyTorchJob of two templates; each has a DeepCopy of ApplyObject's result beside it, the
// least a pure function producing it must spend.
func BenchmarkApplyObject(b *testing.B) {
	d, u := benchWorkloads(b)
	refs := benchfixture.Refs()
	for _, c := range []struct {
		name string
		obj  runtime.Object
	}{{"Deployment", d}, {"PyTorchJob", u}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ApplyObject(c.obj, refs); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("DeepCopy"+c.name, func(b *testing.B) {
			out, err := ApplyObject(c.obj, refs)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = out.DeepCopyObject()
			}
		})
	}
}

// BenchmarkPatchObject is the patch between each workload and ApplyObject's result.
func BenchmarkPatchObject(b *testing.B) {
	d, u := benchWorkloads(b)
	refs := benchfixture.Refs()
	for _, c := range []struct {
		name string
		obj  runtime.Object
	}{{"Deployment", d}, {"PyTorchJob", u}} {
		b.Run(c.name, func(b *testing.B) {
			out, err := ApplyObject(c.obj, refs)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := PatchObject(c.obj, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
