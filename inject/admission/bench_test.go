package admission_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/inject/internal/benchfixture"
	"github.com/podsecrets/podsecrets/secretspec"
)

// BenchmarkHandler is one webhook call: an AdmissionReview in (a realistic pod, 10 refs of
// every delivery), the response with its JSON patch out.
func BenchmarkHandler(b *testing.B) {
	refs := benchfixture.Refs()
	h := admission.NewHandler(func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		return refs, secretspec.Extras{}, nil
	})
	body := reviewBody(b, admissionv1.Create, benchfixture.Pod())
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
