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
	dst  *corev1.PodSpec

	added []addedVolume

	// scratch, reused for each container
	envs   []wantEnv
	froms  []wantEnvFrom
	mounts []wantMount
}

// addedVolume is a volume Apply adds, with the ref that first needed it (volumes are
// appended in ref order).
type addedVolume struct {
	order int
	hash  uint64
	vol   corev1.Volume
}

func applyTo(dst, src *corev1.PodSpec, refs []secretspec.Ref, opts []Option) error {
	a := applier{dst: dst}
	for _, o := range opts {
		if o != nil {
			o.apply(&a.cfg)
		}
	}
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

	src.DeepCopyInto(dst)
	specPath := field.NewPath("spec")
	initPath := specPath.Child("initContainers")
	for i := range dst.InitContainers {
		a.container(&dst.InitContainers[i], initPath.Index(i), true)
	}
	mainPath := specPath.Child("containers")
	for i := range dst.Containers {
		a.container(&dst.Containers[i], mainPath.Index(i), false)
	}
	if len(a.errs) > 0 {
		return a.errs.ToAggregate()
	}
	if len(a.added) > 0 {
		slices.SortStableFunc(a.added, func(x, y addedVolume) int { return x.order - y.order })
		vols := make([]corev1.Volume, len(dst.Volumes), len(dst.Volumes)+len(a.added))
		copy(vols, dst.Volumes)
		for i := range a.added {
			vols = append(vols, a.added[i].vol)
		}
		dst.Volumes = vols
	}
	a.pullSecrets()
	return nil
}

