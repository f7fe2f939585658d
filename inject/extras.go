package inject

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// What follows applies the Extras' volumes and fetcher init containers; their variables and
// mounts are wanted per container beside the refs' (see applier.container), and their
// annotations are in annotations.go.

// extrasItem is one volume or init container of an Extras, where it came from, and what
// becomes of it: added to the pod (at < 0), or the pod's entry at index at, left alone or
// (override) replaced.
type extrasItem[T any] struct {
	x, i     int // extras[x].<list>[i]
	v        *T
	at       int
	override bool
}

// extrasPath is "extras[x].list[i]".
func extrasPath(x int, list string, i int) *field.Path {
	return field.NewPath("extras").Index(x).Child(list).Index(i)
}

// validateExtras checks every Extras on its own (secretspec.Extras.Validate) and against the
// pod and each other: Containers name containers of the pod, mounts name volumes of the pod or
// of an Extras, fetchers do not take the name of one of the pod's containers, and two Extras
// that give one volume, init container or annotation give the same. meta says whether there
// is metadata for annotations (a Pod or pod template).
func validateExtras(xs []secretspec.Extras, spec *corev1.PodSpec, meta bool) field.ErrorList {
	var errs field.ErrorList
	for k := range xs {
		x := &xs[k]
		if e := x.Validate(nil); len(e) > 0 {
			errs = append(errs, x.Validate(field.NewPath("extras").Index(k))...)
		}
		for j, name := range x.Containers {
			fp := func() *field.Path { return field.NewPath("extras").Index(k).Child("containers").Index(j) }
			switch {
			case name == "":
			case isFetcher(xs, name):
				errs = append(errs, field.Invalid(fp(), name, "names an init container of the Extras; those are added as given and receive nothing else"))
			case hasContainer(spec.Containers, name) || hasContainer(spec.InitContainers, name):
			case slices.ContainsFunc(spec.EphemeralContainers, func(c corev1.EphemeralContainer) bool { return c.Name == name }):
				errs = append(errs, field.Invalid(fp(), name, "names an ephemeral container; ephemeral containers never receive secrets"))
			default:
				errs = append(errs, field.NotFound(fp(), name))
			}
		}
		volumeExists := func(name string) bool {
			return name == "" || volumeNamed(spec.Volumes, name) || slices.ContainsFunc(xs, func(o secretspec.Extras) bool { return volumeNamed(o.Volumes, name) })
		}
		for j := range x.Mounts {
			if name := x.Mounts[j].Name; !volumeExists(name) {
				errs = append(errs, field.Invalid(extrasPath(k, "mounts", j).Child("name"), name, noVolume))
			}
		}
		for j := range x.InitContainers {
			for m, vm := range x.InitContainers[j].VolumeMounts {
				if !volumeExists(vm.Name) {
					errs = append(errs, field.Invalid(extrasPath(k, "initContainers", j).Child("volumeMounts").Index(m).Child("name"), vm.Name, noVolume))
				}
			}
		}
		for j := range x.InitContainers {
			c := &x.InitContainers[j]
			if hasContainer(spec.Containers, c.Name) || slices.ContainsFunc(spec.EphemeralContainers, func(e corev1.EphemeralContainer) bool { return e.Name == c.Name }) {
				errs = append(errs, field.Invalid(extrasPath(k, "initContainers", j).Child("name"), c.Name, "is the name of one of the pod's containers"))
			}
			if o, oi := findEarlier(xs[:k], func(o *secretspec.Extras) []corev1.Container { return o.InitContainers }, c.Name, func(c *corev1.Container) string { return c.Name }); o >= 0 &&
				!equality.Semantic.DeepEqual(*c, xs[o].InitContainers[oi]) {
				errs = append(errs, field.Forbidden(extrasPath(k, "initContainers", j), fmt.Sprintf(
					"init container %q differs from the one extras[%d].initContainers[%d] adds", c.Name, o, oi)))
			}
		}
		for j := range x.Volumes {
			v := &x.Volumes[j]
			if o, oi := findEarlier(xs[:k], func(o *secretspec.Extras) []corev1.Volume { return o.Volumes }, v.Name, func(v *corev1.Volume) string { return v.Name }); o >= 0 &&
				!equality.Semantic.DeepEqual(*v, xs[o].Volumes[oi]) {
				errs = append(errs, field.Forbidden(extrasPath(k, "volumes", j), fmt.Sprintf(
					"volume %q differs from the one extras[%d].volumes[%d] adds", v.Name, o, oi)))
			}
		}
		if len(x.Annotations) > 0 {
			if !meta {
				errs = append(errs, field.Forbidden(field.NewPath("extras").Index(k).Child("annotations"),
					"a PodSpec has no metadata: annotations need a Pod or pod template (use ApplyPod or ApplyTemplate)"))
			}
			for _, key := range sortedKeys(x.Annotations) {
				for o := range k {
					if ov, ok := xs[o].Annotations[key]; ok && ov != x.Annotations[key] {
						errs = append(errs, field.Forbidden(field.NewPath("extras").Index(k).Child("annotations").Key(key), fmt.Sprintf(
							"annotation %q has another value in extras[%d]", key, o)))
						break
					}
				}
			}
		}
	}
	return errs
}

