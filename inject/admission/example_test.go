package admission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
)

func ExampleNewHandler() {
	// Every pod labelled secrets=db gets the db password as DB_PASSWORD.
	refs := func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		if pod.Labels["secrets"] != "db" {
			return nil, secretspec.Extras{}, nil
		}
		return []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}}, secretspec.Extras{}, nil
	}
	h := admission.NewHandler(refs, inject.WithConflictPolicy(inject.ConflictKeepExisting))

	pod, _ := json.Marshal(corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Labels: map[string]string{"secrets": "db"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox"}}},
	})
	body, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: "42", Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Namespace: "default", Operation: admissionv1.Create, Object: runtime.RawExtension{Raw: pod},
		},
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)))

	var out admissionv1.AdmissionReview
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	fmt.Println(rec.Code, out.Response.UID, out.Response.Allowed, *out.Response.PatchType)
	fmt.Println(string(out.Response.Patch))
	// Output:
	// 200 42 true JSONPatch
	// [{"op":"add","path":"/spec/containers/0/env","value":[{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]}]
}

func ExampleKinds() {
	// The rules of a MutatingWebhookConfiguration for everything the handler admits.
	for _, k := range admission.Kinds() {
		fmt.Printf("%q %s %s\n", k.Group, k.Version, k.Kind)
	}
	// Output:
	// "" v1 Pod
	// "" v1 PodTemplate
	// "" v1 ReplicationController
	// "apps" v1 Deployment
	// "apps" v1 StatefulSet
	// "apps" v1 DaemonSet
	// "apps" v1 ReplicaSet
	// "batch" v1 Job
	// "batch" v1 CronJob
}

// ExampleWebhook_origin names refs by the pod's own annotations in denials.
func ExampleWebhook_origin() {
	wh := &admission.Webhook{
		// Each annotation example.com/env-<NAME>: <secret>/<key> asks for one variable.
		Refs: func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
			var refs []secretspec.Ref
			for _, k := range slices.Sorted(maps.Keys(pod.Annotations)) {
				if name, ok := strings.CutPrefix(k, "example.com/env-"); ok {
					secret, key, _ := strings.Cut(pod.Annotations[k], "/")
					refs = append(refs, secretspec.Ref{Secret: secret, Key: key, As: secretspec.Env, EnvVar: name})
				}
			}
			return refs, secretspec.Extras{}, nil
		},
		// The refs come in sorted annotation order, so ref i is the i-th such annotation.
		Origin: func(pod *corev1.Pod, refs []secretspec.Ref, i int) string {
			return "annotation example.com/env-" + refs[i].EnvVar
		},
	}
	pod, _ := json.Marshal(corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Annotations: map[string]string{"example.com/env-DB_PASSWORD": "db/password"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox",
			Env: []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "hunter2"}}}}},
	})
	body, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: "42", Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Namespace: "default", Operation: admissionv1.Create, Object: runtime.RawExtension{Raw: pod},
		},
	})
	rec := httptest.NewRecorder()
	wh.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)))
	var out admissionv1.AdmissionReview
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	fmt.Println(out.Response.Allowed, out.Response.Result.Code)
	fmt.Println(out.Response.Result.Message)
	// Output:
	// false 400
	// cannot inject the secrets into the pod: spec.containers[0].env[0]: Forbidden: conflict: container "app" has env var "DB_PASSWORD" from a literal value, and annotation example.com/env-DB_PASSWORD wants it from key "password" of Secret "db"
}
