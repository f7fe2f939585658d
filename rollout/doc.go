// Package rollout restarts workloads when a Secret they consume changes.
//
// A Controller watches the Deployments, StatefulSets and DaemonSets that opted in (the label
// podsecrets.io/restart-on-rotation=true, or Config.Selector), reads what each pod template
// consumes with inject.Uses, and when that data changes sets the template's annotation
// podsecrets.io/secrets-hash to inject.SecretsHash of it, with a merge patch of that one
// annotation. The workload controller then replaces its pods as for any template change
// (rolling update, partitions and maxUnavailable apply). Workloads that did not opt in are never
// read from the API, let alone patched.
//
//	ctrl, err := rollout.NewController(client, rollout.Config{
//		Namespace: "",             // every namespace
//		Debounce:  10 * time.Second, // a rotation touching several Secrets makes one roll
//		LeaseName: "podsecrets-rollout", LeaseNamespace: "kube-system", Identity: podName,
//	})
//	if err != nil {
//		return err
//	}
//	return ctrl.Run(ctx) // logs through logr.FromContextOrDiscard(ctx): names and keys, never values
//
// With Config.Events (a client-go tools/events recorder) each roll records a Normal Event
// (EventReasonRolled) on the workload, so that `kubectl describe deployment` says which Secrets
// and keys changed (names, never values); Config.OnRoll receives a Roll for every roll, for
// metrics. Leader election, Events and the hook take the same fields, defaults and validation
// as propagate.ControllerConfig.
//
// # What rolls
//
// Only data the template reads counts: updating a key no container reads (a comment, a key
// beside the one an env var takes) rolls nothing; updating one an envFrom, a whole-Secret mount or
// a pull secret covers does. A template already stamped (by inject.WithSecretsHash in a webhook,
// or by an earlier roll) is compared with its stamp, so a change made while the controller was
// down is found when it starts. A template never stamped gets a baseline in memory the first
// time the controller sees it, and its first roll writes the stamp; until then a change made
// while no replica runs is missed. When a required Secret or key is missing the controller logs
// that and does not roll: new pods could not start, the running ones still can.
//
// # Memory and API load
//
// Workloads are listed with the opt-in label selector, so the controller holds only opted-in
// workloads. Secrets cannot be selected by name in a label selector and one informer on the
// Secrets of a namespace would hold every Secret there (Helm releases, service account tokens,
// other teams'), so each Secret that some opted-in template names gets its own LIST and WATCH
// with fieldSelector metadata.name=<name> in its namespace: memory in proportion to the referenced
// Secrets (managed fields dropped), one watch per referenced Secret, started and stopped as
// templates change. That suits the usual tens to thousands of referenced Secrets; for more, a
// metadata-only informer per namespace (k8s.io/client-go/metadata) would trade a watch per Secret
// for holding the metadata of every Secret.
//
// # With propagate
//
// A propagate.Controller copies a source Secret into namespaces; when the source changes it
// updates the copies, and this controller, watching the copies the workloads there consume,
// rolls them: source update, copies updated, consumers roll. The two run side by side, each
// with its own Lease.
//
// # Or: immutable names
//
// The alternative to rolling on rotation is never rotating in place: give every version of a
// Secret a new name (encode.WithHashSuffix, the name kubectl create secret --append-hash gives, as in
// kustomize's secretGenerator), make it immutable, and change the name in the template — the
// change itself rolls the workload, rollback returns to the old name and the old data, and the
// kubelet does not watch immutable Secrets. It fits when the Secret and the workload are deployed
// together (GitOps, Helm, kustomize), and it needs garbage collection of old names. Rolling on
// rotation fits when the Secret is changed by something else — an operator such as External
// Secrets or cert-manager, propagate, a person — under a fixed name that manifests reference.
package rollout
