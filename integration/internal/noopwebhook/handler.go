package noopwebhook

import (
	"encoding/json"
	"io"
	"net/http"
)

// ProbeName is the name of the one object the handler denies: a test dry-runs a pod of that
// name until it is denied, and then knows the API server calls the webhook.
const ProbeName = "webhook-latency-probe"

// maxBody bounds what the handler reads of a request, as the API server bounds a review.
const maxBody = 3 << 20

// review is the part of an AdmissionReview the handler reads and writes.
type review struct {
	APIVersion string    `json:"apiVersion"`
	Kind       string    `json:"kind"`
	Request    *request  `json:"request,omitempty"`
	Response   *response `json:"response,omitempty"`
}

type request struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

type response struct {
	UID       string  `json:"uid"`
	Allowed   bool    `json:"allowed"`
	Status    *status `json:"status,omitempty"`
	Patch     []byte  `json:"patch,omitempty"`
	PatchType string  `json:"patchType,omitempty"`
}

type status struct {
	Code    int32  `json:"code"`
	Message string `json:"message"`
}

// Handler answers an AdmissionReview v1: allowed, with no patch; an object named ProbeName is
// denied. The zero value is the no-op webhook.
type Handler struct {
	// Patch, when set, is a JSON patch every admitted object gets, the same whatever the
	// object: a webhook that mutates at no cost of its own, which tells what a mutation costs
	// the API server apart from what computing it costs a webhook.
	Patch []byte
}

// ServeHTTP decodes the review's uid and name and writes the response.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in review
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&in); err != nil || in.Request == nil {
		http.Error(w, "want an AdmissionReview v1 with a request", http.StatusBadRequest)
		return
	}
	out := review{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview", Response: &response{UID: in.Request.UID, Allowed: true}}
	switch {
	case in.Request.Name == ProbeName:
		out.Response.Allowed = false
		out.Response.Status = &status{Code: http.StatusForbidden, Message: "the no-op webhook denies its probe " + ProbeName}
	case h.Patch != nil:
		out.Response.Patch, out.Response.PatchType = h.Patch, "JSONPatch"
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&out)
}
