// Package admission is the reusable core of a mutating admission webhook that injects
// secrets into pods: an http.Handler that takes an AdmissionReview v1 and answers with a
// JSON patch made by inject.
//
// The caller says which secrets a pod gets with a RefsFunc, typically by reading the pod's
// labels or annotations (Flyte's flyte.secrets/s0… annotations, a scheduler's own
// metadata):
//
//	refs := func(ctx context.Context, pod *corev1.Pod) ([]secretspec.Ref, []corev1.EnvVar, error) {
//		secrets, err := flyte.DecodeAnnotations(pod.Annotations)
//		if err != nil {
//			return nil, nil, err
//		}
//		return flyte.Refs(secrets)
//	}
//	mux.Handle("/mutate", admission.NewHandler(refs, inject.WithConflictPolicy(inject.ConflictKeepExisting)))
//	// serve mux over TLS; register it in a MutatingWebhookConfiguration for pods, CREATE.
//
// For each request the handler decodes the pod, fills in its namespace from the request
// when the object has none, calls the RefsFunc, runs inject.ApplyPod (the RefsFunc's plain
// variables go in through inject.WithEnv) and returns inject.Patch of the two pods: a
// minimal patch computed on the typed objects, not a diff of two re-marshalled pods.
//
// A request that cannot be served is denied, never admitted without its secrets: HTTP 200
// with allowed: false, status.code 400 and a status.message saying what was wrong (the
// refs' field errors, a conflict with the pod's own entries, a malformed review). Messages
// never quote the request body or a secret value. Only CREATE is mutated; other operations
// are allowed unchanged (a pod's containers cannot be changed after creation). Anything but
// POST gets HTTP 405.
//
// The handler keeps no state between requests, so replicas scale horizontally.
package admission
