package admission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

const uid = types.UID("705ab4f5-6393-11e8-b7cc-42010a800002")

func testPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "task", Labels: map[string]string{"inject-flyte-secrets": "true"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "main", Image: "busybox", Env: []corev1.EnvVar{{Name: "TOKEN", Value: "dev-token-value"}},
		}}},
	}
}

func reviewBody(t testing.TB, op admissionv1.Operation, obj any) []byte {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       uid,
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Namespace: "team-a",
			Operation: op,
			Object:    runtime.RawExtension{Raw: raw},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends body and returns the decoded response; the status must be 200.
func post(t *testing.T, h http.Handler, body []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)))
	if rec.Code != http.StatusOK {
		t.Fatalf("HTTP status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("the response is not an AdmissionReview: %v", err)
	}
	if out.APIVersion != "admission.k8s.io/v1" || out.Kind != "AdmissionReview" || out.Response == nil {
		t.Fatalf("bad response envelope: %s %s, response %v", out.APIVersion, out.Kind, out.Response != nil)
	}
	return out.Response
}

func fixedRefs(refs []secretspec.Ref, x secretspec.Extras, err error) admission.RefsFunc {
	return func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		return refs, x, err
	}
}

func TestHandlerMutates(t *testing.T) {
	refs := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD", Optional: true},
		{Secret: "db", As: secretspec.Mount, MountPath: "/etc/flyte/secrets/db", Items: []corev1.KeyToPath{{Key: "user", Path: "user"}}},
	}
	extras := secretspec.Extras{Env: []corev1.EnvVar{{Name: "FLYTE_SECRETS_ENV_PREFIX", Value: "_FSEC_"}}}
	var seenNamespace string
	h := admission.NewHandler(func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		seenNamespace = pod.Namespace
		return refs, extras, nil
	})
	pod := testPod()
	resp := post(t, h, reviewBody(t, admissionv1.Create, pod))
	if !resp.Allowed || resp.UID != uid || resp.Result != nil {
		t.Fatalf("got allowed=%v uid=%q result=%v, want allowed, the request's UID, no status", resp.Allowed, resp.UID, resp.Result)
	}
	if resp.PatchType == nil || *resp.PatchType != admissionv1.PatchTypeJSONPatch {
		t.Fatalf("patchType %v, want JSONPatch", resp.PatchType)
	}
	if seenNamespace != "team-a" {
		t.Errorf("the RefsFunc saw namespace %q, want the request's team-a", seenNamespace)
	}
	withNS := pod.DeepCopy()
	withNS.Namespace = "team-a"
	want, err := inject.ApplyPod(withNS, refs, inject.WithExtras(extras))
	if err != nil {
		t.Fatal(err)
	}
	want.Namespace = ""
	if err := patchtest.Check(pod, want, resp.Patch); err != nil {
		t.Error(err)
	}
}

func TestHandlerNothingToDo(t *testing.T) {
	h := admission.NewHandler(fixedRefs(nil, secretspec.Extras{}, nil))
	resp := post(t, h, reviewBody(t, admissionv1.Create, testPod()))
	if !resp.Allowed || resp.Patch != nil || resp.PatchType != nil || resp.UID != uid {
		t.Errorf("got allowed=%v patch=%s patchType=%v uid=%q, want allowed, no patch", resp.Allowed, resp.Patch, resp.PatchType, resp.UID)
	}
}

func TestHandlerOtherOperations(t *testing.T) {
	called := false
	h := admission.NewHandler(func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		called = true
		return nil, secretspec.Extras{}, nil
	})
	for _, op := range []admissionv1.Operation{admissionv1.Update, admissionv1.Delete, admissionv1.Connect} {
		resp := post(t, h, reviewBody(t, op, testPod()))
		if !resp.Allowed || resp.Patch != nil || resp.UID != uid {
			t.Errorf("%s: got allowed=%v patch=%s, want allowed without a patch", op, resp.Allowed, resp.Patch)
		}
	}
	if called {
		t.Error("the RefsFunc was called for an operation other than CREATE")
	}
}

