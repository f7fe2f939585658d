// Package inject makes pods consume Secrets: it turns secretspec refs into env vars, envFrom
// sources, secret volumes and mounts, image pull secrets and GIT_SSH_COMMAND, as a pure
// function of a PodSpec, and computes RFC 6902 patches between pods for admission webhooks.
//
// Apply (or ApplyPod) validates the refs and returns a new spec; the input is never
// modified and the output shares no memory with it:
//
//	refs := []secretspec.Ref{
//		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
//		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"},
//		{Secret: "registry", As: secretspec.PullSecret},
//		{Secret: "deploy-key", As: secretspec.GitSSH, Containers: []string{"clone"}},
//	}
//	spec, err := inject.Apply(&pod.Spec, refs,
//		inject.WithConflictPolicy(inject.ConflictKeepExisting),
//		inject.WithEnv(corev1.EnvVar{Name: "MODE", Value: "prod"}))
//	...
//	mutated, err := inject.ApplyPod(pod, refs, inject.WithExtras(secretspec.Extras{
//		InitContainers: []corev1.Container{fetcher},   // runs first, writes into "fetched"
//		Volumes:        []corev1.Volume{fetchedEmptyDir},
//		Mounts:         []corev1.VolumeMount{{Name: "fetched", MountPath: "/etc/secrets", ReadOnly: true}},
//		Containers:     []string{"app"},                // Env and Mounts for "app" only
//		Annotations:    map[string]string{"example.com/fetched": "true"},
//	}))
//	if err != nil {
//		return err // every problem at once, each with its field path
//	}
//
// A webhook answers with the difference instead:
//
//	mutated, err := inject.ApplyPod(pod, refs)
//	...
//	patch, err := inject.Patch(pod, mutated) // [{"op":"add","path":"/spec/containers/0/env/-",...}]
//
// What each delivery produces:
//
//   - Env: an env var with valueFrom.secretKeyRef {name, key}, and optional: true only when
//     the ref is Optional (the field is left unset otherwise).
//   - EnvFrom: an envFrom entry with secretRef {name} and the ref's prefix.
//   - Mount: a secret volume (items sorted by key then path, defaultMode from Mode, optional)
//     mounted read-only at MountPath. Refs mounting the same Secret at the same path in a
//     container share one volume holding all their items.
//   - PullSecret: spec.imagePullSecrets, without duplicates, in order.
//   - GitSSH: the key file <MountPath>/<Key> (defaults /etc/git-ssh and ssh-privatekey) with
//     mode 0400, a known_hosts file beside it when the ref's Items list one, and
//     GIT_SSH_COMMAND="ssh -i <file> -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"
//     (with known_hosts: "-o UserKnownHostsFile=<MountPath>/known_hosts -o StrictHostKeyChecking=yes").
//
// Refs without Containers reach every container and, unless WithInitContainers(false), every
// init container; refs with Containers reach the named ones only. Ephemeral containers never
// receive secrets.
//
// What a pod needs beside its refs is a secretspec.Extras, given with WithExtras (WithEnv(v...)
// is WithExtras(secretspec.Extras{Env: v})); several add up, the i-th named "extras[i]" in
// errors. It goes through the same steps as the refs, so the same rules hold:
//
//   - Env and Mounts reach the containers Extras.Containers names, or (nil) every container
//     refs without a container list reach, init containers included unless
//     WithInitContainers(false); they come after the refs' entries, in order. A Pachyderm
//     worker's plain variable for the user container only is Containers: []string{"user"}.
//   - Volumes are appended after the refs' secret volumes. An identical volume of the pod is
//     a no-op, a different one of that name a conflict. Mounts may name them or the pod's own
//     volumes; at a path, an identical mount is a no-op and a different one a conflict.
//   - InitContainers (secret fetchers) go before the pod's own init containers, in order, so
//     every container, init containers included, sees what they fetch. They are added exactly
//     as given: neither refs nor any Extras' Env and Mounts reach them (the dialect gives them
//     what they need), and a ref or Extras that names one is an error. An init container of the
//     pod with a fetcher's name is that fetcher: identical, a no-op (so a second Apply changes
//     nothing); different, a conflict (ConflictOverride replaces it in place).
//   - Annotations go on the Pod (ApplyPod) or pod template (ApplyTemplate): an equal value is
//     a no-op, another value a conflict. Apply on a bare PodSpec refuses Extras with
//     annotations, as it has nowhere to put them.
//
// Extras are validated like refs, every problem at once (secretspec.Extras.Validate, then
// against the pod: containers and volumes that exist, fetchers that do not take the name of
// one of the pod's containers, Extras that agree with each other), and a variable or mount
// path an Extras and a ref (or two Extras) want differently in one container is an error, as
// between refs. Applying refs or Extras to a PodSpec without containers is an error.
//
// Volume names are "<secret name as a label>-<10 hex digits>", the digits a hash of the Secret
// name, items, mode and optional flag only: the same volume gets the same name in every pod,
// and one volume serves every container that needs that content. If the pod already has a
// volume of that name with other content, the next name in a deterministic sequence is used
// instead (a volume name is never a conflict).
//
// Conflicts with the pod's own entries (an env var of the same name, an envFrom of the same
// Secret and prefix, a volume mount at the same path, and for Extras a volume, init
// container or annotation of the same name) that differ from what a ref wants are
// resolved by the ConflictPolicy: an error naming both sides (the default), keeping the pod's
// entry, or replacing it in place. Messages name containers, variables, Secrets, keys and
// paths, never values. An identical entry is never a conflict, so Apply is idempotent.
// A container may list one variable more than once (the API server only warns): the kubelet
// uses the last entry, so the last decides whether the wanted variable is there, and
// ConflictOverride puts the wanted variable at the first entry's place and drops the later
// ones. Every envFrom entry takes effect, so an envFrom listed more than once must match the
// wanted one each time. (Mount paths are unique per container: the API server refuses more.)
// ConflictOverride replaces only the clashing entry: a volume of the pod's that no mount uses
// any more is left in place. Refs that clash with each other (one variable set two ways, two
// Secrets at one path) are reported by secretspec.ValidateRefs, before anything else.
//
// # Workloads
//
// ApplyTemplate applies refs to one pod template; ApplyObject does it for every pod template
// of a whole object: typed Pods, PodTemplates, Deployments, StatefulSets, DaemonSets,
// ReplicaSets, ReplicationControllers, Jobs and CronJobs (the result keeps its type), and
// *unstructured.Unstructured objects of those kinds and of JobSet, the Kubeflow training jobs,
// Ray (RayCluster, RayJob, RayService), LeaderWorkerSet, Volcano Job and Knative Service,
// located by template paths without importing their Go types. WithTemplatePaths adds other
// kinds; WithTemplates selects templates by path (e.g. only
// "spec.pytorchReplicaSpecs.Worker.template"):
//
//	job, err := inject.ApplyObject(job, refs) // a *batchv1.Job
//	dep, err := inject.ApplyObject(deployment, refs, inject.WithSecretsHash(lister))
//	obj, err := inject.ApplyObject(pytorchJob, refs, // *unstructured.Unstructured from YAML
//		inject.WithTemplates(func(path string) bool { return strings.Contains(path, ".Worker.") }))
//
// An unstructured object comes back with the secrets wired and every other field, unknown
// ones and number types included, as it was: only the difference Apply makes is written into
// a copy. Errors carry the object's own paths
// (spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env[0]). PatchObject is a
// webhook's answer for any such object, with paths relative to it (/spec/template/spec/…).
//
// # Lifecycle
//
// Uses reads back the refs any PodSpec consumes, however it was made (secretKeyRef, envFrom,
// secret and projected volumes, imagePullSecrets), for checking (package preflight) or hashing.
// WithSecretsHash stamps AnnotationSecretsHash on a pod or template: a keyed hash
// (SecretsHash: HMAC-SHA256 keyed by the Secrets' UIDs) of exactly the data the resulting spec
// consumes, so a workload rolls when, and only when, something it uses changes; package
// rollout keeps the stamp current as Secrets rotate.
package inject
