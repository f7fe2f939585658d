package hostile_test

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

func injectLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	pod := func(env ...corev1.EnvVar) *corev1.Pod {
		p := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}}
		p.Name, p.Namespace = "p", "ns"
		p.Spec.Containers = []corev1.Container{{Name: "c", Image: "busybox", Env: env}}
		return p
	}
	envRef := secretspec.Ref{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "PASSWORD"}
	apply := func(p *corev1.Pod, refs []secretspec.Ref, opts ...inject.Option) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.Apply(&p.Spec, refs, opts...)
			return errOut(err)
		}
	}
	applyPod := func(p *corev1.Pod, refs []secretspec.Ref, opts ...inject.Option) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.ApplyPod(p, refs, opts...)
			return errOut(err)
		}
	}
	v := func(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
	return []leakCase{
		{"inject.Apply", "user literal clashes with ref", true, apply(pod(v("PASSWORD", S)), []secretspec.Ref{envRef})},
		{"inject.Apply", "user literal clashes with WithEnv", true, apply(pod(v("MODE", S)), nil, inject.WithEnv(v("MODE", S2)))},
		{"inject.Apply", "WithEnv clashes with ref", true, apply(pod(), []secretspec.Ref{envRef}, inject.WithEnv(v("PASSWORD", S)))},
		{"inject.Apply", "two WithEnv values of one name", true, apply(pod(), nil, inject.WithEnv(v("A", S)), inject.WithEnv(v("A", S2)))},
		{"inject.Apply", "WithEnv invalid name", true, apply(pod(), nil, inject.WithEnv(v("A=B", S)))},
		{"inject.Apply", "WithEnv empty name", true, apply(pod(), nil, inject.WithEnv(v("", S)))},
		{"inject.Apply", "invalid ref beside user literal", true, apply(pod(v("TOKEN", S)), []secretspec.Ref{{Secret: "Bad Name", As: secretspec.Env}})},
		{"inject.Apply", "user literal clashes with envFrom prefix var", true, apply(pod(v("PASSWORD", S), v("PASSWORD", S2)), []secretspec.Ref{envRef})},
		{"inject.ApplyPod", "user literal clashes with ref", true, applyPod(pod(v("PASSWORD", S)), []secretspec.Ref{envRef})},
		{"inject.ApplyPod", "nil pod", true, applyPod(nil, []secretspec.Ref{envRef}, inject.WithEnv(v("A", S)))},
		{"inject.ApplyPod", "user literal in init container clashes", true, func(*testing.T, context.Context) leakOut {
			p := pod()
			p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "busybox", Env: []corev1.EnvVar{v("PASSWORD", S)}}}
			_, err := inject.ApplyPod(p, []secretspec.Ref{envRef})
			return errOut(err)
		}},
		{"inject.Patch", "nil before", true, func(*testing.T, context.Context) leakOut {
			_, err := inject.Patch(nil, pod(v("A", S)))
			return errOut(err)
		}},
		{"inject.Patch", "nil after", true, func(*testing.T, context.Context) leakOut {
			_, err := inject.Patch(pod(v("A", S)), nil)
			return errOut(err)
		}},
	}
}

// injectListLeakCases cover the list format of several problems in one Apply.
func injectListLeakCases() []leakCase {
	S := sentinel
	return []leakCase{
		{"inject.Apply", "several problems in the list format", true, func(*testing.T, context.Context) leakOut {
			spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Env: []corev1.EnvVar{{Name: "X", Value: S}}}}}
			refs := []secretspec.Ref{{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X"}, {Secret: "Bad", As: secretspec.EnvFrom}}
			_, err := inject.Apply(spec, refs)
			return errOut(err)
		}},
	}
}

