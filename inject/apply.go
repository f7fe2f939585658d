package inject

import (
	"errors"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Apply returns a copy of spec in which every container a ref selects receives the ref's
// Secret, as the ref's delivery says; spec itself is never modified and the result shares
// no memory with it or with refs.
//
// The refs are validated first (secretspec.ValidateRefs, paths "refs[i]…"), together with
// the options, the Extras ("extras[i]…") and the container names the refs select; every
// problem is returned at once. A PodSpec without containers is an error.
// Then each container, init containers first, gets what its refs want: existing entries
// keep their place, new ones are appended in ref order, then the Extras' variables and
// mounts (WithExtras, WithEnv; see the package documentation for the Extras' volumes, init
// containers and annotations; a bare PodSpec cannot take annotations). An
// existing entry identical to a new one is left alone, so Apply(Apply(x)) equals Apply(x);
// a different one is a conflict, resolved by the ConflictPolicy (default: an error naming
// both sides, with paths "spec.containers[i]…").
//
// The errors are a k8s.io/apimachinery utilerrors.Aggregate of *field.Error.
func Apply(spec *corev1.PodSpec, refs []secretspec.Ref, opts ...Option) (*corev1.PodSpec, error) {
	if spec == nil {
		return nil, errors.New("inject: the PodSpec is nil")
	}
	if err := refuseSecretsHash(opts); err != nil {
		return nil, err
	}
	out := new(corev1.PodSpec)
	if err := applyTo(out, spec, nil, nil, refs, opts, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// ApplyPod is Apply for a whole Pod: the result is a copy of pod whose spec is what Apply
// makes of pod.Spec, and whose annotations have the Extras' annotations (paths
// "metadata.annotations[key]"). The rest of its metadata and its status are copied unchanged.
func ApplyPod(pod *corev1.Pod, refs []secretspec.Ref, opts ...Option) (*corev1.Pod, error) {
	if pod == nil {
		return nil, errors.New("inject: the Pod is nil")
	}
	out := &corev1.Pod{TypeMeta: pod.TypeMeta}
	if err := applyTo(&out.Spec, &pod.Spec, &out.ObjectMeta, &pod.ObjectMeta, refs, opts, nil); err != nil {
		return nil, err
	}
	if err := stampSecretsHash(&out.ObjectMeta, &out.Spec, opts); err != nil {
		return nil, err
	}
	pod.Status.DeepCopyInto(&out.Status)
	return out, nil
}

// applier holds the state of one Apply.
type applier struct {
	cfg  config
	refs []nref
	errs field.ErrorList
	src  *corev1.PodSpec
	at   *field.Path // where the PodSpec is, for error paths; nil is "spec" (a pod or template)

	added  []addedVolume
	merges []merged

	fetchers    []extrasItem[corev1.Container] // the Extras' init containers (see settleExtras)
	extraVols   []extrasItem[corev1.Volume]    // the Extras' volumes
	fetcherIdx  index[string]                  // of fetchers, by name
	extraVolIdx index[string]                  // of extraVols, by name
	podInit     index[string]                  // of the pod's init containers, by name
	slab        slab

	// scratch, reused for each container (see scratch)
	envs   []wantEnv
	froms  []wantEnvFrom
	mounts []wantMount
	drops  []int // entries of a container's list that ConflictOverride removes

	// indexes of long lists (see index): the wanted entries and the container's own
	// entries, reset for each container; the volumes added and the pod's own volumes
	wantedEnv, wantedMount index[string]
	wantedFrom             index[fromKey]
	hasEnv, hasMount       index[string]
	hasFrom                index[fromKey]
	addedHash              index[uint64]
	addedName, podVolume   index[string]
	merged                 index[mergeKey]
}

// fromKey is what identifies an envFrom entry from a Secret.
type fromKey struct{ secret, prefix string }

// target is the container being worked on, for error paths (built only on error).
type target struct {
	at    *field.Path // the PodSpec's path; nil is "spec"
	init  bool
	index int
	name  string
}

func (t target) path(child string, i int) *field.Path {
	list := "containers"
	if t.init {
		list = "initContainers"
	}
	return specPath(t.at).Child(list).Index(t.index).Child(child).Index(i)
}

// specPath is the PodSpec's path for errors: at, or "spec" when at is nil.
func specPath(at *field.Path) *field.Path {
	if at == nil {
		return field.NewPath("spec")
	}
	return at
}

// applyTo makes dst what Apply makes of src, and dstMeta a copy of srcMeta with the Extras'
// annotations (both nil for a bare PodSpec, which cannot take annotations); at is the path of
// src in the caller's object, for the errors about its containers (nil: "spec", as in a Pod or
// PodTemplateSpec).
func applyTo(dst, src *corev1.PodSpec, dstMeta, srcMeta *metav1.ObjectMeta, refs []secretspec.Ref, opts []Option, at *field.Path) error {
	var cfg config // passed by value: a pointer through an interface call would escape
	for _, o := range opts {
		if o != nil {
			cfg = o.apply(cfg)
		}
	}
	a := applier{cfg: cfg}
	// Paths are built only for errors: a valid list is checked at a nil path, an invalid
	// one again at "refs".
	errs := secretspec.ValidateRefs(refs, nil)
	if len(errs) > 0 {
		errs = secretspec.ValidateRefs(refs, field.NewPath("refs"))
	}
	if p := a.cfg.policy; p < ConflictFail || p > ConflictOverride {
		errs = append(errs, field.NotSupported(field.NewPath("options", "conflictPolicy"), p.String(),
			[]string{ConflictFail.String(), ConflictKeepExisting.String(), ConflictOverride.String()}))
	}
	if len(a.cfg.extras) > 0 {
		names := newExtrasNames(a.cfg.extras, src)
		errs = append(errs, validateExtras(a.cfg.extras, src, &names, srcMeta != nil)...)
	}
	if !a.cfg.obj.containersChecked { // ApplyObject checks them across its templates
		errs = append(errs, validateContainers(src, refs, a.cfg.extras)...)
	}
	if len(src.Containers) == 0 && (len(refs) > 0 || slices.ContainsFunc(a.cfg.extras, func(x secretspec.Extras) bool { return !x.IsZero() })) {
		errs = append(errs, field.Required(specPath(at).Child("containers"),
			"the PodSpec has no containers, so the refs and Extras would reach nothing (a pod needs at least one container)"))
	}
	if len(errs) > 0 {
		return errlist.From(errs)
	}
	a.refs = normalize(refs)
	a.src = src
	a.at = at
	a.scratch()
	a.slab.size(a.countSlab(src))
	if len(a.cfg.extras) > 0 {
		a.settleExtras()
	}

	// Everything but the four lists Apply extends is copied as it is; those four are
	// made with their final capacity, so that no copy is thrown away.
	rest := *src
	rest.InitContainers, rest.Containers, rest.Volumes, rest.ImagePullSecrets = nil, nil, nil, nil
	rest.DeepCopyInto(dst)
	dst.InitContainers = a.initContainers()
	dst.Containers = a.containers(src.Containers, false)
	if srcMeta != nil {
		srcMeta.DeepCopyInto(dstMeta)
		if len(a.cfg.extras) > 0 {
			a.annotations(dstMeta, srcMeta, metadataPath(at))
		}
	}
	if len(a.errs) > 0 {
		return errlist.From(a.errs)
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
	for k := range a.cfg.extras {
		envs += len(a.cfg.extras[k].Env)
		mounts += len(a.cfg.extras[k].Mounts)
	}
	if envs > cap(a.envs) {
		a.envs = make([]wantEnv, 0, envs)
	}
	if froms > cap(a.froms) {
		a.froms = make([]wantEnvFrom, 0, froms)
	}
	if mounts > cap(a.mounts) {
		a.mounts = make([]wantMount, 0, mounts)
	}
	if mounts > cap(a.added) { // at most: Extras' mounts add no volume
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
		a.container(&out[i], &src[i], target{at: a.at, init: init, index: i, name: src[i].Name})
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

// validateContainers checks that every container a ref names exists and can receive secrets
// (an init container of the Extras cannot: it is added as given).
func validateContainers(spec *corev1.PodSpec, refs []secretspec.Ref, xs []secretspec.Extras) field.ErrorList {
	var errs field.ErrorList
	var names map[string]struct{} // for a pod of many containers, instead of scans
	if len(spec.Containers)+len(spec.InitContainers) > smallList {
		names = make(map[string]struct{}, len(spec.Containers)+len(spec.InitContainers))
		for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
			for i := range cs {
				names[cs[i].Name] = struct{}{}
			}
		}
	}
	var fetchers fetcherNames
	for i := range refs {
		for j, name := range refs[i].Containers {
			if len(xs) > 0 && fetchers.isFetcher(xs, name) {
				errs = append(errs, field.Invalid(field.NewPath("refs").Index(i).Child("containers").Index(j), name,
					"names an init container of the Extras; those are added as given and receive no refs"))
				continue
			}
			if names != nil {
				if _, ok := names[name]; ok {
					continue
				}
			} else if hasContainer(spec.Containers, name) || hasContainer(spec.InitContainers, name) {
				continue
			}
			fp := field.NewPath("refs").Index(i).Child("containers").Index(j)
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
	a.wantedEnv.reset()
	a.wantedFrom.reset()
	a.wantedMount.reset()
	a.hasEnv.reset()
	a.hasFrom.reset()
	a.hasMount.reset()
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
	for k := range a.cfg.extras {
		x := &a.cfg.extras[k]
		if !a.extrasReach(x, src.Name, t.init) {
			continue
		}
		for j := range x.Env {
			a.wantEnv(t, wantEnv{name: x.Env[j].Name, src: source{ref: k, list: fromExtrasEnv, item: j}, kind: envPlain, plain: &x.Env[j]})
		}
		for j := range x.Mounts {
			a.wantPlainMount(t, &x.Mounts[j], source{ref: k, list: fromExtrasMounts, item: j})
		}
	}
	a.settleMounts(t)
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

func isTrue(b *bool) bool { return b != nil && *b }
