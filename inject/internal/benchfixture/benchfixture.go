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

// AWSExtras is what Flyte's AWS Secrets Manager support adds to a pod for one FILE request,
// shaped as flyte.Plan gives it: an in-memory volume, one fetcher init container writing into
// it, a read-only mount of it in every container, and Flyte's plain variables.
func AWSExtras() secretspec.Extras {
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("500Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("500Mi")},
	}
	return secretspec.Extras{
		Env: []corev1.EnvVar{
			{Name: "FLYTE_SECRETS_DEFAULT_DIR", Value: "/etc/flyte/secrets"},
			{Name: "FLYTE_SECRETS_FILE_PREFIX", Value: ""},
		},
		Mounts:  []corev1.VolumeMount{{Name: "aws-secret-vol", MountPath: "/etc/flyte/secrets", ReadOnly: true}},
		Volumes: []corev1.Volume{{Name: "aws-secret-vol", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}},
		InitContainers: []corev1.Container{{
			Name:  "aws-pull-secret-db-password",
			Image: "docker.io/amazon/aws-secrets-manager-secret-sidecar:v0.1.4",
			Env: []corev1.EnvVar{
				{Name: "SECRET_ARN", Value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"},
				{Name: "SECRET_FILENAME", Value: "/db/password"},
				{Name: "SECRETS_DIR", Value: "/tmp"},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "aws-secret-vol", MountPath: "/tmp"}},
			Resources:    res,
		}},
	}
}
