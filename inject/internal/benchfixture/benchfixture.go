// Package benchfixture holds the realistic pod and refs that inject's and inject/admission's
// benchmarks share, so both measure the same work.
package benchfixture

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// Pod is a realistic pod: 3 containers and 1 init container, each with its own
// variables, mounts, ports and resources, and a few volumes of its own.
func Pod() *corev1.Pod {
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

// Refs are 10 refs of every delivery.
func Refs() []secretspec.Ref {
	mode0440 := int32(0o440)
	return []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER"},
		{Secret: "s3", Key: "access-key", As: secretspec.Env, EnvVar: "AWS_ACCESS_KEY_ID", Containers: []string{"trainer"}},
		{Secret: "s3", Key: "secret-key", As: secretspec.Env, EnvVar: "AWS_SECRET_ACCESS_KEY", Containers: []string{"trainer"}, Optional: true},
		{Secret: "tracing", As: secretspec.EnvFrom, Prefix: "OTEL_"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls", Mode: &mode0440},
		{Secret: "model-keys", As: secretspec.Mount, MountPath: "/etc/model", Items: []corev1.KeyToPath{{Key: "signing.pem", Path: "keys/signing.pem"}}},
		{Secret: "model-keys", As: secretspec.Mount, MountPath: "/etc/model", Key: "license"},
		{Secret: "registry", As: secretspec.PullSecret},
		{Secret: "deploy-key", As: secretspec.GitSSH, Containers: []string{"fetch"}},
	}
}
