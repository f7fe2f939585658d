package secretspec

import corev1 "k8s.io/api/core/v1"

// Delivery says how a container receives a Secret.
type Delivery string

// The deliveries a Ref can ask for.
const (
	// Env delivers one key as one environment variable (valueFrom.secretKeyRef).
	Env Delivery = "env"
	// EnvFrom delivers every key as an environment variable (envFrom.secretRef), with an optional Prefix.
	EnvFrom Delivery = "envFrom"
	// Mount delivers keys as files under MountPath (a secret volume and its mounts).
	Mount Delivery = "mount"
	// PullSecret lists the Secret in spec.imagePullSecrets.
	PullSecret Delivery = "pull"
	// GitSSH mounts a private key file with mode 0400 and sets GIT_SSH_COMMAND to use it.
	GitSSH Delivery = "gitSSH"
)

// Defaults that a GitSSH ref falls back to when it leaves Key or MountPath empty.
const (
	// DefaultGitSSHKey is the Secret key that holds the private key of a GitSSH ref.
	DefaultGitSSHKey = "ssh-privatekey"
	// DefaultGitSSHPath is the directory a GitSSH ref mounts its key file in.
	DefaultGitSSHPath = "/etc/git-ssh"
	// KnownHostsKey is the item path that, listed in a GitSSH ref's Items, turns on strict host checking.
	KnownHostsKey = "known_hosts"
)

// Ref is a reference from a workload to a Secret in the pod's namespace, and how to deliver it.
//
// A Ref holds names only, never secret data. Its canonical text form is
// String's output, which Parse reads back; Validate checks one Ref and
// ValidateRefs a list. Normalize fills the GitSSH defaults.
type Ref struct {
	// Secret is the name of the Secret in the pod's namespace.
	Secret string
	// Key is the Secret key. Env: required. Mount: one key, written to the file
	// MountPath/Key (else every key, or Items). GitSSH: defaults to "ssh-privatekey".
	Key string
	// As is how the Secret is delivered.
	As Delivery
	// EnvVar is the variable's name for Env.
	EnvVar string
	// Prefix is prepended to every variable name for EnvFrom.
	Prefix string
	// MountPath is the absolute directory for Mount. GitSSH: defaults to "/etc/git-ssh".
	MountPath string
	// Items maps keys to relative paths for Mount (nested paths allowed). GitSSH: may list "known_hosts".
	Items []corev1.KeyToPath
	// Mode is the file mode; nil means Kubernetes' default (0644). GitSSH files are always 0400.
	Mode *int32
	// Optional lets the pod start when the Secret or key is missing (not for PullSecret).
	Optional bool
	// Containers names the containers that receive the Secret; nil means every container
	// (init containers too, unless inject is told otherwise).
	Containers []string
	// Origin says where the ref came from, in its source's words: "transform.secrets[1]",
	// "flyte.secrets/s2", "3rd -e flag", "spec.containers[0].env[2]". It is not part of the
	// text form (String leaves it out, Parse never sets it), it is never validated, and it never
	// holds a value. Errors about the ref use it as their field path when it is set (in
	// ValidateRefs, preflight, inject and admission); unset, they name the ref by its index.
	Origin string
}
