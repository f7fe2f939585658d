package inject

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// addedVolume is a volume Apply adds, with the ref that first needed it (volumes are
// appended in ref order).
type addedVolume struct {
	order int
	hash  uint64
	name  string
	want  wantMount
}

// volumes copies the pod's volumes and appends the ones Apply added, in ref order.
func (a *applier) volumes() []corev1.Volume {
	src := a.src.Volumes
	if len(a.added) == 0 {
		return copyList(src, 0, (*corev1.Volume).DeepCopyInto)
	}
	slices.SortStableFunc(a.added, func(x, y addedVolume) int { return x.order - y.order })
	out := copyList(src, len(a.added), (*corev1.Volume).DeepCopyInto)
	var s volumeSlab
	s.size(a.added)
	for i := range a.added {
		out = append(out, a.added[i].want.volume(a.added[i].name, &s))
	}
	return out
}

// volumeSlab holds what the secret volumes Apply adds point to, in three arrays per
// Apply instead of a few objects per volume. Each element is handed out once, and item
// lists are cut with their own capacity, so volumes share no memory.
type volumeSlab struct {
	sources []volumeValue
	items   []corev1.KeyToPath
	modes   []int32
}

// volumeValue is what a secret volume points to.
type volumeValue struct {
	src      corev1.SecretVolumeSource
	mode     int32
	optional bool
}

// size makes room for the volumes of added.
func (s *volumeSlab) size(added []addedVolume) {
	var items, modes int
	for i := range added {
		items += len(added[i].want.items)
		for _, it := range added[i].want.items {
			if it.Mode != nil {
				modes++
			}
		}
	}
	s.sources = make([]volumeValue, 0, len(added))
	if items > 0 {
		s.items = make([]corev1.KeyToPath, 0, items)
	}
	if modes > 0 {
		s.modes = make([]int32, 0, modes)
	}
}

// wantMount records the mount ref n wants, merging it with a wanted mount of the same
// Secret at the same path.
func (a *applier) wantMount(t target, n *nref, src source) {
	for i := range a.mounts {
		m := &a.mounts[i]
		if m.path != n.mountPath {
			continue
		}
		if m.secret != n.r.Secret || m.hasMode != n.hasMode || m.mode != n.mode || m.optional != n.r.Optional || (m.items == nil) != (n.items == nil) {
			w := wantMount{secret: n.r.Secret, items: n.items, hasMode: n.hasMode, mode: n.mode, optional: n.r.Optional}
			a.errs = append(a.errs, field.Forbidden(sourcePath(src), fmt.Sprintf(
				"container %q: %s mounts %s at %q, where %s mounts %s",
				t.name, describeSource(src), w.describe(), n.mountPath, describeSource(m.src), m.describe())))
			return
		}
		if m.items != nil && !itemsSubset(m.items, n.items) {
			m.items = a.merge(m.items, n.items)
			if p, ok := clashingPath(m.items); ok {
				a.errs = append(a.errs, field.Forbidden(sourcePath(src), fmt.Sprintf(
					"container %q: %s and %s put different keys of Secret %q at the same file %q under %q",
					t.name, describeSource(src), describeSource(m.src), n.r.Secret, p, n.mountPath)))
			}
		}
		return
	}
	a.mounts = append(a.mounts, wantMount{src: src, path: n.mountPath, secret: n.r.Secret, items: n.items,
		hasMode: n.hasMode, mode: n.mode, optional: n.r.Optional})
}

// clashingPath returns a path that two different items claim.
func clashingPath(items []corev1.KeyToPath) (string, bool) {
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if items[i].Path == items[j].Path {
				return items[i].Path, true
			}
		}
	}
	return "", false
}

func (a *applier) applyMounts(c *corev1.Container, t target) {
	orig := len(c.VolumeMounts)
	for i := range a.mounts {
		w := &a.mounts[i]
		name, hash, exists := a.volumeFor(w)
		ours := corev1.VolumeMount{Name: name, ReadOnly: true, MountPath: w.path}
		idx := -1
		for k := 0; k < orig; k++ {
			if c.VolumeMounts[k].MountPath == w.path {
				idx = k
				break
			}
		}
		switch {
		case idx < 0:
			c.VolumeMounts = append(c.VolumeMounts, ours)
		case c.VolumeMounts[idx] == ours:
		case a.cfg.policy == ConflictFail:
			a.errs = append(a.errs, field.Forbidden(t.path("volumeMounts", idx), fmt.Sprintf(
				"conflict: container %q mounts %s at %q, and %s wants %s there",
				c.Name, describeMount(&c.VolumeMounts[idx]), w.path, describeSource(w.src), w.describe())))
			continue
		case a.cfg.policy == ConflictOverride:
			c.VolumeMounts[idx] = ours
		default:
			continue
		}
		if !exists {
			a.added = append(a.added, addedVolume{order: w.src.ref, hash: hash, name: name, want: *w})
		}
	}
}

