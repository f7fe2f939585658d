package secretspec

import corev1 "k8s.io/api/core/v1"

// Extras is what a pod needs beside its refs: plain variables and, for a secret manager
// outside Kubernetes Secrets (Vault, AWS, GCP, Azure), the annotations, volumes, mounts and
// init containers that fetch the secrets. Package inject applies it with inject.WithExtras,
// through the same want, conflict and apply steps refs take; it is validated like refs.
//
// Extras holds no secret data unless a caller puts it there: flyte.Plan writes a value found by
// its global lookup into Env in clear text, as Flyte does.
type Extras struct {
	// Env holds plain variables, appended after the refs' variables in the order given.
	Env []corev1.EnvVar
	// Mounts holds mounts of Volumes (or of volumes the pod already has).
	Mounts []corev1.VolumeMount
	// Containers names the containers that get Env and Mounts; nil means every container
	// that refs without a container list reach.
	Containers []string
	// Annotations are set on the pod (or pod template), e.g. a Vault agent's.
	Annotations map[string]string
	// Volumes are non-Secret volumes, e.g. an in-memory emptyDir that fetched files land in.
	Volumes []corev1.Volume
	// InitContainers are fetchers; they run before the pod's own init containers.
	InitContainers []corev1.Container
}

// IsZero reports whether x adds nothing to a pod.
func (x *Extras) IsZero() bool {
	return len(x.Env) == 0 && len(x.Mounts) == 0 && len(x.Containers) == 0 &&
		len(x.Annotations) == 0 && len(x.Volumes) == 0 && len(x.InitContainers) == 0
}
