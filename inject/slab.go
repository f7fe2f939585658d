package inject

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// slab holds the small objects the entries Apply adds point to, allocated in a few
// arrays per Apply instead of one by one: every env var from a Secret needs an
// EnvVarSource and a SecretKeySelector, every envFrom a SecretEnvSource, and an optional
// flag a bool. Each element is handed out once, so the entries share no memory with
// each other or with the inputs.
type slab struct {
	envs  []envValue
	froms []envFromValue
}

// envValue is what a valueFrom.secretKeyRef variable points to.
type envValue struct {
	src      corev1.EnvVarSource
	sel      corev1.SecretKeySelector
	optional bool
}

// envFromValue is what an envFrom.secretRef entry points to.
type envFromValue struct {
	ref      corev1.SecretEnvSource
	optional bool
}

// size makes room for envs variables and froms envFrom entries.
func (s *slab) size(envs, froms int) {
	s.envs = make([]envValue, 0, envs)
	s.froms = make([]envFromValue, 0, froms)
}

// take returns a new zero element of *s, starting a new array when it is full (when
// more was asked for than counted, or none was counted).
func take[T any](s *[]T) *T {
	if len(*s) == cap(*s) {
		*s = make([]T, 0, max(4, cap(*s)))
	}
	*s = (*s)[:len(*s)+1]
	return &(*s)[len(*s)-1]
}

// countSlab counts, for slab.size, the variables and envFrom entries from Secrets that
// the refs may add to the containers of src (at most; identical entries already there are
// not added).
func (a *applier) countSlab(src *corev1.PodSpec) (envs, froms int) {
	count := func(cs []corev1.Container, init bool) {
		for i := range cs {
			for j := range a.refs {
				n := &a.refs[j]
				switch n.r.As {
				case secretspec.Env:
					if n.reaches(cs[i].Name, init, a.cfg.noInit) {
						envs++
					}
				case secretspec.EnvFrom:
					if n.reaches(cs[i].Name, init, a.cfg.noInit) {
						froms++
					}
				}
			}
		}
	}
	count(src.InitContainers, true)
	count(src.Containers, false)
	return envs, froms
}
