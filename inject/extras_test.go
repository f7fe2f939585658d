package inject

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/inject/internal/benchfixture"
	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// extrasPod is a Pachyderm-like worker: a user container, a storage sidecar, an init
// container of its own and a volume.
func extrasPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "ns", Annotations: map[string]string{"own": "1"}},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "setup", Image: "busybox"}},
			Containers:     []corev1.Container{{Name: "user", Image: "app"}, {Name: "storage", Image: "pachd"}},
			Volumes:        []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
	}
}

func emptyDir(name string, medium corev1.StorageMedium) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: medium}}}
}

var fetcherA = corev1.Container{Name: "fetch-a", Image: "fetcher", Args: []string{"a"}, VolumeMounts: []corev1.VolumeMount{{Name: "fetched", MountPath: "/out"}}}

func TestApplyExtras(t *testing.T) {
	plain := corev1.EnvVar{Name: "PACH_ROOT", Value: "/pfs"}
	fetchedMount := corev1.VolumeMount{Name: "fetched", MountPath: "/etc/fetched", ReadOnly: true}
	fetched := emptyDir("fetched", corev1.StorageMediumMemory)
	fetcherB := corev1.Container{Name: "fetch-b", Image: "fetcher", Args: []string{"b"}}
	tests := []struct {
		name      string
		pod       func(p *corev1.Pod) // changes to extrasPod(), nil = none
		refs      []secretspec.Ref
		opts      []Option
		want      func(p *corev1.Pod) // the changes Apply makes to the pod
		wantPatch string              // "" = not checked (patchtest still is)
	}{{
		name:      "env for the user container only (a Pachyderm worker's plain variable)",
		opts:      []Option{WithExtras(secretspec.Extras{Env: []corev1.EnvVar{plain}, Containers: []string{"user"}})},
		want:      func(p *corev1.Pod) { p.Spec.Containers[0].Env = []corev1.EnvVar{plain} },
		wantPatch: `[{"op":"add","path":"/spec/containers/0/env","value":[{"name":"PACH_ROOT","value":"/pfs"}]}]`,
	}, {
		name: "env and mounts for every container, init containers included, after the refs'",
		refs: []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "DB"}},
		opts: []Option{WithExtras(secretspec.Extras{Env: []corev1.EnvVar{plain}, Mounts: []corev1.VolumeMount{fetchedMount}, Volumes: []corev1.Volume{fetched}})},
		want: func(p *corev1.Pod) {
			for _, c := range []*corev1.Container{&p.Spec.InitContainers[0], &p.Spec.Containers[0], &p.Spec.Containers[1]} {
				c.Env = []corev1.EnvVar{secretEnv("DB", "db", "k", false), plain}
				c.VolumeMounts = []corev1.VolumeMount{fetchedMount}
			}
			p.Spec.Volumes = append(p.Spec.Volumes, fetched)
		},
	}, {
		name: "WithInitContainers(false) spares the init containers",
		opts: []Option{WithInitContainers(false), WithEnv(plain)},
		want: func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{plain}
			p.Spec.Containers[1].Env = []corev1.EnvVar{plain}
		},
	}, {
		name: "a named init container gets them even so",
		opts: []Option{WithInitContainers(false), WithExtras(secretspec.Extras{Env: []corev1.EnvVar{plain}, Containers: []string{"setup"}})},
		want: func(p *corev1.Pod) { p.Spec.InitContainers[0].Env = []corev1.EnvVar{plain} },
	}, {
		name: "several WithExtras add up, WithEnv among them; an Extras variable equal to another is one",
		opts: []Option{WithEnv(plain), WithExtras(secretspec.Extras{Env: []corev1.EnvVar{{Name: "B", Value: "2"}, plain}, Containers: []string{"user"}})},
		want: func(p *corev1.Pod) {
			p.Spec.InitContainers[0].Env = []corev1.EnvVar{plain}
			p.Spec.Containers[0].Env = []corev1.EnvVar{plain, {Name: "B", Value: "2"}}
			p.Spec.Containers[1].Env = []corev1.EnvVar{plain}
		},
	}, {
		name: "fetchers go first, in order, and receive neither refs nor Extras' env and mounts",
		refs: []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "DB"}},
		opts: []Option{WithExtras(secretspec.Extras{InitContainers: []corev1.Container{fetcherA, fetcherB}, Volumes: []corev1.Volume{fetched},
			Mounts: []corev1.VolumeMount{fetchedMount}, Containers: []string{"user", "setup"}})},
		want: func(p *corev1.Pod) {
			p.Spec.InitContainers[0].Env = []corev1.EnvVar{secretEnv("DB", "db", "k", false)}
			p.Spec.InitContainers[0].VolumeMounts = []corev1.VolumeMount{fetchedMount}
			p.Spec.InitContainers = append([]corev1.Container{fetcherA, fetcherB}, p.Spec.InitContainers...)
			p.Spec.Containers[0].Env = []corev1.EnvVar{secretEnv("DB", "db", "k", false)}
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{fetchedMount}
			p.Spec.Containers[1].Env = []corev1.EnvVar{secretEnv("DB", "db", "k", false)}
			p.Spec.Volumes = append(p.Spec.Volumes, fetched)
		},
		wantPatch: `[{"op":"add","path":"/spec/initContainers/0","value":{"name":"fetch-a","image":"fetcher","args":["a"],"resources":{},"volumeMounts":[{"name":"fetched","mountPath":"/out"}]}},` +
			`{"op":"add","path":"/spec/initContainers/1","value":{"name":"fetch-b","image":"fetcher","args":["b"],"resources":{}}},` +
			`{"op":"add","path":"/spec/initContainers/2/env","value":[{"name":"DB","valueFrom":{"secretKeyRef":{"name":"db","key":"k"}}}]},` +
			`{"op":"add","path":"/spec/initContainers/2/volumeMounts","value":[{"name":"fetched","readOnly":true,"mountPath":"/etc/fetched"}]},` +
			`{"op":"add","path":"/spec/containers/0/env","value":[{"name":"DB","valueFrom":{"secretKeyRef":{"name":"db","key":"k"}}}]},` +
			`{"op":"add","path":"/spec/containers/0/volumeMounts","value":[{"name":"fetched","readOnly":true,"mountPath":"/etc/fetched"}]},` +
			`{"op":"add","path":"/spec/containers/1/env","value":[{"name":"DB","valueFrom":{"secretKeyRef":{"name":"db","key":"k"}}}]},` +
			`{"op":"add","path":"/spec/volumes/-","value":{"name":"fetched","emptyDir":{"medium":"Memory"}}}]`,
	}, {
		name: "a fetcher the pod already has (the first of two) stays; the missing one goes after it",
		pod: func(p *corev1.Pod) {
			p.Spec.InitContainers = append([]corev1.Container{fetcherA}, p.Spec.InitContainers...)
			p.Spec.Volumes = append(p.Spec.Volumes, fetched)
		},
		opts: []Option{WithExtras(secretspec.Extras{InitContainers: []corev1.Container{fetcherA, fetcherB}, Volumes: []corev1.Volume{fetched}})},
		want: func(p *corev1.Pod) {
			p.Spec.InitContainers = append([]corev1.Container{fetcherA, fetcherB}, p.Spec.InitContainers[1:]...)
		},
		wantPatch: `[{"op":"add","path":"/spec/initContainers/1","value":{"name":"fetch-b","image":"fetcher","args":["b"],"resources":{}}}]`,
	}, {
		name:      "a pod without init containers gets the fetchers as a new list",
		pod:       func(p *corev1.Pod) { p.Spec.InitContainers = nil },
		opts:      []Option{WithExtras(secretspec.Extras{InitContainers: []corev1.Container{fetcherB}})},
		want:      func(p *corev1.Pod) { p.Spec.InitContainers = []corev1.Container{fetcherB} },
		wantPatch: `[{"op":"add","path":"/spec/initContainers","value":[{"name":"fetch-b","image":"fetcher","args":["b"],"resources":{}}]}]`,
	}, {
		name: "a different init container of a fetcher's name, keep existing",
		pod:  func(p *corev1.Pod) { p.Spec.InitContainers[0].Name = "fetch-a" },
		opts: []Option{WithConflictPolicy(ConflictKeepExisting), WithEnv(plain), WithExtras(secretspec.Extras{InitContainers: []corev1.Container{fetcherA}, Volumes: []corev1.Volume{fetched}})},
		want: func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{plain}
			p.Spec.Containers[1].Env = []corev1.EnvVar{plain}
			p.Spec.Volumes = append(p.Spec.Volumes, fetched)
		},
	}, {
		name: "a different init container of a fetcher's name, override replaces it in place",
		pod:  func(p *corev1.Pod) { p.Spec.InitContainers[0].Name = "fetch-a" },
		opts: []Option{WithConflictPolicy(ConflictOverride), WithExtras(secretspec.Extras{InitContainers: []corev1.Container{fetcherA}, Volumes: []corev1.Volume{fetched}})},
		want: func(p *corev1.Pod) {
			p.Spec.InitContainers[0] = fetcherA
			p.Spec.Volumes = append(p.Spec.Volumes, fetched)
		},
	}, {
		name: "the pod's identical volume and mount are no-ops",
		pod: func(p *corev1.Pod) {
			p.Spec.Volumes = append(p.Spec.Volumes, fetched)
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{fetchedMount}
		},
		opts:      []Option{WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{fetchedMount}, Volumes: []corev1.Volume{fetched}, Containers: []string{"user"}})},
		want:      func(*corev1.Pod) {},
		wantPatch: `[]`,
	}, {
		name: "a mount of the pod's own volume",
		opts: []Option{WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}, Containers: []string{"storage"}})},
		want: func(p *corev1.Pod) {
			p.Spec.Containers[1].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
		},
	}, {
		name: "a different volume of the same name, keep existing",
		opts: []Option{WithConflictPolicy(ConflictKeepExisting), WithExtras(secretspec.Extras{Volumes: []corev1.Volume{emptyDir("data", corev1.StorageMediumMemory)}})},
		want: func(*corev1.Pod) {},
	}, {
		name:      "a different volume of the same name, override replaces it in place",
		opts:      []Option{WithConflictPolicy(ConflictOverride), WithExtras(secretspec.Extras{Volumes: []corev1.Volume{emptyDir("data", corev1.StorageMediumMemory)}})},
		want:      func(p *corev1.Pod) { p.Spec.Volumes[0] = emptyDir("data", corev1.StorageMediumMemory) },
		wantPatch: `[{"op":"add","path":"/spec/volumes/0/emptyDir/medium","value":"Memory"}]`,
	}, {
		name: "a different mount at the path, keep existing",
		pod: func(p *corev1.Pod) {
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/etc/fetched"}}
		},
		opts: []Option{WithConflictPolicy(ConflictKeepExisting), WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{fetchedMount}, Volumes: []corev1.Volume{fetched}, Containers: []string{"user"}})},
		want: func(p *corev1.Pod) { p.Spec.Volumes = append(p.Spec.Volumes, fetched) },
	}, {
		name: "a different mount at the path, override",
		pod: func(p *corev1.Pod) {
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/etc/fetched"}}
		},
		opts: []Option{WithConflictPolicy(ConflictOverride), WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{fetchedMount}, Volumes: []corev1.Volume{fetched}, Containers: []string{"user"}})},
		want: func(p *corev1.Pod) {
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{fetchedMount}
			p.Spec.Volumes = append(p.Spec.Volumes, fetched)
		},
	}, {
		name: "a different variable of the name, override (the same path as refs')",
		pod:  func(p *corev1.Pod) { p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "PACH_ROOT", Value: "/old"}} },
		opts: []Option{WithConflictPolicy(ConflictOverride), WithExtras(secretspec.Extras{Env: []corev1.EnvVar{plain}, Containers: []string{"user"}})},
		want: func(p *corev1.Pod) { p.Spec.Containers[0].Env = []corev1.EnvVar{plain} },
	}, {
		name:      "annotations land in the pod's metadata; an equal one is left alone",
		opts:      []Option{WithExtras(secretspec.Extras{Annotations: map[string]string{"own": "1", "vault.hashicorp.com/agent-inject": "true"}})},
		want:      func(p *corev1.Pod) { p.Annotations["vault.hashicorp.com/agent-inject"] = "true" },
		wantPatch: `[{"op":"add","path":"/metadata/annotations/vault.hashicorp.com~1agent-inject","value":"true"}]`,
	}, {
		name:      "annotations on a pod that has none",
		pod:       func(p *corev1.Pod) { p.Annotations = nil },
		opts:      []Option{WithExtras(secretspec.Extras{Annotations: map[string]string{"a.io/x": "1"}})},
		want:      func(p *corev1.Pod) { p.Annotations = map[string]string{"a.io/x": "1"} },
		wantPatch: `[{"op":"add","path":"/metadata/annotations","value":{"a.io/x":"1"}}]`,
	}, {
		name: "a different annotation value, keep existing",
		opts: []Option{WithConflictPolicy(ConflictKeepExisting), WithExtras(secretspec.Extras{Annotations: map[string]string{"own": "2"}})},
		want: func(*corev1.Pod) {},
	}, {
		name:      "a different annotation value, override",
		opts:      []Option{WithConflictPolicy(ConflictOverride), WithExtras(secretspec.Extras{Annotations: map[string]string{"own": "2"}})},
		want:      func(p *corev1.Pod) { p.Annotations["own"] = "2" },
		wantPatch: `[{"op":"replace","path":"/metadata/annotations/own","value":"2"}]`,
	}, {
		name: "Flyte's AWS manager: a volume, a fetcher, a mount in every container",
		opts: []Option{WithExtras(benchfixture.AWSExtras())},
		want: func(p *corev1.Pod) {
			x := benchfixture.AWSExtras()
			for _, c := range []*corev1.Container{&p.Spec.InitContainers[0], &p.Spec.Containers[0], &p.Spec.Containers[1]} {
				c.Env, c.VolumeMounts = x.Env, x.Mounts
			}
			p.Spec.InitContainers = append(x.InitContainers, p.Spec.InitContainers...)
			p.Spec.Volumes = append(p.Spec.Volumes, x.Volumes...)
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := extrasPod()
			if tt.pod != nil {
				tt.pod(pod)
			}
			want := pod.DeepCopy()
			tt.want(want)
			before := pod.DeepCopy()
			got, err := ApplyPod(pod, tt.refs, tt.opts...)
			if err != nil {
				t.Fatalf("ApplyPod: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ApplyPod (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, pod); diff != "" {
				t.Errorf("ApplyPod modified its input (-before +after):\n%s", diff)
			}
			patch, err := Patch(pod, got)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantPatch != "" {
				if diff := cmp.Diff(tt.wantPatch, string(patch)); diff != "" {
					t.Errorf("Patch (-want +got):\n%s", diff)
				}
			}
			if err := patchtest.Check(pod, got, patch); err != nil {
				t.Error(err)
			}
			if bad := checkPodSpec(&got.Spec); len(bad) > 0 {
				t.Errorf("output breaks Kubernetes' rules: %v", bad)
			}
			again, err := ApplyPod(got, tt.refs, tt.opts...)
			if err != nil {
				t.Fatalf("ApplyPod on its output: %v", err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("ApplyPod is not idempotent (-once +twice):\n%s", diff)
			}
			// ApplyTemplate does the same to a template.
			tmpl := &corev1.PodTemplateSpec{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}
			gotT, err := ApplyTemplate(tmpl, tt.refs, tt.opts...)
			if err != nil {
				t.Fatalf("ApplyTemplate: %v", err)
			}
			if diff := cmp.Diff(&corev1.PodTemplateSpec{ObjectMeta: want.ObjectMeta, Spec: want.Spec}, gotT); diff != "" {
				t.Errorf("ApplyTemplate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWithEnvIsWithExtras checks that WithEnv(v...) is WithExtras(Extras{Env: v}), results and
// errors alike.
func TestWithEnvIsWithExtras(t *testing.T) {
	for _, env := range [][]corev1.EnvVar{
		{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
		{{Name: "own", Value: "clash"}},
		{{Name: "A=B"}},
		nil,
	} {
		pod := extrasPod()
		pod.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "own", Value: "x"}}
		a, errA := ApplyPod(pod, nil, WithEnv(env...))
		b, errB := ApplyPod(pod, nil, WithExtras(secretspec.Extras{Env: env}))
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("WithEnv(%v) and WithExtras differ (-WithEnv +WithExtras):\n%s", env, diff)
		}
		if (errA == nil) != (errB == nil) || errA != nil && errA.Error() != errB.Error() {
			t.Errorf("WithEnv(%v) and WithExtras give errors %v and %v", env, errA, errB)
		}
	}
}

func TestApplyExtrasErrors(t *testing.T) {
	fetched := emptyDir("fetched", "")
	tests := []struct {
		name string
		pod  func(p *corev1.Pod)
		refs []secretspec.Ref
		opts []Option
		bare bool     // Apply on the PodSpec instead of ApplyPod
		want []string // each must appear in the error
	}{{
		name: "every invalid field at once, with paths",
		opts: []Option{WithEnv(corev1.EnvVar{Name: "OK"}), WithExtras(secretspec.Extras{
			Env:            []corev1.EnvVar{{Name: "A=B", Value: "hunter2"}, {Name: "X"}, {Name: "X"}},
			Mounts:         []corev1.VolumeMount{{Name: "fetched", MountPath: "relative"}, {Name: "", MountPath: "/a"}, {Name: "fetched", MountPath: "/a"}, {Name: "nosuch", MountPath: "/b", SubPath: "../x"}},
			Containers:     []string{"user", "nosuch", "Bad_Name"},
			Volumes:        []corev1.Volume{fetched, fetched, {Name: "Bad_Name"}, {Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}}, {Name: "two", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}, HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}},
			InitContainers: []corev1.Container{{Name: "f"}, {Name: "f"}, {Name: ""}, {Name: "user"}},
			Annotations:    map[string]string{"bad key!": "hunter2"},
		})},
		want: []string{
			`extras[1].env[0].name: Invalid value: "A=B"`, `extras[1].env[2].name: Duplicate value: "X"`,
			`extras[1].mounts[0].mountPath: Invalid value: "relative": must be an absolute path`, `extras[1].mounts[1].name: Required value`,
			`extras[1].mounts[2].mountPath: Duplicate value: "/a"`, `extras[1].mounts[3].subPath`, `extras[1].mounts[3].name: Invalid value: "nosuch": names no volume of the pod or of the Extras`,
			`extras[1].containers[1]: Not found: "nosuch"`, `extras[1].containers[2]: Invalid value: "Bad_Name"`,
			`extras[1].volumes[1].name: Duplicate value: "fetched"`, `extras[1].volumes[2].name: Invalid value: "Bad_Name"`,
			`extras[1].volumes[3].secret: Forbidden: Extras holds non-Secret volumes`, `extras[1].volumes[4]: Forbidden: may not specify more than 1 volume type`,
			`extras[1].initContainers[1].name: Duplicate value: "f"`, `extras[1].initContainers[2].name: Required value`,
			`extras[1].initContainers[3].name: Invalid value: "user": is the name of one of the pod's containers`,
			`extras[1].annotations: Invalid value: "bad key!"`,
		},
	}, {
		name: "two Extras disagree",
		opts: []Option{
			WithExtras(secretspec.Extras{Volumes: []corev1.Volume{fetched}, InitContainers: []corev1.Container{fetcherA}, Annotations: map[string]string{"a": "1"}}),
			WithExtras(secretspec.Extras{Volumes: []corev1.Volume{emptyDir("fetched", "Memory")}, InitContainers: []corev1.Container{{Name: "fetch-a"}}, Annotations: map[string]string{"a": "hunter2"}}),
		},
		want: []string{`extras[1].volumes[0]: Forbidden: volume "fetched" differs from the one extras[0].volumes[0] adds`,
			`extras[1].initContainers[0]: Forbidden: init container "fetch-a" differs from the one extras[0].initContainers[0] adds`,
			`extras[1].annotations[a]: Forbidden: annotation "a" has another value in extras[0]`},
	}, {
		name: "an Extras variable and a ref set one variable",
		refs: []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "DB"}},
		opts: []Option{WithExtras(secretspec.Extras{Env: []corev1.EnvVar{{Name: "DB", Value: "hunter2"}}})},
		want: []string{`extras[0].env[0]: Forbidden: container "user": extras[0].env[0] sets env var "DB" from a literal value, but refs[0] sets it from key "k" of Secret "db"`},
	}, {
		name: "an Extras mount at a ref's secret volume path",
		refs: []secretspec.Ref{{Secret: "db", As: secretspec.Mount, MountPath: "/etc/fetched"}},
		opts: []Option{WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{{Name: "data", MountPath: "/etc/fetched"}}})},
		want: []string{`extras[0].mounts[0]: Forbidden: container "user": extras[0].mounts[0] mounts volume "data" (read-write) at "/etc/fetched", where refs[0] mounts Secret "db" (every key)`},
	}, {
		name: "two Extras mount different volumes at one path",
		opts: []Option{WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{{Name: "data", MountPath: "/m"}}}), WithExtras(secretspec.Extras{Mounts: []corev1.VolumeMount{{Name: "data", MountPath: "/m", ReadOnly: true}}})},
		want: []string{`extras[1].mounts[0]: Forbidden: container "user": extras[1].mounts[0] mounts volume "data" at "/m", where extras[0].mounts[0] mounts volume "data" (read-write)`},
	}, {
		name: "a ref names a fetcher",
		refs: []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "DB", Containers: []string{"fetch-a"}}},
		opts: []Option{WithExtras(secretspec.Extras{InitContainers: []corev1.Container{fetcherA}, Containers: []string{"fetch-a"}})},
		want: []string{`refs[0].containers[0]: Invalid value: "fetch-a": names an init container of the Extras`, `extras[0].containers[0]: Invalid value: "fetch-a": names an init container of the Extras`},
	}, {
		name: "Extras name an ephemeral container",
		pod: func(p *corev1.Pod) {
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}}
		},
		opts: []Option{WithExtras(secretspec.Extras{Env: []corev1.EnvVar{{Name: "A"}}, Containers: []string{"debug"}}), WithExtras(secretspec.Extras{InitContainers: []corev1.Container{{Name: "debug"}}})},
		want: []string{`extras[0].containers[0]: Invalid value: "debug": names an init container of the Extras`, `extras[1].initContainers[0].name: Invalid value: "debug": is the name of one of the pod's containers`},
	}, {
		name: "Extras name an ephemeral container, and a fetcher mounts a volume that does not exist",
		pod: func(p *corev1.Pod) {
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}}
		},
		opts: []Option{WithExtras(secretspec.Extras{Env: []corev1.EnvVar{{Name: "A"}}, Containers: []string{"debug"}, InitContainers: []corev1.Container{fetcherA}})},
		want: []string{`extras[0].containers[0]: Invalid value: "debug": names an ephemeral container`,
			`extras[0].initContainers[0].volumeMounts[0].name: Invalid value: "fetched": names no volume of the pod or of the Extras`},
	}, {
		name: "conflicts with the pod's volume, init container, mount and annotation, all at once",
		pod: func(p *corev1.Pod) {
			p.Spec.InitContainers[0].Name = "fetch-a"
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/m"}}
		},
		opts: []Option{WithExtras(secretspec.Extras{Volumes: []corev1.Volume{emptyDir("data", "Memory"), fetched}, InitContainers: []corev1.Container{fetcherA},
			Mounts: []corev1.VolumeMount{{Name: "data", MountPath: "/m", ReadOnly: true}}, Annotations: map[string]string{"own": "hunter2"}})},
		want: []string{
			`spec.volumes[0]: Forbidden: conflict: the pod has volume "data", and extras[0].volumes[0] adds a different one of that name`,
			`spec.initContainers[0]: Forbidden: conflict: the pod has init container "fetch-a", and extras[0].initContainers[0] adds a different one of that name`,
			`spec.containers[0].volumeMounts[0]: Forbidden: conflict: container "user" mounts volume "data" (read-write) at "/m", and extras[0].mounts[0] wants volume "data" there`,
			`metadata.annotations[own]: Forbidden: conflict: the pod has annotation "own" with another value than extras[0] gives it`,
		},
	}, {
		name: "annotations on a bare PodSpec",
		bare: true,
		opts: []Option{WithExtras(secretspec.Extras{Annotations: map[string]string{"a": "1"}})},
		want: []string{`extras[0].annotations: Forbidden: a PodSpec has no metadata: annotations need a Pod or pod template (use ApplyPod or ApplyTemplate)`},
	}, {
		name: "Extras on a PodSpec without containers",
		pod:  func(p *corev1.Pod) { p.Spec.Containers = nil },
		opts: []Option{WithExtras(secretspec.Extras{Volumes: []corev1.Volume{fetched}})},
		want: []string{`spec.containers: Required value: the PodSpec has no containers`},
	}, {
		name: "annotations over the size limit together with the pod's",
		pod:  func(p *corev1.Pod) { p.Annotations["big"] = strings.Repeat("x", 200<<10) },
		opts: []Option{WithExtras(secretspec.Extras{Annotations: map[string]string{"more": strings.Repeat("hunter2", 10<<10)}})},
		want: []string{`metadata.annotations: Too long: may not be more than 262144 bytes`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := extrasPod()
			if tt.pod != nil {
				tt.pod(pod)
			}
			var err error
			if tt.bare {
				_, err = Apply(&pod.Spec, tt.refs, tt.opts...)
			} else {
				_, err = ApplyPod(pod, tt.refs, tt.opts...)
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("the error prints a value")
			}
		})
	}
}