// validateWithEnv checks the names of the WithEnv variables.
func validateWithEnv(env []corev1.EnvVar) field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("withEnv")
	for i := range env {
		for _, msg := range validation.IsRelaxedEnvVarName(env[i].Name) {
			errs = append(errs, field.Invalid(p.Index(i).Child("name"), env[i].Name, msg))
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

// container gives c what the refs that reach it want.
func (a *applier) container(c *corev1.Container, p *field.Path, init bool) {
	a.envs, a.froms, a.mounts = a.envs[:0], a.froms[:0], a.mounts[:0]
	for i := range a.refs {
		n := &a.refs[i]
		if !n.reaches(c.Name, init, a.cfg.noInit) {
			continue
		}
		src := source{ref: i}
		switch n.as {
		case secretspec.Env:
			a.wantEnv(c, wantEnv{name: n.envVar, src: src, kind: envSecret, secret: n.secret, key: n.key, optional: n.optional})
		case secretspec.EnvFrom:
			a.wantEnvFrom(c, wantEnvFrom{src: src, secret: n.secret, prefix: n.prefix, optional: n.optional})
		case secretspec.Mount:
			a.wantMount(c, n, src)
		case secretspec.GitSSH:
			a.wantMount(c, n, src)
			a.wantEnv(c, wantEnv{name: gitSSHEnvVar, src: src, kind: envLiteral, value: n.command})
		}
	}
	if !init || !a.cfg.noInit {
		for k := range a.cfg.env {
			a.wantEnv(c, wantEnv{name: a.cfg.env[k].Name, src: source{ref: k, withEnv: true}, kind: envPlain, plain: &a.cfg.env[k]})
		}
	}
	a.applyEnv(c, p)
	a.applyEnvFrom(c, p)
	a.applyMounts(c, p)
}

// wantEnv records w, unless an identical variable is already wanted; a different one of
// the same name is an error.
func (a *applier) wantEnv(c *corev1.Container, w wantEnv) {
	for i := range a.envs {
		o := &a.envs[i]
		if o.name != w.name {
			continue
		}
		if !o.same(&w) {
			a.errs = append(a.errs, field.Forbidden(sourcePath(w.src), fmt.Sprintf(
				"container %q: %s sets env var %q from %s, but %s sets it from %s",
				c.Name, describeSource(w.src), w.name, w.describe(), describeSource(o.src), o.describe())))
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
func (a *applier) wantEnvFrom(c *corev1.Container, w wantEnvFrom) {
	for i := range a.froms {
		o := &a.froms[i]
		if o.secret != w.secret || o.prefix != w.prefix {
			continue
		}
		if o.optional != w.optional {
			a.errs = append(a.errs, field.Forbidden(sourcePath(w.src), fmt.Sprintf(
				"container %q: %s wants envFrom %s, but %s wants %s",
				c.Name, describeSource(w.src), w.describe(), describeSource(o.src), o.describe())))
		}
		return
	}
	a.froms = append(a.froms, w)
}

// wantMount records the mount ref n wants, merging it with a wanted mount of the same
// Secret at the same path.
func (a *applier) wantMount(c *corev1.Container, n *nref, src source) {
	for i := range a.mounts {
		m := &a.mounts[i]
		if m.path != n.mountPath {
			continue
		}
		if m.secret != n.secret || m.hasMode != n.hasMode || m.mode != n.mode || m.optional != n.optional || (m.items == nil) != (n.items == nil) {
			w := wantMount{secret: n.secret, items: n.items, hasMode: n.hasMode, mode: n.mode, optional: n.optional}
			a.errs = append(a.errs, field.Forbidden(sourcePath(src), fmt.Sprintf(
				"container %q: %s mounts %s at %q, where %s mounts %s",
				c.Name, describeSource(src), w.describe(), n.mountPath, describeSource(m.src), m.describe())))
			return
		}
		if m.items != nil && !itemsSubset(m.items, n.items) {
			m.items = mergeItems(m.items, n.items)
			if p, ok := clashingPath(m.items); ok {
				a.errs = append(a.errs, field.Forbidden(sourcePath(src), fmt.Sprintf(
					"container %q: %s and %s put different keys of Secret %q at the same file %q under %q",
					c.Name, describeSource(src), describeSource(m.src), n.secret, p, n.mountPath)))
			}
		}
		return
	}
	a.mounts = append(a.mounts, wantMount{src: src, path: n.mountPath, secret: n.secret, items: n.items,
		hasMode: n.hasMode, mode: n.mode, optional: n.optional})
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

func (a *applier) applyEnv(c *corev1.Container, p *field.Path) {
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
			a.errs = append(a.errs, field.Forbidden(p.Child("env").Index(idx), fmt.Sprintf(
				"conflict: container %q has env var %q from %s, and %s wants it from %s",
				c.Name, w.name, describeEnvVar(&c.Env[idx]), describeSource(w.src), w.describe())))
		case ConflictOverride:
			c.Env[idx] = w.build()
		}
	}
}

func (a *applier) applyEnvFrom(c *corev1.Container, p *field.Path) {
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
			a.errs = append(a.errs, field.Forbidden(p.Child("envFrom").Index(idx), fmt.Sprintf(
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

func (a *applier) applyMounts(c *corev1.Container, p *field.Path) {
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
			a.errs = append(a.errs, field.Forbidden(p.Child("volumeMounts").Index(idx), fmt.Sprintf(
				"conflict: container %q mounts %s at %q, and %s wants %s there",
				c.Name, describeMount(&c.VolumeMounts[idx]), w.path, describeSource(w.src), w.describe())))
			continue
		case a.cfg.policy == ConflictOverride:
			c.VolumeMounts[idx] = ours
		default:
			continue
		}
		if !exists {
			a.added = append(a.added, addedVolume{order: w.src.ref, hash: hash, vol: w.volume(name)})
		}
	}
}

// volumeFor returns the name of the volume w needs, its content hash, and whether the pod
// (or this Apply) already has it.
func (a *applier) volumeFor(w *wantMount) (name string, hash uint64, exists bool) {
	hash = volumeHash(w.secret, w.items, w.hasMode, w.mode, w.optional)
	for i := range a.added {
		if v := &a.added[i]; v.hash == hash && w.matches(&v.vol) {
			return v.vol.Name, hash, true
		}
	}
	for salt := 0; ; salt++ {
		name = volumeName(w.secret, saltHash(hash, salt))
		v := a.findVolume(name)
		if v == nil {
			return name, hash, false
		}
		if w.matches(v) {
			return name, hash, true
		}
	}
}

func (a *applier) findVolume(name string) *corev1.Volume {
	for i := range a.dst.Volumes {
		if a.dst.Volumes[i].Name == name {
			return &a.dst.Volumes[i]
		}
	}
	for i := range a.added {
		if a.added[i].vol.Name == name {
			return &a.added[i].vol
		}
	}
	return nil
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
	if len(s.Items) != len(w.items) || (s.Items == nil) != (w.items == nil) && len(w.items) > 0 {
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

// pullSecrets appends the PullSecret refs' Secrets the pod does not list yet.
func (a *applier) pullSecrets() {
	for i := range a.refs {
		n := &a.refs[i]
		if n.as != secretspec.PullSecret {
			continue
		}
		if slices.ContainsFunc(a.dst.ImagePullSecrets, func(r corev1.LocalObjectReference) bool { return r.Name == n.secret }) {
			continue
		}
		a.dst.ImagePullSecrets = append(a.dst.ImagePullSecrets, corev1.LocalObjectReference{Name: n.secret})
	}
}

func ptrTrue() *bool {
	t := true
	return &t
}

func isTrue(b *bool) bool { return b != nil && *b }
