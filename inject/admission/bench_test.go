package admission_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
)

// benchPod is a realistic pod: 3 containers and an init container with their own
// variables, mounts, ports and resources.
func benchPod() *corev1.Pod {
	res := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
	}
	container := func(name string) corev1.Container {
		return corev1.Container{
			Name: name, Image: "registry.example.com/team/" + name + ":v1.2.3",
			Args:         []string{"--config", "/etc/app/config.yaml"},
			Ports:        []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			Env:          []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "REGION", Value: "eu-west-1"}},
			VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}},
			Resources:    res,
		}
	}
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "trainer-0", Labels: map[string]string{"app": "trainer"}},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{container("fetch")},
			Containers:     []corev1.Container{container("trainer"), container("logger"), container("metrics")},
			Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
				ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "trainer-config"}}}}},
		},
	}
}

// BenchmarkHandler is one webhook call: an AdmissionReview in (a realistic pod, 10 refs of
// every delivery), the response with its JSON patch out.
func BenchmarkHandler(b *testing.B) {
	refs := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER"},
		{Secret: "s3", Key: "access-key", As: secretspec.Env, EnvVar: "AWS_ACCESS_KEY_ID", Containers: []string{"trainer"}},
		{Secret: "s3", Key: "secret-key", As: secretspec.Env, EnvVar: "AWS_SECRET_ACCESS_KEY", Containers: []string{"trainer"}, Optional: true},
		{Secret: "tracing", As: secretspec.EnvFrom, Prefix: "OTEL_"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"},
		{Secret: "model-keys", As: secretspec.Mount, MountPath: "/etc/model", Items: []corev1.KeyToPath{{Key: "signing.pem", Path: "keys/signing.pem"}}},
		{Secret: "model-keys", As: secretspec.Mount, MountPath: "/etc/model", Key: "license"},
		{Secret: "registry", As: secretspec.PullSecret},
		{Secret: "deploy-key", As: secretspec.GitSSH, Containers: []string{"fetch"}},
	}
	h := admission.NewHandler(func(context.Context, *corev1.Pod) ([]secretspec.Ref, []corev1.EnvVar, error) {
		return refs, nil, nil
	})
	body := reviewBody(b, admissionv1.Create, benchPod())
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)))
		if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(`"allowed":true`)) {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