func TestHandlerDenies(t *testing.T) {
	good := reviewBody(t, admissionv1.Create, testPod())
	withReview := func(change func(r *admissionv1.AdmissionReview)) []byte {
		var r admissionv1.AdmissionReview
		if err := json.Unmarshal(good, &r); err != nil {
			t.Fatal(err)
		}
		change(&r)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	envRef := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}}
	tests := []struct {
		name    string
		refs    admission.RefsFunc
		body    []byte
		wantUID types.UID
		want    []string
	}{
		{"not JSON", fixedRefs(nil, secretspec.Extras{}, nil), []byte(`{"apiVersion": secret-value`), "", []string{"not an AdmissionReview", "invalid JSON at byte"}},
		{"wrong type", fixedRefs(nil, secretspec.Extras{}, nil), []byte(`{"apiVersion": 12345}`), "", []string{"a JSON number where TypeMeta.apiVersion expects string"}},
		{"empty body", fixedRefs(nil, secretspec.Extras{}, nil), nil, "", []string{"not an AdmissionReview"}},
		{"wrong kind of review", fixedRefs(nil, secretspec.Extras{}, nil), withReview(func(r *admissionv1.AdmissionReview) { r.APIVersion = "admission.k8s.io/v1beta1" }), "", []string{`expected apiVersion "admission.k8s.io/v1"`}},
		{"no request", fixedRefs(nil, secretspec.Extras{}, nil), withReview(func(r *admissionv1.AdmissionReview) { r.Request = nil }), "", []string{"has no request"}},
		{"not a kind it admits", fixedRefs(nil, secretspec.Extras{}, nil), withReview(func(r *admissionv1.AdmissionReview) { r.Request.Kind.Kind = "Service" }), uid, []string{"admits pods and the workloads PodTemplate, ReplicationController, Deployment", "/v1, Kind=Service"}},
		{"no object", fixedRefs(nil, secretspec.Extras{}, nil), withReview(func(r *admissionv1.AdmissionReview) { r.Request.Object.Raw = nil }), uid, []string{"request.object is empty"}},
		{"object not a pod", fixedRefs(nil, secretspec.Extras{}, nil), withReview(func(r *admissionv1.AdmissionReview) { r.Request.Object.Raw = []byte(`{"spec":"secret-value"}`) }), uid, []string{"request.object is not a Pod", "a JSON string where"}},
		{"refs func fails", fixedRefs(nil, secretspec.Extras{}, errors.New(`annotation flyte.secrets/s0: bad base32`)), good, uid, []string{"cannot tell which secrets", "flyte.secrets/s0"}},
		{"invalid refs", fixedRefs([]secretspec.Ref{{Secret: "Bad_Name", As: secretspec.PullSecret}, {Secret: "x", As: secretspec.Env}}, secretspec.Extras{}, nil), good, uid, []string{`image pull secret "Bad_Name" (secret): Invalid value`, `env var "" from secret "x" key "" (key): Required value`}},
		{"conflict, value never printed", fixedRefs(envRef, secretspec.Extras{}, nil), good, uid, []string{`container "main" has env var "TOKEN" from a literal value`}},
		{"nil RefsFunc", nil, good, uid, []string{"no RefsFunc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, admission.NewHandler(tt.refs), tt.body)
			if resp.Allowed || resp.Patch != nil || resp.UID != tt.wantUID {
				t.Errorf("got allowed=%v patch=%s uid=%q, want a denial with uid %q", resp.Allowed, resp.Patch, resp.UID, tt.wantUID)
			}
			if resp.Result == nil || resp.Result.Code != 400 || resp.Result.Status != metav1.StatusFailure {
				t.Fatalf("status %+v, want code 400 Failure", resp.Result)
			}
			for _, w := range tt.want {
				if !strings.Contains(resp.Result.Message, w) {
					t.Errorf("message %q does not contain %q", resp.Result.Message, w)
				}
			}
			if strings.Contains(resp.Result.Message, "refs[") {
				t.Errorf("message %q names the handler's internal list, not the pod's words", resp.Result.Message)
			}
			for _, secret := range []string{"secret-value", "dev-token-value", "12345"} {
				if strings.Contains(resp.Result.Message, secret) {
					t.Errorf("message quotes the request body (%d bytes)", len(resp.Result.Message))
				}
			}
		})
	}
}

func TestHandlerPolicyOption(t *testing.T) {
	refs := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}}
	h := admission.NewHandler(fixedRefs(refs, secretspec.Extras{}, nil), inject.WithConflictPolicy(inject.ConflictOverride))
	resp := post(t, h, reviewBody(t, admissionv1.Create, testPod()))
	want := `[{"op":"remove","path":"/spec/containers/0/env/0/value"},{"op":"add","path":"/spec/containers/0/env/0/valueFrom","value":{"secretKeyRef":{"key":"token","name":"api"}}}]`
	if diff := cmp.Diff(want, string(resp.Patch)); diff != "" || !resp.Allowed {
		t.Errorf("allowed=%v, patch (-want +got):\n%s", resp.Allowed, diff)
	}
}

func TestHandlerMethodAndSize(t *testing.T) {
	h := admission.NewHandler(fixedRefs(nil, secretspec.Extras{}, nil))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/mutate", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost {
		t.Errorf("GET: status %d, Allow %q; want 405 and POST", rec.Code, rec.Header().Get("Allow"))
	}
	big := bytes.Repeat([]byte(" "), admission.MaxRequestBytes+1)
	resp := post(t, h, big)
	if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, "larger than") {
		t.Errorf("an oversized body: allowed=%v result=%+v, want a denial saying it is too large", resp.Allowed, resp.Result)
	}
}
