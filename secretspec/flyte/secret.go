package flyte

import "strconv"

// MountType is how a task wants a secret delivered: flyteidl's core.Secret.MountType.
type MountType int32

// The mount requirements, with flyteidl's values.
const (
	// MountAny lets the secret manager choose; for Kubernetes Secrets it is MountFile.
	MountAny MountType = iota
	// MountEnvVar delivers the secret as an environment variable.
	MountEnvVar
	// MountFile delivers the secret as a file.
	MountFile
)

// String returns the protobuf enum name (ANY, ENV_VAR, FILE), or the number for an unknown value.
func (m MountType) String() string {
	switch m {
	case MountAny:
		return "ANY"
	case MountEnvVar:
		return "ENV_VAR"
	case MountFile:
		return "FILE"
	}
	return strconv.Itoa(int(m))
}

// known reports whether m is one of the three mount requirements.
func (m MountType) known() bool { return m >= MountAny && m <= MountFile }

// Secret is a task's request for one secret: flyteidl's core.Secret (fields 1 to 5).
type Secret struct {
	// Group names the secret for the manager: a Kubernetes Secret's name (K8s), a Vault path,
	// an ARN up to ":secret" (AWS), a GCP secret id, a Key Vault secret's URI (Azure).
	Group string
	// GroupVersion is the Vault engine (kv1, kv2, db) or the GCP or Azure secret's version; K8s
	// and AWS do not use it.
	GroupVersion string
	// Key is the key within the secret (K8s, Vault), or the secret's name (AWS); GCP and Azure
	// do not use it.
	Key string
	// EnvVar, when set, names an extra variable that receives the secret (MountEnvVar) or the
	// path of its file (MountFile, MountAny).
	EnvVar string
	// MountRequirement says how to deliver the secret.
	MountRequirement MountType
}

// The pod label that makes Flyte's webhook (and one built with this package) look at a pod.
const (
	// PodLabel is the label key Flyte sets on pods that request secrets.
	PodLabel = "inject-flyte-secrets"
	// PodLabelValue is PodLabel's value.
	PodLabelValue = "true"
)