// volumeFor returns the name of the volume w needs, its content hash, and whether the pod
// (or this Apply) already has it.
func (a *applier) volumeFor(w *wantMount) (name string, hash uint64, exists bool) {
	for i := range a.added {
		if v := &a.added[i]; v.want.same(w) {
			return v.name, v.hash, true
		}
	}
	hash = volumeHash(w.secret, w.items, w.hasMode, w.mode, w.optional)
	for salt := 0; ; salt++ {
		name = volumeName(w.secret, saltHash(hash, salt))
		if v := a.userVolume(name); v != nil {
			if w.matches(v) {
				return name, hash, true
			}
			continue
		}
		if slices.ContainsFunc(a.added, func(v addedVolume) bool { return v.name == name }) {
			continue // another content's name, by a 40-bit chance; ours was found above if added
		}
		return name, hash, false
	}
}

func (a *applier) userVolume(name string) *corev1.Volume {
	for i := range a.src.Volumes {
		if a.src.Volumes[i].Name == name {
			return &a.src.Volumes[i]
		}
	}
	return nil
}

// same reports whether two wanted mounts need the same volume.
func (w *wantMount) same(o *wantMount) bool {
	if w.secret != o.secret || w.hasMode != o.hasMode || w.mode != o.mode || w.optional != o.optional || len(w.items) != len(o.items) || (w.items == nil) != (o.items == nil) {
		return false
	}
	for i := range w.items {
		if compareItems(w.items[i], o.items[i]) != 0 {
			return false
		}
	}
	return true
}

// matches reports whether v is the secret volume w needs (an unset defaultMode equals
// Kubernetes' default 0644, an unset optional flag equals false).
func (w *wantMount) matches(v *corev1.Volume) bool {
	s := v.Secret
	if s == nil {
		return false
	}
	rest := v.VolumeSource
	rest.Secret = nil
	if rest != (corev1.VolumeSource{}) || s.SecretName != w.secret || isTrue(s.Optional) != w.optional {
		return false
	}
	mode := corev1.SecretVolumeSourceDefaultMode
	if w.hasMode {
		mode = w.mode
	}
	if s.DefaultMode == nil && mode != corev1.SecretVolumeSourceDefaultMode || s.DefaultMode != nil && *s.DefaultMode != mode {
		return false
	}
	if len(s.Items) != len(w.items) {
		return false
	}
	for i := range s.Items {
		x, y := &s.Items[i], &w.items[i]
		if x.Key != y.Key || x.Path != y.Path || modeKey(x.Mode) != modeKey(y.Mode) {
			return false
		}
	}
	return true
}

// volume builds the secret volume w needs, its pointers into sl; it shares no memory
// with the inputs.
func (w *wantMount) volume(name string, sl *volumeSlab) corev1.Volume {
	v := take(&sl.sources)
	v.src = corev1.SecretVolumeSource{SecretName: w.secret}
	switch {
	case w.items == nil:
	case len(w.items) == 0:
		v.src.Items = []corev1.KeyToPath{}
	default:
		start := len(sl.items)
		for _, it := range w.items {
			if it.Mode != nil {
				m := take(&sl.modes)
				*m = *it.Mode
				it.Mode = m
			}
			sl.items = append(sl.items, it)
		}
		v.src.Items = sl.items[start:len(sl.items):len(sl.items)]
	}
	if w.hasMode {
		v.mode = w.mode
		v.src.DefaultMode = &v.mode
	}
	if w.optional {
		v.optional = true
		v.src.Optional = &v.optional
	}
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Secret: &v.src}}
}

// merged remembers a union of two item lists, so that containers wanting the same
// union share one computation.
type merged struct {
	a, b, out []corev1.KeyToPath
}

// merge returns the union of two sorted item lists.
func (a *applier) merge(x, y []corev1.KeyToPath) []corev1.KeyToPath {
	for _, m := range a.merges {
		if sameSlice(m.a, x) && sameSlice(m.b, y) {
			return m.out
		}
	}
	out := mergeItems(x, y)
	a.merges = append(a.merges, merged{x, y, out})
	return out
}

// sameSlice reports whether two non-empty slices are the same memory.
func sameSlice[T any](x, y []T) bool {
	return len(x) == len(y) && len(x) > 0 && &x[0] == &y[0]
}
