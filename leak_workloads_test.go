package podsecrets_test

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// workloadsLeakCases put the sentinels where an unstructured workload can hold them wrongly:
// as literals that clash with refs, as numbers or strings where the other is expected, as
// timestamps and quantities that do not parse, and as a template that is not one.
func workloadsLeakCases() []leakCase {
	S := sentinel
	envRef := secretspec.Ref{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "PASSWORD"}
	// pytorch is a PyTorchJob whose Worker template is tpl.
	pytorch := func(tpl any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "kubeflow.org/v1", "kind": "PyTorchJob", "metadata": map[string]any{"name": "j"},
			"spec": map[string]any{"pytorchReplicaSpecs": map[string]any{"Worker": map[string]any{"template": tpl}}},
		}}
	}
	container := func(fields map[string]any) map[string]any {
		c := map[string]any{"name": "c", "image": "busybox"}
		for k, v := range fields {
			c[k] = v
		}
		return map[string]any{"spec": map[string]any{"containers": []any{c}}}
	}
	apply := func(obj runtime.Object, refs ...secretspec.Ref) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.ApplyObject(obj, refs)
			return errOut(err)
		}
	}
	deployment := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "c", Image: "busybox", Env: []corev1.EnvVar{{Name: "PASSWORD", Value: S}}}},
	}}}}
	return []leakCase{
		{"inject.ApplyObject", "unstructured literal clashes with ref", true,
			apply(pytorch(container(map[string]any{"env": []any{map[string]any{"name": "PASSWORD", "value": S}}})), envRef)},
		{"inject.ApplyObject", "typed Deployment literal clashes with ref", true, apply(deployment, envRef)},
		{"inject.ApplyObject", "numeric secret where a string goes", true,
			apply(pytorch(container(map[string]any{"env": []any{map[string]any{"name": "PIN", "value": int64(73570031337735700)}}})), envRef)},
		{"inject.ApplyObject", "secret where a list goes", true, apply(pytorch(container(map[string]any{"env": S})), envRef)},
		{"inject.ApplyObject", "secret as the template", true, apply(pytorch(S), envRef)},
		{"inject.ApplyObject", "secret as a timestamp", true,
			apply(pytorch(map[string]any{"metadata": map[string]any{"creationTimestamp": S}, "spec": map[string]any{}}), envRef)},
		{"inject.ApplyObject", "secret as a quantity", true,
			apply(pytorch(container(map[string]any{"resources": map[string]any{"limits": map[string]any{"cpu": S}}})), envRef)},
		{"inject.ApplyObject", "secret in a kind it does not know", true, apply(&unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "example.com/v1", "kind": "Thing", "spec": map[string]any{"token": S}}}, envRef)},
		{"inject.ApplyObject", "secret in a type it does not take", true,
			apply(&corev1.Secret{StringData: map[string]string{"k": S}}, envRef)},
		{"inject.ApplyObject", "secret beside a Go value JSON cannot hold", true, apply(pytorch(container(map[string]any{
			"env": []any{map[string]any{"name": "PASSWORD", "value": S}}, "x": []string{S}})), envRef)},
		{"inject.PatchObject", "nil before", true, func(*testing.T, context.Context) leakOut {
			_, err := inject.PatchObject(nil, deployment)
			return errOut(err)
		}},
		{"inject.PatchObject", "unencodable after", true, func(*testing.T, context.Context) leakOut {
			_, err := inject.PatchObject(pytorch(S), pytorch(map[string]any{"x": S, "f": func() {}}))
			return errOut(err)
		}},
	}
}
