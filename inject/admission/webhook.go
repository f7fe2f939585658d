package admission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Webhook is the admission handler, configured by its fields; the zero value of every field
// but Refs is a working default. NewHandler(refs, opts...) is
// &Webhook{Refs: refs, Options: opts}. A Webhook must not be changed once it serves
// requests; it keeps no state between them, so replicas scale horizontally.
type Webhook struct {
	// Refs says what each pod (each pod template of a workload) receives. Required: without
	// it every request errors.
	Refs RefsFunc

	// Options go to inject.ApplyPod and inject.ApplyObject, after which the RefsFunc's
	// Extras are added with inject.WithExtras.
	Options []inject.Option

	// Secrets, when set, turns on the check against the Secrets that exist: before an object
	// is admitted its refs go to preflight.Check with the getter Secrets returns for the
	// request's namespace (e.g. preflight.FromClient(ctx, client, namespace), or an
	// informer's lister). A required Secret or key that is missing denies the object, so it
	// fails at once instead of hanging in CreateContainerConfigError; problems of optional
	// refs become admission warnings. ctx is the request's.
	Secrets func(ctx context.Context, namespace string) secretspec.SecretGetter

	// Forbidden says what a Secret the getter may not read (the API answers Forbidden: the
	// webhook's identity may read less than the pod's) does to the check: ForbiddenDeny, the
	// default, denies; ForbiddenWarn admits with a warning that the Secret was not checked.
	Forbidden ForbiddenPolicy

	// Origin names ref i of refs, as the RefsFunc returned them for pod, in the words of the
	// pod's author: "annotation flyte.secrets/s2", "request 3 of the task",
	// "--secret db-creds". Denials and warnings about ref i start with it. Nil, or an empty
	// string, names the ref by what it asks for: `env var DB_PASSWORD from secret "db" key
	// "password"`, `secret "tls" mounted at /etc/tls`, with the containers it is for. Neither
	// ever says "refs[2]": that index is the handler's, not the author's.
	Origin func(pod *corev1.Pod, refs []secretspec.Ref, i int) string

	// OnDecision, when set, is called once per request with what was decided, before the
	// response is written: export metrics from it (a counter by Outcome and Stage, a
	// histogram of Duration). It runs on the request's goroutine, so it must be quick and
	// safe for concurrent use.
	OnDecision func(ctx context.Context, d Decision)
}

// ForbiddenPolicy is what the check against the Secrets that exist does with a Secret it may
// not read; see Webhook.Forbidden.
type ForbiddenPolicy int

const (
	// ForbiddenDeny denies the object, saying which Secret could not be read. The default.
	ForbiddenDeny ForbiddenPolicy = iota
	// ForbiddenWarn admits the object with a warning that the Secret was not checked.
	ForbiddenWarn
)

// String returns the policy's Go name, e.g. "ForbiddenDeny".
func (p ForbiddenPolicy) String() string {
	switch p {
	case ForbiddenDeny:
		return "ForbiddenDeny"
	case ForbiddenWarn:
		return "ForbiddenWarn"
	}
	return "ForbiddenPolicy(" + strconv.Itoa(int(p)) + ")"
}

// ServeHTTP answers one AdmissionReview v1: always HTTP 200 with a response, the decision in
// it, except for a method other than POST (405).
func (wh *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "an admission webhook takes POST requests", http.StatusMethodNotAllowed)
		return
	}
	start := time.Now()
	ctx := r.Context()
	d := Decision{}
	var resp *admissionv1.AdmissionResponse
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			resp = d.fail(Errored, StageReview, fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit))
		} else {
			resp = d.fail(Errored, StageReview, "cannot read the request body: "+err.Error())
		}
	} else {
		resp = wh.review(ctx, body, &d)
	}
	resp.Warnings = d.Warnings
	out, err := json.Marshal(&admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: reviewGVK.GroupVersion().String(), Kind: reviewGVK.Kind},
		Response: resp,
	})
	d.Duration = time.Since(start)
	logDecision(ctx, &d)
	if wh.OnDecision != nil {
		wh.OnDecision(ctx, d)
	}
	if err != nil { // cannot happen: the response holds only strings, bytes and numbers
		http.Error(w, "cannot encode the AdmissionReview response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// review decides one AdmissionReview request body, recording the decision in d.
func (wh *Webhook) review(ctx context.Context, body []byte, d *Decision) *admissionv1.AdmissionResponse {
	req, resp := readReview(body, d)
	if resp != nil {
		return resp
	}
	if req.SubResource != "" || req.Operation != admissionv1.Create && req.Operation != admissionv1.Update && req.Operation != "" {
		d.Outcome, d.Stage = Unchanged, StageSkip
		return &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	}
	obj, resp := decodeObject(req, wh.Options, d)
	if obj == nil {
		return resp
	}
	if wh.Refs == nil {
		return d.fail(Errored, StageRefs, "the webhook has no RefsFunc")
	}
	if wh.Forbidden != ForbiddenDeny && wh.Forbidden != ForbiddenWarn {
		return d.fail(Errored, StagePreflight, "the webhook's Forbidden policy is "+wh.Forbidden.String()+", want ForbiddenDeny or ForbiddenWarn")
	}
	return wh.admit(ctx, req, obj, d)
}

// admit runs the RefsFunc on every pod template of obj, injects, checks and patches.
func (wh *Webhook) admit(ctx context.Context, req *requestIn, obj *object, d *Decision) *admissionv1.AdmissionResponse {
	cur := obj.original()
	for i, t := range obj.templates {
		d.Templates++
		start := time.Now()
		refs, extras, err := wh.Refs(ctx, t.pod)
		d.RefsDuration += time.Since(start)
		if err != nil {
			return d.fail(Denied, StageRefs, "cannot tell which secrets the "+obj.what(i)+" needs: "+err.Error())
		}
		opts := wh.Options
		if !extras.IsZero() {
			opts = append(opts[:len(opts):len(opts)], inject.WithExtras(extras))
		}
		names := wh.namer(t.pod, refs)
		if cur, err = obj.apply(cur, i, refs, opts); err != nil {
			return d.fail(Denied, StageInject, "cannot inject the secrets into the "+obj.what(i)+": "+explain(err, names))
		}
		if wh.Secrets != nil && len(refs) > 0 {
			start := time.Now()
			outcome, msg := wh.preflight(ctx, req.Namespace, refs, names, d)
			d.PreflightDuration += time.Since(start)
			switch outcome {
			case Denied:
				return d.fail(Denied, StagePreflight, "the "+obj.what(i)+" cannot start: "+msg)
			case Errored:
				return d.fail(Errored, StagePreflight, msg)
			}
		}
	}
	patch, err := obj.patch(cur)
	if err != nil {
		return d.fail(Errored, StagePatch, err.Error())
	}
	d.Stage = StagePatch
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	if len(patch) == 0 || string(patch) == "[]" {
		d.Outcome = Unchanged
		return resp
	}
	d.Outcome, d.PatchBytes = Patched, len(patch)
	pt := admissionv1.PatchTypeJSONPatch
	resp.Patch, resp.PatchType = patch, &pt
	return resp
}

// fail records a refusal in d and returns its response: allowed false, status code 400 and
// the reason.
func (d *Decision) fail(o Outcome, s Stage, msg string) *admissionv1.AdmissionResponse {
	d.Outcome, d.Stage, d.Message = o, s, msg
	return deny(d.UID, msg)
}
