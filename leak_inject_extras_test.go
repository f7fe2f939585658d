package podsecrets_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

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
