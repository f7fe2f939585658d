package flytebench

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// requests are the task's secret requests: variables and files, K8s Secrets of two groups.
var requests = []flyte.Secret{
	{Group: "aws", Key: "access_key_id", MountRequirement: flyte.MountEnvVar},
	{Group: "aws", Key: "secret_access_key", MountRequirement: flyte.MountEnvVar, EnvVar: "AWS_SECRET_ACCESS_KEY"},
	{Group: "db", Key: "password", MountRequirement: flyte.MountFile},
	{Group: "db", Key: "ca.crt", MountRequirement: flyte.MountFile, EnvVar: "DB_CA_FILE"},
}

// taskPod is a Flyte task pod as flytepropeller creates it, with requests in its
// flyte.secrets/sN annotations (~2.5 KB of JSON).
func taskPod(t testing.TB) *corev1.Pod {
	t.Helper()
	annotations, err := flyte.EncodeAnnotations(requests)
	if err != nil {
		t.Fatalf("EncodeAnnotations: %v", err)
	}
	annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] = "false"
	resources := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")}
	env := []corev1.EnvVar{}
	for _, kv := range [][2]string{
		{"FLYTE_INTERNAL_EXECUTION_WORKFLOW", "flytesnacks:development:workflows.secrets.wf"},
		{"FLYTE_INTERNAL_EXECUTION_ID", "a7m2kx9"},
		{"FLYTE_INTERNAL_EXECUTION_PROJECT", "flytesnacks"},
		{"FLYTE_INTERNAL_EXECUTION_DOMAIN", "development"},
		{"FLYTE_ATTEMPT_NUMBER", "0"},
		{"FLYTE_INTERNAL_TASK_PROJECT", "flytesnacks"},
		{"FLYTE_INTERNAL_TASK_DOMAIN", "development"},
		{"FLYTE_INTERNAL_TASK_NAME", "workflows.secrets.train"},
		{"FLYTE_INTERNAL_TASK_VERSION", "v3"},
	} {
		env = append(env, corev1.EnvVar{Name: kv[0], Value: kv[1]})
	}
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      "a7m2kx9-n0-0",
			Namespace: "flytesnacks-development",
			Labels: map[string]string{
				flyte.PodLabel: "true", "execution-id": "a7m2kx9", "node-id": "n0", "project": "flytesnacks",
				"domain": "development", "task-name": "workflows-secrets-train", "workflow-name": "workflows-secrets-wf",
				"interruptible": "false", "shard-key": "21",
			},
			Annotations: annotations,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "flyte.lyft.com/v1alpha1", Kind: "FlyteWorkflow", Name: "a7m2kx9",
				UID: "3c1a3e0e-5b8f-4bb4-9b9e-1d7f0c2a8d11", Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
			}},
		},
		Spec: corev1.PodSpec{
			RestartPolicy:      corev1.RestartPolicyNever,
			ServiceAccountName: "default",
			Containers: []corev1.Container{{
				Name:  "a7m2kx9-n0-0",
				Image: "cr.flyte.org/flyteorg/flytekit:py3.11-1.14.0",
				Args: []string{"pyflyte-fast-execute", "--additional-distribution", "s3://my-s3-bucket/flytesnacks/development/fast.tar.gz",
					"--dest-dir", ".", "--", "pyflyte-execute", "--inputs", "s3://my-s3-bucket/metadata/inputs.pb",
					"--output-prefix", "s3://my-s3-bucket/metadata/n0/data/0", "--resolver", "flytekit.core.python_auto_container.default_task_resolver",
					"--", "task-module", "workflows.secrets", "task-name", "train"},
				Env:                      env,
				Resources:                corev1.ResourceRequirements{Requests: resources, Limits: resources},
				TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
			}},
		},
	}
}

// reviewBody is the AdmissionReview the API server sends for a CREATE of pod.
func reviewBody(t testing.TB, pod *corev1.Pod) []byte {
	t.Helper()
	raw, err := json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	podKind := metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}
	pods := metav1.GroupVersionResource{Version: "v1", Resource: "pods"}
	body, err := json.Marshal(&admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: "705ab4f5-6393-11e8-b7cc-42010a800002", Kind: podKind, Resource: pods, RequestKind: &podKind, RequestResource: &pods,
			Name: pod.Name, Namespace: pod.Namespace, Operation: admissionv1.Create,
			UserInfo: authenticationv1.UserInfo{Username: "system:serviceaccount:flyte:flytepropeller", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:flyte", "system:authenticated"}},
			Object:   runtime.RawExtension{Raw: raw},
			DryRun:   ptr.To(false),
			Options:  runtime.RawExtension{Raw: []byte(`{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}`)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// newRequest is the API server's POST of body.
func newRequest(body []byte) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "https://127.0.0.1:9443/mutate", io.NopCloser(bytes.NewReader(body)))
	r.Header.Set("Content-Type", "application/json")
	r.ContentLength = int64(len(body))
	return r
}
