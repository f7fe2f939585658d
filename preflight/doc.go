// Package preflight checks refs against the Secrets that exist, before a pod is made.
//
// A pod whose Secret or key is missing is admitted by the API server and then hangs in
// ContainerCreating or CreateContainerConfigError; Check finds that, and more, up front:
//
//	refs, _, err := runai.ParseEnvs(flags) // or inject.Uses(&pod.Spec) for any pod
//	...
//	errs, warnings := preflight.Check(preflight.FromClient(ctx, client, "team-a"), refs, field.NewPath("refs"))
//	for _, w := range warnings {
//		log.Info("preflight warning", "problem", w.Error()) // optional refs; the pod starts
//	}
//	if len(errs) > 0 {
//		return errs.ToAggregate() // every problem at once, e.g. 3rd -e flag.key: Not found: "password"
//	}
//
// A controller or webhook with informers passes its lister instead of FromClient
// (informer.Lister().Secrets(namespace) satisfies secretspec.SecretGetter). A caller that may
// not read every Secret the pod may finds those refs as the only errors of type
// field.ErrorTypeForbidden and decides what they mean. A ref that carries its Origin (every
// dialect package sets it: "3rd -e flag", "transform.secrets[1]", "flyte.secrets/s2") is named
// by it, so a CLI or webhook reports what its user wrote instead of an index into its own list.
//
// A pull secret that is missing or unusable is always a warning: the kubelet then pulls without
// it, so a public image still runs (Pachyderm, too, checks its pipelines' secrets but not their
// pull secrets).
//
// Messages name Secrets, keys and types, never a value: a docker config or private key that
// does not parse is reported without quoting it.
package preflight
