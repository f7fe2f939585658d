package admission

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// MaxRequestBytes bounds the body the handler reads: an AdmissionReview carries at most
// an object and an old object, each under the API server's 3 MiB request limit.
const MaxRequestBytes = 7 << 20

var reviewGVK = admissionv1.SchemeGroupVersion.WithKind("AdmissionReview")

// reviewIn is the part of an AdmissionReview v1 the handler reads; oldObject is skipped.
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
	Object      json.RawMessage         `json:"object"`
}

// readReview decodes the envelope of an AdmissionReview and records what it says in d; a
// review that cannot be served gives its response instead.
func readReview(body []byte, d *Decision) (*requestIn, *admissionv1.AdmissionResponse) {
	var in reviewIn
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, d.fail(Errored, StageReview, "the request body is not an AdmissionReview: "+describeJSONError(err))
	}
	if in.APIVersion != reviewGVK.GroupVersion().String() || in.Kind != reviewGVK.Kind {
		return nil, d.fail(Errored, StageReview, fmt.Sprintf("expected apiVersion %q and kind %q, got %q and %q",
			reviewGVK.GroupVersion().String(), reviewGVK.Kind, in.APIVersion, in.Kind))
	}
	req := in.Request
	if req == nil {
		return nil, d.fail(Errored, StageReview, "the AdmissionReview has no request")
	}
	d.UID, d.Kind, d.Operation, d.Namespace = req.UID, req.Kind, req.Operation, req.Namespace
	return req, nil
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
