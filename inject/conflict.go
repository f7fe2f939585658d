package inject

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// What follows describes entries for conflict messages. It names containers, variables,
// Secrets, keys, volumes and paths, never a value: a literal env value may be a secret.

// describeSource names where a wanted entry comes from: "refs[2]" or "extras[0].env[1]".
func describeSource(s source) string {
	return sourcePath(s).String()
}

// describeEnvVar says where a pod's variable takes its value from.
func describeEnvVar(e *corev1.EnvVar) string {
	v := e.ValueFrom
	switch {
	case v == nil:
		return "a literal value"
	case v.SecretKeyRef != nil:
		return describeSecretKey(v.SecretKeyRef.Name, v.SecretKeyRef.Key, v.SecretKeyRef.Optional != nil && *v.SecretKeyRef.Optional)
	case v.ConfigMapKeyRef != nil:
		return fmt.Sprintf("key %q of ConfigMap %q", v.ConfigMapKeyRef.Key, v.ConfigMapKeyRef.Name)
	case v.FieldRef != nil:
		return fmt.Sprintf("field %q", v.FieldRef.FieldPath)
	case v.ResourceFieldRef != nil:
		return fmt.Sprintf("resource %q", v.ResourceFieldRef.Resource)
	case v.FileKeyRef != nil:
		return fmt.Sprintf("key %q of the file %q in volume %q", v.FileKeyRef.Key, v.FileKeyRef.Path, v.FileKeyRef.VolumeName)
	}
	return "an empty valueFrom"
}

func describeSecretKey(secret, key string, optional bool) string {
	s := fmt.Sprintf("key %q of Secret %q", key, secret)
	if optional {
		s += " (optional)"
	}
	return s
}

// describe says where a wanted variable takes its value from.
func (w *wantEnv) describe() string {
	switch w.kind {
	case envSecret:
		return describeSecretKey(w.secret, w.key, w.optional)
	case envLiteral:
		return "a literal value"
	}
	return describeEnvVar(w.plain)
}

// describeDuplicates says how many entries of before are called name (and so are overridden by
// the entry after them), or nothing when there are none.
func describeDuplicates[T any](before []T, name string, nameOf func(*T) string) string {
	n := 0
	for i := range before {
		if nameOf(&before[i]) == name {
			n++
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return " (its last entry, which the kubelet uses; 1 earlier entry has that name)"
	}
	return fmt.Sprintf(" (its last entry, which the kubelet uses; %d earlier entries have that name)", n)
}

// describeEnvFrom describes an envFrom entry.
func describeEnvFrom(e *corev1.EnvFromSource) string {
	var s string
	switch {
	case e.SecretRef != nil:
		s = fmt.Sprintf("Secret %q", e.SecretRef.Name)
		if e.SecretRef.Optional != nil && *e.SecretRef.Optional {
			s += " (optional)"
		}
	case e.ConfigMapRef != nil:
		s = fmt.Sprintf("ConfigMap %q", e.ConfigMapRef.Name)
	default:
		s = "nothing"
	}
	if e.ConfigMapRef != nil && e.SecretRef != nil {
		s += fmt.Sprintf(" and ConfigMap %q", e.ConfigMapRef.Name)
	}
	return s + fmt.Sprintf(" with prefix %q", e.Prefix)
}

func (w *wantEnvFrom) describe() string {
	s := fmt.Sprintf("Secret %q", w.secret)
	if w.optional {
		s += " (optional)"
	}
	return s + fmt.Sprintf(" with prefix %q", w.prefix)
}

// describeMount describes a pod's volume mount.
func describeMount(m *corev1.VolumeMount) string {
	s := fmt.Sprintf("volume %q", m.Name)
	if !m.ReadOnly {
		s += " (read-write)"
	}
	if m.SubPath != "" || m.SubPathExpr != "" {
		s += " (a sub-path)"
	}
	return s
}

func (w *wantMount) describe() string {
	if w.plain != nil {
		return describeMount(w.plain)
	}
	s := fmt.Sprintf("Secret %q", w.secret)
	if w.items == nil {
		s += " (every key"
	} else {
		s += " ("
		for i, it := range w.items {
			if i > 0 {
				s += ", "
			}
			s += strconv.Quote(it.Key)
		}
	}
	if w.hasMode {
		s += fmt.Sprintf(", mode %#o", w.mode)
	}
	if w.optional {
		s += ", optional"
	}
	return s + ")"
}
