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
// pages of one LIST count as one), plus one GET for each retry after a write conflict; a
// recreate adds a delete and a create, never a read. Remove
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
// and is rewritten (recreated if its type changed), since a source is known by its namespace
// and name, and treating old copies as someone else's would leave them stale for ever. A
// copy that was deleted and replaced by a Secret without our marks is not ours: Conflict.
// A namespace deleted and created again holds no copy, and gets a new one. Whether a copy is stale is decided by hashing its live type, data,
// immutable flag and tree annotation, never by trusting its stored AnnotationContentHash. The
// hash is an HMAC-SHA256 keyed with the source's UID; it is readable by whoever may read the
// copy, who may read its data anyway.
//
// # Rewriting a copy: update, or delete and create
//
// A stale copy is updated in place when the API server allows it, and deleted and created
// again when it does not. Which one is decided in one place from the API server's own update
// rules for Secrets (ValidateSecretUpdate): a Secret's type never changes, and an immutable
// Secret stays immutable and keeps its data. So a copy is recreated when the source was
// deleted and created again with another type (Opaque, then kubernetes.io/basic-auth), and
// when an immutable copy would have to change or stop being immutable. Both are reported
// Updated. The delete carries the copy's UID and resourceVersion as preconditions, so a
// Secret that replaced the copy in the meantime is never deleted: the write conflicts, the
// namespace is read again and decided again (typically a Conflict). Between the delete and
// the create the copy is briefly absent; a pod started in that moment waits for it, as for
// any missing Secret.
//
// RecreateImmutable governs immutable copies only: without it, an immutable copy that would
// need recreating is left alone and reported Skipped, whatever made it stale, a changed type
// included (the kubelet never re-reads an immutable Secret, so running pods keep the old
// content; recreating one is the caller's decision). A mutable copy whose type changed is
// always recreated: its type can only differ because the source itself was recreated, and
// the copy is ours.
//
// A write the API server refuses as invalid (422) for a reason these rules do not foresee,
// such as an admission policy, is reported Failed with the server's reason, once: it is
// never retried unchanged, never turned into a delete, and a Controller does not requeue it
// (the next change of the source or the copy syncs again, as does SourceResync).
//
// What Sync reports for each namespace:
//
//	copy created / rewritten or recreated / equal     Created / Updated / Unchanged
//	our copy in a namespace no longer selected        Pruned (Deleted for Remove); Skipped with NoPrune
//	same-name Secret that is not our copy             Conflict, left untouched; Err is a *ConflictError
//	terminating namespace (when listed or written);   Skipped, Err says why
//	  missing name in Names
//	immutable copy to recreate, no RecreateImmutable  Skipped, Err says what differs and to opt in
//	write refused as invalid                          Failed, Err says so and wraps the API error
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
// and only the leader writes: a leader whose renewals fail stops working RenewDeadline after the
// last one that succeeded was sent, before another replica can take the Lease (LeaseDuration
// after it saw that renewal), and a replica that stops releases the Lease only if the Lease
// still names it. RunAIConfig gives Run:ai's cluster-wide secrets: sources in
// namespace runai labelled runai/cluster-wide=true, copied into every namespace runai-*.
//
// With ControllerConfig.Events (a client-go tools/events recorder) it records Kubernetes
// Events on the source Secret, so that `kubectl describe secret` shows them: a copy that
// conflicts (EventReasonConflict) or fails (EventReasonFailed), Warning, and a copy pruned
// (EventReasonPruned), Normal, each naming the namespace as its related object and the reason
// in its note. ControllerConfig.OnSync receives a SyncOutcome after every Sync or Remove, for
// metrics. Leader election, Events and the hook take the same fields, defaults and validation
// as rollout.Config. The RBAC the Controller needs, each rule with its reason, is in
// examples/runai/deploy.
//
// # Logging
//
// propagate logs through logr.FromContextOrDiscard(ctx): names, namespaces and actions, never
// a secret value.
package propagate
