package admission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// RefsFunc returns the refs a pod is to receive and the plain variables that go with them
// (a dialect's extra variables, given to inject.WithEnv). It must not modify the pod (the
// patch is computed against it). An error denies the pod with the error's message, so it
// must not hold secret values.
type RefsFunc func(ctx context.Context, pod *corev1.Pod) ([]secretspec.Ref, []corev1.EnvVar, error)

// MaxRequestBytes bounds the body the handler reads: an AdmissionReview carries at most
// an object and an old object, each under the API server's 3 MiB request limit.
const MaxRequestBytes = 7 << 20

// NewHandler returns an http.Handler that answers AdmissionReview v1 requests for pods
// with the JSON patch that injects what refs says; opts go to inject.ApplyPod. See the
// package documentation for what is denied and how.
func NewHandler(refs RefsFunc, opts ...inject.Option) http.Handler {
	return &handler{refs: refs, opts: append([]inject.Option(nil), opts...)}
}

type handler struct {
	refs RefsFunc
	opts []inject.Option
}

var (
	reviewGVK = admissionv1.SchemeGroupVersion.WithKind("AdmissionReview")
	podGVK    = metav1.GroupVersionKind{Group: "", Version: "v1", Kind: "Pod"}
)

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "an admission webhook takes POST requests", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	var resp *admissionv1.AdmissionResponse
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			resp = deny("", fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit))
		} else {
			resp = deny("", "cannot read the request body: "+err.Error())
		}
	} else {
		resp = h.review(r.Context(), body)
	}
	out, err := json.Marshal(&admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: reviewGVK.GroupVersion().String(), Kind: reviewGVK.Kind},
		Response: resp,
	})
	if err != nil { // cannot happen: the response holds only strings, bytes and numbers
		http.Error(w, "cannot encode the AdmissionReview response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// reviewIn is the part of an AdmissionReview v1 the handler reads. The object is decoded
// as a Pod in the same pass (no RawExtension copied and decoded again); oldObject is skipped.
type reviewIn struct {
	metav1.TypeMeta `json:",inline"`
	Request         *requestIn `json:"request"`
}

type requestIn struct {
	UID         types.UID               `json:"uid"`
	Kind        metav1.GroupVersionKind `json:"kind"`
	SubResource string                  `json:"subResource"`
	Namespace   string                  `json:"namespace"`
	Operation   admissionv1.Operation   `json:"operation"`
	Object      *corev1.Pod             `json:"object"`
}

// review answers one AdmissionReview request body.
func (h *handler) review(ctx context.Context, body []byte) *admissionv1.AdmissionResponse {
	var in reviewIn
	err := json.Unmarshal(body, &in)
	// A value of the wrong type inside the object still leaves the rest decoded (UID,
	// kind): it is reported below, once the request is known to be for a pod.
	var typ *json.UnmarshalTypeError
	objErr := errors.As(err, &typ) && in.Request != nil && strings.HasPrefix(typ.Field, "request.object")
	if err != nil && !objErr {
		return deny("", "the request body is not an AdmissionReview: "+describeJSONError(err))
	}
	if in.APIVersion != reviewGVK.GroupVersion().String() || in.Kind != reviewGVK.Kind {
		return deny("", fmt.Sprintf("expected apiVersion %q and kind %q, got %q and %q",
			reviewGVK.GroupVersion().String(), reviewGVK.Kind, in.APIVersion, in.Kind))
	}
	req := in.Request
	if req == nil {
		return deny("", "the AdmissionReview has no request")
	}
	if req.Kind != podGVK {
		return deny(req.UID, fmt.Sprintf("this webhook mutates pods (/v1, Kind=Pod), got %s", req.Kind.String()))
	}
	if req.SubResource != "" || req.Operation != admissionv1.Create && req.Operation != "" {
		return &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	}
	if objErr {
		return deny(req.UID, "request.object is not a Pod: "+describeJSONError(err))
	}
	pod := req.Object
	if pod == nil {
		return deny(req.UID, "request.object is empty")
	}
	if pod.Namespace == "" {
		pod.Namespace = req.Namespace
	}
	if h.refs == nil {
		return deny(req.UID, "the webhook has no RefsFunc")
	}
	refs, env, err := h.refs(ctx, pod)
	if err != nil {
		return deny(req.UID, "cannot tell which secrets the pod needs: "+err.Error())
	}
	opts := h.opts
	if len(env) > 0 {
		opts = append(append(make([]inject.Option, 0, len(h.opts)+1), h.opts...), inject.WithEnv(env...))
	}
	out, err := inject.ApplyPod(pod, refs, opts...)
	if err != nil {
		return deny(req.UID, "cannot inject the pod's secrets: "+err.Error())
	}
	patch, err := inject.Patch(pod, out)
	if err != nil {
		return deny(req.UID, err.Error())
	}
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	if string(patch) != "[]" {
		pt := admissionv1.PatchTypeJSONPatch
		resp.Patch, resp.PatchType = patch, &pt
	}
	return resp
}

// deny is a denial: allowed false, status code 400 and the reason.
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

// describeJSONError says where and how JSON decoding failed, without the input text
// (encoding/json's messages name types and fields, but a syntax error may quote a byte).
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "the top level"
		}
		kind, _, _ := strings.Cut(typ.Value, " ") // "number 5" -> "number": never the value
		return fmt.Sprintf("a JSON %s where %s expects %s (at byte %d)", kind, where, typ.Type, typ.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early"
	}
	return "the JSON cannot be decoded"
}
