package admission

import (
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Outcome is what the handler decided for one request. Its values are short, stable words,
// fit for a metrics label.
type Outcome string

const (
	// Patched: the object is admitted with a JSON patch that injects its secrets.
	Patched Outcome = "patched"
	// Unchanged: the object is admitted as it is (nothing to inject, the secrets are already
	// there, or an operation the handler does not mutate).
	Unchanged Outcome = "unchanged"
	// Denied: the object is refused because of what it asks for: invalid requests, a clash
	// with its own entries, a Secret or key that is missing.
	Denied Outcome = "denied"
	// Errored: the request could not be served: a malformed AdmissionReview, a kind the
	// handler does not admit, a misconfigured Webhook. The object is refused too; an alert on
	// this outcome finds a webhook that is wired wrongly rather than a pod that is wrong.
	Errored Outcome = "error"
)

// Stage is where the handler made its decision, for a metrics label that says why without
// the message's detail.
type Stage string

const (
	StageReview    Stage = "review"    // reading the AdmissionReview: body, envelope, kind, object
	StageSkip      Stage = "skip"      // an operation or subresource the handler does not mutate
	StageRefs      Stage = "refs"      // the RefsFunc
	StagePreflight Stage = "preflight" // the check against the Secrets that exist
	StageInject    Stage = "inject"    // inject's validation and conflicts
	StagePatch     Stage = "patch"     // the patch is made: the object is admitted
)

// Decision is what the handler decided for one AdmissionReview and what it cost; the
// Webhook's OnDecision receives one per request. It holds names and counts, never the
// object's content.
type Decision struct {
	Outcome Outcome
	Stage   Stage
	// Message says why an object was denied or a request errored (the response's
	// status.message); empty when it was admitted.
	Message string
	// Warnings are the admission warnings sent back with the response (optional refs whose
	// Secret or key is missing, Secrets the check may not read when it is told to warn).
	Warnings []string

	UID       types.UID
	Kind      metav1.GroupVersionKind // the request's kind; empty when the review could not be read
	Operation admissionv1.Operation
	Namespace string
	Name      string
	// GenerateName is the object's generateName (set when it has no name yet).
	GenerateName string
	// Templates is how many pod templates the RefsFunc was called for (1 for a pod).
	Templates int
	// PatchBytes is the size of the JSON patch (0 when there is none).
	PatchBytes int

	// Duration is the whole request, from the body's first byte to the response's encoding.
	Duration time.Duration
	// RefsDuration is the time spent in the RefsFunc, PreflightDuration in the check against
	// the Secrets that exist (0 when it did not run).
	RefsDuration      time.Duration
	PreflightDuration time.Duration
}

// Allowed reports whether the object was admitted.
func (d *Decision) Allowed() bool { return d.Outcome == Patched || d.Outcome == Unchanged }