// injectExtrasLeakCases drive inject's checks of duplicate entries, of pods without
// containers and of Extras with sentinel values beside every message.
func injectExtrasLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	v := func(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
	envRef := secretspec.Ref{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "PASSWORD"}
	spec := func(env ...corev1.EnvVar) *corev1.PodSpec {
		return &corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox", Env: env}}}
	}
	pod := func(env ...corev1.EnvVar) *corev1.Pod { return &corev1.Pod{Spec: *spec(env...)} }
	applyPod := func(p *corev1.Pod, refs []secretspec.Ref, opts ...inject.Option) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.ApplyPod(p, refs, opts...)
			return errOut(err)
		}
	}
	hostPath := func(name, p string) corev1.Volume {
		return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: p}}}
	}
	fetcher := func(name, secret string) corev1.Container {
		return corev1.Container{Name: name, Image: "fetcher", Args: []string{secret}, Env: []corev1.EnvVar{v("TOKEN", secret)}}
	}
	apply := func(s *corev1.PodSpec, refs []secretspec.Ref, opts ...inject.Option) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.Apply(s, refs, opts...)
			return errOut(err)
		}
	}
	return []leakCase{
		{"inject.Apply", "wanted variable then a literal of that name", true, apply(spec(
			corev1.EnvVar{Name: "PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}},
			v("PASSWORD", S)), []secretspec.Ref{envRef})},
		{"inject.Apply", "no containers", true, apply(&corev1.PodSpec{InitContainers: []corev1.Container{{Name: "i", Env: []corev1.EnvVar{v("A", S)}}}}, []secretspec.Ref{envRef})},
		{"inject.Apply", "annotations without metadata", true, apply(spec(), nil, inject.WithExtras(secretspec.Extras{Annotations: map[string]string{"a": S}}))},
		{"inject.WithExtras", "every invalid field", true, applyPod(pod(), nil, inject.WithExtras(secretspec.Extras{
			Env:            []corev1.EnvVar{v("A=B", S), v("X", S), v("X", S2)},
			Mounts:         []corev1.VolumeMount{{Name: "", MountPath: "relative"}, {Name: "Bad_Name", MountPath: ""}, {Name: "nosuch", MountPath: "/a", SubPath: "../x"}, {Name: "v", MountPath: "/a"}},
			Containers:     []string{"nosuch", "Bad_Name", "c", "c"},
			Volumes:        []corev1.Volume{hostPath("v", S), hostPath("v", S2), hostPath("", S), {Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}, HostPath: &corev1.HostPathVolumeSource{Path: S}}}},
			InitContainers: []corev1.Container{fetcher("f", S), fetcher("f", S2), fetcher("", S), fetcher("c", S), fetcher("Bad_Name", S)},
			Annotations:    map[string]string{"bad key": S, "big": strings.Repeat(S, 300<<10/len(S))},
		}))},
		{"inject.WithExtras", "Extras name a fetcher, an ephemeral container, a missing volume", true, func(*testing.T, context.Context) leakOut {
			p := pod(v("A", S))
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug", Env: []corev1.EnvVar{v("A", S)}}}}
			f := fetcher("f", S)
			f.VolumeMounts = []corev1.VolumeMount{{Name: "nosuch", MountPath: "/out"}}
			_, err := inject.ApplyPod(p, []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "K", Containers: []string{"f"}}},
				inject.WithExtras(secretspec.Extras{Env: []corev1.EnvVar{v("B", S)}, Containers: []string{"f", "debug"}, InitContainers: []corev1.Container{f}}),
				inject.WithExtras(secretspec.Extras{InitContainers: []corev1.Container{fetcher("debug", S)}}))
			return errOut(err)
		}},
		{"inject.WithExtras", "two Extras differ", true, applyPod(pod(), nil,
			inject.WithExtras(secretspec.Extras{Volumes: []corev1.Volume{hostPath("v", S)}, InitContainers: []corev1.Container{fetcher("f", S)}, Annotations: map[string]string{"a": S}}),
			inject.WithExtras(secretspec.Extras{Volumes: []corev1.Volume{hostPath("v", S2)}, InitContainers: []corev1.Container{fetcher("f", S2)}, Annotations: map[string]string{"a": S2}}))},
		{"inject.WithExtras", "conflicts with the pod's entries", true, func(*testing.T, context.Context) leakOut {
			p := pod(v("A", S))
			p.Annotations = map[string]string{"a": S}
			p.Spec.InitContainers = []corev1.Container{fetcher("f", S)}
			p.Spec.Volumes = []corev1.Volume{hostPath("v", S)}
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "v", MountPath: "/m"}}
			_, err := inject.ApplyPod(p, nil, inject.WithExtras(secretspec.Extras{
				Env: []corev1.EnvVar{v("A", S2)}, Mounts: []corev1.VolumeMount{{Name: "v", MountPath: "/m", ReadOnly: true}},
				Volumes: []corev1.Volume{hostPath("v", S2)}, InitContainers: []corev1.Container{fetcher("f", S2)}, Annotations: map[string]string{"a": S2},
			}))
			return errOut(err)
		}},
		{"inject.WithExtras", "annotations too long with the pod's", true, func(*testing.T, context.Context) leakOut {
			p := pod()
			p.Annotations = map[string]string{"big": strings.Repeat(S, 200<<10/len(S))}
			_, err := inject.ApplyPod(p, nil, inject.WithExtras(secretspec.Extras{Annotations: map[string]string{"more": strings.Repeat(S2, 100<<10/len(S2))}}))
			return errOut(err)
		}},
		{"inject.WithExtras", "Extras and refs clash", true, applyPod(pod(), []secretspec.Ref{envRef, {Secret: "db", As: secretspec.Mount, MountPath: "/m"}},
			inject.WithExtras(secretspec.Extras{Env: []corev1.EnvVar{v("PASSWORD", S)}, Mounts: []corev1.VolumeMount{{Name: "v", MountPath: "/m"}}, Volumes: []corev1.Volume{hostPath("v", S)}}),
			inject.WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{{Name: "v", MountPath: "/m", ReadOnly: true}}}))},
		{"inject.ApplyTemplate", "annotation conflict", true, func(*testing.T, context.Context) leakOut {
			tmpl := &corev1.PodTemplateSpec{Spec: pod().Spec}
			tmpl.Annotations = map[string]string{"a": S}
			_, err := inject.ApplyTemplate(tmpl, nil, inject.WithExtras(secretspec.Extras{Annotations: map[string]string{"a": S2}}))
			return errOut(err)
		}},
	}
}

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