const noVolume = "names no volume of the pod or of the Extras"

// findEarlier finds, in the lists of xs, the first entry called name: its Extras and index,
// or -1, -1.
func findEarlier[T any](xs []secretspec.Extras, list func(*secretspec.Extras) []T, name string, nameOf func(*T) string) (int, int) {
	for o := range xs {
		l := list(&xs[o])
		for i := range l {
			if nameOf(&l[i]) == name {
				return o, i
			}
		}
	}
	return -1, -1
}

// isFetcher reports whether name is an init container some Extras adds.
func isFetcher(xs []secretspec.Extras, name string) bool {
	for k := range xs {
		if hasContainer(xs[k].InitContainers, name) {
			return true
		}
	}
	return false
}

// extrasReach reports whether the Env and Mounts of x reach the container called name.
func (a *applier) extrasReach(x *secretspec.Extras, name string, init bool) bool {
	if len(x.Containers) == 0 {
		return !init || !a.cfg.noInit
	}
	return slices.Contains(x.Containers, name)
}

// settleExtras decides, before the containers are done, what becomes of the Extras' init
// containers and volumes: each is added, or left alone because the pod has an identical one,
// or is a conflict with the pod's entry of that name, for the ConflictPolicy. An item given
// by several Extras (identical, as validated) counts once.
func (a *applier) settleExtras() {
	for k := range a.cfg.extras {
		x := &a.cfg.extras[k]
		for i := range x.InitContainers {
			c := &x.InitContainers[i]
			if hasFetcher(a.fetchers, c.Name) {
				continue
			}
			it := extrasItem[corev1.Container]{x: k, i: i, v: c, at: -1}
			for j := range a.src.InitContainers {
				if a.src.InitContainers[j].Name == c.Name {
					it.at = j
					break
				}
			}
			if it.at >= 0 && !equality.Semantic.DeepEqual(a.src.InitContainers[it.at], *c) {
				switch a.cfg.policy {
				case ConflictFail:
					a.errs = append(a.errs, field.Forbidden(specPath(a.at).Child("initContainers").Index(it.at), fmt.Sprintf(
						"conflict: the pod has init container %q, and %s adds a different one of that name",
						c.Name, extrasPath(k, "initContainers", i))))
				case ConflictOverride:
					it.override = true
				}
			}
			a.fetchers = append(a.fetchers, it)
		}
		for i := range x.Volumes {
			v := &x.Volumes[i]
			if slices.ContainsFunc(a.extraVols, func(e extrasItem[corev1.Volume]) bool { return e.v.Name == v.Name }) {
				continue
			}
			it := extrasItem[corev1.Volume]{x: k, i: i, v: v, at: a.podVolume.find(len(a.src.Volumes), v.Name, func(j int) string { return a.src.Volumes[j].Name })}
			if it.at >= 0 && !equality.Semantic.DeepEqual(a.src.Volumes[it.at], *v) {
				switch a.cfg.policy {
				case ConflictFail:
					a.errs = append(a.errs, field.Forbidden(specPath(a.at).Child("volumes").Index(it.at), fmt.Sprintf(
						"conflict: the pod has volume %q, and %s adds a different one of that name",
						v.Name, extrasPath(k, "volumes", i))))
				case ConflictOverride:
					it.override = true
				}
			}
			a.extraVols = append(a.extraVols, it)
		}
	}
}

