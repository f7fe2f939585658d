package admission

import (
	"context"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// RefsFunc returns the refs a pod is to receive and what else it needs beside them (a
// dialect's plain variables; a secret manager's annotations, volumes and fetchers), given to
// inject.WithExtras. For a workload it is called once per pod template, with the pod that
// template makes: the template's metadata and spec, the request's namespace. It must not
// modify the pod (the patch is computed against it). An error denies the object with the
// error's message, so it must not hold secret values.
//
// Webhook.Origin names refs in denials; returning them in the order of the pod's own
// requests (annotation s0, s1, …) makes that naming a lookup.
type RefsFunc func(ctx context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error)

// NewHandler returns an http.Handler that answers AdmissionReview v1 requests for pods and
// workloads with the JSON patch that injects what refs says; opts go to inject. It is
// &Webhook{Refs: refs, Options: opts}; see Webhook for logging, metrics and the check against
// the Secrets that exist, and the package documentation for what is denied and how.
func NewHandler(refs RefsFunc, opts ...inject.Option) http.Handler {
	return &Webhook{Refs: refs, Options: append([]inject.Option(nil), opts...)}
}

// deny is a refusal: allowed false, status code 400 and the reason.
func deny(uid types.UID, msg string) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{
		UID:     uid,
		Allowed: false,
		Result: &metav1.Status{
			Status:  metav1.StatusFailure,
			Code:    http.StatusBadRequest,
			Reason:  metav1.StatusReasonBadRequest,
			Message: msg,
		},
	}
}
