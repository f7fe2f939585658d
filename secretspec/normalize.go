package secretspec

import corev1 "k8s.io/api/core/v1"

// Normalize returns a copy of r with the GitSSH defaults filled in (Key
// DefaultGitSSHKey, MountPath DefaultGitSSHPath when empty). The copy shares no
// memory with r: Items, the Mode pointers and Containers are new. Other
// deliveries are only copied. Normalize does not validate; an empty but non-nil
// slice stays empty and non-nil.
func (r Ref) Normalize() Ref {
	out := r.withDefaults()
	if r.Items != nil {
		out.Items = make([]corev1.KeyToPath, len(r.Items))
		for i, it := range r.Items {
			out.Items[i] = corev1.KeyToPath{Key: it.Key, Path: it.Path, Mode: copyMode(it.Mode)}
		}
	}
	out.Mode = copyMode(r.Mode)
	if r.Containers != nil {
		out.Containers = append(make([]string, 0, len(r.Containers)), r.Containers...)
	}
	return out
}

func copyMode(m *int32) *int32 {
	if m == nil {
		return nil
	}
	v := *m
	return &v
}

// withDefaults returns r with the GitSSH defaults filled in, sharing r's
// slices and pointers.
func (r Ref) withDefaults() Ref {
	if r.As == GitSSH {
		if r.Key == "" {
			r.Key = DefaultGitSSHKey
		}
		if r.MountPath == "" {
			r.MountPath = DefaultGitSSHPath
		}
	}
	return r
}