func hasFetcher(fs []extrasItem[corev1.Container], name string) bool {
	return slices.ContainsFunc(fs, func(f extrasItem[corev1.Container]) bool { return f.v.Name == name })
}

// fetcher returns the Extras' init container that the pod's init container called name is
// (added by an earlier Apply, or the user's), or nil.
func (a *applier) fetcher(name string) *extrasItem[corev1.Container] {
	for i := range a.fetchers {
		if a.fetchers[i].v.Name == name {
			return &a.fetchers[i]
		}
	}
	return nil
}

// initContainers makes the init containers: the Extras' fetchers the pod lacks, in order,
// before the pod's own (after those of its leading init containers that are fetchers, so a
// second Apply keeps the order), then the pod's own with what refs and Extras want. An init
// container that is a fetcher is copied as it is (or, with ConflictOverride, replaced): refs
// and Extras never reach fetchers.
func (a *applier) initContainers() []corev1.Container {
	src := a.src.InitContainers
	if len(a.fetchers) == 0 {
		return a.containers(src, true)
	}
	added := 0
	for i := range a.fetchers {
		if a.fetchers[i].at < 0 {
			added++
		}
	}
	lead := 0 // the pod's leading fetchers
	for lead < len(src) && a.fetcher(src[lead].Name) != nil {
		lead++
	}
	if src == nil && added == 0 {
		return nil
	}
	out := make([]corev1.Container, len(src)+added)
	n := 0
	put := func(i int) {
		if f := a.fetcher(src[i].Name); f != nil {
			if f.override {
				f.v.DeepCopyInto(&out[n])
			} else {
				src[i].DeepCopyInto(&out[n])
			}
		} else {
			a.container(&out[n], &src[i], target{at: a.at, init: true, index: i, name: src[i].Name})
		}
		n++
	}
	for i := range lead {
		put(i)
	}
	for i := range a.fetchers {
		if f := &a.fetchers[i]; f.at < 0 {
			f.v.DeepCopyInto(&out[n])
			n++
		}
	}
	for i := lead; i < len(src); i++ {
		put(i)
	}
	return out
}

// extrasVolumes appends to out the Extras' volumes the pod lacks, and replaces those
// ConflictOverride replaces.
func (a *applier) extrasVolumes(out []corev1.Volume) []corev1.Volume {
	for i := range a.extraVols {
		v := &a.extraVols[i]
		switch {
		case v.at < 0:
			out = append(out, corev1.Volume{})
			v.v.DeepCopyInto(&out[len(out)-1])
		case v.override:
			out[v.at] = corev1.Volume{}
			v.v.DeepCopyInto(&out[v.at])
		}
	}
	return out
}

// extrasVolume returns the volume called name that the pod will have from the Extras (a new
// one, or one replacing the pod's), or nil.
func (a *applier) extrasVolume(name string) (v *corev1.Volume, replaces bool) {
	for i := range a.extraVols {
		if e := &a.extraVols[i]; e.v.Name == name && (e.at < 0 || e.override) {
			return e.v, e.at >= 0
		}
	}
	return nil, false
}

func volumeNamed(vs []corev1.Volume, name string) bool {
	return slices.ContainsFunc(vs, func(v corev1.Volume) bool { return v.Name == name })
}