// TestApplyTemplateAnnotationPath checks the path of an annotation conflict in a workload's
// template.
func TestApplyTemplateAnnotationPath(t *testing.T) {
	tmpl := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"a": "1"}}, Spec: extrasPod().Spec}
	opts := []Option{WithExtras(secretspec.Extras{Annotations: map[string]string{"a": "2"}})}
	for _, tc := range []struct {
		at   *field.Path
		want string
	}{
		{nil, "metadata.annotations[a]"},
		{field.NewPath("spec", "template", "spec"), "spec.template.metadata.annotations[a]"},
		{field.NewPath("spec", "replicatedJobs").Index(1).Child("template", "spec", "template", "spec"), "spec.replicatedJobs[1].template.spec.template.metadata.annotations[a]"},
	} {
		_, err := applyTemplate(tmpl, nil, opts, tc.at)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want+":") {
			t.Errorf("at %v: error %v, want one at %s", tc.at, err, tc.want)
		}
	}
}

// TestApplyObjectExtras checks that a workload's template gets the Extras' annotations, and
// that a conflict names the template's metadata.
func TestApplyObjectExtras(t *testing.T) {
	d := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"a": "1"}},
		Spec:       extrasPod().Spec,
	}}}
	out, err := ApplyObject(d, nil, WithExtras(secretspec.Extras{Annotations: map[string]string{"b": "2"}, InitContainers: []corev1.Container{{Name: "fetch", Image: "f"}}}))
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*appsv1.Deployment).Spec.Template
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2"}, got.Annotations); diff != "" {
		t.Errorf("template annotations (-want +got):\n%s", diff)
	}
	if n := got.Spec.InitContainers[0].Name; n != "fetch" {
		t.Errorf("first init container %q, want the fetcher", n)
	}
	_, err = ApplyObject(d, nil, WithExtras(secretspec.Extras{Annotations: map[string]string{"a": "2"}}))
	if err == nil || !strings.Contains(err.Error(), "spec.template.metadata.annotations[a]: Forbidden: conflict") {
		t.Errorf("error %v, want a conflict at spec.template.metadata.annotations[a]", err)
	}
}
