package inject

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
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

// volumes copies the pod's volumes and appends the secret volumes Apply added, in ref
// order, then the Extras' volumes the pod lacks.
func (a *applier) volumes() []corev1.Volume {
	src := a.src.Volumes
	if len(a.added) == 0 && len(a.extraVols) == 0 {
		return copyList(src, 0, (*corev1.Volume).DeepCopyInto)
	}
	out := copyList(src, len(a.added)+len(a.extraVols), (*corev1.Volume).DeepCopyInto)
	if len(a.added) > 0 {
		slices.SortStableFunc(a.added, func(x, y addedVolume) int { return x.order - y.order })
		var s volumeSlab
		s.size(a.added)
		for i := range a.added {
			out = append(out, a.added[i].want.volume(a.added[i].name, &s))
		}
	}
	return a.extrasVolumes(out)
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
	if i := a.wantedMount.find(len(a.mounts), n.mountPath, func(i int) string { return a.mounts[i].path }); i >= 0 {
		m := &a.mounts[i]
		if m.plain != nil || m.secret != n.r.Secret || m.hasMode != n.hasMode || m.mode != n.mode || m.optional != n.r.Optional || (m.items == nil) != (n.items == nil) {
			w := wantMount{secret: n.r.Secret, items: n.items, hasMode: n.hasMode, mode: n.mode, optional: n.r.Optional}
			a.errs = append(a.errs, field.Forbidden(sourcePath(src), fmt.Sprintf(
				"container %q: %s mounts %s at %q, where %s mounts %s",
				t.name, describeSource(src), w.describe(), n.mountPath, describeSource(m.src), m.describe())))
			return
		}
		switch {
		case m.items == nil:
		case m.extra != nil || len(m.items)+len(n.items) > smallList:
			// A long list is merged once, by settleMounts, instead of once per ref.
			if m.extra == nil {
				m.extra = make([]corev1.KeyToPath, 0, 2*len(n.items)+smallList)
			}
			m.extra = append(m.extra, n.items...)
		case !itemsSubset(m.items, n.items):
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

// wantPlainMount records an Extras' mount p, unless an identical mount is already wanted at
// its path; any other mount wanted there is an error.
func (a *applier) wantPlainMount(t target, p *corev1.VolumeMount, src source) {
	if i := a.wantedMount.find(len(a.mounts), p.MountPath, func(i int) string { return a.mounts[i].path }); i >= 0 {
		if m := &a.mounts[i]; m.plain == nil || !equality.Semantic.DeepEqual(*m.plain, *p) {
			a.errs = append(a.errs, field.Forbidden(sourcePath(src), fmt.Sprintf(
				"container %q: %s mounts %s at %q, where %s mounts %s",
				t.name, describeSource(src), describeMount(p), p.MountPath, describeSource(m.src), m.describe())))
		}
		return
	}
	a.mounts = append(a.mounts, wantMount{src: src, path: p.MountPath, plain: p})
}

// settleMounts merges the items that wantMount set aside for long lists.
func (a *applier) settleMounts(t target) {
	for i := range a.mounts {
		m := &a.mounts[i]
		if m.extra == nil {
			continue
		}
		m.items = mergeItems(m.items, m.extra)
		m.extra = nil
		if p, ok := clashingPath(m.items); ok {
			a.errs = append(a.errs, field.Forbidden(sourcePath(m.src), fmt.Sprintf(
				"container %q: %s and the refs merged with it put different keys of Secret %q at the same file %q under %q",
				t.name, describeSource(m.src), m.secret, p, m.path)))
		}
	}
}

// clashingPath returns a path that two different items claim: for a short list the
// first item's that has one, for a long list the least such path.
func clashingPath(items []corev1.KeyToPath) (string, bool) {
	if len(items) > smallList {
		paths := make([]string, len(items))
		for i := range items {
			paths[i] = items[i].Path
		}
		slices.Sort(paths)
		for i := 1; i < len(paths); i++ {
			if paths[i] == paths[i-1] {
				return paths[i], true
			}
		}
		return "", false
	}
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
		var name string
		var hash uint64
		exists := true // an Extras' mount names a volume of the pod or of the Extras
		var ours corev1.VolumeMount
		if w.plain != nil {
			w.plain.DeepCopyInto(&ours)
		} else {
			name, hash, exists = a.volumeFor(w)
			ours = corev1.VolumeMount{Name: name, ReadOnly: true, MountPath: w.path}
		}
		idx := a.hasMount.find(orig, w.path, func(k int) string { return c.VolumeMounts[k].MountPath })
		switch {
		case idx < 0:
			c.VolumeMounts = append(c.VolumeMounts, ours)
		case equality.Semantic.DeepEqual(c.VolumeMounts[idx], ours):
			// Compared field by field through apimachinery: VolumeMount gains fields (slices
			// among them, e.g. bindMountOptions in k8s.io/api v0.37) that == cannot compare.
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
	if len(a.added) <= smallList {
		if v := a.addedSame(w); v != nil {
			return v.name, v.hash, true
		}
		hash = volumeHash(w.secret, w.items, w.hasMode, w.mode, w.optional)
	} else {
		// Equal wants have equal hashes: the first added volume with w's hash is w's,
		// unless (by a 64-bit chance) another content has the same hash; a scan settles that.
		hash = volumeHash(w.secret, w.items, w.hasMode, w.mode, w.optional)
		if i := a.addedHash.find(len(a.added), hash, func(i int) uint64 { return a.added[i].hash }); i >= 0 {
			v := &a.added[i]
			if !v.want.same(w) {
				v = a.addedSame(w)
			}
			if v != nil {
				return v.name, v.hash, true
			}
		}
	}
	for salt := 0; ; salt++ {
		name = volumeName(w.secret, saltHash(hash, salt))
		if v := a.userVolume(name); v != nil {
			if w.matches(v) {
				return name, hash, true
			}
			continue
		}
		if a.addedName.find(len(a.added), name, func(i int) string { return a.added[i].name }) >= 0 {
			continue // another content's name, by a 40-bit chance; ours was found above if added
		}
		return name, hash, false
	}
}

// addedSame returns the added volume w needs, or nil.
func (a *applier) addedSame(w *wantMount) *addedVolume {
	for i := range a.added {
		if v := &a.added[i]; v.want.same(w) {
			return v
		}
	}
	return nil
}

func (a *applier) userVolume(name string) *corev1.Volume {
	if len(a.extraVols) > 0 {
		if v, _ := a.extrasVolume(name); v != nil {
			return v
		}
	}
	vs := a.src.Volumes
	if i := a.podVolume.find(len(vs), name, func(i int) string { return vs[i].Name }); i >= 0 {
		return &vs[i]
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
	if len(x) == 0 || len(y) == 0 {
		return mergeItems(x, y)
	}
	k := mergeKey{&x[0], &y[0], len(x), len(y)}
	if i := a.merged.find(len(a.merges), k, func(i int) mergeKey { return a.merges[i].key() }); i >= 0 {
		return a.merges[i].out
	}
	out := mergeItems(x, y)
	a.merges = append(a.merges, merged{x, y, out})
	return out
}

// mergeKey identifies two non-empty slices by their memory.
type mergeKey struct {
	a, b   *corev1.KeyToPath
	la, lb int
}

func (m *merged) key() mergeKey { return mergeKey{&m.a[0], &m.b[0], len(m.a), len(m.b)} }
