package flytebench

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/flyteorg/flyte/flytepropeller/pkg/webhook"
	webhookconfig "github.com/flyteorg/flyte/flytepropeller/pkg/webhook/config"
	"github.com/flyteorg/flyte/flytestdlib/promutils"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/scheme"
	cradmission "sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// handler is one implementation of the webhook under test, as its server would call it.
type handler struct {
	name string
	http.Handler
}

// handlers are the implementations the benchmark compares, each configured as its webhook
// runs by default.
func handlers() []handler {
	return []handler{
		{"flyte", flyteHandler()},
		{"podsecrets", podsecretsHandler()},
		{"baseline", http.HandlerFunc(baseline)},
	}
}

// flyteHandler is Flyte's pod webhook as flytepropeller registers it (webhook.PodMutator.Register):
// its PodMutator with Flyte's default configuration (the K8s secret manager; global secrets from
// the webhook's environment and /etc/secrets first), behind controller-runtime's
// admission.Webhook, which decodes the review and encodes the response, with its default
// logger (Flyte never sets controller-runtime's, so nothing is written).
func flyteHandler() http.Handler {
	pm := webhook.NewPodMutator(webhookconfig.DefaultConfig, scheme.Scheme, promutils.NewTestScope())
	return &cradmission.Webhook{Handler: pm}
}

// podsecretsHandler is podsecrets' admission.Webhook doing what Flyte's does (flyte.PodRefs):
// the pod's flyte.secrets/sN requests planned with Flyte's defaults (the K8s manager, the same
// global secret lookup as Flyte's), existing entries kept as Flyte keeps them.
func podsecretsHandler() http.Handler {
	cfg := flyte.DefaultConfig()
	cfg.Global = flyte.GlobalSecrets(os.LookupEnv, os.DirFS(flyte.GlobalDir))
	return &admission.Webhook{
		Refs:    flyte.PodRefs(cfg),
		Options: []inject.Option{inject.WithConflictPolicy(inject.ConflictKeepExisting)},
	}
}

// baseline is the least any webhook does: decode the review and its pod, answer allowed with
// no patch.
func baseline(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
		http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
		return
	}
	var pod corev1.Pod
	if err := json.Unmarshal(review.Request.Object.Raw, &pod); err != nil {
		http.Error(w, "not a pod", http.StatusBadRequest)
		return
	}
	review.Request, review.Response = nil, &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&review)
}

// sink is a ResponseWriter that keeps the last response, reused across a benchmark's calls.
type sink struct {
	header http.Header
	status int
	body   []byte
}

// Header returns the response's header.
func (s *sink) Header() http.Header { return s.header }

// WriteHeader records the status code.
func (s *sink) WriteHeader(code int) { s.status = code }

// Write appends p to the body.
func (s *sink) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	s.body = append(s.body, p...)
	return len(p), nil
}

// reset empties s for the next call, keeping its memory.
func (s *sink) reset() {
	clear(s.header)
	s.status, s.body = 0, s.body[:0]
}

// serve sends body to h as the API server would and returns the decoded response.
func serve(t testing.TB, h http.Handler, body []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	s := &sink{header: http.Header{}}
	h.ServeHTTP(s, newRequest(body))
	if s.status != http.StatusOK {
		t.Fatalf("status %d: %s", s.status, s.body)
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(s.body, &review); err != nil || review.Response == nil {
		t.Fatalf("response is not an AdmissionReview (%v): %s", err, s.body)
	}
	return review.Response
}
