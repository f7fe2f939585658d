package inject

import (
	"strings"

	"github.com/podsecrets/podsecrets/secretspec"
)

// gitSSHEnvVar is the variable git reads its ssh command from.
const gitSSHEnvVar = "GIT_SSH_COMMAND"

// gitSSHMode is the mode of every file a GitSSH ref mounts (ssh refuses a readable key).
const gitSSHMode int32 = 0o400

// gitSSHDefaults fills the Key and MountPath a GitSSH ref may leave empty, as
// secretspec's Normalize does (only the two strings are copied, so nothing is allocated).
func gitSSHDefaults(r *secretspec.Ref) (key, mountPath string) {
	n := secretspec.Ref{As: r.As, Key: r.Key, MountPath: r.MountPath}.Normalize()
	return n.Key, n.MountPath
}

// gitSSHCommand is the GIT_SSH_COMMAND value for a key file under dir; strict says that
// dir also holds a known_hosts file.
func gitSSHCommand(dir, key string, strict bool) string {
	dir = strings.TrimSuffix(dir, "/")
	var b strings.Builder
	b.Grow(2*len(dir) + len(key) + 128)
	b.WriteString("ssh -i ")
	b.WriteString(dir)
	b.WriteByte('/')
	b.WriteString(key)
	b.WriteString(" -o IdentitiesOnly=yes")
	if strict {
		b.WriteString(" -o UserKnownHostsFile=")
		b.WriteString(dir)
		b.WriteString("/" + secretspec.KnownHostsKey + " -o StrictHostKeyChecking=yes")
	} else {
		b.WriteString(" -o StrictHostKeyChecking=accept-new")
	}
	return b.String()
}
