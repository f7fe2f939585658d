package inject

import (
	"errors"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Apply returns a copy of spec in which every container a ref selects receives the ref's
// Secret, as the ref's delivery says; spec itself is never modified and the result shares
// no memory with it or with refs.
//
// The refs are validated first (secretspec.ValidateRefs, paths "refs[i]…"), together with
// the options and the container names the refs select; every problem is returned at once.
// Then each container, init containers first, gets what its refs want: existing entries
// keep their place, new ones are appended in ref order, then the WithEnv variables. An
// existing entry identical to a new one is left alone, so Apply(Apply(x)) equals Apply(x);
// a different one is a conflict, resolved by the ConflictPolicy (default: an error naming
// both sides, with paths "spec.containers[i]…").
//
// The errors are a k8s.io/apimachinery utilerrors.Aggregate of *field.Error.
func Apply(spec *corev1.PodSpec, refs []secretspec.Ref, opts ...Option) (*corev1.PodSpec, error) {
	if spec == nil {
		return nil, errors.New("inject: the PodSpec is nil")
	}
	out := new(corev1.PodSpec)
	if err := applyTo(out, spec, refs, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// ApplyPod is Apply for a whole Pod: the result is a copy of pod whose spec is what Apply
// makes of pod.Spec. Its metadata and status are copied unchanged.
func ApplyPod(pod *corev1.Pod, refs []secretspec.Ref, opts ...Option) (*corev1.Pod, error) {
	if pod == nil {
		return nil, errors.New("inject: the Pod is nil")
	}
	out := &corev1.Pod{TypeMeta: pod.TypeMeta}
	if err := applyTo(&out.Spec, &pod.Spec, refs, opts); err != nil {
		return nil, err
	}
	pod.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	pod.Status.DeepCopyInto(&out.Status)
	return out, nil
}

// applier holds the state of one Apply.
type applier struct {
	cfg  config
	refs []nref
	errs field.ErrorList
	src  *corev1.PodSpec

	added  []addedVolume
	merges []merged

	// scratch, reused for each container (see scratch)
	envs   []wantEnv
	froms  []wantEnvFrom
	mounts []wantMount
}

// target is the container being worked on, for error paths (built only on error).
type target struct {
	init  bool
	index int
	name  string
}

func (t target) path(child string, i int) *field.Path {
	list := "containers"
	if t.init {
		list = "initContainers"
	}
	return field.NewPath("spec", list).Index(t.index).Child(child).Index(i)
}

// addedVolume is a volume Apply adds, with the ref that first needed it (volumes are
// appended in ref order).
type addedVolume struct {
	order int
	hash  uint64
	name  string
	want  wantMount
}

func applyTo(dst, src *corev1.PodSpec, refs []secretspec.Ref, opts []Option) error {
	var cfg config // passed by value: a pointer through an interface call would escape
	for _, o := range opts {
		if o != nil {
			cfg = o.apply(cfg)
		}
	}
	a := applier{cfg: cfg}
	refsPath := field.NewPath("refs")
	errs := secretspec.ValidateRefs(refs, refsPath)
	if p := a.cfg.policy; p < ConflictFail || p > ConflictOverride {
		errs = append(errs, field.NotSupported(field.NewPath("options", "conflictPolicy"), p.String(),
			[]string{ConflictFail.String(), ConflictKeepExisting.String(), ConflictOverride.String()}))
	}
	errs = append(errs, validateWithEnv(a.cfg.env)...)
	errs = append(errs, validateContainers(src, refs, refsPath)...)
	if len(errs) > 0 {
		return errs.ToAggregate()
	}
	a.refs = normalize(refs)
	a.src = src
	a.scratch()

	// Everything but the four lists Apply extends is copied as it is; those four are
	// made with their final capacity, so that no copy is thrown away.
	rest := *src
	rest.InitContainers, rest.Containers, rest.Volumes, rest.ImagePullSecrets = nil, nil, nil, nil
	rest.DeepCopyInto(dst)
	dst.InitContainers = a.containers(src.InitContainers, true)
	dst.Containers = a.containers(src.Containers, false)
	if len(a.errs) > 0 {
		return a.errs.ToAggregate()
	}
	dst.Volumes = a.volumes()
	dst.ImagePullSecrets = a.pullSecrets()
	return nil
}

// scratch sizes the per-container lists for the largest need, so that they never grow.
func (a *applier) scratch() {
	var envs, froms, mounts int
	for i := range a.refs {
		switch a.refs[i].r.As {
		case secretspec.Env:
			envs++
		case secretspec.EnvFrom:
			froms++
		case secretspec.Mount:
			mounts++
		case secretspec.GitSSH:
			envs++
			mounts++
		}
	}
	envs += len(a.cfg.env)
	if envs > cap(a.envs) {
		a.envs = make([]wantEnv, 0, envs)
	}
	if froms > cap(a.froms) {
		a.froms = make([]wantEnvFrom, 0, froms)
	}
	if mounts > cap(a.mounts) {
		a.mounts = make([]wantMount, 0, mounts)
	}
	if mounts > cap(a.added) {
		a.added = make([]addedVolume, 0, mounts)
	}
}

// containers copies src, giving each container what the refs that reach it want.
func (a *applier) containers(src []corev1.Container, init bool) []corev1.Container {
	if src == nil {
		return nil
	}
	out := make([]corev1.Container, len(src))
	for i := range src {
		a.container(&out[i], &src[i], target{init: init, index: i, name: src[i].Name})
	}
	return out
}

// volumes copies the pod's volumes and appends the ones Apply added, in ref order.
func (a *applier) volumes() []corev1.Volume {
	src := a.src.Volumes
	if len(a.added) == 0 {
		return copyList(src, 0, (*corev1.Volume).DeepCopyInto)
	}
	slices.SortStableFunc(a.added, func(x, y addedVolume) int { return x.order - y.order })
	out := copyList(src, len(a.added), (*corev1.Volume).DeepCopyInto)
	for i := range a.added {
		out = append(out, a.added[i].want.volume(a.added[i].name))
	}
	return out
}

// copyList deep-copies src into a new slice with room for extra more elements; nil stays
// nil when nothing is to be added.
func copyList[T any](src []T, extra int, deepCopyInto func(*T, *T)) []T {
	if src == nil && extra == 0 {
		return nil
	}
	out := make([]T, len(src), len(src)+extra)
	for i := range src {
		deepCopyInto(&src[i], &out[i])
	}
	return out
}

// validateWithEnv checks the names of the WithEnv variables.
func validateWithEnv(env []corev1.EnvVar) field.ErrorList {
	var errs field.ErrorList
	for i := range env {
		for _, msg := range validation.IsRelaxedEnvVarName(env[i].Name) {
			errs = append(errs, field.Invalid(field.NewPath("withEnv").Index(i).Child("name"), env[i].Name, msg))
		}
	}
	return errs
}

// validateContainers checks that every container a ref names exists and can receive secrets.
func validateContainers(spec *corev1.PodSpec, refs []secretspec.Ref, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i := range refs {
		for j, name := range refs[i].Containers {
			if hasContainer(spec.Containers, name) || hasContainer(spec.InitContainers, name) {
				continue
			}
			fp := p.Index(i).Child("containers").Index(j)
			if slices.ContainsFunc(spec.EphemeralContainers, func(c corev1.EphemeralContainer) bool { return c.Name == name }) {
				errs = append(errs, field.Invalid(fp, name, "names an ephemeral container; ephemeral containers never receive secrets"))
				continue
			}
			errs = append(errs, field.NotFound(fp, name))
		}
	}
	return errs
}

func hasContainer(cs []corev1.Container, name string) bool {
	for i := range cs {
		if cs[i].Name == name {
			return true
		}
	}
	return false
}

// container makes dst a copy of src that has what the refs reaching src want.
func (a *applier) container(dst, src *corev1.Container, t target) {
	a.envs, a.froms, a.mounts = a.envs[:0], a.froms[:0], a.mounts[:0]
	for i := range a.refs {
		n := &a.refs[i]
		if !n.reaches(src.Name, t.init, a.cfg.noInit) {
			continue
		}
		s := source{ref: i}
		switch n.r.As {
		case secretspec.Env:
			a.wantEnv(t, wantEnv{name: n.r.EnvVar, src: s, kind: envSecret, secret: n.r.Secret, key: n.key, optional: n.r.Optional})
		case secretspec.EnvFrom:
			a.wantEnvFrom(t, wantEnvFrom{src: s, secret: n.r.Secret, prefix: n.r.Prefix, optional: n.r.Optional})
		case secretspec.Mount:
			a.wantMount(t, n, s)
		case secretspec.GitSSH:
			a.wantMount(t, n, s)
			a.wantEnv(t, wantEnv{name: gitSSHEnvVar, src: s, kind: envLiteral, value: n.command})
		}
	}
	if !t.init || !a.cfg.noInit {
		for k := range a.cfg.env {
			a.wantEnv(t, wantEnv{name: a.cfg.env[k].Name, src: source{ref: k, withEnv: true}, kind: envPlain, plain: &a.cfg.env[k]})
		}
	}
	rest := *src
	rest.Env, rest.EnvFrom, rest.VolumeMounts = nil, nil, nil
	rest.DeepCopyInto(dst)
	dst.Env = copyList(src.Env, len(a.envs), (*corev1.EnvVar).DeepCopyInto)
	dst.EnvFrom = copyList(src.EnvFrom, len(a.froms), (*corev1.EnvFromSource).DeepCopyInto)
	dst.VolumeMounts = copyList(src.VolumeMounts, len(a.mounts), (*corev1.VolumeMount).DeepCopyInto)
	a.applyEnv(dst, t)
	a.applyEnvFrom(dst, t)
	a.applyMounts(dst, t)
}

// wantEnv records w, unless an identical variable is already wanted; a different one of
// the same name is an error.
func (a *applier) wantEnv(t target, w wantEnv) {
	for i := range a.envs {
		o := &a.envs[i]
		if o.name != w.name {
			continue
		}
		if !o.same(&w) {
			a.errs = append(a.errs, field.Forbidden(sourcePath(w.src), fmt.Sprintf(
				"container %q: %s sets env var %q from %s, but %s sets it from %s",
				t.name, describeSource(w.src), w.name, w.describe(), describeSource(o.src), o.describe())))
		}
		return
	}
	a.envs = append(a.envs, w)
}

// same reports whether two wanted variables are identical.
func (w *wantEnv) same(o *wantEnv) bool {
	if w.kind == o.kind && w.kind != envPlain {
		return w.secret == o.secret && w.key == o.key && w.optional == o.optional && w.value == o.value
	}
	e := o.build()
	return w.matches(&e)
}

func sourcePath(s source) *field.Path {
	if s.withEnv {
		return field.NewPath("withEnv").Index(s.ref)
	}
	return field.NewPath("refs").Index(s.ref)
}

// build makes the variable w wants; it shares no memory with the inputs.
func (w *wantEnv) build() corev1.EnvVar {
	switch w.kind {
	case envSecret:
		sel := &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: w.secret}, Key: w.key}
		if w.optional {
			sel.Optional = ptrTrue()
		}
		return corev1.EnvVar{Name: w.name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: sel}}
	case envLiteral:
		return corev1.EnvVar{Name: w.name, Value: w.value}
	}
	var e corev1.EnvVar
	w.plain.DeepCopyInto(&e)
	return e
}

