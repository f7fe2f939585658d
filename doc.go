// Package podsecrets gives Kubernetes jobs their secrets the way Run:ai, Pachyderm,
// Konduktor and Flyte do, as one small library of pure functions.
//
// The packages form one pipeline, and data flows one way through it:
//
//	secretspec             Ref, Delivery, the canonical text form and validation
//	secretspec/runai       runai submit -e NAME=SECRET:secret,key         -> []Ref, Extras
//	secretspec/pachyderm   transform.secrets[], image_pull_secrets          -> []Ref
//	secretspec/konduktor   the owner's Secrets (default, env, git-ssh)      -> []Ref, Extras
//	secretspec/flyte       Secret requests, flyte.secrets/sN annotations    -> []Ref, Extras
//	encode                 literals, files, trees, credentials              -> *corev1.Secret
//	inject                 PodSpec + []Ref                                  -> new PodSpec, JSON patch
//	inject/admission       AdmissionReview in, JSON-patch response out (a webhook's core)
//	propagate              one Secret                                       -> copies in many namespaces
//
// A dialect parser (or secretspec.Parse) turns references into []secretspec.Ref, each with its
// Origin (where in the user's input it came from, "3rd -e flag"), and, where the dialect needs
// more than refs, a secretspec.Extras (plain variables, and for secret managers outside
// Kubernetes annotations, volumes and fetcher init containers). inject knows no dialect: it
// takes the refs, and the Extras through inject.WithExtras, and returns a new PodSpec without
// touching its input. encode builds the Secrets the refs name; propagate copies a Secret into
// the namespaces that need it, against any kubernetes.Interface.
//
// A whole round trip, from a Run:ai flag to a pod:
//
//	refs, extras, err := runai.ParseEnvs([]string{"DB_PASSWORD=SECRET:db,password", "MODE=train"})
//	if err != nil { ... }
//	spec, err := inject.Apply(&pod.Spec, refs, inject.WithExtras(extras))
//
// The runnable version of that sketch is this package's Example; examples/quickstart shows
// every package at work without a cluster.
package podsecrets
