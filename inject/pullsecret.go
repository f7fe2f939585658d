package inject

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// pullSecrets copies the pod's image pull secrets and appends the PullSecret refs'
// Secrets it does not list yet, in ref order.
func (a *applier) pullSecrets() []corev1.LocalObjectReference {
	src := a.src.ImagePullSecrets
	extra := 0
	for i := range a.refs {
		if a.refs[i].r.As == secretspec.PullSecret {
			extra++
		}
	}
	out := copyList(src, extra, (*corev1.LocalObjectReference).DeepCopyInto)
	var listed index[string]
	for i := range a.refs {
		n := &a.refs[i]
		if n.r.As != secretspec.PullSecret {
			continue
		}
		if listed.find(len(out), n.r.Secret, func(i int) string { return out[i].Name }) >= 0 {
			continue
		}
		out = append(out, corev1.LocalObjectReference{Name: n.r.Secret})
	}
	return out
}
