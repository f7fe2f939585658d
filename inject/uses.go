package inject

import (
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// Uses returns the refs spec already consumes, however it was made (by Apply, by hand, by a
// chart): what a preflight check must find and what a secrets hash must cover. spec is never
// modified and the refs share no memory with it.
//
//   - An env var with valueFrom.secretKeyRef is an Env ref (Secret, Key, EnvVar, Optional).
//   - An envFrom entry with a secretRef is an EnvFrom ref (Secret, Prefix, Optional).
//   - A secret volume gives one Mount ref per path it is mounted at: Secret, MountPath, Items
//     (sorted by key then path; none = every key), Mode from defaultMode, Optional. A mount
//     with subPath is reported as a mount of the whole volume at its mountPath: it reads no
//     more than that, so checking and hashing it that way errs only on the safe side.
//   - A projected volume gives one Mount ref per secret source, at each path it is mounted at,
//     with that source's items and optional flag and the projected defaultMode.
//   - spec.imagePullSecrets are PullSecret refs, without duplicates.
//   - A secret volume holding exactly what a GitSSH ref mounts (defaultMode 0400, the key
//     file and perhaps known_hosts), in a container whose GIT_SSH_COMMAND is the one Apply
//     writes for it, is a GitSSH ref (Key and MountPath explicit, Items listing known_hosts
//     when present). Anything else that looks like it stays a Mount ref.
//
// Containers names the containers that consume a ref, init containers first, then
// containers, then ephemeral containers, each in the pod's order: one ref stands for the same
// consumption (same Secret, key, variable, prefix, flags; for mounts the same volume at the
// same path) in every container that has it, so a volume mounted at two paths gives two refs
// and one mounted at one path by three containers gives one ref naming all three. PullSecret
// refs name no container (the pod pulls). A volume no container mounts is not consumed (the
// kubelet does not set it up) and gives no ref.
//
// The refs come in the order their first consumer appears: containers as above, in each its
// env, then envFrom, then mounts; then the pull secrets. The same spec always gives the same
// refs. They describe the pod as it is and need not pass secretspec.ValidateRefs (a pod may,
// for instance, project two Secrets at one path).
func Uses(spec *corev1.PodSpec) []secretspec.Ref {
	if spec == nil {
		return nil
	}
	u := uses{spec: spec, at: map[useKey]int{}}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		u.container(c.Name, c.Env, c.EnvFrom, c.VolumeMounts)
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		u.container(c.Name, c.Env, c.EnvFrom, c.VolumeMounts)
	}
	for i := range spec.EphemeralContainers {
		c := &spec.EphemeralContainers[i].EphemeralContainerCommon
		u.container(c.Name, c.Env, c.EnvFrom, c.VolumeMounts)
	}
	for _, p := range spec.ImagePullSecrets {
		u.add(useKey{as: secretspec.PullSecret, secret: p.Name}, "", func() secretspec.Ref {
			return secretspec.Ref{Secret: p.Name, As: secretspec.PullSecret}
		})
	}
	return u.refs
}

// uses collects the refs of one Uses call.
type uses struct {
	spec *corev1.PodSpec
	refs []secretspec.Ref
	at   map[useKey]int // index in refs of each consumption seen
}

// useKey identifies one consumption; containers that share it share a ref.
type useKey struct {
	as                          secretspec.Delivery
	secret, key, envVar, prefix string
	optional                    bool
	volume, path                string
	source                      int // index of the secret source in a projected volume
}

// add records that container (none: the pod) consumes k; make builds the ref the first time.
func (u *uses) add(k useKey, container string, make func() secretspec.Ref) {
	i, ok := u.at[k]
	if !ok {
		i = len(u.refs)
		u.at[k] = i
		u.refs = append(u.refs, make())
	}
	if container != "" && !slices.Contains(u.refs[i].Containers, container) {
		u.refs[i].Containers = append(u.refs[i].Containers, container)
	}
}

