// Package propagate copies one Secret into many namespaces, removes those copies again, and
// keeps them in sync with a watch-based Controller, against any kubernetes.Interface.
//
// # Sync and Remove
//
// Sync copies a source Secret into every namespace its Targets select and prunes the copies it
// made in namespaces that are no longer selected:
//
//	report, err := propagate.Sync(ctx, client,
//		types.NamespacedName{Namespace: "runai", Name: "registry"},
//		propagate.Targets{Pattern: "runai-*"})
//	fmt.Println(report.Summary()) // e.g. "3 created, 1 unchanged, 1 conflict"
//
// Remove deletes every copy of a source, wherever it is, and works after the source itself was
// deleted. Both return a Report with one Result per namespace, sorted by namespace, and an
// error that joins the Err of every Result (nil when every namespace is fine). A nil Report
// means the run could not start: invalid arguments, a source that cannot be read or is refused,
// or a LIST that failed.
//
// # Cost
//
// One Sync makes exactly three reads, whatever the number of namespaces: GET the source, LIST
// namespaces, and LIST Secrets in all namespaces with fieldSelector metadata.name=<name> (the
// pages of one LIST count as one), plus one GET for each retry after a write conflict. Remove
// makes one read, the LIST of Secrets. Writes happen only where a copy is missing, stale or
// no longer selected, on a bounded pool of workers (Concurrency, default 8). Updates retry on
// conflict with retry.RetryOnConflict. A cancelled ctx stops the run promptly: namespaces that
// were not reached are reported Failed with ctx.Err().
//
// # What a copy is
//
// A copy has the source's name, type, data, immutable flag and podsecrets.io/tree annotation
// (so encode.TreeItems works on a copy), and podsecrets' ownership marks:
//
//   - label LabelManagedBy=ManagedBy (selects every copy podsecrets made),
//   - label LabelSourceNamespace=<source namespace> (a namespace name is always a valid label
//     value),
//   - annotations AnnotationSourceName, AnnotationSourceUID and AnnotationContentHash (a Secret
//     name can be longer than a label value may be, so these are annotations).
//
// No other label or annotation of the source is copied: in particular not an opt-in label such
// as runai/cluster-wide, which would make the copy look like a source. ownerReferences,
// resourceVersion, uid and managed fields are never copied. When a copy is rewritten its
// labels and annotations become exactly the ones above; labels or annotations that other tools
// add to a copy do not by themselves cause a rewrite.
//
// A Secret is one of "our" copies of a source when it carries LabelManagedBy, and its
// LabelSourceNamespace and AnnotationSourceName name that source. A differing
// AnnotationSourceUID means the source was deleted and created again: the copy is still ours
// and is rewritten. Whether a copy is stale is decided by hashing its live type, data,
// immutable flag and tree annotation, never by trusting its stored AnnotationContentHash. The
// hash is an HMAC-SHA256 keyed with the source's UID; it is readable by whoever may read the
// copy, who may read its data anyway.
//
// What Sync reports for each namespace:
//
//	copy created / rewritten / already equal          Created / Updated / Unchanged
//	our copy in a namespace no longer selected        Pruned (Deleted for Remove); Skipped with NoPrune
//	same-name Secret that is not our copy             Conflict, left untouched; Err is a *ConflictError
//	terminating namespace; missing name in Names      Skipped, Err says why
//	stale immutable copy without RecreateImmutable    Skipped, Err says to opt in
//	API error; not reached before ctx ended           Failed, Err is the error / ctx.Err()
//
// The source's own namespace never appears in a Report. Sources of type
// kubernetes.io/service-account-token, Helm release Secrets (type helm.sh/release.v1 or label
// owner=helm) and Secrets that are themselves podsecrets copies are refused with
// ErrRefusedSource. Sync never modifies the source.
//
// # Controller
//
// A Controller watches opted-in sources (ControllerConfig.SourceNamespace and SourceSelector),
// the copies podsecrets made of them and namespaces, and calls Sync or Remove for a source
// whenever one of those changes. Its informers are limited to the sources and the copies, so
// its memory grows with the number of copies, not with every Secret in the cluster. With a
// LeaseName it runs leader election on a coordination.k8s.io Lease, so several replicas can run
// and only the leader writes. RunAIConfig gives Run:ai's cluster-wide secrets: sources in
// namespace runai labelled runai/cluster-wide=true, copied into every namespace runai-*.
//
// # Logging
//
// propagate logs through logr.FromContextOrDiscard(ctx): names, namespaces and actions, never
// a secret value.
package propagate
