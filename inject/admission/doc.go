// Package admission is the reusable core of a mutating admission webhook that injects
// secrets into pods and workloads: an http.Handler that takes an AdmissionReview v1 and
// answers with a JSON patch made by inject.
//
// The caller says which secrets a pod gets with a RefsFunc, typically by reading the pod's
// labels or annotations (Flyte's flyte.secrets/s0… annotations, a scheduler's own
// metadata). NewHandler is the simple constructor; a Webhook, whose fields are its options,
// adds logging, metrics and a check against the Secrets that exist:
//
//	refs := func(ctx context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
//		secrets, err := flyte.DecodeAnnotations(pod.Annotations)
//		if err != nil {
//			return nil, secretspec.Extras{}, err
//		}
//		return flyte.Plan(secrets, cfg)
//	}
//	mux.Handle("/mutate", &admission.Webhook{
//		Refs:    refs,
//		Options: []inject.Option{inject.WithConflictPolicy(inject.ConflictKeepExisting)},
//		Secrets: func(ctx context.Context, ns string) secretspec.SecretGetter { return lister.Secrets(ns) },
//		OnDecision: func(ctx context.Context, d admission.Decision) {
//			decisions.WithLabelValues(string(d.Outcome), string(d.Stage)).Inc()
//			latency.Observe(d.Duration.Seconds())
//		},
//	})
//	// serve mux over TLS; register it in a MutatingWebhookConfiguration for Kinds().
//
// For a pod the handler decodes it, fills in its namespace from the request when the object
// has none, calls the RefsFunc, runs inject.ApplyPod (the RefsFunc's Extras go in through
// inject.WithExtras) and returns inject.Patch of the two pods: a minimal patch computed on
// the typed objects, not a diff of two re-marshalled pods. Pods are mutated on CREATE only
// (a pod's containers cannot change afterwards; an UPDATE is admitted unchanged).
//
// Workloads are mutated on CREATE and UPDATE through inject.ApplyObject and
// inject.PatchObject: the built-in kinds Kinds lists besides Pod (PodTemplate,
// ReplicationController, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob),
// decoded as typed objects, and any other kind as an unstructured object, if inject knows
// its pod templates (JobSet, Kubeflow training jobs, Ray, LeaderWorkerSet, Volcano, Knative)
// or an inject.WithTemplatePaths in Webhook.Options says where they are; unknown fields
// survive. The RefsFunc stays pod-centric: it is called once per pod template with the pod
// the template makes (the template's metadata and spec, the request's namespace), so one
// function serves pods and workloads alike, and each template of a PyTorchJob, say, gets
// what its own annotations ask for. An update whose object already has its secrets gets no
// patch (inject is idempotent).
//
// A request that cannot be served is refused, never admitted without its secrets: HTTP 200
// with allowed: false, status.code 400 and a status.message saying what was wrong. Messages
// speak the pod author's language: a ref is named by Webhook.Origin ("annotation
// flyte.secrets/s2") or by what it asks for (`env var "DB_PASSWORD" from secret "db" key
// "password" for container "main"`), conflicts name the container and its entry, and the
// handler's own index ("refs[2]") never appears. Messages never quote the request body or a
// secret value. Anything but POST gets HTTP 405.
//
// With Webhook.Secrets set, the refs are checked with preflight.Check before the object is
// admitted: a required Secret or key that is missing denies it (it fails at once, instead of
// a pod stuck in CreateContainerConfigError), the problems of optional refs come back as
// admission warnings (kubectl prints them), and a Secret the webhook may not read denies or
// warns as Webhook.Forbidden says.
//
// Every decision is logged once through logr.FromContextOrDiscard(r.Context()): admissions
// at V(1), denials at V(0) with the reason, requests that could not be served as errors;
// each line carries the uid, kind, operation, namespace, name (or generateName), outcome,
// stage, patch size and duration, never a value. Webhook.OnDecision receives the same
// Decision, for metrics.
//
// The handler keeps no state between requests, so replicas scale horizontally.
package admission
