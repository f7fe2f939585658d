package admission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
)

// FuzzHandler sends arbitrary bodies: the handler must never panic, always answer HTTP 200
// with an AdmissionReview response, and a denial must carry code 400 and a message.
func FuzzHandler(f *testing.F) {
	f.Add(reviewBody(f, admissionv1.Create, testPod()))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","kind":{"version":"v1","kind":"Pod"},"object":{"spec":{"containers":[{"name":"main","env":[{"name":"TOKEN","value":"x"}]}]}}}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"2","kind":{"version":"v1","kind":"Pod"},"object":{"spec":{"containers":"oops"}}}}`))
	f.Add([]byte(`not json`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"3","kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"UPDATE","object":{"spec":{"template":{"metadata":{"annotations":{"a":"b"}},"spec":{"containers":[{"name":"main","env":[{"name":"TOKEN","value":"x"}]}]}}}}}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"4","kind":{"group":"kubeflow.org","version":"v1","kind":"PyTorchJob"},"operation":"CREATE","object":{"spec":{"pytorchReplicaSpecs":{"Master":{"template":{"spec":{"containers":[{"name":"m"}]}}},"Worker":{"template":{"spec":{"containers":[{"name":"w","env":[{"name":"TOKEN","value":1}]}]}}}}}}}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"5","kind":{"group":"jobset.x-k8s.io","version":"v1alpha2","kind":"JobSet"},"operation":"CREATE","object":{"spec":{"replicatedJobs":[{"template":{"spec":{"template":{"spec":{"containers":[{"name":"c"}]}}}}}]}}}}`))
	refs := []secretspec.Ref{
		{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"},
	}
	h := &admission.Webhook{
		Refs:    fixedRefs(refs, secretspec.Extras{Env: []corev1.EnvVar{{Name: "MODE", Value: "x"}}}, nil),
		Secrets: func(context.Context, string) secretspec.SecretGetter { return fakeSecrets{} },
		Origin:  func(_ *corev1.Pod, rs []secretspec.Ref, i int) string { return "request " + rs[i].Secret },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mutate", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			t.Fatalf("HTTP status %d, want 200", rec.Code)
		}
		var out admissionv1.AdmissionReview
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
			t.Fatalf("the answer is not an AdmissionReview with a response")
		}
		r := out.Response
		if !r.Allowed && (r.Result == nil || r.Result.Code != 400 || r.Result.Message == "") {
			t.Fatalf("a denial without code 400 and a message")
		}
		if r.Allowed && r.Patch != nil && !json.Valid(r.Patch) {
			t.Fatalf("the patch is not JSON")
		}
	})
}
