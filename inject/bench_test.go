package inject

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// benchPod is a realistic pod: 3 containers and 1 init container, each with its own
// variables, mounts, ports and resources, and a few volumes of its own.
func benchPod() *corev1.Pod {
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
	}
	container := func(name string) corev1.Container {
		return corev1.Container{
			Name:    name,
			Image:   "registry.example.com/team/" + name + ":v1.2.3",
			Command: []string{"/bin/" + name},
			Args:    []string{"--config", "/etc/app/config.yaml", "--verbose"},
			Ports:   []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			Env: []corev1.EnvVar{
				{Name: "LOG_LEVEL", Value: "info"},
				{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
				{Name: "REGION", Value: "eu-west-1"},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}, {Name: "scratch", MountPath: "/tmp"}},
			Resources:    res,
		}
	}
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "trainer-0", Namespace: "team-a", Labels: map[string]string{"app": "trainer"}, Annotations: map[string]string{"example.com/owner": "team-a"}},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{container("fetch")},
			Containers:     []corev1.Container{container("trainer"), container("logger"), container("metrics")},
			Volumes: []corev1.Volume{
				{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "trainer-config"}}}},
				{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			},
			ServiceAccountName: "trainer",
		},
	}
}

// benchRefs are 10 refs of every delivery.
func benchRefs() []secretspec.Ref {
	return []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER"},
		{Secret: "s3", Key: "access-key", As: secretspec.Env, EnvVar: "AWS_ACCESS_KEY_ID", Containers: []string{"trainer"}},
		{Secret: "s3", Key: "secret-key", As: secretspec.Env, EnvVar: "AWS_SECRET_ACCESS_KEY", Containers: []string{"trainer"}, Optional: true},
		{Secret: "tracing", As: secretspec.EnvFrom, Prefix: "OTEL_"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls", Mode: ptr[int32](0o440)},
		{Secret: "model-keys", As: secretspec.Mount, MountPath: "/etc/model", Items: []corev1.KeyToPath{{Key: "signing.pem", Path: "keys/signing.pem"}}},
		{Secret: "model-keys", As: secretspec.Mount, MountPath: "/etc/model", Key: "license"},
		{Secret: "registry", As: secretspec.PullSecret},
		{Secret: "deploy-key", As: secretspec.GitSSH, Containers: []string{"fetch"}},
	}
}

func BenchmarkApply(b *testing.B) {
	pod, refs := benchPod(), benchRefs()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(&pod.Spec, refs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeepCopy copies the PodSpec that Apply returns: the least any pure function
// producing it must spend. BenchmarkApply is measured against it.
func BenchmarkDeepCopy(b *testing.B) {
	pod, refs := benchPod(), benchRefs()
	out, err := Apply(&pod.Spec, refs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = out.DeepCopy()
	}
}

func BenchmarkPatch(b *testing.B) {
	pod, refs := benchPod(), benchRefs()
	out, err := ApplyPod(pod, refs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Patch(pod, out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateRefs is the share of BenchmarkApply spent in secretspec.ValidateRefs
// (called as Apply calls it).
func BenchmarkValidateRefs(b *testing.B) {
	refs := benchRefs()
	b.ReportAllocs()
	for b.Loop() {
		if errs := secretspec.ValidateRefs(refs, field.NewPath("refs")); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