func (u *uses) container(name string, env []corev1.EnvVar, from []corev1.EnvFromSource, mounts []corev1.VolumeMount) {
	for _, e := range env {
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			continue
		}
		s := e.ValueFrom.SecretKeyRef
		k := useKey{as: secretspec.Env, secret: s.Name, key: s.Key, envVar: e.Name, optional: isTrue(s.Optional)}
		u.add(k, name, func() secretspec.Ref {
			return secretspec.Ref{Secret: k.secret, Key: k.key, As: secretspec.Env, EnvVar: k.envVar, Optional: k.optional}
		})
	}
	for _, f := range from {
		if f.SecretRef == nil {
			continue
		}
		k := useKey{as: secretspec.EnvFrom, secret: f.SecretRef.Name, prefix: f.Prefix, optional: isTrue(f.SecretRef.Optional)}
		u.add(k, name, func() secretspec.Ref {
			return secretspec.Ref{Secret: k.secret, As: secretspec.EnvFrom, Prefix: k.prefix, Optional: k.optional}
		})
	}
	for _, m := range mounts {
		v := u.volume(m.Name)
		switch {
		case v == nil:
		case v.Secret != nil:
			u.secretVolume(name, v, m.MountPath, env)
		case v.Projected != nil:
			for i, p := range v.Projected.Sources {
				if p.Secret == nil {
					continue
				}
				s := p.Secret
				k := useKey{as: secretspec.Mount, secret: s.Name, optional: isTrue(s.Optional), volume: v.Name, path: m.MountPath, source: i}
				u.add(k, name, func() secretspec.Ref {
					return secretspec.Ref{Secret: s.Name, As: secretspec.Mount, MountPath: m.MountPath,
						Items: usedItems(s.Items), Mode: copyMode(v.Projected.DefaultMode), Optional: k.optional}
				})
			}
		}
	}
}

// secretVolume records a container's mount of the secret volume v at path.
func (u *uses) secretVolume(container string, v *corev1.Volume, path string, env []corev1.EnvVar) {
	s := v.Secret
	k := useKey{as: secretspec.Mount, secret: s.SecretName, optional: isTrue(s.Optional), volume: v.Name, path: path}
	if key, knownHosts, ok := gitSSHVolume(s, path, env); ok {
		k.as, k.key = secretspec.GitSSH, key
		u.add(k, container, func() secretspec.Ref {
			return secretspec.Ref{Secret: s.SecretName, Key: key, As: secretspec.GitSSH, MountPath: path,
				Items: knownHosts, Optional: k.optional}
		})
		return
	}
	u.add(k, container, func() secretspec.Ref {
		return secretspec.Ref{Secret: s.SecretName, As: secretspec.Mount, MountPath: path,
			Items: usedItems(s.Items), Mode: copyMode(s.DefaultMode), Optional: k.optional}
	})
}

// gitSSHVolume recognises the volume a GitSSH ref mounts at path: defaultMode 0400, a key
// item of mode 0400 at its own name, perhaps known_hosts items, nothing else, and env setting
// GIT_SSH_COMMAND to the command Apply writes for them.
func gitSSHVolume(s *corev1.SecretVolumeSource, path string, env []corev1.EnvVar) (key string, knownHosts []corev1.KeyToPath, ok bool) {
	if s.DefaultMode == nil || *s.DefaultMode != gitSSHMode || len(s.Items) == 0 {
		return "", nil, false
	}
	var command string
	for _, e := range env {
		if e.Name == gitSSHEnvVar {
			command = e.Value // the last one wins, as in the container
			if e.ValueFrom != nil {
				command = ""
			}
		}
	}
	if command == "" {
		return "", nil, false
	}
	for _, it := range s.Items {
		switch {
		case it.Path == secretspec.KnownHostsKey:
			knownHosts = append(knownHosts, corev1.KeyToPath{Key: it.Key, Path: it.Path, Mode: copyMode(it.Mode)})
		case key == "" && it.Key == it.Path && it.Mode != nil && *it.Mode == gitSSHMode:
			key = it.Key
		default:
			return "", nil, false
		}
	}
	if key == "" || command != gitSSHCommand(path, key, knownHosts != nil) {
		return "", nil, false
	}
	return key, sortItems(knownHosts), true
}

func (u *uses) volume(name string) *corev1.Volume {
	for i := range u.spec.Volumes {
		if u.spec.Volumes[i].Name == name {
			return &u.spec.Volumes[i]
		}
	}
	return nil
}

// usedItems copies items sorted by key then path; none is nil (every key).
func usedItems(items []corev1.KeyToPath) []corev1.KeyToPath {
	if len(items) == 0 {
		return nil
	}
	out := make([]corev1.KeyToPath, len(items))
	for i, it := range items {
		out[i] = corev1.KeyToPath{Key: it.Key, Path: it.Path, Mode: copyMode(it.Mode)}
	}
	return sortItems(out)
}

func copyMode(m *int32) *int32 {
	if m == nil {
		return nil
	}
	v := *m
	return &v
}
