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
// Volume names are "<secret name as a label>-<10 hex digits>", the digits a hash of the Secret
// name, items, mode and optional flag only: the same volume gets the same name in every pod,
// and one volume serves every container that needs that content. If the pod already has a
// volume of that name with other content, the next name in a deterministic sequence is used
// instead (a volume name is never a conflict).
//
// Conflicts with the pod's own entries (an env var of the same name, an envFrom of the same
// Secret and prefix, a volume mount at the same path) that differ from what a ref wants are
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
package inject