// matches reports whether the pod's variable e is exactly what w wants (an unset optional
// flag equals false).
func (w *wantEnv) matches(e *corev1.EnvVar) bool {
	if e.Name != w.name {
		return false
	}
	switch w.kind {
	case envSecret:
		if e.Value != "" || e.ValueFrom == nil {
			return false
		}
		s := e.ValueFrom.SecretKeyRef
		rest := *e.ValueFrom
		rest.SecretKeyRef = nil
		return s != nil && rest == (corev1.EnvVarSource{}) && s.Name == w.secret && s.Key == w.key && isTrue(s.Optional) == w.optional
	case envLiteral:
		return e.ValueFrom == nil && e.Value == w.value
	}
	return equality.Semantic.DeepEqual(*e, *w.plain)
}

// wantEnvFrom records w unless it is already wanted.
func (a *applier) wantEnvFrom(t target, w wantEnvFrom) {
	for i := range a.froms {
		o := &a.froms[i]
		if o.secret != w.secret || o.prefix != w.prefix {
			continue
		}
		if o.optional != w.optional {
			a.errs = append(a.errs, field.Forbidden(sourcePath(w.src), fmt.Sprintf(
				"container %q: %s wants envFrom %s, but %s wants %s",
				t.name, describeSource(w.src), w.describe(), describeSource(o.src), o.describe())))
		}
		return
	}
	a.froms = append(a.froms, w)
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

func (a *applier) applyEnv(c *corev1.Container, t target) {
	orig := len(c.Env)
	for i := range a.envs {
		w := &a.envs[i]
		idx := -1
		for k := 0; k < orig; k++ {
			if c.Env[k].Name == w.name {
				idx = k
				break
			}
		}
		if idx < 0 {
			c.Env = append(c.Env, w.build())
			continue
		}
		if w.matches(&c.Env[idx]) {
			continue
		}
		switch a.cfg.policy {
		case ConflictFail:
			a.errs = append(a.errs, field.Forbidden(t.path("env", idx), fmt.Sprintf(
				"conflict: container %q has env var %q from %s, and %s wants it from %s",
				c.Name, w.name, describeEnvVar(&c.Env[idx]), describeSource(w.src), w.describe())))
		case ConflictOverride:
			c.Env[idx] = w.build()
		}
	}
}

func (a *applier) applyEnvFrom(c *corev1.Container, t target) {
	orig := len(c.EnvFrom)
	for i := range a.froms {
		w := &a.froms[i]
		idx := -1
		for k := 0; k < orig; k++ {
			e := &c.EnvFrom[k]
			if e.SecretRef != nil && e.SecretRef.Name == w.secret && e.Prefix == w.prefix {
				idx = k
				break
			}
		}
		if idx < 0 {
			c.EnvFrom = append(c.EnvFrom, w.build())
			continue
		}
		e := &c.EnvFrom[idx]
		if e.ConfigMapRef == nil && isTrue(e.SecretRef.Optional) == w.optional {
			continue
		}
		switch a.cfg.policy {
		case ConflictFail:
			a.errs = append(a.errs, field.Forbidden(t.path("envFrom", idx), fmt.Sprintf(
				"conflict: container %q has envFrom %s, and %s wants envFrom %s",
				c.Name, describeEnvFrom(e), describeSource(w.src), w.describe())))
		case ConflictOverride:
			c.EnvFrom[idx] = w.build()
		}
	}
}

func (w *wantEnvFrom) build() corev1.EnvFromSource {
	ref := &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: w.secret}}
	if w.optional {
		ref.Optional = ptrTrue()
	}
	return corev1.EnvFromSource{Prefix: w.prefix, SecretRef: ref}
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

// volume builds the secret volume w needs; it shares no memory with the inputs.
func (w *wantMount) volume(name string) corev1.Volume {
	s := &corev1.SecretVolumeSource{SecretName: w.secret}
	if w.items != nil {
		s.Items = make([]corev1.KeyToPath, len(w.items))
		for i := range w.items {
			w.items[i].DeepCopyInto(&s.Items[i])
		}
	}
	if w.hasMode {
		m := w.mode
		s.DefaultMode = &m
	}
	if w.optional {
		s.Optional = ptrTrue()
	}
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Secret: s}}
}

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
	for i := range a.refs {
		n := &a.refs[i]
		if n.r.As != secretspec.PullSecret {
			continue
		}
		if slices.ContainsFunc(out, func(r corev1.LocalObjectReference) bool { return r.Name == n.r.Secret }) {
			continue
		}
		out = append(out, corev1.LocalObjectReference{Name: n.r.Secret})
	}
	return out
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

func ptrTrue() *bool {
	t := true
	return &t
}

func isTrue(b *bool) bool { return b != nil && *b }
